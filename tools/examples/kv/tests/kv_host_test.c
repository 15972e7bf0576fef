// SPDX-License-Identifier: MIT
/*
 * kv_server and kv_client, unchanged, in one process: their main()s are
 * compiled as kv_server_main() and kv_client_main() and linked with
 * librdmarpc-protobuf and an in-process stand-in for /dev/rdmarpc
 * (fake_module.c).  The server runs on a thread, each client command on
 * the test's, its stdout and stderr captured.  What only the module can
 * show (the wire, two hosts) is selftests/kv.sh's, in the guests.
 * KTAP output (tests/harness.h); run plain and under ASan/UBSan.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "fake_module.h"
#include "kv.h"

int kv_server_main(int argc, char **argv);
int kv_client_main(int argc, char **argv);

struct server {
	pthread_t th;
	int rc;
	int done;			/* atomic */
};

static void *server_thread(void *arg)
{
	struct server *s = arg;
	char *argv[] = { "kv_server", "--workers", "2", NULL };

	optind = 0;
	s->rc = kv_server_main(3, argv);
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int server_start(struct server *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	if (pthread_create(&s->th, NULL, server_thread, s))
		return -1;
	for (i = 0; i < 500; i++) {
		/* Waiting for requests: it has said it serves. */
		if (fake_bound(rdmarpc_pb_method_id(KV_DESC, KV_SCAN)) &&
		    fake_recv_waiters())
			return 0;
		usleep(10000);
	}
	return -1;
}

/* SIGTERM, as `kill` would send it; 0 if it exited 0 in time. */
static int server_stop(struct server *s)
{
	int i;

	pthread_kill(s->th, SIGTERM);
	for (i = 0; i < 1000 && !__atomic_load_n(&s->done, __ATOMIC_ACQUIRE);
	     i++) {
		fake_interrupt();
		usleep(10000);
	}
	if (!__atomic_load_n(&s->done, __ATOMIC_ACQUIRE))
		return -1;
	pthread_join(s->th, NULL);
	return s->rc;
}

/* The text of a captured stream (malloc'ed, NUL-terminated). */
static char *slurp(FILE *f)
{
	long n;
	char *buf;

	fflush(f);
	n = ftell(f);
	buf = malloc(n > 0 ? (size_t)n + 1 : 1);
	if (!buf)
		abort();
	rewind(f);
	n = n > 0 ? (long)fread(buf, 1, (size_t)n, f) : 0;
	buf[n] = 0;
	return buf;
}

struct run {
	int rc;
	char *out, *err;
};

/* kv_client ARGS..., with its stdout and stderr captured. */
static void client(struct run *r, ...)
{
	char *argv[32];
	int argc = 0, o1, o2;
	FILE *fo = tmpfile(), *fe = tmpfile();
	va_list ap;

	if (!fo || !fe)
		abort();
	argv[argc++] = "kv_client";
	va_start(ap, r);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;

	fflush(stdout);
	fflush(stderr);
	o1 = dup(1);
	o2 = dup(2);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	optind = 0;
	r->rc = kv_client_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(o1, 1);
	dup2(o2, 2);
	close(o1);
	close(o2);
	r->out = slurp(fo);
	r->err = slurp(fe);
	fclose(fo);
	fclose(fe);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

TEST_TIMEOUT(kv_self_check, 300)
{
	struct server s;
	struct run r;

	ASSERT_EQ(0, server_start(&s));
	client(&r, "check", "--entries", th_sanitized() ? "2000" : "5000",
	       NULL);
	EXPECT_EQ(0, r.rc) TH_LOG("%s%s", r.out, r.err);
	EXPECT_TRUE(strstr(r.out, " passed, 0 failed\n") != NULL);
	EXPECT_TRUE(strstr(r.out, "not ok") == NULL) TH_LOG("%s", r.out);
	/* The checks the guest test names are all there. */
	EXPECT_TRUE(strstr(r.out, "record with every kind of field") != NULL);
	EXPECT_TRUE(strstr(r.out, "entries in one response") != NULL);
	EXPECT_TRUE(strstr(r.out, "-ENOBUFS, the response's") != NULL);
	EXPECT_TRUE(strstr(r.out, ": UNIMPLEMENTED") != NULL);
	EXPECT_TRUE(strstr(r.out, "get of a missing key: NOT_FOUND") != NULL);
	run_free(&r);
	EXPECT_EQ(0, server_stop(&s));
}

TEST(kv_cli_methods)
{
	struct server s;
	struct run r;

	ASSERT_EQ(0, server_start(&s));
	client(&r, "put", "greeting", "hello rdma", NULL);
	EXPECT_EQ(0, r.rc);
	EXPECT_STREQ("version 1 (created)\n", r.out);
	run_free(&r);
	client(&r, "put", "--as", "number", "n", "-42", NULL);
	EXPECT_EQ(0, r.rc);
	run_free(&r);
	client(&r, "get", "greeting", NULL);
	EXPECT_EQ(0, r.rc);
	EXPECT_STREQ("hello rdma\n", r.out);
	run_free(&r);
	client(&r, "get", "n", NULL);
	EXPECT_STREQ("number:-42\n", r.out);
	run_free(&r);
	client(&r, "put", "--as", "record", "rec", "demo", NULL);
	EXPECT_EQ(0, r.rc);
	run_free(&r);
	client(&r, "get", "rec", NULL);
	EXPECT_EQ(0, r.rc);
	EXPECT_STREQ("record:demo color 3, 500 samples, 4 tags, 3 attrs, "
		     "3 colors, 2 counters, 64 blob bytes\n", r.out);
	run_free(&r);
	client(&r, "put", "--as", "hex", "h", "00ff10", NULL);
	run_free(&r);
	client(&r, "scan", NULL);
	EXPECT_EQ(0, r.rc);
	EXPECT_STREQ("greeting\thello rdma\nh\thex:00ff10\nn\tnumber:-42\n"
		     "rec\trecord:demo color 3, 500 samples, 4 tags, 3 attrs, "
		     "3 colors, 2 counters, 64 blob bytes\n", r.out);
	run_free(&r);
	client(&r, "delete", "greeting", NULL);
	EXPECT_EQ(0, r.rc);
	EXPECT_STREQ("hello rdma\n", r.out);
	run_free(&r);

	/* A handler's status and message, exit status 3. */
	client(&r, "get", "greeting", NULL);
	EXPECT_EQ(3, r.rc);
	EXPECT_STREQ("", r.out);
	EXPECT_STREQ("kv_client: get: NOT_FOUND (5): no key \"greeting\"\n",
		     r.err);
	run_free(&r);
	client(&r, "put", "--create", "n", "x", NULL);
	EXPECT_EQ(3, r.rc);
	EXPECT_TRUE(strstr(r.err, "ALREADY_EXISTS (6): key \"n\" exists") !=
		    NULL) TH_LOG("%s", r.err);
	run_free(&r);
	client(&r, "get", "", NULL);
	EXPECT_EQ(3, r.rc);
	EXPECT_STREQ("kv_client: get: INVALID_ARGUMENT (3): empty key\n",
		     r.err);
	run_free(&r);
	client(&r, "unknown", NULL);
	EXPECT_EQ(3, r.rc);
	EXPECT_TRUE(strstr(r.err, "UNIMPLEMENTED (12)") != NULL);
	{
		char id[48];

		/* What the peer's module answers for a method nobody serves. */
		snprintf(id, sizeof(id), "no service for method 0x%08x",
			 rdmarpc_method_id("rdmarpc.examples.kv.Kv/Compact"));
		EXPECT_TRUE(strstr(r.err, id) != NULL) TH_LOG("%s", r.err);
	}
	run_free(&r);
	/* Usage errors. */
	client(&r, "get", NULL);
	EXPECT_EQ(2, r.rc);
	run_free(&r);
	client(&r, "put", "--as", "number", "k", "nan", NULL);
	EXPECT_EQ(2, r.rc);
	run_free(&r);
	EXPECT_EQ(0, server_stop(&s));
}

TEST(kv_cli_fill_and_scan)
{
	struct server s;
	struct run r;

	ASSERT_EQ(0, server_start(&s));
	client(&r, "--window", "16", "fill", "f/", "3000", NULL);
	EXPECT_EQ(0, r.rc) TH_LOG("%s%s", r.out, r.err);
	EXPECT_STREQ("fill: 3000 of 3000 put\n", r.out);
	run_free(&r);
	client(&r, "scan", "--limit", "5000", "f/", "f0", NULL);
	EXPECT_EQ(0, r.rc);
	EXPECT_EQ(3000, count_lines(r.out));
	EXPECT_TRUE(strncmp(r.out, "f/00000000\tvalue 0\n", 19) == 0);
	EXPECT_STREQ("", r.err);
	run_free(&r);
	client(&r, "scan", "--limit", "100", "--keys-only", "f/", NULL);
	EXPECT_EQ(100, count_lines(r.out));
	EXPECT_STREQ("more: f/00000100\n", r.err);
	run_free(&r);
	/* Over --max-resp: asked again with the size the server said. */
	client(&r, "--max-resp", "4096", "scan", "--limit", "5000", "f/", NULL);
	EXPECT_EQ(0, r.rc);
	EXPECT_EQ(3000, count_lines(r.out));
	EXPECT_TRUE(strstr(r.err, "over --max-resp: asking again") != NULL)
		TH_LOG("%s", r.err);
	run_free(&r);
	client(&r, "scan", "--limit", "100001", NULL);
	EXPECT_EQ(3, r.rc);
	EXPECT_STREQ("kv_client: scan: OUT_OF_RANGE (11): scan limit 100001 above 100000\n",
		     r.err);
	run_free(&r);
	EXPECT_EQ(0, server_stop(&s));
}

TEST_HARNESS_MAIN
