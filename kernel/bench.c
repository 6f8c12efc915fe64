/*
 * kernel/bench.c - running benchmarks and printing their figures (see
 * bench.h).
 *
 * The CPUs of a measurement start together (each spins until the last has
 * arrived), run their body until a common deadline, and report how many
 * operations they did and how long they took. Work reaches the other CPUs
 * in kernel threads bound to them, like the self-tests' test_on_each_cpu.
 */
#include "kernel/bench.h"
#include "kernel/technique.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/numa.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"

#define BENCH_GLOBS_MAX	256

extern const struct benchmark __start_benchmarks[], __stop_benchmarks[];

unsigned long bench_duration_ms = BENCH_DEFAULT_MS;
unsigned long bench_reps = BENCH_DEFAULT_REPS;
static char bench_globs[BENCH_GLOBS_MAX];

static int parse_bench(const char *val)
{
	strlcpy(bench_globs, val, sizeof(bench_globs));
	return 0;
}
CMDLINE_PARAM("bench", parse_bench, "run benchmarks at boot and exit QEMU: all, or globs separated by commas");

static int parse_bench_ms(const char *val)
{
	unsigned long ms;
	int err = kstrtoul(val, 10, &ms);

	if (err || !ms || ms > 60000)
		return err ? err : -EINVAL;
	bench_duration_ms = ms;
	return 0;
}
CMDLINE_PARAM("bench.ms", parse_bench_ms, "milliseconds each benchmark measurement runs (default 300)");

static int parse_bench_reps(const char *val)
{
	unsigned long reps;
	int err = kstrtoul(val, 10, &reps);

	if (err || !reps || reps > BENCH_MAX_REPS)
		return err ? err : -EINVAL;
	bench_reps = reps;
	return 0;
}
CMDLINE_PARAM("bench.reps", parse_bench_reps,
	      "times each technique's modes are measured in turn, the median kept (default 3, at most 9)");

bool bench_requested(void)
{
	return bench_globs[0] != 0;
}

struct bench_ctx {
	bench_body_fn body;
	void *arg;
	atomic_t arrived;
	int ncpus;
	volatile bool go;
	ktime_t deadline;
	unsigned long ops[MAX_CPUS];
	ktime_t ns[MAX_CPUS];
};

struct bench_call {
	struct bench_ctx *ctx;
	int cpu;
};

static void bench_measure(struct bench_ctx *ctx, int cpu)
{
	unsigned long ops = 0;
	ktime_t start = ktime_get_ns(), now;

	do {
		ops += ctx->body(ctx->arg, cpu);
		now = ktime_get_ns();
	} while (now < ctx->deadline);
	ctx->ops[cpu] = ops;
	ctx->ns[cpu] = now - start;
}

/*
 * One kernel thread per measured CPU, bound to it, so bodies may sleep
 * (a contended mutex does). The threads warm up, then meet: the last to
 * arrive sets the deadline and starts them all; each thread spins only
 * while the others are still arriving on their own CPUs, so nobody waits
 * for a CPU that a spinner holds.
 */
static int bench_thread(void *p)
{
	struct bench_call *c = p;
	struct bench_ctx *ctx = c->ctx;

	ctx->body(ctx->arg, c->cpu);		/* warm up: caches, lists, slabs */
	if (atomic_inc_return(&ctx->arrived) == ctx->ncpus) {
		ctx->deadline = ktime_get_ns() + bench_duration_ms * NSEC_PER_MSEC;
		smp_store_release(&ctx->go, true);
	}
	while (!smp_load_acquire(&ctx->go))
		cpu_relax();
	bench_measure(ctx, c->cpu);
	return 0;
}

/* The first ncpus online CPUs run body; the caller sleeps meanwhile. */
u64 bench_run_on_cpus(int ncpus, bench_body_fn body, void *arg)
{
	static struct bench_ctx ctx;
	struct bench_call calls[MAX_CPUS];
	struct task *threads[MAX_CPUS];
	int cpus[MAX_CPUS], n = 0, cpu;
	u64 total = 0;

	for_each_online_cpu(cpu)
		if (n < ncpus)
			cpus[n++] = cpu;
	memset(&ctx, 0, sizeof(ctx));
	ctx.body = body;
	ctx.arg = arg;
	ctx.ncpus = n;
	for (int i = 0; i < n; i++) {
		calls[i] = (struct bench_call){ &ctx, cpus[i] };
		threads[i] = kthread_create_on_node(bench_thread, &calls[i], cpu_to_node(cpus[i]),
						    "bench/%d", cpus[i]);
		if (!threads[i])
			panic("bench: cannot create a thread for cpu%d", cpus[i]);
		kthread_bind(threads[i], cpus[i]);
	}
	for (int i = 0; i < n; i++)
		wake_up_process(threads[i]);
	for (int i = 0; i < n; i++) {
		kthread_stop(threads[i]);
		total += ctx.ns[cpus[i]] ? ctx.ops[cpus[i]] * NSEC_PER_SEC / ctx.ns[cpus[i]] : 0;
	}
	return total / n;
}

/* "2.1M", "350.0K", "12" */
static void format_rate(char *buf, size_t size, u64 rate)
{
	if (rate >= 1000000)		/* three digits at least: 1.74M, not 1.7M */
		snprintf(buf, size, "%lu.%02luM", rate / 1000000, (rate % 1000000) / 10000);
	else if (rate >= 1000)
		snprintf(buf, size, "%lu.%luK", rate / 1000, (rate % 1000) / 100);
	else
		snprintf(buf, size, "%lu", rate);
}

void bench_report(const char *name, int ncpus, const char *label_a, u64 rate_a,
		  const char *label_b, u64 rate_b)
{
	char a[16], b[16];
	u64 ratio100 = rate_b ? (rate_a * 100 + rate_b / 2) / rate_b : 0;

	format_rate(a, sizeof(a), rate_a);
	format_rate(b, sizeof(b), rate_b);
	console_printf("bench %-24s  cpus=%-2d  %s: %s ops/s/cpu  %s: %s ops/s/cpu  ratio %lu.%02lux\n",
		       name, ncpus, label_a, a, label_b, b, ratio100 / 100, ratio100 % 100);
}

void bench_report_modes(const char *name, int ncpus, const struct technique *t, const u64 *rates)
{
	char line[256], r[16];
	size_t len;

	len = scnprintf(line, sizeof(line), "bench %-24s  cpus=%-2d ", name, ncpus);
	for (int m = 0; m < t->nr_modes; m++) {
		format_rate(r, sizeof(r), rates[m]);
		len += scnprintf(line + len, sizeof(line) - len, " %s: %s", t->modes[m], r);
		if (m > 0) {
			u64 ratio100 = rates[0] ? (rates[m] * 100 + rates[0] / 2) / rates[0] : 0;
			len += scnprintf(line + len, sizeof(line) - len, " (%lu.%02lux)", ratio100 / 100,
					 ratio100 % 100);
		}
	}
	console_printf("%s  ops/s/cpu  [%s]\n", line, t->name);
}

u64 bench_median(u64 *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			u64 t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The modes take turns, bench_reps times, and each keeps its median:
 * under TCG the host's own load comes in bursts, and a burst should cost
 * one measurement, not one mode its comparison.
 */
void bench_technique(const char *name, const char *technique, bench_body_fn body, void *arg,
		     void (*before)(void *arg))
{
	const struct technique *t = technique_find(technique);
	int counts[8], n = bench_cpu_counts(counts, 8), saved, reps = bench_reps;
	static u64 samples[TECHNIQUE_MAX_MODES][BENCH_MAX_REPS];	/* benchmarks run one at a time */
	u64 rates[TECHNIQUE_MAX_MODES];
	char why[TECHNIQUE_WHY_MAX];

	if (!t || t->nr_modes > TECHNIQUE_MAX_MODES) {
		console_printf("bench %-24s  no technique %s: skipped\n", name, technique);
		return;
	}
	saved = technique_mode_index(t, technique_mode_name(t));
	for (int i = 0; i < n; i++) {
		bool measured[TECHNIQUE_MAX_MODES] = { false };

		for (int r = 0; r < reps; r++) {
			for (int m = 0; m < t->nr_modes; m++) {
				samples[m][r] = 0;
				if (technique_set(t, m, why, sizeof(why))) {
					if (r == 0)
						console_printf("# bench %s: mode %s not measured: %s\n", name,
							       t->modes[m], why);
					continue;
				}
				if (before)
					before(arg);
				samples[m][r] = bench_run_on_cpus(counts[i], body, arg);
				measured[m] = true;
			}
		}
		for (int m = 0; m < t->nr_modes; m++)
			rates[m] = measured[m] ? bench_median(samples[m], reps) : 0;
		bench_report_modes(name, counts[i], t, rates);
	}
	if (saved >= 0)
		technique_set(t, saved, NULL, 0);
}

int bench_cpu_counts(int *counts, int max)
{
	int online = num_online_cpus(), n = 0;

	for (int c = 1; c < online && n < max - 1; c *= 2)
		counts[n++] = c;
	counts[n++] = online;
	return n;
}

static bool selected(const char *name)
{
	char glob[64];
	const char *g = bench_globs;

	while (*g) {
		size_t n = strchr(g, ',') ? (size_t)(strchr(g, ',') - g) : strlen(g);
		strlcpy(glob, g, min(n + 1, sizeof(glob)));
		if (!strcmp(glob, "all") || glob_match(glob, name))
			return true;
		g += n + (g[n] == ',');
	}
	return false;
}

int bench_run(void)
{
	int ran = 0;

	console_printf("# numbat bench: %d CPUs online, %lu ms per measurement, median of %lu reps per mode\n",
		       num_online_cpus(), bench_duration_ms, bench_reps);
	for (const struct benchmark *b = __start_benchmarks; b < __stop_benchmarks; b++)
		if (selected(b->name)) {
			b->fn();
			ran++;
		}
	console_printf("# numbat bench: %d benchmark%s run\n", ran, ran == 1 ? "" : "s");
	return ran;
}
