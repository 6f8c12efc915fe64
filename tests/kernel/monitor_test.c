/*
 * tests/kernel/monitor_test.c - the monitor's answers to bad input: a
 * command given the wrong arguments prints its usage and does nothing, a
 * command that takes a PID names a process that does not exist, and every
 * other failure says why in words, never as a bare error number.
 */
#include "kernel/selftest.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define NO_SUCH_PID	"999999"	/* above any pid a test boot hands out */

static char out[2048];

/* Runs line as if typed at the prompt; its output lands in out. */
static int run_line(const char *line)
{
	char buf[MONITOR_LINE_MAX];
	int err;

	strlcpy(buf, line, sizeof(buf));
	printk_capture_start(out, sizeof(out));
	err = monitor_exec(buf);
	printk_capture_stop();
	return err;
}

static void expect_output(struct kunit *test, const char *line, int err, const char *want)
{
	KUNIT_EXPECT_EQ(test, run_line(line), err);
	if (!strstr(out, want))
		KUNIT_FAIL(test, "`%s` printed \"%s\", not \"%s\"", line, out, want);
	if (strstr(out, "failed with error"))
		KUNIT_FAIL(test, "`%s` printed a bare error number: \"%s\"", line, out);
}

SELFTEST(monitor, bad_arguments_print_the_usage)
{
	static const char *const cases[][2] = {
		{ "ps all", "usage: ps\n" },
		{ "maps", "usage: maps PID\n" },
		{ "maps 1 2", "usage: maps PID\n" },
		{ "maps one", "usage: maps PID\n" },
		{ "maps -3", "usage: maps PID\n" },
		{ "kill", "usage: kill PID [SIG]\n" },
		{ "kill 1 2 3", "usage: kill PID [SIG]\n" },
		{ "kill " NO_SUCH_PID " 65", "usage: kill PID [SIG]\n" },
		{ "bt", "usage: bt CPU\n" },
		{ "bt first", "usage: bt CPU\n" },
		{ "buddyinfo -x", "usage: buddyinfo [-t]\n" },
		{ "slabinfo a b", "usage: slabinfo [CACHE]\n" },
		{ "technique slab_lock", "usage: technique [NAME MODE]\n" },
		{ "technique a b c", "usage: technique [NAME MODE]\n" },
		{ "crash nosuchkind", "usage: crash [null|gp|ud|div0|panic|bug]\n" },
		{ "run", "usage: run NAME [ARGS...] [&]\n" },
		{ "help me", "usage: help\n" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_output(test, cases[i][0], -EINVAL, cases[i][1]);
}

SELFTEST(monitor, a_missing_process_is_named)
{
	expect_output(test, "maps " NO_SUCH_PID, -ESRCH, "maps: no process " NO_SUCH_PID "\n");
	expect_output(test, "kill " NO_SUCH_PID, -ESRCH, "kill: no process " NO_SUCH_PID "\n");
	expect_output(test, "kill " NO_SUCH_PID " 15", -ESRCH, "kill: no process " NO_SUCH_PID "\n");
	expect_output(test, "maps 1", -ESRCH, "maps: no process 1\n");	/* no init in a self-test boot */
}

SELFTEST(monitor, other_failures_say_why)
{
	expect_output(test, "slabinfo no_such_cache", -ENOENT, "slabinfo: no cache named no_such_cache\n");
	expect_output(test, "bt 9999", -ENODEV, "bt: no CPU 9999");
	expect_output(test, "run no_such_program", -ENOENT, "run: no program no_such_program");
	expect_output(test, "technique no_such x", -ENOENT, "technique: no technique no_such");
	expect_output(test, "frobnicate", -ENOENT, "frobnicate: unknown command");
}
