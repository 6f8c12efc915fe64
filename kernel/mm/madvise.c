/*
 * kernel/mm/madvise.c - madvise: advice about a range of memory, with
 * Linux 6.12's answers.
 *
 * Checks, in Linux's order: an unknown advice, an unaligned start, a
 * length that rounds to nothing but was not 0 or a range that wraps
 * (EINVAL); length 0 (0). No TASK_SIZE check: a kernel range simply has
 * no VMAs. Then VMA by VMA: holes are skipped and reported at the end
 * (ENOMEM), an advice a VMA refuses ends the call there (what came before
 * stays advised). MADV_POPULATE_* is the exception, as in Linux 6.12: it
 * stops at the first hole.
 *
 * What each advice does here:
 *   NORMAL RANDOM SEQUENTIAL HUGEPAGE NOHUGEPAGE DONTDUMP DODUMP MERGEABLE
 *   UNMERGEABLE: recorded in vm_flags (splitting VMAs); no readahead,
 *     huge pages, core dumps or KSM here, so that is all they do.
 *   DONTFORK DOFORK: the child of fork does not get the range (kernel/mm/mm.c).
 *   WIPEONFORK KEEPONFORK: the child gets the range empty, reading zeros;
 *     private anonymous memory only (EINVAL for shared).
 *   DONTNEED DONTNEED_LOCKED: the pages go; private memory reads zeros
 *     after, shared memory keeps its contents in its object. DONTNEED
 *     refuses locked memory (EINVAL), DONTNEED_LOCKED does not.
 *   FREE: private memory only (EINVAL), not locked (EINVAL). The pages stay
 *     with their data until memory runs short, as on Linux without memory
 *     pressure; each written page becomes clean and PG_lazyfree, and a
 *     write after the call makes it dirty again (the hardware dirty bit).
 *   COLD PAGEOUT: not for locked memory (EINVAL). With no swap, the only
 *     pages reclaim can take are lazily freed ones still clean: PAGEOUT
 *     drops those (they read zeros after), as Linux does; COLD does nothing
 *     more than Linux without swap.
 *   WILLNEED: nothing to read ahead.
 *   POPULATE_READ POPULATE_WRITE: fault the range in, for reading or for
 *     writing (which breaks copy-on-write); a VMA without the right (read,
 *     or write) is EINVAL, a hole ENOMEM, a fault that fails EFAULT.
 *   Deliberately refused, as a Linux built without the feature: REMOVE on
 *     shared memory (EOPNOTSUPP: hole punching would need a reverse map of
 *     the object's mappers), COLLAPSE (EINVAL: no huge pages), HWPOISON and
 *     SOFT_OFFLINE (EINVAL: no memory-failure handling). docs/user.md.
 *
 * Locks: advice that changes vm_flags takes mmap_lock for writing; the
 * rest changes no VMA and, as in Linux 6.12, holds it for reading only.
 * DONTNEED, DONTNEED_LOCKED and FREE over a range inside one VMA take, in
 * every mode of vma_lookup but locked, only that VMA's own lock
 * (lock_vma_under_rcu(), kernel/mm/vma_lookup.c; as Linux 6.16), so that
 * a thread dropping its pages never waits for another thread's mmap;
 * counted as madv_vma_lock and madv_mmap_lock in the monitor's `vm`.
 * Their PTE changes race with faults on the PTE's lock alone, and either
 * order is valid: a fault first, and its page is zapped (or cleaned); the
 * zap first, and the fault maps a fresh page.
 */
#include "kernel/mm/vma.h"
#include "kernel/mm/pgtable.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/sched/task.h"
#include "kernel/errno.h"

#define SIZE_2M			(1UL << 21)
#define LAZYFREE_BATCH		64	/* pages dropped per TLB flush by MADV_PAGEOUT */

static bool madvise_behavior_valid(int advice)
{
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_DONTNEED: case MADV_FREE: case MADV_REMOVE: case MADV_DONTFORK:
	case MADV_DOFORK: case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK:
	case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT: case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE: case MADV_DONTNEED_LOCKED: case MADV_COLLAPSE:
		return true;
	default:
		return false;
	}
}

/* Advice that changes no VMA needs mmap_lock for reading only. */
static bool madvise_need_mmap_write(int advice)
{
	switch (advice) {
	case MADV_REMOVE: case MADV_WILLNEED: case MADV_DONTNEED: case MADV_DONTNEED_LOCKED:
	case MADV_COLD: case MADV_PAGEOUT: case MADV_FREE: case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE: case MADV_COLLAPSE:
		return false;
	default:
		return true;
	}
}

/* ---- advice recorded in vm_flags ---- */

/* The VMA's new flags under advice, or -EINVAL where Linux refuses it. */
static long madvise_new_flags(struct vm_area_struct *vma, int advice)
{
	unsigned long f = vma->vm_flags;

	switch (advice) {
	case MADV_NORMAL:	return f & ~(VM_SEQ_READ | VM_RAND_READ);
	case MADV_RANDOM:	return (f & ~VM_SEQ_READ) | VM_RAND_READ;
	case MADV_SEQUENTIAL:	return (f & ~VM_RAND_READ) | VM_SEQ_READ;
	case MADV_DONTFORK:	return f | VM_DONTCOPY;
	case MADV_DOFORK:	return f & ~VM_DONTCOPY;
	case MADV_HUGEPAGE:	return (f & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
	case MADV_NOHUGEPAGE:	return (f & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
	case MADV_DONTDUMP:	return f | VM_DONTDUMP;
	case MADV_DODUMP:	return f & VM_DROPPABLE ? -EINVAL : (long)(f & ~VM_DONTDUMP);
	case MADV_WIPEONFORK:	return f & VM_SHARED ? -EINVAL : (long)(f | VM_WIPEONFORK);
	case MADV_KEEPONFORK:	return f & VM_DROPPABLE ? -EINVAL : (long)(f & ~VM_WIPEONFORK);
	case MADV_MERGEABLE:
		/* KSM takes private memory only, and ignores the rest without a word */
		return f & (VM_SHARED | VM_MAYSHARE | VM_DROPPABLE) ? (long)f : (long)(f | VM_MERGEABLE);
	case MADV_UNMERGEABLE:	return f & ~VM_MERGEABLE;
	default:		return f;
	}
}

static int madvise_update_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
			      unsigned long end, int advice)
{
	long newflags = madvise_new_flags(vma, advice);

	if (newflags < 0)
		return newflags;
	/* Linux tells a failed split (kernel memory short) as EAGAIN: try again */
	return vma_modify_flags(mm, vma, start, end, newflags) == -ENOMEM ? -EAGAIN : 0;
}

/* ---- lazy freeing: MADV_FREE and MADV_PAGEOUT ---- */

static bool pte_mapped(u64 pte) { return pte & (PTE_PRESENT | PTE_PROTNONE); }

/*
 * MADV_FREE on one PTE: a page that was written becomes clean and lazily
 * freeable. Returns whether the PTE changed (its TLB entries must go).
 */
static bool lazyfree_pte(u64 *pte, u64 old, struct page *page)
{
	/* a page never written is what Linux maps its shared zero page for: nothing to free */
	if (!(old & PTE_DIRTY) && !test_bit(PG_lazyfree, &page->flags))
		return false;
	set_bit(PG_lazyfree, &page->flags);
	if (!(old & (PTE_DIRTY | PTE_ACCESSED)))
		return false;
	/* the CPU may set the accessed or dirty bit meanwhile: retry rather than lose it */
	while (cmpxchg(pte, old, old & ~(PTE_DIRTY | PTE_ACCESSED)) != old)
		old = READ_ONCE(*pte);
	return true;
}

/*
 * MADV_PAGEOUT on one PTE: a lazily freed page that nobody else maps and
 * nobody wrote since is dropped. Taking the PTE away atomically and then
 * looking at its dirty bit is what makes this safe: a write after the xchg
 * cannot set the bit in a PTE that is gone, it faults instead. Returns the
 * page to release after the TLB flush, or NULL.
 */
static struct page *pageout_pte(u64 *pte, struct page *page)
{
	u64 old;

	if (!test_bit(PG_lazyfree, &page->flags) || page_count(page) != 1)
		return NULL;
	old = xchg(pte, 0);
	if (old & PTE_DIRTY) {
		WRITE_ONCE(*pte, old);		/* written again: it is not free any more */
		clear_bit(PG_lazyfree, &page->flags);
		return NULL;
	}
	return page;
}

static void madvise_lazyfree_range(struct vm_area_struct *vma, unsigned long start, unsigned long end,
				   bool pageout)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *drop[LAZYFREE_BATCH];
	unsigned long va = start;

	vma_assert_stable(vma);
	while (va < end) {
		unsigned long first = va;
		bool changed = false;
		int n = 0;
		unsigned long pt_end = min(ALIGN_DOWN(va, PMD_SIZE) + PMD_SIZE, end);
		spinlock_t *ptl;
		u64 *pte = pte_offset_map_lock(mm, va, &ptl);

		if (!pte) {			/* no page table: on to the next one */
			va = pt_end;
			continue;
		}
		for (; va < pt_end && n < LAZYFREE_BATCH; va += PAGE_SIZE, pte++) {
			u64 old = READ_ONCE(*pte);
			struct page *page;

			if (!pte_mapped(old))
				continue;
			page = phys_to_page(old & PTE_ADDR_MASK);
			if (!pageout)
				changed |= lazyfree_pte(pte, old, page);
			else if ((page = pageout_pte(pte, page)))
				drop[n++] = page;
		}
		pte_unmap_unlock(ptl);
		/* a cleaned PTE must be refetched for a write to dirty it again; a dropped one must go */
		if (changed || n)
			flush_tlb_mm_range(mm, first, min(va, end));
		for (int i = 0; i < n; i++)
			put_page(drop[i]);
		mm_count_event(mm, MM_RSS, -n);
	}
}

/* ---- the advice of one VMA ---- */

static int madvise_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, int advice)
{
	switch (advice) {
	case MADV_WILLNEED:
		return 0;
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
	case MADV_FREE:
		if (advice != MADV_DONTNEED_LOCKED && (vma->vm_flags & VM_LOCKED))
			return -EINVAL;
		if (advice != MADV_FREE) {
			zap_page_range(vma, start, end);
			return 0;
		}
		if (vma_is_shared(vma))
			return -EINVAL;		/* lazy freeing is for private memory */
		madvise_lazyfree_range(vma, start, end, false);
		return 0;
	case MADV_COLD:
	case MADV_PAGEOUT:
		if (vma->vm_flags & VM_LOCKED)
			return -EINVAL;
		if (advice == MADV_PAGEOUT && !vma_is_shared(vma))
			madvise_lazyfree_range(vma, start, end, true);
		return 0;
	case MADV_REMOVE:
		if (vma->vm_flags & VM_LOCKED)
			return -EINVAL;
		return vma_is_shared(vma) ? -EOPNOTSUPP : -EINVAL;
	case MADV_COLLAPSE:
		return -EINVAL;
	default:
		return madvise_update_vma(mm, vma, start, end, advice);
	}
}

/* Linux's madvise_walk_vmas: every VMA of the range; holes are skipped and reported at the end. */
static int madvise_walk_vmas(struct mm_struct *mm, unsigned long start, unsigned long end, int advice)
{
	int unmapped_error = 0;

	while (start < end) {
		struct vm_area_struct *vma = find_vma(mm, start);
		unsigned long next;
		int ret;

		if (!vma)
			return -ENOMEM;
		if (vma->vm_start > start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		next = min(vma->vm_end, end);
		ret = madvise_vma(mm, vma, start, next, advice);
		if (ret)
			return ret;
		start = next;
	}
	return unmapped_error;
}

/* Linux 6.12's madvise_populate: stops at the first hole (ENOMEM) or VMA without the right (EINVAL). */
static int madvise_populate(struct mm_struct *mm, unsigned long start, unsigned long end, bool write)
{
	while (start < end) {
		struct vm_area_struct *vma = find_vma(mm, start);
		unsigned long next;

		if (!vma || vma->vm_start > start)
			return -ENOMEM;
		if (!(vma->vm_flags & (write ? VM_WRITE : VM_READ)))
			return -EINVAL;
		for (next = min(end, vma->vm_end); start < next; start += PAGE_SIZE) {
			int ret = faultin_page(vma, start, write);

			if (ret)
				return ret;
		}
	}
	return 0;
}

int vm_madvise(struct mm_struct *mm, unsigned long start, unsigned long len, int advice)
{
	bool write = madvise_need_mmap_write(advice);
	unsigned long end;
	int ret;

	if (!madvise_behavior_valid(advice))
		return -EINVAL;
	if (!IS_ALIGNED(start, PAGE_SIZE))
		return -EINVAL;
	end = start + ALIGN_UP(len, PAGE_SIZE);
	if ((len && end == start) || end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	if ((advice == MADV_DONTNEED || advice == MADV_DONTNEED_LOCKED || advice == MADV_FREE) &&
	    technique_mode(vma_lookup) != VMA_LOOKUP_LOCKED) {
		struct vm_area_struct *vma = lock_vma_under_rcu(mm, start, end);

		if (vma) {
			ret = madvise_vma(mm, vma, start, end, advice);
			vma_end_read(vma);
			vma_lookup_count(VL_MADV_VMA_LOCK);
			return ret;
		}
	}
	if (advice == MADV_DONTNEED || advice == MADV_DONTNEED_LOCKED || advice == MADV_FREE)
		vma_lookup_count(VL_MADV_MMAP_LOCK);
	if (write)
		mmap_write_lock(mm);
	else
		mmap_read_lock(mm);
	if (advice == MADV_POPULATE_READ || advice == MADV_POPULATE_WRITE)
		ret = madvise_populate(mm, start, end, advice == MADV_POPULATE_WRITE);
	else
		ret = madvise_walk_vmas(mm, start, end, advice);
	if (write)
		mmap_write_unlock(mm);
	else
		mmap_read_unlock(mm);
	return ret;
}

long sys_madvise(unsigned long addr, unsigned long len, int advice)
{
	return vm_madvise(current->mm, addr, len, advice);
}
