// SPDX-License-Identifier: GPL-2.0
/*
 * fault_probe: one rdmarpc operation with the kernel's fault injection
 * armed for this task only (/proc/self/make-it-fail, with failslab's or
 * fail_page_alloc's task-filter set by the caller), for fault_alloc.sh.
 * What the operation needs first (the file read, an endpoint, a
 * connection, a bound service) is done before arming, and the checks after
 * disarming, so the failures land in the operation's own system call.
 *
 *   fault_probe insmod KO [PARAMS]      finit_module(2)
 *   fault_probe open                    open /dev/rdmarpc
 *   fault_probe connect PEER            CONNECT
 *   fault_probe bind                    BIND with a method list
 *   fault_probe call PEER SERVICE SIZE  CALL to an echo service, and a
 *                                       SUBMIT of 8; replies checked
 *   fault_probe serve SELF              bind, a call to itself (clean),
 *                                       then RECV and REPLY armed
 *   fault_probe netlink PEER            PARAM_GET/SET, PEER_ADD/GET/DEL,
 *                                       DEV_GET, SESSION_GET, STATS_GET
 *
 * Prints one line per step, "STEP: ok" or "STEP: ENAME"; exit 0 if every
 * errno was in the step's set (ENOMEM, or what <rdmarpc.h> documents),
 * 3 if one was not or a reply was wrong, 2 on a usage or set-up error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <librdmarpc.h>

#include "errname.h"

#define DEV_PATH "/dev/" RDMARPC_DEV_NAME

static int bad;

/*
 * Opened once, before the first arming: armed, opening a file may fail
 * too (writing to it allocates nothing), and disarming must not.
 */
static int make_it_fail_fd = -1;

static void arm(int on)
{
	if (make_it_fail_fd < 0)
		make_it_fail_fd = open("/proc/self/make-it-fail", O_WRONLY);
	if (make_it_fail_fd < 0 ||
	    pwrite(make_it_fail_fd, on ? "1" : "0", 1, 0) != 1) {
		perror("fault_probe: /proc/self/make-it-fail");
		exit(2);
	}
}

/* Print the step's result; an errno outside @allowed (0-ended) is bad. */
static int step(const char *what, int ret, ...)
{
	int e = ret < 0 ? -ret : ret, a;
	bool ok = !e || e == ENOMEM;
	va_list ap;

	va_start(ap, ret);
	while ((a = va_arg(ap, int)))
		ok |= a == e;
	va_end(ap);
	printf("%s: %s%s\n", what, errname(e), ok ? "" : " (UNEXPECTED)");
	if (!ok)
		bad = 1;
	return -e;
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

#define CALL_ERRS ETIMEDOUT, ECONNRESET, ENODEV, ENOENT, ECANCELED, \
	EMSGSIZE, ENOBUFS, ECONNABORTED
#define CONNECT_ERRS EINVAL, ETIMEDOUT, ECONNREFUSED, EHOSTUNREACH, ENODEV, \
	EPROTO, EINTR, ECONNRESET, ENOSPC

static int dev_open(void)
{
	int fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("fault_probe: " DEV_PATH);
		exit(2);
	}
	return fd;
}

static int do_connect(int fd, const char *peer, bool armed)
{
	struct rdmarpc_connect c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	snprintf(c.peer, sizeof(c.peer), "%s", peer);
	c.timeout_ms = 10000;
	if (armed)
		arm(1);
	ret = xioctl(fd, RDMARPC_IOC_CONNECT, &c);
	if (armed)
		arm(0);
	return ret ? ret : (int)c.handle;
}

static void fill(unsigned char *p, size_t n, unsigned int tag)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 131 + tag * 17 + (i >> 8));
}

static int probe_call(const char *peer, const char *svc, size_t size)
{
	unsigned char *req = malloc(9 * (size + 1));
	unsigned char *resp = malloc(9 * (size + 1));
	struct rdmarpc_completion comps[8];
	struct rdmarpc_sync_call sc;
	struct rdmarpc_call calls[8];
	struct rdmarpc_batch b;
	int fd = dev_open(), h, ret;
	uint32_t taken, got = 0;

	if (!req || !resp)
		return 2;
	h = do_connect(fd, peer, false);
	if (h < 0) {
		printf("connect (not armed): %s\n", errname(h));
		return 2;
	}
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	fill(req, size, 1);
	rdmarpc_call_prep(&sc.call, h, rdmarpc_method_id(svc), 1, req, size,
			  resp, size, 20000);
	arm(1);
	ret = xioctl(fd, RDMARPC_IOC_CALL, &sc);
	arm(0);
	if (!step("CALL", ret, EINTR, 0) &&
	    !step("CALL completion", sc.comp.error, CALL_ERRS, 0) &&
	    (sc.comp.status || sc.comp.resp_len != size ||
	     memcmp(req, resp, size))) {
		printf("CALL: WRONG REPLY (status %d, %llu bytes)\n",
		       sc.comp.status, (unsigned long long)sc.comp.resp_len);
		bad = 1;
	}

	for (unsigned int i = 0; i < 8; i++) {
		fill(req + (i + 1) * size, size, i + 2);
		rdmarpc_call_prep(&calls[i], h, rdmarpc_method_id(svc), i,
				  req + (i + 1) * size, size,
				  resp + (i + 1) * size, size, 20000);
	}
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = 8;
	b.entries = (uintptr_t)calls;
	arm(1);
	ret = xioctl(fd, RDMARPC_IOC_SUBMIT, &b);
	arm(0);
	step("SUBMIT", ret, EAGAIN, ENOBUFS, 0);
	taken = b.done;
	printf("SUBMIT: %u of 8 taken\n", taken);
	while (got < taken) {
		memset(&b, 0, sizeof(b));
		b.size = sizeof(b);
		b.count = 8;
		b.min_complete = 1;
		b.timeout_ms = 40000;
		b.entries = (uintptr_t)comps;
		ret = xioctl(fd, RDMARPC_IOC_REAP, &b);
		if (ret || !b.done) {
			printf("REAP (not armed): %s after %u of %u: LOST\n",
			       errname(ret), got, taken);
			bad = 1;
			break;
		}
		for (uint32_t i = 0; i < b.done; i++) {
			const struct rdmarpc_completion *c = &comps[i];
			unsigned int k = (unsigned int)c->cookie + 1;

			if (step("completion", c->error, CALL_ERRS, 0))
				continue;
			if (c->status || c->resp_len != size ||
			    memcmp(req + k * size, resp + k * size, size)) {
				printf("completion: WRONG REPLY\n");
				bad = 1;
			}
		}
		got += b.done;
	}
	close(fd);
	return 0;
}

static int probe_serve(const char *self)
{
	static unsigned char buf[4096], rbuf[4096], got[4096];
	char name[RDMARPC_NAME_MAX];
	struct rdmarpc_completion comp;
	struct rdmarpc_request rq;
	struct rdmarpc_reply rp;
	struct rdmarpc_bind bd;
	struct rdmarpc_call call;
	struct rdmarpc_batch b;
	int fd = dev_open(), h, ret;

	snprintf(name, sizeof(name), "fault_probe.%d", (int)getpid());
	memset(&bd, 0, sizeof(bd));
	bd.size = sizeof(bd);
	snprintf(bd.name, sizeof(bd.name), "%s", name);
	h = do_connect(fd, self, false);
	if (xioctl(fd, RDMARPC_IOC_BIND, &bd) || h < 0) {
		printf("bind/connect (not armed) failed: %s\n", errname(h));
		return 2;
	}
	fill(buf, sizeof(buf), 7);
	rdmarpc_call_prep(&call, h, rdmarpc_method_id(name), 42, buf,
			  sizeof(buf), rbuf, sizeof(rbuf), 20000);
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = 1;
	b.entries = (uintptr_t)&call;
	if (xioctl(fd, RDMARPC_IOC_SUBMIT, &b) || b.done != 1) {
		printf("SUBMIT (not armed) failed\n");
		return 2;
	}
	memset(&rq, 0, sizeof(rq));
	rq.size = sizeof(rq);
	rq.timeout_ms = 20000;
	rq.buf = (uintptr_t)got;
	rq.buf_cap = sizeof(got);
	arm(1);
	ret = xioctl(fd, RDMARPC_IOC_RECV, &rq);
	arm(0);
	if (step("RECV", ret, EAGAIN, ETIMEDOUT, EINTR, 0)) {
		/* Not taken: take it now, unarmed. */
		ret = xioctl(fd, RDMARPC_IOC_RECV, &rq);
		if (ret) {
			printf("RECV (not armed): %s: LOST\n", errname(ret));
			return 3;
		}
	}
	memset(&rp, 0, sizeof(rp));
	rp.size = sizeof(rp);
	rp.id = rq.id;
	rp.buf = (uintptr_t)got;
	rp.len = rq.len;
	arm(1);
	ret = xioctl(fd, RDMARPC_IOC_REPLY, &rp);
	arm(0);
	if (step("REPLY", ret, 0)) {
		/* Still ours to answer (or gone: ENOENT). */
		ret = xioctl(fd, RDMARPC_IOC_REPLY, &rp);
		printf("REPLY again (not armed): %s\n", errname(ret));
		if (ret && ret != -ENOENT && ret != -ENOMEM)
			bad = 1;
	}
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = 1;
	b.min_complete = 1;
	b.timeout_ms = 40000;
	b.entries = (uintptr_t)&comp;
	ret = xioctl(fd, RDMARPC_IOC_REAP, &b);
	if (ret || b.done != 1) {
		printf("REAP (not armed): %s: LOST\n", errname(ret));
		return 3;
	}
	if (!step("completion", comp.error, CALL_ERRS, 0) &&
	    (comp.resp_len != sizeof(buf) || memcmp(rbuf, buf, sizeof(buf)))) {
		printf("completion: WRONG REPLY\n");
		bad = 1;
	}
	close(fd);
	return 0;
}

static int probe_netlink(const char *peer)
{
	struct rdmarpc_peer_config pc;
	struct rdmarpc_module_stats st;
	struct rdmarpc_session *ss;
	struct rdmarpc_params p;
	struct rdmarpc_peer *ps;
	struct rdmarpc_dev *d;
	struct rdmarpc_nl *nl;
	size_t n;
	int ret;

	arm(1);
	ret = rdmarpc_nl_open(&nl);
	arm(0);
	if (step("nl open", ret, ENOBUFS, 0) && rdmarpc_nl_open(&nl))
		return 2;
#define NL_STEP(name, call, ...) do {				\
		arm(1);						\
		ret = (call);					\
		arm(0);						\
		step(name, ret, EPROTO, EAGAIN, ENOBUFS, ##__VA_ARGS__, 0); \
	} while (0)
	NL_STEP("PARAM_GET", rdmarpc_param_get(nl, &p));
	if (!ret) {
		p.present = RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_CALL_TIMEOUT_MS);
		NL_STEP("PARAM_SET", rdmarpc_param_set(nl, &p));
	}
	memset(&pc, 0, sizeof(pc));
	snprintf(pc.name, sizeof(pc.name), "fault_probe.%d", (int)getpid());
	pc.crc = -1;
	pc.cc = -1;
	rdmarpc_parse_addr(peer, &pc.ipv4, &pc.tcp_port);
	NL_STEP("PEER_ADD", rdmarpc_peer_add(nl, &pc), EEXIST);
	NL_STEP("PEER_GET", rdmarpc_peer_list(nl, &ps, &n));
	if (!ret)
		free(ps);
	NL_STEP("PEER_DEL", rdmarpc_peer_del(nl, pc.name), ENOENT);
	rdmarpc_peer_del(nl, pc.name);
	NL_STEP("DEV_GET", rdmarpc_dev_list(nl, NULL, &d, &n));
	if (!ret)
		rdmarpc_dev_list_free(d, n);
	NL_STEP("SESSION_GET", rdmarpc_session_list(nl, &ss, &n));
	if (!ret)
		free(ss);
	NL_STEP("STATS_GET", rdmarpc_stats_get(nl, &st));
	rdmarpc_nl_close(nl);
	return 0;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	int ret, fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * Armed, a page fault of our own may fail its allocation (SIGBUS,
	 * seen): fault everything in first, and what is mapped later too.
	 */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		perror("fault_probe: mlockall (page faults may fail while armed)");
	if (!strcmp(op, "insmod") && argc >= 3) {
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[2]);
			return 2;
		}
		arm(1);
		ret = syscall(SYS_finit_module, fd, argc > 3 ? argv[3] : "", 0)
			? -errno : 0;
		arm(0);
		step("insmod", ret, 0);
	} else if (!strcmp(op, "open")) {
		arm(1);
		fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
		ret = fd < 0 ? -errno : 0;
		arm(0);
		step("open", ret, 0);
		if (fd >= 0)
			close(fd);
	} else if (!strcmp(op, "connect") && argc == 3) {
		fd = dev_open();
		ret = do_connect(fd, argv[2], true);
		step("CONNECT", ret < 0 ? ret : 0, CONNECT_ERRS, 0);
		close(fd);
	} else if (!strcmp(op, "bind")) {
		struct rdmarpc_bind bd;
		uint32_t ids[64];

		for (int i = 0; i < 64; i++)
			ids[i] = 0x51000000u + (uint32_t)getpid() * 64 + i;
		fd = dev_open();
		memset(&bd, 0, sizeof(bd));
		bd.size = sizeof(bd);
		snprintf(bd.name, sizeof(bd.name), "fault_probe.%d",
			 (int)getpid());
		bd.methods = (uintptr_t)ids;
		bd.n_methods = 64;
		arm(1);
		ret = xioctl(fd, RDMARPC_IOC_BIND, &bd);
		arm(0);
		step("BIND", ret, 0);
		close(fd);
	} else if (!strcmp(op, "call") && argc == 5) {
		ret = probe_call(argv[2], argv[3], strtoul(argv[4], NULL, 0));
		if (ret)
			return ret;
	} else if (!strcmp(op, "serve") && argc == 3) {
		ret = probe_serve(argv[2]);
		if (ret)
			return ret;
	} else if (!strcmp(op, "netlink") && argc == 3) {
		ret = probe_netlink(argv[2]);
		if (ret)
			return ret;
	} else {
		fprintf(stderr, "Usage: fault_probe insmod KO [PARAMS] | open | "
			"connect PEER | bind | call PEER SERVICE SIZE |\n"
			"                   serve SELF | netlink PEER\n");
		return 2;
	}
	return bad ? 3 : 0;
}
