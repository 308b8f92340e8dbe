# serve under socket activation refuses what is not one listening unix
# stream socket bound to its own socket path: exit 1, a message naming
# LISTEN_FDS (or LISTEN_PID) and the fault, and nothing bound.  LISTEN_PID
# of another process is ignored (the daemon binds its own socket, and
# still hides LISTEN_* from its children).  A socket that something else
# listens on (launch.socket with no daemon yet) is not replaced by a
# daemon started by hand: exit 4.  tests/tools/listen_fds.py sets up fd 3
# and the variables, then execs serve in its own pid.
. "$(dirname "$0")/../lib.sh"
HELPER=$(cd "$(dirname "$0")/../tools" && pwd)/listen_fds.py

# refused WHAT HELPER-ARGS...: serve is refused, saying WHAT.
refused() {
	_what=$1
	shift
	run_rc 1 "serve with $*" python3 "$HELPER" "$@" -- \
	    "$LAUNCH" serve -S "$SOCK"
	assert_contains "$ERR" "$_what" "the message for $*"
	assert_contains "$ERR" "LISTEN_" "the message for $* names the variable"
	[ ! -e "$SOCK.lock" ] || fail "$*: the daemon went on to take the lock"
}

refused "socket activation (LISTEN_FDS=1): fd 3 is not open" closed
[ ! -e "$SOCK" ] || fail "the daemon bound its own socket"
refused "fd 3 is a regular file, not a socket" file "$T/plain"
refused "fd 3 is an IPv4 socket, not a unix one" udp
refused "fd 3 is a datagram socket, not a stream one" dgram "$T/dgram"
refused "fd 3 is a socket that does not listen" connected
refused "fd 3 is bound to no path (an abstract or unnamed socket); expected $SOCK" abstract
refused "the socket passed is bound to $T/other, but this daemon serves $SOCK (-S, LAUNCH_SOCKET or the default)" unix "$T/other"
[ ! -e "$SOCK" ] || fail "the daemon bound its own socket after a mismatch"
refused "the socket passed is bound to $SOCK, which is no longer there" --unlink unix "$SOCK"
refused "socket activation: LISTEN_FDS=2: expected 1" --fds 2 unix "$SOCK"
rm "$SOCK"
refused "socket activation: LISTEN_FDS=0: expected 1" --fds 0 unix "$SOCK"
rm "$SOCK"
refused "socket activation: LISTEN_FDS=x: expected 1" --fds x unix "$SOCK"
rm "$SOCK"
refused "socket activation: LISTEN_PID=abc is not a pid" --pid abc unix "$SOCK"
rm "$SOCK"

# A socket bound through a symlinked directory is the same socket: served.
mkdir -m 700 "$T/dir"
ln -s "$T/dir" "$T/link"
python3 "$HELPER" unix "$T/link/sock" -- \
    "$LAUNCH" serve -v -S "$T/dir/sock" >>"$T/daemon.log" 2>&1 &
DAEMON_PID=$!
wait_for 10 "the daemon to answer" "$LAUNCH" -S "$T/dir/sock" -q ping
run_rc 0 "shutdown" "$LAUNCH" -S "$T/dir/sock" shutdown
wait_exit "$DAEMON_PID" 20
assert_eq "$WAIT_STATUS" 0 "exit status"
DAEMON_PID=
[ -S "$T/dir/sock" ] || fail "the daemon removed a socket passed to it"

# LISTEN_PID names another process: ignored, the daemon binds $SOCK.
python3 "$HELPER" --pid 1 unix "$T/other2" -- \
    "$LAUNCH" serve -v -S "$SOCK" >>"$T/daemon.log" 2>&1 &
DAEMON_PID=$!
wait_for 10 "the daemon to answer" "$LAUNCH" -q ping
run_rc 0 "ping" "$LAUNCH" ping
assert_contains "$OUT" "pid $DAEMON_PID," "the daemon with a foreign LISTEN_PID"
grep -q "LISTEN_PID=1 is not this process (pid $DAEMON_PID): ignoring LISTEN_FDS=1, binding $SOCK" \
    "$T/daemon.log" || fail "no log of the ignored LISTEN_PID"
"$LAUNCH" submit -l probe -- sleep 1000
shim=$(awk '{print $4}' "/proc/$(job_field probe pid)/stat")
! tr '\0' '\n' <"/proc/$shim/environ" | grep -q '^LISTEN_' ||
	fail "the shim inherited LISTEN_* the daemon ignored"
run_rc 0 "shutdown" "$LAUNCH" shutdown
wait_exit "$DAEMON_PID" 20
assert_eq "$WAIT_STATUS" 0 "exit status"
DAEMON_PID=
# It made this socket, so it removes it.
[ ! -e "$SOCK" ] || fail "the daemon left the socket it made"

# Something listens on $SOCK (as launch.socket does before its first
# client) but holds no lock: a daemon started by hand leaves it alone.
python3 "$HELPER" --pid 1 unix "$SOCK" -- sleep 1000 &
KILL_PIDS="$KILL_PIDS $!"
wait_for 10 "the listener" test -S "$SOCK"
inode=$(stat -c %i "$SOCK")
# (timeout: a daemon that took the socket over would run on.)
run_rc 4 "serve with a listener at its socket" timeout 20 "$LAUNCH" serve -S "$SOCK"
assert_contains "$ERR" "launch: something listens on $SOCK but holds no lock" "message"
assert_eq "$(stat -c %i "$SOCK")" "$inode" "the listener's socket file"
