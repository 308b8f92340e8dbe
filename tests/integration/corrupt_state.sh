# A truncated or garbled record is reported and skipped; the rest loads
# and the daemon serves.
. "$(dirname "$0")/../lib.sh"
start_daemon
for l in good trunc garbled badstatus; do
	"$LAUNCH" submit -l "$l" -- sleep 1000
done
ids=$("$LAUNCH" list --json | jq -r 'map("\(.label)=\(.id)") | join(" ")')
id_of() { echo "$ids" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
run_rc 0 "stop all" "$LAUNCH" stop '*'
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=

f=$T/state/jobs/$(id_of trunc).json
head -c $(($(wc -c <"$f") / 2)) "$f" >"$f.cut" && mv "$f.cut" "$f"
head -c 300 /dev/urandom >"$T/state/jobs/$(id_of garbled).json"
echo '{"v":1,"shim_pid":' >"$T/state/jobs/$(id_of badstatus).status"

start_daemon
assert_eq "$("$LAUNCH" list --json | jq -r 'map(.label) | sort | join(",")')" "badstatus,good" "the intact records load"
grep -q "jobs/$(id_of trunc).json is garbled" "$T/daemon.log" || fail "truncated record not reported"
grep -q "jobs/$(id_of garbled).json is garbled" "$T/daemon.log" || fail "garbled record not reported"
assert_eq "$(job_field good state)" exited "good keeps its status"
assert_eq "$(job_field good signal)" SIGTERM "good keeps its signal"
run_rc 0 "the daemon serves" "$LAUNCH" submit -l fresh -- sleep 1000
assert_eq "$(job_field fresh state)" running "a new job runs"
# A new job never reuses the id of a skipped record's file.
[ "$(job_field fresh id)" -gt "$(id_of badstatus)" ] || fail "id reuse"
