/*
 * kernel/sync/seqlock.h - sequence counts and sequence locks.
 *
 * A writer makes the count odd while it changes the data and even again
 * when done; a reader notes the (even) count, reads, and retries if the
 * count moved. Readers never block writers and take no lock; they only
 * pay with a retry when a write overlapped. Writers must exclude each
 * other (a seqlock_t bundles the spinlock for that).
 *
 * Barriers: the reader's smp_rmb() after reading the count orders the data
 * loads after it, and the one before the re-check orders them before it;
 * the writer's smp_wmb() does the same for its stores. On x86 these cost
 * nothing at run time (TSO) but stop the compiler from moving accesses.
 */
#ifndef KERNEL_SYNC_SEQLOCK_H
#define KERNEL_SYNC_SEQLOCK_H

#include "kernel/sync/spinlock.h"

typedef struct { unsigned int sequence; } seqcount_t;

#define SEQCNT_ZERO		{ 0 }

static inline void seqcount_init(seqcount_t *s) { s->sequence = 0; }

static inline unsigned int read_seqcount_begin(const seqcount_t *s)
{
	unsigned int seq;

	while ((seq = READ_ONCE(s->sequence)) & 1)	/* a write is in progress */
		cpu_relax();
	smp_rmb();
	return seq;
}

/*
 * For a reader that must not wait for a writer (one that may sleep inside
 * its write section, as mmap_lock's holder does): false while a write is
 * in progress, else true with *start to pass to read_seqcount_retry().
 */
static inline bool raw_seqcount_try_begin(const seqcount_t *s, unsigned int *start)
{
	*start = READ_ONCE(s->sequence);
	smp_rmb();	/* data loads after the count: pairs with write_seqcount_end()'s smp_wmb() */
	return !(*start & 1);
}

static inline bool read_seqcount_retry(const seqcount_t *s, unsigned int start)
{
	smp_rmb();
	return READ_ONCE(s->sequence) != start;
}

static inline void write_seqcount_begin(seqcount_t *s)
{
	WRITE_ONCE(s->sequence, s->sequence + 1);
	smp_wmb();
}

static inline void write_seqcount_end(seqcount_t *s)
{
	smp_wmb();
	WRITE_ONCE(s->sequence, s->sequence + 1);
}

typedef struct {
	seqcount_t seqcount;
	spinlock_t lock;
} seqlock_t;

static inline void seqlock_init(seqlock_t *sl, const char *name, int rank)
{
	seqcount_init(&sl->seqcount);
	spin_lock_init_rank(&sl->lock, name, rank);
}

static inline unsigned int read_seqbegin(const seqlock_t *sl) { return read_seqcount_begin(&sl->seqcount); }
static inline bool read_seqretry(const seqlock_t *sl, unsigned int start) { return read_seqcount_retry(&sl->seqcount, start); }

static inline void write_seqlock(seqlock_t *sl)
{
	spin_lock(&sl->lock);
	write_seqcount_begin(&sl->seqcount);
}

static inline void write_sequnlock(seqlock_t *sl)
{
	write_seqcount_end(&sl->seqcount);
	spin_unlock(&sl->lock);
}

#endif
