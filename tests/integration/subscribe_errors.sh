# Bad subscription requests get invalid_data naming the field and change
# nothing; an unknown subscription is unknown_label; the 1025th
# subscription is refused with "full"; the daemon serves on.
. "$(dirname "$0")/../lib.sh"
start_daemon

TOK=0123456789abcdef0123456789abcdef
check() {	# REQUEST CODE FIELD
	raw "$1"
	assert_eq "$(echo "$RAW" | jq -r .error.code)" "$2" "code for $1"
	assert_eq "$(echo "$RAW" | jq -r '.error.field // ""')" "$3" "field for $1"
}
check '{"v":7,"id":1,"op":"subscribe","addr":"localhost:9000","token":"'$TOK'"}' invalid_data addr
check '{"v":7,"id":2,"op":"subscribe","addr":"127.0.0.1:0","token":"'$TOK'"}' invalid_data addr
check '{"v":7,"id":3,"op":"subscribe","addr":"127.0.0.1:9000","token":"xyz"}' invalid_data token
check '{"v":7,"id":4,"op":"subscribe","addr":"127.0.0.1:9000"}' invalid_data token
check '{"v":7,"id":5,"op":"subscribe","addr":"127.0.0.1:9000","token":"'$TOK'","match":["bad label"]}' invalid_data 'match[0]'
check '{"v":7,"id":6,"op":"subscribe","addr":"127.0.0.1:9000","token":"'$TOK'","events":"some"}' invalid_data events
check '{"v":7,"id":7,"op":"subscribe","addr":"127.0.0.1:9000","token":"'$TOK'","queue_max":0}' invalid_data queue_max
check '{"v":7,"id":8,"op":"subscribe","addr":"127.0.0.1:9000","token":"'$TOK'","ttl_ms":-1}' invalid_data ttl_ms
check '{"v":7,"id":9,"op":"subscribe","addr":"127.0.0.1:9000","token":"'$TOK'","colour":"red"}' invalid_data colour
check '{"v":7,"id":10,"op":"unsubscribe","subscription":0}' invalid_data subscription
check '{"v":7,"id":11,"op":"unsubscribe","subscription":42}' unknown_label subscription
check '{"v":7,"id":12,"op":"events","events":"none"}' invalid_data events
raw '{"v":7,"id":13,"op":"subscriptions"}'
assert_eq "$(echo "$RAW" | jq -c .result.subscriptions)" "[]" "no subscription was made"

# The CLI says the same, with exit code 2 for usage and 1 for unknown.
run_rc 1 "unsubscribe 42" "$LAUNCH" unsubscribe 42
assert_contains "$ERR" "no such subscription" "unsubscribe 42"
run_rc 2 "unsubscribe x" "$LAUNCH" unsubscribe x
run_rc 2 "subscribe with a bad glob" "$LAUNCH" subscribe -a 127.0.0.1:9 -f 'bad label'
assert_contains "$ERR" "bad label" "subscribe -f"
run_rc 2 "subscribe with bad events" "$LAUNCH" subscribe -a 127.0.0.1:9 --events some
run_rc 2 "subscribe with a bad token" "$LAUNCH" subscribe -a 127.0.0.1:9 --token xyz
run_rc 2 "subscribe with a bad ttl" "$LAUNCH" subscribe -a 127.0.0.1:9 --ttl 5x
run_rc 2 "subscribe with a bad port" "$LAUNCH" subscribe -a 127.0.0.1:99999

# 1024 subscriptions (to a closed port: they retry) fit; the next is full.
i=0
while [ $i -lt 1025 ]; do
	printf '{"v":7,"id":%d,"op":"subscribe","addr":"127.0.0.1:1","token":"%032x","ttl_ms":0}\n' $i $i
	i=$((i + 1))
done | socat -t 10 - "UNIX-CONNECT:$SOCK" >"$T/many"
assert_eq "$(jq -r 'select(.result) | .id' "$T/many" | wc -l)" 1024 "subscriptions accepted"
assert_eq "$(tail -n 1 "$T/many" | jq -r .error.code)" full "the 1025th"
raw '{"v":7,"id":1,"op":"subscriptions"}'
assert_eq "$(echo "$RAW" | jq '.result.subscriptions | length')" 1024 "subscriptions listed"
"$LAUNCH" -q ping || fail "the daemon stopped answering"
