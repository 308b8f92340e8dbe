# The daemon SIGKILLed in the middle of submits (single ones and a job
# file's batch), at varying points (0 to 99 hundredths of a span after
# the clients start, stepped so a run is reproducible; the span is 100
# ms, or twice a submit's time measured here if longer: on a loaded
# machine a client alone takes 150 ms, and a kill within 100 ms never let
# a submit be answered), then restarted, over and over.  After every
# restart: each job a client saw
# succeed is listed, running and adopted with its pid; every job listed
# is whole (running, its process alive, status answers); no job is half
# there (a "failed" record left by a launch that never got going); no
# temporary file is left in the state directory; and every process a job
# started (found by a marker in its environment) belongs to a listed
# running job: nothing runs unsupervised.  At the end a stop stops them
# all.  KILL_MID_SUBMIT_ROUNDS and KILL_MID_SUBMIT_SECONDS make a longer
# run.
. "$(dirname "$0")/../lib.sh"
ROUNDS=${KILL_MID_SUBMIT_ROUNDS:-50}
# The run is bounded: past this many seconds no new round starts (a
# loaded machine runs fewer rounds, at least 10).
SECONDS_MAX=${KILL_MID_SUBMIT_SECONDS:-60}
MARK="launch-kill-mid-submit-$$-$(basename "$T")"

# The pids of the processes that carry our marker in their environment.
marked() {
	grep -lzx "FAULTMARK=$MARK" /proc/[0-9]*/environ 2>/dev/null |
	    cut -d/ -f3 | sort -n || true
}

# Check what the daemon now shows (after a restart).
check_round() {
	"$LAUNCH" list --json >"$T/list.json"
	# No half job: everything listed is running with a live process.
	bad=$(jq -r '.[] | select(.state != "running" or .pid <= 0) |
	    "\(.label) \(.state) \(.error)"' "$T/list.json")
	[ -z "$bad" ] || fail "round $1: jobs not whole: $bad"
	missing=$(jq -r --rawfile s "$T/succeeded" \
	    '($s | split("\n") | map(select(. != ""))) - map(.label) | .[]' \
	    "$T/list.json")
	[ -z "$missing" ] || fail "round $1: submitted but not listed: $missing"
	jq -r '.[].pid' "$T/list.json" | sort -n >"$T/listed.pids"
	for p in $(cat "$T/listed.pids"); do
		alive "$p" || fail "round $1: listed pid $p is not running"
	done
	marked >"$T/marked.pids"
	cmp -s "$T/marked.pids" "$T/listed.pids" ||
	    fail "round $1: processes of jobs not listed (marked: $(tr '\n' ' ' <"$T/marked.pids"); listed: $(tr '\n' ' ' <"$T/listed.pids"))"
	left=$(find "$T/state" -name '*.new')
	[ -z "$left" ] || fail "round $1: temporary files left: $left"
	# Every job's record: one per listed job, no orphans.
	assert_eq "$(records | jq -r .label | sort | tr '\n' ' ')" \
	    "$(jq -r '.[].label' "$T/list.json" | sort | tr '\n' ' ')" \
	    "round $1: records in the journal"
}

# First, deterministically, the states a kill can leave behind: a record
# written before the shim's fork, whose shim never ran (made from a real
# one: its shim and job killed, its status file gone, the record set
# back to its first launch by a line appended to the journal).  Fresh,
# it is forgotten; not fresh (a later start of a known job), it is kept
# as failed.  And writes cut short: a journal.new left by a compaction
# the kill interrupted, a jobs/ID.json.new of the versions before the
# journal, a subscription file's temp file.
start_daemon
# (They print, so that they have a log directory: made at the first
# output.)
submit_ms=0
for l in pre/fresh pre/old; do
	t0=$(($(date +%s%N) / 1000000))
	"$LAUNCH" submit -l "$l" -- sh -c 'echo up; exec sleep 1000'
	t1=$(($(date +%s%N) / 1000000))
	[ $((t1 - t0)) -le "$submit_ms" ] || submit_ms=$((t1 - t0))
	wait_for 10 "$l's log" sh -c "[ \"\$('$LAUNCH' logs $l)\" = up ]"
done
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
for l in pre/fresh pre/old; do
	id=$(record_id "$l")
	shim=$(record_field "$id" shim.pid)
	pid=$(record_field "$id" pid)
	kill -KILL "$shim" "$pid"
	wait_for 10 "$l's shim and job to end" sh -c "! kill -0 $shim 2>/dev/null && ! kill -0 $pid 2>/dev/null"
	rm -f "$T/state/jobs/$id.status"
	[ -d "$T/state/logs/$id" ] || fail "$l has no log directory"
	fresh=false
	[ "$l" = pre/old ] || fresh=true
	record_edit "$id" ".state = \"starting\" | .pid = 0 | .shim.pid = 0 |
	    if $fresh then .fresh = true else del(.fresh) end"
	assert_eq "$(record_field "$id" state) $(record_field "$id" fresh)" \
	    "starting $([ "$fresh" = true ] && echo true || echo null)" "$l's edited record"
	eval "id_$(echo "$l" | tr / _)=$id"
done
echo partial >"$T/state/jobs/journal.new"
echo partial >"$T/state/jobs/$id_pre_fresh.json.new"
mkdir -p "$T/state/subs"
echo partial >"$T/state/subs/last-id.new"
start_daemon
assert_eq "$("$LAUNCH" list pre/fresh)" "" "a fresh job whose shim never ran"
assert_eq "$(record_of "$id_pre_fresh")" "" "the fresh job's record"
# (The start's rewrite of the journal holds no line of it.)
assert_eq "$(jq -c --argjson id "$id_pre_fresh" 'select(.id == $id)' "$T/state/jobs/journal")" "" \
    "the fresh job's lines in the rewritten journal"
[ ! -e "$T/state/logs/$id_pre_fresh" ] || fail "the fresh job's logs are kept"
assert_eq "$(job_field pre/old state) $(job_field pre/old error)" \
    "failed the shim ended before starting the job" "a known job whose shim never ran"
[ -z "$(find "$T/state" -name '*.new')" ] || fail "writes cut short are left: $(find "$T/state" -name '*.new')"
grep -q "jobs/$id_pre_fresh.json.new: removed (a write cut short)" "$T/daemon.log" ||
    fail "the removal is not logged"
# (remove reports the failure it removed: exit 1)
run_rc 1 "remove pre/old" "$LAUNCH" remove pre/old
assert_eq "$("$LAUNCH" list pre/old)" "" "pre/old removed"
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=

: >"$T/succeeded"
SPAN_MS=$((2 * submit_ms))
[ "$SPAN_MS" -ge 100 ] || SPAN_MS=100
round=0
t_end=$(($(date +%s) + SECONDS_MAX))
start_daemon
while [ $round -lt "$ROUNDS" ] &&
    { [ $round -lt 10 ] || [ "$(date +%s)" -lt $t_end ]; }; do
	# Two submits and a job file (a batch) at once, so the kill can
	# land between their steps.
	pids=
	for k in a b; do
		l="r$round/$k"
		( if "$LAUNCH" submit -e "FAULTMARK=$MARK" -l "$l" -- \
		    sleep 100000 >/dev/null 2>&1; then echo "$l" >>"$T/succeeded"; fi ) &
		pids="$pids $!"
	done
	jq -n --arg r "r$round" --arg m "$MARK" '[range(3) | {label: "\($r)/f\(.)",
	    argv: ["sleep", "100000"], env: {FAULTMARK: $m}}]' >"$T/batch.json"
	# -v names each job the daemon said it started.
	( "$LAUNCH" -v submit -f "$T/batch.json" 2>/dev/null |
	    sed -n 's/: running, pid [0-9]*$//p' >>"$T/succeeded" ) &
	pids="$pids $!"
	delay=$((round * 7 % 100 * SPAN_MS / 100))
	sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
	kill -KILL "$DAEMON_PID"
	wait_exit "$DAEMON_PID" 10
	DAEMON_PID=
	for p in $pids; do wait "$p" || true; done
	start_daemon
	check_round $round
	round=$((round + 1))
done

check_round end
n=$(jq length "$T/list.json")
ns=$(wc -l <"$T/succeeded")
echo "$round rounds (kills over ${SPAN_MS} ms): $ns submits answered ok, $n jobs in all"
[ "$ns" -gt 0 ] || fail "no submit ever succeeded: the kills came too early"
# A kill landed mid-submit when a job is missing (killed before its
# record was written) or a job is there whose client got no answer
# (killed between the record and the reply): with the spawner and the
# journal a submit is so quick that the second is the usual case.
[ "$n" -lt $((round * 5)) ] || [ "$ns" -lt "$n" ] ||
    fail "no kill ever landed mid-submit"
# Each adopted job answers status and stops.
for l in $(jq -r '.[].label' "$T/list.json"); do
	run_rc 0 "status $l" "$LAUNCH" status --json "$l"
	assert_eq "$(echo "$OUT" | jq -r '.[0].state')" running "status $l"
done
run_rc 0 "stop all" timeout 60 "$LAUNCH" stop 'r*'
wait_for 10 "every job's process to end" sh -c "[ -z \"\$(cat /proc/[0-9]*/environ 2>/dev/null | tr '\0' '\n' | grep -x 'FAULTMARK=$MARK')\" ]"
