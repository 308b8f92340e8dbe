# The history of ended jobs is bounded (serve --history N): the oldest
# ended jobs are forgotten, with their records and logs.
. "$(dirname "$0")/../lib.sh"
start_daemon --history 3
for i in 1 2 3 4 5 6; do
	"$LAUNCH" submit -l "short$i" -- sh -c "echo run $i"
	wait_for 5 "short$i to end" sh -c "[ \"\$('$LAUNCH' status --json short$i | jq -r '.[0].state')\" = exited ]"
done
"$LAUNCH" submit -l live -- sleep 1000
assert_eq "$("$LAUNCH" list --json | jq -r 'map(.label) | join(",")')" "live,short4,short5,short6" "the 3 newest ended jobs and the live one"
assert_eq "$(records | jq -r .label | sort | tr '\n' ' ')" "live short4 short5 short6 " "records of forgotten jobs are gone"
for i in 1 2 3; do
	grep -q "^{\"v\":1,\"forget\":$i}\$" "$T/state/jobs/journal" ||
	    fail "no forget line for short$i (id $i) in the journal"
done
# (live has printed nothing: a log directory is made at a job's first
# output.)
assert_eq "$(ls "$T/state/logs" | sort -n | tr '\n' ' ')" "4 5 6 " "logs of forgotten jobs are gone"
grep -q "short1: forgotten" "$T/daemon.log" || fail "forgetting is not logged"
run_rc 2 "a bad --history" "$LAUNCH" serve -S "$T/other.sock" --history lots
assert_contains "$ERR" "--history lots" "message"
