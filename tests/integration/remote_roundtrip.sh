# launch -H runs a command against another machine's daemon through a
# real sshd (here on 127.0.0.1 and serving this test's own daemon, so
# what the remote side did is also checked locally): submit, list (table
# and --json), status through LAUNCH_HOST, stop, exit codes passed on.
# The remote side finds its daemon by its own environment, not the
# client's (a remote without one is exit 3, "no daemon"), -S given with
# -H names the remote socket, an unreachable host is exit 3 naming it,
# and the plain OpenSSH form `ssh HOST launch list` reaches the same
# daemon.  A job file goes through as batches.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ssh-lib.sh"
ssh_setup
start_daemon
start_sshd a
ssh_trust a
H=$HOSTSPEC

run_rc 0 "remote submit" rlaunch -H "$H" submit -l r1 -- sleep 100
assert_eq "$OUT" "" "a remote submit is quiet on success, as a local one"
assert_eq "$(job_field r1 state)" running "r1's state in the daemon behind sshd"
pid=$(job_field r1 pid)
alive "$pid" || fail "r1's pid $pid is not alive"
assert_eq "$(job_field r1 'argv|join(" ")')" "sleep 100" "r1's argv"

# One host: the same output as the local command (no HOST column).
run_rc 0 "remote list" rlaunch -H "$H" list
assert_eq "$(echo "$OUT" | head -n 1 | tr -s ' ')" "LABEL KIND STATE PID UPTIME/EXIT" \
    "one host's list header"
assert_eq "$(echo "$OUT" | awk 'NR > 1 {print $1, $2, $3, $4}')" "r1 process running $pid" \
    "one host's list rows"
run_rc 0 "remote list --json" rlaunch -H "$H" list --json
assert_eq "$(echo "$OUT" | jq -c 'map([.label, .state, .pid])')" \
    "[[\"r1\",\"running\",$pid]]" "remote list --json"

run_rc 0 "status with LAUNCH_HOST" env LAUNCH_HOST="$H" timeout 30 "$LAUNCH" status r1
assert_contains "$OUT" "state:     running" "remote status shows the state"
assert_contains "$OUT" "pid:       $pid" "remote status shows the pid"
run_rc 1 "remote status of an unknown label" rlaunch -H "$H" status nosuch
assert_contains "$ERR" "nosuch" "the unknown label is named"

# The plain OpenSSH form: nothing but the command on the remote.
run_rc 0 "ssh HOST launch list" openssh "$H" "$LAUNCH_BIN" list
assert_eq "$(echo "$OUT" | awk 'NR > 1 {print $1, $2, $3, $4}')" "r1 process running $pid" \
    "ssh HOST launch list: r1's row"

run_rc 0 "remote stop" rlaunch -H "$H" stop r1
not_alive "$pid" || fail "r1 survived a remote stop"
assert_eq "$(job_field r1 state)" exited "r1's state after a remote stop (local view)"
assert_eq "$(job_field r1 signal)" SIGTERM "r1's signal after a remote stop"
run_rc 0 "remote list --json after stop" rlaunch -H "$H" list --json
assert_eq "$(echo "$OUT" | jq -c 'map([.label, .state, .signal])')" \
    '[["r1","exited","SIGTERM"]]' "remote view after stop"

# A job file through the bridge: submit_batch requests, split when the
# specs pass a request's limit (four jobs of 300 KB: two requests); a
# refused job is reported by its label, and -v prints the others.
v=$(head -c 100000 /dev/zero | tr '\0' v)
jq -n --arg v "$v" '[{label: "r1", argv: ["true"]}] + [range(4) | {label: "rf/\(.)",
    argv: ["sleep", "100"], env: {A: $v, B: $v, C: $v}}]' >"$T/remote-jobs.json"
n0=$(grep -c ': submit_batch #' "$T/daemon.log" || true)
run_rc 1 "remote submit -f" rlaunch -H "$H" -v submit -f "$T/remote-jobs.json"
assert_eq "$(echo "$ERR" | grep '^launch: ')" \
    "launch: r1: exists (exited); start it, remove it, or choose another label" \
    "the refused job, through the bridge"
assert_eq "$(echo "$OUT" | sed 's/, pid [0-9]*$//' | tr '\n' ' ')" \
    "rf/0: running rf/1: running rf/2: running rf/3: running " "-v through the bridge"
assert_eq "$(grep -c ': submit_batch #' "$T/daemon.log")" $((n0 + 2)) \
    "two requests through the bridge"
for i in 0 1 2 3; do
	assert_eq "$(job_field rf/$i state)" running "rf/$i's state"
	assert_contains "$OUT" "rf/$i: running, pid $(job_field rf/$i pid)" "rf/$i's pid"
done
"$LAUNCH" remove 'rf/*' >/dev/null

# A machine whose environment names no live daemon.  This client's own
# LAUNCH_SOCKET ($SOCK, live) must not leak to the remote side.
start_sshd nod "LAUNCH_SOCKET=$T/nowhere/sock"
ssh_trust nod
NOD=$HOSTSPEC
run_rc 3 "a remote with no daemon" rlaunch -H "$NOD" list
assert_contains "$ERR" "launch: $NOD: " "the error names the host as written"
assert_contains "$ERR" "no daemon" "the no-daemon message"
assert_eq "$OUT" "" "no output from a remote with no daemon"
# -S with -H is the remote side's socket.
run_rc 0 "-H with -S" rlaunch -H "$NOD" -S "$SOCK" list --json
assert_eq "$(echo "$OUT" | jq -r 'map(.label)|join(",")')" r1 \
    "-S names the remote socket"

# Nothing listens there any more: connection refused.
stop_sshd nod
run_rc 3 "an unreachable host" rlaunch -H "$NOD" list
assert_contains "$ERR" "launch: $NOD: " "the unreachable host is named"
assert_eq "$OUT" "" "no output from an unreachable host"
