# Sourced by lib.sh when LAUNCH_VALGRIND is set (make check-valgrind):
# start_daemon runs the daemon under valgrind memcheck, and valgrind
# follows its children into launch-shim, so every shim is checked too.
#
# Decisions:
# - The jobs themselves (sleep, sh, python3...) are not ours and are not
#   traced: --trace-children-skip lists /usr, /bin, /sbin, every PATH
#   directory and the test's directory $T, minus any pattern that would
#   match the launch binary (whose directory holds launch-shim).  A
#   launch installed under /usr cannot be told from the jobs that way,
#   so the test is skipped with that reason.
# - One log per process ($T/vg.PID.log; a fork's log is replaced by the
#   exec'd program's, same pid).  cleanup calls valgrind_check after the
#   daemon has stopped: it waits for every traced process to exit, then
#   fails the test if a log's ERROR SUMMARY is not 0.  With
#   --errors-for-leak-kinds=definite a definite leak is an error, so the
#   summary line covers both.  A process killed by SIGKILL (crash tests)
#   writes no summary: it has nothing to say and is not counted.
# - Deadlines (wait_for, the daemon's shutdown in cleanup) are multiplied
#   by TIME_FACTOR (default 10): memcheck runs code 10 to 50 times slower.
# - tests/valgrind.supp holds suppressions for what is provably not ours,
#   each with its reason.
# - Excluded: job_env and job_files set a job's RLIMIT_NOFILE, which
#   the shim does in its child between fork and exec, still under
#   valgrind; valgrind refuses any change of that hard limit (EPERM: it
#   keeps fds of its own above it), so the job fails to launch there and
#   only there.  shim_program checks which program a shim is through
#   /proc/PID/exe, which under valgrind is valgrind's tool.
#   kill_mid_submit kills the daemon 0 to 99 ms into a submit, which
#   under valgrind takes longer than that: no submit ever completes.
command -v valgrind >/dev/null 2>&1 || skip "LAUNCH_VALGRIND set, valgrind not installed"
case $(basename "$0" .sh) in
job_env|job_files)
	skip "valgrind: a job's nofile limit cannot be set under valgrind (it refuses setrlimit of RLIMIT_NOFILE's hard limit)" ;;
shim_program)
	skip "valgrind: a shim's /proc/PID/exe is valgrind's tool, not launch-shim" ;;
kill_mid_submit)
	skip "valgrind: a submit takes longer than the 0-99 ms the kills are spread over" ;;
esac
TIME_FACTOR=${LAUNCH_TIME_FACTOR:-10}

valgrind_skip_list() {
	_list=
	_oldifs=$IFS
	IFS=:
	for _dir in /usr /bin /sbin $PATH "$T"; do
		[ -n "$_dir" ] || continue
		_pat="${_dir%/}/*"
		case $LAUNCH in
		$_pat) continue ;;
		esac
		_list="${_list:+$_list,}$_pat"
	done
	IFS=$_oldifs
	echo "$_list"
}

case $LAUNCH in
/usr/*|/bin/*|/sbin/*)
	skip "valgrind: $LAUNCH is installed among the jobs' programs, which are not traced" ;;
esac
VALGRIND_SKIP=$(valgrind_skip_list)
VALGRIND_SUPP=$(cd "$(dirname "$0")/.." && pwd)/valgrind.supp
VALGRIND=valgrind_run
# valgrind_run PROGRAM ARGS...: PROGRAM under memcheck, for start_daemon
# only: it runs in the background subshell that `&` made, and exec makes
# that subshell's pid (DAEMON_PID) valgrind's, then the daemon's.
valgrind_run() {
	exec valgrind --tool=memcheck --leak-check=full \
	    --show-leak-kinds=definite --errors-for-leak-kinds=definite \
	    --error-exitcode=99 --num-callers=30 --trace-children=yes \
	    --trace-children-skip="$VALGRIND_SKIP" \
	    --suppressions="$VALGRIND_SUPP" --log-file="$T/vg.%p.log" "$@"
}

# valgrind_check: called by cleanup (rc in scope).  A log's process is
# waited for while it still runs under valgrind (its /proc/PID/exe is
# valgrind's tool): one that exec'd a job's program writes nothing more,
# and a pid that now names an unrelated process (pids wrap) is not ours.
valgrind_check() {
	_end=$(($(date +%s) + 60))
	for _log in "$T"/vg.*.log; do
		[ -f "$_log" ] || continue
		_pid=${_log##*/vg.}
		_pid=${_pid%.log}
		while valgrind_traced "$_pid" && [ "$(date +%s)" -lt $_end ]; do
			sleep 0.1
		done
		if valgrind_traced "$_pid"; then
			echo "FAIL: valgrind: pid $_pid ($(valgrind_command "$_log")) still running"
			rc=1
			continue
		fi
		grep -q 'ERROR SUMMARY: [1-9]' "$_log" || continue
		echo "FAIL: valgrind: errors in pid $_pid ($(valgrind_command "$_log")):"
		grep -v '^==[0-9]*== *$' "$_log" | head -n 80
		rc=1
	done
}

# valgrind_traced PID: PID runs under valgrind, and is not a zombie.
valgrind_traced() {
	case $(readlink "/proc/$1/exe" 2>/dev/null) in
	*/valgrind/*-linux) ! is_zombie "$1" ;;
	*) return 1 ;;
	esac
}

# valgrind_command LOG: the program a log is about.
valgrind_command() {
	sed -n 's/^==[0-9]*== Command: //p' "$1" | head -n 1 | cut -c1-80
}
