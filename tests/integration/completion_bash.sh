# bash completion (contrib/completion/launch.bash) against real daemons.
# First its function, called as bash's programmable completion calls it
# (bash --norc --noprofile, bash-completion and the script sourced,
# COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set), asserting
# COMPREPLY: the subcommands for `launch st`; for `launch -` and every
# `launch CMD -` exactly the options of its --help (plus --help), so the
# lists cannot drift; option values (--restart, --events as a comma list,
# -s without KILL and STOP, -H hosts from ~/.ssh/config); live labels for
# `launch stop w` and from the daemon named by -S on the line (a second
# daemon with other labels); subscription ids for unsubscribe; no labels
# and nothing on stderr when no daemon answers; a frozen daemon (SIGSTOP)
# gives nothing rather than a hung shell, and LAUNCH_COMPLETION_TIMEOUT
# lengthens the wait.  Then a real
# interactive bash in tmux, with bash-completion and the script loaded as
# a user loads them: Tab completes a label, lists labels, handles a
# label with a colon and --restart=VALUE, and after submit's -- and -p
# completes a command and its file argument.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../completion-lib.sh"
need_bash_completion

nl='
'
# Subcommands and options, compared with --help.
bash_complete_is "launch st" start stats status stop
bash_complete "launch "
assert_eq "$OUT" "$(help_commands)" "every command of launch --help"
bash_complete "launch -"
assert_eq "$OUT" "$(help_options)" "the global options of launch --help"
for cmd in $(help_commands); do
	bash_complete "launch $cmd -"
	want=$(expected_options "$cmd")
	[ "$cmd" != submit ] || want=$(printf '%s\n' "$want" -- | sort)
	assert_eq "$OUT" "$want" "the options of launch $cmd --help"
done

# Option values.
bash_complete_is "launch submit --restart " always no on-failure
bash_complete_is "launch submit -l x --restart o" on-failure
bash_complete_is "launch events --events " all exits failures stats
bash_complete_is "launch subscribe --events exits,f" exits,failures
bash_complete "launch stop -s "
assert_contains " $(echo $OUT) " " TERM " "-s offers TERM"
assert_contains " $(echo $OUT) " " HUP " "-s offers HUP"
case " $(echo $OUT) " in
*" KILL "* | *" STOP "* | *RTMIN*) fail "-s offers a signal launch refuses: $OUT" ;;
esac
HOME=$T/home
export HOME
mkdir -p "$HOME/.ssh"
printf 'Host lt-box1 lt-box2\n\tHostName 127.0.0.1\n' >"$HOME/.ssh/config"
bash_complete_is "launch -H lt-b" lt-box1 lt-box2
bash_complete_is "launch -H lt-box1,lt-b" lt-box1,lt-box2

# Live labels.
bash_complete_is "launch stop w" ""
start_daemon
for l in web web2 batch/1 db:main; do
	"$LAUNCH" submit -l "$l" -- sleep 100
done
bash_complete_is "launch stop w" web web2
bash_complete_is "launch stop " batch/1 db:main web web2
bash_complete_is "launch logs -n 5 b" batch/1
bash_complete_is "launch status web " ""
bash_complete_is "launch list --labels " batch/1 db:main web web2
bash_complete_is "launch events -f w" web web2
start_other_daemon
bash_complete_is "launch -S $OTHER_SOCK restart " other/a other/b
bash_complete_is "launch -S $OTHER_SOCK -v wait o" other/a other/b
bash_complete_is "launch -S$OTHER_SOCK remove " other/a other/b
bash_complete_is "launch stop o" ""

# Subscription ids.
"$LAUNCH" subscribe -a 127.0.0.1:9 >/dev/null
"$LAUNCH" subscribe -a 127.0.0.1:9 -f 'web*' >/dev/null
bash_complete_is "launch unsubscribe " 1 2

# No daemon at the socket on the line: nothing, silently.
bash_complete_is "launch -S $T/nowhere/sock stop " ""
bash_complete_is "launch -H no-such-host.invalid stop " ""

# A frozen daemon: the completion gives up (after LAUNCH_COMPLETION_TIMEOUT,
# default 2 s) with nothing, instead of hanging the shell; the deadline
# only catches a hang.  A longer LAUNCH_COMPLETION_TIMEOUT waits for a
# daemon that resumes after 3 s, longer than the default would have.
kill -STOP "$OTHER_PID"
t0=$(now_ms)
bash_complete_is "launch -S $OTHER_SOCK stop " ""
took=$(($(now_ms) - t0))
[ "$took" -lt 30000 ] || fail "a frozen daemon held the completion $took ms"
(sleep 3; kill -CONT "$OTHER_PID") &
LAUNCH_COMPLETION_TIMEOUT=60
export LAUNCH_COMPLETION_TIMEOUT
bash_complete_is "launch -S $OTHER_SOCK stop " other/a other/b
unset LAUNCH_COMPLETION_TIMEOUT
kill -CONT "$OTHER_PID"

# As a user uses it: an interactive bash in a terminal.
tmux_start "bash --norc --noprofile"
tmux_type ". $BASH_COMPLETION; . $COMPDIR/launch.bash; PS1='BP> '"
tmux_keys Enter
wait_for 10 "the prompt" tmux_prompt "BP>"
tmux_complete "BP> " "launch stop b" Tab
assert_eq "$MARKED" "BP> launch stop batch/1 " "Tab completes batch/1"
tmux_complete "BP> " "launch stop w" Tab
assert_eq "$MARKED" "BP> launch stop web" "Tab inserts web"
# Readline lists at the second Tab that changes nothing.
tmux_complete "BP> " "launch stop web" "Tab Tab"
assert_eq "$(pane_words "BP> ")" "web${nl}web2" "Tab Tab lists web and web2"
tmux_complete "BP> " "launch stop db:" Tab
assert_eq "$MARKED" "BP> launch stop db:main " "a label with a colon"
tmux_complete "BP> " "launch -S $OTHER_SOCK stop other/" "Tab Tab"
assert_eq "$(pane_words "BP> ")" "other/a${nl}other/b" "-S SOCK on the line"
tmux_complete "BP> " "launch submit --restart=on" Tab
assert_eq "$MARKED" "BP> launch submit --restart=on-failure " "--restart="
# After -- (or -p), the job's command line as bash completes one.
touch "$T/a-file.txt"
tmux_complete "BP> " "launch submit -l x -- slee" Tab
assert_eq "$MARKED" "BP> launch submit -l x -- sleep " "a command after --"
tmux_complete "BP> " "launch submit -l x -p cat $T/a-fi" Tab
assert_eq "$MARKED" "BP> launch submit -l x -p cat $T/a-file.txt " \
    "a file argument of the command after -p"
