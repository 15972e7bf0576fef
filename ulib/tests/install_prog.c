// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Built by scripts/install-check.sh against an installed tree only, once
 * with pkg-config's flags (#include <librdmarpc.h>) and once with no more
 * than the include directory (#include <rdmarpc/librdmarpc.h>): the
 * headers find each other, and the library's functions link and behave.
 * Opens /dev/rdmarpc, which need not exist.  Prints "install: ok".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifdef INSTALL_PREFIXED
#include <rdmarpc/librdmarpc.h>
#else
#include <librdmarpc.h>
#endif

int main(void)
{
	struct rdmarpc *ep;
	uint32_t ip;
	uint16_t port;
	int bad = 0, err;

	/* Without the module there is no device: a plain errno, explained. */
	err = rdmarpc_open(&ep);
	printf("install: rdmarpc_open: %s\n", rdmarpc_strerror(err));
	if (!err)
		rdmarpc_close(ep);
	else if (err != -ENOENT && err != -EACCES && err != -ENXIO &&
		 err != -ENODEV) {
		fprintf(stderr, "install: rdmarpc_open: %d\n", err);
		bad++;
	}
	if (!strstr(rdmarpc_strerror(-EACCES), "group rdmarpc")) {
		fprintf(stderr, "install: EACCES names no group\n");
		bad++;
	}
	/* The method id of the README's trace example. */
	if (rdmarpc_method_id("echo") != 0xd49dd484) {
		fprintf(stderr, "install: method id 0x%08x\n",
			rdmarpc_method_id("echo"));
		bad++;
	}
	/* A name and a number of the uapi header. */
	if (strcmp(rdmarpc_status_name(RDMARPC_STATUS_NOT_FOUND), "NOT_FOUND") ||
	    strcmp(RDMARPC_DEV_NAME, "rdmarpc")) {
		fprintf(stderr, "install: status names\n");
		bad++;
	}
	if (rdmarpc_parse_addr("10.0.0.2:18515", &ip, &port) || port != 18515 ||
	    rdmarpc_parse_addr("10.0.0", &ip, &port) != -EINVAL) {
		fprintf(stderr, "install: rdmarpc_parse_addr\n");
		bad++;
	}
	if (bad)
		return 1;
	printf("install: ok\n");
	return 0;
}
