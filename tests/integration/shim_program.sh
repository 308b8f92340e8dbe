# Jobs run under launch-shim, a small program next to the launch binary
# (or installed in pkglibexecdir), not under launch itself: its memory is
# a fraction of launch's.  The daemon execs it once as the spawner
# (`launch-shim --spawner STATE_DIR ...`, its child), and each shim is a
# fork of the spawner: its command line is the spawner's.  A launch
# binary without it still works, with `launch shim --spawner`, and says
# so in its log.
. "$(dirname "$0")/../lib.sh"

ppid_of() { ps -o ppid= -p "$1" | tr -d ' '; }
shim_of() { ppid_of "$(job_field "$1" pid)"; }
cmdline() { tr '\0' ' ' <"/proc/$1/cmdline"; }

start_daemon
"$LAUNCH" submit -l a -- sleep 100
shim=$(shim_of a)
spawner=$(ppid_of "$shim")
assert_eq "$(ppid_of "$spawner")" "$DAEMON_PID" "the spawner is the daemon's child"
assert_eq "$(pgrep -P "$DAEMON_PID" | tr '\n' ' ')" "$spawner " "the daemon's only child"
assert_contains "$(cmdline "$spawner")" "launch-shim --spawner $T/state " "the spawner's program"
assert_contains "$(cmdline "$shim")" "launch-shim --spawner $T/state " "the shim program"
assert_eq "$(readlink "/proc/$spawner/exe")" "$(dirname "$LAUNCH")/launch-shim" \
    "the spawner is the one next to launch"
assert_eq "$(readlink "/proc/$shim/exe")" "$(dirname "$LAUNCH")/launch-shim" \
    "the one next to launch"
# It maps neither libssh2 nor libcurl.
! grep -Eq 'libssh2|libcurl' "/proc/$shim/maps" || fail "the shim maps launch's libraries"
run_rc 0 "stop" "$LAUNCH" stop a
"$LAUNCH" shutdown >/dev/null
wait_exit "$DAEMON_PID" 10

# launch alone (no launch-shim beside it, none installed there).
mkdir "$T/alone"
cp "$LAUNCH" "$T/alone/launch"
"$T/alone/launch" serve -v -S "$SOCK" >"$T/alone.log" 2>&1 &
DAEMON_PID=$!
wait_for 10 "the daemon to answer" "$LAUNCH" -q ping
cat "$T/alone.log" >>"$T/daemon.log"
if installed=$(sed -n 's/.* debug: shim: //p' "$T/alone.log") && [ -n "$installed" ]; then
	"$LAUNCH" shutdown >/dev/null
	skip "a launch-shim is installed ($installed): the fallback cannot be seen"
fi
grep -q "no launch-shim program: jobs run under \`launch shim\`" "$T/alone.log" ||
    fail "the log does not say so"
"$LAUNCH" submit -l b -- sh -c 'exit 5'
wait_for 10 "b to exit" job_is b state exited
assert_eq "$(job_field b exit_code)" 5 "b's exit code under launch shim"
"$LAUNCH" submit -l c -- sleep 100
shim=$(shim_of c)
assert_contains "$(cmdline "$shim")" "launch shim --spawner $T/state " "launch shim"
assert_eq "$(ppid_of "$(ppid_of "$shim")")" "$DAEMON_PID" "launch shim's spawner is the daemon's child"
assert_eq "$(readlink "/proc/$shim/exe")" "$T/alone/launch" "launch shim is launch"
run_rc 0 "stop c" "$LAUNCH" stop c
