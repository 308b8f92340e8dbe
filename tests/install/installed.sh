# installcheck: the installed launch, run from where `make install` put
# it (LAUNCH_BIN is $(DESTDIR)$(bindir)/launch), serves a daemon on its
# own socket and state directory, runs a job under the installed
# launch-shim, lists it and shuts down.  launchd/proc.c looks for the
# shim next to the binary, then in PKGLIBEXECDIR: an installed launch has
# none beside it, so the one found must be $(pkglibexecdir)/launch-shim.
# With DESTDIR that path does not exist yet (the files are staged), and
# the daemon falls back to `launch shim`: that part is then skipped.
# launch -H runs launch-ssh, found the same way (checked without sshd).
. "$(dirname "$0")/../lib.sh"
: "${INST_BINDIR:?}" "${INST_PKGLIBEXECDIR:?}" "${INST_VERSION:?}"
assert_eq "$LAUNCH" "${INST_DESTDIR:-}$INST_BINDIR/launch" "the binary tested"

run_rc 0 "launch --version" "$LAUNCH" --version
assert_contains "$OUT" "launch $INST_VERSION " "--version"

start_daemon
assert_eq "$(readlink "/proc/$DAEMON_PID/exe")" "$LAUNCH" "the daemon's program"
shim_found=$(sed -n 's/.* debug: shim: //p' "$T/daemon.log")
"$LAUNCH" submit -l installed/hello -- sh -c \
    'echo "hello from $0"; while [ ! -e "$1" ]; do sleep 0.02; done' \
    installed "$T/go"
wait_for 10 "the job to run" job_is installed/hello state running
shim=$(ps -o ppid= -p "$(job_field installed/hello pid)" | tr -d ' ')
if [ -z "${INST_DESTDIR:-}" ]; then
	assert_eq "$shim_found" "$INST_PKGLIBEXECDIR/launch-shim" \
	    "the shim the daemon found (its log)"
	assert_eq "$(readlink "/proc/$shim/exe")" \
	    "$INST_PKGLIBEXECDIR/launch-shim" "the job's parent"
else
	echo "INFO: DESTDIR install: the shim check needs the files in place"
fi
# The ssh helper: launch -H finds the installed launch-ssh (none is next
# to the installed launch), which connects, finds nothing listening on
# port 1 and says so as launch did (no sshd needed).  Under DESTDIR it is
# not in place yet: the message names where it was looked for.
helper=$INST_PKGLIBEXECDIR/launch-ssh
if [ -z "${INST_DESTDIR:-}" ]; then
	run_rc 0 "the installed launch-ssh --version" "$helper" --version
	assert_eq "$OUT" "launch-ssh $INST_VERSION" "launch-ssh --version"
	run_rc 3 "-H through the installed helper" "$LAUNCH" -H nobody@127.0.0.1:1 ping
	assert_eq "$ERR" "launch: nobody@127.0.0.1:1: cannot connect to 127.0.0.1 port 1: Connection refused" \
	    "the installed helper's message"
elif [ -e "$helper" ]; then
	echo "INFO: DESTDIR install over an installed $helper: the lookup is not checked"
else
	run_rc 0 "the staged launch-ssh --version" "$INST_DESTDIR$helper" --version
	run_rc 5 "-H before the helper is in place" "$LAUNCH" -H box1 ping
	assert_eq "$ERR" "launch: box1: no ssh helper: $INST_DESTDIR$INST_BINDIR/launch-ssh, $helper: No such file or directory" \
	    "the helper's places"
fi
run_rc 0 "list" "$LAUNCH" list
assert_contains "$OUT" "installed/hello" "list"
touch "$T/go"
wait_for 10 "the job to exit" job_is installed/hello state exited
assert_eq "$(job_field installed/hello exit_code)" 0 "the job's exit code"
run_rc 0 "logs" "$LAUNCH" logs installed/hello
assert_eq "$OUT" "hello from installed" "the job's output"
run_rc 0 "shutdown" "$LAUNCH" shutdown
wait_exit "$DAEMON_PID" 10
assert_eq "$WAIT_STATUS" 0 "the daemon's exit status"
DAEMON_PID=
