/*
 * kernel/mm/kmalloc.c - kmalloc and friends on top of the slab allocator
 * (see slab.h).
 *
 * Sizes up to KMALLOC_MAX_CACHE_SIZE come from the smallest size class that
 * fits: 8, 16, 32, 64, 96, 128, 192, 256, 512, 1K, 2K, 4K, 8K. Larger ones
 * are whole pages (a compound page marked PG_large_kmalloc, so that kfree
 * knows what it holds). Power-of-two classes are aligned to their size (up
 * to a page): a kmalloc(64) never straddles two cache lines.
 */
#include "kernel/mm/internal.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"

static const unsigned int kmalloc_sizes[KMALLOC_NR_CACHES] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};
static const char *const kmalloc_names[KMALLOC_NR_CACHES] = {
	"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96", "kmalloc-128",
	"kmalloc-192", "kmalloc-256", "kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k",
	"kmalloc-8k",
};

struct kmem_cache kmalloc_caches[KMALLOC_NR_CACHES];

void kmalloc_init(void)
{
	for (int i = 0; i < KMALLOC_NR_CACHES; i++) {
		unsigned int size = kmalloc_sizes[i];
		unsigned int align = (size & (size - 1)) ? 8 : min(size, (unsigned int)PAGE_SIZE);
		struct kmem_cache *s = &kmalloc_caches[i];

		s->cpu_slab = alloc_percpu(struct kmem_cache_cpu);
		s->boot = true;
		__kmem_cache_setup(s, kmalloc_names[i], size, align, 0, NULL);
	}
}

struct kmem_cache *kmalloc_cache(size_t size)
{
	for (int i = 0; i < KMALLOC_NR_CACHES; i++)
		if (size <= kmalloc_sizes[i])
			return &kmalloc_caches[i];
	return NULL;
}

static void *kmalloc_large(size_t size, gfp_t gfp, int nid)
{
	unsigned int order = 0;
	struct page *page;

	while ((PAGE_SIZE << order) < size)
		order++;
	if (order > MAX_ORDER)
		return NULL;
	page = alloc_pages_node(nid, (gfp & ~__GFP_COMP) | __GFP_COMP, order);
	if (!page)
		return NULL;
	SetPageLargeKmalloc(page);
	return page_address(page);
}

static void *__kmalloc_node(size_t size, gfp_t gfp, int nid, unsigned long caller)
{
	if (!size)
		return ZERO_SIZE_PTR;
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(size, gfp, nid);
	return slab_alloc_node(kmalloc_cache(size), gfp, nid, caller);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	return __kmalloc_node(size, gfp, NUMA_NO_NODE, (unsigned long)__builtin_return_address(0));
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return __kmalloc_node(size, gfp | __GFP_ZERO, NUMA_NO_NODE, (unsigned long)__builtin_return_address(0));
}

void *kmalloc_node(size_t size, gfp_t gfp, int nid)
{
	return __kmalloc_node(size, gfp, nid, (unsigned long)__builtin_return_address(0));
}

static void __kfree(const void *p, unsigned long caller)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(p))
		return;
	if (slub_debug && !virt_addr_valid(p)) {
		slab_error(NULL, "kfree of a pointer that is not kernel memory", p, caller);
		return;
	}
	page = virt_to_head_page(p);
	if (PageSlab(page)) {
		if (slab_check_object(NULL, p, caller))
			slab_free(page->slab_cache, page, (void *)p, caller);
		return;
	}
	if (PageLargeKmalloc(page) && p == page_address(page)) {
		ClearPageLargeKmalloc(page);
		__free_pages(page, compound_order(page));
		return;
	}
	slab_error(NULL, "kfree of a pointer kmalloc did not return", p, caller);
}

void kfree(const void *p)
{
	__kfree(p, (unsigned long)__builtin_return_address(0));
}

size_t ksize(const void *p)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(p))
		return 0;
	page = virt_to_head_page(p);
	if (PageSlab(page))
		return page->slab_cache->object_size;
	return PAGE_SIZE << compound_order(page);
}

void *krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	unsigned long caller = (unsigned long)__builtin_return_address(0);
	size_t old = ksize(p);
	void *n;

	if (!new_size) {
		__kfree(p, caller);
		return ZERO_SIZE_PTR;
	}
	if (new_size <= old)
		return (void *)p;
	n = __kmalloc_node(new_size, gfp & ~__GFP_ZERO, NUMA_NO_NODE, caller);
	if (!n)
		return NULL;		/* p is untouched */
	memcpy(n, p, old);
	if (gfp & __GFP_ZERO)
		memset((char *)n + old, 0, new_size - old);
	__kfree(p, caller);
	return n;
}
