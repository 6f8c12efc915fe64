/*
 * kernel/sync/rwsem.c - reader/writer semaphores (see rwsem.h).
 *
 * Everything happens under wait_lock, which keeps the rules short and
 * checkable: a request is granted at once only if nobody waits and the
 * semaphore is compatible; otherwise it queues FIFO and is granted by the
 * release that makes it compatible (grant_waiters), which also counts it
 * in, so a woken task never has to compete again.
 */
#include "kernel/sync/rwsem.h"
#include "kernel/sync/lockdep.h"
#include "kernel/sched/task.h"
#include "kernel/panic.h"

struct rwsem_waiter {
	struct list_head list;
	struct task *task;
	bool writer;
	volatile bool granted;
	unsigned long entries_at_arrival;	/* s->reader_entries when it queued */
};

/* The statistic behind "writers are never starved" (see the rwsem test). */
static void note_writer_granted(struct rw_semaphore *s, struct rwsem_waiter *w)
{
	unsigned long bypass = s->reader_entries - w->entries_at_arrival;

	if (bypass > s->max_bypass)
		s->max_bypass = bypass;
}

void init_rwsem(struct rw_semaphore *s, const char *name, int rank)
{
	spin_lock_init_rank(&s->wait_lock, "rwsem.wait_lock", LOCK_RANK_WAITQUEUE);
	s->count = 0;
	s->owner = NULL;
	INIT_LIST_HEAD(&s->waiters);
	s->name = name;
	s->rank = rank;
	s->reader_entries = s->max_bypass = 0;
}

/* With wait_lock held and the semaphore free of writers: let in whoever is next. */
static void grant_waiters(struct rw_semaphore *s)
{
	struct rwsem_waiter *w, *tmp;

	list_for_each_entry_safe(w, tmp, &s->waiters, list) {
		if (w->writer) {
			if (s->count != 0)
				break;		/* readers still inside */
			s->count = -1;
			s->owner = w->task;
			note_writer_granted(s, w);
		} else {
			s->count++;
			s->reader_entries++;
		}
		list_del(&w->list);
		w->granted = true;
		wake_up_process(w->task);
		if (w->writer)
			break;
	}
}

static void wait_granted(struct rw_semaphore *s, bool writer, unsigned long flags)
{
	struct rwsem_waiter w = { .task = current, .writer = writer, .granted = false,
				  .entries_at_arrival = s->reader_entries };

	list_add_tail(&w.list, &s->waiters);
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (w.granted)
			break;
		spin_unlock_irqrestore(&s->wait_lock, flags);
		schedule();
		flags = spin_lock_irqsave(&s->wait_lock);
	}
	__set_current_state(TASK_RUNNING);
	spin_unlock_irqrestore(&s->wait_lock, flags);
}

void down_read(struct rw_semaphore *s)
{
	unsigned long flags;

	might_sleep();
	lockdep_acquire(s, s->name, s->rank, true);
	flags = spin_lock_irqsave(&s->wait_lock);
	if (s->count >= 0 && list_empty(&s->waiters)) {
		s->count++;
		s->reader_entries++;
		spin_unlock_irqrestore(&s->wait_lock, flags);
		return;
	}
	wait_granted(s, false, flags);
}

void down_write(struct rw_semaphore *s)
{
	unsigned long flags;

	might_sleep();
	lockdep_acquire(s, s->name, s->rank, true);
	flags = spin_lock_irqsave(&s->wait_lock);
	if (s->count == 0 && list_empty(&s->waiters)) {
		s->count = -1;
		s->owner = current;
		spin_unlock_irqrestore(&s->wait_lock, flags);
		return;
	}
	wait_granted(s, true, flags);
}

bool down_read_trylock(struct rw_semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wait_lock);
	bool ok = s->count >= 0 && list_empty(&s->waiters);

	if (ok) {
		s->count++;
		s->reader_entries++;
	}
	spin_unlock_irqrestore(&s->wait_lock, flags);
	if (ok)
		lockdep_acquire(s, s->name, LOCK_RANK_NONE, true);
	return ok;
}

bool down_write_trylock(struct rw_semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wait_lock);
	bool ok = s->count == 0;

	if (ok) {
		s->count = -1;
		s->owner = current;
	}
	spin_unlock_irqrestore(&s->wait_lock, flags);
	if (ok)
		lockdep_acquire(s, s->name, LOCK_RANK_NONE, true);
	return ok;
}

void up_read(struct rw_semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wait_lock);

	if (unlikely(s->count <= 0))
		panic("up_read of %s, which no reader holds", s->name);
	if (--s->count == 0)
		grant_waiters(s);
	spin_unlock_irqrestore(&s->wait_lock, flags);
	lockdep_release(s, true);
}

void up_write(struct rw_semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wait_lock);

	if (unlikely(s->count != -1 || s->owner != current))
		panic("up_write of %s by %s, which does not hold it for writing", s->name, current->comm);
	s->count = 0;
	s->owner = NULL;
	grant_waiters(s);
	spin_unlock_irqrestore(&s->wait_lock, flags);
	lockdep_release(s, true);
}

void downgrade_write(struct rw_semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wait_lock);
	struct rwsem_waiter *w, *tmp;

	if (unlikely(s->count != -1 || s->owner != current))
		panic("downgrade_write of %s by a task that does not hold it", s->name);
	s->count = 1;
	s->owner = NULL;
	list_for_each_entry_safe(w, tmp, &s->waiters, list) {	/* readers at the head join */
		if (w->writer)
			break;
		s->count++;
		s->reader_entries++;
		list_del(&w->list);
		w->granted = true;
		wake_up_process(w->task);
	}
	spin_unlock_irqrestore(&s->wait_lock, flags);
}

#if CONFIG_DEBUG
bool rwsem_is_write_held_by_current(struct rw_semaphore *s)
{
	return READ_ONCE(s->count) == -1 && READ_ONCE(s->owner) == current;
}

/* Readers are not recorded in the rwsem: the checker's per-task record says who they are. */
bool rwsem_is_held_by_current(struct rw_semaphore *s)
{
	return rwsem_is_write_held_by_current(s) || (READ_ONCE(s->count) > 0 && lockdep_task_holds(s));
}
#endif
