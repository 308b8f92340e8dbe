# The queue survives the daemon.  Events queued for a stopped receiver
# (SIGTERM with a state file: the subscription is kept) are still queued
# after the daemon is SIGKILLed and started again, and the receiver,
# started again, prints each of them once.  A receiver that stays up
# across a daemon SIGKILL, holding events it had not acknowledged yet
# (it was SIGSTOPped), prints them once: the new daemon reconnects, and
# nothing is lost or printed twice, whether the receiver goes on before
# the new daemon starts or after it has already connected.
. "$(dirname "$0")/../lib.sh"
start_daemon

kill_daemon() {
	kill -KILL "$DAEMON_PID"
	wait_exit "$DAEMON_PID" 10
	DAEMON_PID=
}
fail_job() { "$LAUNCH" submit -l "$1" -- sh -c 'exit 1'; }
# Labels printed more than once.
repeats() { jq -r .label "$1" | sort | uniq -d | tr '\n' ' '; }

start_receiver r1 --json --state "$T/r.json"
SUB=$RECV_SUB
fail_job a1
wait_for 10 "r1 to print a1" sub_settled "$SUB" 1
kill -TERM "$RECV_PID"
wait_exit "$RECV_PID" 10
assert_eq "$WAIT_STATUS" 0 "r1's exit status"
for i in 1 2 3 4 5; do fail_job "q$i"; done
wait_for 10 "5 events to be queued" sub_is "$SUB" '[.queued, .next_seq]' '[5,7]'
assert_eq "$("$LAUNCH" subscriptions | awk -v id="$SUB" '$1 == id { print $5, $7, $8, $9 }')" \
    "retrying 5 0 1" "launch subscriptions: STATE QUEUED DROPPED DELIVERED"

kill_daemon
start_daemon
assert_eq "$(sub_jq "$SUB" '[.queued, .delivered, .next_seq]')" "[5,1,7]" \
    "after the daemon's SIGKILL and restart: queued, delivered, next_seq"
start_receiver r2 --json --state "$T/r.json"
assert_eq "$RECV_SUB" "$SUB" "r2 resumes the subscription"
wait_for 10 "the queue to be delivered" sub_settled "$SUB" 6
assert_eq "$(labels "$T/r2.out")" "q1 q2 q3 q4 q5" "r2 prints the queued events"
assert_eq "$(jq -r .seq "$T/r2.out" | tr '\n' ' ')" "2 3 4 5 6 " "their seqs"
assert_eq "$(cat "$T/r1.out" | jq -r .label)" "a1" "r1 printed a1 only"

# The receiver holds events it has not acknowledged when the daemon is
# killed, and goes on before the new daemon starts.
kill -STOP "$RECV_PID"
for i in 1 2 3; do fail_job "s$i"; done
# Numbered, hence written to the receiver's socket (not read yet).
wait_for 10 "s1..s3 to be sent" sub_is "$SUB" '[.queued, .next_seq]' '[3,10]'
kill_daemon
kill -CONT "$RECV_PID"
wait_for 10 "r2 to print s1..s3 with the daemon down" has_lines "$T/r2.out" 8
start_daemon
wait_for 10 "the new daemon to learn they were handled" sub_settled "$SUB" 9
assert_eq "$(sub_field "$SUB" state)" connected "the subscription's state"
assert_eq "$(labels "$T/r2.out")" "q1 q2 q3 q4 q5 s1 s2 s3" \
    "r2 has printed s1..s3"

# Again, but the new daemon connects while the receiver is still stopped:
# its HELLO and the old connection's events wait side by side, and
# whichever the receiver reads first, each event is printed once.
kill -STOP "$RECV_PID"
for i in 1 2 3; do fail_job "u$i"; done
wait_for 10 "u1..u3 to be sent" sub_is "$SUB" '[.queued, .next_seq]' '[3,13]'
kill_daemon
start_daemon
kill -CONT "$RECV_PID"
wait_for 10 "u1..u3 to be handled" sub_settled "$SUB" 12
assert_eq "$(labels "$T/r2.out")" "q1 q2 q3 q4 q5 s1 s2 s3 u1 u2 u3" \
    "r2 has printed u1..u3"
assert_eq "$(repeats "$T/r2.out")" "" "labels printed twice"
assert_eq "$(jq -r .seq "$T/r2.out" | tr '\n' ' ')" "2 3 4 5 6 7 8 9 10 11 12 " \
    "r2's seqs"
alive "$RECV_PID" || fail "r2 exited"
