# Names planted in the state directory redirect nothing.  A symlink, a
# hard link or a FIFO at the lock, the journal of job records, its temp
# file (journal.new), a record file of earlier versions (jobs/ID.json),
# a log or a log directory is refused (or replaced, never written
# through), a victim file outside stays as it was, the error says what
# was refused, and nothing blocks.  The state directory itself must be
# ours and private, as the socket's is.
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

# The journal: a symlink, a hard link, a FIFO, another user's file.
# The daemon refuses to start, naming it; the victim is untouched.
for k in 1 2 3; do mkdir -m 700 "$T/st-journal$k" "$T/st-journal$k/jobs"; done
ln -s "$T/victim" "$T/st-journal1/jobs/journal"
serve_refused "$T/st-journal1" "st-journal1/jobs/journal: a symbolic link: refused"
intact "symlinked journal"
ln "$T/victim" "$T/st-journal2/jobs/journal"
serve_refused "$T/st-journal2" "st-journal2/jobs/journal: has more than one hard link: refused"
rm "$T/st-journal2/jobs/journal"
intact "hard-linked journal"
mkfifo "$T/st-journal3/jobs/journal"
serve_refused "$T/st-journal3" "st-journal3/jobs/journal: not a regular file: refused"
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	mkdir -m 700 "$T/st-journal4" "$T/st-journal4/jobs"
	echo '{"v":1,"forget":1}' >"$T/st-journal4/jobs/journal"
	chown nobody "$T/st-journal4/jobs/journal"
	run_rc 1 "serve on a journal of another uid" "$LAUNCH" serve -S "$T/s.sock" \
	    --state-dir "$T/st-journal4"
	assert_contains "$ERR" "st-journal4/jobs/journal: owned by another user or writable by others: refused" \
	    "a journal of another uid"
	assert_eq "$(cat "$T/st-journal4/jobs/journal")" '{"v":1,"forget":1}' \
	    "another uid's journal is untouched"
fi

# The journal's temp file: each start rewrites the journal through a
# fresh jobs/journal.new, whatever is planted there (a symlink to the
# victim, a hard link to it, a FIFO): removed, never written through
# nor blocked on; the journal is written.
start_daemon
"$LAUNCH" submit -l rec -- sleep 1000 >/dev/null
id=$(job_field rec id)
jn=$T/state/jobs/journal.new
# restart_with_planted WHAT: shut the daemon down, plant WHAT (symlink,
# hardlink, fifo) at journal.new, start it again.
restart_with_planted() {
	"$LAUNCH" shutdown >/dev/null
	wait_exit "$DAEMON_PID" 20
	DAEMON_PID=
	case $1 in
	symlink) ln -s "$T/victim" "$jn" ;;
	hardlink) ln "$T/victim" "$jn"; echo 2 >"$T/victim.links" ;;
	fifo) mkfifo "$jn" ;;
	esac
	start_daemon
	echo 1 >"$T/victim.links"
	[ ! -e "$jn" ] && [ ! -L "$jn" ] || fail "$1 at journal.new: still there"
	[ -f "$T/state/jobs/journal" ] && [ ! -L "$T/state/jobs/journal" ] &&
	    [ "$(stat -c %h "$T/state/jobs/journal")" = 1 ] ||
		fail "$1 at journal.new: the journal is not a plain file"
}
restart_with_planted symlink
intact "symlink at journal.new"
assert_eq "$(record_field "$id" state) $(record_field "$id" signal)" "exited SIGTERM" \
    "rec's record past a symlink at journal.new"
"$LAUNCH" start rec >/dev/null
wait_for 10 "rec to run" job_is rec state running
restart_with_planted hardlink
intact "hard link at journal.new"
assert_eq "$(record_field "$id" state)" exited "rec's record past a hard link at journal.new"
"$LAUNCH" start rec >/dev/null
wait_for 10 "rec to run" job_is rec state running
restart_with_planted fifo
assert_eq "$(record_field "$id" state)" exited "rec's record past a FIFO at journal.new"
"$LAUNCH" start rec >/dev/null
wait_for 10 "rec to run" job_is rec state running
assert_eq "$(record_field "$id" state)" running "the record appended after a FIFO at journal.new"
"$LAUNCH" stop rec >/dev/null
assert_eq "$(record_field "$id" state)" exited "rec's record after its stop"

# Logs: the next job's log directory and log files are planted before it
# starts.  Its output is dropped rather than written through.  A
# symlinked log directory fails the job with a clear error (the shim
# checks one that is there at its start, and the directory again at
# every log open); never is the output written through it.
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
# Planted after the start, before the first output (the directory is
# made then): the output is dropped, saying so, not written through.
mkfifo "$T/log4.gate"
"$LAUNCH" submit -l log4 -- sh -c "read x <'$T/log4.gate'; echo overwritten"
l4=$(job_field log4 id)
ln -s "$T/elsewhere" "$T/state/logs/$l4"
echo go >"$T/log4.gate"
wait_for 10 "log4 to end" job_is log4 state exited
grep -q "launch shim $l4: $T/state/logs/$l4/stdout.log: .*dropping output" "$T/daemon.log" ||
    fail "log4's shim does not say it dropped the output"
rm "$T/state/logs/$l4"
run_rc 0 "remove log4" "$LAUNCH" remove log4
written_through=$(ls -A "$T/elsewhere")
for n in 0 1 2; do
	wait_for 10 "log$n to end" job_is "log$n" state exited
done
intact "planted logs"
[ -p "$T/state/logs/$((next + 2))/stdout.log" ] || fail "the FIFO was replaced"

# `launch logs` refuses the FIFO rather than block on it; a job whose
# chosen stdout is a FIFO with no reader fails at once instead of staying
# "starting" (and holding up shutdown) until someone reads.
run_rc 1 "logs of a FIFO" timeout 10 "$LAUNCH" logs log2
assert_contains "$ERR" "logs/$((next + 2))/stdout.log: not a regular file: refused" "logs message"
mkfifo "$T/out.fifo"
run_rc 1 "a FIFO stdout with no reader" timeout 10 "$LAUNCH" submit -l tofifo \
    --stdout "$T/out.fifo" -- echo hi
assert_contains "$ERR" "open stdout $T/out.fifo: a FIFO with no reader (or a socket)" "FIFO stdout message"

# A restart reads the record files of earlier versions (jobs/ID.json)
# refusing a symlink and a FIFO (it used to block on the FIFO for
# ever), removes them once the journal is written (the symlink itself,
# not its target), removes a planted jobs/ID.json.new (a write cut
# short, for those versions) and replaces a symlinked daemon-id.  The
# jobs of those ids are removed first: only the planted files name them.
"$LAUNCH" submit -l fifo -- true >/dev/null
"$LAUNCH" submit -l link -- true >/dev/null
wait_for 10 "the jobs to end" job_is link state exited
fid=$(job_field fifo id)
lid=$(job_field link id)
run_rc 0 "remove fifo and link" "$LAUNCH" remove fifo link
"$LAUNCH" shutdown >/dev/null
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
assert_eq "$(record_of "$fid")$(record_of "$lid")" "" "the removed jobs' records"
rm "$T/state/daemon-id"
mkfifo "$T/state/jobs/$fid.json"
ln -s "$T/victim" "$T/state/jobs/$lid.json"
ln -s "$T/victim" "$T/state/jobs/$lid.json.new"
ln -s "$T/victim" "$T/state/daemon-id"
start_daemon
grep -q "reading $T/state/jobs/$fid.json: not a regular file: refused; skipped" "$T/daemon.log" ||
	fail "the FIFO record is not reported"
grep -q "reading $T/state/jobs/$lid.json: a symbolic link: refused; skipped" "$T/daemon.log" ||
	fail "the symlinked record is not reported"
grep -q "jobs/$lid.json.new: removed (a write cut short)" "$T/daemon.log" ||
	fail "the symlinked jobs/ID.json.new is not reported"
for f in "$fid.json" "$lid.json" "$lid.json.new"; do
	[ ! -e "$T/state/jobs/$f" ] && [ ! -L "$T/state/jobs/$f" ] ||
		fail "jobs/$f is still there"
done
[ -f "$T/state/daemon-id" ] && [ ! -L "$T/state/daemon-id" ] ||
	fail "daemon-id is not a plain file again"
intact "after a restart"
assert_eq "$("$LAUNCH" list --json | jq -r '[.[].label] | sort | join(" ")')" \
    "log0 log1 log2 rec" "the other jobs loaded"
assert_eq "$(records | jq -r .label | sort | tr '\n' ' ')" "log0 log1 log2 rec " \
    "the journal's records"

[ -z "$written_through" ] ||
	fail "a log was written through a symlinked log directory (logs/$((next + 3)) -> elsewhere: $written_through)"
[ -z "$(ls -A "$T/elsewhere")" ] || fail "a file was written through a symlinked directory"
