/*
 * kernel/mm/mm_bench.c - benchmarks of the page and slab allocators, each
 * beside its naive counterpart on the same boot (see kernel/bench.h):
 *
 *   page_alloc_free_order0   order-0 alloc_page + __free_page: the per-CPU
 *                            lists against one global lock around the
 *                            buddy lists (page_alloc_global_lock_mode)
 *   kmalloc_free_64          kmalloc(64) + kfree: the per-CPU active slab
 *                            against one global lock around the node
 *                            lists (slab_global_lock_mode)
 *
 * Each call of a body allocates BENCH_BATCH objects and frees them again:
 * BENCH_BATCH operations, an operation being one allocation and its free.
 */
#include "kernel/bench.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/slab.h"

#define BENCH_BATCH	16

static unsigned long page_body(void *arg, int cpu)
{
	struct page *pages[BENCH_BATCH];

	for (int i = 0; i < BENCH_BATCH; i++)
		pages[i] = alloc_page(GFP_KERNEL);
	for (int i = 0; i < BENCH_BATCH; i++)
		if (pages[i])
			__free_page(pages[i]);
	return BENCH_BATCH;
}

BENCHMARK(page_alloc_free_order0)
{
	int counts[8], n = bench_cpu_counts(counts, 8);

	for (int i = 0; i < n; i++) {
		u64 fast, naive;
		drain_all_pages();
		fast = bench_run_on_cpus(counts[i], page_body, NULL);
		drain_all_pages();
		page_alloc_global_lock_mode = true;
		naive = bench_run_on_cpus(counts[i], page_body, NULL);
		page_alloc_global_lock_mode = false;
		bench_report("page_alloc_free_order0", counts[i], "percpu-lists", fast, "global-lock", naive);
	}
}

static unsigned long kmalloc_body(void *arg, int cpu)
{
	void *objs[BENCH_BATCH];

	for (int i = 0; i < BENCH_BATCH; i++)
		objs[i] = kmalloc(64, GFP_KERNEL);
	for (int i = 0; i < BENCH_BATCH; i++)
		kfree(objs[i]);
	return BENCH_BATCH;
}

BENCHMARK(kmalloc_free_64)
{
	int counts[8], n = bench_cpu_counts(counts, 8);
	struct kmem_cache *s = kmalloc_cache(64);

	for (int i = 0; i < n; i++) {
		u64 fast, naive;
		kmem_cache_shrink(s);
		fast = bench_run_on_cpus(counts[i], kmalloc_body, NULL);
		kmem_cache_shrink(s);		/* no CPU holds an active slab in the naive mode */
		slab_global_lock_mode = true;
		naive = bench_run_on_cpus(counts[i], kmalloc_body, NULL);
		slab_global_lock_mode = false;
		kmem_cache_shrink(s);
		bench_report("kmalloc_free_64", counts[i], "percpu-slab", fast, "global-lock", naive);
	}
}
