# A client that sends garbage, one stalled mid-line and one that never
# reads its replies do not delay anyone else.
. "$(dirname "$0")/../lib.sh"
start_daemon

# Stalled: half a request, then nothing (the connection stays open).
mkfifo "$T/stall.in"
socat -u "OPEN:$T/stall.in" "UNIX-CONNECT:$SOCK" &
stall=$!
exec 7>"$T/stall.in"
printf '{"v":7,"id":1,"op":"li' >&7

# Garbage: a stream of junk lines on another open connection.
mkfifo "$T/junk.in"
socat -u "OPEN:$T/junk.in" "UNIX-CONNECT:$SOCK" >/dev/null &
junk=$!
exec 8>"$T/junk.in"
i=0
while [ $i -lt 200 ]; do printf 'garbage %d {{{\n' $i >&8; i=$((i + 1)); done

# Deaf: floods list requests and never reads a reply.
mkfifo "$T/deaf.in"
socat -u "OPEN:$T/deaf.in" "UNIX-CONNECT:$SOCK" &
deaf=$!
exec 9>"$T/deaf.in"
( i=0; while [ $i -lt 20000 ]; do echo '{"v":7,"id":1,"op":"list"}'; i=$((i + 1)); done >&9 ) 2>/dev/null &
flood=$!
KILL_PIDS="$stall $junk $deaf $flood"

# A third client is served promptly while all that goes on.
"$LAUNCH" submit -l big -- sh -c 'sleep 1000' # makes each list reply longer
for n in 1 2 3 4 5; do
	run_rc 0 "ping $n" timeout 5 "$LAUNCH" ping
	run_rc 0 "submit $n" timeout 5 "$LAUNCH" submit -l "t$n" -- sleep 1000
	run_rc 0 "list $n" timeout 5 "$LAUNCH" list "t$n"
	assert_contains "$OUT" "t$n" "list $n"
done
alive "$stall" || fail "the stalled client was dropped"

# The stalled client finishes its line and gets its answer.
exec 7>&-
kill "$stall" 2>/dev/null || true
run_rc 0 "stop" timeout 10 "$LAUNCH" stop 't*' big
alive "$DAEMON_PID" || fail "daemon died"
