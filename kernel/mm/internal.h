/*
 * kernel/mm/internal.h - what the files of kernel/mm share with each other
 * and with no one else.
 */
#ifndef KERNEL_MM_INTERNAL_H
#define KERNEL_MM_INTERNAL_H

#include "kernel/mm/page_alloc.h"
#include "kernel/mm/slab.h"
#include "kernel/percpu.h"

DECLARE_PER_CPU(struct per_cpu_pages, pcp_pages);

void vma_caches_init(void);		/* the VMA cache (vma.c), from mm_caches_init */

/* Returns a free block to zone z's free lists, merging buddies (zone->lock held). */
void __free_one_page(struct zone *z, unsigned long pfn, unsigned int order);

/* ---- slab.c, slab_debug.c and kmalloc.c ---- */

#define SLAB_FROZEN_CPU		1	/* page->frozen: some CPU's active slab */
#define SLAB_FROZEN_DEFRAG	2	/* page->frozen: frozen by slab_freeze() */

void __kmem_cache_setup(struct kmem_cache *s, const char *name, unsigned int size, unsigned int align,
			unsigned int flags, void (*ctor)(void *));
extern spinlock_t slab_caches_lock;		/* protects slab_caches */
extern struct list_head slab_caches;		/* every cache, in creation order */
void flush_all_cpu_slabs(struct kmem_cache *s);	/* by IPI; needs interrupts on */
void *slab_alloc_node(struct kmem_cache *s, gfp_t gfp, int nid, unsigned long caller);
void slab_free(struct kmem_cache *s, struct page *page, void *obj, unsigned long caller);

/* Object i of a slab, and the free pointer inside or after each free object. */
#define slab_obj_at(s, page, i) \
	((void *)((char *)page_address(page) + (unsigned long)(i) * (s)->size + (s)->red_left_pad))
static inline void *get_freepointer(const struct kmem_cache *s, void *obj)
{
	return *(void **)((char *)obj + s->offset);
}
static inline void set_freepointer(const struct kmem_cache *s, void *obj, void *next)
{
	*(void **)((char *)obj + s->offset) = next;
}

/* Debug: layout, object state, checks and reports (slab_debug.c). */
void slab_debug_layout(struct kmem_cache *s);
void slab_debug_init_object(struct kmem_cache *s, void *obj);
void slab_debug_alloc(struct kmem_cache *s, void *obj, unsigned long caller);
bool slab_debug_free(struct kmem_cache *s, void *obj, unsigned long caller);
/* Is x an object of s (s NULL: of any cache)? Reports and returns NULL if not; else its slab. */
struct page *slab_check_object(struct kmem_cache *s, const void *x, unsigned long caller);
void slab_error(struct kmem_cache *s, const char *kind, const void *obj, unsigned long caller);

#endif
