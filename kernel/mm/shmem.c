/*
 * kernel/mm/shmem.c - the backing object of MAP_SHARED anonymous memory.
 *
 * Private anonymous pages belong to the page tables that map them. A shared
 * mapping must outlive any one mapping of a page: after fork, parent and
 * child map the same pages, and MADV_DONTNEED only drops a mapping while
 * the contents stay (as Linux's shmem does). So the pages live in an
 * object, indexed by page offset (vma->vm_pgoff + page of the VMA):
 *
 *   - a radix tree of page-sized nodes, 512 slots each, as deep as the
 *     object's size needs (4 levels hold 2^36 pages), built on demand;
 *   - each page in it holds one reference for the object; each PTE that
 *     maps it holds another (taken by anon_shared_page());
 *   - its pages come from alloc_page_vma() with the faulting VMA and
 *     address, like every user page, so a memory policy sees them too;
 *   - the object is refcounted by the VMAs that use it (split and fork
 *     take a reference); the last put frees the pages and the nodes.
 *
 * Lock: obj->lock (LOCK_RANK_ANON_SHARED) covers the tree; it may be taken
 * under mm->page_table_lock.
 */
#include "kernel/mm/vma.h"
#include "kernel/mm/slab.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/lib/string.h"
#include "kernel/selftest.h"

#define SHMEM_SLOTS_SHIFT	9
#define SHMEM_SLOTS		(1UL << SHMEM_SLOTS_SHIFT)	/* pointers in one page-sized node */
#define SHMEM_MAX_LEVELS	4

struct anon_shared {
	atomic_t refcount;
	spinlock_t lock;
	unsigned long nr_pages;		/* the object's size */
	int levels;			/* of the radix tree */
	void **root;			/* a node: SHMEM_SLOTS pointers (nodes, or pages at the leaves) */
};

static atomic_long_t anon_shared_live;

long nr_anon_shared(void)
{
	return atomic_long_read(&anon_shared_live);
}
LEAK_COUNTER("anon_shared objects", nr_anon_shared);

static void **node_alloc(void)
{
	return (void **)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 0);
}

struct anon_shared *anon_shared_create(unsigned long nr_pages)
{
	struct anon_shared *obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	int levels = 1;

	while (levels < SHMEM_MAX_LEVELS && nr_pages > 1UL << (SHMEM_SLOTS_SHIFT * levels))
		levels++;
	if (!obj || nr_pages > 1UL << (SHMEM_SLOTS_SHIFT * levels)) {
		kfree(obj);
		return NULL;
	}
	obj->root = node_alloc();
	if (!obj->root) {
		kfree(obj);
		return NULL;
	}
	atomic_set(&obj->refcount, 1);
	spin_lock_init_rank(&obj->lock, "anon_shared.lock", LOCK_RANK_ANON_SHARED);
	obj->nr_pages = nr_pages;
	obj->levels = levels;
	atomic_long_inc(&anon_shared_live);
	return obj;
}

void anon_shared_get(struct anon_shared *obj)
{
	atomic_inc(&obj->refcount);
}

static void free_node(void **node, int level)
{
	for (unsigned long i = 0; i < SHMEM_SLOTS; i++) {
		if (!node[i])
			continue;
		if (level > 1)
			free_node(node[i], level - 1);
		else
			put_page(node[i]);
	}
	free_pages((unsigned long)node, 0);
}

void anon_shared_put(struct anon_shared *obj)
{
	if (!atomic_dec_and_test(&obj->refcount))
		return;
	free_node(obj->root, obj->levels);
	kfree(obj);
	atomic_long_dec(&anon_shared_live);
}

/*
 * The slot of page index in obj's tree, obj->lock held; with create, the
 * nodes on the way are made as needed. NULL: past the end, or no node
 * (without create, or without memory).
 */
static void **shmem_slot(struct anon_shared *obj, unsigned long index, bool create)
{
	void **node = obj->root, **slot;

	lockdep_assert_held(&obj->lock);
	if (index >= obj->nr_pages)
		return NULL;
	for (int l = obj->levels; ; l--) {
		slot = &node[(index >> (SHMEM_SLOTS_SHIFT * (l - 1))) & (SHMEM_SLOTS - 1)];
		if (l == 1)
			return slot;
		if (!*slot && (!create || !(*slot = node_alloc())))
			return NULL;
		node = *slot;
	}
}

struct page *anon_shared_page(struct vm_area_struct *vma, unsigned long addr)
{
	struct anon_shared *obj = vma->vm_shared;
	struct page *page = NULL;
	void **slot;

	spin_lock(&obj->lock);
	slot = shmem_slot(obj, linear_page_index(vma, addr), true);
	if (slot && !*slot)
		*slot = alloc_page_vma(GFP_KERNEL | __GFP_ZERO | __GFP_MOVABLE, vma, addr);	/* the object's reference */
	if (slot)
		page = *slot;
	if (page)
		get_page(page);		/* the caller's */
	spin_unlock(&obj->lock);
	return page;
}

bool anon_shared_page_present(struct vm_area_struct *vma, unsigned long addr)
{
	struct anon_shared *obj = vma->vm_shared;
	void **slot;
	bool present;

	spin_lock(&obj->lock);
	slot = shmem_slot(obj, linear_page_index(vma, addr), false);
	present = slot && *slot;
	spin_unlock(&obj->lock);
	return present;
}
