// SPDX-License-Identifier: GPL-2.0
/*
 * Wire format: build and parse the packet headers.  Parsing is the
 * first thing that touches bytes from the network, so it checks every field
 * it can without session context and never reads past @len.
 */
#include "wire.h"

/*
 * Write the header for @hdr into @buf, whose payload (hdr->plen bytes at
 * buf + RR_HDR_LEN) is already in place, and seal it as a datagram of one
 * packet.  Returns the datagram length.
 */
u32 rr_wire_finish(void *buf, const struct rr_pkt *hdr, bool crc)
{
	u32 len;

	len = rr_wire_put(buf, true, hdr->kind,
			  (hdr->flags & ~RR_F_NOCRC) | rr_wire_nocrc(crc),
			  hdr->sess, hdr->tag, hdr->req_num, hdr->idx,
			  hdr->msg_len, hdr->aux, hdr->plen);
	rr_wire_seal(buf, len, crc);
	return len;
}

/*
 * Cheap demultiplexing peek: is this plausibly ours, and for which session?
 * No CRC check; rr_session_rx() does the full parse.
 */
int rr_wire_peek(const void *buf, size_t len, u32 *sess, u32 *tag)
{
	const u8 *p = buf;

	if (len < RR_HDR_LEN)
		return -EINVAL;
	if (p[RR_OFF_MAGIC] != RR_WIRE_MAGIC)
		return -EPROTO;
	if (p[RR_OFF_VERSION] != RR_WIRE_VERSION)
		return -EPROTONOSUPPORT;
	*sess = rr_get_le32(p + RR_OFF_SESS);
	*tag = rr_get_le32(p + RR_OFF_TAG);
	return 0;
}

/* The header's fields as they are, and the payload: nothing checked. */
static void rr_wire_fields(const u8 *p, size_t len, struct rr_pkt *pkt)
{
	pkt->kind = p[RR_OFF_KIND];
	pkt->flags = p[RR_OFF_FLAGS];
	pkt->sess = rr_get_le32(p + RR_OFF_SESS);
	pkt->tag = rr_get_le32(p + RR_OFF_TAG);
	pkt->req_num = rr_get_le32(p + RR_OFF_REQ);
	pkt->idx = rr_get_le32(p + RR_OFF_IDX);
	pkt->msg_len = rr_get_le32(p + RR_OFF_LEN);
	pkt->aux = rr_get_le32(p + RR_OFF_AUX);
	pkt->payload = p + RR_HDR_LEN;
	pkt->plen = (u32)(len - RR_HDR_LEN);
}

/*
 * For diagnostics (tracing a datagram that was dropped): the header's
 * fields as they are on the wire, however wrong, if the datagram holds a
 * header at all.  -EINVAL if it is too short.  No CRC check, no field
 * check: nothing may act on what this returns.
 */
int rr_wire_peek_pkt(const void *buf, size_t len, struct rr_pkt *pkt)
{
	if (len < RR_HDR_LEN)
		return -EINVAL;
	rr_wire_fields(buf, len, pkt);
	return 0;
}

/* What each kind may not carry: all but RR_F_NOCRC and these. */
#define RR_KIND_FLAGS(f)	(0xff & ~((f) | RR_F_NOCRC))
const u8 rr_wire_bad_flags[RR_PKT_KIND_END] = {
	[RR_PKT_REQ] = RR_KIND_FLAGS(RR_F_ACKNOW | RR_F_META),
	[RR_PKT_RESP] = RR_KIND_FLAGS(RR_F_REPLY | RR_F_ERR | RR_F_DUP),
	[RR_PKT_ACK] = RR_KIND_FLAGS(RR_F_REPLY | RR_F_DONE | RR_F_DUP),
	[RR_PKT_RFR] = RR_KIND_FLAGS(0),
	[RR_PKT_PING] = RR_KIND_FLAGS(RR_F_REPLY),
	[RR_PKT_RESET] = RR_KIND_FLAGS(0),
	[RR_PKT_CANCEL] = RR_KIND_FLAGS(0),
};

/*
 * Field checks that need no session context (__rr_wire_parse_next() has
 * its own for REQ and RESP).
 */
int rr_wire_check(const struct rr_pkt *pkt)
{
	if (pkt->kind == 0 || pkt->kind >= RR_PKT_KIND_END)
		return -EINVAL;
	if (pkt->flags & rr_wire_bad_flags[pkt->kind])
		return -EINVAL;
	switch (pkt->kind) {
	case RR_PKT_REQ:
	case RR_PKT_RESP:
		if (pkt->msg_len > RR_WIRE_MAX_MSG)
			return -EMSGSIZE;
		if (pkt->plen > pkt->msg_len)
			return -EINVAL;
		/* The metadata is in the message, before the body. */
		if (pkt->msg_len < rr_meta_len(pkt->flags))
			return -EINVAL;
		/* An error answer: empty, and a real errno. */
		if ((pkt->flags & RR_F_ERR) &&
		    (pkt->msg_len || pkt->idx || (s32)pkt->aux >= 0 ||
		     (s32)pkt->aux < -RR_MAX_ERRNO))
			return -EINVAL;
		/* Every packet but the one of an empty message carries data. */
		if (pkt->msg_len == 0)
			return pkt->idx == 0 ? 0 : -EINVAL;
		if (pkt->plen == 0 || pkt->idx >= pkt->msg_len)
			return -EINVAL;
		return 0;
	case RR_PKT_ACK:
		/* cumulative <= packets, answered index < packets */
		if (pkt->plen || pkt->idx > RR_WIRE_MAX_MSG ||
		    pkt->msg_len >= RR_WIRE_MAX_MSG)
			return -EINVAL;
		return 0;
	case RR_PKT_RFR:
		if (pkt->plen || pkt->msg_len || pkt->aux >= RR_RFR_MAX_RUN ||
		    pkt->idx >= RR_WIRE_MAX_MSG)
			return -EINVAL;
		return 0;
	case RR_PKT_CANCEL:
		if (pkt->plen || pkt->idx || pkt->msg_len || pkt->aux)
			return -EINVAL;
		return 0;
	default: /* PING, RESET: nothing but the session */
		if (pkt->plen || pkt->req_num || pkt->idx || pkt->msg_len ||
		    pkt->aux)
			return -EINVAL;
		return 0;
	}
}

/*
 * The length of the packet at the start of @buf (@len bytes left in the
 * datagram; @first: the datagram's first packet, else a later one), as
 * its header implies with segments of @seg bytes: the header's for a
 * control packet, plus the bytes of segment idx of a msg_len-byte message
 * for REQ and RESP.  -EINVAL if the message has no segment idx (an empty
 * one has only segment 0) or is longer than the wire allows, the packet
 * would not fit in @len or @seg is not 1 to RR_WIRE_MAX_MSG; nothing else
 * is checked (rr_wire_parse() on exactly the bytes returned, the header
 * written in full, does that).
 */
int rr_wire_pkt_len(const void *buf, size_t len, u32 seg, bool first)
{
	const u8 *p = buf;
	u32 msg_len, idx, hlen = rr_hdr_len(first);
	u64 off, plen;
	u8 kind;

	if (len < hlen || seg - 1 >= RR_WIRE_MAX_MSG)
		return -EINVAL;
	kind = first ? p[RR_OFF_KIND] : p[RR_COFF_KIND];
	if (kind != RR_PKT_REQ && kind != RR_PKT_RESP)
		return hlen;
	p += rr_hdr_fields(first);
	msg_len = rr_get_le32(p + RR_FLD_LEN);
	idx = rr_get_le32(p + RR_FLD_IDX);
	/* Segment 0 always exists, an empty message has no other. */
	off = (u64)idx * seg;
	if (msg_len > RR_WIRE_MAX_MSG || (idx && off >= msg_len))
		return -EINVAL;
	plen = min_t(u64, seg, msg_len - off);
	if (plen > len - hlen)
		return -EINVAL;
	return hlen + (int)plen;
}

/*
 * Parse and validate a datagram of one packet that fills @buf.  Returns 0,
 * -EINVAL for a malformed packet (short, bad kind/flags/fields),
 * -EPROTO/-EPROTONOSUPPORT for a foreign magic/version, -EMSGSIZE for a
 * length beyond what the wire allows and -EBADMSG for a CRC mismatch.
 */
int rr_wire_parse(const void *buf, size_t len, struct rr_pkt *pkt)
{
	const u8 *p = buf;
	int ret;

	if (len < RR_HDR_LEN || len - RR_HDR_LEN > RR_WIRE_MAX_MSG)
		return -EINVAL;
	if (p[RR_OFF_MAGIC] != RR_WIRE_MAGIC)
		return -EPROTO;
	if (p[RR_OFF_VERSION] != RR_WIRE_VERSION)
		return -EPROTONOSUPPORT;
	rr_wire_fields(p, len, pkt);
	ret = rr_wire_check(pkt);
	if (ret)
		return ret;
	return rr_wire_dgram_check(p, (u32)len);
}

/* The receive path's parser (wire.h), for the host's tests and fuzzers. */
int rr_wire_parse_next(const void *buf, size_t len, u32 seg,
		       struct rr_pkt *pkt, bool first)
{
	return __rr_wire_parse_next(buf, len, seg, pkt, first);
}
