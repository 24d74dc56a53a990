#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# droce's RC transport against Linux Soft-RoCE (rdma_rxe) in a QEMU VM: rdma-core's
# ibv_rc_pingpong on the VM, tests/tools/rc-pingpong (the same protocol on the droce
# engine) on veth-host, in both roles and at several message sizes. droce checks that
# every byte rxe echoes back is what it sent; ibv_rc_pingpong fails on any completion
# error. The VM comes from tests/interop/vm/droce-vm (built from Debian packages).
#   rxe_pingpong.sh <rc-pingpong> <droce-vm>
set -euo pipefail
pp=$1 dvm=$2
passed=0 failed=0
log=$(mktemp -d)

# shellcheck source=vm_common.sh
. "$(dirname "$0")/vm_common.sh"
trap vm_cleanup EXIT
# The kernel in the namespace gets 192.168.77.1 for ibv_rc_pingpong's TCP exchange; droce
# owns 192.168.77.2 on the same veth end, in user space, for RoCE.
vm_up --host-ip
"$dvm" exec vm1 rxe-up >"$log/rxe" 2>&1 || fail_setup "$log/rxe"
gidx=$(sed -n 's/^ipv4_rocev2_gid_index=//p' "$log/rxe")
[ -n "$gidx" ] || { echo "rxe-up gave no IPv4 GID index"; echo "0 passed, 1 failed"; exit 1; }

droce() {
	timeout 120 ip netns exec "$netns" "$pp" --vdev net_af_packet0,iface=veth-host \
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

# droce connects to ibv_rc_pingpong serving on the VM.
client_case() {
	local size=$1 iters=$2 id ok=1
	id=$("$dvm" exec -b vm1 "ibv_rc_pingpong -d rxe0 -g $gidx -s $size -n $iters 2>&1")
	vm_listening 18515
	droce -s "$size" -n "$iters" 192.168.77.11 >"$log/droce" 2>&1 || ok=0
	"$dvm" wait -t 60 "$id" >"$log/vm" 2>&1 || ok=0
	grep -q "^rc-pingpong: ok $iters iters" "$log/droce" || ok=0
	grep -q "^$((size * iters * 2)) bytes in" "$log/vm" || ok=0
	result "droce client, rxe server, $size B x $iters" $ok
}

# ibv_rc_pingpong on the VM connects to droce serving on veth-host.
server_case() {
	local size=$1 iters=$2 pid ok=1
	droce -s "$size" -n "$iters" >"$log/droce" 2>&1 &
	pid=$!
	droce_listening "$pid" "$log/droce" || true
	"$dvm" exec -t 90 vm1 \
		"ibv_rc_pingpong -d rxe0 -g $gidx -s $size -n $iters 192.168.77.1 2>&1" \
		>"$log/vm" 2>&1 || ok=0
	wait "$pid" || ok=0
	grep -q "^rc-pingpong: ok $iters iters" "$log/droce" || ok=0
	grep -q "^$((size * iters * 2)) bytes in" "$log/vm" || ok=0
	result "rxe client, droce server, $size B x $iters" $ok
}

client_case 4096 200
client_case 1 200
client_case 10000 50
server_case 4096 200
server_case 65536 20
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
