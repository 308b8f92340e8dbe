# How a receiver ends.  SIGINT unsubscribes and removes its state file
# (exit 0).  SIGTERM with a state file keeps the subscription (the daemon
# queues meanwhile) and the file, so the same command resumes it; without
# one (port 0, no --state) it unsubscribes.  A stdout that fails ends it
# with exit 1 without acknowledging the event it could not print, which
# the same command with a good stdout then prints.  A SIGINT the daemon
# cannot hear is exit 1, and the file stays.
. "$(dirname "$0")/../lib.sh"
start_daemon
gone() { [ -z "$(sub_field "$1" id)" ]; }

# The listening line, and the address registered: the bound port.
start_receiver a --state "$T/a.json"
assert_eq "$(grep '^launch: listening' "$T/a.err")" \
    "launch: listening on 127.0.0.1:$RECV_PORT, subscription $RECV_SUB (events failures, match *)" \
    "the listening line"
assert_eq "$(sub_field "$RECV_SUB" addr)" "127.0.0.1:$RECV_PORT" "the address registered"
assert_eq "$(jq -r '.token | test("^[0-9a-f]{32}$")' "$T/a.json")" true \
    "the state file has the token"
kill -INT "$RECV_PID"
wait_exit "$RECV_PID" 10
assert_eq "$WAIT_STATUS" 0 "exit status after SIGINT"
gone "$RECV_SUB" || fail "SIGINT left the subscription"
[ ! -e "$T/a.json" ] || fail "SIGINT left the state file"

start_receiver b --state "$T/b.json"
SUB=$RECV_SUB
kill -TERM "$RECV_PID"
wait_exit "$RECV_PID" 10
assert_eq "$WAIT_STATUS" 0 "exit status after SIGTERM"
assert_eq "$(cat "$T/b.err" | tail -n 1)" \
    "launch: stopped; subscription $SUB is kept and queues events: the same command resumes it" \
    "SIGTERM's last words"
[ -e "$T/b.json" ] || fail "SIGTERM removed the state file"
wait_for 10 "the daemon to find b gone" sub_is "$SUB" .state '"retrying"'
"$LAUNCH" submit -l b1 -- sh -c 'exit 1'
wait_for 10 "b1 to be queued" sub_is "$SUB" .queued 1
start_receiver b2 --state "$T/b.json"
assert_eq "$RECV_SUB" "$SUB" "the same command resumes the subscription"
wait_for 10 "b1 to be delivered" sub_settled "$SUB" 1
assert_contains "$(cat "$T/b2.out")" " b1: exited with code 1 (pid " "b1 printed"
kill -INT "$RECV_PID"
wait_exit "$RECV_PID" 10

start_receiver c
SUB=$RECV_SUB
kill -TERM "$RECV_PID"
wait_exit "$RECV_PID" 10
assert_eq "$WAIT_STATUS" 0 "exit status after SIGTERM without a state file"
gone "$SUB" || fail "SIGTERM without a state file left the subscription"

# stdout fails (a full disk): exit 1, the event not acknowledged.
"$LAUNCH" subscribe --serve -a 127.0.0.1:0 --state "$T/d.json" >/dev/full \
    2>"$T/d.err" &
D=$!
KILL_PIDS="$KILL_PIDS $D"
wait_for 10 "d to listen" grep -q '^launch: listening' "$T/d.err"
SUB=$(sed -n 's/^launch: listening on .*, subscription \([0-9]*\) .*/\1/p' "$T/d.err")
"$LAUNCH" submit -l d1 -- sh -c 'exit 1'
wait_exit "$D" 10
assert_eq "$WAIT_STATUS" 1 "exit status when stdout fails"
assert_contains "$(cat "$T/d.err")" "launch: stdout: No space left on device" \
    "the stdout error"
assert_contains "$(cat "$T/d.err")" \
    "launch: subscription $SUB is kept: the same command resumes it" "kept"
wait_for 10 "the daemon to find d gone" sub_is "$SUB" '[.state, .queued, .delivered]' \
    '["retrying",1,0]'
start_receiver d2 --json --state "$T/d.json"
assert_eq "$RECV_SUB" "$SUB" "resumed"
wait_for 10 "d1 to be delivered" sub_settled "$SUB" 1
assert_eq "$(jq -c '[.seq, .label]' "$T/d2.out")" '[1,"d1"]' "d1, printed now"

# SIGINT with the daemon gone: exit 1, the state file kept.
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
kill -INT "$RECV_PID"
wait_exit "$RECV_PID" 10
assert_eq "$WAIT_STATUS" 1 "exit status after SIGINT with no daemon"
assert_contains "$(cat "$T/d2.err")" \
    "launch: subscription $SUB was not removed (it expires after its TTL; \`launch unsubscribe $SUB\` removes it)" \
    "SIGINT with no daemon"
[ -e "$T/d.json" ] || fail "the state file was removed"
start_daemon
