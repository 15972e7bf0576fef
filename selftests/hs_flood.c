// SPDX-License-Identifier: GPL-2.0
/*
 * hs_flood: TCP ends that never speak, for the handshake selftests.
 *
 *   hs_flood listen PORT
 *       Listen on PORT and never accept: a connect completes, a hello
 *       gets no answer.  Prints "listening" and waits to be killed.
 *
 *   hs_flood silent ADDR PORT N
 *       Open N connections to ADDR:PORT and send nothing; prints
 *       "open K" (K connected) and waits to be killed.
 *
 *   hs_flood forge ADDR PORT GID
 *       Connect to the module at ADDR:PORT and send a well-formed hello
 *       naming GID (an IPv6 or IPv4-mapped address, e.g. ::ffff:10.9.9.9)
 *       as ours, which need not be this host's: a server that trusted it
 *       would send its datagrams there.  Prints the answer, "refused code
 *       N: REASON" or "accepted gid G qpn Q", and exits 0 once it has
 *       one (1 on no answer).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hello_frame.h"

static int usage(void)
{
	fprintf(stderr, "Usage: hs_flood listen PORT\n"
		"       hs_flood silent ADDR PORT N\n"
		"       hs_flood forge ADDR PORT GID\n");
	return 2;
}

/* A hello naming @gid, no key; the answer on stdout. */
static int forge(const struct sockaddr_in *sin, const uint8_t *gid)
{
	uint8_t f[HELLO_HDR + HELLO_BODY] = { 0 }, *b = f + HELLO_HDR;
	char g[INET6_ADDRSTRLEN];
	uint32_t len;
	int fd;

	put_frame_hdr(f, T_HELLO, sizeof(f));
	memcpy(b, gid, 16);
	put32(b + 20, 0x123);		/* qpn */
	put32(b + 24, 0x11111111);	/* qkey */
	put32(b + 28, 1024);		/* mtu */
	put32(b + 32, 7);		/* session */
	put32(b + 36, 0x5eed);		/* tag */
	put32(b + 40, 32);		/* credits */
	put32(b + 44, 8);		/* slots */
	put32(b + 48, 65536);		/* max message */
	put32(b + 52, 1);		/* CRC */
	for (int i = 0; i < 32; i++)
		b[56 + i] = (uint8_t)(i * 7 + 3);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) ||
	    write(fd, f, sizeof(f)) != (ssize_t)sizeof(f)) {
		perror("hs_flood: forge");
		return 1;
	}
	if (read_all(fd, f, HELLO_HDR) || get32(f) != HELLO_MAGIC ||
	    (len = get32(f + 8)) < HELLO_HDR + 4 || len > sizeof(f) ||
	    read_all(fd, b, len - HELLO_HDR)) {
		fprintf(stderr, "hs_flood: forge: no answer\n");
		return 1;
	}
	if (f[6] == T_REFUSE) {
		printf("refused code %u: %.*s\n", get32(b),
		       (int)(len - HELLO_HDR - 4), (const char *)b + 4);
	} else if (f[6] == T_ACCEPT && len == sizeof(f)) {
		inet_ntop(AF_INET6, b, g, sizeof(g));
		printf("accepted gid %s qpn 0x%x\n", g, get32(b + 20));
	} else {
		printf("answer of type %u\n", f[6]);
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, one = 1, i, n, open = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "forge")) {
		uint8_t gid[16];

		if (inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1 ||
		    inet_pton(AF_INET6, argv[4], gid) != 1)
			return usage();
		sin.sin_port = htons(atoi(argv[3]));
		return forge(&sin, gid);
	}
	if (argc == 3 && !strcmp(argv[1], "listen")) {
		sin.sin_port = htons(atoi(argv[2]));
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
			       sizeof(one)) ||
		    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
		    listen(fd, 16)) {
			perror("hs_flood: listen");
			return 1;
		}
		printf("listening\n");
		for (;;)
			pause();
	}
	if (argc != 5 || strcmp(argv[1], "silent"))
		return usage();
	if (inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1)
		return usage();
	sin.sin_port = htons(atoi(argv[3]));
	n = atoi(argv[4]);
	for (i = 0; i < n; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			break;
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
			close(fd);
			continue;
		}
		open++;
	}
	printf("open %d\n", open);
	for (;;)
		pause();
}
