/*
 * tests/kernel/fault_torture_test.c - page faults racing with mmap,
 * munmap, mprotect, MADV_DONTNEED, mremap and fork, in every mode of the
 * technique vma_lookup (and both of pte_lock and of lazy_tlb).
 *
 * The work is done by the user program fault_torture (user/fault_torture.c):
 * faulter threads on every CPU read and write pages of an arena of slots
 * while mutator threads change the slots under them; each access whose
 * slot stood still meanwhile must behave exactly as the slot's state says
 * (fault with the right si_code, or see the slot's own contents). The
 * kernel adds its own checks: a dying mm's counters must come back to
 * zero (kernel/mm/mm.c, "mm accounting errors"), a VMA reached without
 * mmap_lock must not be freed memory (kernel/mm/vma_lookup.c), and the
 * suite's leak check covers pages, VMAs and page tables.
 *
 * In debug builds the lockless faults are made to wait, now and then, in
 * the window between finding their VMA and taking the PTE lock
 * (fault_delay_us), for a mutator to change that VMA right there, and the
 * program aims its changes at pages being faulted in: without the per-VMA
 * sequence count's check, pages get installed in ranges already unmapped
 * and faults miss the new rights, and the program (or the leak check) sees
 * it within a run of each speculative mode.
 *
 * `make test` runs the program once per mode, a fixed amount of work
 * (FAULT_TORTURE_OPS), with split PTE locks under vma_lock and rcu and the
 * mm-wide lock under locked and vma_ref; `make torture` goes on for
 * rcutorture.duration= seconds per mode, alternating the PTE locks.
 */
#include "kernel/selftest.h"
#include "tests/kernel/torture.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/pgtable.h"
#include "kernel/mm/lazy_mm.h"
#include "kernel/proc/proc.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/technique.h"
#include "kernel/errno.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/printk.h"

#define FAULT_TORTURE_OPS	1200	/* accesses per faulter at least; OPS / 8 changes per mutator */
#define FAULT_TORTURE_DELAY_US	1000	/* debug builds: the widened race window, at most */


static void run_in_mode(struct kunit *test, int vma_lookup_mode, int pte_lock_mode, unsigned long seed)
{
	char faulters[12], nops[16], s[16];
	char *argv[] = { "fault_torture", "-f", faulters, "-m", "2", "-n", nops, "-s", s, NULL };
	int pid, status = -1;

	technique_use("vma_lookup", vma_lookup_mode);
	technique_use("pte_lock", pte_lock_mode);	/* the program's mm is created after this */
	/* threads blocking on the slots' mutexes leave CPUs idling on the mm: both ways of flushing them */
	technique_use("lazy_tlb", (vma_lookup_mode + seed) % 2 ? LAZY_TLB_DEFER : LAZY_TLB_IPI);
	scnprintf(faulters, sizeof(faulters), "%d", max(2, num_online_cpus() - 1));
	scnprintf(nops, sizeof(nops), "%d", FAULT_TORTURE_OPS);
	scnprintf(s, sizeof(s), "%lu", seed);
#if CONFIG_DEBUG
	WRITE_ONCE(fault_delay_us, FAULT_TORTURE_DELAY_US);
#endif
	pid = spawn_user("fault_torture", argv);
	if (pid > 0)
		wait_user(pid, &status);
#if CONFIG_DEBUG
	WRITE_ONCE(fault_delay_us, 0);
#endif
	if (pid == -ENOENT)
		kunit_skip(test, "the user program fault_torture is not packed in this image");
	KUNIT_ASSERT_GT(test, pid, 0);
	KUNIT_EXPECT_EQ(test, status, 0);
}

static void run_all(struct kunit *test, int vma_lookup_mode)
{
	/* make torture: rcutorture.duration= seconds for the suite, a quarter for each mode */
	ktime_t end = ktime_get_ns() + (ktime_t)rcutorture_duration_s * NSEC_PER_SEC / 4;
	unsigned long seed = 1, stalls = rcu_stall_count(), before[NR_VMA_LOOKUP_STATS];
	unsigned long skipped = lazy_tlb_stat(LAZY_TLB_SKIPPED), deferred = lazy_tlb_stat(LAZY_TLB_FLUSHES);
	int lazy_tlb_saved = technique_mode(lazy_tlb);

	for (int i = 0; i < NR_VMA_LOOKUP_STATS; i++)
		before[i] = vma_lookup_stat(vma_lookup_mode, i);
	/* make test: one run, the PTE locks split in two modes and mm-wide in the other two */
	run_in_mode(test, vma_lookup_mode, vma_lookup_mode % 2 ? PTE_LOCK_SPLIT : PTE_LOCK_MM, seed++);
	while (rcutorture_duration_s > 1 && ktime_get_ns() < end)
		run_in_mode(test, vma_lookup_mode, (seed % 2) ? PTE_LOCK_SPLIT : PTE_LOCK_MM, seed), seed++;
#define DELTA(s)	(vma_lookup_stat(vma_lookup_mode, s) - before[s])
	KUNIT_EXPECT_GT(test, DELTA(VL_FAULTS), 0);	/* it was the mode in use */
	pr_info("fault_torture: %s: %lu runs, %lu faults, %lu lockless, %lu retried (VMA changed), %lu fell back "
		"(tree busy %lu, VMA changing %lu, VMA locked %lu)\n",
		technique_find("vma_lookup")->modes[vma_lookup_mode], seed - 1, DELTA(VL_FAULTS), DELTA(VL_LOCKLESS),
		DELTA(VL_RETRIES), DELTA(VL_FALLBACK_WRITER) + DELTA(VL_FALLBACK_CHANGED) + DELTA(VL_FALLBACK_LOCKED) +
		DELTA(VL_FALLBACK_STACK) + DELTA(VL_FALLBACK_NOMEM), DELTA(VL_FALLBACK_WRITER),
		DELTA(VL_FALLBACK_CHANGED), DELTA(VL_FALLBACK_LOCKED));
	pr_info("fault_torture: %s: lazy TLB: %lu shootdowns of idle borrowers skipped, %lu flushes deferred to "
		"their return\n", technique_find("vma_lookup")->modes[vma_lookup_mode],
		lazy_tlb_stat(LAZY_TLB_SKIPPED) - skipped, lazy_tlb_stat(LAZY_TLB_FLUSHES) - deferred);
	technique_use("lazy_tlb", lazy_tlb_saved);
#undef DELTA
	torture_expect_no_stall(test, "fault_torture", stalls);
}

SELFTEST(fault_torture, locked)
{
	run_all(test, VMA_LOOKUP_LOCKED);
}

SELFTEST(fault_torture, vma_lock)
{
	run_all(test, VMA_LOOKUP_VMA_LOCK);
}

SELFTEST(fault_torture, vma_ref)
{
	run_all(test, VMA_LOOKUP_VMA_REF);
}

SELFTEST(fault_torture, rcu)
{
	run_all(test, VMA_LOOKUP_RCU);
}
