/*
 * kernel/bench.h - in-kernel benchmarks, run at boot with `bench=all` or
 * `bench=GLOB[,GLOB]` on the command line (`make bench` does it), after
 * which QEMU exits.
 *
 * A benchmark is registered next to what it measures. One that measures a
 * technique (kernel/technique.h) lets the registry drive it:
 *
 *	BENCHMARK(kmalloc_free_64)
 *	{
 *		bench_technique("kmalloc_free_64", "slab_lock", kmalloc_body, NULL, shrink);
 *	}
 *
 * bench_technique() sets each mode of the technique in turn (naive first)
 * and, for each CPU count of bench_cpu_counts(), measures body under it
 * with bench_run_on_cpus(), calling `before` first if given; the modes
 * take turns bench.reps times (default 3) and each rate is the median of
 * its turns; then it puts the mode that was in force back. One line per CPU count, every mode's
 * rate and each one's ratio to the naive mode:
 *
 *   bench kmalloc_free_64  cpus=4   global: 412.0K percpu: 2.10M (5.10x)  ops/s/cpu  [slab_lock]
 *
 * bench_run_on_cpus() runs body on the first n online CPUs at the same
 * moment, each calling it again and again for bench_duration_ms, and
 * returns the mean rate in operations per second per CPU (body returns how
 * many operations each call did). A comparison that is not a technique of
 * the kernel (percpu_ref against a plain atomic, a lock contended against
 * uncontended) prints its line with bench_report():
 *
 *   bench percpu_ref_get_put  cpus=4  percpu_ref: 47.00M ops/s/cpu  shared-atomic: 2.90M ops/s/cpu  ratio 16.21x
 *
 * No benchmark asserts anything: timings under QEMU are only indications.
 */
#ifndef KERNEL_BENCH_H
#define KERNEL_BENCH_H

#include "kernel/compiler.h"

#define BENCH_DEFAULT_MS	300	/* each measurement, per mode and CPU count */
#define BENCH_DEFAULT_REPS	3	/* bench_technique: turns of the modes; the median is kept */
#define BENCH_MAX_REPS		9

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
struct technique;
/* Every mode of technique (by name) on every CPU count; see above. */
void bench_technique(const char *name, const char *technique, bench_body_fn body, void *arg,
		     void (*before)(void *arg));
/* One line: rates[m] for each mode m of t, with each one's ratio to mode 0. */
void bench_report_modes(const char *name, int ncpus, const struct technique *t, const u64 *rates);
/* 1, 2, 4, ... up to the online CPUs, and their number itself; returns how many. */
int bench_cpu_counts(int *counts, int max);
extern unsigned long bench_duration_ms;
extern unsigned long bench_reps;	/* bench.reps= */
/* The median of v[0..n) (n small; v is left sorted): what a figure of bench_reps turns reports. */
u64 bench_median(u64 *v, int n);

bool bench_requested(void);
int bench_run(void);		/* runs the selected benchmarks; returns how many ran */

#endif
