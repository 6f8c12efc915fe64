/*
 * kernel/mm/page_alloc.h - physical pages: struct page, the buddy
 * allocator of each NUMA node, and its per-CPU page lists.
 *
 * Every physical page frame has a struct page, found in one virtually
 * contiguous array (the vmemmap, at VMEMMAP_BASE) indexed by frame number,
 * so pfn_to_page() and page_to_pfn() are an add and a subtract. Each
 * node's part of the array lies in that node's own memory.
 *
 * Allocation: alloc_pages_node(nid, gfp, order) returns 2^order contiguous
 * pages, preferably on node nid; when nid has none free it falls back to
 * the other nodes in order of SLIT distance, unless gfp has
 * __GFP_THISNODE. There is no reclaim: an allocation that finds nothing
 * returns NULL at once. See docs/pages.md.
 */
#ifndef KERNEL_MM_PAGE_ALLOC_H
#define KERNEL_MM_PAGE_ALLOC_H

#include "kernel/types.h"
#include "kernel/technique.h"
#include "kernel/atomic.h"
#include "kernel/lib/list.h"
#include "kernel/mm/memblock.h"
#include "kernel/mm/numa.h"
#include "kernel/sync/spinlock.h"
#include "arch/x86_64/paging.h"

#define MAX_ORDER		10		/* largest block: 2^10 pages = 4 MiB */
#define NR_PAGE_ORDERS		(MAX_ORDER + 1)
#define MAX_ORDER_NR_PAGES	(1UL << MAX_ORDER)
#define pageblock_order		9		/* mobility is tracked per 2 MiB */
#define pageblock_nr_pages	(1UL << pageblock_order)

/* What an allocation may later do with its pages: the mobility of a pageblock. */
enum migratetype {
	MIGRATE_UNMOVABLE,	/* kernel data at a fixed address: slab, page tables, stacks */
	MIGRATE_MOVABLE,	/* could be moved (user pages): most of memory */
	MIGRATE_RECLAIMABLE,	/* could be freed on demand (caches, later) */
	MIGRATE_TYPES
};

/* gfp_t, the type of these flags, is in kernel/types.h. */
#define __GFP_ZERO		0x01u	/* zero the pages */
#define __GFP_THISNODE		0x02u	/* only the node asked for: no fallback */
#define __GFP_MOVABLE		0x04u	/* from movable pageblocks */
#define __GFP_RECLAIMABLE	0x08u	/* from reclaimable pageblocks */
#define __GFP_COMP		0x10u	/* a compound page: head and tails know each other */
#define __GFP_NOWARN		0x20u	/* failure is expected: print nothing */
/* Nothing sleeps or reclaims yet, so the kernel's usual mask is empty. */
#define GFP_KERNEL		0u

/* struct page flags (bit numbers in page->flags). */
enum pageflags {
	PG_reserved,		/* never handed to the allocator (image, firmware, memblock) */
	PG_buddy,		/* head of a free block on a free list; page->order is its order */
	PG_slab,		/* a slab: page->slab_cache and friends are valid */
	PG_head,		/* first page of a compound page */
	PG_tail,		/* other page of a compound page; page->compound_head points back */
	PG_large_kmalloc,	/* head of a kmalloc() larger than the biggest size class */
	PG_pcp,			/* free, on a CPU's per-CPU list */
	PG_lazyfree,		/* a private user page after MADV_FREE: dropped by MADV_PAGEOUT while clean */
};

struct kmem_cache;

/*
 * One per physical page frame: 64 bytes. Which fields mean something
 * depends on what the page is (flags say): a free block head uses lru and
 * order; a slab uses lru (its node list) and the slab fields; a tail page
 * of a compound page uses compound_head.
 */
struct page {
	unsigned long flags;
	union {
		struct list_head lru;		/* free list, per-CPU list, or a slab node list */
		struct {
			unsigned long compound_head;	/* tail pages: head page address | 1 */
			unsigned long _unused;
		};
		struct rcu_head rcu_head;	/* a SLAB_TYPESAFE_BY_RCU slab waiting for its grace period */
	};
	union {
		struct {			/* slab (PG_slab) */
			struct kmem_cache *slab_cache;
			void *freelist;		/* free objects not owned by a CPU */
		};
		spinlock_t ptl;			/* a PTE table of a pte_lock=split mm: its lock (pgtable.c) */
	};
	u16 inuse;				/* objects not on freelist */
	u16 objects;				/* objects in the slab */
	u16 frozen;				/* a CPU's active slab or being defragmented: on no list */
	u16 _slab_pad;
	atomic_t _refcount;			/* 0 while free */
	u8 order;				/* free block or compound page: its order */
	u8 migratetype;				/* free block: the free list it is on */
	u16 nid;				/* node of the frame */
	unsigned long private;			/* for the page's owner */
};

#define vmemmap			((struct page *)VMEMMAP_BASE)

#define PAGEFLAG(name, bit)							\
	static inline bool Page##name(const struct page *p) { return p->flags & (1UL << (bit)); } \
	static inline void SetPage##name(struct page *p) { p->flags |= 1UL << (bit); }	\
	static inline void ClearPage##name(struct page *p) { p->flags &= ~(1UL << (bit)); }
PAGEFLAG(Reserved, PG_reserved)
PAGEFLAG(Buddy, PG_buddy)
PAGEFLAG(Slab, PG_slab)
PAGEFLAG(Head, PG_head)
PAGEFLAG(Tail, PG_tail)
PAGEFLAG(LargeKmalloc, PG_large_kmalloc)
PAGEFLAG(Pcp, PG_pcp)
#undef PAGEFLAG

static inline unsigned long page_to_pfn(const struct page *p) { return p - vmemmap; }
static inline struct page *pfn_to_page(unsigned long pfn) { return vmemmap + pfn; }
static inline phys_addr_t page_to_phys(const struct page *p) { return (phys_addr_t)page_to_pfn(p) << PAGE_SHIFT; }
static inline void *page_address(const struct page *p) { return phys_to_virt(page_to_phys(p)); }
static inline struct page *phys_to_page(phys_addr_t pa) { return pfn_to_page(pa >> PAGE_SHIFT); }
static inline struct page *virt_to_page(const void *v) { return phys_to_page(virt_to_phys(v)); }
static inline int page_to_nid(const struct page *p) { return p->nid; }

static inline struct page *compound_head(struct page *p)
{
	return PageTail(p) ? (struct page *)(p->compound_head & ~1UL) : p;
}
static inline struct page *virt_to_head_page(const void *v) { return compound_head(virt_to_page(v)); }
static inline unsigned int compound_order(struct page *p) { return PageHead(p) ? p->order : 0; }

static inline int page_count(const struct page *p) { return atomic_read(&p->_refcount); }
static inline void get_page(struct page *p) { atomic_inc(&compound_head(p)->_refcount); }

/* Is there a struct page for this frame (RAM of some node, or a hole inside a node's span)? */
bool pfn_valid(unsigned long pfn);
/* Is v a direct-map or kernel-image address of RAM with a struct page? */
bool virt_addr_valid(const void *v);

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order);
static inline struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return alloc_pages_node(NUMA_NO_NODE, gfp, order);
}
#define alloc_page(gfp)		alloc_pages(gfp, 0)
/* Drops a reference; the last one frees the 2^order pages. */
void __free_pages(struct page *page, unsigned int order);
#define __free_page(p)		__free_pages(p, 0)
/* put_page: __free_pages for a compound or order-0 page, whose order is known. */
void put_page(struct page *page);
/* The same through direct-map addresses. */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
void free_pages(unsigned long addr, unsigned int order);

/* This CPU's memory node: its own, or the nearest with memory for a memory-less node. */
int numa_mem_id(void);
int cpu_to_mem(int cpu);

void page_alloc_init(void);		/* memblock hands over; see kernel/mm/mm_init.c */
extern bool page_alloc_ready;		/* true once alloc_pages works */

/* Per-CPU page lists back to the buddy allocator: this CPU, or all (needs interrupts on). */
void drain_local_pages(void);
void drain_all_pages(void);

/* ---- the per-node allocator's state, for statistics, tests and docs ---- */

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;			/* blocks of this order, all types */
};

/*
 * A node's memory. Linux splits a node into zones (DMA, Normal...);
 * Numbat has one zone per node, called Normal in buddyinfo.
 */
struct zone {
	spinlock_t lock;			/* free_area, free_pages, pageblock types */
	int nid;
	bool has_memory;
	unsigned long zone_start_pfn;		/* span, aligned to MAX_ORDER_NR_PAGES */
	unsigned long spanned_pages;
	unsigned long present_pages;		/* RAM inside the span */
	unsigned long managed_pages;		/* handed to the buddy allocator at boot */
	unsigned long free_pages;		/* in free_area (not counting per-CPU lists) */
	struct free_area free_area[NR_PAGE_ORDERS];
	u8 *pageblock_mt;			/* migratetype of each pageblock of the span */
	unsigned long fallback_steals;		/* allocations served from another type's block */
	unsigned long pageblock_claims;		/* pageblocks that changed type */
	int nr_fallback;			/* zonelist: nodes with memory, nearest first */
	int fallback[MAX_NUMNODES];
} __cacheline_aligned;

extern struct zone node_zones[MAX_NUMNODES];
#define NODE_ZONE(nid)		(&node_zones[nid])

/* Per-CPU lists of free order-0 pages of the CPU's memory node. */
struct per_cpu_pages {
	int count;				/* pages on all lists */
	int high;				/* drain a batch when count reaches this */
	int batch;				/* pages moved to or from the buddy lists at once */
	int nid;				/* the node all these pages are from */
	struct list_head lists[MIGRATE_TYPES];
};
#define PCP_BATCH		31
#define PCP_HIGH		(4 * PCP_BATCH)

int get_pageblock_migratetype(const struct page *page);

enum numa_stat_item {
	NUMA_HIT,		/* allocated on the intended node */
	NUMA_MISS,		/* allocated here, another node was intended */
	NUMA_FOREIGN,		/* intended here, allocated elsewhere */
	NUMA_INTERLEAVE_HIT,	/* an MPOL_INTERLEAVE allocation got the node it asked for */
	NUMA_LOCAL,		/* allocated here by a CPU of this node */
	NUMA_OTHER,		/* allocated here by a CPU of another node */
	NR_NUMA_STAT
};
unsigned long node_numa_stat(int nid, enum numa_stat_item item);
void numa_stat_inc(int nid, enum numa_stat_item item);	/* for the policies: NUMA_INTERLEAVE_HIT */

unsigned long node_free_pages(int nid);	/* buddy lists + per-CPU lists */
unsigned long nr_free_pages(void);
unsigned long totalram_pages(void);		/* pages handed to the allocator, all nodes */
unsigned long node_pcp_pages(int nid);
/* Checks a node's free lists against its counters; returns the number of problems (printed). */
int page_alloc_check_node(int nid);

/* The technique page_alloc_lock=global|percpu (page_alloc.c). */
enum { PAGE_ALLOC_LOCK_GLOBAL, PAGE_ALLOC_LOCK_PERCPU };
DECLARE_TECHNIQUE(page_alloc_lock);

#endif
