// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Built by scripts/install-check.sh against the installed headers and
 * pkg-config files only: the binding's API links and behaves.  Prints
 * "install: ok".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rdmarpc-protobuf.h>

#include "test.pb-c.h"

int main(void)
{
	const ProtobufCServiceDescriptor *d = &rdmarpc__test__kv__descriptor;
	struct rdmarpc_pb_server *srv;
	int bad = 0;

	if (rdmarpc_pb_method_id(d, 1) !=
	    rdmarpc_method_id("rdmarpc.test.Kv/Put")) {
		fprintf(stderr, "install: method ids differ\n");
		bad++;
	}
	if (rdmarpc_pb_method_index(d, rdmarpc_pb_method_id(d, 2)) != 2) {
		fprintf(stderr, "install: method index\n");
		bad++;
	}
	errno = 0;
	if (rdmarpc_pb_client_new(d, NULL, 0, NULL) || errno != EINVAL) {
		fprintf(stderr, "install: client without an endpoint\n");
		bad++;
	}
	if (rdmarpc_pb_server_new(NULL, NULL, &srv) != -EINVAL) {
		fprintf(stderr, "install: server without an endpoint\n");
		bad++;
	}
	if (strcmp(rdmarpc_status_name(RDMARPC_STATUS_UNIMPLEMENTED),
		   "UNIMPLEMENTED")) {
		fprintf(stderr, "install: status names\n");
		bad++;
	}
	if (rdmarpc_pb_last_result()->error) {
		fprintf(stderr, "install: a fresh thread's result\n");
		bad++;
	}
	if (bad)
		return 1;
	printf("install: ok\n");
	return 0;
}
