/*
 * kernel/sched/task.h - struct task, the unit the scheduler runs.
 *
 * Every thread of execution is a task: the idle task of each CPU (the
 * CPU's boot context), kernel threads, and user threads. `current`
 * is the task running on this CPU, read with one %gs-relative load.
 *
 * Life cycle and references: a task starts TASK_NEW with two references,
 * its own (dropped when it has died and switched away for the last time)
 * and its creator's (dropped by kthread_stop() or put_task_struct()). The
 * struct and its stack are freed when the last reference goes.
 *
 * mm and active_mm have Linux's meaning: mm is the user address space the
 * task owns (NULL for kernel threads); active_mm is the one its CPU's page
 * tables point at while it runs (a kernel thread borrows the previous
 * task's).
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
 *
 * This header is what the layers below the scheduler may see of it (the
 * task, current, sleeping and waking: docs/layers.md, exception 1); the
 * rest of the scheduler's interface is kernel/sched/sched.h.
 */
#ifndef KERNEL_SCHED_TASK_H
#define KERNEL_SCHED_TASK_H

#include "kernel/atomic.h"
#include "kernel/percpu.h"
#include "kernel/lib/cpumask.h"
#include "kernel/lib/list.h"
#include "kernel/sync/spinlock.h"
#include "kernel/sync/wait.h"
#include "kernel/proc/user_task.h"
#include "arch/x86_64/processor.h"

#define TASK_COMM_LEN		16
#define MAX_LOCK_DEPTH		16	/* locks one task may hold at once */
#define SCHED_TIMESLICE_TICKS	5	/* round-robin slice: 50 ms at HZ=100 */

/* Task states (Linux's values for the first three). */
#define TASK_RUNNING		0x0000	/* on a runqueue or running */
#define TASK_INTERRUPTIBLE	0x0001	/* sleeping; a signal wakes it too */
#define TASK_UNINTERRUPTIBLE	0x0002	/* sleeping until explicitly woken */
#define TASK_NORMAL		(TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
#define TASK_DEAD		0x0080	/* exited; waiting to be freed */
#define TASK_NEW		0x0800	/* created, never woken */

/* Task flags. */
#define PF_IDLE			0x0002	/* a CPU's idle task */
#define PF_KTHREAD		0x0004	/* a kernel thread */
#define PF_EXITING		0x0008	/* in do_exit() */

struct mm_struct;
struct mempolicy;
struct recovery;

/* Locks held, for the lock-order checker (kernel/sync/lockdep.c). */
struct held_lock {
	const void *lock;
	const char *name;
	int rank;
	unsigned long trace[4];		/* where it was taken */
};

/* Where printk output goes instead of the console, while set (printk.h). */
struct printk_capture {
	char *buf;
	size_t size, len;
};

struct held_stack {
	int depth;
	struct held_lock locks[MAX_LOCK_DEPTH];
};

struct task {
	unsigned long saved_rsp;	/* switch_to() keeps the stack pointer here: first field */
	volatile long state;
	unsigned int flags;
	int pid;
	char comm[TASK_COMM_LEN];

	/* scheduling */
	int cpu;			/* runqueue it is on, or last ran on */
	int on_rq;			/* belongs to a runqueue (queued or running) */
	volatile int on_cpu;		/* a CPU is running it, or still switching away */
	bool need_resched;		/* schedule() at the next chance */
	int time_slice;			/* ticks left in this slice */
	struct cpumask cpus_allowed;
	struct list_head run_list;	/* on rq->queue while waiting to run */
	spinlock_t pi_lock;		/* serializes wakeups and migration of this task */
	unsigned long nvcsw, nivcsw;	/* voluntary and involuntary switches */
	unsigned long nr_migrations;
	u64 sum_exec_ns, exec_start;

	/* life cycle */
	atomic_t usage;
	struct list_head tasks;		/* all tasks, for ps */
	void *stack_top;		/* from kstack_alloc */
	void *stack_bottom;
	int (*threadfn)(void *data);
	void *data;
	int exit_code;
	bool should_stop;
	int own_ref_dropped;		/* debug: set when the last switch away dropped the task's own */
	struct completion exited;	/* completed (for all) when the task dies */

	/* address spaces */
	struct mm_struct *mm, *active_mm;
	struct mempolicy *mempolicy;	/* set_mempolicy: RCU-published (kernel/mm/mempolicy.c) */
	short il_prev;			/* interleave without an offset: the node used last */
	u8 il_weight;			/* weighted interleave: allocations left on il_prev */

	/* user space: processes, threads, signals (kernel/proc/proc.h); never read here */
	struct user_task user;
	/* the architecture's user state, saved and loaded at each switch (processor.h) */
	struct thread_struct thread;

	/* debugging */
	struct held_stack lockdep;	/* sleeping locks held (spinlocks are per CPU) */
	struct recovery *test_recovery;	/* self-test recovery point (kernel/selftest.c) */
	struct printk_capture capture;	/* kernel/printk.h */
	int rcu_read_lock_nesting;	/* debug builds: rcu_read_lock() depth (kernel/sync/rcupdate.h) */
};

DECLARE_PER_CPU(struct task *, current_task);

static inline struct task *get_current(void)
{
	return this_cpu_read(current_task);
}
#define current get_current()

static inline void get_task_struct(struct task *t) { atomic_inc(&t->usage); }
void put_task_struct(struct task *t);

static inline bool is_idle_task(const struct task *t) { return t->flags & PF_IDLE; }

/* ---- sleeping and waking (kernel/sched/core.c, timer.c) ---- */

#define MAX_SCHEDULE_TIMEOUT	LONG_MAX

void schedule(void);
void cond_resched(void);		/* schedule() if this CPU is asked to; a long loop's courtesy */
long schedule_timeout(long ns);		/* sleeps up to ns (state set by caller); returns ns left */
bool wake_up_process(struct task *p);
bool wake_up_state(struct task *p, long state);

#define __set_current_state(s)	WRITE_ONCE(current->state, (s))
/* A full barrier after the store: the condition test that follows must not be read before it. */
#define set_current_state(s)	do { __set_current_state(s); smp_mb(); } while (0)

/* Debug: sleeping in atomic context is a bug. */
void __might_sleep(const char *file, int line, bool *warned);
/* Reports (once per call site) a sleep with a spinlock held or interrupts off. */
#define might_sleep() do {							\
	static bool __warned;							\
	__might_sleep(__FILE__, __LINE__, &__warned);				\
} while (0)

#endif
