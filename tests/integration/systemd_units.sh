# contrib/systemd's units pass `systemd-analyze --user verify` without a
# word (it exits 0 even on unknown keys, so its output is what is
# checked), with @bindir@ filled in as make does; the socket's
# ListenStream is the path the client looks at by default; and the lines
# the daemon's promises depend on are there.  No user manager runs here:
# verify loads the units offline (it needs only XDG_RUNTIME_DIR), and
# tests/integration/socket_activation.sh runs the protocol itself.
. "$(dirname "$0")/../lib.sh"
command -v systemd-analyze >/dev/null ||
	skip "systemd-analyze (package systemd) is missing"
units=$(cd "$(dirname "$0")/../../contrib/systemd" && pwd)
bindir=$(cd "$(dirname "$LAUNCH")" && pwd)

mkdir -m 700 "$T/runtime" "$T/units"
cp "$units/launch.socket" "$T/units/"
sed "s|@bindir@|$bindir|g" "$units/launch.service.in" >"$T/units/launch.service"
! grep -q @ "$T/units/launch.service" || fail "a @VAR@ left in the service"
[ -x "$bindir/launch" ] || fail "ExecStart's $bindir/launch is missing"
run_rc 0 "systemd-analyze verify" env XDG_RUNTIME_DIR="$T/runtime" \
    systemd-analyze --user --man=no verify "$T/units/launch.socket" \
    "$T/units/launch.service"
assert_eq "$OUT$ERR" "" "systemd-analyze's complaints"

# %t is XDG_RUNTIME_DIR; the client's default is the same path.
listen=$(sed -n 's/^ListenStream=//p' "$T/units/launch.socket")
assert_eq "$listen" "%t/launch/sock" "ListenStream"
run_rc 3 "a client with the default socket" env -u LAUNCH_SOCKET \
    XDG_RUNTIME_DIR="$T/runtime" "$LAUNCH" ping
assert_contains "$ERR" "no daemon at $T/runtime/launch/sock " \
    "the client's default socket"

# The settings the daemon's promises rest on (docs/startup.md).
for line in KillMode=process Restart=on-failure TimeoutStopSec=30 \
    Requires=launch.socket "ExecStart=$bindir/launch serve"; do
	grep -qx "$line" "$T/units/launch.service" ||
		fail "launch.service has no line $line"
done
for line in SocketMode=0600 DirectoryMode=0700; do
	grep -qx "$line" "$T/units/launch.socket" ||
		fail "launch.socket has no line $line"
done
