# A stale record whose pids now belong to other processes is never
# adopted or signalled: identity is the shim's socket, not a pid.
. "$(dirname "$0")/../lib.sh"
start_daemon

"$LAUNCH" submit -l victim -- sleep 1000
id=$(job_field victim id)
pid=$(job_field victim pid)
shim=$(record_field "$id" shim.pid)
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
# The job and its shim vanish without a word...
kill -KILL "$shim" "$pid"
wait_for 5 "the old job to vanish" not_alive "$pid"
rm -f "$T/state/jobs/$id.status"
# ...and their pids now name strangers (the record is edited, a line
# appended to the journal, to point at processes that are not ours to
# touch).
sleep 1000 &
stranger=$!
sleep 1000 &
stranger2=$!
KILL_PIDS="$stranger $stranger2"
record_edit "$id" ".pid = $stranger | .shim.pid = $stranger2"
assert_eq "$(record_field "$id" pid) $(record_field "$id" shim.pid)" \
    "$stranger $stranger2" "the edited record"

start_daemon
assert_eq "$(job_field victim state)" exited "the stale job is not adopted"
assert_contains "$(job_field victim error)" "lost" "it is reported lost"
assert_eq "$(job_field victim pid)" null "no pid is claimed"
run_rc 0 "stop the lost job" "$LAUNCH" stop victim
run_rc 0 "remove the lost job" "$LAUNCH" remove victim
alive "$stranger" || fail "a stranger with the recorded job pid was killed"
alive "$stranger2" || fail "a stranger with the recorded shim pid was killed"

# A socket of the recorded name held by another uid is not trusted.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
    { id launchtest >/dev/null 2>&1 ||
    useradd --system --no-create-home --shell /usr/sbin/nologin launchtest; }; then
	"$LAUNCH" submit -l victim2 -- sleep 1000
	id=$(job_field victim2 id)
	sock=$(record_field "$id" shim.sock)
	shim=$(record_field "$id" shim.pid)
	pid=$(job_field victim2 pid)
	kill -KILL "$DAEMON_PID"
	wait_exit "$DAEMON_PID" 10
	DAEMON_PID=
	kill -KILL "$shim" "$pid"
	wait_for 5 "the job to vanish" not_alive "$pid"
	rm -f "$T/state/jobs/$id.status"
	setpriv --reuid=launchtest --regid=launchtest --clear-groups \
	    socat "ABSTRACT-LISTEN:$sock,fork" /dev/null &
	impostor=$!
	KILL_PIDS="$KILL_PIDS $impostor"
	wait_for 5 "the impostor to listen" sh -c "grep -q '@$sock' /proc/net/unix"
	start_daemon
	assert_eq "$(job_field victim2 state)" exited "not adopted from another uid"
	grep -q "is not held by uid" "$T/daemon.log" || fail "the refusal is not logged"
fi
