#!/bin/bash
# podman-service.sh start DIR | stop DIR
#
# A private, rootful podman serving the Docker Engine API on
# unix://DIR/podman.sock for the container-job tests.  Its configuration
# comes only from files written under DIR and its state lives under DIR;
# nothing in /etc or ~ is read for configuration or written.  Every
# podman process started here (CLI calls, the service and, through the
# environment they inherit, conmon and the `podman container cleanup`
# exit commands) runs with
#   CONTAINERS_CONF=DIR/containers.conf      the only containers.conf read
#   CONTAINERS_STORAGE_CONF=DIR/storage.conf the only storage.conf read
#   CONTAINERS_REGISTRIES_CONF=DIR/registries.conf  no search registries,
#                                  short names disabled (no alias cache)
#   HOME=DIR/home                  c/image reads DIR/home/.config/
#                                  containers/policy.json, not ~ or /etc
#   XDG_RUNTIME_DIR, XDG_CONFIG_HOME, XDG_DATA_HOME, REGISTRY_AUTH_FILE,
#   TMPDIR                         under DIR as well
# and without CONTAINER_HOST/CONTAINER_CONNECTION (would make the CLI a
# remote client), STORAGE_DRIVER/STORAGE_OPTS (override storage.conf),
# LISTEN_FDS/LISTEN_PID/LISTEN_FDNAMES (socket activation), NOTIFY_SOCKET.
#
# containers.conf:
#   [containers] netns="none"      no network for CLI containers (the
#                                  smoke test below)
#   [containers] log_driver="k8s-file"  a log file the API's
#                                  /containers/ID/logs serves (no journald)
#   [containers] default_ulimits   podman's defaults for root (nofile
#                                  1048576, ...) exceed this host's hard
#                                  limits and, without CAP_SYS_RESOURCE,
#                                  crun fails ("setrlimit RLIMIT_NOFILE:
#                                  Operation not permitted"); use
#                                  min(20000, ulimit -Hn), min(32768,
#                                  ulimit -Hu)
#   [engine] runtime="crun"        (podman's default on cgroup v1 is runc)
#   [engine] cgroup_manager="cgroupfs"  no systemd
#   [engine] events_logger="file"  no journald; DIR/events/events.log
#   [engine] tmp_dir, static_dir, volume_path, image_copy_tmp_dir,
#            hooks_dir             under DIR (no host OCI hooks either)
#   [engine] lock_type="file"      locks in tmp_dir: the default shm lock
#                                  (/dev/shm/libpod_lock) is shared by all
#                                  rootful podmans, and podman frees all of
#                                  it when it meets a new tmp_dir
#   [network] network_config_dir   DIR/networks, not /etc/cni/net.d
#   [network] default_network="launch-none", defined in DIR/networks as a
#                                  CNI network with only the "loopback"
#                                  plugin: podman 4.3's compat API turns an
#                                  empty or "default" HostConfig.NetworkMode
#                                  into "bridge" whatever netns says, which
#                                  means the default network, normally
#                                  cni-podman0 with iptables rules and IPAM
#                                  state in /var/lib/cni.  This one gives
#                                  the container only "lo", as "none" does.
# storage.conf: driver "vfs" (any filesystem, overlayfs and tmpfs too, no
# fuse; a container costs a copy of the 2 MB image), graphroot=DIR/storage,
# runroot=DIR/run.
#
# What still happens outside DIR:
#  - on hybrid cgroups crun 1.x refuses to run while any controller is
#    bound to the cgroup2 hierarchy ("cgroups in hybrid mode not supported,
#    drop all controllers from cgroupv2"), so `start` mounts each controller
#    listed in /sys/fs/cgroup/unified/cgroup.controllers (hugetlb, here) as
#    cgroup v1 at /sys/fs/cgroup/NAME, and leaves it mounted;
#  - containers get cgroups under /libpod_parent, crun keeps its state in
#    /run/crun (by container ID), a container on the default network has a
#    netns file in /run/netns and a CNI result file in /var/lib/cni/results
#    while it exists (none of that with NetworkMode "none");
#  - podman 4.3 (containers/common 0.50) puts the blob-info cache of every
#    image copy (import, load, build and save alike) in
#    /var/lib/containers/cache, whatever graphroot is: the first start
#    creates /var/lib/containers/cache/blob-info-cache-v1.boltdb, a digest
#    cache shared with any rootful podman, with no effect on what runs.
#
# The image localhost/launch-test-busybox:latest comes from `podman import`
# of a tarball of a busybox rootfs: the static busybox at /bin/busybox and
# a symlink per applet where `busybox --list-full` puts it, plus
# /etc/passwd and /etc/group.  No registry is involved.
#
# `start` checks that podman can run a container here (CLI, smoke test),
# starts `podman system service --time=0` in the background (pid in
# DIR/podman.pid, output in DIR/podman.log, all else in DIR/setup.log;
# it keeps no descriptor but 0-2 so `$(... start DIR)` returns), polls
# GET /_ping for up to 20 s and prints DOCKER_HOST=unix://DIR/podman.sock.
# While that service runs, `start` only prints the line again.
# `stop` removes all containers (podman rm -af -t 0 with the same private
# configuration), ends the service by its recorded pid (TERM, KILL after
# 10 s) and waits for it, kills any conmon left for DIR and unmounts what
# is still mounted under DIR, so that `rm -rf DIR` works.  It leaves DIR.
#
# Exit status: 0 on success, 77 (skip) when podman cannot work on this
# machine, with one line on stderr saying why, 1 on other errors.
set -eu

IMAGE=localhost/launch-test-busybox:latest
PROG=${0##*/}
PING_TIMEOUT=20
STOP_TIMEOUT=10

skip() {
	printf '%s: skip: %s\n' "$PROG" "$*" >&2
	exit 77
}

die() {
	printf '%s: %s\n' "$PROG" "$*" >&2
	exit 1
}

usage() {
	echo "usage: $PROG start|stop DIR" >&2
	exit 2
}

# Milliseconds since the epoch.
now_ms() {
	local t
	t=$(date +%s%N)
	echo $((t / 1000000))
}

# Last non-empty line of a file, for one-line reasons.
last_line() {
	grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1 || true
}

private_env() {
	unset CONTAINER_HOST CONTAINER_CONNECTION CONTAINERS_CONF_OVERRIDE \
		STORAGE_DRIVER STORAGE_OPTS LISTEN_FDS LISTEN_PID \
		LISTEN_FDNAMES NOTIFY_SOCKET
	export CONTAINERS_CONF=$D/containers.conf
	export CONTAINERS_STORAGE_CONF=$D/storage.conf
	export CONTAINERS_REGISTRIES_CONF=$D/registries.conf
	export REGISTRY_AUTH_FILE=$D/auth.json
	export HOME=$D/home
	export XDG_CONFIG_HOME=$D/home/.config
	export XDG_DATA_HOME=$D/home/.local/share
	export XDG_RUNTIME_DIR=$D/xdg
	export TMPDIR=$D/tmp
}

# True when PID is the `podman system service` serving DIR's socket.
is_service() {
	local pid=$1 cmd
	[ -r "/proc/$pid/cmdline" ] || return 1
	cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
	case $cmd in
	*"system service"*"unix://$D/podman.sock"*) return 0 ;;
	esac
	return 1
}

# True when PID exists and is not a zombie.
alive() {
	local st
	st=$(sed -n 's/^.*) \(.\).*/\1/p' 2>/dev/null <"/proc/$1/stat") || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

ping_ok() {
	[ "$(curl -sS --max-time 2 --unix-socket "$D/podman.sock" \
		http://d/_ping 2>/dev/null)" = OK ]
}

# On hybrid cgroups move every controller still bound to cgroup2 to its
# own v1 hierarchy (see the top of this file).
fix_hybrid_cgroups() {
	local u=/sys/fs/cgroup/unified c
	[ -r "$u/cgroup.controllers" ] || return 0
	[ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || return 0
	# shellcheck disable=SC2013 # one line of space-separated names
	for c in $(cat "$u/cgroup.controllers"); do
		if ! mkdir -p "/sys/fs/cgroup/$c" 2>/dev/null ||
			! mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" 2>/dev/null; then
			# Another start may have won the race.
			grep -qw "$c" "$u/cgroup.controllers" &&
				skip "hybrid cgroups: controller $c is on cgroup2 and cannot be mounted as cgroup v1 at /sys/fs/cgroup/$c (crun refuses hybrid mode otherwise)"
		fi
	done
	[ -z "$(cat "$u/cgroup.controllers")" ] ||
		skip "hybrid cgroups: controllers still on cgroup2: $(cat "$u/cgroup.controllers")"
}

write_config() {
	local hn hu nofile=20000 nproc=32768
	hn=$(ulimit -Hn)
	hu=$(ulimit -Hu)
	[ "$hn" = unlimited ] || [ "$hn" -ge "$nofile" ] || nofile=$hn
	[ "$hu" = unlimited ] || [ "$hu" -ge "$nproc" ] || nproc=$hu
	mkdir -p "$D/home/.config/containers" "$D/home/.local/share" \
		"$D/xdg" "$D/tmp" "$D/hooks.d" "$D/networks" "$D/events"
	chmod 700 "$D/xdg"
	cat >"$D/containers.conf" <<EOF
# Generated by $PROG; see the comments there.
[containers]
netns = "none"
log_driver = "k8s-file"
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "crun"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$D/events/events.log"
tmp_dir = "$D/libpod-tmp"
static_dir = "$D/storage/libpod"
volume_path = "$D/volumes"
image_copy_tmp_dir = "$D/tmp"
hooks_dir = ["$D/hooks.d"]
lock_type = "file"

[network]
network_config_dir = "$D/networks"
default_network = "launch-none"
EOF
	cat >"$D/networks/launch-none.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "launch-none", "plugins": [{"type": "loopback"}]}
EOF
	cat >"$D/storage.conf" <<EOF
# Generated by $PROG.
[storage]
driver = "vfs"
graphroot = "$D/storage"
runroot = "$D/run"
EOF
	cat >"$D/registries.conf" <<EOF
# Generated by $PROG: no registry is ever contacted.
unqualified-search-registries = []
short-name-mode = "disabled"
EOF
	cat >"$D/home/.config/containers/policy.json" <<EOF
{"default": [{"type": "insecureAcceptAnything"}]}
EOF
	# REGISTRY_AUTH_FILE must exist.
	[ -f "$D/auth.json" ] || echo '{"auths": {}}' >"$D/auth.json"
}

# Writes DIR/rootfs.tar, a busybox rootfs (reproducible: the same
# busybox gives the same tarball and so the same layer digest).
build_rootfs_tar() {
	local bb=$1 r=$D/rootfs p
	rm -rf "$r"
	mkdir -p "$r/bin" "$r/sbin" "$r/usr/bin" "$r/usr/sbin" "$r/etc" \
		"$r/proc" "$r/sys" "$r/dev" "$r/root" "$r/run" "$r/var"
	mkdir -m 1777 "$r/tmp"
	cp "$bb" "$r/bin/busybox"
	for p in $("$bb" --list-full); do
		[ "$p" = bin/busybox ] || ln -sf /bin/busybox "$r/$p"
	done
	[ -e "$r/bin/sh" ] || ln -s busybox "$r/bin/sh"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
	tar -C "$r" --sort=name --mtime=@0 --owner=0 --group=0 \
		--numeric-owner -cf "$D/rootfs.tar" .
	rm -rf "$r"
}

do_start() {
	local t0 t1 bb pid deadline rc=0 v
	t0=$(now_ms)
	for v in podman crun curl; do
		command -v "$v" >/dev/null 2>&1 || skip "$v is not installed"
	done
	command -v conmon >/dev/null 2>&1 || [ -x /usr/libexec/podman/conmon ] ||
		skip "conmon is not installed"
	bb=/bin/busybox
	[ -x "$bb" ] || bb=$(command -v busybox 2>/dev/null) ||
		skip "busybox (busybox-static) is not installed"
	if command -v ldd >/dev/null 2>&1 && ldd "$bb" >/dev/null 2>&1; then
		skip "$bb is dynamically linked; the test image needs busybox-static"
	fi
	# Unix socket paths are limited to 107 bytes.
	[ ${#D} -le 90 ] || die "DIR too long for a unix socket path: $D"

	private_env
	if [ -f "$D/podman.pid" ]; then
		pid=$(cat "$D/podman.pid")
		if is_service "$pid"; then
			ping_ok || die "service pid $pid runs but $D/podman.sock does not answer /_ping"
			echo "DOCKER_HOST=unix://$D/podman.sock"
			return 0
		fi
		rm -f "$D/podman.pid"
	fi

	fix_hybrid_cgroups
	write_config
	: >"$D/setup.log"
	if ! podman image exists "$IMAGE" >>"$D/setup.log" 2>&1; then
		build_rootfs_tar "$bb" >>"$D/setup.log" 2>&1 ||
			die "building the busybox rootfs tarball failed: $(last_line "$D/setup.log")"
		podman import -q \
			--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			--change 'CMD ["sh"]' \
			"$D/rootfs.tar" "$IMAGE" >>"$D/setup.log" 2>&1 ||
			skip "podman import failed: $(last_line "$D/setup.log")"
		rm -f "$D/rootfs.tar"
	fi
	# Smoke test: crun, cgroups and rlimits problems show up here, as a
	# skip with crun's own message, instead of in the first test.
	podman run --rm --network=none --name launch-smoke-$$ "$IMAGE" true \
		>>"$D/setup.log" 2>&1 ||
		skip "podman cannot run a container here: $(last_line "$D/setup.log")"

	rm -f "$D/podman.sock"
	: >"$D/podman.log"
	t1=$(now_ms)
	(
		# Close every inherited descriptor above 2 (a pipe held open
		# by a long-lived service would hang whoever reads it).
		for v in "/proc/$BASHPID/fd/"*; do
			v=${v##*/}
			[ "$v" -le 2 ] || eval "exec $v>&-" 2>/dev/null || true
		done
		exec podman --log-level=info system service --time=0 \
			"unix://$D/podman.sock" </dev/null >>"$D/podman.log" 2>&1
	) &
	pid=$!
	echo "$pid" >"$D/podman.pid"
	deadline=$(($(now_ms) + PING_TIMEOUT * 1000))
	until ping_ok; do
		if ! alive "$pid"; then
			wait "$pid" || rc=$?
			rm -f "$D/podman.pid"
			skip "podman system service exited ($rc): $(last_line "$D/podman.log")"
		fi
		if [ "$(now_ms)" -ge "$deadline" ]; then
			kill -KILL "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
			rm -f "$D/podman.pid"
			skip "podman system service did not answer /_ping within ${PING_TIMEOUT}s: $(last_line "$D/podman.log")"
		fi
		sleep 0.05
	done
	echo "service pid $pid answered /_ping $(($(now_ms) - t1)) ms after it was started; start took $(($(now_ms) - t0)) ms" >>"$D/setup.log"
	echo "DOCKER_HOST=unix://$D/podman.sock"
}

# Kills conmon processes monitoring containers of this DIR (only left over
# when `podman rm` failed).
kill_stray_conmons() {
	local f pid
	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		case $(tr '\0' ' ' 2>/dev/null <"$f") in
		*conmon*"--exit-dir $D/"*) kill -KILL "$pid" 2>/dev/null || true ;;
		esac
	done
}

do_stop() {
	local pid='' deadline m
	private_env
	if [ -f "$D/containers.conf" ]; then
		podman rm -af -t 0 >>"$D/stop.log" 2>&1 || true
		kill_stray_conmons
	fi
	[ -f "$D/podman.pid" ] && pid=$(cat "$D/podman.pid")
	if [ -n "$pid" ] && is_service "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		deadline=$(($(now_ms) + STOP_TIMEOUT * 1000))
		while is_service "$pid" && [ "$(now_ms)" -lt "$deadline" ]; do
			sleep 0.05
		done
		if is_service "$pid"; then
			kill -KILL "$pid" 2>/dev/null || true
			deadline=$(($(now_ms) + 5000))
			while is_service "$pid" && [ "$(now_ms)" -lt "$deadline" ]; do
				sleep 0.05
			done
			! is_service "$pid" || die "service pid $pid survives SIGKILL"
		fi
	fi
	rm -f "$D/podman.pid" "$D/podman.sock"
	# Container /dev/shm tmpfs and the like, deepest first (mount points
	# are octal-escaped in mountinfo, so never contain blanks).
	# shellcheck disable=SC2013
	for m in $(awk -v d="$D/" 'index($5, d) == 1 { print $5 }' \
		/proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
}

[ $# -eq 2 ] || usage
case $1 in
start)
	[ "$(id -u)" = 0 ] ||
		skip "needs root (rootful podman with cgroupfs), running as uid $(id -u)"
	mkdir -p "$2"
	D=$(cd "$2" && pwd -P)
	do_start
	;;
stop)
	[ -d "$2" ] || exit 0
	D=$(cd "$2" && pwd -P)
	do_stop
	;;
*) usage ;;
esac
