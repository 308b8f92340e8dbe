# A job that ignores the stop signal is killed after -t; -s picks the
# signal; unknown labels are reported while the others are still stopped.
. "$(dirname "$0")/../lib.sh"
start_daemon

"$LAUNCH" submit -l deaf -- sh -c 'trap "" TERM; while :; do sleep 1; done'
pid=$(job_field deaf pid)
run_rc 0 "stop with timeout" "$LAUNCH" -v stop -t 1 deaf
assert_eq "$OUT" "deaf: exited, SIGKILL" "a job ignoring SIGTERM is killed"
not_alive "$pid" || fail "job survived"
assert_eq "$(job_field deaf signal)" SIGKILL "recorded signal"

"$LAUNCH" submit -l polite -- sleep 1000
run_rc 0 "stop with -s INT" "$LAUNCH" -v stop -s INT polite
assert_eq "$OUT" "polite: exited, SIGINT" "the chosen signal is sent"
"$LAUNCH" submit -l polite2 -- sleep 1000
run_rc 0 "stop with -s 1" "$LAUNCH" -v stop -s 1 polite2
assert_eq "$OUT" "polite2: exited, SIGHUP" "a signal by number"
run_rc 2 "stop with SIGKILL as the stop signal" "$LAUNCH" stop -s KILL polite
assert_contains "$ERR" "not a usable stop signal" "message"
run_rc 2 "stop with a bad timeout" "$LAUNCH" stop -t soon polite
assert_contains "$ERR" "-t soon" "message names the option"

# Unknown labels: exit 1, each reported, the rest still stopped.
"$LAUNCH" submit -l a1 -- sleep 1000
"$LAUNCH" submit -l a2 -- sleep 1000
"$LAUNCH" submit -l b1 -- sleep 1000
run_rc 1 "stop with unknown names" "$LAUNCH" stop 'a*' ghost 'zz*' b1
assert_contains "$ERR" "launch: ghost: no such job" "unknown label"
assert_contains "$ERR" "launch: zz*: no job matches" "glob matching nothing"
for l in a1 a2 b1; do
	assert_eq "$(job_field $l state)" exited "$l stopped despite the unknown names"
done
raw '{"v":7,"id":3,"op":"stop","match":["ghost"]}'
assert_eq "$(echo "$RAW" | jq -r '.result.errors[0].code')" unknown_label "code"
run_rc 1 "status of an unknown label" "$LAUNCH" status ghost
assert_eq "$ERR" "launch: ghost: no such job" "status message"
