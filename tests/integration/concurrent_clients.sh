# 100 clients at once all get correct replies.
. "$(dirname "$0")/../lib.sh"
start_daemon

i=0
pids=
while [ $i -lt 100 ]; do
	if [ $((i % 2)) -eq 0 ]; then
		"$LAUNCH" -v submit -l "c$i" -- sleep 1000 >"$T/c$i.out" 2>&1 &
	else
		"$LAUNCH" ping >"$T/c$i.out" 2>&1 &
	fi
	pids="$pids $!"
	i=$((i + 1))
done
i=0
for pid in $pids; do
	wait "$pid" || fail "client $i failed: $(cat "$T/c$i.out")"
	i=$((i + 1))
done
i=0
while [ $i -lt 100 ]; do
	if [ $((i % 2)) -eq 0 ]; then
		assert_contains "$(cat "$T/c$i.out")" "c$i: running, pid" "submit reply $i"
	else
		assert_contains "$(cat "$T/c$i.out")" "launch " "ping reply $i"
	fi
	i=$((i + 1))
done
assert_eq "$("$LAUNCH" list --json 'c*' | jq '[.[] | select(.state == "running")] | length')" 50 "running jobs"

# 100 concurrent status calls, each for its own job, each answered right.
pids=
i=0
while [ $i -lt 100 ]; do
	"$LAUNCH" status --json "c$((i / 2 * 2))" >"$T/s$i.out" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
for pid in $pids; do wait "$pid" || fail "a status client failed"; done
i=0
while [ $i -lt 100 ]; do
	assert_eq "$(jq -r '.[0].label' "$T/s$i.out")" "c$((i / 2 * 2))" "status reply $i"
	i=$((i + 1))
done
run_rc 0 "stop all" "$LAUNCH" stop 'c*'
assert_eq "$("$LAUNCH" list --json | jq '[.[] | select(.state == "exited")] | length')" 50 "all stopped"
