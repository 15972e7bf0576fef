/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Message bodies.  Small messages (<= RR_MSG_INLINE bytes) live inside
 * struct rr_msg itself, so a small RPC allocates nothing.  Larger ones are
 * fixed-size chunks (order-0 pages in the kernel) reached through up to
 * RR_MSG_TOP index chunks, allocated lazily as data arrives: a 16 MiB
 * message never needs more than one page of contiguous memory.
 *
 * The environment fills or drains a message chunk by chunk with
 * rr_msg_span(), which is what copy_{from,to}_user wants.
 */
#ifndef RR_CORE_MSG_H
#define RR_CORE_MSG_H

#include "compat.h"

#define RR_CHUNK_SHIFT		12
#define RR_CHUNK_SIZE		BIT(RR_CHUNK_SHIFT)
/* Chunk pointers used per index chunk (fits a page on 32 and 64 bit). */
#define RR_IDX_SHIFT		9
#define RR_IDX_PER_CHUNK	BIT(RR_IDX_SHIFT)
#define RR_MSG_TOP		16
#define RR_MSG_INLINE		(RR_MSG_TOP * sizeof(void *))
/* 16 index chunks x 512 chunks x 4 KiB = 32 MiB. */
#define RR_MSG_MAX		((u32)RR_MSG_TOP << (RR_IDX_SHIFT + RR_CHUNK_SHIFT))

struct rr_msg {
	u32 len;
	union {
		u8 inl[RR_MSG_INLINE];
		void **top[RR_MSG_TOP];
	};
};

static inline bool rr_msg_is_inline(const struct rr_msg *m)
{
	return m->len <= RR_MSG_INLINE;
}

int rr_msg_init(struct rr_msg *m, u32 len);
void rr_msg_free_chunks(struct rr_msg *m);
/*
 * rr_msg_span()'s @alloc: find only, allocate missing chunks without
 * sleeping (any context), or allocate and maybe sleep (process context,
 * no lock held: filling a message from user memory).
 */
enum rr_msg_alloc {
	RR_MSG_FIND,
	RR_MSG_ALLOC,
	RR_MSG_ALLOC_SLEEP,
};

void *rr_msg_span(struct rr_msg *m, u32 off, u32 *avail,
		  enum rr_msg_alloc alloc);
int rr_msg_write(struct rr_msg *m, u32 off, const void *src, u32 n);
int rr_msg_read(const struct rr_msg *m, u32 off, void *dst, u32 n);

/*
 * Hand the body over: @dst takes @src's bytes or chunks, @src is left
 * empty.  Inline bodies are copied in 16-byte steps: cheaper than a call.
 * The first 32 bytes go whatever the length (both arrays hold them), so
 * a small body takes no loop.
 */
static inline void rr_msg_move(struct rr_msg *dst, struct rr_msg *src)
{
	u32 i, len = src->len;

	BUILD_BUG_ON(RR_MSG_INLINE < 32);
	dst->len = len;
	if (rr_msg_is_inline(src)) {
		memcpy(dst->inl, src->inl, 32);
		for (i = 32; i < len; i += 16)
			memcpy(dst->inl + i, src->inl + i, 16);
	} else {
		memcpy(dst->top, src->top, sizeof(src->top));
	}
	src->len = 0;
}

/* Release the body's chunks (if any); the message is then empty. */
static inline void rr_msg_free(struct rr_msg *m)
{
	if (!rr_msg_is_inline(m))
		rr_msg_free_chunks(m);
	m->len = 0;
}

#endif /* RR_CORE_MSG_H */
