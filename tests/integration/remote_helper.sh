# launch -H runs the ssh transport as a child, launch-ssh (ssh/main.c
# has the contract), and reaps it:
# - without the helper (none next to launch, none installed), every -H
#   command says so, naming the paths looked at, exit 5; the local
#   commands work as ever;
# - the helper gets only stdin and stdout (one socketpair), stderr and
#   its TCP connection: no fd of launch's;
# - it goes when launch is killed, and launch reaps it when done;
# - a session that breaks mid-stream is reported by the host, exit 3;
# - a helper that breaks the contract (fake ones, shell scripts) is
#   reported, and is given the contract's arguments.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ssh-lib.sh"
ssh_setup
start_daemon
start_sshd a
ssh_trust a
H=$HOSTSPEC

# The helper's fds during a streaming command: 0 and 1 one socket
# (launch's socketpair), 2 inherited, and one TCP socket; nothing else.
"$LAUNCH" -H "$H" events >"$T/ev1.out" 2>"$T/ev1.err" &
ev=$!
KILL_PIDS="$KILL_PIDS $ev"
wait_for 20 "the remote events stream" grep -q ': streaming events$' "$T/daemon.log"
helper=$(pgrep -P "$ev" launch-ssh) || fail "no launch-ssh under launch -H events"
assert_eq "$(readlink "/proc/$helper/exe")" "$(dirname "$LAUNCH")/launch-ssh" \
    "the helper next to launch"
assert_eq "$(readlink "/proc/$helper/fd/0")" "$(readlink "/proc/$helper/fd/1")" \
    "the helper's stdin and stdout: one socket"
assert_contains "$(readlink "/proc/$helper/fd/0")" "socket:" "the helper's stdin"
fds=$(cd "/proc/$helper/fd" && ls | sort -n | tr '\n' ' ')
assert_eq "$fds" "0 1 2 3 " "the helper's fds"
tcp=$(readlink "/proc/$helper/fd/3")
inode=${tcp#socket:[}
inode=${inode%]}
grep -q " $inode " /proc/net/tcp /proc/net/tcp6 ||
    fail "the helper's fd 3 is not its TCP connection: $tcp"
# launch killed outright: its helper does not stay behind.
kill -KILL "$ev"
wait_for 10 "the helper to go with launch" not_alive "$helper"
wait "$ev" 2>/dev/null || true

# A session that breaks: sshd's processes for it killed mid-stream.
sshd=$(cat "$T/sshd-a/pid")
"$LAUNCH" -H "$H" events >"$T/ev2.out" 2>"$T/ev2.err" &
ev=$!
KILL_PIDS="$KILL_PIDS $ev"
wait_for 20 "the second events stream" \
    sh -c "[ \$(grep -c ': streaming events\$' '$T/daemon.log') -ge 2 ]"
sessions=$(ssh_tree "$sshd")
sessions=${sessions#"$sshd"}
[ -n "$sessions" ] || fail "no sshd session process under $sshd"
# shellcheck disable=SC2086
kill -KILL $sessions
wait_exit "$ev" 20
assert_eq "$WAIT_STATUS" 3 "launch -H events when the session breaks"
assert_contains "$(cat "$T/ev2.err")" "launch: $H: the ssh connection broke: " \
    "the broken session, named by host"
wait_for 10 "no helper left" sh -c "! pgrep -P $ev launch-ssh"

# A command's helper is reaped: none is left once launch is done.
run_rc 0 "remote ping" rlaunch -H "$H" ping
run_rc 0 "remote logs of nothing" rlaunch -H "$H" logs --help

# A helper that breaks the contract, next to a copy of launch: each is
# reported by the host, exit 5 (a logs -H killed by SIGPIPE: launch
# dies of it too, as a writer to a closed pipe does).
mkdir "$T/fake"
cp "$LAUNCH" "$T/fake/launch"
fake() { printf '#!/bin/sh\n%s\n' "$1" >"$T/fake/launch-ssh"; chmod 755 "$T/fake/launch-ssh"; }
fake 'echo hello'
run_rc 5 "a helper that does not say ready" "$T/fake/launch" -H box1 list
assert_eq "$ERR" 'launch: box1: launch-ssh said "hello" instead of "ready ADDRESS"' \
    "a helper that does not say ready"
fake 'exit 0'
run_rc 5 "a helper that ends at once" "$T/fake/launch" -H box1 list
assert_eq "$ERR" "launch: box1: launch-ssh ended without a connection" \
    "a helper that ends at once"
fake 'exit 3'
run_rc 3 "a helper's own exit code" "$T/fake/launch" -H box1 list
assert_eq "$ERR" "" "the helper's code alone: it said why itself"
fake 'kill -SEGV $$'
run_rc 5 "a helper that crashes" "$T/fake/launch" -H box1 list
assert_eq "$ERR" "launch: box1: launch-ssh was killed by SIGSEGV" "a helper that crashes"
fake 'kill -PIPE $$'
run_rc 141 "logs -H whose helper dies of SIGPIPE" sh -c '"$0" -H box1 logs web; exit $?' \
    "$T/fake/launch"
assert_eq "$ERR" "" "SIGPIPE, silently"
# Run with the arguments of the contract.
fake 'printf "%s|" "$@" >"$0.args"; echo "ready 192.0.2.1"'
run_rc 5 "a helper that says ready, then ends" "$T/fake/launch" -v -H box1 -S /r/sock \
    --accept-new-host list
assert_eq "$(cat "$T/fake/launch-ssh.args")" \
    "-v|--accept-new-host|--ready|--|box1|$LAUNCH_REMOTE '-S' '/r/sock' 'bridge'|" \
    "the helper's arguments"
assert_contains "$ERR" "launch: box1: the remote end closed the connection without a reply" \
    "a helper that ends after ready"
printf 'not a program\n' >"$T/fake/launch-ssh"
run_rc 5 "a helper that cannot run" "$T/fake/launch" -H box1 list
assert_eq "$ERR" "launch: box1: cannot run $T/fake/launch-ssh: Exec format error" \
    "a helper that cannot run"

# launch alone: no launch-ssh next to it, and none installed.
mkdir "$T/alone"
cp "$LAUNCH" "$T/alone/launch"
set +e
"$T/alone/launch" -H box1 list >"$T/out" 2>"$T/err"
rc=$?
set -e
if ! grep -q 'no ssh helper' "$T/err"; then
	skip "a launch-ssh is installed, so the missing helper cannot be seen (exit $rc: $(cat "$T/err"))"
fi
assert_eq "$rc" 5 "-H without the helper"
installed=$(sed -n "s|^launch: box1: no ssh helper: $T/alone/launch-ssh, \(.*\)/launch-ssh: No such file or directory\$|\1|p" "$T/err")
[ -n "$installed" ] ||
    fail "the missing helper's message names where it looked: $(cat "$T/err")"
case $installed in
/*) ;;
*) fail "the installed place is not an absolute path: $installed" ;;
esac
assert_eq "$(cat "$T/out")" "" "no output without the helper"
# Every way of reaching a host: logs runs there whole, LAUNCH_HOST,
# several hosts at once (each named, exit 5).
run_rc 5 "logs -H without the helper" "$T/alone/launch" -H box1 logs web
assert_eq "$ERR" "launch: box1: no ssh helper: $T/alone/launch-ssh, $installed/launch-ssh: No such file or directory" \
    "logs -H without the helper"
run_rc 5 "LAUNCH_HOST without the helper" env LAUNCH_HOST=box2 "$T/alone/launch" status web
assert_contains "$ERR" "launch: box2: no ssh helper: " "LAUNCH_HOST without the helper"
run_rc 5 "two hosts without the helper" "$T/alone/launch" -H box1,box2 list
assert_contains "$ERR" "launch: box1: no ssh helper: " "the first host"
assert_contains "$ERR" "launch: box2: no ssh helper: " "the second host"
# The local commands do not need it.
run_rc 0 "a local list without the helper" "$T/alone/launch" list --json
assert_eq "$OUT" "[]" "the local daemon, without the helper"
