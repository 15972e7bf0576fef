// SPDX-License-Identifier: MIT
/*
 * uring_echo: call the service "echo" of a peer through io_uring.
 *
 *   uring_echo [--peer ADDR] [--timeout MS] [--size N] [--count N]
 *              [--depth N] [--bad]
 *
 * Connects with librdmarpc, then issues COUNT calls of SIZE bytes (default
 * 32 and 1000) as IORING_OP_URING_CMD SQEs on the endpoint's file
 * (RDMARPC_URING_CALL), at most DEPTH (default 16) in flight, beside an
 * IORING_OP_NOP in every batch as another subsystem's I/O would be.  Each
 * CQE's user_data says which call it ends; the module has written that
 * call's response and struct rdmarpc_completion before posting it.  Every
 * byte of every reply is checked, and one line printed:
 *   uring_echo: 1000 calls of 32 bytes, depth 16: 1000 ok, 0 failed,
 *   0 mismatched, 63 nops in 0.120 s (8333 calls/s)
 * --bad adds, before the calls, the commands the module must refuse: an
 * unknown cmd_op (-ENOTTY), an unreadable call (-EFAULT) and a call on a
 * handle never connected (-EBADF); a wrong answer fails the run.
 *
 * The peer is ADDR ("a.b.c.d[:port]" or a name from `rdmarpcctl peer
 * add'), else $RDMARPC_PEER, else 127.0.0.1.
 * Exit status: 0 all calls good, 1 a call failed or mismatched (or io_uring
 * is not available), 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <liburing.h>
#include <librdmarpc.h>

/* The CQE of a NOP beside the calls: no call has this user_data. */
#define NOP_TAG		UINT64_MAX

struct slot {
	struct rdmarpc_call call;
	struct rdmarpc_completion comp;
	unsigned char *req, *resp;
	uint64_t seq;			/* the call's number, in its bytes */
	int busy;
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: uring_echo [--peer ADDR] [--timeout MS] "
		"[--size N] [--count N] [--depth N] [--bad]\n");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Request bytes unique to call @seq, so that a mix-up shows. */
static void fill(unsigned char *p, size_t n, uint64_t seq)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seq * 131 + i * 7 + (i >> 8));
}

/* An SQE for RDMARPC_URING_CALL on @fd; @cmd must live until issued. */
static void prep_call(struct io_uring_sqe *sqe, int fd, uint32_t cmd_op,
		      const struct rdmarpc_uring_call *cmd, uint64_t tag)
{
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = cmd_op;
	memcpy(sqe->cmd, cmd, sizeof(*cmd));
	io_uring_sqe_set_data64(sqe, tag);
}

/* One command alone; its CQE's res. */
static int one_cmd(struct io_uring *ring, int fd, uint32_t cmd_op,
		   const struct rdmarpc_uring_call *cmd)
{
	struct io_uring_cqe *cqe;
	int ret;

	prep_call(io_uring_get_sqe(ring), fd, cmd_op, cmd, 0);
	ret = io_uring_submit_and_wait(ring, 1);
	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret < 0)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

/* The refusals --bad expects; 0 if each came as it should. */
static int check_refusals(struct io_uring *ring, int fd, int handle)
{
	struct rdmarpc_completion comp;
	struct rdmarpc_call call;
	const struct {
		const char *what;
		uint32_t cmd_op;
		uint64_t call;
		int want;
	} cases[] = {
		{ "cmd_op 99", 99, (uintptr_t)&call, -ENOTTY },
		{ "unreadable call", RDMARPC_URING_CALL, 8, -EFAULT },
		{ "unknown handle", RDMARPC_URING_CALL, (uintptr_t)&call,
		  -EBADF },
	};
	int bad = 0;

	rdmarpc_call_prep(&call, handle + 1000, rdmarpc_method_id("echo"), 1,
			  "x", 1, NULL, 0, 1000);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rdmarpc_uring_call cmd = { .call = cases[i].call,
						  .comp = (uintptr_t)&comp };
		int ret = one_cmd(ring, fd, cases[i].cmd_op, &cmd);

		if (ret != cases[i].want) {
			fprintf(stderr, "uring_echo: %s: res %d, want %d\n",
				cases[i].what, ret, cases[i].want);
			bad = 1;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "peer", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "depth", required_argument, NULL, 'd' },
		{ "bad", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long size = 32, count = 1000, depth = 16, timeout = 10000;
	unsigned long long sent = 0, done = 0, ok = 0, failed = 0, mism = 0;
	unsigned long long nops = 0;
	const char *peer = getenv("RDMARPC_PEER");
	struct rdmarpc_uring_call *cmds;
	uint32_t method = rdmarpc_method_id("echo");
	struct io_uring ring;
	struct rdmarpc *ep;
	struct slot *slots;
	int opt, fd, handle, err, bad = 0, ret = 1;
	double t0, t;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': peer = optarg; break;
		case 't': timeout = strtoull(optarg, NULL, 0); break;
		case 's': size = strtoull(optarg, NULL, 0); break;
		case 'c': count = strtoull(optarg, NULL, 0); break;
		case 'd': depth = strtoull(optarg, NULL, 0); break;
		case 'b': bad = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !depth || depth > 4096 || size > (16u << 20) ||
	    !timeout || timeout > UINT32_MAX) {
		usage(stderr);
		fprintf(stderr, "uring_echo: depth 1..4096, size at most 16 "
			"MiB, timeout 1..%u ms\n", UINT32_MAX);
		return 2;
	}
	if (!peer || !*peer)
		peer = "127.0.0.1";

	err = rdmarpc_open(&ep);
	if (err) {
		fprintf(stderr, "uring_echo: %s\n",
			rdmarpc_strerror_of(rdmarpc_open, err));
		return 1;
	}
	/* --timeout bounds the calls; the handshake's bound is lower. */
	handle = rdmarpc_connect(ep, peer,
				 timeout < RDMARPC_CONNECT_TIMEOUT_MAX ?
				 (unsigned int)timeout :
				 RDMARPC_CONNECT_TIMEOUT_MAX);
	if (handle < 0) {
		fprintf(stderr, "uring_echo: connect %s: %s\n", peer,
			rdmarpc_strerror_of(rdmarpc_connect, handle));
		goto out_close;
	}
	fd = rdmarpc_fd(ep);
	/* Room for every call in flight and a NOP beside each batch. */
	err = io_uring_queue_init((unsigned int)(2 * depth), &ring, 0);
	if (err) {
		fprintf(stderr, "uring_echo: io_uring_queue_init: %s\n",
			strerror(-err));
		goto out_close;
	}
	slots = calloc(depth, sizeof(*slots));
	cmds = calloc(depth, sizeof(*cmds));
	if (!slots || !cmds)
		goto out_ring;
	for (unsigned long long i = 0; i < depth; i++) {
		slots[i].req = malloc(size ? size : 1);
		slots[i].resp = malloc(size ? size : 1);
		if (!slots[i].req || !slots[i].resp)
			goto out_free;
	}
	if (bad && check_refusals(&ring, fd, handle))
		goto out_free;

	t0 = now_s();
	while (done < count) {
		unsigned int queued = 0;
		struct io_uring_cqe *cqe;

		for (unsigned long long i = 0; i < depth && sent < count; i++) {
			struct slot *s = &slots[i];

			if (s->busy)
				continue;
			s->seq = sent++;
			fill(s->req, size, s->seq);
			rdmarpc_call_prep(&s->call, handle, method, s->seq,
					  s->req, size, s->resp, size,
					  (unsigned int)timeout);
			cmds[i].call = (uintptr_t)&s->call;
			cmds[i].comp = (uintptr_t)&s->comp;
			prep_call(io_uring_get_sqe(&ring), fd,
				  RDMARPC_URING_CALL, &cmds[i], i);
			s->busy = 1;
			queued++;
		}
		if (queued) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, NOP_TAG);
		}
		err = io_uring_submit_and_wait(&ring, 1);
		if (err < 0) {
			fprintf(stderr, "uring_echo: io_uring_submit: %s\n",
				strerror(-err));
			goto out_free;
		}
		while (!io_uring_peek_cqe(&ring, &cqe)) {
			uint64_t tag = io_uring_cqe_get_data64(cqe);
			struct slot *s;

			if (tag == NOP_TAG) {
				nops++;
				io_uring_cqe_seen(&ring, cqe);
				continue;
			}
			if (tag >= depth || !slots[tag].busy) {
				fprintf(stderr, "uring_echo: CQE for no call "
					"(user_data %" PRIu64 ")\n", tag);
				goto out_free;
			}
			s = &slots[tag];
			s->busy = 0;
			done++;
			if (cqe->res < 0 || s->comp.error) {
				failed++;
				fprintf(stderr, "uring_echo: call %" PRIu64
					": %s\n", s->seq,
					rdmarpc_strerror(cqe->res < 0 ?
							 cqe->res :
							 s->comp.error));
			} else if (s->comp.cookie != s->seq ||
				   s->comp.resp_len != size ||
				   memcmp(s->req, s->resp, size)) {
				mism++;
			} else {
				ok++;
			}
			io_uring_cqe_seen(&ring, cqe);
		}
	}
	t = now_s() - t0;
	printf("uring_echo: %llu calls of %llu bytes, depth %llu: %llu ok, "
	       "%llu failed, %llu mismatched, %llu nops in %.3f s (%.0f "
	       "calls/s)\n", count, size, depth, ok, failed, mism, nops, t,
	       t > 0 ? (double)count / t : 0.0);
	ret = ok == count ? 0 : 1;
out_free:
	for (unsigned long long i = 0; slots && i < depth; i++) {
		free(slots[i].req);
		free(slots[i].resp);
	}
	free(slots);
	free(cmds);
out_ring:
	io_uring_queue_exit(&ring);
out_close:
	rdmarpc_close(ep);
	return ret;
}
