# SPDX-License-Identifier: BSD-3-Clause
"""Helpers shared by the oracle tests: run roce-pcap and tshark, read pcap files, compare.

The oracle tests hold droce's wire codec (pmd/roce_*.c, driven through tests/tools/roce-pcap)
against tools nobody on this project wrote: tshark's InfiniBand dissector and scapy's RoCE
layer. Facts the tests need about the wire format (header lengths per opcode) are written
here again from the IBA tables (roce.md 7.1/7.2), not taken from pmd/roce_opcode.c.
"""

import os
import struct
import subprocess
import sys

# rpcordma: its heuristic flags tiny RC SEND payloads '[Malformed Packet: RPCoRDMA]'.
# infiniband.eoib: the Mellanox EoIB heuristic claims UD SEND payloads (even empty ones) and
# then reports them malformed. nvme-rdma: it takes the payload of RDMA WRITE MIDDLE/LAST
# packets as NVMe data and then shows no ICRC for them. None is RoCE framing; all only
# look inside the payload.
TSHARK_ARGS = ['--disable-protocol', 'rpcordma', '--disable-protocol', 'infiniband.eoib',
               '--disable-protocol', 'nvme-rdma']

# Extension header lengths (IBA 9.3, roce.md 7.1).
DETH, FETH, RETH, ATMETH, AETH, ATMACK, IMMDT, IETH, CNP_BODY = 8, 4, 16, 28, 4, 8, 4, 4, 16
BTH_LEN = 12
ICRC_LEN = 4

OP_FLUSH = 0x1c
OP_ATOMIC_WRITE = 0x1d
OP_CNP = 0x81


def ext_len(op):
    """Bytes of extension headers after the BTH for opcode op (roce.md 7.2)."""
    if op == OP_CNP:
        return CNP_BODY
    if op in (0x64, 0x65):                      # UD SEND_ONLY[_IMM]: DETH [+ ImmDt]
        return DETH + (IMMDT if op == 0x65 else 0)
    if op == OP_FLUSH:                          # IBA 1.5: FETH + RETH
        return FETH + RETH
    if op == OP_ATOMIC_WRITE:                   # IBA 1.5: RETH, 8-byte payload
        return RETH
    base = op & 0x1f
    n = 0
    if base in (0x06, 0x0a, 0x0b, 0x0c):        # WRITE_FIRST/ONLY[_IMM], READ_REQUEST
        n += RETH
    if base in (0x03, 0x05, 0x09, 0x0b):        # *_IMM
        n += IMMDT
    if base in (0x0d, 0x0f, 0x10, 0x11):        # READ_RESP FIRST/LAST/ONLY, ACK
        n += AETH
    if base == 0x12:                            # ATOMIC_ACK
        n += AETH + ATMACK
    if base in (0x13, 0x14):                    # CMP_SWAP, FETCH_ADD
        n += ATMETH
    if base in (0x16, 0x17):                    # SEND_LAST_INV, SEND_ONLY_INV
        n += IETH
    return n


def bswap32(v):
    return int.from_bytes(v.to_bytes(4, 'little'), 'big')


class Results:
    """Counts checks; prints the first failures in full and a final summary line."""

    MAX_PRINTED = 60

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.notes = []

    def fail(self, msg):
        self.failed += 1
        if self.failed <= self.MAX_PRINTED:
            print('FAIL: %s' % msg)
        elif self.failed == self.MAX_PRINTED + 1:
            print('FAIL: ... (further failures not printed)')

    def check(self, cond, msg):
        """Count one check; msg (a string or a callable) describes a failure."""
        if cond:
            self.passed += 1
            return True
        self.fail(msg() if callable(msg) else msg)
        return False

    def fields(self, where, pairs):
        """One check for a set of (field, ours, theirs) pairs: all must be equal."""
        bad = ['%s: roce-pcap %s, oracle %s' % (f, fmt(a), fmt(b))
               for f, a, b in pairs if a != b]
        return self.check(not bad, lambda: '%s: %s' % (where, '; '.join(bad)))

    def note(self, msg):
        self.notes.append(msg)

    def finish(self):
        for n in self.notes:
            print('note: %s' % n)
        print('%s: %d passed, %d failed' % (self.name, self.passed, self.failed))
        return 1 if self.failed or not self.passed else 0


def fmt(v):
    if isinstance(v, int) and not isinstance(v, bool) and v > 9:
        return '%d (0x%x)' % (v, v)
    if isinstance(v, bytes):
        return v.hex()
    return str(v)


def die(msg):
    print('ERROR: %s' % msg)
    sys.exit(1)


def run(cmd, quiet=True):
    """Run cmd, return its stdout; exit the test with a clear message if it fails.
    quiet: cmd writes nothing to stderr when all is well (roce-pcap), so anything there,
    such as a sanitizer report that did not change the exit status, is a failure."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       check=False)
    if p.returncode != 0 or (quiet and p.stderr):
        die('%s exited %d: %s' % (' '.join(cmd[:3]), p.returncode, p.stderr.strip()))
    return p.stdout


def parse_dump(text):
    """roce-pcap dump/gen output -> {frame: record}; record['status'] is 'ok' or 'drop'."""
    recs = {}
    for line in text.splitlines():
        cols = line.split('\t')
        rec = {'status': cols[1], 'line': line}
        if cols[1] == 'drop':
            rec['reason'] = cols[2]
        else:
            for kv in cols[2:]:
                k, v = kv.split('=', 1)
                rec[k] = int(v, 0)
        recs[int(cols[0])] = rec
    return recs


def roce_dump(exe, pcap):
    return parse_dump(run([exe, 'dump', pcap]))


# Fields asked of tshark for every frame.
TSHARK_FIELDS = [
    'frame.number', 'frame.len', 'frame.protocols', 'vlan.id', 'ip.len', 'ip.ttl',
    'ip.checksum.status', 'ipv6.plen', 'udp.dstport', 'udp.length',
    'infiniband.bth.opcode', 'infiniband.bth.se', 'infiniband.bth.m',
    'infiniband.bth.padcnt', 'infiniband.bth.tver', 'infiniband.bth.p_key',
    'infiniband.reserved', 'infiniband.bth.destqp', 'infiniband.bth.a',
    'infiniband.bth.psn',
    'infiniband.deth', 'infiniband.deth.q_key', 'infiniband.deth.srcqp',
    'infiniband.reth', 'infiniband.reth.va', 'infiniband.reth.r_key', 'infiniband.reth.dmalen',
    'infiniband.atomiceth', 'infiniband.atomiceth.swapdt', 'infiniband.atomiceth.cmpdt',
    'infiniband.aeth', 'infiniband.aeth.syndrome', 'infiniband.aeth.msn',
    'infiniband.atomicacketh', 'infiniband.atomicacketh.origremdt',
    'infiniband.immdt', 'infiniband.ieth', 'infiniband.vendor', 'infiniband.invariant.crc',
    'data.data', '_ws.malformed', '_ws.expert.message',
]


def tshark(pcap, extra=()):
    """Decode pcap with tshark -> {frame: {field: first occurrence or '', '_all': ...}}."""
    cmd = [os.environ.get('TSHARK', 'tshark'), '-n', '-r', pcap] + TSHARK_ARGS + list(extra) + \
        ['-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=|']
    for f in TSHARK_FIELDS:
        cmd += ['-e', f]
    rows = {}
    for line in run(cmd, quiet=False).splitlines():
        row = dict(zip(TSHARK_FIELDS, line.split('\t')))
        first = {k: v.split('|')[0] for k, v in row.items()}
        first['_all'] = row         # every occurrence, joined by '|'
        rows[int(row['frame.number'])] = first
    return rows


def ival(s):
    """A tshark number ('0x..', decimal, 'True'/'False') -> int, '' -> None."""
    if s == '':
        return None
    if s in ('True', 'False'):
        return int(s == 'True')
    return int(s, 0)


def is_ib(row):
    return 'infiniband' in row['frame.protocols'].split(':')


# Extension headers tshark reports (as byte fields) and the roce-pcap key that shows
# the codec saw the same header. tshark files AtomicETH's VA and R_Key under reth.*.
TSHARK_EXT = [('infiniband.deth', 'qkey'), ('infiniband.reth', 'reth_va'),
              ('infiniband.atomiceth', 'atm_va'), ('infiniband.aeth', 'aeth_syn'),
              ('infiniband.atomicacketh', 'atm_orig'), ('infiniband.immdt', 'imm'),
              ('infiniband.ieth', 'ieth')]


def ext_pairs(rec, row):
    """(field, ours, tshark) for every extension header either side saw."""
    pairs = [('headers', sorted(k for f, k in TSHARK_EXT if k in rec),
              sorted(k for f, k in TSHARK_EXT if row[f]))]
    if 'qkey' in rec:
        pairs += [('deth.qkey', rec['qkey'], ival(row['infiniband.deth.q_key'])),
                  ('deth.sqpn', rec['sqpn'], ival(row['infiniband.deth.srcqp']))]
    if 'reth_va' in rec:
        pairs += [('reth.va', rec['reth_va'], ival(row['infiniband.reth.va'])),
                  ('reth.rkey', rec['reth_rkey'], ival(row['infiniband.reth.r_key'])),
                  ('reth.len', rec['reth_len'], ival(row['infiniband.reth.dmalen']))]
    if 'atm_va' in rec:
        pairs += [('atomic.va', rec['atm_va'], ival(row['infiniband.reth.va'])),
                  ('atomic.rkey', rec['atm_rkey'], ival(row['infiniband.reth.r_key'])),
                  ('atomic.swap', rec['atm_swap'], ival(row['infiniband.atomiceth.swapdt'])),
                  ('atomic.cmp', rec['atm_cmp'], ival(row['infiniband.atomiceth.cmpdt']))]
    if 'aeth_syn' in rec:
        pairs += [('aeth.syndrome', rec['aeth_syn'], ival(row['infiniband.aeth.syndrome'])),
                  ('aeth.msn', rec['aeth_msn'], ival(row['infiniband.aeth.msn']))]
    if 'atm_orig' in rec:
        pairs += [('atomicack.orig', rec['atm_orig'],
                   ival(row['infiniband.atomicacketh.origremdt']))]
    if 'imm' in rec:
        pairs += [('imm', rec['imm'], int(row['infiniband.immdt'] or '0', 16))]
    if 'ieth' in rec:
        pairs += [('ieth', rec['ieth'], int(row['infiniband.ieth'] or '0', 16))]
    return pairs


def tshark_ext_bytes(row):
    return sum(len(row[f]) // 2 for f, _ in TSHARK_EXT)


def bth_pairs(rec, row):
    """(field, ours, tshark) for the BTH, the ICRC and the payload length."""
    resv = int(row['infiniband.reserved'] or '0', 16)   # BTH byte 4 comes first
    plen = ival(row['udp.length']) - 8 - BTH_LEN - tshark_ext_bytes(row) - \
        ival(row['infiniband.bth.padcnt']) - ICRC_LEN
    # tshark shows the four ICRC bytes as a big-endian number; the codec's value is
    # stored least-significant byte first (roce.md 7.3), so one is the other byte-swapped.
    crc = ival(row['infiniband.invariant.crc'])
    return [('opcode', rec['op'], ival(row['infiniband.bth.opcode'])),
            ('qpn', rec['qpn'], ival(row['infiniband.bth.destqp'])),
            ('psn', rec['psn'], ival(row['infiniband.bth.psn'])),
            ('ackreq', rec['ackreq'], ival(row['infiniband.bth.a'])),
            ('se', rec['se'], ival(row['infiniband.bth.se'])),
            ('migreq', rec['mig'], ival(row['infiniband.bth.m'])),
            ('padcnt', rec['pad'], ival(row['infiniband.bth.padcnt'])),
            ('pkey', rec['pkey'], ival(row['infiniband.bth.p_key'])),
            ('fecn', rec['fecn'], resv >> 7),
            ('becn', rec['becn'], (resv >> 6) & 1),
            ('payload_len', rec['plen'], plen),
            ('icrc', rec['icrc'], None if crc is None else bswap32(crc)),
            ('ip', rec['ip'], 6 if 'ipv6' in row['frame.protocols'].split(':') else 4)]


def read_pcap(path):
    """Frames of a classic little/big-endian pcap file as a list of bytes."""
    with open(path, 'rb') as f:
        data = f.read()
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        die('%s: not a classic pcap file' % path)
    frames, off = [], 24
    while off + 16 <= len(data):
        caplen = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
        frames.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return frames


def layout(frame):
    """Offsets in a RoCEv2 frame, found from the Ethernet/IP/UDP headers themselves."""
    l3 = 18 if frame[12:14] == b'\x81\x00' else 14
    if frame[l3] >> 4 == 6:
        ip_len = 40 + struct.unpack('!H', frame[l3 + 4:l3 + 6])[0]
        l4 = l3 + 40
    else:
        ip_len = struct.unpack('!H', frame[l3 + 2:l3 + 4])[0]
        l4 = l3 + (frame[l3] & 0x0f) * 4
    bth = l4 + 8
    return {'l3': l3, 'l4': l4, 'bth': bth, 'icrc': l3 + ip_len - ICRC_LEN,
            'v6': frame[l3] >> 4 == 6}


def args(n, usage):
    if len(sys.argv) != n + 1:
        die('usage: %s %s' % (os.path.basename(sys.argv[0]), usage))
    return sys.argv[1:]
