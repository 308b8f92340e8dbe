# Every size a client chooses is bounded with invalid_data naming the
# field and the limit: argv (entries, bytes of one), env (variables,
# bytes of NAME=VALUE), cwd and stdout (PATH_MAX), match lists, a
# subscription's globs, a job file (jobs, bytes).  Just under each bound
# is accepted (and a job at the argv and env bounds really execs); just
# over is refused, and the daemon goes on serving.
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || skip "python3 is missing"
start_daemon

# req NAME PYTHON-EXPR: write the request line (a dict) to $T/NAME.
req() {
	python3 -c "import json, sys
r = $2
r.setdefault('v', 7); r.setdefault('id', 1)
sys.stdout.write(json.dumps(r, separators=(',', ':')) + '\n')" >"$T/$1"
}
send() { RAW=$(socat -t 30 - "UNIX-CONNECT:$SOCK" <"$T/$1"); }
# refused NAME FIELD MESSAGE: the request in $T/NAME gets invalid_data
# naming FIELD, with MESSAGE in its text.
refused() {
	send "$1"
	assert_eq "$(echo "$RAW" | jq -r .error.code)" invalid_data "$1: code"
	assert_eq "$(echo "$RAW" | jq -r .error.field)" "$2" "$1: field"
	assert_contains "$(echo "$RAW" | jq -r .error.message)" "$3" "$1: message"
}
# ran NAME: the request in $T/NAME was accepted and its job exited 0.
ran() {
	send "$1"
	label=$(echo "$RAW" | jq -r .result.job.label)
	[ "$label" != null ] || fail "$1 refused: $RAW"
	wait_for 20 "$1 to exit" job_is "$label" state exited
	assert_eq "$(job_field "$label" exit_code)" 0 "$1: exit code"
}
sub() { echo "{'op':'submit','label':'$1','argv':['true']"; }

req argv_ok "$(sub argv-ok), 'argv':['true'] + ['x'] * 4095}"
req argv_over "$(sub argv-over), 'argv':['true'] + ['x'] * 4096}"
req arg_ok "$(sub arg-ok), 'argv':['true', 'a' * 131071]}"
req arg_over "$(sub arg-over), 'argv':['true', 'a' * 131072]}"
ran argv_ok
refused argv_over argv "argv: 4097 entries, at most 4096"
ran arg_ok
refused arg_over "argv[1]" "argv[1]: 131072 bytes, at most 131071"

req env_ok "$(sub env-ok), 'env':{'V%d' % i: '' for i in range(4096)}}"
req env_over "$(sub env-over), 'env':{'V%d' % i: '' for i in range(4097)}}"
req envlen_ok "$(sub envlen-ok), 'env':{'K': 'v' * 131069}}"
req envlen_over "$(sub envlen-over), 'env':{'K': 'v' * 131070}}"
ran env_ok
refused env_over env "env: 4097 variables, at most 4096"
ran envlen_ok
refused envlen_over env.K "env.K: 131072 bytes as NAME=VALUE, at most 131071"

# A path one byte under PATH_MAX passes the decoder (the launch then
# fails at chdir: no such directory); one more is refused.
req cwd_ok "$(sub cwd-ok), 'cwd':'/' + 'd' * 4094}"
req cwd_over "$(sub cwd-over), 'cwd':'/' + 'd' * 4095}"
req stdout_over "$(sub stdout-over), 'stdout':'/' + 'o' * 4095}"
send cwd_ok
assert_eq "$(echo "$RAW" | jq -r .error.code)" launch_failure "cwd at 4095 bytes: decoded"
assert_contains "$(echo "$RAW" | jq -r .error.message)" "chdir /ddd" "cwd at 4095 bytes: tried"
refused cwd_over cwd "cwd: 4096 bytes, at most 4095"
refused stdout_over stdout "stdout: 4096 bytes, at most 4095"

req match_ok "{'op':'list','match':['m%d*' % i for i in range(4096)]}"
req match_over "{'op':'list','match':['m%d*' % i for i in range(4097)]}"
send match_ok
assert_eq "$(echo "$RAW" | jq -c .result.jobs)" "[]" "4096 globs: a list"
refused match_over match "match: 4097 entries, at most 4096"

max=$(sed -n 's/^#define PROTO_SUB_MATCH_MAX[^0-9]*\([0-9]*\).*/\1/p' "$(dirname "$0")/../../proto/event.h")
[ -n "$max" ] || fail "PROTO_SUB_MATCH_MAX not found"
req sub_ok "{'op':'subscribe','addr':'127.0.0.1:9','token':'0' * 32,'match':['s%d*' % i for i in range($max)]}"
req sub_over "{'op':'subscribe','addr':'127.0.0.1:9','token':'0' * 32,'match':['s%d*' % i for i in range($max + 1)]}"
send sub_ok
[ "$(echo "$RAW" | jq -r .result.subscription.id)" != null ] || fail "$max globs refused: $RAW"
refused sub_over match "match: at most $max globs"

# Job files: the count is checked before anything else (10000 jobs pass
# it and are refused for the one bad job at the end; 10001 are refused
# for their number), and the bytes before parsing.
python3 -c "import json
jobs = [{'label': 'f%d' % i, 'argv': ['true']} for i in range(9999)]
jobs.append({'label': 'f/../x', 'argv': ['true']})
print(json.dumps(jobs))" >"$T/jobs_ok.json"
run_rc 2 "10000 jobs with a bad one" "$LAUNCH" submit -f "$T/jobs_ok.json"
assert_contains "$ERR" "job 9999 (f/../x): label: label has a '..' segment" "10000 jobs: decoded whole"
python3 -c "import json
print(json.dumps([{'label': 'f%d' % i, 'argv': ['true']} for i in range(10001)]))" >"$T/jobs_over.json"
run_rc 2 "10001 jobs" "$LAUNCH" submit -f "$T/jobs_over.json"
assert_contains "$ERR" "10001 jobs, at most 10000 in one file" "10001 jobs"
head -c $((64 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$T/big.json"
run_rc 2 "a 64 MiB + 1 job file" "$LAUNCH" submit -f - <"$T/big.json"
assert_contains "$ERR" "stdin: larger than 64 MiB" "job file bytes"
rm -f "$T/big.json"

# Nothing refused left a trace; the accepted jobs are all there is.
assert_eq "$("$LAUNCH" list --json | jq -r '[.[].label] | sort | join(" ")')" \
    "arg-ok argv-ok env-ok envlen-ok" "jobs"
"$LAUNCH" -q ping || fail "the daemon stopped answering"
