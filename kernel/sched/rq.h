/*
 * kernel/sched/rq.h - the per-CPU runqueue (private to kernel/sched/).
 *
 * A task is on_rq from the moment it is woken until it blocks or dies;
 * while it runs it is rq->curr and not on rq->queue, and while it waits it
 * is on rq->queue. The context switch (switch_to) happens with rq->lock
 * held; the task switched to releases it (finish_task_switch), so no other
 * CPU ever sees a half-switched runqueue.
 *
 * Lazy mm switching (seed 002) keeps its per-CPU hazard pointer and the
 * mm a CPU owes an mmdrop in kernel/mm/lazy_mm.c, not here: the scheduler
 * calls into mm, not the reverse.
 */
#ifndef KERNEL_SCHED_RQ_H
#define KERNEL_SCHED_RQ_H

#include "kernel/sched/sched.h"

struct rq {
	spinlock_t lock;
	int cpu;
	struct task *curr;
	struct task *idle;
	struct list_head queue;		/* waiting tasks, FIFO */
	unsigned int nr_running;	/* queued + the running one (idle not counted) */
	unsigned long nr_switches;
	unsigned long nr_pulled;	/* tasks the load balancer pulled here */
	u64 idle_ns;			/* time spent in the idle task */
	u64 idle_start;
	bool balance_due;		/* set by the tick while idle */
	struct task *migrating;		/* prev, to be moved off this CPU after the switch */
};

DECLARE_PER_CPU(struct rq, runqueues);
#define cpu_rq(cpu)	(&per_cpu(runqueues, (cpu)))
#define this_rq()	(this_cpu_ptr(&runqueues))

void enqueue_task(struct rq *rq, struct task *p);
void dequeue_task(struct rq *rq, struct task *p);
void move_queued_task(struct task *p, int dst);
void idle_balance(struct rq *rq);
void task_list_add(struct task *p);
void task_cache_init(void);

#endif
