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
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "Usage: hs_flood listen PORT\n"
		"       hs_flood silent ADDR PORT N\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, one = 1, i, n, open = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
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
