/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A tiny classic-pcap reader for tests: the whole file is read into memory, frames are
 * numbered from 1 as Wireshark numbers them, and RoCEv2 packets (Ethernet or Linux cooked
 * capture, IPv4 or IPv6, UDP 4791) are split into BTH fields and payload. No libpcap.
 * Not thread safe; tests only.
 */
#ifndef TEST_PCAP_READ_H
#define TEST_PCAP_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCAP_LINKTYPE_ETHERNET	1
#define PCAP_LINKTYPE_SLL	113
#define PCAP_ROCE_PORT		4791

/* An opened capture. */
struct pcap_file {
	uint8_t *data;		/* the whole file */
	size_t len;
	bool swapped;		/* big-endian file (magic read as 0xa1b2c3d4) */
	bool nsec;		/* nanosecond timestamps (magic 0xa1b23c4d) */
	uint32_t linktype;
	size_t nframes;
	size_t *rec;		/* offset of each record header; frame n is rec[n - 1] */
};

/* One RoCEv2 packet of a capture; pointers point into the capture's memory. */
struct pcap_roce {
	uint8_t opcode;		/* BTH opcode (IBA 9.2: 0x00-0x17 RC, 0x64/0x65 UD) */
	uint8_t pad;		/* BTH PadCnt */
	uint32_t dqpn;		/* BTH destination QP */
	uint32_t psn;		/* BTH PSN */
	const uint8_t *reth;	/* RETH (16 bytes) or NULL */
	const uint8_t *ieth;	/* IETH (4 bytes) or NULL */
	const uint8_t *aeth;	/* AETH (4 bytes) or NULL */
	const uint8_t *payload;	/* after every extension header, before pad and ICRC */
	size_t len;		/* payload bytes */
};

/* A multi-packet RDMA WRITE or READ response to put back together. */
struct pcap_xfer {
	unsigned int first_frame;	/* search range, inclusive */
	unsigned int last_frame;
	uint32_t dqpn;			/* only packets to this QP; UINT32_MAX for any */
	uint32_t psn;			/* PSN of the FIRST (or ONLY) packet */
	uint32_t npkts;			/* packets in the message */
	uint32_t mtu;			/* payload bytes per full packet (path MTU) */
};

/**
 * Read a capture file. @return 0, -errno from the file system, or -EINVAL for a file that is
 * not classic pcap (bad magic, truncated record). Free with pcap_close().
 */
int pcap_open(struct pcap_file *pf, const char *path);

/** Free what pcap_open() allocated; @pf may be zeroed or already closed. */
void pcap_close(struct pcap_file *pf);

/**
 * Frame @n (1-based): its captured bytes. @return 0, or -ENOENT for no such frame.
 */
int pcap_frame(const struct pcap_file *pf, unsigned int n, const uint8_t **data, size_t *len);

/**
 * Decode frame @n as RoCEv2. The payload excludes the BTH, the extension headers of the
 * opcode (RETH, AETH, IETH, DETH, ImmDt, AtomicETH), the pad bytes and the 4-byte ICRC; the
 * IP length is used, so Ethernet minimum-size padding is not counted.
 * @return 0; -ENOENT for no such frame; -EPROTO if it is not a RoCEv2 packet.
 */
int pcap_roce(const struct pcap_file *pf, unsigned int n, struct pcap_roce *r);

/**
 * Reassemble an RDMA WRITE (FIRST/MIDDLE/LAST/ONLY) or READ response message into @buf:
 * packet PSN x lands at offset (x - psn) * mtu; a packet seen twice is copied twice.
 * @return the number of distinct packets found (compare with x->npkts to see a gap), or
 *         -EINVAL for bad arguments or a packet that would overflow @buf.
 */
int pcap_rdma_reassemble(const struct pcap_file *pf, const struct pcap_xfer *x,
			 uint8_t *buf, size_t len);

/**
 * The message of an RDMA WRITE that starts in frame @first (a FIRST or ONLY packet with a
 * RETH) and has @npkts packets of path MTU 1024, looked for among the 2 * @npkts frames
 * from @first (ACKs come between), in the capture at @path.
 * @return the number of distinct packets found (as pcap_rdma_reassemble()), or a negative
 *         errno: the file, the frame or its RETH missing, or @buf too small.
 */
int pcap_rdma_write_payload(const char *path, unsigned int first, uint32_t npkts,
			    uint8_t *buf, size_t len);

/** The @len (at most 8) bytes at @p as a little-endian number. */
uint64_t pcap_le(const uint8_t *p, unsigned int len);

#endif /* TEST_PCAP_READ_H */
