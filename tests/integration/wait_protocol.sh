# The wait op on the wire: each malformed request is invalid_data naming
# its member (match, timeout_ms, progress, a member wait does not take),
# with the request's id, and the connection stays usable; a name that
# matches nothing is a LABEL_ERROR in the result, not an error reply;
# the daemon keeps the timeout (timed_out, left); with "progress" a line
# per job precedes the result, those already ended first; a client that
# has shut down its writing (socat after its input) still gets it all,
# and a request sent behind a wait is answered after it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../wait-lib.sh"
start_daemon

raw '{"v":7,"id":1,"op":"wait"}' \
    '{"v":7,"id":2,"op":"wait","match":[]}' \
    '{"v":7,"id":3,"op":"wait","match":"a"}' \
    '{"v":7,"id":4,"op":"wait","match":["a b"]}' \
    '{"v":7,"id":5,"op":"wait","match":["a",7]}' \
    '{"v":7,"id":6,"op":"wait","match":["a"],"timeout_ms":-1}' \
    '{"v":7,"id":7,"op":"wait","match":["a"],"timeout_ms":604800001}' \
    '{"v":7,"id":8,"op":"wait","match":["a"],"timeout_ms":"5"}' \
    '{"v":7,"id":9,"op":"wait","match":["a"],"timeout_ms":2.5}' \
    '{"v":7,"id":10,"op":"wait","match":["a"],"progress":"yes"}' \
    '{"v":7,"id":11,"op":"wait","match":["a"],"progress":1}' \
    '{"v":7,"id":12,"op":"wait","match":["a"],"signal":"SIGTERM"}' \
    '{"v":7,"id":13,"op":"stop","match":["a"],"progress":true}' \
    '{"v":7,"id":14,"op":"ping"}'
assert_eq "$(echo "$RAW" | wc -l)" 14 "one reply per request"
check() {	# line field
	line=$(echo "$RAW" | sed -n "$1p")
	assert_eq "$(echo "$line" | jq -r .error.code)" invalid_data "reply $1 code"
	assert_eq "$(echo "$line" | jq -r .error.field)" "$2" "reply $1 field"
	assert_eq "$(echo "$line" | jq -r .id)" "$1" "reply $1 id"
	assert_contains "$(echo "$line" | jq -r .error.message)" "${2%%[[]*}" \
	    "reply $1 message names the field"
}
check 1 match
check 2 match
check 3 match
check 4 "match[0]"
check 5 "match[1]"
check 6 timeout_ms
check 7 timeout_ms
check 8 timeout_ms
check 9 timeout_ms
check 10 progress
check 11 progress
check 12 signal
check 13 progress
assert_eq "$(echo "$RAW" | sed -n 14p | jq -r .result.pid)" "$DAEMON_PID" "the connection still works"
assert_eq "$(wait_requests)" 0 "no bad request became a wait"

# Nothing matches: a result with errors, as stop answers.
raw '{"v":7,"id":20,"op":"wait","match":["ghost","zz*"]}'
assert_eq "$(echo "$RAW" | jq -c 'del(.result.elapsed_ms)')" '{"v":7,"id":20,"result":{"succeeded":[],"failed":[],"left":[],"timed_out":false,"errors":[{"label":"ghost","code":"unknown_label","message":"no such job"},{"label":"zz*","code":"unknown_label","message":"no job matches"}]}}' \
    "nothing matched"
[ "$(echo "$RAW" | jq .result.elapsed_ms)" -lt 1000 ] ||
    fail "nothing to wait for took $(echo "$RAW" | jq .result.elapsed_ms) ms"

# The daemon's timeout, and progress lines (p1 had already ended).
"$LAUNCH" submit -l p1 -- true
wait_for 10 "p1 to end" job_is p1 state exited
gated p2 3
raw '{"v":7,"id":21,"op":"wait","match":["p*"],"timeout_ms":300,"progress":true}'
assert_eq "$(echo "$RAW" | wc -l)" 2 "a progress line and the result"
assert_eq "$(echo "$RAW" | sed -n 1p)" \
    '{"v":7,"id":21,"progress":{"label":"p1","state":"exited","exit_code":0,"signal":null,"error":null,"succeeded":true,"ended":1,"total":2}}' \
    "the already ended job's progress line"
assert_eq "$(echo "$RAW" | sed -n 2p | jq -c '.result | del(.elapsed_ms)')" \
    '{"succeeded":["p1"],"failed":[],"left":["p2"],"timed_out":true,"errors":[]}' \
    "the result at the timeout"
[ "$(echo "$RAW" | sed -n 2p | jq .result.elapsed_ms)" -ge 300 ] ||
    fail "elapsed_ms is at least the timeout: $RAW"

# A half-closed client waits for p2 to end: its line, then the result.
n=$(wait_requests)
printf '%s\n' '{"v":7,"id":22,"op":"wait","match":["p2","p1"],"progress":true}' \
    '{"v":7,"id":23,"op":"ping"}' |
    socat -t 30 - "UNIX-CONNECT:$SOCK" >"$T/half.out" &
SOCAT_PID=$!
KILL_PIDS="$KILL_PIDS $SOCAT_PID"
wait_for 10 "the daemon to take the wait" wait_taken $((n + 1))
wait_for 10 "the first progress line" has_lines "$T/half.out" 1
release p2
wait_exit "$SOCAT_PID" 20
assert_eq "$(cat "$T/half.out" | wc -l)" 4 "two progress lines, the result, the ping"
assert_eq "$(sed -n 2p "$T/half.out")" \
    '{"v":7,"id":22,"progress":{"label":"p2","state":"exited","exit_code":3,"signal":null,"error":null,"succeeded":false,"ended":2,"total":2}}' \
    "p2's progress line"
assert_eq "$(sed -n 3p "$T/half.out" | jq -c '.result | del(.elapsed_ms)')" \
    '{"succeeded":["p1"],"failed":[{"label":"p2","state":"exited","exit_code":3,"signal":null,"error":null}],"left":[],"timed_out":false,"errors":[]}' \
    "the result"
assert_eq "$(sed -n 4p "$T/half.out" | jq -c '[.id, .result.pid]')" "[23,$DAEMON_PID]" \
    "the request behind the wait, answered after it"
