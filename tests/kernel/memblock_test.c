/*
 * tests/kernel/memblock_test.c - the early allocator on this boot's memory:
 * allocations land on the node asked for, below the limit asked for, are
 * reserved, never overlap, and the free counts move by exactly their size.
 */
#include "kernel/selftest.h"
#include "kernel/mm/memblock.h"
#include "kernel/mm/numa.h"
#include "arch/x86_64/paging.h"

static int node_of(phys_addr_t pa)
{
	for_each_mem_region(r)
		if (pa >= r->base && pa < r->base + r->size)
			return r->nid;
	return -2;
}

SELFTEST(memblock, lists_sorted_and_disjoint)
{
	struct memblock_type *types[] = { &memblock.memory, &memblock.reserved };

	for (int t = 0; t < 2; t++)
		for (int i = 0; i + 1 < types[t]->cnt; i++)
			KUNIT_EXPECT_LE(test, types[t]->regions[i].base + types[t]->regions[i].size,
					types[t]->regions[i + 1].base);
}

SELFTEST(memblock, kernel_and_low_memory_reserved)
{
	extern char __boot_start[], __text_start[], __kernel_end[];

	KUNIT_EXPECT_TRUE(test, memblock_is_reserved(0x8000));		/* AP trampoline */
	KUNIT_EXPECT_TRUE(test, memblock_is_reserved((phys_addr_t)__boot_start));
	KUNIT_EXPECT_TRUE(test, memblock_is_reserved(virt_to_phys(__text_start)));
	KUNIT_EXPECT_TRUE(test, memblock_is_reserved(virt_to_phys(__kernel_end) - 1));
}

/*
 * Allocates from every node with memory and checks placement and
 * accounting. The pages stay reserved: memblock has no free (its pages
 * go to the page allocator later), so the sizes here are small.
 */
SELFTEST(memblock, alloc_on_each_node)
{
	int nid;

	for_each_online_node(nid) {
		phys_addr_t before = memblock_node_free(nid), pa;
		if (!memblock_node_memory(nid))
			continue;
		pa = memblock_phys_alloc(PAGE_SIZE, PAGE_SIZE, MEMBLOCK_ALLOC_ANY, nid);
		KUNIT_ASSERT_NE(test, pa, 0);
		KUNIT_EXPECT_EQ(test, node_of(pa), nid);
		KUNIT_EXPECT_TRUE(test, memblock_is_reserved(pa));
		KUNIT_EXPECT_TRUE(test, memblock_is_reserved(pa + PAGE_SIZE - 1));
		KUNIT_EXPECT_EQ(test, memblock_node_free(nid), before - PAGE_SIZE);
	}
}

SELFTEST(memblock, alloc_respects_limit_and_alignment)
{
	phys_addr_t pa = memblock_phys_alloc(PAGE_SIZE, 1UL << 16, 64UL << 20, NUMA_NO_NODE);

	KUNIT_ASSERT_NE(test, pa, 0);
	KUNIT_EXPECT_LT(test, pa + PAGE_SIZE, 64UL << 20);
	KUNIT_EXPECT_EQ(test, pa & ((1UL << 16) - 1), 0);
}

SELFTEST(memblock, memoryless_node_gets_nothing)
{
	int nid;

	for_each_online_node(nid)
		if (!memblock_node_memory(nid))
			KUNIT_EXPECT_EQ(test, memblock_phys_alloc(PAGE_SIZE, PAGE_SIZE, MEMBLOCK_ALLOC_ANY, nid), 0);
}
