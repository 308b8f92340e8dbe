# The daemon runs out of file descriptors (hard and soft nofile limit 64,
# so it cannot raise its own): clients connect until accept fails.  The
# daemon logs the pause once, retries on a timer and uses next to no CPU
# while paused (a count of its CPU ticks, not a timing); the clients it
# has are still served, and a submit that cannot get a socket for its
# shim fails with launch_failure naming the cause and leaves no job and
# no record.  A client that connects meanwhile waits, and is served once
# the fds are freed; then submits work again.
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 holds the connections"
command -v prlimit >/dev/null 2>&1 || skip "prlimit (util-linux) is missing"
HOG=$(cd "$(dirname "$0")/../tools" && pwd)/fd_hog.py

# prlimit execs the daemon: $! is the daemon itself.
prlimit --nofile=64:64 "$LAUNCH" serve -v -S "$SOCK" >>"$T/daemon.log" 2>&1 &
DAEMON_PID=$!
wait_for 10 "the daemon to answer" "$LAUNCH" -q ping
assert_eq "$(awk '/^Max open files/ { print $4 " " $5 }' "/proc/$DAEMON_PID/limits")" \
    "64 64" "the daemon's nofile limit"
"$LAUNCH" submit -l before -- sleep 1000

mkfifo "$T/hog.in"
python3 "$HOG" "$SOCK" "$T/daemon.log" <"$T/hog.in" >"$T/hog.out" 2>"$T/hog.err" &
hog=$!
KILL_PIDS="$hog"
exec 7>"$T/hog.in"
wait_for 30 "the daemon to run out of fds" has_lines "$T/hog.out" 2
alive "$hog" || fail "fd_hog: $(cat "$T/hog.err")"
n=$(sed -n 's/^paused \([0-9]*\)$/\1/p' "$T/hog.out")
[ "$n" -gt 40 ] || fail "only $n connections were accepted before the pause"
grep -q 'out of file descriptors (Too many open files); pausing accept' \
    "$T/daemon.log" || fail "the pause is not logged"

# The submit on a connection it has: a clear error, no half job.
reply=$(sed -n 2p "$T/hog.out")
assert_eq "$(echo "$reply" | jq -r .error.code)" launch_failure "the fd-less submit's code"
assert_contains "$(echo "$reply" | jq -r .error.message)" "Too many open files" \
    "the fd-less submit's message"
assert_eq "$(records | wc -l)" 1 "records after the fd-less submit"

# A client that comes now waits in the backlog.
"$LAUNCH" ping >"$T/ping.out" 2>&1 7>&- &
waiting=$!
KILL_PIDS="$hog $waiting"

# Paused: the daemon only wakes for its 1 s retry.  Over at least three
# seconds and three retries it may use a few ticks; a spin on the
# listening socket (or on a too-short timer) would use hundreds.
retries() { grep -c 'still out of file descriptors' "$T/daemon.log" || true; }
ticks() { awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat"; }
r0=$(retries)
t0=$(ticks)
s0=$(date +%s%N)
window_done() {
	[ "$(retries)" -ge $((r0 + 3)) ] &&
	    [ $(($(date +%s%N) - s0)) -ge 3000000000 ]
}
wait_for 20 "three more accept retries and three seconds" window_done
t1=$(ticks)
ms=$((($(date +%s%N) - s0) / 1000000))
nr=$(($(retries) - r0))
echo "CPU while paused: $((t1 - t0)) ticks (of $(getconf CLK_TCK)/s) over $ms ms, $nr retries"
[ $((t1 - t0)) -le 5 ] || fail "the paused daemon used $((t1 - t0)) ticks in $ms ms"
# A 1 s timer cannot fire more often than once a second.
[ "$nr" -le $((ms / 1000 + 2)) ] || fail "$nr accept retries in $ms ms"
assert_eq "$(grep -c 'pausing accept' "$T/daemon.log")" 1 "the pause is logged once"
alive "$waiting" || fail "the waiting ping ended while the daemon could not accept it: $(cat "$T/ping.out")"

# Free the fds: the waiting client is served, and so is everyone else.
exec 7>&-
wait_exit "$hog" 10
wait_exit "$waiting" 20
assert_eq "$WAIT_STATUS" 0 "the ping that waited through the pause"
assert_contains "$(cat "$T/ping.out")" ", pid $DAEMON_PID, " "the ping that waited"
wait_for 10 "the daemon to say it accepts again" \
    grep -q 'accepting clients again after' "$T/daemon.log"
run_rc 0 "ping after the fds are freed" timeout 10 "$LAUNCH" ping
run_rc 0 "submit after the fds are freed" timeout 10 "$LAUNCH" submit -l after -- sleep 1000
assert_eq "$(job_field after state)" running "the job submitted after"
assert_eq "$(job_field before state)" running "the job from before"
assert_eq "$("$LAUNCH" list fdless)" "" "no fdless job"
run_rc 0 "stop" timeout 20 "$LAUNCH" stop before after
