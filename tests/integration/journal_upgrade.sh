# A state directory of a version before the journal: one record file per
# job, jobs/ID.json.  The daemon loads them, folds them into the journal
# (jobs/journal) and removes the files; the jobs keep their ids, status
# and logs, recovery applies to them as to any record (a running job
# whose shim is gone is lost), a file whose name and id disagree is
# skipped, and a second start lists the same jobs from the journal alone.
. "$(dirname "$0")/../lib.sh"
mkdir -m 700 "$T/state" "$T/state/jobs" "$T/state/logs"
boot=$(cat /proc/sys/kernel/random/boot_id)
# A pid no process has: one that has just ended.
sh -c 'exit 0' &
gone=$!
wait "$gone"

# old_record ID LABEL JQ: a record as the versions before the journal
# wrote it (the fields of a journal line), edited by JQ.
old_record() {
	_rec=$(jq -nc --argjson id "$1" --arg lbl "$2" --arg t "$T" --arg boot "$boot" '{
	    v: 1, id: $id, label: $lbl, kind: "process",
	    argv: ["sleep", "1000"], env: {}, cwd: "/", path: "/usr/bin:/bin",
	    stdout: null, stderr: null, restart: "no", max_restarts: -1,
	    ready_fd: null, umask: null, rlimits: {},
	    state: "exited", pid: null,
	    started_at: "2026-01-02T03:04:05.000Z", ready_at: null,
	    ended_at: "2026-01-02T03:04:06.000Z",
	    exit_code: 0, signal: null, restarts: 0, error: null,
	    logs: {stdout: "\($t)/state/logs/\($id)/stdout.log",
	        stderr: "\($t)/state/logs/\($id)/stderr.log"},
	    container: null,
	    shim: {pid: 0, sock: "", boot_id: $boot},
	    user_stopped: false, backoff: 0}') && _rec=$(echo "$_rec" | jq -c "$3") &&
	    [ -n "$_rec" ] || fail "old_record $1: jq failed"
	echo "$_rec"
}
old_record 1 old/done . >"$T/state/jobs/1.json"
old_record 2 old/killed '.exit_code = null | .signal = "SIGKILL" | .user_stopped = true' \
    >"$T/state/jobs/2.json"
old_record 5 old/lost ".state = \"running\" | .pid = $gone | .ended_at = null |
    .exit_code = null | .shim = {pid: $gone, sock: \"launch-shim-00000000000000000000dead\",
    boot_id: \"$boot\"}" >"$T/state/jobs/5.json"
old_record 8 old/misnamed . >"$T/state/jobs/7.json"
mkdir -m 700 "$T/state/logs/1"
echo "from before" >"$T/state/logs/1/stdout.log"

start_daemon
assert_eq "$("$LAUNCH" list --json | jq -c 'sort_by(.id) | map([.id, .label])')" \
    '[[1,"old/done"],[2,"old/killed"],[5,"old/lost"]]' "the jobs of the old records"
assert_eq "$("$LAUNCH" status --json old/done | jq -c '.[0] | [.state, .exit_code, .started_at, .ended_at]')" \
    '["exited",0,"2026-01-02T03:04:05.000Z","2026-01-02T03:04:06.000Z"]' "old/done's status"
assert_eq "$(job_field old/killed signal)" SIGKILL "old/killed's end"
assert_eq "$(job_field old/lost state)" exited "old/lost, its shim gone"
assert_contains "$(job_field old/lost error)" lost "old/lost's error"
assert_eq "$("$LAUNCH" logs old/done)" "from before" "old/done's log"
grep -q "jobs/7.json holds job id 8; skipped" "$T/daemon.log" ||
	fail "the misnamed record is not reported"
assert_eq "$(grep -c 'info: records of jobs/ID.json folded into the journal' "$T/daemon.log")" 1 \
    "the fold is logged"
assert_eq "$(find "$T/state/jobs" -name '*.json*')" "" "the old record files are removed"
assert_eq "$(records | jq -c '[.id, .label, .state]' | tr '\n' ' ')" \
    '[1,"old/done","exited"] [2,"old/killed","exited"] [5,"old/lost","exited"] ' \
    "the records in the journal"
assert_eq "$(record_field 2 user_stopped)" true "old/killed's user_stopped in the journal"
# Ids go on after the highest loaded.
run_rc 0 "submit" "$LAUNCH" submit -l new -- sleep 1000
assert_eq "$(job_field new id)" 6 "a new job's id"

# A second start: the same jobs, from the journal alone.
"$LAUNCH" list --json >"$T/before.json"
run_rc 0 "shutdown" "$LAUNCH" shutdown
wait_exit "$DAEMON_PID" 20
DAEMON_PID=
assert_eq "$WAIT_STATUS" 0 "the daemon's exit status"
start_daemon
assert_eq "$("$LAUNCH" list --json | jq -c 'sort_by(.id) | map([.id, .label])')" \
    '[[1,"old/done"],[2,"old/killed"],[5,"old/lost"],[6,"new"]]' "the jobs after a second start"
for l in old/done old/killed old/lost; do
	assert_eq "$("$LAUNCH" status --json "$l" | jq -c '.[0]')" \
	    "$(jq -c --arg l "$l" '.[] | select(.label == $l)' "$T/before.json")" \
	    "$l after a second start"
done
assert_eq "$(grep -c 'folded into the journal' "$T/daemon.log")" 1 "the fold is not done again"
assert_eq "$(find "$T/state/jobs" -name '*.json*')" "" "no record file after a second start"
