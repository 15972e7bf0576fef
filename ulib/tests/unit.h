/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A tiny unit-test runner for the host: CHECK() records a failure and goes
 * on; each test function counts as passed if none of its checks failed.
 */
#ifndef RDMARPC_UNIT_H
#define RDMARPC_UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_failures;

#define CHECK(cond) do {						\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n",\
				__FILE__, __LINE__, __func__, #cond);	\
			unit_failures++;				\
		}							\
	} while (0)

#define CHECK_EQ(a, b) do {						\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b) {						\
			fprintf(stderr, "%s:%d: %s: %s == %s: %lld != %lld\n",\
				__FILE__, __LINE__, __func__, #a, #b, _a, _b);\
			unit_failures++;				\
		}							\
	} while (0)

#define CHECK_STREQ(a, b) do {						\
		const char *_a = (a), *_b = (b);			\
		if (strcmp(_a, _b)) {					\
			fprintf(stderr, "%s:%d: %s: %s: \"%s\" != \"%s\"\n",\
				__FILE__, __LINE__, __func__, #a, _a, _b);\
			unit_failures++;				\
		}							\
	} while (0)

struct unit_test {
	const char *name;
	void (*fn)(void);
};

/* Each test file defines one of these, terminated by { NULL, NULL }. */
extern const struct unit_test parse_tests[];
extern const struct unit_test error_tests[];
extern const struct unit_test json_tests[];
extern const struct unit_test call_tests[];
extern const struct unit_test ctl_tests[];
extern const struct unit_test hist_tests[];

#endif /* RDMARPC_UNIT_H */
