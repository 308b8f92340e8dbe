# Remote tests' helpers, sourced after lib.sh: real OpenSSH servers
# (/usr/sbin/sshd, one per simulated host, each in $T with its own
# host key, config, authorized_keys and port), a client home in
# $T/home, and, where the kernel lets us, one network namespace per host
# with its own launch daemon.  Nothing here reads or writes /etc/ssh,
# the system's sshd or the real ~/.ssh; the only system path touched is
# /run/sshd (sshd's privilege separation directory, created if missing).
#
# The client (`launch -H`) reads $HOME/.ssh; the remote `launch bridge`
# that sshd runs finds its daemon through the server's SetEnv
# LAUNCH_SOCKET.  Everything started here is stopped by pid at exit (the
# ssh_cleanup hook), and the client's stderr from run_rc is kept in
# $T/remote.err, where cleanup looks for sanitizer reports: the remote
# bridge's stderr arrives there through the channel.
#
# A remote test reads:
#	. "$(dirname "$0")/../lib.sh"
#	. "$(dirname "$0")/../ssh-lib.sh"
#	ssh_setup
#	start_daemon
#	start_sshd a
#	ssh_trust a
#	run_rc 0 "remote list" rlaunch -H "$HOSTSPEC" list
#
# The remote side is a real login: sshd runs the command through the
# user's shell, in the user's real home (from passwd, not $T/home).

SSH_USER=$(id -un)
SSHD_NAMES=	# every sshd started, by name (see start_sshd)
NETNS_HOSTS=	# the N of every netns_host
NETNS_MODE=	# netns or loopback, decided by the first netns_host
_SSHD_PENALTIES=	# yes when this sshd knows PerSourcePenalties
RUN_RC_ERRLOG=$T/remote.err
CLEANUP_HOOKS="$CLEANUP_HOOKS ssh_cleanup"

# ssh_setup: skip (77, with the reason) when sshd or ssh-keygen is
# missing or when sshd would refuse this user (a locked password field,
# "!...", in /etc/shadow: sshd without PAM refuses locked accounts even
# for keys; /etc/shadow is only read).  Then: HOME=$T/home (exported)
# with a 0700 ~/.ssh and a client key ~/.ssh/id_ed25519, no ssh agent
# (SSH_AUTH_SOCK unset), no LAUNCH_HOST from the caller's environment,
# LAUNCH_REMOTE=$LAUNCH_BIN (exported: what the remote side runs), and
# /run/sshd.  Call it before start_daemon and start_sshd.
ssh_setup() {
	[ -x /usr/sbin/sshd ] || skip "/usr/sbin/sshd is missing (openssh-server)"
	command -v ssh-keygen >/dev/null ||
	    skip "ssh-keygen is missing (openssh-client)"
	command -v python3 >/dev/null || skip "python3 is missing (free ports)"
	command -v pgrep >/dev/null || skip "pgrep is missing (procps)"
	if [ -r /etc/shadow ]; then
		_su_pw=$(awk -F: -v u="$SSH_USER" '$1 == u { print $2 }' /etc/shadow)
		case $_su_pw in
		'!'*)	skip "the account $SSH_USER is locked (its /etc/shadow password field starts with '!'): sshd without PAM refuses it, keys or not" ;;
		esac
	fi
	mkdir -p /run/sshd 2>/dev/null || [ -d /run/sshd ] ||
	    skip "cannot create /run/sshd (sshd's privilege separation directory)"
	HOME=$T/home
	export HOME
	mkdir -p "$HOME/.ssh"
	chmod 700 "$HOME" "$HOME/.ssh"
	[ -f "$HOME/.ssh/id_ed25519" ] ||
	    ssh-keygen -t ed25519 -N '' -q -C launch-test -f "$HOME/.ssh/id_ed25519"
	unset SSH_AUTH_SOCK SSH_AGENT_PID LAUNCH_HOST
	LAUNCH_REMOTE=$LAUNCH_BIN
	export LAUNCH_REMOTE
}

# start_sshd [-n NETNS] NAME [ADDR] [SETENV...]: start a real
# /usr/sbin/sshd for a host called NAME, in $T/sshd-NAME/ (sshd_config,
# an ed25519 host key, authorized_keys holding the client's
# ~/.ssh/id_ed25519.pub) listening on ADDR (default 127.0.0.1; an
# argument with a "=" is already a SETENV) at a free port, with its log
# (LogLevel VERBOSE; sshd -e ends its lines with \r\n, so grep
# without a $ anchor) in $T/sshd-NAME.log; inside network namespace
# NETNS with -n.  Sessions get `SetEnv LAUNCH_SOCKET=$SOCK` (the test's
# own daemon) unless a SETENV names LAUNCH_SOCKET, the SETENV
# (NAME=VALUE) given, and ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS
# when set here.  Returns once the port accepts connections (fails if
# sshd exits or 10s pass).  Sets SSHD_PORT, SSHD_HOSTKEY (the host
# key's .pub) and HOSTSPEC (USER@ADDR:PORT); the pid is in KILL_PIDS.
# Called again for a NAME stopped by stop_sshd, it restarts that sshd
# with the same config, port and host key (new_hostkey NAME first to
# change the key); ADDR, SETENV and -n are then ignored.
start_sshd() {
	_ss_ns=
	if [ "$1" = -n ]; then
		_ss_ns=$2
		shift 2
	fi
	_ss_name=$1
	shift
	_ss_d=$T/sshd-$_ss_name
	_ss_log=$T/sshd-$_ss_name.log
	if [ -f "$_ss_d/sshd_config" ]; then
		! sshd_running "$_ss_name" ||
		    fail "start_sshd $_ss_name: it is already running"
		_ss_addr=$(cat "$_ss_d/addr")
		_ss_ns=$(cat "$_ss_d/netns")
		_ss_port=$(cat "$_ss_d/port")
		_ss_fixed=yes
	else
		_ss_addr=127.0.0.1
		case ${1-} in
		'' | *=*) ;;
		*) _ss_addr=$1; shift ;;
		esac
		mkdir -p "$_ss_d"
		echo "$_ss_addr" >"$_ss_d/addr"
		echo "$_ss_ns" >"$_ss_d/netns"
		[ -f "$_ss_d/ssh_host_ed25519_key" ] || new_hostkey "$_ss_name"
		cp "$HOME/.ssh/id_ed25519.pub" "$_ss_d/authorized_keys"
		_ss_env=
		case " $* " in
		*" LAUNCH_SOCKET="*) ;;
		*) _ss_env="\"LAUNCH_SOCKET=$SOCK\"" ;;
		esac
		for _ss_v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
			eval "_ss_val=\${$_ss_v-}"
			[ -z "$_ss_val" ] || _ss_env="$_ss_env \"$_ss_v=$_ss_val\""
		done
		for _ss_v in "$@"; do
			_ss_env="$_ss_env \"$_ss_v\""
		done
		# sshd keeps only the first SetEnv line: one line for all.
		echo "SetEnv $_ss_env" >"$_ss_d/setenv"
		_ss_port=
		_ss_fixed=
	fi
	_ss_try=1
	while :; do
		[ -n "$_ss_fixed" ] ||
		    _ss_port=$(ssh_free_port "$_ss_ns" "$_ss_addr" 2>"$T/port.err") ||
		    fail "start_sshd $_ss_name: no port on $_ss_addr: $(cat "$T/port.err")"
		_sshd_config >"$_ss_d/sshd_config"
		echo "$_ss_port" >"$_ss_d/port"
		echo "--- sshd start, $_ss_addr:$_ss_port" >>"$_ss_log"
		if [ -n "$_ss_ns" ]; then
			# ip netns exec execs sshd: $! is sshd itself.
			ip netns exec "$_ss_ns" /usr/sbin/sshd -D -e \
			    -f "$_ss_d/sshd_config" >>"$_ss_log" 2>&1 &
		else
			/usr/sbin/sshd -D -e -f "$_ss_d/sshd_config" \
			    >>"$_ss_log" 2>&1 &
		fi
		_ss_pid=$!
		echo "$_ss_pid" >"$_ss_d/pid"
		KILL_PIDS="$KILL_PIDS $_ss_pid"
		wait_for 10 "sshd $_ss_name to accept on $_ss_addr:$_ss_port" \
		    _sshd_up "$_ss_addr" "$_ss_port" "$_ss_pid"
		alive "$_ss_pid" && ! is_zombie "$_ss_pid" && break
		wait "$_ss_pid" 2>/dev/null || true
		ssh_forget_pid "$_ss_pid"
		rm -f "$_ss_d/pid"
		# Someone took the free port between the check and the bind.
		if [ -z "$_ss_fixed" ] && [ $_ss_try -lt 5 ] &&
		    tail -n 5 "$_ss_log" | grep -q 'Address already in use'; then
			_ss_try=$((_ss_try + 1))
			continue
		fi
		fail "sshd $_ss_name exited: $(tail -n 5 "$_ss_log")"
	done
	case " $SSHD_NAMES " in
	*" $_ss_name "*) ;;
	*) SSHD_NAMES="$SSHD_NAMES $_ss_name" ;;
	esac
	SSHD_PORT=$_ss_port
	SSHD_HOSTKEY=$_ss_d/ssh_host_ed25519_key.pub
	HOSTSPEC=$SSH_USER@$_ss_addr:$_ss_port
}

# sshd_extra NAME LINE: add LINE to sshd NAME's config from its next start.
sshd_extra() {
	echo "$2" >>"$T/sshd-$1/extra"
}

# The sshd_config of start_sshd (its _ss_ variables).
_sshd_config() {
	cat <<EOF
# launch test sshd "$_ss_name"
ListenAddress $_ss_addr
Port $_ss_port
HostKey $_ss_d/ssh_host_ed25519_key
PidFile $_ss_d/sshd.pid
AuthorizedKeysFile $_ss_d/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
PermitUserRC no
PermitUserEnvironment no
X11Forwarding no
PrintMotd no
PrintLastLog no
UseDNS no
LogLevel VERBOSE
EOF
	cat "$_ss_d/setenv"
	# A test's own lines (sshd_extra NAME LINE), kept across restarts.
	[ ! -f "$_ss_d/extra" ] || cat "$_ss_d/extra"
	# OpenSSH 9.8 and later hold back addresses whose logins failed,
	# which the auth failure tests would trip over.
	if [ -z "$_SSHD_PENALTIES" ]; then
		_SSHD_PENALTIES=no
		/usr/sbin/sshd -t -f /dev/null -o PerSourcePenalties=no \
		    -h "$_ss_d/ssh_host_ed25519_key" >/dev/null 2>&1 &&
		    _SSHD_PENALTIES=yes
	fi
	[ "$_SSHD_PENALTIES" = no ] || echo "PerSourcePenalties no"
}

# _sshd_up ADDR PORT PID: sshd PID accepts on ADDR:PORT, or has exited
# (start_sshd then says why).
_sshd_up() { not_alive "$3" || tcp_accepts "$1" "$2"; }

# tcp_accepts ADDR PORT: a TCP connection to ADDR:PORT is accepted.
tcp_accepts() {
	socat -u OPEN:/dev/null "TCP:$1:$2,connect-timeout=2" 2>/dev/null
}

# ssh_free_port NETNS ADDR: print a TCP port free on ADDR just now (in
# network namespace NETNS unless it is empty).
ssh_free_port() {
	_fp_py='import socket, sys
s = socket.socket()
try:
    s.bind((sys.argv[1], 0))
except OSError as e:
    sys.exit(e.strerror)
print(s.getsockname()[1])'
	if [ -n "$1" ]; then
		ip netns exec "$1" python3 -c "$_fp_py" "$2"
	else
		python3 -c "$_fp_py" "$2"
	fi
}

# new_hostkey NAME: give the (stopped) sshd NAME a new ed25519 host
# key; start_sshd NAME then serves it.
new_hostkey() {
	! sshd_running "$1" || fail "new_hostkey $1: stop_sshd $1 first"
	mkdir -p "$T/sshd-$1"
	rm -f "$T/sshd-$1/ssh_host_ed25519_key" \
	    "$T/sshd-$1/ssh_host_ed25519_key.pub"
	ssh-keygen -t ed25519 -N '' -q -C "sshd-$1" \
	    -f "$T/sshd-$1/ssh_host_ed25519_key"
}

# sshd_authorize NAME PUBKEY_FILE: sshd NAME also accepts that key.
sshd_authorize() { cat "$2" >>"$T/sshd-$1/authorized_keys"; }

# ssh_trust NAME: append sshd NAME's host key to ~/.ssh/known_hosts as
# OpenSSH writes it for a port other than 22: "[ADDR]:PORT TYPE BASE64".
ssh_trust() {
	printf '[%s]:%s %s\n' "$(cat "$T/sshd-$1/addr")" \
	    "$(cat "$T/sshd-$1/port")" \
	    "$(cut -d ' ' -f 1,2 "$T/sshd-$1/ssh_host_ed25519_key.pub")" \
	    >>"$HOME/.ssh/known_hosts"
}

# sshd_spec NAME: print sshd NAME's USER@ADDR:PORT.
sshd_spec() {
	echo "$SSH_USER@$(cat "$T/sshd-$1/addr"):$(cat "$T/sshd-$1/port")"
}

# sshd_running NAME: sshd NAME has been started and not stopped.
sshd_running() {
	[ -f "$T/sshd-$1/pid" ] && alive "$(cat "$T/sshd-$1/pid")" &&
	    ! is_zombie "$(cat "$T/sshd-$1/pid")"
}

# stop_sshd NAME: stop sshd NAME and its sessions (the processes under
# it, remote bridges included), by pid, and wait until all are gone.
stop_sshd() {
	sshd_running "$1" || fail "stop_sshd $1: it is not running"
	_sp_pid=$(cat "$T/sshd-$1/pid")
	_sp_all=$(ssh_tree "$_sp_pid")
	# shellcheck disable=SC2086
	kill -TERM $_sp_all 2>/dev/null || true
	wait_for 10 "sshd $1 and its sessions to exit" all_gone $_sp_all
	wait "$_sp_pid" 2>/dev/null || true
	ssh_forget_pid "$_sp_pid"
	rm -f "$T/sshd-$1/pid"
}

# ssh_tree PID: print PID and every process under it.
ssh_tree() {
	_tr_todo=$1 _tr_all=
	while [ -n "$_tr_todo" ]; do
		set -- $_tr_todo
		_tr_p=$1
		shift
		_tr_all="$_tr_all $_tr_p"
		_tr_todo=$(echo "$*" $(pgrep -P "$_tr_p" 2>/dev/null))
	done
	echo $_tr_all
}

# all_gone PID...: none of them is alive (zombies count as gone).
all_gone() {
	for _ag in "$@"; do not_alive "$_ag" || return 1; done
}

# ssh_forget_pid PID: take PID out of KILL_PIDS (it has been reaped, so
# the number may be reused).
ssh_forget_pid() {
	_fg=
	for _fg_p in $KILL_PIDS; do
		[ "$_fg_p" = "$1" ] || _fg="$_fg $_fg_p"
	done
	KILL_PIDS=$_fg
}

# openssh SPEC CMD...: run CMD on SPEC (USER@ADDR:PORT) with OpenSSH's
# own client, with the test's key and known_hosts only (-F none, no
# agent), host keys checked strictly, no prompts, and rlaunch's deadline.
openssh() {
	_os_user=${1%%@*} _os_rest=${1#*@}
	shift
	timeout -k 5 30 ssh -F none -p "${_os_rest##*:}" -i "$HOME/.ssh/id_ed25519" \
	    -o IdentitiesOnly=yes -o IdentityAgent=none \
	    -o UserKnownHostsFile="$HOME/.ssh/known_hosts" \
	    -o GlobalKnownHostsFile=/dev/null \
	    -o StrictHostKeyChecking=yes -o BatchMode=yes \
	    -o ConnectTimeout=5 -o LogLevel=ERROR \
	    "$_os_user@${_os_rest%:*}" "$@"
}

# netns_host N [SERVE ARGS...]: a simulated machine number N (1-254):
# a network namespace lt$$-N joined to this one by a veth pair,
# 10.231.N.1/24 on this side and 10.231.N.2/24 inside (another free
# 10.231.X.0/24 if a concurrent run holds that one), with, inside it, a
# launch daemon (`serve -v -S $T/hN/sock SERVE ARGS`, state in
# $T/hN/state, log in $T/hN/daemon.log) and an sshd on 10.231.N.2 named
# hN whose sessions get LAUNCH_SOCKET=$T/hN/sock, its key already in
# known_hosts.  Where network namespaces cannot be made (not root, no
# veth; or LAUNCH_TEST_NO_NETNS is set), the hosts are 127.0.0.N on the
# loopback instead, each still with its own daemon and sshd, and a NOTE
# says so.  Sets HOST_N_SPEC
# (USER@ADDR:PORT), HOST_N_SOCK (the daemon's socket, reachable from
# here), HOST_N_ADDR (the host's address) and HOST_N_PEER (this side's
# address as the host sees it: where it connects back to).  At exit
# the sshd is stopped, the daemon is sent SIGTERM and must exit 0 (as
# lib.sh's daemon), and the namespace is deleted.
netns_host() {
	_nh_n=$1
	shift
	_nh_d=$T/h$_nh_n
	mkdir -p "$_nh_d"
	[ -n "$NETNS_MODE" ] || _ssh_netns_probe
	_nh_ns=
	if [ "$NETNS_MODE" = netns ]; then
		_nh_ns=lt$$-$_nh_n
		_ssh_netns_make "$_nh_n" "$_nh_ns"
	else
		_nh_addr=127.0.0.$_nh_n
		_nh_peer=127.0.0.1
	fi
	echo "$_nh_ns" >"$_nh_d/netns"
	NETNS_HOSTS="$NETNS_HOSTS $_nh_n"
	if [ -n "$_nh_ns" ]; then
		ip netns exec "$_nh_ns" env LAUNCH_SOCKET="$_nh_d/sock" \
		    LAUNCH_STATE_DIR="$_nh_d/state" "$LAUNCH" serve -v \
		    -S "$_nh_d/sock" "$@" >>"$_nh_d/daemon.log" 2>&1 &
	else
		env LAUNCH_SOCKET="$_nh_d/sock" \
		    LAUNCH_STATE_DIR="$_nh_d/state" "$LAUNCH" serve -v \
		    -S "$_nh_d/sock" "$@" >>"$_nh_d/daemon.log" 2>&1 &
	fi
	_nh_pid=$!
	echo "$_nh_pid" >"$_nh_d/daemon.pid"
	wait_for 10 "host $_nh_n's daemon to answer" \
	    _ssh_daemon_up "$_nh_d/sock" "$_nh_pid"
	alive "$_nh_pid" ||
	    fail "host $_nh_n's daemon exited: $(tail -n 5 "$_nh_d/daemon.log")"
	if [ -n "$_nh_ns" ]; then
		start_sshd -n "$_nh_ns" "h$_nh_n" "$_nh_addr" \
		    "LAUNCH_SOCKET=$_nh_d/sock"
	else
		start_sshd "h$_nh_n" "$_nh_addr" "LAUNCH_SOCKET=$_nh_d/sock"
	fi
	ssh_trust "h$_nh_n"
	eval "HOST_${_nh_n}_SPEC=\$HOSTSPEC HOST_${_nh_n}_SOCK=\$_nh_d/sock"
	eval "HOST_${_nh_n}_ADDR=\$_nh_addr HOST_${_nh_n}_PEER=\$_nh_peer"
}

# _ssh_daemon_up SOCK PID: the daemon answers on SOCK, or has exited.
_ssh_daemon_up() { "$LAUNCH" -S "$1" -q ping || not_alive "$2"; }

# Decide NETNS_MODE once: a namespace with a veth pair into it can be
# made (netns), or not (loopback, with a NOTE).
_ssh_netns_probe() {
	NETNS_MODE=loopback
	_pr_ns=lt$$-probe
	if [ -n "${LAUNCH_TEST_NO_NETNS-}" ]; then
		_pr_why="LAUNCH_TEST_NO_NETNS is set"
	elif [ "$(id -u)" -ne 0 ]; then
		_pr_why="not root"
	elif ! command -v ip >/dev/null; then
		_pr_why="no ip command (iproute2)"
	elif ! _pr_why=$(ip netns add "$_pr_ns" 2>&1); then
		:
	elif ! _pr_why=$(ip link add "lt$$-pa" type veth peer name "lt$$-pb" \
	    netns "$_pr_ns" 2>&1); then
		ip netns del "$_pr_ns" 2>/dev/null
	else
		ip netns del "$_pr_ns"
		NETNS_MODE=netns
		return 0
	fi
	echo "NOTE: no network namespaces ($(echo $_pr_why)): the hosts are" \
	    "127.0.0.N on the loopback, each with its own sshd and daemon"
}

# _ssh_netns_make N NS: namespace NS joined to this one by a veth pair
# lt$$-Na (here) / lt$$-Nb (inside), on the first 10.231.X.0/24 from
# X = N that no interface here has (a concurrent run may hold some),
# chosen and assigned under a lock shared by every run.  Sets _nh_addr
# (inside) and _nh_peer (this side).
_ssh_netns_make() {
	ip netns add "$2" || fail "ip netns add $2 failed"
	echo "$2" >>"$T/netns.list"
	_mk_lock=
	if command -v flock >/dev/null; then
		exec 9>>/tmp/launch-test-netns.lock
		flock -w 30 9 && _mk_lock=yes
	fi
	_mk_x=$1 _mk_i=0
	while ip -o -4 addr show | grep -q " inet 10\.231\.$_mk_x\."; do
		_mk_i=$((_mk_i + 1))
		[ $_mk_i -lt 254 ] || fail "every 10.231.X.0/24 is taken"
		_mk_x=$((_mk_x % 254 + 1))
	done
	_nh_peer=10.231.$_mk_x.1
	_nh_addr=10.231.$_mk_x.2
	_mk_ok=yes
	ip link add "lt$$-${1}a" type veth peer name "lt$$-${1}b" netns "$2" &&
	    ip addr add "$_nh_peer/24" dev "lt$$-${1}a" &&
	    ip link set "lt$$-${1}a" up &&
	    ip -n "$2" addr add "$_nh_addr/24" dev "lt$$-${1}b" &&
	    ip -n "$2" link set "lt$$-${1}b" up &&
	    ip -n "$2" link set lo up || _mk_ok=
	if [ -n "$_mk_lock" ]; then flock -u 9; fi
	# Close it: the daemons and sshds started next must not hold it.
	exec 9>&-
	[ -n "$_mk_ok" ] || fail "could not set up the veth pair of $2"
}

# rlaunch ARGS...: "$LAUNCH" ARGS with a deadline: past 30s it is
# killed (exit 124), so that a remote client stuck on a connection
# fails the test instead of hanging it.
rlaunch() { timeout -k 5 30 "$LAUNCH" "$@"; }

# hlaunch N ARGS...: launch ARGS against host N's daemon, directly on
# its socket (no ssh): the tests' view of what really happened there.
hlaunch() {
	_hl_n=$1
	shift
	"$LAUNCH" -S "$T/h$_hl_n/sock" "$@"
}

# hjob_field N LABEL FIELD: job_field on host N ("null" if unset,
# nothing if there is no such job).
hjob_field() {
	hlaunch "$1" list --json | jq -r --arg l "$2" ".[] | select(.label == \$l) | .$3"
}
# hjob_is N LABEL FIELD VALUE: hjob_field N LABEL FIELD prints VALUE.
hjob_is() { [ "$(hjob_field "$1" "$2" "$3")" = "$4" ]; }
# hlabels N: host N's job labels, sorted, on one line.
hlabels() {
	hlaunch "$1" list --json | jq -r '.[].label' | sort | tr '\n' ' ' |
	    sed 's/ $//'
}

# hsub_settled N ID COUNT: sub_settled on host N's daemon: its
# subscription ID has been given COUNT events and all are acknowledged.
hsub_settled() {
	[ "$(hlaunch "$1" subscriptions --json | jq -c --argjson id "$2" \
	    '.[] | select(.id == $id) | [.next_seq - 1, .delivered, .queued]')" = \
	    "[$3,$3,0]" ]
}

# The CLEANUP_HOOKS entry: sshds (and their sessions) first, then the
# hosts' daemons (SIGTERM; each must exit 0 and log no sanitizer
# report), then the namespaces.  On failure, the ends of the sshd logs,
# the hosts' daemon logs and the client's stderr are shown.
ssh_cleanup() {
	for _cl_name in $SSHD_NAMES; do
		sshd_running "$_cl_name" || continue
		_cl_pid=$(cat "$T/sshd-$_cl_name/pid")
		# shellcheck disable=SC2046
		kill -TERM $(ssh_tree "$_cl_pid") 2>/dev/null
		_cl_i=0
		while ! not_alive "$_cl_pid" && [ $_cl_i -lt 100 ]; do
			sleep 0.05; _cl_i=$((_cl_i + 1))
		done
		kill -KILL "$_cl_pid" 2>/dev/null
		wait "$_cl_pid" 2>/dev/null
		ssh_forget_pid "$_cl_pid"
		rm -f "$T/sshd-$_cl_name/pid"
	done
	for _cl_n in $NETNS_HOSTS; do
		[ -f "$T/h$_cl_n/daemon.pid" ] &&
		    kill -TERM "$(cat "$T/h$_cl_n/daemon.pid")" 2>/dev/null
	done
	for _cl_n in $NETNS_HOSTS; do
		[ -f "$T/h$_cl_n/daemon.pid" ] || continue
		_cl_pid=$(cat "$T/h$_cl_n/daemon.pid")
		_cl_i=0
		while ! not_alive "$_cl_pid" && [ $_cl_i -lt 200 ]; do
			sleep 0.05; _cl_i=$((_cl_i + 1))
		done
		kill -KILL "$_cl_pid" 2>/dev/null
		wait "$_cl_pid" 2>/dev/null
		_cl_st=$?
		rm -f "$T/h$_cl_n/daemon.pid"
		if [ $rc -eq 0 ] && [ $_cl_st -ne 0 ]; then
			echo "FAIL: host $_cl_n's daemon exited with status $_cl_st"
			rc=1
		fi
		if [ $rc -eq 0 ] &&
		    grep -qE 'Sanitizer|runtime error' "$T/h$_cl_n/daemon.log"; then
			echo "FAIL: sanitizer report in host $_cl_n's daemon log"
			rc=1
		fi
	done
	if [ -f "$T/netns.list" ]; then
		while read -r _cl_ns; do
			# Whatever still runs in it is ours (jobs of a killed
			# daemon): by pid, before the namespace goes.
			# shellcheck disable=SC2046
			kill -KILL $(ip netns pids "$_cl_ns" 2>/dev/null) 2>/dev/null
			ip netns del "$_cl_ns"
		done <"$T/netns.list"
	fi
	if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
		for _cl_f in "$T"/sshd-*.log "$T"/h*/daemon.log "$T/remote.err"; do
			[ -s "$_cl_f" ] || continue
			echo "--- ${_cl_f#"$T"/} (last 8 lines)"
			tail -n 8 "$_cl_f"
		done
	fi
}
