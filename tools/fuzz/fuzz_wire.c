// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the packet parser.  Any input must parse or fail
 * cleanly without reading past it; whatever parses must re-encode to the
 * same bytes.  The input is also tried with its CRC fixed up, so the field
 * checks behind the CRC are explored too.  rr_wire_parse_next() must agree
 * with rr_wire_pkt_len() and rr_wire_parse() on the bytes it implies, sealed
 * as a datagram of their own (the CRC is the datagram's, not the packet's).
 * The input is also read as a later packet of a datagram: its short header
 * must say what the same fields written as a full header say.
 */
#include <string.h>

#include "fuzz_env.h"

static void check_roundtrip(const u8 *data, size_t size,
			    const struct rr_pkt *p)
{
	u8 *out;

	if (p->plen != size - RR_HDR_LEN || p->payload != data + RR_HDR_LEN)
		abort();
	out = malloc(size);
	memcpy(out + RR_HDR_LEN, p->payload, p->plen);
	if (rr_wire_finish(out, p, !(p->flags & RR_F_NOCRC)) != size ||
	    memcmp(out, data, size))
		abort();
	free(out);
}

/* Seal @buf as a datagram of @len bytes, as its flags say. */
static void reseal(u8 *buf, size_t len)
{
	rr_put_le32(buf, buf[RR_OFF_FLAGS] & RR_F_NOCRC ? 0 :
		    rr_wire_crc(buf, (u32)len));
}

static bool pkt_eq(const struct rr_pkt *a, const struct rr_pkt *b)
{
	return a->kind == b->kind && a->flags == b->flags &&
	       a->sess == b->sess && a->tag == b->tag &&
	       a->req_num == b->req_num && a->idx == b->idx &&
	       a->msg_len == b->msg_len && a->aux == b->aux &&
	       a->payload == b->payload && a->plen == b->plen;
}

/*
 * @data (@size bytes) as a datagram's later packet: rr_wire_pkt_len() and
 * rr_wire_parse_next() on it agree with rr_wire_parse() on the same
 * packet with its header written in full, sealed as a datagram of its own.
 */
static void check_later(const u8 *data, size_t size, u32 seg)
{
	struct rr_pkt p, q;
	int n, e;
	u8 *full;

	if (size < RR_CHDR_LEN) {
		if (rr_wire_pkt_len(data, size, seg, false) != -EINVAL ||
		    rr_wire_parse_next(data, size, seg, &q, false) != -EINVAL)
			abort();
		return;
	}
	full = malloc(size + RR_CHDR_SKIP);
	rr_put_le32(full + RR_OFF_CRC, 0);
	full[RR_OFF_MAGIC] = RR_WIRE_MAGIC;
	full[RR_OFF_VERSION] = RR_WIRE_VERSION;
	full[RR_OFF_KIND] = data[RR_COFF_KIND];
	full[RR_OFF_FLAGS] = data[RR_COFF_FLAGS];
	rr_put_le32(full + RR_OFF_SESS, 0x5e55);
	rr_put_le32(full + RR_OFF_TAG, 0x7a6);
	memcpy(full + RR_OFF_REQ, data + RR_COFF_REQ, size - RR_COFF_REQ);
	n = rr_wire_pkt_len(data, size, seg, false);
	e = rr_wire_pkt_len(full, size + RR_CHDR_SKIP, seg, true);
	if (n != (e < 0 ? e : e - RR_CHDR_SKIP))
		abort();
	e = n;
	if (n >= 0) {
		reseal(full, n + RR_CHDR_SKIP);
		e = rr_wire_parse(full, n + RR_CHDR_SKIP, &p);
		p.payload = data + RR_CHDR_LEN;
	}
	/* the two bytes after kind and flags must be zero */
	if (data[2] || data[3])
		e = -EINVAL;
	q.sess = 0x5e55;
	q.tag = 0x7a6;
	if (rr_wire_parse_next(data, size, seg, &q, false) != (e ?: n) ||
	    (!e && !pkt_eq(&p, &q)))
		abort();
	free(full);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rr_pkt p;
	u32 sess, tag;
	u8 *copy;

	for (u32 seg = 1; seg <= 4096; seg *= 4)
		check_later(data, size, seg);

	if (!rr_wire_parse(data, size, &p))
		check_roundtrip(data, size, &p);
	rr_wire_peek(data, size, &sess, &tag);
	if (size < RR_HDR_LEN)
		return 0;
	/* A packet's implied length is within the datagram, or refused. */
	for (u32 seg = 1; seg <= 4096; seg *= 4) {
		int n = rr_wire_pkt_len(data, size, seg, true);

		if (n >= 0 && (n < RR_HDR_LEN || (size_t)n > size ||
			       (n > RR_HDR_LEN && (u32)n - RR_HDR_LEN > seg)))
			abort();
		struct rr_pkt q;
		int e = n;

		if (n >= 0) {
			copy = malloc(n);
			memcpy(copy, data, n);
			reseal(copy, n);
			e = rr_wire_parse(copy, n, &p);
			/* pkt_eq() compares payload pointers: into @data */
			p.payload = data + RR_HDR_LEN;
			free(copy);
		}

		if (!e && (p.kind == RR_PKT_REQ || p.kind == RR_PKT_RESP) &&
		    p.msg_len && (u64)p.idx * seg >= p.msg_len)
			abort();
		/* The one-pass parser says what the two steps say. */
		if (rr_wire_parse_next(data, size, seg, &q, true) != (e ?: n) ||
		    (!e && !pkt_eq(&p, &q)))
			abort();
	}
	/* Again with a valid CRC (or a zero one when CRC is off). */
	copy = malloc(size);
	memcpy(copy, data, size);
	reseal(copy, size);
	if (!rr_wire_parse(copy, size, &p))
		check_roundtrip(copy, size, &p);
	free(copy);
	return 0;
}
