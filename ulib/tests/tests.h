/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers that more than one file of the library's unit tests uses. */
#ifndef RDMARPC_ULIB_TESTS_H
#define RDMARPC_ULIB_TESTS_H

#include "librdmarpc.h"

/* What rdmarpcctl prints of @p, as text or JSON (caller frees). */
char *test_ctl_printed(const struct rdmarpc_params *p, int json);

#endif
