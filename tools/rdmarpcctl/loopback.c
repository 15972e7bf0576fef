// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl loopback DEV PORT [COUNT [SIZE]]
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

#define DEFAULT_COUNT 100
#define DEFAULT_SIZE 64

int cmd_loopback(struct ctl *ctl, int argc, char **argv)
{
	uint32_t port, count = DEFAULT_COUNT, size = DEFAULT_SIZE;
	struct rdmarpc_loopback_result r;
	struct rdmarpc_nl *nl;
	const char *dev;
	double us_per;
	int err, ret;

	if (ctl_wants_help(argc, argv))
		return ctl_help("loopback");
	if (argc < 3 || argc > 5)
		return ctl_usage("loopback");
	dev = argv[1];
	if (ctl_parse_u32(argv[2], &port) ||
	    (argc > 3 && ctl_parse_u32(argv[3], &count)) ||
	    (argc > 4 && ctl_parse_u32(argv[4], &size))) {
		fprintf(stderr, PROG ": loopback: PORT, COUNT and SIZE are "
			"unsigned numbers\n");
		return ctl_usage("loopback");
	}

	ret = ctl_open(&nl);
	if (ret)
		return ret;
	err = rdmarpc_loopback(nl, dev, port, count, size, &r);
	if (err) {
		ret = ctl_error_in(nl, "loopback", "rdmarpc_loopback", err);
		goto out;
	}
	us_per = r.sent ? (double)r.nsec / 1000.0 / r.sent : 0.0;
	if (ctl->json) {
		struct json j;

		ctl_json_init(ctl, &j);
		json_obj_begin(&j);
		json_key(&j, "dev");
		json_str(&j, dev);
		json_key(&j, "port");
		json_u64(&j, port);
		json_key(&j, "size");
		json_u64(&j, size);
		json_key(&j, "sent");
		json_u64(&j, r.sent);
		json_key(&j, "received");
		json_u64(&j, r.received);
		json_key(&j, "nsec");
		json_u64(&j, r.nsec);
		json_key(&j, "us_per_datagram");
		json_double(&j, us_per);
		json_obj_end(&j);
		printf("\n");
	} else {
		printf("%s port %" PRIu32 ": sent %" PRIu32 "  received %"
		       PRIu32 "  size %" PRIu32 "  total %.3f us  %.3f us "
		       "per datagram\n", dev, port, r.sent, r.received, size,
		       (double)r.nsec / 1000.0, us_per);
	}
	if (r.received != r.sent || r.sent != count) {
		fprintf(stderr, PROG ": loopback: %" PRIu32 " of %" PRIu32
			" datagrams came back\n", r.received, count);
		ret = EXIT_FAIL;
	}
out:
	rdmarpc_nl_close(nl);
	return ret;
}
