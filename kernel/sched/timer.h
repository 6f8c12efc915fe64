/*
 * kernel/sched/timer.h - one-shot timers on each CPU, for sleeping with a
 * timeout. A timer fires in the timer interrupt of the CPU it was added
 * on, at the first tick at or after its expiry time, so its resolution is
 * one tick (1/HZ). The function runs in interrupt context: it must not
 * sleep (waking a task is what it is for).
 */
#ifndef KERNEL_SCHED_TIMER_H
#define KERNEL_SCHED_TIMER_H

#include "kernel/types.h"
#include "kernel/lib/list.h"

struct timer {
	u64 expires_ns;			/* ktime_get_ns() value */
	void (*fn)(struct timer *t);
	struct list_head entry;
	int cpu;			/* base it is queued on, or -1 */
};

void timer_setup(struct timer *t, void (*fn)(struct timer *t));
void add_timer(struct timer *t, u64 expires_ns);	/* on this CPU */
/* Removes t if pending; true if it was. Does not wait for a running fn. */
bool del_timer(struct timer *t);
/* As del_timer, and waits until t's function is not running anywhere. */
bool del_timer_sync(struct timer *t);
void timers_init_cpu(int cpu);
void run_local_timers(void);

#endif
