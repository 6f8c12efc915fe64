/*
 * kernel/mm/mm.h - address spaces: struct mm_struct and its life cycle.
 *
 * An mm_struct is one user address space: the page tables (pgd, whose
 * kernel half, PML4 entries 256..511, is a copy of kernel_pml4's, so every
 * address space sees the kernel), the VMAs that say what may be mapped
 * where (kernel/mm/vma.h), and the bookkeeping around them.
 *
 * Two reference counts, with Linux's meaning:
 *   mm_users  users of the address space itself (threads sharing it, a
 *             remote accessor). mmput() of the last one tears the mappings
 *             and page tables down (exit_mmap) and drops one mm_count.
 *   mm_count  references to the struct: all mm_users together hold one,
 *             an exiting task holds one until its last switch, and a
 *             kernel thread that borrows the mm as its active_mm holds one
 *             or not, as the technique lazy_mm says (kernel/mm/lazy_mm.h).
 *             The last mmdrop frees the pgd and the struct.
 *
 * Locks, outermost first:
 *   mm->mmap_lock (rwsem, LOCK_RANK_MMAP_LOCK): the VMA tree and list,
 *       taken only through kernel/mm/mmap_lock.h. Readers: page faults,
 *       find_vma, access_remote_vm. Writers: mmap, munmap, mprotect, brk,
 *       fork (dup_mm), exit, a stack growing.
 *   mm->page_table_lock (spinlock, LOCK_RANK_PAGE_TABLE): the user page
 *       tables; faults under a read mmap_lock race only through it.
 *   anon_shared->lock: the pages of a MAP_SHARED anonymous object.
 *   mmlist_lock (alone): the list of all user mms, for the monitor.
 * mm->mm_lock_seq is odd exactly while mmap_lock is held for writing
 * (mmap_lock.h): only that holder writes it, so it needs no lock of its own.
 */
#ifndef KERNEL_MM_MM_H
#define KERNEL_MM_MM_H

#include "kernel/types.h"
#include "kernel/atomic.h"
#include "kernel/percpu.h"
#include "kernel/lib/cpumask.h"
#include "kernel/lib/list.h"
#include "kernel/lib/rbtree.h"
#include "kernel/sync/rwsem.h"
#include "kernel/sync/seqlock.h"
#include "kernel/sync/spinlock.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/tlb.h"

/* The user half, as in Linux: [MMAP_MIN_ADDR, TASK_SIZE) (TASK_SIZE: arch/x86_64/paging.h). */
#define MMAP_MIN_ADDR		0x1000UL	/* page 0 is never mapped: NULL faults */
#define STACK_TOP		TASK_SIZE
#define MMAP_GAP		(128UL << 20)	/* room left below the stack for it to grow */

/* Per-mm counters (and their sums over all mms since boot, vm_events). */
enum mm_counter {
	MM_RSS,			/* user pages mapped now */
	MM_PGTABLES,		/* page-table pages below the PML4 now */
	MM_FAULTS,		/* page faults handled (resolved or not) */
	MM_DEMAND_ZERO,		/* fresh zeroed private pages */
	MM_SHARED_FAULTS,	/* pages of a shared object mapped */
	MM_COW_COPIES,		/* copy-on-write: page copied */
	MM_COW_REUSES,		/* copy-on-write: sole user, made writable in place */
	MM_SPURIOUS,		/* the PTE already allowed the access (stale TLB) */
	MM_BAD_FAULTS,		/* refused: no VMA (MAPERR) or no permission (ACCERR) */
	NR_MM_COUNTERS
};
extern const char *const mm_counter_names[NR_MM_COUNTERS];

#define MM_MAGIC		0x6d6d5f6d61676963UL	/* "mm_magic": a live mm_struct */
#define MM_FREED		0x6d6d5f6672656564UL	/* "mm_freed" */

struct mm_struct {
	unsigned long magic;		/* MM_MAGIC while allocated (debug checks, lazy_mm.c) */
	u64 *pgd;			/* PML4, direct-map address */
	struct rw_semaphore mmap_lock;
	atomic_t mm_users;
	atomic_t mm_count;
	struct cpumask cpu_bitmap;	/* mm_cpumask(): CPUs whose CR3 may point here */

	/* the VMAs (kernel/mm/vma.c): a tree by address and a list in address order */
	struct rb_root mm_rb;
	struct list_head mmap;
	int map_count;
	seqcount_t mm_lock_seq;		/* odd while mmap_lock is held for writing */
	unsigned long highest_vm_end;	/* end of the last VMA; 0 if none */
	unsigned long def_flags;	/* VM_ flags of every new mapping: mlockall(MCL_FUTURE)'s lock */

	spinlock_t page_table_lock;	/* the upper levels of the user tables (and every PTE, pte_lock=mm) */
	bool split_ptl;			/* pte_lock=split when created: PTs have locks of their own */

	/* layout */
	unsigned long mmap_base;	/* top-down mmap searches start below this */
	unsigned long task_size;
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack;
	unsigned long arg_start, arg_end, env_start, env_end;

	/*
	 * The counters, per CPU: a fault adds to its own CPU's copy, so
	 * threads faulting on different CPUs share no cache line through
	 * them; mm_counter() sums the CPUs, exact whenever nobody is adding.
	 */
	struct mm_counters __percpu *counters;
	struct list_head mmlist;	/* all user mms, for the monitor */
};

struct mm_counters {
	long c[NR_MM_COUNTERS];
};

#define mm_cpumask(mm)		(&(mm)->cpu_bitmap)

extern struct mm_struct init_mm;	/* the kernel's own: pgd = kernel_pml4, no VMAs */
DECLARE_PER_CPU(struct mm_struct *, cpu_loaded_mm);	/* whose page tables this CPU's CR3 holds */

/* One %gs-relative add on this CPU's copy: no shared cache line, no lock prefix. */
static inline void mm_counter_add(struct mm_struct *mm, enum mm_counter c, long v)
{
	this_cpu_add(mm->counters->c[c], v);
}
long mm_counter(struct mm_struct *mm, enum mm_counter c);	/* the sum over the CPUs */
void mm_count_event(struct mm_struct *mm, enum mm_counter c, long v);	/* the mm's and the sum */
void vm_event_add(enum mm_counter c, long v);	/* the since-boot sums, per CPU too */
long vm_event(enum mm_counter c);

void mm_caches_init(void);			/* slab caches; once, at boot */
struct mm_struct *mm_alloc(void);		/* empty user mm, mm_users = mm_count = 1; NULL: ENOMEM */
void mmget(struct mm_struct *mm);
bool mmget_not_zero(struct mm_struct *mm);
void mmput(struct mm_struct *mm);
void mmgrab(struct mm_struct *mm);
void mmdrop(struct mm_struct *mm);
long nr_mm_structs(void);			/* user mms allocated and not yet freed */
/* Calls fn on every user mm under the list's spinlock (fn must not sleep). */
void for_each_mm(void (*fn)(struct mm_struct *mm, void *arg), void *arg);

/* Fork: a copy of old whose private pages are shared copy-on-write. NULL: ENOMEM. */
struct mm_struct *dup_mm(struct mm_struct *old);

/*
 * Loads next's page tables on this CPU (interrupts off or on), keeping
 * mm_cpumask: this CPU joins next's mask before CR3 points at next, and
 * leaves the mask of the mm it had loaded once CR3 no longer points there
 * (eager, not lazy: see arch/x86_64/tlb.c). prev is Linux's argument; the
 * CPU's own record of what it has loaded (cpu_loaded_mm) decides, so a
 * caller's idea of prev cannot leave a stale bit behind.
 */
void switch_mm(struct mm_struct *prev, struct mm_struct *next);

/*
 * A kernel thread adopts mm as its own (current->mm = active_mm = mm, with
 * a mm_users reference) and loads it; unuse loads the kernel's page tables
 * again. For tests and for kernel threads working on a user mm.
 */
void kthread_use_mm(struct mm_struct *mm);
void kthread_unuse_mm(struct mm_struct *mm);

/*
 * Reads or writes len bytes of mm at addr through the direct map, faulting
 * pages in and ignoring PROT_ bits (like ptrace's FOLL_FORCE; a write to a
 * private page breaks copy-on-write). Stops at the first address no VMA
 * covers. Returns the bytes done.
 */
long access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf, size_t len, bool write);

/* /proc/PID/maps lines for mm into buf (NUL-terminated); returns the length. */
int show_maps(struct mm_struct *mm, char *buf, size_t size);

#include "kernel/mm/mmap_lock.h"	/* needs struct mm_struct above */

#endif
