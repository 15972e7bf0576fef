/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A latency histogram with fixed memory and ~0.2% resolution: values below
 * 1024 ns get a bucket each, larger ones 512 buckets per power of two.
 */
#ifndef RDMARPC_BENCH_HIST_H
#define RDMARPC_BENCH_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS	9
#define HIST_SUB	(1u << HIST_SUB_BITS)		/* 512 */
#define HIST_BUCKETS	(2 * HIST_SUB + 64 * HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t max;
	uint64_t bucket[HIST_BUCKETS];
};

void hist_init(struct hist *h);
void hist_add(struct hist *h, uint64_t ns);
/* The value at quantile q (0..1): the bucket's lower bound; 0 if empty. */
uint64_t hist_quantile(const struct hist *h, double q);

/* Bucket of a value, and the smallest value of a bucket. */
unsigned int hist_index(uint64_t v);
uint64_t hist_lower(unsigned int index);

#endif /* RDMARPC_BENCH_HIST_H */
