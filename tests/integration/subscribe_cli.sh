# subscribe, subscriptions, unsubscribe, events: every bad option is a
# usage error (exit 2) naming it, before anything is sent; without a
# daemon each exits 3, and a receiver leaves no state file behind.
. "$(dirname "$0")/../lib.sh"

usage() {
	_msg=$1 _cmd=$2
	shift
	run_rc 2 "$*" "$LAUNCH" "$@"
	assert_contains "$ERR" "$_msg" "$* names the problem"
	assert_contains "$ERR" "usage: launch $_cmd " "$* prints the usage"
}

usage "-f a b: label has ' '" subscribe -f 'a b'
usage "--events nope: expected failures, exits, all or stats" subscribe --events nope
usage "--ttl 5: expected a duration" subscribe --ttl 5
usage "--ttl 1y: expected a duration" subscribe --ttl 1y
usage "--ttl 3651d: expected a duration" subscribe --ttl 3651d
usage "--queue-max 0: expected a number of events from 1 to 1000000" \
    subscribe --queue-max 0
usage "--queue-max 1000001" subscribe --queue-max 1000001
usage "--token: expected 32 to 128 hex digits" subscribe --token abc
usage "-a 9000: expected [HOST]:PORT" subscribe -a 9000
usage "-a ::1:9000: an IPv6 address goes in brackets" subscribe -a ::1:9000
usage "-a [::1]: expected [IPv6]:PORT" subscribe -a '[::1]'
usage "-a :65536: port: must be a number from 0 to 65535" subscribe -a :65536
usage "-a :0: port 0 (any free port) needs --serve" subscribe -a :0
usage "--exec needs --serve" subscribe --exec true
usage "--state needs --serve" subscribe --state "$T/r.json"
usage 'unexpected argument "extra"' subscribe extra
set --
for i in $(seq 65); do set -- "$@" -f "j$i"; done
usage "-f: at most 64 filters" subscribe "$@"
usage 'unexpected argument "x"' subscriptions x
usage "expected at least one subscription ID" unsubscribe
usage '"x": expected a subscription ID' unsubscribe x
usage '"0": expected a subscription ID' unsubscribe 1 0
usage 'unexpected argument "web"' events web
usage "--events some: expected failures, exits, all or stats" events --events some

# Valid values are accepted (and then there is no daemon).
for args in "--ttl 0" "--ttl 500ms" "--ttl 2d" "--queue-max 1000000" \
    "-a [::1]:9001" "-a 127.0.0.1:9001 -f web* -f db --events all" \
    "--token 0123456789abcdef0123456789ABCDEF --json"; do
	run_rc 3 "subscribe $args without a daemon" "$LAUNCH" subscribe $args
	assert_contains "$ERR" "no daemon at $SOCK" "subscribe $args"
done
for cmd in "subscriptions" "subscriptions --json" "unsubscribe 1" "events"; do
	run_rc 3 "$cmd without a daemon" "$LAUNCH" $cmd
	assert_contains "$ERR" "no daemon at $SOCK" "$cmd message"
done
run_rc 3 "subscribe --serve without a daemon" "$LAUNCH" subscribe --serve \
    -a 127.0.0.1:0 --state "$T/r.json"
[ ! -e "$T/r.json" ] || fail "a failed registration left its new state file"
run_rc 3 "subscribe --serve on a fixed port without a daemon" \
    "$LAUNCH" subscribe --serve -a 127.0.0.1:0
[ ! -d "$LAUNCH_STATE_DIR/receivers" ] ||
    [ -z "$(ls "$LAUNCH_STATE_DIR/receivers")" ] ||
    fail "a receiver on port 0 wrote a state file"
run_rc 0 "help subscribe" "$LAUNCH" help subscribe
assert_contains "$OUT" "Example" "subscribe help has an example"
