// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The pure parts of the call API: method ids, the ABI structures it fills,
 * argument checks made before any ioctl, address parsing, error strings.
 * Nothing here talks to a module: an endpoint around /dev/null shows that
 * ioctl errors come back as negative errno values.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "internal.h"
#include "unit.h"

static void test_method_id(void)
{
	/* The published FNV-1a 32 test vectors. */
	CHECK_EQ(rdmarpc_method_id(""), 0x811c9dc5u);
	CHECK_EQ(rdmarpc_method_id("a"), 0xe40c292cu);
	CHECK_EQ(rdmarpc_method_id("foobar"), 0xbf9cf968u);
	/* Stable values the examples and the docs rely on. */
	CHECK_EQ(rdmarpc_method_id("echo"), 0xd49dd484u);
	CHECK(rdmarpc_method_id("pkg.Svc/A") != rdmarpc_method_id("pkg.Svc/B"));
	CHECK_EQ(rdmarpc_method_id(NULL), 0x811c9dc5u);
}

static void test_call_prep(void)
{
	char req[3] = "ab", resp[9];
	struct rdmarpc_call c;

	memset(&c, 0xff, sizeof(c));
	rdmarpc_call_prep(&c, 4, 0x1234, 0xfeedULL, req, sizeof(req), resp,
			  sizeof(resp), 250);
	CHECK_EQ(c.handle, 4);
	CHECK_EQ(c.method, 0x1234);
	CHECK_EQ(c.cookie, 0xfeed);
	CHECK_EQ(c.req, (uint64_t)(uintptr_t)req);
	CHECK_EQ(c.req_len, 3);
	CHECK_EQ(c.resp, (uint64_t)(uintptr_t)resp);
	CHECK_EQ(c.resp_cap, 9);
	CHECK_EQ(c.timeout_ms, 250);
	CHECK_EQ(c.flags, 0);
	CHECK_EQ(rr_call_check(&c), 0);

	/* Zero-length request and response: no buffers needed. */
	rdmarpc_call_prep(&c, 0, 1, 0, NULL, 0, NULL, 0, 0);
	CHECK_EQ(rr_call_check(&c), 0);
	/* Bytes without a buffer, a negative handle, unknown flags. */
	rdmarpc_call_prep(&c, 0, 1, 0, NULL, 1, NULL, 0, 0);
	CHECK_EQ(rr_call_check(&c), -EINVAL);
	rdmarpc_call_prep(&c, 0, 1, 0, NULL, 0, NULL, 1, 0);
	CHECK_EQ(rr_call_check(&c), -EINVAL);
	rdmarpc_call_prep(&c, -1, 1, 0, NULL, 0, NULL, 0, 0);
	CHECK_EQ(rr_call_check(&c), -EINVAL);
	rdmarpc_call_prep(&c, 0, 1, 0, NULL, 0, NULL, 0, 0);
	c.flags = 1;
	CHECK_EQ(rr_call_check(&c), -EINVAL);
}

static void test_connect_prep(void)
{
	struct rdmarpc_connect c;
	char name[RDMARPC_NAME_MAX + 1];

	CHECK_EQ(rr_connect_prep(&c, "10.0.0.2:18515", 1000), 0);
	CHECK_EQ(c.size, sizeof(c));
	CHECK_EQ(c.flags, 0);
	CHECK_STREQ(c.peer, "10.0.0.2:18515");
	CHECK_EQ(c.timeout_ms, 1000);
	CHECK_EQ(c.handle, 0);
	CHECK_EQ(rr_connect_prep(&c, "", 0), -EINVAL);
	CHECK_EQ(rr_connect_prep(&c, NULL, 0), -EINVAL);
	memset(name, 'p', sizeof(name));
	name[RDMARPC_NAME_MAX - 1] = '\0';	/* 63 characters: fits */
	CHECK_EQ(rr_connect_prep(&c, name, 0), 0);
	CHECK_EQ(c.peer[RDMARPC_NAME_MAX - 1], '\0');
	name[RDMARPC_NAME_MAX - 1] = 'p';
	name[RDMARPC_NAME_MAX] = '\0';		/* 64: too long */
	CHECK_EQ(rr_connect_prep(&c, name, 0), -EINVAL);
}

static void test_bind_prep(void)
{
	const uint32_t ids[2] = { 1, 2 };
	struct rdmarpc_bind b;

	CHECK_EQ(rr_bind_prep(&b, "echo", NULL, 0), 0);
	CHECK_EQ(b.size, sizeof(b));
	CHECK_STREQ(b.name, "echo");
	CHECK_EQ(b.methods, 0);
	CHECK_EQ(b.n_methods, 0);
	CHECK_EQ(b.reserved, 0);
	CHECK_EQ(rr_bind_prep(&b, "kv", ids, 2), 0);
	CHECK_EQ(b.methods, (uint64_t)(uintptr_t)ids);
	CHECK_EQ(b.n_methods, 2);
	CHECK_EQ(rr_bind_prep(&b, "kv", NULL, 2), -EINVAL);
	CHECK_EQ(rr_bind_prep(&b, "", NULL, 0), -EINVAL);
	CHECK_EQ(rr_bind_prep(&b, NULL, NULL, 0), -EINVAL);
}

static void test_batch_prep(void)
{
	struct rdmarpc_request r;
	struct rdmarpc_reply rep;
	char buf[8];

	memset(&r, 0xff, sizeof(r));
	rdmarpc_request_prep(&r, buf, sizeof(buf));
	CHECK_EQ(r.size, sizeof(r));
	CHECK_EQ(r.timeout_ms, 0);
	CHECK_EQ(r.buf, (uint64_t)(uintptr_t)buf);
	CHECK_EQ(r.buf_cap, 8);
	CHECK_EQ(r.id, 0);
	CHECK_EQ(r.len, 0);
	CHECK_EQ(r.method, 0);
	CHECK_EQ(r.reserved, 0);
	CHECK_EQ(rr_request_check(&r), 0);
	rdmarpc_request_prep(&r, NULL, 0);
	CHECK_EQ(rr_request_check(&r), 0);
	rdmarpc_request_prep(&r, NULL, 1);
	CHECK_EQ(rr_request_check(&r), -EINVAL);
	rdmarpc_request_prep(&r, buf, 1);
	r.timeout_ms = 5;
	CHECK_EQ(rr_request_check(&r), -EINVAL);
	rdmarpc_request_prep(&r, buf, 1);
	r.reserved = 1;
	CHECK_EQ(rr_request_check(&r), -EINVAL);
	rdmarpc_request_prep(&r, buf, 1);
	r.size = 0;
	CHECK_EQ(rr_request_check(&r), -EINVAL);

	memset(&rep, 0xff, sizeof(rep));
	rdmarpc_reply_prep(&rep, 42, -7, buf, 3);
	CHECK_EQ(rep.size, sizeof(rep));
	CHECK_EQ(rep.status, -7);
	CHECK_EQ(rep.id, 42);
	CHECK_EQ(rep.buf, (uint64_t)(uintptr_t)buf);
	CHECK_EQ(rep.len, 3);
	CHECK_EQ(rr_reply_check(&rep), 0);
	rdmarpc_reply_prep(&rep, 42, 0, NULL, 0);
	CHECK_EQ(rr_reply_check(&rep), 0);
	rdmarpc_reply_prep(&rep, 42, 0, NULL, 1);
	CHECK_EQ(rr_reply_check(&rep), -EINVAL);
}

static void test_wait_ms(void)
{
	CHECK_EQ(rr_wait_ms(-1), 0xffffffffu);
	CHECK_EQ(rr_wait_ms(0), 0);
	CHECK_EQ(rr_wait_ms(1500), 1500);
}

/* The ABI's sizes: the same on every architecture (no implicit padding). */
static void test_abi_sizes(void)
{
	CHECK_EQ(sizeof(struct rdmarpc_connect), 80);
	CHECK_EQ(sizeof(struct rdmarpc_call), 56);
	CHECK_EQ(sizeof(struct rdmarpc_completion), 24);
	CHECK_EQ(sizeof(struct rdmarpc_sync_call), 88);
	CHECK_EQ(sizeof(struct rdmarpc_batch), 32);
	CHECK_EQ(sizeof(struct rdmarpc_bind), 88);
	CHECK_EQ(sizeof(struct rdmarpc_request), 48);
	CHECK_EQ(sizeof(struct rdmarpc_reply), 32);
}

/* Bad arguments are refused before any ioctl; NULL endpoints too. */
static void test_null_and_bad_args(void)
{
	struct rdmarpc_completion comp;
	struct rdmarpc_req_info ri;
	struct rdmarpc_call c;
	size_t len = 99;
	int32_t status = 99;

	CHECK_EQ(rdmarpc_open(NULL), -EINVAL);
	rdmarpc_close(NULL);
	CHECK_EQ(rdmarpc_fd(NULL), -EINVAL);
	CHECK_EQ(rdmarpc_connect(NULL, "a", 0), -EINVAL);
	CHECK_EQ(rdmarpc_call(NULL, 0, 1, NULL, 0, NULL, 0, &len, &status, 0),
		 -EINVAL);
	CHECK_EQ(len, 0);
	CHECK_EQ(status, 0);
	rdmarpc_call_prep(&c, 0, 1, 0, NULL, 0, NULL, 0, 0);
	CHECK_EQ(rdmarpc_submit(NULL, &c, 1), -EINVAL);
	CHECK_EQ(rdmarpc_reap(NULL, &comp, 1, 1, 0), -EINVAL);
	CHECK_EQ(rdmarpc_cancel(NULL, 1), -EINVAL);
	CHECK_EQ(rdmarpc_bind(NULL, "echo", NULL, 0), -EINVAL);
	CHECK_EQ(rdmarpc_recv(NULL, &ri, NULL, 0, 0), -EINVAL);
	CHECK_EQ(rdmarpc_reply(NULL, 1, 0, NULL, 0), -EINVAL);
	CHECK_EQ(rdmarpc_nop(NULL), -EINVAL);
	CHECK_EQ(rdmarpc_recv_batch(NULL, NULL, 1, 0, 0), -EINVAL);
	CHECK_EQ(rdmarpc_reply_batch(NULL, NULL, 0), -EINVAL);
	CHECK_EQ(rdmarpc_busy_poll_set(NULL, 0), -EINVAL);
}

/*
 * An endpoint around /dev/null: argument errors are still the library's,
 * and what reaches the (wrong) device comes back as its -ENOTTY.
 */
static void test_errors_pass_through(void)
{
	struct rdmarpc_completion comp[2];
	struct rdmarpc_request rq[2];
	struct rdmarpc_reply rp[2];
	struct rdmarpc_req_info ri;
	struct rdmarpc_call c[2];
	struct rdmarpc *ep;
	char buf[4];
	int fd;

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_EQ(rr_ep_wrap(fd, &ep), 0);
	CHECK_EQ(rdmarpc_fd(ep), fd);

	CHECK_EQ(rdmarpc_nop(ep), -ENOTTY);
	CHECK_EQ(rdmarpc_connect(ep, "10.0.0.2", 0), -ENOTTY);
	CHECK_EQ(rdmarpc_connect(ep, "", 0), -EINVAL);
	CHECK_EQ(rdmarpc_call(ep, 0, 1, buf, 4, buf, 4, NULL, NULL, 0),
		 -ENOTTY);
	CHECK_EQ(rdmarpc_call(ep, 0, 1, NULL, 4, buf, 4, NULL, NULL, 0),
		 -EINVAL);
	CHECK_EQ(rdmarpc_call(ep, -3, 1, NULL, 0, NULL, 0, NULL, NULL, 0),
		 -EINVAL);

	rdmarpc_call_prep(&c[0], 0, 1, 1, buf, 4, buf, 4, 0);
	rdmarpc_call_prep(&c[1], 0, 1, 2, NULL, 4, buf, 4, 0);
	CHECK_EQ(rdmarpc_submit(ep, c, 0), 0);
	CHECK_EQ(rdmarpc_submit(ep, NULL, 1), -EINVAL);
	CHECK_EQ(rdmarpc_submit(ep, &c[1], 1), -EINVAL);
	CHECK_EQ(rdmarpc_submit(ep, c, 2), -ENOTTY);

	CHECK_EQ(rdmarpc_reap(ep, comp, 0, 0, 0), -EINVAL);
	CHECK_EQ(rdmarpc_reap(ep, comp, 2, 3, 0), -EINVAL);
	CHECK_EQ(rdmarpc_reap(ep, comp, 2, 1, 0), -ENOTTY);
	CHECK_EQ(rdmarpc_cancel(ep, 1), -ENOTTY);

	CHECK_EQ(rdmarpc_bind(ep, "echo", NULL, 0), -ENOTTY);
	CHECK_EQ(rdmarpc_bind(ep, "", NULL, 0), -EINVAL);
	CHECK_EQ(rdmarpc_recv(ep, &ri, NULL, 4, 0), -EINVAL);
	CHECK_EQ(rdmarpc_recv(ep, NULL, buf, 4, 0), -EINVAL);
	CHECK_EQ(rdmarpc_recv(ep, &ri, buf, 4, 0), -ENOTTY);
	CHECK_EQ(rdmarpc_reply(ep, 1, 0, NULL, 1), -EINVAL);
	CHECK_EQ(rdmarpc_reply(ep, 1, 0, NULL, 0), -ENOTTY);

	rdmarpc_request_prep(&rq[0], buf, sizeof(buf));
	rdmarpc_request_prep(&rq[1], NULL, 4);
	CHECK_EQ(rdmarpc_recv_batch(ep, rq, 0, 0, 0), -EINVAL);
	CHECK_EQ(rdmarpc_recv_batch(ep, NULL, 1, 0, 0), -EINVAL);
	CHECK_EQ(rdmarpc_recv_batch(ep, rq, 1, 2, 0), -EINVAL);
	CHECK_EQ(rdmarpc_recv_batch(ep, &rq[1], 1, 0, 0), -EINVAL);
	CHECK_EQ(rdmarpc_recv_batch(ep, rq, 2, 2, -1), -ENOTTY);
	rdmarpc_reply_prep(&rp[0], 1, 0, buf, 4);
	rdmarpc_reply_prep(&rp[1], 2, 0, NULL, 4);
	CHECK_EQ(rdmarpc_reply_batch(ep, rp, 0), 0);
	CHECK_EQ(rdmarpc_reply_batch(ep, NULL, 1), -EINVAL);
	CHECK_EQ(rdmarpc_reply_batch(ep, &rp[1], 1), -EINVAL);
	CHECK_EQ(rdmarpc_reply_batch(ep, rp, 2), -ENOTTY);
	CHECK_EQ(rdmarpc_busy_poll_set(ep, RDMARPC_BUSY_POLL_MAX_US + 1),
		 -EINVAL);
	CHECK_EQ(rdmarpc_busy_poll_set(ep, 50), -ENOTTY);
	CHECK_EQ(rdmarpc_busy_poll_set(ep, 0), -ENOTTY);
	rdmarpc_close(ep);
}

static void test_parse_addr(void)
{
	uint32_t ip;
	uint16_t port;

	CHECK_EQ(rdmarpc_parse_addr("10.0.0.2", &ip, &port), 0);
	CHECK_EQ(ip, inet_addr("10.0.0.2"));
	CHECK_EQ(port, 0);
	CHECK_EQ(rdmarpc_parse_addr("127.0.0.1:18515", &ip, &port), 0);
	CHECK_EQ(ip, htonl(0x7f000001));
	CHECK_EQ(port, 18515);
	CHECK_EQ(rdmarpc_parse_addr("1.2.3.4:65535", &ip, &port), 0);
	CHECK_EQ(port, 65535);
	CHECK_EQ(rdmarpc_parse_addr("1.2.3.4:65536", &ip, &port), -EINVAL);
	CHECK_EQ(rdmarpc_parse_addr("1.2.3.4:0", &ip, &port), -EINVAL);
	CHECK_EQ(rdmarpc_parse_addr("1.2.3.4:", &ip, &port), -EINVAL);
	CHECK_EQ(rdmarpc_parse_addr("1.2.3.4:+80", &ip, &port), -EINVAL);
	CHECK_EQ(rdmarpc_parse_addr("1.2.3.4:80x", &ip, &port), -EINVAL);
	CHECK_EQ(rdmarpc_parse_addr("1.2.3", &ip, &port), -EINVAL);
	CHECK_EQ(rdmarpc_parse_addr("host", &ip, &port), -EINVAL);
	CHECK_EQ(rdmarpc_parse_addr(":80", &ip, &port), -EINVAL);
	CHECK_EQ(rdmarpc_parse_addr("", &ip, &port), -EINVAL);
	CHECK_EQ(rdmarpc_parse_addr("1.2.3.4.5.6.7.8.9.10.11:1", &ip, &port),
		 -EINVAL);
}

static void test_call_strerror(void)
{
	static const int errs[] = {
		ETIMEDOUT, ECONNRESET, ENODEV, ENOENT, ECANCELED, EMSGSIZE,
		ENOBUFS, ECONNABORTED,
	};
	size_t i, k;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		const char *s = rdmarpc_strerror(-errs[i]);

		/* Our own text, not the C library's. */
		CHECK(strcmp(s, strerrordesc_np(errs[i])));
		for (k = 0; k < i; k++)
			CHECK(strcmp(s, rdmarpc_strerror(-errs[k])));
	}
	CHECK(strstr(rdmarpc_strerror(-ENOENT), "module not loaded"));
	CHECK(strstr(rdmarpc_strerror(-ENOENT), "method"));
	CHECK(strstr(rdmarpc_strerror(-ENOBUFS), "buffer"));
	CHECK_STREQ(rdmarpc_peer_state_str(RDMARPC_PEER_UP), "UP");
	CHECK_STREQ(rdmarpc_peer_state_str(RDMARPC_PEER_FAILED), "FAILED");
	CHECK_STREQ(rdmarpc_peer_state_str(9), "?");
	CHECK_STREQ(rdmarpc_session_role_str(RDMARPC_SESSION_CLIENT),
		    "client");
	CHECK_STREQ(rdmarpc_session_role_str(RDMARPC_SESSION_SERVER),
		    "server");
	CHECK_STREQ(rdmarpc_session_role_str(0), "?");
}

const struct unit_test call_tests[] = {
	{ "method_id", test_method_id },
	{ "call_prep", test_call_prep },
	{ "connect_prep", test_connect_prep },
	{ "bind_prep", test_bind_prep },
	{ "batch_prep", test_batch_prep },
	{ "wait_ms", test_wait_ms },
	{ "abi_sizes", test_abi_sizes },
	{ "null_and_bad_args", test_null_and_bad_args },
	{ "errors_pass_through", test_errors_pass_through },
	{ "parse_addr", test_parse_addr },
	{ "call_strerror", test_call_strerror },
	{ NULL, NULL },
};
