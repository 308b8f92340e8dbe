# Misbehaving subscribers cost the others nothing.  Next to a black hole
# (accepts, never reads), one that never accepts, one that answers the
# HELLO with garbage and one that acks a seq never sent, 99 real
# receivers each print all 20 events; `launch ping` and `launch list`
# answer throughout; the daemon shows the garbage and bad-ack
# subscriptions retrying with a last_error that names the problem, and
# the black hole's and the non-accepting one's events queued.  The black
# hole's queue is bounded (--queue-max 8): what it cannot take is counted
# as dropped, not kept (the daemon's memory for it is bounded).
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 runs the hostile subscribers"
HOSTILE=$(cd "$(dirname "$0")/../tools" && pwd)/hostile_sub.py
NRECV=99
NJOBS=20
start_daemon

# The hostile ones, registered without --serve.
for mode in blackhole noaccept garbage badack; do
	python3 "$HOSTILE" "$mode" >"$T/$mode.port" 2>"$T/$mode.err" &
	KILL_PIDS="$KILL_PIDS $!"
	wait_for 10 "$mode to listen" has_lines "$T/$mode.port" 1
	port=$(head -n 1 "$T/$mode.port")
	qmax=
	[ "$mode" != blackhole ] || qmax="--queue-max 8"
	run_rc 0 "subscribe $mode" "$LAUNCH" subscribe -a "127.0.0.1:$port" $qmax
	id=$(echo "$OUT" | sed -n "s/^subscription \([0-9]*\) for 127\.0\.0\.1:$port, token [0-9a-f]\{32\}\$/\1/p")
	[ -n "$id" ] || fail "subscribe $mode printed: $OUT"
	eval "SUB_$mode=$id"
done

# The healthy ones, started together.
i=1
while [ $i -le $NRECV ]; do
	"$LAUNCH" subscribe --serve -a 127.0.0.1:0 --json >"$T/h$i.out" \
	    2>"$T/h$i.err" &
	KILL_PIDS="$KILL_PIDS $!"
	i=$((i + 1))
done
listening() { [ "$(grep -l '^launch: listening on' "$T"/h*.err | wc -l)" -eq $NRECV ]; }
wait_for 30 "$NRECV receivers to listen" listening
assert_eq "$("$LAUNCH" subscriptions --json | jq length)" $((NRECV + 4)) \
    "subscriptions registered"

# The events, with the daemon asked for its state after each one.
i=1
while [ $i -le $NJOBS ]; do
	"$LAUNCH" submit -l "f$i" -- sh -c "exit $i"
	run_rc 0 "ping after f$i" timeout 5 "$LAUNCH" ping
	assert_contains "$OUT" ", pid $DAEMON_PID, " "ping after f$i"
	run_rc 0 "list after f$i" timeout 5 "$LAUNCH" list --json
	assert_eq "$(echo "$OUT" | jq length)" $i "jobs listed after f$i"
	i=$((i + 1))
done
all_printed() { [ "$(cat "$T"/h*.out | wc -l)" -ge $((NRECV * NJOBS)) ]; }
wait_for 30 "every receiver to print $NJOBS events" all_printed
run_rc 0 "ping" timeout 5 "$LAUNCH" -q ping
# Each receiver's lines: the label and exit code of each job, once.
jq -r '[input_filename, .label, .exit_code] | @tsv' "$T"/h*.out | sort \
    >"$T/printed"
for f in "$T"/h*.out; do
	i=1
	while [ $i -le $NJOBS ]; do
		printf '%s\tf%d\t%d\n' "$f" $i $i
		i=$((i + 1))
	done
done | sort >"$T/want"
cmp -s "$T/printed" "$T/want" ||
	fail "the receivers' lines differ from one per job each: $(diff "$T/want" "$T/printed" | head -n 10)"
assert_eq "$("$LAUNCH" subscriptions --json | jq \
    '[.[] | select(.delivered == 20 and .queued == 0 and .state == "connected")] | length')" \
    $NRECV "healthy subscriptions: all delivered"

# The hostile ones, as the daemon sees them.
wait_for 10 "garbage to be retrying" sub_is "$SUB_garbage" .state '"retrying"'
assert_contains "$(sub_field "$SUB_garbage" last_error)" \
    "the subscriber sent something other than an ACK" "garbage's last_error"
wait_for 10 "badack to be retrying" sub_is "$SUB_badack" .state '"retrying"'
assert_contains "$(sub_field "$SUB_badack" last_error)" \
    "which was never sent" "badack's last_error"
for mode in noaccept garbage badack; do
	eval "id=\$SUB_$mode"
	assert_eq "$(sub_jq "$id" '[.queued, .delivered]')" "[$NJOBS,0]" \
	    "$mode: queued, delivered"
done
assert_eq "$(sub_jq "$SUB_blackhole" '[.queue_max, .queued, .dropped, .delivered]')" \
    "[8,8,$((NJOBS - 8)),0]" "the black hole's bounded queue"
assert_contains "$(cat "$T/blackhole.err")" "accepted" \
    "the daemon connected to the black hole"
run_rc 0 "ping at the end" timeout 5 "$LAUNCH" -q ping
