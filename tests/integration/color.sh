# Colour: only on a terminal (a real pseudo-terminal, from util-linux's
# script(1)), never when piped unless --color=always, never with a
# non-empty NO_COLOR (not even with --color=always), never with
# TERM=dumb or no TERM; what is coloured (list's STATE, status's state,
# stats' STATUS, wait's progress lines), and tables still aligned on what
# is visible.  --color=WHEN is checked (exit 2, naming --color).
. "$(dirname "$0")/../lib.sh"
command -v script >/dev/null || skip "script (util-linux) is missing"
unset NO_COLOR
export TERM=xterm
ESC=$(printf '\033')
GREEN="${ESC}[32m" YELLOW="${ESC}[33m" RED="${ESC}[31m" RESET="${ESC}[0m"

# on_tty CMD...: run CMD with stdout and stderr on a pseudo-terminal; its
# output (both, as the terminal shows them, without the \r) in OUT.
on_tty() {
	_cmd=
	for _a in "$@"; do _cmd="$_cmd '$_a'"; done
	OUT=$(script -qec "$_cmd" /dev/null | tr -d '\r')
}
has_escape() { case $1 in *"$ESC["*) return 0 ;; esac; return 1; }
strip() { printf '%s\n' "$1" | sed "s/$ESC\[[0-9;]*m//g"; }

run_rc 2 "--color=bogus" "$LAUNCH" --color=bogus list
assert_eq "$ERR" "launch: --color=bogus: expected auto, always or never" \
    "the message names --color"
run_rc 2 "--color= (empty)" "$LAUNCH" --color= list
assert_contains "$ERR" "--color=: expected auto" "empty WHEN"

start_daemon
"$LAUNCH" submit -l web -- sleep 100
"$LAUNCH" submit -l bad -- sh -c 'exit 3'
"$LAUNCH" submit -l ok -- true
"$LAUNCH" submit -l flaky --restart always -- sh -c 'exit 1'
wait_for 10 "bad and ok to end" sh -c \
    "[ \"\$('$LAUNCH' list --json bad ok | jq -r 'map(.state)|join(\",\")')\" = exited,exited ]"
# From the fifth failure in a row the delay is 1.6 s or more (the first
# is 100 ms): time enough for the next command on a loaded machine.
wait_for 20 "flaky in a backoff of 1.6 s or more" sh -c \
    "[ \"\$('$LAUNCH' status --json flaky | jq -r '.[0] | \"\(.state) \(.restarts >= 4)\"')\" = 'backoff true' ]"

# On a terminal: each state in its colour.
on_tty "$LAUNCH" list
assert_contains "$OUT" "web    process  ${GREEN}running${RESET}" "running is green"
assert_contains "$OUT" "bad    process  ${RED}exited${RESET} " "exit 3 is red"
assert_contains "$OUT" "ok     process  ${GREEN}exited${RESET} " "exit 0 is green"
assert_contains "$OUT" "${YELLOW}backoff${RESET}" "backoff is yellow"
assert_eq "$(printf '%s\n' "$OUT" | head -n 1 | tr -s ' ')" \
    "LABEL KIND STATE PID UPTIME/EXIT" "titles are plain"

# Aligned on what is visible: the same table as piped, escapes aside
# (the ended jobs only: a live one's uptime may tick in between).
on_tty "$LAUNCH" list bad ok
coloured=$(strip "$OUT")
run_rc 0 "list, piped" "$LAUNCH" list bad ok
has_escape "$OUT" && fail "escapes in piped output: $OUT"
assert_eq "$coloured" "$OUT" "the coloured table, escapes stripped, is the piped one"
on_tty "$LAUNCH" list -l bad ok
coloured=$(strip "$OUT")
run_rc 0 "list -l, piped" "$LAUNCH" list -l bad ok
assert_eq "$coloured" "$OUT" "list -l aligned too"

# status and stats.
on_tty "$LAUNCH" status bad
assert_contains "$OUT" "state:     ${RED}exited${RESET}" "status's state"
on_tty "$LAUNCH" stats
assert_contains "$OUT" "${GREEN}READY${RESET}" "stats' READY"
coloured=$(strip "$OUT" | head -n 1)
assert_eq "$coloured" "$("$LAUNCH" stats | head -n 1)" "stats' titles"

# The rule.
on_tty env NO_COLOR=1 "$LAUNCH" list
has_escape "$OUT" && fail "NO_COLOR=1 on a terminal: $OUT"
on_tty env NO_COLOR=1 "$LAUNCH" --color=always list
has_escape "$OUT" && fail "NO_COLOR=1 wins over --color=always: $OUT"
on_tty env NO_COLOR= "$LAUNCH" list
has_escape "$OUT" || fail "an empty NO_COLOR is unset: no colour in $OUT"
on_tty "$LAUNCH" --color=never list
has_escape "$OUT" && fail "--color=never on a terminal: $OUT"
on_tty "$LAUNCH" --color auto list
has_escape "$OUT" || fail "--color auto (two words) on a terminal: $OUT"
on_tty env TERM=dumb "$LAUNCH" list
has_escape "$OUT" && fail "TERM=dumb: $OUT"
on_tty env -u TERM "$LAUNCH" list
has_escape "$OUT" && fail "no TERM: $OUT"
run_rc 0 "--color=always, piped" "$LAUNCH" --color=always list
assert_contains "$OUT" "${GREEN}running${RESET}" "--color=always colours a pipe"
run_rc 0 "--color=always stats, piped" "$LAUNCH" --color=always stats
assert_contains "$OUT" "${GREEN}READY${RESET}" "stats too"
# Errors are never coloured, even when everything else is.
run_rc 1 "an error, --color=always" "$LAUNCH" --color=always status ghost
assert_eq "$ERR" "launch: ghost: no such job" "a plain error"

# wait's progress lines (stderr, a terminal): the outcome coloured.
on_tty "$LAUNCH" wait ok bad
assert_contains "$OUT" "ok ${GREEN}succeeded${RESET}" "a success, green"
assert_contains "$OUT" "bad ${RED}failed (exit 3)${RESET}" "a failure, red"
on_tty env NO_COLOR=1 "$LAUNCH" wait ok bad
assert_contains "$OUT" "ok succeeded" "progress without colour"
has_escape "$OUT" && fail "NO_COLOR=1 wait: $OUT"
# The summary on stdout is JSON: never coloured, even when forced.
run_rc 1 "wait, --color=always" "$LAUNCH" --color=always wait ok bad
has_escape "$OUT" && fail "escapes in wait's JSON: $OUT"
run_rc 0 "list --json, --color=always" "$LAUNCH" --color=always list --json
has_escape "$OUT" && fail "escapes in list --json: $OUT"
true
