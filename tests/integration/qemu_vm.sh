# A real VM under launch: Debian's kernel and a busybox initramfs
# (tests/vm/) boot under qemu (TCG here: KVM only if it really works).
# The serial console is the job's log; the config drive (volume config-2)
# is readable in the guest with hostname = label and the --cloud-init
# user data; the daemon is SIGKILLed and a new one reattaches; stop goes
# through ACPI (the guest powers off, qemu exits 0); remove deletes the
# instance's files.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../vm/lib.sh"
start_daemon

printf '#!/bin/sh\necho hello from user data\n' >"$T/user-data"
run_rc 0 "submit a VM" "$LAUNCH" submit -l vm/one --qemu blank.qcow2 \
    --mem 256 --disk 64 --kernel "$VMLINUZ" --initrd "$INITRD" \
    --append "$VM_APPEND" --cloud-init "$T/user-data"
assert_eq "$(job_field vm/one kind)" qemu "the job's kind"
assert_eq "$(job_field vm/one qemu.mem_mb)" 256 "the VM's memory"
pid=$(vm_pid vm/one) || fail "no pid for the VM"
assert_contains "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "qemu-system-x86_64" \
    "the job's process is qemu"
run_rc 0 "list" "$LAUNCH" list
assert_eq "$(echo "$OUT" | awk 'NR==2 {print $1, $2, $3}')" \
    "vm/one qemu running" "list: the KIND column"

wait_for 90 "the guest's boot marker in the serial console" \
    vm_logs_have vm/one LAUNCH-TEST-VM-BOOTED
wait_for 30 "the config drive read in the guest" \
    vm_logs_have vm/one 'CONFIG-DRIVE:{'
# Usage: qemu is the job's process under the shim; a booted guest holds
# well over 16 MiB of its memory.
assert_eq "$(job_field vm/one usage.procs)" 1 "usage: qemu alone"
[ "$(job_field vm/one usage.rss_kb)" -gt 16384 ] ||
    fail "usage: the VM's rss $(job_field vm/one usage.rss_kb)"
[ "$(job_field vm/one usage.shim_pss_kb)" -gt 0 ] || fail "usage: the shim apart"
line=$("$LAUNCH" logs vm/one | grep '^CONFIG-DRIVE:')
assert_eq "$(echo "${line#CONFIG-DRIVE:}" | tr -d '\r' | jq -r .hostname)" \
    vm/one "the config drive's hostname is the label"
assert_contains "$(echo "${line#CONFIG-DRIVE:}" | tr -d '\r' | jq -r .uuid)" "-" \
    "the config drive has a uuid"
assert_contains "$("$LAUNCH" logs vm/one)" "USER-DATA:#!/bin/sh" \
    "the --cloud-init user data is on the config drive"
dir=$LAUNCH_STATE_DIR/vms/$(job_field vm/one id)
[ -f "$dir/overlay.qcow2" ] || fail "no overlay in $dir"
assert_contains "$(qemu-img info -U "$dir/overlay.qcow2")" "backing file: $LAUNCH_STATE_DIR/images/blank.qcow2" \
    "the overlay is over the image"
assert_eq "$(qemu-img info -U --output=json "$dir/overlay.qcow2" | jq '."virtual-size"')" \
    67108864 "the overlay has the --disk size"

# The daemon dies; the VM does not notice; a new daemon reattaches.
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10
DAEMON_PID=
alive "$pid" || fail "the VM died with the daemon"
start_daemon
assert_eq "$(job_field vm/one state)/$(job_field vm/one pid)" "running/$pid" \
    "the VM is adopted by the new daemon"
grep -q "vm/one: its QMP socket answers" "$T/daemon.log" ||
	fail "the new daemon did not reach the VM's QMP socket"

# Stop: the ACPI power button; the guest powers off and qemu exits 0.
run_rc 0 "stop the VM" "$LAUNCH" stop -t 60 vm/one
assert_eq "$(job_field vm/one state)/$(job_field vm/one exit_code)/$(job_field vm/one signal)" \
    "exited/0/null" "the VM powered off by itself"
vm_logs_have vm/one LAUNCH-TEST-VM-POWEROFF ||
	fail "the guest did not see the power button"
not_alive "$pid" || fail "qemu is still there"

run_rc 0 "remove the VM" "$LAUNCH" remove vm/one
[ ! -e "$dir" ] || fail "remove left $dir behind"
