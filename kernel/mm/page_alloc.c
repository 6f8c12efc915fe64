/*
 * kernel/mm/page_alloc.c - the buddy allocator of each NUMA node, its
 * per-CPU page lists, and the fallback between nodes (see page_alloc.h and
 * docs/pages.md).
 *
 * Invariants (zone->lock held):
 *  - A free block of order k is 2^k pages starting at a frame number that
 *    is a multiple of 2^k, all on one node. Its first page has PG_buddy,
 *    order k, refcount 0 and sits on free_area[k].free_list[page->migratetype];
 *    its other pages have no flags. No page is in two free blocks.
 *  - Two free buddies of the same order are never both on the free lists:
 *    freeing merges them at once (coalescing is eager).
 *  - A free block is on the free list of its pageblock's type (a block
 *    larger than a pageblock: all its pageblocks have that type). Changing
 *    a pageblock's type moves its free blocks.
 *  - zone->free_pages is the sum of 2^k over the blocks on the free lists;
 *    free_area[k].nr_free counts the order-k blocks.
 *  - A page on a per-CPU list has PG_pcp and refcount 0, belongs to the
 *    list's node, and is counted in pcp->count, never in zone->free_pages.
 *  - An allocated page has refcount >= 1 and neither PG_buddy nor PG_pcp.
 *
 * Mobility: each 2 MiB pageblock has a migratetype. An allocation takes
 * from free blocks of its own type; only when there are none does it take
 * another type's block ("steal"), choosing the largest, and then it
 * claims the whole pageblock for its own type when it can, so that the
 * next allocations of that type come from the same pageblock instead of
 * scattering. Unmovable allocations therefore stay packed in few
 * pageblocks, and the rest remain candidates for defragmentation.
 *
 * Lock order:
 *   page_alloc_global_lock (page_alloc_lock=global only)
 *     -> per-CPU lists (interrupts off, this CPU only)
 *       -> zone->lock (always taken with interrupts off)
 * The page allocator calls nothing that takes a lock of another subsystem.
 */
#include "kernel/mm/internal.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/cpu.h"

struct zone node_zones[MAX_NUMNODES];
bool page_alloc_ready;
static DEFINE_SPINLOCK_RANK(page_alloc_global_lock, LOCK_RANK_PAGE_GLOBAL);

/*
 * The technique page_alloc_lock=global|percpu. global, the naive twin:
 * every allocation and free takes one lock for the whole machine and goes
 * to the buddy lists directly. percpu (the default): order-0 pages come
 * from and go to this CPU's lists, and a zone's lock is taken once per
 * batch. Each operation reads the mode once; a switch to global drains
 * the per-CPU lists, so the naive mode starts with none (pages an
 * operation in flight puts back meanwhile are still good pages).
 */
static int page_alloc_lock_change(const struct technique *t, int from, int to, char *why, size_t size)
{
	WRITE_ONCE(*t->mode, to);
	if (to == PAGE_ALLOC_LOCK_GLOBAL)
		drain_all_pages();
	return 0;
}
DEFINE_TECHNIQUE_HOOKED(page_alloc_lock, "page allocations: one global lock, or per-CPU lists of pages",
			PAGE_ALLOC_LOCK_PERCPU, page_alloc_lock_change, "global", "percpu");

DEFINE_PER_CPU(struct per_cpu_pages, pcp_pages);	/* this CPU's lists (mm/internal.h) */
static DEFINE_PER_CPU(unsigned long, numa_stats[MAX_NUMNODES][NR_NUMA_STAT]);

/* Where an allocation of one type looks when its own free lists are empty. */
static const u8 fallbacks[MIGRATE_TYPES][MIGRATE_TYPES - 1] = {
	[MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

int numa_mem_id(void)
{
	return this_cpu_read(pcp_pages.nid);
}

int cpu_to_mem(int cpu)
{
	return per_cpu(pcp_pages, cpu).nid;
}

static inline int gfp_migratetype(gfp_t gfp)
{
	if (gfp & __GFP_MOVABLE)
		return MIGRATE_MOVABLE;
	if (gfp & __GFP_RECLAIMABLE)
		return MIGRATE_RECLAIMABLE;
	return MIGRATE_UNMOVABLE;
}

/* ---- pageblock types ---- */

static u8 *pageblock_slot(struct zone *z, unsigned long pfn)
{
	return &z->pageblock_mt[(pfn - z->zone_start_pfn) >> pageblock_order];
}

int get_pageblock_migratetype(const struct page *page)
{
	return *pageblock_slot(NODE_ZONE(page->nid), page_to_pfn(page));
}

/* ---- free lists (zone->lock held) ---- */

static void add_to_free_list(struct zone *z, struct page *page, unsigned int order, int mt)
{
	page->order = order;
	page->migratetype = mt;
	SetPageBuddy(page);
	list_add(&page->lru, &z->free_area[order].free_list[mt]);
	z->free_area[order].nr_free++;
	z->free_pages += 1UL << order;
}

static void del_from_free_list(struct zone *z, struct page *page, unsigned int order)
{
	list_del(&page->lru);
	ClearPageBuddy(page);
	z->free_area[order].nr_free--;
	z->free_pages -= 1UL << order;
}

static void move_to_free_list(struct zone *z, struct page *page, int mt)
{
	list_move(&page->lru, &z->free_area[page->order].free_list[mt]);
	page->migratetype = mt;
}

static bool in_span(struct zone *z, unsigned long pfn)
{
	return pfn - z->zone_start_pfn < z->spanned_pages;
}

/* Is the page at pfn the head of a free block of this order on this node? */
static bool page_is_buddy(struct zone *z, unsigned long pfn, unsigned int order)
{
	struct page *p;

	if (!in_span(z, pfn))
		return false;
	p = pfn_to_page(pfn);
	return PageBuddy(p) && p->order == order && p->nid == z->nid;
}

/*
 * Returns a block to the free lists, merging it with its buddy (the block
 * it was split from) for as long as the buddy is free too.
 */
void __free_one_page(struct zone *z, unsigned long pfn, unsigned int order)
{
	int mt;

	while (order < MAX_ORDER) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);

		if (!page_is_buddy(z, buddy_pfn, order))
			break;
		del_from_free_list(z, pfn_to_page(buddy_pfn), order);
		pfn &= buddy_pfn;		/* the merged block starts at the lower one */
		order++;
	}
	mt = *pageblock_slot(z, pfn);
	/* a free block spanning pageblocks gives them all the type of its list */
	for (unsigned long p = pfn + pageblock_nr_pages; p < pfn + (1UL << order); p += pageblock_nr_pages)
		*pageblock_slot(z, p) = mt;
	add_to_free_list(z, pfn_to_page(pfn), order, mt);
}

/* Splits a block of order `high` down to `low`, returning the upper halves. */
static void expand(struct zone *z, struct page *page, unsigned int low, unsigned int high, int mt)
{
	while (high > low) {
		high--;
		add_to_free_list(z, page + (1UL << high), high, mt);
	}
}

static struct page *__rmqueue_smallest(struct zone *z, unsigned int order, int mt)
{
	for (unsigned int o = order; o <= MAX_ORDER; o++) {
		struct page *page = list_first_entry_or_null(&z->free_area[o].free_list[mt], struct page, lru);
		if (!page)
			continue;
		del_from_free_list(z, page, o);
		expand(z, page, order, o, mt);
		return page;
	}
	return NULL;
}

/* Free pages in the pageblock starting at start_pfn; with move, retypes their free blocks. */
static unsigned long pageblock_free_pages(struct zone *z, unsigned long start_pfn, bool move, int mt)
{
	unsigned long pfn = start_pfn, free = 0;

	while (pfn < start_pfn + pageblock_nr_pages) {
		struct page *p = pfn_to_page(pfn);
		if (PageBuddy(p) && p->nid == z->nid) {
			free += 1UL << p->order;
			if (move)
				move_to_free_list(z, p, mt);
			pfn += 1UL << p->order;
		} else {
			pfn++;
		}
	}
	return free;
}

/*
 * Takes the pageblock(s) of a free block of another type for type mt.
 * A block of a pageblock or more is claimed whole. A smaller one claims
 * its pageblock when the asker is not movable (unmovable allocations are
 * the ones worth packing), or when half the pageblock is free anyway.
 */
static bool try_claim(struct zone *z, struct page *page, unsigned int order, int mt)
{
	unsigned long pfn = page_to_pfn(page);

	if (order >= pageblock_order) {
		for (unsigned long p = pfn; p < pfn + (1UL << order); p += pageblock_nr_pages)
			*pageblock_slot(z, p) = mt;
		move_to_free_list(z, page, mt);
		z->pageblock_claims += 1UL << (order - pageblock_order);
		return true;
	}
	pfn = ALIGN_DOWN(pfn, pageblock_nr_pages);
	if (mt == MIGRATE_MOVABLE && pageblock_free_pages(z, pfn, false, mt) < pageblock_nr_pages / 2)
		return false;
	pageblock_free_pages(z, pfn, true, mt);
	*pageblock_slot(z, pfn) = mt;
	z->pageblock_claims++;
	return true;
}

/* No free block of type mt: steal the largest block of a fallback type. */
static struct page *__rmqueue_fallback(struct zone *z, unsigned int order, int mt)
{
	for (int o = MAX_ORDER; o >= (int)order; o--) {
		for (int i = 0; i < MIGRATE_TYPES - 1; i++) {
			int other = fallbacks[mt][i];
			struct page *page = list_first_entry_or_null(&z->free_area[o].free_list[other],
								     struct page, lru);
			if (!page)
				continue;
			z->fallback_steals++;
			if (try_claim(z, page, o, mt))
				return __rmqueue_smallest(z, order, mt);
			/* not claimed: use it, and leave the rest with its own type */
			del_from_free_list(z, page, o);
			expand(z, page, order, o, other);
			return page;
		}
	}
	return NULL;
}

static struct page *__rmqueue(struct zone *z, unsigned int order, int mt)
{
	struct page *page = __rmqueue_smallest(z, order, mt);

	return page ? page : __rmqueue_fallback(z, order, mt);
}

/* ---- per-CPU lists (interrupts off) ---- */

static int rmqueue_bulk(struct zone *z, int count, int mt, struct list_head *list)
{
	int i;

	spin_lock(&z->lock);
	for (i = 0; i < count; i++) {
		struct page *page = __rmqueue(z, 0, mt);
		if (!page)
			break;
		SetPagePcp(page);
		list_add_tail(&page->lru, list);
	}
	spin_unlock(&z->lock);
	return i;
}

/* Gives count pages of pcp back to the buddy lists, taking from each list in turn. */
static void free_pcppages_bulk(struct per_cpu_pages *pcp, int count)
{
	struct zone *z = NODE_ZONE(pcp->nid);
	int mt = 0;

	spin_lock(&z->lock);
	while (count > 0 && pcp->count > 0) {
		struct page *page;
		while (list_empty(&pcp->lists[mt]))
			mt = (mt + 1) % MIGRATE_TYPES;
		page = list_last_entry(&pcp->lists[mt], struct page, lru);	/* the coldest */
		list_del(&page->lru);
		ClearPagePcp(page);
		pcp->count--;
		count--;
		__free_one_page(z, page_to_pfn(page), 0);
		mt = (mt + 1) % MIGRATE_TYPES;
	}
	spin_unlock(&z->lock);
}

static struct page *rmqueue_pcplist(struct per_cpu_pages *pcp, int mt)
{
	struct list_head *list = &pcp->lists[mt];
	struct page *page;

	if (list_empty(list))
		pcp->count += rmqueue_bulk(NODE_ZONE(pcp->nid), pcp->batch, mt, list);
	page = list_first_entry_or_null(list, struct page, lru);
	if (page) {
		list_del(&page->lru);
		ClearPagePcp(page);
		pcp->count--;
	}
	return page;
}

static void free_unref_page(struct per_cpu_pages *pcp, struct page *page)
{
	int mt = get_pageblock_migratetype(page);

	SetPagePcp(page);
	page->migratetype = mt;
	list_add(&page->lru, &pcp->lists[mt]);	/* hot: the next allocation gets it */
	if (++pcp->count >= pcp->high)
		free_pcppages_bulk(pcp, pcp->batch);
}

void drain_local_pages(void)
{
	unsigned long flags = local_irq_save();
	struct per_cpu_pages *pcp = this_cpu_ptr(&pcp_pages);

	if (pcp->count)
		free_pcppages_bulk(pcp, pcp->count);
	local_irq_restore(flags);
}

static void drain_local_pages_ipi(void *unused)
{
	drain_local_pages();
}

void drain_all_pages(void)
{
	on_each_cpu(drain_local_pages_ipi, NULL, true);
}

/* ---- allocation ---- */

static struct page *rmqueue(struct zone *z, unsigned int order, int mt)
{
	struct page *page;
	unsigned long flags;

	if (unlikely(technique_mode(page_alloc_lock) == PAGE_ALLOC_LOCK_GLOBAL)) {
		flags = spin_lock_irqsave(&page_alloc_global_lock);
		spin_lock(&z->lock);
		page = __rmqueue(z, order, mt);
		spin_unlock(&z->lock);
		spin_unlock_irqrestore(&page_alloc_global_lock, flags);
		return page;
	}
	flags = local_irq_save();
	if (order == 0 && this_cpu_read(pcp_pages.nid) == z->nid) {
		page = rmqueue_pcplist(this_cpu_ptr(&pcp_pages), mt);
	} else {
		spin_lock(&z->lock);
		page = __rmqueue(z, order, mt);
		spin_unlock(&z->lock);
	}
	local_irq_restore(flags);
	return page;
}

/* Linux's zone_statistics(): what numastat shows. */
static void numa_account(int preferred, int got)
{
	int local = cpu_to_node(smp_processor_id());

	if (got == preferred) {
		this_cpu_inc(numa_stats[got][NUMA_HIT]);
	} else {
		this_cpu_inc(numa_stats[got][NUMA_MISS]);
		this_cpu_inc(numa_stats[preferred][NUMA_FOREIGN]);
	}
	if (got == local)
		this_cpu_inc(numa_stats[got][NUMA_LOCAL]);
	else
		this_cpu_inc(numa_stats[got][NUMA_OTHER]);
}

static void bad_page(struct page *page, const char *reason)
{
	printk(KERN_ERR "BUG: Bad page state: pfn %#lx node %d flags %#lx refcount %d: %s\n",
	       page_to_pfn(page), page->nid, page->flags, page_count(page), reason);
	dump_stack();
}

static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp)
{
	if (unlikely(page_count(page) != 0 || page->flags))
		bad_page(page, "allocated page was not free");
	page->flags = 0;
	atomic_set(&page->_refcount, 1);
	page->order = order;
	page->private = 0;
	if ((gfp & __GFP_COMP) && order) {
		SetPageHead(page);
		for (unsigned long i = 1; i < (1UL << order); i++) {
			page[i].flags = 1UL << PG_tail;
			page[i].compound_head = (unsigned long)page | 1;
		}
	}
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
}

static void warn_alloc(int nid, gfp_t gfp, unsigned int order)
{
	static unsigned long warned;

	if ((gfp & __GFP_NOWARN) || warned++ >= 5)
		return;
	pr_warn("page allocation failure: order:%u, node:%d, gfp:%#x\n", order, nid, gfp);
	dump_stack();
}

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	int mt = gfp_migratetype(gfp), n;
	struct zone *z;
	struct page *page = NULL;

	if (WARN_ON(order > MAX_ORDER) || WARN_ON(!page_alloc_ready))
		return NULL;
	if (nid == NUMA_NO_NODE || !node_online(nid))
		nid = numa_mem_id();
	z = NODE_ZONE(nid);
	if (gfp & __GFP_THISNODE) {
		if (z->has_memory)
			page = rmqueue(z, order, mt);
		n = nid;
	} else {
		for (int i = 0; i < z->nr_fallback && !page; i++)
			page = rmqueue(NODE_ZONE(z->fallback[i]), order, mt);
		n = z->nr_fallback ? z->fallback[0] : nid;
	}
	if (!page) {
		warn_alloc(nid, gfp, order);
		return NULL;
	}
	numa_account(n, page->nid);
	prep_new_page(page, order, gfp);
	return page;
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

/* ---- freeing ---- */

/* Checks and clears an allocated block; false if it must not be freed. */
static bool free_pages_prepare(struct page *page, unsigned int order)
{
	if (unlikely(page->flags & ((1UL << PG_buddy) | (1UL << PG_pcp) | (1UL << PG_reserved) |
				    (1UL << PG_tail) | (1UL << PG_slab)))) {
		bad_page(page, "freeing a page that is free, reserved, a tail or a slab");
		return false;
	}
	if (PageHead(page)) {
		for (unsigned long i = 1; i < (1UL << order); i++) {
			if (unlikely(!PageTail(&page[i]) || compound_head(&page[i]) != page))
				bad_page(&page[i], "corrupt compound page tail");
			page[i].flags = 0;
			page[i].compound_head = 0;
		}
	}
	page->flags = 0;
	return true;
}

static void free_the_page(struct page *page, unsigned int order)
{
	struct zone *z = NODE_ZONE(page->nid);
	unsigned long flags;

	if (!free_pages_prepare(page, order))
		return;
	if (unlikely(technique_mode(page_alloc_lock) == PAGE_ALLOC_LOCK_GLOBAL)) {
		flags = spin_lock_irqsave(&page_alloc_global_lock);
		spin_lock(&z->lock);
		__free_one_page(z, page_to_pfn(page), order);
		spin_unlock(&z->lock);
		spin_unlock_irqrestore(&page_alloc_global_lock, flags);
		return;
	}
	flags = local_irq_save();
	if (order == 0 && this_cpu_read(pcp_pages.nid) == page->nid) {
		free_unref_page(this_cpu_ptr(&pcp_pages), page);
	} else {
		spin_lock(&z->lock);
		__free_one_page(z, page_to_pfn(page), order);
		spin_unlock(&z->lock);
	}
	local_irq_restore(flags);
}

void __free_pages(struct page *page, unsigned int order)
{
	int ref = atomic_dec_return(&page->_refcount);

	if (likely(ref == 0))
		free_the_page(page, order);
	else if (ref < 0) {
		atomic_inc(&page->_refcount);
		bad_page(page, "double free (reference count below zero)");
	}
}

void put_page(struct page *page)
{
	page = compound_head(page);
	__free_pages(page, compound_order(page));
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

/* ---- counting ---- */

unsigned long node_pcp_pages(int nid)
{
	unsigned long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		if (per_cpu(pcp_pages, cpu).nid == nid)
			n += READ_ONCE(per_cpu(pcp_pages, cpu).count);
	return n;
}

unsigned long node_free_pages(int nid)
{
	return READ_ONCE(NODE_ZONE(nid)->free_pages) + node_pcp_pages(nid);
}

unsigned long nr_free_pages(void)
{
	unsigned long n = 0;
	int nid;

	for_each_online_node(nid)
		n += node_free_pages(nid);
	return n;
}

unsigned long totalram_pages(void)
{
	unsigned long n = 0;
	int nid;

	for_each_online_node(nid)
		n += NODE_ZONE(nid)->managed_pages;
	return n;
}

void numa_stat_inc(int nid, enum numa_stat_item item)
{
	this_cpu_inc(numa_stats[nid][item]);
}

unsigned long node_numa_stat(int nid, enum numa_stat_item item)
{
	unsigned long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(numa_stats[nid][item], cpu);
	return n;
}

/* The numactl block and `topo` show the allocator's free memory from the hand-off on. */
u64 node_free_bytes(int nid)
{
	if (!page_alloc_ready)
		return memblock_node_free(nid);
	return (u64)node_free_pages(nid) << PAGE_SHIFT;
}

static int check_block(struct zone *z, struct page *p, unsigned int order, int mt)
{
	unsigned long pfn = page_to_pfn(p);
	int bad = 0;

	if (!PageBuddy(p) || p->order != order || p->migratetype != mt || p->nid != z->nid ||
	    page_count(p) != 0 || (pfn & ((1UL << order) - 1)) || !in_span(z, pfn)) {
		pr_err("page_alloc: node %d: bad free block pfn %#lx order %u/%u type %d/%d flags %#lx\n",
		       z->nid, pfn, order, p->order, mt, p->migratetype, p->flags);
		bad++;
	}
	for (unsigned long b = pfn; b < pfn + (1UL << order) && !bad; b += pageblock_nr_pages)
		if (*pageblock_slot(z, b) != mt) {
			pr_err("page_alloc: node %d: free block pfn %#lx on list %d, its pageblock is type %d\n",
			       z->nid, pfn, mt, *pageblock_slot(z, b));
			bad++;
		}
	for (unsigned long i = 1; i < (1UL << order) && !bad; i++)
		if (p[i].flags || page_count(&p[i])) {
			pr_err("page_alloc: node %d: page %#lx inside a free block has flags %#lx\n",
			       z->nid, pfn + i, p[i].flags);
			bad++;
		}
	return bad;
}

int page_alloc_check_node(int nid)
{
	struct zone *z = NODE_ZONE(nid);
	unsigned long flags, pages = 0;
	int bad = 0;

	flags = spin_lock_irqsave(&z->lock);
	for (unsigned int o = 0; o <= MAX_ORDER; o++) {
		unsigned long blocks = 0;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct page *p;
			list_for_each_entry(p, &z->free_area[o].free_list[mt], lru) {
				bad += check_block(z, p, o, mt);
				blocks++;
			}
		}
		if (blocks != z->free_area[o].nr_free) {
			pr_err("page_alloc: node %d order %u: %lu blocks listed, nr_free %lu\n",
			       nid, o, blocks, z->free_area[o].nr_free);
			bad++;
		}
		pages += blocks << o;
	}
	if (pages != z->free_pages) {
		pr_err("page_alloc: node %d: %lu pages listed, free_pages %lu\n", nid, pages, z->free_pages);
		bad++;
	}
	spin_unlock_irqrestore(&z->lock, flags);
	return bad;
}
