# Output keeps flowing into the job's log while the daemon is down: the
# shim, not the daemon, copies it.  A follower started before the crash
# keeps following (it reads the files), and a new daemon's `logs` shows
# what was written meanwhile.
. "$(dirname "$0")/../lib.sh"
start_daemon

# A job that logs each line written to its fifo.
mkfifo "$T/fifo"
"$LAUNCH" submit -l talker -- sh -c \
    'while :; do IFS= read -r x <"$0" && printf "%s\n" "$x"; done' "$T/fifo"
say() { timeout 10 sh -c 'printf "%s\n" "$1" >"$2"' sh "$1" "$T/fifo"; }
id=$(job_field talker id)
pid=$(job_field talker pid)
log=$T/state/logs/$id/stdout.log

say "written while up"
wait_for 5 "the first line in the log" grep -qx 'written while up' "$log"
"$LAUNCH" logs -f talker >"$T/follow" 2>"$T/follow.err" &
follower=$!
KILL_PIDS=$follower
wait_for 5 "the follower to print the tail" grep -qx 'written while up' "$T/follow"

shim=$(awk '{print $4}' "/proc/$pid/stat")
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
# Until a daemon is back to stop them, a failure must not leave the job
# and its shim behind.
KILL_PIDS="$follower $pid $shim"
run_rc 3 "a client while the daemon is down" "$LAUNCH" ping

say "written while down"
wait_for 5 "the line written while the daemon is down in the log file" \
    grep -qx 'written while down' "$log"
assert_eq "$(cat "$log")" "written while up
written while down" "the log file's contents while the daemon is down"
wait_for 5 "the follower to print the line written while the daemon is down" \
    grep -qx 'written while down' "$T/follow"
alive "$pid" || fail "the job (pid $pid) died with the daemon"
# `logs` asks the daemon where the log is: without one it cannot.
run_rc 3 "logs while the daemon is down" "$LAUNCH" logs talker
assert_contains "$ERR" "no daemon at $SOCK" "logs without a daemon"

start_daemon
KILL_PIDS=$follower
assert_eq "$(job_field talker pid)" "$pid" "the new daemon adopted the job"
run_rc 0 "logs after the restart" "$LAUNCH" logs talker
assert_eq "$OUT" "written while up
written while down" "logs shows what was written while the daemon was down"

# And output still flows with the new daemon.
say "written after the restart"
wait_for 5 "a line after the restart in the follower's output" \
    grep -qx 'written after the restart' "$T/follow"
run_rc 0 "logs -n 1" "$LAUNCH" logs -n 1 talker
assert_eq "$OUT" "written after the restart" "the last line after the restart"
assert_eq "$(cat "$T/follow")" "written while up
written while down
written after the restart" "the follower saw every line once, in order"

kill -TERM "$follower"
wait_exit "$follower" 5
KILL_PIDS=
assert_eq "$WAIT_STATUS" 0 "the follower exits 0 on SIGTERM"
