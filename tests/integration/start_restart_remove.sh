# start runs an ended job again with its original spec, appending to the
# same log; restart stops a running job and starts it again; remove stops
# a job and forgets it with its record and logs; unknown labels and globs
# that match nothing are exit 1; globs select.
. "$(dirname "$0")/../lib.sh"
start_daemon

state_is() { [ "$(job_field "$1" state)" = "$2" ]; }
mkdir "$T/wd"

# start: the same argv, env and cwd; a new pid; output appended.
"$LAUNCH" submit -l once -d "$T/wd" -e MYVAR=hello -- \
    sh -c 'echo "run pid=$$ cwd=$(pwd) var=$MYVAR args=$0,$1"' first second
wait_for 5 "once to exit" state_is once exited
id=$(job_field once id)
spec1=$("$LAUNCH" status --json once | jq -c '.[0] | [.argv, .env, .cwd]')
started1=$(job_field once started_at)
run_rc 0 "start an exited job" "$LAUNCH" start once
assert_eq "$OUT" "" "start is quiet on success"
wait_for 5 "once to exit again" state_is once exited
assert_eq "$(job_field once id)" "$id" "the same job"
assert_eq "$("$LAUNCH" status --json once | jq -c '.[0] | [.argv, .env, .cwd]')" "$spec1" "the same spec"
[ "$(job_field once started_at)" != "$started1" ] || fail "started_at did not change"
assert_eq "$(job_field once exit_code)" 0 "exit code of the second run"
run_rc 0 "logs" "$LAUNCH" logs once
assert_eq "$(echo "$OUT" | wc -l)" 2 "two runs in one log"
line1=$(echo "$OUT" | sed -n 1p) line2=$(echo "$OUT" | sed -n 2p)
p1=$(echo "$line1" | sed 's/^run pid=\([0-9]*\) .*/\1/')
p2=$(echo "$line2" | sed 's/^run pid=\([0-9]*\) .*/\1/')
assert_eq "$line1" "run pid=$p1 cwd=$T/wd var=hello args=first,second" "the first run's output"
assert_eq "$line2" "run pid=$p2 cwd=$T/wd var=hello args=first,second" "the second run's output: same argv, env, cwd"
[ "$p1" != "$p2" ] || fail "start reused pid $p1"
[ -f "$T/state/logs/$id/stdout.log" ] || fail "the log is not at logs/$id"

# restart: the old process is gone, a new one runs; -v shows it.
"$LAUNCH" submit -l svc -e MODE=x -- sh -c 'echo "svc $$ $MODE"; exec sleep 1000'
old=$(job_field svc pid)
run_rc 0 "restart a running job" "$LAUNCH" -v restart svc
new=$(job_field svc pid)
assert_eq "$OUT" "svc: running, pid $new" "restart -v shows the new state"
[ "$new" != "$old" ] || fail "restart kept pid $old"
not_alive "$old" || fail "the old process $old survived restart"
alive "$new" || fail "the new process $new is not alive"
assert_eq "$(job_field svc state)" running "state after restart"
wait_for 5 "svc's second run in its log" sh -c "[ \"\$('$LAUNCH' logs svc | wc -l)\" = 2 ]"
assert_eq "$("$LAUNCH" logs svc)" "svc $old x
svc $new x" "both runs in the log, with the same env"
# restart of an ended job starts it.
run_rc 0 "restart an exited job" "$LAUNCH" restart once
wait_for 5 "once's third run" sh -c "[ \"\$('$LAUNCH' logs once | wc -l)\" = 3 ]"

# remove: stops a running job and forgets it, record and logs included.
for l in tmp1 tmp2 tmp3 keep; do
	"$LAUNCH" submit -l $l -- sh -c 'echo hi; exec sleep 1000'
done
wait_for 5 "tmp1's log" sh -c "[ \"\$('$LAUNCH' logs tmp1)\" = hi ]"
t1=$(job_field tmp1 id)
p1=$(job_field tmp1 pid)
[ -n "$(record_of "$t1")" ] && [ -d "$T/state/logs/$t1" ] ||
	fail "tmp1 has no record or log directory to remove"
"$LAUNCH" logs -f tmp1 >"$T/follow" 2>"$T/follow.err" &
follower=$!
KILL_PIDS=$follower
wait_for 5 "the follower to start" grep -qx hi "$T/follow"
run_rc 0 "remove a running job" "$LAUNCH" -v remove tmp1
assert_contains "$OUT" "tmp1: exited, SIGTERM" "remove -v shows how it ended"
not_alive "$p1" || fail "tmp1 (pid $p1) survived remove"
assert_eq "$("$LAUNCH" list tmp1)" "" "tmp1 is not listed"
run_rc 1 "status of a removed job" "$LAUNCH" status tmp1
assert_contains "$ERR" "tmp1: no such job" "a removed job is unknown"
assert_eq "$(record_of "$t1")" "" "tmp1's record in the journal"
grep -qx "{\"v\":1,\"forget\":$t1}" "$T/state/jobs/journal" ||
	fail "the journal has no forget line for tmp1"
[ ! -e "$T/state/jobs/$t1.status" ] || fail "the status jobs/$t1.status is still there"
[ ! -e "$T/state/logs/$t1" ] || fail "the log directory logs/$t1 is still there"
# A follower of the removed job's log ends with exit 1.
wait_exit "$follower" 5
KILL_PIDS=
assert_eq "$WAIT_STATUS" 1 "a follow ends with exit 1 when its job is removed"
assert_contains "$(cat "$T/follow.err")" "the log directory was removed" "the follower says why"

# Globs: tmp* takes tmp2 and tmp3, not keep.
p2=$(job_field tmp2 pid) p3=$(job_field tmp3 pid) pk=$(job_field keep pid)
run_rc 0 "remove a glob" "$LAUNCH" remove 'tmp*'
assert_eq "$("$LAUNCH" list --json | jq -r 'map(.label) | join(" ")')" "keep once svc" "what a glob leaves"
not_alive "$p2" || fail "tmp2 survived remove 'tmp*'"
not_alive "$p3" || fail "tmp3 survived remove 'tmp*'"
alive "$pk" || fail "keep was stopped by remove 'tmp*'"
# The label is free again: a new job, a new id.
run_rc 0 "submit a removed label" "$LAUNCH" submit -l tmp1 -- sleep 1000
[ "$(job_field tmp1 id)" != "$t1" ] || fail "a new job got the removed job's id"
"$LAUNCH" stop tmp1
run_rc 0 "start with a glob" "$LAUNCH" start 'tmp*'
assert_eq "$(job_field tmp1 state)" running "start 'tmp*' started tmp1"

# Unknown labels and globs that match nothing.
for cmd in start restart remove; do
	run_rc 1 "$cmd of an unknown label" "$LAUNCH" $cmd nosuch
	assert_contains "$ERR" "nosuch: no such job" "$cmd of an unknown label"
	run_rc 1 "$cmd of a glob matching nothing" "$LAUNCH" $cmd 'zz*'
	assert_contains "$ERR" "launch: zz*: no job matches" "$cmd of a glob matching nothing"
done
# A name that matches nothing does not stop the others.
pk=$(job_field keep pid)
run_rc 1 "remove a job and an unknown label" "$LAUNCH" remove keep nosuch
assert_contains "$ERR" "nosuch: no such job" "the unknown label is reported"
not_alive "$pk" || fail "keep survived remove keep nosuch"
assert_eq "$("$LAUNCH" list keep)" "" "keep was removed"
