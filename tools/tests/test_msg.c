// SPDX-License-Identifier: GPL-2.0
/*
 * Chunked message bodies: inline and chunked, writes and reads across
 * chunk and index boundaries, out-of-order filling, moves, limits and
 * allocation failure.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../../kmod/core/protocol.h"

static u8 pat(u32 i)
{
	return (u8)(i * 131 + (i >> 12));
}

TEST(msg_inline_and_chunked)
{
	static const u32 lens[] = {
		0, 1, 31, RR_MSG_INLINE, RR_MSG_INLINE + 1, RR_CHUNK_SIZE - 1,
		RR_CHUNK_SIZE, RR_CHUNK_SIZE + 1, 3 * RR_CHUNK_SIZE + 17,
		RR_IDX_PER_CHUNK * RR_CHUNK_SIZE + 5,
	};
	u8 *src = malloc(RR_IDX_PER_CHUNK * RR_CHUNK_SIZE + 8);
	u8 *dst = malloc(RR_IDX_PER_CHUNK * RR_CHUNK_SIZE + 8);
	struct rr_msg m, m2;

	for (size_t t = 0; t < ARRAY_SIZE(lens); t++) {
		u32 len = lens[t], step = len / 7 + 1;

		for (u32 i = 0; i < len; i++)
			src[i] = pat(i);
		ASSERT_EQ(rr_msg_init(&m, len), 0);
		ASSERT_EQ(rr_msg_is_inline(&m), len <= RR_MSG_INLINE);
		/* fill back to front in odd-sized pieces */
		for (u32 end = len; end > 0;) {
			u32 off = end > step ? end - step : 0;

			ASSERT_EQ(rr_msg_write(&m, off, src + off, end - off), 0);
			end = off;
		}
		memset(dst, 0, len);
		ASSERT_EQ(rr_msg_read(&m, 0, dst, len), 0);
		ASSERT_TRUE(!memcmp(src, dst, len));
		/* reads at every chunk edge */
		if (len > 2) {
			ASSERT_EQ(rr_msg_read(&m, len - 2, dst, 2), 0);
			ASSERT_TRUE(!memcmp(src + len - 2, dst, 2));
		}
		ASSERT_TRUE(rr_msg_read(&m, len, dst, 1) < 0);
		ASSERT_TRUE(rr_msg_write(&m, len ? len - 1 : 0, src, 2) < 0);
		rr_msg_move(&m2, &m);
		ASSERT_EQ(m.len, 0);
		ASSERT_EQ(m2.len, len);
		ASSERT_EQ(rr_msg_read(&m2, 0, dst, len), 0);
		ASSERT_TRUE(!memcmp(src, dst, len));
		rr_msg_free(&m2);
		rr_msg_free(&m);	/* harmless after a move */
	}
	free(src);
	free(dst);
}

TEST(msg_span_walk)
{
	struct rr_msg m;
	u32 len = 5 * RR_CHUNK_SIZE + 100, off, avail, n = 0;
	u8 *p;

	ASSERT_EQ(rr_msg_init(&m, len), 0);
	/* no allocation without asking */
	ASSERT_TRUE(!rr_msg_span(&m, 0, &avail, RR_MSG_FIND));
	for (off = 0; off < len; off += avail, n++) {
		p = rr_msg_span(&m, off, &avail, RR_MSG_ALLOC);
		ASSERT_TRUE(p);
		ASSERT_TRUE(avail > 0 && avail <= RR_CHUNK_SIZE);
		memset(p, (int)n, avail);
	}
	ASSERT_EQ(n, 6);
	/* unwritten bytes read as zero */
	rr_msg_free(&m);
	ASSERT_EQ(rr_msg_init(&m, len), 0);
	p = rr_msg_span(&m, 2 * RR_CHUNK_SIZE, &avail, RR_MSG_ALLOC);
	ASSERT_TRUE(p);
	memset(p, 0xee, avail);
	{
		u8 b[2];

		ASSERT_EQ(rr_msg_read(&m, 2 * RR_CHUNK_SIZE - 1, b, 2), 0);
		ASSERT_EQ(b[0], 0);
		ASSERT_EQ(b[1], 0xee);
	}
	rr_msg_free(&m);
}

/*
 * Chunks never written, and a whole index chunk never written, read as
 * zeros around one chunk that was.
 */
TEST(msg_read_holes)
{
	u32 far = RR_IDX_PER_CHUNK * RR_CHUNK_SIZE;
	u32 len = far + 2 * RR_CHUNK_SIZE + 100, avail, i;
	u8 *dst = malloc(len), one[RR_CHUNK_SIZE];
	struct rr_msg m;

	memset(one, 0x5a, sizeof(one));
	ASSERT_EQ(rr_msg_init(&m, len), 0);
	ASSERT_EQ(rr_msg_write(&m, RR_CHUNK_SIZE, one, sizeof(one)), 0);
	/* a missing chunk still counts its bytes */
	ASSERT_TRUE(!rr_msg_span(&m, far + 10, &avail, RR_MSG_FIND));
	ASSERT_EQ(avail, RR_CHUNK_SIZE - 10);
	ASSERT_TRUE(!rr_msg_span(&m, len - 30, &avail, RR_MSG_FIND));
	ASSERT_EQ(avail, 30);
	memset(dst, 0xff, len);
	ASSERT_EQ(rr_msg_read(&m, 0, dst, len), 0);
	for (i = 0; i < len; i++)
		if (dst[i] != (i / RR_CHUNK_SIZE == 1 ? 0x5a : 0))
			break;
	ASSERT_EQ(i, len);
	/* across the edge into the missing index chunk */
	memset(dst, 0xff, len);
	ASSERT_EQ(rr_msg_read(&m, far - 3, dst, RR_CHUNK_SIZE + 8), 0);
	for (i = 0; i < RR_CHUNK_SIZE + 8; i++)
		if (dst[i])
			break;
	ASSERT_EQ(i, RR_CHUNK_SIZE + 8);
	rr_msg_free(&m);
	free(dst);
}

TEST(msg_limits)
{
	struct rr_msg m;
	u32 avail;
	u8 b = 1;

	ASSERT_EQ(rr_msg_init(&m, RR_MSG_MAX + 1), -EMSGSIZE);
	ASSERT_EQ(rr_msg_init(&m, RR_MSG_MAX), 0);
	/* the last byte of the largest message, and nothing else */
	ASSERT_EQ(rr_msg_write(&m, RR_MSG_MAX - 1, &b, 1), 0);
	ASSERT_TRUE(rr_msg_span(&m, RR_MSG_MAX - 1, &avail, RR_MSG_FIND));
	ASSERT_EQ(avail, 1);
	ASSERT_TRUE(!rr_msg_span(&m, 0, &avail, RR_MSG_FIND));
	ASSERT_TRUE(!rr_msg_span(&m, RR_MSG_MAX, &avail, RR_MSG_ALLOC));
	rr_msg_free(&m);
}

TEST(msg_alloc_failure)
{
	struct rr_msg m;
	u8 buf[3 * RR_CHUNK_SIZE];

	memset(buf, 7, sizeof(buf));
	ASSERT_EQ(rr_msg_init(&m, sizeof(buf)), 0);
	rr_user_fail_every = 1;
	ASSERT_EQ(rr_msg_write(&m, 0, buf, sizeof(buf)), -ENOMEM);
	rr_user_fail_every = 2;	/* index chunk ok, first data chunk fails */
	rr_user_allocs = 0;
	ASSERT_EQ(rr_msg_write(&m, 0, buf, sizeof(buf)), -ENOMEM);
	rr_user_fail_every = 0;
	ASSERT_EQ(rr_msg_write(&m, 0, buf, sizeof(buf)), 0);
	rr_msg_free(&m);
}
