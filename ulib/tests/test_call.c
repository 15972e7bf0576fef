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
#include "harness.h"

TEST(method_id)
{
	/* The published FNV-1a 32 test vectors. */
	EXPECT_EQ(rdmarpc_method_id(""), 0x811c9dc5u);
	EXPECT_EQ(rdmarpc_method_id("a"), 0xe40c292cu);
	EXPECT_EQ(rdmarpc_method_id("foobar"), 0xbf9cf968u);
	/* Stable values the examples and the docs rely on. */
	EXPECT_EQ(rdmarpc_method_id("echo"), 0xd49dd484u);
	EXPECT_TRUE(rdmarpc_method_id("pkg.Svc/A") !=
		    rdmarpc_method_id("pkg.Svc/B"));
	EXPECT_EQ(rdmarpc_method_id(NULL), 0x811c9dc5u);
}

TEST(call_prep)
{
	char req[3] = "ab", resp[9];
	struct rdmarpc_call c;

	memset(&c, 0xff, sizeof(c));
	rdmarpc_call_prep(&c, 4, 0x1234, 0xfeedULL, req, sizeof(req), resp,
			  sizeof(resp), 250);
	EXPECT_EQ(c.handle, 4);
	EXPECT_EQ(c.method, 0x1234);
	EXPECT_EQ(c.cookie, 0xfeed);
	EXPECT_EQ(c.req, (uint64_t)(uintptr_t)req);
	EXPECT_EQ(c.req_len, 3);
	EXPECT_EQ(c.resp, (uint64_t)(uintptr_t)resp);
	EXPECT_EQ(c.resp_cap, 9);
	EXPECT_EQ(c.timeout_ms, 250);
	EXPECT_EQ(c.flags, 0);
	EXPECT_EQ(rl_call_check(&c), 0);

	/* Zero-length request and response: no buffers needed. */
	rdmarpc_call_prep(&c, 0, 1, 0, NULL, 0, NULL, 0, 0);
	EXPECT_EQ(rl_call_check(&c), 0);
	/* Bytes without a buffer, a negative handle, unknown flags. */
	rdmarpc_call_prep(&c, 0, 1, 0, NULL, 1, NULL, 0, 0);
	EXPECT_EQ(rl_call_check(&c), -EINVAL);
	rdmarpc_call_prep(&c, 0, 1, 0, NULL, 0, NULL, 1, 0);
	EXPECT_EQ(rl_call_check(&c), -EINVAL);
	rdmarpc_call_prep(&c, -1, 1, 0, NULL, 0, NULL, 0, 0);
	EXPECT_EQ(rl_call_check(&c), -EINVAL);
	rdmarpc_call_prep(&c, 0, 1, 0, NULL, 0, NULL, 0, 0);
	c.flags = RDMARPC_CALL_F_ALL + 1;
	EXPECT_EQ(rl_call_check(&c), -EINVAL);
	/* A key needs its 16 bytes in front of the request. */
	rdmarpc_call_prep(&c, 0, 1, 0, req, sizeof(req), NULL, 0, 0);
	c.flags = RDMARPC_CALL_F_KEY;
	EXPECT_EQ(rl_call_check(&c), -EINVAL);
}

TEST(call_prep_key)
{
	uint8_t key[RDMARPC_CALL_KEY_LEN], buf[RDMARPC_CALL_KEY_LEN + 5];
	char resp[9];
	struct rdmarpc_call c;

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0xa0 + i);
	memset(buf, 0, sizeof(buf));
	memcpy(buf + RDMARPC_CALL_KEY_LEN, "hello", 5);
	memset(&c, 0xff, sizeof(c));
	rdmarpc_call_prep_key(&c, 2, 0x99, 7, key, buf, 5, resp, sizeof(resp),
			      300);
	EXPECT_EQ(c.handle, 2);
	EXPECT_EQ(c.method, 0x99);
	EXPECT_EQ(c.cookie, 7);
	EXPECT_EQ(c.req, (uint64_t)(uintptr_t)buf);
	EXPECT_EQ(c.req_len, RDMARPC_CALL_KEY_LEN + 5);
	EXPECT_EQ(c.resp, (uint64_t)(uintptr_t)resp);
	EXPECT_EQ(c.resp_cap, sizeof(resp));
	EXPECT_EQ(c.timeout_ms, 300);
	EXPECT_EQ(c.flags, RDMARPC_CALL_F_KEY);
	/* The key in front, the request behind it untouched. */
	EXPECT_EQ(memcmp(buf, key, sizeof(key)), 0);
	EXPECT_EQ(memcmp(buf + RDMARPC_CALL_KEY_LEN, "hello", 5), 0);
	EXPECT_EQ(rl_call_check(&c), 0);
	/* An empty request: the key alone. */
	rdmarpc_call_prep_key(&c, 0, 1, 0, key, buf, 0, NULL, 0, 0);
	EXPECT_EQ(c.req_len, RDMARPC_CALL_KEY_LEN);
	EXPECT_EQ(rl_call_check(&c), 0);
	/* The key already in place (the same bytes) is fine too. */
	rdmarpc_call_prep_key(&c, 0, 1, 0, buf, buf, 5, NULL, 0, 0);
	EXPECT_EQ(memcmp(buf, key, sizeof(key)), 0);
	EXPECT_EQ(rl_call_check(&c), 0);
	/* No key or no buffer: refused before any ioctl. */
	rdmarpc_call_prep_key(&c, 0, 1, 0, NULL, buf, 5, NULL, 0, 0);
	EXPECT_EQ(rl_call_check(&c), -EINVAL);
	rdmarpc_call_prep_key(&c, 0, 1, 0, key, NULL, 5, NULL, 0, 0);
	EXPECT_EQ(rl_call_check(&c), -EINVAL);
}

TEST(idempotency_key)
{
	uint8_t a[RDMARPC_CALL_KEY_LEN], b[RDMARPC_CALL_KEY_LEN];
	uint8_t zero[RDMARPC_CALL_KEY_LEN] = { 0 };

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	ASSERT_EQ(rdmarpc_idempotency_key(a), 0);
	ASSERT_EQ(rdmarpc_idempotency_key(b), 0);
	/* 128 random bits: two alike, or all zero, is not chance. */
	EXPECT_NE(memcmp(a, b, sizeof(a)), 0);
	EXPECT_NE(memcmp(a, zero, sizeof(a)), 0);
	EXPECT_EQ(rdmarpc_idempotency_key(NULL), -EINVAL);
}

TEST(connect_prep)
{
	struct rdmarpc_connect c;
	char name[RDMARPC_NAME_MAX + 1];

	EXPECT_EQ(rl_connect_prep(&c, "10.0.0.2:18515", 1000), 0);
	EXPECT_EQ(c.size, sizeof(c));
	EXPECT_EQ(c.flags, 0);
	EXPECT_STREQ(c.peer, "10.0.0.2:18515");
	EXPECT_EQ(c.timeout_ms, 1000);
	EXPECT_EQ(c.handle, 0);
	EXPECT_EQ(rl_connect_prep(&c, "", 0), -EINVAL);
	EXPECT_EQ(rl_connect_prep(&c, NULL, 0), -EINVAL);
	memset(name, 'p', sizeof(name));
	name[RDMARPC_NAME_MAX - 1] = '\0';	/* 63 characters: fits */
	EXPECT_EQ(rl_connect_prep(&c, name, 0), 0);
	EXPECT_EQ(c.peer[RDMARPC_NAME_MAX - 1], '\0');
	name[RDMARPC_NAME_MAX - 1] = 'p';
	name[RDMARPC_NAME_MAX] = '\0';		/* 64: too long */
	EXPECT_EQ(rl_connect_prep(&c, name, 0), -EINVAL);
}

TEST(bind_prep)
{
	const uint32_t ids[2] = { 1, 2 };
	struct rdmarpc_bind b;

	EXPECT_EQ(rl_bind_prep(&b, "echo", NULL, 0), 0);
	EXPECT_EQ(b.size, sizeof(b));
	EXPECT_STREQ(b.name, "echo");
	EXPECT_EQ(b.methods, 0);
	EXPECT_EQ(b.n_methods, 0);
	EXPECT_EQ(b.reserved, 0);
	EXPECT_EQ(rl_bind_prep(&b, "kv", ids, 2), 0);
	EXPECT_EQ(b.methods, (uint64_t)(uintptr_t)ids);
	EXPECT_EQ(b.n_methods, 2);
	EXPECT_EQ(rl_bind_prep(&b, "kv", NULL, 2), -EINVAL);
	EXPECT_EQ(rl_bind_prep(&b, "", NULL, 0), -EINVAL);
	EXPECT_EQ(rl_bind_prep(&b, NULL, NULL, 0), -EINVAL);
}

TEST(batch_prep)
{
	struct rdmarpc_request r;
	struct rdmarpc_reply rep;
	char buf[8];

	memset(&r, 0xff, sizeof(r));
	rdmarpc_request_prep(&r, buf, sizeof(buf));
	EXPECT_EQ(r.size, sizeof(r));
	EXPECT_EQ(r.timeout_ms, 0);
	EXPECT_EQ(r.buf, (uint64_t)(uintptr_t)buf);
	EXPECT_EQ(r.buf_cap, 8);
	EXPECT_EQ(r.id, 0);
	EXPECT_EQ(r.len, 0);
	EXPECT_EQ(r.method, 0);
	EXPECT_EQ(r.flags, 0);
	EXPECT_EQ(rl_request_check(&r), 0);
	r.flags = RDMARPC_RECV_F_WHOLE;
	EXPECT_EQ(rl_request_check(&r), 0);
	rdmarpc_request_prep(&r, NULL, 0);
	EXPECT_EQ(rl_request_check(&r), 0);
	rdmarpc_request_prep(&r, NULL, 1);
	EXPECT_EQ(rl_request_check(&r), -EINVAL);
	rdmarpc_request_prep(&r, buf, 1);
	r.timeout_ms = 5;
	EXPECT_EQ(rl_request_check(&r), -EINVAL);
	rdmarpc_request_prep(&r, buf, 1);
	r.flags = RDMARPC_RECV_F_ALL + 1;
	EXPECT_EQ(rl_request_check(&r), -EINVAL);
	rdmarpc_request_prep(&r, buf, 1);
	r.size = 0;
	EXPECT_EQ(rl_request_check(&r), -EINVAL);

	memset(&rep, 0xff, sizeof(rep));
	rdmarpc_reply_prep(&rep, 42, -7, buf, 3);
	EXPECT_EQ(rep.size, sizeof(rep));
	EXPECT_EQ(rep.status, -7);
	EXPECT_EQ(rep.id, 42);
	EXPECT_EQ(rep.buf, (uint64_t)(uintptr_t)buf);
	EXPECT_EQ(rep.len, 3);
	EXPECT_EQ(rl_reply_check(&rep), 0);
	rdmarpc_reply_prep(&rep, 42, 0, NULL, 0);
	EXPECT_EQ(rl_reply_check(&rep), 0);
	rdmarpc_reply_prep(&rep, 42, 0, NULL, 1);
	EXPECT_EQ(rl_reply_check(&rep), -EINVAL);
}

TEST(wait_ms)
{
	EXPECT_EQ(rl_wait_ms(-1), 0xffffffffu);
	EXPECT_EQ(rl_wait_ms(0), 0);
	EXPECT_EQ(rl_wait_ms(1500), 1500);
}

/* A batch goes out as its valid entries, from the first. */
TEST(batch_valid)
{
	struct rdmarpc_reply rp[3];
	char buf[4];

	for (int i = 0; i < 3; i++)
		rdmarpc_reply_prep(&rp[i], (uint64_t)i + 1, 0, buf, 4);
	EXPECT_EQ(rl_batch_valid(rp, sizeof(rp[0]), 3, rl_reply_check), 3);
	EXPECT_EQ(rl_batch_valid(rp, sizeof(rp[0]), 0, rl_reply_check), 0);
	rp[2].size = 0;
	EXPECT_EQ(rl_batch_valid(rp, sizeof(rp[0]), 3, rl_reply_check), 2);
	rp[1].buf = 0;
	EXPECT_EQ(rl_batch_valid(rp, sizeof(rp[0]), 3, rl_reply_check), 1);
	rp[0].size = 1;
	EXPECT_EQ(rl_batch_valid(rp, sizeof(rp[0]), 3, rl_reply_check), 0);
}

/* The ABI's sizes: the same on every architecture (no implicit padding). */
TEST(abi_sizes)
{
	EXPECT_EQ(sizeof(struct rdmarpc_connect), 80);
	EXPECT_EQ(sizeof(struct rdmarpc_call), 56);
	EXPECT_EQ(sizeof(struct rdmarpc_completion), 24);
	EXPECT_EQ(sizeof(struct rdmarpc_sync_call), 88);
	EXPECT_EQ(sizeof(struct rdmarpc_batch), 32);
	EXPECT_EQ(sizeof(struct rdmarpc_bind), 88);
	EXPECT_EQ(sizeof(struct rdmarpc_request), 48);
	EXPECT_EQ(sizeof(struct rdmarpc_reply), 32);
}

/* Bad arguments are refused before any ioctl; NULL endpoints too. */
TEST(null_and_bad_args)
{
	struct rdmarpc_completion comp;
	struct rdmarpc_req_info ri;
	struct rdmarpc_call c;
	size_t len = 99;
	int32_t status = 99;

	EXPECT_EQ(rdmarpc_open(NULL), -EINVAL);
	rdmarpc_close(NULL);
	EXPECT_EQ(rdmarpc_fd(NULL), -EINVAL);
	EXPECT_EQ(rdmarpc_connect(NULL, "a", 0), -EINVAL);
	EXPECT_EQ(rdmarpc_call(NULL, 0, 1, NULL, 0, NULL, 0, &len, &status, 0),
		  -EINVAL);
	EXPECT_EQ(len, 0);
	EXPECT_EQ(status, 0);
	rdmarpc_call_prep(&c, 0, 1, 0, NULL, 0, NULL, 0, 0);
	EXPECT_EQ(rdmarpc_submit(NULL, &c, 1), -EINVAL);
	EXPECT_EQ(rdmarpc_reap(NULL, &comp, 1, 1, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_cancel(NULL, 1), -EINVAL);
	EXPECT_EQ(rdmarpc_bind(NULL, "echo", NULL, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_recv(NULL, &ri, NULL, 0, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_reply(NULL, 1, 0, NULL, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_nop(NULL), -EINVAL);
	EXPECT_EQ(rdmarpc_recv_batch(NULL, NULL, 1, 0, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_reply_batch(NULL, NULL, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_busy_poll_set(NULL, 0), -EINVAL);
}

/*
 * An endpoint around /dev/null: argument errors are still the library's,
 * and what reaches the (wrong) device comes back as its -ENOTTY.
 */
TEST(errors_pass_through)
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
	EXPECT_TRUE(fd >= 0);
	if (fd < 0)
		return;
	EXPECT_EQ(rl_ep_wrap(fd, &ep), 0);
	EXPECT_EQ(rdmarpc_fd(ep), fd);

	EXPECT_EQ(rdmarpc_nop(ep), -ENOTTY);
	EXPECT_EQ(rdmarpc_connect(ep, "10.0.0.2", 0), -ENOTTY);
	EXPECT_EQ(rdmarpc_connect(ep, "", 0), -EINVAL);
	EXPECT_EQ(rdmarpc_call(ep, 0, 1, buf, 4, buf, 4, NULL, NULL, 0),
		  -ENOTTY);
	EXPECT_EQ(rdmarpc_call(ep, 0, 1, NULL, 4, buf, 4, NULL, NULL, 0),
		  -EINVAL);
	EXPECT_EQ(rdmarpc_call(ep, -3, 1, NULL, 0, NULL, 0, NULL, NULL, 0),
		  -EINVAL);

	rdmarpc_call_prep(&c[0], 0, 1, 1, buf, 4, buf, 4, 0);
	rdmarpc_call_prep(&c[1], 0, 1, 2, NULL, 4, buf, 4, 0);
	EXPECT_EQ(rdmarpc_submit(ep, c, 0), 0);
	EXPECT_EQ(rdmarpc_submit(ep, NULL, 1), -EINVAL);
	EXPECT_EQ(rdmarpc_submit(ep, &c[1], 1), -EINVAL);
	EXPECT_EQ(rdmarpc_submit(ep, c, 2), -ENOTTY);
	{
		uint8_t key[RDMARPC_CALL_KEY_LEN] = { 1 };
		uint8_t kb[RDMARPC_CALL_KEY_LEN + 4];

		rdmarpc_call_prep_key(&c[0], 0, 1, 1, key, kb, 4, buf, 4, 0);
		EXPECT_EQ(rdmarpc_submit(ep, c, 1), -ENOTTY);
		rdmarpc_call_prep_key(&c[0], 0, 1, 1, NULL, kb, 4, buf, 4, 0);
		EXPECT_EQ(rdmarpc_submit(ep, c, 1), -EINVAL);
	}

	EXPECT_EQ(rdmarpc_reap(ep, comp, 0, 0, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_reap(ep, comp, 2, 3, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_reap(ep, comp, 2, 1, 0), -ENOTTY);
	EXPECT_EQ(rdmarpc_cancel(ep, 1), -ENOTTY);

	EXPECT_EQ(rdmarpc_bind(ep, "echo", NULL, 0), -ENOTTY);
	EXPECT_EQ(rdmarpc_bind(ep, "", NULL, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_recv(ep, &ri, NULL, 4, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_recv(ep, NULL, buf, 4, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_recv(ep, &ri, buf, 4, 0), -ENOTTY);
	{
		void *wb = NULL;
		size_t wcap = 0;

		EXPECT_EQ(rdmarpc_recv_whole(ep, &ri, &wb, NULL, 0), -EINVAL);
		EXPECT_EQ(rdmarpc_recv_whole(ep, &ri, NULL, &wcap, 0),
			  -EINVAL);
		wcap = 4;
		EXPECT_EQ(rdmarpc_recv_whole(ep, &ri, &wb, &wcap, 0), -EINVAL);
		wcap = 0;
		EXPECT_EQ(rdmarpc_recv_whole(ep, &ri, &wb, &wcap, 0), -ENOTTY);
		EXPECT_TRUE(wb == NULL);
	}
	EXPECT_EQ(rdmarpc_reply(ep, 1, 0, NULL, 1), -EINVAL);
	EXPECT_EQ(rdmarpc_reply(ep, 1, 0, NULL, 0), -ENOTTY);
	EXPECT_EQ(rdmarpc_reply_error(ep, 1, RDMARPC_STATUS_OK, "x"), -EINVAL);
	EXPECT_EQ(rdmarpc_reply_error(ep, 1, RDMARPC_STATUS_NOT_FOUND,
				      "key %s", "k"), -ENOTTY);
	EXPECT_EQ(rdmarpc_reply_error(ep, 1, RDMARPC_STATUS_INTERNAL, NULL),
		  -ENOTTY);

	rdmarpc_request_prep(&rq[0], buf, sizeof(buf));
	rdmarpc_request_prep(&rq[1], NULL, 4);
	EXPECT_EQ(rdmarpc_recv_batch(ep, rq, 0, 0, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_recv_batch(ep, NULL, 1, 0, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_recv_batch(ep, rq, 1, 2, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_recv_batch(ep, &rq[1], 1, 0, 0), -EINVAL);
	EXPECT_EQ(rdmarpc_recv_batch(ep, rq, 2, 2, -1), -ENOTTY);
	rdmarpc_reply_prep(&rp[0], 1, 0, buf, 4);
	rdmarpc_reply_prep(&rp[1], 2, 0, NULL, 4);
	EXPECT_EQ(rdmarpc_reply_batch(ep, rp, 0), 0);
	EXPECT_EQ(rdmarpc_reply_batch(ep, NULL, 1), -EINVAL);
	EXPECT_EQ(rdmarpc_reply_batch(ep, &rp[1], 1), -EINVAL);
	EXPECT_EQ(rdmarpc_reply_batch(ep, rp, 2), -ENOTTY);
	EXPECT_EQ(rdmarpc_busy_poll_set(ep, RDMARPC_BUSY_POLL_MAX_US + 1),
		  -EINVAL);
	EXPECT_EQ(rdmarpc_busy_poll_set(ep, 50), -ENOTTY);
	EXPECT_EQ(rdmarpc_busy_poll_set(ep, 0), -ENOTTY);
	rdmarpc_close(ep);
}

TEST(parse_addr)
{
	uint32_t ip;
	uint16_t port;

	EXPECT_EQ(rdmarpc_parse_addr("10.0.0.2", &ip, &port), 0);
	EXPECT_EQ(ip, inet_addr("10.0.0.2"));
	EXPECT_EQ(port, 0);
	EXPECT_EQ(rdmarpc_parse_addr("127.0.0.1:18515", &ip, &port), 0);
	EXPECT_EQ(ip, htonl(0x7f000001));
	EXPECT_EQ(port, 18515);
	EXPECT_EQ(rdmarpc_parse_addr("1.2.3.4:65535", &ip, &port), 0);
	EXPECT_EQ(port, 65535);
	EXPECT_EQ(rdmarpc_parse_addr("1.2.3.4:65536", &ip, &port), -EINVAL);
	EXPECT_EQ(rdmarpc_parse_addr("1.2.3.4:0", &ip, &port), -EINVAL);
	EXPECT_EQ(rdmarpc_parse_addr("1.2.3.4:", &ip, &port), -EINVAL);
	EXPECT_EQ(rdmarpc_parse_addr("1.2.3.4:+80", &ip, &port), -EINVAL);
	EXPECT_EQ(rdmarpc_parse_addr("1.2.3.4:80x", &ip, &port), -EINVAL);
	EXPECT_EQ(rdmarpc_parse_addr("1.2.3", &ip, &port), -EINVAL);
	EXPECT_EQ(rdmarpc_parse_addr("host", &ip, &port), -EINVAL);
	EXPECT_EQ(rdmarpc_parse_addr(":80", &ip, &port), -EINVAL);
	EXPECT_EQ(rdmarpc_parse_addr("", &ip, &port), -EINVAL);
	EXPECT_EQ(rdmarpc_parse_addr("1.2.3.4.5.6.7.8.9.10.11:1", &ip, &port),
		  -EINVAL);
}

TEST(retry_policy_checks)
{
	struct rdmarpc_retry_policy d = RDMARPC_RETRY_POLICY_DEFAULT, p;

	EXPECT_EQ(rl_retry_check(&d), 0);
	p = d;
	p.max_attempts = 0;
	EXPECT_EQ(rl_retry_check(&p), -EINVAL);
	p = d;
	p.max_attempts = 101;
	EXPECT_EQ(rl_retry_check(&p), -EINVAL);
	p = d;
	p.multiplier = 0;
	EXPECT_EQ(rl_retry_check(&p), -EINVAL);
	p = d;
	p.max_backoff_ms = p.initial_backoff_ms - 1;
	EXPECT_EQ(rl_retry_check(&p), -EINVAL);
	p = d;
	p.flags = 2;
	EXPECT_EQ(rl_retry_check(&p), -EINVAL);
}

TEST(retry_decisions)
{
	struct rdmarpc_retry_policy p = RDMARPC_RETRY_POLICY_DEFAULT;
	unsigned int delay = 0;
	uint64_t rnd = 1;

	/* Transient transport errors and UNAVAILABLE retry... */
	EXPECT_TRUE(rl_retry_next(&p, 1, -ECONNRESET, 0, UINT64_MAX, &rnd,
				  &delay));
	EXPECT_TRUE(delay >= 5 && delay <= 10);
	EXPECT_TRUE(rl_retry_next(&p, 1, -ETIMEDOUT, 0, UINT64_MAX, &rnd,
				  &delay));
	EXPECT_TRUE(rl_retry_next(&p, 1, -ECONNABORTED, 0, UINT64_MAX, &rnd,
				  &delay));
	EXPECT_TRUE(rl_retry_next(&p, 2, 0, RDMARPC_STATUS_UNAVAILABLE,
				  UINT64_MAX, &rnd, &delay));
	EXPECT_TRUE(delay >= 10 && delay <= 20);
	/* ...others do not, nor does anything after max_attempts. */
	EXPECT_FALSE(rl_retry_next(&p, 3, -ECONNRESET, 0, UINT64_MAX, &rnd,
				   &delay));
	EXPECT_FALSE(rl_retry_next(&p, 1, -EMSGSIZE, 0, UINT64_MAX, &rnd,
				   &delay));
	EXPECT_FALSE(rl_retry_next(&p, 1, -ECANCELED, 0, UINT64_MAX, &rnd,
				   &delay));
	EXPECT_FALSE(rl_retry_next(&p, 1, 0, RDMARPC_STATUS_OK, UINT64_MAX,
				   &rnd, &delay));
	EXPECT_FALSE(rl_retry_next(&p, 1, 0, RDMARPC_STATUS_NOT_FOUND,
				   UINT64_MAX, &rnd, &delay));
	EXPECT_FALSE(rl_retry_next(&p, 1, 0, -5, UINT64_MAX, &rnd, &delay));
	/* Not without time left for a try after the wait. */
	EXPECT_FALSE(rl_retry_next(&p, 1, -ECONNRESET, 0, 3, &rnd, &delay));
	/* Statuses as asked; transport errors only with the flag. */
	p.statuses |= RDMARPC_RETRY_ON(RDMARPC_STATUS_UNIMPLEMENTED);
	p.flags = 0;
	EXPECT_TRUE(rl_retry_next(&p, 1, 0, RDMARPC_STATUS_UNIMPLEMENTED,
				  UINT64_MAX, &rnd, &delay));
	EXPECT_FALSE(rl_retry_next(&p, 1, -ECONNRESET, 0, UINT64_MAX, &rnd,
				   &delay));
	/* The backoff grows by the multiplier up to its ceiling. */
	p = (struct rdmarpc_retry_policy)RDMARPC_RETRY_POLICY_DEFAULT;
	p.max_attempts = 100;
	p.initial_backoff_ms = 100;
	p.max_backoff_ms = 1000;
	p.multiplier = 3;
	EXPECT_TRUE(rl_retry_next(&p, 3, -ENODEV, 0, UINT64_MAX, &rnd,
				  &delay));
	EXPECT_TRUE(delay >= 450 && delay <= 900);
	EXPECT_TRUE(rl_retry_next(&p, 50, -ENODEV, 0, UINT64_MAX, &rnd,
				  &delay));
	EXPECT_TRUE(delay >= 500 && delay <= 1000);
}

TEST(call_opts_args)
{
	struct rdmarpc_retry_policy bad = RDMARPC_RETRY_POLICY_DEFAULT;
	struct rdmarpc_retry_policy p = RDMARPC_RETRY_POLICY_DEFAULT;
	struct rdmarpc_call_opts o = { .flags = RDMARPC_CALL_IDEMPOTENT };
	unsigned int tries = 0;
	struct rdmarpc *ep;
	char buf[4];
	int fd;

	fd = open("/dev/null", O_RDWR);
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(rl_ep_wrap(fd, &ep), 0);
	bad.max_attempts = 0;
	EXPECT_EQ(rdmarpc_set_retry_policy(ep, &bad), -EINVAL);
	EXPECT_EQ(rdmarpc_set_retry_policy(NULL, &p), -EINVAL);
	EXPECT_EQ(rdmarpc_set_retry_policy(ep, &p), 0);
	o.attempts = &tries;
	/* Not a transient error: one try, even idempotent. */
	EXPECT_EQ(rdmarpc_call_opts(ep, 0, 1, buf, 4, buf, 4, NULL, NULL, &o),
		  -ENOTTY);
	EXPECT_EQ(tries, 1u);
	o.retry = &bad;
	EXPECT_EQ(rdmarpc_call_opts(ep, 0, 1, buf, 4, buf, 4, NULL, NULL, &o),
		  -EINVAL);
	o.retry = NULL;
	o.flags = 0x80;
	EXPECT_EQ(rdmarpc_call_opts(ep, 0, 1, buf, 4, buf, 4, NULL, NULL, &o),
		  -EINVAL);
	EXPECT_EQ(rdmarpc_call_opts(ep, 0, 1, buf, 4, buf, 4, NULL, NULL,
				    NULL), -EINVAL);
	EXPECT_EQ(rdmarpc_set_retry_policy(ep, NULL), 0);
	rdmarpc_close(ep);
}

/* A stand-in for the CALL ioctl: what each try carried, and its outcome. */
#define FAKE_TRIES	8

static struct {
	unsigned int tries, fail_first;
	int fail_err;
	uint32_t flags[FAKE_TRIES];
	uint64_t req_len[FAKE_TRIES];
	uint8_t req[FAKE_TRIES][RDMARPC_CALL_KEY_LEN + 8];
} fake;

static int fake_try(struct rdmarpc *ep, const struct rdmarpc_call *c,
		    size_t *resp_len, int32_t *status)
{
	unsigned int t = fake.tries++;

	(void)ep;
	if (resp_len)
		*resp_len = 0;
	*status = 0;
	if (t < FAKE_TRIES) {
		fake.flags[t] = c->flags;
		fake.req_len[t] = c->req_len;
		if (c->req_len <= sizeof(fake.req[t]))
			memcpy(fake.req[t], (const void *)(uintptr_t)c->req,
			       c->req_len);
	}
	if (t < fake.fail_first)
		return fake.fail_err;
	if (resp_len)
		*resp_len = 3;
	return 0;
}

/* Every try of a call with a key carries the same key and request. */
TEST(call_key_retries_keep_the_key)
{
	struct rdmarpc_retry_policy p = {
		.max_attempts = 5, .initial_backoff_ms = 1,
		.max_backoff_ms = 2, .multiplier = 1,
		.flags = RDMARPC_RETRY_TRANSPORT,
	};
	struct rdmarpc_call_opts o = { .flags = RDMARPC_CALL_IDEMPOTENT,
				       .retry = &p };
	uint8_t key[RDMARPC_CALL_KEY_LEN];
	unsigned int tries = 0;
	struct rdmarpc *ep;
	size_t len = 99;
	int32_t st = 99;
	char resp[4];
	int fd;

	fd = open("/dev/null", O_RDWR);
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(rl_ep_wrap(fd, &ep), 0);
	ASSERT_EQ(rdmarpc_idempotency_key(key), 0);
	o.attempts = &tries;
	memset(&fake, 0, sizeof(fake));
	fake.fail_first = 2;
	fake.fail_err = -ETIMEDOUT;
	EXPECT_EQ(rl_call_key(ep, 0, 1, key, "abcdefgh", 8, resp, sizeof(resp),
			      &len, &st, &o, fake_try), 0);
	EXPECT_EQ(tries, 3u);
	EXPECT_EQ(fake.tries, 3u);
	EXPECT_EQ(len, 3);
	EXPECT_EQ(st, 0);
	for (unsigned int t = 0; t < 3; t++) {
		EXPECT_EQ(fake.flags[t], RDMARPC_CALL_F_KEY);
		EXPECT_EQ(fake.req_len[t], RDMARPC_CALL_KEY_LEN + 8);
		EXPECT_EQ(memcmp(fake.req[t], key, sizeof(key)), 0)
			TH_LOG("try %u carried another key", t);
		EXPECT_EQ(memcmp(fake.req[t] + RDMARPC_CALL_KEY_LEN,
				 "abcdefgh", 8), 0);
	}

	/* Not marked idempotent: one try, still with its key. */
	memset(&fake, 0, sizeof(fake));
	fake.fail_first = 2;
	fake.fail_err = -ECONNRESET;
	o.flags = 0;
	EXPECT_EQ(rl_call_key(ep, 0, 1, key, "x", 1, NULL, 0, NULL, NULL, &o,
			      fake_try), -ECONNRESET);
	EXPECT_EQ(fake.tries, 1u);
	EXPECT_EQ(fake.flags[0], RDMARPC_CALL_F_KEY);
	/* No options: one try. */
	memset(&fake, 0, sizeof(fake));
	fake.fail_first = 1;
	fake.fail_err = -ETIMEDOUT;
	EXPECT_EQ(rl_call_key(ep, 0, 1, key, NULL, 0, NULL, 0, NULL, NULL,
			      NULL, fake_try), -ETIMEDOUT);
	EXPECT_EQ(fake.tries, 1u);
	EXPECT_EQ(fake.req_len[0], RDMARPC_CALL_KEY_LEN);

	/* Bad arguments: no try at all. */
	memset(&fake, 0, sizeof(fake));
	len = 99;
	EXPECT_EQ(rl_call_key(ep, 0, 1, NULL, "x", 1, NULL, 0, &len, NULL,
			      NULL, fake_try), -EINVAL);
	EXPECT_EQ(len, 0);
	EXPECT_EQ(rl_call_key(ep, 0, 1, key, NULL, 1, NULL, 0, NULL, NULL,
			      NULL, fake_try), -EINVAL);
	EXPECT_EQ(rl_call_key(NULL, 0, 1, key, "x", 1, NULL, 0, NULL, NULL,
			      NULL, fake_try), -EINVAL);
	o.flags = 0x80;
	EXPECT_EQ(rl_call_key(ep, 0, 1, key, "x", 1, NULL, 0, NULL, NULL, &o,
			      fake_try), -EINVAL);
	EXPECT_EQ(fake.tries, 0u);
	/* The real try reaches the (wrong) device. */
	EXPECT_EQ(rdmarpc_call_key(ep, 0, 1, key, "x", 1, NULL, 0, NULL, NULL,
				   NULL), -ENOTTY);
	rdmarpc_close(ep);
}

TEST(status_names)
{
	EXPECT_STREQ(rdmarpc_status_name(RDMARPC_STATUS_OK), "OK");
	EXPECT_STREQ(rdmarpc_status_name(RDMARPC_STATUS_DEADLINE_EXCEEDED),
		     "DEADLINE_EXCEEDED");
	EXPECT_STREQ(rdmarpc_status_name(RDMARPC_STATUS_UNIMPLEMENTED),
		     "UNIMPLEMENTED");
	EXPECT_STREQ(rdmarpc_status_name(RDMARPC_STATUS_UNAUTHENTICATED),
		     "UNAUTHENTICATED");
	EXPECT_TRUE(rdmarpc_status_name(RDMARPC_STATUS_UNAUTHENTICATED + 1) ==
		    NULL);
	EXPECT_TRUE(rdmarpc_status_name(-1) == NULL);
	/* gRPC's numbers: a peer speaking them understands ours. */
	EXPECT_EQ(RDMARPC_STATUS_CANCELLED, 1);
	EXPECT_EQ(RDMARPC_STATUS_NOT_FOUND, 5);
	EXPECT_EQ(RDMARPC_STATUS_RESOURCE_EXHAUSTED, 8);
	EXPECT_EQ(RDMARPC_STATUS_UNAVAILABLE, 14);
	EXPECT_EQ(RDMARPC_STATUS_UNAUTHENTICATED, 16);
}

TEST(call_strerror)
{
	static const int errs[] = {
		ETIMEDOUT, ECONNRESET, ENODEV, ENOENT, ECANCELED, EMSGSIZE,
		ENOBUFS, ECONNABORTED,
	};
	size_t i, k;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		const char *s = rdmarpc_strerror(-errs[i]);

		/* Our own text, not the C library's. */
		EXPECT_TRUE(strcmp(s, strerrordesc_np(errs[i])));
		for (k = 0; k < i; k++)
			EXPECT_TRUE(strcmp(s, rdmarpc_strerror(-errs[k])));
	}
	EXPECT_TRUE(strstr(rdmarpc_strerror(-ENOENT), "module not loaded"));
	EXPECT_TRUE(strstr(rdmarpc_strerror(-ENOENT), "not serving"));
	EXPECT_TRUE(strstr(rdmarpc_strerror(-ENOBUFS), "buffer"));
	EXPECT_STREQ(rdmarpc_peer_state_str(RDMARPC_PEER_UP), "UP");
	EXPECT_STREQ(rdmarpc_peer_state_str(RDMARPC_PEER_FAILED), "FAILED");
	EXPECT_STREQ(rdmarpc_peer_state_str(9), "?");
	EXPECT_STREQ(rdmarpc_session_role_str(RDMARPC_SESSION_CLIENT),
		     "client");
	EXPECT_STREQ(rdmarpc_session_role_str(RDMARPC_SESSION_SERVER),
		     "server");
	EXPECT_STREQ(rdmarpc_session_role_str(0), "?");
}
