#!/bin/bash
# build-test-vm.sh OUTDIR
#
# Builds a tiny bootable test VM for launch's qemu-job integration tests:
#
#   OUTDIR/vmlinuz     Debian's stock kernel (the package that the
#                      linux-image-amd64 metapackage depends on), fetched with
#                      `apt-get download` and unpacked with `dpkg-deb -x`.
#                      Nothing is installed on the host and no root is needed.
#   OUTDIR/initrd.img  gzip'd newc cpio: static busybox, the handful of kernel
#                      modules the guest needs, and an /init shell script.
#
# Boot it with -kernel/-initrd (no disk image or bootloader needed), e.g.:
#
#   qemu-system-x86_64 -machine q35,accel=tcg -m 256 -smp 1 -nodefaults \
#     -display none -serial stdio -no-reboot \
#     -kernel OUTDIR/vmlinuz -initrd OUTDIR/initrd.img \
#     -append 'console=ttyS0 quiet panic=-1' \
#     -drive file=disk.qcow2,if=virtio \
#     -drive file=cfg.iso,format=raw,if=virtio,readonly=on
#
# What /init does in the guest (console = first serial port, ttyS0):
#   1. mounts proc, sysfs, devtmpfs;
#   2. insmods the modules in dependency order: virtio PCI + virtio-blk (disks
#      and the config-drive ISO, which is attached as a *virtio* disk too, so no
#      IDE/AHCI/SCSI/sr stack is needed), cdrom + isofs (iso9660), button (ACPI
#      power button) and evdev (so busybox acpid can read the button event);
#   3. starts `busybox acpid -f` in the background and waits until it has
#      opened the input event devices (a power button press before that is
#      lost), then prints the marker line  LAUNCH-TEST-VM-BOOTED
#      -- so once the marker is seen, system_powerdown is guaranteed to work;
#   4. looks on /dev/vd* and /dev/sr* for an iso9660 filesystem labelled
#      "config-2" (OpenStack config drive); if found prints
#         CONFIG-DRIVE:<openstack/latest/meta_data.json, as one line>
#         USER-DATA:<first line of openstack/latest/user_data>   (if present)
#      and otherwise  CONFIG-DRIVE-NOT-FOUND
#   5. waits on acpid; the ACPI power button event (qemu's system_powerdown)
#      runs /etc/acpi/PWRF/00000080, which prints LAUNCH-TEST-VM-POWEROFF and
#      does `poweroff -f`, so qemu exits by itself.
#      acpid is restarted if it ever exits, so init never exits (no panic).
#   Add `launchtest.debug` to the kernel command line for acpid debug output.
#
# Idempotent: exits at once if OUTDIR/vmlinuz and OUTDIR/initrd.img exist and
# are newer than this script.  Needs: apt-get (with package lists), dpkg-deb,
# busybox-static, cpio, gzip (and xz/zstd only if the modules are compressed).

set -eu

PROG=${0##*/}
die() { echo "$PROG: error: $*" >&2; exit 1; }
msg() { echo "$PROG: $*" >&2; }

[ $# -eq 1 ] || { echo "usage: $PROG OUTDIR" >&2; exit 2; }
OUTDIR=$1
SCRIPT=$(cd "$(dirname "$0")" && pwd)/${0##*/}

if [ -f "$OUTDIR/vmlinuz" ] && [ -f "$OUTDIR/initrd.img" ] &&
   [ "$OUTDIR/vmlinuz" -nt "$SCRIPT" ] && [ "$OUTDIR/initrd.img" -nt "$SCRIPT" ]; then
	exit 0
fi

# Modules wanted in the guest; their dependencies are added automatically.
WANT_MODULES="virtio_pci virtio_blk isofs button evdev"

for t in apt-get apt-cache dpkg-deb cpio gzip; do
	command -v "$t" >/dev/null 2>&1 || die "'$t' not found"
done
BUSYBOX=
for b in /bin/busybox /usr/bin/busybox; do
	[ -x "$b" ] && { BUSYBOX=$b; break; }
done
[ -n "$BUSYBOX" ] || die "busybox not found (apt-get install busybox-static)"
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	die "$BUSYBOX is dynamically linked; need busybox-static"
fi

mkdir -p "$OUTDIR" || die "cannot create $OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/build-test-vm.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM HUP

# --- 1. kernel package ----------------------------------------------------
PKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: *\(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
[ -n "$PKG" ] || die "cannot find the kernel package linux-image-amd64 depends on (run apt-get update?)"
msg "downloading $PKG"
( cd "$TMP" && apt-get download -q "$PKG" >download.log 2>&1 ) ||
	{ cat "$TMP/download.log" >&2; die "apt-get download $PKG failed"; }
DEB=$(ls "$TMP"/*.deb 2>/dev/null | head -n 1)
[ -n "$DEB" ] || die "apt-get download produced no .deb"
dpkg-deb -x "$DEB" "$TMP/pkg" || die "dpkg-deb -x $DEB failed"

KVER=$(ls "$TMP/pkg/lib/modules" 2>/dev/null | head -n 1)
[ -n "$KVER" ] || die "no lib/modules/<version> in $PKG"
[ -f "$TMP/pkg/boot/vmlinuz-$KVER" ] || die "no boot/vmlinuz-$KVER in $PKG"
KMOD=$TMP/pkg/lib/modules/$KVER/kernel

# --- modules: resolve dependencies from each module's .modinfo -------------
# (the .deb ships no modules.dep; depmod runs in its postinst.)
# Prints the path of module $1 (as .ko, decompressed into $TMP/ko if needed).
mod_file() {
	alt=$(echo "$1" | tr _ -)
	f=$(find "$KMOD" \( -name "$1.ko" -o -name "$1.ko.*" -o -name "$alt.ko" -o -name "$alt.ko.*" \) | head -n 1)
	[ -n "$f" ] || return 1
	mkdir -p "$TMP/ko"
	out=$TMP/ko/$1.ko
	if [ ! -f "$out" ]; then
		case $f in
		*.ko)     cp "$f" "$out" ;;
		*.ko.xz)  xz -dc "$f" >"$out" ;;
		*.ko.zst) zstd -qdc "$f" >"$out" ;;
		*.ko.gz)  gzip -dc "$f" >"$out" ;;
		*) false ;;
		esac || { rm -f "$out"; return 1; }
	fi
	echo "$out"
}
mod_deps() {
	tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' '
}
ORDER=
add_module() {
	case " $ORDER " in *" $1 "*) return 0 ;; esac
	# built in? nothing to load
	if grep -q "/$1\.ko\$" "$TMP/pkg/lib/modules/$KVER/modules.builtin" 2>/dev/null; then
		return 0
	fi
	f=$(mod_file "$1") || die "module $1 not found in $PKG (or could not be decompressed)"
	for d in $(mod_deps "$f"); do
		add_module "$d"
	done
	ORDER="$ORDER $1"
}
for m in $WANT_MODULES; do
	add_module "$m"
done
ORDER=${ORDER# }
msg "kernel $KVER, modules (load order): $ORDER"

# --- 2. initramfs -------------------------------------------------------------
R=$TMP/initrd
mkdir -p "$R/bin" "$R/sbin" "$R/usr/bin" "$R/usr/sbin" "$R/lib/modules" \
	"$R/dev" "$R/proc" "$R/sys" "$R/tmp" "$R/mnt" "$R/var/log" "$R/var/run" \
	"$R/etc/acpi/PWRF" "$R/root"
cp "$BUSYBOX" "$R/bin/busybox"
for a in $("$BUSYBOX" --list); do
	[ "$a" = busybox ] || ln -s busybox "$R/bin/$a"
done
for m in $ORDER; do
	cp "$TMP/ko/$m.ko" "$R/lib/modules/$m.ko"
done
echo "$ORDER" >"$R/lib/modules/load-order"

# busybox acpid maps the KEY_POWER input event to "PWRF/00000080" and runs
# /etc/acpi/PWRF/00000080 (relative to its config dir).
printf 'PWRF PWRF/00000080\n' >"$R/etc/acpid.conf"
cat >"$R/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/busybox sh
echo LAUNCH-TEST-VM-POWEROFF >/dev/console
sync
poweroff -f
EOF
chmod 755 "$R/etc/acpi/PWRF/00000080"

cat >"$R/init" <<'EOF'
#!/bin/busybox sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

for m in $(cat /lib/modules/load-order); do
	insmod /lib/modules/$m.ko || echo "init: insmod $m failed"
done

# Start acpid *before* printing the marker, and wait until it has opened
# every /dev/input/event* node: a power button press that arrives before
# that is silently lost, and tests send system_powerdown right after the
# marker.
dbg=
grep -q launchtest.debug /proc/cmdline && dbg=-d
start_acpid() {
	acpid -f $dbg -c /etc/acpi -a /etc/acpid.conf -l /var/log/acpid.log &
	ACPID=$!
	want=$(ls /dev/input/event* 2>/dev/null | wc -l)
	i=0
	while [ $i -lt 100 ]; do
		have=0
		for fd in /proc/$ACPID/fd/*; do
			case $(readlink "$fd") in /dev/input/event*) have=$((have + 1)) ;; esac
		done
		[ "$want" -gt 0 ] && [ "$have" -ge "$want" ] && return 0
		kill -0 $ACPID 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	echo "init: acpid is not listening on /dev/input/event* (power button will not work)"
}
start_acpid

echo LAUNCH-TEST-VM-BOOTED

# iso9660 volume id: primary volume descriptor at 32768, "CD001" at +1,
# 32-byte space-padded volume identifier at +40.
iso_label() {
	[ "$(dd if="$1" bs=1 skip=32769 count=5 2>/dev/null)" = CD001 ] || return 1
	dd if="$1" bs=1 skip=32808 count=32 2>/dev/null | sed 's/ *$//'
}
find_config_drive() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		for dev in /dev/vd* /dev/sr*; do
			[ -b "$dev" ] || continue
			[ "$(iso_label "$dev")" = config-2 ] || continue
			mount -t iso9660 -o ro "$dev" /mnt 2>/dev/null && { echo "$dev"; return 0; }
		done
		sleep 0.2
	done
	return 1
}
if dev=$(find_config_drive); then
	echo "config drive on $dev" >&2
	md=/mnt/openstack/latest/meta_data.json
	ud=/mnt/openstack/latest/user_data
	if [ -f $md ]; then
		echo "CONFIG-DRIVE:$(tr -d '\n' <$md)"
	else
		echo "CONFIG-DRIVE:"
	fi
	if [ -f $ud ]; then
		echo "USER-DATA:$(head -n 1 $ud)"
	fi
else
	echo CONFIG-DRIVE-NOT-FOUND
fi

# init must never exit (that would panic the kernel): supervise acpid.
while :; do
	wait $ACPID
	echo "init: acpid exited ($?), restarting"
	sleep 1
	start_acpid
done
EOF
chmod 755 "$R/init"

( cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet ) |
	gzip -9 >"$TMP/initrd.img" || die "building the initramfs cpio failed"

cp "$TMP/pkg/boot/vmlinuz-$KVER" "$OUTDIR/vmlinuz.tmp"
mv "$OUTDIR/vmlinuz.tmp" "$OUTDIR/vmlinuz"
cp "$TMP/initrd.img" "$OUTDIR/initrd.img.tmp"
mv "$OUTDIR/initrd.img.tmp" "$OUTDIR/initrd.img"
echo "$KVER" >"$OUTDIR/kernel-version"
msg "built $OUTDIR/vmlinuz ($KVER) and $OUTDIR/initrd.img"
