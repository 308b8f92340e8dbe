# The container engine goes away while a container runs (its containers
# live on, under conmon).  The daemon keeps the job running and asks
# again until the engine answers, then waits on the container as before.
# A shutdown while the engine is away does not hang: the job is lost, and
# `launch start` later finds its container still running.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers/docker-lib.sh"
start_podman
start_daemon

stop_engine() {
	_p=$(cat "$PODMAN_DIR/podman.pid")
	kill -TERM "$_p"
	wait_for 15 "the podman service (pid $_p) to exit" not_alive "$_p"
}
engine_again() {
	bash "$PODMAN_SERVICE" start "$PODMAN_DIR" >/dev/null 2>"$T/podman-start.err" ||
		fail "podman-service.sh start again: $(tail -n 3 "$T/podman-start.err")"
}

"$LAUNCH" submit -l runner --docker "$IMAGE" -- \
    sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
pid=$(job_field runner pid)
stop_engine
wait_for 10 "the daemon to notice" grep -q \
    "runner: cannot reach the container engine at unix://$PODMAN_SOCK: .*; trying again" "$T/daemon.log"
alive "$pid" || fail "the container died with the engine"
assert_eq "$(job_field runner state)" running "still running without the engine"
engine_again
wait_for 15 "the daemon to reach the engine again" grep -q \
    "runner: the container engine answers again" "$T/daemon.log"
assert_eq "$(job_field runner state)" running "running again"
assert_eq "$(job_field runner pid)" "$pid" "same pid"
run_rc 0 "stop after the engine came back" "$LAUNCH" -v stop runner
assert_eq "$OUT" "runner: exited, exit 0" "the wait works again"

# Shut down while the engine is away: no hang; lost.
"$LAUNCH" submit -l orphan --docker "$IMAGE" -- \
    sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
id=$(job_field orphan container)
pid=$(job_field orphan pid)
stop_engine
t0=$(date +%s)
run_rc 0 "shutdown without the engine" "$LAUNCH" shutdown
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
[ $(($(date +%s) - t0)) -lt 10 ] || fail "shutdown took $(($(date +%s) - t0)) s"
grep -q "orphan: lost: cannot reach the container engine" "$T/daemon.log" ||
	fail "orphan was not reported lost"
alive "$pid" || fail "the orphaned container died"

# Later, with the engine back: the job says why it was lost, and a start
# takes its container up again where it runs.
engine_again
start_daemon
assert_contains "$(job_field orphan error)" "lost: cannot reach the container engine" "the record keeps why"
run_rc 0 "start the lost job" "$LAUNCH" start orphan
assert_eq "$(job_field orphan state)" running "running again"
assert_eq "$(job_field orphan container)" "$id" "in its own container"
assert_eq "$(job_field orphan pid)" "$pid" "which never stopped"
run_rc 0 "stop" "$LAUNCH" -v stop orphan
assert_eq "$OUT" "orphan: exited, exit 0" "stopped through the engine"
