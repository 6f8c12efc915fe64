/*
 * kernel/sync/mutex.h - sleeping mutual exclusion.
 *
 * owner holds the owning task's pointer, with bit 0 set while tasks wait.
 * Uncontended lock and unlock are one cmpxchg each. A contended unlock
 * hands the mutex directly to the first waiter (FIFO), so no waiter can be
 * overtaken forever by new arrivals: fairness over raw throughput, the
 * right trade for a teaching kernel. Only the owner may unlock; a mutex is
 * never taken in interrupt context or with a spinlock held.
 */
#ifndef KERNEL_SYNC_MUTEX_H
#define KERNEL_SYNC_MUTEX_H

#include "kernel/atomic.h"
#include "kernel/sync/spinlock.h"
#include "kernel/lib/list.h"

struct task;

struct mutex {
	unsigned long owner;		/* struct task * | MUTEX_FLAG_WAITERS */
	spinlock_t wait_lock;
	struct list_head waiters;
	const char *name;
	int rank;			/* lock_order.h */
};

#define MUTEX_FLAG_WAITERS	1UL

#define __MUTEX_INITIALIZER(n, r) { 0, SPINLOCK_INIT_RANK(#n ".wait_lock", LOCK_RANK_WAITQUEUE), \
				    LIST_HEAD_INIT((n).waiters), #n, (r) }
#define DEFINE_MUTEX(n)		struct mutex n = __MUTEX_INITIALIZER(n, LOCK_RANK_MUTEX)
#define DEFINE_MUTEX_RANK(n, r)	struct mutex n = __MUTEX_INITIALIZER(n, r)

void mutex_init(struct mutex *m, const char *name, int rank);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
static inline bool mutex_is_locked(struct mutex *m) { return READ_ONCE(m->owner) != 0; }
static inline struct task *mutex_owner(struct mutex *m)
{
	return (struct task *)(READ_ONCE(m->owner) & ~MUTEX_FLAG_WAITERS);
}

#endif
