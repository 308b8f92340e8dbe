# A receiver restarted in the middle of a stream of events, with the same
# command (the same --state file; it gets another port, registers the
# same token, and the daemon follows it to the new address), misses
# nothing: after a SIGTERM every event is printed exactly once across the
# two runs; after a SIGKILL every event is printed at least once and
# never twice by one run.  (Across a SIGKILL an event can be printed
# twice only if the kill lands between printing a batch and saving the
# state file; such a repeat is reported in the log, not hidden.)
. "$(dirname "$0")/../lib.sh"
start_daemon
N=60	# jobs per round; the stream pauses at N/2 until the test says go

# gen PREFIX: submit N jobs PREFIX1..PREFIXN that exit 1, one after the
# other; before job N/2+1, wait for the file $T/go-PREFIX.
gen() {
	_i=1
	while [ $_i -le $N ]; do
		[ $_i -ne $((N / 2 + 1)) ] ||
			wait_for 20 "go-$1" test -e "$T/go-$1"
		"$LAUNCH" submit -l "$1$_i" -- sh -c 'exit 1'
		_i=$((_i + 1))
	done
}
# The labels printed twice or more by the lines of the files given.
repeats() { cat "$@" | jq -r .label | sort | uniq -d | tr '\n' ' '; }

start_receiver r1 --json --state "$T/r.json"
SUB=$RECV_SUB
TOKEN=$(jq -r .token "$T/r.json")

# Round 1: SIGTERM mid-stream.
gen t & GEN=$!
KILL_PIDS="$KILL_PIDS $GEN"
wait_for 10 "r1 to print 10 events" has_lines "$T/r1.out" 10
kill -TERM "$RECV_PID"
touch "$T/go-t"
wait_exit "$RECV_PID" 10
assert_eq "$WAIT_STATUS" 0 "r1's exit status after SIGTERM"
assert_contains "$(cat "$T/r1.err")" \
    "launch: stopped; subscription $SUB is kept and queues events: the same command resumes it" \
    "r1 says the subscription is kept"
n1=$(wc -l <"$T/r1.out")
[ "$n1" -ge 10 ] && [ "$n1" -le $((N / 2)) ] ||
	fail "r1 printed $n1 events, expected 10..$((N / 2))"
assert_eq "$(sub_field "$SUB" id)" "$SUB" "the subscription is kept"

start_receiver r2 --json --state "$T/r.json"
assert_eq "$RECV_SUB" "$SUB" "r2 resumes the same subscription"
assert_eq "$(jq -r .token "$T/r.json")" "$TOKEN" "r2 keeps the token"
assert_eq "$(sub_field "$SUB" addr)" "127.0.0.1:$RECV_PORT" \
    "the daemon has r2's address"
wait "$GEN" || fail "submitting round 1 failed"
wait_for 20 "round 1 to be acknowledged" sub_settled "$SUB" $N
assert_eq "$(cat "$T/r1.out" "$T/r2.out" | wc -l)" $N \
    "round 1: events printed in all"
assert_eq "$(repeats "$T/r1.out" "$T/r2.out")" "" "round 1: labels printed twice"
assert_eq "$(cat "$T/r1.out" "$T/r2.out" | jq -r .label | sort -u | wc -l)" \
    $N "round 1: distinct labels"
assert_eq "$(cat "$T/r1.out" "$T/r2.out" | jq -r .seq | tr '\n' ' ')" \
    "$(seq -s ' ' 1 $N) " "round 1: the seqs, in order"
assert_eq "$(jq -c .seen "$T/r.json")" \
    "{\"$(cat "$LAUNCH_STATE_DIR/daemon-id")/$SUB\":$N}" \
    "the state file: the last seq handled, per (daemon, subscription)"

# Round 2: SIGKILL mid-stream.
gen k & GEN=$!
KILL_PIDS="$KILL_PIDS $GEN"
wait_for 10 "r2 to print 10 events of round 2" has_lines "$T/r2.out" \
    $((N - n1 + 10))
kill -KILL "$RECV_PID"
touch "$T/go-k"
wait_exit "$RECV_PID" 10
start_receiver r3 --json --state "$T/r.json"
assert_eq "$RECV_SUB" "$SUB" "r3 resumes the same subscription"
wait "$GEN" || fail "submitting round 2 failed"
wait_for 20 "round 2 to be acknowledged" sub_settled "$SUB" $((2 * N))
grep '"label":"k' "$T/r2.out" >"$T/k2" || true
assert_eq "$(cat "$T/k2" "$T/r3.out" | jq -r .label | sort -u | wc -l)" $N \
    "round 2: every label printed"
assert_eq "$(repeats "$T/r2.out")" "" "round 2: labels printed twice by r2"
assert_eq "$(repeats "$T/r3.out")" "" "round 2: labels printed twice by r3"
again=$(repeats "$T/k2" "$T/r3.out")
[ -z "$again" ] ||
	echo "NOTE: printed by r2 and again by r3 after the SIGKILL: $again" \
	    "(r2 printed up to seq $(tail -n 1 "$T/r2.out" | jq .seq);" \
	    "r3: $(grep -o 'last seq handled [0-9]*' "$T/r3.err"))"
assert_eq "$(jq -c .seen "$T/r.json")" \
    "{\"$(cat "$LAUNCH_STATE_DIR/daemon-id")/$SUB\":$((2 * N))}" \
    "the state file after round 2"
