# shellcheck shell=bash disable=SC2207
# bash completion for launch(1), in bash-completion's style (it needs
# bash-completion 2: _init_completion, _filedir, _known_hosts_real,
# _command_offset).  `make install` puts it in bash-completion's
# completions directory as "launch"; from a source tree:
#	. contrib/completion/launch.bash
#
# What it completes: the subcommands; the global options and each
# command's; option values (restart policies, --events classes as a
# comma list, stop signals, --rlimit names, files, directories, ssh
# hosts for -H as a comma list); after `submit --` or `-p`, a command
# line as bash completes one; job labels for the commands that take
# LABEL or GLOB, and subscription ids for unsubscribe, from the running
# daemon.
#
# Decisions:
#  - The option lists are written here, not parsed from `launch CMD
#    --help` at each Tab: which options take a value, and what value, has
#    to be written here anyway.  tests/integration/completion_bash.sh
#    compares every list with --help, so they cannot drift unnoticed.
#    Every command also takes --help.
#  - Labels come from `launch list --labels PREFIX*`, so the daemon sends
#    only the matching ones (thousands of jobs stay cheap).  The -S, -H
#    and --hosts given before the command go along (LAUNCH_SOCKET and
#    LAUNCH_HOST through the environment), never --accept-new-host: a
#    Tab must not trust a host key.  A word that is not made of label
#    characters (a glob, a quote) gets no labels.
#  - Every call to the daemon runs under `timeout -k 1 2` with stdin from
#    /dev/null and stderr dropped: no daemon, a frozen one or an ssh host
#    that does not answer gives no completions and no message, within 3 s
#    at worst.  LAUNCH_COMPLETION_TIMEOUT (seconds, default 2) changes the
#    2, for hosts at the end of slow links.
#  - Subscription ids are read from `launch subscriptions --json` with a
#    bash regex, not jq (which may be absent): each object starts with
#    {"id":N, as the daemon's encoder writes them.
#  - Option values are dequoted only for '...' and "..." around the
#    whole word, and a leading ~/ is expanded: never eval, so $(...) on
#    the line is not run by a Tab.

_launch_commands="serve submit list status stop start restart remove wait
logs export events subscribe subscriptions unsubscribe shutdown stats ping
bridge help version"

# _launch_options CMD: CMD's options ("" for the global ones).
_launch_options()
{
	local o
	case $1 in
	'')
		o='-S -H --hosts --accept-new-host --color -v -q -h --help
		    -V --version'
		;;
	serve)
		o='-S -v -q --state-dir --history --log-size --log-files
		    --max-jobs --stats-interval --help'
		;;
	submit)
		o='-l --label -e --env --env-file --inherit-env -d --dir
		    --stdout --stderr --restart --max-restarts --ready-fd
		    --wait-ready -t --timeout --umask --rlimit -p -f --file
		    --qemu --vcpus --mem --disk --cloud-init --efi --kernel
		    --initrd --append --docker --memory --cpus --place --help'
		;;
	list)
		o='-l --long --json --labels --help' ;;
	status | subscriptions | stats | ping | version | export)
		o='--json --help' ;;
	stop | restart)
		o='-t -s --help' ;;
	wait)
		o='-t --json --help' ;;
	remove | shutdown)
		o='-t --help' ;;
	logs)
		o='-f --follow -n --lines --stderr --help' ;;
	events)
		o='-f --filter --events --json --help' ;;
	subscribe)
		o='--serve -a --addr -H --host -f --filter --events --json
		    --exec --ttl --queue-max --token --state --help'
		;;
	*)
		o=--help ;;
	esac
	printf '%s\n' "$o"
}

# _launch_takes_value CMD OPTION: whether OPTION of CMD ("" for the
# global ones) takes a value.
_launch_takes_value()
{
	case $1:$2 in
	:-[SH] | :--hosts | :--color) ;;
	serve:-S | serve:--@(state-dir|history|log-size|log-files|max-jobs)) ;;
	serve:--stats-interval) ;;
	submit:-[ledtfp]) ;;
	submit:--@(label|env|env-file|dir|stdout|stderr|restart)) ;;
	submit:--max-restarts) ;;
	submit:--@(ready-fd|timeout|umask|rlimit|file|qemu|vcpus|mem|disk)) ;;
	submit:--@(cloud-init|kernel|initrd|append|docker|memory|cpus)) ;;
	@(stop|restart):-[ts] | @(remove|wait|shutdown):-t) ;;
	logs:-n | logs:--lines) ;;
	events:-f | events:--@(filter|events)) ;;
	subscribe:-[aHf] | subscribe:--@(addr|host|filter|events|exec)) ;;
	subscribe:--ttl) ;;
	subscribe:--@(queue-max|token|state)) ;;
	*) return 1 ;;
	esac
}

# _launch_value WORD: WORD as the command will see it, in ret.
_launch_value()
{
	ret=$1
	case $ret in
	\'*\' | \"*\") ret=${ret:1:${#ret}-2} ;;
	\~/*) ret=$HOME/${ret#\~/} ;;
	esac
}

# _launch_connect OPTION VALUE: keep a -S, -H or --hosts given before
# the command (or subscribe's -H) for the calls to the daemon, in conn.
_launch_connect()
{
	_launch_value "$2"
	if [[ -z $cmd && $1 == @(-S|-H|--hosts) ]]; then
		conn+=("$1" "$ret")
	elif [[ $cmd == subscribe && $1 == @(-H|--host) ]]; then
		conn=(-H "$ret")
	fi
}

# _launch_call ARGS...: run launch with the connection options and ARGS,
# bounded in time and silent.
_launch_call()
{
	timeout -k 1 "${LAUNCH_COMPLETION_TIMEOUT:-2}" "$launch" "${conn[@]}" \
	    "$@" </dev/null 2>/dev/null
}

_launch_labels()
{
	[[ $cur == *([A-Za-z0-9._:/@+-]) ]] || return
	local glob=${cur:+$cur*}
	COMPREPLY+=($(_launch_call list --labels ${glob:+"$glob"}))
	__ltrim_colon_completions "$cur"
}

_launch_subscriptions()
{
	local json ids=
	json=$(_launch_call subscriptions --json)
	while [[ $json =~ \{\"id\":([0-9]+) ]]; do
		ids+=" ${BASH_REMATCH[1]}"
		json=${json#*"${BASH_REMATCH[0]}"}
	done
	COMPREPLY+=($(compgen -W "$ids" -- "$cur"))
}

# _launch_list WORDS...: complete the last item of a comma list in cur,
# offering WORDS not already in it.
_launch_list()
{
	local prefix='' w
	[[ $cur == *,* ]] && prefix=${cur%,*},
	for w; do
		[[ ,$prefix == *,$w,* ]] ||
		    COMPREPLY+=($(compgen -P "$prefix" -W "$w" -- "${cur##*,}"))
	done
}

# _launch_option_value CMD OPTION: complete the value of OPTION.
_launch_option_value()
{
	local prefix w
	case $1:$2 in
	*:-S | :--hosts | submit:--@(env-file|stdout|stderr|cloud-init) | \
	    submit:--@(kernel|initrd|qemu) | submit:-f | submit:--file | \
	    subscribe:--state)
		_filedir ;;
	serve:--state-dir | submit:-d | submit:--dir)
		_filedir -d ;;
	:-H)
		prefix=''
		[[ $cur == *,* ]] && prefix=${cur%,*},
		_known_hosts_real -a -p "$prefix" -- "${cur##*,}"
		local -a hosts=()
		for w in "${COMPREPLY[@]}"; do
			[[ ,$prefix == *,"${w##*,}",* ]] || hosts+=("$w")
		done
		COMPREPLY=("${hosts[@]}")
		;;
	subscribe:-H | subscribe:--host)
		_known_hosts_real -a -- "$cur" ;;
	:--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur")) ;;
	submit:--restart)
		COMPREPLY=($(compgen -W "no on-failure always" -- "$cur")) ;;
	submit:--rlimit)
		[[ $cur == *=* ]] && return
		COMPREPLY=($(compgen -S = -W "core cpu data fsize locks \
		    memlock msgqueue nice nofile nproc rss rtprio stack" \
		    -- "$cur"))
		compopt -o nospace
		;;
	*:--events)
		_launch_list failures exits all stats ;;
	@(stop|restart):-s)
		# The names launch takes: not KILL or STOP (what the timeout
		# is for, and what would never end a job), no real-time ones.
		_signals
		local -a sigs=()
		for w in "${COMPREPLY[@]}"; do
			case $w in
			KILL | STOP | RTM* | JUNK*) ;;
			*) sigs+=("$w") ;;
			esac
		done
		COMPREPLY=("${sigs[@]}")
		;;
	@(events|subscribe):-f | @(events|subscribe):--filter)
		_launch_labels ;;
	esac
}

_launch()
{
	local cur prev words cword split
	_init_completion -s -n : || return

	local launch=${words[0]} cmd='' want='' ret w i j c
	local -a conn=()
	local -i ndash=0 np=0 nargs=0
	[[ $launch == \~/* ]] && launch=$HOME/${launch#\~/}

	# Walk the words before the one being completed: the global options
	# (keeping -S, -H, --hosts), the command, its options.  want: the
	# option whose value is being completed.
	for ((i = 1; i <= cword; i++)); do
		w=${words[i]}
		if [[ -n $want ]]; then
			((i == cword)) && break
			_launch_connect "$want" "$w"
			want=''
			continue
		fi
		((i == cword)) && break
		case $w in
		--)
			if [[ $cmd == submit ]]; then
				ndash+=1
				break
			fi
			;;
		--*=*)
			_launch_connect "${w%%=*}" "${w#*=}"
			;;
		--?*)
			_launch_takes_value "$cmd" "$w" && want=$w
			;;
		-?*)
			[[ $cmd == submit && $w == -p ]] && np+=1
			for ((j = 1; j < ${#w}; j++)); do
				c=-${w:j:1}
				_launch_takes_value "$cmd" "$c" || continue
				if ((j + 1 < ${#w})); then
					_launch_connect "$c" "${w:j+1}"
				else
					want=$c
				fi
				break
			done
			[[ $cmd == submit && $want == -p ]] && break
			;;
		*)
			if [[ -z $cmd ]]; then
				cmd=$w
			else
				nargs+=1
			fi
			;;
		esac
	done

	# submit's command line: after --, or -p (which takes the rest).
	if ((ndash > 0 || np > 0)); then
		local mark=-- n=$ndash
		((ndash == 0)) && mark=-p n=$np
		for ((i = 1; i < COMP_CWORD; i++)); do
			[[ ${COMP_WORDS[i]} == "$mark" ]] && ((--n == 0)) &&
			    break
		done
		((i < COMP_CWORD)) && _command_offset $((i + 1))
		return
	fi

	if [[ $split == true && -z $want ]]; then
		# --option=value: the option is prev.
		_launch_takes_value "$cmd" "$prev" && want=$prev
	fi
	if [[ -n $want ]]; then
		_launch_option_value "$cmd" "$want"
		return
	fi

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$(_launch_options '')" \
			    -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_launch_commands" -- "$cur"))
		fi
		return
	fi

	case $cur in
	-*)
		COMPREPLY=($(compgen -W "$(_launch_options "$cmd")" -- "$cur"))
		[[ $cmd == submit ]] &&
		    COMPREPLY+=($(compgen -W "--" -- "$cur"))
		return
		;;
	esac
	case $cmd in
	stop | start | restart | remove | wait | export | list)
		_launch_labels ;;
	status | logs)
		((nargs == 0)) && _launch_labels ;;
	unsubscribe)
		_launch_subscriptions ;;
	help)
		((nargs == 0)) &&
		    COMPREPLY=($(compgen -W "$_launch_commands" -- "$cur"))
		;;
	submit)
		COMPREPLY=($(compgen -W "$(_launch_options submit) --" \
		    -- "$cur"))
		;;
	*)
		COMPREPLY=($(compgen -W "$(_launch_options "$cmd")" -- "$cur"))
		;;
	esac
} &&
	complete -F _launch launch
