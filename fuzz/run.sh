#!/bin/sh
# `make fuzz`: run each libFuzzer target for a bounded time on a scratch
# copy of its seed corpus (fuzz/corpus/TARGET, never written to; the
# regression inputs in fuzz/regress/TARGET are read too), JOBS targets at
# a time.  Prints one line per target with the executions done
# (stat::number_of_executed_units), the coverage (cov, ft) and the
# corpus size, and exits 1 if any target found a crash, a leak, a
# timeout or ran out of memory, naming the reproducer: it is copied to
# fuzz/artifacts/TARGET/ in the build tree, outside the scratch dir.
#
# usage: run.sh BIN_DIR SRC_DIR SECONDS JOBS KEEP TARGET...
#   BIN_DIR  where fuzz-TARGET binaries are; SRC_DIR  the source fuzz/
#   KEEP     "" (a scratch corpus, removed after), or a directory whose
#            KEEP/TARGET is the corpus, created from the seeds if missing
#            and kept, so that later runs go on from what this one found
#            (and llvm-cov can measure it: docs/fuzzing.md)
#
# libFuzzer options: -close_fd_mask=3 silences the targets' own output
# (the receiver logs each rejected connection) while libFuzzer and the
# sanitizers still report; -timeout=10 turns an input that takes 10 s
# into a failure; -rss_limit_mb=2048 an input that eats memory.
set -u
bin=$1 src=$2 seconds=$3 jobs=$4 keep=$5
shift 5
scratch=$(mktemp -d "${TMPDIR:-/tmp}/launch-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
failed=0

fuzz_one() {	# TARGET: run it, write $scratch/TARGET.rc
	t=$1
	corpus=$scratch/$t/corpus
	[ -z "$keep" ] || corpus=$keep/$t
	mkdir -p "$scratch/$t/artifacts"
	if [ ! -d "$corpus" ]; then
		mkdir -p "$corpus"
		cp "$src/corpus/$t"/* "$corpus/"
	fi
	dict=
	case $t in
	sshconfig) dict=-dict=$src/sshconfig.dict ;;
	*) dict=-dict=$src/json.dict ;;
	esac
	extra=
	[ -d "$src/regress/$t" ] && extra=$src/regress/$t
	"$bin/fuzz-$t" -max_total_time="$seconds" -print_final_stats=1 \
	    -close_fd_mask=3 -timeout=10 -rss_limit_mb=2048 "$dict" \
	    -artifact_prefix="$scratch/$t/artifacts/" \
	    "$corpus" $extra >"$scratch/$t.log" 2>&1
	echo $? >"$scratch/$t.rc"
}

report() {	# TARGET
	t=$1
	rc=$(cat "$scratch/$t.rc")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$scratch/$t.log")
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$scratch/$t.log" |
	    tail -n 1)
	cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov \1, ft \2, corpus \3/p')
	seeds=$(ls "$src/corpus/$t" | wc -l)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz $t: ok, ${execs:-?} executions in ${seconds}s" \
		    "(${cov:-no final stats}; $seeds seeds)"
		return
	fi
	failed=1
	mkdir -p "fuzz/artifacts/$t"
	why=$(grep -m 1 -E '^==[0-9]+==ERROR|^SUMMARY|ALARM|out-of-memory|deadly signal' \
	    "$scratch/$t.log" | sed 's/^==[0-9]*==//')
	echo "fuzz $t: FAILED (exit $rc, ${execs:-?} executions): ${why:-see the log}"
	for a in "$scratch/$t/artifacts"/*; do
		[ -e "$a" ] || continue
		cp "$a" "fuzz/artifacts/$t/"
		echo "    reproducer: fuzz/artifacts/$t/$(basename "$a")" \
		    "(replay: $bin/fuzz-$t fuzz/artifacts/$t/$(basename "$a");" \
		    "once fixed, add it to fuzz/regress/$t/)"
	done
	cp "$scratch/$t.log" "fuzz/artifacts/$t.log"
	echo "    log: fuzz/artifacts/$t.log"
	grep -E '^    #[0-9]+ ' "$scratch/$t.log" | head -n 8
}

# JOBS at a time: start a batch, wait for it, report it.
while [ $# -gt 0 ]; do
	batch=
	i=0
	while [ $# -gt 0 ] && [ $i -lt "$jobs" ]; do
		fuzz_one "$1" &
		batch="$batch $1"
		i=$((i + 1))
		shift
	done
	wait
	for t in $batch; do
		report "$t"
	done
done
exit $failed
