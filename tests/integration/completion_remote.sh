# Shell completion through ssh: the -H and --hosts given before the
# command go along to `launch list --labels`, so labels come from those
# hosts (two real sshds and daemons, as in remote_fanout.sh): one host,
# two hosts (each label once), a hosts file (--hosts FILE and, typed in a
# real terminal, --hosts=FILE), subscribe's own -H (--host) for its -f; bash's
# function called directly and through an interactive bash, and zsh in
# tmux.  No host key is ever accepted by a Tab: an unknown host gives no
# labels and leaves known_hosts as it was.  LAUNCH_COMPLETION_TIMEOUT
# bounds the calls (10 s here).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ssh-lib.sh"
. "$(dirname "$0")/../completion-lib.sh"
need_bash_completion
command -v zsh >/dev/null || skip "zsh is missing (package zsh)"
command -v tmux >/dev/null || skip "tmux is missing (package tmux)"
ssh_setup
# An ssh login takes 0.3 s here, but a loaded machine (a sanitizer
# build, other tests) must not fail the test: the bound is for users.
LAUNCH_COMPLETION_TIMEOUT=$((10 * TIME_FACTOR))
export LAUNCH_COMPLETION_TIMEOUT
for n in 1 2; do netns_host "$n"; done
H1=$HOST_1_SPEC H2=$HOST_2_SPEC
for l in web h1only; do
	run_rc 0 "submit $l on h1" rlaunch -H "$H1" submit -l "$l" -- sleep 100
done
for l in web h2only; do
	run_rc 0 "submit $l on h2" rlaunch -H "$H2" submit -l "$l" -- sleep 100
done
printf '%s\n' "$H1" "$H2" >"$T/hosts"

bash_complete_is "launch -H $H1 stop " h1only web
bash_complete_is "launch -H $H2 -v restart " h2only web
bash_complete_is "launch -H $H1,$H2 stop " h1only h2only web
bash_complete_is "launch --hosts $T/hosts status h" h1only h2only
bash_complete_is "launch subscribe -H $H2 -f h" h2only
bash_complete_is "launch subscribe --host $H2 --filter h" h2only

# A host whose key is not known: no labels, nothing written.
cp "$HOME/.ssh/known_hosts" "$T/known_hosts.before"
start_sshd h3 127.0.0.3
bash_complete_is "launch -H $HOSTSPEC stop " ""
cmp -s "$HOME/.ssh/known_hosts" "$T/known_hosts.before" ||
    fail "a Tab changed known_hosts"
stop_sshd h3

nl='
'
tmux_start "bash --norc --noprofile"
tmux_type ". $BASH_COMPLETION; . $COMPDIR/launch.bash; PS1='BP> '"
tmux_keys Enter
wait_for 10 "the prompt" tmux_prompt "BP>"
tmux_complete "BP> " "launch -H $H1,$H2 stop h2" Tab
assert_eq "$MARKED" "BP> launch -H $H1,$H2 stop h2only " "bash: -H A,B"
tmux_complete "BP> " "launch --hosts=$T/hosts stop h1" Tab
assert_eq "$MARKED" "BP> launch --hosts=$T/hosts stop h1only " \
    "bash: --hosts=FILE"
tmux_stop

zsh_start
tmux_complete "ZP> " "launch -H $H1,$H2 stop " C-d
assert_eq "$(pane_words "ZP> ")" "h1only${nl}h2only${nl}web" "zsh: -H A,B"
tmux_complete "ZP> " "launch --hosts=$T/hosts stop h1" Tab
assert_eq "$MARKED" "ZP> launch --hosts=$T/hosts stop h1only " \
    "zsh: --hosts=FILE"
tmux_complete "ZP> " "launch subscribe -H $H2 -f " C-d
assert_eq "$(pane_words "ZP> ")" "h2only${nl}web" "zsh: subscribe -H"
tmux_complete "ZP> " "launch subscribe --host=$H2 -f " C-d
assert_eq "$(pane_words "ZP> ")" "h2only${nl}web" "zsh: subscribe --host="
