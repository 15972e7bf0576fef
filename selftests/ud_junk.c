// SPDX-License-Identifier: GPL-2.0
/*
 * ud_junk: send garbage UD datagrams to the module's QP from a QP of our
 * own (userspace verbs), so that the module's receive path meets bytes no
 * peer module would send.
 *
 *   ud_junk --dev rxe0 [--gid-index 1] --dgid GID --qpn N --qkey N
 *           [--count N] [--mtu N] [--sess N] [--seed N]
 *
 * GID, QPN and QKey are the target port's (rdmarpcctl -j dev show); --sess
 * names a session id that exists there, so that some datagrams carry a
 * valid header with a valid CRC for a real session but a wrong tag.  The
 * datagrams cycle through these kinds:
 *   0 random bytes of random length (0..MTU)
 *   1 right magic and version, every other byte random
 *   2 truncated: 1..31 bytes starting with magic and version
 *   3 huge lengths and indexes (message length up to 4 GiB), valid CRC
 *   4 valid-looking header for --sess with a random (wrong) tag, valid CRC
 *   5 kinds and flags out of range, valid CRC
 *   6 RR_F_NOCRC with random fields and payload
 *   7 empty datagram
 * Prints what it sent per kind; exit 0 if every send completed well.
 *
 *   ud_junk --dev rxe0 [--gid-index 1] --hs ADDR[:PORT] [--count N]
 *           [--mtu N] [--seed N]
 *
 * A client of our own instead: opens a session with the module at ADDR
 * (the TCP handshake, no key), naming one of our QPs in the hello, then
 * sends N datagrams of two well-formed PINGs each, packed, for that
 * session (valid id, tag and CRC) first from a second QP, which the module
 * must drop (its datagrams are not from the session's peer), then from the
 * QP the hello named, which the module answers, both PINGs of a datagram
 * in one datagram.  Counts the answers of each phase and prints
 *   ud_junk: session from A.B.C.D:PORT, datagrams of 2 PINGs: wrong QP
 *   0x..: sent N, pongs P; hello's QP 0x..: sent N, pongs P in D datagrams
 * Exit 0 if the handshake and every send went well (the counts are the
 * caller's to judge).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#include "hello_frame.h"

/* The wire format (kmod/core/wire.h), restated: a test must not trust it. */
#define HDR_LEN		32
/* a datagram's later packets: kind, flags, two zero bytes, req.. aux */
#define CHDR_LEN	20
#define WIRE_MAGIC	0xa7
#define WIRE_VERSION	6
#define F_NOCRC		0x01
#define N_KINDS		8
#define BATCH		32

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: reproducible from --seed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static uint32_t crc32c_table[256];

static void crc32c_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc32c_table[i] = c;
	}
}

static uint32_t crc32c(const uint8_t *p, size_t len)
{
	uint32_t c = ~0u;

	while (len--)
		c = crc32c_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

static void fill_random(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rnd();
}

/*
 * Header fields at their offsets, the crc field zero; seal() seals the
 * datagram (the first packet's crc field covers every packet).
 */
static void header(uint8_t *p, uint8_t kind, uint8_t flags, uint32_t sess,
		   uint32_t tag, uint32_t req, uint32_t idx, uint32_t len,
		   uint32_t aux)
{
	put32(p, 0);
	p[4] = WIRE_MAGIC;
	p[5] = WIRE_VERSION;
	p[6] = kind;
	p[7] = flags;
	put32(p + 8, sess);
	put32(p + 12, tag);
	put32(p + 16, req);
	put32(p + 20, idx);
	put32(p + 24, len);
	put32(p + 28, aux);
}

static void seal(uint8_t *p, size_t len)
{
	put32(p, crc32c(p + 4, len - 4));
}

/* Build datagram @i of kind @kind into @p; returns its length. */
static size_t build(uint8_t *p, unsigned int kind, uint32_t mtu,
		    uint32_t sess)
{
	static const uint32_t huge[] = { 0xffffffffu, 0x80000000u,
					 (32u << 20) + 1, 0x7fffffffu };
	size_t len;

	switch (kind) {
	case 0:
		len = rnd() % (mtu + 1);
		fill_random(p, len);
		return len;
	case 1:
		len = HDR_LEN + rnd() % (mtu - HDR_LEN + 1);
		fill_random(p, len);
		p[4] = WIRE_MAGIC;
		p[5] = WIRE_VERSION;
		return len;
	case 2:
		len = 1 + rnd() % (HDR_LEN - 1);
		fill_random(p, len);
		if (len > 4)
			p[4] = WIRE_MAGIC;
		if (len > 5)
			p[5] = WIRE_VERSION;
		return len;
	case 3:
		len = HDR_LEN + rnd() % (mtu - HDR_LEN + 1);
		fill_random(p + HDR_LEN, len - HDR_LEN);
		header(p, (uint8_t)(1 + rnd() % 6), 0,
		       rnd() % 2 ? sess : rnd(), rnd(), rnd(),
		       huge[rnd() % 4] - rnd() % 3, huge[rnd() % 4], rnd());
		seal(p, len);
		return len;
	case 4:
		len = HDR_LEN + rnd() % (mtu - HDR_LEN + 1);
		fill_random(p + HDR_LEN, len - HDR_LEN);
		/* A one-packet request or an ack, as a client would send. */
		header(p, rnd() % 2 ? 1 : 3, 0, sess, rnd(), rnd() % 64,
		       0, (uint32_t)(len - HDR_LEN), rnd());
		seal(p, len);
		return len;
	case 5:
		len = HDR_LEN + rnd() % 64;
		fill_random(p + HDR_LEN, len - HDR_LEN);
		header(p, rnd() % 2 ? 0 : (uint8_t)(7 + rnd() % 249),
		       (uint8_t)rnd() | 0xf0, rnd() % 2 ? sess : rnd(),
		       rnd(), rnd(), rnd(), rnd(), rnd());
		seal(p, len);
		return len;
	case 6:
		len = HDR_LEN + rnd() % (mtu - HDR_LEN + 1);
		fill_random(p, len);
		header(p, (uint8_t)(1 + rnd() % 6), F_NOCRC,
		       rnd() % 2 ? sess : rnd(), rnd(), rnd() % 64, rnd() % 4,
		       rnd() % 4096, rnd());
		put32(p, 0);
		return len;
	default:
		return 0;
	}
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: ud_junk --dev DEV [--gid-index N] --dgid GID "
		"--qpn N --qkey N [--count N] [--mtu N] [--sess N] "
		"[--seed N]\n"
		"       ud_junk --dev DEV [--gid-index N] --hs ADDR[:PORT] "
		"[--count N] [--mtu N] [--seed N]\n");
}

/* ---- --hs: a session of our own ---- */

/* The hello's frames are in hello_frame.h; the datagram wire as above. */
#define KIND_PING	5
#define F_REPLY		0x02
#define OUR_QKEY	0x11111111u
#define GRH_LEN		40
#define NRECV		64

/* The verbs device named @dev, opened; NULL (said on stderr) if none. */
static struct ibv_context *open_dev(const char *dev)
{
	struct ibv_context *ctx = NULL;
	struct ibv_device **list;
	int i, n;

	list = ibv_get_device_list(&n);
	for (i = 0; list && i < n && !ctx; i++)
		if (!strcmp(ibv_get_device_name(list[i]), dev))
			ctx = ibv_open_device(list[i]);
	if (list)
		ibv_free_device_list(list);
	if (!ctx)
		fprintf(stderr, "ud_junk: cannot open %s\n", dev);
	return ctx;
}

/* A UD QP in RTS with OUR_QKEY, or NULL. */
static struct ibv_qp *ud_qp(struct ibv_pd *pd, struct ibv_cq *cq,
			    uint32_t nrecv)
{
	struct ibv_qp_init_attr init = {
		.send_cq = cq, .recv_cq = cq, .qp_type = IBV_QPT_UD,
		.cap = { .max_send_wr = BATCH, .max_recv_wr = nrecv,
			 .max_send_sge = 1, .max_recv_sge = 1 },
	};
	struct ibv_qp_attr attr = {
		.qp_state = IBV_QPS_INIT, .port_num = 1, .qkey = OUR_QKEY,
	};
	struct ibv_qp *qp = ibv_create_qp(pd, &init);

	if (!qp)
		return NULL;
	if (ibv_modify_qp(qp, &attr, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			  IBV_QP_PORT | IBV_QP_QKEY))
		return NULL;
	attr.qp_state = IBV_QPS_RTR;
	if (ibv_modify_qp(qp, &attr, IBV_QP_STATE))
		return NULL;
	attr.qp_state = IBV_QPS_RTS;
	attr.sq_psn = rnd() & 0xffffff;
	if (ibv_modify_qp(qp, &attr, IBV_QP_STATE | IBV_QP_SQ_PSN))
		return NULL;
	return qp;
}

struct hs {
	int fd;				/* the liveness connection */
	struct ibv_cq *cq;
	struct ibv_qp *qp;		/* the one the hello names */
	struct ibv_ah *ah;
	struct ibv_mr *mr;
	uint8_t *rbufs;			/* NRECV receive buffers */
	uint32_t rlen;
	uint8_t *sbuf;			/* one send buffer */
	uint32_t qpn, qkey, sess, tag;	/* the server's */
	unsigned int pong_dgrams;	/* datagrams that held pongs */
};

static int hs_post_recv(struct hs *h, unsigned int i)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)(h->rbufs + (size_t)i * h->rlen),
		.length = h->rlen, .lkey = h->mr->lkey,
	};
	struct ibv_recv_wr wr = { .wr_id = i, .sg_list = &sge, .num_sge = 1 },
		*bad;

	return ibv_post_recv(h->qp, &wr, &bad);
}

/*
 * The pongs in a received datagram: packets of the header alone, back to
 * back, each a PING with the reply flag (the first packet's header full,
 * the others' short).
 */
static int hs_pongs(const uint8_t *p, uint32_t len)
{
	int n = 0;

	if (len < HDR_LEN)
		return 0;
	n += p[6] == KIND_PING && (p[7] & F_REPLY);
	for (uint32_t off = HDR_LEN; off + CHDR_LEN <= len; off += CHDR_LEN)
		n += p[off] == KIND_PING && (p[off + 1] & F_REPLY);
	return n;
}

/* Poll up to @ms; returns the pongs received, -1 on a failed send. */
static int hs_poll(struct hs *h, int ms, unsigned int *sends)
{
	struct timespec t0, t;
	int pongs = 0, n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		struct ibv_wc wc[BATCH];
		int got = ibv_poll_cq(h->cq, BATCH, wc);

		for (int i = 0; i < got; i++) {
			const uint8_t *p;

			if (!(wc[i].opcode & IBV_WC_RECV)) {
				if (wc[i].status != IBV_WC_SUCCESS)
					return -1;
				(*sends)--;
				continue;
			}
			p = h->rbufs + wc[i].wr_id * h->rlen + GRH_LEN;
			if (wc[i].status == IBV_WC_SUCCESS &&
			    wc[i].byte_len >= GRH_LEN + HDR_LEN) {
				n = hs_pongs(p, wc[i].byte_len - GRH_LEN);
				pongs += n;
				h->pong_dgrams += n > 0;
			}
			if (hs_post_recv(h, (unsigned int)wc[i].wr_id))
				return -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
		 (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
	return pongs;
}

/*
 * @n datagrams of PINGS_PER_DGRAM PINGs each, packed, for the server's
 * session from @qp; the pongs that came.
 */
#define PINGS_PER_DGRAM	2
#define DGRAM_LEN	(HDR_LEN + (PINGS_PER_DGRAM - 1) * CHDR_LEN)
static int hs_pings(struct hs *h, struct ibv_qp *qp, uint64_t n)
{
	uint8_t hb[HELLO_HDR];
	unsigned int sends = 0;
	int pongs = 0, got;

	put_frame_hdr(hb, T_HEARTBEAT, HELLO_HDR);
	/* the first PING's header in full, the others' short (all zero) */
	header(h->sbuf, KIND_PING, 0, h->sess, h->tag, 0, 0, 0, 0);
	for (int k = 1; k < PINGS_PER_DGRAM; k++) {
		uint8_t *c = h->sbuf + HDR_LEN + (k - 1) * CHDR_LEN;

		memset(c, 0, CHDR_LEN);
		c[0] = KIND_PING;
	}
	seal(h->sbuf, DGRAM_LEN);
	h->pong_dgrams = 0;
	for (uint64_t i = 0; i < n; i++) {
		struct ibv_sge sge = {
			.addr = (uintptr_t)h->sbuf,
			.length = DGRAM_LEN,
			.lkey = h->mr->lkey,
		};
		struct ibv_send_wr wr = {
			.sg_list = &sge, .num_sge = 1, .opcode = IBV_WR_SEND,
			.send_flags = IBV_SEND_SIGNALED,
			.wr.ud = { .ah = h->ah, .remote_qpn = h->qpn,
				   .remote_qkey = h->qkey },
		}, *bad;

		/* The server's liveness check hears from us meanwhile. */
		if (write(h->fd, hb, sizeof(hb)) != (ssize_t)sizeof(hb) ||
		    ibv_post_send(qp, &wr, &bad))
			return -1;
		sends++;
		/* One at a time: the module answers each. */
		got = hs_poll(h, 20, &sends);
		if (got < 0)
			return -1;
		pongs += got;
	}
	got = hs_poll(h, 2000, &sends);
	return got < 0 || sends ? -1 : pongs + got;
}

/* Hello to @sin naming @qp and our GID; the server's ACCEPT into @h. */
static int hs_hello(struct hs *h, const struct sockaddr_in *sin,
		    const union ibv_gid *gid, uint32_t mtu)
{
	uint8_t f[HELLO_HDR + HELLO_BODY] = { 0 }, *b = f + HELLO_HDR;

	put_frame_hdr(f, T_HELLO, sizeof(f));
	memcpy(b, gid->raw, 16);
	put32(b + 20, h->qp->qp_num);
	put32(b + 24, OUR_QKEY);
	put32(b + 28, mtu);
	put32(b + 32, 1 + rnd() % 100000);
	put32(b + 36, rnd());
	put32(b + 40, 32);
	put32(b + 44, 8);
	put32(b + 48, 65536);
	put32(b + 52, 1);		/* CRC */
	fill_random(b + 56, 32);
	h->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (h->fd < 0 ||
	    connect(h->fd, (const struct sockaddr *)sin, sizeof(*sin)) ||
	    write(h->fd, f, sizeof(f)) != (ssize_t)sizeof(f)) {
		perror("ud_junk: handshake");
		return -1;
	}
	if (read_all(h->fd, f, HELLO_HDR) || get32(f) != HELLO_MAGIC ||
	    get32(f + 8) < HELLO_HDR || get32(f + 8) > sizeof(f) ||
	    read_all(h->fd, b, get32(f + 8) - HELLO_HDR)) {
		fprintf(stderr, "ud_junk: handshake: no answer\n");
		return -1;
	}
	if (f[6] != T_ACCEPT || get32(f + 8) != sizeof(f)) {
		fprintf(stderr, "ud_junk: handshake refused (type %u): %.*s\n",
			f[6], (int)(get32(f + 8) - HELLO_HDR - 4),
			(const char *)b + 4);
		return -1;
	}
	h->qpn = get32(b + 20);
	h->qkey = get32(b + 24);
	h->sess = get32(b + 32);
	h->tag = get32(b + 36);
	memcpy(h->sbuf, b, 16);		/* the server's GID, for the AH */
	return 0;
}

/* --hs ADDR[:PORT]: the whole run. */
static int hs_main(struct ibv_context *ctx, const char *addr,
		   uint64_t gid_index, uint32_t mtu, uint64_t count)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(18515) };
	struct ibv_ah_attr ah_attr = { .is_global = 1, .port_num = 1 };
	struct sockaddr_in me;
	socklen_t melen = sizeof(me);
	char host[64], *colon;
	struct hs h = { .rlen = GRH_LEN + mtu };
	struct ibv_qp *wrong;
	struct ibv_pd *pd;
	union ibv_gid gid;
	int bad, good;

	snprintf(host, sizeof(host), "%s", addr);
	colon = strchr(host, ':');
	if (colon) {
		*colon = '\0';
		sin.sin_port = htons((uint16_t)atoi(colon + 1));
	}
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		usage(stderr);
		return 2;
	}
	pd = ibv_alloc_pd(ctx);
	h.cq = pd ? ibv_create_cq(ctx, 2 * (BATCH + NRECV), NULL, NULL, 0) :
		    NULL;
	h.rbufs = calloc(NRECV + 1, h.rlen);
	h.sbuf = h.rbufs + (size_t)NRECV * h.rlen;
	h.mr = h.cq && h.rbufs ?
	       ibv_reg_mr(pd, h.rbufs, (size_t)(NRECV + 1) * h.rlen,
			  IBV_ACCESS_LOCAL_WRITE) : NULL;
	h.qp = h.mr ? ud_qp(pd, h.cq, NRECV) : NULL;
	wrong = h.qp ? ud_qp(pd, h.cq, 1) : NULL;
	if (!wrong || ibv_query_gid(ctx, 1, (int)gid_index, &gid)) {
		fprintf(stderr, "ud_junk: PD/CQ/MR/QPs/GID: %s\n",
			strerror(errno));
		return 1;
	}
	for (unsigned int i = 0; i < NRECV; i++)
		if (hs_post_recv(&h, i))
			return 1;
	if (hs_hello(&h, &sin, &gid, mtu))
		return 1;
	memcpy(ah_attr.grh.dgid.raw, h.sbuf, 16);
	ah_attr.grh.sgid_index = (uint8_t)gid_index;
	ah_attr.grh.hop_limit = 64;
	h.ah = ibv_create_ah(pd, &ah_attr);
	if (!h.ah || getsockname(h.fd, (struct sockaddr *)&me, &melen)) {
		fprintf(stderr, "ud_junk: AH to the server: %s\n",
			strerror(errno));
		return 1;
	}
	bad = hs_pings(&h, wrong, count);
	good = bad < 0 ? -1 : hs_pings(&h, h.qp, count);
	if (good < 0) {
		fprintf(stderr, "ud_junk: sending the PINGs failed\n");
		return 1;
	}
	inet_ntop(AF_INET, &me.sin_addr, host, sizeof(host));
	printf("ud_junk: session from %s:%u, datagrams of %d PINGs: wrong QP 0x%x: sent %" PRIu64
	       ", pongs %d; hello's QP 0x%x: sent %" PRIu64
	       ", pongs %d in %u datagrams\n",
	       host, ntohs(me.sin_port), PINGS_PER_DGRAM, wrong->qp_num, count,
	       bad, h.qp->qp_num, count, good, h.pong_dgrams);
	close(h.fd);
	return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end || !*s ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "gid-index", required_argument, NULL, 'g' },
		{ "dgid", required_argument, NULL, 'G' },
		{ "qpn", required_argument, NULL, 'q' },
		{ "qkey", required_argument, NULL, 'k' },
		{ "count", required_argument, NULL, 'c' },
		{ "mtu", required_argument, NULL, 'm' },
		{ "sess", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "hs", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t gid_index = 1, qpn = 0, qkey = 0, count = 10000, mtu = 1024;
	uint64_t sess = 0, seed = 1, v, sent[N_KINDS] = { 0 }, bad = 0;
	const char *dev = NULL, *dgid = NULL, *hs = NULL;
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_qp *qp;
	struct ibv_ah *ah;
	struct ibv_mr *mr;
	struct ibv_ah_attr ah_attr;
	union ibv_gid gid;
	uint8_t *bufs;
	int opt, i;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		uint64_t *dst = NULL;

		switch (opt) {
		case 'd': dev = optarg; break;
		case 'G': dgid = optarg; break;
		case 'H': hs = optarg; break;
		case 'g': dst = &gid_index; break;
		case 'q': dst = &qpn; break;
		case 'k': dst = &qkey; break;
		case 'c': dst = &count; break;
		case 'm': dst = &mtu; break;
		case 's': dst = &sess; break;
		case 'S': dst = &seed; break;
		default: usage(stderr); return 2;
		}
		if (dst && parse_u64(optarg, dst)) {
			usage(stderr);
			return 2;
		}
	}
	if (hs && dev && mtu >= 256 && mtu <= 4096 && gid_index <= 255) {
		rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
		crc32c_init();
		ctx = open_dev(dev);
		if (!ctx)
			return 1;
		return hs_main(ctx, hs, gid_index, (uint32_t)mtu, count);
	}
	if (!dev || !dgid || !qpn || qpn > 0xffffff || qkey > 0xffffffffu ||
	    mtu < 256 || mtu > 4096 || gid_index > 255 || sess > 0xffffffffu ||
	    inet_pton(AF_INET6, dgid, gid.raw) != 1) {
		usage(stderr);
		return 2;
	}
	rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
	crc32c_init();

	ctx = open_dev(dev);
	if (!ctx)
		return 1;
	pd = ibv_alloc_pd(ctx);
	cq = pd ? ibv_create_cq(ctx, 2 * BATCH, NULL, NULL, 0) : NULL;
	bufs = calloc(BATCH, mtu);
	mr = cq && bufs ? ibv_reg_mr(pd, bufs, BATCH * mtu,
				     IBV_ACCESS_LOCAL_WRITE) : NULL;
	if (!mr) {
		fprintf(stderr, "ud_junk: PD/CQ/MR: %s\n", strerror(errno));
		return 1;
	}
	qp = ud_qp(pd, cq, 1);
	if (!qp) {
		fprintf(stderr, "ud_junk: UD QP: %s\n", strerror(errno));
		return 1;
	}
	memset(&ah_attr, 0, sizeof(ah_attr));
	ah_attr.is_global = 1;
	ah_attr.grh.dgid = gid;
	ah_attr.grh.sgid_index = (uint8_t)gid_index;
	ah_attr.grh.hop_limit = 64;
	ah_attr.port_num = 1;
	ah = ibv_create_ah(pd, &ah_attr);
	if (!ah) {
		fprintf(stderr, "ud_junk: create AH to %s: %s\n", dgid,
			strerror(errno));
		return 1;
	}

	for (v = 0; v < count;) {
		unsigned int batch = count - v < BATCH ? count - v : BATCH;
		unsigned int done = 0;
		time_t deadline = time(NULL) + 10;

		for (unsigned int b = 0; b < batch; b++) {
			unsigned int kind = (unsigned int)((v + b) % N_KINDS);
			uint8_t *p = bufs + (size_t)b * mtu;
			struct ibv_sge sge = {
				.addr = (uintptr_t)p,
				.lkey = mr->lkey,
			};
			struct ibv_send_wr wr = {
				.wr_id = b,
				.sg_list = &sge,
				.opcode = IBV_WR_SEND,
				.send_flags = IBV_SEND_SIGNALED,
			}, *bad_wr;

			sge.length = (uint32_t)build(p, kind, (uint32_t)mtu,
						     (uint32_t)sess);
			wr.num_sge = sge.length ? 1 : 0;
			wr.wr.ud.ah = ah;
			wr.wr.ud.remote_qpn = (uint32_t)qpn;
			wr.wr.ud.remote_qkey = (uint32_t)qkey;
			if (ibv_post_send(qp, &wr, &bad_wr)) {
				fprintf(stderr, "ud_junk: post send: %s\n",
					strerror(errno));
				return 1;
			}
			sent[kind]++;
		}
		while (done < batch) {
			struct ibv_wc wc[BATCH];
			int got = ibv_poll_cq(cq, BATCH, wc);

			if (got < 0) {
				fprintf(stderr, "ud_junk: poll CQ failed\n");
				return 1;
			}
			for (i = 0; i < got; i++)
				if (wc[i].status != IBV_WC_SUCCESS) {
					if (!bad++)
						fprintf(stderr, "ud_junk: send "
							"completion: %s\n",
							ibv_wc_status_str(
								wc[i].status));
				}
			done += (unsigned int)got;
			if (!got && time(NULL) > deadline) {
				fprintf(stderr, "ud_junk: send completions "
					"missing after 10 s\n");
				return 1;
			}
		}
		v += batch;
	}
	printf("ud_junk: sent %" PRIu64 " datagrams to qpn 0x%" PRIx64
	       " (random %" PRIu64 ", magic+random %" PRIu64 ", truncated %"
	       PRIu64 ", huge lengths %" PRIu64 ", wrong tag %" PRIu64
	       ", bad kind/flags %" PRIu64 ", no-CRC %" PRIu64 ", empty %"
	       PRIu64 "), %" PRIu64 " send errors\n", count, qpn, sent[0],
	       sent[1], sent[2], sent[3], sent[4], sent[5], sent[6], sent[7],
	       bad);
	ibv_destroy_ah(ah);
	ibv_destroy_qp(qp);
	ibv_dereg_mr(mr);
	ibv_destroy_cq(cq);
	ibv_dealloc_pd(pd);
	ibv_close_device(ctx);
	free(bufs);
	return bad ? 1 : 0;
}
