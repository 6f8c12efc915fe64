/*
 * kernel/mm/shmem.h - the shared anonymous object: the backing of
 * MAP_SHARED|MAP_ANONYMOUS mappings and of SysV shared memory segments
 * (kernel/ipc/shm.c). Its pages by offset, the VMAs that map it (the
 * reverse map page migration walks), and its range policies.
 */
#ifndef KERNEL_MM_SHMEM_H
#define KERNEL_MM_SHMEM_H

#include "kernel/types.h"
#include "kernel/atomic.h"
#include "kernel/lib/list.h"
#include "kernel/sync/mutex.h"
#include "kernel/sync/spinlock.h"
#include "kernel/mm/shared_policy.h"

struct anon_shared;
struct vm_area_struct;
struct page;

/*
 * What the owner of an object (a SysV segment) hears about: a VMA joined
 * or left its mappers (mmap, shmat, fork, split; munmap, shmdt, exit), with
 * the mapper's mmap_lock held for writing and i_mmap_lock not held.
 */
struct anon_shared_ops {
	void (*vma_attached)(struct anon_shared *obj);
	void (*vma_detached)(struct anon_shared *obj);
	/* the object's file name as Linux shows it ("/SYSV0000002a (deleted)"); returns the length */
	int (*name)(struct anon_shared *obj, char *buf, size_t size);
};

struct anon_shared {
	atomic_t refcount;		/* VMAs (from creation to their RCU free) and owners (a segment) */
	spinlock_t lock;		/* the radix tree (LOCK_RANK_ANON_SHARED) */
	unsigned long nr_pages;		/* the object's size */
	int levels;			/* of the radix tree */
	void **root;			/* a node: SHMEM_SLOTS pointers (nodes, or pages at the leaves) */

	struct mutex i_mmap_lock;	/* i_mmap (LOCK_RANK_I_MMAP) */
	struct list_head i_mmap;	/* linked VMAs mapping the object (vma->vm_shared_link) */
	struct shared_policy policy;	/* range policies (shared_policy.c) */
	const struct anon_shared_ops *ops;
	void *owner;			/* ops' object (a SysV segment) */
};

static inline struct shared_policy *anon_shared_policy(struct anon_shared *obj) { return &obj->policy; }
/* VMAs attached now: SysV's shm_nattch. */
static inline int anon_shared_nattach(struct anon_shared *obj) { return READ_ONCE(obj->policy.nr_vmas); }

/* A VMA joins the object's mappers when it enters an mm's tree, and leaves when it goes (vma.c). */
void anon_shared_vma_link(struct vm_area_struct *vma);
void anon_shared_vma_unlink(struct vm_area_struct *vma);

/* ---- page migration (migrate.c): the object's side ---- */

#define ANON_SHARED_SLOT_LOCKED	1UL	/* low bit of a slot: the page is being migrated */

/*
 * The page at index, if it is exactly old, is marked as being migrated:
 * faults on index retry until anon_shared_unlock_slot(). true if marked.
 */
bool anon_shared_lock_slot(struct anon_shared *obj, unsigned long index, struct page *old);
/* Puts page (new, or old back) in the marked slot; the object's reference moves with it. */
void anon_shared_unlock_slot(struct anon_shared *obj, unsigned long index, struct page *page);
/* The page at index without a reference (tests, numa_maps), or NULL. */
struct page *anon_shared_peek(struct anon_shared *obj, unsigned long index);

#endif
