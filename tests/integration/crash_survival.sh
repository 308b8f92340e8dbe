# The daemon is SIGKILLed while 100 jobs run; while it is down 20 of them
# end (19 with distinct exit codes, one by SIGKILL).  A new daemon lists
# all 100, adopts the 80 still running (stop works on them), reports the
# 20 with their true status and time, and applies restart policies.
. "$(dirname "$0")/../lib.sh"
start_daemon

mkdir "$T/gate"
i=0
while [ $i -lt 100 ]; do
	if [ $i -lt 20 ]; then
		# Blocks until the test opens its gate, then exits with i+1.
		mkfifo "$T/gate/$i"
		policy=no
		[ $i -lt 5 ] && policy=on-failure
		"$LAUNCH" submit -l "job/$i" --restart $policy -- \
		    sh -c "read x < $T/gate/$i; exit $((i + 1))"
	else
		"$LAUNCH" submit -l "job/$i" -- sleep 1000
	fi
	i=$((i + 1))
done
"$LAUNCH" list --json >"$T/before.json"
assert_eq "$(jq '[.[] | select(.state == "running")] | length' "$T/before.json")" 100 "running before the crash"
pid_of() { jq -r --arg l "$1" '.[] | select(.label == $l) | .pid' "$2"; }

kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
down_at=$(date +%s)

# While the daemon is down: 19 exit with codes 1..19, one is killed.
i=0
while [ $i -lt 19 ]; do
	echo go >"$T/gate/$i"
	i=$((i + 1))
done
p19=$(pid_of job/19 "$T/before.json")
kill -KILL "$p19"
for i in $(seq 0 19); do
	p=$(pid_of "job/$i" "$T/before.json")
	wait_for 10 "job/$i (pid $p) to end while the daemon is down" not_alive "$p"
done
# ...and the shims have recorded how they ended.
for i in $(seq 0 19); do
	id=$(jq -r --arg l "job/$i" '.[] | select(.label == $l) | .id' "$T/before.json")
	wait_for 10 "job/$i's status file" sh -c "jq -e '.wstatus != null' '$T/state/jobs/$id.status'"
done

start_daemon
"$LAUNCH" list --json >"$T/after.json"
assert_eq "$(jq length "$T/after.json")" 100 "all 100 jobs are listed"

# The 80 still running were adopted with the same pids.
for i in $(seq 20 99); do
	before=$(pid_of "job/$i" "$T/before.json")
	assert_eq "$(pid_of "job/$i" "$T/after.json")" "$before" "job/$i adopted with its pid"
	alive "$before" || fail "job/$i (pid $before) is not running"
done
assert_eq "$(jq '[.[] | select(.state == "running" and (.label | test("^job/([2-9][0-9])$")))] | length' "$T/after.json")" 80 "80 running"

# The 20 show their true exit status and time.
for i in $(seq 5 18); do
	assert_eq "$(jq -r --arg l "job/$i" '.[] | select(.label == $l) | "\(.state) \(.exit_code) \(.signal)"' "$T/after.json")" \
	    "exited $((i + 1)) null" "job/$i's exit status"
done
assert_eq "$(jq -r '.[] | select(.label == "job/19") | "\(.state) \(.exit_code) \(.signal)"' "$T/after.json")" \
    "exited null SIGKILL" "job/19 was killed by a signal"
for i in $(seq 5 19); do
	ended=$(jq -r --arg l "job/$i" '.[] | select(.label == $l) | .ended_at' "$T/after.json")
	ended_s=$(date -d "$ended" +%s)
	[ "$ended_s" -ge "$down_at" ] ||
		fail "job/$i ended_at $ended is before the daemon went down"
	started=$(jq -r --arg l "job/$i" '.[] | select(.label == $l) | .started_at' "$T/after.json")
	assert_eq "$started" "$(jq -r --arg l "job/$i" '.[] | select(.label == $l) | .started_at' "$T/before.json")" "job/$i keeps its start time"
done

# Restart policies apply to the ones that failed while the daemon was
# down (job/0..4 are on-failure): each is started again, once.
for i in $(seq 0 4); do
	wait_for 10 "job/$i to be restarted" sh -c \
	    "[ \"\$('$LAUNCH' status --json job/$i | jq -r '.[0].restarts')\" = 1 ]"
done
grep -q "job/0: ended while the daemon was down" "$T/daemon.log" ||
	fail "the daemon did not log the exit it found"

# stop works on an adopted job, and reports its end.
p50=$(pid_of job/50 "$T/before.json")
run_rc 0 "stop an adopted job" "$LAUNCH" -v stop job/50
assert_eq "$OUT" "job/50: exited, SIGTERM" "stop of an adopted job"
not_alive "$p50" || fail "the adopted job survived stop"

# Everything still stops cleanly.
pids=$(jq -r '.[] | select(.state == "running") | .pid' "$T/after.json")
run_rc 0 "shutdown" "$LAUNCH" shutdown
for p in $pids; do not_alive "$p" || fail "pid $p survived shutdown"; done
wait_exit "$DAEMON_PID" 20
DAEMON_PID=
