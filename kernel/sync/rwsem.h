/*
 * kernel/sync/rwsem.h - reader/writer semaphores (it will be mmap_lock).
 *
 * Many readers or one writer. Requests are granted in arrival order: a
 * reader that arrives while anyone waits queues behind them instead of
 * joining the readers inside, so a waiting writer gets in as soon as the
 * readers already inside leave: writers are never starved. When a writer
 * leaves, every reader at the head of the queue enters together.
 */
#ifndef KERNEL_SYNC_RWSEM_H
#define KERNEL_SYNC_RWSEM_H

#include "kernel/sync/spinlock.h"
#include "kernel/lib/list.h"

struct task;

struct rw_semaphore {
	spinlock_t wait_lock;
	long count;			/* readers inside, or -1: a writer */
	struct task *owner;		/* the writer: checks up_write and lockdep_assert_held_write() */
	struct list_head waiters;
	const char *name;
	int rank;
	unsigned long reader_entries;	/* readers let in, ever */
	unsigned long max_bypass;	/* most readers let in while one writer waited */
};

#define __RWSEM_INITIALIZER(n, r) { SPINLOCK_INIT_RANK(#n ".wait_lock", LOCK_RANK_WAITQUEUE), \
				    0, NULL, LIST_HEAD_INIT((n).waiters), #n, (r), 0, 0 }
#define DECLARE_RWSEM(n)	struct rw_semaphore n = __RWSEM_INITIALIZER(n, LOCK_RANK_MUTEX)

void init_rwsem(struct rw_semaphore *s, const char *name, int rank);
void down_read(struct rw_semaphore *s);
void down_write(struct rw_semaphore *s);
bool down_read_trylock(struct rw_semaphore *s);
bool down_write_trylock(struct rw_semaphore *s);
void up_read(struct rw_semaphore *s);
void up_write(struct rw_semaphore *s);
void downgrade_write(struct rw_semaphore *s);	/* writer becomes a reader, letting readers in */
static inline bool rwsem_is_locked(struct rw_semaphore *s) { return READ_ONCE(s->count) != 0; }
#if CONFIG_DEBUG
/* For lockdep_assert_held() and lockdep_assert_held_write() (kernel/sync/lockdep.h). */
bool rwsem_is_held_by_current(struct rw_semaphore *s);		/* for reading or writing */
bool rwsem_is_write_held_by_current(struct rw_semaphore *s);
#endif

#endif
