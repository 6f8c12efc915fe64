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
 *     take a reference) and by its owner, if any (a SysV segment); the
 *     last put frees the pages, the nodes and the range policies;
 *   - the VMAs linked into an mm's tree are on obj->i_mmap: the reverse
 *     map of its pages (migrate.c) and the count of attached VMAs each of
 *     which holds references on the range policies (shared_policy.c);
 *   - a slot whose low bit is set (ANON_SHARED_SLOT_LOCKED) holds a page
 *     being migrated: a fault on it retries until the migration puts the
 *     new page (or the old one back) there.
 *
 * Locks: obj->i_mmap_lock (mutex, LOCK_RANK_I_MMAP) covers i_mmap and is
 * taken under mmap_lock, outside any page-table lock; obj->lock
 * (LOCK_RANK_ANON_SHARED) covers the tree and may be taken under
 * mm->page_table_lock; the policies' lock nests inside both.
 */
#include "kernel/mm/vma.h"
#include "kernel/mm/shmem.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/slab.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/lib/string.h"
#include "kernel/selftest.h"

#define SHMEM_SLOTS_SHIFT	9
#define SHMEM_SLOTS		(1UL << SHMEM_SLOTS_SHIFT)	/* pointers in one page-sized node */
#define SHMEM_MAX_LEVELS	4

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
	mutex_init(&obj->i_mmap_lock, "anon_shared.i_mmap_lock", LOCK_RANK_I_MMAP);
	INIT_LIST_HEAD(&obj->i_mmap);
	shared_policy_init(&obj->policy);
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
			put_page((struct page *)((unsigned long)node[i] & ~ANON_SHARED_SLOT_LOCKED));
	}
	free_pages((unsigned long)node, 0);
}

void anon_shared_put(struct anon_shared *obj)
{
	if (!atomic_dec_and_test(&obj->refcount))
		return;
	shared_policy_destroy(&obj->policy);
	free_node(obj->root, obj->levels);
	kfree(obj);
	atomic_long_dec(&anon_shared_live);
}

/* The leaf slot of index, creating the nodes above it if create; NULL if absent. obj->lock held. */
static void **lookup_slot(struct anon_shared *obj, unsigned long index, bool create)
{
	void **node = obj->root, **slot;

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
	unsigned long index = linear_page_index(vma, addr);
	struct page *page = NULL;
	void **slot;

	if (index >= obj->nr_pages)
		return NULL;
	spin_lock(&obj->lock);
	slot = lookup_slot(obj, index, true);
	if (!slot)
		goto out;
	if ((unsigned long)*slot & ANON_SHARED_SLOT_LOCKED) {
		page = ANON_SHARED_MIGRATING;	/* the fault retries until the new page lands */
		goto out;
	}
	if (!*slot)
		*slot = alloc_page_vma(GFP_KERNEL | __GFP_ZERO | __GFP_MOVABLE, vma, addr);	/* the object's reference */
	page = *slot;
	if (page)
		get_page(page);		/* the caller's */
out:
	spin_unlock(&obj->lock);
	return page;
}

struct page *anon_shared_peek(struct anon_shared *obj, unsigned long index)
{
	struct page *page = NULL;
	void **slot;

	if (index >= obj->nr_pages)
		return NULL;
	spin_lock(&obj->lock);
	slot = lookup_slot(obj, index, false);
	if (slot)
		page = (struct page *)((unsigned long)*slot & ~ANON_SHARED_SLOT_LOCKED);
	spin_unlock(&obj->lock);
	return page;
}

bool anon_shared_page_present(struct vm_area_struct *vma, unsigned long addr)
{
	return anon_shared_peek(vma->vm_shared, linear_page_index(vma, addr)) != NULL;
}

bool anon_shared_lock_slot(struct anon_shared *obj, unsigned long index, struct page *old)
{
	bool locked = false;
	void **slot;

	spin_lock(&obj->lock);
	slot = index < obj->nr_pages ? lookup_slot(obj, index, false) : NULL;
	if (slot && *slot == old) {
		*slot = (void *)((unsigned long)old | ANON_SHARED_SLOT_LOCKED);
		locked = true;
	}
	spin_unlock(&obj->lock);
	return locked;
}

void anon_shared_unlock_slot(struct anon_shared *obj, unsigned long index, struct page *page)
{
	void **slot;

	spin_lock(&obj->lock);
	slot = lookup_slot(obj, index, false);
	WARN_ON_ONCE(!slot || !((unsigned long)*slot & ANON_SHARED_SLOT_LOCKED));
	*slot = page;
	spin_unlock(&obj->lock);
}

/* ---- the mappers ---- */

void anon_shared_vma_link(struct vm_area_struct *vma)
{
	struct anon_shared *obj = vma->vm_shared;

	mutex_lock(&obj->i_mmap_lock);
	list_add_tail(&vma->vm_shared_link, &obj->i_mmap);
	shared_policy_attach(&obj->policy);
	mutex_unlock(&obj->i_mmap_lock);
	if (obj->ops && obj->ops->vma_attached)
		obj->ops->vma_attached(obj);
}

void anon_shared_vma_unlink(struct vm_area_struct *vma)
{
	struct anon_shared *obj = vma->vm_shared;

	mutex_lock(&obj->i_mmap_lock);
	list_del(&vma->vm_shared_link);
	shared_policy_detach(&obj->policy);
	mutex_unlock(&obj->i_mmap_lock);
	if (obj->ops && obj->ops->vma_detached)
		obj->ops->vma_detached(obj);
}
