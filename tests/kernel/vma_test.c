/*
 * tests/kernel/vma_test.c - the VMA tree and the calls that change it:
 * mmap's placement (top-down, by the gap augmentation, checked against a
 * linear search), split and merge, MAP_FIXED and MAP_FIXED_NOREPLACE,
 * Linux's errno for bad arguments, mprotect, madvise, brk, the
 * RCU-deferred freeing of VMAs, and mmap_lock: its write window (the
 * sequence count odd exactly while it is held for writing, munmap's zap
 * and mprotect's rewrite inside it) and its checked contracts.
 * validate_mm() checks the whole tree after each step.
 */
#include "tests/kernel/mm_test_util.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/lib/string.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"
#include "kernel/sync/lockdep.h"

#define PLACE_ROUNDS	60

static struct mm_struct *new_mm(struct kunit *test)
{
	struct mm_struct *mm = mm_alloc();

	KUNIT_ASSERT_NOT_NULL(test, mm);
	return mm;
}

SELFTEST(vma, mmap_places_top_down_below_mmap_base)
{
	struct mm_struct *mm = new_mm(test);
	long a = vm_mmap(mm, 0, 4 * PAGE_SIZE, RW, PRIV, 0);
	long b = vm_mmap(mm, 0, PAGE_SIZE, PROT_READ, PRIV, 0);
	struct vm_area_struct *vma;

	KUNIT_EXPECT_EQ(test, a, mm->mmap_base - 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, b, a - PAGE_SIZE);
	vma = vma_at(mm, a);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_EXPECT_EQ(test, vma->vm_start, a);
	KUNIT_EXPECT_EQ(test, vma->vm_end, a + 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vma->vm_flags & VM_ACCESS_FLAGS, VM_READ | VM_WRITE);
	KUNIT_EXPECT_PTR_EQ(test, vma_at(mm, 0), vma_at(mm, b));
	KUNIT_EXPECT_NULL(test, vma_at(mm, a + 4 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, count_vmas(mm), 2);	/* different rights: no merge */
	KUNIT_EXPECT_EQ(test, check_mm(mm), 0);
	mm_release(mm);
}

/* The highest free range of len in [low, high), by a walk over the list. */
static unsigned long linear_topdown(struct mm_struct *mm, unsigned long len, unsigned long low, unsigned long high)
{
	unsigned long best = 0, prev_end = 0, s, e;
	struct vm_area_struct *vma;

	for_each_vma(mm, vma) {
		s = max(prev_end, low);
		e = min(vma->vm_start, high);
		if (e > s && e - s >= len)
			best = e - len;
		prev_end = vma->vm_end;
	}
	s = max(prev_end, low);
	if (high > s && high - s >= len)
		best = high - len;
	return best;
}

static unsigned long rng_state = 0x2545F4914F6CDD1DUL;

static unsigned long rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

SELFTEST(vma, gap_search_matches_linear_search)
{
	struct mm_struct *mm = new_mm(test);
	unsigned long base = 0x10000000, span = 512;	/* pages */

	/* a random pattern of mappings with holes of every size */
	for (unsigned long p = 0; p < span; p += 1 + rng() % 4)
		if (rng() % 3)
			KUNIT_ASSERT_GE(test, vm_mmap(mm, base + p * PAGE_SIZE, PAGE_SIZE,
						      (rng() % 2) ? RW : PROT_READ, PRIV | MAP_FIXED, 0), 0);
	KUNIT_ASSERT_EQ(test, check_mm(mm), 0);
	mmap_read_lock(mm);
	for (int i = 0; i < PLACE_ROUNDS; i++) {
		unsigned long len = (1 + rng() % 6) * PAGE_SIZE;
		unsigned long low = base + (rng() % span) * PAGE_SIZE / 2;
		unsigned long high = low + (rng() % span) * PAGE_SIZE;
		unsigned long want = linear_topdown(mm, len, low, high);
		long got = unmapped_area_topdown(mm, len, low, high);

		if (!want)
			KUNIT_EXPECT_EQ(test, got, -ENOMEM);
		else
			KUNIT_EXPECT_EQ(test, got, want);
	}
	mmap_read_unlock(mm);
	mm_release(mm);
}

SELFTEST(vma, full_below_mmap_base_falls_back_above)
{
	struct mm_struct *mm = new_mm(test);

	mm->mmap_base = 0x10000000;
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, MMAP_MIN_ADDR, mm->mmap_base - MMAP_MIN_ADDR, PROT_NONE,
				      PRIV | MAP_FIXED | MAP_NORESERVE, 0), MMAP_MIN_ADDR);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0, PAGE_SIZE, RW, PRIV, 0), TASK_SIZE - PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, check_mm(mm), 0);
	mm_release(mm);
}

SELFTEST(vma, split_and_merge)
{
	struct mm_struct *mm = new_mm(test);
	long a = vm_mmap(mm, 0, 8 * PAGE_SIZE, RW, PRIV, 0);
	unsigned int seq = mm->mm_lock_seq.sequence;

	KUNIT_ASSERT_GE(test, a, 0);
	KUNIT_EXPECT_EQ(test, vm_mprotect(mm, a + 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, count_vmas(mm), 3);
	KUNIT_EXPECT_EQ(test, vma_at(mm, a + 2 * PAGE_SIZE)->vm_start, a + 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vma_at(mm, a + 2 * PAGE_SIZE)->vm_end, a + 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, check_mm(mm), 0);
	KUNIT_EXPECT_EQ(test, vm_mprotect(mm, a + 2 * PAGE_SIZE, 2 * PAGE_SIZE, RW), 0);
	KUNIT_EXPECT_EQ(test, count_vmas(mm), 1);	/* merged back */
	KUNIT_EXPECT_EQ(test, vm_munmap(mm, a + 3 * PAGE_SIZE, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, count_vmas(mm), 2);
	KUNIT_EXPECT_NULL(test, vma_in(mm, a + 3 * PAGE_SIZE, a + 4 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, a + 3 * PAGE_SIZE, PAGE_SIZE, RW, PRIV | MAP_FIXED, 0), a + 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, count_vmas(mm), 1);	/* the hole filled: one VMA again */
	KUNIT_EXPECT_EQ(test, check_mm(mm), 0);
	/* every change moved the sequence count, and it is even (no writer inside) */
	KUNIT_EXPECT_NE(test, mm->mm_lock_seq.sequence, seq);
	KUNIT_EXPECT_EQ(test, mm->mm_lock_seq.sequence % 2, 0);
	mm_release(mm);
}

SELFTEST(vma, shared_vmas_merge_only_with_their_object)
{
	struct mm_struct *mm = new_mm(test);
	long a = vm_mmap(mm, 0x20000000, 2 * PAGE_SIZE, RW, SHARED | MAP_FIXED, 0);
	long b = vm_mmap(mm, 0x20000000 + 2 * PAGE_SIZE, 2 * PAGE_SIZE, RW, SHARED | MAP_FIXED, 0);

	KUNIT_ASSERT_GE(test, a, 0);
	KUNIT_ASSERT_GE(test, b, 0);
	KUNIT_EXPECT_EQ(test, count_vmas(mm), 2);	/* two objects */
	KUNIT_EXPECT_EQ(test, vm_mprotect(mm, a + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, count_vmas(mm), 3);
	KUNIT_EXPECT_EQ(test, vma_at(mm, a + PAGE_SIZE)->vm_pgoff, 1);
	KUNIT_EXPECT_EQ(test, vm_mprotect(mm, a + PAGE_SIZE, PAGE_SIZE, RW), 0);
	KUNIT_EXPECT_EQ(test, count_vmas(mm), 2);	/* same object, contiguous offsets */
	KUNIT_EXPECT_EQ(test, check_mm(mm), 0);
	mm_release(mm);
}

SELFTEST(vma, mmap_errors_are_linux_errors)
{
	struct mm_struct *mm = new_mm(test);
	long a;

	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0, 0, RW, PRIV, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0, PAGE_SIZE, RW, MAP_ANONYMOUS, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0, PAGE_SIZE, RW, 0x0f | MAP_ANONYMOUS, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0x10000123, PAGE_SIZE, RW, PRIV | MAP_FIXED, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0, PAGE_SIZE, RW, PRIV | MAP_FIXED, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, TASK_SIZE, PAGE_SIZE, RW, PRIV | MAP_FIXED, 0), -ENOMEM);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0, TASK_SIZE + PAGE_SIZE, RW, PRIV, 0), -ENOMEM);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0, -1UL, RW, PRIV, 0), -ENOMEM);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0, PAGE_SIZE, RW, MAP_PRIVATE, 0), -EBADF);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0, PAGE_SIZE, RW, PRIV | MAP_HUGETLB, 0), -ENOMEM);
	/* both PRIVATE and SHARED is MAP_SHARED_VALIDATE: for files only (Linux 6.x) */
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0, PAGE_SIZE, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, 0), -EINVAL);
	/* a MAP_FIXED range in the kernel half must not come back as an "address" */
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0xffffffff80000000UL, PAGE_SIZE, RW, PRIV | MAP_FIXED, 0), -ENOMEM);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, TASK_SIZE - PAGE_SIZE, 2 * PAGE_SIZE, RW, PRIV | MAP_FIXED, 0), -ENOMEM);
	/* a free hint is used as is, an unaligned one rounded down (as x86-64 Linux does) */
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0x30000000, PAGE_SIZE, RW, PRIV, 0), 0x30000000);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0x30100001, PAGE_SIZE, RW, PRIV, 0), 0x30100000);
	/* a hint that is taken falls back to the top-down search */
	KUNIT_EXPECT_NE(test, vm_mmap(mm, 0x30000000, PAGE_SIZE, RW, PRIV, 0), 0x30000000);
	/* MAP_FIXED_NOREPLACE */
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0x30000000, PAGE_SIZE, RW, PRIV | MAP_FIXED_NOREPLACE, 0), -EEXIST);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0x2ffff000, 2 * PAGE_SIZE, RW, PRIV | MAP_FIXED_NOREPLACE, 0), -EEXIST);
	KUNIT_EXPECT_EQ(test, vm_mmap(mm, 0x2fffe000, PAGE_SIZE, RW, PRIV | MAP_FIXED_NOREPLACE, 0), 0x2fffe000);
	/* flags Linux accepts */
	KUNIT_EXPECT_GT(test, vm_mmap(mm, 0, PAGE_SIZE, RW, PRIV | MAP_NORESERVE | MAP_STACK, 0), 0);
	a = vm_mmap(mm, 0, PAGE_SIZE, RW, PRIV | MAP_GROWSDOWN, 0);
	KUNIT_ASSERT_GT(test, a, 0);
	KUNIT_EXPECT_TRUE(test, vma_at(mm, a)->vm_flags & VM_GROWSDOWN);
	a = vm_mmap(mm, 0, PAGE_SIZE, RW, PRIV | MAP_32BIT, 0);
	KUNIT_EXPECT_TRUE(test, a >= 0x40000000 && a < 0x80000000);
	KUNIT_EXPECT_EQ(test, check_mm(mm), 0);
	mm_release(mm);
}

SELFTEST(vma, munmap_and_mprotect_errors)
{
	struct mm_struct *mm = new_mm(test);
	long a = vm_mmap(mm, 0x40000000, 4 * PAGE_SIZE, RW, PRIV | MAP_FIXED, 0);

	KUNIT_ASSERT_EQ(test, a, 0x40000000);
	KUNIT_EXPECT_EQ(test, vm_munmap(mm, a + 1, PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm_munmap(mm, a, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm_munmap(mm, TASK_SIZE - PAGE_SIZE, 2 * PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm_munmap(mm, 0x50000000, PAGE_SIZE), 0);	/* nothing there */
	KUNIT_EXPECT_EQ(test, vm_munmap(mm, a, 1), 0);				/* len rounds up */
	KUNIT_EXPECT_NULL(test, vma_in(mm, a, a + PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, vm_mprotect(mm, a + 1, PAGE_SIZE, PROT_READ), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm_mprotect(mm, a, 0, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, vm_mprotect(mm, a + PAGE_SIZE, PAGE_SIZE, 0x10), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm_mprotect(mm, a + PAGE_SIZE, PAGE_SIZE, PROT_GROWSDOWN | PROT_GROWSUP), -EINVAL);
	/* a hole (the first page) inside the range: ENOMEM, nothing changed */
	KUNIT_EXPECT_EQ(test, vm_mprotect(mm, a, 4 * PAGE_SIZE, PROT_READ), -ENOMEM);
	KUNIT_EXPECT_EQ(test, vma_at(mm, a)->vm_flags & VM_ACCESS_FLAGS, VM_READ | VM_WRITE);
	KUNIT_EXPECT_EQ(test, vm_mprotect(mm, 0x50000000, PAGE_SIZE, PROT_READ), -ENOMEM);
	/* every PROT_ combination is accepted and recorded */
	for (unsigned long prot = 0; prot < 8; prot++) {
		KUNIT_EXPECT_EQ(test, vm_mprotect(mm, a + PAGE_SIZE, PAGE_SIZE, prot), 0);
		KUNIT_EXPECT_EQ(test, vma_at(mm, a + PAGE_SIZE)->vm_flags & VM_ACCESS_FLAGS, prot);
	}
	KUNIT_EXPECT_EQ(test, check_mm(mm), 0);
	mm_release(mm);
}

SELFTEST(vma, madvise_arguments_and_hints)
{
	struct mm_struct *mm = new_mm(test);
	long a = vm_mmap(mm, 0x40000000, 4 * PAGE_SIZE, RW, PRIV | MAP_FIXED, 0);

	KUNIT_ASSERT_EQ(test, a, 0x40000000);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, a, PAGE_SIZE, 12345), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, a + 8, PAGE_SIZE, MADV_DONTNEED), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, a, 0, MADV_DONTNEED), 0);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, 0x50000000, PAGE_SIZE, MADV_DONTNEED), -ENOMEM);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, a - PAGE_SIZE, 2 * PAGE_SIZE, MADV_NORMAL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, a, 4 * PAGE_SIZE, MADV_WILLNEED), 0);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, a, PAGE_SIZE, MADV_NOHUGEPAGE), 0);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, a, PAGE_SIZE, MADV_HUGEPAGE), 0);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, a, PAGE_SIZE, MADV_SEQUENTIAL), 0);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, a + PAGE_SIZE, PAGE_SIZE, MADV_RANDOM), 0);
	KUNIT_EXPECT_TRUE(test, vma_at(mm, a)->vm_flags & VM_SEQ_READ);
	KUNIT_EXPECT_TRUE(test, vma_at(mm, a + PAGE_SIZE)->vm_flags & VM_RAND_READ);
	KUNIT_EXPECT_EQ(test, count_vmas(mm), 3);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, a, 2 * PAGE_SIZE, MADV_NORMAL), 0);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, a, PAGE_SIZE, MADV_NOHUGEPAGE), 0);
	KUNIT_EXPECT_EQ(test, count_vmas(mm), 2);	/* the hugepage hint still differs */
	KUNIT_EXPECT_EQ(test, check_mm(mm), 0);
	mm_release(mm);
}

SELFTEST(vma, brk_grows_and_shrinks_within_bounds)
{
	struct mm_struct *mm = new_mm(test);
	unsigned long start = 0x600000;

	mm->start_brk = mm->brk = start;
	KUNIT_EXPECT_EQ(test, vm_brk(mm, 0), start);			/* a query */
	KUNIT_EXPECT_EQ(test, vm_brk(mm, start - PAGE_SIZE), start);	/* never below start_brk */
	KUNIT_EXPECT_EQ(test, vm_brk(mm, start + 3 * PAGE_SIZE + 5), start + 3 * PAGE_SIZE + 5);
	KUNIT_ASSERT_NOT_NULL(test, vma_in(mm, start, start + 4 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, vma_at(mm, start)->vm_end, start + 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vm_brk(mm, start + PAGE_SIZE), start + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vma_at(mm, start)->vm_end, start + PAGE_SIZE);
	/* a mapping above stops the heap short of it (and a guard page) */
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, start + 8 * PAGE_SIZE, PAGE_SIZE, RW, PRIV | MAP_FIXED, 0),
			start + 8 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vm_brk(mm, start + 10 * PAGE_SIZE), start + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vm_brk(mm, start + 7 * PAGE_SIZE), start + 7 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vm_brk(mm, start), start);
	KUNIT_EXPECT_NULL(test, vma_in(mm, start, start + 7 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, check_mm(mm), 0);
	mm_release(mm);
}

SELFTEST(vma, removed_vmas_are_freed_after_a_grace_period)
{
	struct mm_struct *mm = new_mm(test);
	struct kmem_cache *cache = kmem_cache_find("vm_area_struct");
	long a = vm_mmap(mm, 0x40000000, PAGE_SIZE, RW, PRIV | MAP_FIXED, 0);
	unsigned long in_use;
	unsigned int seq;

	KUNIT_ASSERT_NOT_NULL(test, cache);
	KUNIT_ASSERT_EQ(test, a, 0x40000000);
	rcu_barrier();
	in_use = kmem_cache_objects_in_use(cache);
	seq = mm->mm_lock_seq.sequence;
	KUNIT_EXPECT_EQ(test, vm_munmap(mm, a, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, mm->mm_lock_seq.sequence, seq + 2);
	/* no context switch here since: no grace period, the VMA is still allocated */
	KUNIT_EXPECT_EQ(test, kmem_cache_objects_in_use(cache), in_use);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, kmem_cache_objects_in_use(cache), in_use - 1);
	mm_release(mm);
}

/* ---- mmap_lock: the write window and the contracts ---- */

SELFTEST(vma, mm_lock_seq_is_odd_exactly_while_write_locked)
{
	struct mm_struct *mm = new_mm(test);
	unsigned int seq, inside;
	long a;

	KUNIT_ASSERT_TRUE(test, mmap_lock_speculate_try_begin(mm, &seq));
	KUNIT_EXPECT_EQ(test, seq % 2, 0);
	mmap_read_lock(mm);
	KUNIT_EXPECT_EQ(test, mm->mm_lock_seq.sequence, seq);		/* readers change nothing */
	mmap_read_unlock(mm);
	mmap_write_lock(mm);
	KUNIT_EXPECT_EQ(test, mm->mm_lock_seq.sequence, seq + 1);
	KUNIT_EXPECT_FALSE(test, mmap_lock_speculate_try_begin(mm, &inside));	/* take the lock instead */
	mmap_write_unlock(mm);
	KUNIT_EXPECT_EQ(test, mm->mm_lock_seq.sequence, seq + 2);
	KUNIT_EXPECT_TRUE(test, mmap_lock_speculate_retry(mm, seq));	/* a write section came between */
	KUNIT_ASSERT_TRUE(test, mmap_lock_speculate_try_begin(mm, &seq));
	KUNIT_EXPECT_FALSE(test, mmap_lock_speculate_retry(mm, seq));
	mmap_write_lock(mm);
	mmap_write_downgrade(mm);					/* a reader now: the window shut */
	KUNIT_EXPECT_EQ(test, mm->mm_lock_seq.sequence, seq + 2);
	mmap_read_unlock(mm);

	/* one system call that changes VMAs is one window, however many edits it makes */
	seq = mm->mm_lock_seq.sequence;
	a = vm_mmap(mm, 0x40000000, 4 * PAGE_SIZE, RW, PRIV | MAP_FIXED | MAP_POPULATE, 0);
	KUNIT_ASSERT_EQ(test, a, 0x40000000);
	KUNIT_EXPECT_EQ(test, mm->mm_lock_seq.sequence, seq + 2);
	KUNIT_EXPECT_EQ(test, mm_counter(mm, MM_RSS), 4);		/* populated, as a reader */
	KUNIT_EXPECT_EQ(test, vm_mprotect(mm, a + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);	/* two splits */
	KUNIT_EXPECT_EQ(test, mm->mm_lock_seq.sequence, seq + 4);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, a, 4 * PAGE_SIZE, MADV_DONTNEED), 0);	/* no VMA changes */
	KUNIT_EXPECT_EQ(test, mm->mm_lock_seq.sequence, seq + 4);
	KUNIT_EXPECT_EQ(test, vm_munmap(mm, a, 4 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, mm->mm_lock_seq.sequence, seq + 6);
	mm_release(mm);
}

#if CONFIG_DEBUG
static struct {
	struct mm_struct *mm;
	int zaps, zaps_in_window, rewrites, rewrites_in_window;
} pte_changes;

static void note_pte_change(struct mm_struct *mm, bool zap)
{
	bool in_window = READ_ONCE(mm->mm_lock_seq.sequence) & 1;

	if (mm != pte_changes.mm)
		return;
	if (zap) {
		pte_changes.zaps++;
		pte_changes.zaps_in_window += in_window;
	} else {
		pte_changes.rewrites++;
		pte_changes.rewrites_in_window += in_window;
	}
}
#endif

/*
 * A fault in flight that found a VMA must never see its PTEs change
 * outside the window that tells it the VMA changed: munmap's zap and
 * mprotect's rewrite happen while mm_lock_seq is odd. MADV_DONTNEED
 * changes no VMA and zaps under the read lock, outside any window.
 */
SELFTEST(vma, munmap_zap_and_mprotect_rewrite_happen_inside_the_window)
{
#if CONFIG_DEBUG
	struct mm_struct *mm = new_mm(test);
	long a = vm_mmap(mm, 0x40000000, 8 * PAGE_SIZE, RW, PRIV | MAP_FIXED | MAP_POPULATE, 0);

	KUNIT_ASSERT_EQ(test, a, 0x40000000);
	pte_changes.mm = mm;
	pte_changes.zaps = pte_changes.zaps_in_window = 0;
	pte_changes.rewrites = pte_changes.rewrites_in_window = 0;
	WRITE_ONCE(pte_change_observer, note_pte_change);
	KUNIT_EXPECT_EQ(test, vm_mprotect(mm, a, 4 * PAGE_SIZE, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, vm_munmap(mm, a + 2 * PAGE_SIZE, 4 * PAGE_SIZE), 0);
	KUNIT_EXPECT_GE(test, pte_changes.rewrites, 1);
	KUNIT_EXPECT_EQ(test, pte_changes.rewrites_in_window, pte_changes.rewrites);
	KUNIT_EXPECT_GE(test, pte_changes.zaps, 1);
	KUNIT_EXPECT_EQ(test, pte_changes.zaps_in_window, pte_changes.zaps);
	pte_changes.zaps = pte_changes.zaps_in_window = 0;
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, a + 6 * PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED), 0);
	KUNIT_EXPECT_EQ(test, pte_changes.zaps, 1);
	KUNIT_EXPECT_EQ(test, pte_changes.zaps_in_window, 0);
	WRITE_ONCE(pte_change_observer, NULL);
	KUNIT_EXPECT_EQ(test, mm_counter(mm, MM_RSS), 2);
	mm_release(mm);
#else
	kunit_skip(test, "the PTE observer exists in debug builds only");
#endif
}

static char contract_out[2048];

/* mmap_lock's contracts are checked: broken, they warn and the kernel carries on. */
SELFTEST(vma, mmap_lock_contracts_warn_when_broken)
{
	struct mm_struct *mm;
	int before;

	if (!CONFIG_DEBUG)
		kunit_skip(test, "lock assertions exist in debug builds only");
	mm = new_mm(test);
	before = lockdep_violations();
	mmap_read_lock(mm);
	mmap_assert_locked(mm);
	mmap_read_unlock(mm);
	mmap_write_lock(mm);
	mmap_assert_locked(mm);
	mmap_assert_write_locked(mm);
	mmap_write_unlock(mm);
	KUNIT_EXPECT_EQ(test, lockdep_violations(), before);

	printk_capture_start(contract_out, sizeof(contract_out));
	mmap_read_lock(mm);
	mmap_assert_write_locked(mm);					/* 1: only for reading */
	mmap_read_unlock(mm);
	KUNIT_EXPECT_EQ(test, unmapped_area_topdown(mm, PAGE_SIZE, 0x10000, 0x20000), 0x1f000);	/* 2: unlocked */
	printk_capture_stop();
	KUNIT_EXPECT_EQ(test, lockdep_violations(), before + 2);
	lockdep_forgive(lockdep_violations() - before);
	KUNIT_EXPECT_TRUE(test, strstr(contract_out, "WARNING: lock not held for writing: mm->mmap_lock") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(contract_out, "WARNING: lock not held: mm->mmap_lock") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(contract_out, "unmapped_area_topdown") != NULL);
	mm_release(mm);
}
