// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc-bench's latency histogram: bucket boundaries and quantiles.
 */
#include <stdint.h>
#include <stdlib.h>

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
