// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host unit tests of librdmarpc's pure parts, rdmarpcctl's JSON writer and
 * parsers, and rdmarpc-bench's histogram: every TEST() of the test_*.c
 * files (tests/harness.h).
 */
#include "harness.h"

TEST_HARNESS_MAIN
