/*
 * kernel/sync/mutex.c - sleeping mutexes (see mutex.h).
 *
 * Invariant: while any task waits, owner is non-zero with
 * MUTEX_FLAG_WAITERS set, so the lock-free fast paths (cmpxchg from 0, and
 * to 0 from exactly `current`) fail and the slow paths, which hold
 * wait_lock, decide. Lock order: wait_lock, then the woken task's locks.
 */
#include "kernel/sync/mutex.h"
#include "kernel/sync/lockdep.h"
#include "kernel/sched/task.h"
#include "kernel/panic.h"

struct mutex_waiter {
	struct list_head list;
	struct task *task;
	volatile bool granted;
};

void mutex_init(struct mutex *m, const char *name, int rank)
{
	m->owner = 0;
	spin_lock_init_rank(&m->wait_lock, "mutex.wait_lock", LOCK_RANK_WAITQUEUE);
	INIT_LIST_HEAD(&m->waiters);
	m->name = name;
	m->rank = rank;
}

static void lock_slowpath(struct mutex *m)
{
	struct mutex_waiter w = { .task = current, .granted = false };
	unsigned long flags = spin_lock_irqsave(&m->wait_lock);

	for (;;) {
		unsigned long old = READ_ONCE(m->owner);
		if (!old) {
			if (cmpxchg(&m->owner, 0UL, (unsigned long)current) == 0) {
				spin_unlock_irqrestore(&m->wait_lock, flags);
				return;
			}
		} else if ((old & MUTEX_FLAG_WAITERS) ||
			   cmpxchg(&m->owner, old, old | MUTEX_FLAG_WAITERS) == old) {
			break;		/* the owner will see waiters and hand over */
		}
	}
	list_add_tail(&w.list, &m->waiters);
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (w.granted)
			break;
		spin_unlock_irqrestore(&m->wait_lock, flags);
		schedule();
		flags = spin_lock_irqsave(&m->wait_lock);
	}
	__set_current_state(TASK_RUNNING);
	spin_unlock_irqrestore(&m->wait_lock, flags);
}

void mutex_lock(struct mutex *m)
{
	might_sleep();
	lockdep_acquire(m, m->name, m->rank, true);
	if (cmpxchg(&m->owner, 0UL, (unsigned long)current) == 0)
		return;
	lock_slowpath(m);
}

bool mutex_trylock(struct mutex *m)
{
	if (cmpxchg(&m->owner, 0UL, (unsigned long)current) != 0)
		return false;
	lockdep_acquire(m, m->name, LOCK_RANK_NONE, true);
	return true;
}

/* Hands the mutex to the first waiter, or frees it if none waits. */
static void unlock_slowpath(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->wait_lock);
	struct mutex_waiter *w = list_first_entry_or_null(&m->waiters, struct mutex_waiter, list);

	if (!w) {
		WRITE_ONCE(m->owner, 0);
	} else {
		list_del(&w->list);
		WRITE_ONCE(m->owner, (unsigned long)w->task |
			   (list_empty(&m->waiters) ? 0 : MUTEX_FLAG_WAITERS));
		w->granted = true;
		wake_up_process(w->task);
	}
	spin_unlock_irqrestore(&m->wait_lock, flags);
}

void mutex_unlock(struct mutex *m)
{
	if (unlikely(mutex_owner(m) != current))
		panic("mutex_unlock of %s by %s, which does not own it", m->name, current->comm);
	lockdep_release(m, true);
	if (cmpxchg(&m->owner, (unsigned long)current, 0UL) == (unsigned long)current)
		return;
	unlock_slowpath(m);
}
