#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Oracle: frames built by droce's roce_build() as tshark sees them.

`roce-pcap gen` writes a frame for every valid opcode (RC, UC, UD, CNP, FLUSH,
ATOMIC_WRITE), IPv4 and IPv6, with and without an 802.1Q tag, payloads giving pad counts 0-3,
and prints what each frame was meant to carry. For every frame this test asserts:
- roce-pcap dump of the file gives back exactly the intended line (build/parse round trip);
- tshark decodes it as InfiniBand over UDP 4791 with the intended opcode, QPN, PSN, AckReq,
  SE, MigReq, PadCnt, P_Key, FECN/BECN, RETH/AETH/AtomicETH/AtomicAckETH/DETH/ImmDt/IETH
  contents, payload bytes (and zero pad), ICRC value, VLAN ID and IP version;
- ip.len / ipv6.plen / udp.length agree with each other and with the header sizes of
  roce.md 7.1/7.2, and tshark finds the IPv4 header checksum good;
- tshark reports no malformed packet and no expert info, with one exception on IPv6: see
  IPV6_ZERO_CSUM below.

tshark 4.0.17 knows the IBA 1.4 opcode table only: FLUSH (0x1c) and ATOMIC WRITE (0x1d) are
IBA 1.5, and the CNP (0x81) is Annex A17. It shows those as "Unknown" with the bytes after
the BTH as "Unknown/Vendor Specific Data" (the ICRC included). For them the BTH fields are
compared and those bytes are compared with FETH/RETH/payload/CNP body/pad/ICRC encoded here
from the spec; tshark must still not call them malformed.

usage: test_tshark_build.py <roce-pcap>
"""

import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import (OP_ATOMIC_WRITE, OP_CNP, OP_FLUSH, Results, args,  # noqa
                           bth_pairs, ext_len, ext_pairs, ival, layout, parse_dump,
                           read_pcap, run, tshark)

# Every opcode droce must build (roce.md 7.2), written out independently of roce_opcode.c.
ALL_OPCODES = set(range(0x00, 0x15)) | {0x16, 0x17, OP_FLUSH, OP_ATOMIC_WRITE} | \
    set(range(0x20, 0x2c)) | {0x64, 0x65, OP_CNP}
TSHARK_UNKNOWN = {OP_FLUSH, OP_ATOMIC_WRITE, OP_CNP}
VARIANTS = 4                        # IPv4/IPv6 x untagged/802.1Q

# tshark follows RFC 8200 8.1: a zero UDP checksum over IPv6 is "Illegal". roce_build()
# writes 0 for IPv6 as for IPv4 (pmd/roce_build.c, Annex A17.4.2 comment); RoCEv2 relies on
# the ICRC and on the zero-checksum allowance of RFC 6935/6936. Tolerated, and counted.
IPV6_ZERO_CSUM = 'Illegal checksum value (0)'

TSHARK_EXTRA = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE']


def pattern(n):
    """The payload roce-pcap gen sends: byte i is i * 7 + 0x41."""
    return bytes((i * 7 + 0x41) & 0xff for i in range(n))


def unknown_tail(rec):
    """Bytes after the BTH of an opcode tshark 4.0 does not know, from the spec."""
    op = rec['op']
    if op == OP_CNP:                    # Annex A17.9.3: CNP body, 16 reserved bytes
        hdr = bytes(16)
    else:
        hdr = struct.pack('!QII', rec['reth_va'], rec['reth_rkey'], rec['reth_len'])
    if op == OP_FLUSH:                  # IBA 1.5 9.3.12: FETH, then RETH, no payload
        hdr = struct.pack('!I', rec['feth']) + hdr
    return hdr + pattern(rec['plen']) + bytes(rec['pad']) + rec['icrc'].to_bytes(4, 'little')


def check_lengths(res, where, rec, row, frame):
    L = layout(frame)
    udp = 8 + 12 + ext_len(rec['op']) + rec['plen'] + rec['pad'] + 4
    pairs = [('udp.length', udp, ival(row['udp.length'])),
             ('udp.dstport', 4791, ival(row['udp.dstport'])),
             ('frame.len', len(frame), ival(row['frame.len'])),
             ('l2+ip length', len(frame), L['l3'] + (40 if rec['ip'] == 6 else 20) + udp),
             ('vlan.id', rec['vlan'] & 0xfff if 'vlan' in rec else None,
              ival(row['vlan.id']))]
    if rec['ip'] == 4:
        pairs += [('ip.len', udp + 20, ival(row['ip.len'])),
                  ('ip.checksum.status (1 = good)', 1, ival(row['ip.checksum.status']))]
    else:
        pairs += [('ipv6.plen', udp, ival(row['ipv6.plen']))]
    res.fields(where, pairs)


def check_expert(res, where, rec, row):
    msgs = [m for m in row['_all']['_ws.expert.message'].split('|') if m]
    if rec['ip'] == 6 and IPV6_ZERO_CSUM in msgs:
        msgs.remove(IPV6_ZERO_CSUM)
        res.ipv6_zero_csum += 1
    res.check(not row['_ws.malformed'] and not msgs,
              '%s: tshark says malformed=%r expert=%r' % (where, row['_ws.malformed'], msgs))


def check_ib(res, where, rec, row):
    if row['infiniband.vendor']:
        # Opcodes tshark does not know: BTH fields plus the raw bytes after the BTH,
        # the last occurrence of infiniband.vendor (the first is a 4-byte sub-item).
        res.check(rec['op'] in TSHARK_UNKNOWN, '%s: tshark does not know opcode 0x%02x'
                  % (where, rec['op']))
        pairs = [p for p in bth_pairs(rec, row) if p[0] not in ('payload_len', 'icrc')]
        pairs.append(('bytes after BTH', unknown_tail(rec),
                      bytes.fromhex(row['_all']['infiniband.vendor'].split('|')[-1])))
        res.fields(where, pairs)
        res.unknown_ops.add(rec['op'])
        return
    res.fields(where, bth_pairs(rec, row) + ext_pairs(rec, row) +
               [('payload+pad bytes', pattern(rec['plen']) + bytes(rec['pad']),
                 bytes.fromhex(row['data.data']))])


def check_frame(res, n, rec, row, frame):
    where = 'gen frame %d (opcode 0x%02x, IPv%d%s, payload %d)' % (
        n, rec['op'], rec['ip'], ', 802.1Q' if 'vlan' in rec else '', rec['plen'])
    protos = row['frame.protocols'].split(':')
    if not res.check('udp' in protos and 'infiniband' in protos,
                     '%s: tshark protocols %s' % (where, row['frame.protocols'])):
        return
    check_lengths(res, where, rec, row, frame)
    check_expert(res, where, rec, row)
    check_ib(res, where, rec, row)


def check_coverage(res, intent):
    ops = {}
    for rec in intent.values():
        ops.setdefault(rec['op'], set()).add((rec['ip'], 'vlan' in rec, rec['pad']))
    res.check(set(ops) == ALL_OPCODES, 'gen opcodes: missing %s, extra %s' % (
        sorted(ALL_OPCODES - set(ops)), sorted(set(ops) - ALL_OPCODES)))
    thin = [op for op, v in ops.items() if len({(ip, vl) for ip, vl, _ in v}) != VARIANTS]
    res.check(not thin, 'opcodes without all IPv4/IPv6 x VLAN variants: %s' % thin)
    pads = {pad for v in ops.values() for _, _, pad in v}
    res.check(pads == {0, 1, 2, 3}, 'pad counts exercised: %s' % sorted(pads))


def main():
    (exe,) = args(1, '<roce-pcap>')
    res = Results('test_tshark_build')
    res.ipv6_zero_csum = 0
    res.unknown_ops = set()
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, 'gen.pcap')
        gen_out = run([exe, 'gen', pcap])
        intent = parse_dump(gen_out)
        dumped = parse_dump(run([exe, 'dump', pcap]))
        rows = tshark(pcap, TSHARK_EXTRA)
        frames = read_pcap(pcap)
    check_coverage(res, intent)
    res.check(len(intent) == len(rows) == len(frames) == len(dumped),
              'frames: gen printed %d, dump %d, tshark %d, pcap holds %d'
              % (len(intent), len(dumped), len(rows), len(frames)))
    for n, rec in sorted(intent.items()):
        res.check(dumped.get(n, {}).get('line') == rec['line'],
                  lambda: 'gen frame %d: built %s\n  parsed back %s'
                  % (n, rec['line'], dumped.get(n, {}).get('line')))
        if n in rows:
            check_frame(res, n, rec, rows[n], frames[n - 1])
    res.note('%d generated frames compared with tshark' % len(intent))
    res.note('opcodes tshark 4.0 does not decode (raw bytes compared): %s'
             % ', '.join('0x%02x' % op for op in sorted(res.unknown_ops)))
    res.note('%d IPv6 frames: tshark flags the zero UDP checksum (tolerated, RFC 6935/6936)'
             % res.ipv6_zero_csum)
    return res.finish()


if __name__ == '__main__':
    sys.exit(main())
