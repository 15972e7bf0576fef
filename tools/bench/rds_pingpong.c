// SPDX-License-Identifier: GPL-2.0
/*
 * rds_pingpong: round-trip latency of AF_RDS, the kernel's own reliable
 * datagram sockets, as the in-kernel baseline for rdmarpc.
 *
 *   rds_pingpong server --bind IP [--port P] [--transport ib|tcp|any]
 *                [--count N]
 *   rds_pingpong client --bind IP --peer IP [--port P] [--peer-port P]
 *                [--size N] [--count N] [--warmup N] [--timeout MS]
 *                [--transport ib|tcp|any] [--cdf] [--json]
 *
 * The server echoes every message back to its sender.  The client sends
 * SIZE-byte messages one at a time and waits for each echo: WARMUP
 * unmeasured round trips, then COUNT measured ones.  It reports the
 * min/p50/p99/max and mean round trip in microseconds and the transport
 * the kernel used for the connection (read back with RDS_INFO_CONNECTIONS,
 * as rds-info does: "infiniband", "tcp" or "loopback").  --cdf adds the
 * distribution of the round trips: the round trip at fractions 0 (the
 * fastest), 0.01 to 0.99 in steps of 0.01, 0.999 and 1 (the slowest),
 * nearest-rank like the percentiles.
 *
 * --transport ib (the default) sets SO_RDS_TRANSPORT before bind, so the
 * socket uses rds_rdma or fails to bind; an address with no RDMA device
 * then fails with EADDRNOTAVAIL.  RDS/IB does not reroute a connection
 * between two local addresses through the loopback transport (only RDS/TCP
 * does), so a client and server on one host and one RDMA device really
 * cross the device; the reported transport says so either way.
 *
 * JSON keys (client): transport, size, count, warmup, min_us, p50_us,
 * p99_us, max_us, mean_us, elapsed_s, and with --cdf, last, cdf: an array
 * of [us,fraction] pairs.
 * Exit status: 0 ok, 1 failure (including a round trip timing out),
 * 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/rds.h>

#include "hist.h"

#ifndef AF_RDS
#define AF_RDS 21
#endif
#ifndef SOL_RDS
#define SOL_RDS 276
#endif

#define PROG "rds_pingpong"
#define MAX_SIZE (1u << 20)
#define MAX_COUNT 10000000ull
#define SEQ_LEN sizeof(uint64_t)

struct opts {
	const char *bind_ip, *peer_ip, *transport;
	unsigned int port, peer_port, size, timeout_ms;
	unsigned long long count, warmup;
	int json, cdf;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " server --bind IP [--port P] "
		"[--transport ib|tcp|any] [--count N]\n"
		"       " PROG " client --bind IP --peer IP [--port P] "
		"[--peer-port P] [--size N]\n"
		"                    [--count N] [--warmup N] [--timeout MS] "
		"[--transport ib|tcp|any]\n"
		"                    [--cdf] [--json]\n"
		"Defaults: port 18634 (client: server's port + 1, peer port "
		"18634), size 32,\ncount 10000, warmup 100, timeout 5000 ms, "
		"transport ib.\n");
}

static int parse_ull(const char *s, unsigned long long max,
		     unsigned long long *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end || *v > max)
		return -1;
	return 0;
}

static int parse_uint(const char *s, unsigned int max, unsigned int *v)
{
	unsigned long long x;

	if (parse_ull(s, max, &x))
		return -1;
	*v = (unsigned int)x;
	return 0;
}

static int make_addr(const char *ip, unsigned int port,
		     struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &sin->sin_addr) != 1) {
		fprintf(stderr, PROG ": not an IPv4 address: %s\n", ip);
		return -1;
	}
	return 0;
}

/* An RDS socket bound to @ip:@port over the requested transport. */
static int open_socket(const char *ip, unsigned int port, const char *trans)
{
	struct sockaddr_in sin;
	int fd, t = -1;

	if (make_addr(ip, port, &sin))
		return -1;
	fd = socket(AF_RDS, SOCK_SEQPACKET, 0);
	if (fd < 0) {
		fprintf(stderr, PROG ": socket(AF_RDS): %s%s\n",
			strerror(errno), errno == EAFNOSUPPORT ?
			" (modprobe rds rds_rdma)" : "");
		return -1;
	}
	if (!strcmp(trans, "ib"))
		t = RDS_TRANS_IB;
	else if (!strcmp(trans, "tcp"))
		t = RDS_TRANS_TCP;
	if (t >= 0 &&
	    setsockopt(fd, SOL_RDS, SO_RDS_TRANSPORT, &t, sizeof(t))) {
		fprintf(stderr, PROG ": SO_RDS_TRANSPORT %s: %s\n", trans,
			strerror(errno));
		goto out_close;
	}
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		fprintf(stderr, PROG ": bind %s:%u (transport %s): %s\n", ip,
			port, trans, strerror(errno));
		goto out_close;
	}
	return fd;
out_close:
	close(fd);
	return -1;
}

/*
 * The transport name of the RDS connection @laddr -> @faddr, as
 * RDS_INFO_CONNECTIONS reports it; "unknown" if it is not listed.
 */
static void conn_transport(int fd, const struct sockaddr_in *laddr,
			   const struct sockaddr_in *faddr, char *name,
			   size_t len)
{
	struct rds_info_connection *c;
	socklen_t sz = 0;
	unsigned char *buf = NULL;
	int n, each;

	snprintf(name, len, "unknown");
	/* The kernel answers ENOSPC with the size it needs. */
	for (int tries = 0; tries < 4; tries++) {
		n = getsockopt(fd, SOL_RDS, RDS_INFO_CONNECTIONS, buf, &sz);
		if (n >= 0)
			break;
		if (errno != ENOSPC)
			goto out;
		free(buf);
		sz += 4096;
		buf = malloc(sz);
		if (!buf)
			return;
	}
	if (n < 0 || !buf)
		goto out;
	/* The return value is the size of one entry; sz is the total. */
	each = n;
	if (each < (int)sizeof(*c))
		goto out;
	for (size_t off = 0; off + (size_t)each <= sz; off += (size_t)each) {
		c = (struct rds_info_connection *)(buf + off);
		if (c->laddr != laddr->sin_addr.s_addr ||
		    c->faddr != faddr->sin_addr.s_addr)
			continue;
		snprintf(name, len, "%.*s", (int)TRANSNAMSIZ,
			 (const char *)c->transport);
		break;
	}
out:
	free(buf);
}

/* Wait up to @ms for @fd to be readable: 1 yes, 0 timed out, -1 error. */
static int wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	do
		n = poll(&p, 1, ms);
	while (n < 0 && errno == EINTR);
	return n;
}

/* Send, retrying while the socket's send buffer or congestion says wait. */
static int send_msg(int fd, const void *buf, size_t len,
		    const struct sockaddr_in *to)
{
	for (int tries = 0; tries < 10000; tries++) {
		ssize_t n = sendto(fd, buf, len, 0, (const struct sockaddr *)to,
				   sizeof(*to));

		if (n == (ssize_t)len)
			return 0;
		if (n >= 0) {
			fprintf(stderr, PROG ": short send %zd of %zu\n", n,
				len);
			return -1;
		}
		if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			break;
		usleep(100);
	}
	fprintf(stderr, PROG ": sendto: %s\n", strerror(errno));
	return -1;
}

/* ---- server ---- */

static int run_server(const struct opts *o)
{
	unsigned char *buf = malloc(MAX_SIZE);
	unsigned long long served = 0;
	int fd, ret = 1;

	if (!buf)
		return 1;
	fd = open_socket(o->bind_ip, o->port, o->transport);
	if (fd < 0)
		goto out_free;
	printf(PROG ": serving %s:%u\n", o->bind_ip, o->port);
	while (!o->count || served < o->count) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, MAX_SIZE, 0,
				     (struct sockaddr *)&from, &fl);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": recvfrom: %s\n",
				strerror(errno));
			goto out_close;
		}
		if (send_msg(fd, buf, (size_t)n, &from))
			goto out_close;
		served++;
	}
	ret = 0;
out_close:
	close(fd);
out_free:
	free(buf);
	return ret;
}

/* ---- client ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank quantile of @n sorted samples. */
static uint64_t quantile(const uint64_t *v, size_t n, double q)
{
	size_t i = (size_t)(q * (double)n + 0.999999);

	if (i == 0)
		i = 1;
	return v[(i > n ? n : i) - 1];
}

struct samples {
	const uint64_t *v;
	size_t n;
};

static uint64_t samples_quantile(const void *ctx, double q)
{
	const struct samples *s = ctx;

	return quantile(s->v, s->n, q);
}

/*
 * One round trip of message @seq: send, then read until the echo of @seq
 * comes back (stale echoes of earlier, re-sent messages are skipped).  A
 * warm-up message is re-sent every second until @timeout_ms: the first one
 * may reach the server before it is bound, and RDS drops a message to an
 * unbound port.  A measured one is not re-sent: RDS is reliable.
 */
static int round_trip(int fd, unsigned char *buf, unsigned char *rbuf,
		      size_t size, uint64_t seq, const struct sockaddr_in *to,
		      unsigned int timeout_ms, int resend)
{
	uint64_t start = now_ns(), deadline, next_send;

	memcpy(buf, &seq, SEQ_LEN);
	deadline = start + (uint64_t)timeout_ms * 1000000ull;
	next_send = start;
	for (;;) {
		uint64_t now = now_ns(), got;
		ssize_t n;
		int r;

		if (now >= next_send) {
			if (send_msg(fd, buf, size, to))
				return -1;
			next_send = resend ? now + 1000000000ull : UINT64_MAX;
		}
		if (now >= deadline) {
			fprintf(stderr, PROG ": no echo of message %" PRIu64
				" within %u ms\n", seq, timeout_ms);
			return -1;
		}
		r = wait_readable(fd, 10);
		if (r < 0) {
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			return -1;
		}
		if (!r)
			continue;
		n = recv(fd, rbuf, MAX_SIZE, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			fprintf(stderr, PROG ": recv: %s\n", strerror(errno));
			return -1;
		}
		if ((size_t)n != size) {
			fprintf(stderr, PROG ": echo of %zd bytes, sent %zu\n",
				n, size);
			return -1;
		}
		memcpy(&got, rbuf, SEQ_LEN);
		if (got == seq)
			return 0;
	}
}

static int run_client(const struct opts *o)
{
	size_t size = o->size < SEQ_LEN ? SEQ_LEN : o->size;
	unsigned char *buf = calloc(1, size), *rbuf = malloc(MAX_SIZE);
	uint64_t *lat = calloc(o->count ? o->count : 1, sizeof(*lat));
	struct sockaddr_in local, peer;
	uint64_t seq = 1, t0, t1, sum = 0;
	char trans[TRANSNAMSIZ + 1];
	struct samples sam;
	int fd = -1, ret = 1;
	double mean;

	if (!buf || !rbuf || !lat) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out_free;
	}
	if (make_addr(o->bind_ip, o->port, &local) ||
	    make_addr(o->peer_ip, o->peer_port, &peer))
		goto out_free;
	memset(buf, 0x5a, size);
	fd = open_socket(o->bind_ip, o->port, o->transport);
	if (fd < 0)
		goto out_free;
	/* The first round trip also sets the connection up. */
	if (round_trip(fd, buf, rbuf, size, seq++, &peer, o->timeout_ms, 1))
		goto out_close;
	for (unsigned long long i = 0; i < o->warmup; i++)
		if (round_trip(fd, buf, rbuf, size, seq++, &peer,
			       o->timeout_ms, 0))
			goto out_close;
	t0 = now_ns();
	for (unsigned long long i = 0; i < o->count; i++) {
		uint64_t s = now_ns();

		if (round_trip(fd, buf, rbuf, size, seq++, &peer,
			       o->timeout_ms, 0))
			goto out_close;
		lat[i] = now_ns() - s;
		sum += lat[i];
	}
	t1 = now_ns();
	conn_transport(fd, &local, &peer, trans, sizeof(trans));

	if (!o->count) {
		fprintf(stderr, PROG ": count is 0: nothing measured\n");
		goto out_close;
	}
	qsort(lat, o->count, sizeof(*lat), cmp_u64);
	mean = (double)sum / (double)o->count / 1000.0;
	sam.v = lat;
	sam.n = o->count;
	if (o->json) {
		printf("{\"transport\":\"%s\",\"size\":%zu,\"count\":%llu,"
		       "\"warmup\":%llu,\"min_us\":%.3f,\"p50_us\":%.3f,"
		       "\"p99_us\":%.3f,\"max_us\":%.3f,\"mean_us\":%.3f,"
		       "\"elapsed_s\":%.3f", trans, size, o->count,
		       o->warmup, (double)lat[0] / 1000.0,
		       (double)quantile(lat, o->count, 0.50) / 1000.0,
		       (double)quantile(lat, o->count, 0.99) / 1000.0,
		       (double)lat[o->count - 1] / 1000.0, mean,
		       (double)(t1 - t0) / 1e9);
		if (o->cdf) {
			fputs(",\"cdf\":", stdout);
			cdf_print(stdout, samples_quantile, &sam, 1);
		}
		fputs("}\n", stdout);
	} else {
		printf("transport %s  size %zu  round trips %llu\n"
		       "round trip us: min %.3f  p50 %.3f  p99 %.3f  "
		       "max %.3f  mean %.3f\n", trans, size, o->count,
		       (double)lat[0] / 1000.0,
		       (double)quantile(lat, o->count, 0.50) / 1000.0,
		       (double)quantile(lat, o->count, 0.99) / 1000.0,
		       (double)lat[o->count - 1] / 1000.0, mean);
		if (o->cdf) {
			printf("round trip CDF (us fraction):\n");
			cdf_print(stdout, samples_quantile, &sam, 0);
		}
	}
	ret = 0;
out_close:
	close(fd);
out_free:
	free(buf);
	free(rbuf);
	free(lat);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "peer", required_argument, NULL, 'p' },
		{ "port", required_argument, NULL, 'P' },
		{ "peer-port", required_argument, NULL, 'R' },
		{ "size", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ "transport", required_argument, NULL, 'T' },
		{ "cdf", no_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.transport = "ib", .port = 0, .peer_port = 18634, .size = 32,
		.timeout_ms = 5000, .count = 10000, .warmup = 100,
	};
	int opt, bad = 0, have_count = 0;
	const char *mode;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	mode = argv[1];
	optind = 2;
	while ((opt = getopt_long(argc, argv, "b:p:P:R:s:n:w:t:T:Cjh", lopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'b': o.bind_ip = optarg; break;
		case 'p': o.peer_ip = optarg; break;
		case 'P': bad |= parse_uint(optarg, 65535, &o.port); break;
		case 'R': bad |= parse_uint(optarg, 65535, &o.peer_port); break;
		case 's': bad |= parse_uint(optarg, MAX_SIZE, &o.size); break;
		case 'n':
			bad |= parse_ull(optarg, MAX_COUNT, &o.count);
			have_count = 1;
			break;
		case 'w': bad |= parse_ull(optarg, MAX_COUNT, &o.warmup); break;
		case 't':
			bad |= parse_uint(optarg, 3600000, &o.timeout_ms);
			break;
		case 'T':
			o.transport = optarg;
			bad |= strcmp(optarg, "ib") && strcmp(optarg, "tcp") &&
			       strcmp(optarg, "any");
			break;
		case 'C': o.cdf = 1; break;
		case 'j': o.json = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
		if (bad) {
			fprintf(stderr, PROG ": invalid value '%s'\n", optarg);
			return 2;
		}
	}
	if (optind != argc || !o.bind_ip) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "server")) {
		if (!o.port)
			o.port = 18634;
		if (!have_count)
			o.count = 0;
		return run_server(&o);
	}
	if (strcmp(mode, "client")) {
		fprintf(stderr, PROG ": unknown mode '%s'\n", mode);
		usage(stderr);
		return 2;
	}
	if (!o.peer_ip) {
		fprintf(stderr, PROG ": client needs --peer IP\n");
		return 2;
	}
	if (!o.port)
		o.port = o.peer_port + 1;
	if (!o.count) {
		fprintf(stderr, PROG ": client needs --count of at least 1\n");
		return 2;
	}
	return run_client(&o);
}
