#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Oracle: droce's ICRC and parser against scapy's RoCE layer (scapy.contrib.roce).

(a) scapy builds IPv4 RoCEv2 frames (SEND_ONLY of several lengths and pad counts, RDMA
    WRITE/READ with a RETH, ACK and READ RESPONSE with an AETH, UD SEND with a DETH, an
    atomic, a CNP, one with IPv4 options, one padded to the Ethernet minimum) and computes
    their ICRC; roce-pcap dump must accept every one with the ICRC verified and report the
    fields scapy was given and the ICRC scapy wrote.
(b) every IPv4 frame of `roce-pcap gen` (untagged and 802.1Q) is dissected by scapy, its
    ICRC recomputed by scapy (BTH.icrc = None, rebuild) and compared with droce's bytes;
    scapy's view of the BTH must match what gen meant to send.
(c) scapy 2.5 computes no ICRC over IPv6 (compute_icrc: "TODO support IPv6", it returns 0),
    so the IPv6 frames of gen are checked against zlib.crc32 over the masked pseudo-packet
    of roce.md 7.3, written here in Python independently of pmd/roce_icrc.c.

usage: test_scapy_icrc.py <roce-pcap>
"""

import logging
import os
import struct
import sys
import tempfile
import zlib

logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
from scapy.all import IP, UDP, Ether, IPOption_Router_Alert, Raw, raw, rdpcap, wrpcap  # noqa
from scapy.contrib.roce import AETH, BTH, cnp  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import Results, args, parse_dump, roce_dump, run  # noqa: E402

MIN_IPV4_GEN = 50       # (b) must compare at least this many frames

MAC_D, MAC_S = '02:00:5e:00:00:02', '02:00:5e:00:00:01'


def outer(n, tos=0, ttl=64, udp_csum=0):
    """Ether / IPv4 (DF) / UDP to 4791; udp_csum None lets scapy compute a checksum."""
    return Ether(dst=MAC_D, src=MAC_S) / \
        IP(src='10.0.0.1', dst='10.0.0.2', flags='DF', tos=tos, ttl=ttl) / \
        UDP(sport=0xc000 + n, dport=4791, chksum=udp_csum)


def payload(n):
    return bytes((i * 13 + 5) & 0xff for i in range(n))


def send_only(n, plen):
    pad = -plen & 3
    bth = BTH(opcode=0x04, dqpn=0x000011 + n, psn=(0xfffffe + n) & 0xffffff, ackreq=n & 1,
              padcount=pad, solicited=plen & 1)
    pkt = outer(n, tos=0x02 * (n & 1), udp_csum=None if n & 2 else 0) / bth / \
        Raw(payload(plen) + bytes(pad))
    return pkt, {'op': 4, 'plen': plen, 'pad': pad, 'se': plen & 1}


def with_reth(n, op, plen):
    va, rkey, dlen = 0x00007f0012345000 + n, 0x1234abcd, 0x100000
    bth = BTH(opcode=op, dqpn=0x00abcd, psn=0x800000 + n, ackreq=1, pkey=0x8001)
    pkt = outer(n, ttl=1) / bth / Raw(struct.pack('!QII', va, rkey, dlen) + payload(plen))
    return pkt, {'op': op, 'plen': plen, 'reth_va': va, 'reth_rkey': rkey, 'reth_len': dlen}


def with_aeth(n, op, syn, plen):
    msn = (0xfffff0 + n) & 0xffffff                 # 24 bits, wraps from frame 32 on
    bth = BTH(opcode=op, dqpn=0x000100, psn=n, fecn=n & 1, becn=(n >> 1) & 1)
    pkt = outer(n, tos=0xb8) / bth / AETH(syndrome=syn, msn=msn) / Raw(payload(plen))
    return pkt, {'op': op, 'plen': plen, 'aeth_syn': syn, 'aeth_msn': msn,
                 'fecn': n & 1, 'becn': (n >> 1) & 1}


def ud_send(n, plen):
    deth = struct.pack('!II', 0x80010000, 0x000001)
    bth = BTH(opcode=0x64, dqpn=0x000001, psn=n, migreq=1)
    pkt = outer(n) / bth / Raw(deth + payload(plen))
    return pkt, {'op': 0x64, 'plen': plen, 'qkey': 0x80010000, 'sqpn': 1, 'mig': 1}


def cmp_swap(n):
    atm = struct.pack('!QIQQ', 0x1000, 0x77, 0x1111222233334444, 0x5555666677778888)
    pkt = outer(n) / BTH(opcode=0x13, dqpn=0x000200, psn=n, ackreq=1) / Raw(atm)
    return pkt, {'op': 0x13, 'plen': 0, 'atm_va': 0x1000, 'atm_rkey': 0x77,
                 'atm_swap': 0x1111222233334444, 'atm_cmp': 0x5555666677778888}


def scapy_frames():
    """(pkt, expected roce-pcap fields) built by scapy; BTH fields are checked for all."""
    frames = [send_only(i, plen) for i, plen in enumerate((0, 1, 2, 3, 4, 5, 64, 1023, 1024))]
    frames += [with_reth(20, 0x0a, 100), with_reth(21, 0x06, 1024), with_reth(22, 0x0c, 0)]
    frames += [with_aeth(30, 0x11, 0x1f, 0), with_aeth(31, 0x11, 0x60, 0),
               with_aeth(32, 0x11, 0x2e, 0), with_aeth(33, 0x10, 0x1f, 256)]
    frames += [ud_send(40, 256), ud_send(41, 7), cmp_swap(50)]
    c = outer(60, tos=0x03) / cnp(0x0abcde)     # Annex A17.9.3; scapy sets BECN
    frames.append((c, {'op': 0x81, 'plen': 0, 'becn': 1}))
    frames += [ip_options(70), eth_padded(71)]
    return frames


def ip_options(n):
    """IPv4 with a Router Alert option (IHL 6): the ICRC covers the options too."""
    pkt, want = send_only(n, 8)
    pkt[IP].options = [IPOption_Router_Alert()]
    return Ether(raw(pkt)), want


def eth_padded(n):
    """A 58-byte SEND_ONLY padded to the 60-byte Ethernet minimum, as a NIC delivers it:
    the parser must stop at the IP length, and the ICRC is before the padding."""
    pkt, want = send_only(n, 0)
    wire = raw(pkt)
    want['icrc'] = int.from_bytes(wire[-4:], 'little')
    return Ether(wire + bytes(60 - len(wire))), want


def bth_expect(pkt):
    b = pkt[BTH]
    return {'op': b.opcode, 'qpn': b.dqpn, 'psn': b.psn, 'ackreq': b.ackreq,
            'se': b.solicited, 'mig': b.migreq, 'pad': b.padcount, 'pkey': b.pkey,
            'fecn': b.fecn, 'becn': b.becn}


def test_scapy_built(res, exe, tmp):
    frames = scapy_frames()
    pcap = os.path.join(tmp, 'scapy.pcap')
    wrpcap(pcap, [p for p, _ in frames])
    ours = roce_dump(exe, pcap)
    for n, (pkt, want) in enumerate(frames, 1):
        wire = raw(pkt)
        where = 'scapy frame %d (%s)' % (n, pkt[BTH].sprintf('%opcode%'))
        rec = ours.get(n, {'status': 'missing', 'line': 'missing'})
        if not res.check(rec['status'] == 'ok', '%s: roce-pcap: %s' % (where, rec['line'])):
            continue
        want = dict(bth_expect(pkt), **want)
        want.setdefault('icrc', int.from_bytes(wire[-4:], 'little'))   # LSB first, 7.3
        res.fields(where, [(k, rec.get(k), v) for k, v in sorted(want.items())])
    return len(frames)


def test_gen_ipv4(res, gen, pkts):
    """(b): scapy recomputes the ICRC of every IPv4 gen frame (VLAN-tagged ones too)."""
    count = 0
    for n, rec in sorted(gen.items()):
        if rec['ip'] != 4:
            continue
        pkt = pkts[n - 1]
        wire = raw(pkt)
        where = 'gen frame %d (opcode 0x%02x%s)' % (n, rec['op'], ', 802.1Q' if 'vlan' in rec
                                                    else '')
        if not res.check(BTH in pkt, '%s: scapy finds no BTH: %s' % (where, pkt.summary())):
            continue
        mine = pkt.copy()
        mine[BTH].icrc = None
        rebuilt = raw(mine)
        got = bth_expect(pkt)
        res.fields(where, [(k, rec[k], got[k]) for k in sorted(got)] +
                   [('frame bytes before the ICRC', wire[:-4], rebuilt[:-4]),
                    ('icrc', rec['icrc'], int.from_bytes(rebuilt[-4:], 'little'))])
        count += 1
    return count


def icrc_v6(frame):
    """roce.md 7.3 over IPv6: 8 x 0xff, then IPv6 with traffic class, flow label and hop
    limit set to ones, UDP with the checksum set to ones, BTH with byte 4 set to ones."""
    l3 = 18 if frame[12:14] == b'\x81\x00' else 14
    plen = struct.unpack('!H', frame[l3 + 4:l3 + 6])[0]
    pkt = bytearray(frame[l3:l3 + 40 + plen - 4])
    pkt[0] |= 0x0f
    pkt[1:4] = b'\xff\xff\xff'
    pkt[7] = 0xff
    pkt[46:48] = b'\xff\xff'
    pkt[52] = 0xff
    return zlib.crc32(bytes(pkt), zlib.crc32(b'\xff' * 8))


def test_gen_ipv6(res, gen, pkts):
    count = 0
    for n, rec in sorted(gen.items()):
        if rec['ip'] != 6:
            continue
        frame = raw(pkts[n - 1])
        res.fields('gen frame %d (opcode 0x%02x, IPv6)' % (n, rec['op']),
                   [('icrc (zlib)', rec['icrc'], icrc_v6(frame)),
                    ('icrc bytes', rec['icrc'], int.from_bytes(frame[-4:], 'little'))])
        count += 1
    return count


def main():
    (exe,) = args(1, '<roce-pcap>')
    res = Results('test_scapy_icrc')
    with tempfile.TemporaryDirectory() as tmp:
        n_scapy = test_scapy_built(res, exe, tmp)
        pcap = os.path.join(tmp, 'gen.pcap')
        gen = parse_dump(run([exe, 'gen', pcap]))
        pkts = rdpcap(pcap)
    res.check(len(pkts) == len(gen), 'gen printed %d lines for %d frames'
              % (len(gen), len(pkts)))
    n_v4 = test_gen_ipv4(res, gen, pkts)
    res.check(n_v4 >= MIN_IPV4_GEN, 'only %d IPv4 gen frames compared with scapy (want >= %d)'
              % (n_v4, MIN_IPV4_GEN))
    n_v6 = test_gen_ipv6(res, gen, pkts)
    res.note('(a) %d scapy-built frames parsed by roce-pcap' % n_scapy)
    res.note('(b) %d IPv4 gen frames: ICRC recomputed by scapy' % n_v4)
    res.note('(c) %d IPv6 gen frames: ICRC recomputed with zlib (scapy has no IPv6 ICRC)'
             % n_v6)
    return res.finish()


if __name__ == '__main__':
    sys.exit(main())
