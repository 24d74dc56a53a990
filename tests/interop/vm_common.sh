# SPDX-License-Identifier: BSD-3-Clause
# Shared by the interop scripts (sourced): one Linux Soft-RoCE VM, vm1 (192.168.77.11),
# on the bridge of the harness's network namespace, and droce on veth-host, the other
# end of a veth pair on that bridge. The caller sets $dvm (tests/interop/vm/droce-vm) and
# $log (a temporary directory) and may define vm_cleanup_hook, run first on exit.
# $netns is the namespace droce must run in (ip netns exec "$netns" ...).
# shellcheck shell=bash disable=SC2154  # dvm and log come from the caller

# shellcheck disable=SC2034  # used by the callers
netns=$("$dvm" net name)

vm_cleanup() {
	if declare -F vm_cleanup_hook >/dev/null; then
		vm_cleanup_hook
	fi
	"$dvm" stop vm1 >/dev/null 2>&1 || true
	"$dvm" teardown >/dev/null 2>&1 || true
	rm -rf "$log"
}

fail_setup() {
	tail -20 "$1"
	echo "0 passed, 1 failed"
	exit 1
}

# vm_up [--host-ip]: build the image (a no-op when it is up to date), bring the network
# up and boot vm1. By default veth-host has no kernel address: droce owns 192.168.77.2
# there, in user space; --host-ip gives the kernel 192.168.77.1 on it as well.
# shellcheck disable=SC2120  # the options are optional
vm_up() {
	"$dvm" build >"$log/build" 2>&1 || fail_setup "$log/build"
	"$dvm" net up "$@" >"$log/net" 2>&1 || fail_setup "$log/net"
	"$dvm" boot vm1 >"$log/boot" 2>&1 || fail_setup "$log/boot"
}

# The VM's virtio-net transmit queue has stalled for good (QEMU under TCG: the guest
# logs "NETDEV WATCHDOG: ... transmit queue 0 timed out" every 5 s and sends nothing,
# so every later case fails on ARP). Seen once in an ASan run of rxe_perftest.sh.
vm_nic_stalled() {
	"$dvm" exec -t 30 vm1 'dmesg | grep -q "NETDEV WATCHDOG"' >/dev/null 2>&1
}

# Boot vm1 afresh (its RoCE device too) after vm_nic_stalled; its IPv4 GID index is the
# last line of $log/gid.
vm_reboot() {
	"$dvm" stop vm1 >/dev/null 2>&1 || true
	"$dvm" boot vm1 >"$log/boot" 2>&1 || fail_setup "$log/boot"
	"$dvm" exec vm1 'rxe-up >/dev/null && rxe-gid' >"$log/gid" 2>&1 ||
		fail_setup "$log/gid"
}

# vm_listening PORT: wait until the server just started in vm1 in the background listens
# on PORT (TCP or rdma_cm), at most 60 s: under TCG on a busy host it takes from under a
# second to many. A server that never listens fails its case through its own output.
vm_listening() {
	"$dvm" exec -t 90 vm1 "wait-listen -t 60 $1" >/dev/null 2>&1 || true
}

# droce_listening PID FILE [TEXT]: wait until the droce server PID has written TEXT
# (default "listening") to FILE, at most 60 s; false if it exited first or never did.
droce_listening() {
	local pid=$1 file=$2 text=${3:-listening}
	for _ in $(seq 600); do
		grep -q "$text" "$file" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
