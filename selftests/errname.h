/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errname(): "ok" for 0, else the errno's symbolic name ("ENOMEM"), for a
 * positive or negative errno; for the selftests' C helpers.
 */
#ifndef RDMARPC_SELFTEST_ERRNAME_H
#define RDMARPC_SELFTEST_ERRNAME_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <string.h>

static inline const char *errname(int e)
{
	const char *s;

	if (e < 0)
		e = -e;
	if (!e)
		return "ok";
	s = strerrorname_np(e);
	return s ? s : "E?";
}

#endif
