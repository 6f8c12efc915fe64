/*
 * kernel/mm/lazy_tlb.c - no TLB shootdown IPI for a CPU that only borrows
 * the mm: the technique lazy_tlb=ipi|defer (Linux's "lazy TLB" skipping,
 * 2018; docs/vma.md, TLB shootdown).
 *
 * A CPU whose running kernel thread borrows a user mm (kernel/mm/lazy_mm.c:
 * the idle task after a user task slept, a kworker) keeps that mm's page
 * tables in CR3, so it stays in mm_cpumask(mm), and every flush of the mm
 * used to send it an IPI. Yet nothing it runs touches user memory: its
 * cached user translations, stale or not, are not used until the borrow
 * ends. Under TCG the IPI is dear: an idle vCPU must be woken from hlt to
 * answer it (about 60 us against 15 us for a busy one, `tlb_wait_ns`).
 *
 *   ipi    (naive) every CPU in the mask is sent the IPI and waited for.
 *   defer  a CPU that borrows the mm lazily is told to flush its whole
 *          TLB when its borrow ends instead (a flag of its own), and the
 *          flusher does not wait for it. A CPU running the mm for real
 *          still gets the IPI.
 *
 * The race, two CPUs, and the two barriers that close it:
 *
 *   flusher (lazy_tlb_skip)                borrower (lazy_tlb_leave)
 *   PTE stores (the caller's change)
 *   deferred[cpu] = 1                      lazy_mm = NULL (the borrow ends)
 *   smp_mb()                               smp_mb()
 *   lazy_mm == mm ? skip : IPI             deferred ? flush everything
 *
 * Each side stores, then loads what the other stored (Dekker): at least
 * one sees the other's store, so either the flusher sees the borrow ended
 * and sends the IPI (which flush_tlb_func handles like any), or the
 * borrower sees the flag and flushes before the user task (or the kernel
 * thread adopting the mm, kthread_use_mm) can use a translation. Both may
 * happen: a flush too many, never one too few. The flag is per CPU and
 * not per mm: a CPU borrows one mm at a time, and a flag left over from
 * another borrow costs one flush, no more.
 *
 * What must still interrupt a borrower: freeing page-table pages (only
 * free_pgtables() at exit does). The CPU may walk the tables speculatively
 * while it borrows, and a walk through a freed and reused page could set
 * Accessed bits in someone else's memory; flush_tlb_mm_tables() therefore
 * never defers.
 *
 * Lock order: none. deferred[] is written by flushers on any CPU and read
 * and cleared (xchg) by its owner with interrupts off.
 */
#include "kernel/mm/lazy_mm.h"
#include "kernel/mm/mm.h"
#include "kernel/percpu.h"
#include "kernel/technique.h"
#include "arch/x86_64/cpu.h"

DEFINE_TECHNIQUE(lazy_tlb, "TLB shootdown of a CPU that only borrows the mm: an IPI, or a flush deferred "
		 "to the end of its borrow", TECHNIQUE_LIVE, LAZY_TLB_DEFER, "ipi", "defer");

static DEFINE_PER_CPU(int, deferred);	/* a flush of the borrowed mm was skipped: flush at the end */
static DEFINE_PER_CPU(unsigned long, lazy_tlb_stats[NR_LAZY_TLB_STATS]);

const char *const lazy_tlb_stat_names[NR_LAZY_TLB_STATS] = {
	[LAZY_TLB_SKIPPED] = "tlb_lazy_skipped", [LAZY_TLB_FLUSHES] = "tlb_lazy_flushes",
};

unsigned long lazy_tlb_stat(enum lazy_tlb_stat s)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(lazy_tlb_stats, cpu)[s]);
	return sum;
}

bool lazy_tlb_skip(int cpu, struct mm_struct *mm)
{
	struct lazy_mm_cpu *l = lazy_mm_cpu_state(cpu);

	if (technique_mode(lazy_tlb) == LAZY_TLB_IPI || READ_ONCE(l->lazy_mm) != mm)
		return false;
	WRITE_ONCE(per_cpu(deferred, cpu), 1);
	smp_mb();	/* the flag before the second look; pairs with lazy_tlb_leave()'s */
	if (READ_ONCE(l->lazy_mm) != mm)
		return false;		/* the borrow ended meanwhile: the IPI, as for a user */
	this_cpu_inc(lazy_tlb_stats[LAZY_TLB_SKIPPED]);
	return true;
}

void lazy_tlb_leave(struct mm_struct *mm)
{
	int *flag = this_cpu_ptr(&deferred);

	smp_mb();	/* the caller's lazy_mm = NULL before the flag; pairs with lazy_tlb_skip()'s */
	if (!READ_ONCE(*flag) || !__atomic_exchange_n(flag, 0, __ATOMIC_SEQ_CST))
		return;
	if (this_cpu_read(cpu_loaded_mm) != mm)
		return;			/* the switch loaded another CR3: nothing of mm is cached */
	write_cr3(read_cr3());		/* user entries are never global: all of them go */
	this_cpu_inc(lazy_tlb_stats[LAZY_TLB_FLUSHES]);
}
