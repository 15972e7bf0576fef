// SPDX-License-Identifier: GPL-2.0
/*
 * Latency histogram (see hist.h).
 */
#include <string.h>

#include "hist.h"

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

unsigned int hist_index(uint64_t v)
{
	unsigned int e;

	if (v < 2 * HIST_SUB)
		return (unsigned int)v;
	/* v in [2^k, 2^(k+1)), k >= 10: keep the top HIST_SUB_BITS + 1 bits. */
	e = 63u - (unsigned int)__builtin_clzll(v) - HIST_SUB_BITS;
	return e * HIST_SUB + (unsigned int)(v >> e);
}

uint64_t hist_lower(unsigned int index)
{
	unsigned int e;

	if (index < 2 * HIST_SUB)
		return index;
	e = index / HIST_SUB - 1;
	return (uint64_t)(index - e * HIST_SUB) << e;
}

void hist_add(struct hist *h, uint64_t ns)
{
	unsigned int i = hist_index(ns);

	if (i >= HIST_BUCKETS)
		i = HIST_BUCKETS - 1;
	h->bucket[i]++;
	h->count++;
	if (ns > h->max)
		h->max = ns;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0;
	unsigned int i;

	if (!h->count)
		return 0;
	if (q <= 0)
		q = 0;
	if (q >= 1)
		return h->max;
	/* The smallest value with at least q * count samples at or below. */
	rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count || !rank)
		rank++;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			return hist_lower(i);
	}
	return h->max;
}
