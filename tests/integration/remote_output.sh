# Output habits across several hosts (-H h1,h2): --json stays one JSON
# document (status, ping, subscriptions: one array whose objects carry
# "host"; events: every host's EVENT lines, unprefixed), export
# refuses several hosts, an error about a label is "launch: HOST: LABEL:
# message", and colour is the parent's decision (its children's stdout is
# a pipe): --color=always colours the merged table and a child's
# prefixed lines, and NO_COLOR wins there too.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ssh-lib.sh"
ssh_setup
for n in 1 2; do netns_host "$n"; done
H1=$HOST_1_SPEC H2=$HOST_2_SPEC
unset NO_COLOR
ESC=$(printf '\033')
GREEN="${ESC}[32m" RESET="${ESC}[0m"

hlaunch 1 submit -l web -- sleep 100
hlaunch 2 submit -l web -- sleep 100
hlaunch 2 submit -l db -- sleep 100
hlaunch 1 -q subscribe -a 127.0.0.1:1
p1=$(hjob_field 1 web pid)
p2=$(hjob_field 2 web pid)

# status --json: one array, each job with its host (first host first).
run_rc 0 "status --json on two hosts" rlaunch -H "$H1,$H2" status --json web
assert_eq "$(echo "$OUT" | jq -c 'map([.host, .label, .pid])')" \
    "$(jq -cn --arg h1 "$H1" --arg h2 "$H2" --argjson p1 "$p1" --argjson p2 "$p2" \
    '[[$h1, "web", $p1], [$h2, "web", $p2]]')" "status --json: one array"
# One host without the job: its error named, the other's job printed.
run_rc 1 "status --json db" rlaunch -H "$H1,$H2" status --json db
assert_eq "$(echo "$OUT" | jq -c 'map([.host, .label])')" \
    "$(jq -cn --arg h2 "$H2" '[[$h2, "db"]]')" "only h2's db"
assert_eq "$ERR" "launch: $H1: db: no such job" "HOST: LABEL: message"
run_rc 1 "stop of a name h1 lacks" rlaunch -H "$H1,$H2" stop db
assert_eq "$ERR" "launch: $H1: db: no such job" "stop: HOST: LABEL: message"

run_rc 0 "ping --json" rlaunch -H "$H1,$H2" ping --json
assert_eq "$(echo "$OUT" | jq -c 'map([.host, .socket, .jobs])')" \
    "$(jq -cn --arg h1 "$H1" --arg h2 "$H2" '[[$h1, null, 1], [$h2, null, 2]]')" \
    "ping --json: one object per host, reached through ssh"
run_rc 0 "subscriptions --json" rlaunch -H "$H1,$H2" subscriptions --json
assert_eq "$(echo "$OUT" | jq -c 'map([.host, .id, .addr])')" \
    "$(jq -cn --arg h1 "$H1" '[[$h1, 1, "127.0.0.1:1"]]')" \
    "subscriptions --json: h1's one, tagged"
run_rc 0 "subscriptions --json, none anywhere" rlaunch -H "$H2,$H2" subscriptions --json
assert_eq "$OUT" "[]" "an empty array"

run_rc 2 "export on two hosts" rlaunch -H "$H1,$H2" export
assert_contains "$ERR" "launch export: one job file is one host's jobs: give one host" \
    "export refuses several hosts"
run_rc 0 "export on one host" rlaunch -H "$H1" export --json
assert_eq "$(echo "$OUT" | jq -c 'map(.label)')" '["web"]' "export -H one host"

# events --json: JSON lines from both hosts, not prefixed.
timeout -k 5 30 "$LAUNCH" -H "$H1,$H2" events --events all --json \
    >"$T/ev.out" 2>"$T/ev.err" &
EV_PID=$!
KILL_PIDS="$KILL_PIDS $EV_PID"
wait_for 20 "both hosts to stream" sh -c \
    "grep -q ': streaming events\$' '$T/h1/daemon.log' &&
     grep -q ': streaming events\$' '$T/h2/daemon.log'"
hlaunch 1 submit -l probe1 -- true
hlaunch 2 submit -l probe2 -- true
wait_for 20 "events from both hosts" sh -c \
    "grep -q '\"label\":\"probe1\"' '$T/ev.out' && grep -q '\"label\":\"probe2\"' '$T/ev.out'"
kill "$EV_PID"
jq -e -s 'length > 0 and all(.[]; has("event"))' "$T/ev.out" >/dev/null ||
    fail "events --json on two hosts is not JSON lines: $(head -n 3 "$T/ev.out")"

# Colour: the parent's decision, for the table it merges and for the
# lines its children print.
run_rc 0 "--color=always list" rlaunch --color=always -H "$H1,$H2" list web
assert_contains "$OUT" "${GREEN}running${RESET}" "the merged table is coloured"
run_rc 0 "--color=always status" rlaunch --color=always -H "$H1,$H2" status web
assert_contains "$OUT" "$H1: state:     ${GREEN}running${RESET}" \
    "a child's lines carry the parent's colour"
run_rc 0 "NO_COLOR status" env NO_COLOR=1 timeout -k 5 30 "$LAUNCH" \
    --color=always -H "$H1,$H2" status web
case $OUT in *"$ESC["*) fail "NO_COLOR on several hosts: $OUT" ;; esac
run_rc 0 "piped status" rlaunch -H "$H1,$H2" status web
case $OUT in *"$ESC["*) fail "colour in piped output: $OUT" ;; esac
true
