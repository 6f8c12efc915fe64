/*
 * kernel/mm/internal.h - what the files of kernel/mm share with each other
 * and with no one else.
 */
#ifndef KERNEL_MM_INTERNAL_H
#define KERNEL_MM_INTERNAL_H

#include "kernel/mm/page_alloc.h"
#include "kernel/percpu.h"

DECLARE_PER_CPU(struct per_cpu_pages, pcp_pages);

/* Returns a free block to zone z's free lists, merging buddies (zone->lock held). */
void __free_one_page(struct zone *z, unsigned long pfn, unsigned int order);

/* Hands every cache's empty slabs back, so that free page counts are exact. */
void kmem_cache_shrink_all(void);

#endif
