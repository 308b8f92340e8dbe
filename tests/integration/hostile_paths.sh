# Names planted in the state directory redirect nothing.  A symlink, a
# hard link or a FIFO at the lock, a job record, its temp file, a log or
# a log directory is refused (or replaced, never written through), a
# victim file outside stays as it was, the error says what was refused,
# and nothing blocks.  The state directory itself must be ours and
# private, as the socket's is.
. "$(dirname "$0")/../lib.sh"
printf 'precious\n' >"$T/victim"
intact() {
	assert_eq "$(cat "$T/victim")" precious "$1: the victim is unchanged"
	assert_eq "$(stat -c %h "$T/victim")" "$(cat "$T/victim.links")" "$1: link count"
}
echo 1 >"$T/victim.links"
# serve_refused DIR MESSAGE: serve on state directory DIR exits 1 saying
# MESSAGE.
serve_refused() {
	run_rc 1 "serve on $1" "$LAUNCH" serve -S "$T/s.sock" --state-dir "$1"
	assert_contains "$ERR" "$2" "serve on $1"
}

# The state directory: a symlink, group- or world-writable, another
# user's.  Nothing is made inside a refused one.
mkdir -m 700 "$T/real"
ln -s "$T/real" "$T/st-link"
serve_refused "$T/st-link" "(it is a symlink owned by uid"
mkdir -m 770 "$T/st-group"
serve_refused "$T/st-group" "mode 0770): refusing"
mkdir -m 777 "$T/st-world"
serve_refused "$T/st-world" "not writable by others"
assert_eq "$(find "$T/real" "$T/st-group" "$T/st-world" -mindepth 1 | wc -l)" 0 "nothing made in a refused directory"
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	mkdir -m 700 "$T/st-theirs"
	chown nobody "$T/st-theirs"
	serve_refused "$T/st-theirs" "owned by uid $(id -u nobody), mode 0700): refusing"
	[ -z "$(ls -A "$T/st-theirs")" ] || fail "files made in another user's directory"
fi

# jobs/ or logs/ a symlink to elsewhere.
mkdir -m 700 "$T/st-jobs" "$T/elsewhere"
ln -s "$T/elsewhere" "$T/st-jobs/jobs"
serve_refused "$T/st-jobs" "st-jobs/jobs: not a directory (a symbolic link is refused)"
mkdir -m 700 "$T/st-logs"
ln -s "$T/elsewhere" "$T/st-logs/logs"
serve_refused "$T/st-logs" "st-logs/logs: not a directory (a symbolic link is refused)"
[ -z "$(ls -A "$T/elsewhere")" ] || fail "files made through a symlinked jobs/ or logs/"

# The lock: a symlink, a hard link, a FIFO.
mkdir -m 700 "$T/st-lock1" "$T/st-lock2" "$T/st-lock3"
ln -s "$T/victim" "$T/st-lock1/lock"
serve_refused "$T/st-lock1" "st-lock1/lock: a symbolic link: refused"
intact "symlinked lock"
ln "$T/victim" "$T/st-lock2/lock"
serve_refused "$T/st-lock2" "st-lock2/lock: has more than one hard link: refused"
rm "$T/st-lock2/lock"
intact "hard-linked lock"
mkfifo "$T/st-lock3/lock"
serve_refused "$T/st-lock3" "st-lock3/lock: not a regular file: refused"

# A running daemon: a job's record is replaced through a fresh temp
# file, whatever is planted at ID.json.new.
start_daemon
"$LAUNCH" submit -l rec -- sleep 1000 >/dev/null
id=$(job_field rec id)
ln -s "$T/victim" "$T/state/jobs/$id.json.new"
"$LAUNCH" stop rec >/dev/null
wait_for 10 "rec to stop" job_is rec state exited
intact "symlink at the temp file"
[ -f "$T/state/jobs/$id.json" ] && [ ! -L "$T/state/jobs/$id.json" ] ||
	fail "the record is not a plain file"
grep -q '"state":"exited"' "$T/state/jobs/$id.json" || fail "the record was not written"
ln "$T/victim" "$T/state/jobs/$id.json.new"
"$LAUNCH" start rec >/dev/null
wait_for 10 "rec to run" job_is rec state running
intact "hard link at the temp file"
grep -q '"state":"running"' "$T/state/jobs/$id.json" || fail "the record was not written"
mkfifo "$T/state/jobs/$id.json.new"
"$LAUNCH" stop rec >/dev/null
wait_for 10 "rec to stop" job_is rec state exited
grep -q '"state":"exited"' "$T/state/jobs/$id.json" || fail "the record was not written past a FIFO"

# Logs: the next job's log directory and log files are planted before it
# starts.  Its output is dropped rather than written through; a
# symlinked log directory fails the job with a clear error.
next=$((id + 1))
mkdir -m 700 "$T/state/logs/$next" "$T/state/logs/$((next + 1))" "$T/state/logs/$((next + 2))"
ln -s "$T/victim" "$T/state/logs/$next/stdout.log"
ln "$T/victim" "$T/state/logs/$((next + 1))/stdout.log"
echo 2 >"$T/victim.links"
mkfifo "$T/state/logs/$((next + 2))/stdout.log"
ln -s "$T/elsewhere" "$T/state/logs/$((next + 3))"
for n in 0 1 2; do
	"$LAUNCH" submit -l "log$n" -- echo overwritten >/dev/null
	assert_eq "$(job_field "log$n" id)" $((next + n)) "log$n's id"
done
run_rc 1 "a job whose log directory is a symlink" "$LAUNCH" submit -l log3 -- echo overwritten
assert_contains "$ERR" "logs/$((next + 3)): not a directory (a symbolic link is refused)" "log3's error"
for n in 0 1 2; do
	wait_for 10 "log$n to end" job_is "log$n" state exited
done
intact "planted logs"
[ -p "$T/state/logs/$((next + 2))/stdout.log" ] || fail "the FIFO was replaced"
[ -z "$(ls -A "$T/elsewhere")" ] || fail "a log was written through a symlinked directory"

# `launch logs` refuses the FIFO rather than block on it; a job whose
# chosen stdout is a FIFO with no reader fails at once instead of staying
# "starting" (and holding up shutdown) until someone reads.
run_rc 1 "logs of a FIFO" timeout 10 "$LAUNCH" logs log2
assert_contains "$ERR" "logs/$((next + 2))/stdout.log: not a regular file: refused" "logs message"
mkfifo "$T/out.fifo"
run_rc 1 "a FIFO stdout with no reader" timeout 10 "$LAUNCH" submit -l tofifo \
    --stdout "$T/out.fifo" -- echo hi
assert_contains "$ERR" "open stdout $T/out.fifo: a FIFO with no reader (or a socket)" "FIFO stdout message"

# A restart reads records refusing a symlink and a FIFO (it used to block
# on the FIFO for ever), and replaces a symlinked daemon-id.
"$LAUNCH" submit -l fifo -- true >/dev/null
"$LAUNCH" submit -l link -- true >/dev/null
wait_for 10 "the jobs to end" job_is link state exited
fid=$(job_field fifo id)
lid=$(job_field link id)
"$LAUNCH" shutdown >/dev/null
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
rm "$T/state/jobs/$fid.json" "$T/state/jobs/$lid.json" "$T/state/daemon-id"
mkfifo "$T/state/jobs/$fid.json"
ln -s "$T/victim" "$T/state/jobs/$lid.json"
ln -s "$T/victim" "$T/state/daemon-id"
start_daemon
grep -q "jobs/$fid.json: not a regular file: refused; skipped" "$T/daemon.log" ||
	fail "the FIFO record is not reported"
grep -q "jobs/$lid.json: a symbolic link: refused; skipped" "$T/daemon.log" ||
	fail "the symlinked record is not reported"
[ -f "$T/state/daemon-id" ] && [ ! -L "$T/state/daemon-id" ] ||
	fail "daemon-id is not a plain file again"
intact "after a restart"
assert_eq "$("$LAUNCH" list --json | jq -r '[.[].label] | sort | join(" ")')" \
    "log0 log1 log2 rec" "the other jobs loaded"
