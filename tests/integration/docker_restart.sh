# Starting a container job again: the restart policy (on-failure,
# --max-restarts), `launch start` and `launch restart` start the job's
# own container again (same id, its log goes on); a container removed
# behind launch's back is created anew.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers/docker-lib.sh"
start_podman
start_daemon

# on-failure: three runs (the first and two restarts), then failed.
"$LAUNCH" submit -l flaky --docker "$IMAGE" --restart on-failure \
    --max-restarts 2 -- sh -c 'echo run; exit 2'
wait_for 30 "flaky to give up" job_is flaky state failed
assert_eq "$(job_field flaky restarts)" 2 "restarts"
assert_eq "$(job_field flaky exit_code)" 2 "last exit code"
assert_contains "$(job_field flaky error)" "gave up after 2 restarts" "error"
id=$(job_field flaky container)
run_rc 0 "logs" "$LAUNCH" logs flaky
assert_eq "$OUT" "run
run
run" "one container, three runs in its log"
assert_eq "$(api '/containers/json?all=1' | jq '[.[] | select(.Labels["launch.label"] == "flaky")] | length')" 1 "one container for the job"

# on-failure does not restart a clean exit.
"$LAUNCH" submit -l clean --docker "$IMAGE" --restart on-failure -- true
wait_for 20 "clean to exit" job_is clean state exited
assert_eq "$(job_field clean restarts)" 0 "no restart after exit 0"

# `launch start` starts the same container again (and the policy
# applies again: two more restarts).
run_rc 0 "start" "$LAUNCH" start flaky
assert_eq "$(job_field flaky container)" "$id" "the same container"
wait_for 30 "flaky to give up again" job_is flaky restarts 4
wait_for 10 "flaky to fail again" job_is flaky state failed
run_rc 0 "logs" "$LAUNCH" logs flaky
assert_eq "$(echo "$OUT" | wc -l)" 6 "six runs in the container's log"

# `launch restart` of a running one: stopped, then started again, same
# container, a new pid.
"$LAUNCH" submit -l svc --docker "$IMAGE" -- \
    sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
id=$(job_field svc container)
pid=$(job_field svc pid)
run_rc 0 "restart" "$LAUNCH" restart svc
assert_eq "$(job_field svc state)" running "running after restart"
assert_eq "$(job_field svc container)" "$id" "restart keeps the container"
[ "$(job_field svc pid)" != "$pid" ] || fail "restart kept the pid"
not_alive "$pid" || fail "the old process survived the restart"

# Removed behind launch's back: the next start creates another.
"$LAUNCH" stop svc
api "/containers/$id?force=true" -X DELETE
run_rc 0 "start after the container was removed" "$LAUNCH" start svc
new=$(job_field svc container)
[ "$new" != "$id" ] && [ ${#new} -eq 64 ] || fail "new container id: $new"
assert_eq "$(job_field svc state)" running "running in a new container"
assert_eq "$(container_state "$new")" running "the engine runs it"
grep -q "svc: its container ${id%"${id#????????????}"} is gone; creating another" "$T/daemon.log" ||
	fail "the daemon did not log the new container"

# always: restarted after an exit 0 too, until stopped.
"$LAUNCH" submit -l forever --docker "$IMAGE" --restart always -- true
wait_for 20 "forever to be restarted" sh -c '[ "$("$0" status --json forever | jq -r ".[0].restarts")" -ge 2 ]' "$LAUNCH"
run_rc 0 "stop forever" "$LAUNCH" stop forever
wait_for 10 "forever to stay exited" job_is forever state exited
