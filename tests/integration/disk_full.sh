# A full disk under the state directory: the shim drops the job's output
# (saying so once) instead of blocking the job; the daemon keeps serving;
# a submit that cannot be recorded fails cleanly (no hang, no crash, no
# job left); a daemon restarted on the full disk, its own log there too,
# adopts the jobs and serves; a stop's end that could not be recorded is
# written once there is room (so the next daemon does not call the job
# lost); once space is freed, jobs start and log again.  Needs root and
# tmpfs.  (Logs live in the state directory: there is no other log
# directory to fill; the daemon's own log is its stderr.)
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root to mount a tmpfs"
mkdir "$T/state"
mount -t tmpfs -o size=2m,mode=0700 tmpfs "$T/state" 2>"$T/mount.err" ||
	skip "cannot mount a tmpfs: $(cat "$T/mount.err")"

mounted() { awk -v d="$T/state" '$2 == d { m = 1 } END { exit !m }' /proc/self/mounts; }
# Stop the daemon (and so the jobs) before unmounting, then clean up as
# usual.  On the normal path the test has already shut the daemon down.
cleanup_mount() {
	_rc=$?
	set +e
	for _p in $KILL_PIDS; do kill -KILL "$_p" 2>/dev/null; done
	[ -z "$DAEMON_PID" ] || term_wait "$DAEMON_PID" 300
	# Shims left running (the daemon died) stop their jobs on SIGTERM.
	# Each is a fork of the spawner: its command line is the spawner's.
	for _p in $(ls /proc | grep -E '^[0-9]+$'); do
		tr '\0' ' ' 2>/dev/null <"/proc/$_p/cmdline" |
		    grep -q " --spawner $T/state " && kill -TERM "$_p"
	done
	_i=0
	while mounted && ! umount "$T/state" 2>/dev/null &&
	    [ $_i -lt 300 ]; do
		sleep 0.05; _i=$((_i + 1))
	done
	mounted && umount -l "$T/state"
	set_rc() { return "$1"; }
	set_rc "$_rc"
	cleanup
}
trap cleanup_mount EXIT

start_daemon
ended() { [ "$(job_field "$1" state)" != running ]; }

# 50 MB of output into 2 MB: the job must still get to write its marker.
"$LAUNCH" submit -l flood -- sh -c \
    "yes 'some output' | head -c 50000000; echo done >'$T/marker'; exec sleep 1000"
id=$(job_field flood id)
fpid=$(job_field flood pid)
wait_for 15 "the flooding job to finish writing (not blocked by the full disk)" test -f "$T/marker"
alive "$fpid" || fail "the flooding job died"
assert_eq "$(df --output=avail "$T/state" | tail -n 1 | tr -d ' ')" 0 "the state directory is full"
size=$(stat -c %s "$T/state/logs/$id/stdout.log")
[ "$size" -gt 1000000 ] || fail "the log holds only $size bytes"
head -n 1 "$T/state/logs/$id/stdout.log" | grep -qx 'some output' || fail "the log's first line"
# The shim reports the dropped output once, not once per write.
assert_eq "$(grep -c "launch shim $id: $T/state/logs/$id/stdout.log: No space left on device; dropping output" "$T/daemon.log")" 1 \
    "the shim's report of dropped output"

# The daemon keeps serving.
run_rc 0 "ping on a full disk" timeout 10 "$LAUNCH" ping
assert_contains "$OUT" "1 jobs" "ping on a full disk"
run_rc 0 "list on a full disk" timeout 10 "$LAUNCH" list --json
assert_eq "$(echo "$OUT" | jq -r '.[0] | "\(.label) \(.state) \(.pid)"')" "flood running $fpid" "list on a full disk"
# A new job's record cannot be written: the submit fails (exit 1, a
# message), and leaves no job behind.  But the journal's last page
# (tmpfs gives a file whole pages) may still hold a few lines: the
# smallest jobs the protocol takes fill it, each recorded and running,
# until one cannot be recorded.  Every record written later is bigger
# than theirs (a longer label, argv or cwd): none fits either.
n=0
while :; do
	n=$((n + 1))
	[ $n -le 9 ] || fail "9 submits on a full disk were all recorded"
	raw "{\"v\":7,\"id\":1,\"op\":\"submit\",\"label\":\"f$n\",\"argv\":[\"sleep\",\"1000\"],\"cwd\":\"/\"}"
	[ "$(echo "$RAW" | jq -r .error)" = null ] || break
	assert_eq "$(job_field "f$n" state)" running "f$n, recorded in the journal's last page"
done
assert_eq "$(echo "$RAW" | jq -r .error.code)" launch_failure "the error code of a submit on a full disk"
assert_contains "$(echo "$RAW" | jq -r .error.message)" \
    "cannot save its record: No space left on device" "the error of a submit on a full disk"
assert_eq "$("$LAUNCH" list "f$n")" "" "no job left by the failed raw submit"
run_rc 1 "submit on a full disk" timeout 10 "$LAUNCH" submit -l new -- sleep 1000
assert_contains "$ERR" "launch: new: cannot save its record: No space left on device" \
    "submit on a full disk prints an error"
assert_eq "$("$LAUNCH" list new)" "" "no job left by the failed submit"
raw '{"v":7,"id":1,"op":"submit","label":"raw","argv":["sleep","1000"],"cwd":"/"}'
assert_eq "$(echo "$RAW" | jq -r .error.code)" launch_failure "the error code of a second raw submit on a full disk"
assert_eq "$("$LAUNCH" list raw)" "" "no job left by the failed raw submit"
alive "$DAEMON_PID" || fail "the daemon died"

# A daemon restarted on the full disk, with its own log there too (its
# stderr: every line fails with ENOSPC), starts, adopts the job and
# serves.
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
"$LAUNCH" serve -v -S "$SOCK" 2>>"$T/state/daemon.log" &
DAEMON_PID=$!
wait_for 10 "the daemon started on a full disk to answer" "$LAUNCH" -q ping
assert_eq "$(job_field flood pid) $(job_field flood state)" "$fpid running" \
    "flood adopted by a daemon started on a full disk"
run_rc 1 "submit on a full disk, daemon restarted" timeout 10 "$LAUNCH" submit -l new -- true
assert_eq "$("$LAUNCH" list new)" "" "no job left by the failed submit"

# A stop still stops the job, though its end cannot be recorded yet.
run_rc 0 "stop on a full disk" timeout 20 "$LAUNCH" stop flood
not_alive "$fpid" || fail "the flooding job survived stop"
ended flood || fail "flood is still running after stop"
flood_end=$("$LAUNCH" status --json flood | jq -c '.[0] | [.state, .error, .exit_code, .ended_at]')
assert_eq "$(stat -c %s "$T/state/daemon.log")" 0 \
    "the daemon's log on the full disk (nothing could be written)"
alive "$DAEMON_PID" || fail "the daemon logging to a full disk died"

# Free the space (the log file is the flood's): the record of flood's
# end is written by the daemon's retry (a timer, every 10 s while a
# record is unsaved), with no other write to prompt it; jobs start and
# log again.
: >"$T/state/logs/$id/stdout.log"
wait_for 30 "flood's record to be written again" \
    grep -q '^.* info: flood: its record is saved again$' "$T/state/daemon.log"
assert_eq "$(record_field "$id" state)" exited "flood's record"
run_rc 0 "submit once space is free" timeout 10 "$LAUNCH" submit -l after -- sh -c 'echo recovered; exec sleep 1000'
wait_for 5 "the new job's output" sh -c "[ \"\$('$LAUNCH' logs after)\" = recovered ]"
assert_eq "$(job_field after state)" running "the new job runs"

run_rc 0 "shutdown" timeout 20 "$LAUNCH" shutdown
wait_exit "$DAEMON_PID" 20
DAEMON_PID=
assert_eq "$WAIT_STATUS" 0 "the daemon's exit status"

# The end of flood, which could not be written when it happened, was
# written once there was room: a new daemon reports it as it was seen
# (stopped by SIGTERM), not as a job lost.
start_daemon
assert_eq "$("$LAUNCH" status --json flood | jq -c '.[0] | [.state, .error, .exit_code, .ended_at]')" \
    "$flood_end" "flood's end, after a restart"
assert_eq "$(job_field after state)" exited "after, stopped by the shutdown"
run_rc 0 "shutdown" timeout 20 "$LAUNCH" shutdown
wait_exit "$DAEMON_PID" 20
DAEMON_PID=
assert_eq "$WAIT_STATUS" 0 "the daemon's exit status"
wait_for 10 "the tmpfs to be unmounted" umount "$T/state"
! mounted || fail "the tmpfs is still mounted"
