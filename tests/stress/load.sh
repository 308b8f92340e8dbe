# Load: 1000 concurrent clients for LOAD_SECONDS (30) doing submit /
# list / stop / remove loops against one daemon (docs/stress.md), after
# LOAD_WARMUP (30) seconds of the same load that the RSS check leaves out.
#
# The clients: tests/tools/load_clients.py holds LOAD_CLIENTS (1000)
# protocol connections, each its own loop (its header says what each
# does and checks); next to it, real `launch` processes: LOAD_CLI (4)
# shell loops of the same cycle, a pair racing on one label (submit
# against remove: the only errors allowed, each named below), and a
# `launch ping` every half second.  1000 CLI processes in loops would
# mostly measure exec on 2 cores; the driver is the load on the daemon,
# the CLI loops check that the real client works under it.
#
# Asserted: no error reply but the race's; every label submitted is at
# the end listed in the state it should be or was removed by the test,
# and no other job exists; the live jobs are exactly the `sleep MARK`
# processes on the machine, each under its shim, and none is left after
# shutdown; the daemon's RSS does not grow after warm-up (see rss_check);
# every ping is answered (within 30 s: a liveness deadline, not a timing).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../stress-lib.sh"
: "${LOAD_SECONDS:=30}" "${LOAD_WARMUP:=30}" "${LOAD_CLIENTS:=1000}"
: "${LOAD_CLI:=4}"
TOOLS=$(cd "$(dirname "$0")/../tools" && pwd)
command -v python3 >/dev/null || skip "python3 is needed for the driver"
stress_nofile $((LOAD_CLIENTS * 3 + 1000))
stress_state_dir
MARK=$(stress_mark)
# The history holds every job that can be ended at once (each client's
# keep and last jobs, and the one between its stop and remove): with the
# default 1000 the daemon rightly forgets the oldest ended jobs, and the
# accounting below could not tell that from a lost job.
start_daemon --history $((LOAD_CLIENTS * 3 + LOAD_CLI + 10))
END_FLAG=$T/end

# cli_loop N: submit / list / stop / remove load/shN/K until END_FLAG.
cli_loop() {
	_k=0
	while [ ! -e "$END_FLAG" ]; do
		_l=load/sh$1/$_k
		echo "INFO: $_l" >>"$T/sh$1.labels"
		{ "$LAUNCH" submit -l "$_l" -- sleep "$MARK" >/dev/null &&
		  [ "$("$LAUNCH" list --json "$_l" | jq -r '.[0].state')" = running ] &&
		  "$LAUNCH" stop "$_l" >/dev/null &&
		  "$LAUNCH" remove "$_l" >/dev/null; } 2>>"$T/sh$1.err" ||
		    echo "cycle of $_l failed" >>"$T/sh$1.err"
		_k=$((_k + 1))
	done
}

# race_loop submit|remove: one side of the race on load/race.  Allowed:
# submit finds it taken (already_running: "already running",
# "starting" or "stopping" while a remove stops it; instance_exists:
# "exists"), remove finds nothing (unknown_label: "no such job").  Runs in the
# background: its own shell, where a failing command must not exit.
race_loop() {
	set +e
	while [ ! -e "$END_FLAG" ]; do
		if [ "$1" = submit ]; then
			"$LAUNCH" submit -l load/race -- sleep "$MARK"
		else
			"$LAUNCH" remove load/race
		fi >/dev/null 2>>"$T/race-$1.err"
		echo $? >>"$T/race-$1.rc"
	done
}

# ping_loop: a ping every half second; the worst time in ping.max.
ping_loop() {
	while [ ! -e "$END_FLAG" ]; do
		_t0=$(date +%s%N)
		timeout 30 "$LAUNCH" -q ping ||
		    echo "ping failed at $(date -u +%T), exit $?" >>"$T/ping.err"
		echo $((($(date +%s%N) - _t0) / 1000000)) >>"$T/ping.ms"
		sleep 0.5
	done
}

pids=
i=0
while [ $i -lt "$LOAD_CLI" ]; do
	cli_loop $i & pids="$pids $!"
	i=$((i + 1))
done
race_loop submit & pids="$pids $!"
race_loop remove & pids="$pids $!"
ping_loop & pids="$pids $!"
KILL_PIDS="$KILL_PIDS $pids"

t0=$(date +%s)
python3 "$TOOLS/load_clients.py" "$SOCK" "$DAEMON_PID" "$MARK" \
    "$LOAD_CLIENTS" $((LOAD_WARMUP + LOAD_SECONDS)) "$T/driver.json" ||
    fail "the driver failed"
touch "$END_FLAG"
for pid in $pids; do wait "$pid"; done
echo "INFO: driver: $(($(date +%s) - t0)) s in all; $(jq -c '{iterations,
    requests, max_latency_ms}' "$T/driver.json")"

# Errors: none from the driver or the CLI loops; only the race's own.
assert_eq "$(jq -c .errors "$T/driver.json")" "{}" \
    "driver errors by op and code (first: $(jq -c .wrong "$T/driver.json"))"
cat "$T"/sh*.err 2>/dev/null | head -n 5 >"$T/cli.err"
[ ! -s "$T/cli.err" ] || fail "CLI loops: $(cat "$T/cli.err")"
[ ! -s "$T/ping.err" ] || fail "ping: $(cat "$T/ping.err")"
echo "INFO: ping: $(wc -l <"$T/ping.ms") answered, slowest $(sort -n "$T/ping.ms" | tail -n 1) ms"
unexpected=$(grep -vhE -e '^launch: load/race: already (running|starting|stopping) \(pid [0-9]+\)$' \
    -e '^launch: load/race: exists \(' -e '^launch: load/race: no such job$' \
    "$T/race-submit.err" "$T/race-remove.err" | head -n 3)
[ -z "$unexpected" ] || fail "race: unexpected: $unexpected"
echo "INFO: race: submit $(grep -c '^0$' "$T/race-submit.rc") ok," \
    "$(grep -c ': already' "$T/race-submit.err") already running," \
    "$(grep -c 'exists' "$T/race-submit.err") exists;" \
    "remove $(grep -c '^0$' "$T/race-remove.rc") ok," \
    "$(grep -c 'no such job' "$T/race-remove.err") no such job"

# Accounting: what the daemon lists is exactly what should be left.
jq -r '.expect | to_entries[] | select(.value != "removed") |
    "\(.key) \(.value)"' "$T/driver.json" >"$T/expected"
"$LAUNCH" list --json | jq -r '.[] | "\(.label) \(.state)"' |
    grep -v '^load/race ' >"$T/listed" || true
sort -o "$T/expected" "$T/expected"
sort -o "$T/listed" "$T/listed"
diff "$T/expected" "$T/listed" >"$T/diff" ||
    fail "jobs listed differ from the jobs expected (< expected, > listed): $(head -n 10 "$T/diff")"
echo "INFO: accounted for: $(jq '.expect | length' "$T/driver.json") driver labels," \
    "$(cat "$T"/sh*.labels | wc -l) CLI labels (removed)," \
    "$(wc -l <"$T/listed") left listed"

# Processes: every live job is a `sleep MARK` under a launch-shim, and
# there is no other such sleep (a leftover of a stopped job).
"$LAUNCH" list --json | jq -r '.[] | select(.state == "running") | .pid' |
    sort -n >"$T/job.pids"
wait_for 30 "the sleeps to be exactly the running jobs" \
    stress_sleeps_are "$T/job.pids"
stress_parents_are_shims "$T/job.pids"
running=$(wc -l <"$T/job.pids")

rss_check "$T/driver.json" "$LOAD_WARMUP"

run_rc 0 "shutdown" "$LAUNCH" shutdown
wait_exit "$DAEMON_PID" 60
DAEMON_PID=
assert_eq "$WAIT_STATUS" 0 "the daemon's exit status after shutdown"
wait_for 30 "every sleep to be gone" stress_sleeps_are /dev/null
wait_for 30 "every shim to be gone" stress_no_shims
echo "INFO: shutdown: $running running jobs stopped, no process left"
