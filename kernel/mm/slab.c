/*
 * kernel/mm/slab.c - the slab allocator, SLUB-like (see slab.h and
 * docs/slab.md). Debug checks live in slab_debug.c, kmalloc in kmalloc.c,
 * statistics, slabinfo and the consistency check in slab_stat.c.
 *
 * Each CPU has an active slab per cache (kmem_cache_cpu): a frozen slab
 * whose free objects are split between c->freelist, which only that CPU
 * touches, and page->freelist, where other CPUs put the objects they free.
 * Allocation pops c->freelist with interrupts off and no lock. That is
 * lock-free in the sense that matters here: the structure belongs to one
 * CPU, the kernel is not preemptible so nothing else runs on that CPU in
 * between, and interrupts (the only other code that could, an IPI or an
 * interrupt handler allocating) are held off for those few instructions.
 * Linux needs a cmpxchg16b to do the same under preemption; Numbat does not.
 *
 * Invariants, for a slab (page) of cache s on node n:
 *  - Its objects are on exactly one of: c->freelist of the CPU whose
 *    active slab it is, page->freelist, or allocated. page->inuse counts
 *    the objects not on page->freelist (so, for an active slab, the CPU's
 *    free objects count as in use until the slab is deactivated).
 *  - frozen == 0: it is on n->partial if page->freelist != NULL, else on
 *    n->full. frozen != 0 (a CPU's active slab, or slab_freeze()): it is on
 *    no list, nobody else allocates from it, and it is never freed to the
 *    page allocator, whoever frees its last object.
 *  - An unfrozen slab with inuse == 0 is freed unless n keeps fewer than
 *    SLAB_MIN_PARTIAL partial slabs.
 *  - page->freelist, inuse, frozen and the node lists change only under
 *    n->list_lock; c->freelist and c->page only on their CPU, interrupts off.
 *
 * Lock order:
 *   slab_global_lock (benchmark mode only)
 *     -> slab_caches_lock -> kmem_cache_node.list_lock -> page allocator
 *   A CPU's kmem_cache_cpu is used with interrupts off, before list_lock.
 *   Flushing other CPUs' active slabs is done by IPI, with no lock held.
 */
#include "kernel/mm/internal.h"
#include "kernel/smp.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/lib/cpumask.h"
#include "kernel/sync/lockdep.h"
#include "kernel/sync/rcupdate.h"

#define SLAB_MIN_OBJECTS	8	/* a slab grows until it holds this many */
#define SLAB_MAX_ORDER		3	/* ... but no larger than 32 KiB unless one object needs it */

static DEFINE_SPINLOCK_RANK(slab_global_lock, LOCK_RANK_SLAB_GLOBAL);
static int slab_lock_change(const struct technique *t, int from, int to, char *why, size_t size);

/*
 * The technique slab_lock=global|percpu. global, the naive twin: every
 * allocation and free takes one lock for the whole machine around the
 * node lists. percpu (the default): each CPU allocates from and frees to
 * its own active slab without a lock. Each operation reads the mode once.
 */
DEFINE_TECHNIQUE_HOOKED(slab_lock, "kmalloc and kmem_cache: one global lock, or a per-CPU active slab",
			SLAB_LOCK_PERCPU, slab_lock_change, "global", "percpu");
DEFINE_SPINLOCK_RANK(slab_caches_lock, LOCK_RANK_SLAB_CACHES);
LIST_HEAD(slab_caches);
static struct kmem_cache kmem_cache_boot;	/* the cache of struct kmem_cache */

#define stat(s, item)	this_cpu_inc((s)->cpu_slab->stat[item])

static inline struct kmem_cache_node *get_node(struct kmem_cache *s, struct page *page)
{
	return &s->node[page->nid];
}

/* ---- slabs: making and freeing them ---- */

static struct page *new_slab(struct kmem_cache *s, gfp_t gfp, int nid)
{
	gfp_t page_gfp = (gfp & (__GFP_THISNODE | __GFP_NOWARN)) | __GFP_COMP |
			 ((s->flags & SLAB_RECLAIM_ACCOUNT) ? __GFP_RECLAIMABLE : 0);
	struct page *page = alloc_pages_node(nid, page_gfp, s->order);
	struct kmem_cache_node *n;
	unsigned long flags;
	void *freelist = NULL;

	if (!page)
		return NULL;
	SetPageSlab(page);
	page->slab_cache = s;
	page->objects = s->objects;
	page->inuse = 0;
	page->frozen = 0;
	for (int i = s->objects - 1; i >= 0; i--) {	/* the freelist runs in address order */
		void *obj = slab_obj_at(s, page, i);
		if (s->flags & SLAB_DEBUG)
			slab_debug_init_object(s, obj);
		if (s->ctor)
			s->ctor(obj);
		set_freepointer(s, obj, freelist);
		freelist = obj;
	}
	page->freelist = freelist;
	n = get_node(s, page);
	flags = spin_lock_irqsave(&n->list_lock);
	n->nr_slabs++;
	n->total_objects += s->objects;
	spin_unlock_irqrestore(&n->list_lock, flags);
	stat(s, ALLOC_NEW_SLAB);
	return page;
}

/* Forgets a slab that is off every list; the caller then frees it. */
static void discard_slab_locked(struct kmem_cache *s, struct kmem_cache_node *n, struct page *page)
{
	lockdep_assert_held(&n->list_lock);
	n->nr_slabs--;
	n->total_objects -= page->objects;
}

static void __free_slab(struct kmem_cache *s, struct page *page)
{
	ClearPageSlab(page);
	page->slab_cache = NULL;
	page->freelist = NULL;
	page->inuse = page->objects = page->frozen = 0;
	__free_pages(page, s->order);
}

/* SLAB_TYPESAFE_BY_RCU: slabs handed to call_rcu and not yet freed. */
static atomic_long_t rcu_pages_pending;

long slab_rcu_pages_pending(void)
{
	return atomic_long_read(&rcu_pages_pending);
}

/*
 * After the grace period no reader can still be looking at an object of
 * this slab, so its memory may become anything. page->slab_cache is still
 * valid: kmem_cache_destroy waits for these callbacks (rcu_barrier).
 */
static void rcu_free_slab(struct rcu_head *h)
{
	struct page *page = container_of(h, struct page, rcu_head);

	__free_slab(page->slab_cache, page);
	atomic_long_dec(&rcu_pages_pending);
}

static void free_slab(struct kmem_cache *s, struct page *page)
{
	stat(s, FREE_SLAB);
	if (s->flags & SLAB_TYPESAFE_BY_RCU) {
		atomic_long_inc(&rcu_pages_pending);
		call_rcu(&page->rcu_head, rcu_free_slab);	/* lru is free: the slab is on no list */
		return;
	}
	__free_slab(s, page);
}

/* Puts an unfrozen slab on the list its freelist calls for. */
static void add_to_node_list(struct kmem_cache_node *n, struct page *page)
{
	lockdep_assert_held(&n->list_lock);
	if (page->freelist) {
		list_add(&page->lru, &n->partial);
		n->nr_partial++;
	} else {
		list_add(&page->lru, &n->full);
	}
}

static void remove_from_node_list(struct kmem_cache_node *n, struct page *page)
{
	lockdep_assert_held(&n->list_lock);
	list_del(&page->lru);
	if (page->freelist)
		n->nr_partial--;
}

/*
 * An active slab (or a slab frozen for defragmentation) goes back to its
 * node, with the CPU's free objects; returns true if the caller must free
 * it (it is empty and the node has partial slabs enough).
 */
static bool unfreeze_locked(struct kmem_cache *s, struct kmem_cache_node *n, struct page *page, void *freelist)
{
	while (freelist) {
		void *next = get_freepointer(s, freelist);
		set_freepointer(s, freelist, page->freelist);
		page->freelist = freelist;
		page->inuse--;
		freelist = next;
	}
	page->frozen = 0;
	if (page->inuse == 0 && n->nr_partial >= SLAB_MIN_PARTIAL) {
		discard_slab_locked(s, n, page);
		return true;
	}
	add_to_node_list(n, page);
	return false;
}

static void deactivate_slab(struct kmem_cache *s, struct page *page, void *freelist)
{
	struct kmem_cache_node *n = get_node(s, page);
	bool discard;

	spin_lock(&n->list_lock);
	discard = unfreeze_locked(s, n, page, freelist);
	spin_unlock(&n->list_lock);
	stat(s, CPUSLAB_DEACTIVATE);
	if (discard)
		free_slab(s, page);
}

/* ---- allocation (interrupts off from here to the end of the section) ---- */

/* Freezes the first partial slab of node nid for this CPU; its free objects go to *freelist. */
static struct page *get_partial_node(struct kmem_cache *s, int nid, void **freelist)
{
	struct kmem_cache_node *n = &s->node[nid];
	struct page *page;

	if (!READ_ONCE(n->nr_partial))
		return NULL;
	spin_lock(&n->list_lock);
	page = list_first_entry_or_null(&n->partial, struct page, lru);
	if (page) {
		remove_from_node_list(n, page);
		page->frozen = SLAB_FROZEN_CPU;
		*freelist = page->freelist;
		page->freelist = NULL;
		page->inuse = page->objects;
	}
	spin_unlock(&n->list_lock);
	return page;
}

/*
 * A slab to allocate from, for node nid (NUMA_NO_NODE: this CPU's): a
 * partial slab of the node, else a new slab on it, else (the node is dry,
 * unless __GFP_THISNODE forbids looking further) a partial slab of the
 * nearest node that has one, else a new slab wherever the page allocator
 * finds one. Partial slabs elsewhere come before new slabs so that a dry
 * node does not cost a new slab per allocation.
 */
static struct page *get_slab(struct kmem_cache *s, gfp_t gfp, int nid, void **freelist)
{
	int node = nid == NUMA_NO_NODE ? numa_mem_id() : nid;
	struct zone *z = NODE_ZONE(node);
	struct page *page = get_partial_node(s, node, freelist);

	if (page) {
		stat(s, ALLOC_FROM_PARTIAL);
		return page;
	}
	page = new_slab(s, gfp | __GFP_THISNODE | __GFP_NOWARN, node);
	if (!page && !(gfp & __GFP_THISNODE)) {
		for (int i = 0; i < z->nr_fallback && !page; i++)
			if (z->fallback[i] != node)
				page = get_partial_node(s, z->fallback[i], freelist);
		if (page) {
			stat(s, ALLOC_FROM_PARTIAL);
			return page;
		}
		page = new_slab(s, gfp, node);
	}
	if (!page)
		return NULL;
	page->frozen = SLAB_FROZEN_CPU;
	*freelist = page->freelist;
	page->freelist = NULL;
	page->inuse = page->objects;
	return page;
}

static inline bool node_match(struct page *page, int nid)
{
	return nid == NUMA_NO_NODE || page->nid == nid;
}

/* The slow path: this CPU's freelist is empty or its slab is on the wrong node. */
static void *___slab_alloc(struct kmem_cache *s, gfp_t gfp, int nid, struct kmem_cache_cpu *c)
{
	struct page *page = c->page;
	void *freelist = NULL, *object;

	if (page && node_match(page, nid)) {
		struct kmem_cache_node *n = get_node(s, page);
		/* objects other CPUs freed to our slab meanwhile */
		spin_lock(&n->list_lock);
		freelist = page->freelist;
		page->freelist = NULL;
		page->inuse = page->objects;
		spin_unlock(&n->list_lock);
		if (freelist) {
			stat(s, ALLOC_REFILL);
			goto load;
		}
	}
	if (page) {
		deactivate_slab(s, page, c->freelist);
		c->page = NULL;
		c->freelist = NULL;
	}
	page = get_slab(s, gfp, nid, &freelist);
	if (!page)
		return NULL;
	c->page = page;
load:
	object = freelist;
	c->freelist = get_freepointer(s, object);
	stat(s, ALLOC_SLOWPATH);
	return object;
}

/* The benchmark's naive path: one global lock, the node lists, no per-CPU slab. */
static void *locked_alloc(struct kmem_cache *s, gfp_t gfp, int nid)
{
	struct kmem_cache_node *n = &s->node[nid == NUMA_NO_NODE ? numa_mem_id() : nid];
	struct page *page;
	void *object = NULL;

	spin_lock(&slab_global_lock);
	spin_lock(&n->list_lock);
	page = list_first_entry_or_null(&n->partial, struct page, lru);
	if (!page) {
		spin_unlock(&n->list_lock);
		page = new_slab(s, gfp, nid == NUMA_NO_NODE ? numa_mem_id() : nid);
		if (!page)
			goto out;
		n = get_node(s, page);
		spin_lock(&n->list_lock);
		add_to_node_list(n, page);
	}
	object = page->freelist;
	page->freelist = get_freepointer(s, object);
	page->inuse++;
	if (!page->freelist) {			/* partial -> full */
		list_move(&page->lru, &n->full);
		n->nr_partial--;
	}
	spin_unlock(&n->list_lock);
	stat(s, ALLOC_LOCKED);
out:
	spin_unlock(&slab_global_lock);
	return object;
}

void *slab_alloc_node(struct kmem_cache *s, gfp_t gfp, int nid, unsigned long caller)
{
	struct kmem_cache_cpu *c;
	unsigned long flags;
	void *object;

	if (nid != NUMA_NO_NODE)
		nid = node_online(nid) ? NODE_ZONE(nid)->fallback[0] : NUMA_NO_NODE;
	flags = local_irq_save();
	if (unlikely(technique_mode(slab_lock) == SLAB_LOCK_GLOBAL)) {
		object = locked_alloc(s, gfp, nid);
	} else {
		c = this_cpu_ptr(s->cpu_slab);
		object = c->freelist;
		if (likely(object && node_match(c->page, nid))) {
			c->freelist = get_freepointer(s, object);
			stat(s, ALLOC_FASTPATH);
		} else {
			object = ___slab_alloc(s, gfp, nid, c);
		}
	}
	local_irq_restore(flags);
	if (unlikely(!object))
		return NULL;
	if (s->flags & SLAB_DEBUG)
		slab_debug_alloc(s, object, caller);
	if (gfp & __GFP_ZERO)
		memset(object, 0, s->object_size);
	return object;
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc_node(s, gfp, NUMA_NO_NODE, (unsigned long)__builtin_return_address(0));
}

void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int nid)
{
	return slab_alloc_node(s, gfp, nid, (unsigned long)__builtin_return_address(0));
}

/* ---- freeing ---- */

/* An object goes back to its own slab's freelist, whoever frees it (interrupts off). */
static void __slab_free(struct kmem_cache *s, struct page *page, void *obj)
{
	struct kmem_cache_node *n = get_node(s, page);
	bool was_full, discard = false;

	spin_lock(&n->list_lock);
	was_full = !page->freelist;
	set_freepointer(s, obj, page->freelist);
	page->freelist = obj;
	page->inuse--;
	if (!page->frozen) {
		if (was_full) {			/* full -> partial */
			list_move(&page->lru, &n->partial);
			n->nr_partial++;
		}
		if (page->inuse == 0 && n->nr_partial > SLAB_MIN_PARTIAL) {
			remove_from_node_list(n, page);
			discard_slab_locked(s, n, page);
			discard = true;
		}
	}
	spin_unlock(&n->list_lock);
	if (discard)
		free_slab(s, page);
}

void slab_free(struct kmem_cache *s, struct page *page, void *obj, unsigned long caller)
{
	struct kmem_cache_cpu *c;
	unsigned long flags;

	if ((s->flags & SLAB_DEBUG) && !slab_debug_free(s, obj, caller))
		return;				/* reported; the bad free is ignored */
	flags = local_irq_save();
	if (unlikely(technique_mode(slab_lock) == SLAB_LOCK_GLOBAL)) {
		spin_lock(&slab_global_lock);
		__slab_free(s, page, obj);
		spin_unlock(&slab_global_lock);
		stat(s, FREE_LOCKED);
	} else {
		c = this_cpu_ptr(s->cpu_slab);
		if (likely(page == c->page)) {
			set_freepointer(s, obj, c->freelist);
			c->freelist = obj;
			stat(s, FREE_FASTPATH);
		} else {
			__slab_free(s, page, obj);
			stat(s, FREE_SLOWPATH);
		}
	}
	local_irq_restore(flags);
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	unsigned long caller = (unsigned long)__builtin_return_address(0);
	struct page *page;

	if (!obj)
		return;
	page = slab_check_object(s, obj, caller);
	if (page)
		slab_free(s, page, obj, caller);
}

/* ---- freezing, for defragmentation ---- */

bool slab_freeze(struct kmem_cache *s, struct page *page)
{
	struct kmem_cache_node *n;
	unsigned long flags;
	bool ok;

	if (!PageSlab(page) || page->slab_cache != s)
		return false;
	n = get_node(s, page);
	flags = spin_lock_irqsave(&n->list_lock);
	ok = !page->frozen;
	if (ok) {
		remove_from_node_list(n, page);
		page->frozen = SLAB_FROZEN_DEFRAG;
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	return ok;
}

void slab_unfreeze(struct kmem_cache *s, struct page *page)
{
	struct kmem_cache_node *n = get_node(s, page);
	unsigned long flags = spin_lock_irqsave(&n->list_lock);
	bool discard = false;

	if (!WARN_ON(page->frozen != SLAB_FROZEN_DEFRAG))
		discard = unfreeze_locked(s, n, page, NULL);
	spin_unlock_irqrestore(&n->list_lock, flags);
	if (discard)
		free_slab(s, page);
}

/* Calls fn for every object not on page->freelist. */
static int for_each_allocated_locked(struct kmem_cache *s, struct page *page,
				     void (*fn)(struct kmem_cache *, void *, void *), void *arg)
{
	unsigned long free[BITS_TO_LONGS(SLAB_MAX_OBJECTS)] = { 0 };
	int count = 0;

	lockdep_assert_held(&get_node(s, page)->list_lock);

	for (void *p = page->freelist; p; p = get_freepointer(s, p))
		set_bit(((char *)p - (char *)slab_obj_at(s, page, 0)) / s->size, free);
	for (unsigned int i = 0; i < page->objects; i++)
		if (!test_bit(i, free)) {
			fn(s, slab_obj_at(s, page, i), arg);
			count++;
		}
	return count;
}

int slab_for_each_object_allocated(struct kmem_cache *s, struct page *page,
				   void (*fn)(struct kmem_cache *, void *, void *), void *arg)
{
	struct kmem_cache_node *n = get_node(s, page);
	unsigned long flags;
	int count;

	if (WARN_ON(!PageSlab(page) || page->slab_cache != s || page->frozen != SLAB_FROZEN_DEFRAG))
		return -1;
	flags = spin_lock_irqsave(&n->list_lock);
	count = for_each_allocated_locked(s, page, fn, arg);
	spin_unlock_irqrestore(&n->list_lock, flags);
	return count;
}

/* ---- flushing, shrinking, counting ---- */

static void flush_cpu_slab(struct kmem_cache *s)
{
	struct kmem_cache_cpu *c = this_cpu_ptr(s->cpu_slab);

	if (c->page)
		deactivate_slab(s, c->page, c->freelist);
	c->page = NULL;
	c->freelist = NULL;
}

static void flush_cpu_slab_ipi(void *arg)
{
	flush_cpu_slab(arg);
}

static void flush_all_caches_ipi(void *unused)
{
	struct kmem_cache *s;

	spin_lock(&slab_caches_lock);
	list_for_each_entry(s, &slab_caches, list)
		flush_cpu_slab(s);
	spin_unlock(&slab_caches_lock);
}

/* Frees the empty slabs of every node (interrupts on or off). */
static void shrink_nodes(struct kmem_cache *s)
{
	int nid;

	for_each_online_node(nid) {
		struct kmem_cache_node *n = &s->node[nid];
		struct page *page, *next;
		LIST_HEAD(discard);
		unsigned long flags = spin_lock_irqsave(&n->list_lock);

		list_for_each_entry_safe(page, next, &n->partial, lru)
			if (page->inuse == 0) {
				remove_from_node_list(n, page);
				discard_slab_locked(s, n, page);
				list_add(&page->lru, &discard);
			}
		spin_unlock_irqrestore(&n->list_lock, flags);
		list_for_each_entry_safe(page, next, &discard, lru)
			free_slab(s, page);
	}
}

void flush_all_cpu_slabs(struct kmem_cache *s)
{
	on_each_cpu(flush_cpu_slab_ipi, s, true);
}

void kmem_cache_shrink(struct kmem_cache *s)
{
	flush_all_cpu_slabs(s);
	shrink_nodes(s);
}

/*
 * A switch to the global lock flushes every CPU's active slabs, so the
 * naive mode starts with none; one that an allocation in flight installs
 * meanwhile is flushed by the next shrink, and its objects stay good.
 */
static int slab_lock_change(const struct technique *t, int from, int to, char *why, size_t size)
{
	WRITE_ONCE(*t->mode, to);
	if (to == SLAB_LOCK_GLOBAL)
		kmem_cache_shrink_all();
	return 0;
}

void kmem_cache_shrink_all(void)
{
	struct kmem_cache *s;
	unsigned long flags;

	on_each_cpu(flush_all_caches_ipi, NULL, true);
	flags = spin_lock_irqsave(&slab_caches_lock);
	list_for_each_entry(s, &slab_caches, list)
		shrink_nodes(s);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
}

/* ---- creating and destroying caches ---- */

static void calculate_sizes(struct kmem_cache *s)
{
	if (s->flags & SLAB_DEBUG) {
		slab_debug_layout(s);
	} else {
		s->red_left_pad = 0;
		/* a constructed object must keep its contents while free: pointer after it */
		s->offset = s->ctor ? ALIGN_UP(s->object_size, sizeof(void *)) : 0;
		s->size = ALIGN_UP(max(s->offset + (unsigned int)sizeof(void *), s->object_size), s->align);
	}
	for (s->order = 0; s->order < SLAB_MAX_ORDER; s->order++)
		if ((PAGE_SIZE << s->order) / s->size >= SLAB_MIN_OBJECTS)
			break;
	while ((PAGE_SIZE << s->order) < s->size)	/* one huge object */
		s->order++;
	s->objects = min((PAGE_SIZE << s->order) / s->size, (unsigned long)SLAB_MAX_OBJECTS);
}

void __kmem_cache_setup(struct kmem_cache *s, const char *name, unsigned int size, unsigned int align,
			unsigned int flags, void (*ctor)(void *))
{
	unsigned long irqf;

	strlcpy(s->name, name, sizeof(s->name));
	s->object_size = size;
	s->align = max(align, (unsigned int)sizeof(void *));
	if (flags & SLAB_HWCACHE_ALIGN)
		s->align = max(s->align, 64u);
	s->flags = flags | (slub_debug ? SLAB_DEBUG : 0);
	s->ctor = ctor;
	calculate_sizes(s);
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		spin_lock_init_rank(&s->node[nid].list_lock, "kmem_cache_node.list_lock", LOCK_RANK_SLAB_NODE);
		INIT_LIST_HEAD(&s->node[nid].partial);
		INIT_LIST_HEAD(&s->node[nid].full);
	}
	irqf = spin_lock_irqsave(&slab_caches_lock);
	list_add_tail(&s->list, &slab_caches);
	spin_unlock_irqrestore(&slab_caches_lock, irqf);
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned int flags, void (*ctor)(void *))
{
	struct kmem_cache *s;

	if (WARN_ON(!size || (align & (align - 1)) || size > (PAGE_SIZE << MAX_ORDER) / 2))
		return NULL;
	s = kmem_cache_zalloc(&kmem_cache_boot, GFP_KERNEL);
	if (!s)
		return NULL;
	s->cpu_slab = alloc_percpu(struct kmem_cache_cpu);
	if (!s->cpu_slab) {
		kmem_cache_free(&kmem_cache_boot, s);
		return NULL;
	}
	__kmem_cache_setup(s, name, size, align, flags, ctor);
	return s;
}

static void print_leaked(struct kmem_cache *s, void *obj, void *arg)
{
	int *shown = arg;

	if ((*shown)++ < 4)
		printk(KERN_ERR "  object %p still allocated\n", obj);
}

/* After a flush, every allocated object is in a slab on a node list. */
static void report_leaks(struct kmem_cache *s, unsigned long in_use)
{
	int shown = 0, nid;

	printk(KERN_ERR "kmem_cache_destroy %s: Slab cache still has objects: %lu in use\n", s->name, in_use);
	for_each_online_node(nid) {
		struct kmem_cache_node *n = &s->node[nid];
		unsigned long flags = spin_lock_irqsave(&n->list_lock);
		struct page *page;
		list_for_each_entry(page, &n->partial, lru)
			for_each_allocated_locked(s, page, print_leaked, &shown);
		list_for_each_entry(page, &n->full, lru)
			for_each_allocated_locked(s, page, print_leaked, &shown);
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	dump_stack();
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	unsigned long in_use, flags;

	if (!s || WARN_ON(s->boot))
		return;
	flush_all_cpu_slabs(s);
	in_use = kmem_cache_objects_in_use(s);
	if (in_use) {
		report_leaks(s, in_use);
		s->leaked = true;	/* the cache stays, so its objects stay valid and counted */
		return;
	}
	shrink_nodes(s);
	if (s->flags & SLAB_TYPESAFE_BY_RCU)
		rcu_barrier();		/* rcu_free_slab uses s: let every pending one finish */
	flags = spin_lock_irqsave(&slab_caches_lock);
	list_del(&s->list);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	free_percpu(s->cpu_slab);
	kmem_cache_free(&kmem_cache_boot, s);
}

struct kmem_cache *kmem_cache_find(const char *name)
{
	struct kmem_cache *s, *found = NULL;
	unsigned long flags = spin_lock_irqsave(&slab_caches_lock);

	list_for_each_entry(s, &slab_caches, list)
		if (!strcmp(s->name, name)) {
			found = s;
			break;
		}
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	return found;
}

/* The boot caches: struct kmem_cache itself, then kmalloc's (kmalloc.c). */
void kmem_cache_init(void)
{
	void kmalloc_init(void);

	kmem_cache_boot.cpu_slab = alloc_percpu(struct kmem_cache_cpu);
	kmem_cache_boot.boot = true;
	__kmem_cache_setup(&kmem_cache_boot, "kmem_cache", sizeof(struct kmem_cache), 64, 0, NULL);
	kmalloc_init();
	pr_info("slab: %d kmalloc caches (8 B - 8 KiB), debug checks %s\n", KMALLOC_NR_CACHES,
		slub_debug ? "on" : "off (slub_debug turns them on)");
}
