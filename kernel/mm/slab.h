/*
 * kernel/mm/slab.h - the slab allocator (SLUB-like) and kmalloc.
 *
 * A cache hands out objects of one size. Its objects live in slabs: blocks
 * of 2^order pages taken from the page allocator and cut into objects.
 * Each CPU allocates from its own active slab without a lock; each node
 * keeps lists of its partial and full slabs. See docs/slab.md.
 *
 *	s = kmem_cache_create("thing", sizeof(struct thing), 0, 0, ctor);
 *	t = kmem_cache_alloc(s, GFP_KERNEL);		(or _node(s, gfp, nid))
 *	kmem_cache_free(s, t);
 *	kmem_cache_destroy(s);				reports objects still allocated
 *
 *	p = kmalloc(n, GFP_KERNEL);  kzalloc, kmalloc_node, krealloc, kfree
 *
 * kmalloc serves sizes 8 to 8192 from caches kmalloc-8 ... kmalloc-8k and
 * larger sizes with whole pages. Power-of-two sizes up to a page are
 * naturally aligned; every object is at least 8-byte aligned.
 *
 * For defragmentation (a later issue), a slab can be frozen: taken off its
 * node's lists so that no CPU allocates from it while objects are only
 * freed from it, and its allocated objects can be enumerated.
 */
#ifndef KERNEL_MM_SLAB_H
#define KERNEL_MM_SLAB_H

#include "kernel/types.h"
#include "kernel/percpu.h"
#include "kernel/lib/list.h"
#include "kernel/sync/spinlock.h"
#include "kernel/mm/page_alloc.h"

/* kmem_cache_create flags */
#define SLAB_HWCACHE_ALIGN	0x01u	/* align objects to cache lines (64 bytes) */
#define SLAB_DEBUG		0x02u	/* red zones, poison, owner tracking and checks */
#define SLAB_RECLAIM_ACCOUNT	0x04u	/* slabs from reclaimable pageblocks */
/*
 * The cache's pages go back to the page allocator only after an RCU grace
 * period. An object may still be freed and reused at once, as another
 * object of the same type: a reader under rcu_read_lock() that finds it
 * must check (a key, a generation) that it is still the one it looked up.
 */
#define SLAB_TYPESAFE_BY_RCU	0x08u

#define KMALLOC_MIN_SIZE	8
#define KMALLOC_MAX_CACHE_SIZE	8192		/* larger kmallocs take whole pages */
#define KMALLOC_NR_CACHES	13
#define ZERO_SIZE_PTR		((void *)16)	/* kmalloc(0): not NULL, never dereferenceable */
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

#define SLAB_NAME_MAX		32
#define SLAB_MIN_PARTIAL	2	/* empty slabs a node keeps before freeing them */
#define SLAB_MAX_OBJECTS	512	/* objects per slab, at most */

/* Events counted per CPU for each cache (slabinfo NAME prints them). */
enum slab_stat_item {
	ALLOC_FASTPATH,		/* from the CPU's freelist, no lock */
	ALLOC_SLOWPATH,		/* the freelist was empty or on the wrong node */
	ALLOC_LOCKED,		/* through the global lock (benchmark mode) */
	FREE_FASTPATH,		/* to the CPU's own active slab, no lock */
	FREE_SLOWPATH,		/* to another slab, under its node's list_lock */
	FREE_LOCKED,		/* through the global lock (benchmark mode) */
	ALLOC_REFILL,		/* the active slab's remote frees taken over */
	ALLOC_FROM_PARTIAL,	/* a partial slab became the active slab */
	ALLOC_NEW_SLAB,		/* a new slab from the page allocator */
	FREE_SLAB,		/* an empty slab given back to the page allocator */
	CPUSLAB_DEACTIVATE,	/* an active slab went back to its node's lists */
	NR_SLAB_STAT
};

/* A CPU's part of a cache: its active slab. Touched only by that CPU, interrupts off. */
struct kmem_cache_cpu {
	void *freelist;		/* free objects of page, for this CPU alone */
	struct page *page;	/* the active slab (frozen), or NULL */
	unsigned long stat[NR_SLAB_STAT];
};

/* A node's part of a cache: the slabs no CPU has, partial and full. */
struct kmem_cache_node {
	spinlock_t list_lock;
	unsigned long nr_partial;
	struct list_head partial;	/* unfrozen slabs with free objects (empty ones too) */
	struct list_head full;		/* unfrozen slabs without free objects */
	unsigned long nr_slabs;		/* all slabs of the node, frozen or not */
	unsigned long total_objects;
} __cacheline_aligned;

struct kmem_cache {
	struct kmem_cache_cpu __percpu *cpu_slab;
	unsigned int object_size;	/* what the user asked for */
	unsigned int size;		/* stride between objects: object, metadata, padding */
	unsigned int align;
	unsigned int offset;		/* free pointer, from the object's start */
	unsigned int red_left_pad;	/* debug: red zone before each object */
	unsigned int order;		/* a slab is 2^order pages */
	unsigned int objects;		/* objects per slab */
	unsigned int flags;
	bool boot;			/* static (kmalloc caches): never destroyed */
	bool leaked;			/* destroy found live objects: kept */
	void (*ctor)(void *obj);
	struct list_head list;		/* slab_caches */
	char name[SLAB_NAME_MAX];
	/* Embedded rather than allocated on each node: no bootstrap problem. */
	struct kmem_cache_node node[MAX_NUMNODES];
};

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned int flags, void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *s);
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int nid);
static inline void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return kmem_cache_alloc(s, gfp | __GFP_ZERO);
}
void kmem_cache_free(struct kmem_cache *s, void *obj);
/* Flushes the CPUs' active slabs and frees the empty slabs. Needs interrupts on. */
void kmem_cache_shrink(struct kmem_cache *s);
/* Gives every cache's empty slabs back to the page allocator. */
void kmem_cache_shrink_all(void);
unsigned long kmem_cache_objects_in_use(struct kmem_cache *s);
/* Flushes the CPUs' slabs, then checks every slab and counter of s; returns the problems found. */
int kmem_cache_check(struct kmem_cache *s);
struct kmem_cache *kmem_cache_find(const char *name);

void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kmalloc_node(size_t size, gfp_t gfp, int nid);
void *krealloc(const void *p, size_t new_size, gfp_t gfp);
void kfree(const void *p);
size_t ksize(const void *p);		/* usable size of a kmalloc'ed object */
extern struct kmem_cache kmalloc_caches[KMALLOC_NR_CACHES];
struct kmem_cache *kmalloc_cache(size_t size);	/* the cache kmalloc(size) uses; NULL above 8 KiB */

/*
 * Freezing, for defragmentation. slab_freeze() takes an unfrozen slab of s
 * off its node's list (false if it is some CPU's active slab or already
 * frozen). While frozen, no CPU allocates from it, frees still work, and
 * it is not given back to the page allocator even when it empties, so its
 * objects can be examined and moved. slab_unfreeze() puts it back on the
 * right list, or frees it if it is empty.
 *
 * slab_for_each_object_allocated() calls fn(s, obj, arg) for every
 * allocated object of a slab frozen by slab_freeze(), with the node's
 * list_lock held and interrupts off: fn may take references (phase one of
 * the two-phase get/kick protocol) but must not allocate or free objects
 * of s, nor sleep. Returns the number of objects.
 */
bool slab_freeze(struct kmem_cache *s, struct page *page);
void slab_unfreeze(struct kmem_cache *s, struct page *page);
int slab_for_each_object_allocated(struct kmem_cache *s, struct page *page,
				   void (*fn)(struct kmem_cache *s, void *obj, void *arg), void *arg);

void kmem_cache_init(void);

/* Debug checks (slab_debug.c): on in debug builds and with slub_debug on the command line. */
extern bool slub_debug;
long slab_errors(void);			/* reports printed since boot */

/* The technique slab_lock=global|percpu (slab.c). */
enum { SLAB_LOCK_GLOBAL, SLAB_LOCK_PERCPU };
DECLARE_TECHNIQUE(slab_lock);

/* SLAB_TYPESAFE_BY_RCU slab pages freed but still waiting for their grace period. */
long slab_rcu_pages_pending(void);

#endif
