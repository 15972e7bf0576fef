// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host unit tests of librdmarpc's pure parts, rdmarpcctl's JSON writer and
 * parsers, and rdmarpc-bench's histogram.
 * Prints one line per failed test and ends with "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"

int unit_failures;

int main(int argc, char **argv)
{
	const struct unit_test *suites[] = { parse_tests, error_tests,
					     json_tests, call_tests,
					     ctl_tests, hist_tests };
	int passed = 0, failed = 0;
	size_t s;

	for (s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		const struct unit_test *t;

		for (t = suites[s]; t->name; t++) {
			int before = unit_failures;

			if (argc > 1 && strcmp(argv[1], t->name))
				continue;
			t->fn();
			if (unit_failures == before) {
				passed++;
			} else {
				failed++;
				printf("FAIL %s\n", t->name);
			}
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
