/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only door between the portable session core and its environment.
 *
 * The core (wire, msg, rtt, cc, session) is pure logic: it never sleeps,
 * takes no locks and keeps no global state.  Everything it needs from the
 * outside world is here: integer types, byte order, memory, CRC32C.  In the
 * kernel these map onto the real APIs; on the host, rr_compat_user.h (in
 * tools/sim/) provides the same names so that the very same .c files build
 * into unit tests, the simulator and fuzzers.
 */
#ifndef RR_CORE_COMPAT_H
#define RR_CORE_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/bitops.h>
#include <linux/crc32c.h>
#include <linux/unaligned.h>

/*
 * The receive path runs in softirq context under the session's spinlock,
 * so every allocation is atomic and may fail; callers drop the packet and
 * count it, and retransmission recovers.  No warning splat: the wire can
 * trigger these.
 */
static inline void *rr_alloc(size_t size)
{
	return kmalloc(size, GFP_ATOMIC | __GFP_NOWARN);
}

static inline void *rr_zalloc(size_t size)
{
	return kzalloc(size, GFP_ATOMIC | __GFP_NOWARN);
}

static inline void rr_free(const void *p)
{
	kfree(p);
}

/*
 * Message bodies are arrays of order-0 pages, never one big allocation.
 * @may_sleep: process context with no lock held.
 */
static inline void *rr_chunk_alloc(bool may_sleep)
{
	return (void *)__get_free_page(may_sleep ? GFP_KERNEL :
				       GFP_ATOMIC | __GFP_NOWARN);
}

static inline void rr_chunk_free(void *p)
{
	if (p)
		free_page((unsigned long)p);
}

/* Raw CRC32C update (no pre/post inversion), like the kernel's crc32c(). */
static inline u32 rr_crc32c(u32 crc, const void *p, size_t len)
{
	return crc32c(crc, p, len);
}

static inline u32 rr_get_le32(const void *p)
{
	return get_unaligned_le32(p);
}

static inline void rr_put_le32(void *p, u32 v)
{
	put_unaligned_le32(v, p);
}

static inline unsigned int rr_ctz32(u32 v)
{
	return __ffs(v);
}

static inline unsigned int rr_ctz64(u64 v)
{
	return __ffs64(v);
}

#else

#include "rr_compat_user.h"

#endif /* __KERNEL__ */

#endif /* RR_CORE_COMPAT_H */
