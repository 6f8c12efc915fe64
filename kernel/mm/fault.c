/*
 * kernel/mm/fault.c - page faults on user addresses.
 *
 * handle_user_fault(): find the VMA under mmap_lock (read), check the
 * access against the VMA's rights, then handle_mm_fault() resolves it:
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
 * A stack (VM_GROWSDOWN) grows on a fault just below it: the lock is
 * taken for writing to move vm_start down (expand_stack), as long as the
 * stack stays within STACK_MAX_SIZE and STACK_GUARD_GAP away from the
 * mapping below it.
 *
 * The checks, as on Linux x86: a read needs any of VM_READ/VM_WRITE/
 * VM_EXEC (x86 cannot map write-only or exec-only), a write VM_WRITE, an
 * instruction fetch VM_EXEC. Refused: SIGSEGV with SEGV_ACCERR; no VMA:
 * SEGV_MAPERR; beyond a shared object's end: SIGBUS.
 *
 * Everything runs under page_table_lock once the VMA is known, so faults
 * of several threads of one mm (all holding mmap_lock for reading) never
 * install two pages for one address.
 */
#include "kernel/mm/vma.h"
#include "kernel/panic.h"
#include "kernel/technique.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/sched/task.h"
#include "kernel/errno.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/regs.h"

/* x86 page-fault error code bits */
#define PF_PROT		(1UL << 0)	/* the page was present (a protection fault) */
#define PF_WRITE	(1UL << 1)
#define PF_USER		(1UL << 2)
#define PF_RSVD		(1UL << 3)
#define PF_INSTR	(1UL << 4)

static bool pte_mapped(u64 pte) { return pte & (PTE_PRESENT | PTE_PROTNONE); }

/* A new page for an unmapped PTE; called and returns with page_table_lock held. */
static int do_anonymous_page(struct vm_area_struct *vma, unsigned long addr, u64 *pte)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;

	if (vma->vm_shared) {
		page = anon_shared_page(vma->vm_shared, vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT));
		if (!page)
			return SIGBUS;
		mm_count_event(mm, MM_SHARED_FAULTS, 1);
	} else {
		page = alloc_page(GFP_KERNEL | __GFP_ZERO | __GFP_MOVABLE);
		if (!page)
			return -ENOMEM;
		mm_count_event(mm, MM_DEMAND_ZERO, 1);
	}
	WRITE_ONCE(*pte, page_to_phys(page) | vm_get_page_prot(vma->vm_flags));
	mm_count_event(mm, MM_RSS, 1);
	return 0;
}

/* Write to a present, write-protected private PTE; page_table_lock held. */
static int do_wp_page(struct vm_area_struct *vma, unsigned long addr, u64 *pte)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *old = phys_to_page(*pte & PTE_ADDR_MASK), *new;
	u64 prot = vm_get_page_prot(vma->vm_flags);

	if (page_count(old) == 1) {
		/* nobody else maps it: it is ours to write */
		if (vma->vm_flags & VM_WRITE)
			WRITE_ONCE(*pte, *pte | PTE_WRITE);
		mm_count_event(mm, MM_COW_REUSES, 1);
		return 0;
	}
	new = alloc_page(GFP_KERNEL | __GFP_MOVABLE);
	if (!new)
		return -ENOMEM;
	memcpy(page_address(new), page_address(old), PAGE_SIZE);
	WRITE_ONCE(*pte, page_to_phys(new) | prot);
	/* no CPU may go on reading the old page once this one writes the new */
	flush_tlb_mm_range(mm, addr, addr + PAGE_SIZE);
	put_page(old);
	mm_count_event(mm, MM_COW_COPIES, 1);
	return 0;
}

int handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	int created = 0, ret = 0;
	u64 *pte;

	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	spin_lock(&mm->page_table_lock);
	pte = user_pte_alloc(mm->pgd, addr, &created);
	mm_count_event(mm, MM_PGTABLES, created);
	if (!pte)
		ret = -ENOMEM;
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
 * The fault is just below a stack: trade the read lock for the write lock,
 * grow it if it may, and go back to reading. Returns the VMA that now
 * covers addr, or NULL.
 */
static struct vm_area_struct *grow_stack(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	up_read(&mm->mmap_lock);
	down_write(&mm->mmap_lock);
	vma = find_vma(mm, addr);		/* anything may have changed meanwhile */
	if (vma && vma->vm_start > addr && expand_stack(mm, vma, addr))
		vma = NULL;
	downgrade_write(&mm->mmap_lock);
	return vma;
}

/*
 * The naive counterpart, for `make bench` only: the whole fault under
 * mmap_lock held for writing, so faults of one mm never overlap.
 */
static int handle_user_fault_serialized(struct mm_struct *mm, unsigned long addr, unsigned int flags,
					int *si_code)
{
	struct vm_area_struct *vma;
	int ret;

	down_write(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start > addr && (vma->vm_flags & VM_GROWSDOWN) && expand_stack(mm, vma, addr))
		vma = NULL;
	*si_code = !vma || vma->vm_start > addr ? SEGV_MAPERR : SEGV_ACCERR;
	if (!vma || vma->vm_start > addr || access_error(vma, flags))
		ret = SIGSEGV;
	else
		ret = handle_mm_fault(vma, addr, flags);
	up_write(&mm->mmap_lock);
	if (ret)
		mm_count_event(mm, MM_BAD_FAULTS, 1);
	else
		*si_code = 0;
	return ret;
}

int handle_user_fault(struct mm_struct *mm, unsigned long addr, unsigned int flags, int *si_code)
{
	struct vm_area_struct *vma;
	int ret;

	mm_count_event(mm, MM_FAULTS, 1);
	if (addr >= mm->task_size || addr < MMAP_MIN_ADDR) {
		*si_code = SEGV_MAPERR;
		mm_count_event(mm, MM_BAD_FAULTS, 1);
		return SIGSEGV;
	}
	if (technique_mode(fault_mmap_lock) == FAULT_MMAP_LOCK_WRITE)
		return handle_user_fault_serialized(mm, addr, flags, si_code);
	down_read(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start > addr && (vma->vm_flags & VM_GROWSDOWN))
		vma = grow_stack(mm, addr);
	if (!vma || vma->vm_start > addr) {
		*si_code = SEGV_MAPERR;
		ret = SIGSEGV;
	} else if (access_error(vma, flags)) {
		*si_code = SEGV_ACCERR;
		ret = SIGSEGV;
	} else {
		*si_code = 0;
		ret = handle_mm_fault(vma, addr, flags);
	}
	up_read(&mm->mmap_lock);
	if (ret)
		mm_count_event(mm, MM_BAD_FAULTS, 1);
	return ret;
}
