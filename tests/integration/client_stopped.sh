# A real `launch` client SIGSTOPped in the middle of its request, and
# another while it streams events: the daemon has no idle timeout for
# peers (docs/design.md, Peers: an idle daemon makes no wakeups), so it
# keeps them and waits; meanwhile it serves everyone else, and SIGCONT
# lets each finish with the right answer.
#
# Stopping a client mid-request deterministically: the daemon is
# SIGSTOPped first, so the client's 600 KB request fills the socket and
# the client blocks in the middle of sending it; then the client is
# SIGSTOPped and the daemon SIGCONTed: it reads the half that was sent
# and the rest never comes, until SIGCONT.
. "$(dirname "$0")/../lib.sh"
start_daemon

# Blocked in a send or write system call (x86_64 and arm64 numbers:
# write 1/64, sendto 44/206, sendmsg 46/211).
in_send() {
	case $(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null) in
	1 | 44 | 46 | 64 | 206 | 211) return 0 ;;
	*) return 1 ;;
	esac
}
stopped() { [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = T ]; }
big=$(head -c 100000 /dev/zero | tr '\0' x)

# A stream of events, stopped too: started first, so it sees every job.
"$LAUNCH" events --events all --json >"$T/events.out" 2>"$T/events.err" &
ev=$!
KILL_PIDS="$ev"
wait_for 10 "the events stream to be registered" grep -q 'events #1' "$T/daemon.log"
kill -STOP "$ev"

kill -STOP "$DAEMON_PID"
"$LAUNCH" submit -l big -e "B1=$big" -e "B2=$big" -e "B3=$big" \
    -e "B4=$big" -e "B5=$big" -e "B6=$big" -- sleep 1000 \
    >"$T/big.out" 2>"$T/big.err" &
client=$!
KILL_PIDS="$ev $client"
wait_for 10 "the client to block sending its request" in_send "$client"
kill -STOP "$client"
wait_for 10 "the client to stop" stopped "$client"
kill -CONT "$DAEMON_PID"

# Everyone else is served while two clients are stopped.
for n in 1 2 3; do
	run_rc 0 "ping $n" timeout 10 "$LAUNCH" ping
	assert_contains "$OUT" ", pid $DAEMON_PID, " "ping $n"
	run_rc 0 "submit $n" timeout 10 "$LAUNCH" submit -l "other/$n" -- sh -c "exit $n"
	run_rc 0 "list $n" timeout 10 "$LAUNCH" list --json
	assert_eq "$(echo "$OUT" | jq -r --arg l "other/$n" '.[] | select(.label == $l) | .label')" \
	    "other/$n" "list $n"
done
assert_eq "$("$LAUNCH" list big)" "" "a half-sent submit made no job"
stopped "$client" || fail "the stopped client was woken"
alive "$DAEMON_PID" || fail "the daemon died"

# SIGCONT: the request completes and is answered.
kill -CONT "$client"
wait_exit "$client" 20
assert_eq "$WAIT_STATUS" 0 "the resumed submit (stderr: $(cat "$T/big.err"))"
assert_eq "$(job_field big state)" running "the big job runs"
bigenv=$(tr '\0' '\n' <"/proc/$(job_field big pid)/environ" |
    awk -F= '/^B[1-6]=x*$/ && length($2) == 100000' | wc -l)
assert_eq "$bigenv" 6 "the big job's six 100 KB variables"

# The events client, resumed, gets what happened while it was stopped.
kill -CONT "$ev"
for n in 1 2 3; do
	wait_for 10 "the exit of other/$n in the stream" grep -q "\"other/$n\"" "$T/events.out"
done
wait_for 10 "big's start in the stream" grep -q '"big"' "$T/events.out"
jq -e . "$T/events.out" >/dev/null || fail "the stream is not JSON lines"
alive "$ev" || fail "the events client ended: $(cat "$T/events.err")"
run_rc 0 "stop" timeout 20 "$LAUNCH" stop big
