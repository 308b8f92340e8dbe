# A receiver believes only a peer whose first line is a HELLO with its
# token.  A forged HELLO (a wrong token, one not even hex), a first line
# that is an EVENT or not JSON at all, or a peer that closes without a
# word, is rejected: a "rejected a connection" line on stderr naming the
# reason, the connection closed (the forger sees EOF), nothing printed.
# The real daemon's events still get through afterwards.  Anyone who has
# the token is believed, and an event sent again is printed once.
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 runs the forger"
HOSTILE=$(cd "$(dirname "$0")/../tools" && pwd)/hostile_sub.py
start_daemon

start_receiver r --json
SUB=$RECV_SUB
ADDR=127.0.0.1:$RECV_PORT
rejections() { grep -c '^launch: rejected a connection from 127\.0\.0\.1:' "$T/r.err" || true; }

run_rc 0 "forge with a wrong token" python3 "$HOSTILE" forge \
    0123456789abcdef0123456789abcdef "$ADDR"
assert_eq "$OUT" "answer: EOF" "the forger's connection is closed"
# The receiver logs before it closes: the line is there already.
assert_eq "$(rejections)" 1 "rejections logged"
assert_contains "$(cat "$T/r.err")" ": wrong token" "the reason"
assert_eq "$(cat "$T/r.out")" "" "nothing printed for a wrong token"

run_rc 0 "forge with a malformed token" python3 "$HOSTILE" forge \
    WRONGTOKEN "$ADDR"
assert_eq "$OUT" "answer: EOF" "a malformed token: closed"
assert_eq "$(rejections)" 2 "rejections logged"
assert_contains "$(tail -n 1 "$T/r.err")" ": wrong token" "a malformed token's reason"

# First lines that are not a HELLO; the answer is EOF, nothing else.
EVENT='{"seq":1,"time":"2026-11-21T10:00:00.000Z","host":"forger","event":"exit","label":"forged","id":1,"kind":"process","pid":1,"restarts":0,"reason":"exited","exit_code":1,"signal":null,"ok":false,"error":null}'
send() { printf '%s\n' "$@" | socat -t 5 - "TCP:$ADDR"; }
assert_eq "$(send "$EVENT")" "" "an EVENT first: no answer"
assert_eq "$(rejections)" 3 "rejections logged"
assert_contains "$(tail -n 1 "$T/r.err")" ": not a HELLO: " "an EVENT first"
assert_eq "$(send hello)" "" "not JSON: no answer"
assert_eq "$(rejections)" 4 "rejections logged"
assert_contains "$(tail -n 1 "$T/r.err")" ": not a HELLO: not valid JSON" \
    "not JSON"
# A raw NUL byte: the receiver once copied the line up to it and decoded
# past the copy's end (fuzz/regress/receiver/nul-in-hello).
assert_eq "$(printf 'hello\000 and more bytes after the NUL\n' |
    socat -t 5 - "TCP:$ADDR")" "" "a raw NUL: no answer"
assert_eq "$(rejections)" 5 "rejections logged"
assert_contains "$(tail -n 1 "$T/r.err")" ": not a HELLO: NUL characters" \
    "a raw NUL"
socat -u /dev/null "TCP:$ADDR"
wait_for 10 "an empty connection to be rejected" sh -c \
    "[ \$(grep -c 'rejected a connection' '$T/r.err') -eq 6 ]"
assert_contains "$(tail -n 1 "$T/r.err")" ": it closed without a HELLO" \
    "a connection closed at once"
assert_eq "$(cat "$T/r.out")" "" "nothing printed"
alive "$RECV_PID" || fail "the receiver exited"

# The daemon's events are still printed, and only they.
"$LAUNCH" submit -l x1 -- sh -c 'exit 4'
wait_for 10 "x1 to be delivered" sub_settled "$SUB" 1
assert_eq "$(jq -c '[.seq, .label, .exit_code]' "$T/r.out")" '[1,"x1",4]' \
    "the receiver prints the daemon's event only"
assert_eq "$(sub_field "$SUB" last_error)" null "the daemon's view: no error"

# A peer that has the token is believed; its event sent again (on a new
# connection) is skipped as a duplicate.
TOK=00112233445566778899aabbccddeeff
start_receiver t --json --token $TOK
run_rc 0 "forge with the token" python3 "$HOSTILE" forge $TOK \
    "127.0.0.1:$RECV_PORT"
assert_contains "$OUT" '{"ack":0}' "the first ACK answers the HELLO"
wait_for 10 "the event to be handled" grep -q 'printed 1, duplicates 0' "$T/t.err"
run_rc 0 "forge with the token, again" python3 "$HOSTILE" forge $TOK \
    "127.0.0.1:$RECV_PORT"
assert_contains "$OUT" '{"ack":1}' "the first ACK says seq 1 was handled"
wait_for 10 "the resent event to be skipped" grep -q 'printed 0, duplicates 1' "$T/t.err"
assert_eq "$(jq -c '[.seq, .label, .host]' "$T/t.out")" '[1,"forged","forger"]' \
    "printed once"
