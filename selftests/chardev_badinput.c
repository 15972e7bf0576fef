// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/rdmarpc against bad input: structure sizes the kernel does not know,
 * bad pointers, nonzero reserved and flag fields, unterminated names,
 * unknown commands, calls on unknown handles, replies to unknown ids,
 * RECV and REAP timeouts and signals, BIND conflicts between endpoints,
 * a process killed while it waits, unprivileged opens and a seeded flood
 * of garbage ioctls; the batch forms of serving (RECV_BATCH, REPLY_BATCH:
 * counts, entries, partial progress) and BUSY_POLL (range, and waits that
 * still end on time and on signals while busy polling); the shared rings
 * (RING_SETUP, RING_ENTER, mmap: sizes, offsets, owners, refused entries
 * completing with their errors, calls through them).  Every bad
 * request must fail with its errno and the
 * device must still answer afterwards.
 *
 * Raw ioctls (no librdmarpc) so that any byte can be sent.  Needs the
 * module loaded and root; runs in the Soft-RoCE guest.  The tests that
 * need a peer connect to $RDMARPC_PEER_IP (in one-host mode this host's own
 * module) and are skipped if that fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rdmarpc.h>

#include "harness.h"

#define DEV_PATH "/dev/" RDMARPC_DEV_NAME
#define NOBODY 65534
#define FLOOD_IOCTLS 20000
#define FLOOD_SEED 0x5eed4321dcbaULL
#define MANY_ENDPOINTS 512
#define BIND_MAX_METHODS 1024	/* the kernel's limit per BIND */

/* Every test gets its own names, so tests may run beside servers. */
static char names[4][RDMARPC_NAME_MAX];

static void make_names(void)
{
	for (int i = 0; i < 4; i++)
		snprintf(names[i], sizeof(names[i]), "badinput.%d.%d",
			 (int)getpid(), i);
}

static uint32_t method_id(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	uint32_t h = 2166136261u;

	while (*p) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

static int dev_open(void)
{
	return open(DEV_PATH, O_RDWR | O_CLOEXEC);
}

/* ioctl() as 0 or a negative errno. */
static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int bind_svc(int fd, const char *name, const uint32_t *ids,
		    uint32_t n)
{
	struct rdmarpc_bind b;

	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	snprintf(b.name, sizeof(b.name), "%s", name);
	b.methods = (uint64_t)(uintptr_t)ids;
	b.n_methods = n;
	return xioctl(fd, RDMARPC_IOC_BIND, &b);
}

static int recv_req(int fd, uint32_t timeout_ms, struct rdmarpc_request *r)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->timeout_ms = timeout_ms;
	return xioctl(fd, RDMARPC_IOC_RECV, r);
}

static int reply_id(int fd, uint64_t id)
{
	struct rdmarpc_reply r;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.id = id;
	return xioctl(fd, RDMARPC_IOC_REPLY, &r);
}

static int reap(int fd, struct rdmarpc_completion *c, uint32_t count,
		uint32_t min, uint32_t timeout_ms, uint32_t *done)
{
	struct rdmarpc_batch b;
	int err;

	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = count;
	b.entries = (uint64_t)(uintptr_t)c;
	b.min_complete = min;
	b.timeout_ms = timeout_ms;
	b.done = 0xdeadbeef;
	err = xioctl(fd, RDMARPC_IOC_REAP, &b);
	*done = b.done;
	return err;
}

static int set_busy_poll(int fd, uint32_t us)
{
	return xioctl(fd, RDMARPC_IOC_BUSY_POLL, &us);
}

/* RECV_BATCH or REPLY_BATCH; *done is what the kernel wrote back. */
static int batch(int fd, unsigned long cmd, void *entries, uint32_t count,
		 uint32_t min, uint32_t timeout_ms, uint32_t *done)
{
	struct rdmarpc_batch b;
	int err;

	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = count;
	b.entries = (uint64_t)(uintptr_t)entries;
	b.min_complete = min;
	b.timeout_ms = timeout_ms;
	b.done = 0xdeadbeef;
	err = xioctl(fd, cmd, &b);
	*done = b.done;
	return err;
}

static void req_prep(struct rdmarpc_request *r, void *buf, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->buf = (uint64_t)(uintptr_t)buf;
	r->buf_cap = cap;
}

static void rep_prep(struct rdmarpc_reply *r, uint64_t id, int32_t status,
		     const void *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->status = status;
	r->id = id;
	r->buf = (uint64_t)(uintptr_t)buf;
	r->len = len;
}

/*
 * CONNECT to the peer the harness names ($RDMARPC_PEER_IP: this host's own
 * address in one-host mode), else 127.0.0.1; a handle or a negative errno.
 */
static int connect_self(int fd)
{
	const char *peer = getenv("RDMARPC_PEER_IP");
	struct rdmarpc_connect c;
	int err;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	snprintf(c.peer, sizeof(c.peer), "%s",
		 peer && *peer ? peer : "127.0.0.1");
	c.timeout_ms = 5000;
	err = xioctl(fd, RDMARPC_IOC_CONNECT, &c);
	return err ? err : (int)c.handle;
}

/* The commands with a leading size field, and their structure sizes. */
static const struct {
	const char *name;
	unsigned long cmd;
	size_t size;
} sized[] = {
	{ "CONNECT", RDMARPC_IOC_CONNECT, sizeof(struct rdmarpc_connect) },
	{ "CALL", RDMARPC_IOC_CALL, sizeof(struct rdmarpc_sync_call) },
	{ "SUBMIT", RDMARPC_IOC_SUBMIT, sizeof(struct rdmarpc_batch) },
	{ "REAP", RDMARPC_IOC_REAP, sizeof(struct rdmarpc_batch) },
	{ "BIND", RDMARPC_IOC_BIND, sizeof(struct rdmarpc_bind) },
	{ "RECV", RDMARPC_IOC_RECV, sizeof(struct rdmarpc_request) },
	{ "REPLY", RDMARPC_IOC_REPLY, sizeof(struct rdmarpc_reply) },
	{ "RECV_BATCH", RDMARPC_IOC_RECV_BATCH, sizeof(struct rdmarpc_batch) },
	{ "REPLY_BATCH", RDMARPC_IOC_REPLY_BATCH,
	  sizeof(struct rdmarpc_batch) },
	{ "REQ_STATE", RDMARPC_IOC_REQ_STATE,
	  sizeof(struct rdmarpc_req_state) },
	{ "RING_SETUP", RDMARPC_IOC_RING_SETUP,
	  sizeof(struct rdmarpc_ring_setup) },
	{ "RING_ENTER", RDMARPC_IOC_RING_ENTER,
	  sizeof(struct rdmarpc_ring_enter) },
};

#define N_SIZED (sizeof(sized) / sizeof(sized[0]))

/* The entry of sized[] for a command number, or -1. */
static int sized_index(unsigned int nr)
{
	for (size_t i = 0; i < N_SIZED; i++)
		if (_IOC_NR(sized[i].cmd) == nr)
			return (int)i;
	return -1;
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	make_names();
	self->fd = dev_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s (module loaded?)",
				      DEV_PATH, strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, nop)
{
	EXPECT_EQ(0, xioctl(self->fd, RDMARPC_IOC_NOP, NULL));
	/* NOP takes no argument and looks at none. */
	EXPECT_EQ(0, xioctl(self->fd, RDMARPC_IOC_NOP, (void *)1));
	for (int i = 0; i < 1000; i++)
		ASSERT_EQ(0, xioctl(self->fd, RDMARPC_IOC_NOP, NULL));
}

/* The first command number no ioctl uses (RING_ENTER is the last one). */
#define IOC_NR_UNUSED	(_IOC_NR(RDMARPC_IOC_RING_ENTER) + 1)

TEST_F(dev, unknown_commands)
{
	char buf[256] = { 0 };

	EXPECT_EQ(-ENOTTY, xioctl(self->fd, _IO(RDMARPC_IOC_MAGIC,
						IOC_NR_UNUSED), buf));
	EXPECT_EQ(-ENOTTY, xioctl(self->fd, _IO(RDMARPC_IOC_MAGIC, 200), buf));
	EXPECT_EQ(-ENOTTY, xioctl(self->fd, _IOWR(RDMARPC_IOC_MAGIC, 255,
						  uint64_t), buf));
	/* The right number with another type is someone else's command. */
	EXPECT_EQ(-ENOTTY, xioctl(self->fd, _IO(RDMARPC_IOC_MAGIC + 1, 0),
				  buf));
	EXPECT_EQ(-ENOTTY, xioctl(self->fd, _IOWR('T', 1,
						  struct rdmarpc_connect),
				  buf));
	EXPECT_EQ(-ENOTTY, xioctl(self->fd, 0, buf));
	/* Terminal ioctls are not ours either. */
	EXPECT_EQ(-ENOTTY, xioctl(self->fd, TCGETS, buf));
}

TEST_F(dev, bad_sizes)
{
	static const uint32_t bad[] = { 0, 1, 4, 8, 0x1000, 0xffffffff };
	_Alignas(8) unsigned char buf[512];

	for (size_t i = 0; i < N_SIZED; i++) {
		uint32_t sizes[sizeof(bad) / sizeof(bad[0]) + 2];
		size_t n = 0;

		for (size_t j = 0; j < sizeof(bad) / sizeof(bad[0]); j++)
			sizes[n++] = bad[j];
		sizes[n++] = (uint32_t)sized[i].size - 8;
		sizes[n++] = (uint32_t)sized[i].size + 8;
		for (size_t j = 0; j < n; j++) {
			memset(buf, 0, sizeof(buf));
			memcpy(buf, &sizes[j], sizeof(sizes[j]));
			EXPECT_EQ(-EINVAL, xioctl(self->fd, sized[i].cmd, buf))
				TH_LOG("%s with size %u", sized[i].name,
				       sizes[j]);
		}
	}
}

TEST_F(dev, bad_pointers)
{
	void *bad[] = { NULL, (void *)1, (void *)-1L,
			(void *)0xffff800000000000ULL };

	for (size_t i = 0; i < N_SIZED; i++) {
		for (size_t j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
			EXPECT_EQ(-EFAULT, xioctl(self->fd, sized[i].cmd,
						  bad[j]))
				TH_LOG("%s at %p", sized[i].name, bad[j]);
		}
	}
	for (size_t j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
		EXPECT_EQ(-EFAULT, xioctl(self->fd, RDMARPC_IOC_CANCEL,
					  bad[j]));
	}
}

/* The size is readable but the structure is cut short by an unmapped page. */
TEST_F(dev, truncated_structures)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *p;

	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p + page, page));
	for (size_t i = 0; i < N_SIZED; i++) {
		uint32_t size = (uint32_t)sized[i].size;
		unsigned char *s = p + page - 8;

		memcpy(s, &size, sizeof(size));
		EXPECT_EQ(-EFAULT, xioctl(self->fd, sized[i].cmd, s))
			TH_LOG("%s across the end of the mapping",
			       sized[i].name);
	}
	munmap(p, page);
}

TEST_F(dev, reserved_and_flags)
{
	struct rdmarpc_connect c;
	struct rdmarpc_sync_call sc;
	struct rdmarpc_batch b;
	struct rdmarpc_bind bd;
	struct rdmarpc_request r;
	struct rdmarpc_call call;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	strcpy(c.peer, "127.0.0.1");
	c.flags = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_CONNECT, &c));

	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.reserved = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_CALL, &sc));
	sc.reserved = 0;
	sc.call.flags = 0x80000000u;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_CALL, &sc));
	/* A key needs its 16 bytes in front of the request. */
	sc.call.flags = RDMARPC_CALL_F_KEY;
	sc.call.req_len = RDMARPC_CALL_KEY_LEN - 1;
	sc.call.req = (uint64_t)(uintptr_t)names[0];
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_CALL, &sc));

	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.reserved = 1;
	b.count = 1;
	b.entries = (uint64_t)(uintptr_t)&call;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_SUBMIT, &b));
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_REAP, &b));
	/* SUBMIT has no use for the waiting fields. */
	b.reserved = 0;
	b.min_complete = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_SUBMIT, &b));
	b.min_complete = 0;
	b.timeout_ms = 5;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_SUBMIT, &b));
	/* An entry with an unknown flag: refused, nothing taken. */
	memset(&call, 0, sizeof(call));
	call.flags = RDMARPC_CALL_F_ALL + 1;
	b.timeout_ms = 0;
	b.done = 77;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_SUBMIT, &b));
	EXPECT_EQ(0u, b.done);
	/* A key without room for it: likewise. */
	call.flags = RDMARPC_CALL_F_KEY;
	b.done = 77;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_SUBMIT, &b));
	EXPECT_EQ(0u, b.done);

	memset(&bd, 0, sizeof(bd));
	bd.size = sizeof(bd);
	snprintf(bd.name, sizeof(bd.name), "%s", names[0]);
	bd.flags = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_BIND, &bd));
	bd.flags = 0;
	bd.reserved = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_BIND, &bd));

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.flags = RDMARPC_RECV_F_ALL + 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_RECV, &r));

	/* None of the refused BINDs took the name. */
	EXPECT_EQ(0, bind_svc(self->fd, names[0], NULL, 0));
}

TEST_F(dev, bad_names)
{
	struct rdmarpc_connect c;
	struct rdmarpc_bind b;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_CONNECT, &c))
		TH_LOG("an empty peer name");
	memset(c.peer, 'a', sizeof(c.peer));
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_CONNECT, &c))
		TH_LOG("a peer name without its NUL");

	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_BIND, &b))
		TH_LOG("an empty service name");
	memset(b.name, 'b', sizeof(b.name));
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_BIND, &b))
		TH_LOG("a service name without its NUL");
	/* The longest name that fits is fine. */
	memset(b.name, 'b', sizeof(b.name) - 1);
	b.name[sizeof(b.name) - 1] = '\0';
	b.name[0] = (char)('0' + getpid() % 10);
	EXPECT_EQ(0, xioctl(self->fd, RDMARPC_IOC_BIND, &b));
}

TEST_F(dev, unknown_handles)
{
	struct rdmarpc_sync_call sc;
	struct rdmarpc_call calls[2];
	struct rdmarpc_batch b;
	static const uint32_t handles[] = { 0, 1, 1023, 1024, 0x7fffffff,
					    0xffffffff };
	char req[16] = "x", resp[16];

	for (size_t i = 0; i < sizeof(handles) / sizeof(handles[0]); i++) {
		memset(&sc, 0, sizeof(sc));
		sc.size = sizeof(sc);
		sc.call.handle = handles[i];
		sc.call.method = 1;
		sc.call.req = (uint64_t)(uintptr_t)req;
		sc.call.req_len = 1;
		sc.call.resp = (uint64_t)(uintptr_t)resp;
		sc.call.resp_cap = sizeof(resp);
		EXPECT_EQ(-EBADF, xioctl(self->fd, RDMARPC_IOC_CALL, &sc))
			TH_LOG("CALL on handle %u", handles[i]);

		memset(&b, 0, sizeof(b));
		b.size = sizeof(b);
		b.count = 2;
		b.entries = (uint64_t)(uintptr_t)calls;
		calls[0] = sc.call;
		calls[1] = sc.call;
		b.done = 99;
		EXPECT_EQ(-EBADF, xioctl(self->fd, RDMARPC_IOC_SUBMIT, &b))
			TH_LOG("SUBMIT on handle %u", handles[i]);
		EXPECT_EQ(0u, b.done);
	}
}

/* A handle is private to its endpoint: it means nothing on another one. */
TEST_F(dev, handles_are_per_endpoint)
{
	struct rdmarpc_sync_call sc;
	int other, h;

	other = dev_open();
	ASSERT_LE(0, other);
	h = connect_self(other);
	if (h < 0) {
		close(other);
		SKIP(return, "CONNECT: %s", strerror(-h));
	}
	/* Connecting again gives the same handle. */
	EXPECT_EQ(h, connect_self(other));
	close(other);

	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.call.handle = (uint32_t)h;
	EXPECT_EQ(-EBADF, xioctl(self->fd, RDMARPC_IOC_CALL, &sc));
}

TEST_F(dev, oversized_messages)
{
	struct rdmarpc_sync_call sc;
	int h;

	h = connect_self(self->fd);
	if (h < 0)
		SKIP(return, "CONNECT: %s", strerror(-h));
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.call.handle = (uint32_t)h;
	sc.call.method = method_id(names[0]);
	sc.call.req = 4096;	/* never read: refused before */
	sc.call.req_len = (16u << 20) + 1;
	EXPECT_EQ(-EMSGSIZE, xioctl(self->fd, RDMARPC_IOC_CALL, &sc));
	sc.call.req_len = ~0ULL;
	EXPECT_EQ(-EMSGSIZE, xioctl(self->fd, RDMARPC_IOC_CALL, &sc));
	/* A request that is not readable. */
	sc.call.req = 8;
	sc.call.req_len = 64;
	EXPECT_EQ(-EFAULT, xioctl(self->fd, RDMARPC_IOC_CALL, &sc));
}

TEST_F(dev, reply_unknown_ids)
{
	static const uint64_t ids[] = { 0, 1, 2, 12345, 0xffffffffULL,
					0x100000000ULL, ~0ULL };

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		EXPECT_EQ(-ENOENT, reply_id(self->fd, ids[i]))
			TH_LOG("REPLY to id %llu", (unsigned long long)ids[i]);
	}
	ASSERT_EQ(0, bind_svc(self->fd, names[0], NULL, 0));
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		EXPECT_EQ(-ENOENT, reply_id(self->fd, ids[i]));
	}
}

TEST_F(dev, req_state_unknown_ids)
{
	static const uint64_t ids[] = { 0, 1, 2, 12345, 0xffffffffULL,
					0x100000000ULL, ~0ULL };
	struct rdmarpc_req_state st;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		memset(&st, 0, sizeof(st));
		st.size = sizeof(st);
		st.id = ids[i];
		EXPECT_EQ(-ENOENT, xioctl(self->fd, RDMARPC_IOC_REQ_STATE, &st))
			TH_LOG("REQ_STATE of id %llu", (unsigned long long)ids[i]);
	}
}

TEST_F(dev, cancel_unknown_cookie)
{
	uint64_t cookie = 42;

	EXPECT_EQ(-ENOENT, xioctl(self->fd, RDMARPC_IOC_CANCEL, &cookie));
	cookie = 0;
	EXPECT_EQ(-ENOENT, xioctl(self->fd, RDMARPC_IOC_CANCEL, &cookie));
}

TEST_F(dev, recv_timeouts)
{
	struct rdmarpc_request r;
	int64_t t0, dt;

	/* Without a service nothing comes either. */
	EXPECT_EQ(-EAGAIN, recv_req(self->fd, 0, &r));
	ASSERT_EQ(0, bind_svc(self->fd, names[0], NULL, 0));
	EXPECT_EQ(-EAGAIN, recv_req(self->fd, 0, &r));
	t0 = now_ms();
	EXPECT_EQ(-ETIMEDOUT, recv_req(self->fd, 200, &r));
	dt = now_ms() - t0;
	EXPECT_LE(190, dt);
	EXPECT_GT(5000, dt);
}

TEST_F(dev, reap_timeouts)
{
	struct rdmarpc_completion c[4];
	uint32_t done;
	int64_t t0, dt;

	/* Nothing to wait for, no wait. */
	EXPECT_EQ(0, reap(self->fd, c, 4, 0, 0, &done));
	EXPECT_EQ(0u, done);
	EXPECT_EQ(0, reap(self->fd, c, 4, 1, 0, &done));
	EXPECT_EQ(0u, done);
	t0 = now_ms();
	EXPECT_EQ(-ETIMEDOUT, reap(self->fd, c, 4, 1, 200, &done));
	dt = now_ms() - t0;
	EXPECT_EQ(0u, done);
	EXPECT_LE(190, dt);
	EXPECT_GT(5000, dt);
	/* Nonsense counts. */
	EXPECT_EQ(-EINVAL, reap(self->fd, c, 0, 0, 0, &done));
	EXPECT_EQ(-EINVAL, reap(self->fd, c, 4, 5, 0, &done));
	/* Nothing is copied when nothing completed: no fault either. */
	EXPECT_EQ(0, reap(self->fd, NULL, 4, 0, 0, &done));
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A signal ends the forever waits with -EINTR (no SA_RESTART). */
TEST_F(dev, waits_are_interruptible)
{
	struct sigaction sa;
	struct rdmarpc_completion c;
	struct rdmarpc_request r;
	uint32_t done;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, bind_svc(self->fd, names[0], NULL, 0));

	ualarm(200000, 0);
	EXPECT_EQ(-EINTR, recv_req(self->fd, 0xffffffffu, &r));
	ualarm(200000, 0);
	EXPECT_EQ(-EINTR, reap(self->fd, &c, 1, 1, 0xffffffffu, &done));
	EXPECT_EQ(0u, done);
	ualarm(200000, 0);
	EXPECT_EQ(-EINTR, reap(self->fd, &c, 1, 1, 60000, &done));
}

TEST_F(dev, busy_poll_range)
{
	void *bad[] = { NULL, (void *)1, (void *)-1L };

	EXPECT_EQ(0, set_busy_poll(self->fd, 0));
	EXPECT_EQ(0, set_busy_poll(self->fd, 1));
	EXPECT_EQ(0, set_busy_poll(self->fd, RDMARPC_BUSY_POLL_MAX_US));
	EXPECT_EQ(-EINVAL, set_busy_poll(self->fd,
					 RDMARPC_BUSY_POLL_MAX_US + 1));
	EXPECT_EQ(-EINVAL, set_busy_poll(self->fd, 0x80000000u));
	EXPECT_EQ(-EINVAL, set_busy_poll(self->fd, 0xffffffffu));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-EFAULT, xioctl(self->fd, RDMARPC_IOC_BUSY_POLL,
					  bad[i]));
	EXPECT_EQ(0, set_busy_poll(self->fd, 0));
}

/* Busy polling the longest allowed: waits still end on time. */
TEST_F(dev, busy_poll_waits_end_on_time)
{
	struct rdmarpc_request r, e[2];
	struct rdmarpc_completion c;
	uint32_t done;
	int64_t t0, dt;

	ASSERT_EQ(0, set_busy_poll(self->fd, RDMARPC_BUSY_POLL_MAX_US));
	ASSERT_EQ(0, bind_svc(self->fd, names[0], NULL, 0));
	/* Nothing to wait for: no spin either. */
	t0 = now_ms();
	EXPECT_EQ(-EAGAIN, recv_req(self->fd, 0, &r));
	EXPECT_EQ(0, reap(self->fd, &c, 1, 1, 0, &done));
	req_prep(&e[0], NULL, 0);
	EXPECT_EQ(0, batch(self->fd, RDMARPC_IOC_RECV_BATCH, e, 1, 1, 0,
			   &done));
	EXPECT_EQ(0u, done);
	EXPECT_GT(1000, now_ms() - t0);
	/* A timeout shorter than the budget ends the spin. */
	t0 = now_ms();
	EXPECT_EQ(-ETIMEDOUT, recv_req(self->fd, 2, &r));
	EXPECT_GT(1000, now_ms() - t0);
	for (int i = 0; i < 3; i++) {
		int err;

		t0 = now_ms();
		if (i == 0)
			err = recv_req(self->fd, 200, &r);
		else if (i == 1)
			err = reap(self->fd, &c, 1, 1, 200, &done);
		else
			err = batch(self->fd, RDMARPC_IOC_RECV_BATCH, e, 2, 1,
				    200, &done);
		dt = now_ms() - t0;
		EXPECT_EQ(-ETIMEDOUT, err) TH_LOG("wait %d", i);
		EXPECT_LE(190, dt) TH_LOG("wait %d", i);
		EXPECT_GT(5000, dt) TH_LOG("wait %d", i);
		EXPECT_EQ(0u, i ? done : 0u);
	}
}

TEST_F(dev, busy_poll_waits_are_interruptible)
{
	struct rdmarpc_request r, e;
	struct rdmarpc_completion c;
	struct sigaction sa;
	uint32_t done;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, set_busy_poll(self->fd, RDMARPC_BUSY_POLL_MAX_US));
	ASSERT_EQ(0, bind_svc(self->fd, names[0], NULL, 0));
	ualarm(200000, 0);
	EXPECT_EQ(-EINTR, recv_req(self->fd, 0xffffffffu, &r));
	ualarm(200000, 0);
	EXPECT_EQ(-EINTR, reap(self->fd, &c, 1, 1, 0xffffffffu, &done));
	req_prep(&e, NULL, 0);
	ualarm(200000, 0);
	EXPECT_EQ(-EINTR, batch(self->fd, RDMARPC_IOC_RECV_BATCH, &e, 1, 1,
				0xffffffffu, &done));
	EXPECT_EQ(0u, done);
}

TEST_F(dev, recv_batch_bad_input)
{
	struct rdmarpc_request e[4];
	struct rdmarpc_batch b;
	char buf[16];
	uint32_t done;
	int64_t t0, dt;

	for (int i = 0; i < 4; i++)
		req_prep(&e[i], buf, sizeof(buf));
	/* REAP's counts: at least one entry, min_complete <= count. */
	EXPECT_EQ(-EINVAL, batch(self->fd, RDMARPC_IOC_RECV_BATCH, e, 0, 0, 0,
				 &done));
	EXPECT_EQ(-EINVAL, batch(self->fd, RDMARPC_IOC_RECV_BATCH, e, 4, 5, 0,
				 &done));
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = 1;
	b.entries = (uint64_t)(uintptr_t)e;
	b.reserved = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_RECV_BATCH, &b));

	/* The first entry is checked at once, before any wait. */
	EXPECT_EQ(-EFAULT, batch(self->fd, RDMARPC_IOC_RECV_BATCH, NULL, 1, 0,
				 0, &done));
	EXPECT_EQ(0u, done);
	EXPECT_EQ(-EFAULT, batch(self->fd, RDMARPC_IOC_RECV_BATCH, (void *)8,
				 4, 1, 0xffffffffu, &done));
	EXPECT_EQ(0u, done);
	e[0].size = sizeof(e[0]) + 8;
	EXPECT_EQ(-EINVAL, batch(self->fd, RDMARPC_IOC_RECV_BATCH, e, 1, 1,
				 0xffffffffu, &done));
	EXPECT_EQ(0u, done);
	e[0].size = 0;
	EXPECT_EQ(-EINVAL, batch(self->fd, RDMARPC_IOC_RECV_BATCH, e, 1, 0,
				 0, &done));
	req_prep(&e[0], buf, sizeof(buf));
	e[0].flags = RDMARPC_RECV_F_ALL + 1;
	EXPECT_EQ(-EINVAL, batch(self->fd, RDMARPC_IOC_RECV_BATCH, e, 1, 0,
				 0, &done));
	req_prep(&e[0], buf, sizeof(buf));
	e[0].timeout_ms = 10;
	EXPECT_EQ(-EINVAL, batch(self->fd, RDMARPC_IOC_RECV_BATCH, e, 1, 0,
				 0, &done));
	EXPECT_EQ(0u, done);
	req_prep(&e[0], buf, sizeof(buf));

	/*
	 * An endpoint that serves nothing receives nothing: at once without
	 * a timeout, -ETIMEDOUT after one; a huge count changes nothing.
	 */
	EXPECT_EQ(0, batch(self->fd, RDMARPC_IOC_RECV_BATCH, e, 4, 4, 0,
			   &done));
	EXPECT_EQ(0u, done);
	EXPECT_EQ(0, batch(self->fd, RDMARPC_IOC_RECV_BATCH, e, 0xffffffffu,
			   0, 0, &done));
	EXPECT_EQ(0u, done);
	t0 = now_ms();
	EXPECT_EQ(-ETIMEDOUT, batch(self->fd, RDMARPC_IOC_RECV_BATCH, e, 4, 1,
				    200, &done));
	dt = now_ms() - t0;
	EXPECT_EQ(0u, done);
	EXPECT_LE(190, dt);
	EXPECT_GT(5000, dt);
	/* Bound, the same. */
	ASSERT_EQ(0, bind_svc(self->fd, names[0], NULL, 0));
	EXPECT_EQ(0, batch(self->fd, RDMARPC_IOC_RECV_BATCH, e, 0xffffffffu,
			   0, 0, &done));
	EXPECT_EQ(-ETIMEDOUT, batch(self->fd, RDMARPC_IOC_RECV_BATCH, e, 4, 4,
				    100, &done));
	EXPECT_EQ(0u, done);
}

TEST_F(dev, reply_batch_bad_input)
{
	static const uint64_t ids[] = { 0, 1, 2, 12345, 0xffffffffULL,
					0x100000000ULL, ~0ULL };
	struct rdmarpc_reply e[sizeof(ids) / sizeof(ids[0])];
	struct rdmarpc_batch b;
	uint32_t done;
	char buf[8] = "x";

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		rep_prep(&e[i], ids[i], 0, buf, 1);
	/* SUBMIT's fields: min_complete, timeout_ms and reserved are 0. */
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = 1;
	b.entries = (uint64_t)(uintptr_t)e;
	b.reserved = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_REPLY_BATCH, &b));
	b.reserved = 0;
	b.min_complete = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_REPLY_BATCH, &b));
	b.min_complete = 0;
	b.timeout_ms = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_REPLY_BATCH, &b));

	/* SUBMIT's count rule: 0 entries is nothing to do. */
	EXPECT_EQ(0, batch(self->fd, RDMARPC_IOC_REPLY_BATCH, e, 0, 0, 0,
			   &done));
	EXPECT_EQ(0u, done);
	EXPECT_EQ(0, batch(self->fd, RDMARPC_IOC_REPLY_BATCH, NULL, 0, 0, 0,
			   &done));
	EXPECT_EQ(0u, done);
	/* Unreadable entries, a huge count: the first one fails. */
	EXPECT_EQ(-EFAULT, batch(self->fd, RDMARPC_IOC_REPLY_BATCH, NULL, 1,
				 0, 0, &done));
	EXPECT_EQ(0u, done);
	EXPECT_EQ(-EFAULT, batch(self->fd, RDMARPC_IOC_REPLY_BATCH, (void *)8,
				 0xffffffffu, 0, 0, &done));
	EXPECT_EQ(0u, done);
	/* Unknown ids, unbound and bound; every one, and all at once. */
	for (int bound = 0; bound < 2; bound++) {
		for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			EXPECT_EQ(-ENOENT, batch(self->fd,
						 RDMARPC_IOC_REPLY_BATCH,
						 &e[i], 1, 0, 0, &done))
				TH_LOG("id %llu", (unsigned long long)ids[i]);
			EXPECT_EQ(0u, done);
		}
		EXPECT_EQ(-ENOENT, batch(self->fd, RDMARPC_IOC_REPLY_BATCH,
					 e, 0xffffffffu, 0, 0, &done));
		EXPECT_EQ(0u, done);
		if (!bound)
			ASSERT_EQ(0, bind_svc(self->fd, names[0], NULL, 0));
	}
	/* An entry of a size the kernel does not know. */
	e[0].size = sizeof(e[0]) - 8;
	EXPECT_EQ(-EINVAL, batch(self->fd, RDMARPC_IOC_REPLY_BATCH, e, 1, 0,
				 0, &done));
	EXPECT_EQ(0u, done);
}

TEST_F(dev, poll_idle)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN };

	EXPECT_EQ(0, poll(&p, 1, 50));
	ASSERT_EQ(0, bind_svc(self->fd, names[0], NULL, 0));
	EXPECT_EQ(0, poll(&p, 1, 50));
}

TEST_F(dev, bind_conflicts)
{
	uint32_t ids_a[] = { 0x1000 + (uint32_t)getpid(), 0x2000000 };
	uint32_t ids_b[] = { 0x3000000, 0x2000000 };
	uint32_t ids_own[] = { method_id(names[0]) };
	uint32_t dup[] = { 7, 8, 7 };
	uint32_t many[BIND_MAX_METHODS + 1];
	int other;

	ids_a[1] += (uint32_t)getpid();
	ids_b[1] = ids_a[1];
	ids_b[0] += (uint32_t)getpid();
	other = dev_open();
	ASSERT_LE(0, other);

	ASSERT_EQ(0, bind_svc(self->fd, names[0], NULL, 0));
	/* The name, or its id, is taken: by another endpoint ... */
	EXPECT_EQ(-EADDRINUSE, bind_svc(other, names[0], NULL, 0));
	EXPECT_EQ(-EADDRINUSE, bind_svc(other, names[1], ids_own, 1));
	/* ... or by this one. */
	EXPECT_EQ(-EEXIST, bind_svc(self->fd, names[0], NULL, 0));

	/* Explicit ids: any one taken refuses the whole BIND. */
	ASSERT_EQ(0, bind_svc(self->fd, names[1], ids_a, 2));
	EXPECT_EQ(-EADDRINUSE, bind_svc(other, names[2], ids_b, 2));
	/* ... and took nothing: ids_b[0] is still free. */
	EXPECT_EQ(0, bind_svc(other, names[2], ids_b, 1));

	EXPECT_EQ(-EINVAL, bind_svc(other, names[3], dup, 3))
		TH_LOG("an id listed twice");
	EXPECT_EQ(-EFAULT, bind_svc(other, names[3], (uint32_t *)8, 2));
	for (uint32_t i = 0; i <= BIND_MAX_METHODS; i++)
		many[i] = 0x40000000u + i;
	EXPECT_EQ(-EINVAL, bind_svc(other, names[3], many,
				    BIND_MAX_METHODS + 1));
	EXPECT_EQ(0, bind_svc(other, names[3], many, BIND_MAX_METHODS));

	/* Closing an endpoint frees its names and ids. */
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, bind_svc(other, names[0], NULL, 0));
	EXPECT_EQ(0, bind_svc(other, names[1], ids_a, 2));
	close(other);
}

TEST_F(dev, services_per_endpoint)
{
	char name[RDMARPC_NAME_MAX + 16];
	int i, err = 0;

	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "%.40s.%d", names[0], i);
		err = bind_svc(self->fd, name, NULL, 0);
		if (err)
			break;
	}
	/* A limit exists, well below a thousand, and is reported. */
	EXPECT_EQ(-ENOSPC, err);
	EXPECT_LT(0, i);
}

/* A process killed while it waits in RECV: its service goes with it. */
TEST_F(dev, killed_while_waiting)
{
	int pipefd[2], status;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct rdmarpc_request r;
		int fd = dev_open();

		if (fd < 0 || bind_svc(fd, names[0], NULL, 0))
			_exit(1);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		recv_req(fd, 0xffffffffu, &r);
		_exit(2);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	EXPECT_EQ(-EADDRINUSE, bind_svc(self->fd, names[0], NULL, 0));
	usleep(100000);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(0, bind_svc(self->fd, names[0], NULL, 0));
	close(pipefd[0]);
}

TEST(many_endpoints)
{
	static int fds[MANY_ENDPOINTS];
	struct rlimit rl;
	int n;

	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < MANY_ENDPOINTS + 16) {
		rl.rlim_cur = rl.rlim_max < MANY_ENDPOINTS + 16 ?
			      rl.rlim_max : MANY_ENDPOINTS + 16;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (n = 0; n < MANY_ENDPOINTS; n++) {
		fds[n] = dev_open();
		if (fds[n] < 0)
			break;
		ASSERT_EQ(0, xioctl(fds[n], RDMARPC_IOC_NOP, NULL));
	}
	EXPECT_LT(64, n);
	while (n--)
		close(fds[n]);
}

TEST(unprivileged_open)
{
	int status;
	pid_t pid;

	if (geteuid())
		SKIP(return, "not root");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd;

		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(3);
		fd = dev_open();
		_exit(fd < 0 && (errno == EACCES || errno == EPERM) ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("nobody could open %s",
						 DEV_PATH);
}

/*
 * Calls through the module: a server endpoint and a client endpoint in one
 * process, so the peer must be this host (one-host mode).  Skipped when it
 * cannot be reached.
 */
FIXTURE(rpc) {
	int srv, cli, h;
	uint32_t method;
};

FIXTURE_SETUP(rpc)
{
	const char *peer = getenv("RDMARPC_PEER_IP");
	const char *local = getenv("RDMARPC_LOCAL_IP");

	make_names();
	self->srv = self->cli = -1;
	/* Two-host mode: the peer is the other host, not this server. */
	if (peer && local && strcmp(peer, local))
		SKIP(return, "the peer is another host");
	self->srv = dev_open();
	self->cli = dev_open();
	ASSERT_LE(0, self->srv);
	ASSERT_LE(0, self->cli);
	self->method = method_id(names[0]);
	ASSERT_EQ(0, bind_svc(self->srv, names[0], NULL, 0));
	self->h = connect_self(self->cli);
	if (self->h < 0)
		SKIP(return, "CONNECT: %s", strerror(-self->h));
}

FIXTURE_TEARDOWN(rpc)
{
	if (self->cli >= 0)
		close(self->cli);
	if (self->srv >= 0)
		close(self->srv);
}

static int submit(int fd, struct rdmarpc_call *calls, uint32_t n,
		  uint32_t *done)
{
	struct rdmarpc_batch b;
	int err;

	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = n;
	b.entries = (uint64_t)(uintptr_t)calls;
	b.done = 0xdeadbeef;
	err = xioctl(fd, RDMARPC_IOC_SUBMIT, &b);
	*done = b.done;
	return err;
}

static void call_prep(struct rdmarpc_call *c, int h, uint32_t method,
		      uint64_t cookie, const void *req, size_t len,
		      void *resp, size_t cap)
{
	memset(c, 0, sizeof(*c));
	c->handle = (uint32_t)h;
	c->method = method;
	c->cookie = cookie;
	c->req = (uint64_t)(uintptr_t)req;
	c->req_len = len;
	c->resp = (uint64_t)(uintptr_t)resp;
	c->resp_cap = cap;
	c->timeout_ms = 10000;
}

/* RECV truncates to the buffer and says how long the request was; REPLY
 * answers once; a response larger than the caller's buffer is -ENOBUFS
 * with its full length and the bytes that fit.
 */
TEST_F(rpc, truncation_both_ways)
{
	char req[100], resp[10], buf[10], big[100];
	struct rdmarpc_completion comp;
	struct rdmarpc_request r;
	struct rdmarpc_reply rep;
	struct rdmarpc_call c;
	uint32_t done;

	memset(req, 'q', sizeof(req));
	memset(big, 'R', sizeof(big));
	memset(resp, 0, sizeof(resp));
	call_prep(&c, self->h, self->method, 7, req, sizeof(req), resp,
		  sizeof(resp));
	ASSERT_EQ(0, submit(self->cli, &c, 1, &done));
	ASSERT_EQ(1u, done);

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.timeout_ms = 10000;
	r.buf = (uint64_t)(uintptr_t)buf;
	r.buf_cap = sizeof(buf);
	ASSERT_EQ(0, xioctl(self->srv, RDMARPC_IOC_RECV, &r));
	EXPECT_EQ(100u, r.len);
	EXPECT_EQ(self->method, r.method);
	EXPECT_EQ(0, memcmp(buf, req, sizeof(buf)));

	memset(&rep, 0, sizeof(rep));
	rep.size = sizeof(rep);
	rep.id = r.id;
	rep.status = RDMARPC_STATUS_OK;
	rep.buf = (uint64_t)(uintptr_t)big;
	rep.len = sizeof(big);
	EXPECT_EQ(0, xioctl(self->srv, RDMARPC_IOC_REPLY, &rep));
	EXPECT_EQ(-ENOENT, xioctl(self->srv, RDMARPC_IOC_REPLY, &rep))
		TH_LOG("a second REPLY to the same id");

	ASSERT_EQ(0, reap(self->cli, &comp, 1, 1, 10000, &done));
	ASSERT_EQ(1u, done);
	EXPECT_EQ(7u, comp.cookie);
	EXPECT_EQ(-ENOBUFS, comp.error);
	EXPECT_EQ(100u, comp.resp_len);
	EXPECT_EQ(0, memcmp(resp, big, sizeof(resp)));

	/* Another status: its message is cut to the buffer, no error. */
	c.cookie = 8;
	memset(resp, 0, sizeof(resp));
	ASSERT_EQ(0, submit(self->cli, &c, 1, &done));
	ASSERT_EQ(0, xioctl(self->srv, RDMARPC_IOC_RECV, &r));
	rep.id = r.id;
	rep.status = RDMARPC_STATUS_INTERNAL;
	EXPECT_EQ(0, xioctl(self->srv, RDMARPC_IOC_REPLY, &rep));
	ASSERT_EQ(0, reap(self->cli, &comp, 1, 1, 10000, &done));
	ASSERT_EQ(1u, done);
	EXPECT_EQ(8u, comp.cookie);
	EXPECT_EQ(0, comp.error);
	EXPECT_EQ(RDMARPC_STATUS_INTERNAL, comp.status);
	EXPECT_EQ(sizeof(resp), comp.resp_len);
	EXPECT_EQ(0, memcmp(resp, big, sizeof(resp)));
}

/*
 * RDMARPC_RECV_F_WHOLE: a request larger than the buffer is not taken;
 * RECV says its size and it stays first, for RECV and RECV_BATCH alike.
 */
TEST_F(rpc, recv_whole)
{
	char req[100], small[10], buf[100];
	struct rdmarpc_completion comp;
	struct rdmarpc_request r, e[2];
	struct rdmarpc_call c;
	uint32_t done;

	memset(req, 'w', sizeof(req));
	call_prep(&c, self->h, self->method, 9, req, sizeof(req), NULL, 0);
	ASSERT_EQ(0, submit(self->cli, &c, 1, &done));
	ASSERT_EQ(1u, done);

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.timeout_ms = 10000;
	r.buf = (uint64_t)(uintptr_t)small;
	r.buf_cap = sizeof(small);
	r.flags = RDMARPC_RECV_F_WHOLE;
	r.id = 77;
	EXPECT_EQ(-EMSGSIZE, xioctl(self->srv, RDMARPC_IOC_RECV, &r));
	EXPECT_EQ(100u, r.len);
	EXPECT_EQ(self->method, r.method);
	EXPECT_EQ(0u, r.id);

	/* A batch whose first entry is too small fails with it, taking none. */
	req_prep(&e[0], small, sizeof(small));
	e[0].flags = RDMARPC_RECV_F_WHOLE;
	req_prep(&e[1], buf, sizeof(buf));
	EXPECT_EQ(-EMSGSIZE, batch(self->srv, RDMARPC_IOC_RECV_BATCH, e, 2, 1,
				   10000, &done));
	EXPECT_EQ(0u, done);
	EXPECT_EQ(100u, e[0].len);

	/* Still queued: a buffer of that size takes it whole. */
	r.buf = (uint64_t)(uintptr_t)buf;
	r.buf_cap = sizeof(buf);
	ASSERT_EQ(0, xioctl(self->srv, RDMARPC_IOC_RECV, &r));
	EXPECT_EQ(100u, r.len);
	EXPECT_NE(0u, r.id);
	EXPECT_EQ(0, memcmp(buf, req, sizeof(req)));
	EXPECT_EQ(0, reply_id(self->srv, r.id));
	ASSERT_EQ(0, reap(self->cli, &comp, 1, 1, 10000, &done));
	EXPECT_EQ(9u, comp.cookie);
	EXPECT_EQ(0, comp.error);
}

/*
 * A request nobody serves completes with status UNIMPLEMENTED and a
 * message naming the method, cut to the buffer if it does not fit.
 */
TEST_F(rpc, unserved_method)
{
	struct rdmarpc_sync_call sc;
	char resp[64], want[64];
	uint32_t m = method_id(names[3]);

	snprintf(want, sizeof(want), "no service for method 0x%08x", m);
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	call_prep(&sc.call, self->h, m, 1, NULL, 0, resp, sizeof(resp));
	ASSERT_EQ(0, xioctl(self->cli, RDMARPC_IOC_CALL, &sc));
	EXPECT_EQ(0, sc.comp.error);
	EXPECT_EQ(RDMARPC_STATUS_UNIMPLEMENTED, sc.comp.status);
	ASSERT_EQ(strlen(want), sc.comp.resp_len);
	EXPECT_EQ(0, memcmp(resp, want, strlen(want)));

	/* No room for the whole message: cut, not -ENOBUFS. */
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	call_prep(&sc.call, self->h, m, 2, NULL, 0, resp, 10);
	ASSERT_EQ(0, xioctl(self->cli, RDMARPC_IOC_CALL, &sc));
	EXPECT_EQ(0, sc.comp.error);
	EXPECT_EQ(RDMARPC_STATUS_UNIMPLEMENTED, sc.comp.status);
	EXPECT_EQ(10u, sc.comp.resp_len);
	EXPECT_EQ(0, memcmp(resp, want, 10));
}

/* The server closes holding the request: the caller sees -ECONNABORTED. */
TEST_F(rpc, server_closes)
{
	struct rdmarpc_completion comp[2];
	struct rdmarpc_request r;
	struct rdmarpc_call c[2];
	uint32_t done, got = 0;

	call_prep(&c[0], self->h, self->method, 1, "a", 1, NULL, 0);
	call_prep(&c[1], self->h, self->method, 2, "b", 1, NULL, 0);
	ASSERT_EQ(0, submit(self->cli, c, 2, &done));
	ASSERT_EQ(2u, done);
	/* One received and held, one still queued. */
	ASSERT_EQ(0, recv_req(self->srv, 10000, &r));
	usleep(100000);
	close(self->srv);
	self->srv = -1;
	while (got < 2) {
		ASSERT_EQ(0, reap(self->cli, comp + got, 2 - got, 1, 10000,
				  &done));
		got += done;
	}
	EXPECT_EQ(-ECONNABORTED, comp[0].error);
	EXPECT_EQ(-ECONNABORTED, comp[1].error);
}

TEST_F(rpc, cancel)
{
	struct rdmarpc_completion comp;
	struct rdmarpc_call c;
	uint64_t cookie = 99;
	uint32_t done;

	call_prep(&c, self->h, self->method, cookie, "x", 1, NULL, 0);
	ASSERT_EQ(0, submit(self->cli, &c, 1, &done));
	EXPECT_EQ(0, xioctl(self->cli, RDMARPC_IOC_CANCEL, &cookie));
	ASSERT_EQ(0, reap(self->cli, &comp, 1, 1, 10000, &done));
	ASSERT_EQ(1u, done);
	EXPECT_EQ(cookie, comp.cookie);
	EXPECT_EQ(-ECANCELED, comp.error);
	EXPECT_EQ(-ENOENT, xioctl(self->cli, RDMARPC_IOC_CANCEL, &cookie));
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * A held request carries its caller's deadline; the caller's cancel
 * reaches the handler as a flag and POLLPRI, until it is answered.
 */
TEST_F(rpc, req_state_deadline_and_cancel)
{
	struct pollfd pfd = { .events = POLLPRI };
	struct rdmarpc_completion comp;
	struct rdmarpc_req_state st;
	struct rdmarpc_request r;
	struct rdmarpc_call c;
	uint64_t cookie = 5, t0;
	uint32_t done;
	char buf[8];

	call_prep(&c, self->h, self->method, cookie, "x", 1, NULL, 0);
	c.timeout_ms = 20000;
	t0 = mono_ns();
	ASSERT_EQ(0, submit(self->cli, &c, 1, &done));
	req_prep(&r, buf, sizeof(buf));
	r.timeout_ms = 10000;
	ASSERT_EQ(0, xioctl(self->srv, RDMARPC_IOC_RECV, &r));
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.id = r.id;
	ASSERT_EQ(0, xioctl(self->srv, RDMARPC_IOC_REQ_STATE, &st));
	EXPECT_EQ(0u, st.flags);
	/*
	 * The caller's 20 s, counted on the server from the request's
	 * arrival: later than the caller's own deadline by its time on the
	 * wire, and no later than 20 s from now.
	 */
	EXPECT_GT(st.deadline_ns, t0 + 19000000000ULL);
	EXPECT_LE(st.deadline_ns, mono_ns() + 20000000000ULL);
	pfd.fd = self->srv;
	EXPECT_EQ(0, poll(&pfd, 1, 0));

	EXPECT_EQ(0, xioctl(self->cli, RDMARPC_IOC_CANCEL, &cookie));
	ASSERT_EQ(0, reap(self->cli, &comp, 1, 1, 10000, &done));
	EXPECT_EQ(-ECANCELED, comp.error);
	EXPECT_EQ(1, poll(&pfd, 1, 10000));
	EXPECT_TRUE(pfd.revents & POLLPRI);
	ASSERT_EQ(0, xioctl(self->srv, RDMARPC_IOC_REQ_STATE, &st));
	EXPECT_EQ(RDMARPC_REQ_CANCELLED, st.flags);

	EXPECT_EQ(0, reply_id(self->srv, r.id));
	EXPECT_EQ(-ENOENT, xioctl(self->srv, RDMARPC_IOC_REQ_STATE, &st));
	EXPECT_EQ(0, poll(&pfd, 1, 0));
}

/* Responses go only to the address space that submitted the call. */
TEST_F(rpc, reap_from_another_process)
{
	struct rdmarpc_request r;
	struct rdmarpc_call c;
	char resp[8];
	uint32_t done;
	int status;
	pid_t pid;

	call_prep(&c, self->h, self->method, 3, "ping", 4, resp, sizeof(resp));
	ASSERT_EQ(0, submit(self->cli, &c, 1, &done));
	ASSERT_EQ(0, recv_req(self->srv, 10000, &r));
	ASSERT_EQ(0, reply_id(self->srv, r.id));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct rdmarpc_completion comp;

		if (reap(self->cli, &comp, 1, 1, 10000, &done) || done != 1)
			_exit(2);
		_exit(comp.error == -EFAULT ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* A CALL that waits is interrupted by a signal (and cancelled). */
TEST_F(rpc, call_interrupted)
{
	struct rdmarpc_sync_call sc;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	call_prep(&sc.call, self->h, self->method, 1, "x", 1, NULL, 0);
	ualarm(300000, 0);
	EXPECT_EQ(-EINTR, xioctl(self->cli, RDMARPC_IOC_CALL, &sc));
}

/* The in-flight limit, then a close that cancels thousands of calls. */
TEST_F_TIMEOUT(rpc, inflight_limit, 120)
{
	static struct rdmarpc_call c[5000];
	uint32_t done;
	int err;

	for (int i = 0; i < 5000; i++) {
		call_prep(&c[i], self->h, self->method, (uint64_t)i, "x", 1,
			  NULL, 0);
		/* None may time out while the batch is submitted. */
		c[i].timeout_ms = 120000;
	}
	err = submit(self->cli, c, 5000, &done);
	EXPECT_EQ(-EAGAIN, err);
	/*
	 * 4096 in flight at once: exactly 4096 unless some completed (on a
	 * slow debug kernel, 4120 were taken) while the batch went in.
	 */
	EXPECT_LE(4096u, done);
	EXPECT_GT(5000u, done);
}

/*
 * RECV_BATCH takes what is there up to its count and REPLY_BATCH answers
 * in order, stopping at the first bad entry with done = those before it.
 */
TEST_F(rpc, batch_roundtrip)
{
	struct rdmarpc_completion comp[8];
	struct rdmarpc_request e[16];
	struct rdmarpc_reply rep[9];
	struct rdmarpc_call c[8];
	char req[8][4], resp[8][4], bufs[16][8];
	uint32_t done, got = 0;

	for (int i = 0; i < 8; i++) {
		memcpy(req[i], "abcd", 4);
		req[i][0] = (char)('0' + i);
		call_prep(&c[i], self->h, self->method, (uint64_t)i, req[i], 4,
			  resp[i], sizeof(resp[i]));
	}
	for (int i = 0; i < 16; i++)
		req_prep(&e[i], bufs[i], sizeof(bufs[i]));
	ASSERT_EQ(0, submit(self->cli, c, 8, &done));
	ASSERT_EQ(8u, done);
	/* All eight (at least), waiting as long as it takes. */
	while (got < 8) {
		ASSERT_EQ(0, batch(self->srv, RDMARPC_IOC_RECV_BATCH, e + got,
				   16 - got, 8 - got, 10000, &done));
		ASSERT_LT(0u, done);
		got += done;
	}
	ASSERT_EQ(8u, got);
	for (int i = 0; i < 8; i++) {
		EXPECT_EQ(4u, e[i].len);
		EXPECT_EQ(self->method, e[i].method);
		EXPECT_NE(0u, e[i].id);
		rep_prep(&rep[i < 4 ? i : i + 1], e[i].id, i, bufs[i], 4);
	}
	/* Entry 4 answers an unknown id: four answered, then -ENOENT. */
	rep_prep(&rep[4], 0xfffffff0ULL, 0, NULL, 0);
	EXPECT_EQ(-ENOENT, batch(self->srv, RDMARPC_IOC_REPLY_BATCH, rep, 9,
				 0, 0, &done));
	EXPECT_EQ(4u, done);
	/* Answered ones cannot be answered again. */
	EXPECT_EQ(-ENOENT, batch(self->srv, RDMARPC_IOC_REPLY_BATCH, rep, 1,
				 0, 0, &done));
	EXPECT_EQ(0u, done);
	EXPECT_EQ(0, batch(self->srv, RDMARPC_IOC_REPLY_BATCH, rep + 5, 4, 0,
			   0, &done));
	EXPECT_EQ(4u, done);

	for (got = 0; got < 8; got += done)
		ASSERT_EQ(0, reap(self->cli, comp + got, 8 - got, 1, 10000,
				  &done));
	for (int i = 0; i < 8; i++) {
		uint64_t k = comp[i].cookie;

		ASSERT_GT(8u, k);
		EXPECT_EQ(0, comp[i].error);
		EXPECT_EQ(4u, comp[i].resp_len);
		/* Request k went to entry k: the order is kept. */
		EXPECT_EQ((int32_t)k, comp[i].status);
		EXPECT_EQ(0, memcmp(resp[k], req[k], 4));
	}
}

/*
 * A batch that fails part way: the requests before the bad entry are
 * handed over (done), the one meant for it stays queued.
 */
TEST_F(rpc, recv_batch_partial)
{
	struct rdmarpc_completion comp[3];
	struct rdmarpc_request e[3], r;
	struct rdmarpc_call c[3];
	char bufs[3][8];
	uint32_t done, got;

	for (int i = 0; i < 3; i++) {
		call_prep(&c[i], self->h, self->method, (uint64_t)i, "q", 1,
			  NULL, 0);
		req_prep(&e[i], bufs[i], sizeof(bufs[i]));
	}
	ASSERT_EQ(0, submit(self->cli, c, 3, &done));
	ASSERT_EQ(3u, done);
	/* Wait until all three are queued. */
	ASSERT_EQ(0, batch(self->srv, RDMARPC_IOC_RECV_BATCH, e, 1, 1, 10000,
			   &done));
	ASSERT_EQ(1u, done);
	ASSERT_EQ(0, reply_id(self->srv, e[0].id));
	usleep(300000);

	/* Entry 1 is refused: one taken, the error is entry 1's. */
	req_prep(&e[0], bufs[0], sizeof(bufs[0]));
	e[1].flags = 7;
	EXPECT_EQ(-EINVAL, batch(self->srv, RDMARPC_IOC_RECV_BATCH, e, 3, 1,
				 10000, &done));
	EXPECT_EQ(1u, done);
	EXPECT_EQ(0, reply_id(self->srv, e[0].id));
	/* Entry 0's buffer is not writable: -EFAULT, nothing taken. */
	req_prep(&e[0], (void *)8, 8);
	EXPECT_EQ(-EFAULT, batch(self->srv, RDMARPC_IOC_RECV_BATCH, e, 1, 1,
				 10000, &done));
	EXPECT_EQ(0u, done);
	/* The last request was kept for a good entry. */
	ASSERT_EQ(0, recv_req(self->srv, 10000, &r));
	EXPECT_EQ(0, reply_id(self->srv, r.id));

	for (got = 0; got < 3; got += done)
		ASSERT_EQ(0, reap(self->cli, comp + got, 3 - got, 1, 10000,
				  &done));
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(0, comp[i].error);
}

/* Busy polling on both ends: calls still complete, both ways of waiting. */
TEST_F(rpc, busy_poll_calls)
{
	struct rdmarpc_completion comp;
	struct rdmarpc_sync_call sc;
	struct rdmarpc_request e;
	struct rdmarpc_call c;
	char buf[8], resp[8];
	uint32_t done;
	pid_t pid;
	int status;

	ASSERT_EQ(0, set_busy_poll(self->srv, 2000));
	ASSERT_EQ(0, set_busy_poll(self->cli, 2000));
	/* A server in a child, one request per batch, 20 requests. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct rdmarpc_reply rep;

		for (int n = 0; n < 20;) {
			req_prep(&e, buf, sizeof(buf));
			if (batch(self->srv, RDMARPC_IOC_RECV_BATCH, &e, 1, 1,
				  10000, &done) || done != 1)
				_exit(1);
			rep_prep(&rep, e.id, 3, buf, e.len);
			if (batch(self->srv, RDMARPC_IOC_REPLY_BATCH, &rep, 1,
				  0, 0, &done) || done != 1)
				_exit(2);
			n++;
		}
		_exit(0);
	}
	for (int i = 0; i < 10; i++) {
		memset(&sc, 0, sizeof(sc));
		sc.size = sizeof(sc);
		call_prep(&sc.call, self->h, self->method, 1, "ping", 4, resp,
			  sizeof(resp));
		ASSERT_EQ(0, xioctl(self->cli, RDMARPC_IOC_CALL, &sc));
		EXPECT_EQ(0, sc.comp.error);
		EXPECT_EQ(3, sc.comp.status);
		EXPECT_EQ(4u, sc.comp.resp_len);
		call_prep(&c, self->h, self->method, 2, "pong", 4, resp,
			  sizeof(resp));
		ASSERT_EQ(0, submit(self->cli, &c, 1, &done));
		ASSERT_EQ(0, reap(self->cli, &comp, 1, 1, 10000, &done));
		ASSERT_EQ(1u, done);
		EXPECT_EQ(0, comp.error);
		EXPECT_EQ(0, memcmp(resp, "pong", 4));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* ---- shared rings ---- */

static int ring_setup_flags(int fd, uint32_t sq, uint32_t cq, uint32_t flags,
			    uint64_t *map_len)
{
	struct rdmarpc_ring_setup s;
	int err;

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.flags = flags;
	s.sq_entries = sq;
	s.cq_entries = cq;
	err = xioctl(fd, RDMARPC_IOC_RING_SETUP, &s);
	if (map_len)
		*map_len = s.map_len;
	return err;
}

/* Rings served by RING_ENTER alone. */
static int ring_setup(int fd, uint32_t sq, uint32_t cq, uint64_t *map_len)
{
	return ring_setup_flags(fd, sq, cq, 0, map_len);
}

static int ring_enter(int fd, uint32_t min, uint32_t timeout_ms)
{
	struct rdmarpc_ring_enter e = {
		.size = sizeof(e),
		.min_complete = min,
		.timeout_ms = timeout_ms,
	};

	return xioctl(fd, RDMARPC_IOC_RING_ENTER, &e);
}

/* mmap() of the rings as a pointer or a negative errno in *err. */
static void *ring_map(int fd, size_t len, off_t off, int *err)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);

	*err = p == MAP_FAILED ? -errno : 0;
	return p == MAP_FAILED ? NULL : p;
}

/* Place @c in the submission ring and have the module take it. */
static int ring_put(int fd, struct rdmarpc_ring_hdr *h,
		    const struct rdmarpc_call *c)
{
	struct rdmarpc_call *sq = (void *)((char *)h + h->sq_off);
	uint32_t tail = h->sq_tail;

	sq[tail & (h->sq_entries - 1)] = *c;
	__atomic_store_n(&h->sq_tail, tail + 1, __ATOMIC_RELEASE);
	return ring_enter(fd, 0, 0);
}

/* The next completion of the ring, after waiting up to @ms for it. */
static int ring_get(int fd, struct rdmarpc_ring_hdr *h,
		    struct rdmarpc_completion *out, uint32_t ms)
{
	struct rdmarpc_completion *cq = (void *)((char *)h + h->cq_off);
	uint32_t head = h->cq_head;
	int err = ring_enter(fd, 1, ms);

	if (err)
		return err;
	if (__atomic_load_n(&h->cq_tail, __ATOMIC_ACQUIRE) == head)
		return -EPROTO;
	*out = cq[head & (h->cq_entries - 1)];
	__atomic_store_n(&h->cq_head, head + 1, __ATOMIC_RELEASE);
	return 0;
}

TEST_F(dev, ring_setup_bad_input)
{
	static const uint32_t bad[][2] = {
		{ 0, 0 }, { 3, 0 }, { RDMARPC_RING_MAX_SQ * 2, 0 },
		{ 8, 4 }, { 8, 24 }, { 8, RDMARPC_RING_MAX_CQ * 2 },
	};
	struct rdmarpc_ring_setup s;
	uint64_t len;
	int err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-EINVAL, ring_setup(self->fd, bad[i][0], bad[i][1],
					      NULL))
			TH_LOG("sq %u cq %u", bad[i][0], bad[i][1]);
	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.sq_entries = 8;
	s.flags = RDMARPC_RING_SETUP_ALL + 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_RING_SETUP, &s));
	s.flags = 1u << 31;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_RING_SETUP, &s));
	/* Nothing to enter or map before a setup succeeds. */
	EXPECT_EQ(-ENXIO, ring_enter(self->fd, 0, 0));
	EXPECT_NULL(ring_map(self->fd, 4096, 0, &err));
	EXPECT_EQ(-ENXIO, err);

	ASSERT_EQ(0, ring_setup(self->fd, 8, 0, &len));
	EXPECT_LT(0, len);
	EXPECT_EQ(0u, len % 4096);
	EXPECT_EQ(-EBUSY, ring_setup(self->fd, 8, 0, NULL));
	EXPECT_EQ(-EBUSY, ring_setup(self->fd, 16, 64, NULL));
	EXPECT_NULL(ring_map(self->fd, len, 4096, &err));
	EXPECT_EQ(-EINVAL, err);
	EXPECT_NULL(ring_map(self->fd, len + 4096, 0, &err));
	EXPECT_EQ(-EINVAL, err);
}

TEST_F(dev, ring_enter_bad_input)
{
	struct rdmarpc_ring_enter e;
	struct rdmarpc_ring_hdr *h;
	uint64_t len;
	int64_t t0;
	int err;

	ASSERT_EQ(0, ring_setup(self->fd, 4, 0, &len));
	h = ring_map(self->fd, len, 0, &err);
	ASSERT_NE(NULL, h) TH_LOG("mmap: %s", strerror(-err));
	EXPECT_EQ(4u, h->sq_entries);
	EXPECT_EQ(8u, h->cq_entries);
	EXPECT_LE(sizeof(*h), h->sq_off);
	EXPECT_LE(h->sq_off + 4 * sizeof(struct rdmarpc_call), h->cq_off);
	EXPECT_LE(h->cq_off + 8 * sizeof(struct rdmarpc_completion), len);
	EXPECT_EQ(0u, h->sq_head);
	EXPECT_EQ(0u, h->cq_tail);
	/* No thread: only RING_ENTER serves the rings, and says so. */
	EXPECT_EQ(RDMARPC_RING_NEED_WAKEUP, h->flags);

	memset(&e, 0, sizeof(e));
	e.size = sizeof(e);
	e.flags = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, RDMARPC_IOC_RING_ENTER, &e));
	EXPECT_EQ(-EINVAL, ring_enter(self->fd, 9, 0));
	EXPECT_EQ(0, ring_enter(self->fd, 0, 0));
	EXPECT_EQ(-ETIMEDOUT, ring_enter(self->fd, 1, 0));
	t0 = now_ms();
	EXPECT_EQ(-ETIMEDOUT, ring_enter(self->fd, 1, 200));
	EXPECT_LE(190, now_ms() - t0);
	munmap(h, len);
}

/*
 * An entry the module refuses is taken and completes at once with the
 * error SUBMIT would have returned, and its cookie; poll() sees it.
 */
TEST_F(dev, ring_refusals_complete)
{
	struct rdmarpc_completion comp;
	struct rdmarpc_ring_hdr *h;
	struct rdmarpc_call c;
	struct pollfd pfd;
	uint64_t len;
	char buf[8];
	int err;

	ASSERT_EQ(0, ring_setup(self->fd, 4, 0, &len));
	h = ring_map(self->fd, len, 0, &err);
	ASSERT_NE(NULL, h) TH_LOG("mmap: %s", strerror(-err));

	call_prep(&c, 7, 1, 0xc0ffee, "x", 1, buf, sizeof(buf));
	ASSERT_EQ(0, ring_put(self->fd, h, &c));
	ASSERT_EQ(0, ring_get(self->fd, h, &comp, 5000));
	EXPECT_EQ(0xc0ffeeu, comp.cookie);
	EXPECT_EQ(-EBADF, comp.error);
	EXPECT_EQ(1u, __atomic_load_n(&h->sq_head, __ATOMIC_ACQUIRE));

	call_prep(&c, 7, 1, 2, "x", 1, buf, sizeof(buf));
	c.flags = 0x80;
	ASSERT_EQ(0, ring_put(self->fd, h, &c));
	pfd.fd = self->fd;
	pfd.events = POLLIN;
	EXPECT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_TRUE(pfd.revents & POLLIN);
	ASSERT_EQ(0, ring_get(self->fd, h, &comp, 5000));
	EXPECT_EQ(2u, comp.cookie);
	EXPECT_EQ(-EINVAL, comp.error);
	munmap(h, len);
}

/*
 * The rings serve the process that made them: a child after fork() has
 * no mapping of them and may neither map nor enter them.
 */
TEST_F(dev, ring_not_for_children)
{
	struct rdmarpc_ring_hdr *h;
	uint64_t len;
	int err, status;
	pid_t pid;

	ASSERT_EQ(0, ring_setup(self->fd, 4, 0, &len));
	h = ring_map(self->fd, len, 0, &err);
	ASSERT_NE(NULL, h) TH_LOG("mmap: %s", strerror(-err));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned char vec;

		/* Not inherited: mincore() finds no mapping there. */
		if (!mincore(h, 4096, &vec) || errno != ENOMEM)
			_exit(1);
		if (ring_map(self->fd, len, 0, &err) || err != -EPERM)
			_exit(2);
		if (ring_enter(self->fd, 0, 0) != -EPERM)
			_exit(3);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	munmap(h, len);
}

/*
 * Calls through the rings served with @flags: each response lands in its
 * own buffer and its completion, with its cookie, in the completion ring;
 * a ring whose completion side is full holds further completions back
 * until there is room.
 */
static void ring_roundtrip(struct __test_metadata *_metadata,
			   FIXTURE_DATA(rpc) *self, uint32_t flags)
{
	struct rdmarpc_completion comp;
	struct rdmarpc_request e;
	struct rdmarpc_ring_hdr *h;
	struct rdmarpc_reply rep;
	struct rdmarpc_call c;
	char req[6][8], resp[6][8], buf[8];
	unsigned int seen = 0;
	uint64_t len;
	int err;

	/* Completion ring of 4: six calls overflow it. */
	ASSERT_EQ(0, ring_setup_flags(self->cli, 4, 4, flags, &len));
	h = ring_map(self->cli, len, 0, &err);
	ASSERT_NE(NULL, h) TH_LOG("mmap: %s", strerror(-err));
	for (int i = 0; i < 6; i++) {
		snprintf(req[i], sizeof(req[i]), "ring%d", i);
		memset(resp[i], 0, sizeof(resp[i]));
		call_prep(&c, self->h, self->method, 100 + i, req[i], 6,
			  resp[i], sizeof(resp[i]));
		/* Four at a time fit the submission ring. */
		if (i == 4)
			while (__atomic_load_n(&h->sq_head, __ATOMIC_ACQUIRE) <
			       4)
				usleep(1000);
		ASSERT_EQ(0, ring_put(self->cli, h, &c));
	}
	for (int i = 0; i < 6; i++) {
		req_prep(&e, buf, sizeof(buf));
		e.timeout_ms = 10000;
		ASSERT_EQ(0, xioctl(self->srv, RDMARPC_IOC_RECV, &e));
		rep_prep(&rep, e.id, 0, buf, e.len);
		ASSERT_EQ(0, xioctl(self->srv, RDMARPC_IOC_REPLY, &rep));
	}
	/* Four completions fill the ring; the last two wait for room. */
	ASSERT_EQ(0, ring_enter(self->cli, 4, 10000));
	usleep(100000);
	EXPECT_EQ(4u, __atomic_load_n(&h->cq_tail, __ATOMIC_ACQUIRE));
	while (seen < 6) {
		ASSERT_EQ(0, ring_get(self->cli, h, &comp, 10000));
		ASSERT_LE(100u, comp.cookie);
		ASSERT_GT(106u, comp.cookie);
		EXPECT_EQ(0, comp.error);
		EXPECT_EQ(6u, comp.resp_len);
		EXPECT_EQ(0, memcmp(resp[comp.cookie - 100],
				    req[comp.cookie - 100], 6));
		seen++;
	}
	EXPECT_EQ(6u, __atomic_load_n(&h->cq_tail, __ATOMIC_ACQUIRE));
	munmap(h, len);
}

TEST_F(rpc, ring_roundtrip)
{
	ring_roundtrip(_metadata, self, 0);
}

TEST_F(rpc, ring_roundtrip_thread)
{
	ring_roundtrip(_metadata, self, RDMARPC_RING_SETUP_THREAD);
}

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/*
 * Garbage in every field of every command, sizes right most of the time so
 * that the checks behind the size are reached.  Waits are kept short and
 * CONNECT gets no time to reach anything.
 */
TEST_F_TIMEOUT(dev, garbage_flood, 120)
{
	_Alignas(8) unsigned char buf[256];
	unsigned int nr, ok = 0;

	rnd_state = FLOOD_SEED;
	for (int i = 0; i < FLOOD_IOCTLS; i++) {
		unsigned long cmd;
		uint32_t size;

		for (size_t j = 0; j < sizeof(buf); j += 8) {
			uint64_t v = rnd();

			memcpy(buf + j, &v, 8);
		}
		nr = (unsigned int)(rnd() % 14);
		cmd = _IOC(rnd() & 3, RDMARPC_IOC_MAGIC, nr, rnd() & 0xff);
		if (sized_index(nr) >= 0 && rnd() % 4) {
			size = (uint32_t)sized[sized_index(nr)].size;
			memcpy(buf, &size, 4);
		}
		switch (nr) {
		case 1: {
			struct rdmarpc_connect *c = (void *)buf;

			c->timeout_ms = 1;
			if (rnd() % 2)
				c->flags = 0;
			break;
		}
		case 9: {
			uint32_t us = (uint32_t)(rnd() % 2000);

			/* In range or not; never long. */
			if (rnd() % 2)
				memcpy(buf, &us, sizeof(us));
			break;
		}
		case 4:
		case 10: {
			struct rdmarpc_batch *b = (void *)buf;

			b->timeout_ms = (uint32_t)(rnd() % 3);
			if (rnd() % 2)
				b->reserved = 0;
			if (rnd() % 2)
				b->min_complete = 0;
			break;
		}
		case 7: {
			struct rdmarpc_request *r = (void *)buf;

			r->timeout_ms = (uint32_t)(rnd() % 3);
			if (rnd() % 2)
				r->flags = 0;
			break;
		}
		default:
			break;
		}
		if (!xioctl(self->fd, cmd, rnd() % 16 ? buf : (void *)rnd()))
			ok++;
	}
	TH_LOG("%u of %d garbage ioctls accepted", ok, FLOOD_IOCTLS);
	/* Still answering. */
	EXPECT_EQ(0, xioctl(self->fd, RDMARPC_IOC_NOP, NULL));
	close(self->fd);
	self->fd = dev_open();
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, xioctl(self->fd, RDMARPC_IOC_NOP, NULL));
}

TEST_HARNESS_MAIN
