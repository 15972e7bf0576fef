// SPDX-License-Identifier: GPL-2.0
/*
 * The core's host tests (tests/harness.h): every TEST() of the test_*.c
 * files, each followed by a leak check of the core's allocations.
 */
#include "harness.h"
#include "../../kmod/core/protocol.h"

static long live_before;

static void count_core_allocations(struct __test_metadata *_metadata)
{
	(void)_metadata;
	live_before = rr_user_live;
}

static void check_core_leaks(struct __test_metadata *_metadata)
{
	EXPECT_EQ(live_before, rr_user_live)
		TH_LOG("%ld core allocations leaked",
		       rr_user_live - live_before);
}

TEST_HOOKS(count_core_allocations, check_core_leaks);

TEST_HARNESS_MAIN
