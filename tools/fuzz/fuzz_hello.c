// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the handshake codec.  Any input must decode or fail
 * cleanly without reading past it; whatever decodes must re-encode to the
 * same bytes, and the value checks must accept or refuse without harm.
 */
#include <string.h>

#include "fuzz_env.h"
#include "../../kmod/core/hello.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 out[RR_HELLO_FRAME_MAX];
	struct rr_hello_msg m;
	u8 *copy;
	int n;

	/* Exact-size copy: ASan sees any over-read. */
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	rr_hello_frame_len(copy, size);
	if (rr_hello_decode(copy, size, &m)) {
		free(copy);
		return 0;
	}
	switch (m.type) {
	case RR_HELLO_T_HELLO:
	case RR_HELLO_T_ACCEPT:
		rr_hello_check(&m.hello);
		n = rr_hello_encode(out, m.type, &m.hello);
		break;
	case RR_HELLO_T_REFUSE:
		n = rr_hello_encode_refuse(out, m.code, m.reason);
		break;
	case RR_HELLO_T_AUTH:
		n = rr_hello_encode_auth(out, m.proof);
		break;
	default:
		n = rr_hello_encode_heartbeat(out);
		break;
	}
	if (n < 0 || (size_t)n != size || memcmp(out, copy, size))
		abort();
	free(copy);
	return 0;
}
