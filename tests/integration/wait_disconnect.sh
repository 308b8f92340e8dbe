# A client that goes away mid-wait costs the daemon nothing: the wait is
# cancelled at once (not when its jobs end, which may be never), the
# jobs it waited for are untouched and end later without a complaint,
# and the daemon serves on; twenty clients killed at once likewise, and
# one that had shut down its writing before it went away.  A client
# of a daemon that shuts down gets its summary before the daemon exits.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../wait-lib.sh"
start_daemon

cancelled() {
	[ "$(grep -c 'cancelled: the client went away' "$T/daemon.log")" -ge "$1" ]
}

gated d1 0
wait_bg one -- d1
kill -TERM "$WAIT_PID"
wait_exit "$WAIT_PID" 10
wait_for 10 "the daemon to cancel the wait" cancelled 1
grep -q 'wait #1 cancelled: the client went away (0 of 1 jobs ended)' "$T/daemon.log" ||
    fail "the cancel names the request"
wait_answered 1 && fail "a cancelled wait was answered"
run_rc 0 "ping after a client went away" "$LAUNCH" ping
assert_eq "$(job_field d1 state)" running "d1 runs on"
release d1
wait_for 10 "d1 to end" job_is d1 state exited
run_rc 0 "ping after d1 ended" "$LAUNCH" ping
grep -q 'settled a wait' "$T/daemon.log" && fail "a stale wait registration"

# Twenty at once, on two jobs, one of them already ended.
gated d2 0
"$LAUNCH" submit -l d3 -- true
wait_for 10 "d3 to end" job_is d3 state exited
n=$(wait_requests)
pids=
for i in $(seq 20); do
	"$LAUNCH" wait d2 d3 >/dev/null 2>&1 &
	pids="$pids $!"
done
KILL_PIDS="$KILL_PIDS $pids"
wait_for 10 "the daemon to take twenty waits" wait_taken $((n + 20))
# shellcheck disable=SC2086
kill -KILL $pids
wait_for 10 "the daemon to cancel twenty waits" cancelled 21
release d2
wait_for 10 "d2 to end" job_is d2 state exited
run_rc 0 "ping after twenty clients went away" "$LAUNCH" ping
run_rc 0 "list" "$LAUNCH" list --json
assert_eq "$(echo "$OUT" | jq -r 'map(.label + "=" + .state)|join(" ")')" \
    "d1=exited d2=exited d3=exited" "the jobs"

# A client that shut down its writing first (socat after its input) and
# then goes away: noticed too.
gated d5 0
n=$(wait_requests)
printf '%s\n' '{"v":7,"id":1,"op":"wait","match":["d5"]}' |
    socat -t 1000 - "UNIX-CONNECT:$SOCK" >/dev/null &
pid=$!
KILL_PIDS="$KILL_PIDS $pid"
wait_for 10 "the daemon to take the wait" wait_taken $((n + 1))
wait_for 10 "the daemon to see the half-close" grep -q 'input ended mid-wait' "$T/daemon.log"
kill -KILL "$pid"
wait_for 10 "the daemon to cancel the half-closed client's wait" cancelled 22
release d5
wait_for 10 "d5 to end" job_is d5 state exited
run_rc 0 "ping after the half-closed client went away" "$LAUNCH" ping

# The daemon shuts down: the wait gets its summary first.
gated d4 0
wait_bg last -- d4
run_rc 0 "shutdown" "$LAUNCH" shutdown
wait_exit "$WAIT_PID" 10
assert_eq "$WAIT_STATUS" 1 "d4 was stopped: a failure"
assert_eq "$(summary "$T/last.out" '.failed.jobs[0] | [.label, .signal]')" \
    '["d4","SIGTERM"]' "the summary"
wait_exit "$DAEMON_PID" 10
assert_eq "$WAIT_STATUS" 0 "the daemon's exit status"
DAEMON_PID=
