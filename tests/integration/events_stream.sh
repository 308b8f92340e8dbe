# `launch events` streams the daemon's events over its socket: -f 'x*'
# gets x1's exit (reason exited, exit_code 2) and nothing of y1 (x2,
# which ended after y1, comes next: the stream is in order); the human
# form is one line per event; --events all adds starts and state
# changes; concurrent clients each get every event; a client killed
# leaves the daemon serving the others; a shutdown ends the streams.
. "$(dirname "$0")/../lib.sh"
start_daemon

# events NAME ARGS...: a client in the background, stdout in $T/NAME.out;
# returns once the daemon streams to it.  Its pid is in EV_PID.
NSTREAMS=0
events() {
	_name=$1
	shift
	"$LAUNCH" events "$@" >"$T/$_name.out" 2>"$T/$_name.err" &
	EV_PID=$!
	KILL_PIDS="$KILL_PIDS $EV_PID"
	NSTREAMS=$((NSTREAMS + 1))
	wait_for 10 "events $* to stream" sh -c \
	    "[ \$(grep -c ': streaming events\$' '$T/daemon.log') -ge $NSTREAMS ]"
}
run_job() {	# LABEL CODE: submit, and wait for its end
	"$LAUNCH" submit -l "$1" -- sh -c "exit $2"
	wait_for 10 "$1 to end" job_is "$1" state exited
}

events x --json -f 'x*'
X=$EV_PID
events human -f 'x*'
events all --json --events all -f 'z*'
run_job x1 2
run_job y1 3
run_job x2 4
wait_for 10 "x2's event" has_lines "$T/x.out" 2
assert_eq "$(jq -c '[.seq, .event, .label, .reason, .exit_code, .ok]' "$T/x.out")" \
    '[1,"exit","x1","exited",2,false]
[2,"exit","x2","exited",4,false]' "-f 'x*': x1, then x2, and nothing of y1"
wait_for 10 "the human form" has_lines "$T/human.out" 2
host=$(jq -r .host "$T/x.out" | head -n 1)
pid=$(jq -r .pid "$T/x.out" | head -n 1)
assert_eq "$(head -n 1 "$T/human.out" | sed 's/^[0-9-]*T[0-9:.]*Z //')" \
    "$host x1: exited with code 2 (pid $pid, restarts 0)" "one line per event"
assert_eq "$(cat "$T/all.out")" "" "--events all -f 'z*': nothing yet"

run_job z1 0
wait_for 10 "z1's events" grep -q '"to":"exited"' "$T/all.out"
assert_eq "$(jq -r '[.seq, .event, .from // "-", .to // "-", .ok // "-"] | map(tostring) | join(" ")' "$T/all.out")" \
    "1 start - - -
2 state starting running -
3 exit - - true
4 state running exited -" "--events all: z1's start, state changes and exit"

# Concurrent clients each get the events; one killed changes nothing
# for the others, nor for the daemon.
for i in 1 2 3 4 5; do
	events "c$i" --json -f 'c*'
	eval "C$i=\$EV_PID"
done
run_job c1 5
for i in 1 2 3 4 5; do
	wait_for 10 "c$i to get c1" has_lines "$T/c$i.out" 1
done
kill -KILL "$X" "$C3"
wait_exit "$X" 10
wait_exit "$C3" 10
run_rc 0 "ping after killing clients" "$LAUNCH" -q ping
run_job c2 6
for i in 1 2 4 5; do
	wait_for 10 "c$i to get c2" has_lines "$T/c$i.out" 2
	assert_eq "$(jq -c '[.seq, .label, .exit_code]' "$T/c$i.out")" '[1,"c1",5]
[2,"c2",6]' "client c$i"
done
assert_eq "$(jq -c .label "$T/c3.out")" '"c1"' "the killed client had c1"
run_rc 0 "ping" "$LAUNCH" -q ping

# A shutdown ends every stream: the clients say so and exit 0.
kill -TERM "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
assert_eq "$WAIT_STATUS" 0 "the daemon's exit status"
DAEMON_PID=
wait_exit "$C1" 10
assert_eq "$WAIT_STATUS" 0 "a client's exit status after the shutdown"
assert_eq "$(cat "$T/c1.err")" "launch: the daemon closed the stream" \
    "a client's last words"
