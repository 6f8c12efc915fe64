/*
 * kernel/mm/msync.c - msync, as Linux 6.12 answers it.
 *
 * All memory here is anonymous: there is no file to write back, so msync
 * only checks, in Linux's order: unknown flags, an unaligned start, both
 * MS_ASYNC and MS_SYNC (EINVAL); a range that wraps (ENOMEM); an empty
 * one (0). Then VMA by VMA: MS_INVALIDATE of locked memory is EBUSY; a
 * hole is ENOMEM, at once for plain MS_ASYNC (nothing left to do), at the
 * end otherwise; nothing mapped from the start on is ENOMEM.
 */
#include "kernel/mm/vma.h"
#include "kernel/sched/task.h"
#include "kernel/errno.h"

long sys_msync(unsigned long start, unsigned long len, int flags)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int unmapped_error = 0, error;
	unsigned long end;

	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	end = start + ALIGN_UP(len, PAGE_SIZE);
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;
	mmap_read_lock(mm);
	for (vma = find_vma(mm, start); ; vma = find_vma(mm, start)) {
		error = -ENOMEM;
		if (!vma)
			break;
		if (start < vma->vm_start) {
			if (flags == MS_ASYNC)
				break;
			start = vma->vm_start;
			if (start >= end)
				break;
			unmapped_error = -ENOMEM;
		}
		error = -EBUSY;
		if ((flags & MS_INVALIDATE) && (vma->vm_flags & VM_LOCKED))
			break;
		error = 0;
		start = vma->vm_end;
		if (start >= end)
			break;
	}
	mmap_read_unlock(mm);
	return error ? error : unmapped_error;
}
