/*
 * kernel/mm/mremap.c - mremap(2): resizing and moving a mapping.
 *
 *	mremap(old, old_len, new_len, flags, new)
 *
 * Shrinking unmaps the tail. Growing stays in place when the VMA ends the
 * old range and the room after it is free; else, with MREMAP_MAYMOVE, the
 * mapping moves to a free range (MREMAP_FIXED: to `new`, replacing what
 * was there). A move carries the page-table entries over, not copies of
 * the pages: the same pages (and for a shared mapping, the same offsets of
 * the same object) appear at the new address. MREMAP_DONTUNMAP moves the
 * pages but leaves the old range mapped: empty (zero-fill on the next
 * touch) for private memory, still the object for shared memory. An
 * old_len of 0 on a shared mapping makes a second mapping of the same
 * object (as Linux). musl's realloc uses mremap for large blocks.
 *
 * Everything happens with mmap_lock held for writing, inside the window
 * (kernel/mm/mmap_lock.h): the old VMA is write-locked (vma_start_write)
 * before its PTEs move, and the new one enters the tree only once its
 * PTEs are in place, so a lockless fault sees the mapping either before or
 * after, never half moved (kernel/mm/vma_lookup.c). A PTE moves under the
 * lock of its old PT, then under the lock of its new one, never both at
 * once (two locks of one rank); in between no fault can reach it.
 *
 * Linux's order of checks, so that every bad call gets Linux's errno:
 * flags, then old's alignment, then new_len (EINVAL), then whether a VMA
 * covers old (EFAULT), then the move's own checks. A move to `new`
 * (MREMAP_FIXED, or MREMAP_DONTUNMAP, where `new` is a hint) first checks
 * `new`, unmaps the target and the old tail, and only then the old VMA,
 * as Linux's mremap_to() does (found by the fuzzer, user/fuzz.c). Locked
 * memory that grows has its new part faulted in, as after mlock.
 */
#include "kernel/mm/vma.h"
#include "kernel/mm/pgtable.h"
#include "kernel/sched/task.h"
#include "kernel/errno.h"

#define MREMAP_MAYMOVE		1
#define MREMAP_FIXED		2
#define MREMAP_DONTUNMAP	4

/* Moves the PTEs of [old, old+len) to [new, new+len); new's tables are created. */
static int move_page_tables(struct mm_struct *mm, unsigned long old, unsigned long new, unsigned long len)
{
	for (unsigned long off = 0; off < len; off += PAGE_SIZE) {
		spinlock_t *ptl;
		int created = 0;
		u64 *pte = pte_offset_map_lock(mm, old + off, &ptl), entry;

		if (!pte) {
			off = ALIGN_DOWN(old + off, PMD_SIZE) + PMD_SIZE - old - PAGE_SIZE;
			continue;
		}
		entry = *pte;
		WRITE_ONCE(*pte, 0);
		pte_unmap_unlock(ptl);
		if (!entry)
			continue;
		pte = pte_alloc_map_lock(mm, new + off, &ptl, &created);
		mm_count_event(mm, MM_PGTABLES, created);
		if (!pte) {			/* no memory for a table: put it back where it was */
			pte = pte_offset_map_lock(mm, old + off, &ptl);
			WRITE_ONCE(*pte, entry);
			pte_unmap_unlock(ptl);
			return -ENOMEM;
		}
		WRITE_ONCE(*pte, entry);
		pte_unmap_unlock(ptl);
	}
	/* no CPU may go on using the old addresses of the moved pages */
	flush_tlb_mm_range(mm, old, old + len);
	return 0;
}

/*
 * Moves [old, old+old_len) of vma (old_len <= its end) to new, new_len
 * long (new_len >= old_len; the rest is new, empty mapping). mmap_lock
 * held for writing; new's range is free.
 */
static long move_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long old,
		     unsigned long old_len, unsigned long new, unsigned long new_len, bool dontunmap)
{
	struct vm_area_struct *copy = vm_area_dup(vma);
	int err;

	if (!copy)
		return -ENOMEM;
	if (mm->map_count >= MAX_MAP_COUNT - 3) {	/* the old VMA may split in three */
		vm_area_free(copy);
		return -ENOMEM;
	}
	copy->vm_start = new;
	copy->vm_end = new + new_len;
	copy->vm_pgoff = linear_page_index(vma, old);	/* a shared object's offsets move along */
	vma_start_write(vma);
	err = old_len ? move_page_tables(mm, old, new, old_len) : 0;
	if (err) {
		move_page_tables(mm, new, old, old_len);	/* what was moved goes back */
		vm_area_free(copy);
		return err;
	}
	vma_link(mm, copy);
	if (!dontunmap && old_len)
		do_munmap(mm, old, old_len);	/* its PTEs are gone already: only the VMA goes */
	else if (dontunmap && (vma->vm_flags & VM_LOCKED_MASK))
		/* what stays behind is empty, and no longer locked (Linux 6.12 clears it too) */
		vma_modify_flags(mm, vma, old, old + old_len, vma->vm_flags & ~VM_LOCKED_MASK);
	vma_merge(mm, copy);
	return new;
}

/* Can vma, which ends at old+old_len, grow in place by delta? */
static bool vma_expandable(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long delta)
{
	struct vm_area_struct *next = vma_next(mm, vma);
	unsigned long end = vma->vm_end + delta;

	if (end < vma->vm_end || end > mm->task_size)
		return false;
	return !next || next->vm_start >= end;
}

long vm_mremap(struct mm_struct *mm, unsigned long old, unsigned long old_len, unsigned long new_len,
	       unsigned long flags, unsigned long new)
{
	struct vm_area_struct *vma;
	bool fixed = flags & MREMAP_FIXED, dontunmap = flags & MREMAP_DONTUNMAP, locked = false;
	long ret;

	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if (fixed && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (dontunmap && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return -EINVAL;
	if (!IS_ALIGNED(old, PAGE_SIZE))
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (!new_len)
		return -EINVAL;

	mmap_write_lock(mm);
	vma = find_vma(mm, old);
	if (!vma || vma->vm_start > old) {
		ret = -EFAULT;
		goto out;
	}
	if (fixed || dontunmap) {
		/*
		 * Linux's mremap_to(), in its order: `new` is checked as a
		 * target even when it is only a hint (DONTUNMAP alone); the
		 * target and the old range's tail are unmapped before the old
		 * VMA is looked at, so a failure after that leaves them unmapped,
		 * and an old range reaching past its VMA is no error once what
		 * stays of it fits.
		 */
		if (!IS_ALIGNED(new, PAGE_SIZE) || new_len > mm->task_size || new > mm->task_size - new_len) {
			ret = -EINVAL;
			goto out;
		}
		if (old + old_len > new && new + new_len > old) {	/* the two ranges overlap */
			ret = -EINVAL;
			goto out;
		}
		if (fixed) {
			ret = do_munmap(mm, new, new_len);
			if (ret)
				goto out;
		}
		if (old_len > new_len) {
			ret = do_munmap(mm, old + new_len, old_len - new_len);
			if (ret)
				goto out;
			old_len = new_len;
		}
		vma = find_vma(mm, old);			/* the unmaps may have split it */
		if (!vma || vma->vm_start > old) {
			ret = -EFAULT;
			goto out;
		}
		if (!old_len && !vma_is_shared(vma)) {		/* only a shared mapping can be duplicated */
			ret = -EINVAL;
			goto out;
		}
		if (old_len > vma->vm_end - old) {		/* across the end of the VMA */
			ret = -EFAULT;
			goto out;
		}
		if (!fixed) {					/* DONTUNMAP: `new` is a hint */
			new = get_unmapped_area(mm, new, new_len, 0);
			if ((long)new < 0) {
				ret = new;
				goto out;
			}
		}
		locked = vma->vm_flags & VM_LOCKED;
		ret = move_vma(mm, vma, old, old_len, new, new_len, dontunmap);
		goto out;
	}
	if (old_len >= new_len) {			/* shrinking: the tail goes; the same length: nothing to do */
		ret = old_len == new_len ? 0 : do_munmap(mm, old + new_len, old_len - new_len);
		if (!ret)
			ret = old;
		goto out;
	}
	if (!old_len && !vma_is_shared(vma)) {		/* only a shared mapping can be duplicated */
		ret = -EINVAL;
		goto out;
	}
	if (old_len > vma->vm_end - old) {		/* across the end of the VMA */
		ret = -EFAULT;
		goto out;
	}
	locked = vma->vm_flags & VM_LOCKED;
	if (old_len && old + old_len == vma->vm_end && vma_expandable(mm, vma, new_len - old_len)) {
		vma_set_range(vma, vma->vm_start, vma->vm_end + new_len - old_len, vma->vm_pgoff);
		vma_merge(mm, vma);
		ret = old;
		goto out;
	}
	ret = -ENOMEM;
	if (flags & MREMAP_MAYMOVE) {
		new = get_unmapped_area(mm, 0, new_len, 0);
		ret = (long)new < 0 ? (long)new : move_vma(mm, vma, old, old_len, new, new_len, false);
	}
out:
	if (ret < 0 || !locked || new_len <= old_len) {
		mmap_write_unlock(mm);
		return ret;
	}
	/* locked memory that grew has its new part faulted in, as Linux's mm_populate after mremap */
	mmap_write_downgrade(mm);
	__mm_populate(mm, ret + old_len, new_len - old_len, true);
	mmap_read_unlock(mm);
	return ret;
}

long sys_mremap(unsigned long old, unsigned long old_len, unsigned long new_len, unsigned long flags,
		unsigned long new)
{
	return vm_mremap(current->mm, old, old_len, new_len, flags, new);
}
