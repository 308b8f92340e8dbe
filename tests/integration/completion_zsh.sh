# zsh completion (contrib/completion/_launch) in a real interactive zsh
# (zsh -f, contrib/completion in fpath, compinit), typed into through a
# tmux terminal: zsh runs completion functions only inside its
# completion system, under zle, which needs a terminal; tmux gives one
# and shows what a user would see (zpty would too, but tmux is already
# what the bash test uses, and its screen is what we assert).  Each check
# ends with a marker typed after the key, waited for with a deadline.
#
# Asserted: the subcommands for `launch st`; for `launch -` and every
# `launch CMD -` (listed with ^D) exactly the options of its --help plus
# --help; --restart, --events and -H values; a command and its file
# after submit's -- and -p; live labels for `launch stop w`
# (Tab inserts the common part, a second Tab lists both) and `launch stop b`; the
# labels of the daemon named by -S on the line (a second daemon with
# other labels); subscription ids with their addresses; nothing, and no
# message, when no daemon answers; a frozen daemon (SIGSTOP) gives
# nothing and the shell takes keys again.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../completion-lib.sh"
command -v zsh >/dev/null || skip "zsh is missing (package zsh)"

nl='
'
start_daemon
for l in web web2 batch/1 db:main; do
	"$LAUNCH" submit -l "$l" -- sleep 100
done
start_other_daemon
"$LAUNCH" subscribe -a 127.0.0.1:9 >/dev/null
"$LAUNCH" subscribe -a 127.0.0.1:19 -f 'web*' >/dev/null

HOME=$T/home
export HOME
mkdir -p "$HOME/.ssh"
printf 'Host lt-box1 lt-box2\n\tHostName 127.0.0.1\n' >"$HOME/.ssh/config"
zsh_start
P="ZP> "

# Subcommands and options (^D lists without changing the line).
tmux_complete "$P" "launch st" C-d
assert_eq "$(pane_words "$P")" "start${nl}stats${nl}status${nl}stop" \
    "launch st lists the commands"
tmux_complete "$P" "launch -" C-d
assert_eq "$(pane_words "$P")" "$(help_options)" "the global options"
for cmd in $(help_commands); do
	tmux_complete "$P" "launch $cmd -" C-d
	want=$(expected_options "$cmd")
	[ "$cmd" != submit ] || want=$(printf '%s\n' "$want" -- | sort)
	assert_eq "$(pane_words "$P")" "$want" "the options of launch $cmd --help"
done

# Option values.
tmux_complete "$P" "launch submit --restart " C-d
assert_eq "$(pane_words "$P")" "always${nl}no${nl}on-failure" "--restart"
tmux_complete "$P" "launch events --events=exits," C-d
assert_eq "$(pane_words "$P")" "all${nl}failures${nl}stats" "--events=exits,"
tmux_complete "$P" "launch -H lt-b" C-d
assert_eq "$(pane_words "$P")" "lt-box1${nl}lt-box2" "-H: hosts of ~/.ssh/config"
tmux_complete "$P" "launch -H lt-box1,lt-b" Tab
assert_eq "$MARKED" "${P}launch -H lt-box1,lt-box2," \
    "-H A,B: the host not given yet (and a comma for the next)"

# After -- (or -p), the job's command line as zsh completes one.
touch "$T/a-file.txt"
tmux_complete "$P" "launch submit -l x -- slee" Tab
assert_eq "$MARKED" "${P}launch submit -l x -- sleep " "a command after --"
tmux_complete "$P" "launch submit -l x -e A=1 -p cat $T/a-fi" Tab
assert_eq "$MARKED" "${P}launch submit -l x -e A=1 -p cat $T/a-file.txt " \
    "a file argument of the command after -p"

# Live labels.
tmux_complete "$P" "launch stop w" "Tab Tab"
assert_eq "$MARKED" "${P}launch stop web" "Tab inserts web"
assert_eq "$(pane_words "$P")" "web${nl}web2" "Tab again lists web and web2"
tmux_complete "$P" "launch stop b" Tab
assert_eq "$MARKED" "${P}launch stop batch/1 " "Tab completes batch/1"
tmux_complete "$P" "launch logs db" Tab
assert_eq "$MARKED" "${P}launch logs db:main " "a label with a colon"
tmux_complete "$P" "launch -S $OTHER_SOCK stop " C-d
assert_eq "$(pane_words "$P")" "other/a${nl}other/b" "-S SOCK on the line"
tmux_complete "$P" "launch unsubscribe " C-d
assert_eq "$(echo "$PANE" | grep -v "$P" | tr -s ' ')" \
    "1 -- 127.0.0.1:9${nl}2 -- 127.0.0.1:19" "subscriptions and addresses"

# No daemon: nothing, and no message on the screen.
tmux_complete "$P" "launch -S $T/nowhere/sock stop " Tab
assert_eq "$PANE" "${P}launch -S $T/nowhere/sock stop #m$TMUX_MARK" \
    "no daemon: no labels, no message"

# A frozen daemon: the marker typed after Tab shows once the completion
# has given up (tmux_complete's deadline catches a hung shell; the bash
# test checks that LAUNCH_COMPLETION_TIMEOUT lengthens the wait).
kill -STOP "$OTHER_PID"
tmux_complete "$P" "launch -S $OTHER_SOCK stop " Tab
assert_eq "$PANE" "${P}launch -S $OTHER_SOCK stop #m$TMUX_MARK" \
    "a frozen daemon: no labels, no message"
kill -CONT "$OTHER_PID"
