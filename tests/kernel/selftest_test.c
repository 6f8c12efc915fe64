/*
 * tests/kernel/selftest_test.c - the test framework tested: inner tests
 * that fail, abort, skip and crash are run with their output captured, and
 * the report is checked (they are not in the .selftests section, so they
 * never count as real failures).
 */
#include "kernel/selftest.h"
#include "kernel/smp.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"

#define CAPTURE_SIZE 8192

static char out[CAPTURE_SIZE];

/* Shows what the inner run printed, when the outer test is failing anyway. */
static void show_capture(struct kunit *test)
{
	if (!atomic_read(&test->failures))
		return;
	for (const char *l = out; *l; ) {
		const char *nl = strchr(l, '\n');
		int n = nl ? nl - l : (int)strlen(l);
		console_printf("    # | %.*s\n", n, l);
		l += n + (nl != NULL);
	}
}
static int inner_line;
static bool reached_after_assert;

static void inner_expect_fails(struct kunit *test)
{
	int three = 3;

	inner_line = __LINE__ + 1;
	KUNIT_EXPECT_EQ(test, three, 4);
}

static void inner_assert_aborts(struct kunit *test)
{
	KUNIT_ASSERT_TRUE(test, false);
	reached_after_assert = true;
}

static void inner_skips(struct kunit *test)
{
	kunit_skip(test, "not on this machine");
}

static int *volatile inner_null;

static void __noinline inner_crash_victim(void)
{
	inner_null[1] = 42;
}

static void inner_crashes(struct kunit *test)
{
	inner_crash_victim();
}

static void inner_passes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1 + 1, 2);
}

static const struct selftest t_fail = { "inner", "expect_fails", inner_expect_fails };
static const struct selftest t_abort = { "inner", "assert_aborts", inner_assert_aborts };
static const struct selftest t_skip = { "inner", "skips", inner_skips };
static const struct selftest t_crash = { "inner", "crashes", inner_crashes };

SELFTEST(selftest, failure_reports_file_line_and_values)
{
	struct selftest_result r;
	char where[64];

	selftest_run_one_captured(&t_fail, &r, out, sizeof(out));
	KUNIT_EXPECT_FALSE(test, r.passed);
	snprintf(where, sizeof(where), "selftest_test.c:%d", inner_line);
	KUNIT_EXPECT_TRUE(test, strstr(out, where) != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "three == 3 (0x3)") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "4 == 4 (0x4)") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "not ok 1 expect_fails") != NULL);
	show_capture(test);
}

SELFTEST(selftest, assert_ends_the_test)
{
	struct selftest_result r;

	reached_after_assert = false;
	selftest_run_one_captured(&t_abort, &r, out, sizeof(out));
	KUNIT_EXPECT_FALSE(test, r.passed);
	KUNIT_EXPECT_FALSE(test, reached_after_assert);
}

SELFTEST(selftest, skip_is_reported)
{
	struct selftest_result r;

	selftest_run_one_captured(&t_skip, &r, out, sizeof(out));
	KUNIT_EXPECT_TRUE(test, r.skipped);
	KUNIT_EXPECT_TRUE(test, strstr(out, "ok 1 skips # SKIP not on this machine") != NULL);
}

SELFTEST(selftest, crash_is_a_failure_with_its_oops)
{
	struct selftest_result r;

	selftest_run_one_captured(&t_crash, &r, out, sizeof(out));
	KUNIT_EXPECT_FALSE(test, r.passed);
	KUNIT_EXPECT_TRUE(test, strstr(out, "Oops: page fault (#PF)") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "write access to 0x4") != NULL);
	/*
	 * The backtrace is symbolized: the faulting function (a leaf that gcc
	 * compiles without a frame of its own), its caller, and on up.
	 */
	KUNIT_EXPECT_TRUE(test, strstr(out, "RIP: 0008:") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "  inner_crash_victim+0x") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "  inner_crashes+0x") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "  run_test+0x") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "not ok 1 crashes") != NULL);
	show_capture(test);
}

SELFTEST(selftest, ktap_suite_report)
{
	static const struct selftest suite[] = {
		{ "mini", "first", inner_passes },
		{ "mini", "second", inner_expect_fails },
		{ "mini", "third", inner_skips },
	};

	KUNIT_EXPECT_EQ(test, selftest_run_list_captured(suite, ARRAY_SIZE(suite), out, sizeof(out)), 1);
	KUNIT_EXPECT_TRUE(test, str_has_prefix(out, "KTAP version 1\n1..1\n"));
	KUNIT_EXPECT_TRUE(test, strstr(out, "    KTAP version 1\n    # Subtest: mini\n    1..4\n") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "\n    ok 1 first\n") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "\n    not ok 2 second\n") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "\n    ok 3 third # SKIP") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "\n    ok 4 leak_check\n") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "\nnot ok 1 mini\n") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "2 passed, 1 failed, 1 skipped") != NULL);
	show_capture(test);
}

/* A crash on another CPU inside test_on_each_cpu fails the test, and that CPU lives on. */
static void crash_on_last_cpu(struct kunit *test, int cpu, void *arg)
{
	int *ran = arg;

	__atomic_add_fetch(ran, 1, __ATOMIC_SEQ_CST);
	if (cpu == nr_cpu_ids - 1 && cpu != 0)
		inner_crash_victim();
}

static int each_cpu_ran;

static void inner_crash_on_ap(struct kunit *test)
{
	test_on_each_cpu(test, crash_on_last_cpu, &each_cpu_ran);
}

static const struct selftest t_crash_ap = { "inner", "crash_on_ap", inner_crash_on_ap };

static void count_cpu(void *arg)
{
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_SEQ_CST);
}

SELFTEST(selftest, crash_on_other_cpu_is_contained)
{
	struct selftest_result r;
	int after = 0;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	each_cpu_ran = 0;
	console_printf("    # the next oops, on cpu%d, is deliberate\n", nr_cpu_ids - 1);
	selftest_run_one_captured(&t_crash_ap, &r, out, sizeof(out));
	KUNIT_EXPECT_FALSE(test, r.passed);
	KUNIT_EXPECT_EQ(test, each_cpu_ran, num_online_cpus());
	on_each_cpu(count_cpu, &after, true);	/* the crashed CPU still answers */
	KUNIT_EXPECT_EQ(test, after, num_online_cpus());
}
