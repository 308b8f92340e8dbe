# The client side of subscriptions against a stand-in daemon
# (fake_daemon.py): what subscribe sends and prints, subscriptions,
# unsubscribe, events, and the --serve receiver: HELLO checks, printing
# each event once across resends and a restart (the same token), --exec,
# and unsubscribing on SIGTERM.
. "$(dirname "$0")/../lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 runs the stand-in daemon"
FAKE=$(cd "$(dirname "$0")" && pwd)/fake_daemon.py
python3 "$FAKE" serve "$SOCK" "$T/requests" >"$T/fake.log" 2>&1 &
KILL_PIDS="$KILL_PIDS $!"
wait_for 10 "the stand-in daemon" test -S "$SOCK"
request() { tail -n 1 "$T/requests" | jq -c "$1"; }

# Register only.
run_rc 0 "subscribe" "$LAUNCH" subscribe -a :9001 -f 'web*' -f db \
    --events exits --ttl 10m --queue-max 50
token=$(echo "$OUT" | sed -n 's/^subscription 1 for 127\.0\.0\.1:9001, token \([0-9a-f]\{32\}\)$/\1/p')
[ -n "$token" ] || fail "subscribe output: $OUT"
assert_eq "$(request '[.op, .addr, .token, .match, .events, .ttl_ms, .queue_max]')" \
    "[\"subscribe\",\"127.0.0.1:9001\",\"$token\",[\"web*\",\"db\"],\"exits\",600000,50]" \
    "the subscribe request"
hex=0123456789abcdef0123456789ABCDEF
run_rc 0 "subscribe --json" "$LAUNCH" subscribe -a '[::1]:9002' --json \
    --token $hex
assert_eq "$(echo "$OUT" | jq -c '[.token, .subscription.id, .subscription.addr, .subscription.match]')" \
    "[\"$hex\",2,\"[::1]:9002\",[\"*\"]]" "subscribe --json"
assert_eq "$(request '.match')" "null" "no -f: the daemon's default"

# subscriptions
run_rc 0 "subscriptions" "$LAUNCH" subscriptions
assert_eq "$(echo "$OUT" | head -n 1 | tr -s ' ')" \
    "ID ADDRESS EVENTS MATCH STATE SINCE QUEUED DROPPED DELIVERED LAST ERROR" \
    "the table's titles"
assert_contains "$OUT" " web*,db " "MATCH joins the globs"
assert_eq "$(echo "$OUT" | sed -n 3p | tr -s ' ' | cut -d' ' -f5,7-)" \
    "retrying 5 2 0 connect: Connection refused" "a retrying row"
run_rc 0 "subscriptions --json" "$LAUNCH" subscriptions --json
assert_eq "$(echo "$OUT" | jq -c '[.[].id]')" "[1,2]" "subscriptions --json"

# unsubscribe: an unknown id is reported, the others still go.
run_rc 1 "unsubscribe" "$LAUNCH" unsubscribe 99 1 2
assert_eq "$OUT" "unsubscribed 1 (127.0.0.1:9001)
unsubscribed 2 ([::1]:9002)" "unsubscribe output"
assert_eq "$ERR" "launch: no subscription 99" "unknown id"
run_rc 0 "subscriptions, none" "$LAUNCH" subscriptions
assert_eq "$OUT" "" "no subscriptions: no output"

# events: the lines sent with the reply are not lost.
run_rc 0 "events" "$LAUNCH" events
assert_eq "$(echo "$OUT" | wc -l)" 3 "events printed"
assert_eq "$(echo "$OUT" | head -n 1)" \
    "2026-11-21T10:00:00.123Z box web: exited with code 1 (pid 1234, restarts 0)" \
    "an event, human"
assert_eq "$ERR" "launch: the daemon closed the stream" "events end"
run_rc 0 "events --json" "$LAUNCH" events --json -f 'web*' --events all
assert_eq "$(echo "$OUT" | jq -c .seq | tr '\n' ' ')" "1 2 3 " "events --json"
assert_eq "$(request '[.match, .events]')" '[["web*"],"all"]' "events request"

# The receiver.
start_receiver() {
	"$LAUNCH" subscribe --serve -a 127.0.0.1:0 --state "$T/r.json" "$@" \
	    >"$T/recv.out" 2>"$T/recv.err" &
	RECV=$!
	KILL_PIDS="$KILL_PIDS $RECV"
	wait_for 10 "the receiver to listen" grep -q '^launch: listening' \
	    "$T/recv.err"
	PORT=$(sed -n 's/^launch: listening on 127\.0\.0\.1:\([0-9]*\), subscription [0-9]* (events failures, match \*)$/\1/p' "$T/recv.err")
	[ -n "$PORT" ] || fail "listening line: $(cat "$T/recv.err")"
	TOKEN=$(jq -r .token "$T/r.json")
}
deliver() { python3 "$FAKE" deliver 127.0.0.1 "$PORT" "$@" | tr '\n' ' '; }
raw_hello() {
	python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(sys.argv[2].encode() + b"\n")
print(s.recv(100))' "$PORT" "$1"
}

start_receiver
assert_eq "$(request '[.op, .token]')" "[\"subscribe\",\"$TOKEN\"]" \
    "the receiver registers its token"
assert_eq "$(request .addr)" "\"127.0.0.1:$PORT\"" "the bound port"
assert_eq "$(raw_hello 'hello')" "b''" "a bad HELLO is closed"
assert_contains "$(cat "$T/recv.err")" \
    "launch: rejected a connection from 127.0.0.1:" "rejection message"
assert_contains "$(cat "$T/recv.err")" ": not a HELLO: not valid JSON" "why"
assert_eq "$(deliver 0123456789abcdef0123456789abcdef d1 1 1 0)" "first  " \
    "a wrong token is closed"
assert_contains "$(cat "$T/recv.err")" ": wrong token" "wrong token message"
assert_eq "$(deliver "$TOKEN" d1 1 1 3)" 'first {"ack":0} ack {"ack":3} ' \
    "first delivery"
# A resend after a reconnection: 2 and 3 are duplicates.
assert_eq "$(deliver "$TOKEN" d1 1 2 5)" 'first {"ack":3} ack {"ack":5} ' \
    "resend"
assert_eq "$(deliver "$TOKEN" d2 1 1 1)" 'first {"ack":0} ack {"ack":1} ' \
    "another daemon"
assert_eq "$(cut -d" " -f7 "$T/recv.out" | tr '\n' ' ')" "1 2 3 4 5 1 " \
    "each event printed once"
assert_eq "$(jq -c .seen "$T/r.json")" '{"d1/1":5,"d2/1":1}' "state file"

# A crash, then the same command: the same token, and what was printed
# is not printed again.
kill -KILL "$RECV"
wait_exit "$RECV" 5
start_receiver --json --exec "echo \"\$LAUNCH_EVENT \$LAUNCH_SEQ \$LAUNCH_LABEL \$LAUNCH_EXIT_CODE \$LAUNCH_OK \${LAUNCH_SIGNAL-none}\" >>$T/hook"
assert_eq "$(request .token)" "\"$(jq -r .token "$T/r.json")\"" \
    "the same token after a restart"
assert_eq "$(deliver "$TOKEN" d1 1 4 6)" 'first {"ack":5} ack {"ack":6} ' \
    "resumed"
assert_eq "$(jq -c '[.seq, .exit_code]' "$T/recv.out")" "[6,6]" \
    "only the new event, as its JSON line"
assert_eq "$(cat "$T/hook")" "exit 6 web 6 0 none" "--exec environment"

# SIGTERM: unsubscribe, remove the state file, exit 0.
kill -TERM "$RECV"
wait_exit "$RECV" 10
assert_eq "$WAIT_STATUS" 0 "exit status after SIGTERM"
assert_eq "$(request .op)" '"unsubscribe"' "unsubscribed"
[ ! -e "$T/r.json" ] || fail "the state file is still there"
