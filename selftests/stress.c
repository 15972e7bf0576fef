// SPDX-License-Identifier: GPL-2.0
/*
 * stress: seeded random chaos against rdmarpc while verified echo traffic
 * runs, for a set time.
 *
 *   stress --peer IP --self IP [--service NAME] [--seconds N] [--seed S]
 *          [--workers N] [--ibdev DEV] [--netdev NETDEV] [--no-hotplug]
 *          [--stall-secs N]
 *
 * Forked workers, each with its own seeded random generator:
 *  - echo: synchronous calls and submitted batches to NAME (default
 *    "stress.echo", an echo_server on --peer), every reply's bytes checked;
 *    on an error it reopens and reconnects;
 *  - chaos (--workers, default 4): every /dev/rdmarpc ioctl with valid and
 *    invalid arguments, raw: CONNECT to the live peer, to a closed port,
 *    to junk addresses and names; CALL, SUBMIT/REAP, CANCEL, BIND, RECV,
 *    REPLY (its own service, called through --self), the batch forms,
 *    BUSY_POLL, NOP, unknown commands, shared rings (RING_SETUP, calls
 *    placed in the ring, RING_ENTER, closed with calls in flight and the
 *    rings mapped), and closing endpoints with calls in flight;
 *  - netlink: every command of the family through librdmarpc (DEV_GET,
 *    PARAM_GET, PARAM_SET with valid and out-of-range values, PEER_ADD,
 *    PEER_DEL, PEER_GET, SESSION_GET, STATS_GET, LOOPBACK);
 *  - faults: the fault_* parameters turned on (drop, reorder, duplicate,
 *    corrupt at a few percent at most) and off;
 *  - hotplug (unless --no-hotplug): `rdma link delete DEV`, a pause,
 *    `rdma link add DEV type rxe netdev NETDEV`.
 * The parent SIGKILLs echo, chaos and netlink workers now and then and
 * respawns them.
 *
 * Every result is checked against the errnos <rdmarpc.h> and
 * <librdmarpc.h> document for that operation.  At the end the parameters
 * are restored, the device put back, and one more echo must succeed.
 * Exit 1 if a reply's bytes were wrong, an operation returned an errno
 * outside its set, PARAM_SET applied part of a refused request, a device
 * command hung, or no echo was verified for --stall-secs (default 60)
 * while the device was present; else 0.
 *
 * The seed is printed first; --seed S makes every worker draw the same
 * choices again (timing, and so the kernel's answers, still vary).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <librdmarpc.h>

#include "errname.h"

#define DEV_PATH	"/dev/" RDMARPC_DEV_NAME
#define MAX_ERRNO	160
#define MAX_WORKERS	32
#define MAX_VIOLATIONS	24
#define ST_EPS		3	/* endpoints per chaos worker */
#define ST_PEND		32	/* calls a chaos endpoint keeps in flight */
#define ST_HANDLES	16
#define ST_PEERS	6	/* stress.p0.. */

/* ---- operations and the errnos each may return ---- */

enum op {
	OP_OPEN, OP_NOP, OP_CONNECT, OP_CALL, OP_CALL_COMP, OP_SUBMIT,
	OP_REAP, OP_COMP, OP_CANCEL, OP_BIND, OP_RECV, OP_REPLY, OP_REQ_STATE,
	OP_RECV_BATCH, OP_REPLY_BATCH, OP_BUSY_POLL, OP_RING_SETUP,
	OP_RING_ENTER, OP_RING_COMP, OP_UNKNOWN_IOCTL,
	OP_CLOSE_INFLIGHT, OP_ECHO, OP_ECHO_CONNECT,
	OP_NL_OPEN, OP_DEV_GET, OP_PARAM_GET, OP_PARAM_SET, OP_PARAM_SET_BAD,
	OP_PEER_ADD, OP_PEER_DEL, OP_PEER_GET, OP_SESSION_GET, OP_STATS_GET,
	OP_LOOPBACK, OP_FAULTS, OP_LINK_DEL, OP_LINK_ADD, OP_KILL,
	OP_MAX
};

/*
 * The call errors of <rdmarpc.h>, in a completion: a call that waited for
 * a new session may also end with that handshake's error.
 */
#define CALL_ERRS ETIMEDOUT, ECONNRESET, ENODEV, ENOENT, ECANCELED, \
	EMSGSIZE, ENOBUFS, ECONNABORTED, ENOSPC, ENOMEM, EPROTO, \
	ECONNREFUSED, EHOSTUNREACH, EUSERS
/* What CONNECT may say: the handshake's errors and the endpoint's. */
#define CONNECT_ERRS EINVAL, EFAULT, ETIMEDOUT, ECONNREFUSED, EHOSTUNREACH, \
	ENODEV, EPROTO, ENOMEM, EINTR, ECONNRESET, ENOSPC, EUSERS
/* librdmarpc's own netlink errors. */
#define NL_ERRS ENOMEM, EPROTO, EAGAIN, ENOBUFS

static const struct {
	const char *name;
	int errs[20];		/* 0-terminated */
} ops[OP_MAX] = {
	[OP_OPEN] = { "open", { ENOMEM } },
	[OP_NOP] = { "NOP", { 0 } },
	[OP_CONNECT] = { "CONNECT", { CONNECT_ERRS } },
	[OP_CALL] = { "CALL", { EINVAL, EFAULT, EBADF, EMSGSIZE, EAGAIN,
				ENOBUFS, ENOMEM, EINTR, ETIMEDOUT } },
	[OP_CALL_COMP] = { "CALL completion", { CALL_ERRS } },
	[OP_SUBMIT] = { "SUBMIT", { EINVAL, EFAULT, EBADF, EMSGSIZE, EAGAIN,
				    ENOBUFS, ENOMEM } },
	[OP_REAP] = { "REAP", { EINVAL, EFAULT, ETIMEDOUT, EINTR } },
	[OP_COMP] = { "REAP completion", { CALL_ERRS, EFAULT } },
	[OP_CANCEL] = { "CANCEL", { ENOENT, EFAULT } },
	[OP_BIND] = { "BIND", { EINVAL, EFAULT, EADDRINUSE, EEXIST, ENOSPC,
				ENOMEM } },
	[OP_RECV] = { "RECV", { EINVAL, EFAULT, EAGAIN, ETIMEDOUT, EINTR,
				EMSGSIZE } },
	[OP_REPLY] = { "REPLY", { ENOENT, EMSGSIZE, EFAULT, EINVAL } },
	[OP_REQ_STATE] = { "REQ_STATE", { ENOENT, EINVAL } },
	[OP_RECV_BATCH] = { "RECV_BATCH", { EINVAL, EFAULT, ETIMEDOUT,
					    EINTR } },
	[OP_REPLY_BATCH] = { "REPLY_BATCH", { ENOENT, EMSGSIZE, EFAULT,
					      EINVAL } },
	[OP_BUSY_POLL] = { "BUSY_POLL", { EINVAL, EFAULT } },
	[OP_RING_SETUP] = { "RING_SETUP", { EINVAL, ENOMEM } },
	[OP_RING_ENTER] = { "RING_ENTER", { ETIMEDOUT, EINTR } },
	/* A refused entry's SUBMIT error, or a call's. */
	[OP_RING_COMP] = { "ring completion", { CALL_ERRS, EBADF, EINVAL,
						EFAULT } },
	[OP_UNKNOWN_IOCTL] = { "unknown ioctl", { ENOTTY } },
	[OP_CLOSE_INFLIGHT] = { "close in flight", { 0 } },
	[OP_ECHO] = { "echo call", { CALL_ERRS } },
	[OP_ECHO_CONNECT] = { "echo connect", { CONNECT_ERRS, ENOENT } },
	[OP_NL_OPEN] = { "nl open", { ENOMEM, EPROTONOSUPPORT } },
	[OP_DEV_GET] = { "DEV_GET", { NL_ERRS, ENODEV } },
	[OP_PARAM_GET] = { "PARAM_GET", { NL_ERRS } },
	[OP_PARAM_SET] = { "PARAM_SET", { NL_ERRS } },
	[OP_PARAM_SET_BAD] = { "PARAM_SET bad", { EINVAL } },
	[OP_PEER_ADD] = { "PEER_ADD", { NL_ERRS, EEXIST, EINVAL } },
	[OP_PEER_DEL] = { "PEER_DEL", { NL_ERRS, ENOENT, EINVAL } },
	[OP_PEER_GET] = { "PEER_GET", { NL_ERRS } },
	[OP_SESSION_GET] = { "SESSION_GET", { NL_ERRS } },
	[OP_STATS_GET] = { "STATS_GET", { NL_ERRS } },
	[OP_LOOPBACK] = { "LOOPBACK", { NL_ERRS, EINVAL, ERANGE, ENODEV, EBUSY,
					EINTR, EIO, EADDRNOTAVAIL,
					EAFNOSUPPORT, ETIMEDOUT } },
	[OP_FAULTS] = { "faults set", { NL_ERRS } },
	[OP_LINK_DEL] = { "rdma link delete", { 0 } },
	[OP_LINK_ADD] = { "rdma link add", { 0 } },
	[OP_KILL] = { "SIGKILL worker", { 0 } },
};

/* ---- state shared by every process ---- */

struct shared {
	volatile int stop;
	volatile int dev_present;
	volatile int64_t dev_back_ns;	/* when the device came back */
	volatile int64_t last_echo_ns;	/* last verified echo */
	uint64_t ok[OP_MAX];
	uint64_t err[OP_MAX][MAX_ERRNO];
	uint64_t verified;		/* echo worker's calls */
	uint64_t verified_other;	/* chaos workers' checked replies */
	uint64_t mismatches;
	uint64_t violations;
	uint64_t partial_param_sets;
	uint64_t hung_link_cmds;
	uint64_t link_cycles;
	uint64_t kills;
	int nviol;
	char viol[MAX_VIOLATIONS][256];
};

static struct shared *sh;

struct cfg {
	const char *peer, *self, *service, *ibdev, *netdev;
	unsigned int seconds, workers, stall_secs;
	uint64_t seed;
	bool hotplug;
	uint32_t method;
	char dead_peer[RDMARPC_NAME_MAX];	/* peer:1, nothing listens */
};

static struct cfg cfg;

/* ---- helpers ---- */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* This process's generator. */
static uint64_t rs;
static const char *me = "parent";

static uint64_t rnd(void)
{
	return splitmix(&rs);
}

static uint32_t r(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void __attribute__((format(printf, 1, 2))) violation(const char *fmt,
							    ...)
{
	char line[200];
	va_list ap;
	int i;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "stress: %s: VIOLATION: %s\n", me, line);
	__atomic_fetch_add(&sh->violations, 1, __ATOMIC_RELAXED);
	i = __atomic_fetch_add(&sh->nviol, 1, __ATOMIC_RELAXED);
	if (i < MAX_VIOLATIONS)
		snprintf(sh->viol[i], sizeof(sh->viol[i]), "%s: %s", me,
			 line);
}

/*
 * Count the result @ret (0, positive or negative errno) of @op; an errno
 * outside the op's set is a violation.  Returns -errno or 0.
 */
static int account(enum op op, int ret, const char *what)
{
	int e = ret < 0 ? -ret : ret;
	bool known = false;

	if (!e) {
		__atomic_fetch_add(&sh->ok[op], 1, __ATOMIC_RELAXED);
		return 0;
	}
	__atomic_fetch_add(&sh->err[op][e < MAX_ERRNO ? e : 0], 1,
			   __ATOMIC_RELAXED);
	for (int i = 0; ops[op].errs[i]; i++)
		known |= ops[op].errs[i] == e;
	if (!known)
		violation("%s%s%s returned %s (%d), not a documented errno",
			  ops[op].name, what ? " " : "", what ? what : "",
			  errname(e), e);
	return -e;
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

/* Request bytes unique to (tag, i): a crossed reply does not match. */
static void fill(unsigned char *p, size_t len, uint64_t tag)
{
	uint64_t s = tag;

	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = splitmix(&s);

		memcpy(p + i, &v, len - i < 8 ? len - i : 8);
	}
}

/* Mostly small sizes, sometimes several packets, rarely large. */
static size_t pick_size(void)
{
	switch (r(16)) {
	case 0:
		return 0;
	case 1:
	case 2:
		return 4096 + r(28 * 1024);
	case 3:
		return r(8) ? r(256) : 64 * 1024 + r(64 * 1024);
	default:
		return r(2048);
	}
}

/* ---- the echo worker ---- */

static void echo_ok(void)
{
	__atomic_fetch_add(&sh->verified, 1, __ATOMIC_RELAXED);
	sh->last_echo_ns = now_ns();
}

static bool check_reply(const unsigned char *req, size_t len,
			const unsigned char *resp, size_t resp_len,
			const char *what)
{
	if (resp_len == len && !memcmp(req, resp, len))
		return true;
	__atomic_fetch_add(&sh->mismatches, 1, __ATOMIC_RELAXED);
	violation("%s: wrong echo payload (%zu bytes sent, %zu back%s)", what,
		  len, resp_len, resp_len == len ? ", bytes differ" : "");
	return false;
}

static void echo_worker(void)
{
	const size_t cap = 160 * 1024;
	unsigned char *req = malloc(8 * cap), *resp = malloc(8 * cap);
	struct rdmarpc *ep = NULL;
	uint64_t k = rnd();
	int h = -1, ret;

	if (!req || !resp)
		exit(2);
	while (!sh->stop) {
		if (!ep) {
			ret = rdmarpc_open(&ep);
			if (account(OP_OPEN, ret, NULL)) {
				ep = NULL;
				msleep(200);
				continue;
			}
			h = rdmarpc_connect(ep, cfg.peer, 5000);
			if (account(OP_ECHO_CONNECT, h < 0 ? h : 0, NULL)) {
				rdmarpc_close(ep);
				ep = NULL;
				msleep(100 + r(200));
				continue;
			}
		}
		if (r(4)) {
			size_t len = pick_size(), got = 0;
			int32_t status = 0;

			fill(req, len, ++k);
			ret = rdmarpc_call(ep, h, cfg.method, req, len, resp,
					   cap, &got, &status, 15000);
			if (!ret && status)
				ret = status < 0 ? status : -EPROTO;
			if (!account(OP_ECHO, ret, NULL)) {
				if (check_reply(req, len, resp, got, "echo"))
					echo_ok();
				continue;
			}
		} else {
			/* A batch: up to 8 calls submitted, then reaped. */
			unsigned int n = 1 + r(8), taken = 0, reaped = 0;
			struct rdmarpc_call calls[8];
			struct rdmarpc_completion comps[8];
			size_t lens[8];

			for (unsigned int i = 0; i < n; i++) {
				lens[i] = pick_size() % cap;
				fill(req + i * cap, lens[i], ++k);
				rdmarpc_call_prep(&calls[i], h, cfg.method, i,
						  req + i * cap, lens[i],
						  resp + i * cap, cap, 15000);
			}
			ret = rdmarpc_submit(ep, calls, n);
			if (ret > 0)
				taken = (unsigned int)ret;
			ret = ret < 0 ? ret : 0;
			while (!ret && reaped < taken) {
				int got = rdmarpc_reap(ep, comps, 8, 1, 30000);

				if (got <= 0) {
					ret = got ? got : -ETIMEDOUT;
					/* Twice their timeout: lost calls. */
					violation("echo: %u submitted calls "
						  "not complete after 30 s: %s",
						  taken - reaped, errname(ret));
					break;
				}
				for (int i = 0; i < got; i++) {
					const struct rdmarpc_completion *c =
						&comps[i];
					uint64_t j = c->cookie;
					int e = c->error;

					if (j >= taken) {
						violation("echo: completion "
							  "with unknown cookie "
							  "%" PRIu64, j);
						continue;
					}
					if (!e && c->status)
						e = -EPROTO;
					if (account(OP_ECHO, e, NULL)) {
						ret = e;
						continue;
					}
					if (check_reply(req + j * cap, lens[j],
							resp + j * cap,
							c->resp_len, "echo batch"))
						echo_ok();
				}
				reaped += (unsigned int)got;
			}
			if (!ret)
				continue;
		}
		/* Reconnect: the session, the device or the peer went. */
		rdmarpc_close(ep);
		ep = NULL;
		msleep(50 + r(200));
	}
	rdmarpc_close(ep);
	exit(0);
}

/* ---- the chaos workers ---- */

struct pend {
	bool used, verify;
	uint64_t cookie;
	size_t len;
	size_t skip;	/* bytes of req the handler does not get (the key) */
	unsigned char *req, *resp;
};

struct cep {
	int fd;
	int handles[ST_HANDLES];	/* -1: free */
	bool handle_verify[ST_HANDLES];	/* goes to an echo service */
	bool handle_self[ST_HANDLES];	/* goes to this host */
	int nbound;
	char svc[RDMARPC_NAME_MAX];	/* our own service, once bound */
	uint32_t svc_method;
	struct pend pend[ST_PEND];
	uint64_t held[16];		/* requests taken, not answered */
	int nheld;
};

static struct cep ceps[ST_EPS];
static uint64_t cookie_seq;
static int widx;

static void cep_free_pend(struct cep *c)
{
	for (int i = 0; i < ST_PEND; i++) {
		free(c->pend[i].req);
		free(c->pend[i].resp);
		memset(&c->pend[i], 0, sizeof(c->pend[i]));
	}
}

static void cep_close(struct cep *c)
{
	if (c->fd >= 0)
		close(c->fd);
	cep_free_pend(c);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	for (int i = 0; i < ST_HANDLES; i++)
		c->handles[i] = -1;
}

static int cep_open(struct cep *c)
{
	int fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);

	if (account(OP_OPEN, fd < 0 ? -errno : 0, NULL))
		return -1;
	cep_close(c);
	c->fd = fd;
	return 0;
}

static struct cep *pick_cep(void)
{
	struct cep *c = &ceps[r(ST_EPS)];

	if (c->fd < 0 && cep_open(c))
		return NULL;
	return c;
}

/* Junk and dead addresses: refused, unreachable, malformed. */
static const char *const junk_peers[] = {
	"", "not-an-address", "256.1.1.1", "0.0.0.0", "224.0.0.1",
	"255.255.255.255", "10.77.9.9", "192.0.2.1:18515", "1.2.3", "1.2.3.4:0",
	"1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:x", "stress.p0", "stress.p3",
	"stress.nosuch",
};

static void do_connect(void)
{
	struct cep *c = pick_cep();
	struct rdmarpc_connect cn;
	const char *what;
	int ret, slot, kind = r(10);

	if (!c)
		return;
	memset(&cn, 0, sizeof(cn));
	cn.size = sizeof(cn);
	cn.timeout_ms = r(4) ? 1 + r(2000) : 0;
	if (kind < 4) {
		what = "(live)";
		snprintf(cn.peer, sizeof(cn.peer), "%s", cfg.peer);
		cn.timeout_ms = 5000;
	} else if (kind < 6) {
		what = "(self)";
		snprintf(cn.peer, sizeof(cn.peer), "%s", cfg.self);
		cn.timeout_ms = 5000;
	} else if (kind < 7) {
		what = "(closed port)";
		snprintf(cn.peer, sizeof(cn.peer), "%s", cfg.dead_peer);
	} else if (kind < 9) {
		what = "(junk)";
		snprintf(cn.peer, sizeof(cn.peer), "%s",
			 junk_peers[r(sizeof(junk_peers) /
				      sizeof(junk_peers[0]))]);
	} else {
		/* Invalid structures: flags, size, unterminated name. */
		what = "(invalid)";
		snprintf(cn.peer, sizeof(cn.peer), "%s", cfg.peer);
		switch (r(4)) {
		case 0:
			cn.flags = 1u << r(32);
			break;
		case 1:
			cn.size = r(2) ? 0 : sizeof(cn) + 8;
			break;
		case 2:
			memset(cn.peer, 'a', sizeof(cn.peer));
			break;
		default:
			ret = xioctl(c->fd, RDMARPC_IOC_CONNECT,
				     (void *)(uintptr_t)(8 + r(4096)));
			account(OP_CONNECT, ret, what);
			return;
		}
	}
	ret = xioctl(c->fd, RDMARPC_IOC_CONNECT, &cn);
	if (account(OP_CONNECT, ret, what))
		return;
	/* The kernel's limit per endpoint is 1024 connections. */
	if (cn.handle >= 1024) {
		violation("CONNECT %s: handle %u out of range", cn.peer,
			  cn.handle);
		return;
	}
	/* Remember it (the same peer gives the same handle again). */
	for (slot = 0; slot < ST_HANDLES; slot++)
		if (c->handles[slot] == (int)cn.handle)
			return;
	slot = r(ST_HANDLES);
	c->handles[slot] = (int)cn.handle;
	/* Named peers stress.pN point at the live peer sometimes. */
	c->handle_verify[slot] = !strcmp(cn.peer, cfg.peer);
	c->handle_self[slot] = !strcmp(cn.peer, cfg.self);
}

/* A handle of @c: usually a connected one, sometimes one it never got. */
static int pick_handle(struct cep *c, bool *verify, bool *self)
{
	int slot = r(ST_HANDLES);

	*verify = *self = false;
	for (int i = 0; i < ST_HANDLES && c->handles[slot] < 0; i++)
		slot = (slot + 1) % ST_HANDLES;
	if (c->handles[slot] < 0 || !r(12))
		return r(2) ? 1000 + (int)r(100000) : (int)r(4);
	*verify = c->handle_verify[slot];
	*self = c->handle_self[slot];
	return c->handles[slot];
}

/* Fill @call for a call on @c: echo on the peer, our own service, junk. */
static void prep_call(struct cep *c, struct rdmarpc_call *call,
		      struct pend *p, bool *bad)
{
	bool verify, self;
	int h = pick_handle(c, &verify, &self);

	memset(call, 0, sizeof(*call));
	p->len = pick_size();
	p->req = malloc(p->len + 1);
	p->resp = malloc(p->len + 64);
	if (!p->req || !p->resp)
		exit(2);
	fill(p->req, p->len, rnd());
	p->cookie = ++cookie_seq;
	call->handle = (uint32_t)h;
	call->cookie = p->cookie;
	call->req = (uintptr_t)p->req;
	call->req_len = p->len;
	call->resp = (uintptr_t)p->resp;
	call->resp_cap = p->len + 64;
	call->timeout_ms = r(3) ? 2000 + r(8000) : r(50);
	if (self && c->svc[0])
		call->method = c->svc_method;
	else
		call->method = r(6) ? cfg.method : (uint32_t)rnd();
	/* Our own service echoes too (do_recv). */
	p->verify = (verify && call->method == cfg.method) ||
		    (self && c->svc[0] && call->method == c->svc_method);
	*bad = false;
	switch (r(24)) {
	case 0:		/* a flag no module knows: EINVAL */
		call->flags = ~RDMARPC_CALL_F_ALL & (1u << r(32));
		if (!call->flags)
			call->flags = RDMARPC_CALL_F_ALL + 1;
		*bad = true;
		break;
	case 4:		/* an idempotency key: the echo is what follows it */
		call->flags = RDMARPC_CALL_F_KEY;
		if (p->len < RDMARPC_CALL_KEY_LEN)
			*bad = true;	/* EINVAL */
		else
			p->skip = RDMARPC_CALL_KEY_LEN;
		break;
	case 1:
		call->req_len = (16u << 20) + 1 + r(1000);	/* EMSGSIZE */
		*bad = true;
		break;
	case 2:
		call->req = 8 + r(4096);			/* EFAULT */
		call->req_len = 1 + r(100);
		*bad = true;
		break;
	case 3:
		call->resp_cap = p->len ? r((uint32_t)p->len) : 0; /* ENOBUFS */
		p->verify = false;
		break;
	default:
		break;
	}
}

static void pend_done(struct pend *p)
{
	free(p->req);
	free(p->resp);
	memset(p, 0, sizeof(*p));
}

static void check_comp(struct cep *c, const struct rdmarpc_completion *comp,
		       enum op op)
{
	int i;

	for (i = 0; i < ST_PEND; i++)
		if (c->pend[i].used && c->pend[i].cookie == comp->cookie)
			break;
	if (i == ST_PEND) {
		violation("%s: completion for cookie %" PRIu64 " never "
			  "submitted (or twice)", ops[op].name,
			  (uint64_t)comp->cookie);
		return;
	}
	if (!account(op, comp->error, NULL) && !comp->status &&
	    c->pend[i].verify &&
	    check_reply(c->pend[i].req + c->pend[i].skip,
			c->pend[i].len - c->pend[i].skip, c->pend[i].resp,
			comp->resp_len, ops[op].name))
		__atomic_fetch_add(&sh->verified_other, 1, __ATOMIC_RELAXED);
	pend_done(&c->pend[i]);
}

static void do_call(void)
{
	struct cep *c = pick_cep();
	struct rdmarpc_sync_call sc;
	struct pend p = { .used = true };
	bool bad;
	int ret;

	if (!c)
		return;
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	prep_call(c, &sc.call, &p, &bad);
	/* A call to our own service would wait for ourselves: submit it. */
	if (sc.call.method == c->svc_method && c->svc[0])
		sc.call.method = cfg.method;
	if (!r(20))
		sc.reserved = 1;
	if (sc.call.timeout_ms > 3000)
		sc.call.timeout_ms = 3000;
	ret = xioctl(c->fd, RDMARPC_IOC_CALL, &sc);
	if (!account(OP_CALL, ret, NULL) &&
	    !account(OP_CALL_COMP, sc.comp.error, NULL) && !sc.comp.status &&
	    p.verify && sc.call.method == cfg.method &&
	    check_reply(p.req + p.skip, p.len - p.skip, p.resp,
			sc.comp.resp_len, "CALL"))
		__atomic_fetch_add(&sh->verified_other, 1, __ATOMIC_RELAXED);
	pend_done(&p);
}

static void do_submit(void)
{
	struct cep *c = pick_cep();
	struct rdmarpc_call calls[8];
	struct rdmarpc_batch b;
	int slots[8], n = 0, ret;
	bool bad;

	if (!c)
		return;
	for (int i = 0; i < ST_PEND && n < 1 + (int)r(8); i++) {
		if (c->pend[i].used)
			continue;
		slots[n] = i;
		prep_call(c, &calls[n], &c->pend[i], &bad);
		c->pend[i].used = true;
		n++;
	}
	if (!n)
		return;
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = (uint32_t)n;
	b.entries = (uintptr_t)calls;
	b.done = 0xdeadbeef;
	switch (r(20)) {
	case 0:
		b.reserved = 1;
		break;
	case 1:
		b.timeout_ms = 1;
		break;
	case 2:
		b.entries = 8;
		break;
	default:
		break;
	}
	ret = xioctl(c->fd, RDMARPC_IOC_SUBMIT, &b);
	account(OP_SUBMIT, ret, NULL);
	if (b.done == 0xdeadbeef)
		b.done = 0;
	if (b.done > (uint32_t)n) {
		violation("SUBMIT: done %u of %d", b.done, n);
		b.done = 0;
	}
	/* The calls not taken never complete. */
	for (int i = (int)b.done; i < n; i++)
		pend_done(&c->pend[slots[i]]);
}

static void do_reap(void)
{
	struct cep *c = pick_cep();
	struct rdmarpc_completion comps[8];
	struct rdmarpc_batch b;
	int ret;

	if (!c)
		return;
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = 1 + r(8);
	b.min_complete = r(b.count + 1);
	b.timeout_ms = r(3) ? r(50) : 0;
	b.entries = (uintptr_t)comps;
	if (!r(25))
		b.min_complete = b.count + 1;		/* EINVAL */
	else if (!r(25))
		b.count = 0;				/* EINVAL */
	ret = xioctl(c->fd, RDMARPC_IOC_REAP, &b);
	account(OP_REAP, ret, NULL);
	if (b.done > b.count) {
		violation("REAP: done %u of %u", b.done, b.count);
		return;
	}
	for (uint32_t i = 0; i < b.done; i++)
		check_comp(c, &comps[i], OP_COMP);
}

static void do_cancel(void)
{
	struct cep *c = pick_cep();
	uint64_t cookie;
	int i = r(ST_PEND);

	if (!c)
		return;
	cookie = c->pend[i].used && r(4) ? c->pend[i].cookie : rnd();
	if (!r(30)) {
		account(OP_CANCEL, xioctl(c->fd, RDMARPC_IOC_CANCEL,
					  (void *)8), NULL);
		return;
	}
	account(OP_CANCEL, xioctl(c->fd, RDMARPC_IOC_CANCEL, &cookie), NULL);
}

static void do_bind(void)
{
	struct cep *c = pick_cep();
	struct rdmarpc_bind b;
	uint32_t ids[8];
	bool own = false;
	int ret;

	if (!c)
		return;
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	switch (r(8)) {
	case 0:		/* the echo service: taken by the server (peer) */
		snprintf(b.name, sizeof(b.name), "%s", cfg.service);
		break;
	case 1:		/* invalid */
		if (r(2))
			b.flags = 1;
		else
			b.n_methods = 1025;
		snprintf(b.name, sizeof(b.name), "stress.bad");
		break;
	case 2:		/* a method list, possibly unreadable */
		snprintf(b.name, sizeof(b.name), "stress.%d.m%u", widx, r(4));
		for (int i = 0; i < 8; i++)
			ids[i] = (uint32_t)rnd();
		b.methods = r(4) ? (uintptr_t)ids : 8;
		b.n_methods = 1 + r(8);
		break;
	case 3:		/* another worker's: EADDRINUSE if it has it */
		snprintf(b.name, sizeof(b.name), "stress.%u.own.%u",
			 r(cfg.workers), r(ST_EPS));
		break;
	default:	/* our own, answered by do_recv */
		snprintf(b.name, sizeof(b.name), "stress.%d.own.%ld", widx,
			 (long)(c - ceps));
		own = true;
		break;
	}
	ret = xioctl(c->fd, RDMARPC_IOC_BIND, &b);
	if (!account(OP_BIND, ret, b.name) && own) {
		snprintf(c->svc, sizeof(c->svc), "%s", b.name);
		c->svc_method = rdmarpc_method_id(b.name);
	}
}

/* Take requests of our own service and answer them (mostly). */
static void do_recv(void)
{
	struct cep *c = pick_cep();
	static unsigned char buf[160 * 1024];
	struct rdmarpc_req_state st;
	struct rdmarpc_request rq;
	struct rdmarpc_reply rp;
	int ret;

	if (!c)
		return;
	memset(&rq, 0, sizeof(rq));
	rq.size = sizeof(rq);
	rq.timeout_ms = r(2) ? 0 : r(30);
	rq.buf = (uintptr_t)buf;
	rq.buf_cap = sizeof(buf);
	if (!r(30))
		rq.flags = RDMARPC_RECV_F_ALL + 1;
	else if (!r(4))
		rq.flags = RDMARPC_RECV_F_WHOLE;	/* big ones stay queued */
	ret = xioctl(c->fd, RDMARPC_IOC_RECV, &rq);
	if (account(OP_RECV, ret, NULL))
		goto reply_junk;
	if (!r(20) && c->nheld < 16) {
		c->held[c->nheld++] = rq.id;	/* answered at close or later */
		return;
	}
	if (!r(4)) {
		/* What a handler asks before it answers: its caller's state. */
		memset(&st, 0, sizeof(st));
		st.size = r(20) ? sizeof(st) : sizeof(st) - 8;
		st.id = r(10) ? rq.id : rnd();
		account(OP_REQ_STATE,
			xioctl(c->fd, RDMARPC_IOC_REQ_STATE, &st), NULL);
	}
	memset(&rp, 0, sizeof(rp));
	rp.size = sizeof(rp);
	rp.id = rq.id;
	rp.buf = (uintptr_t)buf;
	rp.len = rq.len > sizeof(buf) ? 0 : rq.len;
	account(OP_REPLY, xioctl(c->fd, RDMARPC_IOC_REPLY, &rp), NULL);
	return;

reply_junk:
	if (r(4))
		return;
	memset(&rp, 0, sizeof(rp));
	rp.size = r(10) ? sizeof(rp) : 0;
	if (c->nheld && r(2)) {
		/* No bytes back: a status, so that the caller does not check. */
		rp.id = c->held[--c->nheld];
		rp.status = 1 + (int32_t)r(1000);
	} else {
		rp.id = rnd();
	}
	account(OP_REPLY, xioctl(c->fd, RDMARPC_IOC_REPLY, &rp), NULL);
}

static void do_batches(void)
{
	struct cep *c = pick_cep();
	/* Room for every request pick_size() makes: each is echoed. */
	static unsigned char bufs[8][160 * 1024];
	struct rdmarpc_request rq[8];
	struct rdmarpc_reply rp[8];
	struct rdmarpc_batch b;
	uint32_t n = 1 + r(8);
	int ret;

	if (!c)
		return;
	for (uint32_t i = 0; i < n; i++) {
		rdmarpc_request_prep(&rq[i], bufs[i], sizeof(bufs[i]));
		if (!r(40))
			rq[i].size = 0;			/* EINVAL */
	}
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = n;
	b.entries = (uintptr_t)rq;
	b.min_complete = r(n + 1);
	b.timeout_ms = r(2) ? 0 : r(30);
	if (!r(30))
		b.min_complete = n + 1;
	ret = xioctl(c->fd, RDMARPC_IOC_RECV_BATCH, &b);
	account(OP_RECV_BATCH, ret, NULL);
	if (b.done > n) {
		violation("RECV_BATCH: done %u of %u", b.done, n);
		return;
	}
	for (uint32_t i = 0; i < b.done; i++)
		rdmarpc_reply_prep(&rp[i], rq[i].id, 0, bufs[i],
				   rq[i].len > sizeof(bufs[i]) ? 0 : rq[i].len);
	n = b.done;
	if (!r(10) && n < 8) {
		/* An unknown id last: -ENOENT with the others answered. */
		rdmarpc_reply_prep(&rp[n++], rnd(), 0, NULL, 0);
	}
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = n;
	b.entries = (uintptr_t)rp;
	ret = xioctl(c->fd, RDMARPC_IOC_REPLY_BATCH, &b);
	account(OP_REPLY_BATCH, ret, NULL);
}

static void do_busy_poll(void)
{
	struct cep *c = pick_cep();
	uint32_t us = r(3) ? r(200) : r(3) ? 0 : 10000 + r(100000);

	if (!c)
		return;
	account(OP_BUSY_POLL, xioctl(c->fd, RDMARPC_IOC_BUSY_POLL,
				     r(40) ? (void *)&us : (void *)8), NULL);
}

/*
 * Shared rings on an endpoint of their own: a setup (sometimes refused),
 * calls to the echo peer and to junk handles placed in the submission
 * ring, a wait for some of their completions, and a close that may come
 * with calls still in flight and the rings still mapped.
 */
static void do_ring(void)
{
	static unsigned char req[4][64], resp[4][64];
	struct rdmarpc_completion *cq, comp;
	struct rdmarpc_ring_setup rs;
	struct rdmarpc_ring_enter re;
	struct rdmarpc_ring_hdr *h;
	struct rdmarpc_connect cn;
	struct rdmarpc_call *sq;
	uint32_t n, head;
	void *map;
	int fd, ret;

	fd = open("/dev/" RDMARPC_DEV_NAME, O_RDWR | O_CLOEXEC);
	if (account(OP_OPEN, fd < 0 ? -errno : 0, "(ring)"))
		return;
	memset(&rs, 0, sizeof(rs));
	rs.size = sizeof(rs);
	rs.sq_entries = r(10) ? 1u << r(4) : r(9000);
	rs.cq_entries = r(3) ? 0 : 1u << r(6);
	/* Either way of serving them, now and then a flag there is not. */
	rs.flags = r(2) ? RDMARPC_RING_SETUP_THREAD : 0;
	if (!r(16))
		rs.flags |= 1u << (1 + r(31));
	if (account(OP_RING_SETUP, xioctl(fd, RDMARPC_IOC_RING_SETUP, &rs),
		    NULL))
		goto out_close;
	map = mmap(NULL, rs.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		violation("mmap of the rings: %s", strerror(errno));
		goto out_close;
	}
	h = map;
	sq = (struct rdmarpc_call *)((char *)map + h->sq_off);
	cq = (struct rdmarpc_completion *)((char *)map + h->cq_off);
	memset(&cn, 0, sizeof(cn));
	cn.size = sizeof(cn);
	cn.timeout_ms = 5000;
	snprintf(cn.peer, sizeof(cn.peer), "%s", cfg.peer);
	ret = xioctl(fd, RDMARPC_IOC_CONNECT, &cn);
	account(OP_CONNECT, ret, "(ring)");
	n = 1 + r(h->sq_entries < 4 ? h->sq_entries : 4);
	for (uint32_t i = 0; i < n; i++) {
		memset(req[i], (int)r(256), sizeof(req[i]));
		rdmarpc_call_prep(&sq[i & (h->sq_entries - 1)],
				  ret || !r(4) ? (int)r(4) + 100 :
						 (int)cn.handle,
				  cfg.method, i, req[i], 1 + r(64), resp[i],
				  sizeof(resp[i]), 1 + r(3000));
	}
	__atomic_store_n(&h->sq_tail, n, __ATOMIC_RELEASE);
	memset(&re, 0, sizeof(re));
	re.size = sizeof(re);
	re.min_complete = r(n + 1);
	re.timeout_ms = r(3) ? r(50) : 3000;
	account(OP_RING_ENTER, xioctl(fd, RDMARPC_IOC_RING_ENTER, &re), NULL);
	head = 0;
	while (head != __atomic_load_n(&h->cq_tail, __ATOMIC_ACQUIRE)) {
		comp = cq[head & (h->cq_entries - 1)];
		if (comp.cookie >= n)
			violation("ring completion: cookie %llu of %u calls",
				  (unsigned long long)comp.cookie, n);
		account(OP_RING_COMP, comp.error, NULL);
		head++;
	}
	__atomic_store_n(&h->cq_head, head, __ATOMIC_RELEASE);
	/* Unmapped before or after the close: the last of the two ends it. */
	if (r(2)) {
		munmap(map, rs.map_len);
		close(fd);
	} else {
		close(fd);
		munmap(map, rs.map_len);
	}
	return;

out_close:
	close(fd);
}

static void do_nop_or_unknown(void)
{
	struct cep *c = pick_cep();
	unsigned char buf[256];

	if (!c)
		return;
	if (r(2)) {
		account(OP_NOP, xioctl(c->fd, RDMARPC_IOC_NOP, NULL), NULL);
		return;
	}
	memset(buf, 0, sizeof(buf));
	account(OP_UNKNOWN_IOCTL,
		xioctl(c->fd, _IOC(r(4), RDMARPC_IOC_MAGIC,
				   _IOC_NR(RDMARPC_IOC_RING_ENTER) + 1 + r(200),
				   r(256)), buf), NULL);
}

static void do_close(void)
{
	struct cep *c = &ceps[r(ST_EPS)];
	int n = 0;

	if (c->fd < 0)
		return;
	for (int i = 0; i < ST_PEND; i++)
		n += c->pend[i].used;
	n += c->nheld;
	cep_close(c);
	if (n)
		__atomic_fetch_add(&sh->ok[OP_CLOSE_INFLIGHT], 1,
				   __ATOMIC_RELAXED);
}

static void chaos_worker(void)
{
	for (int i = 0; i < ST_EPS; i++) {
		ceps[i].fd = -1;
		cep_close(&ceps[i]);
	}
	while (!sh->stop) {
		switch (r(41)) {
		case 0 ... 4: do_connect(); break;
		case 5 ... 9: do_call(); break;
		case 10 ... 16: do_submit(); break;
		case 17 ... 23: do_reap(); break;
		case 24 ... 25: do_cancel(); break;
		case 26 ... 27: do_bind(); break;
		case 28 ... 32: do_recv(); break;
		case 33 ... 35: do_batches(); break;
		case 36: do_busy_poll(); break;
		case 37 ... 38: do_nop_or_unknown(); break;
		case 39: do_ring(); break;
		default: do_close(); break;
		}
	}
	exit(0);
}

/* ---- netlink ---- */

#define PB(a) RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_##a)
#define FAULT_BITS (PB(FAULT_TX_DROP) | PB(FAULT_RX_DROP) | \
		    PB(FAULT_DUPLICATE) | PB(FAULT_REORDER) | PB(FAULT_CORRUPT))

static struct rdmarpc_nl *nl_get(struct rdmarpc_nl **nl)
{
	if (!*nl && account(OP_NL_OPEN, rdmarpc_nl_open(nl), NULL))
		*nl = NULL;
	return *nl;
}

/* The non-fault parameters (only this worker changes them). */
static bool params_same(const struct rdmarpc_params *a,
			const struct rdmarpc_params *b)
{
	return a->recv_depth == b->recv_depth &&
	       a->send_depth == b->send_depth &&
	       a->gid_index == b->gid_index && a->tcp_port == b->tcp_port &&
	       a->crc == b->crc && a->call_timeout_ms == b->call_timeout_ms &&
	       a->rto_min_us == b->rto_min_us &&
	       a->rto_max_us == b->rto_max_us &&
	       a->max_retries == b->max_retries &&
	       a->heartbeat_ms == b->heartbeat_ms;
}

static void do_param_set(struct rdmarpc_nl *nl)
{
	struct rdmarpc_params cur, p, after;
	int ret;

	if (account(OP_PARAM_GET, rdmarpc_param_get(nl, &cur), NULL))
		return;
	p = cur;
	p.present = 0;
	if (r(2)) {
		/* Valid: depths for ports set up later, the rest as is. */
		static const uint32_t depths[] = { 64, 128, 256, 512 };

		p.recv_depth = depths[r(4)];
		p.send_depth = depths[r(4)];
		p.crc = 1;
		p.present = PB(RECV_DEPTH) | PB(SEND_DEPTH) | PB(CRC) |
			    PB(CALL_TIMEOUT_MS) | PB(RTO_MIN_US) |
			    PB(RTO_MAX_US) | PB(MAX_RETRIES) |
			    PB(HEARTBEAT_MS) | PB(GID_INDEX) | PB(TCP_PORT);
		account(OP_PARAM_SET, rdmarpc_param_set(nl, &p), NULL);
		return;
	}
	/* One value out of range among valid ones: nothing applies. */
	p.present = PB(RECV_DEPTH) | PB(SEND_DEPTH);
	p.recv_depth = 64 << r(3);
	p.send_depth = 64 << r(3);
	switch (r(12)) {
	case 0: p.recv_depth = r(2) ? 15 : 8193; break;
	case 1: p.send_depth = r(2) ? 0 : UINT32_MAX; break;
	case 2: p.call_timeout_ms = r(2) ? 0 : 3600001;
		p.present |= PB(CALL_TIMEOUT_MS); break;
	case 3: p.rto_min_us = 9; p.present |= PB(RTO_MIN_US); break;
	case 4: p.rto_max_us = 60000001; p.present |= PB(RTO_MAX_US); break;
	case 5: p.max_retries = r(2) ? 0 : 1001;
		p.present |= PB(MAX_RETRIES); break;
	case 6: p.heartbeat_ms = r(2) ? 5 : 600001;
		p.present |= PB(HEARTBEAT_MS); break;
	case 7: p.crc = 2; p.present |= PB(CRC); break;
	case 8: p.tcp_port = 0; p.present |= PB(TCP_PORT); break;
	case 9: p.rto_min_us = 2000000; p.rto_max_us = 1000;
		p.present |= PB(RTO_MIN_US) | PB(RTO_MAX_US); break;
	case 10: p.gid_index = -2 - (int)r(100); p.present |= PB(GID_INDEX);
		break;
	default: p.fault_corrupt = 1000001 + r(1000);
		p.present |= PB(FAULT_CORRUPT); break;
	}
	ret = rdmarpc_param_set(nl, &p);
	account(OP_PARAM_SET_BAD, ret, NULL);
	if (!ret)
		violation("PARAM_SET accepted an out-of-range value");
	if (!rdmarpc_param_get(nl, &after) && !params_same(&cur, &after)) {
		__atomic_fetch_add(&sh->partial_param_sets, 1,
				   __ATOMIC_RELAXED);
		violation("PARAM_SET refused (%s) but changed parameters",
			  errname(ret));
	}
}

static void do_peer_add(struct rdmarpc_nl *nl)
{
	struct rdmarpc_peer_config pc;

	memset(&pc, 0, sizeof(pc));
	snprintf(pc.name, sizeof(pc.name), "stress.p%u", r(ST_PEERS));
	pc.crc = r(2) ? -1 : 1;		/* CRC stays on: replies are checked */
	pc.cc = (int8_t)((int)r(3) - 1);	/* the default, AIMD or delay */
	switch (r(4)) {
	case 0:
		rdmarpc_parse_addr(cfg.peer, &pc.ipv4, &pc.tcp_port);
		break;
	case 1:
		rdmarpc_parse_addr(cfg.dead_peer, &pc.ipv4, &pc.tcp_port);
		break;
	case 2:
		pc.ipv4 = htonl(0x0a4d0900 | r(256));	/* 10.77.9.x */
		break;
	default:
		/* Invalid: empty name, address 0 or broadcast. */
		if (r(2))
			pc.name[0] = '\0';
		pc.ipv4 = r(2) ? 0 : 0xffffffff;
		break;
	}
	if (r(4) == 0) {
		pc.has_psk = 1;
		fill(pc.psk, sizeof(pc.psk), rnd());
	}
	account(OP_PEER_ADD, rdmarpc_peer_add(nl, &pc), NULL);
}

static void do_peer_del(struct rdmarpc_nl *nl)
{
	char name[RDMARPC_NAME_MAX];

	if (!r(40)) {
		/* The echo's own on-demand peer: its calls fail, it recovers. */
		struct rdmarpc_params p;

		if (rdmarpc_param_get(nl, &p))
			return;
		snprintf(name, sizeof(name), "%s:%u", cfg.peer, p.tcp_port);
	} else if (!r(10)) {
		snprintf(name, sizeof(name), r(2) ? "stress.nosuch" : "");
	} else {
		snprintf(name, sizeof(name), "stress.p%u", r(ST_PEERS));
	}
	account(OP_PEER_DEL, rdmarpc_peer_del(nl, name), name);
}

static void nl_worker(void)
{
	struct rdmarpc_nl *nl = NULL;

	while (!sh->stop) {
		int ret = 0;

		if (!nl_get(&nl)) {
			msleep(200);
			continue;
		}
		switch (r(10)) {
		case 0: {
			struct rdmarpc_dev *d = NULL;
			size_t n = 0;

			ret = rdmarpc_dev_list(nl, r(3) ? NULL : r(2) ?
					       cfg.ibdev : "nosuchdev", &d, &n);
			account(OP_DEV_GET, ret, NULL);
			if (!ret)
				rdmarpc_dev_list_free(d, n);
			break;
		}
		case 1: {
			struct rdmarpc_params p;

			account(OP_PARAM_GET, rdmarpc_param_get(nl, &p), NULL);
			break;
		}
		case 2:
			do_param_set(nl);
			break;
		case 3:
			do_peer_add(nl);
			break;
		case 4:
			do_peer_del(nl);
			break;
		case 5: {
			struct rdmarpc_peer *p = NULL;
			size_t n;

			ret = rdmarpc_peer_list(nl, &p, &n);
			account(OP_PEER_GET, ret, NULL);
			free(ret ? NULL : p);
			break;
		}
		case 6: {
			struct rdmarpc_session *s = NULL;
			size_t n;

			ret = rdmarpc_session_list(nl, &s, &n);
			account(OP_SESSION_GET, ret, NULL);
			free(ret ? NULL : s);
			break;
		}
		case 7: {
			struct rdmarpc_module_stats st;

			account(OP_STATS_GET, rdmarpc_stats_get(nl, &st), NULL);
			break;
		}
		default: {
			struct rdmarpc_loopback_result res;
			uint32_t count = 1 + r(64), size = 16 + r(1000);
			const char *dev = cfg.ibdev;

			switch (r(10)) {
			case 0: count = 0; break;
			case 1: size = r(16); break;
			case 2: dev = "nosuchdev"; break;
			default: break;
			}
			account(OP_LOOPBACK, rdmarpc_loopback(nl, dev, 1, count,
							      size, &res),
				NULL);
			break;
		}
		}
		msleep(r(50));
	}
	rdmarpc_nl_close(nl);
	exit(0);
}

static void faults_worker(void)
{
	struct rdmarpc_nl *nl = NULL;
	bool on = false;

	while (!sh->stop) {
		struct rdmarpc_params p;

		msleep(on ? 1000 + r(4000) : 2000 + r(8000));
		if (!nl_get(&nl))
			continue;
		memset(&p, 0, sizeof(p));
		p.present = FAULT_BITS;
		on = !on;
		if (on) {
			p.fault_tx_drop = r(3) ? r(50001) : 0;
			p.fault_rx_drop = r(3) ? r(20001) : 0;
			p.fault_duplicate = r(2) ? r(10001) : 0;
			p.fault_reorder = r(2) ? r(50001) : 0;
			p.fault_corrupt = r(2) ? r(2001) : 0;
		}
		account(OP_FAULTS, rdmarpc_param_set(nl, &p), NULL);
	}
	rdmarpc_nl_close(nl);
	exit(0);
}

/* ---- device hotplug ---- */

static bool dev_exists(void)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/class/infiniband/%s", cfg.ibdev);
	return !stat(path, &st);
}

/* Run argv with a bound; its status, -1 if it hung (then killed). */
static int run_bounded(char *const argv[], unsigned int secs, double *took)
{
	int64_t t0 = now_ns();
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		dup2(fd, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (now_ns() - t0 > (int64_t)secs * 1000000000) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			status = -1;
			break;
		}
		msleep(20);
	}
	*took = (double)(now_ns() - t0) / 1e9;
	if (status == -1)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int link_cmd(bool add)
{
	char *del[] = { "rdma", "link", "delete", (char *)cfg.ibdev, NULL };
	char *addv[] = { "rdma", "link", "add", (char *)cfg.ibdev, "type",
			 "rxe", "netdev", (char *)cfg.netdev, NULL };
	enum op op = add ? OP_LINK_ADD : OP_LINK_DEL;
	double took;
	int rc = run_bounded(add ? addv : del, 120, &took);

	if (rc == -1) {
		__atomic_fetch_add(&sh->hung_link_cmds, 1, __ATOMIC_RELAXED);
		violation("%s did not finish in 120 s", ops[op].name);
		return -1;
	}
	if (rc) {
		__atomic_fetch_add(&sh->err[op][0], 1, __ATOMIC_RELAXED);
		fprintf(stderr, "stress: %s: exit %d after %.1f s\n",
			ops[op].name, rc, took);
		return -1;
	}
	__atomic_fetch_add(&sh->ok[op], 1, __ATOMIC_RELAXED);
	if (took > 30)
		fprintf(stderr, "stress: %s took %.1f s\n", ops[op].name,
			took);
	return 0;
}

static void dev_add_back(void)
{
	if (!dev_exists() && link_cmd(true) && !dev_exists())
		return;
	sh->dev_back_ns = now_ns();
	sh->dev_present = 1;
}

static void hotplug_worker(void)
{
	while (!sh->stop) {
		unsigned int up = 10000 + r(30000), down = 500 + r(5000);

		for (unsigned int t = 0; t < up && !sh->stop; t += 100)
			msleep(100);
		if (sh->stop)
			break;
		sh->dev_present = 0;
		link_cmd(false);
		__atomic_fetch_add(&sh->link_cycles, 1, __ATOMIC_RELAXED);
		msleep(down);
		dev_add_back();
	}
	exit(0);
}

/* ---- the parent ---- */

enum role { R_ECHO, R_NL, R_FAULTS, R_HOTPLUG, R_CHAOS };
static const char *const role_names[] = { "echo", "netlink", "faults",
					  "hotplug", "chaos" };

struct worker {
	enum role role;
	int idx;
	unsigned int incarnation;
	pid_t pid;
};

static struct worker workers[MAX_WORKERS];
static int nworkers;

static void spawn(struct worker *w)
{
	uint64_t s = cfg.seed ^ ((uint64_t)w->role << 56) ^
		     ((uint64_t)w->idx << 40) ^ w->incarnation;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("stress: fork");
		return;
	}
	if (pid) {
		w->pid = pid;
		return;
	}
	rs = splitmix(&s);
	widx = w->idx;
	{
		static char name[48];

		snprintf(name, sizeof(name), "%s %d#%u (seed %#" PRIx64 ")",
			 role_names[w->role], w->idx, w->incarnation, rs);
		me = name;
	}
	signal(SIGPIPE, SIG_IGN);
	switch (w->role) {
	case R_ECHO: echo_worker(); break;
	case R_NL: nl_worker(); break;
	case R_FAULTS: faults_worker(); break;
	case R_HOTPLUG: hotplug_worker(); break;
	case R_CHAOS: chaos_worker(); break;
	}
	exit(0);
}

static void reap_children(bool respawn)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < nworkers; i++) {
			struct worker *w = &workers[i];

			if (w->pid != pid)
				continue;
			w->pid = 0;
			if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
				violation("%s %d: out of memory",
					  role_names[w->role], w->idx);
			else if (WIFSIGNALED(status) &&
				 WTERMSIG(status) != SIGKILL)
				violation("%s %d#%u died of signal %d (%s)",
					  role_names[w->role], w->idx,
					  w->incarnation, WTERMSIG(status),
					  strsignal(WTERMSIG(status)));
			if (respawn && !sh->stop) {
				w->incarnation++;
				spawn(w);
			}
		}
	}
}

static void add_worker(enum role role, int idx)
{
	struct worker *w = &workers[nworkers++];

	w->role = role;
	w->idx = idx;
	spawn(w);
}

static void print_summary(double secs, double max_stall)
{
	printf("stress: summary after %.0f s (seed %#" PRIx64 ")\n", secs,
	       cfg.seed);
	for (int op = 0; op < OP_MAX; op++) {
		uint64_t tot = sh->ok[op];
		char line[1024];
		int n = 0;

		line[0] = '\0';
		for (int e = 0; e < MAX_ERRNO; e++) {
			if (!sh->err[op][e])
				continue;
			tot += sh->err[op][e];
			n += snprintf(line + n, sizeof(line) - (size_t)n,
				      " %s %" PRIu64, e ? errname(e) : "failed",
				      sh->err[op][e]);
			if (n >= (int)sizeof(line))
				break;
		}
		if (tot)
			printf("stress:   %-16s %8" PRIu64 ": ok %" PRIu64
			       "%s\n", ops[op].name, tot, sh->ok[op], line);
	}
	printf("stress: verified echoes %" PRIu64 " (echo worker) + %" PRIu64
	       " (chaos workers), wrong payloads %" PRIu64 "\n", sh->verified,
	       sh->verified_other, sh->mismatches);
	printf("stress: device cycles %" PRIu64 ", workers killed %" PRIu64
	       ", longest echo stall with the device present %.1f s "
	       "(bound %u s)\n", sh->link_cycles, sh->kills, max_stall,
	       cfg.stall_secs);
	printf("stress: violations %" PRIu64 "\n", sh->violations);
	for (int i = 0; i < sh->nviol && i < MAX_VIOLATIONS; i++)
		printf("stress:   %s\n", sh->viol[i]);
}

/*
 * After the run, leave the module as the run found it: without the peers
 * it added, and with the port set up again if its queue depths are not the
 * restored parameters' (PARAM_SET applies them to ports set up later).
 */
static void restore(struct rdmarpc_nl *nl, const struct rdmarpc_params *p)
{
	struct rdmarpc_dev *devs = NULL;
	char name[RDMARPC_NAME_MAX];
	bool again = false;
	size_t n = 0, i;
	int ret;

	for (i = 0; i < ST_PEERS; i++) {
		snprintf(name, sizeof(name), "stress.p%zu", i);
		ret = rdmarpc_peer_del(nl, name);
		if (ret && ret != -ENOENT)
			violation("deleting peer %s after the run: %s", name,
				  errname(ret));
	}
	if (!dev_exists())
		return;
	ret = rdmarpc_dev_list(nl, cfg.ibdev, &devs, &n);
	if (ret) {
		violation("listing %s after the run: %s", cfg.ibdev,
			  errname(ret));
		return;
	}
	for (i = 0; i < n; i++)
		if (RDMARPC_HAS(&devs[i], RDMARPC_A_RECV_DEPTH) &&
		    (devs[i].recv_depth != p->recv_depth ||
		     devs[i].send_depth != p->send_depth))
			again = true;
	rdmarpc_dev_list_free(devs, n);
	if (again)
		link_cmd(false);
}

/* After the run: one more echo, bounded, with everything back to normal. */
static bool final_echo(void)
{
	int64_t end = now_ns() + (int64_t)cfg.stall_secs * 1000000000;
	unsigned char req[100], resp[100];

	fill(req, sizeof(req), cfg.seed);
	while (now_ns() < end) {
		struct rdmarpc *ep;
		size_t got = 0;
		int32_t st = 0;
		int h, ret;

		if (rdmarpc_open(&ep)) {
			msleep(500);
			continue;
		}
		h = rdmarpc_connect(ep, cfg.peer, 5000);
		ret = h < 0 ? h : rdmarpc_call(ep, h, cfg.method, req,
					       sizeof(req), resp, sizeof(resp),
					       &got, &st, 5000);
		rdmarpc_close(ep);
		if (!ret && !st && got == sizeof(req) &&
		    !memcmp(req, resp, sizeof(req)))
			return true;
		printf("stress: final echo: %s\n", errname(ret));
		msleep(500);
	}
	return false;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: stress --peer IP --self IP [--service NAME] "
		"[--seconds N] [--seed S]\n"
		"              [--workers N] [--ibdev DEV] [--netdev NETDEV] "
		"[--no-hotplug] [--stall-secs N]\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "peer", required_argument, NULL, 'p' },
		{ "self", required_argument, NULL, 'S' },
		{ "service", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 'r' },
		{ "workers", required_argument, NULL, 'w' },
		{ "ibdev", required_argument, NULL, 'd' },
		{ "netdev", required_argument, NULL, 'n' },
		{ "no-hotplug", no_argument, NULL, 'H' },
		{ "stall-secs", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct rdmarpc_params saved;
	struct rdmarpc_nl *nl = NULL;
	bool have_seed = false, ok;
	int64_t t0, end, next_kill, next_report;
	double max_stall = 0;
	uint64_t ms;
	int opt, i;

	cfg = (struct cfg){ .service = "stress.echo", .seconds = 60,
			    .workers = 4, .ibdev = "rxe0", .netdev = "veth0",
			    .hotplug = true, .stall_secs = 60 };
	while ((opt = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (opt) {
		case 'p': cfg.peer = optarg; break;
		case 'S': cfg.self = optarg; break;
		case 's': cfg.service = optarg; break;
		case 't': cfg.seconds = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'r': cfg.seed = strtoull(optarg, NULL, 0);
			have_seed = true; break;
		case 'w': cfg.workers = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'd': cfg.ibdev = optarg; break;
		case 'n': cfg.netdev = optarg; break;
		case 'H': cfg.hotplug = false; break;
		case 'b': cfg.stall_secs = (unsigned int)strtoul(optarg, NULL,
								  0);
			break;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !cfg.peer || !cfg.seconds || !cfg.workers ||
	    cfg.workers > MAX_WORKERS - 4 || !cfg.stall_secs) {
		usage(stderr);
		return 2;
	}
	if (!cfg.self)
		cfg.self = cfg.peer;
	if (!have_seed) {
		uint64_t s = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);

		cfg.seed = splitmix(&s);
	}
	snprintf(cfg.dead_peer, sizeof(cfg.dead_peer), "%s:1", cfg.peer);
	cfg.method = rdmarpc_method_id(cfg.service);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("stress: seed %#" PRIx64 " (replay: --seed %#" PRIx64 "), %u s, "
	       "%u chaos workers, peer %s, self %s, service %s, device %s on "
	       "%s%s\n", cfg.seed, cfg.seed, cfg.seconds, cfg.workers,
	       cfg.peer, cfg.self, cfg.service, cfg.ibdev, cfg.netdev,
	       cfg.hotplug ? "" : ", no hotplug");

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("stress: mmap");
		return 1;
	}
	memset(sh, 0, sizeof(*sh));
	if (rdmarpc_nl_open(&nl) || rdmarpc_param_get(nl, &saved)) {
		fprintf(stderr, "stress: module not loaded?\n");
		return 1;
	}
	rs = cfg.seed;
	sh->dev_present = dev_exists();
	t0 = now_ns();
	sh->dev_back_ns = t0;
	sh->last_echo_ns = t0;

	add_worker(R_ECHO, 0);
	add_worker(R_NL, 0);
	add_worker(R_FAULTS, 0);
	if (cfg.hotplug)
		add_worker(R_HOTPLUG, 0);
	for (i = 0; i < (int)cfg.workers; i++)
		add_worker(R_CHAOS, i);

	end = t0 + (int64_t)cfg.seconds * 1000000000;
	next_kill = t0 + (1000 + r(4000)) * 1000000LL;
	next_report = t0 + 30000000000LL;
	while (now_ns() < end) {
		int64_t now = now_ns(), since;

		msleep(50);
		reap_children(true);
		/* The echo stalls only while the device is there. */
		since = sh->last_echo_ns > sh->dev_back_ns ?
			sh->last_echo_ns : sh->dev_back_ns;
		if (sh->dev_present && now - since > 0 &&
		    (double)(now - since) / 1e9 > max_stall)
			max_stall = (double)(now - since) / 1e9;
		if (now >= next_kill) {
			struct worker *w = &workers[r((uint32_t)nworkers)];

			if (w->pid && (w->role == R_ECHO || w->role == R_NL ||
				       w->role == R_CHAOS)) {
				kill(w->pid, SIGKILL);
				__atomic_fetch_add(&sh->kills, 1,
						   __ATOMIC_RELAXED);
			}
			next_kill = now + (1000 + r(4000)) * 1000000LL;
		}
		if (now >= next_report) {
			printf("stress: %3.0f s: %" PRIu64 " verified echoes "
			       "(+%" PRIu64 "), device %s, %" PRIu64
			       " cycles, %" PRIu64 " kills, %" PRIu64
			       " violations\n", (double)(now - t0) / 1e9,
			       sh->verified, sh->verified_other,
			       sh->dev_present ? "present" : "absent",
			       sh->link_cycles, sh->kills, sh->violations);
			next_report += 30000000000LL;
		}
	}

	/* Stop: workers leave their loops; stragglers are killed. */
	sh->stop = 1;
	for (ms = 0; ms < 60000; ms += 50) {
		bool any = false;

		reap_children(false);
		for (i = 0; i < nworkers; i++)
			any |= workers[i].pid != 0;
		if (!any)
			break;
		if (ms == 20000)
			for (i = 0; i < nworkers; i++)
				if (workers[i].pid &&
				    workers[i].role != R_HOTPLUG)
					kill(workers[i].pid, SIGKILL);
		msleep(50);
	}
	for (i = 0; i < nworkers; i++) {
		if (workers[i].pid) {
			violation("%s worker did not stop",
				  role_names[workers[i].role]);
			kill(workers[i].pid, SIGKILL);
		}
	}
	while (wait(NULL) > 0)
		;
	me = "parent";
	if (rdmarpc_param_set(nl, &saved))
		violation("restoring the parameters failed");
	restore(nl, &saved);
	rdmarpc_nl_close(nl);
	if (!dev_exists()) {
		dev_add_back();
		sh->last_echo_ns = now_ns();
	}
	ok = final_echo();
	if (!ok)
		violation("no verified echo within %u s after the run",
			  cfg.stall_secs);

	print_summary((double)(now_ns() - t0) / 1e9, max_stall);
	ok = ok && !sh->violations && !sh->mismatches &&
	     max_stall <= cfg.stall_secs && sh->verified > 0;
	printf("stress: %s (seed %#" PRIx64 ")\n", ok ? "PASS" : "FAIL",
	       cfg.seed);
	return ok ? 0 : 1;
}
