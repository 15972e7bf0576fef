// SPDX-License-Identifier: MIT
/*
 * echo_server: serve the service "echo", answering every request with its
 * own bytes.
 *
 *   echo_server [--service NAME] [--count N] [-q]
 *
 * --count N exits after N requests; -q prints nothing per request.
 * Exit status: 0 on success, 1 on an error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdmarpc.h>

static void usage(FILE *f)
{
	fprintf(f, "Usage: echo_server [--service NAME] [--count N] [-q]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "service", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *service = "echo";
	unsigned long long count = 0, served = 0;
	struct rdmarpc *ep;
	int quiet = 0, opt, err;
	void *buf = NULL;	/* grown to the largest request yet */
	size_t cap = 0;
	char *end;

	while ((opt = getopt_long(argc, argv, "s:c:qh", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			service = optarg;
			break;
		case 'c':
			errno = 0;
			count = strtoull(optarg, &end, 0);
			if (errno || *end || !*optarg || *optarg == '-') {
				usage(stderr);
				return 2;
			}
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* 1. Open an endpoint. */
	err = rdmarpc_open(&ep);
	if (err) {
		fprintf(stderr, "echo_server: %s\n",
			rdmarpc_strerror_of(rdmarpc_open, err));
		return 1;
	}

	/* 2. Bind the service: requests for the id of its name come here. */
	err = rdmarpc_bind(ep, service, NULL, 0);
	if (err) {
		fprintf(stderr, "echo_server: bind '%s': %s\n", service,
			rdmarpc_strerror_of(rdmarpc_bind, err));
		goto out;
	}
	if (!quiet)
		printf("echo_server: serving '%s' (method 0x%08" PRIx32 ")\n",
		       service, rdmarpc_method_id(service));

	/*
	 * 3. Take each request whole (the buffer grows to fit it: no request
	 * is cut short) and answer it with its own bytes.
	 */
	while (!count || served < count) {
		struct rdmarpc_req_info req;

		err = rdmarpc_recv_whole(ep, &req, &buf, &cap, -1);
		if (err == -EINTR)
			continue;
		if (err) {
			fprintf(stderr, "echo_server: recv: %s\n",
				rdmarpc_strerror_of(rdmarpc_recv_whole, err));
			goto out;
		}
		err = rdmarpc_reply(ep, req.id, 0, buf, req.len);
		if (err) {
			fprintf(stderr, "echo_server: reply: %s\n",
				rdmarpc_strerror_of(rdmarpc_reply, err));
			goto out;
		}
		served++;
		if (!quiet)
			printf("request %llu: method 0x%08" PRIx32 ", %zu "
			       "bytes\n", served, req.method, req.len);
	}
	err = 0;
out:
	/* 4. Closing unbinds the service. */
	rdmarpc_close(ep);
	free(buf);
	return err ? 1 : 0;
}
