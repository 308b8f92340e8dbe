# A socket left by a killed daemon is replaced; a live daemon is not.
. "$(dirname "$0")/../lib.sh"
start_daemon
first=$DAEMON_PID

# A second daemon on the same socket is refused, naming the first's pid.
run_rc 4 "second daemon" "$LAUNCH" serve -S "$SOCK"
assert_eq "$ERR" "launch: a daemon (pid $first) is already serving $SOCK" "message"
run_rc 0 "the first daemon still answers" "$LAUNCH" ping
assert_contains "$OUT" "pid $first," "ping names the first daemon"

# Kill it hard: the socket stays behind, stale.
kill -KILL "$first"
wait_exit "$first" 10
[ -S "$SOCK" ] || fail "expected a stale socket after SIGKILL"
run_rc 3 "a client with only a stale socket" "$LAUNCH" list
assert_contains "$ERR" "no daemon at $SOCK" "message"

start_daemon
[ "$DAEMON_PID" != "$first" ] || fail "same pid?"
grep -q "replacing stale socket $SOCK" "$T/daemon.log" || fail "no log of the replacement"
run_rc 0 "the new daemon answers" "$LAUNCH" ping
assert_contains "$OUT" "pid $DAEMON_PID," "ping names the new daemon"
"$LAUNCH" shutdown
wait_exit "$DAEMON_PID" 10
DAEMON_PID=

# Something that is not a socket is never replaced.
echo precious >"$SOCK"
run_rc 1 "a regular file at the socket path" "$LAUNCH" serve -S "$SOCK"
assert_eq "$(cat "$SOCK")" precious "the file is untouched"
grep -q "exists and is not a socket" "$T/out" "$T/err" ||
	fail "no message about the file"
