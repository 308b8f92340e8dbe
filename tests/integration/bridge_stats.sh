# launch bridge relays the protocol to the local daemon byte for byte:
# two requests on stdin give two replies in order, and the end of stdin
# still lets the replies out (a half-close); with no daemon it exits 3.
# launch stats: the machine's figures are sane (memory, CPUs as nproc,
# the state directory's disk) and the job counts follow the jobs.
. "$(dirname "$0")/../lib.sh"

run_rc 3 "bridge without a daemon" "$LAUNCH" bridge </dev/null
assert_contains "$ERR" "no daemon at $SOCK" "bridge, no daemon"
start_daemon

printf '%s\n' '{"v":7,"id":1,"op":"ping"}' '{"v":7,"id":2,"op":"stats"}' |
    "$LAUNCH" bridge >"$T/replies"
assert_eq "$(jq -c .id "$T/replies" | tr '\n' ' ')" "1 2 " "two replies, in order"
assert_eq "$(sed -n 2p "$T/replies" | jq -r .result.status)" ready "stats through the bridge"
# Garbage goes to the daemon as is, and its error comes back.
assert_eq "$(echo 'not json' | "$LAUNCH" bridge | jq -r .error.code)" \
    invalid_payload "garbage through the bridge"

"$LAUNCH" submit -l s1 -- sleep 100
"$LAUNCH" submit -l s2 -- true
wait_for 10 "s2 to exit" job_is s2 state exited
"$LAUNCH" stats --json >"$T/stats"
assert_eq "$(jq -r '[.jobs_running, .jobs_total, .max_jobs, .status] | @tsv' "$T/stats")" \
    "$(printf '1\t2\t0\tready')" "job counts"
assert_eq "$(jq -r .cpus "$T/stats")" "$(nproc)" "cpus"
mem=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
assert_eq "$(jq -r .mem_total_mb "$T/stats")" "$mem" "mem_total_mb"
jq -e '.mem_available_mb > 0 and .mem_available_mb <= .mem_total_mb and
    .disk_available_mb <= .disk_total_mb and .disk_total_mb > 0 and
    .load1 >= 0' "$T/stats" >/dev/null || fail "implausible stats: $(cat "$T/stats")"
df_mb=$(df -P -m "$T/state" | awk 'NR == 2 { print $2 }')
d=$(($(jq -r .disk_total_mb "$T/stats") - df_mb))
[ "${d#-}" -le 1 ] || fail "disk_total_mb $(jq .disk_total_mb "$T/stats") vs df $df_mb"
"$LAUNCH" stats >"$T/table"
assert_eq "$(head -n 1 "$T/table" | tr -s ' ')" \
    "STATUS MEM MEM_AVAIL DISK DISK_AVAIL LOAD CPUS RUNNING JOBS MAX" "table header"
assert_eq "$(sed -n 2p "$T/table" | awk '{ print $1, $8, $9, $10 }')" "READY 1 2 -" "table row"
# Memory and disk as sizes (the MB are in --json): the total memory in
# G with one decimal, as human_size prints it, and the others sizes too.
mem_g=$(jq -r '.mem_total_mb / 1024 | . * 10 | round / 10' "$T/stats")
assert_eq "$(sed -n 2p "$T/table" | awk '{ print $2 }')" \
    "$(printf '%.1fG' "$mem_g")" "MEM as a size"
if sed -n 2p "$T/table" | awk '{ print $3; print $4; print $5 }' |
    grep -qvE '^([0-9]+K|[0-9]+\.[0-9][MGT])$'; then
	fail "sizes expected: $(sed -n 2p "$T/table")"
fi
