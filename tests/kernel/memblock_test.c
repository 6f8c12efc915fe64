/*
 * tests/kernel/memblock_test.c - the early allocator's map, and its
 * hand-off to the page allocator: every page memblock reserved is
 * PageReserved, every page it left free went to the buddy allocator of its
 * node, and memblock refuses to allocate once it is closed.
 */
#include "kernel/selftest.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/mm/memblock.h"
#include "kernel/mm/numa.h"
#include "kernel/mm/page_alloc.h"
#include "arch/x86_64/paging.h"

static char out[2048];

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

/* Every whole page of RAM that memblock reserved stayed out of the allocator. */
SELFTEST(memblock, reserved_pages_are_PageReserved)
{
	unsigned long checked = 0, bad = 0;

	for (int i = 0; i < memblock.reserved.cnt; i++) {
		struct memblock_region *r = &memblock.reserved.regions[i];
		for (phys_addr_t pa = ALIGN_DOWN(r->base, PAGE_SIZE); pa < r->base + r->size; pa += PAGE_SIZE) {
			if (!pfn_valid(pa >> PAGE_SHIFT))
				continue;
			checked++;
			bad += !PageReserved(phys_to_page(pa));
		}
	}
	KUNIT_EXPECT_GT(test, checked, 0);
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_TRUE(test, PageReserved(virt_to_page(__va(0x8000))));
}

struct handoff_check {
	unsigned long pages[MAX_NUMNODES];
	unsigned long reserved, wrong_node;
};

static void check_free_range(phys_addr_t start, phys_addr_t end, int nid, void *arg)
{
	struct handoff_check *c = arg;

	c->pages[nid] += (end - start) >> PAGE_SHIFT;
	for (phys_addr_t pa = start; pa < end; pa += PAGE_SIZE) {
		struct page *p = phys_to_page(pa);
		c->reserved += PageReserved(p);
		c->wrong_node += page_to_nid(p) != nid;
	}
}

/* Every page memblock left free is managed by its node's buddy allocator. */
SELFTEST(memblock, free_pages_went_to_buddy)
{
	static struct handoff_check c;
	int nid;

	memset(&c, 0, sizeof(c));
	memblock_for_each_free_range(check_free_range, &c);
	KUNIT_EXPECT_EQ(test, c.reserved, 0);
	KUNIT_EXPECT_EQ(test, c.wrong_node, 0);
	for_each_online_node(nid) {
		KUNIT_EXPECT_EQ(test, NODE_ZONE(nid)->managed_pages, c.pages[nid]);
		KUNIT_EXPECT_LE(test, node_free_pages(nid), c.pages[nid]);
		KUNIT_EXPECT_EQ(test, node_free_bytes(nid), (u64)node_free_pages(nid) << PAGE_SHIFT);
	}
}

SELFTEST(memblock, closed_after_handoff)
{
	phys_addr_t pa;

	KUNIT_EXPECT_TRUE(test, memblock_closed);
	KUNIT_EXPECT_TRUE(test, page_alloc_ready);
	printk_capture_start(out, sizeof(out));
	pa = memblock_phys_alloc(PAGE_SIZE, PAGE_SIZE, MEMBLOCK_ALLOC_ANY, NUMA_NO_NODE);
	printk_capture_stop();
	KUNIT_EXPECT_EQ(test, pa, 0);
	KUNIT_EXPECT_TRUE(test, strstr(out, "WARNING: memblock_closed") != NULL);
}

SELFTEST(memblock, memoryless_node_has_no_pages)
{
	int nid;

	for_each_online_node(nid) {
		if (memblock_node_memory(nid))
			continue;
		KUNIT_EXPECT_FALSE(test, NODE_ZONE(nid)->has_memory);
		KUNIT_EXPECT_EQ(test, NODE_ZONE(nid)->managed_pages, 0);
		KUNIT_EXPECT_EQ(test, node_free_pages(nid), 0);
		KUNIT_EXPECT_NULL(test, alloc_pages_node(nid, __GFP_THISNODE | __GFP_NOWARN, 0));
	}
}
