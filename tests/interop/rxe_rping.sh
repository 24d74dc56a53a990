#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# droce's CM and RC transport against Linux rdma_cm and Soft-RoCE (rdma_rxe) in a QEMU VM:
# librdmacm's rping on the VM, droce-rping (the same protocol on the NDK API) on
# veth-host, in both roles, 64 B and 4 KiB pings. Both sides run -V: droce-rping checks
# the data that comes back (client) or the text it read (server); rping checks the echo
# as client. A case passes when both exit 0 and both printed every ping; one that failed
# because the VM's NIC stalled (vm_nic_stalled) runs again on a rebooted VM.
# The VM comes from tests/interop/vm/droce-vm (built from Debian packages).
#   rxe_rping.sh <droce-rping> <droce-vm>
set -euo pipefail
rp=$1 dvm=$2
count=10
passed=0 failed=0
log=$(mktemp -d)

# shellcheck source=vm_common.sh
. "$(dirname "$0")/vm_common.sh"
trap vm_cleanup EXIT
vm_up
"$dvm" exec vm1 rxe-up >"$log/rxe" 2>&1 || fail_setup "$log/rxe"

droce() {
	timeout 120 ip netns exec "$netns" "$rp" --vdev net_af_packet0,iface=veth-host \
		--ip 192.168.77.2/24 "$@"
}

result() {
	local name=$1 ok=$2
	if [ "$ok" = 1 ]; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		sed 's/^/    /' "$log/droce" "$log/vm" 2>/dev/null | grep -v '^    EAL' || true
		failed=$((failed + 1))
	fi
}

# Every ping printed: "<prefix>ping data: rdma-ping-<n>: " for n = 0 .. count-1.
all_pings() {
	local file=$1 prefix=$2 n
	for n in $(seq 0 $((count - 1))); do
		grep -q "^${prefix}ping data: rdma-ping-$n: " "$file" || return 1
	done
}

# droce-rping connects to rping serving on the VM.
client_case() {
	local size=$1 id ok=1
	rm -f "$log/droce" "$log/vm"
	id=$("$dvm" exec -b vm1 \
		"rping -s -a 192.168.77.11 -C $count -V -v -S $size 2>&1; echo rping-exit=\$?")
	vm_listening 7174
	droce -c -a 192.168.77.11 -C "$count" -V -v -S "$size" >"$log/droce" 2>&1 || ok=0
	"$dvm" wait -t 60 "$id" >"$log/vm" 2>&1 || ok=0
	grep -q "^rping-exit=0$" "$log/vm" || ok=0
	all_pings "$log/droce" "" || ok=0
	all_pings "$log/vm" "server " || ok=0
	case_ok=$ok
}

# rping on the VM connects to droce-rping serving on veth-host.
server_case() {
	local size=$1 pid ok=1
	rm -f "$log/droce" "$log/vm"
	droce -s -C "$count" -V -v -S "$size" >"$log/droce" 2>&1 &
	pid=$!
	droce_listening "$pid" "$log/droce" || true
	"$dvm" exec -t 90 vm1 \
		"rping -c -a 192.168.77.2 -C $count -V -v -S $size 2>&1" >"$log/vm" 2>&1 || ok=0
	wait "$pid" || ok=0
	all_pings "$log/vm" "" || ok=0
	grep -q "data mismatch" "$log/vm" && ok=0
	all_pings "$log/droce" "server " || ok=0
	case_ok=$ok
}

# run_case <client_case|server_case> <size> <name>: a case that failed because the VM's
# virtio-net transmit queue stalled (vm_nic_stalled: an emulation fault, nothing
# goes out of the guest) runs again on a rebooted VM; any other failure stands.
run_case() {
	local fn=$1 size=$2 name=$3
	"$fn" "$size"
	if [ "$case_ok" != 1 ] && vm_nic_stalled; then
		echo "    the VM's virtio-net transmit queue stalled: rebooting vm1, running again"
		sed 's/^/    /' "$log/droce" "$log/vm" 2>/dev/null | grep -v '^    EAL' || true
		vm_reboot
		"$fn" "$size"
	fi
	result "$name" "$case_ok"
}

run_case client_case 64 "droce-rping client, rping -s on rxe, 64 B x $count"
run_case client_case 4096 "droce-rping client, rping -s on rxe, 4096 B x $count"
run_case server_case 64 "rping -c on rxe, droce-rping server, 64 B x $count"
run_case server_case 4096 "rping -c on rxe, droce-rping server, 4096 B x $count"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
