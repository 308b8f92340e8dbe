# A container job through the Docker Engine API (a private podman
# service): its exit code, KIND, logs, limits and environment, the
# container's name and labels, and stops (SIGTERM honoured by a handler,
# the timeout's SIGKILL for a PID 1 that ignores SIGTERM, another signal).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers/docker-lib.sh"
start_podman
start_daemon
# libcurl is loaded at the first container request, not before
# (common/curlload.c; docker_libcurl.sh checks the first half without an
# engine).
assert_eq "$(maps_curl "$DAEMON_PID")" "" "no libcurl before a container job"

# Prints, exits 3.
run_rc 0 "submit a container" "$LAUNCH" submit -l app/one --docker "$IMAGE" \
    --memory 64 --cpus 0.5 -e GREETING=hello -- \
    sh -c 'echo "$GREETING from the container"; echo second line; exit 3'
maps_curl "$DAEMON_PID" | grep -q '/libcurl[.-]' ||
    fail "the daemon does not map libcurl after a container job"
wait_for 20 "app/one to exit" job_is app/one state exited
assert_eq "$(job_field app/one exit_code)" 3 "exit code"
assert_eq "$(job_field app/one signal)" null "no signal"
assert_eq "$(job_field app/one kind)" docker "kind"
id=$(job_field app/one container)
[ ${#id} -eq 64 ] || fail "container id: $id"
[ "$(job_field app/one started_at)" != null ] || fail "no started_at"
[ "$(job_field app/one ended_at)" != null ] || fail "no ended_at"
run_rc 0 "list" "$LAUNCH" list app/one
assert_eq "$(echo "$OUT" | awk 'NR==2 {print $1, $2, $3, $5, $6}')" \
    "app/one docker exited exit 3" "list row"
run_rc 0 "logs" "$LAUNCH" logs app/one
assert_eq "$OUT" "hello from the container
second line" "logs show the container's output"
run_rc 0 "logs -n 1" "$LAUNCH" logs -n 1 app/one
assert_eq "$OUT" "second line" "logs -n 1"

# The engine's view: name, labels, limits.
api "/containers/$id/json" >"$T/inspect.json"
assert_eq "$(jq -r .Name "$T/inspect.json")" "/launch-app_2fone" "container name"
assert_eq "$(jq -r '.Config.Labels["launch.label"]' "$T/inspect.json")" app/one "label launch.label"
assert_eq "$(jq -r '.Config.Labels["launch.job"]' "$T/inspect.json")" "$(job_field app/one id)" "label launch.job"
assert_eq "$(jq -r .HostConfig.Memory "$T/inspect.json")" 67108864 "memory limit"
assert_eq "$(jq -r .HostConfig.NanoCpus "$T/inspect.json")" 500000000 "cpu limit"

# stderr goes to stderr; --stderr shows only it.
"$LAUNCH" submit -l errout --docker "$IMAGE" -- sh -c 'echo to-out; echo to-err >&2'
wait_for 20 "errout to exit" job_is errout state exited
run_rc 0 "logs --stderr" "$LAUNCH" logs --stderr errout
assert_eq "$OUT" "" "--stderr: nothing on stdout"
assert_eq "$ERR" "to-err" "--stderr: stderr"

# -f follows the log until the container ends.
"$LAUNCH" submit -l talker --docker "$IMAGE" -- \
    sh -c 'echo one; sleep 1; echo two; sleep 1; echo three'
run_rc 0 "logs -f" "$LAUNCH" logs -f talker
assert_eq "$OUT" "one
two
three" "logs -f ends with the container"
run_rc 0 "logs -f -n 0 of an ended container" "$LAUNCH" logs -f -n 0 talker
assert_eq "$OUT" "" "-n 0: only new output, and none comes"
run_rc 1 "logs with a tcp DOCKER_HOST" env DOCKER_HOST=tcp://127.0.0.1:2375 \
    "$LAUNCH" logs talker
assert_contains "$ERR" "DOCKER_HOST=tcp://127.0.0.1:2375: only unix:// endpoints are supported" "logs refuses tcp://"

# A job without its own command runs the image's (sh, which exits at
# once on /dev/null).
run_rc 0 "submit without a command" "$LAUNCH" submit -l nocmd --docker "$IMAGE"
wait_for 20 "nocmd to exit" job_is nocmd state exited
assert_eq "$(job_field nocmd exit_code)" 0 "the image's command"

# PID 1 without a handler ignores SIGTERM: the timeout's SIGKILL ends it,
# after the timeout (-t 1), not before.
run_rc 0 "submit sleep" "$LAUNCH" submit -l sleeper --docker "$IMAGE" -- sleep 1000
assert_eq "$(job_field sleeper state)" running "running after submit"
pid=$(job_field sleeper pid)
[ "$pid" -gt 0 ] && alive "$pid" || fail "the container's pid $pid"
assert_eq "$(container_state "$(job_field sleeper container)")" running "the engine says running"
# Usage: a container has no shim; its processes are PID 1's tree.
assert_eq "$(job_field sleeper usage.shim_pss_kb)" null "usage: no shim"
[ "$(job_field sleeper usage.procs)" -ge 1 ] &&
    [ "$(job_field sleeper usage.rss_kb)" -gt 0 ] ||
    fail "usage of the container: $("$LAUNCH" status --json sleeper | jq -c '.[0].usage')"
t0=$(date +%s%N)
run_rc 0 "stop -t 1" "$LAUNCH" -v stop -t 1 sleeper
elapsed=$((($(date +%s%N) - t0) / 1000000))
assert_eq "$OUT" "sleeper: exited, SIGKILL" "stop outcome"
[ $elapsed -ge 900 ] && [ $elapsed -lt 8000 ] ||
	fail "stop -t 1 took $elapsed ms"
not_alive "$pid" || fail "the container's process survived the stop"
assert_eq "$(job_field sleeper state)" exited "state after stop"
assert_eq "$(job_field sleeper signal)" SIGKILL "signal after stop"
assert_eq "$(job_field sleeper pid)" null "no pid once exited"

# A handler for SIGTERM: the stop is quick and the exit is its own.
"$LAUNCH" submit -l polite --docker "$IMAGE" -- \
    sh -c 'trap "echo bye; exit 0" TERM; while :; do sleep 0.1; done'
t0=$(date +%s%N)
run_rc 0 "stop polite" "$LAUNCH" -v stop -t 20 polite
elapsed=$((($(date +%s%N) - t0) / 1000000))
assert_eq "$OUT" "polite: exited, exit 0" "a handled SIGTERM"
[ $elapsed -lt 5000 ] || fail "a handled SIGTERM took $elapsed ms"
run_rc 0 "logs polite" "$LAUNCH" logs polite
assert_eq "$OUT" "bye" "the handler ran"

# Another signal is sent as such (kill), SIGKILL after the timeout.
"$LAUNCH" submit -l intr --docker "$IMAGE" -- \
    sh -c 'trap "exit 4" INT; while :; do sleep 0.1; done'
run_rc 0 "stop -s INT" "$LAUNCH" -v stop -s INT -t 20 intr
assert_eq "$OUT" "intr: exited, exit 4" "SIGINT reached the handler"
"$LAUNCH" submit -l deaf --docker "$IMAGE" -- sleep 1000
run_rc 0 "stop -s INT, ignored" "$LAUNCH" -v stop -s INT -t 0.5 deaf
assert_eq "$OUT" "deaf: exited, SIGKILL" "SIGKILL after the timeout"

# Nothing is left in flight: every job ended, the daemon is idle.
run_rc 0 "list" "$LAUNCH" list --json
assert_eq "$(echo "$OUT" | jq -r '[.[] | select(.state != "exited")] | length')" 0 "all ended"
