#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# droce's CM against perftest's rdma_cm mode: `ib_send_bw -R` on Linux Soft-RoCE
# (rdma_rxe) in a QEMU VM connects to a droce listener (droce-rping -s on veth-host).
# droce has no perftest-compatible app yet, so only the CM handshake of perftest's first
# rdma_cm connection (its control channel) is checked; the exchange that follows
# (perftest's version message, which droce-rping reads as an rping advertisement) fails
# on both sides, as expected, and is not checked.
#
# perftest prints nothing when rdma_connect() returns ESTABLISHED, so the client side is
# checked by what only an established client does: it posts its first SEND on the QP
# (seen on the wire, to the QPN droce put in its REP), librdmacm moved that QP to RTS
# with droce's QPN as destination (`rdma res show qp` in the VM), and perftest printed
# none of its connect-failure messages.
#
# The wire (captured on veth-br, the bridge end of droce's veth pair: net_af_packet sends
# with PACKET_QDISC_BYPASS, so a capture on veth-host itself misses droce's own frames;
# decoded by tshark) must hold, for the first REQ:
#   REQ  VM -> droce, service ID 0x0000000001060000 | port
#   REP  droce -> VM, remote comm ID = the REQ's local comm ID
#   RTU  VM -> droce, local/remote comm IDs = the REQ's / the REP's
# each a CM MAD that tshark decodes without expert info (no malformed packet), and
# every RoCEv2 frame well formed with its ICRC right: tshark checks no ICRC, so
# tests/tools/roce-pcap does (droce's codec, which the oracle tests hold against scapy's
# ICRC and an independent CRC-32; what rxe sent and what droce sent alike).
# The reverse (ib_send_bw -R as server on the VM, droce as client) needs a droce
# perftest app and is not run.
# The VM comes from tests/interop/vm/droce-vm (built from Debian packages).
#   rxe_perftest_cm.sh <droce-rping> <droce-vm> <roce-pcap>
# RXE_PERFTEST_CM_KEEP=<dir>: copy the capture and the logs there.
set -euo pipefail
rp=$1 dvm=$2 roce_pcap=$3
port=18515
sid=$(printf '0x%016x' $((0x0000000001060000 | port)))
passed=0 failed=0
log=$(mktemp -d)
cap=perftest_cm_$$
pcap=$log/$cap.pcap

vm_cleanup_hook() {
	"$dvm" capture stop "$pcap" >/dev/null 2>&1 || true
	if [ -n "${RXE_PERFTEST_CM_KEEP:-}" ]; then
		mkdir -p "$RXE_PERFTEST_CM_KEEP" && cp -r "$log"/. "$RXE_PERFTEST_CM_KEEP"/ || true
	fi
}
# shellcheck source=vm_common.sh
. "$(dirname "$0")/vm_common.sh"
trap vm_cleanup EXIT
vm_up
"$dvm" exec vm1 'rxe-up >/dev/null && rxe-gid' >"$log/gid" 2>&1 || fail_setup "$log/gid"
gid=$(tail -1 "$log/gid")

check() {
	local name=$1
	shift
	if "$@"; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		failed=$((failed + 1))
	fi
}

tsh() {
	tshark -r "$pcap" --disable-protocol rpcordma -Y "$1" -T fields -E separator='|' \
		"${@:2}" 2>/dev/null
}

"$dvm" capture start -i veth-br "$pcap" udp port 4791 >"$log/capture" 2>&1 ||
	fail_setup "$log/capture"

timeout 60 ip netns exec "$netns" "$rp" -s -p "$port" --vdev net_af_packet0,iface=veth-host \
	--ip 192.168.77.2/24 >"$log/droce" 2>&1 &
droce_pid=$!
droce_listening "$droce_pid" "$log/droce" || true

# The client would wait for the server's version message for ever: run it in the
# background, and stop it once droce-rping has given up.
cid=$("$dvm" exec -b vm1 "exec stdbuf -oL -eL timeout 90 ib_send_bw -d rxe0 -x $gid -F \
	-R -p $port 192.168.77.2")
wait "$droce_pid" || true
sleep 2
"$dvm" exec -t 60 vm1 'rdma res show qp; rdma res show cm_id' >"$log/res" 2>&1 || true
"$dvm" kill "$cid" >/dev/null 2>&1 || true
"$dvm" wait -t 30 "$cid" >"$log/perftest" 2>&1 || true
"$dvm" capture stop "$pcap" >/dev/null 2>&1 || true

# The first REQ from the VM to droce, and the REP and RTU that belong to it.
IFS='|' read -r req_comm req_sid req_qpn < <(tsh \
	'infiniband.cm.req && ip.src == 192.168.77.11 && ip.dst == 192.168.77.2' \
	-e infiniband.cm.req -e infiniband.cm.req.serviceid -e infiniband.cm.req.localqpn |
	head -1) || true
IFS='|' read -r rep_comm rep_remote rep_qpn < <(tsh \
	"infiniband.cm.rep && ip.src == 192.168.77.2 && ip.dst == 192.168.77.11 &&
	 infiniband.cm.rep.remotecommid == ${req_comm:-0}" \
	-e infiniband.cm.rep -e infiniband.cm.rep.remotecommid -e infiniband.cm.rep.localqpn |
	head -1) || true
IFS='|' read -r rtu_local rtu_remote < <(tsh \
	"infiniband.cm.rtu.localcommid == ${req_comm:-0} && ip.src == 192.168.77.11 &&
	 ip.dst == 192.168.77.2" \
	-e infiniband.cm.rtu.localcommid -e infiniband.cm.rtu.remotecommid | head -1) || true
echo "    REQ: local comm ID ${req_comm:-none}, service ID ${req_sid:-none}," \
	"QPN ${req_qpn:-none}"
echo "    REP: local comm ID ${rep_comm:-none}, remote comm ID ${rep_remote:-none}," \
	"QPN ${rep_qpn:-none}"
echo "    RTU: local comm ID ${rtu_local:-none}, remote comm ID ${rtu_remote:-none}"

req_ok() {
	[ -n "${req_comm:-}" ] && [ "${req_sid:-}" = "$sid" ]
}
rep_ok() {
	[ -n "${rep_comm:-}" ] && [ "$rep_remote" = "$req_comm" ]
}
rtu_ok() {
	[ -n "${rtu_local:-}" ] && [ "$rtu_local" = "$req_comm" ] &&
		[ "$rtu_remote" = "$rep_comm" ]
}
# No expert info (malformed packet, bad field) on any CM MAD of the capture.
cm_clean() {
	local n bad
	n=$(tsh 'infiniband.cm.req || infiniband.cm.rep || infiniband.cm.rtu.localcommid' \
		-e frame.number | wc -l)
	bad=$(tsh '(infiniband.mad || infiniband.cm.req || infiniband.cm.rep ||
		    infiniband.cm.rtu.localcommid) && (_ws.malformed || _ws.expert)' \
		-e frame.number -e _ws.expert.message)
	[ -z "$bad" ] || echo "    expert info: $bad"
	[ "$n" -ge 3 ] && [ -z "$bad" ]
}
# roce-pcap dump: "<frame>\tok\t..." or "<frame>\tdrop\t<reason>"; a frame that is not
# RoCEv2 at all (not IP, not UDP, not to port 4791: the filter lets UDP from port 4791
# through) is no error.
icrc_ok() {
	"$roce_pcap" dump "$pcap" >"$log/icrc" 2>&1 || {
		sed 's/^/    /' "$log/icrc"
		return 1
	}
	awk -F'\t' '$2 == "ok" { ok++ }
		$2 == "drop" && $3 !~ /^(not_ip|not_udp|udp_port)$/ {
			bad++; print "    frame " $1 ": " $3 }
		END { printf "    %d RoCEv2 frames, ICRC right; %d rejected\n", ok, bad
		      exit !(ok >= 3 && bad == 0) }' "$log/icrc"
}
# perftest's first SEND on the connected QP, to droce's QPN: posted only after
# rdma_connect() returned with RDMA_CM_EVENT_ESTABLISHED.
client_sent() {
	[ -n "${rep_qpn:-}" ] &&
		[ -n "$(tsh "ip.src == 192.168.77.11 && infiniband.bth.destqp == $rep_qpn &&
			     infiniband.bth.opcode == 4" -e frame.number)" ]
}
# librdmacm moved the client QP to RTS towards droce's QPN when the REP arrived.
client_rts() {
	[ -n "${req_qpn:-}" ] &&
		grep -Eq "lqpn $((req_qpn)) rqpn $((rep_qpn)) type RC state RTS .*comm ib_send_bw" \
			"$log/res"
}
# None of perftest's connect-failure messages.
client_no_cm_error() {
	! grep -Eq 'Unable to perform rdma_client|Unable to init the socket|Unexpected CM event|rdma_connect failed|ADDR_ERROR|rdma_resolve' \
		"$log/perftest"
}

check "CM REQ from ib_send_bw -R on rxe to droce, service ID $sid" req_ok
check "CM REP from droce, remote comm ID = the REQ's local comm ID" rep_ok
check "CM RTU from rxe, comm IDs of the REQ and the REP" rtu_ok
check "tshark decodes every CM MAD without expert info" cm_clean
check "every RoCEv2 frame's ICRC is right" icrc_ok
check "ib_send_bw's QP is RTS towards droce's QP (rdma res show qp)" client_rts
check "ib_send_bw sent its first SEND on the connection" client_sent
check "ib_send_bw printed no connect failure" client_no_cm_error
if [ "$failed" != 0 ]; then
	for f in droce perftest res; do
		echo "    --- $f"
		sed 's/^/    /' "$log/$f" | grep -v '^    EAL' || true
	done
	tshark -r "$pcap" --disable-protocol rpcordma 2>/dev/null | head -30 | sed 's/^/    /'
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
