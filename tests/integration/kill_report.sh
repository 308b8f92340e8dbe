# The daemon dies between a shim's report of its job's end and the
# commit of that end to the journal: the end is not lost.  The daemon is
# stopped (SIGSTOP), the job ends, and its shim's report waits unread in
# the daemon's socket (seen with ss: bytes queued on the daemon's end).
# - x: the daemon is then SIGKILLed.  The shim gets no ack, writes its
#   status file and exits; the next daemon reports x's true exit code.
# - y: the shim is SIGKILLed instead, its report already sent; the
#   daemon, continued, reads it and records y's true exit code (not
#   "lost"), and no status file is written.
. "$(dirname "$0")/../lib.sh"
command -v ss >/dev/null || skip "ss (iproute2) is missing"

# Bytes queued for the daemon on one of its Unix sockets.
report_queued() {
	ss -xpn 2>/dev/null | awk -v p="pid=$DAEMON_PID," \
	    'index($0, p) && $3 > 0 { found = 1 } END { exit !found }'
}
gate_job() {
	mkfifo "$T/$1.gate"
	"$LAUNCH" submit -l "$1" -- sh -c "read x <'$T/$1.gate'; exit $2"
}

start_daemon
gate_job x 7
xid=$(job_field x id)
xpid=$(job_field x pid)
xshim=$(ps -o ppid= -p "$xpid" | tr -d ' ')
report_queued && fail "bytes queued for the daemon before anything happened"
kill -STOP "$DAEMON_PID"
echo go >"$T/x.gate"
wait_for 10 "x to end" not_alive "$xpid"
wait_for 10 "x's report to wait in the daemon's socket" report_queued
alive "$xshim" || fail "x's shim went before its end was acknowledged"
[ ! -e "$T/state/jobs/$xid.status" ] ||
    fail "x's shim wrote a status file while a daemon was connected"
kill -KILL "$DAEMON_PID"
kill -CONT "$DAEMON_PID" 2>/dev/null || true
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
wait_for 10 "x's shim to go once its daemon went" not_alive "$xshim"
jq -e '.wstatus == 1792' "$T/state/jobs/$xid.status" >/dev/null ||
    fail "x's status file: $(cat "$T/state/jobs/$xid.status" 2>&1)"
start_daemon
assert_eq "$(job_field x state) $(job_field x exit_code)" "exited 7" \
    "x's end, reported after the daemon died before committing it"

gate_job y 9
yid=$(job_field y id)
ypid=$(job_field y pid)
yshim=$(ps -o ppid= -p "$ypid" | tr -d ' ')
kill -STOP "$DAEMON_PID"
echo go >"$T/y.gate"
wait_for 10 "y to end" not_alive "$ypid"
wait_for 10 "y's report to wait in the daemon's socket" report_queued
kill -KILL "$yshim"
wait_for 10 "y's shim to go" not_alive "$yshim"
kill -CONT "$DAEMON_PID"
wait_for 10 "y to be seen ended" job_is y state exited
assert_eq "$(job_field y exit_code) $(job_field y error)" "9 null" \
    "y's end, reported though its shim died right after telling it"
[ ! -e "$T/state/jobs/$yid.status" ] || fail "y's killed shim left a status file"
# And the journal has it: a new daemon says the same.
"$LAUNCH" shutdown >/dev/null
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
start_daemon
assert_eq "$(job_field y state) $(job_field y exit_code)" "exited 9" "y's end after a restart"
assert_eq "$(job_field x state) $(job_field x exit_code)" "exited 7" "x's end after a restart"
