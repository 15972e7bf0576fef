// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc-bench's latency histogram: bucket boundaries and quantiles.
 */
#include <stdint.h>
#include <stdlib.h>

#include "hist.h"
#include "unit.h"

static void test_hist_buckets(void)
{
	unsigned int prev = 0;
	uint64_t v;

	/* Exact below 1024, contiguous and monotonic above. */
	CHECK_EQ(hist_index(0), 0);
	CHECK_EQ(hist_index(1023), 1023);
	CHECK_EQ(hist_index(1024), 1024);
	CHECK_EQ(hist_lower(1024), 1024);
	CHECK_EQ(hist_index(1025), 1024);
	CHECK_EQ(hist_index(2048), 1536);
	CHECK_EQ(hist_lower(1536), 2048);
	for (v = 1; v < (1ull << 40); v += v / 7 + 1) {
		unsigned int i = hist_index(v);

		CHECK(i >= prev);
		CHECK(i < HIST_BUCKETS);
		CHECK(hist_lower(i) <= v);
		/* Resolution: 1/512 of the value. */
		CHECK(v - hist_lower(i) <= v / 512);
		CHECK(hist_index(hist_lower(i)) == i);
		prev = i;
	}
	CHECK(hist_index(UINT64_MAX) < HIST_BUCKETS);
}

static void test_hist_quantiles(void)
{
	struct hist *h = malloc(sizeof(*h));
	uint64_t i;

	if (!h)
		return;
	hist_init(h);
	CHECK_EQ(hist_quantile(h, 0.5), 0);
	/* 1..1000 us */
	for (i = 1; i <= 1000; i++)
		hist_add(h, i * 1000);
	CHECK_EQ(h->count, 1000);
	CHECK_EQ(h->max, 1000000);
	/* Within the bucket resolution of 500, 990 and 999 us. */
	CHECK(hist_quantile(h, 0.5) <= 500000);
	CHECK(hist_quantile(h, 0.5) > 500000 - 500000 / 512 - 1);
	CHECK(hist_quantile(h, 0.99) <= 990000);
	CHECK(hist_quantile(h, 0.99) > 990000 - 990000 / 512 - 1);
	CHECK(hist_quantile(h, 0.999) <= 999000);
	CHECK(hist_quantile(h, 0.999) > 999000 - 999000 / 512 - 1);
	CHECK_EQ(hist_quantile(h, 1.0), 1000000);
	CHECK_EQ(hist_quantile(h, 0.0), 1000);	/* exact below 1024 ns */

	/* One sample: every quantile is its bucket. */
	hist_init(h);
	hist_add(h, 12345);
	CHECK_EQ(hist_quantile(h, 0.5), hist_lower(hist_index(12345)));
	CHECK_EQ(hist_quantile(h, 0.999), hist_lower(hist_index(12345)));
	free(h);
}

const struct unit_test hist_tests[] = {
	{ "hist_buckets", test_hist_buckets },
	{ "hist_quantiles", test_hist_quantiles },
	{ NULL, NULL },
};
