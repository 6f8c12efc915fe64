/*
 * kernel/mm/mlock.c - locking memory: mlock, mlock2, munlock, mlockall,
 * munlockall; and faulting memory in (Linux's populate functions), which
 * mlock, MAP_LOCKED and MAP_POPULATE share.
 *
 * A locked VMA (VM_LOCKED) has its pages faulted in when it is locked,
 * and MADV_DONTNEED, MADV_FREE, MADV_COLD and MADV_PAGEOUT refuse it
 * (EINVAL), so its memory stays resident and its data stays. With
 * VM_LOCKONFAULT (mlock2's MLOCK_ONFAULT, mlockall's MCL_ONFAULT) nothing
 * is faulted in: pages are locked as they are touched. There is no swap
 * and no reclaim here, so residency costs nothing more; what the flags
 * change is what the calls answer, as on Linux.
 *
 * Linux's rules, kept:
 *   - mlock rounds the range out to pages; a hole anywhere in it is ENOMEM,
 *     after locking what comes before the hole (munlock the same). Then it
 *     faults the range in: PROT_NONE memory cannot be (ENOMEM, the lock
 *     stays), and the VMAs after it are left as they are.
 *   - Memory the kernel may drop (MAP_DROPPABLE) is never locked: it keeps
 *     its flags without a word.
 *   - mlockall(MCL_CURRENT) locks every VMA and faults them in, ignoring
 *     what cannot be; MCL_FUTURE puts the lock in mm->def_flags, so every
 *     later mmap, brk and stack is locked (and faulted in) too. MCL_ONFAULT
 *     alone, no flag or an unknown one is EINVAL. munlockall undoes both.
 *   - Locks are not inherited: fork's child starts unlocked (kernel/mm/mm.c).
 *   - RLIMIT_MEMLOCK (MLOCK_LIMIT, reported as Linux reports it) binds a
 *     task without CAP_IPC_LOCK only, and every task here has root's
 *     capabilities, as a Linux root process: no lock is refused for size.
 */
#include "kernel/mm/vma.h"
#include "kernel/mm/pgtable.h"
#include "kernel/sched/task.h"
#include "kernel/errno.h"

#define MLOCKALL_FLAGS	(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)

/* ---- faulting in ---- */

int faultin_page(struct vm_area_struct *vma, unsigned long addr, bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	vm_fault_t ret = handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE : 0);
	u64 *pte;

	if (ret & VM_FAULT_OOM)
		return -ENOMEM;
	if (ret & VM_FAULT_ERROR)
		return -EFAULT;
	if (write) {
		/* dirty, as Linux makes a page it faults in for a write (MADV_FREE tells by it) */
		spinlock_t *ptl;

		pte = pte_offset_map_lock(mm, addr, &ptl);
		if (pte && (*pte & PTE_WRITE))
			__atomic_fetch_or(pte, PTE_DIRTY, __ATOMIC_RELAXED);
		if (pte)
			pte_unmap_unlock(ptl);
	}
	return 0;
}

int populate_vma_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	bool write;

	mmap_assert_locked(vma->vm_mm);
	if (vma->vm_flags & VM_LOCKONFAULT)
		return 0;		/* locked as it is touched: nothing to do now */
	if (!(vma->vm_flags & VM_ACCESS_FLAGS))
		return -EFAULT;		/* PROT_NONE memory is never faulted in */
	/* a write breaks the copy-on-write of private writable memory; shared memory need not be dirtied */
	write = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		int ret = faultin_page(vma, va, write);

		if (ret)
			return ret;
	}
	return 0;
}

int __mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len, bool ignore_errors)
{
	unsigned long end = start + len, cur = start;

	mmap_assert_locked(mm);
	while (cur < end) {
		struct vm_area_struct *vma = find_vma_intersection(mm, cur, end);
		unsigned long next;
		int ret;

		if (!vma)
			break;			/* holes are skipped, as Linux does */
		cur = max(cur, vma->vm_start);
		next = min(end, vma->vm_end);
		ret = populate_vma_page_range(vma, cur, next);
		if (ret && !ignore_errors)
			return ret;
		cur = next;
	}
	return 0;
}

/* ---- mlock, munlock ---- */

/* The lock bits of [start, end) inside vma become newflags'. */
static int mlock_fixup(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, unsigned long newflags)
{
	if (vma->vm_flags & VM_DROPPABLE)
		return 0;		/* never locked, and no error: Linux's rule */
	return vma_modify_flags(mm, vma, start, end, newflags);
}

/* Linux's apply_vma_lock_flags: VMA by VMA from start; a hole stops it with ENOMEM. */
static int apply_vma_lock_flags(struct mm_struct *mm, unsigned long start, unsigned long len,
				unsigned long flags)
{
	unsigned long end = start + len, cur;

	mmap_assert_write_locked(mm);
	if (end < start)
		return -EINVAL;
	for (cur = start; cur < end; ) {
		struct vm_area_struct *vma = find_vma(mm, cur);
		unsigned long next;
		int ret;

		if (!vma || vma->vm_start > cur)
			return -ENOMEM;
		next = min(vma->vm_end, end);
		ret = mlock_fixup(mm, vma, cur, next, (vma->vm_flags & ~VM_LOCKED_MASK) | flags);
		if (ret)
			return ret;
		cur = next;
	}
	return 0;
}

static long do_mlock(unsigned long start, unsigned long len, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	int ret;

	/* the range rounded out to pages; a length that wraps rounds to nothing, as in Linux */
	len = ALIGN_UP(len + (start & ~PAGE_MASK), PAGE_SIZE);
	start = ALIGN_DOWN(start, PAGE_SIZE);
	mmap_write_lock(mm);
	ret = apply_vma_lock_flags(mm, start, len, flags);
	if (ret) {
		mmap_write_unlock(mm);
		return ret;
	}
	mmap_write_downgrade(mm);
	ret = __mm_populate(mm, start, len, false);
	mmap_read_unlock(mm);
	/* POSIX's errors: memory that cannot be faulted in is ENOMEM, no memory for it EAGAIN */
	if (ret == -EFAULT)
		return -ENOMEM;
	if (ret == -ENOMEM)
		return -EAGAIN;
	return ret;
}

long sys_mlock(unsigned long start, unsigned long len)
{
	return do_mlock(start, len, VM_LOCKED);
}

long sys_mlock2(unsigned long start, unsigned long len, int flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(start, len, VM_LOCKED | (flags & MLOCK_ONFAULT ? VM_LOCKONFAULT : 0));
}

long sys_munlock(unsigned long start, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	int ret;

	len = ALIGN_UP(len + (start & ~PAGE_MASK), PAGE_SIZE);
	start = ALIGN_DOWN(start, PAGE_SIZE);
	mmap_write_lock(mm);
	ret = apply_vma_lock_flags(mm, start, len, 0);
	mmap_write_unlock(mm);
	return ret;
}

/* ---- mlockall, munlockall ---- */

/* The lock of every VMA, and of those to come, as flags say; errors are ignored, as Linux does. */
static void apply_mlockall_flags(struct mm_struct *mm, int flags)
{
	unsigned long to_add = 0, cur = 0;
	struct vm_area_struct *vma;

	mmap_assert_write_locked(mm);
	mm->def_flags &= ~VM_LOCKED_MASK;
	if (flags & MCL_FUTURE) {
		mm->def_flags |= VM_LOCKED | (flags & MCL_ONFAULT ? VM_LOCKONFAULT : 0);
		if (!(flags & MCL_CURRENT))
			return;		/* the VMAs there are keep their locks */
	}
	if (flags & MCL_CURRENT)
		to_add = VM_LOCKED | (flags & MCL_ONFAULT ? VM_LOCKONFAULT : 0);
	/* by address: a VMA may merge with its neighbours on the way */
	while ((vma = find_vma(mm, cur))) {
		unsigned long end = vma->vm_end;

		mlock_fixup(mm, vma, max(cur, vma->vm_start), end, (vma->vm_flags & ~VM_LOCKED_MASK) | to_add);
		cur = end;
	}
}

long sys_mlockall(int flags)
{
	struct mm_struct *mm = current->mm;

	if (!flags || (flags & ~MLOCKALL_FLAGS) || flags == MCL_ONFAULT)
		return -EINVAL;
	mmap_write_lock(mm);
	apply_mlockall_flags(mm, flags);
	if (!(flags & MCL_CURRENT)) {
		mmap_write_unlock(mm);
		return 0;
	}
	mmap_write_downgrade(mm);
	__mm_populate(mm, 0, mm->task_size, true);
	mmap_read_unlock(mm);
	return 0;
}

long sys_munlockall(void)
{
	struct mm_struct *mm = current->mm;

	mmap_write_lock(mm);
	apply_mlockall_flags(mm, 0);
	mmap_write_unlock(mm);
	return 0;
}
