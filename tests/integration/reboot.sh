# After a reboot (a new boot id), jobs with restart policy "always" that
# were running are started again; the others keep their last status,
# marked lost.  A reboot is simulated: everything is killed and the
# records are given another boot id.
. "$(dirname "$0")/../lib.sh"
start_daemon
"$LAUNCH" submit -l keeper --restart always -- sleep 1000
"$LAUNCH" submit -l onfail --restart on-failure -- sleep 1000
"$LAUNCH" submit -l plain -- sleep 1000
"$LAUNCH" submit -l done -- true
wait_for 5 "done to end" sh -c "[ \"\$('$LAUNCH' status --json done | jq -r '.[0].state')\" = exited ]"
"$LAUNCH" list --json >"$T/before.json"
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
boot=$(cat /proc/sys/kernel/random/boot_id)
for id in $(jq -r '.[].id' "$T/before.json"); do
	# The record holds this boot's id (it once held "": /proc says its
	# files are 0 bytes long, and a real reboot went unnoticed).
	assert_eq "$(record_field "$id" shim.boot_id)" "$boot" "job $id's boot id"
	shim=$(record_field "$id" shim.pid)
	[ "$shim" -gt 0 ] && kill -KILL "$shim" 2>/dev/null || true
	record_edit "$id" '.shim.boot_id = "00000000-0000-0000-0000-000000000000"'
done
for p in $(jq -r '.[] | select(.pid != null) | .pid' "$T/before.json"); do
	kill -KILL "$p"
	wait_for 5 "pid $p to go" not_alive "$p"
done

start_daemon
wait_for 5 "keeper to run again" sh -c "[ \"\$('$LAUNCH' status --json keeper | jq -r '.[0].state')\" = running ]"
old=$(jq -r '.[] | select(.label == "keeper") | .pid' "$T/before.json")
[ "$(job_field keeper pid)" != "$old" ] || fail "keeper has its old pid"
assert_eq "$(job_field keeper restarts)" 1 "keeper counts the restart"
for l in onfail plain; do
	assert_eq "$(job_field $l state)" exited "$l keeps its last status"
	assert_eq "$(job_field $l error)" "lost: the system restarted" "$l is marked lost"
done
assert_eq "$(job_field done exit_code)" 0 "an ended job is untouched"
assert_eq "$(job_field done error)" null "an ended job is not marked lost"
