# submit -f sends a job file as submit_batch requests (protocol 7): the
# jobs a daemon refuses (label taken, launch failed) are reported in the
# file's order, each as "launch: LABEL: message", and the others start;
# a file too big for one request line goes as several requests and every
# job starts; a job too big for any request is refused by the client;
# --wait-ready waits for the jobs with a ready fd, and -t is the batch's
# timeout.  A malformed batch is refused whole, naming the job by its
# index, and the connection stays usable; a daemon shutting down refuses
# a batch.
. "$(dirname "$0")/../lib.sh"
# The 1001 jobs below all end: the history must keep them.
start_daemon --history 2000

# batches: how many submit_batch requests the daemon has read so far.
batches() { grep -c ': submit_batch #' "$T/daemon.log" || true; }
listed() { "$LAUNCH" list --json | jq -r "map(select(.label | startswith(\"$1\"))) | length"; }

# Refused and failed jobs among good ones.
"$LAUNCH" submit -l live -- sleep 1000
livepid=$(job_field live pid)
"$LAUNCH" submit -l ended -- true
wait_for 10 "ended to exit" job_is ended state exited
cat >"$T/mixed.json" <<EOF
[{"label": "ok/1", "argv": ["sleep", "1000"]},
 {"label": "live", "argv": ["sleep", "1000"]},
 {"label": "ok/2", "argv": ["sleep", "1000"]},
 {"label": "ended", "argv": ["sleep", "1000"]},
 {"label": "nocmd", "argv": ["launch-test-no-such-command"]},
 {"label": "ok/3", "argv": ["sleep", "1000"]}]
EOF
n0=$(batches)
run_rc 1 "a batch with refused jobs" "$LAUNCH" -v submit -f "$T/mixed.json"
assert_eq "$(batches)" $((n0 + 1)) "one request for the file"
assert_eq "$ERR" "launch: live: already running (pid $livepid)
launch: ended: exists (exited); start it, remove it, or choose another label
launch: nocmd: launch-test-no-such-command: No such file or directory" \
    "each refused job, in the file's order"
assert_eq "$(echo "$OUT" | sed 's/, pid [0-9]*$//')" "ok/1: running
ok/2: running
ok/3: running" "-v: each started job, in the file's order"
for l in ok/1 ok/2 ok/3; do
	assert_eq "$(job_field $l state)" running "$l's state"
	alive "$(job_field $l pid)" || fail "$l's process is not alive"
	assert_contains "$OUT" "$l: running, pid $(job_field $l pid)" "-v names $l's pid"
done
assert_eq "$(job_field live pid)" "$livepid" "the live job is untouched"
assert_eq "$("$LAUNCH" list nocmd)" "" "a job that failed to launch is not kept"

# The reply as the protocol has it: started jobs and label errors.
raw '{"v":7,"id":3,"op":"submit_batch","jobs":[{"label":"live","argv":["true"]},{"label":"raw/1","argv":["sleep","1000"]}]}'
assert_eq "$(echo "$RAW" | jq -c '[.id, (.result.jobs | map([.label, .state])), .result.errors]')" \
    "[3,[[\"raw/1\",\"running\"]],[{\"label\":\"live\",\"code\":\"already_running\",\"message\":\"already running (pid $livepid)\"}]]" \
    "the batch reply"

# Malformed batches are refused whole, naming the job by its index; the
# connection stays usable and nothing is created.
raw '{"v":7,"id":4,"op":"submit_batch","jobs":[{"label":"p/1","argv":["true"]},{"label":"p/2","argv":["true"],"cwd":"rel"}]}' \
    '{"v":7,"id":5,"op":"submit_batch","jobs":[{"label":"p/1","argv":["true"]},{"label":"p/1","argv":["true"]}]}' \
    '{"v":7,"id":6,"op":"submit_batch","jobs":[{"label":"p/1","argv":["true"]},7]}' \
    '{"v":7,"id":7,"op":"submit_batch","jobs":[]}' \
    '{"v":7,"id":8,"op":"submit_batch","jobs":[{"label":"p/1","argv":["true"]}],"label":"p/2"}' \
    '{"v":7,"id":9,"op":"ping"}'
assert_eq "$(echo "$RAW" | jq -c '[.id, .error.code, .error.field]' | tr '\n' ' ')" \
    '[4,"invalid_data","jobs[1].cwd"] [5,"invalid_data","jobs[1].label"] [6,"invalid_data","jobs[1]"] [7,"invalid_data","jobs"] [8,"invalid_data","label"] [9,null,null] ' \
    "each malformed batch's error names the job and field"
assert_eq "$(echo "$RAW" | sed -n 1p | jq -r .error.message)" \
    "jobs[1].cwd: must be an absolute path" "the message names the job too"
assert_eq "$(echo "$RAW" | sed -n 2p | jq -r .error.message)" \
    "jobs[1].label: p/1 is used twice in the request" "a label twice in a batch"
assert_eq "$(listed p/)" 0 "a malformed batch creates nothing"

# A file bigger than a request line: 5 jobs of about 300 KB each (three
# variables of 100000 bytes) go as three requests, and all start.
v=$(head -c 100000 /dev/zero | tr '\0' v)
jq -n --arg v "$v" '[range(5) | {label: "big/\(.)", argv: ["sleep", "1000"],
    env: {A: $v, B: $v, C: $v}}]' >"$T/big.json"
[ "$(wc -c <"$T/big.json")" -gt 1100000 ] || fail "the big file is not over 1 MiB"
n0=$(batches)
run_rc 0 "a file over 1 MiB" "$LAUNCH" submit -f "$T/big.json"
assert_eq "$(batches)" $((n0 + 3)) "three requests for it"
assert_eq "$("$LAUNCH" list --json | jq -r 'map(select(.label | startswith("big/")) | .state) | join(" ")')" \
    "running running running running running" "every big job runs"
pid=$(job_field big/4 pid)
assert_eq "$(tr '\0' '\n' <"/proc/$pid/environ" | grep -c "^[ABC]=$v\$")" 3 "big/4's environment"

# A job too big for any request (nine variables of 130000 bytes):
# refused by the client (exit 2), the others are still submitted.
w=$(head -c 130000 /dev/zero | tr '\0' w)
jq -n --arg w "$w" '[{label: "huge/ok1", argv: ["sleep", "1000"]},
    {label: "huge/no", argv: ["sleep", "1000"],
     env: {A: $w, B: $w, C: $w, D: $w, E: $w, F: $w, G: $w, H: $w, I: $w}},
    {label: "huge/ok2", argv: ["sleep", "1000"]}]' >"$T/huge.json"
run_rc 2 "a job over the line limit" "$LAUNCH" submit -f "$T/huge.json"
assert_contains "$ERR" "launch: huge/no: too big to submit: its spec is " "the huge job is refused"
assert_contains "$ERR" "a request at most 1048576" "the limit is named"
assert_eq "$(job_field huge/ok1 state) $(job_field huge/ok2 state)" "running running" \
    "the jobs around it run"
assert_eq "$("$LAUNCH" list huge/no)" "" "the huge job was not submitted"

# More jobs than one request takes (1000): two requests.
jq -n '[range(1001) | {label: "many/\(.)", argv: ["true"]}]' >"$T/many.json"
n0=$(batches)
run_rc 0 "1001 jobs" "$LAUNCH" submit -f "$T/many.json"
assert_eq "$(batches)" $((n0 + 2)) "two requests for 1001 jobs"
wait_for 60 "every one of the 1001 jobs to exit" sh -c \
    "[ \"\$(\"$LAUNCH\" list --json | jq 'map(select((.label | startswith(\"many/\")) and .state == \"exited\" and .exit_code == 0)) | length')\" = 1001 ]"
"$LAUNCH" remove 'many/*' >/dev/null

# --wait-ready over a batch: the jobs with a ready fd are waited for
# until ready, the others until exec.  The reply waits for readiness.
mkfifo "$T/go"
cat >"$T/gated.json" <<EOF
[{"label": "rw/gated", "argv": ["sh", "-c", "read x < $T/go; echo >&3; exec sleep 1000"], "ready_fd": 3},
 {"label": "rw/plain", "argv": ["sleep", "1000"]}]
EOF
"$LAUNCH" submit -f "$T/gated.json" --wait-ready >"$T/gated.out" 2>&1 &
client=$!
wait_for 10 "rw/gated to start" job_is rw/gated state starting
wait_for 10 "rw/plain to run" job_is rw/plain state running
alive "$client" || fail "the client returned before rw/gated was ready"
echo go >"$T/go"
wait_exit "$client" 10
assert_eq "$WAIT_STATUS $(cat "$T/gated.out")" "0 " "--wait-ready: exit 0, quiet"
assert_eq "$(job_field rw/gated state)" running "rw/gated is ready"
[ "$(job_field rw/gated ready_at)" != null ] || fail "rw/gated has no ready_at"

# -t is the batch's timeout: a job not ready by then is reported as a
# single submit reports it, one that ended first too, the others start.
cat >"$T/ready.json" <<EOF
[{"label": "rb/ready", "argv": ["sh", "-c", "echo >&3; exec sleep 1000"], "ready_fd": 3},
 {"label": "rb/never", "argv": ["sleep", "1000"], "ready_fd": 3},
 {"label": "rb/plain", "argv": ["sleep", "1000"]},
 {"label": "rb/quit", "argv": ["sh", "-c", "exit 2"], "ready_fd": 4}]
EOF
t=$((3 * TIME_FACTOR))
run_rc 1 "--wait-ready -t over a batch" "$LAUNCH" -v submit -f "$T/ready.json" --wait-ready -t $t
assert_eq "$ERR" "launch: rb/never: not ready after $t.0s; the job is still starting
launch: rb/quit: ended before it was ready" "the jobs that were not ready"
assert_eq "$(echo "$OUT" | sed 's/, pid [0-9]*$//')" "rb/ready: running
rb/plain: running" "the jobs that were"
assert_eq "$(job_field rb/never state)" starting "rb/never is still starting"
assert_eq "$(job_field rb/quit state) $(job_field rb/quit exit_code)" "exited 2" "rb/quit ended"

# A daemon shutting down takes no batch.  A job that ignores SIGTERM
# holds the shutdown open.
"$LAUNCH" submit -l stubborn --ready-fd 3 --wait-ready -- sh -c 'trap "" TERM; echo >&3; while :; do sleep 1; done'
stubborn=$(job_field stubborn pid)
"$LAUNCH" shutdown -t 60 >/dev/null 2>&1 &
shut=$!
wait_for 10 "the shutdown to begin" job_is stubborn state stopping
raw '{"v":7,"id":1,"op":"submit_batch","jobs":[{"label":"late","argv":["true"]}]}'
assert_eq "$(echo "$RAW" | jq -c '[.error.code, .error.message]')" \
    '["internal","the daemon is shutting down"]' "a batch during shutdown"
printf '[{"label": "late/1", "argv": ["true"]}, {"label": "late/2", "argv": ["true"]}]\n' >"$T/late.json"
run_rc 5 "submit -f during shutdown" "$LAUNCH" submit -f "$T/late.json"
assert_eq "$ERR" "launch: the daemon is shutting down
launch: late/1: not submitted
launch: late/2: not submitted" "submit -f during shutdown"
kill -KILL "$stubborn"
wait_exit "$shut" 30
wait_exit "$DAEMON_PID" 30
DAEMON_PID=
