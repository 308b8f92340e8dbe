# Shims are forked by the spawner, a child of the daemon exec'd once
# (launch-shim --spawner), never by the daemon: no descriptor of the
# daemon's (its socket, its lock, its journal, other jobs' shim sockets)
# reaches a shim or a job, and every shim survives a SIGKILL of the
# spawner, of the daemon, and of both, and is adopted by the next daemon.
. "$(dirname "$0")/../lib.sh"

start_daemon
"$LAUNCH" submit -l a -- sleep 1000
"$LAUNCH" submit -l b --ready-fd 5 -- sh -c 'echo >&5; exec sleep 1000'
wait_for 10 "b to be ready" job_is b state running
apid=$(job_field a pid)
bpid=$(job_field b pid)
ashim=$(ps -o ppid= -p "$apid" | tr -d ' ')
bshim=$(ps -o ppid= -p "$bpid" | tr -d ' ')
spawner=$(ps -o ppid= -p "$ashim" | tr -d ' ')
assert_eq "$(ps -o ppid= -p "$spawner" | tr -d ' ')" "$DAEMON_PID" \
    "the spawner is the daemon's child"
assert_eq "$(ps -o ppid= -p "$bshim" | tr -d ' ')" "$spawner" \
    "both shims are the spawner's children"
assert_contains "$(tr '\0' ' ' <"/proc/$spawner/cmdline")" \
    "launch-shim --spawner $T/state " "the spawner's command line"
# One exec: the shims are the spawner's program, not a new one.
assert_eq "$(readlink "/proc/$ashim/exe")" "$(readlink "/proc/$spawner/exe")" \
    "the shim runs the spawner's program"

# What the daemon holds, by identity (socket inodes, file paths).
daemon_fds() {
	for f in /proc/"$DAEMON_PID"/fd/*; do readlink "$f"; done | sort -u
}
held=$(daemon_fds)
echo "$held" | grep -q "^$T/state/jobs/journal$" ||
    fail "the daemon does not hold its journal (got: $held)"
echo "$held" | grep -q '^socket:' || fail "the daemon holds no socket"
# Beyond stdin, stdout and stderr: a shim writes its few complaints to
# the daemon's stderr (its log), on purpose.
leaks() {
	for f in /proc/"$1"/fd/*; do
		case ${f##*/} in 0|1|2) continue ;; esac
		l=$(readlink "$f") || continue
		case $l in
		socket:*|"$T"/*) echo "$held" | grep -qxF "$l" && echo "$f -> $l" ;;
		esac
	done
	return 0
}
for p in "$apid" "$bpid" "$ashim" "$bshim" "$spawner"; do
	l=$(leaks "$p")
	[ -z "$l" ] || fail "pid $p holds the daemon's descriptors: $l"
done
# The jobs hold stdin, stdout, stderr (and b its ready fd) and nothing
# else; the spawner four descriptors.
assert_eq "$(ls /proc/"$apid"/fd | sort -n | tr '\n' ' ')" "0 1 2 " "a's descriptors"
assert_eq "$(ls /proc/"$bpid"/fd | sort -n | tr '\n' ' ')" "0 1 2 5 " "b's descriptors"
assert_eq "$(ls /proc/"$spawner"/fd | sort -n | tr '\n' ' ')" "0 1 2 3 " \
    "the spawner's descriptors"

# The spawner killed: the jobs run on; the next start has a new one.
kill -KILL "$spawner"
wait_for 10 "the spawner to go" not_alive "$spawner"
alive "$ashim" && alive "$apid" || fail "a or its shim died with the spawner"
run_rc 0 "submit after the spawner died" "$LAUNCH" submit -l c -- sleep 1000
cpid=$(job_field c pid)
cshim=$(ps -o ppid= -p "$cpid" | tr -d ' ')
spawner2=$(ps -o ppid= -p "$cshim" | tr -d ' ')
[ "$spawner2" != "$spawner" ] || fail "no new spawner"
assert_eq "$(ps -o ppid= -p "$spawner2" | tr -d ' ')" "$DAEMON_PID" \
    "the new spawner is the daemon's child"
grep -q "the spawner (pid $spawner) went away" "$T/daemon.log" ||
    fail "the daemon does not log the spawner's end"

# The daemon and the spawner killed together: every shim and job lives,
# and a new daemon adopts them with their pids.
kill -KILL "$DAEMON_PID" "$spawner2"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
wait_for 10 "the second spawner to go" not_alive "$spawner2"
for p in "$apid" "$bpid" "$cpid" "$ashim" "$bshim" "$cshim"; do
	alive "$p" || fail "pid $p died with the daemon and the spawner"
done
start_daemon
for j in "a $apid" "b $bpid" "c $cpid"; do
	set -- $j
	assert_eq "$(job_field "$1" state) $(job_field "$1" pid)" "running $2" \
	    "$1 adopted"
done
# A daemon killed alone: its spawner goes (its socket closed), shims stay.
spawner3_of() { pgrep -P "$DAEMON_PID" -f -- '--spawner' || true; }
"$LAUNCH" submit -l d -- sleep 1000
dpid=$(job_field d pid)
spawner3=$(spawner3_of)
[ -n "$spawner3" ] || fail "no spawner after a start"
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
wait_for 10 "the spawner to follow its daemon" not_alive "$spawner3"
alive "$dpid" || fail "d died with its daemon"
start_daemon
assert_eq "$(job_field d state) $(job_field d pid)" "running $dpid" "d adopted"
run_rc 0 "stop all" "$LAUNCH" stop '*'
for p in "$apid" "$bpid" "$cpid" "$dpid" "$ashim" "$bshim" "$cshim"; do
	wait_for 10 "pid $p to end" not_alive "$p"
done
