# submit, list, status, stop, shutdown: the basic round trip.
. "$(dirname "$0")/../lib.sh"
start_daemon

run_rc 0 "submit" "$LAUNCH" submit -l web -- sleep 1000
assert_eq "$OUT" "" "submit is quiet on success"
pid=$(job_field web pid)
alive "$pid" || fail "the job's pid $pid is not alive"
assert_eq "$(job_field web state)" running "state after submit"
assert_eq "$(job_field web kind)" process "kind"
assert_eq "$(job_field web 'argv|join(" ")')" "sleep 1000" "argv"
assert_eq "$(job_field web cwd)" "$(pwd)" "default cwd is the client's"

run_rc 0 "verbose submit" "$LAUNCH" -v submit -l db -p sleep 1000
assert_contains "$OUT" "db: running, pid " "verbose submit prints the pid"

run_rc 0 "list" "$LAUNCH" list
assert_eq "$(echo "$OUT" | head -n 1 | tr -s ' ')" "LABEL KIND STATE PID UPTIME/EXIT" "list header"
assert_eq "$(echo "$OUT" | awk 'NR==3 {print $1, $2, $3, $4}')" "web process running $pid" "list row for web"
assert_eq "$(echo "$OUT" | awk 'NR==2 {print $1}')" "db" "rows sorted by label"
assert_eq "$("$LAUNCH" list --json | jq -r 'map(.label)|join(",")')" "db,web" "list --json"
assert_eq "$("$LAUNCH" list --json 'w*' | jq -r 'map(.label)|join(",")')" "web" "list with a glob"
run_rc 0 "list with no match" "$LAUNCH" list 'zz*'
assert_eq "$OUT" "" "list prints nothing when nothing matches"

run_rc 0 "status" "$LAUNCH" status web
assert_contains "$OUT" "state:     running" "status shows the state"
assert_contains "$OUT" "pid:       $pid" "status shows the pid"

run_rc 0 "stop" "$LAUNCH" -v stop web
assert_eq "$OUT" "web: exited, SIGTERM" "stop reports the final status"
not_alive "$pid" || fail "the job survived stop"
assert_eq "$(job_field web state)" exited "state after stop"
assert_eq "$(job_field web signal)" SIGTERM "signal after stop"
assert_eq "$(job_field web pid)" null "no pid once exited"
[ "$(job_field web ended_at)" != null ] || fail "no ended_at after stop"
run_rc 0 "stopping an exited job again" "$LAUNCH" stop web

# A job that exits by itself keeps its exit code.
"$LAUNCH" submit -l quick -- sh -c 'exit 7'
wait_for 5 "quick to exit" sh -c '[ "$("$0" status --json quick | jq -r ".[0].state")" = exited ]' "$LAUNCH"
assert_eq "$(job_field quick exit_code)" 7 "exit code of a job that exited"
assert_eq "$("$LAUNCH" list quick | awk 'NR==2 {print $5, $6}')" "exit 7" "list shows the exit code"

dbpid=$(job_field db pid)
run_rc 0 "shutdown" "$LAUNCH" shutdown
not_alive "$dbpid" || fail "shutdown left a job running"
[ ! -e "$SOCK" ] || fail "shutdown left the socket behind"
wait_exit "$DAEMON_PID" 10
assert_eq "$WAIT_STATUS" 0 "daemon exit status after shutdown"
DAEMON_PID=
run_rc 3 "a client after shutdown" "$LAUNCH" list
assert_contains "$ERR" "no daemon at $SOCK" "no-daemon message"
