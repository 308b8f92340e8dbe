# LAUNCH_AUTOSTART=1: submit, start, restart and subscribe (not --serve)
# start a daemon when none answers at the local socket, under a lock (8
# at once start one daemon), detached, logging to serve.log in the state
# directory; ping, list, stop and the rest do not, nor anything through
# -H; a daemon that cannot start is reported (exit 3) with serve.log's
# last line.  The daemons started here are nobody's children: they are
# found by the pid ping reports, and stopped by it (SIGTERM, after which
# serve.log's last line must say it exited cleanly).
. "$(dirname "$0")/../lib.sh"
LOG=$T/state/serve.log
AUTO_PIDS=

# cleanup hook: stop what was started, by pid.
stop_autostarted() {
	for _p in $AUTO_PIDS; do
		term_wait "$_p" $((200 * TIME_FACTOR))
		not_alive "$_p" && continue
		kill -KILL "$_p"
		if [ $rc -eq 0 ]; then
			echo "FAIL: auto-started daemon $_p ignored SIGTERM"
			rc=1
		fi
	done
	if [ $rc -eq 0 ] && [ -f "$LOG" ] &&
	    grep -qE 'Sanitizer|runtime error' "$LOG"; then
		echo "FAIL: sanitizer report in serve.log"
		rc=1
	fi
}
CLEANUP_HOOKS="$CLEANUP_HOOKS stop_autostarted"

# daemon_pid: the pid of the daemon that answers (ping).
daemon_pid() {
	"$LAUNCH" ping | sed -n 's/^launch .*, pid \([0-9]*\), .*/\1/p'
}
# started: how many daemons have started serving with serve.log.
started() { grep -c " serving $SOCK (pid [0-9]*)" "$LOG" || true; }
# stop_daemon PID: SIGTERM, and it exits as a daemon should.
stop_daemon() {
	kill -TERM "$1"
	wait_for 20 "daemon $1 to exit" not_alive "$1"
	assert_contains "$(tail -n 1 "$LOG")" "info: exited" \
	    "serve.log's last line after SIGTERM to $1"
}
no_daemon_started() {
	[ ! -e "$SOCK" ] || fail "$1: a socket appeared"
	[ ! -e "$LOG" ] || fail "$1: serve.log appeared: $(cat "$LOG")"
}

# No daemon, and these do not start one.
export LAUNCH_AUTOSTART=1
run_rc 3 "ping" "$LAUNCH" ping
assert_contains "$ERR" "no daemon at $SOCK" "ping's message"
no_daemon_started ping
for cmd in list "status x" "stop x" "remove x" "wait x" stats shutdown; do
	# shellcheck disable=SC2086
	run_rc 3 "$cmd" "$LAUNCH" $cmd
	no_daemon_started "$cmd"
done
run_rc 3 "subscribe --serve" timeout 20 "$LAUNCH" subscribe --serve \
    -a 127.0.0.1:0 --ttl 1m
no_daemon_started "subscribe --serve"
# Through -H, the local daemon is none of the command's business: it
# fails as without LAUNCH_AUTOSTART (nothing listens on port 1).
run_rc 3 "submit -H" "$LAUNCH" -H 127.0.0.1:1 submit -l x -- true
assert_contains "$ERR" "127.0.0.1:1: cannot connect to 127.0.0.1 port 1" "-H's message"
no_daemon_started "submit -H"
run_rc 3 "submit, LAUNCH_AUTOSTART=0" \
    env LAUNCH_AUTOSTART=0 "$LAUNCH" submit -l x -- true
unset LAUNCH_AUTOSTART
run_rc 3 "submit, LAUNCH_AUTOSTART unset" "$LAUNCH" submit -l x -- true
assert_contains "$ERR" "no daemon at $SOCK" "the message without auto-start"
run_rc 3 "submit, LAUNCH_AUTOSTART empty" \
    env LAUNCH_AUTOSTART= "$LAUNCH" submit -l x -- true
run_rc 2 "LAUNCH_AUTOSTART=yes" \
    env LAUNCH_AUTOSTART=yes "$LAUNCH" submit -l x -- true
assert_eq "$ERR" "launch: LAUNCH_AUTOSTART=yes: expected 1 (start a daemon when none answers) or 0" \
    "the message for a value that is neither 1 nor 0"
no_daemon_started "the refusals"

# Eight submits at once, no daemon: all work, one daemon serves them all.
export LAUNCH_AUTOSTART=1
i=0 pids=
while [ $i -lt 8 ]; do
	i=$((i + 1))
	"$LAUNCH" submit -l "c$i" -- sleep 1000 >"$T/c$i.out" 2>"$T/c$i.err" &
	pids="$pids $!"
done
i=0
for p in $pids; do
	i=$((i + 1))
	wait "$p" || fail "submit c$i: exit $? ($(cat "$T/c$i.err"))"
done
pid=$(daemon_pid)
[ -n "$pid" ] || fail "no daemon answers after the submits"
AUTO_PIDS="$AUTO_PIDS $pid"
assert_eq "$(started)" 1 "daemons started for 8 submits"
! grep -q 'already serving' "$LOG" || fail "a second daemon was tried: $(cat "$LOG")"
grep -q " serving $SOCK (pid $pid)" "$LOG" || fail "serve.log is not this daemon's"
assert_eq "$("$LAUNCH" list --json | jq -r '[.[] | select(.state == "running") | .label] | sort | join(" ")')" \
    "c1 c2 c3 c4 c5 c6 c7 c8" "the running jobs"
# Detached: its own session, stdin /dev/null, output to serve.log.
[ "$(awk '{print $6}' "/proc/$pid/stat")" != "$(awk '{print $6}' /proc/$$/stat)" ] ||
	fail "the daemon is in the test's session"
assert_eq "$(readlink "/proc/$pid/fd/0")" /dev/null "the daemon's stdin"
assert_eq "$(readlink "/proc/$pid/fd/1")" "$LOG" "the daemon's stdout"
assert_eq "$(readlink "/proc/$pid/fd/2")" "$LOG" "the daemon's stderr"
[ "$(stat -c %a "$SOCK.autostart.lock")" = 600 ] || fail "the lock file's mode"
stop_daemon "$pid"

# One submit, -v: it says what it started; the new daemon has the state.
run_rc 0 "submit -v" "$LAUNCH" -v submit -l solo -- sleep 1000
pid=$(daemon_pid)
AUTO_PIDS="$AUTO_PIDS $pid"
assert_contains "$ERR" "launch: started a daemon (pid $pid) on $SOCK, logging to $LOG" \
    "-v's line"
assert_eq "$(started)" 2 "daemons started in all"
job_is solo state running || fail "solo is not running"
assert_eq "$(job_field c1 state)" exited "c1, from the first daemon"

# start and restart start one too; shutdown first (it stops every job).
run_rc 0 "shutdown" "$LAUNCH" shutdown
wait_for 20 "daemon $pid to exit" not_alive "$pid"
run_rc 0 "start" "$LAUNCH" start solo
pid=$(daemon_pid)
AUTO_PIDS="$AUTO_PIDS $pid"
job_is solo state running || fail "start did not start solo"
"$LAUNCH" shutdown
wait_for 20 "daemon $pid to exit" not_alive "$pid"
run_rc 0 "restart" "$LAUNCH" restart c1
pid=$(daemon_pid)
AUTO_PIDS="$AUTO_PIDS $pid"
job_is c1 state running || fail "restart did not start c1"
stop_daemon "$pid"
run_rc 0 "subscribe" "$LAUNCH" subscribe -a 127.0.0.1:9 --ttl 1m
assert_contains "$OUT" "subscription 1 for 127.0.0.1:9, token " "subscribe's output"
pid=$(daemon_pid)
AUTO_PIDS="$AUTO_PIDS $pid"
assert_eq "$(started)" 5 "daemons started in all"
stop_daemon "$pid"

# A daemon that cannot start: a plain file where the socket goes.
echo precious >"$SOCK"
run_rc 3 "submit with a file at the socket path" "$LAUNCH" submit -l x -- true
assert_contains "$ERR" "launch: the daemon started for $SOCK exited (see $LOG): " \
    "the message names serve.log"
assert_contains "$ERR" " warning: $SOCK exists and is not a socket: refusing to replace it" \
    "the message gives serve.log's last line"
assert_eq "$(echo "$ERR" | sed 's/.*(see [^)]*): //')" "$(tail -n 1 "$LOG")" \
    "the line quoted is serve.log's last"
assert_eq "$(cat "$SOCK")" precious "the file at the socket path"
rm "$SOCK"

# A state directory that is not ours: nothing is started or written.
if [ "$(id -u)" -eq 0 ]; then
	mv "$LOG" "$T/serve.log.kept"
	chown 65534 "$T/state"
	run_rc 3 "submit with another user's state directory" \
	    "$LAUNCH" submit -l x -- true
	assert_eq "$ERR" "launch: cannot start a daemon: state directory $T/state: owned by another user or writable by others: refused" \
	    "the message"
	chown 0 "$T/state"
	no_daemon_started "another user's state directory"
else
	echo "NOTE: not root: the check of another user's state directory is left out"
fi
