/*
 * tests/kernel/technique_test.c - the technique switch (kernel/technique.h):
 * the modes the boot command line chose are the ones in force, a bad mode
 * is reported and ignored, live changes go through the hook or are
 * refused with a reason, and the monitor lists and switches techniques.
 *
 * The matrix boots one topology with techniques=naive (tests/matrix,
 * n2-naive), so there cmdline_modes_in_force checks mode 0 everywhere.
 */
#include "kernel/selftest.h"
#include "kernel/technique.h"
#include "kernel/cmdline.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

static char out[4096];

/* The mode boot_cmdline asks of t: its own option last wins over techniques=naive before it. */
static int mode_from_cmdline(const struct technique *t)
{
	const char *line = boot_cmdline;
	size_t len = strlen(t->name);
	int mode = t->def;

	while (*line) {
		const char *end;
		char word[64];

		while (*line == ' ')
			line++;
		end = line;
		while (*end && *end != ' ')
			end++;
		strlcpy(word, line, min((size_t)(end - line) + 1, sizeof(word)));
		line = end;
		if (!strcmp(word, "techniques=naive"))
			mode = 0;
		else if (!strncmp(word, t->name, len) && word[len] == '=' &&
			 technique_mode_index(t, word + len + 1) >= 0)
			mode = technique_mode_index(t, word + len + 1);
	}
	return mode;
}

SELFTEST(technique, cmdline_modes_in_force)
{
	int n = 0;

	for_each_technique(t) {
		if (t->flags & TECHNIQUE_HIDDEN)
			continue;
		KUNIT_EXPECT_EQ(test, *t->mode, mode_from_cmdline(t));
		if (*t->mode != mode_from_cmdline(t))
			kunit_fail(test, __FILE__, __LINE__, "technique %s", t->name);
		n++;
	}
	KUNIT_EXPECT_GE(test, n, 4);	/* spinlock, page_alloc_lock, slab_lock, fault_mmap_lock at least */
}

/* ---- techniques of the test's own (hidden from lists and from techniques=naive) ---- */

static int refusals;

static int refuse_odd(const struct technique *t, int from, int to, char *why, size_t size)
{
	if (to == 1) {
		refusals++;
		strlcpy(why, "mode b is refused by the test hook", size);
		return -EBUSY;
	}
	WRITE_ONCE(*t->mode, to);
	return 0;
}

__TECHNIQUE(selftest_hooked, "a hooked technique of the self-tests", TECHNIQUE_LIVE | TECHNIQUE_HIDDEN, 0,
	    refuse_odd, NULL, "a", "b", "c");
__TECHNIQUE(selftest_boot, "a boot-only technique of the self-tests", TECHNIQUE_BOOT | TECHNIQUE_HIDDEN, 0,
	    NULL, "the test says so", "a", "b");

SELFTEST(technique, live_change_hook_and_refusals)
{
	const struct technique *h = technique_find("selftest_hooked"), *b = technique_find("selftest_boot");
	char why[TECHNIQUE_WHY_MAX];

	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, technique_mode(selftest_hooked), 0);
	KUNIT_EXPECT_EQ(test, technique_set(h, 2, why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, technique_mode(selftest_hooked), 2);
	KUNIT_EXPECT_STREQ(test, technique_mode_name(h), "c");
	KUNIT_EXPECT_EQ(test, technique_set(h, 1, why, sizeof(why)), -EBUSY);
	KUNIT_EXPECT_EQ(test, technique_mode(selftest_hooked), 2);	/* refused: unchanged */
	KUNIT_EXPECT_STREQ(test, why, "mode b is refused by the test hook");
	KUNIT_EXPECT_EQ(test, technique_set(h, 7, why, sizeof(why)), -EINVAL);
	KUNIT_EXPECT_EQ(test, technique_set(b, 1, why, sizeof(why)), -EPERM);
	KUNIT_EXPECT_EQ(test, technique_mode(selftest_boot), 0);
	KUNIT_EXPECT_TRUE(test, strstr(why, "boot only") && strstr(why, "the test says so"));
	KUNIT_EXPECT_EQ(test, technique_set_by_name("selftest_hooked", "a"), 0);
	KUNIT_EXPECT_EQ(test, technique_set_by_name("selftest_hooked", "nosuch"), -ENOENT);
	KUNIT_EXPECT_EQ(test, technique_set_by_name("nosuch", "a"), -ENOENT);
	KUNIT_EXPECT_EQ(test, refusals, 1);
}

SELFTEST(technique, boot_options_set_and_report)
{
	KUNIT_EXPECT_EQ(test, technique_parse_option("selftest_boot", "b"), 0);	/* at boot, even boot-only */
	KUNIT_EXPECT_EQ(test, technique_mode(selftest_boot), 1);
	printk_capture_start(out, sizeof(out));
	KUNIT_EXPECT_EQ(test, technique_parse_option("selftest_boot", "zzz"), -EINVAL);
	printk_capture_stop();
	KUNIT_EXPECT_EQ(test, technique_mode(selftest_boot), 1);		/* ignored */
	KUNIT_EXPECT_TRUE(test, strstr(out, "selftest_boot has no mode 'zzz' (its modes: a|b); ignored") != NULL);
	KUNIT_EXPECT_EQ(test, technique_parse_option("nosuch_technique", "x"), -ENOENT);
	KUNIT_EXPECT_EQ(test, technique_parse_option("selftest_boot", "a"), 0);
}

SELFTEST(technique, monitor_lists_and_switches)
{
	char line[64];

	printk_capture_start(out, sizeof(out));
	strlcpy(line, "technique", sizeof(line));
	monitor_exec(line);
	printk_capture_stop();
	KUNIT_EXPECT_TRUE(test, strstr(out, "slab_lock") && strstr(out, "global|percpu"));
	KUNIT_EXPECT_TRUE(test, strstr(out, "selftest_hooked") == NULL);	/* hidden */

	printk_capture_start(out, sizeof(out));
	strlcpy(line, "technique selftest_hooked b", sizeof(line));
	monitor_exec(line);
	strlcpy(line, "technique selftest_hooked c", sizeof(line));
	monitor_exec(line);
	strlcpy(line, "technique selftest_boot b", sizeof(line));
	monitor_exec(line);
	strlcpy(line, "technique nosuch x", sizeof(line));
	monitor_exec(line);
	printk_capture_stop();
	KUNIT_EXPECT_TRUE(test, strstr(out, "selftest_hooked stays a: mode b is refused") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "selftest_hooked: c") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "selftest_boot stays a: selftest_boot is chosen at boot only") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "no technique nosuch") != NULL);
	KUNIT_EXPECT_EQ(test, technique_mode(selftest_hooked), 2);
	technique_set_by_name("selftest_hooked", "a");
}
