// SPDX-License-Identifier: GPL-2.0
/*
 * The handshake codec: round trips of every frame type, every truncation,
 * every header field out of range, and the value checks.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../../kmod/core/protocol.h"
#include "../../kmod/core/hello.h"

static void h_sample(struct rr_hello *h)
{
	memset(h, 0, sizeof(*h));
	for (int i = 0; i < 16; i++)
		h->gid[i] = (u8)(i + 1);
	h->lid = 0x1234;
	h->qpn = 0x11;
	h->qkey = 0x7abcdef0;
	h->mtu = 1024;
	h->sess = 5;
	h->tag = 0xdeadbeef;
	h->credits = 32;
	h->slots = 8;
	h->max_msg = 16 << 20;
	h->flags = RR_HELLO_F_CRC | RR_HELLO_F_AUTH;
	for (int i = 0; i < RR_HELLO_NONCE_LEN; i++) {
		h->nonce[i] = (u8)(i * 3);
		h->proof[i] = (u8)(i * 5 + 1);
	}
}

/* Decode from an exact-size heap copy: ASan catches any over-read. */
static int h_decode(const u8 *buf, size_t len, struct rr_hello_msg *m)
{
	u8 *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, buf, len);
	ret = rr_hello_decode(copy, len, m);
	free(copy);
	return ret;
}

TEST(hello_roundtrip)
{
	u8 buf[RR_HELLO_FRAME_MAX];
	struct rr_hello h;
	struct rr_hello_msg m;
	u8 proof[RR_HELLO_PROOF_LEN];
	int n;

	h_sample(&h);
	for (u8 t = RR_HELLO_T_HELLO; t <= RR_HELLO_T_ACCEPT; t++) {
		n = rr_hello_encode(buf, t, &h);
		ASSERT_EQ(n, RR_HELLO_FRAME_MAX);
		ASSERT_EQ(rr_hello_frame_len(buf, RR_HELLO_HDR_LEN), n);
		ASSERT_EQ(h_decode(buf, n, &m), 0);
		ASSERT_EQ(m.type, t);
		ASSERT_EQ(memcmp(&m.hello, &h, sizeof(h)), 0);
		ASSERT_TRUE(rr_hello_check(&m.hello) == NULL);
	}
	ASSERT_EQ(rr_hello_encode(buf, RR_HELLO_T_REFUSE, &h), -EINVAL);

	n = rr_hello_encode_refuse(buf, RR_HELLO_R_CAPACITY,
				   "too many sessions");
	ASSERT_EQ(n, RR_HELLO_HDR_LEN + RR_HELLO_REFUSE_CODE_LEN + 17);
	ASSERT_EQ(h_decode(buf, n, &m), 0);
	ASSERT_EQ(m.type, RR_HELLO_T_REFUSE);
	ASSERT_EQ(m.code, RR_HELLO_R_CAPACITY);
	ASSERT_TRUE(!strcmp(m.reason, "too many sessions"));
	ASSERT_EQ(rr_hello_encode_refuse(buf, RR_HELLO_R_OTHER, ""), -EINVAL);
	/* a code with no reason is not a refusal */
	rr_put_le32(buf + 8, RR_HELLO_HDR_LEN + RR_HELLO_REFUSE_CODE_LEN);
	ASSERT_EQ(rr_hello_frame_len(buf, RR_HELLO_HDR_LEN), -EINVAL);
	/* long reasons are cut, odd bytes replaced */
	{
		char r[300];

		memset(r, 'x', sizeof(r) - 1);
		r[sizeof(r) - 1] = '\0';
		r[3] = '\n';
		n = rr_hello_encode_refuse(buf, RR_HELLO_R_OTHER, r);
		ASSERT_EQ(n, RR_HELLO_FRAME_MAX);
		ASSERT_EQ(n, RR_HELLO_HDR_LEN + RR_HELLO_REFUSE_CODE_LEN +
			     RR_HELLO_REASON_MAX);
		ASSERT_EQ(h_decode(buf, n, &m), 0);
		ASSERT_EQ(m.reason[3], '?');
		ASSERT_EQ(strlen(m.reason), RR_HELLO_REASON_MAX);
	}

	for (int i = 0; i < RR_HELLO_PROOF_LEN; i++)
		proof[i] = (u8)(200 - i);
	n = rr_hello_encode_auth(buf, proof);
	ASSERT_EQ(h_decode(buf, n, &m), 0);
	ASSERT_EQ(m.type, RR_HELLO_T_AUTH);
	ASSERT_EQ(memcmp(m.proof, proof, sizeof(proof)), 0);

	n = rr_hello_encode_heartbeat(buf);
	ASSERT_EQ(n, RR_HELLO_HDR_LEN);
	ASSERT_EQ(h_decode(buf, n, &m), 0);
	ASSERT_EQ(m.type, RR_HELLO_T_HEARTBEAT);
}

TEST(hello_truncated_and_oversized)
{
	u8 buf[RR_HELLO_FRAME_MAX + 16];
	struct rr_hello h;
	struct rr_hello_msg m;
	int n;

	h_sample(&h);
	n = rr_hello_encode(buf, RR_HELLO_T_HELLO, &h);
	for (int len = 0; len < n; len++)
		ASSERT_TRUE(h_decode(buf, len, &m) < 0);
	ASSERT_EQ(h_decode(buf, n + 1, &m), -EINVAL);
	/* a header claiming more than any frame */
	rr_put_le32(buf + 8, RR_HELLO_FRAME_MAX + 1);
	ASSERT_EQ(rr_hello_frame_len(buf, RR_HELLO_HDR_LEN), -EMSGSIZE);
	rr_put_le32(buf + 8, 0xffffffff);
	ASSERT_EQ(rr_hello_frame_len(buf, RR_HELLO_HDR_LEN), -EMSGSIZE);
	/* shorter than a header, or than its type's body */
	rr_put_le32(buf + 8, 4);
	ASSERT_EQ(rr_hello_frame_len(buf, RR_HELLO_HDR_LEN), -EINVAL);
	rr_put_le32(buf + 8, RR_HELLO_FRAME_MAX - 1);
	ASSERT_EQ(rr_hello_frame_len(buf, RR_HELLO_HDR_LEN), -EINVAL);
	/* a heartbeat with a body */
	n = rr_hello_encode_heartbeat(buf);
	rr_put_le32(buf + 8, RR_HELLO_HDR_LEN + 1);
	ASSERT_EQ(rr_hello_frame_len(buf, RR_HELLO_HDR_LEN), -EINVAL);
}

TEST(hello_bad_header_fields)
{
	u8 buf[RR_HELLO_FRAME_MAX];
	struct rr_hello h;
	struct rr_hello_msg m;
	int n;

	h_sample(&h);
	n = rr_hello_encode(buf, RR_HELLO_T_HELLO, &h);
	buf[0] ^= 1;
	ASSERT_EQ(h_decode(buf, n, &m), -EPROTO);
	buf[0] ^= 1;
	/*
	 * Version 1's proofs covered only the nonces, version 2's datagrams
	 * had no deadlines or CANCEL: refused, as is any later version.
	 */
	for (int v = 0; v < 8; v++) {
		if (v == RR_HELLO_VERSION)
			continue;
		buf[4] = (u8)v;
		ASSERT_EQ(h_decode(buf, n, &m), -EPROTONOSUPPORT);
	}
	buf[4] = RR_HELLO_VERSION;
	buf[5] = 1;
	ASSERT_EQ(h_decode(buf, n, &m), -EPROTONOSUPPORT);
	buf[5] = 0;
	for (int t = 0; t < 256; t++) {
		buf[6] = (u8)t;
		if (t == RR_HELLO_T_HELLO || t == RR_HELLO_T_ACCEPT)
			ASSERT_EQ(h_decode(buf, n, &m), 0);
		else
			ASSERT_EQ(h_decode(buf, n, &m), -EINVAL);
	}
	buf[6] = RR_HELLO_T_HELLO;
	buf[7] = 1;
	ASSERT_EQ(h_decode(buf, n, &m), -EINVAL);
	buf[7] = 0;
	/* reserved body bytes and unknown flags */
	buf[RR_HELLO_HDR_LEN + 18] = 1;
	ASSERT_EQ(h_decode(buf, n, &m), -EINVAL);
	buf[RR_HELLO_HDR_LEN + 18] = 0;
	buf[RR_HELLO_HDR_LEN + 52] |= 4;
	ASSERT_EQ(h_decode(buf, n, &m), -EINVAL);
	buf[RR_HELLO_HDR_LEN + 52] &= ~4;
	ASSERT_EQ(h_decode(buf, n, &m), 0);
	/* a refusal with a control byte or a NUL */
	n = rr_hello_encode_refuse(buf, RR_HELLO_R_OTHER, "abc");
	buf[RR_HELLO_HDR_LEN + RR_HELLO_REFUSE_CODE_LEN + 1] = 0;
	ASSERT_EQ(h_decode(buf, n, &m), -EINVAL);
	buf[RR_HELLO_HDR_LEN + RR_HELLO_REFUSE_CODE_LEN + 1] = 0x7f;
	ASSERT_EQ(h_decode(buf, n, &m), -EINVAL);
}

TEST(hello_value_checks)
{
	struct rr_hello h, g;

	h_sample(&g);
	ASSERT_TRUE(rr_hello_check(&g) == NULL);
#define BAD(field, val)						\
	do {							\
		h = g;						\
		h.field = val;					\
		ASSERT_TRUE(rr_hello_check(&h) != NULL);	\
	} while (0)
	BAD(mtu, 0);
	BAD(mtu, 128);
	BAD(mtu, 1000);
	BAD(mtu, 8192);
	BAD(slots, 0);
	BAD(slots, 3);
	BAD(slots, 64);
	BAD(credits, 0);
	BAD(credits, RR_MAX_CREDITS + 1);
	BAD(max_msg, RR_MSG_MAX + 1);
	BAD(qpn, 0);
	BAD(qpn, 0x1000000);
	BAD(sess, 0);
#undef BAD
	for (u32 mtu = 256; mtu <= 4096; mtu *= 2) {
		h = g;
		h.mtu = mtu;
		ASSERT_TRUE(rr_hello_check(&h) == NULL);
	}
}

/*
 * The proofs' input: every field of both hellos but the proofs, so that
 * rewriting any of them in transit changes what the key must prove.
 */
TEST(hello_transcript_covers_every_field)
{
	u8 base[RR_HELLO_TRANSCRIPT_LEN], t[RR_HELLO_TRANSCRIPT_LEN];
	struct rr_hello c, s, x;

	h_sample(&c);
	h_sample(&s);
	s.qpn = 0x22;
	s.sess = 6;
	rr_hello_transcript(base, 'S', &c, &s);
	ASSERT_EQ(base[0], 'S');
	rr_hello_transcript(t, 'C', &c, &s);
	ASSERT_TRUE(memcmp(t, base, sizeof(t)) != 0);

	/* the proof fields are not part of it */
	x = c;
	memset(x.proof, 0xee, sizeof(x.proof));
	rr_hello_transcript(t, 'S', &x, &s);
	ASSERT_EQ(memcmp(t, base, sizeof(t)), 0);

	/* each field of either side, changed alone, changes it */
#define FIELD(stmt)							\
	do {								\
		struct rr_hello hc = c, hs = s;				\
		stmt;							\
		rr_hello_transcript(t, 'S', &hc, &hs);			\
		ASSERT_TRUE(memcmp(t, base, sizeof(t)) != 0);		\
	} while (0)
	for (int i = 0; i < 16; i++) {
		FIELD(hc.gid[i] ^= 0x80);
		FIELD(hs.gid[i] ^= 0x80);
	}
	for (int i = 0; i < RR_HELLO_NONCE_LEN; i++) {
		FIELD(hc.nonce[i] ^= 1);
		FIELD(hs.nonce[i] ^= 1);
	}
	FIELD(hc.lid ^= 0x100);
	FIELD(hc.qpn ^= 0x800000);
	FIELD(hc.qkey ^= 1);
	FIELD(hc.mtu ^= 0x800);
	FIELD(hc.sess ^= 0x10000);
	FIELD(hc.tag ^= 0x80000000);
	FIELD(hc.credits ^= 1);
	FIELD(hc.slots ^= 4);
	FIELD(hc.max_msg ^= 1);
	FIELD(hc.flags ^= RR_HELLO_F_CRC);
	FIELD(hs.lid ^= 1);
	FIELD(hs.qpn ^= 1);
	FIELD(hs.qkey ^= 0x1000000);
	FIELD(hs.mtu ^= 1);
	FIELD(hs.sess ^= 1);
	FIELD(hs.tag ^= 1);
	FIELD(hs.credits ^= 0x100);
	FIELD(hs.slots ^= 1);
	FIELD(hs.max_msg ^= 0x1000000);
	FIELD(hs.flags ^= RR_HELLO_F_AUTH);
#undef FIELD
	/* and swapping the two sides does too */
	rr_hello_transcript(t, 'S', &s, &c);
	ASSERT_TRUE(memcmp(t, base, sizeof(t)) != 0);
}
