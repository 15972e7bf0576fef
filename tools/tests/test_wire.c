// SPDX-License-Identifier: GPL-2.0
/*
 * Wire format: round trips, every truncation, every field out of range,
 * every single-bit corruption, and the CRC itself.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../../kmod/core/protocol.h"

static u32 build(u8 *buf, u8 kind, u8 flags, u32 req, u32 idx, u32 len,
		 u32 aux, u32 plen, bool crc)
{
	struct rr_pkt h = {
		.kind = kind, .flags = flags, .sess = 0x01020304,
		.tag = 0xa1b2c3d4, .req_num = req, .idx = idx,
		.msg_len = len, .aux = aux, .plen = plen,
	};

	for (u32 i = 0; i < plen; i++)
		buf[RR_HDR_LEN + i] = (u8)(i * 7 + 3);
	return rr_wire_finish(buf, &h, crc);
}

/* Recompute the CRC after editing the header, so only the edit is tested. */
static void reseal(u8 *buf, u32 len)
{
	rr_put_le32(buf, rr_wire_crc(buf, len));
}

/* An exact-size heap copy of @len bytes: ASan catches any over-read. */
static u8 *exact_copy(const u8 *buf, u32 len)
{
	u8 *copy = malloc(len ? len : 1);

	memcpy(copy, buf, len);
	return copy;
}

static int parse_exact(const u8 *buf, u32 len, struct rr_pkt *pkt)
{
	u8 *copy = exact_copy(buf, len);
	int ret = rr_wire_parse(copy, len, pkt);

	free(copy);
	return ret;
}

/* A later packet of a datagram, its header short, payload as build()'s. */
static u32 build_later(u8 *buf, u8 kind, u8 flags, u32 req, u32 idx,
		       u32 len, u32 aux, u32 plen, bool crc)
{
	for (u32 i = 0; i < plen; i++)
		buf[RR_CHDR_LEN + i] = (u8)(i * 7 + 3);
	return rr_wire_put(buf, false, kind,
			   (flags & ~RR_F_NOCRC) | rr_wire_nocrc(crc), 0, 0,
			   req, idx, len, aux, plen);
}

static int pkt_len_exact(const u8 *buf, u32 len, u32 seg)
{
	u8 *copy = exact_copy(buf, len);
	int ret = rr_wire_pkt_len(copy, len, seg, true);

	free(copy);
	return ret;
}

TEST(wire_crc32c_known_vector)
{
	ASSERT_EQ(~rr_crc32c(~0u, "123456789", 9), 0xe3069283u);
	/* Split updates equal one update, at every split point. */
	for (u32 k = 0; k <= 9; k++) {
		u32 c = rr_crc32c(~0u, "123456789", k);

		ASSERT_EQ(~rr_crc32c(c, &"123456789"[k], 9 - k), 0xe3069283u);
	}
}

/* The CPU's CRC32C (where used) and the tables agree on every length. */
TEST(wire_crc32c_hw_matches_table)
{
	u8 buf[300];
	u32 i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 131 + 7);
	for (i = 0; i <= sizeof(buf); i++) {
		ASSERT_EQ(rr_crc32c(~0u, buf, i), rr_crc32c_table(~0u, buf, i));
		/* Unaligned starts too. */
		if (i)
			ASSERT_EQ(rr_crc32c(i, buf + 1, i - 1),
				  rr_crc32c_table(i, buf + 1, i - 1));
	}
	ASSERT_EQ(~rr_crc32c_table(~0u, "123456789", 9), 0xe3069283u);
}

static const struct {
	u8 kind, flags;
	u32 req, idx, len, aux, plen;
} cases[] = {
	{ RR_PKT_REQ, 0, 7, 0, 100, 0xdeadbeef, 100 },
	{ RR_PKT_REQ, 0, 0xffffffff, 3, 4000, 1, 992 },
	{ RR_PKT_REQ, 0, 1, 0, 0, 5, 0 },
	{ RR_PKT_RESP, RR_F_REPLY, 9, 1, 2000, (u32)-5, 500 },
	{ RR_PKT_RESP, 0, 9, 0, 0, 0, 0 },
	{ RR_PKT_ACK, RR_F_REPLY | RR_F_DONE, 3, 17, 16, 0xffff0000, 0 },
	{ RR_PKT_RFR, 0, 4, 12, 0, 0, 0 },
	{ RR_PKT_RFR, 0, 4, 12, 0, RR_RFR_MAX_RUN - 1, 0 },
	{ RR_PKT_REQ, RR_F_ACKNOW, 2, 1, 3000, 7, 992 },
	{ RR_PKT_PING, 0, 0, 0, 0, 0, 0 },
	{ RR_PKT_PING, RR_F_REPLY, 0, 0, 0, 0, 0 },
	{ RR_PKT_RESET, 0, 0, 0, 0, 0, 0 },
	{ RR_PKT_CANCEL, 0, 12, 0, 0, 0, 0 },
	{ RR_PKT_REQ, RR_F_DEADLINE | RR_F_KEY, 5, 0, 20, 3, 20 },
	{ RR_PKT_REQ, RR_F_KEY, 5, 1, 3000, 3, 992 },
};

TEST(wire_roundtrip_every_kind)
{
	u8 buf[RR_HDR_LEN + 1024];
	struct rr_pkt p;

	BUILD_BUG_ON(RR_HDR_LEN > 32);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int crc = 0; crc < 2; crc++) {
			u32 n = build(buf, cases[i].kind, cases[i].flags,
				      cases[i].req, cases[i].idx, cases[i].len,
				      cases[i].aux, cases[i].plen, crc);
			u32 sess, tag;

			ASSERT_EQ(n, RR_HDR_LEN + cases[i].plen);
			ASSERT_EQ(parse_exact(buf, n, &p), 0);
			ASSERT_EQ(p.kind, cases[i].kind);
			ASSERT_EQ(p.flags, cases[i].flags | (crc ? 0 : RR_F_NOCRC));
			ASSERT_EQ(p.sess, 0x01020304);
			ASSERT_EQ(p.tag, 0xa1b2c3d4);
			ASSERT_EQ(p.req_num, cases[i].req);
			ASSERT_EQ(p.idx, cases[i].idx);
			ASSERT_EQ(p.msg_len, cases[i].len);
			ASSERT_EQ(p.aux, cases[i].aux);
			ASSERT_EQ(p.plen, cases[i].plen);
			ASSERT_EQ(rr_wire_peek(buf, n, &sess, &tag), 0);
			ASSERT_EQ(sess, 0x01020304);
			ASSERT_EQ(tag, 0xa1b2c3d4);
		}
	}
}

TEST(wire_every_truncation)
{
	u8 buf[RR_HDR_LEN + 300];
	struct rr_pkt p;
	u32 sess, tag;
	u32 n = build(buf, RR_PKT_REQ, 0, 1, 0, 300, 0, 300, true);

	for (u32 len = 0; len < n; len++) {
		ASSERT_TRUE(parse_exact(buf, len, &p) < 0);
		if (len < RR_HDR_LEN)
			ASSERT_EQ(rr_wire_peek(buf, len, &sess, &tag), -EINVAL);
	}
	/* The same without CRC: lengths still disagree with msg_len only
	 * through the payload, which the session checks; the header parse
	 * must still refuse anything shorter than a header.
	 */
	n = build(buf, RR_PKT_ACK, RR_F_REPLY, 1, 0, 0, 0, 0, false);
	for (u32 len = 0; len < n; len++)
		ASSERT_EQ(parse_exact(buf, len, &p), -EINVAL);
}

TEST(wire_every_field_out_of_range)
{
	u8 buf[RR_HDR_LEN + 64];
	struct rr_pkt p;
	u32 n;

	/* magic, version */
	n = build(buf, RR_PKT_PING, 0, 0, 0, 0, 0, 0, true);
	buf[4] ^= 0xff;
	reseal(buf, n);
	ASSERT_EQ(parse_exact(buf, n, &p), -EPROTO);
	for (int v = 0; v < 256; v++) {
		if (v == RR_WIRE_VERSION)
			continue;
		n = build(buf, RR_PKT_PING, 0, 0, 0, 0, 0, 0, true);
		buf[5] = (u8)v;
		reseal(buf, n);
		ASSERT_EQ(parse_exact(buf, n, &p), -EPROTONOSUPPORT);
	}
	/* kind */
	for (int k = 0; k < 256; k++) {
		if (k >= RR_PKT_REQ && k < RR_PKT_KIND_END)
			continue;
		n = build(buf, RR_PKT_PING, 0, 0, 0, 0, 0, 0, true);
		buf[6] = (u8)k;
		reseal(buf, n);
		ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);
	}
	/* flags: each bit on each kind, allowed only where documented */
	for (int k = RR_PKT_REQ; k < RR_PKT_KIND_END; k++) {
		for (int b = 1; b < 0x100; b <<= 1) {
			bool ok = b == RR_F_NOCRC ||
				  (b == RR_F_REPLY && (k == RR_PKT_RESP ||
						       k == RR_PKT_ACK ||
						       k == RR_PKT_PING)) ||
				  (b == RR_F_DONE && k == RR_PKT_ACK) ||
				  ((b == RR_F_ACKNOW || b == RR_F_DEADLINE ||
				    b == RR_F_KEY) && k == RR_PKT_REQ) ||
				  (b == RR_F_DUP && (k == RR_PKT_RESP ||
						     k == RR_PKT_ACK));
			u32 len = k == RR_PKT_REQ || k == RR_PKT_RESP ? 20 : 0;

			n = build(buf, (u8)k, 0, 0, 0, len, 0, len, true);
			buf[7] = (u8)b;
			if (b == RR_F_NOCRC)
				rr_put_le32(buf, 0);
			else
				reseal(buf, n);
			ASSERT_EQ(parse_exact(buf, n, &p), ok ? 0 : -EINVAL);
		}
	}
	/* data packets */
	n = build(buf, RR_PKT_REQ, 0, 0, 0, RR_WIRE_MAX_MSG + 1, 0, 10, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EMSGSIZE);
	n = build(buf, RR_PKT_RESP, 0, 0, 0, 0xffffffff, 0, 10, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EMSGSIZE);
	n = build(buf, RR_PKT_REQ, 0, 0, 0, 5, 0, 10, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);	/* payload > message */
	n = build(buf, RR_PKT_REQ, 0, 0, 1, 0, 0, 0, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);	/* empty, index 1 */
	n = build(buf, RR_PKT_RESP, 0, 0, 10, 10, 0, 1, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);	/* index >= length */
	n = build(buf, RR_PKT_REQ, 0, 0, 0, 10, 0, 0, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);	/* no payload */
	/* ack */
	n = build(buf, RR_PKT_ACK, 0, 0, 0, 0, 0, 4, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);	/* payload */
	n = build(buf, RR_PKT_ACK, 0, 0, RR_WIRE_MAX_MSG + 1, 0, 0, 0, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);
	n = build(buf, RR_PKT_ACK, 0, 0, 0, RR_WIRE_MAX_MSG, 0, 0, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);
	/* rfr */
	n = build(buf, RR_PKT_RFR, 0, 0, 0, 1, 0, 0, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);
	n = build(buf, RR_PKT_RFR, 0, 0, 0, 0, 1, 0, true);
	ASSERT_EQ(parse_exact(buf, n, &p), 0);		/* a run of two */
	n = build(buf, RR_PKT_RFR, 0, 0, RR_WIRE_MAX_MSG, 0, 0, 0, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);
	n = build(buf, RR_PKT_RFR, 0, 0, 0, 0, 0, 1, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);
	n = build(buf, RR_PKT_RFR, 0, 0, 0, 0, RR_RFR_MAX_RUN, 0, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);	/* run too long */
	n = build(buf, RR_PKT_RESP, RR_F_ACKNOW, 0, 0, 4, 0, 4, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);	/* REQ-only flag */
	/* metadata longer than the message */
	n = build(buf, RR_PKT_REQ, RR_F_DEADLINE, 0, 0, 3, 0, 3, true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);
	n = build(buf, RR_PKT_REQ, RR_F_KEY | RR_F_DEADLINE, 0, 0, 19, 0, 19,
		  true);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);
	n = build(buf, RR_PKT_REQ, RR_F_KEY | RR_F_DEADLINE, 0, 0, 20, 0, 20,
		  true);
	ASSERT_EQ(parse_exact(buf, n, &p), 0);
	/* cancel: any field but the request number */
	for (int f = 0; f < 4; f++) {
		n = build(buf, RR_PKT_CANCEL, 0, 9, f == 0, f == 1, f == 2,
			  f == 3 ? 4 : 0, true);
		ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);
	}
	/* ping, reset: any non-zero field */
	for (int k = RR_PKT_PING; k <= RR_PKT_RESET; k++) {
		for (int f = 0; f < 5; f++) {
			n = build(buf, (u8)k, 0, f == 0, f == 1, f == 2, f == 3,
				  f == 4, true);
			ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);
		}
	}
	/* no CRC claimed but a CRC present */
	n = build(buf, RR_PKT_PING, 0, 0, 0, 0, 0, 0, false);
	rr_put_le32(buf, 1);
	ASSERT_EQ(parse_exact(buf, n, &p), -EINVAL);
}

TEST(wire_every_bit_flip_detected)
{
	u8 buf[RR_HDR_LEN + 48];
	struct rr_pkt p;
	u32 n = build(buf, RR_PKT_REQ, 0, 5, 0, 48, 9, 48, true);

	for (u32 bit = 0; bit < n * 8; bit++) {
		buf[bit / 8] ^= (u8)(1u << (bit % 8));
		ASSERT_TRUE(parse_exact(buf, n, &p) < 0);
		buf[bit / 8] ^= (u8)(1u << (bit % 8));
	}
	ASSERT_EQ(parse_exact(buf, n, &p), 0);
	/* a payload bit alone is a CRC failure */
	buf[RR_HDR_LEN + 3] ^= 0x10;
	ASSERT_EQ(parse_exact(buf, n, &p), -EBADMSG);
}

TEST(wire_peek)
{
	u8 buf[RR_HDR_LEN];
	u32 sess = 0, tag = 0;

	build(buf, RR_PKT_PING, 0, 0, 0, 0, 0, 0, true);
	ASSERT_EQ(rr_wire_peek(buf, sizeof(buf), &sess, &tag), 0);
	ASSERT_EQ(sess, 0x01020304);
	buf[5] = 9;
	ASSERT_EQ(rr_wire_peek(buf, sizeof(buf), &sess, &tag),
		  -EPROTONOSUPPORT);
	buf[4] = 0;
	ASSERT_EQ(rr_wire_peek(buf, sizeof(buf), &sess, &tag), -EPROTO);
	ASSERT_EQ(rr_wire_peek(buf, 31, &sess, &tag), -EINVAL);
}

/* Diagnostics read the header of any datagram long enough, CRC or not. */
TEST(wire_peek_pkt)
{
	u8 buf[RR_HDR_LEN + 16];
	struct rr_pkt p;
	u32 n;

	n = build(buf, RR_PKT_REQ, RR_F_ACKNOW, 77, 3, 4000, 9, 16, true);
	/* corrupt and foreign: still read as they are */
	buf[RR_HDR_LEN + 1] ^= 1;
	buf[4] = 0;
	ASSERT_EQ(rr_wire_peek_pkt(buf, n, &p), 0);
	ASSERT_EQ(p.kind, RR_PKT_REQ);
	ASSERT_EQ(p.flags, RR_F_ACKNOW);
	ASSERT_EQ(p.sess, 0x01020304);
	ASSERT_EQ(p.tag, 0xa1b2c3d4);
	ASSERT_EQ(p.req_num, 77);
	ASSERT_EQ(p.idx, 3);
	ASSERT_EQ(p.msg_len, 4000);
	ASSERT_EQ(p.aux, 9);
	ASSERT_EQ(p.plen, 16);
	ASSERT_EQ(rr_wire_peek_pkt(buf, RR_HDR_LEN, &p), 0);
	ASSERT_EQ(p.plen, 0);
	ASSERT_EQ(rr_wire_peek_pkt(buf, RR_HDR_LEN - 1, &p), -EINVAL);
}

/* The length a packet implies, for every kind, segment and truncation. */
TEST(wire_pkt_len_from_the_header)
{
	static const u32 segs[] = { 1, 7, 224, 992, 65504 };
	struct rr_pkt pk;
	u8 buf[2 * 1024];
	u32 n, i, seg, j;

	/* control packets: the header alone, whatever follows */
	for (u8 k = RR_PKT_ACK; k < RR_PKT_KIND_END; k++) {
		n = build(buf, k, 0, 1, 0, 0, 0, 0, true);
		ASSERT_EQ(pkt_len_exact(buf, n, 992), RR_HDR_LEN);
		ASSERT_EQ(rr_wire_pkt_len(buf, sizeof(buf), 992, true),
			  RR_HDR_LEN);
	}
	/* every packet of messages of several sizes */
	for (j = 0; j < sizeof(segs) / sizeof(segs[0]); j++) {
		seg = segs[j];
		for (u32 len = 0; len <= 3000; len += len < 40 ? 1 : 331) {
			u32 npk = len ? (len + seg - 1) / seg : 1;

			for (i = 0; i < npk && i < 8; i++) {
				u32 plen = len ? (len - i * seg < seg ?
						  len - i * seg : seg) : 0;

				if (plen > sizeof(buf) - RR_HDR_LEN)
					continue;
				n = build(buf, RR_PKT_REQ, 0, 1, i, len, 0,
					  plen, true);
				ASSERT_EQ(pkt_len_exact(buf, n, seg), (int)n);
				ASSERT_EQ(parse_exact(buf, n, &pk), 0);
				/* a byte short: refused */
				if (plen)
					ASSERT_EQ(pkt_len_exact(buf, n - 1, seg),
						  -EINVAL);
			}
			/* the packet after the last one */
			if (len) {
				n = build(buf, RR_PKT_RESP, 0, 1, npk, len, 0, 0,
					  true);
				ASSERT_EQ(pkt_len_exact(buf, n, seg), -EINVAL);
			}
		}
	}
	/* an index whose offset passes 32 bits, a length past the wire's */
	n = build(buf, RR_PKT_REQ, 0, 1, 0x80000000u, 1000, 0, 0, true);
	ASSERT_EQ(pkt_len_exact(buf, n, 992), -EINVAL);
	n = build(buf, RR_PKT_REQ, 0, 1, 0, RR_WIRE_MAX_MSG + 1, 0, 0, true);
	ASSERT_EQ(pkt_len_exact(buf, n, 992), -EINVAL);
	/* shorter than a header, or no segment size */
	ASSERT_EQ(pkt_len_exact(buf, RR_HDR_LEN - 1, 992), -EINVAL);
	ASSERT_EQ(pkt_len_exact(buf, n, 0), -EINVAL);
	/*
	 * An empty message has segment 0 only, its header foreign or not:
	 * the one-pass parser refuses the others as the length does.
	 */
	n = build(buf, RR_PKT_RESP, 0, 1, 3, 0, 0, 0, true);
	ASSERT_EQ(pkt_len_exact(buf, n, 992), -EINVAL);
	ASSERT_EQ(rr_wire_parse_next(buf, n, 992, &pk, true), -EINVAL);
	buf[RR_OFF_MAGIC] ^= 0xff;
	ASSERT_EQ(rr_wire_parse_next(buf, n, 992, &pk, true), -EINVAL);
	n = build(buf, RR_PKT_RESP, 0, 1, 0, 0, 0, 0, true);
	ASSERT_EQ(pkt_len_exact(buf, n, 992), RR_HDR_LEN);
	ASSERT_EQ(rr_wire_parse_next(buf, n, 992, &pk, true), RR_HDR_LEN);
	/* the same with a segment size past the wire's largest message */
	ASSERT_EQ(pkt_len_exact(buf, n, RR_WIRE_MAX_MSG), RR_HDR_LEN);
	ASSERT_EQ(pkt_len_exact(buf, n, RR_WIRE_MAX_MSG + 1), -EINVAL);
	ASSERT_EQ(rr_wire_parse_next(buf, n, RR_WIRE_MAX_MSG + 1, &pk, true),
		  -EINVAL);
}

/*
 * A later packet's short header says what the full one does: the same
 * fields, length and checks, for every kind, flag set and truncation.
 */
TEST(wire_later_header_parses_as_the_full_one)
{
	u8 full[RR_HDR_LEN + 1024], later[RR_CHDR_LEN + 1024];
	struct rr_pkt a, b;
	u32 compared = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int crc = 0; crc < 2; crc++) {
			u32 n = build(full, cases[i].kind, cases[i].flags,
				      cases[i].req, cases[i].idx, cases[i].len,
				      cases[i].aux, cases[i].plen, crc);
			u32 m = build_later(later, cases[i].kind,
					    cases[i].flags, cases[i].req,
					    cases[i].idx, cases[i].len,
					    cases[i].aux, cases[i].plen, crc);

			ASSERT_EQ(m, n - RR_CHDR_SKIP);
			/* the cases whose length fits segments of 992 bytes */
			if (rr_wire_pkt_len(full, n, 992, true) != (int)n)
				continue;
			compared++;
			ASSERT_EQ(rr_wire_parse_next(full, n, 992, &a, true),
				  (int)n);
			b.sess = a.sess;
			b.tag = a.tag;
			ASSERT_EQ(rr_wire_parse_next(later, m, 992, &b, false),
				  (int)m);
			ASSERT_EQ(b.kind, a.kind);
			ASSERT_EQ(b.flags, a.flags);
			ASSERT_EQ(b.sess, 0x01020304);
			ASSERT_EQ(b.tag, 0xa1b2c3d4);
			ASSERT_EQ(b.req_num, a.req_num);
			ASSERT_EQ(b.idx, a.idx);
			ASSERT_EQ(b.msg_len, a.msg_len);
			ASSERT_EQ(b.aux, a.aux);
			ASSERT_EQ(b.plen, a.plen);
			ASSERT_TRUE(b.payload == later + RR_CHDR_LEN);
			/* every truncation: refused alike */
			for (u32 k = 0; k < m; k++) {
				u8 *cp = exact_copy(later, k);
				int r = rr_wire_parse_next(cp, k, 992, &b, false);
				int f = rr_wire_pkt_len(full, k + RR_CHDR_SKIP,
							992, true);

				ASSERT_EQ(r, -EINVAL);
				if (k < RR_CHDR_LEN)
					f = -EINVAL;
				else if (f >= 0)
					f -= RR_CHDR_SKIP;
				ASSERT_EQ(rr_wire_pkt_len(cp, k, 992, false), f);
				free(cp);
			}
			/* the two bytes after kind and flags must be zero */
			for (int j = 2; j < 4; j++) {
				later[j] = 0x10;
				ASSERT_EQ(rr_wire_parse_next(later, m, 992, &b,
							     false), -EINVAL);
				later[j] = 0;
			}
		}
	}
	ASSERT_TRUE(compared >= 20);
}

/* Packets back to back: each is found and parsed on its own. */
TEST(wire_packed_packets_parse_one_by_one)
{
	u8 buf[1024];
	struct rr_pkt pk;
	u32 at = 0, n;
	int len;

	at += build(buf + at, RR_PKT_RESP, RR_F_REPLY, 5, 0, 40, 0, 40, true);
	at += build_later(buf + at, RR_PKT_ACK, RR_F_REPLY, 6, 1, 0, 0, 0,
			  true);
	at += build_later(buf + at, RR_PKT_RESP, 0, 7, 1, 1000, 0, 1000 - 992,
			  true);
	at += build_later(buf + at, RR_PKT_RESP, 0, 8, 0, 0, 0, 0, true);
	ASSERT_EQ(at, RR_HDR_LEN + 40 + 3 * RR_CHDR_LEN + 8);
	rr_wire_seal(buf, at, true);
	ASSERT_EQ(rr_wire_dgram_check(buf, at), 0);
	n = 0;
	for (u32 p = 0; p < at; p += len, n++) {
		u8 *cp = exact_copy(buf + p, at - p);

		len = rr_wire_pkt_len(cp, at - p, 992, !n);
		ASSERT_EQ(len, (int)(n ? RR_CHDR_LEN : RR_HDR_LEN) +
			  (n == 0 ? 40 : n == 2 ? 8 : 0));
		ASSERT_EQ(rr_wire_parse_next(cp, at - p, 992, &pk, !n), len);
		ASSERT_EQ(pk.req_num, 5 + n);
		ASSERT_EQ(pk.sess, 0x01020304);
		free(cp);
	}
	ASSERT_EQ(n, 4);
	/* a later packet is no datagram's first */
	ASSERT_TRUE(rr_wire_parse_next(buf + RR_HDR_LEN + 40,
				       at - RR_HDR_LEN - 40, 992, &pk,
				       true) < 0);
	/* the datagram as one packet: refused, its length is not the first's */
	ASSERT_EQ(parse_exact(buf, at, &pk), -EINVAL);
}
