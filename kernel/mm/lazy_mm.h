/*
 * kernel/mm/lazy_mm.h - lazy mm switching: a kernel thread runs on the
 * page tables of the user task before it, instead of loading its own
 * (kernel/mm/lazy_mm.c explains the three ways of keeping that mm alive,
 * the technique lazy_mm=refcount|shootdown|hazard; docs/lazy_mm.md draws
 * them).
 *
 * The scheduler calls down into mm for the address-space half of a
 * context switch: switch_mm_for_task() before switch_to(), and
 * lazy_mm_finish_switch() once prev may run elsewhere. mmput() of the last
 * user calls mm_release_lazy_users() before its final mmdrop(). A kernel
 * thread that stops borrowing in place (kthread_use_mm, the first exec of
 * a process the kernel starts) calls lazy_mm_release_current().
 */
#ifndef KERNEL_MM_LAZY_MM_H
#define KERNEL_MM_LAZY_MM_H

#include "kernel/types.h"
#include "kernel/atomic.h"
#include "kernel/technique.h"

struct mm_struct;
struct task;

/* The technique lazy_mm (naive first). */
enum { LAZY_MM_REFCOUNT, LAZY_MM_SHOOTDOWN, LAZY_MM_HAZARD };
DECLARE_TECHNIQUE(lazy_mm);

/* What each CPU counts (the monitor's `lazymm`, the benchmark, the tests). */
enum lazy_mm_stat {
	LAZY_BORROWS,		/* a kernel thread started borrowing a user task's mm */
	LAZY_LEAVES,		/* ... and stopped: a user task came, or the mm died */
	LAZY_DEAD_LEAVES,	/* of those: the borrowed mm had no users left */
	LAZY_MM_COUNT_RMWS,	/* atomic read-modify-writes on mm_count done by switches */
	LAZY_HANDOVER_DROPS,	/* references mm_fixup_lazy_refs() handed over, dropped here */
	LAZY_SHOOTDOWNS,	/* IPIs that moved this CPU off a dying mm */
	NR_LAZY_MM_STATS
};

/*
 * A CPU's lazy state: Lutomirski's rq->lazy_mm and rq->mm_to_mmdrop. They
 * live here, per CPU in kernel/mm, because the scheduler calls into mm
 * and not the reverse (docs/layers.md); one runqueue per CPU makes it the
 * same thing.
 */
struct lazy_mm_cpu {
	struct mm_struct *lazy_mm;	/* the mm the running kernel thread borrows, or NULL */
	int kind;			/* how it was borrowed: the lazy_mm mode at that moment */
	atomic_long_t mm_to_mmdrop;	/* a reference handed over by mm_fixup_lazy_refs(), or 0 */
	struct mm_struct *drop_after_switch;	/* a reference the switch gave up: mmdrop once done */
	unsigned long stats[NR_LAZY_MM_STATS];
};

/* Exits seen by mm_release_lazy_users(), since boot. */
struct lazy_mm_exit_stats {
	atomic_long_t exits;		/* mms whose last user went */
	atomic_long_t conversions;	/* hazards turned into references */
	atomic_long_t ipis;		/* CPUs sent a shootdown IPI */
	atomic_long_t exit_ns;		/* time spent in mm_release_lazy_users() */
};

/*
 * The mm half of a context switch, interrupts off, rq lock held: sets
 * next->active_mm and loads its page tables, or lends next the ones
 * loaded now.
 */
void switch_mm_for_task(struct task *prev, struct task *next);
/* After the switch, prev released, interrupts on: drops what it gave up. */
void lazy_mm_finish_switch(void);
/* current, a kernel thread, no longer runs on its borrowed mm (CR3 already moved); interrupts off. */
void lazy_mm_release_current(struct mm_struct *borrowed);
/* mm_users reached zero: no CPU may go on using mm lazily once this returns. */
void mm_release_lazy_users(struct mm_struct *mm);

/* For the monitor, tests and benchmarks. */
unsigned long lazy_mm_stat_sum(enum lazy_mm_stat s);
const struct lazy_mm_exit_stats *lazy_mm_exit_stats(void);
struct lazy_mm_cpu *lazy_mm_cpu_state(int cpu);

/*
 * kernel/mm/lazy_tlb.c: the technique lazy_tlb=ipi|defer. A flush of mm
 * asks lazy_tlb_skip() for each CPU it would interrupt: true means that
 * CPU only borrows mm and will flush when its borrow ends, so no IPI.
 * Every end of a borrow (leave_lazy) calls lazy_tlb_leave() after
 * clearing lazy_mm, before anything can use mm's user translations.
 */
enum { LAZY_TLB_IPI, LAZY_TLB_DEFER };
DECLARE_TECHNIQUE(lazy_tlb);
enum lazy_tlb_stat {
	LAZY_TLB_SKIPPED,	/* IPIs not sent: the CPU only borrowed the mm (counted by the flusher) */
	LAZY_TLB_FLUSHES,	/* deferred flushes done when a borrow ended (counted by the borrower) */
	NR_LAZY_TLB_STATS
};
extern const char *const lazy_tlb_stat_names[NR_LAZY_TLB_STATS];
unsigned long lazy_tlb_stat(enum lazy_tlb_stat s);
bool lazy_tlb_skip(int cpu, struct mm_struct *mm);
void lazy_tlb_leave(struct mm_struct *mm);

#endif
