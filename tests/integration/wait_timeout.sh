# launch wait -t: the daemon gives up after the timeout and says which
# jobs were left: exit 6 (not 1: the batch is not done, whatever else
# failed), "timeout" in the summary and the same line on stderr with the
# labels; the jobs themselves run on.  -t 0 looks once; decimals work;
# a timeout is not reached when everything ended first.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../wait-lib.sh"
start_daemon

gated t1 0
gated t2 0
"$LAUNCH" submit -l t3 -- true
"$LAUNCH" submit -l t4 -- sh -c 'exit 4'
wait_for 10 "t3 and t4 to end" sh -c "[ \"\$('$LAUNCH' list --json t3 t4 | jq -r 'map(.state)|join(\",\")')\" = exited,exited ]"

run_rc 6 "a timeout" "$LAUNCH" wait -t 0.5 't*'
assert_eq "$(echo "$OUT" | jq -c 'del(.elapsed_s)')" \
    '{"succeeded":{"count":1,"labels":["t3"]},"failed":{"count":1,"labels":["t4"],"jobs":[{"label":"t4","state":"exited","exit_code":4,"signal":null,"error":null}]},"timeout":{"message":"Timeout reached at 0.5 s with 2 jobs left","count":2,"labels":["t1","t2"]}}' \
    "the summary, with the jobs left"
echo "$OUT" | jq -e '.elapsed_s >= 0.5 and .elapsed_s < 5' >/dev/null ||
    fail "elapsed_s is the time waited: $OUT"
assert_eq "$ERR" "launch: Timeout reached at 0.5 s with 2 jobs left: t1, t2" "the line on stderr"
for l in t1 t2; do
	assert_eq "$(job_field $l state)" running "$l runs on after the timeout"
done

# -t 0: a look, no wait.
run_rc 6 "-t 0" "$LAUNCH" wait -t 0 t2
assert_contains "$ERR" "with 1 job left: t2" "one job left"
assert_eq "$(echo "$OUT" | jq -c '.timeout.labels')" '["t2"]' "left"
run_rc 0 "-t 0 with every job ended" "$LAUNCH" wait -t 0 t3
assert_eq "$(echo "$OUT" | jq -c 'has("timeout")')" false "no timeout member"

# Everything ends before the timeout: no timeout.
wait_bg intime -- -t 60 t1 t2
release t1
release t2
wait_exit "$WAIT_PID" 10
assert_eq "$WAIT_STATUS" 0 "ended in time"
assert_eq "$(summary "$T/intime.out" '[.succeeded.labels, has("timeout")]')" \
    '[["t1","t2"],false]' "both succeeded, no timeout"
assert_eq "$(cat "$T/intime.err")" "" "nothing on stderr"

# A timeout with a single job: the registrations it leaves behind are
# gone (the job ends and is removed afterwards without a complaint).
gated late 0
run_rc 6 "a timeout on one job" "$LAUNCH" wait -t 0.2 late
release late
wait_for 10 "late to end" job_is late state exited
run_rc 0 "remove late" "$LAUNCH" remove late
grep -q 'settled a wait' "$T/daemon.log" && fail "a stale wait registration"
run_rc 0 "ping" "$LAUNCH" ping
