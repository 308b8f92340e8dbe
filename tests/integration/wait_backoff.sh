# What "ended" means to launch wait: a job in backoff has not ended (its
# policy runs it again), so a job that fails twice and then exits 0
# succeeded; a job whose policy gives up (--max-restarts) is failed with
# the reason; --restart always never ends (the timeout says so); a job
# that `launch restart` stops is waited for through its next run; a job
# removed while waited on is failed ("removed while waited on"), whether
# it was running or backing off.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../wait-lib.sh"
start_daemon

# Run N waits for $T/gate.N, then fails unless it is the third.
"$LAUNCH" submit -l retry --restart on-failure -- sh -c \
    'n=$(($(cat "$0" 2>/dev/null || echo 0) + 1)); echo $n >"$0"
     while [ ! -e "$1.$n" ]; do sleep 0.02; done; [ $n -ge 3 ]' \
    "$T/count" "$T/gate"
wait_bg retry -- retry
touch "$T/gate.1"
wait_for 10 "the first run to fail and a second to start" job_is retry restarts 1
grep -q 'retry: restarting in 0.1s (failure 1 in a row)' "$T/daemon.log" ||
    fail "the first run's failure put it in backoff"
still_waiting "after the first failure"
touch "$T/gate.2"
wait_for 10 "the third run" job_is retry restarts 2
still_waiting "after the second failure"
touch "$T/gate.3"
wait_exit "$WAIT_PID" 10
assert_eq "$WAIT_STATUS" 0 "the third run exited 0"
assert_eq "$(summary "$T/retry.out" '[.succeeded.labels, .failed.count]')" \
    '[["retry"],0]' "succeeded, after two failures"

# The policy gives up: failed, with its reason.
"$LAUNCH" submit -l giveup --restart on-failure --max-restarts 1 -- sh -c 'exit 5'
run_rc 1 "a job that gave up" "$LAUNCH" wait -t 30 giveup
assert_eq "$(echo "$OUT" | jq -c '.failed.jobs')" \
    '[{"label":"giveup","state":"failed","exit_code":5,"signal":null,"error":"gave up after 1 restarts in a row"}]' \
    "failed, with the policy's reason"

# always: it never ends for good, however often it exits 0.
"$LAUNCH" submit -l forever --restart always -- true
run_rc 6 "a job that always restarts" "$LAUNCH" wait -t 1 forever
assert_eq "$(echo "$OUT" | jq -c '[.timeout.labels, .succeeded.count]')" '[["forever"],0]' "left"
[ "$(job_field forever restarts)" -ge 1 ] || fail "forever did exit meanwhile"
"$LAUNCH" stop forever

# launch restart: the stopped run is not the end.
gated again 0
wait_bg again -- again
pid=$(job_field again pid)
run_rc 0 "restart" "$LAUNCH" restart again
not_alive "$pid" || fail "the first run survived the restart"
wait_for 10 "the second run" job_is again state running
still_waiting "after a restart"
release again
wait_exit "$WAIT_PID" 10
assert_eq "$WAIT_STATUS" 0 "the second run exited 0"
assert_eq "$(summary "$T/again.out" .succeeded.labels)" '["again"]' "succeeded"

# Removed while running: failed, its last state and why.
gated gone 0
wait_bg gone -- gone
run_rc 0 "remove" "$LAUNCH" remove gone
wait_exit "$WAIT_PID" 10
assert_eq "$WAIT_STATUS" 1 "a removed job is a failure"
assert_eq "$(summary "$T/gone.out" .failed.jobs)" \
    '[{"label":"gone","state":"exited","exit_code":null,"signal":"SIGTERM","error":"removed while waited on"}]' \
    "removed while running"

# Removed while backing off (1.6 s after its fifth failure).
"$LAUNCH" submit -l flaky --restart on-failure -- sh -c 'exit 1'
wait_for 10 "flaky to reach a long backoff" grep -q 'flaky: restarting in 1.6s' "$T/daemon.log"
wait_bg flaky -- flaky
run_rc 0 "remove during backoff" "$LAUNCH" remove flaky
wait_exit "$WAIT_PID" 10
assert_eq "$WAIT_STATUS" 1 "a removed job is a failure"
assert_eq "$(summary "$T/flaky.out" '.failed.jobs[0] | [.state, .exit_code, .error]')" \
    '["backoff",1,"removed while waited on"]' "removed during backoff"
run_rc 0 "ping" "$LAUNCH" ping
