# Per-job usage: `status` and `list -l` (and their --json) say what a
# live job's processes use: CPU % between samples, RSS and PSS of the
# job's processes (descendants and orphans included), the shim's PSS
# apart.  A plain `list` does not measure; an ended job has no usage.
# Bad "usage" members are invalid_data naming the field.
. "$(dirname "$0")/../lib.sh"

start_daemon

usage() { "$LAUNCH" status --json "$1" | jq -r ".[0].usage.$2"; }
usage_over() { [ "$(usage "$1" "$2" | cut -d. -f1)" -gt "$3" ]; }

"$LAUNCH" submit -l burn -- sh -c 'while :; do :; done'
"$LAUNCH" submit -l idle -- sleep 1000
"$LAUNCH" submit -l mem -- python3 -c \
    'import sys, time; b = b"x" * (60 << 20); print("ok", flush=True); time.sleep(1000)'
"$LAUNCH" submit -l tree -- sh -c '(sleep 1000 &); sleep 1002 & exec sleep 1001'
"$LAUNCH" submit -l done -- true
wait_for 10 "done to exit" job_is done state exited

# CPU: a busy loop shows CPU (its first sample is its average since it
# started, later ones the time between samples); a sleeping job none.
wait_for 20 "burn to use CPU" usage_over burn cpu_pct 30
usage idle cpu_pct >/dev/null
wait_for 5 "a second sample of idle" true
[ "$(usage idle cpu_pct | cut -d. -f1)" -lt 5 ] || fail "idle uses CPU: $(usage idle cpu_pct)"

# Memory: 60 MiB held by the job is in its RSS and PSS; the shim is apart.
wait_for 20 "mem to hold its 60 MiB" usage_over mem rss_kb 61440
usage_over mem pss_kb 50000 || fail "mem's pss: $(usage mem pss_kb)"
usage_over mem shim_pss_kb 0 || fail "no shim_pss_kb: $(usage mem shim_pss_kb)"
[ "$(usage mem shim_pss_kb)" -lt "$(usage mem pss_kb)" ] ||
    fail "the shim's memory looks like the job's"
assert_eq "$(usage mem procs)" 1 "mem is one process"

# Descendants and orphans: sleep 1001 (main), sleep 1002 (its child, via
# sh before the exec) and the orphaned sleep 1000, re-parented to the
# shim: three processes.
wait_for 10 "tree's three processes" [ "$(usage tree procs)" = 3 ]

# Ended: no usage.  A plain list does not measure; list -l does.
assert_eq "$(usage done procs)" null "an ended job"
assert_eq "$("$LAUNCH" list --json | jq '[.[] | select(has("usage"))] | length')" 0 \
    "plain list"
assert_eq "$("$LAUNCH" list -l --json | jq -c '[.[] | select(has("usage")) | .label]')" \
    '["burn","idle","mem","tree"]' "list -l measures the live jobs"

# The table: CPU%, RSS, PSS, RESTARTS columns; "-" for an ended job.
run_rc 0 "list -l" "$LAUNCH" list -l
assert_contains "$OUT" "CPU%  RSS" "the header"
echo "$OUT" | grep -Eq '^mem +process +running +[0-9]+ +[0-9]+s +[0-9.]+ +[6-9][0-9]\.[0-9]M ' ||
    fail "mem's row: $OUT"
echo "$OUT" | grep -Eq '^done +process +exited +- +exit 0 +- +- +- +0 ' ||
    fail "done's row: $OUT"
run_rc 0 "status" "$LAUNCH" status tree
assert_contains "$OUT" "in 3 processes (and its shim: pss " "status's memory line"
assert_contains "$OUT" "cpu:" "status's cpu line"

# The request's member: a boolean, and only for list.
raw '{"v":7,"id":1,"op":"list","usage":"yes"}'
assert_eq "$(echo "$RAW" | jq -c '[.error.code, .error.field]')" \
    '["invalid_data","usage"]' "usage: a string"
raw '{"v":7,"id":2,"op":"start","match":["done"],"usage":true}'
assert_eq "$(echo "$RAW" | jq -c '[.error.code, .error.field]')" \
    '["invalid_data","usage"]' "usage on start"
raw '{"v":7,"id":3,"op":"list","match":["idle"],"usage":false}'
assert_eq "$(echo "$RAW" | jq '.result.jobs[0] | has("usage")')" false \
    "usage false"
"$LAUNCH" -q ping || fail "the daemon is unwell"
