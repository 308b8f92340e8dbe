# The socket's directory must be ours and private; a path too long for a
# Unix socket is refused with a clear message.
. "$(dirname "$0")/../lib.sh"

mkdir "$T/open"
chmod 777 "$T/open"
run_rc 1 "a world-writable directory" "$LAUNCH" serve -S "$T/open/sock"
assert_contains "$ERR" "is writable by group or others (mode 0777): refusing" "message"

ln -s "$T" "$T/link"
run_rc 1 "a symlinked directory" "$LAUNCH" serve -S "$T/link/sock"
assert_contains "$ERR" "is not a directory (a symlink is refused)" "message"

long=$(printf 'x%.0s' $(seq 1 120))
run_rc 2 "an over-long path" "$LAUNCH" -S "$T/$long" list
assert_contains "$ERR" "socket path too long" "client message"
run_rc 1 "an over-long path for serve" "$LAUNCH" serve -S "$T/$long"
assert_contains "$ERR" "socket path too long" "serve message"

if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	mkdir "$T/theirs"
	chown nobody "$T/theirs"
	chmod 700 "$T/theirs"
	run_rc 1 "a directory owned by another user" "$LAUNCH" serve -S "$T/theirs/sock"
	assert_contains "$ERR" "is owned by uid $(id -u nobody), not 0: refusing" "message"
fi

# The default directory: created 0700, and refused if its mode is wrong.
export XDG_RUNTIME_DIR="$T/xdg"
mkdir -m 700 "$XDG_RUNTIME_DIR"
unset LAUNCH_SOCKET
"$LAUNCH" serve >>"$T/daemon.log" 2>&1 &
DAEMON_PID=$!
wait_for 10 "the daemon on the default socket" "$LAUNCH" -q ping
assert_eq "$(stat -c %a "$XDG_RUNTIME_DIR/launch")" 700 "default directory mode"
assert_eq "$(stat -c %a "$XDG_RUNTIME_DIR/launch/sock")" 600 "socket mode"
"$LAUNCH" shutdown
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
chmod 755 "$XDG_RUNTIME_DIR/launch"
run_rc 1 "a default directory with mode 0755" "$LAUNCH" serve
assert_contains "$ERR" "has mode 0755, expected 0700: refusing" "message"
