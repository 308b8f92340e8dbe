# -H a,b,c and --hosts FILE fan one command out to several machines
# (network namespaces, each with its own sshd and daemon; 127.0.0.N when
# namespaces cannot be made), in parallel: list merges the rows of every
# reachable host into one table whose first column, HOST, is the spec as
# written (--json: each job carries .host); an unreachable host is named
# on stderr while the others are still served, and the exit code is the
# largest per host (3 for the unreachable one); submit and stop act on
# each host, each stdout line prefixed by "SPEC: ".
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ssh-lib.sh"
ssh_setup
for n in 1 2 3; do netns_host "$n"; done
H1=$HOST_1_SPEC H2=$HOST_2_SPEC H3=$HOST_3_SPEC

run_rc 0 "submit on h1" rlaunch -H "$H1" submit -l a1 -- sleep 100
run_rc 0 "submit on h2" rlaunch -H "$H2" submit -l a2 -- sleep 100
assert_eq "$(hlabels 1)/$(hlabels 2)/$(hlabels 3)" "a1/a2/" "each job on its own host"
p1=$(hjob_field 1 a1 pid)
p2=$(hjob_field 2 a2 pid)
stop_sshd h3

# check_list DESC CMD...: CMD lists h1's and h2's jobs and reports h3.
check_list() {
	_desc=$1
	shift
	run_rc 3 "$_desc" "$@"
	assert_eq "$(echo "$OUT" | head -n 1 | tr -s ' ')" \
	    "HOST LABEL KIND STATE PID UPTIME/EXIT" "$_desc: the header"
	assert_eq "$(echo "$OUT" | awk 'NR > 1 {print $1, $2, $3, $4, $5}' | sort)" \
	    "$(printf '%s\n' "$H1 a1 process running $p1" "$H2 a2 process running $p2" | sort)" \
	    "$_desc: the rows of h1 and h2, HOST first"
	assert_contains "$ERR" "launch: $H3: " "$_desc: h3 is reported"
	case $ERR in
	*"$H1"* | *"$H2"*) fail "$_desc: h1 or h2 on stderr: $ERR" ;;
	esac
}
check_list "-H h1,h2,h3 list" rlaunch -H "$H1,$H2,$H3" list
cat >"$T/hosts" <<HOSTS
# the fan-out test's machines

$H1
$H2

# h3's sshd is stopped
$H3
HOSTS
check_list "--hosts FILE list" rlaunch --hosts "$T/hosts" list
check_list "LAUNCH_HOST=h1,h2,h3 list" env LAUNCH_HOST="$H1,$H2,$H3" \
    timeout 30 "$LAUNCH" list

run_rc 3 "-H h1,h2,h3 list --json" rlaunch -H "$H1,$H2,$H3" list --json
assert_eq "$(echo "$OUT" | jq -c 'map([.host, .label, .state, .pid]) | sort')" \
    "$(jq -cn --arg h1 "$H1" --arg h2 "$H2" --argjson p1 "$p1" --argjson p2 "$p2" \
    '[[$h1, "a1", "running", $p1], [$h2, "a2", "running", $p2]] | sort')" \
    "list --json: one array, each job with its host"
assert_contains "$ERR" "launch: $H3: " "list --json: h3 is reported"

# submit and stop on two hosts.
run_rc 0 "-H h1,h2 submit" rlaunch -H "$H1,$H2" submit -l same -- sleep 100
hjob_is 1 same state running || fail "same is not running on h1"
hjob_is 2 same state running || fail "same is not running on h2"
assert_eq "$(hlabels 3)" "" "nothing on h3"
run_rc 0 "-v -H h1,h2 stop" rlaunch -v -H "$H1,$H2" stop same
assert_eq "$(echo "$OUT" | sort)" \
    "$(printf '%s\n' "$H1: same: exited, SIGTERM" "$H2: same: exited, SIGTERM" | sort)" \
    "stop's lines, each prefixed by its host"
assert_eq "$(hjob_field 1 same state)/$(hjob_field 2 same state)" exited/exited \
    "same after stop, on h1 and h2"
assert_eq "$(hjob_field 1 a1 state)/$(hjob_field 2 a2 state)" running/running \
    "the other jobs are untouched"

# The exit code is the largest per host: a2 is unknown on h1 (1).
run_rc 1 "-H h1,h2 status a2" rlaunch -H "$H1,$H2" status a2
assert_contains "$ERR" "launch: $H1: " "h1's error is prefixed by its host"
echo "$OUT" | grep -q "^$H2: state: *running\$" || fail "h2's status: $OUT"
echo "$OUT" | grep -v "^$H2: " && fail "a status line without h2's prefix"
run_rc 3 "-H h1,h2,h3 status a2" rlaunch -H "$H1,$H2,$H3" status a2
assert_contains "$ERR" "launch: $H3: " "h3 is reported"
echo "$OUT" | grep -q "^$H2: state: *running\$" || fail "h2's status with h3 down: $OUT"
