# SPDX-License-Identifier: BSD-3-Clause
# Shared by the interop scripts (sourced): one Linux Soft-RoCE VM, vm1, bridged to
# veth-host in netns "rxe". The caller sets $vm (the rxe-vm directory) and $log (a
# temporary directory) and may define vm_cleanup_hook, run first on exit.

vm_cleanup() {
	if declare -F vm_cleanup_hook >/dev/null; then
		vm_cleanup_hook
	fi
	"$vm/stop.sh" vm1 >/dev/null 2>&1 || true
	"$vm/teardown.sh" >/dev/null 2>&1 || true
	rm -rf "$log"
}

fail_setup() {
	tail -20 "$1"
	echo "0 passed, 1 failed"
	exit 1
}

# Build the image, bring the bridge up and boot vm1. No kernel address on veth-host:
# droce owns 192.168.77.2 there, in user space.
vm_up() {
	"$vm/build.sh" >"$log/build" 2>&1 || fail_setup "$log/build"
	"$vm/net.sh" up >"$log/net" 2>&1 || fail_setup "$log/net"
	"$vm/boot.sh" vm1 >"$log/boot" 2>&1 || fail_setup "$log/boot"
}

# The VM's virtio-net transmit queue has stalled for good (QEMU under TCG: the guest
# logs "NETDEV WATCHDOG: ... transmit queue 0 timed out" every 5 s and sends nothing,
# so every later case fails on ARP). Seen once in an ASan run of rxe_perftest.sh.
vm_nic_stalled() {
	"$vm/vm-exec.sh" -t 30 vm1 'dmesg | grep -q "NETDEV WATCHDOG"' >/dev/null 2>&1
}

# Boot vm1 afresh (its RoCE device too) after vm_nic_stalled.
vm_reboot() {
	"$vm/stop.sh" vm1 >/dev/null 2>&1 || true
	"$vm/boot.sh" vm1 >"$log/boot" 2>&1 || fail_setup "$log/boot"
	"$vm/vm-exec.sh" vm1 'rxe-up >/dev/null && rxe-gid' >"$log/gid" 2>&1 ||
		fail_setup "$log/gid"
}
