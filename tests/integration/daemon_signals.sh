# SIGTERM to the daemon stops every job and exits 0, removing the socket;
# SIGHUP is ignored.
. "$(dirname "$0")/../lib.sh"
start_daemon

"$LAUNCH" submit -l one -- sleep 1000
"$LAUNCH" submit -l two -- sh -c 'trap "" TERM; sleep 1000'
one=$(job_field one pid)
kill -HUP "$DAEMON_PID"
run_rc 0 "the daemon survives SIGHUP" "$LAUNCH" ping
alive "$one" || fail "SIGHUP to the daemon hurt a job"

kill -TERM "$DAEMON_PID"
wait_exit "$DAEMON_PID" 20
assert_eq "$WAIT_STATUS" 0 "exit status after SIGTERM"
DAEMON_PID=
not_alive "$one" || fail "job one survived the daemon's shutdown"
[ ! -e "$SOCK" ] || fail "socket left behind"
# The job that ignored SIGTERM was killed; its record says so.
two=$(record_id two)
assert_eq "$(record_field "$two" signal)" SIGKILL "job two's end"
assert_eq "$(record_field "$two" state)" exited "job two's state"
