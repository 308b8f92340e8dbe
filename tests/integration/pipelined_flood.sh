# A client that pipelines requests without pause has at most 64 of them
# (PEER_LINES_PER_READ) handled per turn of the event loop, so that
# other clients take turns with it: with two such floods at once, the
# daemon's log shows runs of one flood's requests of 64 to 192 (a turn
# or two, three when the other flood's writer was not scheduled in
# time); at most 640 (ten turns) are allowed.  Before, each flood had a
# whole read's worth (64 KiB, about 2300 pings) handled in one turn; with costly
# requests, or under valgrind, that stalled every other client for
# seconds (found by make check-valgrind: slow_clients.sh's ping timed
# out).  Asserted on the order of the log, not on times.
. "$(dirname "$0")/../lib.sh"
start_daemon

# flood: endless pings on one connection, the replies read and dropped
# (so that backpressure never pauses it); its peer number in FPEER.
flood() {
	yes '{"v":7,"id":1,"op":"ping"}' | socat - "UNIX-CONNECT:$SOCK" >/dev/null &
	_pid=$!
	KILL_PIDS="$KILL_PIDS $_pid"
	wait_for 10 "flood $1 to connect" grep -q "connected, pid $_pid\$" "$T/daemon.log"
	FPEER=$(sed -n "s/.*debug: peer \([0-9]*\): connected, pid $_pid\$/\1/p" "$T/daemon.log")
}
handled() { [ "$(grep -c "peer $1: ping #1" "$T/daemon.log")" -ge "$2" ]; }

flood a
a=$FPEER
wait_for 10 "flood a to be under way" handled "$a" 3000
flood b
b=$FPEER
wait_for 10 "flood b to be under way" handled "$b" 5000
wait_for 10 "flood a to go on" handled "$a" $(($(grep -c "peer $a: ping #1" "$T/daemon.log") + 5000))

# The longest run of one flood's requests once both are under way
# (from b's first request on).
runs=$(awk -v a="peer $a: ping #1" -v b="peer $b: ping #1" '
    index($0, b) { on = 1 }
    !on { next }
    index($0, a) { who = "a" } index($0, b) { who = "b" }
    !index($0, a) && !index($0, b) { next }
    who == last { n++ } who != last { n = 1; last = who }
    n > max { max = n }
    END { print max + 0 }' "$T/daemon.log")
echo "longest run of one flood: $runs"
[ "$runs" -le 640 ] ||
    fail "$runs requests of one flood were handled in a row (at most 10 x 64)"
run_rc 0 "a ping during the floods" "$LAUNCH" ping
