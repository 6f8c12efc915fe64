/*
 * kernel/mm/migrate.c - moving a user page to another node: mbind's
 * MPOL_MF_MOVE, migrate_pages(2) and move_pages(2) (mempolicy_syscalls.c).
 *
 * Moving a page is: allocate the new one on the target node, stop every
 * writer of the old one, copy, point every PTE that mapped the old page at
 * the new one, free the old one. What "every" means depends on the page:
 *
 *   A private page mapped once (count 1: its PTE's reference) has one
 *   mapping, the one we came through. Under that PTE's lock (lock_pte):
 *   clear the PTE, shoot the translation down on every CPU of the mm (no
 *   CPU writes the old page after this), copy, install the new page with
 *   the old PTE's bits, unlock, free the old page. The lock is held from
 *   the old PTE to the new one, so a fault on that address (which looks
 *   at the PTE only under the lock, with or without mmap_lock: the
 *   lockless fault path of the next issue too) sees the old PTE and is
 *   settled before the migration starts, or sees the new one.
 *
 *   A private page mapped by several processes (copy-on-write after
 *   fork, count > 1) is not the caller's alone: without MPOL_MF_MOVE_ALL,
 *   Linux's answer is -EACCES. With it, every mapping must be found, and
 *   Numbat keeps no reverse map of anonymous memory (Linux's anon_vma, a
 *   structure per fork family chained to every VMA and page). It finds
 *   them another way: fork copies a mapping at the same address, so the
 *   mappers are the address spaces whose PTE at that very address holds
 *   the page; it looks in every user mm. That costs one page-table
 *   lookup per process per page moved, and misses a mapping moved
 *   elsewhere (mremap): then the mappings found do not account for the
 *   page's count, and the answer is -EBUSY, never a wrong move. A
 *   copy-on-write page needs no writer stopped: every PTE of it is
 *   read-only (a write copies it first), so it is copied as it is, then
 *   each PTE is switched to the copy under its own lock, one mm at a
 *   time, and the old page goes when the last one has been shot down. A
 *   fault meanwhile sees the old page or the copy, both read-only and
 *   equal; a write fault copies whichever it sees, as copy-on-write does.
 *
 *   A page of a shared object: the object knows the VMAs that map it
 *   (obj->i_mmap, Linux's i_mmap), in any process. Under i_mmap_lock (no
 *   VMA attaches or leaves): mark the object's slot (faults on it in any
 *   process retry instead of mapping it), then for each mapping, under
 *   its PTE's lock, note the mm's write-window count, clear the
 *   PTE, unlock and shoot down. Now no CPU can write the old page: check
 *   that nobody else holds a reference to it (the object's one and the
 *   cleared PTEs' are all there may be), copy, put the new page in the
 *   slot, and reinstall each mapping, under its lock, only if its PTE is
 *   still empty and its mm's window count has not moved: a writer of that
 *   mm (munmap, mprotect, exit, mremap) may have changed the VMA or meant
 *   to zap the PTE meanwhile, and then the mapping simply stays empty to
 *   be faulted again. That is the contract of docs/vma.md's write window:
 *   a writer makes the count odd before it touches a PTE.
 *
 * Lock order: mmap_lock (the caller's, read) -> obj->i_mmap_lock ->
 * mm->page_table_lock -> the PT's lock (one mm at a time, lock_pte) ->
 * obj->lock; TLB shootdowns are sent under them (as the fault path does)
 * or with none.
 */
#include "kernel/mm/migrate.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/pgtable.h"
#include "kernel/mm/shmem.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/slab.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define MIGRATE_MM_SLACK	16	/* room for mms created while the list of all is taken */

static atomic_long_t migrate_stats[NR_MIGRATE_STATS];

long migrate_stat(enum migrate_stat_item item)
{
	return atomic_long_read(&migrate_stats[item]);
}

static bool pte_mapped(u64 pte) { return pte & (PTE_PRESENT | PTE_PROTNONE); }
static struct page *pte_page(u64 pte) { return phys_to_page(pte & PTE_ADDR_MASK); }

static void copy_user_page(struct page *to, struct page *from)
{
	memcpy(page_address(to), page_address(from), PAGE_SIZE);
}

/*
 * The PTE of mm at addr, locked, or NULL (then only mm->page_table_lock
 * is held). Both locks are taken: page_table_lock because exit_mmap frees
 * the tables under it (an mm found through the list of all mms is only
 * grabbed, not in use), and the PT's own lock because that is the one a
 * fault or a zap of this PTE holds (pte_lock=split, kernel/mm/pgtable.c;
 * with pte_lock=mm the two are one). Rank PAGE_TABLE before PTE.
 */
static u64 *lock_pte(struct mm_struct *mm, unsigned long addr, spinlock_t **ptl)
{
	u64 *pte;

	spin_lock(&mm->page_table_lock);
	pte = user_pte_lookup(mm->pgd, addr);
	*ptl = pte ? pte_lockptr(mm, pte) : &mm->page_table_lock;
	if (*ptl != &mm->page_table_lock)
		spin_lock(*ptl);
	return pte;
}

static void unlock_pte(struct mm_struct *mm, spinlock_t *ptl)
{
	if (ptl != &mm->page_table_lock)
		spin_unlock(ptl);
	spin_unlock(&mm->page_table_lock);
}

int page_node_at(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	int nid = -ENOENT;
	spinlock_t *ptl;
	u64 *pte;

	pte = lock_pte(mm, addr, &ptl);
	if (pte && pte_mapped(*pte))
		nid = page_to_nid(pte_page(*pte));
	unlock_pte(mm, ptl);
	return nid;
}

/* ---- copy-on-write pages ---- */

struct mm_list {
	struct mm_struct **mms;
	int n, max;
};

static void grab_mm(struct mm_struct *mm, void *arg)
{
	struct mm_list *l = arg;

	if (l->n < l->max) {
		mmgrab(mm);		/* keeps its pgd: its tables are walked under its page_table_lock */
		l->mms[l->n] = mm;
	}
	l->n++;
}

static void drop_mms(struct mm_list *l)
{
	for (int i = 0; i < min(l->n, l->max); i++)
		mmdrop(l->mms[i]);
	kfree(l->mms);
}

/* Every user mm, grabbed: 0, or -EBUSY if they outnumbered the room taken for them. */
static int grab_all_mms(struct mm_list *l)
{
	l->max = nr_mm_structs() + MIGRATE_MM_SLACK;
	l->n = 0;
	l->mms = kmalloc(sizeof(*l->mms) * l->max, GFP_KERNEL);
	if (!l->mms)
		return -ENOMEM;
	for_each_mm(grab_mm, l);
	if (l->n > l->max) {
		drop_mms(l);
		return -EBUSY;
	}
	return 0;
}

/* pte if it maps page (its lock held), else NULL. */
static u64 *pte_of_page(u64 *pte, struct page *page)
{
	return pte && pte_mapped(*pte) && pte_page(*pte) == page ? pte : NULL;
}

static int migrate_cow(struct vm_area_struct *vma, unsigned long addr, struct page *new)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *old = NULL;
	int found = 0, switched = 0, ret;
	bool writable = false;
	struct mm_list l;
	spinlock_t *ptl;
	u64 *pte;

	pte = lock_pte(mm, addr, &ptl);
	if (pte && pte_mapped(*pte)) {
		old = pte_page(*pte);
		get_page(old);		/* ours while we look: it cannot be freed and reused meanwhile */
	}
	unlock_pte(mm, ptl);
	if (!old)
		return -ENOENT;
	ret = grab_all_mms(&l);
	if (ret)
		goto out;
	for (int i = 0; i < l.n; i++) {
		pte = pte_of_page(lock_pte(l.mms[i], addr, &ptl), old);
		if (pte) {
			found++;
			writable |= *pte & PTE_WRITE;
		}
		unlock_pte(l.mms[i], ptl);
	}
	/* a mapping elsewhere (or a reference held for a moment): it could not be switched */
	ret = -EBUSY;
	if (writable || page_count(old) != found + 1)
		goto drop;
	copy_user_page(new, old);	/* nobody writes it: every mapping is read-only */
	for (int i = 0; i < l.n; i++) {
		struct mm_struct *m = l.mms[i];

		pte = pte_of_page(lock_pte(m, addr, &ptl), old);
		if (pte && !(*pte & PTE_WRITE)) {
			get_page(new);
			WRITE_ONCE(*pte, page_to_phys(new) | (*pte & ~PTE_ADDR_MASK));
			switched++;
		}
		unlock_pte(m, ptl);
		if (pte)
			flush_tlb_mm_range(m, addr, addr + PAGE_SIZE);	/* before the old page can go */
	}
	for (int i = 0; i < switched; i++)
		put_page(old);
	if (switched) {
		put_page(new);		/* the caller's reference: the PTEs hold theirs */
		ret = 0;
	}
drop:
	drop_mms(&l);
out:
	put_page(old);
	return ret;
}

/* ---- private pages ---- */

static int migrate_private(struct vm_area_struct *vma, unsigned long addr, struct page *new, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *old;
	spinlock_t *ptl;
	u64 *pte, entry;
	int ret = 0;

	pte = lock_pte(mm, addr, &ptl);
	if (!pte || !pte_mapped(*pte)) {
		ret = -ENOENT;
		goto unlock;
	}
	entry = *pte;
	old = pte_page(entry);
	if (page_count(old) != 1) {
		/* other processes map it too (copy-on-write): theirs to share, not ours to move */
		ret = (flags & MIGRATE_MOVE_ALL) ? -EAGAIN : -EACCES;
		goto unlock;
	}
	WRITE_ONCE(*pte, 0);
	flush_tlb_mm_range(mm, addr, addr + PAGE_SIZE);	/* no CPU writes the old page from here */
	copy_user_page(new, old);
	WRITE_ONCE(*pte, page_to_phys(new) | (entry & ~PTE_ADDR_MASK));
unlock:
	unlock_pte(mm, ptl);
	if (!ret)
		put_page(old);		/* the old PTE's reference: frees it */
	if (ret == -EAGAIN)
		ret = migrate_cow(vma, addr, new);
	return ret;
}

/* ---- pages of a shared object ---- */

struct mapping {
	struct mm_struct *mm;
	unsigned long addr;
	u64 entry;			/* the PTE cleared */
	unsigned int seq;		/* the mm's write-window count then */
};

/* Where v maps page offset index, or 0 if it does not (v read without its mmap_lock: see above). */
static unsigned long vma_address(struct vm_area_struct *v, unsigned long index)
{
	unsigned long start = READ_ONCE(v->vm_start), end = READ_ONCE(v->vm_end), pgoff = READ_ONCE(v->vm_pgoff);

	if (index < pgoff || index - pgoff >= (end - start) >> PAGE_SHIFT)
		return 0;
	return start + ((index - pgoff) << PAGE_SHIFT);
}

/* Counts the PTEs mapping page through the object's VMAs (i_mmap_lock held). */
static int count_mappings(struct anon_shared *obj, unsigned long index, struct page *page)
{
	struct vm_area_struct *v;
	int n = 0;

	list_for_each_entry(v, &obj->i_mmap, vm_shared_link) {
		unsigned long addr = vma_address(v, index);
		spinlock_t *ptl;
		u64 *pte;

		if (!addr)
			continue;
		pte = lock_pte(v->vm_mm, addr, &ptl);
		if (pte && pte_mapped(*pte) && pte_page(*pte) == page)
			n++;
		unlock_pte(v->vm_mm, ptl);
	}
	return n;
}

/*
 * Clears every PTE mapping page, noting each in maps[] (at most max).
 * Returns how many it cleared; *busy if one could not be (its mm is in a
 * write window, or there are more than max): the caller puts those back.
 */
static int unmap_mappings(struct anon_shared *obj, unsigned long index, struct page *page,
			  struct mapping *maps, int max, bool *busy)
{
	struct vm_area_struct *v;
	int n = 0;

	list_for_each_entry(v, &obj->i_mmap, vm_shared_link) {
		struct mm_struct *mm = v->vm_mm;
		unsigned long addr = vma_address(v, index);
		bool cleared = false;
		spinlock_t *ptl;
		u64 *pte;

		if (!addr)
			continue;
		pte = lock_pte(mm, addr, &ptl);
		if (pte && pte_mapped(*pte) && pte_page(*pte) == page) {
			if (n == max || !mmap_lock_speculate_try_begin(mm, &maps[n].seq)) {
				*busy = true;	/* a writer is changing that mm: it may be zapping this PTE */
			} else {
				maps[n].mm = mm;
				maps[n].addr = addr;
				maps[n].entry = *pte;
				WRITE_ONCE(*pte, 0);
				n++;
				cleared = true;
			}
		}
		unlock_pte(mm, ptl);
		if (cleared)
			flush_tlb_mm_range(mm, addr, addr + PAGE_SIZE);
		if (*busy)
			break;
	}
	return n;
}

/* Maps page again where it was cleared, wherever the mapping is still as we left it. */
static void remap_mappings(struct mapping *maps, int n, struct page *page)
{
	for (int i = 0; i < n; i++) {
		struct mm_struct *mm = maps[i].mm;
		spinlock_t *ptl;
		u64 *pte;

		pte = lock_pte(mm, maps[i].addr, &ptl);
		/* an mm that opened a write window since may have unmapped or changed it: leave it to a fault */
		if (pte && !*pte && !mmap_lock_speculate_retry(mm, maps[i].seq)) {
			get_page(page);
			WRITE_ONCE(*pte, page_to_phys(page) | (maps[i].entry & ~PTE_ADDR_MASK));
		} else {
			/* the cleared PTE is not coming back: it leaves the mm's RSS (a fault counts its own) */
			mm_count_event(mm, MM_RSS, -1);
		}
		unlock_pte(mm, ptl);
	}
}

static int migrate_shared(struct vm_area_struct *vma, unsigned long addr, struct page *new, unsigned int flags)
{
	struct anon_shared *obj = vma->vm_shared;
	unsigned long index = linear_page_index(vma, addr);
	struct mapping *maps = NULL;
	struct page *old = NULL;
	bool busy = false;
	int n, ret, max;
	spinlock_t *ptl;
	u64 *pte;

	pte = lock_pte(vma->vm_mm, addr, &ptl);
	if (pte && pte_mapped(*pte))
		old = pte_page(*pte);	/* no reference: the slot check below tells if it is still the one */
	unlock_pte(vma->vm_mm, ptl);
	if (!old)
		return -ENOENT;

	mutex_lock(&obj->i_mmap_lock);
	max = anon_shared_nattach(obj);
	n = count_mappings(obj, index, old);
	if (n > 1 && !(flags & MIGRATE_MOVE_ALL)) {
		ret = -EACCES;		/* mapped by others: Linux moves it only with MPOL_MF_MOVE_ALL */
		goto out;
	}
	maps = kmalloc(sizeof(*maps) * max, GFP_KERNEL);
	ret = -ENOMEM;
	if (!maps)
		goto out;
	ret = -EBUSY;
	if (!anon_shared_lock_slot(obj, index, old))
		goto out;	/* no longer the object's page there */
	n = unmap_mappings(obj, index, old, maps, max, &busy);
	if (busy || page_count(old) != 1 + n) {
		/* a mapper's mm is changing, or somebody else holds the page: put everything back */
		remap_mappings(maps, n, old);
		for (int i = 0; i < n; i++)
			put_page(old);		/* the cleared PTEs' references: remapping took new ones */
		anon_shared_unlock_slot(obj, index, old);
		goto out;
	}
	copy_user_page(new, old);
	anon_shared_unlock_slot(obj, index, new);	/* new's reference is the object's now */
	remap_mappings(maps, n, new);
	for (int i = 0; i <= n; i++)
		put_page(old);		/* the cleared PTEs' references and the object's: frees it */
	ret = 0;
out:
	mutex_unlock(&obj->i_mmap_lock);
	kfree(maps);
	return ret;
}

int migrate_page_at(struct vm_area_struct *vma, unsigned long addr, struct page *new, unsigned int flags)
{
	int ret;

	mmap_assert_locked(vma->vm_mm);
	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	if (vma->vm_shared)
		ret = migrate_shared(vma, addr, new, flags);
	else
		ret = migrate_private(vma, addr, new, flags);
	atomic_long_inc(&migrate_stats[ret ? MIGRATE_FAILED : MIGRATE_SUCCEEDED]);
	return ret;
}

int migrate_page_to_node(struct vm_area_struct *vma, unsigned long addr, int nid, unsigned int flags)
{
	struct page *new;
	int cur = page_node_at(vma, addr), ret;

	if (cur < 0 || cur == nid)
		return cur;
	new = alloc_pages_node(nid, __GFP_THISNODE | __GFP_MOVABLE | __GFP_NOWARN, 0);
	if (!new)
		return -ENOMEM;
	ret = migrate_page_at(vma, addr, new, flags);
	if (ret) {
		put_page(new);
		return ret;
	}
	return nid;
}
