// SPDX-License-Identifier: GPL-2.0
/*
 * The handshake codec (see hello.h).  The bytes come from a TCP peer that
 * may be anyone: every length is checked before it is used.
 */
#include "hello.h"
#include "protocol.h"

#define RR_H_OFF_MAGIC		0
#define RR_H_OFF_VERSION	4
#define RR_H_OFF_TYPE		6
#define RR_H_OFF_ZERO		7
#define RR_H_OFF_LEN		8

#define RR_B_GID	0
#define RR_B_LID	16
#define RR_B_ZERO	18
#define RR_B_QPN	20
#define RR_B_QKEY	24
#define RR_B_MTU	28
#define RR_B_SESS	32
#define RR_B_TAG	36
#define RR_B_CREDITS	40
#define RR_B_SLOTS	44
#define RR_B_MAXMSG	48
#define RR_B_FLAGS	52
#define RR_B_NONCE	56
#define RR_B_PROOF	88

/* The largest IB MTU; datagram sizes are the IB MTUs 256..4096. */
#define RR_HELLO_MTU_MAX	4096
/* QP numbers are 24 bits. */
#define RR_HELLO_QPN_MASK	0xffffffu

static void rr_hello_put_hdr(u8 *p, u8 type, u32 len)
{
	rr_put_le32(p + RR_H_OFF_MAGIC, RR_HELLO_MAGIC);
	p[RR_H_OFF_VERSION] = RR_HELLO_VERSION & 0xff;
	p[RR_H_OFF_VERSION + 1] = RR_HELLO_VERSION >> 8;
	p[RR_H_OFF_TYPE] = type;
	p[RR_H_OFF_ZERO] = 0;
	rr_put_le32(p + RR_H_OFF_LEN, len);
}

int rr_hello_frame_len(const void *hdr, size_t len)
{
	const u8 *p = hdr;
	u32 flen, body;
	u16 version;

	if (len < RR_HELLO_HDR_LEN)
		return -EINVAL;
	if (rr_get_le32(p + RR_H_OFF_MAGIC) != RR_HELLO_MAGIC)
		return -EPROTO;
	version = p[RR_H_OFF_VERSION] | p[RR_H_OFF_VERSION + 1] << 8;
	if (version != RR_HELLO_VERSION)
		return -EPROTONOSUPPORT;
	if (p[RR_H_OFF_ZERO])
		return -EINVAL;
	flen = rr_get_le32(p + RR_H_OFF_LEN);
	if (flen > RR_HELLO_FRAME_MAX)
		return -EMSGSIZE;
	if (flen < RR_HELLO_HDR_LEN)
		return -EINVAL;
	body = flen - RR_HELLO_HDR_LEN;
	switch (p[RR_H_OFF_TYPE]) {
	case RR_HELLO_T_HELLO:
	case RR_HELLO_T_ACCEPT:
		return body == RR_HELLO_BODY_LEN ? (int)flen : -EINVAL;
	case RR_HELLO_T_REFUSE:
		return body > RR_HELLO_REFUSE_CODE_LEN &&
		       body <= RR_HELLO_REFUSE_CODE_LEN + RR_HELLO_REASON_MAX ?
		       (int)flen : -EINVAL;
	case RR_HELLO_T_AUTH:
		return body == RR_HELLO_PROOF_LEN ? (int)flen : -EINVAL;
	case RR_HELLO_T_HEARTBEAT:
		return body == 0 ? (int)flen : -EINVAL;
	default:
		return -EINVAL;
	}
}

static void rr_hello_get_body(const u8 *b, struct rr_hello *h)
{
	memcpy(h->gid, b + RR_B_GID, sizeof(h->gid));
	h->lid = b[RR_B_LID] | b[RR_B_LID + 1] << 8;
	h->qpn = rr_get_le32(b + RR_B_QPN);
	h->qkey = rr_get_le32(b + RR_B_QKEY);
	h->mtu = rr_get_le32(b + RR_B_MTU);
	h->sess = rr_get_le32(b + RR_B_SESS);
	h->tag = rr_get_le32(b + RR_B_TAG);
	h->credits = rr_get_le32(b + RR_B_CREDITS);
	h->slots = rr_get_le32(b + RR_B_SLOTS);
	h->max_msg = rr_get_le32(b + RR_B_MAXMSG);
	h->flags = rr_get_le32(b + RR_B_FLAGS);
	memcpy(h->nonce, b + RR_B_NONCE, sizeof(h->nonce));
	memcpy(h->proof, b + RR_B_PROOF, sizeof(h->proof));
}

int rr_hello_decode(const void *buf, size_t len, struct rr_hello_msg *msg)
{
	const u8 *p = buf;
	const u8 *b = p + RR_HELLO_HDR_LEN;
	int flen;
	u32 i, n;

	flen = rr_hello_frame_len(buf, len);
	if (flen < 0)
		return flen;
	if ((size_t)flen != len)
		return -EINVAL;
	memset(msg, 0, sizeof(*msg));
	msg->type = p[RR_H_OFF_TYPE];
	n = (u32)flen - RR_HELLO_HDR_LEN;
	switch (msg->type) {
	case RR_HELLO_T_HELLO:
	case RR_HELLO_T_ACCEPT:
		if (b[RR_B_ZERO] || b[RR_B_ZERO + 1])
			return -EINVAL;
		rr_hello_get_body(b, &msg->hello);
		if (msg->hello.flags & ~RR_HELLO_F_ALL)
			return -EINVAL;
		return 0;
	case RR_HELLO_T_REFUSE:
		msg->code = rr_get_le32(b);
		b += RR_HELLO_REFUSE_CODE_LEN;
		n -= RR_HELLO_REFUSE_CODE_LEN;
		for (i = 0; i < n; i++) {
			if (b[i] < 0x20 || b[i] > 0x7e)
				return -EINVAL;
			msg->reason[i] = (char)b[i];
		}
		msg->reason[n] = '\0';
		return 0;
	case RR_HELLO_T_AUTH:
		memcpy(msg->proof, b, RR_HELLO_PROOF_LEN);
		return 0;
	default:	/* HEARTBEAT */
		return 0;
	}
}

/* A body of RR_HELLO_BODY_LEN bytes; the proof only if @proof. */
static void rr_hello_put_body(u8 *b, const struct rr_hello *h, bool proof)
{
	memset(b, 0, RR_HELLO_BODY_LEN);
	memcpy(b + RR_B_GID, h->gid, sizeof(h->gid));
	b[RR_B_LID] = h->lid & 0xff;
	b[RR_B_LID + 1] = h->lid >> 8;
	rr_put_le32(b + RR_B_QPN, h->qpn);
	rr_put_le32(b + RR_B_QKEY, h->qkey);
	rr_put_le32(b + RR_B_MTU, h->mtu);
	rr_put_le32(b + RR_B_SESS, h->sess);
	rr_put_le32(b + RR_B_TAG, h->tag);
	rr_put_le32(b + RR_B_CREDITS, h->credits);
	rr_put_le32(b + RR_B_SLOTS, h->slots);
	rr_put_le32(b + RR_B_MAXMSG, h->max_msg);
	rr_put_le32(b + RR_B_FLAGS, h->flags);
	memcpy(b + RR_B_NONCE, h->nonce, sizeof(h->nonce));
	if (proof)
		memcpy(b + RR_B_PROOF, h->proof, sizeof(h->proof));
}

int rr_hello_encode(void *buf, u8 type, const struct rr_hello *h)
{
	u8 *p = buf;

	if (type != RR_HELLO_T_HELLO && type != RR_HELLO_T_ACCEPT)
		return -EINVAL;
	if (h->flags & ~RR_HELLO_F_ALL)
		return -EINVAL;
	rr_hello_put_hdr(p, type, RR_HELLO_FRAME_MAX);
	rr_hello_put_body(p + RR_HELLO_HDR_LEN, h, true);
	return RR_HELLO_FRAME_MAX;
}

void rr_hello_transcript(u8 *out, u8 role, const struct rr_hello *hello,
			 const struct rr_hello *accept)
{
	out[0] = role;
	rr_hello_put_body(out + 1, hello, false);
	rr_hello_put_body(out + 1 + RR_HELLO_BODY_LEN, accept, false);
}

int rr_hello_encode_refuse(void *buf, u32 code, const char *reason)
{
	u8 *p = buf;
	u8 *r = p + RR_HELLO_HDR_LEN + RR_HELLO_REFUSE_CODE_LEN;
	u32 n = 0, len;

	/* Truncated to what fits; anything unprintable becomes '?'. */
	while (reason[n] && n < RR_HELLO_REASON_MAX) {
		u8 c = (u8)reason[n];

		r[n] = c < 0x20 || c > 0x7e ? '?' : c;
		n++;
	}
	if (!n)
		return -EINVAL;
	len = RR_HELLO_HDR_LEN + RR_HELLO_REFUSE_CODE_LEN + n;
	rr_hello_put_hdr(p, RR_HELLO_T_REFUSE, len);
	rr_put_le32(p + RR_HELLO_HDR_LEN, code);
	return (int)len;
}

int rr_hello_encode_auth(void *buf, const u8 *proof)
{
	u8 *p = buf;

	rr_hello_put_hdr(p, RR_HELLO_T_AUTH,
			 RR_HELLO_HDR_LEN + RR_HELLO_PROOF_LEN);
	memcpy(p + RR_HELLO_HDR_LEN, proof, RR_HELLO_PROOF_LEN);
	return RR_HELLO_HDR_LEN + RR_HELLO_PROOF_LEN;
}

int rr_hello_encode_heartbeat(void *buf)
{
	rr_hello_put_hdr(buf, RR_HELLO_T_HEARTBEAT, RR_HELLO_HDR_LEN);
	return RR_HELLO_HDR_LEN;
}

const char *rr_hello_check(const struct rr_hello *h)
{
	if (h->mtu < RR_MIN_MTU || h->mtu > RR_HELLO_MTU_MAX ||
	    (h->mtu & (h->mtu - 1)))
		return "unsupported MTU";
	if (!h->slots || h->slots > RR_MAX_SLOTS ||
	    (h->slots & (h->slots - 1)))
		return "slots must be a power of two up to 32";
	if (!h->credits || h->credits > RR_MAX_CREDITS)
		return "credits out of range";
	if (h->max_msg > RR_MSG_MAX || h->max_msg > RR_WIRE_MAX_MSG)
		return "max message size out of range";
	if (!h->qpn || (h->qpn & ~RR_HELLO_QPN_MASK))
		return "bad QP number";
	if (!h->sess)
		return "bad session id";
	return NULL;
}
