/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared bits for the core's libFuzzer targets: a byte-stream reader.
 */
#ifndef RR_FUZZ_ENV_H
#define RR_FUZZ_ENV_H

#include <stdint.h>
#include <stdlib.h>

#include "../../kmod/core/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_in {
	const u8 *p;
	size_t n;
};

static inline u32 fz_u8(struct fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static inline u32 fz_u16(struct fz_in *in)
{
	return fz_u8(in) | fz_u8(in) << 8;
}

static inline u32 fz_u32(struct fz_in *in)
{
	return fz_u16(in) | fz_u16(in) << 16;
}

#endif /* RR_FUZZ_ENV_H */
