// SPDX-License-Identifier: GPL-2.0
/*
 * Test runner: every TEST() in this binary, in registration order, each
 * followed by a leak check of the core's allocations.  argv[1], if given,
 * selects tests whose name contains it.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define RT_MAX 256

static struct {
	const char *name;
	rt_fn fn;
} rt_tests[RT_MAX];
static int rt_ntests;
static int rt_cur_failed;

void rt_register(const char *name, rt_fn fn)
{
	if (rt_ntests == RT_MAX) {
		fprintf(stderr, "too many tests\n");
		exit(2);
	}
	rt_tests[rt_ntests].name = name;
	rt_tests[rt_ntests].fn = fn;
	rt_ntests++;
}

void rt_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	rt_cur_failed = 1;
}

bool rt_sanitized(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return true;
#endif
#endif
	return false;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, n = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	for (int i = 0; i < rt_ntests; i++) {
		long live;

		if (argc > 1 && !strstr(rt_tests[i].name, argv[1]))
			continue;
		n++;
		live = rr_user_live;
		rt_cur_failed = 0;
		rt_tests[i].fn();
		rr_user_fail_every = 0;
		if (!rt_cur_failed && rr_user_live != live) {
			printf("# %ld core allocations leaked\n",
			       rr_user_live - live);
			rt_cur_failed = 1;
		}
		printf("%sok %d - %s\n", rt_cur_failed ? "not " : "", n,
		       rt_tests[i].name);
		if (rt_cur_failed)
			failed++;
		else
			passed++;
	}
	printf("1..%d\n", n);
	printf("# summary: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
