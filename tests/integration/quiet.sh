# Quiet success: submit, stop, start, restart, remove, unsubscribe and
# shutdown print nothing at all on success (stdout and stderr empty),
# and with -v say what they did.  subscribe (registering) is the
# exception, and prints its one line: the token it made up exists
# nowhere else (the daemon never shows it) and the id is what
# unsubscribe takes; -q silences it.
. "$(dirname "$0")/../lib.sh"
start_daemon

# quiet DESC CMD...: CMD succeeds and prints nothing.
quiet() {
	_q_desc=$1
	shift
	run_rc 0 "$_q_desc" "$@"
	assert_eq "$OUT" "" "$_q_desc: stdout"
	assert_eq "$ERR" "" "$_q_desc: stderr"
}

quiet "submit" "$LAUNCH" submit -l a -- sleep 100
run_rc 0 "submit -v" "$LAUNCH" -v submit -l b -- sleep 100
assert_eq "$OUT" "b: running, pid $(job_field b pid)" "submit -v"
assert_eq "$ERR" "" "submit -v: stderr"
"$LAUNCH" export a >"$T/a.json"
"$LAUNCH" remove a
quiet "submit -f" "$LAUNCH" submit -f "$T/a.json"

# Each on a (quiet), then with -v on b, which it says how it left.
for cmd in stop start restart remove; do
	quiet "$cmd" "$LAUNCH" $cmd a
	run_rc 0 "$cmd -v" "$LAUNCH" -v $cmd b
	case $cmd in
	start | restart) want="b: running, pid $(job_field b pid)" ;;
	*) want="b: exited, SIGTERM" ;;
	esac
	assert_eq "$OUT" "$want" "$cmd -v"
	assert_eq "$ERR" "" "$cmd -v: stderr"
done

run_rc 0 "subscribe" "$LAUNCH" subscribe -a 127.0.0.1:1 \
    --token 0123456789abcdef0123456789abcdef
assert_eq "$OUT" "subscription 1 for 127.0.0.1:1, token 0123456789abcdef0123456789abcdef" \
    "subscribe prints its result"
assert_eq "$ERR" "" "subscribe: stderr"
quiet "subscribe -q" "$LAUNCH" -q subscribe -a 127.0.0.1:2
quiet "unsubscribe" "$LAUNCH" unsubscribe 1
run_rc 0 "unsubscribe -v" "$LAUNCH" -v unsubscribe 2
assert_eq "$OUT" "unsubscribed 2 (127.0.0.1:2)" "unsubscribe -v"

"$LAUNCH" submit -l c -- sleep 100
quiet "shutdown" "$LAUNCH" shutdown
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
start_daemon
"$LAUNCH" submit -l d -- sleep 100
run_rc 0 "shutdown -v" "$LAUNCH" -v shutdown
assert_eq "$OUT" "c: exited, SIGTERM
d: exited, SIGTERM
daemon shut down" "shutdown -v: each job, then the daemon"
wait_exit "$DAEMON_PID" 10
start_daemon
"$LAUNCH" remove c d
run_rc 0 "shutdown -v, no job" "$LAUNCH" -v shutdown
assert_eq "$OUT" "daemon shut down" "shutdown -v says so with no job"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
