/*
 * kernel/sync/wait.h - wait queues and completions.
 *
 * A wait queue is a list of sleeping tasks behind a spinlock. A waiter
 * adds itself, sets its state, tests its condition, and sleeps; a waker
 * makes the condition true and then wakes the queue. Because the waiter
 * sets its state before testing (prepare_to_wait), a wakeup that comes
 * between the test and the sleep is not lost. Exclusive waiters (added
 * with prepare_to_wait_exclusive) are woken one at a time by wake_up(),
 * so a lock release does not wake a herd.
 *
 * A completion is a count of "done" events with a queue of waiters: each
 * complete() lets one waiter through, complete_all() every waiter, now and
 * later (see wait.c for why no event is lost).
 */
#ifndef KERNEL_SYNC_WAIT_H
#define KERNEL_SYNC_WAIT_H

#include "kernel/sync/spinlock.h"
#include "kernel/lib/list.h"

struct task;

#define WQ_FLAG_EXCLUSIVE	0x01

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;
};

struct wait_queue_entry {
	struct task *task;
	unsigned int flags;
	struct list_head entry;
};

#define __WAIT_QUEUE_HEAD_INIT(name) \
	{ SPINLOCK_INIT_RANK(#name ".lock", LOCK_RANK_WAITQUEUE), LIST_HEAD_INIT((name).head) }
#define DECLARE_WAIT_QUEUE_HEAD(name) struct wait_queue_head name = __WAIT_QUEUE_HEAD_INIT(name)

void init_waitqueue_head(struct wait_queue_head *wq);
void init_wait_entry(struct wait_queue_entry *w);
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w, long state);
void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *w, long state);
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w);
/* Wakes every non-exclusive waiter and up to nr exclusive ones; returns how many woke. */
int __wake_up(struct wait_queue_head *wq, int nr_exclusive);
#define wake_up(wq)		__wake_up(wq, 1)
#define wake_up_all(wq)		__wake_up(wq, 0)
bool waitqueue_active(struct wait_queue_head *wq);

/* Sleeps until cond is true. cond is re-tested after every wakeup. */
#define wait_event(wq, cond) do {						\
	struct wait_queue_entry __w;						\
	might_sleep();								\
	init_wait_entry(&__w);							\
	for (;;) {								\
		prepare_to_wait(&(wq), &__w, TASK_UNINTERRUPTIBLE);		\
		if (cond)							\
			break;							\
		schedule();							\
	}									\
	finish_wait(&(wq), &__w);						\
} while (0)

/* As wait_event, for at most ns; evaluates to the time left (0: timed out, cond false). */
#define wait_event_timeout(wq, cond, ns) ({					\
	struct wait_queue_entry __w;						\
	long __left = (ns);							\
	might_sleep();								\
	init_wait_entry(&__w);							\
	for (;;) {								\
		prepare_to_wait(&(wq), &__w, TASK_UNINTERRUPTIBLE);		\
		if (cond) {							\
			if (!__left)						\
				__left = 1;					\
			break;							\
		}								\
		if (!__left)							\
			break;							\
		__left = schedule_timeout(__left);				\
	}									\
	finish_wait(&(wq), &__w);						\
	__left; })

struct completion {
	unsigned int done;		/* UINT_MAX after complete_all */
	struct wait_queue_head wait;
};

void init_completion(struct completion *c);
static inline void reinit_completion(struct completion *c) { c->done = 0; }
void complete(struct completion *c);
void complete_all(struct completion *c);
void wait_for_completion(struct completion *c);
/* Returns the time left, or 0 if it timed out. */
long wait_for_completion_timeout(struct completion *c, long ns);
bool try_wait_for_completion(struct completion *c);
bool completion_done(struct completion *c);

#endif
