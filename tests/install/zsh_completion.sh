# installcheck: the installed zsh completion is contrib's _launch, it
# parses (zsh -n), and compinit, with the installed directory in fpath,
# binds it to launch (its #compdef line).
. "$(dirname "$0")/../lib.sh"
[ -n "${INST_ZSHCOMPDIR:-}" ] ||
    skip "configured --without-zsh-completion-dir: nothing installed"
dir=${INST_DESTDIR:-}$INST_ZSHCOMPDIR
[ -f "$dir/_launch" ] || fail "no zsh completion at $dir/_launch"
cmp -s "$dir/_launch" "$INST_SRCDIR/contrib/completion/_launch" ||
    fail "$dir/_launch differs from contrib/completion/_launch"
command -v zsh >/dev/null ||
    skip "zsh is not installed (contrib/install-deps): _launch not parsed"
run_rc 0 "zsh -n" zsh -n "$dir/_launch"
# -f: no start-up files; -D: no dump file; -u: no questions about the
# directory's owner.
run_rc 0 "compinit" env HOME="$T" zsh -fc '
	fpath=("$1" $fpath)
	autoload -Uz compinit && compinit -u -D
	print -r -- "${_comps[launch]-}"' zsh "$dir"
[ -n "$OUT" ] || fail "compinit bound no function to launch"
