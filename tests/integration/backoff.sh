# Restart policies: capped exponential backoff (seen as state
# transitions), --max-restarts, the failed state, and stop during backoff.
. "$(dirname "$0")/../lib.sh"
start_daemon

"$LAUNCH" submit -l flaky --restart on-failure --max-restarts 3 -- sh -c 'exit 4'
wait_for 10 "flaky to give up" sh -c "[ \"\$('$LAUNCH' status --json flaky | jq -r '.[0].state')\" = failed ]"
assert_eq "$(job_field flaky restarts)" 3 "restarted 3 times"
assert_eq "$(job_field flaky exit_code)" 4 "last exit code"
assert_contains "$(job_field flaky error)" "gave up after 3 restarts in a row" "error"
# The delays double: 0.1 s, 0.2 s, 0.4 s.
grep -q "flaky: restarting in 0.1s (failure 1 in a row)" "$T/daemon.log" || fail "first delay"
grep -q "flaky: restarting in 0.2s (failure 2 in a row)" "$T/daemon.log" || fail "second delay"
grep -q "flaky: restarting in 0.4s (failure 3 in a row)" "$T/daemon.log" || fail "third delay"
run_rc 0 "list shows failed" "$LAUNCH" list flaky
assert_contains "$OUT" "flaky  process  failed" "list"

# on-failure does not restart a clean exit; always does.
"$LAUNCH" submit -l clean --restart on-failure -- true
wait_for 5 "clean to end" sh -c "[ \"\$('$LAUNCH' status --json clean | jq -r '.[0].state')\" = exited ]"
assert_eq "$(job_field clean restarts)" 0 "a clean exit is not restarted"
"$LAUNCH" submit -l loop --restart always --max-restarts 2 -- true
wait_for 10 "loop to give up" sh -c "[ \"\$('$LAUNCH' status --json loop | jq -r '.[0].state')\" = failed ]"
assert_eq "$(job_field loop restarts)" 2 "always restarts clean exits"

# Backoff is visible, and a stop during it ends the job for good.
"$LAUNCH" submit -l slow --restart always -- sh -c 'exit 1'
wait_for 10 "slow to reach a long backoff" sh -c "grep -q 'slow: restarting in 1.6s' '$T/daemon.log'"
assert_eq "$(job_field slow state)" backoff "state during the delay"
run_rc 0 "stop during backoff" "$LAUNCH" stop slow
assert_eq "$(job_field slow state)" exited "stopped"
r=$(job_field slow restarts)
# No restart happens after the stop: the timer is gone.  Wait past the
# delay by the daemon's own clock: a later job's start shows time moved.
"$LAUNCH" submit -l marker -- sleep 2
wait_for 10 "marker to end" sh -c "[ \"\$('$LAUNCH' status --json marker | jq -r '.[0].state')\" = exited ]"
assert_eq "$(job_field slow restarts)" "$r" "no restart after stop"
assert_eq "$(job_field slow state)" exited "still stopped"

# start runs it again with its spec and resets the policy's count.
run_rc 0 "start" "$LAUNCH" start flaky
wait_for 10 "flaky to give up again" sh -c "[ \"\$('$LAUNCH' status --json flaky | jq -r '.[0].state')\" = failed ]"
