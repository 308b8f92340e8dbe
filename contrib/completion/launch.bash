# bash completion for launch(1).  Installed by `make install` into
# bash-completion's completions directory (to be written).
_launch()
{
	COMPREPLY=()
}
complete -F _launch launch
