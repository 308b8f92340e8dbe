# A subscription unreachable for longer than its TTL expires: with --ttl
# 1s to a closed port it is "expired" with a last_error naming the TTL,
# and stays so across a daemon restart.  Registering the same token
# again revives it (same id, no longer expired, its TTL counting from
# then).  `launch unsubscribe`
# removes it: gone from the list, its files under subs/ gone.
. "$(dirname "$0")/../lib.sh"
start_daemon

run_rc 0 "subscribe with a 1s TTL" "$LAUNCH" subscribe -a 127.0.0.1:1 --ttl 1s
TOKEN=$(echo "$OUT" | sed -n 's/^subscription 1 for 127\.0\.0\.1:1, token \([0-9a-f]\{32\}\)$/\1/p')
[ -n "$TOKEN" ] || fail "subscribe printed: $OUT"
assert_eq "$(sub_jq 1 '[.ttl_ms, .state]')" '[1000,"retrying"]' \
    "at first: retrying"
wait_for 10 "the subscription to expire" sub_is 1 .state '"expired"'
assert_eq "$(sub_field 1 last_error)" \
    "expired: unreachable for longer than its TTL (1s)" "last_error"
# Expired: no more queueing.
"$LAUNCH" submit -l f1 -- sh -c 'exit 1'
wait_for 10 "f1 to end" job_is f1 state exited
assert_eq "$(sub_jq 1 '[.queued, .next_seq, .state]')" '[0,1,"expired"]' \
    "an expired subscription queues nothing"
grep -q 'subscription 1 (127.0.0.1:1): expired' "$T/daemon.log" ||
	fail "the daemon did not log the expiry"

kill -TERM "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
start_daemon
assert_eq "$(sub_field 1 state)" expired "still expired after a restart"

# The same token again: revived, with the same id, and tried again; its
# TTL counts from the revival (it expires again a TTL later, not at once).
run_rc 0 "subscribe with the same token" "$LAUNCH" subscribe -a 127.0.0.1:1 \
    --ttl 1s --token "$TOKEN" --json
assert_eq "$(echo "$OUT" | jq -c '.subscription | [.id, .state, .last_error]')" \
    '[1,"connecting",null]' "the registration's answer"
assert_eq "$(echo "$OUT" | jq -r .token)" "$TOKEN" "the token"
wait_for 10 "the revived subscription to be tried" sub_is 1 .last_error \
    '"connect: Connection refused"'
assert_eq "$(sub_field 1 state)" retrying "revived: retrying, not expired"
wait_for 10 "the revived subscription to expire again" sub_is 1 .state '"expired"'
run_rc 0 "subscribe with the same token and a longer TTL" "$LAUNCH" subscribe \
    -a 127.0.0.1:1 --ttl 1m --token "$TOKEN"
wait_for 10 "the revived subscription to be tried" sub_is 1 .last_error \
    '"connect: Connection refused"'
assert_eq "$(sub_jq 1 '[.state, .ttl_ms]')" '["retrying",60000]' \
    "revived again: retrying"
"$LAUNCH" submit -l f2 -- sh -c 'exit 2'
wait_for 10 "f2's event to be queued" sub_is 1 .queued 1

ls "$LAUNCH_STATE_DIR/subs/1.json" "$LAUNCH_STATE_DIR/subs/1.queue" >/dev/null ||
	fail "the subscription's files are missing"
run_rc 0 "unsubscribe 1" "$LAUNCH" unsubscribe 1
assert_eq "$OUT$ERR" "" "unsubscribe is quiet"
assert_eq "$("$LAUNCH" subscriptions --json)" "[]" "no subscription left"
assert_eq "$(ls "$LAUNCH_STATE_DIR/subs")" "last-id" "files left under subs/"
run_rc 1 "unsubscribe 1 again" "$LAUNCH" unsubscribe 1
assert_contains "$ERR" "subscription 1: no such subscription" "unsubscribe 1 again"
