# installcheck: the installed bash completion is contrib's launch.bash
# under the name `launch` (bash-completion looks a completion up by the
# command's name), it parses (bash -O extglob -n), and bash-completion's
# own loader finds it there and defines a completion for launch.  The
# loader looks in $XDG_DATA_DIRS/bash-completion/completions, so it is
# pointed at the installed data directory (the default one;
# tests/install/destdir.sh checks that the default directories are the
# ones it searches).
. "$(dirname "$0")/../lib.sh"
[ -n "${INST_BASHCOMPDIR:-}" ] ||
    skip "configured --without-bash-completion-dir: nothing installed"
file=${INST_DESTDIR:-}$INST_BASHCOMPDIR/launch
[ -f "$file" ] || fail "no bash completion at $file"
cmp -s "$file" "$INST_SRCDIR/contrib/completion/launch.bash" ||
    fail "$file differs from contrib/completion/launch.bash"
# bash-completion turns extglob on before it sources a completion, which
# may use @(...) patterns: parse it so too.
run_rc 0 "bash -O extglob -n" bash -O extglob -n "$file"
case $INST_BASHCOMPDIR in
*/bash-completion/completions) ;;
*)	skip "installed in $INST_BASHCOMPDIR, which bash-completion does not search: loading not checked" ;;
esac
loader=/usr/share/bash-completion/bash_completion
[ -f "$loader" ] ||
    skip "bash-completion is not installed ($loader): the file parses, its loading is not checked"
# __load_completion (bash-completion 2.11, Debian 12) is _comp_load in
# later versions.
run_rc 0 "bash-completion loading launch" \
    env HOME="$T" XDG_DATA_DIRS="${file%/bash-completion/completions/launch}" \
    bash --norc --noprofile -c '
	. "$1"
	if type _comp_load >/dev/null 2>&1; then _comp_load launch
	else __load_completion launch; fi || { echo "not found" >&2; exit 1; }
	complete -p launch' sh "$loader"
assert_contains "$OUT" "complete -F " "the completion bash-completion loaded"
case $OUT in *" launch") ;; *) fail "not a completion of launch: $OUT" ;; esac
