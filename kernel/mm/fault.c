/*
 * kernel/mm/fault.c - page faults on user addresses.
 *
 * handle_user_fault(): find the VMA under mmap_lock, check the access
 * against the VMA's rights, then handle_mm_fault() resolves it:
 *
 *   PTE not mapped   -> demand-zero: a fresh zeroed page (private; read-only
 *                       after a read, as Linux maps its zero page, so that
 *                       the first write faults and marks the VMA written),
 *                       or the object's page at that offset (shared)
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
 * starts again under the write lock (expand_stack, kernel/mm/mmap.c, with
 * Linux's limits on how far a stack may grow).
 *
 * The checks, as on Linux x86: a read needs any of VM_READ/VM_WRITE/
 * VM_EXEC (x86 cannot map write-only or exec-only), a write VM_WRITE, an
 * instruction fetch VM_EXEC. The answer is a vm_fault_t (vma.h): refused,
 * VM_FAULT_SIGSEGV with VM_FAULT_BADACCESS; no VMA, with VM_FAULT_BADMAP;
 * beyond a shared object's end, VM_FAULT_SIGBUS. The architecture makes
 * the signal of it.
 *
 * Everything runs under the PTE's lock once the VMA is known (pgtable.c),
 * so two faults never install two pages for one address. How the VMA is
 * found is the technique vma_lookup: under mmap_lock (`locked`, here), or
 * without it (kernel/mm/vma_lookup.c), in which case the VMA may change
 * under the fault: do_pte_fault() then checks the VMA's sequence count
 * under the PTE lock before it changes the PTE, and answers VM_FAULT_RETRY
 * if it moved.
 */
#include "kernel/mm/vma.h"
#include "kernel/mm/fault.h"
#include "kernel/mm/pgtable.h"
#include "kernel/panic.h"
#include "kernel/technique.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/cpu.h"

static bool pte_mapped(u64 pte) { return pte & (PTE_PRESENT | PTE_PROTNONE); }

void vmf_from_vma(struct vm_fault *vmf, struct vm_area_struct *vma, unsigned long addr, unsigned int flags)
{
	vmf->vma = vma;
	vmf->address = ALIGN_DOWN(addr, PAGE_SIZE);
	vmf->flags = flags;
	vmf->vm_start = vma->vm_start;
	vmf->vm_end = vma->vm_end;
	vmf->vm_flags = vma->vm_flags;
	vmf->vm_seq = vma->vm_seq;
	vmf->speculative = false;
}

/* A new page for an unmapped PTE. */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf, u64 *pte)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	u64 prot = vm_get_page_prot(vmf->vm_flags);
	struct page *page;

	if (vma->vm_shared) {
		page = anon_shared_page(vma, vmf->address);
		if (page == ANON_SHARED_MIGRATING)
			return 0;	/* the access faults again until the migration is done */
		if (!page)
			return VM_FAULT_SIGBUS;
		mm_count_event(mm, MM_SHARED_FAULTS, 1);
	} else {
		page = alloc_page_vma(GFP_KERNEL | __GFP_ZERO | __GFP_MOVABLE, vma, vmf->address);
		if (!page)
			return VM_FAULT_OOM;
		mm_count_event(mm, MM_DEMAND_ZERO, 1);
		if (!(vmf->flags & FAULT_FLAG_WRITE))
			prot &= ~PTE_WRITE;	/* as Linux's zero page: the first write sets vm_written */
	}
	WRITE_ONCE(*pte, page_to_phys(page) | prot);
	mm_count_event(mm, MM_RSS, 1);
	return 0;
}

/* Write to a present, write-protected private PTE. */
static vm_fault_t do_wp_page(struct vm_fault *vmf, u64 *pte)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page *old = phys_to_page(*pte & PTE_ADDR_MASK), *new;
	u64 prot = vm_get_page_prot(vmf->vm_flags);

	if (page_count(old) == 1) {
		/* nobody else maps it: it is ours to write */
		if (vmf->vm_flags & VM_WRITE)
			WRITE_ONCE(*pte, *pte | PTE_WRITE);
		mm_count_event(mm, MM_COW_REUSES, 1);
		return 0;
	}
	new = alloc_page_vma(GFP_KERNEL | __GFP_MOVABLE, vma, vmf->address);
	if (!new)
		return VM_FAULT_OOM;
	memcpy(page_address(new), page_address(old), PAGE_SIZE);
	WRITE_ONCE(*pte, page_to_phys(new) | prot);
	/* no CPU may go on reading the old page once this one writes the new */
	flush_tlb_mm_range(mm, vmf->address, vmf->address + PAGE_SIZE);
	put_page(old);
	mm_count_event(mm, MM_COW_COPIES, 1);
	return 0;
}

/*
 * Under the PTE lock: is the VMA still the one the fault saw? Always, for
 * a fault that holds mmap_lock or the VMA's lock. A fault without either
 * compares the VMA's sequence count with the lookup's: every change to the
 * VMA bumped it (vma_start_write) before it touched this PT's lock or, if
 * there was no PT yet, mm->page_table_lock, under which this PT was then
 * created; either lock orders that store before this load.
 */
static bool vmf_still_valid(const struct vm_fault *vmf)
{
	return !vmf->speculative || READ_ONCE(vmf->vma->vm_seq) == vmf->vm_seq;
}

vm_fault_t do_pte_fault(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	unsigned int flags = vmf->flags;
	vm_fault_t ret = 0;
	int created = 0;
	spinlock_t *ptl;
	u64 *pte;

	fault_test_hook(vmf);			/* debug builds: a test may change the VMA here */
	pte = pte_alloc_map_lock(mm, vmf->address, &ptl, &created);
	mm_count_event(mm, MM_PGTABLES, created);
	if (!pte)
		return VM_FAULT_OOM;
	if ((flags & FAULT_FLAG_WRITE) && !(vmf->vm_flags & VM_SHARED) && !READ_ONCE(vmf->vma->vm_written)) {
		/*
		 * A write to private memory: the VMA has been written. Set
		 * before the check below, with a full barrier, pairing with the
		 * one in mprotect_fixup() between its vma_start_write() and its
		 * read of vm_written: either mprotect sees it, or this fault
		 * sees its bump and retries behind it. (At worst, a fault that
		 * then fails leaves it set: it only ever keeps a charge.)
		 */
		WRITE_ONCE(vmf->vma->vm_written, true);
		smp_mb();
	}
	if (!vmf_still_valid(vmf))
		ret = VM_FAULT_RETRY;
	else if (!pte_mapped(*pte))
		ret = do_anonymous_page(vmf, pte);
	else if ((flags & FAULT_FLAG_WRITE) && !(*pte & PTE_WRITE) && !(vmf->vm_flags & VM_SHARED))
		ret = do_wp_page(vmf, pte);
	else if ((flags & FAULT_FLAG_WRITE) && !(*pte & PTE_WRITE) && (vmf->vm_flags & VM_WRITE))
		WRITE_ONCE(*pte, *pte | PTE_WRITE);
	else if (!(flags & FAULT_FLAG_REMOTE)) {
		invlpg(vmf->address);
		mm_count_event(mm, MM_SPURIOUS, 1);
	}
	pte_unmap_unlock(ptl);
	return ret;
}

vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags)
{
	struct vm_fault vmf;

	mmap_assert_locked(vma->vm_mm);
	vmf_from_vma(&vmf, vma, addr, flags);
	return do_pte_fault(&vmf);
}

vm_fault_t vma_access_error(const struct vm_fault *vmf)
{
	unsigned long f = vmf->vm_flags;
	bool bad;

	if (vmf->flags & FAULT_FLAG_REMOTE)
		bad = false;
	else if (vmf->flags & FAULT_FLAG_WRITE)
		bad = !(f & VM_WRITE);
	else if (vmf->flags & FAULT_FLAG_INSTRUCTION)
		bad = !(f & VM_EXEC);
	else
		bad = !(f & VM_ACCESS_FLAGS);
	return bad ? VM_FAULT_SIGSEGV | VM_FAULT_BADACCESS : 0;
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

/*
 * One attempt with mmap_lock held for writing (write) or for reading.
 * A stack must grow to cover addr: only a writer may move it, so a reader
 * gives up with VM_FAULT_RETRY (having dropped its lock) for the caller
 * to try again as a writer.
 */
static vm_fault_t user_fault_locked(struct mm_struct *mm, unsigned long addr, unsigned int flags, bool write)
{
	struct vm_area_struct *vma;
	struct vm_fault vmf;
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
	if (!vma || vma->vm_start > addr) {
		ret = VM_FAULT_SIGSEGV | VM_FAULT_BADMAP;
	} else {
		vmf_from_vma(&vmf, vma, addr, flags);
		ret = vma_access_error(&vmf);
		if (!ret)
			ret = do_pte_fault(&vmf);
	}
out:
	if (write)
		mmap_write_unlock(mm);
	else
		mmap_read_unlock(mm);
	return ret;
}

vm_fault_t fault_locked(struct mm_struct *mm, unsigned long addr, unsigned int flags)
{
	bool write = technique_mode(fault_mmap_lock) == FAULT_MMAP_LOCK_WRITE;
	vm_fault_t ret = user_fault_locked(mm, addr, flags, write);

	if (ret & VM_FAULT_RETRY)	/* the stack must grow: only a writer may */
		ret = user_fault_locked(mm, addr, flags, true);
	return ret;
}

vm_fault_t handle_user_fault(struct mm_struct *mm, unsigned long addr, unsigned int flags)
{
	int mode = technique_mode(vma_lookup);		/* once: the whole fault runs in one mode */
	vm_fault_t ret;

	mm_count_event(mm, MM_FAULTS, 1);
	if (addr >= mm->task_size || addr < MMAP_MIN_ADDR) {
		ret = VM_FAULT_SIGSEGV | VM_FAULT_BADMAP;
	} else {
		if (mode == VMA_LOOKUP_LOCKED)
			vma_lookup_count_locked();
		ret = mode == VMA_LOOKUP_LOCKED ? VM_FAULT_RETRY : fault_lockless(mm, addr, flags, mode);
		if (ret & VM_FAULT_RETRY)		/* locked, or a lockless fault gave up */
			ret = fault_locked(mm, addr, flags);
	}
	if (ret & VM_FAULT_ERROR)
		mm_count_event(mm, MM_BAD_FAULTS, 1);
	return ret;
}
