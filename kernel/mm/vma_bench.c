/*
 * kernel/mm/vma_bench.c - page-fault throughput inside the kernel (see
 * kernel/bench.h), in every mode of vma_lookup (and of fault_mmap_lock):
 *
 *   page_fault_dontneed   every CPU write-faults FAULT_BATCH pages of its
 *                         own slice of one shared mapping, then drops them
 *                         with MADV_DONTNEED, again and again, in each
 *                         mode of fault_mmap_lock (faults serialized by
 *                         mmap_lock held for writing, or side by side
 *                         under it held for reading), vma_lookup=locked
 *   page_fault_same_vma   the same, in each mode of vma_lookup
 *   page_fault_own_vma    each CPU on a VMA of its own
 *   page_fault_beside_mmap  the same VMA, while the last CPU maps,
 *                         touches and unmaps in the same mm: the faults'
 *                         rate, and the writer's rounds per second
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
#include "kernel/sched/sched.h"
#include "kernel/technique.h"
#include "kernel/time.h"

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

static struct mm_struct *bench_mm(unsigned long gap)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm)
		return NULL;
	/* one VMA for all (gap 0), or one per CPU, a page apart so that they never merge */
	for (int cpu = 0; cpu < (gap ? MAX_CPUS : 1); cpu++) {
		unsigned long len = gap ? FAULT_SLICE - gap : MAX_CPUS * FAULT_SLICE;
		if (vm_mmap(mm, FAULT_BASE + cpu * FAULT_SLICE, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0) < 0) {
			mmput(mm);
			return NULL;
		}
	}
	return mm;
}

/* The naive comparison of old: faults under mmap_lock, for reading against for writing. */
BENCHMARK(page_fault_dontneed)
{
	struct mm_struct *mm = bench_mm(0);
	int saved = technique_use("vma_lookup", VMA_LOOKUP_LOCKED);	/* where fault_mmap_lock matters */

	if (!mm) {
		pr_err("bench: no memory for the page-fault benchmark\n");
		return;
	}
	bench_technique("page_fault_dontneed", "fault_mmap_lock", fault_body, mm, NULL);
	technique_use("vma_lookup", saved);
	mmput(mm);
	rcu_barrier();
}

/* Every CPU faults its own slice of one VMA: the faults share the VMA (and its refcount, in vma_ref). */
BENCHMARK(page_fault_same_vma)
{
	struct mm_struct *mm = bench_mm(0);

	if (!mm)
		return;
	bench_technique("page_fault_same_vma", "vma_lookup", fault_body, mm, NULL);
	mmput(mm);
	rcu_barrier();
}

/* Every CPU faults a VMA of its own: only the mm is shared. */
BENCHMARK(page_fault_own_vma)
{
	struct mm_struct *mm = bench_mm(PAGE_SIZE);

	if (!mm)
		return;
	bench_technique("page_fault_own_vma", "vma_lookup", fault_body, mm, NULL);
	mmput(mm);
	rcu_barrier();
}

/* ---- beside a writer: one more thread maps, touches and unmaps in the same mm ---- */

#define WRITER_BASE	0x60000000UL
#define WRITER_PAGES	16

static volatile bool writer_stop;
static unsigned long writer_rounds;

static int mmap_writer(void *arg)
{
	struct mm_struct *mm = arg;

	kthread_use_mm(mm);
	while (!READ_ONCE(writer_stop)) {
		if (vm_mmap(mm, WRITER_BASE, WRITER_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0) == (long)WRITER_BASE) {
			__asm__ __volatile__("stac" ::: "memory");
			for (int i = 0; i < WRITER_PAGES; i++)
				*(volatile char *)(WRITER_BASE + i * PAGE_SIZE) = 1;
			__asm__ __volatile__("clac" ::: "memory");
			vm_munmap(mm, WRITER_BASE, WRITER_PAGES * PAGE_SIZE);
		}
		writer_rounds++;
		cond_resched();
	}
	kthread_unuse_mm(mm);
	return 0;
}

/* Faults on CPUs 0..n-1 of one VMA, while the last CPU maps and unmaps: the fault path's worst enemy. */
BENCHMARK(page_fault_beside_mmap)
{
	const struct technique *t = technique_find("vma_lookup");
	int counts[8], n = bench_cpu_counts(counts, 8), last = -1, cpu, saved = technique_mode(vma_lookup);
	struct mm_struct *mm = bench_mm(0);
	u64 rates[TECHNIQUE_MAX_MODES], rounds[TECHNIQUE_MAX_MODES];

	for_each_online_cpu(cpu)
		last = cpu;
	if (!mm || !t || num_online_cpus() < 2)
		goto out;
	for (int i = 0; i < n && counts[i] < num_online_cpus(); i++) {
		for (int m = 0; m < t->nr_modes; m++) {
			struct task *w;
			ktime_t t0;

			technique_set(t, m, NULL, 0);
			writer_stop = false;
			writer_rounds = 0;
			w = kthread_create(mmap_writer, mm, "bench-mmap");
			if (!w)
				goto out;
			kthread_bind(w, last);
			wake_up_process(w);
			t0 = ktime_get_ns();
			rates[m] = bench_run_on_cpus(counts[i], fault_body, mm);
			WRITE_ONCE(writer_stop, true);
			kthread_stop(w);
			rounds[m] = writer_rounds * NSEC_PER_SEC / (ktime_get_ns() - t0);
		}
		bench_report_modes("page_fault_beside_mmap", counts[i], t, rates);
		bench_report_modes("mmap_rounds_beside_faults", counts[i], t, rounds);
	}
out:
	technique_set(t, saved, NULL, 0);
	if (mm)
		mmput(mm);
	rcu_barrier();
}
