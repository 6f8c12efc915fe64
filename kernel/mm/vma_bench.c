/*
 * kernel/mm/vma_bench.c - page-fault throughput inside the kernel (see
 * kernel/bench.h), the baseline the RCU fault path of the next step will
 * be measured against:
 *
 *   page_fault_dontneed   every CPU write-faults FAULT_BATCH pages of its
 *                         own slice of one shared mapping, then drops them
 *                         with MADV_DONTNEED, again and again, in each
 *                         mode of fault_mmap_lock (faults serialized by
 *                         mmap_lock held for writing, or side by side
 *                         under it held for reading)
 *
 * An operation is one page fault (demand-zero page, zeroed and mapped,
 * later zapped with its share of a TLB shootdown). Each call of the body
 * adopts the mm (kthread_use_mm) and leaves it: one CR3 load per batch.
 * The touching itself is a kernel access to user memory, between stac and
 * clac since SMAP is on.
 */
#include "kernel/bench.h"
#include "kernel/mm/vma.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/sync/rcupdate.h"

#define FAULT_BATCH		16			/* pages faulted per call */
#define FAULT_SLICE		(64UL * PAGE_SIZE)	/* each CPU's part of the mapping */
#define FAULT_BASE		0x40000000UL

static unsigned long fault_body(void *arg, int cpu)
{
	struct mm_struct *mm = arg;
	unsigned long base = FAULT_BASE + cpu * FAULT_SLICE;

	kthread_use_mm(mm);
	__asm__ __volatile__("stac" ::: "memory");
	for (int i = 0; i < FAULT_BATCH; i++)
		*(volatile char *)(base + i * PAGE_SIZE) = 1;
	__asm__ __volatile__("clac" ::: "memory");
	vm_madvise(mm, base, FAULT_BATCH * PAGE_SIZE, MADV_DONTNEED);
	kthread_unuse_mm(mm);
	return FAULT_BATCH;
}

BENCHMARK(page_fault_dontneed)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm || vm_mmap(mm, FAULT_BASE, MAX_CPUS * FAULT_SLICE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0) != (long)FAULT_BASE) {
		pr_err("bench: no memory for the page-fault benchmark\n");
		if (mm)
			mmput(mm);
		return;
	}
	bench_technique("page_fault_dontneed", "fault_mmap_lock", fault_body, mm, NULL);
	mmput(mm);
	rcu_barrier();
}
