# Children start clean: own session and group, stdin /dev/null, only fds
# 0-2, no blocked or ignored signals; -e, -d, --stdout, --stderr and the
# client's PATH are honoured.
. "$(dirname "$0")/../lib.sh"
start_daemon

mkdir "$T/work" "$T/bin"
cat >"$T/bin/probe" <<'PROBE'
#!/bin/sh
echo "pwd=$(pwd)"
echo "greeting=$GREETING"
echo "stdin=$(readlink /proc/self/fd/0)"
echo "sid=$(awk '{print $6}' /proc/$$/stat) pgid=$(awk '{print $5}' /proc/$$/stat) pid=$$"
echo "to stderr" >&2
exec sleep 1000
PROBE
chmod +x "$T/bin/probe"

# The daemon's PATH does not have $T/bin; the client's does.
cd "$T"
PATH="$T/bin:$PATH" "$LAUNCH" submit -l probe -e GREETING=hello -d work \
    --stdout out.log --stderr err.log -- probe
wait_for 5 "the probe's output" grep -q '^sid=' "$T/out.log"
out=$(cat "$T/out.log")
assert_contains "$out" "pwd=$T/work" "-d sets the working directory"
assert_contains "$out" "greeting=hello" "-e sets a variable"
assert_contains "$out" "stdin=/dev/null" "stdin is /dev/null"
pid=$(job_field probe pid)
# The job has exec'd sleep by now: look at it from outside.
wait_for 5 "the probe to exec sleep" grep -q '^Name:.*sleep' "/proc/$pid/status"
assert_eq "$(ls "/proc/$pid/fd" | sort -n | tr '\n' ' ')" "0 1 2 " "only fds 0-2 are open"
assert_eq "$(awk '/^SigBlk/ {print $2}' "/proc/$pid/status")" 0000000000000000 "no blocked signals"
# glibc reserves signals 32 and 33 and will not let them be reset; the
# environment running the tests may have them ignored.
sigign=$(awk '/^SigIgn/ {print $2}' "/proc/$pid/status")
assert_eq "$(( 0x$sigign & ~0x180000000 ))" 0 "no ignored signals (SigIgn $sigign)"
assert_contains "$out" "sid=$pid pgid=$pid pid=$pid" "own session and process group"
assert_eq "$(cat "$T/err.log")" "to stderr" "--stderr"
assert_eq "$(job_field probe stdout)" "$T/out.log" "stdout path is absolute"
assert_eq "$(job_field probe cwd)" "$T/work" "cwd is absolute"
assert_eq "$(job_field probe 'env.GREETING')" hello "env in the view"

# The -p form takes the rest of the line, options included.
"$LAUNCH" submit -l pform --stdout "$T/p.log" -p sh -c 'echo "$0 $1"; exec sleep 1000' -x --y
wait_for 5 "the -p job's output" test -s "$T/p.log"
assert_eq "$(cat "$T/p.log")" "-x --y" "-p passes options through to the command"

# Output files are appended to, not truncated.
"$LAUNCH" submit -l app1 --stdout "$T/app.log" -- echo one
wait_for 5 "app1 to exit" sh -c "[ \"\$($LAUNCH status --json app1 | jq -r '.[0].state')\" = exited ]"
"$LAUNCH" submit -l app2 --stdout "$T/app.log" -- echo two
wait_for 5 "app2 to exit" sh -c "[ \"\$($LAUNCH status --json app2 | jq -r '.[0].state')\" = exited ]"
assert_eq "$(cat "$T/app.log" | tr '\n' ' ')" "one two " "--stdout appends"
