# Helpers of the shell completion tests (completion_bash.sh,
# completion_zsh.sh, completion_remote.sh), sourced after lib.sh.
#
# COMPDIR is contrib/completion found from the test script's own
# directory (a VPATH build runs the scripts from the source tree).
# `launch` is found in PATH, as a user's shell finds it: $T/bin/launch
# links to LAUNCH_BIN.
#
# A terminal for the interactive checks is a tmux server on its own
# socket, $T/tmux.sock, with no configuration (-f /dev/null), killed by
# its pid at exit.  tmux_wait waits, with a deadline, for the pane to
# show a text; what a test types ends with a marker ("#m1"), so that once
# the marker is on the screen every key before it, the Tab included, has
# been handled.

COMPDIR=$(cd "$(dirname "$0")/../../contrib/completion" && pwd)
mkdir -p "$T/bin"
ln -s "$LAUNCH_BIN" "$T/bin/launch"
PATH=$T/bin:$PATH
export PATH

# help_options [CMD]: the options `launch [CMD] --help` lists, one per
# line, sorted: every -x and --long word of the option lines (indented
# two or four spaces), before their descriptions.
help_options() {
	"$LAUNCH" "$@" --help | grep -E '^ {2,4}-' |
	    sed -E 's/ {2,}[^ -].*//' | tr ' ,' '\n\n' |
	    sed -E 's/^\[//; s/[]=[].*//' | grep -E '^--?[A-Za-z]' | sort -u
}

# help_commands: the commands `launch --help` lists, one per line, sorted.
help_commands() {
	"$LAUNCH" --help |
	    sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' | sort
}

# expected_options CMD: what a completion offers for `launch CMD -`: the
# options of its --help and --help (every command takes it), without
# -h (-h and --help are one).
expected_options() {
	{ help_options "$1"; echo --help; } | grep -vx -- -h | sort -u
}

# start_other_daemon: a second daemon on $T/d2/sock with its own state
# and jobs other/a and other/b.  Its pid is in OTHER_PID; at exit it is
# sent SIGCONT (a test may have stopped it) and SIGTERM, and must exit 0.
start_other_daemon() {
	mkdir -m 700 "$T/d2"
	OTHER_SOCK=$T/d2/sock
	LAUNCH_STATE_DIR=$T/d2/state "$LAUNCH" serve -v -S "$OTHER_SOCK" \
	    >>"$T/d2/daemon.log" 2>&1 &
	OTHER_PID=$!
	CLEANUP_HOOKS="other_daemon_stop $CLEANUP_HOOKS"
	wait_for 10 "the second daemon to answer" "$LAUNCH" -S "$OTHER_SOCK" \
	    -q ping
	for _l in other/a other/b; do
		"$LAUNCH" -S "$OTHER_SOCK" submit -l "$_l" -- sleep 100
	done
}
other_daemon_stop() {
	kill -CONT "$OTHER_PID" 2>/dev/null
	term_wait "$OTHER_PID" 200
	kill -KILL "$OTHER_PID" 2>/dev/null
	wait "$OTHER_PID" 2>/dev/null
	_st=$?
	if [ $rc -eq 0 ] && [ $_st -ne 0 ]; then
		echo "FAIL: the second daemon exited with status $_st"
		tail -n 20 "$T/d2/daemon.log"
		rc=1
	fi
}

# need_bash_completion: skip unless bash and bash-completion are here.
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
need_bash_completion() {
	command -v bash >/dev/null || skip "bash is missing (package bash)"
	[ -r "$BASH_COMPLETION" ] ||
	    skip "bash-completion is missing (package bash-completion)"
}

# bash_complete LINE: COMPREPLY for LINE (the cursor at its end; words split
# at blanks only), one per line, sorted, in OUT; stderr in ERR.
bash_complete() {
	# shellcheck disable=SC2016
	timeout -k 1 20 bash --norc --noprofile -c '
		. "$1"
		. "$2"
		COMP_LINE=$3
		COMP_POINT=${#COMP_LINE}
		read -ra COMP_WORDS <<<"$COMP_LINE"
		[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_launch launch "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' complete "$BASH_COMPLETION" "$COMPDIR/launch.bash" "$1" \
	    >"$T/out" 2>"$T/err" || fail "completing '$1': exit $?: $(cat "$T/err")"
	OUT=$(grep -v '^$' "$T/out" | sort)
	ERR=$(cat "$T/err")
}

# bash_complete_is LINE WORDS...: COMPREPLY for LINE is WORDS (any order).
bash_complete_is() {
	_line=$1
	shift
	bash_complete "$_line"
	assert_eq "$OUT" "$(printf '%s\n' "$@" | grep -v '^$' | sort)" \
	    "completing '$_line'"
	assert_eq "$ERR" "" "completing '$_line': stderr"
}

# zsh_start: an interactive zsh -f in tmux with contrib/completion in
# fpath, compinit run and the prompt "ZP> ".
zsh_start() {
	command -v zsh >/dev/null || skip "zsh is missing (package zsh)"
	cat >"$T/zshrc" <<EOF
PS1='ZP> '
fpath=($COMPDIR \$fpath)
autoload -Uz compinit && compinit -u -D
bindkey -e
EOF
	tmux_start "zsh -f"
	tmux_type ". $T/zshrc"
	tmux_keys Enter
	wait_for 10 "the prompt" tmux_prompt "ZP>"
}

# now_ms: the time in milliseconds.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# tmux_start SHELL-COMMAND: a tmux server on $T/tmux.sock running
# SHELL-COMMAND in a 250x100 window (wide: no line of a listing wraps;
# tall: no "list all N possibilities?" question).  TMUX_PID: the server.
tmux_start() {
	command -v tmux >/dev/null || skip "tmux is missing (package tmux)"
	TMUX_SOCK=$T/tmux.sock
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -x 250 -y 100 "$1"
	TMUX_PID=$(tmux -S "$TMUX_SOCK" display-message -p '#{pid}')
	CLEANUP_HOOKS="tmux_stop $CLEANUP_HOOKS"
}
tmux_stop() {
	tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	kill -KILL "$TMUX_PID" 2>/dev/null
}

# tmux_keys KEYS...: tmux send-keys (key names: Tab, C-u, Enter).
# tmux_type TEXT: type TEXT literally.
tmux_keys() { tmux -S "$TMUX_SOCK" send-keys "$@"; }
tmux_type() { tmux -S "$TMUX_SOCK" send-keys -l "$1"; }

# tmux_pane: the pane's text, trailing blank lines dropped.
tmux_pane() { tmux -S "$TMUX_SOCK" capture-pane -p | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }

# tmux_has TEXT: the pane shows TEXT (a fixed string).
tmux_has() { tmux_pane | grep -qF -- "$1"; }

# tmux_is TEXT: the pane shows TEXT and nothing else.
tmux_is() { [ "$(tmux_pane)" = "$1" ]; }

# tmux_prompt PROMPT: the pane's last line is PROMPT (no trailing space:
# capture-pane drops them).
tmux_prompt() { [ "$(tmux_pane | tail -n 1)" = "$1" ]; }

# tmux_wait SECONDS DESC TEXT: wait for the pane to show TEXT.
tmux_wait() {
	_tw_end=$(($(now_ms) + $1 * 1000 * TIME_FACTOR))
	until tmux_has "$3"; do
		[ "$(now_ms)" -lt "$_tw_end" ] || {
			echo "--- the pane:"
			tmux_pane
			fail "timed out after $1 s waiting for $2: '$3' on the pane"
		}
		sleep 0.02
	done
}

# tmux_complete PROMPT LINE KEYS: clear the screen and the line, type
# LINE, press KEYS (e.g. Tab), then a marker; wait until the prompt line
# shows PROMPT, the completed line and the marker.  PANE: the screen
# then, the marker's line last; MARKED: that line without the marker.
TMUX_MARK=0
tmux_complete() {
	TMUX_MARK=$((TMUX_MARK + 1))
	tmux_keys C-u C-l
	wait_for 10 "a clear screen" tmux_is "${1% }"
	tmux_type "$2"
	# shellcheck disable=SC2086
	tmux_keys $3
	tmux_type "#m$TMUX_MARK"
	tmux_wait 10 "the marker after '$2'" "#m$TMUX_MARK"
	PANE=$(tmux_pane)
	MARKED=$(echo "$PANE" | grep -F "#m$TMUX_MARK" | tail -n 1 |
	    sed "s/#m$TMUX_MARK\$//")
}

# tmux_run PROMPT COMMAND: run COMMAND in the shell (on a clear line)
# and wait for the next prompt.
tmux_run() {
	tmux_keys C-u C-l
	wait_for 10 "a clear screen" tmux_is "${1% }"
	tmux_type "$2"
	tmux_keys Enter
	wait_for 10 "'$2' to end" tmux_prompt "${1% }"
}

# pane_words PROMPT: the words of PANE's listing (its lines that do not
# start with PROMPT), one per line, sorted, without their descriptions
# (zsh: "-t  -- seconds before SIGKILL").
pane_words() {
	echo "$PANE" | grep -vF -- "$1" | sed 's/ -- .*//' | tr -s ' ' '\n' |
	    grep -v '^$' | sort -u
}
