/*
 * kernel/sync/lock_order.h - THE lock order of the whole kernel.
 *
 * Every lock that can be held while another is taken has a rank here.
 * A CPU or task may take a lock only if its rank is greater than the rank
 * of every lock it already holds: outer locks have small ranks, inner
 * locks large ones. The lock-order checker (kernel/sync/lockdep.c, debug
 * builds) warns, once per pair, with both backtraces, when code takes
 * locks against this order, which is how a deadlock between two CPUs that
 * take the same two locks in opposite orders is caught before it happens.
 *
 * Rank 0 means "not checked": for locks that are only ever taken alone
 * (the console lock, which printk may take under any other lock, is one).
 */
#ifndef KERNEL_SYNC_LOCK_ORDER_H
#define KERNEL_SYNC_LOCK_ORDER_H

enum lock_rank {
	LOCK_RANK_NONE = 0,

	/* sleeping locks (mutex, rwsem): taken first, in task context */
	LOCK_RANK_MMAP_LOCK	= 100,	/* mm->mmap_lock (user space, later) */
	LOCK_RANK_TEST_OUTER	= 180,	/* self-tests of the checker itself */
	LOCK_RANK_TEST_INNER	= 190,
	LOCK_RANK_MUTEX		= 200,	/* a mutex or rwsem with no rank of its own */

	/* spinlocks, outermost first */
	LOCK_RANK_TASKLIST	= 300,	/* tasklist_lock: the list of all tasks */
	LOCK_RANK_WAITQUEUE	= 310,	/* wait queues, completions, mutex/rwsem wait lists */
	LOCK_RANK_PI_LOCK	= 320,	/* task->pi_lock: wakeups and migration of a task */
	LOCK_RANK_RQ		= 330,	/* rq->lock: a CPU's runqueue */
	LOCK_RANK_TIMER_BASE	= 340,	/* a CPU's timer list */
	LOCK_RANK_CALL_QUEUE	= 350,	/* a CPU's smp_call_function queue */
	LOCK_RANK_MM_ALLOC	= 400,	/* the memory allocators' own locks */
	LOCK_RANK_IOREMAP	= 450,	/* the ioremap area */
	LOCK_RANK_LEAF		= 500,	/* locks that take nothing inside them */
};

#endif
