/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc wire format: a UD datagram of at most MTU bytes holds one or more
 * packets of one session back to back.  Each packet is a little-endian
 * header followed by its payload, whose length the header implies
 * (rr_wire_pkt_len()): none for control packets; for REQ and RESP the bytes
 * of message @msg_len that segment @idx holds, a segment being MTU - 32
 * bytes (the session's, agreed at the handshake).
 *
 * The first packet of a datagram has the full 32-byte header, which also
 * speaks for the whole datagram (its seal, format and session):
 *
 *  off size field     meaning
 *    0    4 crc       CRC32C over bytes 4.. to the end of the datagram,
 *                     unless RR_F_NOCRC (then zero)
 *    4    1 magic     RR_WIRE_MAGIC
 *    5    1 version   RR_WIRE_VERSION
 *    6    1 kind      enum rr_pkt_kind
 *    7    1 flags     RR_F_*
 *    8    4 sess      destination session id
 *   12    4 tag       destination session's random tag
 *   16    4 req_num   request number (slot = req_num % slots)
 *   20    4 idx       REQ/RESP: packet index; ACK: cumulative ack (all
 *                     packets below are in); RFR: wanted response packet
 *   24    4 msg_len   REQ/RESP: total message length; ACK: index of the
 *                     packet this ack answers
 *   28    4 aux       REQ: method id; RESP: status (s32), or with RR_F_ERR
 *                     a negative errno; ACK: selective ack bitmap, bit j =
 *                     packet (msg_len - 32 + j) is in
 *
 * Every later packet has a 20-byte header (RR_CHDR_LEN) that leaves out
 * what the first one said for the datagram: the same fields from req_num
 * on, behind the packet's own kind and flags.
 *
 *  off size field
 *    0    1 kind
 *    1    1 flags     RR_F_NOCRC as in the first packet
 *    2    2 zero
 *    4   16 req_num, idx, msg_len, aux as above
 *
 * One CRC seals the whole datagram, in the first packet's crc field, which
 * comes first so that the CRC covers one contiguous run of bytes: the
 * receiver checks it once (rr_wire_dgram_check()) before it takes any
 * packet, and drops the datagram whole when it fails.  Every packet of a
 * datagram carries the same RR_F_NOCRC.  A receiver stops at the first
 * packet that fails its checks and keeps those before it.
 *
 * Client -> server: REQ, RFR (request for response packet), PING, RESET,
 * CANCEL (the caller gave up on request req_num: no data, idx, msg_len and
 * aux zero).
 * Server -> client: ACK, RESP, PING (with RR_F_REPLY), RESET.
 *
 * A request may start with metadata, counted in msg_len and sent in packet
 * 0 before the body; which fields, every packet of the request says in its
 * flags (so each packet's place in the body is known from it alone):
 *
 *  size field     present with
 *    4 budget     RR_F_DEADLINE: microseconds the caller still waits, as
 *                 of when this copy of packet 0 was sent (le32)
 *   16 key        RR_F_KEY: the caller's idempotency key
 */
#ifndef RR_CORE_WIRE_H
#define RR_CORE_WIRE_H

#include "compat.h"

#define RR_WIRE_MAGIC		0xa7
#define RR_WIRE_VERSION		6
#define RR_HDR_LEN		32
/* A later packet's header, 12 bytes shorter than the first one's */
#define RR_CHDR_LEN		20
#define RR_CHDR_SKIP		(RR_HDR_LEN - RR_CHDR_LEN)

#define RR_OFF_CRC	0
#define RR_OFF_MAGIC	4
#define RR_OFF_VERSION	5
#define RR_OFF_KIND	6
#define RR_OFF_FLAGS	7
#define RR_OFF_SESS	8
#define RR_OFF_TAG	12
#define RR_OFF_REQ	16
#define RR_OFF_IDX	20
#define RR_OFF_LEN	24
#define RR_OFF_AUX	28
/* In a later packet's header */
#define RR_COFF_KIND	0
#define RR_COFF_FLAGS	1
#define RR_COFF_REQ	4

/*
 * req_num, idx, msg_len and aux follow one another in both headers, from
 * RR_OFF_REQ or RR_COFF_REQ: rr_hdr_fields() says where, these how far
 * on each is.
 */
#define RR_FLD_REQ	0
#define RR_FLD_IDX	(RR_OFF_IDX - RR_OFF_REQ)
#define RR_FLD_LEN	(RR_OFF_LEN - RR_OFF_REQ)
#define RR_FLD_AUX	(RR_OFF_AUX - RR_OFF_REQ)

/* Largest message the wire can describe (bounded by struct rr_msg). */
#define RR_WIRE_MAX_MSG		(32u << 20)

enum rr_pkt_kind {
	RR_PKT_REQ = 1,
	RR_PKT_RESP,
	RR_PKT_ACK,
	RR_PKT_RFR,
	RR_PKT_PING,
	RR_PKT_RESET,
	RR_PKT_CANCEL,
	RR_PKT_KIND_END,
};

/* The datagram is not sealed by a CRC (CRC disabled for this peer). */
#define RR_F_NOCRC	0x01
/*
 * Sent by the server in direct answer to client packets: a RESP returns
 * one credit, an ACK one per request packet it newly acknowledges (at
 * least one).
 */
#define RR_F_REPLY	0x02
/* ACK: the whole request is in and the handler is running. */
#define RR_F_DONE	0x04
/*
 * RESP: the server's module (not the handler) failed the request: aux is a
 * negative errno (-ENOENT no such method, -ECONNABORTED, -EMSGSIZE, ...)
 * and the response is empty.  The client completes the call with it.
 */
#define RR_F_ERR	0x08
/*
 * REQ: acknowledge now.  The server otherwise acks request packets in
 * runs (every RR_ACK_EVERY in order, at once on a hole or duplicate, else
 * after ack_delay); the client sets it when it can send no more for now.
 */
#define RR_F_ACKNOW	0x10
/* REQ: the request's metadata holds a time budget, a key (see above). */
#define RR_F_DEADLINE	0x20
#define RR_F_KEY	0x40
#define RR_F_META	(RR_F_DEADLINE | RR_F_KEY)
/*
 * ACK, RESP: the request packet this answers had arrived before (a
 * retransmission the client need not have sent: its timeout was spurious).
 */
#define RR_F_DUP	0x80
#define RR_F_ALL	(RR_F_NOCRC | RR_F_REPLY | RR_F_DONE | RR_F_ERR | \
			 RR_F_ACKNOW | RR_F_META | RR_F_DUP)

#define RR_META_BUDGET_LEN	4
#define RR_META_KEY_LEN		16
#define RR_META_MAX		(RR_META_BUDGET_LEN + RR_META_KEY_LEN)

/*
 * Bytes of metadata a request with these flags starts with: byte i of
 * the constant is the length for the pair of flag bits (key, deadline)
 * = i, read with one shift.
 */
static inline u32 rr_meta_len(u8 flags)
{
	BUILD_BUG_ON(RR_F_DEADLINE != 0x20 || RR_F_KEY != 0x40);
	return (((RR_META_BUDGET_LEN + RR_META_KEY_LEN) << 24 |
		 RR_META_KEY_LEN << 16 | RR_META_BUDGET_LEN << 8) >>
		((flags & RR_F_META) >> 2)) & 0xff;
}

/* RFR: aux is how many packets after idx the client also asks for. */
#define RR_RFR_MAX_RUN	64

/* The errno range an RR_F_ERR response may carry. */
#define RR_MAX_ERRNO	4095

/* Bits in the selective-ack bitmap of an ACK. */
#define RR_SACK_BITS	32

/* A parsed header, host byte order.  payload points into the buffer. */
struct rr_pkt {
	u8 kind;
	u8 flags;
	u32 sess;
	u32 tag;
	u32 req_num;
	u32 idx;
	u32 msg_len;
	u32 aux;
	const u8 *payload;
	u32 plen;
};

int rr_wire_parse(const void *buf, size_t len, struct rr_pkt *pkt);
int rr_wire_pkt_len(const void *buf, size_t len, u32 seg, bool first);
int rr_wire_parse_next(const void *buf, size_t len, u32 seg,
		       struct rr_pkt *pkt, bool first);
int rr_wire_peek(const void *buf, size_t len, u32 *sess, u32 *tag);
int rr_wire_peek_pkt(const void *buf, size_t len, struct rr_pkt *pkt);
u32 rr_wire_finish(void *buf, const struct rr_pkt *hdr, bool crc);

/*
 * The CRC of the @len-byte datagram at @buf: CRC32C over everything after
 * the first packet's crc field, every later packet included, one
 * contiguous run (hence the crc field comes first).
 */
static inline u32 rr_wire_crc(const void *buf, u32 len)
{
	return ~rr_crc32c(~0u, (const u8 *)buf + 4, len - 4);
}

/*
 * Seal the @len-byte datagram at @p once its last packet is in place: its
 * CRC into the first packet's crc field, or (@crc false) nothing, the
 * packets carrying RR_F_NOCRC and a zero crc field already.
 */
static __always_inline void rr_wire_seal(u8 *p, u32 len, bool crc)
{
	if (crc)
		rr_put_le32(p + RR_OFF_CRC, rr_wire_crc(p, len));
}

/*
 * Is the @len-byte datagram at @p sealed as its first packet's flags say?
 * 0, -EBADMSG for a CRC that does not match, -EINVAL for a crc field that
 * is not zero under RR_F_NOCRC or a datagram too short for a header.
 */
static __always_inline int rr_wire_dgram_check(const u8 *p, u32 len)
{
	u32 crc;

	if (unlikely(len < RR_HDR_LEN))
		return -EINVAL;
	crc = rr_get_le32(p + RR_OFF_CRC);
	if (p[RR_OFF_FLAGS] & RR_F_NOCRC)
		return crc ? -EINVAL : 0;
	return likely(crc == rr_wire_crc(p, len)) ? 0 : -EBADMSG;
}

/* The flag every packet of a datagram sealed with (@crc) or without carries. */
static inline u8 rr_wire_nocrc(bool crc)
{
	return crc ? 0 : RR_F_NOCRC;
}

/* The length of a packet's header: the first of a datagram, or a later one. */
static __always_inline u32 rr_hdr_len(bool first)
{
	return first ? RR_HDR_LEN : RR_CHDR_LEN;
}

/* Where req_num and the fields after it start in a packet's header. */
static __always_inline u32 rr_hdr_fields(bool first)
{
	BUILD_BUG_ON(RR_HDR_LEN - RR_OFF_REQ != RR_CHDR_LEN - RR_COFF_REQ);
	return first ? RR_OFF_REQ : RR_COFF_REQ;
}

/*
 * Write the header of a packet into @p, whose payload (@plen bytes behind
 * the header) must be in place before the datagram is sealed (the header
 * does not depend on it): when @first, the full header of the
 * packet that starts a datagram, with a zero crc field; else a later
 * packet's, without what the first one says (@sess and @tag unused).
 * @flags go out as they are: with RR_F_NOCRC when the datagram has no CRC
 * (rr_wire_nocrc()), on every packet of it.  rr_wire_seal() seals the
 * datagram.  Returns the packet's length.  rr_wire_finish() with the
 * fields as arguments: the send path writes its headers with no struct
 * rr_pkt in between.
 */
static __always_inline u32 rr_wire_put(u8 *p, bool first, u8 kind, u8 flags,
				       u32 sess, u32 tag, u32 req_num,
				       u32 idx, u32 msg_len, u32 aux,
				       u32 plen)
{
	if (first) {
		/* magic, version, kind and flags: one little-endian word */
		rr_put_le32(p + RR_OFF_MAGIC, RR_WIRE_MAGIC |
			    RR_WIRE_VERSION << 8 | (u32)kind << 16 |
			    (u32)flags << 24);
		rr_put_le32(p + RR_OFF_SESS, sess);
		rr_put_le32(p + RR_OFF_TAG, tag);
		rr_put_le32(p + RR_OFF_CRC, 0);
	} else {
		/* kind, flags and the two zero bytes */
		rr_put_le32(p, kind | (u32)flags << 8);
	}
	p += rr_hdr_fields(first);
	rr_put_le32(p + RR_FLD_REQ, req_num);
	rr_put_le32(p + RR_FLD_IDX, idx);
	rr_put_le32(p + RR_FLD_LEN, msg_len);
	rr_put_le32(p + RR_FLD_AUX, aux);
	return rr_hdr_len(first) + plen;
}

/* For __rr_wire_parse_next(): what rr_wire_parse() checks (wire.c). */
extern const u8 rr_wire_bad_flags[RR_PKT_KIND_END];
int rr_wire_check(const struct rr_pkt *pkt);

/*
 * The next packet of a datagram, in one pass over its header (@first: the
 * datagram's first packet, else a later one): what rr_wire_pkt_len() (@len
 * bytes left, segments of @seg bytes) and then rr_wire_parse() on the
 * bytes it implies, its header written in full, would return, the
 * packet's length instead of 0 on success, but for the crc field, which
 * is the datagram's (rr_wire_dgram_check()).  A later packet leaves
 * pkt->sess and pkt->tag as they are: the first packet's.  The receive
 * path's parser, inline there; rr_wire_parse_next() is the same out of
 * line.
 */
static __always_inline int __rr_wire_parse_next(const void *buf, size_t len,
						u32 seg, struct rr_pkt *pkt,
						bool first)
{
	u32 word, msg_len, idx, plen = 0, hlen = rr_hdr_len(first);
	const u8 *p = buf, *f;
	bool foreign;
	u8 kind, flags;
	u64 off;

	/* seg is 1 to RR_WIRE_MAX_MSG: one compare */
	if (unlikely(len < hlen || seg - 1 >= RR_WIRE_MAX_MSG))
		return -EINVAL;
	f = p + rr_hdr_fields(first);
	if (first) {
		/* magic, version, kind and flags */
		word = rr_get_le32(p + RR_OFF_MAGIC);
		kind = (u8)(word >> 16);
		flags = (u8)(word >> 24);
		foreign = (u16)word != (RR_WIRE_MAGIC | RR_WIRE_VERSION << 8);
		pkt->sess = rr_get_le32(p + RR_OFF_SESS);
		pkt->tag = rr_get_le32(p + RR_OFF_TAG);
	} else {
		/* kind, flags and two bytes that must be zero */
		word = rr_get_le32(p);
		kind = (u8)word;
		flags = (u8)(word >> 8);
		foreign = word >> 16;
	}
	msg_len = rr_get_le32(f + RR_FLD_LEN);
	idx = rr_get_le32(f + RR_FLD_IDX);
	pkt->kind = kind;
	pkt->flags = flags;
	pkt->req_num = rr_get_le32(f + RR_FLD_REQ);
	pkt->idx = idx;
	pkt->msg_len = msg_len;
	pkt->aux = rr_get_le32(f + RR_FLD_AUX);
	pkt->payload = (const u8 *)buf + hlen;
	if (likely(kind == RR_PKT_REQ || kind == RR_PKT_RESP)) {
		/* rr_wire_pkt_len()'s checks: the length of segment idx. */
		if (likely(!idx && msg_len <= seg)) {
			/* the whole message (seg is within the wire's) */
			plen = msg_len;
		} else {
			off = (u64)idx * seg;
			if (unlikely(msg_len > RR_WIRE_MAX_MSG || off >= msg_len))
				return -EINVAL;
			plen = min_t(u32, seg, msg_len - (u32)off);
		}
		if (unlikely(plen > len - hlen))
			return -EINVAL;
		pkt->plen = plen;
		if (unlikely(foreign))
			goto foreign;
		/*
		 * rr_wire_check()'s: the length is within the wire's and
		 * idx and plen follow from it (the whole message with idx
		 * zero, an empty one included, else segment idx starts
		 * inside it; plen == msg_len only with idx zero); what is
		 * left to check is this.
		 */
		if (unlikely(flags & rr_wire_bad_flags[kind]))
			return -EINVAL;
		if (flags & (RR_F_META | RR_F_ERR)) {
			if (msg_len < rr_meta_len(flags))
				return -EINVAL;
			if ((flags & RR_F_ERR) &&
			    (msg_len || idx || (s32)pkt->aux >= 0 ||
			     (s32)pkt->aux < -RR_MAX_ERRNO))
				return -EINVAL;
		}
	} else {
		pkt->plen = 0;
		if (unlikely(foreign))
			goto foreign;
		if (rr_wire_check(pkt))
			return -EINVAL;
	}
	return hlen + plen;
foreign:
	/* A later packet's zero bytes are not: malformed, not foreign. */
	if (!first)
		return -EINVAL;
	return p[RR_OFF_MAGIC] != RR_WIRE_MAGIC ? -EPROTO : -EPROTONOSUPPORT;
}

#endif /* RR_CORE_WIRE_H */
