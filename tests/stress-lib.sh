# Helpers of the stress tests (tests/stress/*.sh, make stress), sourced
# after lib.sh.
#
# Decisions:
# - The jobs are `sleep MARK`, MARK a duration drawn per test run, so that
#   /proc tells this run's jobs from anything else on the machine (other
#   daemons, other tests); a process is compared by pid and command line.
# - The state directory goes on a tmpfs of its own when root can mount
#   one (docs/bench.md: ext4 doubles a start's cost; the stress tests
#   are about the daemon, not the disk); else it stays on disk, and the
#   test says so.

# stress_nofile N: at least N open files for this shell and what it
# starts (the daemon raises its own soft limit to the hard one), or skip.
stress_nofile() {
	[ "$(ulimit -n)" != unlimited ] || return 0
	[ "$(ulimit -n)" -ge "$1" ] && return 0
	ulimit -n "$1" 2>/dev/null ||
	    skip "open files: $1 needed, the limit is $(ulimit -n) (hard $(ulimit -Hn)) and cannot be raised"
}

# stress_state_dir: a tmpfs on $LAUNCH_STATE_DIR when root may mount one.
stress_state_dir() {
	mkdir -p "$LAUNCH_STATE_DIR"
	if [ "$(id -u)" -eq 0 ] &&
	    mount -t tmpfs -o mode=0700 tmpfs "$LAUNCH_STATE_DIR" 2>/dev/null; then
		CLEANUP_FINAL_HOOKS="$CLEANUP_FINAL_HOOKS stress_unmount"
		echo "INFO: state directory: a tmpfs of its own"
	else
		echo "INFO: state directory: on disk ($(stat -f -c %T "$LAUNCH_STATE_DIR")), no tmpfs (needs root)"
	fi
}
stress_unmount() { umount "$LAUNCH_STATE_DIR"; }

# stress_mark: this run's sleep duration (about 11 to 12 days).
stress_mark() {
	echo "$((1000000 + $$ % 100000)).$(date +%N)"
}

# stress_sleeps FILE: the pids of this run's live `sleep MARK` processes,
# sorted, into FILE.
stress_sleeps() {
	ps -eo pid=,stat=,args= | awk -v want="sleep $MARK" '
	    { pid = $1; st = $2; $1 = ""; $2 = ""; sub(/^  /, "") }
	    $0 == want && st !~ /^Z/ { print pid }' | sort -n >"$1"
}

# stress_sleeps_are FILE: the live sleeps are exactly the pids in FILE.
stress_sleeps_are() {
	stress_sleeps "$T/sleeps.now"
	cmp -s "$T/sleeps.now" "$1"
}

# stress_parents_are_shims FILE: each pid in FILE is the child of a
# launch-shim of this test's state directory (a shim: a fork of the
# spawner, `launch-shim --spawner STATE ...`).
stress_parents_are_shims() {
	ps -eo pid=,ppid=,args= >"$T/ps.now"
	_bad=$(awk -v dir="$LAUNCH_STATE_DIR" '
	    NR == FNR { want[$1] = 1; next }
	    { p = $1; pp = $2; $1 = ""; $2 = ""; sub(/^  /, "")
	      ppid[p] = pp
	      shim[p] = index($0, "launch-shim --spawner " dir " ") == 1 ||
	          index($0, "/launch-shim --spawner " dir " ") > 0 }
	    END { for (p in want) if (!shim[ppid[p]]) print p }
	    ' "$1" "$T/ps.now" | head -n 5)
	[ -z "$_bad" ] || fail "jobs whose parent is not their shim: $_bad"
}

# stress_shims: how many shims of this state directory (launch-shim
# processes but the spawner, which is the daemon's child).
stress_shims() {
	ps -eo ppid=,comm=,args= | awk -v dir="$LAUNCH_STATE_DIR" \
	    -v daemon="${DAEMON_PID:-0}" '
	    $2 == "launch-shim" && $4 == "--spawner" && $5 == dir &&
	    $1 != daemon { n++ } END { print n + 0 }'
}
stress_no_shims() { [ "$(stress_shims)" -eq 0 ]; }

# rss_check DRIVER_JSON WARMUP: the daemon's RSS (a sample per second of
# the loop) does not grow after warm-up.  The first WARMUP samples are
# left out.  Of the rest, the median of the second half may exceed the
# median of the first by at most 4 MiB or 25%, whichever is more.  The
# band is wide because glibc's heap makes RSS noisy: it rises in steps
# of up to 4 MiB to a working-set high-water mark (24 to 25.5 MiB here)
# reached at a random moment, sometimes only in the second half of a 30
# s run, and stays there: medians of 21.5 and 25.2 MiB in one run with
# no leak, 24.1/24.1, 23.5/23.3 and 22.2/22.2 MiB in others.  What it
# catches: the halves' medians are about LOAD_SECONDS / 2 apart, so at
# 30 s and about 1300 requests a second a leak of about 290 bytes per
# request or more; LOAD_SECONDS=120 brings that to about 70.  Smaller
# leaks are valgrind's (check-valgrind: no definite leak).
rss_check() {
	set -- $(jq -r --argjson w "$2" '.rss_kb as $all | $all[$w:] as $r |
	    ($r | length) as $n | def median: sort | .[length / 2 | floor];
	    [$n, $all[0], ($r[:($n / 2 | floor)] | median),
	     ($r[($n / 2 | floor):] | median), ($all | max)] |
	    map(tostring) | join(" ")' "$1")
	if [ "$1" -lt 8 ]; then
		echo "INFO: rss: $1 samples after warm-up, too few to judge (LOAD_SECONDS >= 8)"
		return 0
	fi
	_tol=$(($3 / 4))
	[ "$_tol" -ge 4096 ] || _tol=4096
	echo "INFO: rss: $1 samples after warm-up; first $2 KiB, peak $5 KiB;" \
	    "median of the first half $3 KiB, of the second $4 KiB" \
	    "(allowed up to $(($3 + _tol)))"
	[ "$4" -le $(($3 + _tol)) ] ||
	    fail "the daemon's RSS grew after warm-up: median $3 KiB to $4 KiB"
}

# stress_pids N: room for N more processes: pid_max (raised by root if
# need be, and put back at the end), threads-max, the user's process
# limit (raised up to its hard limit); else skip.
stress_pids() {
	_used=$(ls -d /proc/[0-9]*/task/* 2>/dev/null | wc -l)
	_need=$(($1 + _used))
	_pid_max=$(cat /proc/sys/kernel/pid_max)
	if [ "$_pid_max" -lt "$_need" ]; then
		if echo 4194304 2>/dev/null >/proc/sys/kernel/pid_max; then
			STRESS_PID_MAX=$_pid_max
			CLEANUP_FINAL_HOOKS="$CLEANUP_FINAL_HOOKS stress_pid_max_back"
			echo "INFO: pid_max: $_pid_max raised to 4194304 for the test"
		else
			skip "pid_max is $_pid_max, $_need pids needed, and it cannot be raised"
		fi
	fi
	[ "$(cat /proc/sys/kernel/threads-max)" -ge "$_need" ] ||
	    skip "threads-max is $(cat /proc/sys/kernel/threads-max), $_need tasks needed"
	# RLIMIT_NPROC (dash's ulimit has no -u: prlimit on this shell).
	_nproc=$(awk '/^Max processes/ { print $3 }' /proc/$$/limits)
	[ "$_nproc" = unlimited ] || [ "$_nproc" -ge "$_need" ] ||
	    prlimit --pid $$ --nproc="$_need:$_need" 2>/dev/null ||
	    prlimit --pid $$ --nproc="$_need" 2>/dev/null ||
	    skip "processes: $_need needed, the limit is $_nproc and cannot be raised"
}
stress_pid_max_back() { echo "$STRESS_PID_MAX" >/proc/sys/kernel/pid_max; }

# stress_no_zombies PID: PID has no child left unreaped.
stress_no_zombies() {
	[ -z "$(ps -eo ppid=,stat= | awk -v p="$1" '$1 == p && $2 ~ /^Z/')" ]
}
