// SPDX-License-Identifier: MIT
/*
 * echo_client: call the service "echo" of a peer.
 *
 *   echo_client [--peer ADDR] [--timeout MS] MESSAGE
 *       sends MESSAGE, prints the reply; exit 0 only if it is the same.
 *
 *   echo_client [--peer ADDR] [--timeout MS] --size N [--count N]
 *               [--concurrency N] [--busy-poll US [--ring-thread]] [-q]
 *       makes COUNT calls of N bytes (suffixes k, m: KiB, MiB), at most
 *       CONCURRENCY in flight (1: one synchronous call at a time; more:
 *       submit and reap), checks every byte of every reply and prints one
 *       summary line:
 *         echo_client: 100 calls of 4096 bytes, concurrency 64: 100 ok,
 *         0 failed, 0 mismatched in 0.012 s (8333 calls/s)
 *       --busy-poll US: every wait spins up to US microseconds before it
 *       sleeps (rdmarpc_busy_poll_set()); with CONCURRENCY above 1 the
 *       calls then go through shared rings where the module has them, and
 *       the summary ends with "shared rings"; --ring-thread has a ring
 *       thread of the module serve them too (RDMARPC_RINGS_THREAD).
 *
 * The peer is ADDR ("a.b.c.d[:port]" or a name from `rdmarpcctl peer
 * add'), else $RDMARPC_PEER, else 127.0.0.1.
 * Exit status: 0 all calls good, 1 a call failed or mismatched, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdmarpc.h>

/* Buffers of all calls in flight together, at most. */
#define MAX_BUFFERS (1ull << 30)

static int quiet;

static void usage(FILE *f)
{
	fprintf(f, "Usage: echo_client [--peer ADDR] [--timeout MS] MESSAGE\n"
		"       echo_client [--peer ADDR] [--timeout MS] --size N "
		"[--count N] [--concurrency N]\n"
		"                   [--busy-poll US [--ring-thread]] [-q]\n");
}

/* "4096", "64k", "16m" (binary units). */
static int parse_size(const char *s, unsigned long long *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno)
		return -1;
	if (*end == 'k' || *end == 'K')
		*v <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		*v <<= 20, end++;
	return *end ? -1 : 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Byte i of call @seq: differs between calls and along the buffer. */
static void fill(unsigned char *p, size_t len, uint64_t seq)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 131 + (i >> 8) + seq * 7 + 1);
}

/* The prototype's flow: connect, one call, print the reply. */
static int echo_message(struct rdmarpc *ep, int handle, const char *msg,
			unsigned int timeout_ms)
{
	size_t len = strlen(msg), resp_len;
	/* Room for the echo, or for the message of an error status. */
	size_t cap = len + 1 > RDMARPC_STATUS_MSG_MAX ? len + 1 :
		     RDMARPC_STATUS_MSG_MAX;
	char *resp = malloc(cap);
	const char *name;
	int32_t status;
	int err, ok;

	if (!resp)
		return 1;
	err = rdmarpc_call(ep, handle, rdmarpc_method_id("echo"), msg, len,
			   resp, cap, &resp_len, &status, timeout_ms);
	if (err) {
		fprintf(stderr, "echo_client: call: %s\n",
			rdmarpc_strerror(err));
		free(resp);
		return 1;
	}
	if (status) {
		name = rdmarpc_status_name(status);
		fprintf(stderr, "echo_client: the server answered %s (%" PRId32
			"): %.*s\n", name ? name : "status", status,
			(int)resp_len, resp);
		free(resp);
		return 1;
	}
	ok = resp_len == len && !memcmp(resp, msg, len);
	printf("%.*s\n", (int)resp_len, resp);
	if (!ok)
		fprintf(stderr, "echo_client: the reply differs from the "
			"request\n");
	free(resp);
	return ok ? 0 : 1;
}

struct stats {
	unsigned long long ok, failed, mismatched;
};

/* Check one reply against its request; count and report the outcome. */
static void check(struct stats *st, uint64_t seq, int err, int32_t status,
		  const unsigned char *req, const unsigned char *resp,
		  size_t size, uint64_t resp_len)
{
	if (err || status) {
		st->failed++;
		if (!quiet)
			fprintf(stderr, "echo_client: call %" PRIu64 ": %s "
				"(status %" PRId32 ")\n", seq,
				rdmarpc_strerror(err), status);
	} else if (resp_len != size || memcmp(req, resp, size)) {
		st->mismatched++;
		if (!quiet)
			fprintf(stderr, "echo_client: call %" PRIu64 ": reply "
				"of %" PRIu64 " bytes differs\n", seq,
				resp_len);
	} else {
		st->ok++;
	}
}

static int run_sync(struct rdmarpc *ep, int handle, size_t size,
		    unsigned long long count, unsigned int timeout_ms,
		    struct stats *st)
{
	unsigned char *req = malloc(size ? size : 1);
	unsigned char *resp = malloc(size ? size : 1);
	uint32_t method = rdmarpc_method_id("echo");

	if (!req || !resp) {
		free(req);
		free(resp);
		return -ENOMEM;
	}
	for (unsigned long long seq = 0; seq < count; seq++) {
		size_t resp_len;
		int32_t status;
		int err;

		fill(req, size, seq);
		err = rdmarpc_call(ep, handle, method, req, size, resp, size,
				   &resp_len, &status, timeout_ms);
		check(st, seq, err, status, req, resp, size, resp_len);
	}
	free(req);
	free(resp);
	return 0;
}

/* Keep up to @conc calls in flight: submit into free slots, reap, check. */
static int run_async(struct rdmarpc *ep, int handle, size_t size,
		     unsigned long long count, unsigned int conc,
		     unsigned int timeout_ms, struct stats *st)
{
	uint32_t method = rdmarpc_method_id("echo");
	struct rdmarpc_completion *comps;
	struct rdmarpc_call *calls;
	unsigned char *bufs;
	unsigned int *free_slots, n_free = conc, inflight = 0;
	uint64_t *seqs;
	unsigned long long next = 0, done = 0;
	size_t stride = size ? size : 1;
	int err = 0;

	bufs = malloc(2 * stride * conc);
	calls = calloc(conc, sizeof(*calls));
	comps = calloc(conc, sizeof(*comps));
	free_slots = calloc(conc, sizeof(*free_slots));
	seqs = calloc(conc, sizeof(*seqs));
	if (!bufs || !calls || !comps || !free_slots || !seqs) {
		err = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < conc; i++)
		free_slots[i] = conc - 1 - i;

	while (done < count) {
		unsigned int n = 0;
		int ret;

		/* Fill every free slot with the next call. */
		while (n_free && next + n < count) {
			unsigned int s = free_slots[--n_free];
			unsigned char *req = bufs + 2 * stride * s;

			seqs[s] = next + n;
			fill(req, size, seqs[s]);
			rdmarpc_call_prep(&calls[n], handle, method, s, req,
					  size, req + stride, size,
					  timeout_ms);
			n++;
		}
		if (n) {
			ret = rdmarpc_submit(ep, calls, n);
			if (ret < 0 && (ret != -EAGAIN || !inflight)) {
				err = ret;
				goto out;
			}
			if (ret < 0)
				ret = 0;
			/* Slots of the calls not taken go back. */
			for (unsigned int i = n; i > (unsigned int)ret; i--)
				free_slots[n_free++] =
					(unsigned int)calls[i - 1].cookie;
			next += (unsigned int)ret;
			inflight += (unsigned int)ret;
		}
		if (!inflight)
			continue;
		ret = rdmarpc_reap(ep, comps, conc, 1, -1);
		if (ret == -EINTR)
			continue;
		if (ret < 0) {
			err = ret;
			goto out;
		}
		for (int i = 0; i < ret; i++) {
			unsigned int s = (unsigned int)comps[i].cookie;
			unsigned char *req = bufs + 2 * stride * s;

			if (s >= conc) {
				err = -EPROTO;
				goto out;
			}
			check(st, seqs[s], comps[i].error, comps[i].status,
			      req, req + stride, size, comps[i].resp_len);
			free_slots[n_free++] = s;
			inflight--;
			done++;
		}
	}
out:
	free(bufs);
	free(calls);
	free(comps);
	free(free_slots);
	free(seqs);
	return err;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "peer", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "concurrency", required_argument, NULL, 'C' },
		{ "busy-poll", required_argument, NULL, 'B' },
		{ "ring-thread", no_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long size = 0, count = 1, conc = 1, timeout = 0, busy = 0;
	const char *peer = getenv("RDMARPC_PEER");
	struct stats st = { 0 };
	struct rdmarpc *ep;
	int have_size = 0, thread = 0, opt, handle, err, ret, rings;
	double t0, t;

	while ((opt = getopt_long(argc, argv, "p:t:s:c:C:B:Tqh", opts,
				  NULL)) != -1) {
		unsigned long long *dst = NULL;

		switch (opt) {
		case 'p': peer = optarg; break;
		case 't': dst = &timeout; break;
		case 's': dst = &size; have_size = 1; break;
		case 'c': dst = &count; break;
		case 'C': dst = &conc; break;
		case 'B': dst = &busy; break;
		case 'T': thread = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
		if (dst && parse_size(optarg, dst)) {
			fprintf(stderr, "echo_client: invalid number '%s'\n",
				optarg);
			return 2;
		}
	}
	if (!peer || !*peer)
		peer = "127.0.0.1";
	if (have_size ? optind != argc : optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	if (busy > RDMARPC_BUSY_POLL_MAX_US) {
		fprintf(stderr, "echo_client: busy poll 0..%u us\n",
			RDMARPC_BUSY_POLL_MAX_US);
		return 2;
	}
	if (thread && !busy) {
		fprintf(stderr, "echo_client: --ring-thread needs --busy-poll\n");
		return 2;
	}
	if (!conc || conc > 65536 || timeout > UINT32_MAX || size > SIZE_MAX ||
	    2 * (size ? size : 1) * conc > MAX_BUFFERS) {
		fprintf(stderr, "echo_client: concurrency 1..65536, and "
			"2 x size x concurrency at most 1 GiB\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* 1. Open an endpoint. */
	err = rdmarpc_open(&ep);
	if (err) {
		fprintf(stderr, "echo_client: %s\n",
			rdmarpc_strerror_of(rdmarpc_open, err));
		return 1;
	}
	/* Optional: spin before sleeping (and, for async calls, the rings). */
	if (busy) {
		err = rdmarpc_rings_set(ep, thread ? RDMARPC_RINGS_THREAD :
						     RDMARPC_RINGS_ON);
		if (!err)
			err = rdmarpc_busy_poll_set(ep, (unsigned int)busy);
		if (err) {
			fprintf(stderr, "echo_client: busy poll: %s\n",
				rdmarpc_strerror(err));
			rdmarpc_close(ep);
			return 1;
		}
	}
	/* 2. Connect to the peer (the kernel does the handshake). */
	handle = rdmarpc_connect(ep, peer,
				 timeout < RDMARPC_CONNECT_TIMEOUT_MAX ?
				 (unsigned int)timeout :
				 RDMARPC_CONNECT_TIMEOUT_MAX);
	if (handle < 0) {
		fprintf(stderr, "echo_client: connect %s: %s\n", peer,
			rdmarpc_strerror_of(rdmarpc_connect, handle));
		rdmarpc_close(ep);
		return 1;
	}
	/* 3. Call. */
	if (!have_size) {
		ret = echo_message(ep, handle, argv[optind],
				   (unsigned int)timeout);
		rdmarpc_close(ep);
		return ret;
	}
	t0 = now_s();
	if (conc == 1)
		err = run_sync(ep, handle, (size_t)size, count,
			       (unsigned int)timeout, &st);
	else
		err = run_async(ep, handle, (size_t)size, count,
				(unsigned int)conc, (unsigned int)timeout,
				&st);
	t = now_s() - t0;
	rings = conc > 1 && rdmarpc_rings_active(ep);
	rdmarpc_close(ep);
	if (err) {
		fprintf(stderr, "echo_client: %s\n", rdmarpc_strerror(err));
		return 1;
	}
	printf("echo_client: %llu calls of %llu bytes, concurrency %llu: "
	       "%llu ok, %llu failed, %llu mismatched in %.3f s (%.0f "
	       "calls/s)%s\n", count, size, conc, st.ok, st.failed,
	       st.mismatched, t, t > 0 ? (double)count / t : 0.0,
	       rings ? ", shared rings" : "");
	return st.ok == count ? 0 : 1;
}
