/*
 * kernel/sched/sched.h - the scheduler's interface.
 *
 * One runqueue per CPU, round-robin within it with a time slice of
 * SCHED_TIMESLICE_TICKS. The kernel is not preemptible: the timer tick
 * only sets need_resched, and the switch happens when the running task
 * reaches cond_resched(), blocks, or (later) returns to user mode.
 *
 * Sleeping, the Linux way:
 *	set_current_state(TASK_UNINTERRUPTIBLE);
 *	if (!condition)
 *		schedule();
 *	__set_current_state(TASK_RUNNING);
 * and the waker makes the condition true, then calls wake_up_process().
 * The state is set before the condition is tested, so a wakeup between
 * the test and schedule() is never lost: it sets the state back to
 * TASK_RUNNING and schedule() returns at once.
 */
#ifndef KERNEL_SCHED_SCHED_H
#define KERNEL_SCHED_SCHED_H

#include "kernel/sched/task.h"

#define MAX_SCHEDULE_TIMEOUT	LONG_MAX

void sched_init(unsigned long stack_lo, unsigned long stack_hi);	/* boot context -> CPU 0's idle task */
void sched_init_ap(int cpu, unsigned long stack_lo, unsigned long stack_hi);	/* likewise on an AP */
void cpu_idle(void) __attribute__((noreturn));

void schedule(void);
void cond_resched(void);
bool wake_up_process(struct task *p);
bool wake_up_state(struct task *p, long state);
void sched_tick(bool user);		/* from the timer interrupt; user: it interrupted user mode */
void resched_curr_cpu(int cpu);

#define __set_current_state(s)	WRITE_ONCE(current->state, (s))
/* A full barrier after the store: the condition test that follows must not be read before it. */
#define set_current_state(s)	do { __set_current_state(s); smp_mb(); } while (0)

#if CONFIG_DEBUG
/* Test hook: called by finish_task_switch once prev may run elsewhere (core.c). */
extern void (*sched_switch_window_hook)(struct task *prev);
#endif

long schedule_timeout(long ns);		/* sleeps up to ns (state set by caller); returns ns left */
long schedule_timeout_uninterruptible(long ns);
void msleep(unsigned int ms);

/* Moves p to a CPU in mask if it is not on one (waits until it has moved). */
int set_cpus_allowed(struct task *p, const struct cpumask *mask);
int sched_setaffinity_cpu(struct task *p, int cpu);

/* Kernel threads. */
struct task *kthread_create(int (*fn)(void *data), void *data, const char *fmt, ...) __printf(3, 4);
struct task *kthread_create_on_node(int (*fn)(void *data), void *data, int node, const char *fmt, ...) __printf(4, 5);
/* Creates and wakes a kernel thread; NULL if it could not be created. */
#define kthread_run(fn, data, fmt, ...) ({					\
	struct task *__k = kthread_create(fn, data, fmt, ##__VA_ARGS__);	\
	if (__k)								\
		wake_up_process(__k);						\
	__k; })
void kthread_bind(struct task *p, int cpu);
int kthread_stop(struct task *p);	/* asks it to stop, waits, returns its exit code */
bool kthread_should_stop(void);
void do_exit(int code) __attribute__((noreturn));

/* Debug: sleeping in atomic context is a bug. */
void __might_sleep(const char *file, int line, bool *warned);
/* Reports (once per call site) a sleep with a spinlock held or interrupts off. */
#define might_sleep() do {							\
	static bool __warned;							\
	__might_sleep(__FILE__, __LINE__, &__warned);				\
} while (0)

/* Counters for the monitor and tests. */
u64 sched_idle_ns(int cpu);

#endif
