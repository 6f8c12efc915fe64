/*
 * kernel/sync/wait.c - wait queues and completions (see wait.h).
 *
 * Lock order: a wait queue's lock is taken before the woken task's pi_lock
 * and runqueue lock (wake_up_process is called with it held).
 */
#include "kernel/sync/wait.h"
#include "kernel/sched/task.h"

void init_waitqueue_head(struct wait_queue_head *wq)
{
	spin_lock_init_rank(&wq->lock, "waitqueue.lock", LOCK_RANK_WAITQUEUE);
	INIT_LIST_HEAD(&wq->head);
}

void init_wait_entry(struct wait_queue_entry *w)
{
	w->task = current;
	w->flags = 0;
	INIT_LIST_HEAD(&w->entry);
}

static void prepare(struct wait_queue_head *wq, struct wait_queue_entry *w, long state, bool exclusive)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	if (list_empty(&w->entry)) {
		if (exclusive) {
			w->flags |= WQ_FLAG_EXCLUSIVE;
			list_add_tail(&w->entry, &wq->head);	/* FIFO among exclusive waiters */
		} else {
			list_add(&w->entry, &wq->head);
		}
	}
	set_current_state(state);	/* before the caller tests its condition */
	spin_unlock_irqrestore(&wq->lock, flags);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w, long state)
{
	prepare(wq, w, state, false);
}

void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *w, long state)
{
	prepare(wq, w, state, true);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	unsigned long flags;

	__set_current_state(TASK_RUNNING);
	if (list_empty(&w->entry))
		return;
	flags = spin_lock_irqsave(&wq->lock);
	list_del_init(&w->entry);
	spin_unlock_irqrestore(&wq->lock, flags);
}

int __wake_up(struct wait_queue_head *wq, int nr_exclusive)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	struct wait_queue_entry *w, *tmp;
	int woken = 0;

	list_for_each_entry_safe(w, tmp, &wq->head, entry) {
		bool exclusive = w->flags & WQ_FLAG_EXCLUSIVE;
		if (!wake_up_process(w->task))
			continue;	/* already awake: it does not use up an exclusive wakeup */
		woken++;
		if (exclusive && nr_exclusive && --nr_exclusive == 0)
			break;
	}
	spin_unlock_irqrestore(&wq->lock, flags);
	return woken;
}

bool waitqueue_active(struct wait_queue_head *wq)
{
	return !list_empty(&wq->head);
}

/* ---- completions ---- */

/*
 * A completion does not use wake_up(): complete() takes the first waiter
 * off the queue as it wakes it, so the next complete() wakes a different
 * one, and a waiter checks `done` under the same lock before it sleeps.
 * Hence, while done > 0, every sleeper has been woken: no event can sit
 * unconsumed beside a sleeping waiter.
 */
#define COMPLETE_ALL	U32_MAX

void init_completion(struct completion *c)
{
	c->done = 0;
	init_waitqueue_head(&c->wait);
}

/* With the lock held: wake and dequeue up to n waiters (0: all). */
static void wake_waiters(struct completion *c, int n)
{
	struct wait_queue_entry *w, *tmp;

	list_for_each_entry_safe(w, tmp, &c->wait.head, entry) {
		list_del_init(&w->entry);
		wake_up_process(w->task);
		if (n && --n == 0)
			break;
	}
}

void complete(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wait.lock);

	if (c->done != COMPLETE_ALL)
		c->done++;
	wake_waiters(c, 1);
	spin_unlock_irqrestore(&c->wait.lock, flags);
}

void complete_all(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wait.lock);

	c->done = COMPLETE_ALL;
	wake_waiters(c, 0);
	spin_unlock_irqrestore(&c->wait.lock, flags);
}

/* With the lock held: take one "done" if there is one. */
static bool consume(struct completion *c)
{
	if (!c->done)
		return false;
	if (c->done != COMPLETE_ALL)
		c->done--;
	return true;
}

bool try_wait_for_completion(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wait.lock);
	bool got = consume(c);

	spin_unlock_irqrestore(&c->wait.lock, flags);
	return got;
}

bool completion_done(struct completion *c)
{
	return READ_ONCE(c->done) != 0;
}

long wait_for_completion_timeout(struct completion *c, long ns)
{
	struct wait_queue_entry w;
	unsigned long flags;

	might_sleep();
	init_wait_entry(&w);
	flags = spin_lock_irqsave(&c->wait.lock);
	while (!c->done && ns) {
		if (list_empty(&w.entry))
			list_add_tail(&w.entry, &c->wait.head);	/* FIFO */
		__set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock_irqrestore(&c->wait.lock, flags);
		ns = schedule_timeout(ns);
		flags = spin_lock_irqsave(&c->wait.lock);
	}
	list_del_init(&w.entry);
	__set_current_state(TASK_RUNNING);
	if (!consume(c))
		ns = 0;
	else if (!ns)
		ns = 1;			/* got it just as the time ran out */
	spin_unlock_irqrestore(&c->wait.lock, flags);
	return ns;
}

void wait_for_completion(struct completion *c)
{
	wait_for_completion_timeout(c, MAX_SCHEDULE_TIMEOUT);
}
