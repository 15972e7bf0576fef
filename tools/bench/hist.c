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

double cdf_fraction(unsigned int i)
{
	if (i < 100)
		return (double)i / 100.0;
	return i == 100 ? 0.999 : 1.0;
}

void cdf_print(FILE *f, uint64_t (*quantile)(const void *ctx, double q),
	       const void *ctx, int json)
{
	for (unsigned int i = 0; i < CDF_POINTS; i++) {
		double us = (double)quantile(ctx, cdf_fraction(i)) / 1000.0;

		if (json)
			fprintf(f, "%s[%.3f,%.3f]", i ? "," : "[", us,
				cdf_fraction(i));
		else
			fprintf(f, "%.3f %.3f\n", us, cdf_fraction(i));
	}
	if (json)
		fputc(']', f);
}

static uint64_t hist_quantile_cb(const void *ctx, double q)
{
	return hist_quantile(ctx, q);
}

void hist_print_cdf(FILE *f, const struct hist *h, int json)
{
	cdf_print(f, hist_quantile_cb, h, json);
}
