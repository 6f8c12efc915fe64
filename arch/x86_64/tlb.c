/*
 * arch/x86_64/tlb.c - TLB shootdown for user address spaces (see tlb.h).
 *
 * Who may hold an mm's translations: the CPUs in mm_cpumask(mm). switch_mm
 * (kernel/mm/mm.c) keeps the mask exact rather than lazy: a CPU joins it
 * before loading the mm into CR3 and leaves it right after loading another
 * one. Linux keeps lazy bits (a CPU running a kernel thread on a borrowed
 * mm stays in the mask and ignores flushes until it returns); the eager
 * choice costs two atomic bit operations per switch and makes the rule
 * simple: the mask is exactly the set of CPUs whose CR3 points at the mm,
 * give or take one switch in flight, and user entries are never global,
 * so a CPU that left the mask holds none of the mm's entries.
 *
 * Ordering: the caller has changed the PTEs; smp_mb() orders those stores
 * before the read of the mask (x86 may otherwise let the load pass the
 * stores). A CPU that joins the mask concurrently does so with a locked
 * operation before its CR3 load, so it either is in the snapshot, or walks
 * the page tables only after the new PTEs are visible.
 *
 * One batch per operation: the snapshot of the mask minus this CPU goes to
 * smp_call_function_many() once, which IPIs each target and waits for all.
 * A target that only borrows the mm lazily (a kernel thread runs on it) is
 * left out under lazy_tlb=defer and flushes when its borrow ends
 * (kernel/mm/lazy_tlb.c), except when page tables are being freed
 * (flush_tlb_mm_tables): its speculative walks must not reach them.
 */
#include "arch/x86_64/tlb.h"
#include "arch/x86_64/cpu.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/lazy_mm.h"
#include "kernel/smp.h"
#include "kernel/percpu.h"
#include "kernel/time.h"

const char *const tlb_stat_names[NR_TLB_STATS] = {
	[TLB_SHOOTDOWNS] = "tlb_shootdowns",
	[TLB_IPIS] = "tlb_ipis",
	[TLB_LOCAL_FLUSHES] = "tlb_local_flushes",
	[TLB_PAGES_FLUSHED] = "tlb_pages_flushed",
	[TLB_FULL_FLUSHES] = "tlb_full_flushes",
	[TLB_WAIT_NS] = "tlb_wait_ns",
};
/* Per CPU: a flush writes no counter line that another CPU flushing writes too. */
static DEFINE_PER_CPU(long, tlb_stats[NR_TLB_STATS]);
#define count(s, n)	this_cpu_add(tlb_stats[s], n)	/* one instruction: interrupt-safe */

long tlb_stat_cpu(int cpu, enum tlb_stat s)
{
	return READ_ONCE(per_cpu(tlb_stats, cpu)[s]);
}

long tlb_stat(enum tlb_stat s)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += tlb_stat_cpu(cpu, s);
	return sum;
}

struct flush_tlb_info {
	struct mm_struct *mm;
	unsigned long start, end;
};

/* On each target, with interrupts off: drop the range from this CPU's TLB. */
static void flush_tlb_func(void *arg)
{
	struct flush_tlb_info *f = arg;
	unsigned long pages = (f->end - f->start) >> PAGE_SHIFT;

	if (this_cpu_read(cpu_loaded_mm) != f->mm)
		return;		/* switched away since the snapshot: nothing cached */
	if (pages > TLB_FLUSH_ALL_THRESHOLD) {
		write_cr3(read_cr3());
		count(TLB_FULL_FLUSHES, 1);
		return;
	}
	for (unsigned long va = f->start; va < f->end; va += PAGE_SIZE)
		invlpg(va);
	count(TLB_PAGES_FLUSHED, pages);
}

static void flush_tlb_mm(struct mm_struct *mm, unsigned long start, unsigned long end, bool freed_tables)
{
	struct flush_tlb_info info = { mm, ALIGN_DOWN(start, PAGE_SIZE), ALIGN_UP(end, PAGE_SIZE) };
	struct cpumask targets;
	unsigned long flags;
	int self, n, cpu;
	ktime_t t0;

	if (info.end <= info.start)
		return;
	smp_mb();		/* the PTE changes before the read of the mask */
	flags = local_irq_save();
	self = smp_processor_id();
	targets = *mm_cpumask(mm);
	if (cpumask_test_cpu(self, &targets)) {
		flush_tlb_func(&info);
		count(TLB_LOCAL_FLUSHES, 1);
		cpumask_clear_cpu(self, &targets);
	}
	local_irq_restore(flags);
	/* a CPU that only borrows mm may flush when its borrow ends (kernel/mm/lazy_tlb.c) */
	if (!freed_tables)
		for_each_cpu(cpu, &targets)
			if (lazy_tlb_skip(cpu, mm))
				cpumask_clear_cpu(cpu, &targets);
	n = cpumask_weight(&targets);
	if (!n)
		return;
	count(TLB_SHOOTDOWNS, 1);
	count(TLB_IPIS, n);
	t0 = ktime_get_ns();
	smp_call_function_many(&targets, flush_tlb_func, &info, true);
	count(TLB_WAIT_NS, ktime_get_ns() - t0);
}

void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	flush_tlb_mm(mm, start, end, false);
}

void flush_tlb_mm_tables(struct mm_struct *mm)
{
	flush_tlb_mm(mm, 0, TASK_SIZE, true);
}
