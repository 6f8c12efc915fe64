/*
 * kernel/mm/pgtable.c - the user page tables of an mm and their locks, and
 * the technique pte_lock=mm|split.
 *
 * The four levels of a user page table (PML4 -> PDPT -> PD -> PT) are
 * allocated on demand by the fault path and freed only when the mm dies
 * (exit_mmap), so while an mm has users its tables can be walked without a
 * lock: an entry, once present, stays and keeps pointing at the same
 * table. Creating a table and changing a PTE do need locks:
 *
 *   mm  (the naive twin) one lock per mm, mm->page_table_lock, for the
 *       upper levels and for every PTE: two threads faulting far apart in
 *       one address space meet on its cache line.
 *   split (default) mm->page_table_lock for creating upper-level tables
 *       only; each PT page (512 PTEs, 2 MiB of address space) has its own
 *       lock in its struct page (page->ptl): faults on different 2 MiB
 *       ranges take different locks. Linux's split PTE locks.
 *
 * An mm keeps the mode it was created with (mm->split_ptl): a lock must be
 * the same one for everybody who touches a PTE, so the switch, live,
 * chooses for the address spaces created after it (`technique pte_lock
 * mm`, then start the program).
 *
 * The walks that change PTEs over a range (munmap's zap, mprotect's
 * rewrite) take the lock of each PT they find, and for a range whose PT
 * does not exist they take mm->page_table_lock before concluding so: a
 * fault that creates that PT later does so under the same lock, and so is
 * ordered after the walk, and sees what the writer did before it (the
 * per-VMA sequence count of the lockless fault path, kernel/mm/fault.c).
 */
#include "kernel/mm/pgtable.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/technique.h"

DEFINE_TECHNIQUE(pte_lock, "user PTEs under one lock per mm, or one per page-table page (for mms created after "
		 "the switch)", TECHNIQUE_LIVE, PTE_LOCK_SPLIT, "mm", "split");

/* Sets up a new page-table page before it is linked in: a PT gets its lock. */
static void pgtable_ctor(u64 *table, int level)
{
	if (level == 1)
		spin_lock_init_rank(&virt_to_page(table)->ptl, "pte_lock", LOCK_RANK_PTE);
}

spinlock_t *pte_lockptr(struct mm_struct *mm, u64 *pte)
{
	if (!mm->split_ptl)
		return &mm->page_table_lock;
	return &virt_to_page((void *)ALIGN_DOWN((unsigned long)pte, PAGE_SIZE))->ptl;
}

u64 *pte_offset_map_lock(struct mm_struct *mm, unsigned long va, spinlock_t **ptlp)
{
	u64 *pte = user_pte_lookup(mm->pgd, va);

	if (!pte) {
		/*
		 * No PT here, as far as a lockless look can tell: conclude
		 * it under the lock PTs are created under, so that whoever
		 * creates it now is ordered after us (see the top).
		 */
		spin_lock(&mm->page_table_lock);
		pte = user_pte_lookup(mm->pgd, va);
		spin_unlock(&mm->page_table_lock);
		if (!pte)
			return NULL;
	}
	*ptlp = pte_lockptr(mm, pte);
	spin_lock(*ptlp);
	return pte;
}

u64 *pte_alloc_map_lock(struct mm_struct *mm, unsigned long va, spinlock_t **ptlp, int *created)
{
	u64 *pte = user_pte_lookup(mm->pgd, va);

	if (!pte) {
		spin_lock(&mm->page_table_lock);
		pte = user_pte_alloc(mm->pgd, va, created, pgtable_ctor);
		spin_unlock(&mm->page_table_lock);
		if (!pte)
			return NULL;
	}
	*ptlp = pte_lockptr(mm, pte);
	spin_lock(*ptlp);
	return pte;
}

u64 *pte_alloc_unlocked(struct mm_struct *mm, unsigned long va, int *created)
{
	return user_pte_alloc(mm->pgd, va, created, pgtable_ctor);
}

void mm_init_pte_lock(struct mm_struct *mm)
{
	mm->split_ptl = technique_mode(pte_lock) == PTE_LOCK_SPLIT;
}
