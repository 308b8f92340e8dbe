# A job that cannot start is a launch_failure with the errno text, and
# leaves no job behind.
. "$(dirname "$0")/../lib.sh"
start_daemon

run_rc 1 "missing command" "$LAUNCH" submit -l nope -- /nonexistent/cmd
assert_eq "$ERR" "launch: nope: /nonexistent/cmd: No such file or directory" "exec failure message"
run_rc 1 "missing command in PATH" "$LAUNCH" submit -l nope -- no-such-command-here
assert_contains "$ERR" "no-such-command-here: No such file or directory" "PATH miss"

printf 'echo hi\n' >"$T/noexec"
chmod 644 "$T/noexec"
run_rc 1 "non-executable file" "$LAUNCH" submit -l nope -- "$T/noexec"
assert_contains "$ERR" "Permission denied" "EACCES text"

run_rc 1 "missing directory" "$LAUNCH" submit -l nope -d /nonexistent/dir -- true
assert_eq "$ERR" "launch: nope: chdir /nonexistent/dir: No such file or directory" "chdir failure"
run_rc 1 "unwritable stdout" "$LAUNCH" submit -l nope --stdout /nonexistent/out.log -- true
assert_contains "$ERR" "open stdout /nonexistent/out.log: No such file or directory" "stdout failure"

# The raw reply carries the code.
raw '{"v":7,"id":9,"op":"submit","label":"nope","argv":["/nonexistent"]}'
assert_eq "$(echo "$RAW" | jq -r .error.code)" launch_failure "error code"
assert_eq "$(echo "$RAW" | jq -r .id)" 9 "reply id"

run_rc 0 "list" "$LAUNCH" list
assert_eq "$OUT" "" "no job is left behind by failed submits"
run_rc 0 "the label is free again" "$LAUNCH" submit -l nope -- sleep 100
assert_eq "$(job_field nope state)" running "state"
