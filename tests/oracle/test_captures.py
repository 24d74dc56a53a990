#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Oracle: droce's parser against tshark on real captures (tests/data/captures).

1. Every frame tshark decodes as InfiniBand parses OK in roce-pcap with its ICRC verified,
   with the same opcode, QPN, PSN, BTH flags, P_Key, extension headers (RETH, AETH,
   AtomicETH, AtomicAckETH, DETH, ImmDt, IETH), payload length, ICRC value and IP version.
   Every other frame (ARP, TCP) is dropped for the reason its protocols imply.
2. The count of RoCE frames per file equals icrc-check.txt (910 in all, every ICRC good).
3. Flipping one byte the ICRC covers (BTH opcode/PSN, an extension header, the payload,
   the UDP source port, the ICRC itself) makes that frame, and only it, 'drop icrc'.
   Bytes the ICRC masks by design (roce.md 7.3: BTH byte 4, UDP checksum, IPv6 hop limit)
   leave the parse unchanged; the IPv4 TTL is masked too but covered by the IP header
   checksum, so flipping it gives 'drop ip_csum'.

usage: test_captures.py <roce-pcap> <captures dir>
"""

import glob
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import (Results, args, bth_pairs, die, ext_len, ext_pairs, is_ib,  # noqa
                           layout, read_pcap, roce_dump, run, tshark)

EXPECTED_TOTAL = 910


def read_counts(path):
    """icrc-check.txt -> {file name: (RoCE frames, ICRC ok, ICRC bad)}."""
    counts = {}
    pat = re.compile(r'(\S+\.pcap): (\d+) RoCEv2 frames, ICRC ok (\d+), bad (\d+)')
    with open(path) as f:
        for line in f:
            m = pat.match(line)
            if m:
                counts[os.path.basename(m.group(1))] = tuple(int(g) for g in m.groups()[1:])
    return counts


def expected_drop(row):
    protos = row['frame.protocols'].split(':')
    if 'ip' not in protos and 'ipv6' not in protos:
        return 'not_ip'
    if 'udp' not in protos:
        return 'not_udp'
    return 'udp_port'


def compare_file(res, name, ours, rows):
    """Frame by frame against tshark; returns the RoCE frame numbers."""
    res.check(sorted(ours) == sorted(rows),
              '%s: roce-pcap saw frames 1..%d, tshark 1..%d' % (name, len(ours), len(rows)))
    roce = []
    for n, row in sorted(rows.items()):
        rec = ours.get(n, {'status': 'missing', 'line': 'missing'})
        where = '%s frame %d' % (name, n)
        if not is_ib(row):
            want = expected_drop(row)
            res.check(rec['status'] == 'drop' and rec['reason'] == want,
                      '%s: %s frame, want drop %s, roce-pcap: %s' %
                      (where, row['frame.protocols'], want, rec['line']))
            continue
        if not res.check(rec['status'] == 'ok', '%s: tshark decodes InfiniBand, roce-pcap: %s'
                         % (where, rec['line'])):
            continue
        roce.append(n)
        res.fields(where, bth_pairs(rec, row) + ext_pairs(rec, row))
    return roce


# (what, offset of the byte in the frame or None to skip, expected dump result)
# 'same' means the dump line must be unchanged.
def flip_plan(L, rec):
    ext = ext_len(rec['op'])
    body = L['bth'] + 12 + ext
    return [
        ('bth.opcode', L['bth'], 'icrc'),
        ('bth.psn', L['bth'] + 11, 'icrc'),
        ('ext header', L['bth'] + 12 if ext else None, 'icrc'),
        ('payload', body + rec['plen'] // 2 if rec['plen'] else None, 'icrc'),
        ('udp.sport', L['l4'] + 1, 'icrc'),
        ('icrc first byte', L['icrc'], 'icrc'),
        ('icrc last byte', L['icrc'] + 3, 'icrc'),
        ('bth byte 4 (masked)', L['bth'] + 4, 'same'),
        ('udp.checksum (masked)', L['l4'] + 7, 'same'),
        ('ipv4.ttl', None if L['v6'] else L['l3'] + 8, 'ip_csum'),
        ('ipv6.hop_limit (masked)', L['l3'] + 7 if L['v6'] else None, 'same'),
    ]


def flip_file(res, exe, pcap, ours, roce, tmp):
    name = os.path.basename(pcap)
    frames = read_pcap(pcap)
    plans = {n: flip_plan(layout(frames[n - 1]), ours[n]) for n in roce}
    for k, (what, _, want) in enumerate(plans[roce[0]] if roce else []):
        targets = [(n, plans[n][k][1]) for n in roce if plans[n][k][1] is not None]
        if not targets:
            continue
        out = os.path.join(tmp, 'flip.pcap')
        cmd = [exe, 'flip', pcap, str(targets[0][0]), str(targets[0][1]), out]
        for n, off in targets[1:]:
            cmd += [str(n), str(off)]
        run(cmd)
        after = roce_dump(exe, out)
        flipped = {n for n, _ in targets}
        for n, off in targets:
            got = after[n]['line'].split('\t', 1)[1]
            expect = ours[n]['line'].split('\t', 1)[1] if want == 'same' else 'drop\t' + want
            res.check(got == expect, '%s frame %d: flipped %s (byte %d): want %s, got %s'
                      % (name, n, what, off, expect, got))
        untouched = [n for n in ours if n not in flipped and after[n]['line'] != ours[n]['line']]
        res.check(not untouched, '%s: flipping %s changed unflipped frames %s'
                  % (name, what, untouched[:5]))


def main():
    exe, capdir = args(2, '<roce-pcap> <captures dir>')
    res = Results('test_captures')
    pcaps = sorted(glob.glob(os.path.join(capdir, '*.pcap')))
    if not pcaps:
        die('no *.pcap in %s' % capdir)
    counts = read_counts(os.path.join(capdir, 'icrc-check.txt'))
    res.check(sorted(counts) == [os.path.basename(p) for p in pcaps],
              'icrc-check.txt lists %s, directory has %s'
              % (sorted(counts), [os.path.basename(p) for p in pcaps]))
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for pcap in pcaps:
            name = os.path.basename(pcap)
            ours = roce_dump(exe, pcap)
            roce = compare_file(res, name, ours, tshark(pcap))
            n_ok = sum(1 for r in ours.values() if r['status'] == 'ok')
            n_bad = sum(1 for r in ours.values() if r.get('reason') == 'icrc')
            res.fields('%s: counts' % name, [('(RoCE frames, ICRC ok, ICRC bad)',
                                              (len(roce), n_ok, n_bad), counts.get(name))])
            total += len(roce)
            flip_file(res, exe, pcap, ours, roce, tmp)
    res.check(total == EXPECTED_TOTAL and total == sum(c[0] for c in counts.values()),
              'RoCE frames: %d compared, icrc-check.txt says %d, expected %d'
              % (total, sum(c[0] for c in counts.values()), EXPECTED_TOTAL))
    res.note('%d RoCE frames in %d captures compared field by field with tshark'
             % (total, len(pcaps)))
    return res.finish()


if __name__ == '__main__':
    sys.exit(main())
