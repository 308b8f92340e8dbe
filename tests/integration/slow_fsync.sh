# A slow disk never delays a reply that does not wait for it.  The
# daemon runs with an LD_PRELOAD library (tests/tools/slowfsync.c) whose
# fsync and fdatasync block while a gate file exists: while a submit's
# commit is held in fdatasync (its reply promises durability, so it
# waits), ping, list, status and an error reply all answer, and the job
# itself runs (its record is written; only the sync is held).  Once the
# gate goes, the submit answers.  Nothing here is timed: the held sync
# is held until the test lets it go, so "answers while it is held" is
# the whole claim.  (The latencies are printed for the curious.)
. "$(dirname "$0")/../lib.sh"
command -v cc >/dev/null || skip "no C compiler (cc) to build the fsync library"
cc -shared -fPIC -o "$T/slowfsync.so" "$(dirname "$0")/../tools/slowfsync.c" \
    -ldl 2>"$T/cc.err" || skip "cannot build the fsync library: $(cat "$T/cc.err")"

export SLOWFSYNC_GATE="$T/gate" SLOWFSYNC_ENTERED="$T/entered"
# A sanitizer runtime wants to come first; this library does not care.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export LD_PRELOAD="$T/slowfsync.so"
start_daemon
unset LD_PRELOAD
grep -q slowfsync "/proc/$DAEMON_PID/maps" || fail "the daemon did not load the library"
run_rc 0 "submit a (the disk is fast)" "$LAUNCH" submit -l a -- sleep 1000

# The disk turns slow: b's submit waits in the daemon's fdatasync.
touch "$T/gate"
"$LAUNCH" submit -l b -- sleep 1000 >"$T/b.out" 2>&1 &
bsubmit=$!
KILL_PIDS="$KILL_PIDS $bsubmit"
wait_for 10 "the daemon to be held in fdatasync" test -e "$T/entered"

ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(ms)
run_rc 0 "ping while the sync is held" timeout 5 "$LAUNCH" ping
t1=$(ms)
run_rc 0 "list while the sync is held" timeout 5 "$LAUNCH" list --json
assert_eq "$(echo "$OUT" | jq -r 'map(.label) | join(",")')" "a,b" "the jobs while the sync is held"
t2=$(ms)
run_rc 0 "status while the sync is held" timeout 5 "$LAUNCH" status --json b
# b runs already: its record is written, only not yet synced.
assert_eq "$(echo "$OUT" | jq -r '.[0].state')" running "b's state while the sync is held"
t3=$(ms)
raw '{"v":1,"id":7,"op":"ping"}' '{"v":7,"id":8,"op":"status","label":"no such"}'
assert_eq "$(echo "$RAW" | jq -r '.error.code' | tr '\n' ' ')" \
    "unsupported_version invalid_data " "error replies while the sync is held"
t4=$(ms)
alive "$bsubmit" || fail "b's submit answered before its record was synced ($(cat "$T/b.out"))"
[ -e "$T/gate" ] || fail "the gate went away"
echo "while fdatasync was held: ping $((t1 - t0)) ms, list $((t2 - t1)) ms, status $((t3 - t2)) ms, two errors $((t4 - t3)) ms"

# The disk is back: the submit answers, durably.
rm "$T/gate"
wait_exit "$bsubmit" 10
assert_eq "$WAIT_STATUS" 0 "b's submit once the sync is done ($(cat "$T/b.out"))"
assert_eq "$(job_field b state)" running "b runs"
run_rc 0 "stop" "$LAUNCH" stop a b
