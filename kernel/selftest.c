/*
 * kernel/selftest.c - running self-tests and reporting them in KTAP (see
 * selftest.h).
 *
 * Recovery: before a test runs, its CPU arms a recovery point (setjmp). A
 * failed KUNIT_ASSERT, kunit_skip() or an oops on that CPU longjmps back
 * to it, so the test ends there and the run continues. Recovery points nest
 * (test_on_each_cpu arms one per CPU inside the test's own), and are
 * per-CPU, so a crash on any CPU ends only that CPU's part of the test.
 */
#include "kernel/selftest.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/lockdep.h"
#include "kernel/sync/rcupdate.h"
#include "kernel/mm/numa.h"
#include "kernel/cmdline.h"
#include "kernel/technique.h"
#include "kernel/panic.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/monitor.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/desc.h"
#include "arch/x86_64/setjmp.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/proc/usertest.h"

#define LEAK_SETTLE_ROUNDS	50	/* rounds of "let asynchronous frees finish, compare" */
#define LEAK_SETTLE_MS		20
#define SELFTEST_GLOBS_MAX	256

struct recovery {
	struct jmp_buf jb;
	struct kunit *test;
	struct recovery *prev;
	int irq_depth;			/* per-CPU state an oops may leave behind */
	int spin_depth;
	int pagefault_disable_depth;
	int lockdep_depth;
};

extern const struct selftest __start_selftests[], __stop_selftests[];
extern const struct leak_counter __start_leak_counters[], __stop_leak_counters[];

static const char *indent = "    ";	/* KTAP indent of a test inside a suite */
static char requested_globs[SELFTEST_GLOBS_MAX];

static int parse_selftest(const char *val)
{
	strlcpy(requested_globs, val, sizeof(requested_globs));
	return 0;
}
CMDLINE_PARAM("selftest", parse_selftest,
	      "run self-tests at boot and exit QEMU: all, or SUITE or SUITE.TEST globs separated by commas");

bool selftest_requested(void) { return requested_globs[0] != 0; }
const char *selftest_globs(void) { return requested_globs; }

/* ---- failing, aborting, skipping ---- */

void kunit_fail(struct kunit *test, const char *file, int line, const char *fmt, ...)
{
	char msg[KUNIT_LOG_MAX], out[KUNIT_LOG_MAX + 256];
	int len;
	va_list ap;

	atomic_inc(&test->failures);
	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	len = scnprintf(out, sizeof(out), "%s# %s: EXPECTATION FAILED at %s:%d (cpu%d)\n",
			indent, test->desc->name, file, line, smp_processor_id());
	for (const char *l = msg; *l; ) {		/* each line as a KTAP diagnostic */
		const char *nl = strchr(l, '\n');
		int n = nl ? nl - l : (int)strlen(l);
		len += scnprintf(out + len, sizeof(out) - len, "%s#   %.*s\n", indent, n, l);
		l += n + (nl != NULL);
	}
	console_write(out, len);
}

void kunit_abort(struct kunit *test)
{
	struct recovery *rec = current->test_recovery;

	if (!rec)
		panic("kunit_abort outside a test (%s)", test->desc ? test->desc->name : "?");
	kernel_longjmp(&rec->jb, 1);
}

void kunit_skip(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(test->skip_reason, sizeof(test->skip_reason), fmt, ap);
	va_end(ap);
	test->skipped = true;
	kunit_abort(test);
}

void selftest_recover_from_oops(const char *what)
{
	struct recovery *rec = current ? current->test_recovery : NULL;

	if (!rec)
		return;
	atomic_inc(&rec->test->failures);
	console_printf("%s# %s: crashed (%s) on cpu%d; test ended, run continues\n",
		       indent, rec->test->desc->name, what, smp_processor_id());
	this_cpu_write(irq_depth, rec->irq_depth);
	this_cpu_write(spin_depth, rec->spin_depth);
	this_cpu_write(pagefault_disable_depth, rec->pagefault_disable_depth);
	lockdep_cpu_restore(rec->lockdep_depth);	/* forget spinlocks the crash left held */
	kernel_longjmp(&rec->jb, 2);
}

/* Runs fn(arg) with a recovery point armed for test on this CPU. */
static void run_protected(struct kunit *test, void (*fn)(void *), void *arg)
{
	struct recovery rec;

	rec.test = test;
	rec.prev = current->test_recovery;
	rec.irq_depth = this_cpu_read(irq_depth);
	rec.spin_depth = this_cpu_read(spin_depth);
	rec.pagefault_disable_depth = this_cpu_read(pagefault_disable_depth);
	rec.lockdep_depth = lockdep_cpu_depth();
	if (kernel_setjmp(&rec.jb) == 0) {
		current->test_recovery = &rec;
		fn(arg);
	}
	current->test_recovery = rec.prev;
}

/* ---- all CPUs at once ---- */

/*
 * One kernel thread per online CPU, bound to it. The threads meet at a
 * start line (each spins until all have arrived, one per CPU, so the
 * spinning never keeps a waiting thread off its CPU), run fn together,
 * and exit; the caller sleeps until every one has exited.
 */
struct each_cpu_ctx {
	struct kunit *test;
	each_cpu_fn fn;
	void *arg;
	atomic_t arrived;
	int ncpus;
};

struct each_cpu_call {
	struct each_cpu_ctx *ctx;
	int cpu;
};

static void each_cpu_body(void *p)
{
	struct each_cpu_call *c = p;

	c->ctx->fn(c->ctx->test, c->cpu, c->ctx->arg);
}

static int each_cpu_thread(void *p)
{
	struct each_cpu_call *c = p;
	struct each_cpu_ctx *ctx = c->ctx;

	atomic_inc(&ctx->arrived);
	while (atomic_read(&ctx->arrived) < ctx->ncpus)	/* start together: maximum overlap */
		cpu_relax();
	run_protected(ctx->test, each_cpu_body, c);
	return 0;
}

void test_on_each_cpu(struct kunit *test, each_cpu_fn fn, void *arg)
{
	struct each_cpu_ctx ctx = { .test = test, .fn = fn, .arg = arg };
	struct each_cpu_call calls[MAX_CPUS];
	struct task *threads[MAX_CPUS];
	int cpu;

	ctx.ncpus = num_online_cpus();
	for_each_online_cpu(cpu) {
		calls[cpu] = (struct each_cpu_call){ &ctx, cpu };
		threads[cpu] = kthread_create_on_node(each_cpu_thread, &calls[cpu], cpu_to_node(cpu),
						      "test/%d", cpu);
		if (!threads[cpu])
			panic("test_on_each_cpu: cannot create a thread for cpu%d", cpu);
		kthread_bind(threads[cpu], cpu);
	}
	for_each_online_cpu(cpu)
		wake_up_process(threads[cpu]);
	for_each_online_cpu(cpu)
		kthread_stop(threads[cpu]);	/* waits for it to finish */
}

/* ---- running tests and suites ---- */

static void call_test(void *p)
{
	struct kunit *test = p;

	test->desc->fn(test);
}

/* Runs one test and prints its KTAP result line; returns 1 failed, 0 passed, -1 skipped. */
static int run_test(const struct selftest *t, int index)
{
	struct kunit test = { .desc = t };
	ktime_t start = ktime_get_ns();
	int modes[TECHNIQUE_SNAPSHOT_MAX], nmodes = technique_snapshot(modes, TECHNIQUE_SNAPSHOT_MAX);

	run_protected(&test, call_test, &test);
	technique_restore(modes, nmodes);	/* whatever modes the test chose, the next starts from the boot's */
	console_printf("%s# %s: %lu ms\n", indent, t->name, (unsigned long)((ktime_get_ns() - start) / NSEC_PER_MSEC));
	if (atomic_read(&test.failures)) {
		console_printf("%snot ok %d %s\n", indent, index, t->name);
		return 1;
	}
	if (test.skipped) {
		console_printf("%sok %d %s # SKIP %s\n", indent, index, t->name, test.skip_reason);
		return -1;
	}
	console_printf("%sok %d %s\n", indent, index, t->name);
	return 0;
}

/* A glob selects a whole suite ("mem*"), or single tests ("topology.cpu*"). */
static bool test_selected(const char *globs, const struct selftest *t)
{
	char full[128], glob[64];
	const char *g = globs;

	snprintf(full, sizeof(full), "%s.%s", t->suite, t->name);
	while (*g) {
		size_t n = strchr(g, ',') ? (size_t)(strchr(g, ',') - g) : strlen(g);
		strlcpy(glob, g, min(n + 1, sizeof(glob)));
		if (!strcmp(glob, "all") || glob_match(glob, t->suite) ||
		    (strchr(glob, '.') && glob_match(glob, full)))
			return true;
		g += n + (g[n] == ',');
	}
	return false;
}

struct run_totals { int passed, failed, skipped; };

static void count(struct run_totals *tot, int r)
{
	if (r > 0) tot->failed++;
	else if (r < 0) tot->skipped++;
	else tot->passed++;
}

int leak_counters_snapshot(long *vals)
{
	int n = 0;

	for (const struct leak_counter *c = __start_leak_counters; c < __stop_leak_counters && n < MAX_LEAK_COUNTERS; c++)
		vals[n++] = c->read();
	return n;
}

static bool leak_differs(const long *before, const long *after, int n)
{
	for (int i = 0; i < n; i++)
		if (after[i] != before[i])
			return true;
	return false;
}

/*
 * Every leak counter back where it was. What was freed asynchronously is
 * given time to go: RCU callbacks (rcu_barrier), dead address spaces an
 * idle CPU still borrows (flush_lazy_mms), processes a suite's program
 * orphaned that are still ending. A real leak never comes back, however
 * long we wait.
 */
bool leak_counters_leaked(const long *before, int n, const char *prefix, const char *what)
{
	long after[MAX_LEAK_COUNTERS];
	bool bad = false;

	leak_counters_snapshot(after);
	for (int round = 0; round < LEAK_SETTLE_ROUNDS && leak_differs(before, after, n); round++) {
		flush_lazy_mms();
		rcu_barrier();
		msleep(LEAK_SETTLE_MS);
		leak_counters_snapshot(after);
	}
	for (int i = 0; i < n; i++)
		if (after[i] != before[i]) {
			console_printf("%s# leak_check: %s was %ld before %s and is %ld after\n",
				       prefix, __start_leak_counters[i].name, before[i], what, after[i]);
			bad = true;
		}
	return bad;
}

/* The automatic last test of each suite. */
static int leak_check(const long *before, int n, int index)
{
	int bad = leak_counters_leaked(before, n, indent, "the suite");

	console_printf("%s%sok %d leak_check\n", indent, bad ? "not " : "", index);
	return bad;
}

static void run_suite(const struct selftest *tests, int ntests, const char *suite, const char *globs,
		      int suite_index, struct run_totals *tot)
{
	long before[MAX_LEAK_COUNTERS];
	int planned = 0, index = 0, failed = 0, nleak;

	for (int i = 0; i < ntests; i++)
		if (!strcmp(tests[i].suite, suite) && (!globs || test_selected(globs, &tests[i])))
			planned++;
	console_printf("%sKTAP version 1\n%s# Subtest: %s\n%s1..%d\n", indent, indent, suite, indent, planned + 1);
	nleak = leak_counters_snapshot(before);
	for (int i = 0; i < ntests; i++) {
		int r;
		if (strcmp(tests[i].suite, suite) || (globs && !test_selected(globs, &tests[i])))
			continue;
		r = run_test(&tests[i], ++index);
		count(tot, r);
		failed += r > 0;
	}
	index++;
	{
		int r = leak_check(before, nleak, index);
		count(tot, r);
		failed += r;
	}
	console_printf("%sok %d %s\n", failed ? "not " : "", suite_index, suite);
}

/* Suite names in order of first appearance, selected by globs. */
static int collect_suites(const struct selftest *tests, int n, const char *globs, const char **suites, int max)
{
	int ns = 0;

	for (int i = 0; i < n; i++) {
		bool seen = false;
		if (globs && !test_selected(globs, &tests[i]))
			continue;
		for (int s = 0; s < ns; s++)
			seen |= !strcmp(suites[s], tests[i].suite);
		if (!seen && ns < max)
			suites[ns++] = tests[i].suite;
	}
	return ns;
}

/* A suite name (a usertest_* program) selected by globs, as test_selected does for kernel suites. */
bool selftest_globs_match(const char *globs, const char *suite)
{
	char glob[64];
	const char *g = globs;

	while (*g) {
		size_t n = strchr(g, ',') ? (size_t)(strchr(g, ',') - g) : strlen(g);
		strlcpy(glob, g, min(n + 1, sizeof(glob)));
		if (!strcmp(glob, "all") || glob_match(glob, suite))
			return true;
		g += n + (g[n] == ',');
	}
	return false;
}

#define MAX_USER_SUITES	64

/*
 * with_user: after the kernel suites, the usertest_* programs selected
 * (kernel/proc/usertest.c), then the usertest_leak suite.
 */
static int run_tests(const struct selftest *tests, int n, const char *globs, bool with_user)
{
	const char *suites[128], *user[MAX_USER_SUITES];
	struct run_totals tot = { 0 };
	int ns = collect_suites(tests, n, globs, suites, ARRAY_SIZE(suites));
	int nu = with_user ? usertest_collect(globs, user, MAX_USER_SUITES) : 0;

	console_printf("KTAP version 1\n1..%d\n", ns + nu + (nu ? 1 : 0));
	for (int s = 0; s < ns; s++)
		run_suite(tests, n, suites[s], globs, s + 1, &tot);
	for (int u = 0; u < nu; u++)
		count(&tot, usertest_run_one(user[u], ns + u + 1));
	if (nu)
		count(&tot, usertest_leak_check(ns + nu + 1));
	console_printf("# numbat selftest: %d passed, %d failed, %d skipped\n", tot.passed, tot.failed, tot.skipped);
	return tot.failed;
}

int selftest_run(const char *globs)
{
	int n = __stop_selftests - __start_selftests;

	return run_tests(__start_selftests, n, globs && *globs ? globs : "all", true);
}

void selftest_list(void)
{
	const char *suites[128];
	int n = __stop_selftests - __start_selftests;
	int ns = collect_suites(__start_selftests, n, NULL, suites, ARRAY_SIZE(suites));

	for (int s = 0; s < ns; s++) {
		int count = 0;
		for (int i = 0; i < n; i++)
			count += !strcmp(__start_selftests[i].suite, suites[s]);
		console_printf("  %-16s %d tests\n", suites[s], count);
	}
}

/* ---- for the framework's own tests ---- */

void selftest_run_one_captured(const struct selftest *t, struct selftest_result *res, char *buf, size_t size)
{
	int r;

	printk_capture_start(buf, size);
	r = run_test(t, 1);
	printk_capture_stop();
	res->passed = r == 0;
	res->skipped = r < 0;
	res->failures = r > 0;
}

int selftest_run_list_captured(const struct selftest *tests, int n, char *buf, size_t size)
{
	int failed;

	printk_capture_start(buf, size);
	failed = run_tests(tests, n, NULL, false);
	printk_capture_stop();
	return failed;
}

static int cmd_test(int argc, char **argv)
{
	char globs[SELFTEST_GLOBS_MAX] = "";

	if (argc == 1) {
		console_printf("usage: test all | SUITE... | SUITE.TEST...   (globs allowed)\nsuites:\n");
		selftest_list();
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strlcat(globs, ",", sizeof(globs));
		strlcat(globs, argv[i], sizeof(globs));
	}
	selftest_run(globs);
	return 0;
}
MONITOR_CMD(test, "[SUITE...]", "run self-tests (KTAP output); no argument lists the suites", cmd_test);
