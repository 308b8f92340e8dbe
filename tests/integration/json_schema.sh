# Every command's --json against a real daemon with jobs in every state,
# checked with jq against the tables of docs/json.md, read from the page
# itself: each object has every field its table lists (unless optional),
# of the listed type (or null where the table allows it), and no field
# the table leaves out.  So the page and the output cannot drift apart
# silently.  Also the shape of each document (array, object, lines).
. "$(dirname "$0")/../lib.sh"
DOC=$(cd "$(dirname "$0")/../.." && pwd)/docs/json.md
[ -f "$DOC" ] || fail "no $DOC"

# schema NAME: the table after "<!-- schema: NAME -->" as a JSON array
# of {"p": path, "t": type, "n": null allowed, "o": optional}.
schema() {
	awk -v name="$1" '
	    $0 == "<!-- schema: " name " -->" { on = 1; next }
	    on && !/^\|/ { if (rows) exit; next }
	    on && /^\|/ {
		n = split($0, c, "|")
		if (c[2] ~ /^ *field *$/ || c[2] ~ /^ *-+ *$/) next
		f = c[2]; gsub(/[ `]/, "", f)
		t = c[3]; sub(/^ */, "", t); sub(/ *$/, "", t)
		split(t, w, /[ ,]/)
		printf "%s\t%s\t%d\t%d\n", f, w[1], t ~ /or null/, t ~ /optional/
		rows++
	    }' "$DOC" |
	    jq -Rn '[inputs | split("\t") | {p: (.[0] | split(".")),
		t: .[1], n: (.[2] == "1"), o: (.[3] == "1")}]'
}

# The check, for one object (.) against $s.  A member of an absent
# optional object (usage.rss_kb without usage) is not missing.
CHECK='
def present($p): if ($p | length) == 1 then has($p[0])
    else (getpath($p[0:-1]) | type == "object" and has($p[-1])) end;
def typed($v; $t): if $t == "integer"
    then ($v | type) == "number" and $v == ($v | floor)
    else ($v | type) == $t end;
. as $o
| ([$s[] | . as $f | ($f.p | join(".")) as $name
    | if ($o | present($f.p)) then
	($o | getpath($f.p)) as $v
	| if $v == null then (if $f.n then empty else "\($name): null" end)
	  elif typed($v; $f.t) then empty
	  else "\($name): \($v | type), documented as \($f.t)" end
      elif $f.o then empty
      elif ($f.p | length) > 1 and ($o | present($f.p[0:-1]) | not)
      then empty
      else "\($name): missing" end]
  + [($o | keys[]) as $k
    | select([$s[] | select((.p | length) == 1) | .p[0]] | index($k) | not)
    | "\($k): not documented"]
  + [$s[] | select(.t == "object") | .p as $pp
    | select([$s[] | select((.p | length) > ($pp | length) and
	.p[0:($pp | length)] == $pp)] | length > 0)
    | ($o | try getpath($pp) catch null) as $sub
    | select(($sub | type) == "object")
    | ($sub | keys[]) as $k
    | select([$s[] | .p] | index([$pp + [$k]]) | not)
    | "\($pp + [$k] | join(".")): not documented"])
| .[]'

# check NAME FILE SELECTOR WHAT: every object SELECTOR picks out of FILE
# (a JSON document, or JSON lines) matches schema NAME.
check() {
	_s=$(schema "$1")
	[ "$(echo "$_s" | jq length)" -gt 1 ] || fail "no schema $1 in $DOC"
	_n=$(jq -s "[.[] | $3] | length" "$2")
	[ "$_n" -gt 0 ] || fail "$4: no object to check in $(cat "$2")"
	_bad=$(jq -r --argjson s "$_s" "$3 | $CHECK" "$2" | sort -u)
	[ -z "$_bad" ] || fail "$4 against docs/json.md ($1): $_bad
output: $(head -c 2000 "$2")"
}

# shape FILE TYPE WHAT: the document in FILE is one TYPE.
shape() {
	[ "$(jq -s 'length' "$1")" = 1 ] || fail "$3: not one document"
	[ "$(jq -r type "$1")" = "$2" ] || fail "$3: not an $2: $(cat "$1")"
}

start_daemon --max-jobs 3 --stats-interval 1
"$LAUNCH" events --events all,stats --json >"$T/events.out" 2>"$T/events.err" &
KILL_PIDS="$KILL_PIDS $!"
start_receiver recv --json --events all
"$LAUNCH" subscribe --json -a 127.0.0.1:1 -f 'x*' >"$T/subscribed.json"
wait_for 10 "a stats event on the stream" grep -q '"event":"stats"' "$T/events.out"

"$LAUNCH" submit -l bad -- sh -c 'exit 3'
"$LAUNCH" submit -l flaky --restart on-failure --max-restarts 1 -- false
wait_for 10 "flaky to give up" job_is flaky state failed
wait_for 10 "bad to end" job_is bad state exited
"$LAUNCH" submit -l web --ready-fd 3 -e MODE=demo --umask 027 \
    --rlimit nofile=512:1024 -- sh -c 'echo >&3; exec sleep 100'
wait_for 10 "web to be ready" job_is web state running
"$LAUNCH" submit -l sig --stdout "$T/sig.log" -- sleep 100
"$LAUNCH" submit -l more -- sleep 100
# Three live jobs of at most three: full, a capacity event.
wait_for 10 "a capacity event" grep -q '"event":"capacity"' "$T/events.out"
"$LAUNCH" stop sig

"$LAUNCH" list --json >"$T/list.json"
shape "$T/list.json" array "list --json"
assert_eq "$(jq -r 'map(.label) | join(" ")' "$T/list.json")" \
    "bad flaky more sig web" "list --json: every job, by label"
check job "$T/list.json" '.[]' "list --json"
jq -e 'all(.[]; has("usage") | not)' "$T/list.json" >/dev/null ||
    fail "list --json measured usage"
"$LAUNCH" list -l --json >"$T/list-l.json"
check job "$T/list-l.json" '.[]' "list -l --json"
assert_eq "$(jq -r '[.[] | select(has("usage")) | .label] | join(" ")' "$T/list-l.json")" \
    "more web" "list -l --json: usage on the live jobs only"
"$LAUNCH" list --json 'nothing*' >"$T/none.json"
assert_eq "$(cat "$T/none.json")" "[]" "list --json, no match"

for job in web bad flaky sig; do
	"$LAUNCH" status --json "$job" >"$T/status.json"
	shape "$T/status.json" array "status --json $job"
	assert_eq "$(jq length "$T/status.json")" 1 "status --json: one job"
	check job "$T/status.json" '.[]' "status --json $job"
done
run_rc 1 "status --json of no job" "$LAUNCH" status --json ghost
assert_eq "$OUT" "" "no JSON for what failed"
assert_eq "$ERR" "launch: ghost: no such job" "the error as without --json"

"$LAUNCH" stats --json >"$T/stats.json"
shape "$T/stats.json" object "stats --json"
check stats "$T/stats.json" '.' "stats --json"

"$LAUNCH" subscriptions --json >"$T/subs.json"
shape "$T/subs.json" array "subscriptions --json"
assert_eq "$(jq length "$T/subs.json")" 2 "two subscriptions"
check sub "$T/subs.json" '.[]' "subscriptions --json"
shape "$T/subscribed.json" object "subscribe --json"
check subscribed "$T/subscribed.json" '.' "subscribe --json"
check sub "$T/subscribed.json" '.subscription' "subscribe --json's subscription"

"$LAUNCH" ping --json >"$T/ping.json"
shape "$T/ping.json" object "ping --json"
check ping "$T/ping.json" '.' "ping --json"
assert_eq "$(jq -c '[.socket, .host, .jobs]' "$T/ping.json")" "[\"$SOCK\",null,5]" \
    "ping --json: the socket, no host, five jobs"
"$LAUNCH" version --json >"$T/version.json"
check version "$T/version.json" '.' "version --json"
assert_eq "$(jq -r .proto "$T/version.json")" "$(jq -r .proto "$T/ping.json")" \
    "version and ping agree on the protocol"

run_rc 1 "wait --json" "$LAUNCH" wait --json bad flaky sig
echo "$OUT" >"$T/wait.json"
shape "$T/wait.json" object "wait --json"
check wait "$T/wait.json" '.' "wait --json"
run_rc 6 "wait -t, with an unknown name" "$LAUNCH" wait -t 0.2 web ghost
echo "$OUT" >"$T/wait-timeout.json"
check wait "$T/wait-timeout.json" '.' "wait with timeout and unknown"
jq -e 'has("timeout") and has("unknown")' "$T/wait-timeout.json" >/dev/null ||
    fail "the optional members were not there to check: $OUT"

"$LAUNCH" export --json >"$T/export.json"
shape "$T/export.json" array "export --json"
"$LAUNCH" export >"$T/export2.json"
cmp -s "$T/export.json" "$T/export2.json" || fail "export --json differs from export"

# The events of all that: on the stream and at the receiver.
wait_for 10 "sig's stop on the stream" grep -q '"reason":"stopped"' "$T/events.out"
check event "$T/events.out" '.' "events --json"
for ev in start ready exit state capacity stats; do
	grep -q "\"event\":\"$ev\"" "$T/events.out" ||
	    fail "no $ev event was there to check"
done
wait_for 10 "the receiver's events" grep -q '"reason":"stopped"' "$T/recv.out"
check event "$T/recv.out" '.' "subscribe --serve --json"
true
