/*
 * tests/kernel/cmdline_test.c - command-line parsing against a table of
 * test options: good options reach their setters, and every kind of bad
 * option is reported, counted and ignored without disturbing the others.
 */
#include "kernel/selftest.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

static char got_name[64];
static int got_flag, got_calls;

static int set_name(const char *v)
{
	got_calls++;
	strlcpy(got_name, v, sizeof(got_name));
	return 0;
}

static int set_flag(const char *v)
{
	got_calls++;
	got_flag = v == NULL;
	return 0;
}

static int set_number(const char *v)
{
	unsigned long n;

	got_calls++;
	return kstrtoul(v, 0, &n);
}

static const struct cmdline_param params[] = {
	{ "name", set_name, "a string", false },
	{ "fast", set_flag, "a flag", true },
	{ "num", set_number, "a number", false },
};

static int parse(const char *line)
{
	got_name[0] = 0;
	got_flag = got_calls = 0;
	return cmdline_parse(line, params, ARRAY_SIZE(params));
}

SELFTEST(cmdline, value_and_flag)
{
	KUNIT_EXPECT_EQ(test, parse("name=hello fast num=0x10"), 0);
	KUNIT_EXPECT_STREQ(test, got_name, "hello");
	KUNIT_EXPECT_EQ(test, got_flag, 1);
	KUNIT_EXPECT_EQ(test, got_calls, 3);
}

SELFTEST(cmdline, spaces_and_empty_line)
{
	KUNIT_EXPECT_EQ(test, parse(""), 0);
	KUNIT_EXPECT_EQ(test, parse("   \t  "), 0);
	KUNIT_EXPECT_EQ(test, parse("  name=a    fast  "), 0);
	KUNIT_EXPECT_STREQ(test, got_name, "a");
}

SELFTEST(cmdline, value_keeps_equals_signs)
{
	KUNIT_EXPECT_EQ(test, parse("name=a=b"), 0);
	KUNIT_EXPECT_STREQ(test, got_name, "a=b");
}

SELFTEST(cmdline, unknown_option_ignored)
{
	KUNIT_EXPECT_EQ(test, parse("bogus=1 name=x nosuchflag"), 2);
	KUNIT_EXPECT_STREQ(test, got_name, "x");
}

SELFTEST(cmdline, missing_value_ignored)
{
	KUNIT_EXPECT_EQ(test, parse("name name= num"), 3);
	KUNIT_EXPECT_EQ(test, got_calls, 0);
}

SELFTEST(cmdline, flag_with_value_ignored)
{
	KUNIT_EXPECT_EQ(test, parse("fast=1"), 1);
	KUNIT_EXPECT_EQ(test, got_flag, 0);
}

SELFTEST(cmdline, rejected_value_ignored)
{
	KUNIT_EXPECT_EQ(test, parse("num=12abc num=99999999999999999999999 num=7"), 2);
	KUNIT_EXPECT_EQ(test, got_calls, 3);
}

SELFTEST(cmdline, overlong_option_ignored)
{
	static char line[600];

	memset(line, 'x', sizeof(line) - 1);
	memcpy(line, "name=", 5);
	line[sizeof(line) - 1] = 0;
	KUNIT_EXPECT_EQ(test, parse(line), 1);
	KUNIT_EXPECT_EQ(test, got_calls, 0);
}

SELFTEST(cmdline, boot_options_registered)
{
	char buf[16];

	/* every boot has selftest= or not; the option table itself must be reachable */
	KUNIT_EXPECT_TRUE(test, cmdline_get("no.such.option", buf, sizeof(buf)) == NULL);
	if (selftest_requested())
		KUNIT_EXPECT_TRUE(test, cmdline_get("selftest", buf, sizeof(buf)) != NULL);
}
