# `launch remove` deletes the job's container in the engine (asynchronously:
# polled through the API), for an ended job and a running one; a job that
# failed to start on its first submit leaves no container either.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers/docker-lib.sh"
start_podman
start_daemon

"$LAUNCH" submit -l done --docker "$IMAGE" -- true
wait_for 20 "done to exit" job_is done state exited
id=$(job_field done container)
assert_eq "$(api_status "/containers/$id/json")" 200 "the container is there"
run_rc 0 "remove an ended job" "$LAUNCH" remove done
run_rc 1 "status after remove" "$LAUNCH" status done
wait_for 10 "the container to be deleted" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --unix-socket '$PODMAN_SOCK' http://d/v1.41/containers/$id/json)\" = 404 ]"

"$LAUNCH" submit -l live --docker "$IMAGE" -- sleep 1000
id=$(job_field live container)
pid=$(job_field live pid)
run_rc 0 "remove a running job" "$LAUNCH" -v remove -t 1 live
assert_eq "$OUT" "live: exited, SIGKILL" "stopped, then removed"
not_alive "$pid" || fail "the container's process survived remove"
wait_for 10 "the running container to be deleted" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --unix-socket '$PODMAN_SOCK' http://d/v1.41/containers/$id/json)\" = 404 ]"
grep -q "container ${id%"${id#????????????}"} removed" "$T/daemon.log" ||
	fail "the removal was not logged"

# A command that cannot run: launch_failure, and neither the job nor its
# container is kept.
run_rc 1 "a command missing from the image" "$LAUNCH" submit -l nocmd \
    --docker "$IMAGE" -- /no/such/command
assert_contains "$ERR" "starting container" "the engine's reason"
assert_contains "$ERR" "/no/such/command" "names the command"
run_rc 1 "status of a failed first start" "$LAUNCH" status nocmd
wait_for 10 "no container left for nocmd" sh -c "[ \"\$(curl -s --unix-socket '$PODMAN_SOCK' 'http://d/v1.41/containers/json?all=1' | jq '[.[] | select(.Names[] == \"/launch-nocmd\")] | length')\" = 0 ]"

# The label is free again: a good submit with it works.
run_rc 0 "submit again" "$LAUNCH" submit -l nocmd --docker "$IMAGE" -- true
