# What subscribe (registration only), subscriptions and unsubscribe print,
# exactly, against a real daemon: "subscription ID for ADDR, token T",
# the --json form, the table (its titles, globs joined, a retrying row
# with its counts and last error), unsubscribe's lines and an unknown id.
. "$(dirname "$0")/../lib.sh"
start_daemon

# Port 1 on the loopback: nobody listens, the daemon retries.
run_rc 0 "subscribe" "$LAUNCH" subscribe -a :1 -f 'web*' -f db \
    --events exits --ttl 10m --queue-max 5
token=$(echo "$OUT" | sed -n 's/^subscription 1 for 127\.0\.0\.1:1, token \([0-9a-f]\{32\}\)$/\1/p')
[ -n "$token" ] || fail "subscribe's output: $OUT"
assert_eq "$(sub_jq 1 '[.addr, .match, .events, .ttl_ms, .queue_max]')" \
    '["127.0.0.1:1",["web*","db"],"exits",600000,5]' "what was registered"
hex=0123456789abcdef0123456789ABCDEF
run_rc 0 "subscribe --json" "$LAUNCH" subscribe -a '[::1]:1' --json --token $hex
assert_eq "$(echo "$OUT" | jq -c '[.token, .subscription.id, .subscription.addr, .subscription.match, .subscription.events]')" \
    "[\"$hex\",2,\"[::1]:1\",[\"*\"],\"failures\"]" "subscribe --json"
assert_eq "$(echo "$OUT" | jq -c '.subscription | has("token")')" false \
    "the view has no token"

# 7 exits for a queue of 5: 5 queued, 2 dropped.
for i in 1 2 3 4 5 6 7; do "$LAUNCH" submit -l "web$i" -- true; done
wait_for 10 "7 exits matched" sub_is 1 '[.queued, .dropped]' '[5,2]'
wait_for 10 "the first to be retrying" sub_is 1 .last_error '"connect: Connection refused"'
run_rc 0 "subscriptions" "$LAUNCH" subscriptions
assert_eq "$(echo "$OUT" | head -n 1 | tr -s ' ')" \
    "ID ADDRESS EVENTS MATCH STATE SINCE QUEUED DROPPED DELIVERED LAST ERROR" \
    "the table's titles"
row=$(echo "$OUT" | sed -n 2p | tr -s ' ')
assert_eq "$(echo "$row" | cut -d' ' -f1-5)" "1 127.0.0.1:1 exits web*,db retrying" \
    "the first row: ID ADDRESS EVENTS MATCH STATE"
assert_eq "$(echo "$row" | cut -d' ' -f7-)" "5 2 0 connect: Connection refused" \
    "the first row: QUEUED DROPPED DELIVERED LAST ERROR"
assert_eq "$(echo "$OUT" | sed -n 3p | tr -s ' ' | cut -d' ' -f1-4)" \
    "2 [::1]:1 failures *" "the second row"
assert_eq "$(echo "$OUT" | wc -l)" 3 "the table's lines"
run_rc 0 "subscriptions --json" "$LAUNCH" subscriptions --json
assert_eq "$(echo "$OUT" | jq -c '[.[].id]')" "[1,2]" "subscriptions --json"
assert_eq "$(echo "$OUT" | jq -c '[.[] | has("token")] | any')" false \
    "no token in the views"

# An unknown id is reported; the others are still removed.
run_rc 1 "unsubscribe" "$LAUNCH" -v unsubscribe 99 1 2
assert_eq "$OUT" "unsubscribed 1 (127.0.0.1:1)
unsubscribed 2 ([::1]:1)" "unsubscribe's output"
assert_eq "$ERR" "launch: subscription 99: no such subscription" "an unknown id"
run_rc 0 "subscriptions, none" "$LAUNCH" subscriptions
assert_eq "$OUT" "" "no subscriptions: no output"
run_rc 0 "subscriptions --json, none" "$LAUNCH" subscriptions --json
assert_eq "$OUT" "[]" "no subscriptions: []"
