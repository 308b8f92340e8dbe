# Submit errors of container jobs: an image the engine does not have
# (image_failure on docker.image), a container name taken by a container
# that is not the job's (launch_failure naming it).  Neither leaves a
# job behind.  (A bad engine address: docker_endpoint.sh.)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../containers/docker-lib.sh"
start_podman
start_daemon

run_rc 1 "a missing image" "$LAUNCH" submit -l img --docker localhost/no-such-image:1 -- true
assert_contains "$ERR" "docker.image: " "names the field"
assert_contains "$ERR" "no-such-image" "names the image"
assert_contains "$ERR" "not pulled" "says images are not pulled"
run_rc 0 "list" "$LAUNCH" list --json
assert_eq "$OUT" "[]" "nothing left in the list"
raw '{"v":7,"id":1,"op":"submit","label":"img2","kind":"docker","docker":{"image":"localhost/no-such-image:1"},"argv":[]}'
assert_eq "$(echo "$RAW" | jq -r '.error.code + " " + .error.field')" "image_failure docker.image" "the protocol's code and field"

# A container of that name exists and is not the job's.
api "/containers/create?name=launch-taken" -X POST \
    -H 'Content-Type: application/json' -d "{\"Image\": \"$IMAGE\"}" >/dev/null
run_rc 1 "a taken name" "$LAUNCH" submit -l taken --docker "$IMAGE" -- true
assert_contains "$ERR" "a container named launch-taken already exists" "names the container"
run_rc 1 "status" "$LAUNCH" status taken
assert_eq "$(api_status /containers/launch-taken/json)" 200 "the stranger is left alone"
