# A live job's label is already_running; an ended job's is instance_exists;
# one in backoff is already_running too.  The daemon's messages do not
# name the job: the client prints "launch: LABEL: message".
. "$(dirname "$0")/../lib.sh"
start_daemon

"$LAUNCH" submit -l web -- sleep 1000
pid=$(job_field web pid)
run_rc 1 "second submit of a live label" "$LAUNCH" submit -l web -- sleep 5
assert_eq "$ERR" "launch: web: already running (pid $pid)" "message"
raw '{"v":7,"id":1,"op":"submit","label":"web","argv":["true"]}'
assert_eq "$(echo "$RAW" | jq -r .error.code)" already_running "code for a live job"
assert_eq "$(echo "$RAW" | jq -r .error.message)" "already running (pid $pid)" \
    "the daemon's message does not repeat the label"
assert_eq "$(echo "$RAW" | jq -r .error.field)" label "field"
assert_eq "$(job_field web pid)" "$pid" "the running job is untouched"

"$LAUNCH" stop web
run_rc 1 "submit of a stopped label" "$LAUNCH" submit -l web -- true
assert_eq "$ERR" "launch: web: exists (exited); start it, remove it, or choose another label" "message"
raw '{"v":7,"id":2,"op":"submit","label":"web","argv":["true"]}'
assert_eq "$(echo "$RAW" | jq -r .error.code)" instance_exists "code for an ended job"
assert_eq "$(job_field web signal)" SIGTERM "the ended job keeps its status"

# A failure in a row doubles the delay (100 ms first): from the fifth
# on it is 1.6 s or more, time enough for the next command on a loaded
# machine.
"$LAUNCH" submit -l flaky --restart always -- sh -c 'exit 1'
wait_for 20 "flaky in a backoff of 1.6 s or more" sh -c \
    "[ \"\$('$LAUNCH' status --json flaky | jq -r '.[0] | \"\(.state) \(.restarts >= 4)\"')\" = 'backoff true' ]"
run_rc 1 "submit of a label in backoff" "$LAUNCH" submit -l flaky -- true
assert_eq "$ERR" "launch: flaky: already in backoff (it restarts by its policy)" \
    "backoff message"

# In a job file (one submit_batch) each taken label is reported with the
# same message, in the file's order, and the new job still starts.
"$LAUNCH" submit -l live -- sleep 1000
livepid=$(job_field live pid)
printf '[%s, %s, %s]\n' '{"label": "web", "argv": ["true"]}' \
    '{"label": "fresh", "argv": ["sleep", "1000"]}' \
    '{"label": "live", "argv": ["true"]}' >"$T/taken.json"
run_rc 1 "a job file with taken labels" "$LAUNCH" submit -f "$T/taken.json"
assert_eq "$ERR" "launch: web: exists (exited); start it, remove it, or choose another label
launch: live: already running (pid $livepid)" "each taken label"
assert_eq "$(job_field fresh state)" running "the new job starts"
assert_eq "$(job_field live pid)" "$livepid" "the live job is untouched"
