# A full queue loses events, never silently.  With --queue-max 5 and its
# receiver stopped (SIGTERM with a state file: the subscription is kept),
# 12 failures leave 5 queued and 7 dropped; the receiver, started again,
# prints the 5, then a "dropped" event with count 7, and the queue ends
# empty.  The table of `launch subscriptions` shows the same counts.
. "$(dirname "$0")/../lib.sh"
start_daemon

start_receiver r1 --json --queue-max 5 --state "$T/r.json"
SUB=$RECV_SUB
kill -TERM "$RECV_PID"
wait_exit "$RECV_PID" 10
assert_eq "$WAIT_STATUS" 0 "r1's exit status"
assert_eq "$(sub_jq "$SUB" '[.queue_max, .queued]')" "[5,0]" "kept, empty"

i=1
while [ $i -le 12 ]; do
	"$LAUNCH" submit -l "j$i" -- sh -c "exit $i"
	i=$((i + 1))
done
wait_for 10 "12 events matched" sub_is "$SUB" '[.queued, .dropped]' '[5,7]'
assert_eq "$(sub_jq "$SUB" '[.next_seq, .delivered]')" "[6,0]" \
    "only the queued ones are numbered"
assert_eq "$("$LAUNCH" subscriptions | awk -v id="$SUB" '$1 == id { print $7, $8, $9 }')" \
    "5 7 0" "launch subscriptions: QUEUED DROPPED DELIVERED"

start_receiver r2 --json --queue-max 5 --state "$T/r.json"
assert_eq "$RECV_SUB" "$SUB" "r2 resumes the subscription"
wait_for 10 "the queue and the drop report to be delivered" sub_settled "$SUB" 6
assert_eq "$(jq -c 'select(.event == "exit") | [.seq, .label, .exit_code]' "$T/r2.out")" \
    '[1,"j1",1]
[2,"j2",2]
[3,"j3",3]
[4,"j4",4]
[5,"j5",5]' "the 5 queued events, the first 5"
assert_eq "$(tail -n 1 "$T/r2.out" | jq -c '[.seq, .event, .count, .label]')" \
    '[6,"dropped",7,null]' "then a dropped event with the count"
assert_eq "$(wc -l <"$T/r2.out")" 6 "lines printed"
assert_eq "$(sub_jq "$SUB" '[.queued, .dropped, .delivered]')" "[0,7,6]" \
    "the subscription at the end"

# The queue has room again: the next failure is delivered as usual.
"$LAUNCH" submit -l j13 -- sh -c 'exit 13'
wait_for 10 "j13 to be delivered" sub_settled "$SUB" 7
assert_eq "$(tail -n 1 "$T/r2.out" | jq -c '[.seq, .label]')" '[7,"j13"]' \
    "after the drop report"
