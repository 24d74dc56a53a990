#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""ndk-cm, with every CM MAD the two droce adapters send captured and checked by tshark.

Runs test_ndk_cm (the connector/listener suite over net_ring) with NH_PCAP set, so the
harness writes every frame sent to QP1 into a pcap file (tests/ndk/nh_capture.c), then
holds that capture against tshark's InfiniBand dissector and the IBA message tables:

- every frame is a RoCEv2 UD SEND only from QP1 to QP1 with Q_Key 0x80010000 carrying a
  MAD of base version 1, class 0x07 (CM), class version 2, method Send, status 0; tshark
  finds nothing malformed (its only remark allowed: IPv6's zero UDP checksum);
- all seven messages droce sends are there: REQ, MRA, REJ, REP, RTU, DREQ, DREP;
- each REQ carries rdma_cm's service ID for the suite's ports, the harness's CM settings
  (response timeouts 16, Max CM Retries 5), rdma_cm's IP header of the right IP version,
  and either the defaults (ACK timeout 14, retry and RNR retry 7, path MTU 1024) or
  test_conn_params's (18, 3, 5, 512);
- the conversations hold together: a REP, RTU, MRA or REJ names the REQ's communication
  ID and carries its transaction ID; an RTU names both IDs; a DREQ names a connection's
  IDs and the peer's QPN; a DREP answers a DREQ with its IDs swapped and its TID;
- every REQ is answered by a REP or a REJ, except the silent-peer test's, which was sent
  exactly Max CM Retries + 1 times;
- the MRAs (tshark 4.0 has no MRA dissector: checked from the bytes, IBA 12.6.6) name
  REQ and REP, with rdma_cm's service timeout 24; the REJs are consumer rejects (reason
  28) with the test's private data or "invalid service ID" (8) for nobody listening.

usage: cm_wire.py <test_ndk_cm>
"""

import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'oracle'))
from oracle_common import TSHARK_ARGS, ival, read_pcap  # noqa: E402

ATTR = {0x10: 'REQ', 0x11: 'MRA', 0x12: 'REJ', 0x13: 'REP', 0x14: 'RTU', 0x15: 'DREQ',
        0x16: 'DREP'}
CM_TIMEOUT, CM_RETRIES = 16, 5          # tests/ndk/ndk_harness.h
PORTS = {4420, 4421}                     # test_ndk_cm.c: PORT and PORT + 1
SID_BASE = 0x0000000001060000
FIELDS = ['frame.number', '_ws.malformed', '_ws.expert.message', 'infiniband.bth.opcode',
          'infiniband.bth.destqp', 'infiniband.deth.srcqp', 'infiniband.deth.q_key',
          'infiniband.mad.baseversion', 'infiniband.mad.mgmtclass',
          'infiniband.mad.classversion', 'infiniband.mad.method', 'infiniband.mad.status',
          'infiniband.mad.transactionid', 'infiniband.mad.attributeid',
          'infiniband.cm.req', 'infiniband.cm.req.serviceid', 'infiniband.cm.req.localqpn',
          'infiniband.cm.req.remoteresptout', 'infiniband.cm.req.localresptout',
          'infiniband.cm.req.maxcmretr', 'infiniband.cm.req.prim_localacktout',
          'infiniband.cm.req.retrcount', 'infiniband.cm.req.rnrretrcount',
          'infiniband.cm.req.pppmtu',
          'infiniband.cm.req.ip_cm.ipv', 'infiniband.cm.req.ip_cm.sport',
          'infiniband.cm.rep', 'infiniband.cm.rep.remotecommid', 'infiniband.cm.rep.localqpn',
          'infiniband.cm.rtu.localcommid', 'infiniband.cm.rtu.remotecommid',
          'infiniband.cm.rej.localcommid', 'infiniband.cm.rej.remotecommid',
          'infiniband.cm.rej.msgrej', 'infiniband.cm.rej.reason', 'infiniband.cm.rej.private',
          'infiniband.cm.dreq.localcommid', 'infiniband.cm.dreq.remotecommid',
          'infiniband.cm.req.remoteqpneecn',
          'infiniband.cm.drsp.localcommid', 'infiniband.cm.drsp.remotecommid']

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def mad_of(frame):
    """The 256-byte MAD of a RoCEv2 UD SEND (Ethernet, IPv4 or IPv6, UDP, BTH, DETH)."""
    l3 = 14
    if frame[12:14] == b'\x08\x00':
        l4 = l3 + (frame[l3] & 0xf) * 4
    else:
        l4 = l3 + 40
    return frame[l4 + 8 + 12 + 8:][:256]


def tshark(pcap):
    cmd = [os.environ.get('TSHARK', 'tshark'), '-n', '-r', pcap] + TSHARK_ARGS + \
        ['-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=f']
    for f in FIELDS:
        cmd += ['-e', f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       check=False)
    if p.returncode != 0:
        sys.exit('FAIL tshark exited %d: %s' % (p.returncode, p.stderr.strip()))
    return [dict(zip(FIELDS, line.split('\t'))) for line in p.stdout.splitlines()]


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: cm_wire.py <test_ndk_cm>')
    tmp = tempfile.mkdtemp(prefix='cm_wire')
    pcap = os.path.join(tmp, 'cm.pcap')
    env = dict(os.environ, NH_PCAP=pcap, CK_FORK='no')
    p = subprocess.run([sys.argv[1]], env=env, check=False)
    if p.returncode != 0:
        sys.exit('FAIL test_ndk_cm exited %d' % p.returncode)
    rows, frames = tshark(pcap), read_pcap(pcap)
    if len(rows) != len(frames) or not rows:
        sys.exit('FAIL tshark saw %d frames, the capture holds %d' % (len(rows), len(frames)))

    msgs = []
    for row, frame in zip(rows, frames):
        n = row['frame.number']
        v = {k: ival(row[k]) if k.startswith('infiniband') and 'private' not in k else row[k]
             for k in FIELDS}
        check(v['_ws.malformed'] == '', 'frame %s malformed' % n)
        check(row['_ws.expert.message'] in ('', 'Illegal checksum value (0)'),
              'frame %s: %s' % (n, row['_ws.expert.message']))
        check((v['infiniband.bth.opcode'], v['infiniband.bth.destqp'],
               v['infiniband.deth.srcqp'], v['infiniband.deth.q_key']) ==
              (0x64, 1, 1, 0x80010000), 'frame %s: not a UD SEND from QP1 to QP1' % n)
        check((v['infiniband.mad.baseversion'], v['infiniband.mad.mgmtclass'],
               v['infiniband.mad.classversion'], v['infiniband.mad.method'],
               v['infiniband.mad.status']) == (1, 7, 2, 3, 0),
              'frame %s: not a CM Send MAD' % n)
        attr = ATTR.get(v['infiniband.mad.attributeid'])
        if not check(attr is not None, 'frame %s: attribute %s' %
                     (n, row['infiniband.mad.attributeid'])):
            continue
        mad = mad_of(frame)
        lcid, rcid = struct.unpack('>II', mad[24:32])
        m = {'n': n, 'attr': attr, 'tid': v['infiniband.mad.transactionid'], 'lcid': lcid,
             'rcid': rcid, 'v': v, 'row': row, 'mad': mad}
        # tshark's own reading of the communication IDs must agree with the bytes.
        ws = {'REQ': ('infiniband.cm.req', None),
              'REP': ('infiniband.cm.rep', 'infiniband.cm.rep.remotecommid'),
              'RTU': ('infiniband.cm.rtu.localcommid', 'infiniband.cm.rtu.remotecommid'),
              'REJ': ('infiniband.cm.rej.localcommid', 'infiniband.cm.rej.remotecommid'),
              'DREQ': ('infiniband.cm.dreq.localcommid', 'infiniband.cm.dreq.remotecommid'),
              'DREP': ('infiniband.cm.drsp.localcommid', 'infiniband.cm.drsp.remotecommid'),
              'MRA': (None, None)}[attr]
        if ws[0] is not None:
            check(v[ws[0]] == lcid, 'frame %s: tshark local comm ID %s' % (n, v[ws[0]]))
        if ws[1] is not None:
            check(v[ws[1]] == rcid, 'frame %s: tshark remote comm ID %s' % (n, v[ws[1]]))
        msgs.append(m)

    by = {a: [m for m in msgs if m['attr'] == a] for a in ATTR.values()}
    for a, ms in by.items():
        check(ms, 'no %s on the wire' % a)

    reqs, custom = {}, 0
    for m in by['REQ']:
        v = m['v']
        sid = v['infiniband.cm.req.serviceid']
        check(sid is not None and sid & ~0xffff == SID_BASE and sid & 0xffff in PORTS,
              'frame %s: service ID %s' % (m['n'], sid))
        check((v['infiniband.cm.req.remoteresptout'], v['infiniband.cm.req.localresptout'],
               v['infiniband.cm.req.maxcmretr']) == (CM_TIMEOUT, CM_TIMEOUT, CM_RETRIES),
              'frame %s: CM timeouts/retries' % m['n'])
        # The defaults, or test_conn_params's NDK_EXT_DROCE_CONN settings.
        path = (v['infiniband.cm.req.prim_localacktout'], v['infiniband.cm.req.retrcount'],
                v['infiniband.cm.req.rnrretrcount'], v['infiniband.cm.req.pppmtu'])
        check(path in ((14, 7, 7, 3), (18, 3, 5, 2)),
              'frame %s: ACK timeout, retry, RNR retry, MTU %s' % (m['n'], path))
        custom += path == (18, 3, 5, 2)
        v4 = m['mad'][24 + 56 + 10:][:2] == b'\xff\xff'     # primary local GID, ::ffff:a.b.c.d
        check(v['infiniband.cm.req.ip_cm.ipv'] == (4 if v4 else 6),
              'frame %s: rdma_cm IP version %s' % (m['n'], v['infiniband.cm.req.ip_cm.ipv']))
        r = reqs.setdefault(m['lcid'], {'tid': m['tid'], 'qpn':
                                        v['infiniband.cm.req.localqpn'], 'sent': 0})
        check(r['tid'] == m['tid'], 'frame %s: a REQ retransmitted with another TID' % m['n'])
        r['sent'] += 1

    check(custom >= 1, 'no REQ with NDK_EXT_DROCE_CONN parameters')
    conns = {}                          # (active ID, passive ID) -> the two QPNs
    answered = set()
    for m in by['REP']:
        r = reqs.get(m['rcid'])
        if check(r is not None and r['tid'] == m['tid'],
                 'frame %s: REP for no REQ (or another TID)' % m['n']):
            answered.add(m['rcid'])
            conns[(m['rcid'], m['lcid'])] = (r['qpn'], m['v']['infiniband.cm.rep.localqpn'])
    for m in by['RTU']:
        check((m['lcid'], m['rcid']) in conns and reqs[m['lcid']]['tid'] == m['tid'],
              'frame %s: RTU for no connection' % m['n'])
    for m in by['REJ']:
        r = reqs.get(m['rcid'])
        if not check(r is not None and r['tid'] == m['tid'],
                     'frame %s: REJ for no REQ' % m['n']):
            continue
        answered.add(m['rcid'])
        reason = m['v']['infiniband.cm.rej.reason']
        check(m['v']['infiniband.cm.rej.msgrej'] == 0 and reason in (8, 28),
              'frame %s: REJ of message %s, reason %s' %
              (m['n'], m['v']['infiniband.cm.rej.msgrej'], reason))
    consumer = [m for m in by['REJ'] if m['v']['infiniband.cm.rej.reason'] == 28]
    check(any(bytes.fromhex(m['row']['infiniband.cm.rej.private'].replace(':', ''))
              .startswith(b'no, busy\0') for m in consumer),
          'no consumer REJ with the test\'s private data')
    check(any(m['v']['infiniband.cm.rej.reason'] == 8 for m in by['REJ']),
          'no REJ for a port nobody listens on')
    unanswered = [(lcid, r['sent']) for lcid, r in reqs.items() if lcid not in answered]
    check([s for _, s in unanswered] == [CM_RETRIES + 1],
          'unanswered REQs (ID, times sent): %s' % unanswered)

    for m in by['MRA']:
        msg, stmo = m['mad'][32] >> 6, m['mad'][33] >> 3
        if msg == 0:                    # the passive side holds off an active one
            ok = (m['rcid'], m['lcid']) in conns or m['rcid'] in reqs
        else:
            ok = (m['lcid'], m['rcid']) in conns
        check(ok and stmo == 24 and msg in (0, 1) and
              reqs.get(m['rcid'] if msg == 0 else m['lcid'], {}).get('tid') == m['tid'],
              'frame %s: MRA of message %d, service timeout %d, IDs %#x/%#x' %
              (m['n'], msg, stmo, m['lcid'], m['rcid']))
    check({m['mad'][32] >> 6 for m in by['MRA']} == {0, 1}, 'MRAs of REQ and of REP')

    dreqs = {}
    for m in by['DREQ']:
        rqpn = m['v']['infiniband.cm.req.remoteqpneecn']
        if (m['lcid'], m['rcid']) in conns:      # from the active side
            want = conns[(m['lcid'], m['rcid'])][1]
        elif (m['rcid'], m['lcid']) in conns:
            want = conns[(m['rcid'], m['lcid'])][0]
        else:
            check(False, 'frame %s: DREQ for no connection' % m['n'])
            continue
        check(rqpn == want, 'frame %s: DREQ names QPN %s, the peer is %s' % (m['n'], rqpn, want))
        dreqs[(m['lcid'], m['rcid'])] = m['tid']
    for m in by['DREP']:
        check(dreqs.get((m['rcid'], m['lcid'])) == m['tid'],
              'frame %s: DREP answers no DREQ' % m['n'])

    print('%d CM MADs: %s; %d connections' %
          (len(msgs), ', '.join('%d %s' % (len(by[a]), a) for a in ATTR.values()), len(conns)))
    for f in failures[:20]:
        print('FAIL', f)
    if failures:
        print('%d failures' % len(failures))
        return 1
    print('PASS every CM MAD decodes and holds together')
    return 0


if __name__ == '__main__':
    sys.exit(main())
