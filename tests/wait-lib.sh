# Helpers of the `launch wait` tests, sourced after lib.sh (and
# ssh-lib.sh).  Jobs that end when the test says so, and a wait started
# in the background that the daemon is known to have taken.

# gate_file LABEL: the file gated job LABEL waits for.
gate_file() { echo "$T/go-$(echo "$1" | tr / _)"; }

# gated LABEL CODE [SUBMIT OPTIONS...]: submit a job that runs until
# `release LABEL`, then exits CODE.
gated() {
	_g_label=$1 _g_code=$2
	shift 2
	"$LAUNCH" submit -l "$_g_label" "$@" -- sh -c \
	    'while [ ! -e "$0" ]; do sleep 0.02; done; exit "$1"' \
	    "$(gate_file "$_g_label")" "$_g_code"
}
release() { touch "$(gate_file "$1")"; }

# wait_requests: how many wait requests the daemon has taken (its debug
# log, `serve -v`, has one line for each).
wait_requests() {
	grep -c ': wait #[0-9]*: [0-9]* jobs, ' "$T/daemon.log" || true
}
wait_taken() { [ "$(wait_requests)" -ge "$1" ]; }
# wait_answers: how many it has answered; wait_answered N: at least N.
wait_answers() {
	grep -c ': wait #[0-9]*: [0-9]* succeeded, ' "$T/daemon.log" || true
}
wait_answered() { [ "$(wait_answers)" -ge "$1" ]; }

# wait_bg NAME [LAUNCH OPTIONS...] -- WAIT ARGS...: run `launch
# [OPTIONS] wait ARGS` in the background, its stdout in $T/NAME.out and
# stderr in $T/NAME.err, and return once the daemon has taken the
# request.  Its pid is in WAIT_PID (also in KILL_PIDS), the number of
# waits answered before it in WAIT_ANSWERS.
wait_bg() {
	_wb_name=$1
	shift
	_wb_opts=
	while [ "$1" != -- ]; do
		_wb_opts="$_wb_opts $1"
		shift
	done
	shift
	_wb_n=$(($(wait_requests) + 1))
	WAIT_ANSWERS=$(wait_answers)
	# shellcheck disable=SC2086
	"$LAUNCH" $_wb_opts wait "$@" >"$T/$_wb_name.out" 2>"$T/$_wb_name.err" &
	WAIT_PID=$!
	KILL_PIDS="$KILL_PIDS $WAIT_PID"
	wait_for 10 "the daemon to take wait $_wb_name" wait_taken "$_wb_n"
}

# still_waiting WHY: the last wait_bg has not returned, and the daemon
# has not answered it.
still_waiting() {
	alive "$WAIT_PID" || fail "$1: the wait returned: $(cat "$T"/*.out)"
	! wait_answered $((WAIT_ANSWERS + 1)) ||
	    fail "$1: the daemon answered the wait"
}

# summary FILE FILTER: jq -c FILTER of a wait summary.
summary() { jq -c "$2" "$1"; }
