/*
 * kernel/selftest.h - the in-kernel self-test framework, modelled on
 * Linux's KUnit so that what a student learns here carries over.
 *
 * A test is a function registered with SELFTEST(suite, name) into the
 * .selftests section; tests of one suite run in the order they appear.
 * `selftest=GLOB[,GLOB]` on the command line (or `test` in the monitor)
 * runs the suites whose name, or "suite.test" names, match. Output is KTAP
 * version 1, each suite a nested subtest, and every suite ends with an
 * automatic leak_check test that compares every registered leak counter
 * (free pages, slab objects, tasks, mm_structs...) before and after the
 * suite.
 *
 * Assertions print the file, line and both values:
 *   KUNIT_EXPECT_*(test, ...)  records a failure and carries on
 *   KUNIT_ASSERT_*(test, ...)  records a failure and ends the test
 * A test that oopses is reported as failed, with its oops, and the run goes
 * on. test_on_each_cpu() runs a function on every online CPU at once and
 * joins them: the base of torture tests.
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include "kernel/compiler.h"
#include "kernel/atomic.h"

#define KUNIT_LOG_MAX	1024	/* bytes kept of one failure message */

struct kunit {
	const struct selftest *desc;
	atomic_t failures;
	bool skipped;
	char skip_reason[128];
};

struct selftest {
	const char *suite;
	const char *name;
	void (*fn)(struct kunit *test);
};

#define SELFTEST(suite, name)							\
	static void __selftest_##suite##_##name(struct kunit *test);		\
	static const struct selftest __selftest_desc_##suite##_##name		\
	__section(".selftests") __used __aligned(8) =				\
		{ #suite, #name, __selftest_##suite##_##name };			\
	static void __selftest_##suite##_##name(struct kunit *test)

/* Leak counters: a number that must be the same before and after a suite. */
struct leak_counter {
	const char *name;
	long (*read)(void);
};
#define LEAK_COUNTER(n, fn)							\
	static const struct leak_counter __leak_##fn				\
	__section(".leak_counters") __used __aligned(8) = { n, fn }
#define MAX_LEAK_COUNTERS	32	/* counters compared around each suite */

/* Reads every leak counter into vals[MAX_LEAK_COUNTERS]; returns how many. */
int leak_counters_snapshot(long *vals);
/*
 * Compares the leak counters with before[0..n), first giving what is freed
 * asynchronously time to go; prints "PREFIX# leak_check: NAME was A before
 * WHAT and is B after" for each that differs. True if one does.
 */
bool leak_counters_leaked(const long *before, int n, const char *prefix, const char *what);

void kunit_fail(struct kunit *test, const char *file, int line, const char *fmt, ...) __printf(4, 5);
void kunit_abort(struct kunit *test) __noreturn;
void kunit_skip(struct kunit *test, const char *fmt, ...) __printf(2, 3) __noreturn;

#define __KUNIT_BINARY(test, abort, l, op, r, lstr, rstr) do {			\
	long long __l = (long long)(l), __r = (long long)(r);			\
	if (!(__l op __r)) {							\
		kunit_fail(test, __FILE__, __LINE__,				\
			   "expected %s %s %s, but\n%s == %lld (%#llx)\n%s == %lld (%#llx)", \
			   lstr, #op, rstr, lstr, __l, __l, rstr, __r, __r);	\
		if (abort)							\
			kunit_abort(test);					\
	}									\
} while (0)

#define KUNIT_EXPECT_EQ(t, l, r) __KUNIT_BINARY(t, false, l, ==, r, #l, #r)
#define KUNIT_EXPECT_NE(t, l, r) __KUNIT_BINARY(t, false, l, !=, r, #l, #r)
#define KUNIT_EXPECT_LT(t, l, r) __KUNIT_BINARY(t, false, l, <, r, #l, #r)
#define KUNIT_EXPECT_LE(t, l, r) __KUNIT_BINARY(t, false, l, <=, r, #l, #r)
#define KUNIT_EXPECT_GT(t, l, r) __KUNIT_BINARY(t, false, l, >, r, #l, #r)
#define KUNIT_EXPECT_GE(t, l, r) __KUNIT_BINARY(t, false, l, >=, r, #l, #r)
#define KUNIT_ASSERT_EQ(t, l, r) __KUNIT_BINARY(t, true, l, ==, r, #l, #r)
#define KUNIT_ASSERT_NE(t, l, r) __KUNIT_BINARY(t, true, l, !=, r, #l, #r)
#define KUNIT_ASSERT_LT(t, l, r) __KUNIT_BINARY(t, true, l, <, r, #l, #r)
#define KUNIT_ASSERT_LE(t, l, r) __KUNIT_BINARY(t, true, l, <=, r, #l, #r)
#define KUNIT_ASSERT_GT(t, l, r) __KUNIT_BINARY(t, true, l, >, r, #l, #r)
#define KUNIT_ASSERT_GE(t, l, r) __KUNIT_BINARY(t, true, l, >=, r, #l, #r)
#define KUNIT_EXPECT_TRUE(t, c)  __KUNIT_BINARY(t, false, !!(c), ==, 1, #c, "true")
#define KUNIT_EXPECT_FALSE(t, c) __KUNIT_BINARY(t, false, !!(c), ==, 0, #c, "false")
#define KUNIT_ASSERT_TRUE(t, c)  __KUNIT_BINARY(t, true, !!(c), ==, 1, #c, "true")
#define KUNIT_ASSERT_FALSE(t, c) __KUNIT_BINARY(t, true, !!(c), ==, 0, #c, "false")
#define KUNIT_EXPECT_PTR_EQ(t, l, r) __KUNIT_BINARY(t, false, (unsigned long)(l), ==, (unsigned long)(r), #l, #r)
#define KUNIT_EXPECT_NULL(t, p) KUNIT_EXPECT_PTR_EQ(t, p, 0)
#define KUNIT_ASSERT_NOT_NULL(t, p) __KUNIT_BINARY(t, true, (unsigned long)(p), !=, 0, #p, "NULL")

#define __KUNIT_STR(t, abort, l, r, want) do {					\
	const char *__l = (l), *__r = (r);					\
	if ((strcmp(__l, __r) == 0) != (want)) {				\
		kunit_fail(t, __FILE__, __LINE__, "expected %s %s %s, but\n%s == \"%s\"\n%s == \"%s\"", \
			   #l, (want) ? "==" : "!=", #r, #l, __l, #r, __r);	\
		if (abort)							\
			kunit_abort(t);						\
	}									\
} while (0)
#define KUNIT_EXPECT_STREQ(t, l, r) __KUNIT_STR(t, false, l, r, true)
#define KUNIT_EXPECT_STRNEQ(t, l, r) __KUNIT_STR(t, false, l, r, false)
#define KUNIT_ASSERT_STREQ(t, l, r) __KUNIT_STR(t, true, l, r, true)
#define KUNIT_FAIL(t, fmt, ...) kunit_fail(t, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

/* Runs fn(test, cpu, arg) on every online CPU at the same moment, and joins. */
typedef void (*each_cpu_fn)(struct kunit *test, int cpu, void *arg);
void test_on_each_cpu(struct kunit *test, each_cpu_fn fn, void *arg);

/* Runs the selected suites; returns the number of failed tests. */
int selftest_run(const char *globs);
bool selftest_requested(void);		/* selftest= was on the command line */
const char *selftest_globs(void);
bool selftest_globs_match(const char *globs, const char *suite);	/* suite selected by globs */
void selftest_list(void);

/* Called by oops(): if this CPU is in a test, fail it and resume; else return. */
void selftest_recover_from_oops(const char *what);

/* For the framework's own tests: run one test, its output captured. */
struct selftest_result {
	bool passed, skipped;
	int failures;
};
void selftest_run_one_captured(const struct selftest *t, struct selftest_result *res, char *buf, size_t size);
int selftest_run_list_captured(const struct selftest *tests, int n, char *buf, size_t size);

#endif
