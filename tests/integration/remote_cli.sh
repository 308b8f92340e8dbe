# The remote options' usage errors, each a clear message and exit 2
# before any connection is made (no sshd is needed: a host that would be
# contacted is 127.0.0.1:1, which refuses): -H with --hosts, a bad host
# spec, a missing, empty or bad hosts file, -H with serve or bridge,
# --place without hosts or with -f, a relative -d/--stdout for a remote
# job, subscribe to several hosts; help and version ignore -H; an
# unreachable host is exit 3 naming it, and with several hosts the
# others' failure does not hide it; a malformed ~/.ssh/config and a
# --place with no reachable host fail clearly.
. "$(dirname "$0")/../lib.sh"
unset LAUNCH_HOST

run_rc 2 "-H and --hosts" "$LAUNCH" -H a --hosts /dev/null list
assert_contains "$ERR" "-H and --hosts" "-H with --hosts"
run_rc 2 "a bad port" "$LAUNCH" -H host:99999 list
assert_contains "$ERR" "launch: -H host:99999: " "names the spec"
assert_contains "$ERR" "port" "names the port"
run_rc 2 "an empty -H" "$LAUNCH" -H , list
assert_contains "$ERR" "no host" "empty -H"
run_rc 2 "a host starting with -" "$LAUNCH" -H -oProxyCommand=x list
run_rc 2 "a missing hosts file" "$LAUNCH" --hosts "$T/nope" list
assert_contains "$ERR" "$T/nope" "names the file"
printf '# only a comment\n\n' >"$T/empty"
run_rc 2 "an empty hosts file" "$LAUNCH" --hosts "$T/empty" list
assert_contains "$ERR" "no host in the file" "empty hosts file"
printf 'good\nbad host\n' >"$T/bad"
run_rc 2 "a bad line in a hosts file" "$LAUNCH" --hosts "$T/bad" list
assert_contains "$ERR" "$T/bad:2: " "names the file and line"

run_rc 2 "-H with serve" "$LAUNCH" -H 127.0.0.1:1 serve
assert_contains "$ERR" "serve runs on this machine only" "serve"
run_rc 2 "-H with bridge" "$LAUNCH" -H 127.0.0.1:1 bridge
# LAUNCH_HOST is only a default: the local-only commands ignore it (a
# remote user's profile may set it, and sshd runs bridge there).
run_rc 3 "bridge ignores LAUNCH_HOST" env LAUNCH_HOST=127.0.0.1:1 "$LAUNCH" bridge
assert_contains "$ERR" "no daemon at $SOCK" "bridge with LAUNCH_HOST set"
run_rc 3 "LAUNCH_HOST applies to list" env LAUNCH_HOST=127.0.0.1:1 "$LAUNCH" list
assert_contains "$ERR" "launch: 127.0.0.1:1: cannot connect" "LAUNCH_HOST"
run_rc 0 "help ignores -H" "$LAUNCH" -H 127.0.0.1:1 help list
assert_contains "$OUT" "usage: launch list" "help"
run_rc 0 "version ignores -H" "$LAUNCH" -H 127.0.0.1:1 version

run_rc 2 "--place without hosts" "$LAUNCH" -S "$SOCK" submit --place -l p -- true
assert_contains "$ERR" "--place" "--place without hosts"
run_rc 2 "--place with -f" "$LAUNCH" -H 127.0.0.1:1 submit --place -f /dev/null
assert_contains "$ERR" "--place is not allowed" "--place with -f"
run_rc 2 "a relative -d for a remote job" "$LAUNCH" -H 127.0.0.1:1 submit -l r -d sub -- true
assert_contains "$ERR" "-d sub: the job runs on another host" "relative -d"
run_rc 2 "a relative --stdout for a remote job" "$LAUNCH" -H 127.0.0.1:1 submit -l r --stdout out.log -- true
assert_contains "$ERR" "--stdout out.log" "relative --stdout"
run_rc 2 "subscribe -H a,b" "$LAUNCH" subscribe --serve -H a,b -a :0
assert_contains "$ERR" "one receiver per host" "subscribe to two hosts"
run_rc 2 "-H a,b subscribe" "$LAUNCH" -H a,b subscribe --serve -a :0
run_rc 2 "stats with an argument" "$LAUNCH" stats extra
run_rc 2 "bridge with an argument" "$LAUNCH" bridge extra

# A malformed ~/.ssh/config: exit 2, the file and line named, nothing
# contacted.
HOME=$T/home
mkdir -p "$HOME/.ssh"
printf 'Host box\n\tPort many\n' >"$HOME/.ssh/config"
run_rc 2 "a bad ~/.ssh/config" "$LAUNCH" -H box list
assert_contains "$ERR" "launch: box: $HOME/.ssh/config: line 2" "names the file and line"
rm "$HOME/.ssh/config"

# --place when no host answers: nothing to place on (exit 1).
run_rc 1 "--place, every host unreachable" "$LAUNCH" -H 127.0.0.1:1,127.0.0.1:1 submit --place -l p -- true
assert_contains "$ERR" "p: no host has room for it (unreachable or full)" "--place with no host"

# Nothing listens on port 1: exit 3, the host named; with a second
# unreachable host each is reported once.
run_rc 3 "an unreachable host" "$LAUNCH" -H 127.0.0.1:1 list
assert_contains "$ERR" "launch: 127.0.0.1:1: cannot connect to 127.0.0.1 port 1" "unreachable"
run_rc 3 "two unreachable hosts" "$LAUNCH" -H 127.0.0.1:1,root@127.0.0.1:1 stats
assert_eq "$(grep -c 'cannot connect' "$T/err")" 2 "one line per host"
assert_contains "$ERR" "launch: root@127.0.0.1:1: cannot connect" "the second host"
