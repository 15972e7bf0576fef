// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc-bench's latency histogram: bucket boundaries and quantiles.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "harness.h"

TEST(hist_buckets)
{
	unsigned int prev = 0;
	uint64_t v;

	/* Exact below 1024, contiguous and monotonic above. */
	EXPECT_EQ(hist_index(0), 0);
	EXPECT_EQ(hist_index(1023), 1023);
	EXPECT_EQ(hist_index(1024), 1024);
	EXPECT_EQ(hist_lower(1024), 1024);
	EXPECT_EQ(hist_index(1025), 1024);
	EXPECT_EQ(hist_index(2048), 1536);
	EXPECT_EQ(hist_lower(1536), 2048);
	for (v = 1; v < (1ull << 40); v += v / 7 + 1) {
		unsigned int i = hist_index(v);

		EXPECT_TRUE(i >= prev);
		EXPECT_TRUE(i < HIST_BUCKETS);
		EXPECT_TRUE(hist_lower(i) <= v);
		/* Resolution: 1/512 of the value. */
		EXPECT_TRUE(v - hist_lower(i) <= v / 512);
		EXPECT_TRUE(hist_index(hist_lower(i)) == i);
		prev = i;
	}
	EXPECT_TRUE(hist_index(UINT64_MAX) < HIST_BUCKETS);
}

TEST(hist_quantiles)
{
	struct hist *h = malloc(sizeof(*h));
	uint64_t i;

	if (!h)
		return;
	hist_init(h);
	EXPECT_EQ(hist_quantile(h, 0.5), 0);
	/* 1..1000 us */
	for (i = 1; i <= 1000; i++)
		hist_add(h, i * 1000);
	EXPECT_EQ(h->count, 1000);
	EXPECT_EQ(h->max, 1000000);
	/* Within the bucket resolution of 500, 990 and 999 us. */
	EXPECT_TRUE(hist_quantile(h, 0.5) <= 500000);
	EXPECT_TRUE(hist_quantile(h, 0.5) > 500000 - 500000 / 512 - 1);
	EXPECT_TRUE(hist_quantile(h, 0.99) <= 990000);
	EXPECT_TRUE(hist_quantile(h, 0.99) > 990000 - 990000 / 512 - 1);
	EXPECT_TRUE(hist_quantile(h, 0.999) <= 999000);
	EXPECT_TRUE(hist_quantile(h, 0.999) > 999000 - 999000 / 512 - 1);
	EXPECT_EQ(hist_quantile(h, 1.0), 1000000);
	EXPECT_EQ(hist_quantile(h, 0.0), 1000);	/* exact below 1024 ns */

	/* One sample: every quantile is its bucket. */
	hist_init(h);
	hist_add(h, 12345);
	EXPECT_EQ(hist_quantile(h, 0.5), hist_lower(hist_index(12345)));
	EXPECT_EQ(hist_quantile(h, 0.999), hist_lower(hist_index(12345)));
	free(h);
}

TEST(cdf_fractions)
{
	EXPECT_TRUE(cdf_fraction(0) == 0.0);
	EXPECT_TRUE(cdf_fraction(50) == 0.5);
	EXPECT_TRUE(cdf_fraction(99) == 0.99);
	EXPECT_TRUE(cdf_fraction(100) == 0.999);
	EXPECT_TRUE(cdf_fraction(CDF_POINTS - 1) == 1.0);
	for (unsigned int i = 1; i < CDF_POINTS; i++)
		EXPECT_TRUE(cdf_fraction(i) > cdf_fraction(i - 1));
}

static uint64_t ten_us_steps(const void *ctx, double q)
{
	(void)ctx;
	return (uint64_t)(q * 100.0 + 0.5) * 10000;	/* q = 0.01: 10 us */
}

TEST(cdf_print_json_and_text)
{
	struct hist *h = malloc(sizeof(*h));
	char *buf = NULL, want[64];
	size_t len = 0;
	unsigned int pairs = 0;
	FILE *f;

	if (!h)
		return;
	hist_init(h);
	for (uint64_t i = 1; i <= 1000; i++)
		hist_add(h, i * 1000);
	f = open_memstream(&buf, &len);
	if (!f) {
		free(h);
		return;
	}
	hist_print_cdf(f, h, 1);
	fclose(f);
	/* [[us,fraction],...]: the smallest value first, the largest last. */
	EXPECT_TRUE(!strncmp(buf, "[[1.000,0.000],", 15));
	EXPECT_TRUE(len > 17 && !strcmp(buf + len - 17, "[1000.000,1.000]]"));
	for (const char *p = buf; (p = strchr(p, '[')); p++)
		pairs++;
	EXPECT_EQ(pairs, CDF_POINTS + 1);
	/* The median's pair carries hist_quantile's median. */
	snprintf(want, sizeof(want), "[%.3f,0.500]",
		 (double)hist_quantile(h, 0.5) / 1000.0);
	EXPECT_TRUE(strstr(buf, want) != NULL);
	free(buf);

	/* Text: one "us fraction" pair a line. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	if (!f) {
		free(h);
		return;
	}
	cdf_print(f, ten_us_steps, NULL, 0);
	fclose(f);
	EXPECT_TRUE(!strncmp(buf, "0.000 0.000\n10.000 0.010\n", 25));
	EXPECT_TRUE(strstr(buf, "\n500.000 0.500\n") != NULL);
	EXPECT_TRUE(len > 15 && !strcmp(buf + len - 15, "1000.000 1.000\n"));
	pairs = 0;
	for (const char *p = buf; (p = strchr(p, '\n')); p++)
		pairs++;
	EXPECT_EQ(pairs, CDF_POINTS);
	free(buf);
	free(h);
}
