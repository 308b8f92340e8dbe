# The engine's address is the daemon's DOCKER_HOST, read at submit: no
# engine at that socket is a launch_failure naming it; anything but
# unix:// is refused naming DOCKER_HOST; `launch logs` follows the same
# rule in the client.  No container engine is needed.
. "$(dirname "$0")/../lib.sh"
IMAGE=localhost/launch-test-busybox:latest

DOCKER_HOST=unix://$T/no-engine.sock
export DOCKER_HOST
start_daemon
run_rc 1 "no engine" "$LAUNCH" submit -l far --docker "$IMAGE" -- true
assert_eq "$ERR" "launch: far: cannot reach the container engine at unix://$T/no-engine.sock: No such file or directory" "names the socket"
run_rc 0 "list" "$LAUNCH" list --json
assert_eq "$OUT" "[]" "nothing left after an unreachable engine"
raw '{"v":7,"id":1,"op":"submit","label":"far","kind":"docker","docker":{"image":"x"},"argv":[]}'
assert_eq "$(echo "$RAW" | jq -r .error.code)" launch_failure "the protocol's code"

# A socket that refuses.
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$T/refusing.sock"
"$LAUNCH" shutdown >/dev/null
wait_exit "$DAEMON_PID" 10
DOCKER_HOST=unix://$T/refusing.sock
start_daemon
run_rc 1 "a refusing socket" "$LAUNCH" submit -l far --docker "$IMAGE" -- true
assert_contains "$ERR" "cannot reach the container engine at unix://$T/refusing.sock: Connection refused" "connection refused"

"$LAUNCH" shutdown >/dev/null
wait_exit "$DAEMON_PID" 10
DOCKER_HOST=tcp://127.0.0.1:2375
start_daemon
run_rc 1 "tcp DOCKER_HOST" "$LAUNCH" submit -l tcp --docker "$IMAGE" -- true
assert_contains "$ERR" "DOCKER_HOST=tcp://127.0.0.1:2375: only unix:// endpoints are supported" "a clear error"
run_rc 0 "list" "$LAUNCH" list --json
assert_eq "$OUT" "[]" "nothing left after a bad DOCKER_HOST"

# A process job does not care.
run_rc 0 "a process job" "$LAUNCH" submit -l plain -- true
