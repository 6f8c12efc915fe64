/*
 * kernel/mm/mmap.c - mmap, munmap, mprotect and brk on an mm, where mmap
 * places a mapping, how a stack grows, and the system calls that apply
 * them to the calling process. madvise, mlock, mincore and msync have
 * files of their own.
 *
 * Every call answers as Linux 6.12 does on x86-64: the same checks in the
 * same order (a call with two faults gets the errno of the one Linux
 * checks first), the same errno values and the same partial effects. The
 * rules are written down in docs/user.md, with the few places where
 * Numbat deliberately differs; the user suite usertest_linux and the
 * differential fuzzer (user/fuzz.c) hold them in place.
 *
 * Each vm_* entry validates its arguments, takes mmap_lock for writing
 * and works on whole VMAs: a range that starts or ends inside a VMA
 * splits it first; afterwards neighbours that became compatible merge
 * again (vma_modify_flags), so the tree stays as small as the mappings
 * allow.
 *
 * Holding mmap_lock for writing is the window in which the mm is seen to
 * change (mm->mm_lock_seq odd, kernel/mm/mmap_lock.h). Everything that
 * makes a VMA's rights or extent wrong for a fault in flight happens
 * inside it: the splits, merges and tree edits, munmap's zap of the PTEs
 * and mprotect's rewrite of them. What changes no VMA is done outside it:
 * MAP_POPULATE and MAP_LOCKED fault their pages in after downgrading to
 * the read lock.
 *
 * Linux's order of checks, kept here:
 *   mmap: an unaligned offset (EINVAL); without MAP_ANONYMOUS a descriptor
 *     that is not open (EBADF) or MAP_HUGETLB on one (EINVAL); an unknown
 *     huge page size (EINVAL), the length rounded up to it; length 0
 *     (EINVAL); a length that rounds up to nothing, too many mappings, a
 *     length or MAP_FIXED range beyond TASK_SIZE (ENOMEM); a MAP_FIXED
 *     address unaligned, to the huge page for MAP_HUGETLB (EINVAL); page 0
 *     (EPERM); MAP_FIXED_NOREPLACE over a mapping (EEXIST); for the console
 *     and hugetlbfs, an offset past the file's largest size (EOVERFLOW);
 *     only then the mapping type and the flags it rules out (EINVAL, EOPNOTSUPP, ENODEV);
 *     last, memory: a private writable or shared mapping larger than RAM
 *     (ENOMEM, Linux's heuristic overcommit with no swap).
 *   mprotect: PROT_GROWSDOWN with PROT_GROWSUP, an unaligned start
 *     (EINVAL); length 0 (0); a wrapping range (ENOMEM); PROT_ bits beyond
 *     READ, WRITE, EXEC and SEM (EINVAL); then the VMAs: nothing at the
 *     start (ENOMEM; with PROT_GROWSDOWN, nothing in the range), a
 *     PROT_GROWSDOWN range whose VMA is no stack, and PROT_GROWSUP at all
 *     (EINVAL: x86 stacks grow down); a hole later (ENOMEM, after changing
 *     everything before it).
 *   munmap: unaligned, beyond TASK_SIZE or of length 0 (EINVAL); a range
 *     with nothing mapped is fine.
 *   brk: the call returns the break, changed or not. It never goes below
 *     start_brk, shrinks only where something is still mapped, and grows
 *     neither into a mapping, nor within a page of one, nor within
 *     stack_guard_gap below a stack, nor beyond RAM.
 */
#include "kernel/mm/vma.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/sched/task.h"
#include "kernel/panic.h"
#include "kernel/errno.h"
#include "arch/x86_64/cpu.h"

#define MAP_32BIT_LOW	0x40000000UL	/* Linux x86-64 places MAP_32BIT in [1 GiB, 2 GiB) */
#define MAP_32BIT_HIGH	0x80000000UL
#define PROT_SEM	0x8		/* accepted and ignored, as on x86 Linux */
#define PROT_VALID	(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM)
#define HPAGE_2M_SHIFT	21
#define HPAGE_1G_SHIFT	30
#define CPUID_GBPAGES	(1U << 26)	/* CPUID 0x80000001 EDX: 1 GiB pages */
/* Linux's LEGACY_MAP_MASK: the flags a file mapping takes without MAP_SHARED_VALIDATE's check. */
#define LEGACY_MAP_MASK	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE |	\
			 MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED |		\
			 MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB |	\
			 MAP_32BIT | MAP_ABOVE4G | (0x1fUL << MAP_HUGE_SHIFT))

/* What a mapping is of. Numbat has no files: the console's descriptors can only be refused. */
enum mmap_backing { MMAP_ANON, MMAP_HUGETLB, MMAP_CONSOLE };

static unsigned long prot_to_vm_flags(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/*
 * Linux's heuristic overcommit (its default): no single request may be
 * larger than RAM and swap together. There is no swap here.
 */
static int vm_enough_memory(unsigned long pages)
{
	return pages > totalram_pages() ? -ENOMEM : 0;
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

/* ---- where a mapping goes ---- */

/*
 * The highest free range of len bytes in [low, high) that also keeps
 * every stack's guard gap free: the gap search knows only the VMAs, so a
 * range found inside a stack's gap is searched again below the gap, as
 * Linux's vm_unmapped_area retries.
 */
static long unmapped_area_guarded(struct mm_struct *mm, unsigned long len, unsigned long low, unsigned long high)
{
	for (;;) {
		long addr = unmapped_area_topdown(mm, len, low, high);
		struct vm_area_struct *next;

		if (addr < 0)
			return addr;
		next = find_vma(mm, addr);
		if (!next || addr + len <= vm_start_gap(next))
			return addr;
		high = vm_start_gap(next);
	}
}

/* Is [addr, addr + len) free, with the guard gap of a stack above it? */
static bool hint_is_free(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct vm_area_struct *next = find_vma(mm, addr);

	return !next || addr + len <= vm_start_gap(next);
}

/*
 * x86-64 Linux's choice: MAP_FIXED is taken as it is; a hint (rounded
 * down to a page by the caller) if it is free; else the highest free
 * range below mmap_base, then above it. MAP_32BIT looks in [1 GiB, 2 GiB)
 * only, where a hint is rounded up.
 */
long get_unmapped_area(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long flags)
{
	long found;

	mmap_assert_locked(mm);
	if (len > mm->task_size)
		return -ENOMEM;
	if (flags & MAP_FIXED)
		return addr;
	if (flags & MAP_32BIT) {
		if (len > MAP_32BIT_HIGH)
			return -ENOMEM;
		addr = ALIGN_UP(addr, PAGE_SIZE);
		if (addr && addr <= MAP_32BIT_HIGH - len && hint_is_free(mm, addr, len))
			return addr;
		return unmapped_area_guarded(mm, len, MAP_32BIT_LOW, MAP_32BIT_HIGH);
	}
	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	if (addr && addr <= mm->task_size - len && hint_is_free(mm, addr, len))
		return addr;
	found = unmapped_area_guarded(mm, len, MMAP_MIN_ADDR, mm->mmap_base);
	if (found == -ENOMEM)	/* like Linux, then try the rest of the address space */
		found = unmapped_area_guarded(mm, len, mm->mmap_base, mm->task_size);
	return found;
}

/* A nonzero hint below mmap_min_addr is raised to it; every hint is rounded down to a page. */
static unsigned long round_hint_to_min(unsigned long hint)
{
	hint = ALIGN_DOWN(hint, PAGE_SIZE);
	if (hint && hint < MMAP_HINT_MIN_ADDR)
		return MMAP_HINT_MIN_ADDR;
	return hint;
}

/* The address a mapping of len gets, with the checks Linux makes of it. */
static long mmap_get_area(struct mm_struct *mm, enum mmap_backing backing, unsigned long addr,
			  unsigned long len, unsigned long flags, unsigned long hsize)
{
	long ret;

	if (len > mm->task_size)
		return -ENOMEM;
	if (backing == MMAP_HUGETLB && (flags & MAP_FIXED) && !IS_ALIGNED(addr, hsize))
		return -EINVAL;
	if (!(flags & MAP_FIXED)) {	/* a MAP_FIXED address may look like an errno: it is not one */
		ret = get_unmapped_area(mm, addr, len, flags);
		if (ret < 0)
			return ret;
		addr = ret;
	}
	if (addr > mm->task_size - len)
		return -ENOMEM;
	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if (addr < MMAP_MIN_ADDR)
		return -EPERM;		/* Linux lets root map page 0; Numbat never does (docs/user.md) */
	return addr;
}

/* MAP_HUGETLB's page size, from the flags (none: 2 MiB); 0 if the machine has no such size. */
static unsigned long huge_page_size_of(unsigned long flags)
{
	unsigned int shift = (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
	u32 a, b, c, d;

	if (!shift || shift == HPAGE_2M_SHIFT)
		return 1UL << HPAGE_2M_SHIFT;
	cpuid(0x80000001, &a, &b, &c, &d);
	if (shift == HPAGE_1G_SHIFT && (d & CPUID_GBPAGES))
		return 1UL << HPAGE_1G_SHIFT;
	return 0;
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
	/* shared memory is charged by its object, as Linux's shmem does, whatever its rights */
	if ((vm_flags & (VM_SHARED | VM_NORESERVE)) == VM_SHARED && vm_enough_memory(len >> PAGE_SHIFT))
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

/*
 * The type of the mapping and what it rules out, checked only once the
 * address is known, as Linux does. Returns 0 with *vm_flags and *pgoff
 * completed, or -errno.
 */
static int mmap_check_type(enum mmap_backing backing, unsigned long addr, unsigned long len, unsigned long flags,
			   unsigned long *vm_flags, unsigned long *pgoff)
{
	if (backing != MMAP_ANON) {		/* the console, or hugetlbfs: Linux's file rules */
		/*
		 * First the offset against the file's largest size (Linux's
		 * file_mmap_ok, EOVERFLOW): a character device's is ULONG_MAX,
		 * a regular file's (hugetlbfs) LLONG_MAX. (Found by the fuzzer.)
		 */
		unsigned long max = backing == MMAP_CONSOLE ? U64_MAX : LONG_MAX;

		if (len > max || *pgoff > (max - len) >> PAGE_SHIFT)
			return -EOVERFLOW;
		switch (flags & MAP_TYPE) {
		case MAP_SHARED:
			flags &= LEGACY_MAP_MASK;
			/* fall through */
		case MAP_SHARED_VALIDATE:
			if (flags & ~LEGACY_MAP_MASK)
				return -EOPNOTSUPP;
			*vm_flags |= VM_SHARED | VM_MAYSHARE;
			/* fall through */
		case MAP_PRIVATE:
			if (backing == MMAP_CONSOLE)
				return -ENODEV;		/* a tty cannot be mapped */
			if (*vm_flags & VM_GROWSDOWN)
				return -EINVAL;
			return 0;
		default:
			return -EINVAL;
		}
	}
	switch (flags & MAP_TYPE) {		/* anonymous memory: no SHARED_VALIDATE */
	case MAP_SHARED:
		if (*vm_flags & VM_GROWSDOWN)
			return -EINVAL;		/* a shared object cannot grow down (expand_stack) */
		*vm_flags |= VM_SHARED | VM_MAYSHARE;
		*pgoff = 0;
		return 0;
	case MAP_DROPPABLE:
		if ((flags & (MAP_LOCKED | MAP_HUGETLB)) || (*vm_flags & (VM_GROWSDOWN | VM_LOCKED)))
			return -EINVAL;
		/* pages the kernel may drop are neither charged nor inherited */
		*vm_flags |= VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP;
		/* fall through */
	case MAP_PRIVATE:
		*pgoff = addr >> PAGE_SHIFT;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * mmap with mmap_lock held for writing: Linux's do_mmap. Returns the
 * address or -errno; *populate says whether the caller must fault the
 * mapping in (MAP_POPULATE, or locked memory).
 */
static long do_mmap(struct mm_struct *mm, enum mmap_backing backing, unsigned long addr, unsigned long len,
		    unsigned long prot, unsigned long flags, unsigned long pgoff, unsigned long hsize,
		    bool *populate)
{
	unsigned long vm_flags;
	long ret;

	mmap_assert_write_locked(mm);
	if (!len)
		return -EINVAL;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED))
		addr = round_hint_to_min(addr);
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len)
		return -ENOMEM;
	if (mm->map_count > MAX_MAP_COUNT)
		return -ENOMEM;
	vm_flags = prot_to_vm_flags(prot) | VM_MAY_FLAGS | mm->def_flags |
		   (flags & MAP_GROWSDOWN ? VM_GROWSDOWN : 0) | (flags & MAP_LOCKED ? VM_LOCKED : 0);
	ret = mmap_get_area(mm, backing, addr, len, flags, hsize);
	if (ret < 0)
		return ret;
	addr = ret;
	if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len))
		return -EEXIST;
	ret = mmap_check_type(backing, addr, len, flags, &vm_flags, &pgoff);
	if (ret)
		return ret;
	if (flags & MAP_NORESERVE)
		vm_flags |= VM_NORESERVE;
	if (backing == MMAP_HUGETLB) {
		/*
		 * No hugetlbfs and no huge pages reserved: Linux's answer then,
		 * given once the old mapping is gone, as there.
		 */
		ret = do_munmap(mm, addr, len);
		if (ret)
			return ret;
		return IS_ALIGNED(pgoff, hsize >> PAGE_SHIFT) ? -ENOMEM : -EINVAL;
	}
	if ((vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE) {
		if (vm_enough_memory(len >> PAGE_SHIFT))
			return -ENOMEM;
		vm_flags |= VM_ACCOUNT;
	}
	ret = mmap_region(mm, addr, len, vm_flags, pgoff);
	*populate = ret >= 0 && ((vm_flags & VM_LOCKED) || (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE);
	return ret;
}

static long vm_mmap_backing(struct mm_struct *mm, enum mmap_backing backing, unsigned long addr,
			    unsigned long len, unsigned long prot, unsigned long flags, unsigned long pgoff)
{
	unsigned long hsize = 0;
	bool populate = false;
	long ret;

	if (backing == MMAP_HUGETLB) {
		hsize = huge_page_size_of(flags);
		if (!hsize)
			return -EINVAL;
		len = ALIGN_UP(len, hsize);
	}
	mmap_write_lock(mm);
	ret = do_mmap(mm, backing, addr, len, prot, flags, pgoff, hsize, &populate);
	if (!populate) {
		mmap_write_unlock(mm);
		return ret;
	}
	/* faulting pages in changes no VMA: done as a reader, beside other faults */
	mmap_write_downgrade(mm);
	__mm_populate(mm, ret, ALIGN_UP(len, PAGE_SIZE), true);
	mmap_read_unlock(mm);
	return ret;
}

long vm_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
	     unsigned long prot, unsigned long flags, unsigned long pgoff)
{
	if (!(flags & MAP_ANONYMOUS))
		return -EBADF;			/* no files: every descriptor is bad */
	return vm_mmap_backing(mm, flags & MAP_HUGETLB ? MMAP_HUGETLB : MMAP_ANON, addr, len, prot, flags, pgoff);
}

long vm_map_fixed(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long vm_flags)
{
	long ret;

	if (!len || !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len || addr < MMAP_MIN_ADDR || len > mm->task_size || addr > mm->task_size - len)
		return -ENOMEM;
	mmap_write_lock(mm);
	ret = mmap_region(mm, addr, len, vm_flags | VM_MAY_FLAGS, addr >> PAGE_SHIFT);
	mmap_write_unlock(mm);
	return ret;
}

/* ---- changing the flags of a range: mprotect here, madvise and mlock beside ---- */

int vma_modify_flags(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		     unsigned long end, unsigned long newflags)
{
	bool rights;

	mmap_assert_write_locked(mm);	/* new rights and their PTEs: one window */
	if (newflags == vma->vm_flags)
		return 0;
	if (vma->vm_start < start) {
		if (mm->map_count >= MAX_MAP_COUNT)
			return -ENOMEM;
		vma = split_vma(mm, vma, start);
		if (!vma)
			return -ENOMEM;
	}
	if (vma->vm_end > end && (mm->map_count >= MAX_MAP_COUNT || !split_vma(mm, vma, end)))
		return -ENOMEM;
	rights = (newflags ^ vma->vm_flags) & VM_ACCESS_FLAGS;
	vma_start_write(vma);	/* lockless faults on it: before its flags change */
	vma->vm_flags = newflags;
	if (rights)
		change_protection(vma, vma->vm_start, vma->vm_end);
	vma_merge(mm, vma);
	return 0;
}

/* mprotect of [start, end) inside vma. */
static int mprotect_fixup(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
			  unsigned long end, unsigned long newflags)
{
	unsigned long oldflags = vma->vm_flags;
	int ret;

	if (newflags == oldflags)
		return 0;
	/* private memory that becomes writable is charged now, as Linux accounts it */
	if ((newflags & VM_WRITE) && !(oldflags & (VM_ACCOUNT | VM_WRITE | VM_SHARED | VM_NORESERVE))) {
		if (vm_enough_memory((end - start) >> PAGE_SHIFT))
			return -ENOMEM;
		newflags |= VM_ACCOUNT;
	}
	/*
	 * Private memory made read-only that was never written is charged no
	 * more, and so may merge with uncharged neighbours (Linux 6.7 on: a
	 * VMA without an anon_vma; 6.1 keeps the charge).
	 */
	if (!(newflags & (VM_WRITE | VM_SHARED)) && (newflags & VM_ACCOUNT)) {
		vma_start_write(vma);
		smp_mb();	/* the bump before the read: pairs with do_pte_fault()'s */
		if (!READ_ONCE(vma->vm_written))
			newflags &= ~VM_ACCOUNT;
	}
	ret = vma_modify_flags(mm, vma, start, end, newflags);
	if (ret)
		return ret;
	/* locked private memory made writable has its copy-on-write broken now, as Linux does */
	if ((oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED && (newflags & VM_WRITE))
		populate_vma_page_range(find_vma(mm, start), start, end);
	return 0;
}

int vm_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len, unsigned long prot)
{
	unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP), end, cur;
	struct vm_area_struct *vma;
	int ret;

	prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (!IS_ALIGNED(start, PAGE_SIZE))
		return -EINVAL;
	if (!len)
		return 0;
	len = ALIGN_UP(len, PAGE_SIZE);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~PROT_VALID)
		return -EINVAL;

	mmap_write_lock(mm);
	vma = find_vma_intersection(mm, start, end);
	ret = -ENOMEM;
	if (!vma)
		goto out;
	if (grows & PROT_GROWSDOWN) {
		/* the change reaches down to where the stack's VMA begins */
		start = vma->vm_start;
		ret = -EINVAL;
		if (!(vma->vm_flags & VM_GROWSDOWN))
			goto out;
	} else {
		if (vma->vm_start > start)
			goto out;
		ret = -EINVAL;
		if (grows & PROT_GROWSUP)
			goto out;
	}
	/* VMA by VMA: a hole stops the change there, what came before it stays changed */
	ret = 0;
	for (cur = start; cur < end && !ret; ) {
		unsigned long newflags, next;

		vma = find_vma(mm, cur);
		if (!vma || vma->vm_start > cur) {
			ret = -ENOMEM;
			break;
		}
		next = min(vma->vm_end, end);
		newflags = (vma->vm_flags & ~VM_ACCESS_FLAGS) | prot_to_vm_flags(prot);
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS)	/* VM_MAYx = VM_x << 4 */
			ret = -EACCES;
		else
			ret = mprotect_fixup(mm, vma, cur, next, newflags);
		cur = next;
	}
out:
	mmap_write_unlock(mm);
	return ret;
}

/* ---- the stack ---- */

/*
 * Grows a stack down to addr, as Linux's expand_downwards: never below
 * mmap_min_addr, never beyond RLIMIT_STACK, and never within
 * stack_guard_gap of the mapping below, unless that one is PROT_NONE
 * (nothing can run into it unnoticed) or itself a stack.
 */
int expand_stack(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *prev = vma_prev(mm, vma);
	unsigned long grow;

	mmap_assert_write_locked(mm);
	if (!(vma->vm_flags & VM_GROWSDOWN))
		return -EFAULT;
	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	if (addr < MMAP_HINT_MIN_ADDR)
		return -EPERM;
	/*
	 * Growing moves vm_start and vm_pgoff down together: for a shared
	 * object that would map pages at offsets the mapping never had (its
	 * old pages, after a partial munmap). mmap refuses MAP_SHARED |
	 * MAP_GROWSDOWN, so this cannot happen; make sure it stays so.
	 */
	if (WARN_ON_ONCE(vma->vm_shared))
		return -ENOMEM;
	if (prev && !(prev->vm_flags & VM_GROWSDOWN) && (prev->vm_flags & VM_ACCESS_FLAGS) &&
	    addr - prev->vm_end < STACK_GUARD_GAP)
		return -ENOMEM;
	if (addr >= vma->vm_start)
		return 0;
	grow = (vma->vm_start - addr) >> PAGE_SHIFT;
	if (vma->vm_end - addr > STACK_MAX_SIZE || vm_enough_memory(grow))
		return -ENOMEM;
	vma_set_range(vma, addr, vma->vm_end, vma->vm_pgoff - grow);
	return 0;
}

/* ---- brk ---- */

unsigned long vm_brk(struct mm_struct *mm, unsigned long brk)
{
	unsigned long oldbrk, newbrk, vm_flags;
	struct vm_area_struct *next;
	bool populate = false;

	mmap_write_lock(mm);
	if (brk < mm->start_brk)
		goto out;
	newbrk = ALIGN_UP(brk, PAGE_SIZE);
	oldbrk = ALIGN_UP(mm->brk, PAGE_SIZE);
	if (newbrk == oldbrk) {
		mm->brk = brk;
		goto out;
	}
	if (brk <= mm->brk) {
		/* shrinking needs something of the heap still mapped there */
		if (find_vma_intersection(mm, newbrk, oldbrk) && !do_munmap(mm, newbrk, oldbrk - newbrk))
			mm->brk = brk;
		goto out;
	}
	if (newbrk - oldbrk > mm->task_size || oldbrk > mm->task_size - (newbrk - oldbrk))
		goto out;
	next = find_vma(mm, oldbrk);
	if (next && newbrk + PAGE_SIZE > vm_start_gap(next))	/* a guard page, or a stack's gap */
		goto out;
	if (vm_enough_memory((newbrk - oldbrk) >> PAGE_SHIFT))
		goto out;
	vm_flags = VM_READ | VM_WRITE | VM_MAY_FLAGS | VM_ACCOUNT | mm->def_flags;
	if (mmap_region(mm, oldbrk, newbrk - oldbrk, vm_flags, oldbrk >> PAGE_SHIFT) < 0)
		goto out;
	mm->brk = brk;
	populate = vm_flags & VM_LOCKED;
out:
	brk = mm->brk;
	if (!populate) {
		mmap_write_unlock(mm);
		return brk;
	}
	mmap_write_downgrade(mm);
	__mm_populate(mm, oldbrk, newbrk - oldbrk, true);
	mmap_read_unlock(mm);
	return brk;
}

/* ---- the system calls: current's mm, through the vm_* entries above ---- */

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      long fd, unsigned long off)
{
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		/* no files: the console's descriptors are open but cannot be mapped, the rest are not open */
		if (fd < 0 || fd > 2)
			return -EBADF;
		if (flags & MAP_HUGETLB)
			return -EINVAL;
		return vm_mmap_backing(current->mm, MMAP_CONSOLE, addr, len, prot, flags, off >> PAGE_SHIFT);
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

long sys_brk(unsigned long brk)
{
	return vm_brk(current->mm, brk);
}
