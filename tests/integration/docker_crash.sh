# The daemon is SIGKILLed while containers run.  A new daemon on the same
# state directory adopts the one still running (same container, same
# pid; stop works), reports the one that exited meanwhile with its true
# exit code and end time, re-issues the stop of the one it was stopping,
# and reports the one whose container was removed as lost.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers/docker-lib.sh"
start_podman
start_daemon

"$LAUNCH" submit -l runner --docker "$IMAGE" -- \
    sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
"$LAUNCH" submit -l goner --docker "$IMAGE" -- sleep 1000
# Ignores the first SIGTERM, exits 7 on the second.
"$LAUNCH" submit -l stubborn --docker "$IMAGE" -- sh -c \
    'trap "if [ -e /tmp/once ]; then exit 7; fi; touch /tmp/once; echo first" TERM
     while :; do sleep 0.1; done'
"$LAUNCH" submit -l ender --docker "$IMAGE" -- sh -c 'sleep 3; exit 5'
"$LAUNCH" list --json >"$T/before.json"
field() { jq -r --arg l "$1" ".[] | select(.label == \$l) | .$2" "$3"; }

# A stop that the daemon does not live to see through.
"$LAUNCH" stop -t 60 stubborn >/dev/null 2>&1 &
stop_client=$!
wait_for 10 "stubborn to get the first SIGTERM" \
    sh -c '[ "$("$0" logs stubborn)" = first ]' "$LAUNCH"
assert_eq "$(job_field stubborn state)" stopping "stubborn is stopping"

kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
wait_exit "$stop_client" 10
down_ms=$(($(date +%s%N) / 1000000))

# While the daemon is down: ender exits 5, goner's container is removed.
ender=$(field ender container "$T/before.json")
wait_for 20 "ender's container to exit" sh -c "[ \"\$(curl -s --unix-socket '$PODMAN_SOCK' http://d/v1.41/containers/$ender/json | jq -r .State.Status)\" = exited ]"
api "/containers/$(field goner container "$T/before.json")?force=true" -X DELETE

start_daemon
# runner: adopted as it was.
assert_eq "$(job_field runner state)" running "runner still running"
assert_eq "$(job_field runner pid)" "$(field runner pid "$T/before.json")" "runner keeps its pid"
assert_eq "$(job_field runner container)" "$(field runner container "$T/before.json")" "runner keeps its container"
grep -q "runner: adopted, container ${ender%"${ender#?}"}" "$T/daemon.log" ||
	grep -q "runner: adopted, container" "$T/daemon.log" ||
	fail "no adoption logged"

# ender: its true exit, after the daemon went down.
wait_for 10 "ender to be settled" job_is ender state exited
assert_eq "$(job_field ender exit_code)" 5 "ender's exit code"
assert_eq "$(job_field ender started_at)" "$(field ender started_at "$T/before.json")" "ender keeps its start time"
ended=$(job_field ender ended_at)
ended_ms=$(($(date -d "$ended" +%s%N) / 1000000))
[ "$ended_ms" -ge $((down_ms - 3000)) ] && [ "$ended_ms" -le "$(($(date +%s%N) / 1000000))" ] ||
	fail "ender's ended_at $ended is not when it ended"
grep -q "ender: ended while the daemon was down" "$T/daemon.log" ||
	fail "the daemon did not log the exit it found"

# goner: lost, saying why.
wait_for 10 "goner to be settled" job_is goner state exited
assert_contains "$(job_field goner error)" "lost: its container" "goner's error"
assert_contains "$(job_field goner error)" "is gone" "goner's error"

# stubborn: the stop was sent again, and this time it ends.
wait_for 20 "stubborn to end" job_is stubborn state exited
assert_eq "$(job_field stubborn exit_code)" 7 "stubborn got a second SIGTERM"
grep -q "stubborn: was being stopped when the daemon ended" "$T/daemon.log" ||
	fail "the re-issued stop was not logged"

# Stopping the adopted one works and is quick (its handler exits 0).
pid=$(job_field runner pid)
run_rc 0 "stop the adopted container" "$LAUNCH" -v stop runner
assert_eq "$OUT" "runner: exited, exit 0" "stop of an adopted container"
not_alive "$pid" || fail "the adopted container's process survived"
