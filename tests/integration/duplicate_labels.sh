# A live job's label is already_running; an ended job's is instance_exists.
. "$(dirname "$0")/../lib.sh"
start_daemon

"$LAUNCH" submit -l web -- sleep 1000
pid=$(job_field web pid)
run_rc 1 "second submit of a live label" "$LAUNCH" submit -l web -- sleep 5
assert_contains "$ERR" "web is already running (pid $pid)" "message"
raw '{"v":6,"id":1,"op":"submit","label":"web","argv":["true"]}'
assert_eq "$(echo "$RAW" | jq -r .error.code)" already_running "code for a live job"
assert_eq "$(echo "$RAW" | jq -r .error.field)" label "field"
assert_eq "$(job_field web pid)" "$pid" "the running job is untouched"

"$LAUNCH" stop web
run_rc 1 "submit of a stopped label" "$LAUNCH" submit -l web -- true
assert_contains "$ERR" "web exists (exited)" "message"
raw '{"v":6,"id":2,"op":"submit","label":"web","argv":["true"]}'
assert_eq "$(echo "$RAW" | jq -r .error.code)" instance_exists "code for an ended job"
assert_eq "$(job_field web signal)" SIGTERM "the ended job keeps its status"
