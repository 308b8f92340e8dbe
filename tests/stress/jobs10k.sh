# 10,000 jobs supervised at once (JOBS_N, default 10000): all reach
# running and are listed, spot-checked ones are real live processes
# under their shims, a stop of all ends and reaps every process, and the
# daemon shuts down cleanly (docs/stress.md).
#
# The jobs come from JOBS_CLIENTS (4) `launch submit -f` clients at once,
# each with a job file of N/4 jobs: one client submits one job at a time
# (each reply waits for its exec), so several let the daemon overlap one
# job's exec with the next one's fork.  Limits (open files, processes,
# pid_max) are raised when they would not hold 2N processes and N+ files;
# the test skips, saying which, when they cannot be.  Times are printed,
# never asserted.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../stress-lib.sh"
: "${JOBS_N:=10000}" "${JOBS_CLIENTS:=4}"
stress_nofile $((JOBS_N + 1000))
stress_pids $((2 * JOBS_N + 2000))
stress_state_dir
MARK=$(stress_mark)
# The history keeps all N once stopped, so that the end is checked too.
start_daemon --history "$JOBS_N"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
i=0
while [ $i -lt "$JOBS_CLIENTS" ]; do
	jq -n --argjson c $i --argjson n "$JOBS_N" --argjson p "$JOBS_CLIENTS" \
	    --arg mark "$MARK" '[range($c; $n; $p) |
	    {label: "j/\(.)", argv: ["sleep", $mark]}]' >"$T/jobs$i.json"
	i=$((i + 1))
done

t0=$(now_ms)
pids=
i=0
while [ $i -lt "$JOBS_CLIENTS" ]; do
	"$LAUNCH" submit -f "$T/jobs$i.json" >"$T/submit$i.out" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
KILL_PIDS="$KILL_PIDS $pids"
i=0
for pid in $pids; do
	wait "$pid" || fail "submit -f of file $i: $(head -n 5 "$T/submit$i.out")"
	i=$((i + 1))
done
t_start=$(($(now_ms) - t0))
echo "INFO: start: $JOBS_N jobs running in $t_start ms ($JOBS_CLIENTS clients)"

t0=$(now_ms)
"$LAUNCH" list --json >"$T/list.json"
t_list=$(($(now_ms) - t0))
assert_eq "$(jq 'length' "$T/list.json")" "$JOBS_N" "jobs listed"
assert_eq "$(jq '[.[] | select(.state == "running")] | length' "$T/list.json")" \
    "$JOBS_N" "jobs listed running"
jq -r '.[].pid' "$T/list.json" | sort -n >"$T/job.pids"
assert_eq "$(sort -u "$T/job.pids" | wc -l)" "$JOBS_N" "distinct pids"
echo "INFO: list --json of $JOBS_N: $t_list ms"

# Every job is a real `sleep MARK` under its shim, and there is no other
# (the whole set, from one ps; a few checked again one by one in /proc).
stress_sleeps_are "$T/job.pids" ||
    fail "the sleep processes are not the jobs' pids ($(wc -l <"$T/sleeps.now") sleeps)"
stress_parents_are_shims "$T/job.pids"
assert_eq "$(stress_shims)" "$JOBS_N" "launch-shim processes"
for n in 0 1 $((JOBS_N / 2)) $((JOBS_N - 1)); do
	pid=$(jq -r --arg l "j/$n" '.[] | select(.label == $l) | .pid' "$T/list.json")
	assert_eq "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep $MARK " "j/$n's command line"
	assert_eq "$(awk '{print $3}' "/proc/$pid/stat")" S "j/$n's process state"
done

t0=$(now_ms)
run_rc 0 "stop all" "$LAUNCH" stop '*'
t_stop=$(($(now_ms) - t0))
echo "INFO: stop: $JOBS_N jobs ended in $t_stop ms"
"$LAUNCH" list --json >"$T/list.json"
assert_eq "$(jq '[.[] | select(.state == "exited" and .signal == "SIGTERM")] | length' \
    "$T/list.json")" "$JOBS_N" "jobs ended by SIGTERM"
stress_sleeps "$T/sleeps.now"
assert_eq "$(wc -l <"$T/sleeps.now")" 0 "sleeps left after the stop's reply"
wait_for 60 "every shim to exit" stress_no_shims
# The shims are the spawner's children, which the kernel reaps (the
# spawner ignores SIGCHLD); the daemon's only child is the spawner.
spawner=$(pgrep -P "$DAEMON_PID" -f -- '--spawner' || true)
[ -n "$spawner" ] || fail "no spawner"
wait_for 60 "no shim left unreaped" stress_no_zombies "$spawner"
wait_for 60 "the daemon to reap its children" stress_no_zombies "$DAEMON_PID"

t0=$(now_ms)
run_rc 0 "shutdown" "$LAUNCH" shutdown
wait_exit "$DAEMON_PID" 60
DAEMON_PID=
assert_eq "$WAIT_STATUS" 0 "the daemon's exit status after shutdown"
echo "INFO: shutdown: $(($(now_ms) - t0)) ms"
