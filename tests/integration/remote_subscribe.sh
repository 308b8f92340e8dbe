# A receiver here for a remote daemon's events: `subscribe --serve -H
# HOST -a :0` registers through ssh, with the address the remote daemon
# can reach: this side's end of the ssh connection (with namespaces, the
# root side of the veth, 10.231.N.1, not 127.0.0.1), and the port the
# receiver listens on.  It then prints the remote's matching failures,
# exactly once each, and SIGINT unsubscribes through ssh again.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ssh-lib.sh"
ssh_setup
netns_host 1
H1=$HOST_1_SPEC

start_receiver o -H "$H1" -a :0 --json -f 'o*'
run_rc 0 "remote subscriptions --json" rlaunch -H "$H1" subscriptions --json
assert_eq "$(echo "$OUT" | jq -r --argjson id "$RECV_SUB" '.[] | select(.id == $id) | .addr')" \
    "$HOST_1_PEER:$RECV_PORT" "the address registered on the remote daemon"
assert_eq "$(hlaunch 1 subscriptions --json | jq -r 'map(.id) | join(",")')" \
    "$RECV_SUB" "the subscription is on host 1's daemon"

run_rc 0 "remote o1" rlaunch -H "$H1" submit -l o1 -- sh -c 'exit 3'
run_rc 0 "remote p1" rlaunch -H "$H1" submit -l p1 -- sh -c 'exit 1'
wait_for 20 "o1's event to be printed" has_lines "$T/o.out" 1
wait_for 10 "p1 to exit" hjob_is 1 p1 state exited
wait_for 10 "the subscription to settle at one event" hsub_settled 1 "$RECV_SUB" 1
assert_eq "$(jq -c '[.label, .event, .exit_code]' "$T/o.out")" '["o1","exit",3]' \
    "exactly o1's exit, with its code"

kill -INT "$RECV_PID"
wait_exit "$RECV_PID" 20
assert_eq "$WAIT_STATUS" 0 "the receiver's exit status after SIGINT"
ssh_forget_pid "$RECV_PID"
assert_eq "$(hlaunch 1 subscriptions --json | jq -c .)" "[]" \
    "SIGINT unsubscribed on the remote daemon"
