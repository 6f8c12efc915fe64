/*
 * kernel/sync/rcupdate.h - Read-Copy-Update: the read side, the pointer
 * operations and the update-side API. The engine is kernel/sync/rcu.c;
 * docs/rcu.md explains the whole idea step by step.
 *
 * RCU lets readers walk a shared structure with no lock and no atomic
 * instruction while writers change it. A writer never modifies what a
 * reader may be looking at: it publishes a new version with
 * rcu_assign_pointer(), and frees the old one only after a grace period,
 * once every reader that could have seen it has finished:
 *
 *	reader:                         writer (holding its own lock):
 *	  rcu_read_lock();                old = p; new = copy of old, modified;
 *	  q = rcu_dereference(p);         rcu_assign_pointer(p, new);
 *	  ... use *q ...                  synchronize_rcu();   (or call_rcu)
 *	  rcu_read_unlock();              kfree(old);
 *
 * The kernel is not preemptible (DESIGN.md decision 1): a reader runs
 * until it unlocks, since sleeping inside a read-side section is forbidden.
 * So once every CPU has passed through a point where it runs no reader (a
 * quiescent state: a context switch, the idle loop, a tick taken in user
 * mode), every reader that started before the grace period has finished.
 * rcu_read_lock() therefore emits no instruction in a release build; in a
 * debug build it counts nesting in the task, so that sleeping inside a
 * read-side section is reported.
 */
#ifndef KERNEL_SYNC_RCUPDATE_H
#define KERNEL_SYNC_RCUPDATE_H

#include "kernel/compiler.h"
#include "kernel/sched/task.h"

/* struct rcu_head, the callback queued by call_rcu(), is in kernel/types.h. */
typedef void (*rcu_callback_t)(struct rcu_head *head);

/* ---- read side ---- */

/*
 * barrier(): the compiler must not move the reader's loads out of the
 * section. No CPU barrier is needed: the section ends before the next
 * quiescent state of this CPU, and a quiescent state is reported with a
 * locked instruction, which orders everything before it.
 */
static __always_inline void rcu_read_lock(void)
{
	if (CONFIG_DEBUG)
		current->rcu_read_lock_nesting++;
	barrier();
}

static __always_inline void rcu_read_unlock(void)
{
	barrier();
	if (CONFIG_DEBUG)
		current->rcu_read_lock_nesting--;
}

/* Debug builds: true inside a read-side section. Release builds: always true (unknown). */
static inline bool rcu_read_lock_held(void)
{
	return !CONFIG_DEBUG || current->rcu_read_lock_nesting > 0;
}

/* ---- publishing and reading pointers ---- */

/*
 * rcu_assign_pointer(p, v): store-release. Everything the writer did to
 * initialise *v is visible before p points at it. On x86 a store is
 * already ordered after earlier stores, so this is a compiler barrier
 * and a plain store; on a weaker CPU it would be a release store.
 */
#define rcu_assign_pointer(p, v)	smp_store_release(&(p), (v))

/*
 * rcu_dereference(p): one load of p that the compiler may not repeat or
 * tear, and whose dependent loads (q->field) come after it. Address
 * dependencies order loads on every CPU Numbat runs on (all but Alpha),
 * so no barrier instruction is needed.
 */
#define rcu_dereference(p)		READ_ONCE(p)
/* The writer's view, with the update-side lock held: no ordering needed. */
#define rcu_dereference_protected(p, c)	(p)
/* Read the pointer's value only to test it, never to dereference it. */
#define rcu_access_pointer(p)		READ_ONCE(p)
/* Store NULL (nothing to order) or an initialised value before publication. */
#define RCU_INIT_POINTER(p, v)		WRITE_ONCE(p, v)

/* ---- update side ---- */

/* Runs func(head) after a grace period, in a per-CPU kthread (rcuc/N), in the order queued on this CPU. */
void call_rcu(struct rcu_head *head, rcu_callback_t func);
/* Waits for every reader that started before the call, on every CPU. Sleeps. */
void synchronize_rcu(void);
/* Waits until every callback queued before the call has run. Sleeps. */
void rcu_barrier(void);

/*
 * kfree_rcu(ptr, field): kfree(ptr) after a grace period, with no callback
 * function to write. The offset of the rcu_head in the object is passed
 * in place of the function (an offset is below 4096, never a function's
 * address); the invoker recognises it and frees the enclosing object.
 */
#define RCU_KFREE_MAX_OFFSET	4096
void __kfree_rcu(struct rcu_head *head, unsigned long offset);
#define kfree_rcu(ptr, field) do {						\
	BUILD_BUG_ON(__builtin_offsetof(typeof(*(ptr)), field) >= RCU_KFREE_MAX_OFFSET); \
	__kfree_rcu(&(ptr)->field, __builtin_offsetof(typeof(*(ptr)), field));	\
} while (0)

/* ---- hooks called by the scheduler and the tick ---- */

void rcu_init(void);			/* after the CPUs are up, before any call_rcu */
void rcu_note_context_switch(void);	/* schedule(): this CPU is at a quiescent state */
void rcu_all_qs(void);			/* cond_resched(): likewise, when a grace period waits for us */
void rcu_idle_enter(void);		/* idle loop, interrupts off, just before halting */
void rcu_idle_exit(void);		/* idle loop, just after waking */
/* Every tick. user: the tick interrupted user mode. */
void rcu_sched_clock_irq(bool user);
/* Debug: schedule() calls this; reports a task that sleeps inside a read-side section. */
void rcu_sleep_check(struct task *prev);

/* ---- state, for tests, the monitor and benchmarks ---- */

unsigned long rcu_gp_seq(void);		/* even: idle; odd: a grace period in progress */
unsigned long rcu_completed_gps(void);	/* grace periods ended since boot */
long rcu_callbacks_pending(void);	/* queued and not yet invoked, all CPUs */
unsigned long rcu_idle_qs_reports(int cpu);	/* QSes reported for cpu by rcu_gp because it was idle */
unsigned long rcu_stall_count(void);	/* stall warnings printed since boot */
/* How long the running grace period has lasted (0: none runs; *gp: its gp_seq), as the stall detector sees it. */
u64 rcu_gp_age_ns(unsigned long *gp);
unsigned long rcu_sleep_in_reader_count(void);	/* debug: sleeps inside a read-side section seen */
extern unsigned long rcu_stall_timeout_ms;	/* rcu_stall_timeout= (seconds) */

#endif
