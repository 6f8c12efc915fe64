/*
 * kernel/mm/slab_stat.c - what the slab allocator shows: objects in use
 * (and the "slab objects" leak counter), the monitor's slabinfo in the
 * format of Linux's /proc/slabinfo, per-cache statistics, and a
 * consistency check of a cache's slabs for the self-tests.
 *
 * Objects in use are counted exactly: every allocation and free
 * increments a counter of the CPU doing it (one %gs-relative add), and
 * the sum over CPUs of allocations minus frees is the answer.
 */
#include "kernel/mm/internal.h"
#include "kernel/monitor.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/lib/string.h"
#include "kernel/sync/lockdep.h"

unsigned long kmem_cache_objects_in_use(struct kmem_cache *s)
{
	long n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		unsigned long *st = per_cpu_ptr(s->cpu_slab, cpu)->stat;
		n += st[ALLOC_FASTPATH] + st[ALLOC_SLOWPATH] + st[ALLOC_LOCKED];
		n -= st[FREE_FASTPATH] + st[FREE_SLOWPATH] + st[FREE_LOCKED];
	}
	return n;
}

static long leak_slab_objects(void)
{
	struct kmem_cache *s;
	unsigned long flags = spin_lock_irqsave(&slab_caches_lock);
	long n = 0;

	list_for_each_entry(s, &slab_caches, list)
		n += kmem_cache_objects_in_use(s);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	return n;
}
LEAK_COUNTER("slab objects", leak_slab_objects);

/* Checks one unfrozen slab on node nid's lists; returns its problems. */
static int check_slab(struct kmem_cache *s, int nid, struct page *page, bool on_partial, unsigned long *inuse)
{
	unsigned int free = 0;
	int bad = 0;

	lockdep_assert_held(&s->node[nid].list_lock);

	for (void *p = page->freelist; p && free <= page->objects; p = get_freepointer(s, p)) {
		long off = (char *)p - (char *)slab_obj_at(s, page, 0);
		if (off < 0 || off % s->size || off / s->size >= page->objects) {
			pr_err("slab %s: pfn %#lx: freelist entry %p is no object of the slab\n", s->name,
			       page_to_pfn(page), p);
			return bad + 1;
		}
		free++;
	}
	if (!PageSlab(page) || page->slab_cache != s || page->nid != nid || page->frozen ||
	    on_partial != (page->freelist != NULL) || page->inuse != page->objects - free) {
		pr_err("slab %s: pfn %#lx: slab %d frozen %u on_partial %d inuse %u objects %u free %u\n",
		       s->name, page_to_pfn(page), PageSlab(page), page->frozen, on_partial, page->inuse,
		       page->objects, free);
		bad++;
	}
	*inuse += page->inuse;
	return bad;
}

int kmem_cache_check(struct kmem_cache *s)
{
	unsigned long inuse = 0;
	int bad = 0, nid;

	flush_all_cpu_slabs(s);
	for_each_online_node(nid) {
		struct kmem_cache_node *n = &s->node[nid];
		unsigned long flags = spin_lock_irqsave(&n->list_lock), slabs = 0, partial = 0;
		struct page *page;
		list_for_each_entry(page, &n->partial, lru) {
			bad += check_slab(s, nid, page, true, &inuse);
			slabs++;
			partial++;
		}
		list_for_each_entry(page, &n->full, lru) {
			bad += check_slab(s, nid, page, false, &inuse);
			slabs++;
		}
		if (slabs != n->nr_slabs || partial != n->nr_partial || slabs * s->objects != n->total_objects) {
			pr_err("slab %s: node %d: %lu slabs (%lu partial) listed, counters say %lu (%lu), %lu objects\n",
			       s->name, nid, slabs, partial, n->nr_slabs, n->nr_partial, n->total_objects);
			bad++;
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	if (inuse != kmem_cache_objects_in_use(s)) {
		pr_err("slab %s: %lu objects in use in the slabs, %lu counted\n", s->name, inuse,
		       kmem_cache_objects_in_use(s));
		bad++;
	}
	return bad;
}

/* ---- slabinfo ---- */

struct slab_totals { unsigned long slabs, objects, partial; };

static void cache_totals(struct kmem_cache *s, struct slab_totals *t)
{
	int nid;

	memset(t, 0, sizeof(*t));
	for_each_online_node(nid) {
		t->slabs += READ_ONCE(s->node[nid].nr_slabs);
		t->objects += READ_ONCE(s->node[nid].total_objects);
		t->partial += READ_ONCE(s->node[nid].nr_partial);
	}
}

static void print_cache_stats(struct kmem_cache *s)
{
	static const char *const names[NR_SLAB_STAT] = {
		"alloc_fastpath", "alloc_slowpath", "alloc_locked", "free_fastpath", "free_slowpath",
		"free_locked", "alloc_refill", "alloc_from_partial", "alloc_new_slab", "free_slab",
		"cpuslab_deactivate",
	};
	int nid, cpu;

	console_printf("%s: object_size %u size %u align %u offset %u red_left_pad %u\n", s->name,
		       s->object_size, s->size, s->align, s->offset, s->red_left_pad);
	console_printf("  order %u (%lu KiB slabs), %u objects per slab, flags%s%s%s, in use %lu\n",
		       s->order, (PAGE_SIZE << s->order) >> 10, s->objects,
		       s->flags & SLAB_DEBUG ? " debug" : "", s->flags & SLAB_HWCACHE_ALIGN ? " hwcache" : "",
		       s->flags & SLAB_RECLAIM_ACCOUNT ? " reclaimable" : "", kmem_cache_objects_in_use(s));
	for_each_online_node(nid)
		if (s->node[nid].nr_slabs)
			console_printf("  node %d: %lu slabs, %lu partial, %lu objects\n", nid,
				       s->node[nid].nr_slabs, s->node[nid].nr_partial, s->node[nid].total_objects);
	for (int i = 0; i < NR_SLAB_STAT; i++) {
		unsigned long sum = 0;
		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(s->cpu_slab, cpu)->stat[i];
		console_printf("  %-20s %lu\n", names[i], sum);
	}
}

static int cmd_slabinfo(int argc, char **argv)
{
	struct kmem_cache *s;
	unsigned long flags;

	if (argc > 1) {
		s = kmem_cache_find(argv[1]);
		if (!s)
			return monitor_error(-ENOENT, "no cache named %s", argv[1]);
		print_cache_stats(s);
		return 0;
	}
	console_printf("slabinfo - version: 2.1\n");
	console_printf("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
		       " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs>"
		       " <sharedavail>\n");
	flags = spin_lock_irqsave(&slab_caches_lock);
	list_for_each_entry(s, &slab_caches, list) {
		struct slab_totals t;
		cache_totals(s, &t);
		console_printf("%-17s %6lu %6lu %6u %4u %4lu : tunables %4u %4u %4u : slabdata %6lu %6lu %6u\n",
			       s->name, kmem_cache_objects_in_use(s), t.objects, s->size, s->objects,
			       1UL << s->order, 0, 0, 0, t.slabs, t.slabs, 0);
	}
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	return 0;
}
MONITOR_CMD(slabinfo, "[CACHE]", "slab caches as /proc/slabinfo; with a name, its statistics", cmd_slabinfo);
