# Only the daemon's own uid is served (SO_PEERCRED on every accept), and
# the client only talks to a daemon of its own uid; the same holds for
# `launch bridge`, the state directory and a receiver's state.
. "$(dirname "$0")/../lib.sh"
use_test_user launchtest
user=$TEST_USER

start_daemon
"$LAUNCH" submit -l mine -- sleep 1000
# Open the path so that only the credential check stands in the way.
chmod 755 "$T"
chmod 777 "$SOCK"

# The launch client itself declines a daemon of another uid, so the
# daemon's refusal is seen with a raw client.
run_rc 5 "another uid's list" as_user "$LAUNCH" -S "$SOCK" list
assert_contains "$ERR" "runs as uid 0, not $(id -u "$user"): refusing" "client refusal"
RAW=$(echo '{"v":7,"id":1,"op":"list"}' | as_user socat -t 5 - "UNIX-CONNECT:$SOCK" 2>"$T/socat.err" || true)
assert_eq "$(echo "$RAW" | jq -r .error.code)" permission_denied "refusal code"
assert_contains "$(echo "$RAW" | jq -r .error.message)" "uid $(id -u "$user") may not use the daemon of uid 0" "refusal message"
RAW=$(echo '{"v":7,"id":1,"op":"stop","match":["mine"]}' | as_user socat -t 5 - "UNIX-CONNECT:$SOCK" || true)
assert_eq "$(echo "$RAW" | jq -r .error.code)" permission_denied "refused stop"
assert_eq "$(job_field mine state)" running "the refused stop did nothing"
grep -q "refused a client of uid $(id -u "$user")" "$T/daemon.log" ||
	fail "the refusal is not logged"

# `launch bridge` (what `launch -H` runs through ssh) is a client of the
# socket like any other: run by another user it declines our daemon, and
# a relay that skipped that check would still get permission_denied.
echo '{"v":7,"id":1,"op":"stop","match":["mine"]}' >"$T/stop.req"
run_rc 5 "another uid's bridge" as_user "$LAUNCH" -S "$SOCK" bridge <"$T/stop.req"
assert_contains "$ERR" "runs as uid 0, not $(id -u "$user"): refusing" "bridge refusal"
assert_eq "$OUT" "" "the bridge relayed nothing"
assert_eq "$(job_field mine state)" running "the bridged stop did nothing"

# Our state directory is not another user's to serve from (it cannot
# even be read), and their state directory is not ours.
mkdir "$T/theirs"
chown "$user" "$T/theirs"
chmod 700 "$T/theirs"
run_rc 1 "another uid's daemon on our state directory" as_user \
    "$LAUNCH" serve -S "$T/theirs/sock" --state-dir "$T/state"
assert_contains "$ERR" "state directory $T/state" "names the directory"
assert_eq "$(job_field mine state)" running "our daemon is unharmed"

# A receiver's state file holds its token: one owned by another user
# (who could have written the token) is refused, as is their receivers
# directory in place of ours.
printf '{}\n' >"$T/recv.json"
chown "$user" "$T/recv.json"
run_rc 1 "another uid's receiver state" "$LAUNCH" subscribe --serve \
    -a 127.0.0.1:0 --state "$T/recv.json"
assert_contains "$ERR" "recv.json: owned by another user or writable by others: refused" "receiver state refusal"
mkdir -p "$T/rstate/receivers"
chown "$user" "$T/rstate/receivers"
chmod 700 "$T/rstate"
LAUNCH_STATE_DIR="$T/rstate" run_rc 1 "another uid's receivers directory" \
    "$LAUNCH" subscribe --serve -a 127.0.0.1:1
assert_contains "$ERR" "rstate/receivers: owned by another user or writable by others: refused" "receivers directory refusal"

# The other way round: a daemon of another uid is not trusted.
ud=$(mktemp -d "${TMPDIR:-/tmp}/launch-other.XXXXXX")
chown "$user" "$ud"
chmod 755 "$ud"
# $AS_USER, not as_user: $! must be the daemon itself, to stop it by pid.
LAUNCH_STATE_DIR="$ud/state" $AS_USER "$LAUNCH" serve -S "$ud/sock" >"$T/other.log" 2>&1 &
other=$!
KILL_PIDS="$other"
wait_for 10 "the other user's daemon" test -S "$ud/sock"
chmod 777 "$ud/sock" 2>/dev/null || true
run_rc 5 "talking to another uid's daemon" "$LAUNCH" -S "$ud/sock" list
assert_contains "$ERR" "runs as uid $(id -u "$user"), not 0: refusing" "client refusal"
kill "$other"
wait_exit "$other" 10
rm -rf "$ud"
