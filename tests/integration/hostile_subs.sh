# Subscriber state redirects nothing either: a symlink planted at a
# subscription's queue journal is refused (the subscription is skipped
# with the reason in the log) and its target left as it was; a receiver's
# --state file that is a symlink or a FIFO is refused at once, in words.
. "$(dirname "$0")/../lib.sh"
printf 'precious\n' >"$T/victim"
start_daemon

start_receiver r1 --json --state "$T/r.json"
SUB=$RECV_SUB
kill -TERM "$RECV_PID"
wait_exit "$RECV_PID" 10
"$LAUNCH" submit -l fails -- sh -c 'exit 3' >/dev/null
wait_for 10 "the event to be queued" sub_is "$SUB" .queued 1
"$LAUNCH" shutdown >/dev/null
wait_exit "$DAEMON_PID" 10
DAEMON_PID=

Q=$LAUNCH_STATE_DIR/subs/$SUB.queue
[ -f "$Q" ] || fail "no journal at $Q"
rm "$Q"
ln -s "$T/victim" "$Q"
start_daemon
grep -q "$Q: a symbolic link: refused" "$T/daemon.log" ||
	fail "the symlinked journal is not reported"
assert_eq "$(cat "$T/victim")" precious "the journal's target is unchanged"
"$LAUNCH" submit -l fails2 -- sh -c 'exit 3' >/dev/null
wait_for 10 "fails2 to end" job_is fails2 state exited
assert_eq "$(cat "$T/victim")" precious "the journal's target is unchanged after an event"
"$LAUNCH" -q ping || fail "the daemon stopped answering"

# The receiver's own state file.
for how in sym fifo; do
	rm -f "$T/r.json"
	if [ $how = sym ]; then ln -s "$T/victim" "$T/r.json"; else mkfifo "$T/r.json"; fi
	run_rc 1 "a receiver state that is a $how" timeout 10 "$LAUNCH" subscribe \
	    --serve -a 127.0.0.1:0 --state "$T/r.json"
	case $how in
	sym) assert_contains "$ERR" "r.json: a symbolic link: refused" "symlink message" ;;
	fifo) assert_contains "$ERR" "r.json: not a regular file: refused" "FIFO message" ;;
	esac
done
assert_eq "$(cat "$T/victim")" precious "the receiver state's target is unchanged"
