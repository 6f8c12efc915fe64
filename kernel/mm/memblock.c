/*
 * kernel/mm/memblock.c - boot-time memory map and early allocator (see
 * memblock.h).
 *
 * Invariant: each list is sorted by base and its ranges never overlap;
 * reserved ranges are merged when they touch. Memory ranges are merged only
 * when they touch and have the same node. Runs before the other CPUs start,
 * so there is no locking.
 */
#include "kernel/mm/memblock.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/compiler.h"
#include "arch/x86_64/paging.h"

struct memblock memblock;
bool memblock_closed;

static void insert_region(struct memblock_type *t, int i, phys_addr_t base, phys_addr_t size, int nid)
{
	if (t->cnt >= MEMBLOCK_MAX_REGIONS)
		panic("memblock: more than %d regions", MEMBLOCK_MAX_REGIONS);
	memmove(&t->regions[i + 1], &t->regions[i], (t->cnt - i) * sizeof(t->regions[0]));
	t->regions[i] = (struct memblock_region){ base, size, nid };
	t->cnt++;
}

static void remove_region(struct memblock_type *t, int i)
{
	memmove(&t->regions[i], &t->regions[i + 1], (t->cnt - i - 1) * sizeof(t->regions[0]));
	t->cnt--;
}

/* Joins neighbours that touch (and share a node, for memory). */
static void merge_regions(struct memblock_type *t, bool by_node)
{
	for (int i = 0; i + 1 < t->cnt; ) {
		struct memblock_region *a = &t->regions[i], *b = &t->regions[i + 1];
		if (a->base + a->size == b->base && (!by_node || a->nid == b->nid)) {
			a->size += b->size;
			remove_region(t, i + 1);
		} else {
			i++;
		}
	}
}

/* Adds [base, base+size) minus whatever the list already covers. */
static void add_range(struct memblock_type *t, phys_addr_t base, phys_addr_t size, int nid, bool by_node)
{
	phys_addr_t end = base + size;
	int i;

	for (i = 0; i < t->cnt && base < end; i++) {
		struct memblock_region *r = &t->regions[i];
		if (r->base + r->size <= base)
			continue;
		if (r->base > base) {		/* gap before r */
			phys_addr_t gap_end = min(end, r->base);
			insert_region(t, i, base, gap_end - base, nid);
			i++;
			r = &t->regions[i];
		}
		base = max(base, r->base + r->size);
	}
	if (base < end)
		insert_region(t, t->cnt, base, end - base, nid);
	merge_regions(t, by_node);
}

void memblock_add(phys_addr_t base, phys_addr_t size)
{
	if (size)
		add_range(&memblock.memory, base, size, NUMA_NO_NODE, true);
}

void memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	if (size)
		add_range(&memblock.reserved, base, size, NUMA_NO_NODE, false);
}

void memblock_set_node(phys_addr_t base, phys_addr_t size, int nid)
{
	struct memblock_type *t = &memblock.memory;
	phys_addr_t end = base + size;

	for (int i = 0; i < t->cnt; i++) {
		struct memblock_region *r = &t->regions[i];
		phys_addr_t rend = r->base + r->size;
		if (rend <= base || r->base >= end)
			continue;
		if (r->base < base) {		/* split off the part below */
			insert_region(t, i, r->base, base - r->base, r->nid);
			r = &t->regions[++i];
			r->size = rend - base;
			r->base = base;
		}
		if (rend > end) {		/* split off the part above */
			insert_region(t, i + 1, end, rend - end, r->nid);
			r = &t->regions[i];
			r->size = end - r->base;
		}
		r->nid = nid;
	}
	merge_regions(t, true);
}

bool memblock_is_reserved(phys_addr_t addr)
{
	for (int i = 0; i < memblock.reserved.cnt; i++) {
		struct memblock_region *r = &memblock.reserved.regions[i];
		if (addr >= r->base && addr < r->base + r->size)
			return true;
	}
	return false;
}

/* Highest aligned free spot of `size` inside [lo, hi), or 0. */
static phys_addr_t find_free_in(phys_addr_t lo, phys_addr_t hi, phys_addr_t size, phys_addr_t align)
{
	struct memblock_type *res = &memblock.reserved;

	/* walk the free gaps of [lo, hi) from the top down */
	for (int i = res->cnt; i >= 0; i--) {
		phys_addr_t gap_lo = i > 0 ? res->regions[i - 1].base + res->regions[i - 1].size : 0;
		phys_addr_t gap_hi = i < res->cnt ? res->regions[i].base : ~0UL;
		phys_addr_t a, b, cand;

		a = max(gap_lo, lo);
		b = min(gap_hi, hi);
		if (a >= b || b - a < size)
			continue;
		cand = ALIGN_DOWN(b - size, align);
		if (cand >= a && cand)
			return cand;
	}
	return 0;
}

phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align, phys_addr_t limit, int nid)
{
	struct memblock_type *mem = &memblock.memory;

	if (WARN_ON(memblock_closed))	/* the page allocator owns the free pages now */
		return 0;
	size = ALIGN_UP(size, PAGE_SIZE);
	for (int i = mem->cnt - 1; i >= 0; i--) {
		struct memblock_region *r = &mem->regions[i];
		phys_addr_t found;
		if (nid != NUMA_NO_NODE && r->nid != nid)
			continue;
		if (r->base >= limit)
			continue;
		found = find_free_in(r->base, min(r->base + r->size, limit), size, align);
		if (found) {
			memblock_reserve(found, size);
			return found;
		}
	}
	return 0;
}

void *memblock_alloc_node(size_t size, size_t align, int nid)
{
	phys_addr_t p = memblock_phys_alloc(size, align, MEMBLOCK_ALLOC_ANY, nid);
	void *v;

	if (!p && nid != NUMA_NO_NODE)
		p = memblock_phys_alloc(size, align, MEMBLOCK_ALLOC_ANY, NUMA_NO_NODE);
	if (!p)
		panic("memblock: out of memory allocating %zu bytes", size);
	v = phys_to_virt(p);
	memset(v, 0, size);
	return v;
}

/* Bytes of [base, base+size) not covered by reserved ranges. */
static phys_addr_t unreserved_bytes(phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = base + size, free = size;

	for (int i = 0; i < memblock.reserved.cnt; i++) {
		struct memblock_region *r = &memblock.reserved.regions[i];
		phys_addr_t a = max(base, r->base), b = min(end, r->base + r->size);
		if (a < b)
			free -= b - a;
	}
	return free;
}

phys_addr_t memblock_node_memory(int nid)
{
	phys_addr_t total = 0;

	for_each_mem_region(r)
		if (r->nid == nid)
			total += r->size;
	return total;
}

phys_addr_t memblock_node_free(int nid)
{
	phys_addr_t total = 0;

	for_each_mem_region(r)
		if (r->nid == nid)
			total += unreserved_bytes(r->base, r->size);
	return total;
}

phys_addr_t memblock_end_of_ram(void)
{
	struct memblock_type *m = &memblock.memory;

	return m->cnt ? m->regions[m->cnt - 1].base + m->regions[m->cnt - 1].size : 0;
}

void memblock_for_each_free_range(void (*fn)(phys_addr_t start, phys_addr_t end, int nid, void *arg),
				  void *arg)
{
	struct memblock_type *res = &memblock.reserved;

	for_each_mem_region(r) {
		phys_addr_t cur = r->base, end = r->base + r->size;
		for (int i = 0; i < res->cnt && cur < end; i++) {
			phys_addr_t rb = res->regions[i].base, re = rb + res->regions[i].size;
			if (re <= cur)
				continue;
			if (rb >= end)
				break;
			if (rb > cur && ALIGN_UP(cur, PAGE_SIZE) < ALIGN_DOWN(rb, PAGE_SIZE))
				fn(ALIGN_UP(cur, PAGE_SIZE), ALIGN_DOWN(rb, PAGE_SIZE), r->nid, arg);
			cur = max(cur, re);
		}
		if (ALIGN_UP(cur, PAGE_SIZE) < ALIGN_DOWN(end, PAGE_SIZE))
			fn(ALIGN_UP(cur, PAGE_SIZE), ALIGN_DOWN(end, PAGE_SIZE), r->nid, arg);
	}
}

void memblock_close(void)
{
	memblock_closed = true;
}
