# Sourced by the qemu integration tests, after tests/lib.sh: the test VM
# (tests/vm/build-test-vm.sh, built once into a cache shared by the
# tests), a backing image in the daemon's images/, and a cleanup hook
# that kills by pid any qemu a test leaves behind.

command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	skip "qemu-system-x86_64 is not installed (contrib/install-deps installs qemu-system-x86)"
for _tool in qemu-img xorriso busybox cpio dpkg-deb; do
	command -v "$_tool" >/dev/null 2>&1 ||
		skip "$_tool is not installed (contrib/install-deps installs it)"
done

VM_CACHE=${LAUNCH_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/launch-tests}/vm
mkdir -p "$VM_CACHE"
# Two test scripts may build at once: one at a time.
if ! flock "$VM_CACHE/.lock" "$(dirname "$0")/../vm/build-test-vm.sh" \
    "$VM_CACHE" >"$T/vm-build.log" 2>&1; then
	cat "$T/vm-build.log" >&2
	# Without a kernel package to download there is nothing to boot.
	grep -q "apt-get download" "$T/vm-build.log" &&
		skip "cannot download Debian's kernel package (no network or no package lists)"
	fail "building the test VM"
fi
VMLINUZ=$VM_CACHE/vmlinuz
INITRD=$VM_CACHE/initrd.img
VM_APPEND='console=ttyS0 quiet panic=-1'

# The VM's disk: an overlay over this small blank image.
mkdir -p "$LAUNCH_STATE_DIR/images"
qemu-img create -q -f qcow2 "$LAUNCH_STATE_DIR/images/blank.qcow2" 16M

# vm_pid LABEL: qemu's pid (the job's pid), remembered for the cleanup.
VM_PIDS=
vm_pid() {
	_p=$(job_field "$1" pid)
	case $_p in ''|null) return 1 ;; esac
	VM_PIDS="$VM_PIDS $_p"
	echo "$_p"
}
vm_cleanup() {
	for _p in $VM_PIDS; do
		grep -qs qemu "/proc/$_p/cmdline" && kill -KILL "$_p" 2>/dev/null
	done
}
CLEANUP_HOOKS="$CLEANUP_HOOKS vm_cleanup"

# vm_logs_have LABEL TEXT: the VM's serial console has printed TEXT.
vm_logs_have() { "$LAUNCH" logs "$1" 2>/dev/null | grep -qF -- "$2"; }
