# Socket activation (LISTEN_FDS) with systemd's own activator, as
# launch.socket does it: systemd-socket-activate listens, and at the first
# client execs `launch serve` in its own pid with the socket as fd 3.  The
# daemon serves that socket; its shims see neither LISTEN_* nor fd 3; it
# leaves the socket file alone when it exits (systemd owns it); a later
# activation adopts the state, the jobs a killed daemon left running
# included (what Restart=on-failure relies on).
. "$(dirname "$0")/../lib.sh"
command -v systemd-socket-activate >/dev/null ||
	skip "systemd-socket-activate (package systemd) is missing"

# The activator passes on only TERM, PATH, USER, HOME and what -E names:
# the state directory goes as an option, the sanitizers' options by -E.
# Under valgrind (make check-valgrind) the activator runs under it, and
# valgrind follows its exec into the daemon.
activations=0
activate() {
	activations=$((activations + 1))
	# shellcheck disable=SC2086
	$VALGRIND systemd-socket-activate \
	    ${LSAN_OPTIONS:+-E LSAN_OPTIONS="$LSAN_OPTIONS"} \
	    ${ASAN_OPTIONS:+-E ASAN_OPTIONS="$ASAN_OPTIONS"} -l "$SOCK" \
	    "$LAUNCH" serve -v -S "$SOCK" --state-dir "$T/state" \
	    >>"$T/daemon.log" 2>&1 &
	DAEMON_PID=$!
	wait_for 10 "activator $activations to listen" listening "$activations"
	# Nothing has connected: no daemon yet, only the activator.
	[ -n "$VALGRIND" ] ||
	    assert_eq "$(basename "$(readlink "/proc/$DAEMON_PID/exe")")" \
	    systemd-socket-activate "before the first client"
}
listening() { [ "$(grep -c "^Listening on $SOCK as 3" "$T/daemon.log")" -ge "$1" ]; }

# The inode of a process's fd ("socket:[N]").
fd_target() { readlink "/proc/$1/fd/$2"; }

activate
run_rc 0 "the first client (submit)" "$LAUNCH" submit -l one -- sleep 1000
run_rc 0 "ping" "$LAUNCH" ping
assert_contains "$OUT" "pid $DAEMON_PID," "the daemon runs in the activator's pid"
grep -q 'serving the socket passed by systemd (LISTEN_FDS)' "$T/daemon.log" ||
	fail "no log of the passed socket"
wait_for 5 "job one to run" job_is one state running
pid=$(job_field one pid)
shim=$(awk '{print $4}' "/proc/$pid/stat")
[ "$shim" != "$DAEMON_PID" ] && alive "$shim" || fail "no shim above the job"
! tr '\0' '\n' <"/proc/$shim/environ" | grep -q '^LISTEN_' ||
	fail "the shim inherited LISTEN_*: $(tr '\0' '\n' <"/proc/$shim/environ" | grep '^LISTEN_')"
listener=$(fd_target "$DAEMON_PID" 3)
assert_contains "$listener" "socket:" "the daemon's fd 3"
for p in "$shim" "$pid"; do
	for f in "/proc/$p/fd/"*; do
		[ "$(readlink "$f")" != "$listener" ] ||
			fail "pid $p inherited the listening socket as $f"
	done
done

# `launch shutdown`: every job stopped, the daemon exits 0, and the socket
# file stays for the next activation (a systemd socket unit keeps
# listening on it; this activator is gone, so nothing answers now).
run_rc 0 "shutdown" "$LAUNCH" shutdown
wait_exit "$DAEMON_PID" 20
assert_eq "$WAIT_STATUS" 0 "the activated daemon's exit status"
DAEMON_PID=
not_alive "$pid" || fail "job one survived the shutdown"
[ -S "$SOCK" ] || fail "the daemon removed the socket systemd owns"
run_rc 3 "no activator, no daemon" "$LAUNCH" ping

# A second activation, by `start`: the state is the same, job one runs
# again.  Then the daemon dies hard; job one keeps running.
activate
run_rc 0 "start, the first client of activation 2" "$LAUNCH" start one
run_rc 0 "ping" "$LAUNCH" ping
assert_contains "$OUT" "pid $DAEMON_PID," "activation 2's daemon"
pid=$(job_field one pid)
alive "$pid" || fail "job one is not running"
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
alive "$pid" || fail "job one died with the daemon"
[ -S "$SOCK" ] || fail "the socket went with the killed daemon"

# A third activation adopts the running job, as a restarted service would.
activate
run_rc 0 "status, the first client of activation 3" "$LAUNCH" status one
assert_eq "$(job_field one pid)" "$pid" "the adopted job's pid"
assert_eq "$(job_field one state)" running "the adopted job's state"
! grep -q 'replacing stale socket' "$T/daemon.log" ||
	fail "an activated daemon replaced the socket"
# cleanup: SIGTERM to this daemon must exit 0, and the socket stays.
