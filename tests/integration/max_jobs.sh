# launch serve --max-jobs N: a submit, or a start of an ended job, that
# would put more than N jobs running or restarting fails with "full"
# (exit 1, nothing created), and harms nothing else; ended jobs do not
# count, a restart of a live job is not refused, a job backing off
# counts; stats says max_jobs and FULL/READY; a job file that would go
# over it starts the jobs that fit.  Bad values are usage
# errors.
. "$(dirname "$0")/../lib.sh"

run_rc 2 "--max-jobs -1" "$LAUNCH" serve -S "$SOCK" --max-jobs -1
assert_contains "$ERR" "--max-jobs -1" "names the option"
run_rc 2 "--max-jobs abc" "$LAUNCH" serve -S "$SOCK" --max-jobs abc

start_daemon --max-jobs 2
"$LAUNCH" submit -l a -- sleep 100
"$LAUNCH" submit -l b -- sleep 100
run_rc 1 "a third job" "$LAUNCH" submit -l c -- sleep 100
assert_contains "$ERR" "full: 2 of at most 2 jobs" "the full message"
[ "$("$LAUNCH" list --json | jq 'map(select(.label == "c")) | length')" = 0 ] ||
    fail "the refused job was created"
raw '{"v":7,"id":7,"op":"submit","label":"c","argv":["true"]}'
assert_eq "$(echo "$RAW" | jq -r .error.code)" full "the protocol's code"
assert_eq "$("$LAUNCH" stats --json | jq -c '[.max_jobs, .jobs_running, .status]')" \
    '[2,2,"full"]' "stats when full"
# A live job restarts; the others are untouched.
run_rc 0 "restart a live job when full" "$LAUNCH" restart b
wait_for 10 "b to run again" job_is b state running
job_is a state running || fail "a was disturbed"

# An ended job does not count, and starting it again counts.
"$LAUNCH" stop a >/dev/null
assert_eq "$("$LAUNCH" stats --json | jq -r .status)" ready "ready after a stop"
"$LAUNCH" submit -l c -- sleep 100
run_rc 1 "start an ended job when full" "$LAUNCH" start a
assert_contains "$ERR" "full" "start when full"
job_is a state exited || fail "a was started"

# A job backing off holds its place.
"$LAUNCH" stop c >/dev/null
"$LAUNCH" submit -l flap --restart always -- sh -c 'exit 1'
wait_for 10 "flap to back off" job_is flap state backoff
run_rc 1 "a submit while a job backs off" "$LAUNCH" submit -l d -- sleep 100
assert_eq "$("$LAUNCH" stats --json | jq -r .status)" full "backoff counts"

# A job file (one submit_batch) that would go over the limit: the jobs
# that fit start, in the file's order, and each of the others is
# reported "full".
"$LAUNCH" stop flap >/dev/null
assert_eq "$("$LAUNCH" stats --json | jq -c '[.jobs_running, .status]')" '[1,"ready"]' \
    "one place free"
printf '[%s, %s, %s]\n' '{"label": "f/1", "argv": ["sleep", "100"]}' \
    '{"label": "f/2", "argv": ["sleep", "100"]}' \
    '{"label": "f/3", "argv": ["sleep", "100"]}' >"$T/three.json"
run_rc 1 "a batch over the limit" "$LAUNCH" submit -f "$T/three.json"
assert_eq "$ERR" "launch: f/2: full: 2 of at most 2 jobs are running or restarting (launch serve --max-jobs)
launch: f/3: full: 2 of at most 2 jobs are running or restarting (launch serve --max-jobs)" \
    "each job that did not fit"
assert_eq "$(job_field f/1 state)" running "the job that fit runs"
assert_eq "$("$LAUNCH" list --json | jq -r 'map(select(.label == "f/2" or .label == "f/3")) | length')" 0 \
    "the others were not created"
