/*
 * kernel/mm/mmap.c - mmap, munmap, mprotect, madvise and brk on an mm,
 * with Linux's argument checks and errno values (see vma.h), and the
 * system calls (sys_mmap ...) that apply them to the calling process.
 *
 * Each vm_* entry validates its arguments, takes mmap_lock (for writing,
 * except MADV_DONTNEED which, as in Linux, only needs it for reading since
 * it changes no VMA) and works on whole VMAs: a range that starts or ends
 * inside a VMA splits it first; afterwards neighbours that became
 * compatible merge again, so the tree stays as small as the mappings allow.
 *
 * Holding mmap_lock for writing is the window in which the mm is seen to
 * change (mm->mm_lock_seq odd, kernel/mm/mmap_lock.h). Everything that
 * makes a VMA's rights or extent wrong for a fault in flight happens
 * inside it: the splits, merges and tree edits, munmap's zap of the PTEs
 * and mprotect's rewrite of them. What changes no VMA is done outside it:
 * MAP_POPULATE faults its pages in after downgrading to the read lock,
 * and MADV_DONTNEED zaps under the read lock alone.
 *
 * Where Linux's semantics are worth spelling out:
 *   - mmap: no MAP_ANONYMOUS -> EBADF (there are no files); len 0 ->
 *     EINVAL; MAP_TYPE neither PRIVATE nor SHARED -> EINVAL (that includes
 *     SHARED_VALIDATE = PRIVATE|SHARED, which Linux honours for files
 *     only); MAP_FIXED with an unaligned addr -> EINVAL; MAP_FIXED below
 *     MMAP_MIN_ADDR -> EPERM; no room, or a MAP_FIXED range reaching past
 *     TASK_SIZE -> ENOMEM; MAP_FIXED_NOREPLACE over a mapping -> EEXIST; MAP_HUGETLB ->
 *     ENOMEM (no huge pages reserved, Linux's default); unknown PROT_
 *     bits are ignored (Linux's mmap does not check them; mprotect does).
 *   - munmap: unaligned addr or len 0 -> EINVAL; nothing mapped -> 0.
 *   - mprotect: unaligned -> EINVAL; len 0 -> 0; unknown bits -> EINVAL;
 *     a hole in the range -> ENOMEM; more than VM_MAY* allows -> EACCES.
 *     Unlike Linux, nothing is changed when the range has a hole.
 *   - madvise: unaligned or unknown advice -> EINVAL; len 0 -> 0; a hole
 *     -> ENOMEM after advising the mapped parts, as Linux does.
 *   - brk: below start_brk, or growing into the next mapping, leaves the
 *     break unchanged; the call returns the break either way.
 */
#include "kernel/mm/vma.h"
#include "kernel/sched/task.h"
#include "kernel/errno.h"

#define MAP_32BIT_LOW	0x40000000UL	/* Linux x86-64 places MAP_32BIT in [1 GiB, 2 GiB) */
#define MAP_32BIT_HIGH	0x80000000UL
#define PROT_VALID	(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)

static unsigned long prot_to_vm_flags(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

static bool range_ok(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	return addr >= MMAP_MIN_ADDR && len <= mm->task_size && addr <= mm->task_size - len;
}

/* ---- unmapping ---- */

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	struct vm_area_struct *vma, *last;
	unsigned long end;

	mmap_assert_write_locked(mm);	/* the zap below must happen inside the window */
	if (!IS_ALIGNED(start, PAGE_SIZE) || start > mm->task_size || len > mm->task_size - start)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len)
		return -EINVAL;
	end = start + len;
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return 0;
	if (vma->vm_start < start && !split_vma(mm, vma, start))
		return -ENOMEM;
	last = find_vma(mm, end);
	if (last && last->vm_start < end && !split_vma(mm, last, end))
		return -ENOMEM;
	while ((vma = find_vma(mm, start)) && vma->vm_start < end) {
		vma_start_write(vma);		/* lockless faults on it: before its PTEs go */
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		vma_unlink(mm, vma);
		vma_free_rcu(vma);
	}
	return 0;
}

int vm_munmap(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	int ret;

	mmap_write_lock(mm);
	ret = do_munmap(mm, addr, len);
	mmap_write_unlock(mm);
	return ret;
}

/* ---- mapping ---- */

long mmap_region(struct mm_struct *mm, unsigned long addr, unsigned long len,
		 unsigned long vm_flags, unsigned long pgoff)
{
	struct vm_area_struct *vma;
	int err;

	mmap_assert_write_locked(mm);
	err = do_munmap(mm, addr, len);		/* MAP_FIXED replaces */
	if (err)
		return err;
	if (mm->map_count >= MAX_MAP_COUNT)
		return -ENOMEM;
	vma = vm_area_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	if (vm_flags & VM_SHARED) {
		vma->vm_shared = anon_shared_create(len >> PAGE_SHIFT);
		if (!vma->vm_shared) {
			vm_area_free(vma);
			return -ENOMEM;
		}
		vma->vm_pgoff = 0;
	} else {
		vma->vm_pgoff = pgoff;
	}
	vma_link(mm, vma);
	vma_merge(mm, vma);
	return addr;
}

long vm_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
	     unsigned long prot, unsigned long flags, unsigned long pgoff)
{
	unsigned long vm_flags = prot_to_vm_flags(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	long ret;

	if (!(flags & MAP_ANONYMOUS))
		return -EBADF;			/* no files yet: every fd is bad */
	if (!len)
		return -EINVAL;
	switch (flags & MAP_TYPE) {		/* anonymous memory: no SHARED_VALIDATE */
	case MAP_SHARED:
		if (flags & MAP_GROWSDOWN)
			return -EINVAL;		/* a shared object cannot grow down (fault.c: expand_stack) */
		vm_flags |= VM_SHARED | VM_MAYSHARE;
		break;
	case MAP_PRIVATE:
		break;
	default:
		return -EINVAL;
	}
	if (flags & MAP_HUGETLB)
		return -ENOMEM;			/* as Linux with no huge pages reserved */
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len || len > mm->task_size)
		return -ENOMEM;
	if ((flags & MAP_FIXED) && !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if ((flags & MAP_FIXED) && addr < MMAP_MIN_ADDR)
		return -EPERM;
	if ((flags & MAP_FIXED) && (addr > mm->task_size || len > mm->task_size - addr))
		return -ENOMEM;			/* a kernel address would read back as success */
	if (flags & MAP_GROWSDOWN)
		vm_flags |= VM_GROWSDOWN;
	if (flags & MAP_NORESERVE)
		vm_flags |= VM_NORESERVE;

	mmap_write_lock(mm);
	if ((flags & MAP_32BIT) && !(flags & MAP_FIXED))
		ret = unmapped_area_topdown(mm, len, MAP_32BIT_LOW, MAP_32BIT_HIGH);
	else
		ret = get_unmapped_area(mm, addr, len, flags);
	if (ret >= 0 && !range_ok(mm, ret, len))
		ret = -ENOMEM;
	if (ret >= 0 && (flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, ret, ret + len))
		ret = -EEXIST;
	if (ret >= 0)
		ret = mmap_region(mm, ret, len, vm_flags, ret >> PAGE_SHIFT);
	if (ret < 0 || !(flags & (MAP_POPULATE | MAP_LOCKED)) || (flags & MAP_NONBLOCK)) {
		mmap_write_unlock(mm);
		return ret;
	}
	/* faulting pages in changes no VMA: done as a reader, beside other faults */
	mmap_write_downgrade(mm);
	for (unsigned long a = ret, end = ret + len; a < end; ) {
		struct vm_area_struct *vma = find_vma(mm, a);
		unsigned long e = min(vma->vm_end, end);
		populate_range(vma, a, e);	/* like Linux, a failure to populate is not reported */
		a = e;
	}
	mmap_read_unlock(mm);
	return ret;
}

long vm_map_fixed(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long vm_flags)
{
	long ret;

	if (!len || !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len || !range_ok(mm, addr, len))
		return -ENOMEM;
	mmap_write_lock(mm);
	ret = mmap_region(mm, addr, len, vm_flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC, addr >> PAGE_SHIFT);
	mmap_write_unlock(mm);
	return ret;
}

/* ---- changing VMA flags over a range: mprotect and madvise ---- */

typedef unsigned long (*flags_fn)(unsigned long old, unsigned long arg);

/*
 * Sets new flags on every VMA part in [start, end): splits at the ends,
 * rewrites the PTEs when the rights change, merges. Holes are skipped;
 * returns -ENOMEM if there was one (after doing the rest), as madvise does.
 * The new rights and the PTEs that carry them change in one write window.
 */
static int apply_vma_flags(struct mm_struct *mm, unsigned long start, unsigned long end,
			   flags_fn fn, unsigned long arg)
{
	unsigned long cur = start;
	int ret = 0;

	mmap_assert_write_locked(mm);

	while (cur < end) {
		struct vm_area_struct *vma = find_vma(mm, cur);
		unsigned long newflags, next;

		if (!vma || vma->vm_start >= end)
			return -ENOMEM;
		if (vma->vm_start > cur)
			ret = -ENOMEM;
		newflags = fn(vma->vm_flags, arg);
		if (newflags != vma->vm_flags) {
			if (vma->vm_start < cur) {
				vma = split_vma(mm, vma, cur);
				if (!vma)
					return -ENOMEM;
			}
			if (vma->vm_end > end && !split_vma(mm, vma, end))
				return -ENOMEM;
			bool rights = (newflags ^ vma->vm_flags) & VM_ACCESS_FLAGS;
			vma_start_write(vma);	/* lockless faults on it: before its rights change */
			vma->vm_flags = newflags;
			if (rights)
				change_protection(vma, vma->vm_start, vma->vm_end);
		}
		next = vma->vm_end;
		vma_merge(mm, vma);
		cur = next;
	}
	return ret;
}

static unsigned long set_prot(unsigned long old, unsigned long vm_prot)
{
	return (old & ~VM_ACCESS_FLAGS) | vm_prot;
}

int vm_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len, unsigned long prot)
{
	unsigned long vm_prot = prot_to_vm_flags(prot), end, cur;
	struct vm_area_struct *vma;
	int ret;

	if (!IS_ALIGNED(start, PAGE_SIZE))
		return -EINVAL;
	if (!len)
		return 0;
	if ((prot & ~PROT_VALID) || (prot & (PROT_GROWSDOWN | PROT_GROWSUP)) == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	end = start + len;
	if (!len || end <= start)
		return -ENOMEM;
	mmap_write_lock(mm);
	/* all of it mapped, and nowhere more than VM_MAY* allows */
	for (cur = start; cur < end; cur = vma->vm_end) {
		vma = find_vma(mm, cur);
		if (!vma || vma->vm_start > cur) {
			ret = -ENOMEM;
			goto out;
		}
		if ((vm_prot & ~(vma->vm_flags >> 4)) & VM_ACCESS_FLAGS) {	/* VM_MAYx = VM_x << 4 */
			ret = -EACCES;
			goto out;
		}
	}
	ret = apply_vma_flags(mm, start, end, set_prot, vm_prot);
out:
	mmap_write_unlock(mm);
	return ret;
}

static unsigned long advise_flags(unsigned long old, unsigned long advice)
{
	switch (advice) {
	case MADV_NORMAL:	return old & ~(VM_SEQ_READ | VM_RAND_READ);
	case MADV_RANDOM:	return (old & ~VM_SEQ_READ) | VM_RAND_READ;
	case MADV_SEQUENTIAL:	return (old & ~VM_RAND_READ) | VM_SEQ_READ;
	case MADV_DONTFORK:	return old | VM_DONTCOPY;
	case MADV_DOFORK:	return old & ~VM_DONTCOPY;
	case MADV_HUGEPAGE:	return (old & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
	case MADV_NOHUGEPAGE:	return (old & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
	default:		return old;	/* MADV_WILLNEED: nothing to remember */
	}
}

/*
 * MADV_DONTNEED / MADV_FREE: drop the pages. It changes no VMA, so, as in
 * Linux, mmap_lock held for reading is enough and the write window stays
 * shut: a fault in flight finds the VMA exactly as it was. A fault racing
 * with the zap on the same page is settled by page_table_lock, and either
 * order is valid: the fault first, and its page is zapped (the next touch
 * faults again); the zap first, and the fault maps a fresh page.
 */
static int madvise_dontneed(struct mm_struct *mm, unsigned long start, unsigned long end, int advice)
{
	unsigned long cur = start;
	int ret = 0;

	mmap_assert_locked(mm);

	while (cur < end) {
		struct vm_area_struct *vma = find_vma(mm, cur);
		if (!vma || vma->vm_start >= end)
			return -ENOMEM;
		if (vma->vm_start > cur)
			ret = -ENOMEM;
		cur = max(cur, vma->vm_start);
		if (advice == MADV_FREE && vma_is_shared(vma))
			return -EINVAL;		/* Linux: MADV_FREE is for private anonymous memory */
		zap_page_range(vma, cur, min(vma->vm_end, end));
		cur = vma->vm_end;
	}
	return ret;
}

int vm_madvise(struct mm_struct *mm, unsigned long start, unsigned long len, int advice)
{
	unsigned long end;
	int ret;

	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_DONTNEED: case MADV_FREE: case MADV_DONTFORK: case MADV_DOFORK:
	case MADV_HUGEPAGE: case MADV_NOHUGEPAGE:
		break;
	default:
		return -EINVAL;
	}
	if (!IS_ALIGNED(start, PAGE_SIZE))
		return -EINVAL;
	end = start + ALIGN_UP(len, PAGE_SIZE);
	if (len && end <= start)
		return -EINVAL;
	if (end == start)
		return 0;
	if (advice == MADV_DONTNEED || advice == MADV_FREE) {
		mmap_read_lock(mm);
		ret = madvise_dontneed(mm, start, end, advice);
		mmap_read_unlock(mm);
		return ret;
	}
	mmap_write_lock(mm);
	ret = apply_vma_flags(mm, start, end, advise_flags, advice);
	mmap_write_unlock(mm);
	return ret;
}

/* ---- brk ---- */

unsigned long vm_brk(struct mm_struct *mm, unsigned long brk)
{
	unsigned long oldbrk, newbrk;
	struct vm_area_struct *next;

	mmap_write_lock(mm);
	if (brk < mm->start_brk || brk > mm->task_size)
		goto out;
	newbrk = ALIGN_UP(brk, PAGE_SIZE);
	oldbrk = ALIGN_UP(mm->brk, PAGE_SIZE);
	if (newbrk == oldbrk) {
		mm->brk = brk;
		goto out;
	}
	if (newbrk < oldbrk) {
		if (!do_munmap(mm, newbrk, oldbrk - newbrk))
			mm->brk = brk;
		goto out;
	}
	next = find_vma(mm, oldbrk);
	if (next && next->vm_start < newbrk + PAGE_SIZE)	/* keep a guard page below it */
		goto out;
	if (mmap_region(mm, oldbrk, newbrk - oldbrk, VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC,
			oldbrk >> PAGE_SHIFT) >= 0)
		mm->brk = brk;
out:
	brk = mm->brk;
	mmap_write_unlock(mm);
	return brk;
}

/* ---- the system calls: current's mm, through the vm_* entries above ---- */

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      long fd, unsigned long off)
{
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		/* no files: the console descriptors cannot be mapped, the rest do not exist */
		return (fd >= 0 && fd < 3) ? -ENODEV : -EBADF;
	}
	return vm_mmap(current->mm, addr, len, prot, flags, off >> PAGE_SHIFT);
}

long sys_munmap(unsigned long addr, unsigned long len)
{
	return vm_munmap(current->mm, addr, len);
}

long sys_mprotect(unsigned long addr, unsigned long len, unsigned long prot)
{
	return vm_mprotect(current->mm, addr, len, prot);
}

long sys_madvise(unsigned long addr, unsigned long len, int advice)
{
	return vm_madvise(current->mm, addr, len, advice);
}

long sys_brk(unsigned long brk)
{
	return vm_brk(current->mm, brk);
}
