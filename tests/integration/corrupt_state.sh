# A garbled line in the middle of the journal (jobs/journal) is reported
# with its line number and skipped; a last line cut short (a write the
# daemon did not finish) is reported and ignored, its job keeping its
# last whole record; a garbled status file is reported and ignored, its
# running job adopted; the rest loads, the journal is rewritten whole,
# and the daemon serves.
. "$(dirname "$0")/../lib.sh"
start_daemon
for l in good garbled trunc badstatus; do
	"$LAUNCH" submit -l "$l" -- sleep 1000
done
ids=$("$LAUNCH" list --json | jq -r 'map("\(.label)=\(.id)") | join(" ")')
id_of() { echo "$ids" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
bpid=$(job_field badstatus pid)
run_rc 0 "stop all but badstatus" "$LAUNCH" stop good garbled trunc
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
# A start rewrites the journal as one line per job (a snapshot): then
# garbled has a line of its own to garble.
start_daemon
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=

j=$T/state/jobs/journal
assert_eq "$(grep -c '"label":"garbled"' "$j")" 1 "garbled's lines after a start"
lines=$(wc -l <"$j")
at=$(grep -n '"label":"garbled"' "$j" | cut -d: -f1)
[ "$at" -lt "$lines" ] || fail "garbled's line is the last of $lines: not in the middle"
# Its one line becomes random bytes.
{
	head -n $((at - 1)) "$j"
	head -c 300 /dev/urandom | tr -d '\n'
	echo
	tail -n +$((at + 1)) "$j"
} >"$T/journal.x"
cat "$T/journal.x" >"$j"
# A last line cut short: trunc's record changed (another label, running)
# but only half written, no newline.
torn=$(record_of "$(id_of trunc)" | jq -c '.label = "torn" | .state = "running"')
printf '%s' "$torn" | head -c $((${#torn} / 2)) >>"$j"
echo '{"v":1,"shim_pid":' >"$T/state/jobs/$(id_of badstatus).status"

start_daemon
assert_eq "$("$LAUNCH" list --json | jq -r 'map(.label) | sort | join(",")')" \
    "badstatus,good,trunc" "the intact records load"
grep -q "jobs/journal:$at is garbled (" "$T/daemon.log" ||
	fail "the garbled line $at is not reported"
grep -q "jobs/journal:$((lines + 1)): a line cut short (a write the daemon did not finish); ignored" "$T/daemon.log" ||
	fail "the torn last line $((lines + 1)) is not reported"
grep -q "badstatus: $T/state/jobs/$(id_of badstatus).status is garbled (.*); ignored" "$T/daemon.log" ||
	fail "the garbled status file is not reported"
assert_eq "$(job_field good state)" exited "good keeps its status"
assert_eq "$(job_field good signal)" SIGTERM "good keeps its signal"
assert_eq "$(job_field trunc state) $(job_field trunc signal)" "exited SIGTERM" \
    "trunc keeps its last whole record"
assert_eq "$(job_field badstatus state) $(job_field badstatus pid)" "running $bpid" \
    "badstatus adopted despite its garbled status file"
# The journal is whole again: a snapshot of the jobs loaded.
wait_for 5 "the journal to be rewritten" sh -c "[ \"\$(tail -c 1 '$j' | wc -l)\" = 1 ]"
jq -e . "$j" >/dev/null || fail "the rewritten journal still holds garbage"
assert_eq "$(records | jq -r .label | sort | tr '\n' ' ')" "badstatus good trunc " \
    "the records in the rewritten journal"
run_rc 0 "the daemon serves" "$LAUNCH" submit -l fresh -- sleep 1000
assert_eq "$(job_field fresh state)" running "a new job runs"
# A new job never reuses the id of a loaded job.
[ "$(job_field fresh id)" -gt "$(id_of badstatus)" ] || fail "id reuse"
run_rc 0 "badstatus stops" "$LAUNCH" stop badstatus
not_alive "$bpid" || fail "badstatus (pid $bpid) survived its stop"
