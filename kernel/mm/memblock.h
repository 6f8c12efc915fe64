/*
 * kernel/mm/memblock.h - the boot-time memory map and early allocator.
 *
 * Two lists of physical ranges, as in Linux: `memory` (RAM, from the
 * multiboot2 memory map, each range tagged with its NUMA node once the SRAT
 * is read) and `reserved` (the kernel image, boot modules, the first MiB
 * with the AP trampoline, and everything memblock_alloc* handed out).
 * Free memory is memory minus reserved. The page allocator takes over
 * every free page (page_alloc_init, the hand-off) and then closes memblock:
 * from there on the lists are read-only history, and memblock_phys_alloc
 * warns and fails (its pages belong to the buddy allocator now).
 */
#ifndef KERNEL_MM_MEMBLOCK_H
#define KERNEL_MM_MEMBLOCK_H

#include "kernel/types.h"

#define MEMBLOCK_MAX_REGIONS	128	/* ranges per list */
#define NUMA_NO_NODE		(-1)
#define MEMBLOCK_ALLOC_ANY	(~0UL)	/* no upper address limit */

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	int nid;
};

struct memblock_type {
	int cnt;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
};

struct memblock {
	struct memblock_type memory;
	struct memblock_type reserved;
};

extern struct memblock memblock;

void memblock_add(phys_addr_t base, phys_addr_t size);
void memblock_reserve(phys_addr_t base, phys_addr_t size);
/* Tags memory in [base, base+size) with nid, splitting regions at the edges. */
void memblock_set_node(phys_addr_t base, phys_addr_t size, int nid);

/*
 * Finds and reserves size bytes aligned to align below `limit` on node nid
 * (NUMA_NO_NODE: any node), highest address first. Returns the physical
 * address or 0 when nothing fits.
 */
phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align, phys_addr_t limit, int nid);
/* As above through the direct map, zeroed; falls back to any node, panics if memory is gone. */
void *memblock_alloc_node(size_t size, size_t align, int nid);

/* Calls fn for every free range (memory minus reserved), page-aligned, in address order. */
void memblock_for_each_free_range(void (*fn)(phys_addr_t start, phys_addr_t end, int nid, void *arg),
				  void *arg);
/* The hand-off is done: later allocations are bugs. */
void memblock_close(void);
extern bool memblock_closed;

phys_addr_t memblock_node_memory(int nid);	/* RAM bytes on nid */
phys_addr_t memblock_node_free(int nid);	/* RAM bytes on nid not reserved */
phys_addr_t memblock_end_of_ram(void);
bool memblock_is_reserved(phys_addr_t addr);

#define for_each_mem_region(r) \
	for (struct memblock_region *r = memblock.memory.regions; \
	     r < memblock.memory.regions + memblock.memory.cnt; r++)

#endif
