/*
 * tests/kernel/printk_test.c - the kernel log under fire: every CPU prints
 * at once, and every line in the log buffer must come out whole, with the
 * right prefix, in order per CPU. Levels above console_loglevel reach the
 * log buffer only.
 */
#include "kernel/selftest.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"

#define LINES_MAX	40	/* per CPU, fewer on big machines: all must fit the log buffer */
#define LINE_BYTES	128	/* a torture line with its prefix, rounded up */
#define TAG		"printk-torture"

static char logcopy[LOG_BUF_SIZE];
static unsigned int run_id;

static int lines_per_cpu(void)
{
	return min(LINES_MAX, LOG_BUF_SIZE / 2 / LINE_BYTES / num_online_cpus());
}

static void print_lines(struct kunit *test, int cpu, void *arg)
{
	for (int i = 0; i < lines_per_cpu(); i++)
		printk(KERN_DEBUG TAG " run=%u cpu=%d seq=%d padding-to-make-the-line-long-enough-to-race\n",
		       run_id, cpu, i);
}

/* Reads the decimal number at *p; false if there is none. */
static bool number(const char **p, unsigned long *v)
{
	if (!isdigit(**p))
		return false;
	for (*v = 0; isdigit(**p); (*p)++)
		*v = *v * 10 + (**p - '0');
	return true;
}

static bool skip(const char **p, const char *s)
{
	if (strncmp(*p, s, strlen(s)))
		return false;
	*p += strlen(s);
	return true;
}

/*
 * Checks one line of ours, "[%5lu.%06lu] cpuC: printk-torture run=R cpu=C
 * seq=S padding...": whole, prefixed with its own CPU, next in its CPU's
 * sequence. Returns 1 if good, 0 if from an older run, -1 if bad.
 */
static int check_line(const char *p, int *next_seq)
{
	unsigned long sec, usec, cpu_prefix, run, cpu, seq;

	if (!skip(&p, "["))
		return -1;
	while (*p == ' ')
		p++;
	if (!number(&p, &sec) || !skip(&p, ".") || !number(&p, &usec) || !skip(&p, "] cpu") ||
	    !number(&p, &cpu_prefix) || !skip(&p, ": " TAG " run=") || !number(&p, &run))
		return -1;
	if (run != run_id)
		return 0;
	if (!skip(&p, " cpu=") || !number(&p, &cpu) || !skip(&p, " seq=") || !number(&p, &seq) ||
	    strcmp(p, " padding-to-make-the-line-long-enough-to-race") || cpu != cpu_prefix ||
	    cpu >= MAX_CPUS || (int)seq != next_seq[cpu])
		return -1;
	next_seq[cpu]++;
	return 1;
}

SELFTEST(printk, lines_never_interleave)
{
	int next_seq[MAX_CPUS] = { 0 }, cpu, bad = 0;
	size_t n;

	run_id++;
	test_on_each_cpu(test, print_lines, NULL);
	n = log_buf_read(logcopy, sizeof(logcopy));
	for (char *line = logcopy; line < logcopy + n; ) {
		char *nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = 0;
		if (strstr(line, TAG " run=")) {
			if (check_line(line, next_seq) < 0 && bad++ < 3)
				KUNIT_FAIL(test, "malformed or out-of-order line: %s", line);
		}
		line = nl + 1;
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ(test, next_seq[cpu], lines_per_cpu());
}

SELFTEST(printk, levels_filter_the_console_not_the_log)
{
	static char out[512];
	size_t n;

	KUNIT_ASSERT_LE(test, console_loglevel, 7);
	printk_capture_start(out, sizeof(out));	/* what would reach the console */
	printk(KERN_DEBUG "debug-line-%u\n", run_id);
	printk(KERN_ERR "error-line-%u\n", run_id);
	printk_capture_stop();
	KUNIT_EXPECT_TRUE(test, strstr(out, ": error-line-") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, ": debug-line-") == NULL);
	printk(KERN_DEBUG "debug-in-log-%u\n", run_id);
	n = log_buf_read(logcopy, sizeof(logcopy));
	KUNIT_EXPECT_TRUE(test, n > 0 && strstr(logcopy, "debug-in-log-") != NULL);
}

SELFTEST(printk, multi_line_messages_prefix_each_line)
{
	static char out[512];

	printk_capture_start(out, sizeof(out));
	printk(KERN_INFO "first\nsecond\n");
	printk_capture_stop();
	KUNIT_EXPECT_TRUE(test, strstr(out, ": first\n[") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, ": second\n") != NULL);
}
