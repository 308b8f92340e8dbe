# The daemon's user runs out of processes (RLIMIT_NPROC, which binds
# only non-root: the daemon runs as a test user of its own, so that no
# other test's processes count).  The limit is set on the running daemon
# and on its spawner (prlimit --pid, as the user: lowering it needs no
# privilege), which forks the shims (a shim inherits its limit), to
# exactly what the next submit needs but one, so that first the job's
# fork in the shim fails, then the shim's fork in the spawner: each
# submit fails with launch_failure and a message naming fork and
# EAGAIN, keeps no job, and the daemon stays fine; once processes end,
# submits work again.
. "$(dirname "$0")/../lib.sh"
use_test_user launchnproc
user=$TEST_USER
command -v prlimit >/dev/null || skip "prlimit (util-linux) is missing"
# Every task (thread) of the user: what RLIMIT_NPROC counts.
tasks() { ps -L -U "$user" -o lwp= | wc -l; }
[ "$(tasks)" -eq 0 ] || skip "user $user already runs processes"

ud=$(mktemp -d "${TMPDIR:-/tmp}/launch-nproc.XXXXXX")
chown "$user" "$ud"
chmod 700 "$ud"
# Runs before lib.sh's cleanup: stops the daemon (and so the jobs), then
# removes their directory.
stop_user_daemon() {
	[ -z "$DAEMON_PID" ] || term_wait "$DAEMON_PID" 200
	rm -rf "$ud"
}
CLEANUP_HOOKS=stop_user_daemon
export LAUNCH_SOCKET="$ud/sock" LAUNCH_STATE_DIR="$ud/state"
L() { as_user "$LAUNCH" "$@"; }

# $AS_USER, not as_user: $! must be the daemon itself.  Under the
# sanitizers, no leak check: LeakSanitizer's check at exit needs a
# thread, which the limit denies to the shim whose fork failed (it then
# reports a "fatal error" of its own).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    $AS_USER "$LAUNCH" serve -v -S "$ud/sock" >>"$T/daemon.log" 2>&1 &
DAEMON_PID=$!
wait_for 10 "the daemon to answer" L -q ping
run_rc 0 "submit a" L submit -l a -- sleep 1000
assert_eq "$(L status --json a | jq -r '.[0].state')" running "a runs"
c0=$(tasks)	# the daemon (and its journal thread), the spawner, a's shim and a
# The spawner: the daemon's one child (shim/spawner.c).
spawner=$(pgrep -P "$DAEMON_PID")
assert_eq "$(echo "$spawner" | wc -w)" 1 "the daemon's children (its spawner)"
assert_contains "$(tr '\0' ' ' <"/proc/$spawner/cmdline")" " --spawner " "the spawner"
# limit N: RLIMIT_NPROC N for the daemon and the spawner.
limit() {
	for _p in "$DAEMON_PID" "$spawner"; do
		as_user prlimit --pid "$_p" --nproc="$1:$1"
	done
}

# Room for a shim but not for its job: the shim's fork fails.
limit $((c0 + 2))
run_rc 1 "submit when the job cannot fork" L submit -l b -- sleep 1000
assert_contains "$ERR" "fork: Resource temporarily unavailable" \
    "the error when the job cannot fork"
# The same through the protocol: the code.
RAW=$(echo '{"v":7,"id":1,"op":"submit","label":"b","argv":["sleep","1000"],"cwd":"/"}' |
    as_user socat -t 10 - "UNIX-CONNECT:$ud/sock")
assert_eq "$(echo "$RAW" | jq -r .error.code)" launch_failure "the code when the job cannot fork"
assert_contains "$(echo "$RAW" | jq -r .error.message)" "fork: Resource temporarily unavailable" \
    "the message when the job cannot fork"

# No room for a shim either: the spawner's fork fails.
limit $((c0 + 1))
run_rc 1 "submit when the shim cannot fork" L submit -l c -- sleep 1000
assert_contains "$ERR" "cannot start the shim: fork: Resource temporarily unavailable" \
    "the error when the shim cannot fork"
grep -q "c: cannot start: cannot start the shim: fork: Resource temporarily unavailable" \
    "$T/daemon.log" || fail "the daemon does not log why c failed"

# The daemon is fine, kept nothing of the failures, and a still runs.
run_rc 0 "ping when full" L ping
assert_contains "$OUT" "1 jobs" "ping when full"
assert_eq "$(L list --json | jq -r '[.[] | "\(.label) \(.state)"] | join(",")')" \
    "a running" "the jobs when full"
assert_eq "$(records "$ud/state" | jq -r .label | tr '\n' ' ')" "a " "the records when full"
assert_eq "$(tasks)" "$c0" "the user's tasks after the failures"

# Processes end: submits work again, under the same limit.
run_rc 0 "stop a" timeout 20 $AS_USER "$LAUNCH" stop a
run_rc 0 "submit once a ended" L submit -l d -- sleep 1000
assert_eq "$(L status --json d | jq -r '.[0].state')" running "d runs"
run_rc 0 "stop d" timeout 20 $AS_USER "$LAUNCH" stop d
run_rc 0 "shutdown" timeout 20 $AS_USER "$LAUNCH" shutdown
wait_exit "$DAEMON_PID" 20
DAEMON_PID=
assert_eq "$WAIT_STATUS" 0 "the daemon's exit status"
