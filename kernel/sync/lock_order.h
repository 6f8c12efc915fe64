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
 *
 * Interrupts: an interrupt handler runs on top of whatever the CPU holds,
 * so the locks it takes count as taken after those. The tick and the IPIs
 * take wait-queue, pi_lock, runqueue, timer and call-queue locks, all
 * ranked from LOCK_RANK_IRQ_FIRST up. Hence the rule the checker enforces
 * on every acquisition: a spinlock ranked at or above LOCK_RANK_IRQ_FIRST
 * is taken with interrupts off (spin_lock_irqsave and friends), so that no
 * handler can take a lower rank on top of it; locks below it (the
 * process-context locks: tasklist, siglock, page tables, mmlist, shared
 * objects, futex buckets) may be held with interrupts on.
 */
#ifndef KERNEL_SYNC_LOCK_ORDER_H
#define KERNEL_SYNC_LOCK_ORDER_H

enum lock_rank {
	LOCK_RANK_NONE = 0,

	/* sleeping locks (mutex, rwsem): taken first, in task context */
	LOCK_RANK_MMAP_LOCK	= 100,	/* mm->mmap_lock: an mm's VMAs (kernel/mm/mm.h) */
	LOCK_RANK_VMA_LOCK	= 110,	/* vma->vm_lock: vma_lock faults read, writers under mmap_lock */
	LOCK_RANK_I_MMAP	= 115,	/* anon_shared->i_mmap_lock: a shared object's VMAs (kernel/mm/shmem.h) */
	LOCK_RANK_SHM_IDS	= 120,	/* shm_ids.mutex: the SysV segments (kernel/ipc/shm.c) */
	LOCK_RANK_TEST_OUTER	= 180,	/* self-tests of the checker itself */
	LOCK_RANK_TEST_INNER	= 190,
	LOCK_RANK_MUTEX		= 200,	/* a mutex or rwsem with no rank of its own */

	/* spinlocks, outermost first */
	LOCK_RANK_MMLIST	= 299,	/* mmlist_lock: the list of all user mms (taken alone) */
	LOCK_RANK_TASKLIST	= 300,	/* tasklist_lock: the list of all tasks, the process tree */
	LOCK_RANK_SIGLOCK	= 301,	/* sighand->siglock: signal actions, pending and blocked sets */
	LOCK_RANK_PAGE_TABLE	= 302,	/* mm->page_table_lock: the upper levels of the user page tables,
					   and every PTE of a pte_lock=mm mm (TLB IPIs may be sent under it) */
	LOCK_RANK_PTE		= 303,	/* a PTE table's own lock, pte_lock=split (kernel/mm/pgtable.c) */
	LOCK_RANK_ANON_SHARED	= 304,	/* anon_shared->lock: pages of a MAP_SHARED anonymous object */
	LOCK_RANK_RCU_STATE	= 305,	/* rcu_state.lock: grace-period start/end, CPUs owing a QS */
	LOCK_RANK_SHARED_POLICY	= 306,	/* shared_policy->lock: a shared object's range policies (kernel/mm/shared_policy.c) */
	LOCK_RANK_FUTEX		= 307,	/* a futex hash bucket (kernel/proc/futex.c) */
	LOCK_RANK_FILES		= 308,	/* files_struct->file_lock: a process's descriptors (kernel/proc/fdtable.c) */
	LOCK_RANK_TEST_SPIN	= 309,	/* spinlocks of self-tests, taken in process context only */

	/* from here up: locks interrupt handlers take; always taken with interrupts off */
	LOCK_RANK_IRQ_FIRST	= 310,
	LOCK_RANK_WAITQUEUE	= 310,	/* wait queues, completions, mutex/rwsem wait lists */
	LOCK_RANK_PI_LOCK	= 320,	/* task->pi_lock: wakeups and migration of a task */
	LOCK_RANK_RQ		= 330,	/* rq->lock: a CPU's runqueue */
	LOCK_RANK_TIMER_BASE	= 340,	/* a CPU's timer list */
	LOCK_RANK_CALL_QUEUE	= 350,	/* a CPU's smp_call_function queue */
	/* the memory allocators, outermost first */
	LOCK_RANK_SLAB_CACHES	= 400,	/* slab_caches_lock: the list of caches */
	LOCK_RANK_SLAB_GLOBAL	= 405,	/* slab_global_lock: the naive mode of `make bench` */
	LOCK_RANK_SLAB_NODE	= 410,	/* kmem_cache_node.list_lock: a node's slabs */
	LOCK_RANK_KSTACK	= 420,	/* kstack_lock: the stack slots */
	LOCK_RANK_PCPU_ALLOC	= 425,	/* pcpu_lock: the dynamic per-CPU area */
	LOCK_RANK_KERNEL_MAP	= 430,	/* kernel_map_lock: kernel page tables after boot */
	LOCK_RANK_PAGE_GLOBAL	= 435,	/* page_alloc_global_lock: the naive mode of `make bench` */
	LOCK_RANK_ZONE		= 440,	/* zone->lock: a node's buddy lists */
	LOCK_RANK_PERCPU_REF	= 450,	/* percpu_ref_switch_lock: mode switches of every percpu_ref */
	LOCK_RANK_TEST_IRQ	= 499,	/* the checker's own test of the interrupt rule */
	LOCK_RANK_LEAF		= 500,	/* locks that take nothing inside them */
};

#endif
