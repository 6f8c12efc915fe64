/*
 * kernel/mm/mm_bench.c - benchmarks of the page and slab allocators, each
 * beside its naive counterpart on the same boot (see kernel/bench.h):
 *
 *   page_alloc_free_order0   order-0 alloc_page + __free_page, in each
 *                            mode of page_alloc_lock (one global lock
 *                            around the buddy lists, per-CPU lists)
 *   kmalloc_free_64          kmalloc(64) + kfree, in each mode of
 *                            slab_lock (one global lock around the node
 *                            lists, a per-CPU active slab)
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

static void drain(void *arg)
{
	drain_all_pages();
}

BENCHMARK(page_alloc_free_order0)
{
	bench_technique("page_alloc_free_order0", "page_alloc_lock", page_body, NULL, drain);
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

static void shrink(void *arg)
{
	kmem_cache_shrink(kmalloc_cache(64));	/* each mode starts from the same empty cache */
}

BENCHMARK(kmalloc_free_64)
{
	bench_technique("kmalloc_free_64", "slab_lock", kmalloc_body, NULL, shrink);
}
