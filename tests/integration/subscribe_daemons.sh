# One receiver, two daemons: the second is given the receiver's address
# and token by a registration (`launch subscribe -a ADDR --token T`, as
# over ssh).  Each daemon numbers its own events from 1; the receiver
# prints both streams, each event once, and keeps the last seq handled
# per (daemon, subscription) in its state file.
. "$(dirname "$0")/../lib.sh"
start_daemon

start_receiver r --json --state "$T/r.json"
SUB=$RECV_SUB
TOKEN=$(jq -r .token "$T/r.json")

# The second daemon, with its own socket and state directory.
d2() { LAUNCH_SOCKET=$T/sock2 LAUNCH_STATE_DIR=$T/state2 "$LAUNCH" "$@"; }
LAUNCH_STATE_DIR=$T/state2 "$LAUNCH" serve -v -S "$T/sock2" \
    >>"$T/daemon2.log" 2>&1 &
D2=$!
KILL_PIDS="$KILL_PIDS $D2"
wait_for 10 "the second daemon to answer" d2 -q ping
run_rc 0 "register with the second daemon" d2 subscribe \
    -a "127.0.0.1:$RECV_PORT" --token "$TOKEN"
SUB2=$(echo "$OUT" | sed -n "s/^subscription \([0-9]*\) for 127\.0\.0\.1:$RECV_PORT, token $TOKEN\$/\1/p")
[ -n "$SUB2" ] || fail "subscribe printed: $OUT"

for i in 1 2 3; do
	"$LAUNCH" submit -l "one$i" -- sh -c 'exit 1'
	d2 submit -l "two$i" -- sh -c 'exit 2'
done
wait_for 10 "the first daemon's events" sub_settled "$SUB" 3
settled2() { [ "$(d2 subscriptions --json | jq -c '.[0] | [.next_seq - 1, .delivered, .queued]')" = "[3,3,0]" ]; }
wait_for 10 "the second daemon's events" settled2
assert_eq "$(jq -r '"\(.label) \(.seq)"' "$T/r.out" | sort | tr '\n' ' ')" \
    "one1 1 one2 2 one3 3 two1 1 two2 2 two3 3 " "each daemon's events, once"
id1=$(cat "$LAUNCH_STATE_DIR/daemon-id")
id2=$(cat "$T/state2/daemon-id")
[ "$id1" != "$id2" ] || fail "the daemons have the same id"
assert_eq "$(jq -c '.seen | to_entries | sort_by(.key) | from_entries' "$T/r.json")" \
    "$(jq -nc --arg a "$id1/$SUB" --arg b "$id2/$SUB2" '{($a): 3, ($b): 3} | to_entries | sort_by(.key) | from_entries')" \
    "the state file: one entry per daemon"
assert_eq "$(grep -c '^launch: connected: host ' "$T/r.err")" 2 \
    "connections from two daemons"

kill -TERM "$D2"
wait_exit "$D2" 10
assert_eq "$WAIT_STATUS" 0 "the second daemon's exit status"
! grep -qE 'Sanitizer|runtime error' "$T/daemon2.log" ||
	fail "sanitizer report in the second daemon's log: $(cat "$T/daemon2.log")"
