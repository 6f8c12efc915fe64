/*
 * tests/kernel/page_alloc_test.c - the buddy allocator, its per-CPU lists,
 * node placement and fallback, mobility grouping, and a stress on every
 * CPU at once with the free lists checked afterwards.
 */
#include "kernel/selftest.h"
#include "kernel/technique.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/percpu.h"
#include "kernel/lib/string.h"
#include "kernel/mm/page_alloc.h"
#include "arch/x86_64/cpu.h"

#define STRESS_ROUNDS		3000	/* allocations per CPU in the stress */
#define STRESS_HELD		64	/* blocks a CPU holds at once */
#define STRESS_MAX_ORDER	5
#define MOBILITY_PAGES		1500	/* of each kind, interleaved */

static char out[4096];

static u64 next_rand(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Free blocks per order and type, read under the zone lock. */
struct free_snapshot { unsigned long n[NR_PAGE_ORDERS][MIGRATE_TYPES]; };

static void snapshot(int nid, struct free_snapshot *s)
{
	struct zone *z = NODE_ZONE(nid);
	unsigned long flags = spin_lock_irqsave(&z->lock);

	for (int o = 0; o <= MAX_ORDER; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			s->n[o][mt] = list_count(&z->free_area[o].free_list[mt]);
	spin_unlock_irqrestore(&z->lock, flags);
}

static int find_memory_node(int not)
{
	int nid;

	for_each_online_node(nid)
		if (nid != not && NODE_ZONE(nid)->has_memory)
			return nid;
	return -1;
}

/*
 * Allocating order k splits the smallest free movable block of order j >= k:
 * one fewer block of order j, one more of each order k..j-1. Freeing it
 * merges them all back. The per-CPU lists would hide this for order 0, so
 * the test goes straight to the buddy lists: page_alloc_lock=global for
 * its duration (nothing else allocates meanwhile; the runner restores the
 * boot's mode after each test).
 */
SELFTEST(page_alloc, split_and_merge_every_order)
{
	static struct free_snapshot before, during, after;
	int nid = numa_mem_id();
	technique_use("page_alloc_lock", PAGE_ALLOC_LOCK_GLOBAL);	/* drains the per-CPU lists */
	for (unsigned int k = 0; k <= MAX_ORDER; k++) {
		struct page *page;
		unsigned int j = k;

		snapshot(nid, &before);
		while (j <= MAX_ORDER && !before.n[j][MIGRATE_MOVABLE])
			j++;
		if (j > MAX_ORDER)
			continue;		/* no movable block that large left */
		page = alloc_pages_node(nid, __GFP_THISNODE | __GFP_MOVABLE, k);
		KUNIT_ASSERT_NOT_NULL(test, page);
		snapshot(nid, &during);
		KUNIT_EXPECT_EQ(test, page_to_pfn(page) & ((1UL << k) - 1), 0);
		KUNIT_EXPECT_EQ(test, page_to_nid(page), nid);
		KUNIT_EXPECT_EQ(test, page_count(page), 1);
		KUNIT_EXPECT_FALSE(test, PageBuddy(page));
		for (unsigned int o = 0; o <= MAX_ORDER; o++) {
			long want = before.n[o][MIGRATE_MOVABLE] - (o == j) + (o >= k && o < j);
			KUNIT_EXPECT_EQ(test, during.n[o][MIGRATE_MOVABLE], want);
		}
		__free_pages(page, k);
		snapshot(nid, &after);
		KUNIT_EXPECT_EQ(test, memcmp(&before, &after, sizeof(before)), 0);
	}
	KUNIT_EXPECT_EQ(test, page_alloc_check_node(nid), 0);
}

/* Order-0 pages of the CPU's own node go through its per-CPU list. */
SELFTEST(page_alloc, percpu_lists_serve_order0)
{
	int nid = numa_mem_id(), other = find_memory_node(nid);
	unsigned long buddy;
	struct page *page;

	technique_use("page_alloc_lock", PAGE_ALLOC_LOCK_PERCPU);	/* what this tests (the runner restores) */
	drain_all_pages();
	buddy = NODE_ZONE(nid)->free_pages;
	page = alloc_pages_node(nid, 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	/* the list was refilled with a batch from the buddy lists */
	KUNIT_EXPECT_EQ(test, NODE_ZONE(nid)->free_pages, buddy - PCP_BATCH);
	KUNIT_EXPECT_EQ(test, node_pcp_pages(nid), PCP_BATCH - 1);
	__free_page(page);
	KUNIT_EXPECT_EQ(test, node_pcp_pages(nid), PCP_BATCH);
	KUNIT_EXPECT_EQ(test, node_free_pages(nid), buddy);
	drain_all_pages();
	KUNIT_EXPECT_EQ(test, node_pcp_pages(nid), 0);
	KUNIT_EXPECT_EQ(test, NODE_ZONE(nid)->free_pages, buddy);
	if (other >= 0) {		/* a remote node's page skips the lists */
		buddy = NODE_ZONE(other)->free_pages;
		page = alloc_pages_node(other, __GFP_THISNODE, 0);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_EQ(test, NODE_ZONE(other)->free_pages, buddy - 1);
		__free_page(page);
		KUNIT_EXPECT_EQ(test, NODE_ZONE(other)->free_pages, buddy);
	}
}

SELFTEST(page_alloc, zeroed_pages)
{
	struct page *page = alloc_pages(0, 2);
	unsigned long *p;
	bool zero = true;

	KUNIT_ASSERT_NOT_NULL(test, page);
	memset(page_address(page), 0xff, 4 * PAGE_SIZE);
	__free_pages(page, 2);
	page = alloc_pages(__GFP_ZERO, 2);
	KUNIT_ASSERT_NOT_NULL(test, page);
	p = page_address(page);
	for (unsigned long i = 0; i < 4 * PAGE_SIZE / sizeof(long); i++)
		zero &= p[i] == 0;
	KUNIT_EXPECT_TRUE(test, zero);
	__free_pages(page, 2);
}

SELFTEST(page_alloc, compound_pages)
{
	struct page *head = alloc_pages(__GFP_COMP, 3);

	KUNIT_ASSERT_NOT_NULL(test, head);
	KUNIT_EXPECT_TRUE(test, PageHead(head));
	KUNIT_EXPECT_EQ(test, compound_order(head), 3);
	for (int i = 1; i < 8; i++) {
		KUNIT_EXPECT_TRUE(test, PageTail(head + i));
		KUNIT_EXPECT_PTR_EQ(test, compound_head(head + i), head);
	}
	KUNIT_EXPECT_PTR_EQ(test, virt_to_head_page((char *)page_address(head) + 5 * PAGE_SIZE + 17), head);
	get_page(head + 2);			/* a reference through a tail */
	put_page(head + 5);
	KUNIT_EXPECT_EQ(test, page_count(head), 1);
	put_page(head);				/* the last one frees all 8 */
	for (int i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, head[i].flags & ~((1UL << PG_buddy) | (1UL << PG_pcp)), 0);
}

SELFTEST(page_alloc, double_free_is_reported)
{
	struct page *page = alloc_page(0);
	unsigned long free;

	KUNIT_ASSERT_NOT_NULL(test, page);
	get_page(page);
	__free_page(page);
	KUNIT_EXPECT_EQ(test, page_count(page), 1);	/* still referenced */
	__free_page(page);
	free = nr_free_pages();
	console_printf("    # the next 'Bad page state' is deliberate\n");
	printk_capture_start(out, sizeof(out));
	__free_page(page);
	printk_capture_stop();
	KUNIT_EXPECT_TRUE(test, strstr(out, "BUG: Bad page state") != NULL);
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free);	/* ignored, not freed twice */
	KUNIT_EXPECT_EQ(test, page_count(page), 0);
}

static int node_of_phys(phys_addr_t pa)
{
	for_each_mem_region(r)
		if (pa >= r->base && pa < r->base + r->size)
			return r->nid;
	return -1;
}

SELFTEST(page_alloc, pages_on_requested_node)
{
	int nid;

	for_each_online_node(nid) {
		for (unsigned int order = 0; order <= 4; order += 4) {
			struct page *page = alloc_pages_node(nid, __GFP_THISNODE | __GFP_NOWARN, order);
			struct page *any = alloc_pages_node(nid, 0, order);
			int want = numa_nearest_memory_node(nid);
			if (!NODE_ZONE(nid)->has_memory) {
				KUNIT_EXPECT_NULL(test, page);
			} else {
				KUNIT_ASSERT_NOT_NULL(test, page);
				KUNIT_EXPECT_EQ(test, page_to_nid(page), nid);
				KUNIT_EXPECT_EQ(test, node_of_phys(page_to_phys(page)), nid);
				__free_pages(page, order);
			}
			KUNIT_ASSERT_NOT_NULL(test, any);	/* memory-less: the nearest node */
			KUNIT_EXPECT_EQ(test, page_to_nid(any), want);
			__free_pages(any, order);
		}
	}
}

SELFTEST(page_alloc, fallback_lists_sorted_by_distance)
{
	int nid, m;

	for_each_online_node(nid) {
		struct zone *z = NODE_ZONE(nid);
		int memory_nodes = 0;
		for_each_online_node(m)
			memory_nodes += NODE_ZONE(m)->has_memory;
		KUNIT_EXPECT_EQ(test, z->nr_fallback, memory_nodes);
		KUNIT_EXPECT_EQ(test, z->fallback[0], numa_nearest_memory_node(nid));
		for (int i = 1; i < z->nr_fallback; i++)
			KUNIT_EXPECT_LE(test, node_distance(nid, z->fallback[i - 1]), node_distance(nid, z->fallback[i]));
	}
}

/* Takes every page of node nid (largest blocks first), chaining them through their first word. */
static void *exhaust_node(int nid)
{
	void *chain = NULL;

	for (int order = MAX_ORDER; order >= 0; order--) {
		struct page *page;
		while ((page = alloc_pages_node(nid, __GFP_THISNODE | __GFP_NOWARN, order))) {
			void **p = page_address(page);
			p[0] = chain;
			p[1] = (void *)(unsigned long)order;
			chain = p;
		}
	}
	return chain;
}

static void release_chain(void *chain)
{
	while (chain) {
		void **p = chain;
		chain = p[0];
		free_pages((unsigned long)p, (unsigned long)p[1]);
	}
}

/*
 * Exhausts the nodes of a node's fallback list one by one: each time, an
 * ordinary allocation for that node lands on the next node by distance,
 * __GFP_THISNODE fails on the dry node, and numastat counts a miss on the
 * node that served and a foreign allocation on the one intended.
 */
SELFTEST(page_alloc, fallback_in_distance_order_when_dry)
{
	int nid = numa_mem_id();
	struct zone *z = NODE_ZONE(nid);
	void *chains[MAX_NUMNODES] = { NULL };
	unsigned long free = nr_free_pages();

	drain_all_pages();
	for (int i = 0; i < z->nr_fallback; i++) {
		int dry = z->fallback[i];
		struct page *page;
		unsigned long miss, foreign;

		chains[i] = exhaust_node(dry);
		KUNIT_EXPECT_EQ(test, node_free_pages(dry), 0);
		KUNIT_EXPECT_NULL(test, alloc_pages_node(dry, __GFP_THISNODE | __GFP_NOWARN, 0));
		if (i + 1 == z->nr_fallback) {
			KUNIT_EXPECT_NULL(test, alloc_pages_node(nid, __GFP_NOWARN, 0));
			break;
		}
		miss = node_numa_stat(z->fallback[i + 1], NUMA_MISS);
		foreign = node_numa_stat(z->fallback[0], NUMA_FOREIGN);
		page = alloc_pages_node(nid, 0, 0);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_EQ(test, page_to_nid(page), z->fallback[i + 1]);
		KUNIT_EXPECT_EQ(test, node_numa_stat(z->fallback[i + 1], NUMA_MISS), miss + 1);
		KUNIT_EXPECT_EQ(test, node_numa_stat(z->fallback[0], NUMA_FOREIGN), foreign + 1);
		__free_page(page);
	}
	for (int i = 0; i < z->nr_fallback; i++)
		release_chain(chains[i]);
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free);
}

SELFTEST(page_alloc, numastat_local_and_other)
{
	int self = numa_mem_id(), other = find_memory_node(self);
	unsigned long hit = node_numa_stat(self, NUMA_HIT), local = node_numa_stat(self, NUMA_LOCAL);
	struct page *page = alloc_pages_node(self, 0, 0);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, node_numa_stat(self, NUMA_HIT), hit + 1);
	if (self == cpu_to_node(smp_processor_id()))
		KUNIT_EXPECT_EQ(test, node_numa_stat(self, NUMA_LOCAL), local + 1);
	__free_page(page);
	if (other < 0)
		return;
	hit = node_numa_stat(other, NUMA_HIT);
	local = node_numa_stat(other, NUMA_OTHER);
	page = alloc_pages_node(other, __GFP_THISNODE, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, node_numa_stat(other, NUMA_HIT), hit + 1);
	KUNIT_EXPECT_EQ(test, node_numa_stat(other, NUMA_OTHER), local + 1);
	__free_page(page);
}

/*
 * Unmovable and movable allocations, interleaved one by one, still end up
 * in different pageblocks: count the pageblocks that got both kinds.
 */
SELFTEST(page_alloc, mobility_grouping)
{
	static struct page *pages[2][MOBILITY_PAGES];
	static unsigned long blocks[2][MOBILITY_PAGES];
	int mixed = 0, nid = numa_mem_id();

	drain_all_pages();
	for (int i = 0; i < MOBILITY_PAGES; i++)
		for (int kind = 0; kind < 2; kind++) {
			pages[kind][i] = alloc_pages_node(nid, __GFP_THISNODE | (kind ? __GFP_MOVABLE : 0), 0);
			KUNIT_ASSERT_NOT_NULL(test, pages[kind][i]);
			blocks[kind][i] = page_to_pfn(pages[kind][i]) >> pageblock_order;
		}
	for (int i = 0; i < MOBILITY_PAGES; i++) {
		bool both = false;
		for (int j = 0; j < MOBILITY_PAGES && !both; j++)
			both = blocks[0][i] == blocks[1][j];
		if (both) {
			mixed++;
			for (int j = i + 1; j < MOBILITY_PAGES; j++)	/* count each pageblock once */
				if (blocks[0][j] == blocks[0][i])
					blocks[0][j] = ~0UL;
		}
	}
	for (int i = 0; i < MOBILITY_PAGES; i++) {
		KUNIT_EXPECT_EQ(test, get_pageblock_migratetype(pages[0][i]), MIGRATE_UNMOVABLE);
		__free_page(pages[0][i]);
		__free_page(pages[1][i]);
	}
	console_printf("    # %d pages of each kind; pageblocks holding both: %d\n", MOBILITY_PAGES, mixed);
	KUNIT_EXPECT_LE(test, mixed, 1);
}

struct stress_block { unsigned long *mem; unsigned int order; };

/* Random orders on random nodes; each block carries a signature that must survive until it is freed. */
static void stress_cpu(struct kunit *test, int cpu, void *arg)
{
	struct stress_block held[STRESS_HELD] = { { 0 } };
	u64 seed = 0x9e3779b97f4a7c15ULL * (cpu + 1);
	int nodes[MAX_NUMNODES], nn = 0, nid;

	for_each_online_node(nid)
		nodes[nn++] = nid;
	for (int round = 0; round < STRESS_ROUNDS; round++) {
		struct stress_block *b = &held[next_rand(&seed) % STRESS_HELD];
		unsigned long sig;
		if (b->mem) {
			sig = ((unsigned long)cpu << 48) ^ (unsigned long)b->mem;
			if (b->mem[0] != sig || b->mem[(PAGE_SIZE << b->order) / sizeof(long) - 1] != ~sig)
				KUNIT_FAIL(test, "cpu%d: block %p was overwritten", cpu, b->mem);
			free_pages((unsigned long)b->mem, b->order);
			b->mem = NULL;
			continue;
		}
		b->order = next_rand(&seed) % (STRESS_MAX_ORDER + 1);
		if (next_rand(&seed) % 2)
			b->order = 0;		/* order 0 half the time: the per-CPU lists */
		b->mem = (unsigned long *)__get_free_pages(next_rand(&seed) % 3 == 0 ? __GFP_MOVABLE : 0, b->order);
		if (next_rand(&seed) % 4 == 0) {
			struct page *p = alloc_pages_node(nodes[next_rand(&seed) % nn], 0, b->order);
			if (b->mem)
				free_pages((unsigned long)b->mem, b->order);
			b->mem = p ? page_address(p) : NULL;
		}
		if (!b->mem) {
			KUNIT_FAIL(test, "cpu%d: allocation of order %u failed", cpu, b->order);
			continue;
		}
		sig = ((unsigned long)cpu << 48) ^ (unsigned long)b->mem;
		b->mem[0] = sig;
		b->mem[(PAGE_SIZE << b->order) / sizeof(long) - 1] = ~sig;
	}
	for (int i = 0; i < STRESS_HELD; i++)
		if (held[i].mem)
			free_pages((unsigned long)held[i].mem, held[i].order);
}

SELFTEST(page_alloc, concurrent_stress_all_cpus)
{
	unsigned long free;
	int nid;

	/*
	 * test_on_each_cpu's threads come from the task_struct slab, which
	 * keeps some empty slabs: give every cache's empty slabs back before
	 * each count, so only the page allocator's own accounting is compared.
	 */
	kmem_cache_shrink_all();
	free = nr_free_pages();
	test_on_each_cpu(test, stress_cpu, NULL);
	kmem_cache_shrink_all();
	for_each_online_node(nid)
		KUNIT_EXPECT_EQ(test, page_alloc_check_node(nid), 0);
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free);
	drain_all_pages();
	for_each_online_node(nid)
		KUNIT_EXPECT_EQ(test, page_alloc_check_node(nid), 0);
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free);
}

/* The kernel image is W^X and the direct map is never executable. */
SELFTEST(page_alloc, kernel_image_wx)
{
	extern char __text_start[], __rodata_start[], __data_start[];
	struct page *page = alloc_page(0);
	u64 text = kernel_pte((unsigned long)__text_start, NULL);
	u64 ro = kernel_pte((unsigned long)__rodata_start, NULL);
	u64 data = kernel_pte((unsigned long)__data_start, NULL);
	u64 dm;

	KUNIT_ASSERT_NOT_NULL(test, page);
	dm = kernel_pte((unsigned long)page_address(page), NULL);
	KUNIT_EXPECT_TRUE(test, (text & PTE_PRESENT) && !(text & PTE_WRITE) && !(text & PTE_NX));
	KUNIT_EXPECT_TRUE(test, (ro & PTE_PRESENT) && !(ro & PTE_WRITE) && (ro & PTE_NX));
	KUNIT_EXPECT_TRUE(test, (data & PTE_WRITE) && (data & PTE_NX));
	KUNIT_EXPECT_TRUE(test, (dm & PTE_WRITE) && (dm & PTE_NX));
	KUNIT_EXPECT_TRUE(test, read_cr0() & X86_CR0_WP);
	__free_page(page);
}
