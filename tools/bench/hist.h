/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A latency histogram with fixed memory and ~0.2% resolution: values below
 * 1024 ns get a bucket each, larger ones 512 buckets per power of two.
 */
#ifndef RDMARPC_BENCH_HIST_H
#define RDMARPC_BENCH_HIST_H

#include <stdint.h>
#include <stdio.h>

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

/*
 * A latency CDF: the value at each of CDF_POINTS fractions, 0 (the
 * smallest value), 0.01 to 0.99 in steps of 0.01, 0.999 and 1 (the
 * largest).  @quantile gives the value in nanoseconds at fraction q of the
 * samples behind @ctx; printed in microseconds, as a JSON array of
 * [us,fraction] pairs, or (@json 0) one "us fraction" pair a line.
 */
#define CDF_POINTS	102
double cdf_fraction(unsigned int i);
void cdf_print(FILE *f, uint64_t (*quantile)(const void *ctx, double q),
	       const void *ctx, int json);
/* The CDF of a histogram (hist_quantile at each fraction). */
void hist_print_cdf(FILE *f, const struct hist *h, int json);

#endif /* RDMARPC_BENCH_HIST_H */
