#!/bin/sh
# Source coverage of what the fuzz corpora reach: for each target, a
# clang build with -fprofile-instr-generate runs every input of
# CORPORA/TARGET (as kept by `make fuzz FUZZ_KEEP=CORPORA`; else the
# seeds) and fuzz/regress/TARGET once (-runs=0), and llvm-cov reports
# line and branch coverage of the files that target is about.  Run from
# the top of a configured tree.  Measures; asserts nothing.
#
# usage: fuzz/coverage.sh [CORPORA]
set -eu
corpora=${1:-fuzz/corpus}
cc=${FUZZ_CC:-clang}
cov=${LLVM_COV:-llvm-cov}
profdata=${LLVM_PROFDATA:-llvm-profdata}
work=$(mktemp -d "${TMPDIR:-/tmp}/launch-fuzzcov.XXXXXX")
trap 'rm -rf "$work"' EXIT

srcs="fuzz/libfuzzer.c fuzz/fuzz-*.c subscribe/receiver-conn.c
    subscribe/receiver-state.c subscribe/hook.c common/*.c proto/*.c"
for t in request decoders jobfile receiver sshconfig; do
	case $t in
	request)   files="proto/proto-request.c proto/proto-spec.c proto/proto-json.c proto/proto-label.c" ;;
	decoders)  files="proto/proto-reply.c proto/proto-state.c proto/proto-stats.c proto/proto-event.c proto/proto-sub.c proto/proto-wait.c proto/proto-receiver.c" ;;
	jobfile)   files="proto/proto-jobfile.c proto/proto-spec.c" ;;
	receiver)  files="subscribe/receiver-conn.c" ;;
	sshconfig) files="common/sshconfig.c" ;;
	esac
	# shellcheck disable=SC2086
	$cc -O1 -g -fprofile-instr-generate -fcoverage-mapping \
	    -fsanitize=fuzzer -DHAVE_CONFIG_H -I. -Icommon -Iproto -Ilaunchd \
	    -Ilaunchctl -Ishim -Isubscribe -Ifuzz \
	    $(pkg-config --cflags libcjson) -DFUZZ_TARGET=fuzz_$t $srcs \
	    -o "$work/$t" -lev $(pkg-config --libs libcjson) -lm
	inputs=$corpora/$t
	[ -d fuzz/regress/$t ] && inputs="$inputs fuzz/regress/$t"
	# shellcheck disable=SC2086
	LLVM_PROFILE_FILE=$work/$t.profraw "$work/$t" -runs=0 \
	    -close_fd_mask=3 $inputs >"$work/$t.log" 2>&1
	$profdata merge -o "$work/$t.profdata" "$work/$t.profraw"
	echo "== $t ($(ls $inputs | wc -l) inputs)"
	# shellcheck disable=SC2086
	$cov report "$work/$t" -instr-profile="$work/$t.profdata" $files |
	    awk '/\.c / || /^TOTAL/ {
		sub(".*/", "", $1)
		printf "%-28s lines %6s of %5s  branches %6s\n", $1, $(NF-3), $(NF-5), $NF }'
done
