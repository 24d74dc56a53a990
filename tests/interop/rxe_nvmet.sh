#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# droce's NVMe over Fabrics RDMA host (tests/tools/nvmf_host.c, the nvmf-probe CLI)
# against Linux's kernel target nvmet-rdma on Soft-RoCE (rdma_rxe) in a QEMU VM.
# vm1 exports a 64 MiB brd RAM disk (/dev/ram0, 512-byte blocks) as namespace 1 of
# subsystem $nqn on rdma 192.168.77.11:4420, configured through nvmet's configfs.
# nvmf-probe on veth-host then: discovers (the subsystem and the port must be listed),
# identifies (model "Linux", namespace size 131072 blocks), writes, reads back and
# compares 256 blocks (first 4 KiB in-capsule, then 64 KiB keyed), 2048 blocks (1 MiB),
# 64 KiB keyed only (also with subtype Invalidate: every response must then come as
# SEND with Invalidate of the host's key), 4 KiB in-capsule only, and 5 s idle between
# writes and reads under a 2 s KATO (Keep Alives must keep the controller); a Connect to an
# unknown subsystem must be refused (Connect Invalid Parameters, DNR). Every run must
# end with a clean close; afterwards vm1 must hold no nvmet QP (`rdma res show qp`) and
# dmesg must show a controller created (or the refusal) per connect, each with cntlid 1
# (nvmet takes the lowest free one: the one before was freed). A case that failed
# because the VM's NIC stalled (vm_nic_stalled) runs again on a rebooted VM.
# The VM comes from tests/interop/vm/droce-vm (built from Debian packages).
# RXE_NVMET_KEEP=<dir>: append every case's nvmf-probe output to <dir>/cases.log.
# RXE_NVMET_ARGS="-v": more nvmf-probe options for every case (-v logs each command).
#   rxe_nvmet.sh <nvmf-probe> <droce-vm>
set -euo pipefail
probe=$1 dvm=$2
nqn=nqn.2026-01.io.droce:nvmet-interop
passed=0 failed=0 connects=0
log=$(mktemp -d)

# shellcheck source=vm_common.sh
. "$(dirname "$0")/vm_common.sh"
trap vm_cleanup EXIT

# nvmet in vm1: a subsystem any host may use, namespace 1 on brd, an rdma port.
nvmet_setup() {
	"$dvm" exec -t 120 vm1 - <<EOF
set -e
modprobe brd rd_size=65536 rd_nr=1
modprobe nvmet
modprobe nvmet-rdma
mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
cd /sys/kernel/config/nvmet
mkdir subsystems/$nqn
echo 1 > subsystems/$nqn/attr_allow_any_host
mkdir subsystems/$nqn/namespaces/1
echo /dev/ram0 > subsystems/$nqn/namespaces/1/device_path
echo 1 > subsystems/$nqn/namespaces/1/enable
mkdir ports/1
echo rdma > ports/1/addr_trtype
echo ipv4 > ports/1/addr_adrfam
echo 192.168.77.11 > ports/1/addr_traddr
echo 4420 > ports/1/addr_trsvcid
ln -s /sys/kernel/config/nvmet/subsystems/$nqn ports/1/subsystems/$nqn
dmesg | grep -i nvmet | tail -3
EOF
}

vm_up
"$dvm" exec vm1 rxe-up >"$log/rxe" 2>&1 || fail_setup "$log/rxe"
nvmet_setup >"$log/nvmet" 2>&1 || fail_setup "$log/nvmet"
"$dvm" exec -t 90 vm1 "wait-listen -t 60 4420" >/dev/null 2>&1 || true

# shellcheck disable=SC2086  # RXE_NVMET_ARGS: words on purpose
probe() {
	timeout 300 ip netns exec "$netns" "$probe" --vdev net_af_packet0,iface=veth-host \
		--ip 192.168.77.2/24 -a 192.168.77.11 -s 4420 ${RXE_NVMET_ARGS:-} "$@"
}

result() {
	local name=$1 ok=$2
	if [ -n "${RXE_NVMET_KEEP:-}" ]; then
		{ echo "== $name"; cat "$log/out"; } >>"$RXE_NVMET_KEEP/cases.log"
	fi
	if [ "$ok" = 1 ]; then
		echo "PASS $name"
		grep -E '^(rw|connected|closed|mn|ns [0-9]+|nvmf-probe):|^subnqn' "$log/out" |
			sed 's/^/    /' || true
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		sed 's/^/    /' "$log/out" 2>/dev/null | grep -v '^    EAL' || true
		failed=$((failed + 1))
	fi
}

# Each case runs nvmf-probe, then checks its output; a clean close is always required.
discover_case() {
	probe --discover >"$log/out" 2>&1 || return 1
	grep -q "^subnqn:  $nqn$" "$log/out" &&
		grep -q "^traddr:  192.168.77.11$" "$log/out" &&
		grep -q "^trsvcid: 4420$" "$log/out" &&
		grep -q "^trtype:  rdma$" "$log/out" && grep -q "^closed: " "$log/out"
}

identify_case() {
	probe -n "$nqn" --identify >"$log/out" 2>&1 || return 1
	grep -q "^mn      : Linux$" "$log/out" &&
		grep -q "^ns 1: nsze 131072 blocks of 512 bytes" "$log/out" &&
		grep -q "^closed: " "$log/out"
}

# rw_case <blocks> [nvmf-probe options]
rw_case() {
	local n=$1
	shift
	probe -n "$nqn" --rw "$n" "$@" >"$log/out" 2>&1 || return 1
	grep -q "^rw: $n blocks written and read back, 0 mismatches$" "$log/out" &&
		grep -q "^closed: " "$log/out"
}

# rw_inv_case <blocks> [options]: as rw_case, and every response to a keyed command came
# as SEND with Invalidate naming the MW's key (nvmf_host checks the key).
rw_inv_case() {
	rw_case "$@" --inv || return 1
	! grep -q " 0 remote invalidations" "$log/out"
}

# A subsystem the target does not have: the admin Connect must be refused with Connect
# Invalid Parameters + DNR (status field 0x8304: SCT 1, SC 0x82, DNR; Linux logs it
# as 0x4182, the field shifted right by the phase bit), reported in one line, exit status non-zero,
# and the host must still close cleanly.
bad_nqn_case() {
	if probe -n nqn.2026-01.io.droce:no-such-subsystem --identify >"$log/out" 2>&1; then
		return 1
	fi
	grep -q "^nvmf-probe: connect failed: .*NVMe status 0x8304 (sct 1 sc 0x82, dnr)$" \
		"$log/out" && grep -q "^closed: " "$log/out"
}

# Nobody listens on port 4421: the CM REQ is rejected, one line says so, clean close.
no_listener_case() {
	if timeout 300 ip netns exec "$netns" "$probe" --vdev net_af_packet0,iface=veth-host \
		--ip 192.168.77.2/24 -a 192.168.77.11 -s 4421 -n "$nqn" --identify \
		>"$log/out" 2>&1; then
		return 1
	fi
	grep -q "^nvmf-probe: connect failed: Connection refused$" "$log/out" &&
		grep -q "^closed: " "$log/out"
}

# run_case <name> <function> [args]: once more on a rebooted VM if its NIC stalled.
run_case() {
	local name=$1 ok=1 t0
	shift
	t0=$(date +%s)
	connects=$((connects + 1))
	"$@" || ok=0
	if [ "$ok" != 1 ] && vm_nic_stalled; then
		echo "    the VM's virtio-net transmit queue stalled: rebooting vm1, running again"
		sed 's/^/    /' "$log/out" | grep -v '^    EAL' || true
		vm_reboot
		nvmet_setup >"$log/nvmet" 2>&1 || fail_setup "$log/nvmet"
		connects=1
		ok=1
		"$@" || ok=0
	fi
	result "$name ($(($(date +%s) - t0)) s)" "$ok"
}

# After every host left: no nvmet QP in vm1 (queue release is deferred to a workqueue,
# so give it a few seconds), and one "creating ... controller" line (or the refusal of
# the unknown subsystem) per connect.
no_controller_left() {
	local created left
	for _ in $(seq 30); do
		"$dvm" exec -t 30 vm1 'rdma res show qp' >"$log/qp" 2>&1 || true
		grep -q nvmet "$log/qp" || break
		sleep 1
	done
	"$dvm" exec -t 30 vm1 'dmesg | grep -E "nvmet|nvme"' >"$log/dmesg" 2>&1 || true
	cat "$log/qp" "$log/dmesg" >"$log/out"
	created=$(grep -c "creating .*controller\|connect request for invalid subsystem" \
		"$log/dmesg" || true)
	left=$(grep -c "nvmet" "$log/qp" || true)
	echo "    vm1: $created controllers created for $connects connects; nvmet QPs left: $left"
	# nvmet gives a new controller the lowest free cntlid: all of them 1 means each
	# controller was freed before the next connect.
	[ "$left" = 0 ] && ! grep -qi "keep-alive timer.*expired" "$log/dmesg" &&
		! grep -q "creating .* controller [02-9]" "$log/dmesg" &&
		[ "$created" -ge "$connects" ]
}

run_case "nvmf-probe --discover lists $nqn at 192.168.77.11 4420" discover_case
run_case "nvmf-probe --identify: model Linux, ns 1 of 131072 x 512 B" identify_case
run_case "nvmf-probe --rw 256: 4 KiB in-capsule + 64 KiB keyed writes, compared" rw_case 256
run_case "nvmf-probe --rw 2048 (1 MiB), 128 KiB keyed commands, compared" \
	rw_case 2048 --chunk 131072
run_case "nvmf-probe --rw 128 --keyed: 64 KiB keyed write and read, compared" \
	rw_case 128 --keyed --chunk 65536
run_case "nvmf-probe --rw 128 --keyed --inv: 64 KiB, SGL 0x4F, SEND_INV checked" \
	rw_inv_case 128 --keyed --chunk 65536
run_case "nvmf-probe --rw 8 --incapsule: 4 KiB in-capsule write, compared" \
	rw_case 8 --incapsule --chunk 4096
run_case "nvmf-probe --rw 64 --kato 2000 --idle 5000: Keep Alive holds the controller" \
	rw_case 64 --kato 2000 --idle 5000
run_case "nvmf-probe -n <unknown NQN>: Connect refused (SCT 1 SC 0x82 DNR), clean close" \
	bad_nqn_case
run_case "nvmf-probe -s 4421 (no listener): connect refused, clean close" no_listener_case
connects=$((connects - 1))	# no controller for that one
ok=1
no_controller_left || ok=0
result "vm1: every controller gone, no nvmet QP left" "$ok"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
