/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny test harness for the core's host tests: TEST() registers a
 * function, CHECK*() fail it and return.  main.c runs them all, checks each
 * leaves no allocation behind, and prints TAP lines and a summary.
 */
#ifndef RR_TEST_HARNESS_H
#define RR_TEST_HARNESS_H

#include <stdio.h>

#include "../../kmod/core/session.h"

typedef void (*rt_fn)(void);

void rt_register(const char *name, rt_fn fn);
void rt_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool rt_sanitized(void);

#define TEST(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void rt_reg_##name(void)	\
	{								\
		rt_register(#name, name);				\
	}								\
	static void name(void)

#define CHECK(c)							\
	do {								\
		if (!(c)) {						\
			rt_fail(__FILE__, __LINE__, "%s", #c);		\
			return;						\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b) {						\
			rt_fail(__FILE__, __LINE__, "%s == %s (%lld != %lld)", \
				#a, #b, _a, _b);			\
			return;						\
		}							\
	} while (0)

#endif /* RR_TEST_HARNESS_H */
