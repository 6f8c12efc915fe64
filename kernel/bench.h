/*
 * kernel/bench.h - in-kernel benchmarks, run at boot with `bench=all` or
 * `bench=GLOB[,GLOB]` on the command line (`make bench` does it), after
 * which QEMU exits.
 *
 * A benchmark is registered next to what it measures:
 *
 *	BENCHMARK(page_alloc_free_order0)
 *	{
 *		for each CPU count n of bench_cpu_counts():
 *			a = bench_run_on_cpus(n, body, arg);	the technique
 *			(switch to the naive counterpart)
 *			b = bench_run_on_cpus(n, body, arg);
 *			bench_report("page_alloc_free_order0", n, "percpu-lists", a, "global-lock", b);
 *	}
 *
 * bench_run_on_cpus() runs body on the first n online CPUs at the same
 * moment, each calling it again and again for bench_duration_ms, and
 * returns the mean rate in operations per second per CPU (body returns how
 * many operations each call did). Every technique is compared with its
 * naive counterpart on the same boot, and bench_report() prints one line:
 *
 *   bench page_alloc_free_order0  cpus=4  percpu-lists: 2.1M ops/s/cpu  global-lock: 0.4M ops/s/cpu  ratio 5.2x
 *
 * No benchmark asserts anything: timings under QEMU are only indications.
 */
#ifndef KERNEL_BENCH_H
#define KERNEL_BENCH_H

#include "kernel/compiler.h"

#define BENCH_DEFAULT_MS	300	/* each measurement, per mode and CPU count */

struct benchmark {
	const char *name;
	void (*fn)(void);
};

#define BENCHMARK(name)								\
	static void __bench_##name(void);					\
	static const struct benchmark __bench_desc_##name			\
	__section(".benchmarks") __used __aligned(8) = { #name, __bench_##name };	\
	static void __bench_##name(void)

typedef unsigned long (*bench_body_fn)(void *arg, int cpu);

u64 bench_run_on_cpus(int ncpus, bench_body_fn body, void *arg);
void bench_report(const char *name, int ncpus, const char *label_a, u64 rate_a,
		  const char *label_b, u64 rate_b);
/* 1, 2, 4, ... up to the online CPUs, and their number itself; returns how many. */
int bench_cpu_counts(int *counts, int max);
extern unsigned long bench_duration_ms;

bool bench_requested(void);
int bench_run(void);		/* runs the selected benchmarks; returns how many ran */

#endif
