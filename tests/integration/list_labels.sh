# launch list --labels [GLOB...]: the labels alone, one per line, sorted
# in byte order, whatever order they were submitted in; globs select as
# for list; no match prints nothing (exit 0); -l and --json are refused
# with it (exit 2, naming the option); no daemon is exit 3 with nothing on
# stdout.  It asks what plain `list --json` asks, never the usage: the
# request is read off the wire through a socat relay.  (Several hosts:
# remote_list_labels.sh.)
. "$(dirname "$0")/../lib.sh"
command -v socat >/dev/null || skip "socat is missing (package socat)"

run_rc 3 "list --labels without a daemon" "$LAUNCH" list --labels
assert_eq "$OUT" "" "no daemon: nothing on stdout"
assert_contains "$ERR" "no daemon at $SOCK" "no daemon: the message"

start_daemon
run_rc 0 "list --labels with no job" "$LAUNCH" list --labels
assert_eq "$OUT" "" "no job: nothing"

for l in web2 zeta batch/1 web Web a.b batch/10 web-old; do
	"$LAUNCH" submit -l "$l" -- sleep 100
done
"$LAUNCH" stop -t 1 web-old

nl='
'
run_rc 0 "list --labels" "$LAUNCH" list --labels
assert_eq "$OUT" "Web${nl}a.b${nl}batch/1${nl}batch/10${nl}web${nl}web-old${nl}web2${nl}zeta" \
    "every label, ended ones too, in byte order"
run_rc 0 "list --labels GLOB GLOB" "$LAUNCH" list --labels 'web*' 'batch/*'
assert_eq "$OUT" "batch/1${nl}batch/10${nl}web${nl}web-old${nl}web2" \
    "the labels the globs match, each once"
run_rc 0 "list --labels LABEL" "$LAUNCH" list --labels zeta
assert_eq "$OUT" "zeta" "one label"
run_rc 0 "list --labels with no match" "$LAUNCH" list --labels 'nothing*'
assert_eq "$OUT" "" "no match: nothing on stdout"
assert_eq "$ERR" "" "no match: nothing on stderr"

run_rc 2 "list --labels -l" "$LAUNCH" list --labels -l
assert_contains "$ERR" "--labels prints labels only: not with -l" "-l refused"
assert_eq "$OUT" "" "-l: nothing on stdout"
run_rc 2 "list --json --labels" "$LAUNCH" list --json --labels
assert_contains "$ERR" "--labels prints labels only: not with --json" \
    "--json refused"
run_rc 2 "list --labels with a bad glob" "$LAUNCH" list --labels 'a b'
assert_contains "$ERR" "launch: a b: " "a bad glob is named"

# The request on the wire: a relay socket in front of the daemon's.
socat -v "UNIX-LISTEN:$T/relay,fork" "UNIX-CONNECT:$SOCK" 2>"$T/wire" &
KILL_PIDS="$KILL_PIDS $!"
wait_for 10 "the relay to listen" test -S "$T/relay"
run_rc 0 "list --labels through the relay" "$LAUNCH" -S "$T/relay" list --labels 'web*'
assert_eq "$OUT" "web${nl}web-old${nl}web2" "the same labels through the relay"
wait_for 10 "the request on the wire" grep -q '"op":"list"' "$T/wire"
req=$(grep '"op":"list"' "$T/wire")
assert_contains "$req" '"match":["web*"]' "the glob is sent"
case $req in
*usage*) fail "list --labels asked for the usage: $req" ;;
esac
# The relay shows usage requests, so the check above can fail.
run_rc 0 "list -l through the relay" "$LAUNCH" -S "$T/relay" list -l zeta
wait_for 10 "list -l on the wire" grep -q '"usage":true' "$T/wire"
