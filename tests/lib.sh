# Shared by the integration tests: each test sources this, gets its own
# temp dir and socket, starts its own daemon, and is cleaned up by pid.
# A test fails by calling fail (or any command under `set -e` failing)
# and skips by calling skip REASON (exit 77).
set -eu
: "${LAUNCH_BIN:?LAUNCH_BIN must name the launch binary}"
LAUNCH=$LAUNCH_BIN
T=$(mktemp -d "${TMPDIR:-/tmp}/launch-test.XXXXXX")
chmod 700 "$T"
SOCK=$T/sock
export LAUNCH_SOCKET="$SOCK"
export LAUNCH_STATE_DIR="$T/state"
DAEMON_PID=
KILL_PIDS=
# Names of functions cleanup runs first, in order, before it kills
# KILL_PIDS and stops the daemon: extensions such as ssh-lib.sh stop
# what they started there.  A hook runs with `set +e`, sees the exit
# status in rc and may set rc=1 to fail the test (only when rc is 0);
# it must not call fail, skip or exit.
CLEANUP_HOOKS=
# The same, run after the daemon has stopped, before $T is removed
# (stress-lib.sh: unmount the state directory's tmpfs).
CLEANUP_FINAL_HOOKS=
# When set, run_rc also appends each command's stderr to this file
# (ssh-lib.sh: the remote side's stderr, for the sanitizer check).
RUN_RC_ERRLOG=
# LAUNCH_VALGRIND=1 (make check-valgrind): start_daemon runs the daemon,
# and through it every launch-shim, under valgrind memcheck
# (valgrind-lib.sh, sourced at the end: it may skip); deadlines are
# then multiplied by TIME_FACTOR.
TIME_FACTOR=1
VALGRIND=

cleanup() {
	rc=$?
	set +e
	for _hook in $CLEANUP_HOOKS; do "$_hook"; done
	for pid in $KILL_PIDS; do kill -KILL "$pid" 2>/dev/null; done
	if [ -n "$DAEMON_PID" ]; then
		# A daemon still running is shut down by SIGTERM and must exit
		# 0: under the sanitizers a leak or error shows up here.
		term_wait "$DAEMON_PID" $((200 * TIME_FACTOR))
		kill -KILL "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
		st=$?
		if [ $rc -eq 0 ] && [ $st -ne 0 ]; then
			echo "FAIL: the daemon exited with status $st"
			rc=1
		fi
	fi
	[ -z "$VALGRIND" ] || valgrind_check
	if [ $rc -eq 0 ] && [ -f "$T/daemon.log" ] &&
	    grep -qE 'Sanitizer|runtime error' "$T/daemon.log"; then
		echo "FAIL: sanitizer report in the daemon log"
		rc=1
	fi
	# The other processes' stderr (receivers: $T/NAME.err).
	for _f in "$T"/*.err; do
		if [ $rc -eq 0 ] && [ -f "$_f" ] &&
		    grep -qE 'Sanitizer|runtime error' "$_f"; then
			echo "FAIL: sanitizer report in $(basename "$_f"):"
			head -n 30 "$_f"
			rc=1
		fi
	done
	if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ -f "$T/daemon.log" ]; then
		echo "--- daemon log (last 30 lines)"
		tail -n 30 "$T/daemon.log"
	fi
	for _hook in $CLEANUP_FINAL_HOOKS; do "$_hook"; done
	rm -rf "$T"
	exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# wait_for SECONDS DESCRIPTION COMMAND...: poll until COMMAND succeeds
# (SECONDS times TIME_FACTOR).
wait_for() {
	_secs=$(($1 * TIME_FACTOR)) _desc=$2
	shift 2
	_end=$(($(date +%s%N) / 1000000 + _secs * 1000))
	while ! "$@" >/dev/null 2>&1; do
		[ $(($(date +%s%N) / 1000000)) -lt $_end ] ||
			fail "timed out after ${_secs}s waiting for: $_desc"
		sleep 0.02
	done
}

# start_daemon [SERVE ARGS...]: start a daemon on $SOCK, wait until it
# answers.  Its pid is in DAEMON_PID, its log in $T/daemon.log.
start_daemon() {
	$VALGRIND "$LAUNCH" serve -v -S "$SOCK" "$@" >>"$T/daemon.log" 2>&1 &
	DAEMON_PID=$!
	wait_for 10 "the daemon to answer" "$LAUNCH" -q ping
}

# wait_exit PID SECONDS: wait for a process (our child) to exit; its
# status is left in WAIT_STATUS.
wait_exit() {
	wait_for "$2" "pid $1 to exit" not_alive "$1"
	set +e
	wait "$1" 2>/dev/null
	WAIT_STATUS=$?
	set -e
}

# term_wait PID TICKS: SIGTERM PID and wait for it to end, at most TICKS
# times 50 ms; never fails (cleanup code).
term_wait() {
	kill -TERM "$1" 2>/dev/null
	_tw=0
	while ! not_alive "$1" && [ $_tw -lt "$2" ]; do
		sleep 0.05; _tw=$((_tw + 1))
	done
}

# use_test_user NAME: create the system user NAME if missing (or skip
# the test), for tests that need a second uid.  as_user CMD... runs CMD
# as NAME; $AS_USER CMD... too, where a command is needed rather than a
# function (after timeout, or `$AS_USER CMD &` so that $! is CMD: setpriv
# execs it).  Needs root and setpriv.
use_test_user() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to create a test user"
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
	TEST_USER=$1
	if ! id "$TEST_USER" >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin \
		    "$TEST_USER" || skip "cannot create user $TEST_USER"
	fi
	AS_USER="setpriv --reuid=$TEST_USER --regid=$TEST_USER --clear-groups"
}
as_user() { $AS_USER "$@"; }

alive() { kill -0 "$1" 2>/dev/null; }
not_alive() { ! kill -0 "$1" 2>/dev/null || is_zombie "$1"; }
is_zombie() { [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }

assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

assert_contains() {
	case $1 in
	*"$2"*) ;;
	*) fail "$3: expected to contain '$2', got: $1" ;;
	esac
}

# run_rc WANT DESC CMD...: run CMD, capture stdout in OUT and stderr in
# ERR (also appended to $RUN_RC_ERRLOG if set), and check its exit code.
run_rc() {
	_want=$1 _desc=$2
	shift 2
	set +e
	"$@" >"$T/out" 2>"$T/err"
	_rc=$?
	set -e
	[ -z "$RUN_RC_ERRLOG" ] || cat "$T/err" >>"$RUN_RC_ERRLOG"
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	[ "$_rc" -eq "$_want" ] ||
		fail "$_desc: exit code $_rc, expected $_want (stdout: $OUT; stderr: $ERR)"
}

# job_field LABEL FIELD: one field of a job's JSON view ("null" if unset).
job_field() {
	"$LAUNCH" status --json "$1" | jq -r ".[0].$2"
}

# job_is LABEL FIELD VALUE: job_field LABEL FIELD prints VALUE.
job_is() { [ "$(job_field "$1" "$2")" = "$3" ]; }

# raw LINES...: send protocol lines on one connection; the replies are
# in RAW, one per line.
raw() {
	RAW=$(printf '%s\n' "$@" | socat -t 5 - "UNIX-CONNECT:$SOCK")
}

# start_receiver NAME [ARGS...]: start `launch subscribe --serve -a
# 127.0.0.1:0 ARGS...` (a later -a in ARGS wins) with its stdout in
# $T/NAME.out and its stderr in $T/NAME.err, and wait for its "listening"
# line.  Sets RECV_PID (also added to KILL_PIDS), RECV_PORT and RECV_SUB
# (the subscription id).
start_receiver() {
	_name=$1
	shift
	"$LAUNCH" subscribe --serve -a 127.0.0.1:0 "$@" >"$T/$_name.out" \
	    2>"$T/$_name.err" &
	RECV_PID=$!
	KILL_PIDS="$KILL_PIDS $RECV_PID"
	wait_for 10 "receiver $_name to listen" receiver_up "$_name" "$RECV_PID"
	alive "$RECV_PID" ||
	    fail "receiver $_name exited: $(cat "$T/$_name.err")"
	_line=$(grep '^launch: listening on ' "$T/$_name.err")
	RECV_PORT=$(echo "$_line" | sed -n 's/^launch: listening on [0-9.]*:\([0-9]*\), subscription [0-9]* (.*)$/\1/p')
	RECV_SUB=$(echo "$_line" | sed -n 's/^launch: listening on [0-9.]*:[0-9]*, subscription \([0-9]*\) (.*)$/\1/p')
	[ -n "$RECV_PORT" ] && [ -n "$RECV_SUB" ] ||
	    fail "receiver $_name: bad listening line: $_line"
}
# The receiver listens, or has exited (start_receiver then says why).
receiver_up() {
	grep -q '^launch: listening on ' "$T/$1.err" || not_alive "$2"
}

# has_lines FILE N: FILE has at least N lines.
has_lines() { [ "$(wc -l <"$1")" -ge "$2" ]; }

# sub_field ID FIELD: one field of a subscription's JSON view ("null"
# if unset, nothing if there is no such subscription).
sub_field() {
	"$LAUNCH" subscriptions --json |
	    jq -r --argjson id "$1" ".[] | select(.id == \$id) | .$2"
}

# sub_jq ID FILTER: jq -c FILTER applied to a subscription's JSON view.
sub_jq() {
	"$LAUNCH" subscriptions --json |
	    jq -c --argjson id "$1" ".[] | select(.id == \$id) | $2"
}
# sub_is ID FILTER VALUE: sub_jq ID FILTER prints VALUE.
sub_is() { [ "$(sub_jq "$1" "$2")" = "$3" ]; }

# sub_settled ID N: subscription ID has been given N events in all and
# every one of them is acknowledged: nothing more is on its way.
sub_settled() {
	[ "$("$LAUNCH" subscriptions --json | jq -c --argjson id "$1" \
	    '.[] | select(.id == $id) | [.next_seq - 1, .delivered, .queued]')" = \
	    "[$2,$2,0]" ]
}

# labels FILE: the "label" of each JSON line of FILE, sorted, on one line.
labels() { jq -r .label "$1" | sort | tr '\n' ' ' | sed 's/ $//'; }

# maps_curl PID: PID's mappings of libcurl, libssl and GnuTLS (nothing if
# none), matched by file name, as the build tree's path may hold "curl".
maps_curl() {
	grep -E '/lib(curl|ssl|gnutls)[.-][^/]*$' "/proc/$1/maps" || true
}

# The daemon's records of its jobs are lines of STATE/jobs/journal
# (launchd/journal.c): a record per change, {"v":1,"forget":ID} when a
# job is removed; the last line of an id wins.
#
# records [STATE_DIR]: the records the journal holds now, one JSON line
# per job in id order, replayed as the daemon replays it: a last line
# without its newline (a write cut short) is ignored, as is a line that
# is not JSON (the daemon logs those).  Readable while a daemon runs: it
# appends whole lines, and a compaction renames a whole file over.
records() {
	_j=${1:-$LAUNCH_STATE_DIR}/jobs/journal
	[ -f "$_j" ] || fail "no journal at $_j"
	head -n "$(wc -l <"$_j")" "$_j" | jq -cnR '
	    reduce (inputs | fromjson? | objects) as $r ({};
	        if $r.forget != null then del(.[$r.forget | tostring])
	        elif $r.id != null then .[$r.id | tostring] = $r
	        else . end)
	    | [.[]] | sort_by(.id) | .[]'
}

# record_of ID [STATE_DIR]: the current record of job ID (nothing if none).
record_of() {
	records "${2:-$LAUNCH_STATE_DIR}" | jq -c --argjson id "$1" \
	    'select(.id == $id)'
}

# record_field ID FIELD: one field of job ID's record (jq path after
# the dot, "null" if unset), e.g. record_field 3 shim.pid.
record_field() { record_of "$1" | jq -r ".$2"; }

# record_id LABEL: the id of the job labelled LABEL in the journal.
record_id() {
	records | jq -r --arg l "$1" 'select(.label == $l) | .id'
}

# record_edit ID JQ_FILTER [STATE_DIR]: while no daemon runs, change job
# ID's record by appending it edited (jq -c JQ_FILTER) to the journal:
# the last line wins, as it would for the daemon's own appends (for a
# crash's aftermath: a record set back to an earlier state).
record_edit() {
	_d=${3:-$LAUNCH_STATE_DIR}
	_rec=$(record_of "$1" "$_d")
	[ -n "$_rec" ] || fail "record_edit: no record of job $1"
	_new=$(printf '%s\n' "$_rec" | jq -c "$2") ||
		fail "record_edit: jq $2 failed on job $1's record"
	[ -n "$_new" ] || fail "record_edit: jq $2 left job $1 no record"
	# Glued to a torn last line, the edit would be lost with it.
	[ "$(tail -c 1 "$_d/jobs/journal" | wc -l)" -eq 1 ] ||
		fail "record_edit: the journal ends in a line cut short"
	printf '%s\n' "$_new" >>"$_d/jobs/journal"
}

if [ -n "${LAUNCH_VALGRIND:-}" ]; then
	. "$(dirname "$0")/../valgrind-lib.sh"
fi
