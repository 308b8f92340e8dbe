# Help, version, usage errors and their exit codes.
. "$(dirname "$0")/../lib.sh"

run_rc 0 "--help" "$LAUNCH" --help
for cmd in serve submit list status stop shutdown ping help version; do
	assert_contains "$OUT" "  $cmd " "--help lists $cmd"
done
assert_contains "$OUT" "3 no daemon reachable" "--help documents exit codes"
run_rc 0 "--version" "$LAUNCH" --version
assert_contains "$OUT" "launch 0." "version"
run_rc 0 "version" "$LAUNCH" version
run_rc 0 "help submit" "$LAUNCH" help submit
assert_contains "$OUT" "usage: launch submit -l LABEL" "help submit usage"
assert_contains "$OUT" "Example:" "help has an example"
run_rc 0 "submit --help" "$LAUNCH" submit --help
assert_contains "$OUT" "usage: launch submit -l LABEL" "submit --help"
run_rc 0 "stop -h" "$LAUNCH" stop -h
assert_contains "$OUT" "usage: launch stop" "stop -h"
run_rc 2 "no command" "$LAUNCH"
run_rc 2 "unknown command" "$LAUNCH" frobnicate
assert_contains "$ERR" 'unknown command "frobnicate"' "message"
run_rc 2 "help for an unknown command" "$LAUNCH" help frobnicate
run_rc 2 "bad global option" "$LAUNCH" -Z list
run_rc 2 "bad list option" "$LAUNCH" list -Z
run_rc 2 "status without a label" "$LAUNCH" status
run_rc 2 "stop without a label" "$LAUNCH" stop
run_rc 2 "serve with an argument" "$LAUNCH" serve extra
# --json where it is the only option: anything else is a usage error.
run_rc 2 "version with an argument" "$LAUNCH" version extra
assert_contains "$ERR" 'launch version: unexpected argument "extra"' "version's message"
run_rc 2 "ping with a bad option" "$LAUNCH" ping --bogus
assert_contains "$ERR" "usage: launch ping [--json]" "ping's usage"
run_rc 2 "stats with a bad option" "$LAUNCH" stats -j
run_rc 0 "version --json" "$LAUNCH" version --json
assert_eq "$(echo "$OUT" | jq -c 'keys')" '["proto","version"]' "version --json"
# No daemon: a distinct exit code, for every client command.
for cmd in "list" "ping" "status x" "stop x" "shutdown" "submit -l x -- true"; do
	run_rc 3 "$cmd without a daemon" "$LAUNCH" $cmd
	assert_contains "$ERR" "no daemon at $SOCK (start one with: launch serve)" "$cmd message"
done
