#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Seed corpus for fuzz_rx: one file per frame.

Every frame of every capture in the captures directory (tests/data/captures), then
hand-made frames for what the captures lack: IPv6 and VLAN forms of captured requests,
requests aimed at the edges of the MRs fuzz_rx registers, the opcodes rxe never sent
(immediate, invalidate, FLUSH, ATOMIC WRITE, UC, CNP), responses for fuzz_rx's requester
QP, a CE-marked request, ICMP and ICMPv6 echo and a neighbour solicitation.

The QPNs, PSNs, rkeys and addresses are fuzz_rx.c's (which took them from the captures).
The ICRC code is checked against every captured RoCEv2 frame before anything is written.

--dict also writes a libFuzzer dictionary of those numbers as they appear on the wire.

usage: make_seeds.py --out DIR [--captures DIR] [--dict FILE]
"""

import argparse
import pathlib
import struct
import sys
import zlib

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_CAPTURES = HERE.parent / 'data' / 'captures'

MAC_US = bytes.fromhex('525400770001')
MAC_PEER = bytes.fromhex('525400770002')
IP_US = bytes([192, 168, 77, 11])
IP_PEER = bytes([192, 168, 77, 12])
IP6_US = bytes.fromhex('fd000077000000000000000000000011')
IP6_PEER = bytes.fromhex('fd000077000000000000000000000012')
ROCE_PORT = 4791

# fuzz_rx.c: QPN -> first PSN expected; MRs: (va, rkey, length).
QP_SEND, QP_WRITE, QP_READ, QP_FADD, QP_CSWAP, QP_UD, QP_CM, QP_CM2 = range(0x11, 0x19)
QP_GSI = 0x02
QP_V6, QP_BAD_KEY, QP_SMALL_RECV = range(0x0a, 0x0d)
QP_SMALL_MTU, QP_NO_WRITE, QP_NO_READ, QP_NO_RECV = range(0x0d, 0x11)
PSN = {QP_SEND: 9863341, QP_WRITE: 15922690, QP_READ: 4982621, QP_FADD: 5106032,
       QP_CSWAP: 14899402, QP_CM: 5393493, QP_CM2: 13023381, QP_SMALL_MTU: 9863341,
       QP_NO_WRITE: 15922690, QP_NO_READ: 4982621, QP_NO_RECV: 9863341, QP_V6: 9863341,
       QP_BAD_KEY: 9863341, QP_SMALL_RECV: 9863341}
CM_SQ_PSN = 6576758
MR_WRITE = (0x55bb3b3a8000, 0x31e, 4096)
MR_RO = (0x5579c97f6000, 0x413, 4096)
MR_FADD = (0x561317eeb000, 0x504, 4096)
MR_CSWAP = (0x5652aadbb000, 0x67b, 4096)
QKEY_UD = 0x11111111
QKEY_GSI = 0x80010000

OP = {'SEND_FIRST': 0x00, 'SEND_MIDDLE': 0x01, 'SEND_LAST': 0x02, 'SEND_LAST_IMM': 0x03,
      'SEND_ONLY': 0x04, 'SEND_ONLY_IMM': 0x05, 'WRITE_FIRST': 0x06, 'WRITE_MIDDLE': 0x07,
      'WRITE_LAST': 0x08, 'WRITE_LAST_IMM': 0x09, 'WRITE_ONLY': 0x0a, 'WRITE_ONLY_IMM': 0x0b,
      'READ_REQ': 0x0c, 'READ_RESP_FIRST': 0x0d, 'READ_RESP_LAST': 0x0f,
      'READ_RESP_ONLY': 0x10, 'ACK': 0x11, 'ATOMIC_ACK': 0x12, 'CMP_SWAP': 0x13,
      'FETCH_ADD': 0x14, 'SEND_LAST_INV': 0x16, 'SEND_ONLY_INV': 0x17, 'FLUSH': 0x1c,
      'ATOMIC_WRITE': 0x1d, 'UC_SEND_ONLY': 0x24, 'UD_SEND_ONLY': 0x64,
      'UD_SEND_ONLY_IMM': 0x65, 'CNP': 0x81}


def read_pcap(path):
    """Frames of a classic pcap file with Ethernet link type."""
    data = path.read_bytes()
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        raise ValueError('%s: not a classic pcap file' % path)
    linktype = struct.unpack(end + 'I', data[20:24])[0]
    if linktype != 1:
        raise ValueError('%s: link type %d, not Ethernet' % (path, linktype))
    off, frames = 24, []
    while off + 16 <= len(data):
        incl = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def icrc(l3):
    """Annex A17.3.3 ICRC over an IP packet without its last 4 bytes, as stored (LE)."""
    b = bytearray(l3)
    if b[0] >> 4 == 6:
        ihl = 40
        b[0] |= 0x0f
        b[1:4] = b'\xff\xff\xff'
        b[7] = 0xff
    else:
        ihl = (b[0] & 0x0f) * 4
        b[1] = 0xff
        b[8] = 0xff
        b[10:12] = b'\xff\xff'
    b[ihl + 6:ihl + 8] = b'\xff\xff'
    b[ihl + 12] = 0xff
    return struct.pack('<I', zlib.crc32(b'\xff' * 8 + bytes(b)) & 0xffffffff)


def eth(ethertype, vlan=None, dmac=MAC_US, smac=MAC_PEER):
    tag = b'' if vlan is None else struct.pack('!HH', 0x8100, vlan)
    return dmac + smac + tag + struct.pack('!H', ethertype)


def ipv4(proto, payload, tos=0, src=IP_PEER, dst=IP_US):
    hdr = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45, tos, 20 + len(payload), 0x1234,
                                0x4000, 64, proto, 0, src, dst))
    hdr[10:12] = struct.pack('!H', csum(bytes(hdr)))
    return bytes(hdr) + payload


def ipv6(nh, payload, tclass=0, src=IP6_PEER, dst=IP6_US, hop=64):
    return struct.pack('!IHBB16s16s', 6 << 28 | tclass << 20, len(payload), nh, hop,
                       src, dst) + payload


def roce(opcode, dqpn, psn, ext=b'', payload=b'', ackreq=False, se=False, v6=False,
         vlan=None, tos=0, sport=0xc123):
    pad = -len(payload) % 4
    bth = struct.pack('!BBHII', opcode, se << 7 | pad << 4, 0xffff, dqpn & 0xffffff,
                      ackreq << 31 | (psn & 0xffffff))
    body = bth + ext + payload + b'\0' * pad
    udp = struct.pack('!HHHH', sport, ROCE_PORT, 8 + len(body) + 4, 0) + body
    if v6:
        l3 = ipv6(17, udp + b'\0' * 4, tclass=tos)
        ether = eth(0x86dd, vlan)
    else:
        l3 = ipv4(17, udp + b'\0' * 4, tos=tos)
        ether = eth(0x0800, vlan)
    return ether + l3[:-4] + icrc(l3[:-4])


def reth(mr, off=0, length=None):
    va, rkey, size = mr
    return struct.pack('!QII', va + off, rkey, size - off if length is None else length)


def atmeth(mr, off=0, swap_add=1, compare=0):
    return struct.pack('!QIQQ', mr[0] + off, mr[1], swap_add, compare)


def aeth(syndrome, msn=1):
    return struct.pack('!I', syndrome << 24 | msn)


def deth(qkey, sqpn):
    return struct.pack('!II', qkey, sqpn)


def to_ipv6(frame):
    """A captured IPv4 RoCEv2 frame as IPv6 between fd00:77::12 and fd00:77::11."""
    ihl = (frame[14] & 0x0f) * 4
    udp = frame[14 + ihl:14 + struct.unpack('!H', frame[16:18])[0]]
    l3 = ipv6(17, udp, tclass=frame[15])
    return eth(0x86dd) + l3[:-4] + icrc(l3[:-4])


def with_vlan(frame, vid=5):
    return frame[:12] + struct.pack('!HH', 0x8100, vid) + frame[12:]


def is_roce_v4(f):
    return (len(f) > 42 and f[12:14] == b'\x08\x00' and f[23] == 17 and
            struct.unpack('!H', f[36:38])[0] == ROCE_PORT)


def check_icrc(frames):
    n = 0
    for name, f in frames:
        if not is_roce_v4(f):
            continue
        end = 14 + struct.unpack('!H', f[16:18])[0]
        if icrc(f[14:end - 4]) != f[end - 4:end]:
            sys.exit('make_seeds: ICRC of %s disagrees with the capture' % name)
        n += 1
    return n


def captured(capdir):
    out = []
    for path in sorted(capdir.glob('*.pcap')):
        for i, f in enumerate(read_pcap(path), 1):
            out.append(('%s-%04d' % (path.stem, i), f))
    return out


def first_requests(frames):
    """The first captured request of each opcode to each of our QPs."""
    seen, out = set(), []
    for name, f in frames:
        if not is_roce_v4(f) or f[30:34] != IP_US:
            continue
        key = (f[42], f[47:50])
        if key not in seen:
            seen.add(key)
            out.append((name, f))
    return out


def hand_requests():
    s, w, r = PSN[QP_SEND], PSN[QP_WRITE], PSN[QP_READ]
    data = bytes(range(64))
    return [
        ('send-only', roce(OP['SEND_ONLY'], QP_SEND, s, payload=data, ackreq=True)),
        ('send-only-imm', roce(OP['SEND_ONLY_IMM'], QP_SEND, s, b'\xc0\xde\x00\x01', data,
                               se=True)),
        ('send-only-inv', roce(OP['SEND_ONLY_INV'], QP_SEND, s, struct.pack('!I', 0x413),
                               data)),
        ('send-first-short', roce(OP['SEND_FIRST'], QP_SEND, s, payload=data)),
        ('send-only-empty', roce(OP['SEND_ONLY'], QP_SEND, s)),
        ('send-only-pad', roce(OP['SEND_ONLY'], QP_SEND, s, payload=b'abcde')),
        ('send-only-mtu', roce(OP['SEND_ONLY'], QP_CM2, PSN[QP_CM2], payload=b'm' * 1024)),
        ('uc-send-only', roce(OP['UC_SEND_ONLY'], QP_SEND, s, payload=data)),
        ('write-only', roce(OP['WRITE_ONLY'], QP_WRITE, w, reth(MR_WRITE, 8, 64), data)),
        ('write-only-imm', roce(OP['WRITE_ONLY_IMM'], QP_WRITE, w,
                                reth(MR_WRITE, 0, 64) + b'\x00\x00\x00\x07', data)),
        ('write-only-end', roce(OP['WRITE_ONLY'], QP_WRITE, w, reth(MR_WRITE, 4095, 1),
                                b'z')),
        ('write-only-past-end', roce(OP['WRITE_ONLY'], QP_WRITE, w,
                                     reth(MR_WRITE, 4094, 4), b'zzzz')),
        ('write-only-zero', roce(OP['WRITE_ONLY'], QP_WRITE, w, reth(MR_WRITE, 0, 0))),
        ('write-read-only-mr', roce(OP['WRITE_ONLY'], QP_WRITE, w, reth(MR_RO, 0, 64), data)),
        ('write-first-short', roce(OP['WRITE_FIRST'], QP_WRITE, w, reth(MR_WRITE, 0, 2048),
                                   b'f' * 1024)),
        ('read-zero', roce(OP['READ_REQ'], QP_READ, r, reth(MR_RO, 0, 0))),
        ('read-last-byte', roce(OP['READ_REQ'], QP_READ, r, reth(MR_RO, 4095, 1))),
        ('read-past-end', roce(OP['READ_REQ'], QP_READ, r, reth(MR_RO, 4095, 2))),
        ('read-write-mr', roce(OP['READ_REQ'], QP_READ, r, reth(MR_WRITE, 100, 3000))),
        ('cmp-swap-hit', roce(OP['CMP_SWAP'], QP_CSWAP, PSN[QP_CSWAP],
                              atmeth(MR_CSWAP, 8, 7, 0x5a5a5a5a5a5a5a5a))),
        ('fetch-add-end', roce(OP['FETCH_ADD'], QP_FADD, PSN[QP_FADD],
                               atmeth(MR_FADD, 4088))),
        ('fetch-add-misaligned', roce(OP['FETCH_ADD'], QP_FADD, PSN[QP_FADD],
                                      atmeth(MR_FADD, 4))),
        ('fetch-add-read-only', roce(OP['FETCH_ADD'], QP_FADD, PSN[QP_FADD], atmeth(MR_RO))),
        ('flush', roce(OP['FLUSH'], QP_WRITE, w, struct.pack('!I', 1) + reth(MR_WRITE))),
        ('atomic-write', roce(OP['ATOMIC_WRITE'], QP_WRITE, w, reth(MR_WRITE, 0, 8),
                              b'\x01' * 8)),
        ('ce-marked-send', roce(OP['SEND_ONLY'], QP_SEND, s, payload=data, tos=0x03)),
        ('send-first-small-mtu', roce(OP['SEND_FIRST'], QP_SMALL_MTU, s, payload=b's' * 256)),
        ('send-only-no-recv', roce(OP['SEND_ONLY'], QP_NO_RECV, s, payload=data)),
        ('write-only-no-write', roce(OP['WRITE_ONLY'], QP_NO_WRITE, w, reth(MR_WRITE, 0, 64),
                                     data)),
        ('read-no-read', roce(OP['READ_REQ'], QP_NO_READ, r, reth(MR_RO, 0, 64))),
        ('send-only-v6-qp', roce(OP['SEND_ONLY'], QP_V6, s, payload=data, ackreq=True,
                                 v6=True)),
        ('send-first-v6-qp', roce(OP['SEND_FIRST'], QP_V6, s, payload=b'6' * 1024, v6=True)),
        ('send-only-bad-key', roce(OP['SEND_ONLY'], QP_BAD_KEY, s, payload=data)),
        ('send-only-small-recv', roce(OP['SEND_ONLY'], QP_SMALL_RECV, s, payload=b'l' * 100)),
    ]


def hand_ud_and_responses():
    q = CM_SQ_PSN
    return [
        ('ud-send-gsi', roce(OP['UD_SEND_ONLY'], QP_GSI, 0, deth(QKEY_GSI, 1), b'M' * 256)),
        ('ud-send-imm', roce(OP['UD_SEND_ONLY_IMM'], QP_UD, 1,
                             deth(QKEY_UD, QP_UD) + b'\x00\x00\x00\x09', b'u' * 100)),
        ('ud-send-bad-qkey', roce(OP['UD_SEND_ONLY'], QP_UD, 1, deth(0x1234, QP_UD), b'u')),
        ('ud-send-v6', roce(OP['UD_SEND_ONLY'], QP_UD, 1, deth(QKEY_UD, QP_UD), b'6' * 64,
                            v6=True)),
        ('cnp', roce(OP['CNP'], QP_CM, 0, b'\0' * 16)),
        ('ack-cm', roce(OP['ACK'], QP_CM, q + 2, aeth(0x1f, 3))),
        ('rnr-nak-cm', roce(OP['ACK'], QP_CM, q, aeth(0x21, 0))),
        ('seq-nak-cm', roce(OP['ACK'], QP_CM, q, aeth(0x60, 0))),
        ('inv-nak-cm', roce(OP['ACK'], QP_CM, q, aeth(0x61, 0))),
        ('read-resp-cm', roce(OP['READ_RESP_ONLY'], QP_CM, q + 1, aeth(0x1f, 2),
                              b'r' * 64)),
        ('read-resp-first-cm', roce(OP['READ_RESP_FIRST'], QP_CM, q + 1, aeth(0x1f, 2),
                                    b'r' * 1024)),
        ('atomic-ack-cm', roce(OP['ATOMIC_ACK'], QP_CM, q + 3,
                               aeth(0x1f, 4) + struct.pack('!Q', 41))),
    ]


def hand_other():
    echo = struct.pack('!BBHHH', 8, 0, 0, 0x77, 1) + b'ping' * 8
    echo = echo[:2] + struct.pack('!H', csum(echo)) + echo[4:]
    ns = struct.pack('!BBHI16s', 135, 0, 0, 0, IP6_US) + b'\x01\x01' + MAC_PEER
    snm = bytes.fromhex('ff0200000000000000000001ff000011')
    pseudo = IP6_PEER + snm + struct.pack('!IxxxB', len(ns), 58)
    ns = ns[:2] + struct.pack('!H', csum(pseudo + ns)) + ns[4:]
    echo6 = struct.pack('!BBHHH', 128, 0, 0, 0x66, 1) + b'ping6'
    pseudo6 = IP6_PEER + IP6_US + struct.pack('!IxxxB', len(echo6), 58)
    echo6 = echo6[:2] + struct.pack('!H', csum(pseudo6 + echo6)) + echo6[4:]
    arp = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, MAC_PEER, IP_PEER, b'\0' * 6,
                      IP_US)
    return [
        ('icmp-echo', eth(0x0800) + ipv4(1, echo)),
        ('icmp6-echo', eth(0x86dd) + ipv6(58, echo6)),
        ('nd-ns', eth(0x86dd, dmac=bytes.fromhex('3333ff000011')) +
         ipv6(58, ns, dst=snm, hop=255)),
        ('arp-request', eth(0x0806, dmac=b'\xff' * 6) + arp),
        ('runt', MAC_US + MAC_PEER),
    ]


def dictionary():
    """Tokens for libFuzzer: PSNs and QPNs (24 bits), keys, addresses, as sent."""
    toks = set()
    for qpn, psn in PSN.items():
        toks.add(struct.pack('!I', psn)[1:])
        toks.add(struct.pack('!I', qpn)[1:])
    for psn in (CM_SQ_PSN, CM_SQ_PSN + 1, CM_SQ_PSN + 2, CM_SQ_PSN + 3):
        toks.add(struct.pack('!I', psn)[1:])
    for va, rkey, size in (MR_WRITE, MR_RO, MR_FADD, MR_CSWAP):
        toks.update((struct.pack('!Q', va), struct.pack('!Q', va + size - 8),
                     struct.pack('!I', rkey), struct.pack('!I', size)))
    toks.update((struct.pack('!I', QKEY_UD), struct.pack('!I', QKEY_GSI),
                 struct.pack('!H', ROCE_PORT), IP_US, IP6_US, MAC_US))
    return ''.join('"%s"\n' % ''.join('\\x%02x' % c for c in t) for t in sorted(toks))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', required=True, type=pathlib.Path)
    ap.add_argument('--captures', type=pathlib.Path, default=DEFAULT_CAPTURES)
    ap.add_argument('--dict', type=pathlib.Path)
    a = ap.parse_args()
    frames = captured(a.captures)
    if not frames:
        sys.exit('make_seeds: no frames in %s/*.pcap' % a.captures)
    nroce = check_icrc(frames)
    firsts = first_requests(frames)
    hand = [('v6-' + n, to_ipv6(f)) for n, f in firsts]
    hand += [('vlan-' + n, with_vlan(f)) for n, f in firsts]
    hand += hand_requests() + hand_ud_and_responses() + hand_other()
    a.out.mkdir(parents=True, exist_ok=True)
    for name, f in frames + [('hand-' + n, f) for n, f in hand]:
        (a.out / name).write_bytes(f)
    if a.dict is not None:
        a.dict.write_text(dictionary())
    print('make_seeds: %d captured frames (%d RoCEv2, ICRC checked) and %d hand-made '
          'into %s' % (len(frames), nroce, len(hand), a.out))


if __name__ == '__main__':
    main()
