# --exec runs a command for each event, once, with the event in its
# environment: LAUNCH_SEQ, LAUNCH_LABEL, LAUNCH_REASON, LAUNCH_EXIT_CODE
# (unset for a signal), LAUNCH_SIGNAL (set only for one), LAUNCH_OK,
# LAUNCH_EVENT, LAUNCH_JOB_ID and LAUNCH_EVENT_JSON, the line printed.
# A command that fails is reported on stderr and not run again.
. "$(dirname "$0")/../lib.sh"
start_daemon

start_receiver r --json --exec "echo \"\$LAUNCH_SEQ \$LAUNCH_LABEL \$LAUNCH_REASON \$LAUNCH_EXIT_CODE\" >>$T/exec.log
echo \"\$LAUNCH_EVENT \$LAUNCH_OK \${LAUNCH_SIGNAL-none} \${LAUNCH_EXIT_CODE-none} \$LAUNCH_JOB_ID\" >>$T/env.log
printf '%s\n' \"\$LAUNCH_EVENT_JSON\" >>$T/json.log
[ \"\$LAUNCH_LABEL\" != e3 ] || exit 3"
SUB=$RECV_SUB

n=0
for code in 3 5 7 11 13; do	# one at a time: seq 1 is e3, and so on
	"$LAUNCH" submit -l "e$code" -- sh -c "exit $code"
	n=$((n + 1))
	wait_for 10 "e$code's event" has_lines "$T/r.out" $n
done
"$LAUNCH" submit -l killed -- sh -c 'kill -KILL $$'
wait_for 10 "the events to be handled" sub_settled "$SUB" 6

assert_eq "$(cat "$T/exec.log")" "1 e3 exited 3
2 e5 exited 5
3 e7 exited 7
4 e11 exited 11
5 e13 exited 13
6 killed signaled " "exec.log: one line per event"
assert_eq "$(cut -d' ' -f1 "$T/exec.log" | sort -u | wc -l)" 6 "each seq once"
id() { job_field "$1" id; }
assert_eq "$(cat "$T/env.log")" "exit 0 none 3 $(id e3)
exit 0 none 5 $(id e5)
exit 0 none 7 $(id e7)
exit 0 none 11 $(id e11)
exit 0 none 13 $(id e13)
exit 0 SIGKILL none $(id killed)" "LAUNCH_EVENT, _OK, _SIGNAL, _EXIT_CODE, _JOB_ID"
cmp -s "$T/json.log" "$T/r.out" ||
	fail "LAUNCH_EVENT_JSON differs from the lines printed: $(diff "$T/r.out" "$T/json.log")"
assert_eq "$(grep -c '^launch: --exec' "$T/r.err")" 1 "--exec failures reported"
assert_contains "$(cat "$T/r.err")" "launch: --exec for seq 1: exit code 3" \
    "the failing command"
