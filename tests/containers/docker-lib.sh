# For the docker_* integration tests; source after lib.sh.
#
# start_podman: a private podman service for this test
# (podman-service.sh, under $T/podman), DOCKER_HOST exported for the
# daemon started after it; skips (77) with podman's reason when podman
# cannot run here.  Cleanup (a CLEANUP_HOOKS hook) shuts the daemon down
# first, while the engine still answers, so that its containers are
# stopped the ordinary way, then stops the service by its pid.
PODMAN_DIR=$T/podman
PODMAN_SERVICE=$(cd "$(dirname "$0")/../containers" && pwd)/podman-service.sh
IMAGE=localhost/launch-test-busybox:latest
PODMAN_SOCK=

start_podman() {
	set +e
	_out=$(bash "$PODMAN_SERVICE" start "$PODMAN_DIR" 2>"$T/podman-start.err")
	_rc=$?
	set -e
	[ $_rc -ne 77 ] || skip "$(tail -n 1 "$T/podman-start.err")"
	[ $_rc -eq 0 ] ||
		fail "podman-service.sh start: exit $_rc: $(tail -n 3 "$T/podman-start.err")"
	DOCKER_HOST=${_out#DOCKER_HOST=}
	export DOCKER_HOST
	PODMAN_SOCK=${DOCKER_HOST#unix://}
}

podman_cleanup() {
	if [ -n "$DAEMON_PID" ] && alive "$DAEMON_PID"; then
		"$LAUNCH" -q shutdown -t 2 >/dev/null 2>&1
		_i=0
		while ! not_alive "$DAEMON_PID" && [ $_i -lt 200 ]; do
			sleep 0.05; _i=$((_i + 1))
		done
	fi
	# A container the engine is still stopping (a stop sent by a daemon
	# that was killed) holds its lock, and `podman rm -af` in the stop
	# below gives up on it: kill such processes ourselves, by the pids
	# the engine reports.
	if [ -n "$PODMAN_SOCK" ] && [ -S "$PODMAN_SOCK" ]; then
		for _p in $(api /containers/json 2>/dev/null |
		    jq -r '.[].Id' 2>/dev/null); do
			_p=$(api "/containers/$_p/json" 2>/dev/null | jq -r .State.Pid)
			[ "${_p:-0}" -gt 0 ] 2>/dev/null && kill -KILL "$_p" 2>/dev/null
		done
	fi
	[ ! -d "$PODMAN_DIR" ] ||
		bash "$PODMAN_SERVICE" stop "$PODMAN_DIR" >/dev/null 2>&1
}
CLEANUP_HOOKS="$CLEANUP_HOOKS podman_cleanup"

# api [CURL ARGS...] PATH: the engine's API, as the daemon sees it.
api() {
	_path=$1
	shift
	curl -sS --unix-socket "$PODMAN_SOCK" "$@" "http://d/v1.41$_path"
}

# api_status PATH: the HTTP status of a GET.
api_status() {
	curl -s -o /dev/null -w '%{http_code}' --unix-socket "$PODMAN_SOCK" \
	    "http://d/v1.41$1"
}

# container_state ID: running, exited, ... (the engine's State.Status).
container_state() { api "/containers/$1/json" | jq -r .State.Status; }
