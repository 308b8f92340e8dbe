# launch -H HOST wait: the remote daemon keeps the time, so -t works
# through ssh as it does locally (exit 6, the timeout line, the jobs
# left); the summary and exit codes are the local ones; with several
# hosts (-H a,b) one summary whose labels name their host, names
# matching nothing reported per host, and an unreachable host decides
# the exit code (3) while the others' results are still printed; a
# remote client that goes away mid-wait (^C) makes the remote daemon
# drop the wait: the bridge sees its session end and closes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ssh-lib.sh"
. "$(dirname "$0")/../wait-lib.sh"
ssh_setup
start_daemon
start_sshd a
ssh_trust a
A=$HOSTSPEC

gated r1 0
gated r2 2
run_rc 6 "a remote timeout" rlaunch -H "$A" wait -t 0.5 'r*'
assert_eq "$(echo "$OUT" | jq -c '[.timeout.labels, .timeout.message]')" \
    '[["r1","r2"],"Timeout reached at 0.5 s with 2 jobs left"]' "the jobs left"
assert_contains "$ERR" "launch: Timeout reached at 0.5 s with 2 jobs left: r1, r2" "stderr"
assert_eq "$(job_field r1 state)" running "r1 runs on"

wait_bg remote -H "$A" -- 'r*'
release r1
release r2
wait_exit "$WAIT_PID" 20
assert_eq "$WAIT_STATUS" 1 "r2 failed"
assert_eq "$(summary "$T/remote.out" '[.succeeded.labels, .failed.jobs]')" \
    '[["r1"],[{"label":"r2","state":"exited","exit_code":2,"signal":null,"error":null}]]' \
    "the remote summary"

# Two hosts (two sshds in front of the same daemon): one summary.
start_sshd b
ssh_trust b
B=$HOSTSPEC
run_rc 1 "two hosts" rlaunch -H "$A,$B" wait 'r*' ghost
assert_eq "$(echo "$OUT" | jq -c '.succeeded')" \
    "{\"count\":2,\"labels\":[{\"host\":\"$A\",\"label\":\"r1\"},{\"host\":\"$B\",\"label\":\"r1\"}]}" \
    "succeeded, by host"
assert_eq "$(echo "$OUT" | jq -c '[.failed.jobs[] | [.host, .label, .exit_code]]')" \
    "[[\"$A\",\"r2\",2],[\"$B\",\"r2\",2]]" "failed, by host"
assert_eq "$(echo "$OUT" | jq -c '.unknown.labels')" \
    "[{\"host\":\"$A\",\"label\":\"ghost\"},{\"host\":\"$B\",\"label\":\"ghost\"}]" "unknown, by host"
assert_contains "$ERR" "launch: $A: ghost: no such job" "host a's error, named"
assert_contains "$ERR" "launch: $B: ghost: no such job" "host b's error, named"

gated r3 0
run_rc 6 "two hosts, a timeout" rlaunch -H "$A,$B" wait -t 0.3 r3 r1
assert_eq "$(echo "$OUT" | jq -c '[.timeout.count, .succeeded.count]')" '[2,2]' "counts"
assert_contains "$ERR" "with 2 jobs left: r3 ($A), r3 ($B)" "the timeout line names the hosts"

# An unreachable host: exit 3, the other's summary still printed.
run_rc 3 "a host unreachable" rlaunch -H "$A,127.0.0.1:1" wait r1
assert_eq "$(echo "$OUT" | jq -c .succeeded.labels)" "[{\"host\":\"$A\",\"label\":\"r1\"}]" \
    "the reachable host's summary"
assert_contains "$ERR" "launch: 127.0.0.1:1: " "the unreachable host is named"

# The client goes away: the bridge exits and the daemon drops the wait.
n=$(grep -c 'cancelled: the client went away' "$T/daemon.log" || true)
wait_bg gone -H "$A" -- r3
# The daemon's last client is that wait's bridge.
bridge=$(grep 'connected, pid' "$T/daemon.log" | tail -n 1 | sed 's/.*pid //')
alive "$bridge" || fail "no bridge at pid $bridge"
kill -TERM "$WAIT_PID"
wait_exit "$WAIT_PID" 10
wait_for 20 "the remote daemon to drop the wait" sh -c \
    "[ \$(grep -c 'cancelled: the client went away' '$T/daemon.log') -gt $n ]"
wait_for 20 "the bridge to exit" not_alive "$bridge"
assert_eq "$(job_field r3 state)" running "r3 runs on"
release r3
run_rc 0 "ping" "$LAUNCH" ping
