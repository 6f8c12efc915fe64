/*
 * kernel/proc/usertest.c - user-space test suites and the user benchmark.
 *
 * A module whose name starts with "usertest_" is a KTAP suite (user/, the
 * contract in docs/user.md): it prints its own nested suite block and
 * exits 0 when every test passed. The self-test runner (kernel/selftest.c)
 * runs the selected ones after the kernel suites, each as a process with
 * argv[0] = its name, and prints the top-level result line from its exit
 * status. A final kernel suite, usertest_leak, checks that free pages,
 * slab objects, mm_structs and tasks are back where they were before the
 * first user suite.
 *
 * Dead address spaces linger in one place only: a CPU that went idle
 * right after a process died still holds the mm as its idle task's
 * borrowed active_mm until it next switches. usertest_leak first makes
 * every CPU switch once (a short kernel thread bound to it), which lets
 * them go (kernel/sched/core.c never lends a dead mm on).
 *
 * (`make bench` runs the user benchmark pfbench as init=pfbench: tests/bench.)
 */
#include "kernel/proc/proc.h"
#include "kernel/selftest.h"
#include "kernel/bootinfo.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/numa.h"
#include "kernel/lib/string.h"
#include "kernel/proc/usertest.h"

#define USERTEST_PREFIX		"usertest_"

static int nop_thread(void *unused)
{
	(void)unused;
	return 0;
}

/* Every online CPU switches at least once: idle CPUs drop borrowed dead mms. */
void flush_lazy_mms(void)
{
	struct task *t[MAX_CPUS];
	int cpu;

	for_each_online_cpu(cpu) {
		t[cpu] = kthread_create_on_node(nop_thread, NULL, cpu_to_node(cpu), "mmflush/%d", cpu);
		if (t[cpu]) {
			kthread_bind(t[cpu], cpu);
			wake_up_process(t[cpu]);
		}
	}
	for_each_online_cpu(cpu)
		if (t[cpu])
			kthread_stop(t[cpu]);
}

static long leak_before[MAX_LEAK_COUNTERS];
static int leak_n;

/* Collects the usertest_* module names matched by globs (NULL: all). */
int usertest_collect(const char *globs, const char **names, int max)
{
	int n = 0;

	for (int i = 0; i < bootinfo.nmodules && n < max; i++) {
		const char *s = bootinfo.modules[i].name;
		char name[MODULE_NAME_MAX];
		size_t len = strchr(s, ' ') ? (size_t)(strchr(s, ' ') - s) : strlen(s);

		if (len >= sizeof(name))
			continue;
		memcpy(name, s, len);
		name[len] = 0;
		if (!str_has_prefix(name, USERTEST_PREFIX) || !strcmp(name, "usertest_leak"))
			continue;
		if (globs && !selftest_globs_match(globs, name))
			continue;
		names[n++] = bootinfo.modules[i].name;	/* stable storage; the first word is the name */
	}
	return n;
}

static void first_word(const char *s, char *out, size_t size)
{
	size_t len = strchr(s, ' ') ? (size_t)(strchr(s, ' ') - s) : strlen(s);

	len = min(len, size - 1);
	memcpy(out, s, len);
	out[len] = 0;
}

/* Runs one user suite; prints the top-level line; returns 1 failed, 0 passed. */
int usertest_run_one(const char *module_string, int index)
{
	char name[MODULE_NAME_MAX];
	char *argv[2];
	int pid, status = 0;

	first_word(module_string, name, sizeof(name));
	if (!leak_n) {			/* the first user suite: where the counters must come back to */
		flush_lazy_mms();
		leak_n = leak_counters_snapshot(leak_before);
	}
	argv[0] = name;
	argv[1] = NULL;
	pid = spawn_user(name, argv);
	if (pid < 0) {
		console_printf("# %s: cannot start (error %d)\nnot ok %d %s\n", name, pid, index, name);
		return 1;
	}
	wait_user(pid, &status);
	if (status & 0x7f) {
		console_printf("# %s: killed by signal %d (%s)\nnot ok %d %s\n", name, status & 0x7f,
			       signal_name(status & 0x7f), index, name);
		return 1;
	}
	if (status) {
		console_printf("# %s: exit status %d\nnot ok %d %s\n", name, (status >> 8) & 0xff, index, name);
		return 1;
	}
	console_printf("ok %d %s\n", index, name);
	return 0;
}

/* The last suite: everything the user suites used is back. Returns 1 if not. */
int usertest_leak_check(int index)
{
	int bad;

	console_printf("    KTAP version 1\n    # Subtest: usertest_leak\n    1..1\n");
	bad = leak_counters_leaked(leak_before, leak_n, "    ", "the user suites");
	console_printf("    %sok 1 leak_check\n", bad ? "not " : "");
	console_printf("%sok %d usertest_leak\n", bad ? "not " : "", index);
	leak_n = 0;
	return bad;
}
