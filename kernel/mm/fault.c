/*
 * kernel/mm/fault.c - page faults on user addresses.
 *
 * handle_user_fault(): find the VMA under mmap_lock, check the access
 * against the VMA's rights, then handle_mm_fault() resolves it:
 *
 *   PTE not mapped   -> demand-zero: a fresh zeroed page (private), or the
 *                       object's page at that offset (shared)
 *   write, PTE not   -> private: copy-on-write. If this PTE is the page's
 *   writable            only reference, make it writable in place (reuse);
 *                       else copy into a new page, install it, flush the old
 *                       translation from every CPU of the mm, drop the old.
 *                       shared: make the PTE writable
 *   anything else    -> spurious: the PTE already allows it (a stale TLB
 *                       entry on this CPU): invlpg and retry
 *
 * A stack (VM_GROWSDOWN) grows on a fault just below it. That moves
 * vm_start, a change of the tree, so it needs mmap_lock for writing: an
 * attempt under the read lock gives up with VM_FAULT_RETRY and the fault
 * starts again under the write lock (expand_stack), which lets the stack
 * grow as long as it stays within STACK_MAX_SIZE and STACK_GUARD_GAP away
 * from the mapping below it.
 *
 * The checks, as on Linux x86: a read needs any of VM_READ/VM_WRITE/
 * VM_EXEC (x86 cannot map write-only or exec-only), a write VM_WRITE, an
 * instruction fetch VM_EXEC. The answer is a vm_fault_t (vma.h): refused,
 * VM_FAULT_SIGSEGV with VM_FAULT_BADACCESS; no VMA, with VM_FAULT_BADMAP;
 * beyond a shared object's end, VM_FAULT_SIGBUS. The architecture makes
 * the signal of it.
 *
 * Everything runs under page_table_lock once the VMA is known, so faults
 * of several threads of one mm (all holding mmap_lock for reading) never
 * install two pages for one address.
 */
#include "kernel/mm/vma.h"
#include "kernel/panic.h"
#include "kernel/technique.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/cpu.h"

static bool pte_mapped(u64 pte) { return pte & (PTE_PRESENT | PTE_PROTNONE); }

/* A new page for an unmapped PTE. */
static vm_fault_t do_anonymous_page(struct vm_area_struct *vma, unsigned long addr, u64 *pte)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;

	lockdep_assert_held(&mm->page_table_lock);
	if (vma->vm_shared) {
		page = anon_shared_page(vma, addr);
		if (page == ANON_SHARED_MIGRATING)
			return 0;	/* the access faults again until the migration is done */
		if (!page)
			return VM_FAULT_SIGBUS;
		mm_count_event(mm, MM_SHARED_FAULTS, 1);
	} else {
		page = alloc_page_vma(GFP_KERNEL | __GFP_ZERO | __GFP_MOVABLE, vma, addr);
		if (!page)
			return VM_FAULT_OOM;
		mm_count_event(mm, MM_DEMAND_ZERO, 1);
	}
	WRITE_ONCE(*pte, page_to_phys(page) | vm_get_page_prot(vma->vm_flags));
	mm_count_event(mm, MM_RSS, 1);
	return 0;
}

/* Write to a present, write-protected private PTE. */
static vm_fault_t do_wp_page(struct vm_area_struct *vma, unsigned long addr, u64 *pte)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *old = phys_to_page(*pte & PTE_ADDR_MASK), *new;
	u64 prot = vm_get_page_prot(vma->vm_flags);

	lockdep_assert_held(&mm->page_table_lock);
	if (page_count(old) == 1) {
		/* nobody else maps it: it is ours to write */
		if (vma->vm_flags & VM_WRITE)
			WRITE_ONCE(*pte, *pte | PTE_WRITE);
		mm_count_event(mm, MM_COW_REUSES, 1);
		return 0;
	}
	new = alloc_page_vma(GFP_KERNEL | __GFP_MOVABLE, vma, addr);
	if (!new)
		return VM_FAULT_OOM;
	memcpy(page_address(new), page_address(old), PAGE_SIZE);
	WRITE_ONCE(*pte, page_to_phys(new) | prot);
	/* no CPU may go on reading the old page once this one writes the new */
	flush_tlb_mm_range(mm, addr, addr + PAGE_SIZE);
	put_page(old);
	mm_count_event(mm, MM_COW_COPIES, 1);
	return 0;
}

vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	vm_fault_t ret = 0;
	int created = 0;
	u64 *pte;

	mmap_assert_locked(mm);
	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	spin_lock(&mm->page_table_lock);
	pte = user_pte_alloc(mm->pgd, addr, &created);
	mm_count_event(mm, MM_PGTABLES, created);
	if (!pte)
		ret = VM_FAULT_OOM;
	else if (!pte_mapped(*pte))
		ret = do_anonymous_page(vma, addr, pte);
	else if ((flags & FAULT_FLAG_WRITE) && !(*pte & PTE_WRITE) && !vma_is_shared(vma))
		ret = do_wp_page(vma, addr, pte);
	else if ((flags & FAULT_FLAG_WRITE) && !(*pte & PTE_WRITE) && (vma->vm_flags & VM_WRITE))
		WRITE_ONCE(*pte, *pte | PTE_WRITE);
	else if (!(flags & FAULT_FLAG_REMOTE)) {
		invlpg(addr);
		mm_count_event(mm, MM_SPURIOUS, 1);
	}
	spin_unlock(&mm->page_table_lock);
	return ret;
}

static bool access_error(struct vm_area_struct *vma, unsigned int flags)
{
	if (flags & FAULT_FLAG_REMOTE)
		return false;
	if (flags & FAULT_FLAG_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	if (flags & FAULT_FLAG_INSTRUCTION)
		return !(vma->vm_flags & VM_EXEC);
	return !(vma->vm_flags & VM_ACCESS_FLAGS);
}

/*
 * The technique fault_mmap_lock=write|read. write, the naive twin: a
 * whole page fault runs under mmap_lock held for writing, so the faults of
 * one mm never overlap. read (the default): faults hold it for reading and
 * run side by side, meeting only on the page-table lock. Each fault reads
 * the mode once.
 */
DEFINE_TECHNIQUE(fault_mmap_lock, "page faults under mmap_lock held for writing, or for reading",
		 TECHNIQUE_LIVE, FAULT_MMAP_LOCK_READ, "write", "read");

int expand_stack(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *prev = vma_prev(mm, vma);
	unsigned long grow;

	mmap_assert_write_locked(mm);
	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	if (!(vma->vm_flags & VM_GROWSDOWN) || addr < MMAP_MIN_ADDR || vma->vm_end - addr > STACK_MAX_SIZE)
		return -ENOMEM;
	/*
	 * Growing moves vm_start and vm_pgoff down together: for a shared
	 * object that would map pages at offsets the mapping never had (its
	 * old pages, after a partial munmap). mmap refuses MAP_SHARED |
	 * MAP_GROWSDOWN, so this cannot happen; make sure it stays so.
	 */
	if (WARN_ON_ONCE(vma->vm_shared))
		return -ENOMEM;
	if (addr >= vma->vm_start)
		return 0;
	if (prev && addr - prev->vm_end < STACK_GUARD_GAP)
		return -ENOMEM;
	grow = (vma->vm_start - addr) >> PAGE_SHIFT;
	vma_set_range(vma, addr, vma->vm_end, vma->vm_pgoff - grow);
	return 0;
}

/*
 * One attempt with mmap_lock held for writing (write) or for reading.
 * A stack must grow to cover addr: only a writer may move it, so a reader
 * gives up with VM_FAULT_RETRY (having dropped its lock) for the caller
 * to try again as a writer.
 */
static vm_fault_t user_fault_locked(struct mm_struct *mm, unsigned long addr, unsigned int flags, bool write)
{
	struct vm_area_struct *vma;
	vm_fault_t ret;

	if (write)
		mmap_write_lock(mm);
	else
		mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start > addr && (vma->vm_flags & VM_GROWSDOWN)) {
		if (!write) {
			ret = VM_FAULT_RETRY;
			goto out;
		}
		if (expand_stack(mm, vma, addr))
			vma = NULL;
	}
	if (!vma || vma->vm_start > addr)
		ret = VM_FAULT_SIGSEGV | VM_FAULT_BADMAP;
	else if (access_error(vma, flags))
		ret = VM_FAULT_SIGSEGV | VM_FAULT_BADACCESS;
	else
		ret = handle_mm_fault(vma, addr, flags);
out:
	if (write)
		mmap_write_unlock(mm);
	else
		mmap_read_unlock(mm);
	return ret;
}

vm_fault_t handle_user_fault(struct mm_struct *mm, unsigned long addr, unsigned int flags)
{
	vm_fault_t ret;

	mm_count_event(mm, MM_FAULTS, 1);
	if (addr >= mm->task_size || addr < MMAP_MIN_ADDR) {
		ret = VM_FAULT_SIGSEGV | VM_FAULT_BADMAP;
	} else {
		bool write = technique_mode(fault_mmap_lock) == FAULT_MMAP_LOCK_WRITE;

		ret = user_fault_locked(mm, addr, flags, write);
		if (ret & VM_FAULT_RETRY)	/* the stack must grow: only a writer may */
			ret = user_fault_locked(mm, addr, flags, true);
	}
	if (ret & VM_FAULT_ERROR)
		mm_count_event(mm, MM_BAD_FAULTS, 1);
	return ret;
}
