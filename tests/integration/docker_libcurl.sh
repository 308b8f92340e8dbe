# launch does not link libcurl: it loads it when a container job first
# needs it (common/curlload.c).  A daemon with process jobs only maps no
# libcurl, nor the TLS libraries it brings (after a docker job it does:
# docker_roundtrip.sh).  A libcurl that cannot be loaded
# ($LAUNCH_LIBCURL naming a missing file, or a library that is not
# libcurl) fails a docker submit with launch_failure on docker, loses an
# adopted docker job and leaves a removed one's container, each saying
# which library and why, and the daemon goes on; `launch logs` of a
# container says the same and exits 1.  No container engine is needed.
. "$(dirname "$0")/../lib.sh"
IMAGE=localhost/launch-test-busybox:latest
NOLIB=$T/no-such-dir/libcurl.so.4

start_daemon
run_rc 0 "a process job" "$LAUNCH" submit -l plain -- sleep 100
assert_eq "$(job_field plain state)" running "the process job runs"
assert_eq "$(maps_curl "$DAEMON_PID")" "" "the daemon maps no libcurl"
"$LAUNCH" shutdown >/dev/null
wait_exit "$DAEMON_PID" 10

# A library that is not there.
LAUNCH_LIBCURL=$NOLIB
export LAUNCH_LIBCURL
start_daemon
run_rc 1 "no libcurl" "$LAUNCH" submit -l box --docker "$IMAGE" -- true
assert_eq "$ERR" "launch: box: cannot load libcurl (LAUNCH_LIBCURL=$NOLIB): $NOLIB: cannot open shared object file: No such file or directory" "names the library and why"
raw '{"v":7,"id":1,"op":"submit","label":"box","kind":"docker","docker":{"image":"x"},"argv":[]}'
assert_eq "$(echo "$RAW" | jq -r '.error.code + " " + .error.field')" \
    "launch_failure docker" "the protocol's code and field"
run_rc 0 "list" "$LAUNCH" list --json
assert_eq "$(echo "$OUT" | jq -r 'map(.label) | join(",")')" plain "no box left"
run_rc 0 "the daemon serves on" "$LAUNCH" submit -l after -- true
id=$(job_field after id)
"$LAUNCH" shutdown >/dev/null
wait_exit "$DAEMON_PID" 10

# A library that is not libcurl: loaded, lacks the entry points, closed.
LAUNCH_LIBCURL=libm.so.6
start_daemon
run_rc 1 "not libcurl" "$LAUNCH" submit -l box --docker "$IMAGE" -- true
assert_contains "$ERR" "launch: box: cannot load libcurl (LAUNCH_LIBCURL=libm.so.6): " "names the library"
assert_contains "$ERR" "undefined symbol: curl_" "says what it lacks"
assert_eq "$(maps_curl "$DAEMON_PID")" "" "still no libcurl"
"$LAUNCH" shutdown >/dev/null
wait_exit "$DAEMON_PID" 10

# A docker job in the state directory (a running container, as a daemon
# killed mid-run leaves it), made from a process job's record.
short=0123456789ab
container=${short}cdef0123456789abcdef0123456789abcdef0123456789abcdef
record_edit "$id" "$(printf '.kind = "docker" | .docker = {image: "%s"} |
    .container = "%s" | .state = "running" | .pid = 4242 |
    .ended_at = null | .exit_code = null | .logs = null |
    del(.cwd, .path, .stdout, .stderr, .ready_fd, .umask, .rlimits)' \
    "$IMAGE" "$container")"
LAUNCH_LIBCURL=$NOLIB
start_daemon
assert_eq "$(job_field after kind)" docker "the forged record loads"
assert_eq "$(job_field after state)" exited "the adoption failed"
assert_contains "$(job_field after error)" "cannot load libcurl (LAUNCH_LIBCURL=$NOLIB)" "the job says why"

# `launch logs` loads libcurl in the client, with the client's variable.
run_rc 1 "logs" "$LAUNCH" logs after
assert_eq "$ERR" "launch: after: cannot load libcurl (LAUNCH_LIBCURL=$NOLIB): $NOLIB: cannot open shared object file: No such file or directory" "logs names the library and why"
run_rc 1 "logs, not libcurl" env LAUNCH_LIBCURL=libm.so.6 "$LAUNCH" logs after
assert_contains "$ERR" "undefined symbol: curl_" "logs says what the library lacks"

# Removing it leaves the container, saying why.
run_rc 0 "remove" "$LAUNCH" remove after
grep -q "after: its container $short is left: cannot load libcurl" "$T/daemon.log" ||
    fail "the log does not say the container is left"
assert_eq "$(maps_curl "$DAEMON_PID")" "" "still no libcurl"
