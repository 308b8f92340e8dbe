# What goes wrong with a VM is a clear error at submit that leaves
# nothing behind: a missing, misplaced or broken image (image_failure,
# naming qemu.image), a missing kernel or firmware, no qemu at all
# (launch_failure, naming the binary), a QMP socket path too long; bad
# options are refused by the client.  A guest that ignores the power
# button is stopped by QMP quit once the stop timeout has passed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../vm/lib.sh"
start_daemon

run_rc 1 "a missing image" "$LAUNCH" submit -l vm/a --qemu nothere.qcow2 \
    --kernel "$VMLINUZ"
assert_contains "$ERR" "qemu.image: $LAUNCH_STATE_DIR/images/nothere.qcow2: No such file or directory" \
    "a missing image: the message"
raw '{"v":7,"id":3,"op":"submit","label":"vm/a","kind":"qemu","qemu":{"image":"nothere.qcow2"}}'
assert_eq "$(echo "$RAW" | jq -r '.error.code + " " + .error.field')" \
    "image_failure qemu.image" "a missing image: the code and field"
# Not a directory on the way to the image: the open's own error.
echo "not an image" >"$T/junk.img"
run_rc 1 "an image under a file" "$LAUNCH" submit -l vm/a \
    --qemu "$T/junk.img/x.qcow2"
assert_contains "$ERR" "qemu.image: $T/junk.img/x.qcow2: Not a directory" \
    "an image under a file"
# An unreadable one (root reads anything: only checked for other users).
chmod 000 "$T/junk.img"
if ! cat "$T/junk.img" >/dev/null 2>&1; then
	run_rc 1 "an unreadable image" "$LAUNCH" submit -l vm/a \
	    --qemu "$T/junk.img"
	assert_contains "$ERR" "Permission denied" "an unreadable image"
fi
chmod 600 "$T/junk.img"
# A qcow2 that qemu-img cannot read: image_failure with its words.
printf 'QFI\373garbage' >"$T/bad.qcow2"
run_rc 1 "a broken image" "$LAUNCH" submit -l vm/a --qemu "$T/bad.qcow2"
assert_contains "$ERR" "qemu.image: qemu-img info $T/bad.qcow2: qemu-img: Could not open" \
    "a broken image: qemu-img's message"
raw '{"v":7,"id":5,"op":"submit","label":"vm/a","kind":"qemu","qemu":{"image":"'"$T"'/bad.qcow2"}}'
assert_eq "$(echo "$RAW" | jq -r '.error.code + " " + .error.field')" \
    "image_failure qemu.image" "a broken image: the code and field"
# --efi without the firmware (CI does not install ovmf).
if [ ! -e /usr/share/ovmf/OVMF.fd ]; then
	run_rc 1 "--efi without OVMF" "$LAUNCH" submit -l vm/a \
	    --qemu blank.qcow2 --efi
	assert_contains "$ERR" "qemu.efi: /usr/share/ovmf/OVMF.fd: No such file or directory (Debian: apt-get install ovmf)" \
	    "--efi without OVMF"
fi
run_rc 1 "a missing kernel" "$LAUNCH" submit -l vm/a --qemu blank.qcow2 \
    --kernel "$T/no-vmlinuz"
assert_contains "$ERR" "qemu.kernel: $T/no-vmlinuz" "a missing kernel"
run_rc 2 "initrd without kernel" "$LAUNCH" submit -l vm/a --qemu blank.qcow2 \
    --initrd "$INITRD"
assert_contains "$ERR" "--initrd and --append need --kernel" "initrd alone"
run_rc 2 "a VM with a command" "$LAUNCH" submit -l vm/a --qemu blank.qcow2 \
    -- /bin/true
assert_contains "$ERR" "a VM has no command" "a VM with a command"
run_rc 2 "--vcpus 0" "$LAUNCH" submit -l vm/a --qemu blank.qcow2 --vcpus 0
assert_contains "$ERR" "--vcpus 0: expected a number from 1 to 256" "--vcpus 0"
run_rc 2 "--mem without --qemu" "$LAUNCH" submit -l vm/a --mem 64 -- true
assert_contains "$ERR" "goes with --qemu IMAGE" "--mem without --qemu"
run_rc 2 "--qemu and --docker" "$LAUNCH" submit -l vm/a --qemu a --docker b
assert_contains "$ERR" "one or the other" "--qemu and --docker"
run_rc 0 "nothing was left behind" "$LAUNCH" list --json
assert_eq "$OUT" "[]" "no job after the failures"
[ ! -d "$LAUNCH_STATE_DIR/vms" ] || [ -z "$(ls "$LAUNCH_STATE_DIR/vms")" ] ||
	fail "a failed submit left files in vms/: $(ls "$LAUNCH_STATE_DIR/vms")"

# A guest that ignores the button (no initramfs: the kernel panics and
# hangs) is stopped by QMP quit after the timeout, not by SIGKILL.
# Its --disk 1 is less than the image's 16 MiB: raised to it.
run_rc 0 "submit a guest that hangs" "$LAUNCH" submit -l vm/hang \
    --qemu blank.qcow2 --mem 128 --disk 1 --kernel "$VMLINUZ" \
    --append 'console=ttyS0 panic=0'
pid=$(vm_pid vm/hang) || fail "no pid for vm/hang"
assert_eq "$(qemu-img info -U --output=json "$LAUNCH_STATE_DIR/vms/$(job_field vm/hang id)/overlay.qcow2" | jq '."virtual-size"')" \
    16777216 "a --disk below the image's size is raised to it"
wait_for 90 "the kernel to give up" vm_logs_have vm/hang "Kernel panic"
run_rc 0 "stop the hung guest" "$LAUNCH" stop -t 2 vm/hang
assert_eq "$(job_field vm/hang state)/$(job_field vm/hang signal)" \
    "exited/null" "quit ended qemu, not SIGKILL"
not_alive "$pid" || fail "qemu is still there"

# No qemu on the daemon's PATH: launch_failure naming it.
"$LAUNCH" shutdown >/dev/null
wait_exit "$DAEMON_PID" 30
DAEMON_PID=
LAUNCH_QEMU=/nonexistent/qemu-system-x86_64 start_daemon
run_rc 1 "no qemu" "$LAUNCH" submit -l vm/b --qemu blank.qcow2
assert_contains "$ERR" "/nonexistent/qemu-system-x86_64: not found" \
    "no qemu: the message"
raw '{"v":7,"id":4,"op":"submit","label":"vm/b","kind":"qemu","qemu":{"image":"blank.qcow2"}}'
assert_eq "$(echo "$RAW" | jq -r .error.code)" launch_failure "no qemu: the code"

# A state directory so deep that the QMP socket's path does not fit.
"$LAUNCH" shutdown >/dev/null
wait_exit "$DAEMON_PID" 30
DAEMON_PID=
deep=$T/$(printf 'd%.0s' $(seq 1 90))
mkdir -p "$deep/images"
cp "$LAUNCH_STATE_DIR/images/blank.qcow2" "$deep/images/"
LAUNCH_STATE_DIR=$deep start_daemon
run_rc 1 "a QMP path too long" "$LAUNCH" submit -l vm/c --qemu blank.qcow2
assert_contains "$ERR" "is longer than a Unix socket allows" \
    "a QMP path too long"
