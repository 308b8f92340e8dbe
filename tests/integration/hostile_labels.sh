# Labels that could be read as paths ("/x", "x/", "a//b", ".", "..",
# "a/../b") are refused as invalid_data naming "label", through the CLI,
# a raw submit, a job file and every op that takes a label; so are NUL
# (\u0000), control bytes and over-long labels.  Nothing is created for a
# refused label, and the daemon goes on serving.
. "$(dirname "$0")/../lib.sh"
start_daemon
ls -A "$T/state/jobs" >"$T/jobs.before"

for l in . .. /x x/ / // a//b ./a a/. a/./b ../a a/.. a/../b \
    ../../../../../../tmp/escape; do
	run_rc 2 "submit -l $l" "$LAUNCH" submit -l "$l" -- true
	assert_contains "$ERR" "segment" "CLI message for $l"
	raw "{\"v\":7,\"id\":1,\"op\":\"submit\",\"label\":\"$l\",\"argv\":[\"true\"]}" \
	    "{\"v\":7,\"id\":2,\"op\":\"status\",\"label\":\"$l\"}" \
	    "{\"v\":7,\"id\":3,\"op\":\"stop\",\"match\":[\"$l\"]}" \
	    "{\"v\":7,\"id\":4,\"op\":\"wait\",\"match\":[\"$l\"]}"
	for i in 1 2 3 4; do
		line=$(echo "$RAW" | sed -n "${i}p")
		assert_eq "$(echo "$line" | jq -r .error.code)" invalid_data "$l: reply $i code"
		assert_contains "$(echo "$line" | jq -r .error.message)" "segment" "$l: reply $i message"
	done
	assert_eq "$(echo "$RAW" | sed -n 1p | jq -r .error.field)" label "$l: submit field"
done
assert_contains "$(echo "$RAW" | sed -n 1p | jq -r .error.message)" \
    "label: label has a '..' segment at byte 0; '.' and '..' are not names" "message text"

# A job file with such a label is refused whole.
echo '[{"label":"ok","argv":["true"]},{"label":"a/../b","argv":["true"]}]' >"$T/jobs.json"
run_rc 2 "a job file with a/../b" "$LAUNCH" submit -f "$T/jobs.json"
assert_contains "$ERR" "'..' segment" "job file message"

# NUL, control bytes, non-ASCII and over-long labels.
long=$(printf 'x%.0s' $(seq 1 256))
raw '{"v":7,"id":1,"op":"submit","label":"a\u0000/../b","argv":["true"]}' \
    '{"v":7,"id":2,"op":"submit","label":"a\u0001b","argv":["true"]}' \
    '{"v":7,"id":3,"op":"submit","label":"a\nb","argv":["true"]}' \
    '{"v":7,"id":4,"op":"submit","label":"\u00e9","argv":["true"]}' \
    "{\"v\":7,\"id\":5,\"op\":\"submit\",\"label\":\"$long\",\"argv\":[\"true\"]}" \
    "{\"v\":7,\"id\":6,\"op\":\"submit\",\"label\":\"${long%x}\",\"argv\":[\"true\"]}"
assert_eq "$(echo "$RAW" | sed -n 1p | jq -r .error.code)" invalid_payload "NUL"
for i in 2 3 4 5; do
	assert_eq "$(echo "$RAW" | sed -n "${i}p" | jq -r .error.field)" label "reply $i field"
done
assert_contains "$(echo "$RAW" | sed -n 5p | jq -r .error.message)" "256 bytes long, at most 255" "over-long"
assert_eq "$(echo "$RAW" | sed -n 6p | jq -r .result.job.label | wc -c)" 256 "255 bytes: accepted"
run_rc 2 "submit -l with a control byte" "$LAUNCH" submit -l "$(printf 'a\001b')" -- true
assert_contains "$ERR" "byte 0x01" "CLI control byte"

# Dots inside names stay valid.
for l in ... a..b .hidden x/.y x/..y/z; do
	"$LAUNCH" submit -l "$l" -- true >/dev/null || fail "submit -l $l refused"
done
assert_eq "$("$LAUNCH" list --json | jq -r '.[].label' | grep -c .)" 6 "six jobs"
# Nothing but the accepted jobs' own records appeared, and nothing
# escaped the state directory.
assert_eq "$(ls -A "$T/state/jobs" | grep -vc '^journal$\|^[0-9]*\.status$' || true)" 0 "only the journal and ID.status files"
assert_eq "$(records | jq -r .label | sort)" "$("$LAUNCH" list --json | jq -r '.[].label' | sort)" \
    "the journal's records are the six jobs"
[ ! -e "${TMPDIR:-/tmp}/escape" ] || fail "a file escaped the state directory"
"$LAUNCH" -q ping || fail "the daemon stopped answering"
