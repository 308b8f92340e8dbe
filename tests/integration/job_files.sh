# Job files: `submit -f` starts every job of a valid file with its fields;
# a file with an error anywhere starts nothing and names the job and the
# field (exit 2); `export` prints a job file that submits the same jobs
# again (a round trip gives an identical file).
. "$(dirname "$0")/../lib.sh"
start_daemon

labels() { "$LAUNCH" list --json | jq -r 'map(.label) | join(" ")'; }
view() { "$LAUNCH" status --json "$1" | jq -c ".[0] | $2"; }

mkdir "$T/srv" "$T/cli"
cat >"$T/jobs.json" <<EOF
[
  {"label": "github.com/relab/goxos/kvs/kvsd",
   "argv": ["sleep", "1001"],
   "env": {"ROLE": "server", "PORT": "8080"},
   "cwd": "$T/srv",
   "restart": "always", "max_restarts": 3},
  {"label": "github.com/relab/goxos/kvs/kvsc",
   "argv": ["sh", "-c", "exec sleep 1002"],
   "env": {"ROLE": "client"},
   "cwd": "$T/cli",
   "restart": "on-failure",
   "umask": 23,
   "rlimits": {"nofile": [64, 128]}},
  {"label": "github.com/relab/goxos/kvs/admin",
   "argv": ["sleep", "1003"]}
]
EOF
run_rc 0 "submit -f" "$LAUNCH" submit -f "$T/jobs.json"
assert_eq "$OUT" "" "submit -f is quiet on success"
assert_eq "$(labels)" "github.com/relab/goxos/kvs/admin github.com/relab/goxos/kvs/kvsc github.com/relab/goxos/kvs/kvsd" "the file's jobs"
for l in kvsd kvsc admin; do
	assert_eq "$(job_field "github.com/relab/goxos/kvs/$l" state)" running "$l's state"
	pid=$(job_field "github.com/relab/goxos/kvs/$l" pid)
	alive "$pid" || fail "$l's pid $pid is not alive"
done
d=github.com/relab/goxos/kvs/kvsd
c=github.com/relab/goxos/kvs/kvsc
a=github.com/relab/goxos/kvs/admin
assert_eq "$(view $d '[.argv, .env, .cwd, .restart, .max_restarts]')" \
    "[[\"sleep\",\"1001\"],{\"ROLE\":\"server\",\"PORT\":\"8080\"},\"$T/srv\",\"always\",3]" "kvsd's fields"
assert_eq "$(view $c '[.argv, .env, .cwd, .restart, .umask, .rlimits]')" \
    "[[\"sh\",\"-c\",\"exec sleep 1002\"],{\"ROLE\":\"client\"},\"$T/cli\",\"on-failure\",23,{\"nofile\":[64,128]}]" "kvsc's fields"
# A job without cwd runs in the submitter's directory.
assert_eq "$(view $a '[.argv, .env, .cwd, .restart]')" \
    "[[\"sleep\",\"1003\"],{},\"$(pwd)\",\"no\"]" "admin's fields and defaults"
# ...and the processes really have them.
kpid=$(job_field $d pid)
assert_eq "$(readlink "/proc/$kpid/cwd")" "$T/srv" "kvsd's working directory"
tr '\0' '\n' <"/proc/$kpid/environ" | grep -qx ROLE=server || fail "kvsd's process lacks ROLE=server"
tr '\0' '\n' <"/proc/$kpid/environ" | grep -qx LAUNCH_LABEL=$d || fail "kvsd's process lacks its LAUNCH_LABEL"
cpid=$(job_field $c pid)
assert_eq "$(awk '/^Max open files/ {print $4, $5}' "/proc/$cpid/limits")" "64 128" "kvsc's nofile limit"
assert_eq "$(awk '/^Umask/ {print $2}' "/proc/$cpid/status")" 0027 "kvsc's umask (23 = 027)"

# Bad files start nothing: the list stays as it is.
before=$(labels)
bad() {
	# bad DESC FILE-TEXT WANT...: exit 2, the message contains each WANT.
	_desc=$1 _text=$2
	shift 2
	printf '%s\n' "$_text" >"$T/bad.json"
	run_rc 2 "$_desc" "$LAUNCH" submit -f "$T/bad.json"
	for _w in "$@"; do
		assert_contains "$ERR" "$_w" "$_desc: the message"
	done
	assert_contains "$ERR" "$T/bad.json: " "$_desc: the message names the file"
	assert_eq "$(labels)" "$before" "$_desc: nothing was started"
}
ok1='{"label": "new/one", "argv": ["sleep", "1000"]}'
ok2='{"label": "new/two", "argv": ["sleep", "1000"], "env": {"A": "1"}}'
bad "not JSON" '[{"label": "new/one", "argv": ["sleep"' "not valid JSON"
bad "not an array" "$ok1" "must be a JSON array"
bad "a job that is not an object" "[$ok1, $ok2, \"new/three\"]" "must be an object"
bad "a missing argv" "[$ok1, $ok2, {\"label\": \"new/three\"}]" "(new/three)" "argv: missing"
bad "an empty argv" "[$ok1, $ok2, {\"label\": \"new/three\", \"argv\": []}]" "(new/three)" "argv"
bad "argv of the wrong type" "[$ok1, $ok2, {\"label\": \"new/three\", \"argv\": \"sleep 1\"}]" "(new/three)" "argv"
bad "a bad label" "[$ok1, $ok2, {\"label\": \"new three\", \"argv\": [\"true\"]}]" "(new three)" "label: label has ' '"
bad "a missing label" "[$ok1, $ok2, {\"argv\": [\"true\"]}]" "label: missing"
bad "a duplicate label" "[$ok1, $ok2, {\"label\": \"new/one\", \"argv\": [\"true\"]}]" "(new/one)" "new/one is used twice"
bad "an unknown field" "[$ok1, $ok2, {\"label\": \"new/three\", \"argv\": [\"true\"], \"colour\": \"red\"}]" "(new/three)" "colour: unknown field"
bad "a bad restart policy" "[$ok1, $ok2, {\"label\": \"new/three\", \"argv\": [\"true\"], \"restart\": \"sometimes\"}]" "(new/three)" "restart: must be"
bad "a relative cwd" "[$ok1, $ok2, {\"label\": \"new/three\", \"argv\": [\"true\"], \"cwd\": \"srv\"}]" "(new/three)" "cwd: must be an absolute path"
bad "an unknown rlimit" "[$ok1, $ok2, {\"label\": \"new/three\", \"argv\": [\"true\"], \"rlimits\": {\"bogus\": [1, 1]}}]" "(new/three)" "rlimits.bogus"
bad "a state field" "[$ok1, $ok2, {\"label\": \"new/three\", \"argv\": [\"true\"], \"pid\": 1}]" "(new/three)" "pid: unknown field"
run_rc 2 "a missing file" "$LAUNCH" submit -f "$T/none.json"
assert_contains "$ERR" "$T/none.json: No such file or directory" "a missing file"
run_rc 2 "-f with a spec option" "$LAUNCH" submit -f "$T/jobs.json" -e A=1
assert_eq "$(labels)" "$before" "nothing was started by usage errors"

# A job the daemon refuses (its label is running) is reported, exit 1,
# and the others are still submitted.  The file may come on stdin.
apid=$(job_field $a pid)
printf '[%s, {"label": "%s", "argv": ["true"]}, %s]\n' "$ok1" "$a" "$ok2" >"$T/partly.json"
run_rc 1 "submit -f with a running label" "$LAUNCH" submit -f - <"$T/partly.json"
assert_contains "$ERR" "launch: $a: already running" "the refused job is reported"
assert_eq "$(job_field new/one state) $(job_field new/two state)" "running running" "the other jobs were submitted"
assert_eq "$(job_field $a pid)" "$apid" "the running job was left alone"
alive "$apid" || fail "the running job died"

# Round trip: export, remove everything, submit the export, export again.
run_rc 0 "export" "$LAUNCH" export
printf '%s\n' "$OUT" >"$T/export1.json"
assert_eq "$(jq -r 'map(.label) | join(" ")' "$T/export1.json")" "$(labels)" "export has every job, in label order"
assert_eq "$(jq 'map(has("pid") or has("state") or has("started_at") or has("restarts")) | any' "$T/export1.json")" false "export has no state"
assert_eq "$(jq -c '.[] | select(.label == "github.com/relab/goxos/kvs/kvsc") | [.env, .cwd, .restart, .umask, .rlimits]' "$T/export1.json")" \
    "[{\"ROLE\":\"client\"},\"$T/cli\",\"on-failure\",23,{\"nofile\":[64,128]}]" "export keeps the spec"
run_rc 0 "export with a glob" "$LAUNCH" export 'new/*'
assert_eq "$(echo "$OUT" | jq -r 'map(.label) | join(" ")')" "new/one new/two" "export with a glob"
oldpids=$("$LAUNCH" list --json | jq -r 'map(.pid) | join(" ")')
run_rc 0 "remove everything" "$LAUNCH" remove '*'
assert_eq "$(labels)" "" "nothing left after remove"
for p in $oldpids; do not_alive "$p" || fail "pid $p survived remove"; done

run_rc 0 "submit -f the export" "$LAUNCH" submit -f "$T/export1.json"
assert_eq "$("$LAUNCH" list --json | jq -r 'map(.state) | unique | join(" ")')" running "every job runs again"
for p in $("$LAUNCH" list --json | jq -r 'map(.pid) | join(" ")'); do
	alive "$p" || fail "pid $p is not alive"
	case " $oldpids " in *" $p "*) fail "pid $p is an old one" ;; esac
done
"$LAUNCH" export >"$T/export2.json"
cmp "$T/export1.json" "$T/export2.json" >&2 || fail "the export after the round trip differs: $(diff "$T/export1.json" "$T/export2.json")"
kpid=$(job_field $d pid)
assert_eq "$(readlink "/proc/$kpid/cwd")" "$T/srv" "kvsd's working directory after the round trip"
tr '\0' '\n' <"/proc/$kpid/environ" | grep -qx PORT=8080 || fail "kvsd's process lacks PORT=8080 after the round trip"
