/*
 * kernel/mm/mmap_lock.h - the only code that touches mm->mmap_lock.
 *
 * mmap_lock is an rwsem over an mm's VMAs: page faults and other readers
 * take it for reading; mmap, munmap, mprotect, brk, fork, exit and a stack
 * growing take it for writing. Everyone goes through these wrappers, for
 * two reasons:
 *
 * 1. The write side owns a window. mm->mm_lock_seq is odd exactly while
 *    mmap_lock is held for writing: mmap_write_lock() makes it odd,
 *    mmap_write_unlock() and mmap_write_downgrade() make it even again.
 *    Everything that makes a VMA's rights or extent wrong for a fault in
 *    flight (a tree edit, a split or merge, munmap's zap of the PTEs,
 *    mprotect's rewrite of them, a stack growing) happens while it is odd.
 *    So a reader that holds no lock at all (the RCU fault path of the next
 *    step) notes an even count, does its work, and checks the count again
 *    before it commits (under the page-table lock): if the count moved, a
 *    writer may have changed what it read, and it starts over or falls
 *    back to the lock. mmap_lock_speculate_try_begin/retry are that
 *    reader's side.
 *
 * 2. The contracts are checkable: mmap_assert_locked(mm) and
 *    mmap_assert_write_locked(mm) (kernel/sync/lockdep.h) say in code what
 *    a function needs, and warn in a debug build when a caller lacks it.
 *
 * Only the holder of the write lock changes mm_lock_seq, so its stores
 * need no atomicity, only order: see the barriers below.
 */
#ifndef KERNEL_MM_MMAP_LOCK_H
#define KERNEL_MM_MMAP_LOCK_H

#include "kernel/mm/mm.h"
#include "kernel/panic.h"
#include "kernel/sync/lockdep.h"

static inline void mmap_init_lock(struct mm_struct *mm, const char *name)
{
	init_rwsem(&mm->mmap_lock, name, LOCK_RANK_MMAP_LOCK);
	seqcount_init(&mm->mm_lock_seq);
}

/*
 * The window opens: the count goes odd before any store of this write
 * section. write_seqcount_begin()'s smp_wmb() orders the odd count before
 * those stores; it pairs with the smp_rmb() of mmap_lock_speculate_retry(),
 * so a reader that saw any of them sees the count moved.
 */
static inline void mm_lock_seqcount_begin(struct mm_struct *mm)
{
	write_seqcount_begin(&mm->mm_lock_seq);
}

/*
 * The window closes: write_seqcount_end()'s smp_wmb() orders every store
 * of the section before the even count; it pairs with the smp_rmb() of
 * mmap_lock_speculate_try_begin(), so a reader that sees this count sees
 * all of them.
 */
static inline void mm_lock_seqcount_end(struct mm_struct *mm)
{
	write_seqcount_end(&mm->mm_lock_seq);
}

static inline void mmap_write_lock(struct mm_struct *mm)
{
	down_write(&mm->mmap_lock);
	mm_lock_seqcount_begin(mm);
}

/*
 * Only for an mm nobody else can reach yet (fork's child, under the
 * parent's lock): it cannot be contended, and a trylock is not ordered
 * against the parent's mmap_lock by the lock-order checker.
 */
static inline bool mmap_write_trylock(struct mm_struct *mm)
{
	if (!down_write_trylock(&mm->mmap_lock))
		return false;
	mm_lock_seqcount_begin(mm);
	return true;
}

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	mm_lock_seqcount_end(mm);
	up_write(&mm->mmap_lock);
}

/* The writer becomes a reader: the window closes, readers may come in. */
static inline void mmap_write_downgrade(struct mm_struct *mm)
{
	mm_lock_seqcount_end(mm);
	downgrade_write(&mm->mmap_lock);
}

static inline void mmap_read_lock(struct mm_struct *mm) { down_read(&mm->mmap_lock); }
static inline void mmap_read_unlock(struct mm_struct *mm) { up_read(&mm->mmap_lock); }

/*
 * The caller holds mmap_lock, for reading or writing; for writing, and so
 * the window is open. Macros, so that a warning names the caller's line.
 */
#define mmap_assert_locked(mm)		lockdep_assert_held(&(mm)->mmap_lock)
#define mmap_assert_write_locked(mm) do {					\
	lockdep_assert_held_write(&(mm)->mmap_lock);			\
	mmap_assert_window_open(mm);					\
} while (0)

/* Held for writing: nothing closed the window early (only the wrappers touch the count). */
static inline void mmap_assert_window_open(struct mm_struct *mm)
{
#if CONFIG_DEBUG
	if (rwsem_is_write_held_by_current(&mm->mmap_lock))
		WARN_ON_ONCE(!(READ_ONCE(mm->mm_lock_seq.sequence) & 1));
#endif
}

/*
 * The lockless reader's side. try_begin: false while a writer is inside
 * (the reader should take the lock instead of waiting for a writer that
 * may sleep); else *seq to check later. retry: true if a write section
 * began since. Neither sleeps nor spins.
 */
static inline bool mmap_lock_speculate_try_begin(struct mm_struct *mm, unsigned int *seq)
{
	return raw_seqcount_try_begin(&mm->mm_lock_seq, seq);
}

static inline bool mmap_lock_speculate_retry(struct mm_struct *mm, unsigned int seq)
{
	return read_seqcount_retry(&mm->mm_lock_seq, seq);
}

#endif
