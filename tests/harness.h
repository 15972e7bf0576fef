/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small test harness with the interface of the kernel's
 * kselftest_harness.h, for the rdmarpc C tests.
 *
 *   TEST(name) { ... }
 *   TEST_TIMEOUT(name, seconds) { ... }
 *
 *   FIXTURE(name) { int fd; };
 *   FIXTURE_SETUP(name) { self->fd = ...; }
 *   FIXTURE_TEARDOWN(name) { close(self->fd); }
 *   TEST_F(name, test) { ASSERT_LE(0, self->fd); }
 *   TEST_F_TIMEOUT(name, test, seconds) { ... }
 *
 *   TEST_HARNESS_MAIN
 *
 * A program's tests may be spread over several files: each includes this
 * header and one of them has TEST_HARNESS_MAIN.  They run in the order the
 * files were linked, each file's in the order it defines them.
 *
 * Every test runs in its own forked process (in its own process group),
 * killed after its timeout (default 30 s).  ASSERT_*() ends the test on
 * failure (the fixture's teardown still runs); EXPECT_*() records the
 * failure and goes on.  Both are one statement (safe in an unbraced if or
 * loop) and take an optional trailing TH_LOG("fmt", ...), or a block, run
 * only on failure:  ASSERT_EQ(0, err) TH_LOG("err %d", err);
 * The comparisons take integers and pointers and compare their values as
 * numbers, whatever the two types: ASSERT_EQ(-1, x) fails for an unsigned
 * x.  SKIP(statement, "fmt", ...) marks the test skipped and runs statement
 * (usually "return").
 *
 * TEST_HOOKS(before, after), once in a program, names two functions
 * void f(struct __test_metadata *_metadata) that the test's process runs
 * around each test: before first, after last and only if the test passed;
 * ASSERT_*() and EXPECT_*() in either fail the test (e.g. a leak check).
 *
 * A test fails if it exits, crashes or is killed before its end, so that a
 * sanitizer's report (ASan, UBSan with -fno-sanitize-recover) fails the test
 * it came from.  Built with ASan, a test that passed is also checked by
 * LeakSanitizer before its process ends.  th_sanitized() tells a test it
 * runs under ASan (about 5x slower), e.g. to do fewer rounds.
 *
 * Output is KTAP: "TAP version 13", "1..N", "ok N name", "not ok N name",
 * "ok N name # SKIP reason", diagnostics as "# ..." lines, and last
 * "# Totals: pass:P fail:F xfail:0 xpass:0 skip:S error:0".  Exit status:
 * 0 if all passed, 1 if any failed, 4 (KSFT_SKIP) if all were skipped.
 * Options: -l lists the tests, -t NAME runs only NAME (repeatable).
 */
#ifndef RDMARPC_TEST_HARNESS_H
#define RDMARPC_TEST_HARNESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define __TH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define __TH_ASAN 1
#endif
#endif
#ifdef __TH_ASAN
#include <sanitizer/lsan_interface.h>
#endif

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

#define TEST_TIMEOUT_DEFAULT 30

/* State of the running test, in memory shared with the parent. */
struct __test_metadata {
	const char *name;
	void (*fn)(struct __test_metadata *);
	int timeout;
	struct __test_metadata *next;

	/* Written by the forked test. */
	int passed;
	int skip;
	int trigger;		/* a check failed: run its TH_LOG() */
	int no_teardown;	/* setup not finished: no teardown */
	int finished;		/* the test's process got to its end */
	char skip_reason[256];
	sigjmp_buf env;
};

/*
 * The program's tests, from all its files: weak, so that each file's copy
 * of this definition is one and the same list.
 */
extern struct __test_metadata *__test_list;
struct __test_metadata *__test_list __attribute__((weak));

static inline void __register_test(struct __test_metadata *t)
{
	struct __test_metadata **p = &__test_list;

	while (*p)
		p = &(*p)->next;
	t->next = NULL;
	*p = t;
}

struct __test_hooks {
	void (*before)(struct __test_metadata *);
	void (*after)(struct __test_metadata *);
};

/* Defined by TEST_HOOKS(); without it, its address is NULL. */
extern const struct __test_hooks __test_hooks __attribute__((weak));

#define TEST_HOOKS(before_fn, after_fn)					\
	const struct __test_hooks __test_hooks = {			\
		.before = before_fn,					\
		.after = after_fn,					\
	}

/*
 * Print a diagnostic line.  After a check (ASSERT_EQ(a, b) TH_LOG(...);)
 * it runs only if the check failed.
 */
#define TH_LOG(fmt, ...)						\
	__th_log(__FILE__, __LINE__, fmt, ##__VA_ARGS__)

static inline void __attribute__((format(printf, 3, 4)))
__th_log(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "# %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* ---- tests ---- */

#define __TEST_IMPL(test_name, seconds)					\
	static void __test_##test_name(struct __test_metadata *_metadata); \
	static struct __test_metadata __meta_##test_name = {		\
		.name = #test_name,					\
		.fn = __test_##test_name,				\
		.timeout = seconds,					\
	};								\
	static void __attribute__((constructor))			\
	__register_##test_name(void)					\
	{								\
		__register_test(&__meta_##test_name);			\
	}								\
	static void __test_##test_name(					\
		struct __test_metadata __attribute__((unused)) *_metadata)

#define TEST(test_name) __TEST_IMPL(test_name, TEST_TIMEOUT_DEFAULT)
#define TEST_TIMEOUT(test_name, seconds) __TEST_IMPL(test_name, seconds)

/* ---- fixtures ---- */

#define FIXTURE_DATA(fixture_name) struct _fixture_data_##fixture_name

#define FIXTURE(fixture_name)						\
	FIXTURE_DATA(fixture_name)

#define FIXTURE_SETUP(fixture_name)					\
	static void fixture_name##_setup(				\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture_name) __attribute__((unused)) *self)

#define FIXTURE_TEARDOWN(fixture_name)					\
	static void fixture_name##_teardown(				\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture_name) __attribute__((unused)) *self)

#define __TEST_F_IMPL(fixture_name, test_name, seconds)			\
	static void fixture_name##_##test_name(				\
		struct __test_metadata *_metadata,			\
		FIXTURE_DATA(fixture_name) *self);			\
	static void __wrapper_##fixture_name##_##test_name(		\
		struct __test_metadata *_metadata)			\
	{								\
		FIXTURE_DATA(fixture_name) self;			\
									\
		memset(&self, 0, sizeof(self));				\
		_metadata->no_teardown = 1;				\
		if (sigsetjmp(_metadata->env, 0) == 0) {		\
			fixture_name##_setup(_metadata, &self);		\
			_metadata->no_teardown = 0;			\
			if (_metadata->passed && !_metadata->skip)	\
				fixture_name##_##test_name(_metadata, &self); \
		}							\
		if (!_metadata->no_teardown) {				\
			_metadata->no_teardown = 1;			\
			if (sigsetjmp(_metadata->env, 0) == 0)		\
				fixture_name##_teardown(_metadata, &self); \
		}							\
	}								\
	static struct __test_metadata						\
	__meta_##fixture_name##_##test_name = {				\
		.name = #fixture_name "." #test_name,			\
		.fn = __wrapper_##fixture_name##_##test_name,		\
		.timeout = seconds,					\
	};								\
	static void __attribute__((constructor))			\
	__register_##fixture_name##_##test_name(void)			\
	{								\
		__register_test(&__meta_##fixture_name##_##test_name);	\
	}								\
	static void fixture_name##_##test_name(				\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture_name) __attribute__((unused)) *self)

#define TEST_F(fixture_name, test_name)					\
	__TEST_F_IMPL(fixture_name, test_name, TEST_TIMEOUT_DEFAULT)
#define TEST_F_TIMEOUT(fixture_name, test_name, seconds)		\
	__TEST_F_IMPL(fixture_name, test_name, seconds)

/* ---- checks ---- */

/* After a failed check: TH_LOG() runs, then an ASSERT leaves the test. */
static inline int __th_bail(int is_assert, struct __test_metadata *m)
{
	if (is_assert)
		siglongjmp(m->env, 1);
	return 0;
}

/*
 * One statement: failed is evaluated once; if true, the statement that
 * follows (TH_LOG(), a block, or the empty one) runs, then an ASSERT
 * leaves the test.  The switch makes that statement no body of the for
 * in gcc's -Wmisleading-indentation's eyes: "ASSERT_EQ(a, b);" then a
 * block at the same indentation is no mistake.
 */
#define __TH_CHECK(failed, is_assert)					\
	for (_metadata->trigger = (failed); _metadata->trigger;	\
	     _metadata->trigger = __th_bail(is_assert, _metadata))	\
		switch (0) default:

/* An integer's or a pointer's value, as a number. */
struct __th_num {
	int is_signed;
	int neg;
	unsigned long long v;	/* two's complement if neg */
};

#define __th_is_signed(x) (((__typeof__(x))-1) < (__typeof__(x))1)

static inline struct __th_num __th_num(int is_signed, unsigned long long v)
{
	struct __th_num n = {
		.is_signed = is_signed,
		.neg = is_signed && (long long)v < 0,
		.v = v,
	};

	return n;
}

#define __TH_NUM(x)							\
	__th_num(__th_is_signed(x), __th_is_signed(x) ?			\
		 (unsigned long long)(long long)(x) :			\
		 (unsigned long long)(x))

/* <0, 0 or >0 as a is below, equal to or above b. */
static inline int __th_cmp(struct __th_num a, struct __th_num b)
{
	if (a.neg != b.neg)
		return a.neg ? -1 : 1;
	/* Both negative or both not: the two's complements compare alike. */
	return a.v < b.v ? -1 : a.v > b.v;
}

static inline const char *__th_num_str(char *buf, size_t size,
				       struct __th_num n)
{
	if (n.is_signed)
		snprintf(buf, size, "%lld", (long long)n.v);
	else
		snprintf(buf, size, "%llu", n.v);
	return buf;
}

static inline int __th_cmp_failed(struct __test_metadata *m, const char *file,
				  int line, const char *expected,
				  const char *op, const char *seen,
				  struct __th_num e, struct __th_num s)
{
	char eb[24], sb[24];

	__th_log(file, line, "Expected %s (%s) %s %s (%s)", expected,
		 __th_num_str(eb, sizeof(eb), e), op, seen,
		 __th_num_str(sb, sizeof(sb), s));
	m->passed = 0;
	return 1;
}

#define __TH_CMP(expected, expected_str, seen, seen_str, op, is_assert)	\
	__TH_CHECK(({							\
		__typeof__(expected) __exp = (expected);		\
		__typeof__(seen) __seen = (seen);			\
		struct __th_num __e = __TH_NUM(__exp);			\
		struct __th_num __s = __TH_NUM(__seen);			\
									\
		!(__th_cmp(__e, __s) op 0) &&				\
			__th_cmp_failed(_metadata, __FILE__, __LINE__,	\
					expected_str, #op, seen_str,	\
					__e, __s);			\
	}), is_assert)

static inline int __th_str_failed(struct __test_metadata *m, const char *file,
				  int line, const char *expected, int want_eq,
				  const char *seen)
{
	__th_log(file, line, "Expected '%s' %s '%s'", expected,
		 want_eq ? "==" : "!=", seen);
	m->passed = 0;
	return 1;
}

#define __TH_STR(expected, seen, want_eq, is_assert)			\
	__TH_CHECK(({							\
		const char *__exp = (expected), *__seen = (seen);	\
									\
		(strcmp(__exp, __seen) == 0) != (want_eq) &&		\
			__th_str_failed(_metadata, __FILE__, __LINE__,	\
					__exp, want_eq, __seen);	\
	}), is_assert)

static inline int __th_bool_failed(struct __test_metadata *m, const char *file,
				   int line, const char *cond, int want)
{
	__th_log(file, line, "Expected %s to be %s", cond,
		 want ? "true" : "false");
	m->passed = 0;
	return 1;
}

#define __TH_BOOL(cond, cond_str, want, is_assert)			\
	__TH_CHECK((!!(cond)) != (want) &&				\
		   __th_bool_failed(_metadata, __FILE__, __LINE__,	\
				    cond_str, want), is_assert)

#define ASSERT_EQ(expected, seen)					\
	__TH_CMP(expected, #expected, seen, #seen, ==, 1)
#define ASSERT_NE(expected, seen)					\
	__TH_CMP(expected, #expected, seen, #seen, !=, 1)
#define ASSERT_LT(expected, seen)					\
	__TH_CMP(expected, #expected, seen, #seen, <, 1)
#define ASSERT_LE(expected, seen)					\
	__TH_CMP(expected, #expected, seen, #seen, <=, 1)
#define ASSERT_GT(expected, seen)					\
	__TH_CMP(expected, #expected, seen, #seen, >, 1)
#define ASSERT_GE(expected, seen)					\
	__TH_CMP(expected, #expected, seen, #seen, >=, 1)
#define ASSERT_TRUE(cond)		__TH_BOOL(cond, #cond, 1, 1)
#define ASSERT_FALSE(cond)		__TH_BOOL(cond, #cond, 0, 1)
#define ASSERT_NULL(p)							\
	__TH_BOOL((p) == NULL, #p " == NULL", 1, 1)
#define ASSERT_STREQ(expected, seen)	__TH_STR(expected, seen, 1, 1)
#define ASSERT_STRNE(expected, seen)	__TH_STR(expected, seen, 0, 1)

#define EXPECT_EQ(expected, seen)					\
	__TH_CMP(expected, #expected, seen, #seen, ==, 0)
#define EXPECT_NE(expected, seen)					\
	__TH_CMP(expected, #expected, seen, #seen, !=, 0)
#define EXPECT_LT(expected, seen)					\
	__TH_CMP(expected, #expected, seen, #seen, <, 0)
#define EXPECT_LE(expected, seen)					\
	__TH_CMP(expected, #expected, seen, #seen, <=, 0)
#define EXPECT_GT(expected, seen)					\
	__TH_CMP(expected, #expected, seen, #seen, >, 0)
#define EXPECT_GE(expected, seen)					\
	__TH_CMP(expected, #expected, seen, #seen, >=, 0)
#define EXPECT_TRUE(cond)		__TH_BOOL(cond, #cond, 1, 0)
#define EXPECT_FALSE(cond)		__TH_BOOL(cond, #cond, 0, 0)
#define EXPECT_NULL(p)							\
	__TH_BOOL((p) == NULL, #p " == NULL", 1, 0)
#define EXPECT_STREQ(expected, seen)	__TH_STR(expected, seen, 1, 0)
#define EXPECT_STRNE(expected, seen)	__TH_STR(expected, seen, 0, 0)

/* Mark the test skipped, say why, then run statement (e.g. return). */
#define SKIP(statement, fmt, ...) do {					\
		_metadata->skip = 1;					\
		snprintf(_metadata->skip_reason,			\
			 sizeof(_metadata->skip_reason), fmt,		\
			 ##__VA_ARGS__);				\
		statement;						\
	} while (0)

/* ---- the runner ---- */

static inline int64_t __th_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline int th_sanitized(void)
{
#ifdef __TH_ASAN
	return 1;
#else
	return 0;
#endif
}

/* Built with ASan: memory the test lost fails it. */
static inline void __th_leak_check(struct __test_metadata *m)
{
#ifdef __TH_ASAN
	if (__lsan_do_recoverable_leak_check()) {
		printf("# %s: LeakSanitizer found leaks\n", m->name);
		m->passed = 0;
	}
#else
	(void)m;
#endif
}

/* In the forked process: the test and the checks around it. */
static inline void __attribute__((noreturn))
__th_child(struct __test_metadata *m)
{
	const struct __test_hooks *hooks = &__test_hooks;

	setpgid(0, 0);
	if (sigsetjmp(m->env, 0) == 0) {
		if (hooks && hooks->before)
			hooks->before(m);
		m->fn(m);
	}
	if (m->passed && !m->skip && hooks && hooks->after &&
	    sigsetjmp(m->env, 0) == 0)
		hooks->after(m);
	if (m->passed && !m->skip)
		__th_leak_check(m);
	m->finished = 1;
	fflush(stdout);
	_exit(m->skip ? KSFT_SKIP : m->passed ? KSFT_PASS : KSFT_FAIL);
}

/* Run one test in a child; return KSFT_PASS, KSFT_FAIL or KSFT_SKIP. */
static inline int __run_test(struct __test_metadata *t)
{
	struct __test_metadata *m;
	int64_t deadline;
	int status, ret;
	pid_t pid;

	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		printf("# %s: mmap: %s\n", t->name, strerror(errno));
		return KSFT_FAIL;
	}
	memcpy(m, t, sizeof(*m));
	m->passed = 1;
	m->skip = 0;
	m->trigger = 0;
	m->finished = 0;
	m->skip_reason[0] = '\0';

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		printf("# %s: fork: %s\n", t->name, strerror(errno));
		munmap(m, sizeof(*m));
		return KSFT_FAIL;
	}
	if (pid == 0)
		__th_child(m);
	setpgid(pid, pid);	/* also here: no race with the kill below */

	deadline = __th_now_ms() + (int64_t)t->timeout * 1000;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		if (__th_now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			printf("# %s: timed out after %d s\n", t->name,
			       t->timeout);
			status = -1;
			break;
		}
		usleep(2000);
	}
	/* Reap what the test may have left in its process group. */
	kill(-pid, SIGKILL);

	if (status == -1) {
		ret = KSFT_FAIL;
	} else if (WIFSIGNALED(status)) {
		printf("# %s: killed by signal %d (%s)\n", t->name,
		       WTERMSIG(status), strsignal(WTERMSIG(status)));
		ret = KSFT_FAIL;
	} else if (!m->finished) {
		/* exit() in the test, or a sanitizer's report */
		printf("# %s: exited with status %d before its end\n",
		       t->name, WEXITSTATUS(status));
		ret = KSFT_FAIL;
	} else if (WEXITSTATUS(status) == KSFT_SKIP && m->skip) {
		ret = KSFT_SKIP;
		snprintf(t->skip_reason, sizeof(t->skip_reason), "%s",
			 m->skip_reason);
	} else if (WEXITSTATUS(status) == KSFT_PASS && m->passed) {
		ret = KSFT_PASS;
	} else {
		ret = KSFT_FAIL;
	}
	munmap(m, sizeof(*m));
	return ret;
}

static inline int __th_selected(struct __test_metadata *t, int argc,
				char **argv)
{
	int i, any = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			any = 1;
			if (!strcmp(argv[++i], t->name))
				return 1;
		}
	}
	return !any;
}

static inline int test_harness_run(int argc, char **argv)
{
	unsigned int n = 0, pass = 0, fail = 0, skip = 0;
	struct __test_metadata *t;
	int i;

	for (i = 1; i < argc; i += 2) {
		if (!strcmp(argv[i], "-l")) {
			for (t = __test_list; t; t = t->next)
				printf("%s\n", t->name);
			return KSFT_PASS;
		}
		if (strcmp(argv[i], "-t") || i + 1 >= argc) {
			fprintf(stderr, "usage: %s [-l] [-t TEST]...\n",
				argv[0]);
			return KSFT_FAIL;
		}
	}
	for (t = __test_list; t; t = t->next)
		n += __th_selected(t, argc, argv);

	printf("TAP version 13\n1..%u\n", n);
	n = 0;
	for (t = __test_list; t; t = t->next) {
		int ret;

		if (!__th_selected(t, argc, argv))
			continue;
		n++;
		printf("# RUN %s\n", t->name);
		ret = __run_test(t);
		if (ret == KSFT_PASS) {
			pass++;
			printf("ok %u %s\n", n, t->name);
		} else if (ret == KSFT_SKIP) {
			skip++;
			printf("ok %u %s # SKIP %s\n", n, t->name,
			       t->skip_reason);
		} else {
			fail++;
			printf("not ok %u %s\n", n, t->name);
		}
		fflush(stdout);
	}
	printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
	       pass, fail, skip);
	if (fail)
		return KSFT_FAIL;
	if (n && skip == n)
		return KSFT_SKIP;
	return KSFT_PASS;
}

#define TEST_HARNESS_MAIN						\
	int main(int argc, char **argv)					\
	{								\
		return test_harness_run(argc, argv);			\
	}

#endif /* RDMARPC_TEST_HARNESS_H */
