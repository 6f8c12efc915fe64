/*
 * kernel/sched/sched.h - the scheduler's interface.
 *
 * One runqueue per CPU, round-robin within it with a time slice of
 * SCHED_TIMESLICE_TICKS. The kernel is not preemptible: the timer tick
 * only sets need_resched, and the switch happens when the running task
 * reaches cond_resched(), blocks, or returns to user mode.
 *
 * How a task sleeps and is woken (schedule, wake_up_process) is declared
 * with struct task in task.h, for the sleeping locks of kernel/sync.
 */
#ifndef KERNEL_SCHED_SCHED_H
#define KERNEL_SCHED_SCHED_H

#include "kernel/sched/task.h"

void sched_init(unsigned long stack_lo, unsigned long stack_hi);	/* boot context -> CPU 0's idle task */
void sched_init_ap(int cpu, unsigned long stack_lo, unsigned long stack_hi);	/* likewise on an AP */
void cpu_idle(void) __attribute__((noreturn));

void sched_tick(bool user);		/* from the timer interrupt; user: it interrupted user mode */
void resched_curr_cpu(int cpu);

#if CONFIG_DEBUG
/* Test hook: called by finish_task_switch once prev may run elsewhere (core.c). */
extern void (*sched_switch_window_hook)(struct task *prev);
#endif

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

/*
 * Every task, on p->tasks, under tasklist_lock (kthread.c), which
 * kernel/proc also takes for the process tree.
 */
extern struct list_head task_list;
extern spinlock_t tasklist_lock;
extern atomic_t nr_tasks;

/* Counters for the monitor and tests. */
u64 sched_idle_ns(int cpu);

#endif
