// SPDX-License-Identifier: GPL-2.0
/*
 * Chunked message bodies (see msg.h).
 */
#include "msg.h"

/*
 * Make @m an empty body of @len bytes.  Chunks come later, on first write.
 * Only the index array of a chunked message is cleared: inline bytes are
 * always written before they are read.
 */
int rr_msg_init(struct rr_msg *m, u32 len)
{
	if (len > RR_MSG_MAX)
		return -EMSGSIZE;
	m->len = len;
	if (!rr_msg_is_inline(m))
		memset(m->top, 0, sizeof(m->top));
	return 0;
}

void rr_msg_free_chunks(struct rr_msg *m)
{
	u32 nchunks, t, i;

	if (rr_msg_is_inline(m))
		goto out;
	nchunks = DIV_ROUND_UP(m->len, RR_CHUNK_SIZE);
	for (t = 0; t < RR_MSG_TOP && (t << RR_IDX_SHIFT) < nchunks; t++) {
		void **idx = m->top[t];

		if (!idx)
			continue;
		for (i = 0; i < RR_IDX_PER_CHUNK; i++)
			rr_chunk_free(idx[i]);
		rr_chunk_free(idx);
		m->top[t] = NULL;
	}
out:
	m->len = 0;
}

/*
 * Contiguous bytes of @m at @off: returns a pointer and sets *@avail to how
 * many bytes follow it in the same chunk (and within the message).  With
 * @alloc, missing chunks are allocated; otherwise, or if that fails, NULL,
 * and *@avail still counts the bytes from @off to the end of the missing
 * chunk (within the message).
 */
void *rr_msg_span(struct rr_msg *m, u32 off, u32 *avail,
		  enum rr_msg_alloc alloc)
{
	u32 c, in;
	void ***idx;
	void **chunk;

	if (off >= m->len) {
		*avail = 0;
		return NULL;
	}
	if (rr_msg_is_inline(m)) {
		*avail = m->len - off;
		return m->inl + off;
	}
	c = off >> RR_CHUNK_SHIFT;
	in = off & (RR_CHUNK_SIZE - 1);
	*avail = min_t(u32, RR_CHUNK_SIZE - in, m->len - off);
	idx = &m->top[c >> RR_IDX_SHIFT];
	if (unlikely(!*idx)) {
		if (!alloc)
			return NULL;
		*idx = rr_chunk_alloc(alloc == RR_MSG_ALLOC_SLEEP);
		if (!*idx)
			return NULL;
		/* Pointers must start NULL: chunks appear in any order. */
		memset(*idx, 0, RR_IDX_PER_CHUNK * sizeof(void *));
	}
	chunk = &(*idx)[c & (RR_IDX_PER_CHUNK - 1)];
	if (unlikely(!*chunk)) {
		if (!alloc)
			return NULL;
		*chunk = rr_chunk_alloc(alloc == RR_MSG_ALLOC_SLEEP);
		if (!*chunk)
			return NULL;
	}
	return (u8 *)*chunk + in;
}

int rr_msg_write(struct rr_msg *m, u32 off, const void *src, u32 n)
{
	const u8 *s = src;
	u32 avail;
	void *p;

	if (off > m->len || n > m->len - off)
		return -EINVAL;
	while (n) {
		p = rr_msg_span(m, off, &avail, RR_MSG_ALLOC);
		if (!p)
			return -ENOMEM;
		avail = min_t(u32, avail, n);
		memcpy(p, s, avail);
		s += avail;
		off += avail;
		n -= avail;
	}
	return 0;
}

/*
 * Copy @n bytes at @off out of @m.  A chunk never allocated reads back as
 * zeros; one allocated holds whatever was not written in it, so read only
 * what was written (the sender reads its own messages, written whole).
 */
int rr_msg_read(const struct rr_msg *m, u32 off, void *dst, u32 n)
{
	u8 *d = dst;
	u32 avail;
	void *p;

	if (off > m->len || n > m->len - off)
		return -EINVAL;
	while (n) {
		/* alloc == false: span does not modify the message. */
		p = rr_msg_span((struct rr_msg *)m, off, &avail, RR_MSG_FIND);
		avail = min_t(u32, avail, n);
		if (p)
			memcpy(d, p, avail);
		else
			memset(d, 0, avail);
		d += avail;
		off += avail;
		n -= avail;
	}
	return 0;
}
