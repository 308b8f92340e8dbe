# launch wait returns once every matched job has ended and prints a JSON
# summary: all exited 0 is exit 0 (the exact text checked), a job that
# exits non-zero or is killed by a signal is failed (exit 1, how it
# ended in "failed"), a name that matches nothing is reported and the
# others are still waited for (exit 1, "unknown"), jobs already ended
# count at once, jobs submitted after the wait started are not waited
# for, and bad arguments are usage errors (exit 2) naming what is wrong.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../wait-lib.sh"
start_daemon

# All succeed; the wait returns only when the last one has ended.
gated a 0
gated b 0
gated c/d 0
wait_bg all -- a b 'c/*'
release a
release b
wait_for 10 "a and b to end" sh -c "[ \"\$('$LAUNCH' list --json a b | jq -r 'map(.state)|join(\",\")')\" = exited,exited ]"
still_waiting "with c/d still running"
release c/d
wait_exit "$WAIT_PID" 10
assert_eq "$WAIT_STATUS" 0 "exit code when every job exited 0"
assert_eq "$(sed 's/"elapsed_s": [0-9]*\.[0-9]$/"elapsed_s": X/' "$T/all.out")" '{
  "succeeded": {
    "count": 3,
    "labels": ["a", "b", "c/d"]
  },
  "failed": {
    "count": 0,
    "labels": [],
    "jobs": []
  },
  "elapsed_s": X
}' "the summary, exactly"
jq -e '.elapsed_s > 0 and .elapsed_s < 10' "$T/all.out" >/dev/null ||
    fail "elapsed_s: $(cat "$T/all.out")"
assert_eq "$(cat "$T/all.err")" "" "stderr is not a terminal: no progress, nothing"

# One exits 3, one is killed by SIGKILL: both failed, with how.
gated ok 0
gated three 3
"$LAUNCH" submit -l killed -- sleep 1000
wait_bg mixed -- ok three killed
release ok
release three
kill -KILL "$(job_field killed pid)"
wait_exit "$WAIT_PID" 10
assert_eq "$WAIT_STATUS" 1 "exit code with failures"
assert_eq "$(summary "$T/mixed.out" .succeeded)" '{"count":1,"labels":["ok"]}' "succeeded"
assert_eq "$(summary "$T/mixed.out" .failed)" \
    '{"count":2,"labels":["killed","three"],"jobs":[{"label":"killed","state":"exited","exit_code":null,"signal":"SIGKILL","error":null},{"label":"three","state":"exited","exit_code":3,"signal":null,"error":null}]}' \
    "failed, with how each ended"
assert_eq "$(summary "$T/mixed.out" 'has("timeout")')" false "no timeout member"

# Jobs already ended count at once (here: the same jobs again).
run_rc 1 "a wait on ended jobs" "$LAUNCH" wait ok three killed
assert_eq "$(summary "$T/out" '[.succeeded.labels, .failed.labels]')" \
    '[["ok"],["killed","three"]]' "ended jobs, as they ended"
run_rc 0 "a wait on jobs that succeeded" "$LAUNCH" wait ok 'c/*'
assert_eq "$(summary "$T/out" .succeeded.labels)" '["c/d","ok"]' "by label"

# Names that match nothing: reported, exit 1, the others still waited
# for; nothing at all matching is the same, not a hard error.
run_rc 1 "unknown names" "$LAUNCH" wait ok ghost 'zz*'
assert_contains "$ERR" "launch: ghost: no such job" "unknown label"
assert_contains "$ERR" "launch: zz*: no job matches" "glob matching nothing"
assert_eq "$(summary "$T/out" '[.succeeded.labels, .unknown]')" \
    '[["ok"],{"count":2,"labels":["ghost","zz*"]}]' "unknown in the summary"
run_rc 1 "nothing matches" "$LAUNCH" wait 'nothing*'
assert_eq "$(summary "$T/out" '[.succeeded.count, .failed.count, .unknown.labels]')" \
    '[0,0,["nothing*"]]' "an empty summary with the unknown name"

# A snapshot: a job submitted after the wait began is not waited for.
gated snap/1 0
wait_bg snap -- 'snap/*'
"$LAUNCH" submit -l snap/2 -- sleep 1000
release snap/1
wait_exit "$WAIT_PID" 10
assert_eq "$WAIT_STATUS" 0 "the snapshot's job succeeded"
assert_eq "$(summary "$T/snap.out" .succeeded.labels)" '["snap/1"]' "only the snapshot"
assert_eq "$(job_field snap/2 state)" running "snap/2 runs on"

# Usage errors: exit 2, before anything is asked of the daemon.
n=$(wait_requests)
run_rc 2 "-t abc" "$LAUNCH" wait -t abc a
assert_contains "$ERR" "launch wait: -t abc: expected seconds from 0 to 604800" "names -t"
assert_contains "$ERR" "usage: launch wait [-t SECS] [--json] LABEL|GLOB..." "usage"
run_rc 2 "-t -1" "$LAUNCH" wait -t -1 a
assert_contains "$ERR" "-t -1" "a negative timeout"
run_rc 2 "-t beyond a week" "$LAUNCH" wait -t 604800.5 a
assert_contains "$ERR" "-t 604800.5" "too long"
run_rc 2 "-t without a value" "$LAUNCH" wait -t
run_rc 2 "no names" "$LAUNCH" wait
assert_contains "$ERR" "expected at least one LABEL or GLOB" "no names"
run_rc 2 "a bad label" "$LAUNCH" wait 'bad label'
assert_contains "$ERR" "label has ' ' at byte 3" "a bad label"
run_rc 2 "an unknown option" "$LAUNCH" wait -x a
assert_eq "$(wait_requests)" "$n" "no usage error reached the daemon"

run_rc 0 "help" "$LAUNCH" wait --help
assert_contains "$OUT" "usage: launch wait [-t SECS] [--json] LABEL|GLOB..." "help usage"
assert_contains "$OUT" "launch wait -t 600 'batch/*'" "help example"
run_rc 0 "ping" "$LAUNCH" ping
