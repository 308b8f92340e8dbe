# A damaged queue journal costs only its damaged lines.  With the daemon
# down, a garbage line is inserted in the middle of subs/ID.queue and a
# torn half line appended at its end (a crash in mid-write): the daemon
# starts, warns about both in its log, keeps the 5 valid queued events,
# rewrites the journal clean, and delivers them once; numbering goes on
# after them.
. "$(dirname "$0")/../lib.sh"
start_daemon

start_receiver r1 --json --state "$T/r.json"
SUB=$RECV_SUB
kill -TERM "$RECV_PID"
wait_exit "$RECV_PID" 10
for i in 1 2 3 4 5; do "$LAUNCH" submit -l "j$i" -- sh -c "exit $i"; done
wait_for 10 "5 events to be queued" sub_is "$SUB" '[.queued, .next_seq]' '[5,6]'
kill -TERM "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
assert_eq "$WAIT_STATUS" 0 "the daemon's exit status"
DAEMON_PID=

Q=$LAUNCH_STATE_DIR/subs/$SUB.queue
assert_eq "$(grep -c '"event":"exit"' "$Q")" 5 "events in the journal"
lines=$(wc -l <"$Q")
# A garbage line after the journal's third line, and half of a line
# (the next event's, as a crash would leave it) with no newline.
half=$(tail -n 1 "$Q" | sed 's/"seq":5/"seq":6/' | cut -c1-60)
{
	head -n 3 "$Q"
	echo 'garbage, not JSON'
	tail -n +4 "$Q"
	printf '%s' "$half"
} >"$T/queue"
cp "$T/queue" "$Q"
assert_eq "$(wc -l <"$Q")" $((lines + 1)) "lines in the damaged journal"

start_daemon
grep -q "$Q: line 4 skipped: " "$T/daemon.log" ||
	fail "no warning about the garbage line"
grep -q "$Q: a torn last line (60 bytes) skipped" "$T/daemon.log" ||
	fail "no warning about the torn line"
assert_eq "$(sub_jq "$SUB" '[.queued, .next_seq, .delivered]')" "[5,6,0]" \
    "the queue after the damaged journal"
jq -c . "$Q" >/dev/null 2>&1 || fail "the journal was not rewritten clean: $(cat "$Q")"
assert_eq "$(grep -c '"event":"exit"' "$Q")" 5 "events in the rewritten journal"

start_receiver r2 --json --state "$T/r.json"
wait_for 10 "the 5 events to be delivered" sub_settled "$SUB" 5
assert_eq "$(jq -c '[.seq, .label, .exit_code]' "$T/r2.out")" '[1,"j1",1]
[2,"j2",2]
[3,"j3",3]
[4,"j4",4]
[5,"j5",5]' "the events delivered"
"$LAUNCH" submit -l j6 -- sh -c 'exit 6'
wait_for 10 "j6 to be delivered" sub_settled "$SUB" 6
assert_eq "$(tail -n 1 "$T/r2.out" | jq -c '[.seq, .label]')" '[6,"j6"]' \
    "the next event's seq"

# A subscription record that does not decode, and one without its token,
# are skipped with a warning; the good one loads and is delivered to.
kill -TERM "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
SUBS=$LAUNCH_STATE_DIR/subs
echo 'not a record' >"$SUBS/900.json"
jq -c 'del(.token) | .id = 901' "$SUBS/$SUB.json" >"$SUBS/901.json"
start_daemon
grep -q "$SUBS/900.json: skipped: " "$T/daemon.log" ||
	fail "no warning about the garbled record"
grep -q "$SUBS/901.json: skipped: no token" "$T/daemon.log" ||
	fail "no warning about the record without a token"
assert_eq "$("$LAUNCH" subscriptions --json | jq -c '[.[].id]')" "[$SUB]" \
    "only the good subscription loaded"
"$LAUNCH" submit -l j7 -- sh -c 'exit 7'
wait_for 10 "j7 to be delivered" sub_settled "$SUB" 7
