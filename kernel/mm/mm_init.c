/*
 * kernel/mm/mm_init.c - bringing up the page allocator, once, on the boot
 * CPU: the struct page array (vmemmap), each node's zone with its span,
 * pageblock types and fallback list, the per-CPU page lists, and the
 * hand-off of every page memblock left free.
 *
 * The hand-off: pages that memblock reserved (the kernel image, firmware,
 * the first MiB, and everything memblock_alloc* handed out, including the
 * struct page array itself) become PG_reserved and are never freed; every
 * other page of RAM goes to its node's buddy allocator in the largest
 * aligned blocks that fit. Then memblock is closed.
 *
 * The vmemmap covers each node's span rounded out to MAX_ORDER blocks, so
 * that the buddy of any block inside a span has a struct page to look at
 * (holes in the span get reserved struct pages). Where two nodes' rounded
 * spans share a page of the array, the first node's copy is kept.
 */
#include "kernel/mm/internal.h"
#include "kernel/smp.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

static unsigned long vmemmap_bytes;

bool pfn_valid(unsigned long pfn)
{
	int nid;

	for_each_online_node(nid) {
		struct zone *z = NODE_ZONE(nid);
		if (z->has_memory && pfn - z->zone_start_pfn < z->spanned_pages)
			return true;
	}
	return false;
}

bool virt_addr_valid(const void *v)
{
	extern char __kernel_end[];
	unsigned long a = (unsigned long)v;
	phys_addr_t pa;

	if (a >= KERNEL_VMA && a < (unsigned long)__kernel_end)
		pa = a - KERNEL_VMA;
	else if (a >= DIRECT_MAP_BASE && a - DIRECT_MAP_BASE < memblock_end_of_ram())
		pa = a - DIRECT_MAP_BASE;
	else
		return false;
	return pfn_valid(pa >> PAGE_SHIFT);
}

static void node_span(int nid, unsigned long *start, unsigned long *end)
{
	*start = ~0UL;
	*end = 0;
	for_each_mem_region(r)
		if (r->nid == nid) {
			*start = min(*start, (unsigned long)(r->base >> PAGE_SHIFT));
			*end = max(*end, (unsigned long)((r->base + r->size + PAGE_SIZE - 1) >> PAGE_SHIFT));
		}
	*start = ALIGN_DOWN(*start, MAX_ORDER_NR_PAGES);
	*end = ALIGN_UP(*end, MAX_ORDER_NR_PAGES);
}

/* Backs the struct pages of [start_pfn, end_pfn) with memory of node nid. */
static void vmemmap_populate(unsigned long start_pfn, unsigned long end_pfn, int nid)
{
	unsigned long va = ALIGN_DOWN((unsigned long)pfn_to_page(start_pfn), PAGE_SIZE);
	unsigned long end = ALIGN_UP((unsigned long)pfn_to_page(end_pfn), PAGE_SIZE);
	phys_addr_t pa = memblock_phys_alloc(end - va, PAGE_SIZE, MEMBLOCK_ALLOC_ANY, nid);

	if (!pa)
		pa = memblock_phys_alloc(end - va, PAGE_SIZE, MEMBLOCK_ALLOC_ANY, NUMA_NO_NODE);
	if (!pa)
		panic("page_alloc: no memory for the struct page array of node %d", nid);
	for (; va < end; va += PAGE_SIZE, pa += PAGE_SIZE) {
		if (kernel_pte(va, NULL))
			continue;		/* shared with a node done before */
		map_kernel_page(va, pa, PTE_WRITE | PTE_NX);
		memset((void *)va, 0, PAGE_SIZE);
		vmemmap_bytes += PAGE_SIZE;
	}
}

static void zone_init(int nid)
{
	struct zone *z = NODE_ZONE(nid);
	unsigned long start, end;

	spin_lock_init_rank(&z->lock, "zone->lock", LOCK_RANK_ZONE);
	z->nid = nid;
	for (int o = 0; o <= MAX_ORDER; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&z->free_area[o].free_list[mt]);
	if (!node_online(nid) || !memblock_node_memory(nid))
		return;
	node_span(nid, &start, &end);
	z->has_memory = true;
	z->zone_start_pfn = start;
	z->spanned_pages = end - start;
	z->present_pages = memblock_node_memory(nid) >> PAGE_SHIFT;
	vmemmap_populate(start, end, nid);
	z->pageblock_mt = memblock_alloc_node(z->spanned_pages >> pageblock_order, 8, nid);
	memset(z->pageblock_mt, MIGRATE_MOVABLE, z->spanned_pages >> pageblock_order);
}

/* Every struct page starts reserved; RAM pages learn their node. */
static void init_struct_pages(void)
{
	int nid;

	for_each_online_node(nid) {
		struct zone *z = NODE_ZONE(nid);
		if (!z->has_memory)
			continue;
		for (unsigned long pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages; pfn++) {
			struct page *p = pfn_to_page(pfn);
			if (p->flags)
				continue;	/* another node's span got there first */
			p->flags = 1UL << PG_reserved;
			p->nid = nid;
			atomic_set(&p->_refcount, 1);
		}
	}
	for_each_mem_region(r)
		for (unsigned long pfn = r->base >> PAGE_SHIFT; pfn << PAGE_SHIFT < r->base + r->size; pfn++)
			pfn_to_page(pfn)->nid = r->nid;
}

/* The zonelist: nodes with memory by distance from nid, nid itself first among equals. */
static void build_fallback_list(int nid)
{
	struct zone *z = NODE_ZONE(nid);
	int m;

	z->nr_fallback = 0;
	for_each_online_node(m) {
		int i;
		if (!NODE_ZONE(m)->has_memory)
			continue;
		for (i = z->nr_fallback; i > 0; i--) {
			int prev = z->fallback[i - 1];
			int dp = node_distance(nid, prev), dm = node_distance(nid, m);
			if (dp < dm || (dp == dm && m != nid))
				break;
			z->fallback[i] = prev;
		}
		z->fallback[i] = m;
		z->nr_fallback++;
	}
}

static void pcp_init(int cpu)
{
	struct per_cpu_pages *pcp = &per_cpu(pcp_pages, cpu);

	pcp->nid = numa_nearest_memory_node(cpu_to_node(cpu));
	pcp->count = 0;
	pcp->batch = PCP_BATCH;
	pcp->high = PCP_HIGH;
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		INIT_LIST_HEAD(&pcp->lists[mt]);
}

/* memblock_for_each_free_range callback: the range becomes free buddy blocks. */
static void hand_off_range(phys_addr_t start, phys_addr_t end, int nid, void *arg)
{
	unsigned long pfn = start >> PAGE_SHIFT, end_pfn = end >> PAGE_SHIFT;
	struct zone *z = NODE_ZONE(nid);

	(void)arg;
	for (unsigned long p = pfn; p < end_pfn; p++) {
		pfn_to_page(p)->flags = 0;
		atomic_set(&pfn_to_page(p)->_refcount, 0);
	}
	z->managed_pages += end_pfn - pfn;
	while (pfn < end_pfn) {
		unsigned int order = pfn ? min(MAX_ORDER, __builtin_ctzl(pfn)) : MAX_ORDER;
		while (pfn + (1UL << order) > end_pfn)
			order--;
		__free_one_page(z, pfn, order);
		pfn += 1UL << order;
	}
}

void page_alloc_init(void)
{
	int nid, cpu;

	BUILD_BUG_ON(sizeof(struct page) != 64);
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		zone_init(nid);
	init_struct_pages();
	for_each_online_node(nid)
		build_fallback_list(nid);
	for_each_possible_cpu(cpu)
		pcp_init(cpu);
	memblock_for_each_free_range(hand_off_range, NULL);
	memblock_close();
	page_alloc_ready = true;
	pr_info("page_alloc: %lu MiB free in the buddy allocator, struct page array %lu KiB\n",
		nr_free_pages() >> (20 - PAGE_SHIFT), vmemmap_bytes >> 10);
}
