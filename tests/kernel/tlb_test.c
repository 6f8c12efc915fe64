/*
 * tests/kernel/tlb_test.c - TLB shootdown: after vm_munmap or vm_mprotect
 * returns, no CPU can still use the old translation.
 *
 * Every CPU adopts one test mm. The other CPUs (readers) access one page
 * in a loop, so their TLBs hold its translation. CPU `changer` waits until
 * each reader has succeeded WARM_ACCESSES times, unmaps the page (or takes
 * a right away), and only then announces phase CHANGED. A reader that sees
 * CHANGED before an access and still succeeds used a stale translation:
 * a violation. A reader that faults is stopped by the exception table
 * (probe_read/probe_write), so faults are counted, not fatal.
 *
 * This proves the shootdown: with the IPIs of flush_tlb_mm_range left out,
 * the readers keep hitting their cached entries and the test fails (checked
 * by hand when the test was written: TCG's software TLB, like a real one,
 * is only emptied by invlpg or a CR3 write).
 */
#include "tests/kernel/mm_test_util.h"
#include "kernel/smp.h"

#define WARM_ACCESSES	100	/* successful accesses before the change */
#define CHECK_ACCESSES	10	/* accesses after it, each of which must fault */
#define PAGE_VA		0x40000000UL

enum { PHASE_WARM, PHASE_CHANGED, PHASE_STOP };
enum change { CHANGE_MUNMAP, CHANGE_READ_ONLY, CHANGE_PROT_NONE };

struct shootdown {
	struct mm_struct *mm;
	enum change change;
	int changer, nreaders;
	int phase;
	atomic_t warm, checked, violations, faults_before;
};

static int access_page(struct shootdown *s)
{
	unsigned long v;

	/* read-only must stop writes; the other two stop reads */
	if (s->change == CHANGE_READ_ONLY)
		return probe_write(PAGE_VA, 0x77);
	return probe_read(PAGE_VA, &v);
}

static void wait_for(atomic_t *a, int n)
{
	while (atomic_read(a) < n)
		cpu_relax();
}

static void shootdown_cpu(struct kunit *test, int cpu, void *arg)
{
	struct shootdown *s = arg;
	int warm = 0, checks = 0, phase;

	kthread_use_mm(s->mm);
	if (cpu == s->changer) {
		wait_for(&s->warm, s->nreaders);
		if (s->change == CHANGE_MUNMAP)
			KUNIT_EXPECT_EQ(test, vm_munmap(s->mm, PAGE_VA, PAGE_SIZE), 0);
		else
			KUNIT_EXPECT_EQ(test, vm_mprotect(s->mm, PAGE_VA, PAGE_SIZE,
							  s->change == CHANGE_READ_ONLY ? PROT_READ : PROT_NONE), 0);
		WRITE_ONCE(s->phase, PHASE_CHANGED);
		wait_for(&s->checked, s->nreaders);
		WRITE_ONCE(s->phase, PHASE_STOP);
	} else {
		while ((phase = READ_ONCE(s->phase)) != PHASE_STOP) {
			bool ok;

			barrier();	/* the phase is read before the access */
			ok = access_page(s) == 0;
			if (phase == PHASE_WARM) {
				/* the change may come any time after the warm-up: only faults before it count */
				if (!ok && warm < WARM_ACCESSES)
					atomic_inc(&s->faults_before);
				else if (++warm == WARM_ACCESSES)
					atomic_inc(&s->warm);
			} else if (checks < CHECK_ACCESSES) {
				if (ok)
					atomic_inc(&s->violations);
				if (++checks == CHECK_ACCESSES)
					atomic_inc(&s->checked);
			}
		}
	}
	kthread_unuse_mm(s->mm);
}

static void run_shootdown(struct kunit *test, enum change change)
{
	struct shootdown s = { .change = change };
	long ipis = tlb_stat(TLB_IPIS), shootdowns = tlb_stat(TLB_SHOOTDOWNS);

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	s.mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, s.mm);
	KUNIT_ASSERT_EQ(test, vm_mmap(s.mm, PAGE_VA, PAGE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, 0), PAGE_VA);
	s.changer = cpumask_first(&cpu_online_mask);
	s.nreaders = num_online_cpus() - 1;
	test_on_each_cpu(test, shootdown_cpu, &s);
	KUNIT_EXPECT_EQ(test, atomic_read(&s.faults_before), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s.violations), 0);
	/* the change sent one batch, reaching at least every reader */
	KUNIT_EXPECT_GE(test, tlb_stat(TLB_SHOOTDOWNS), shootdowns + 1);
	KUNIT_EXPECT_GE(test, tlb_stat(TLB_IPIS), ipis + s.nreaders);
	mm_release(s.mm);
}

SELFTEST(tlb, munmap_reaches_every_cpu)
{
	run_shootdown(test, CHANGE_MUNMAP);
}

SELFTEST(tlb, mprotect_read_only_stops_writers)
{
	run_shootdown(test, CHANGE_READ_ONLY);
}

SELFTEST(tlb, mprotect_none_stops_readers)
{
	run_shootdown(test, CHANGE_PROT_NONE);
}

/* One operation, one batch: the IPIs go to exactly the mask minus this CPU. */
static void count_targets(struct kunit *test, int cpu, void *arg)
{
	struct shootdown *s = arg;

	if (cpu == s->changer) {
		long ipis = tlb_stat(TLB_IPIS), batches = tlb_stat(TLB_SHOOTDOWNS);
		flush_tlb_mm_range(s->mm, PAGE_VA, PAGE_VA + 100 * PAGE_SIZE);
		/* nobody else has it loaded: no IPI at all */
		KUNIT_EXPECT_EQ(test, tlb_stat(TLB_IPIS), ipis);
		KUNIT_EXPECT_EQ(test, tlb_stat(TLB_SHOOTDOWNS), batches);
		WRITE_ONCE(s->phase, PHASE_CHANGED);	/* now the reader may load it */
		kthread_use_mm(s->mm);
		atomic_inc(&s->warm);
		wait_for(&s->warm, 2);		/* one reader has it loaded too */
		flush_tlb_mm_range(s->mm, PAGE_VA, PAGE_VA + PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, tlb_stat(TLB_SHOOTDOWNS), batches + 1);
		KUNIT_EXPECT_EQ(test, tlb_stat(TLB_IPIS), ipis + 1);
		atomic_inc(&s->checked);
		kthread_unuse_mm(s->mm);
	} else if (cpu == cpumask_next(s->changer, &cpu_online_mask)) {
		while (READ_ONCE(s->phase) != PHASE_CHANGED)
			cpu_relax();
		kthread_use_mm(s->mm);
		atomic_inc(&s->warm);
		wait_for(&s->checked, 1);
		kthread_unuse_mm(s->mm);
	}
}

SELFTEST(tlb, ipis_only_to_the_cpumask)
{
	struct shootdown s = { 0 };

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	s.mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, s.mm);
	s.changer = cpumask_first(&cpu_online_mask);
	test_on_each_cpu(test, count_targets, &s);
	KUNIT_EXPECT_TRUE(test, cpumask_empty(mm_cpumask(s.mm)));	/* everyone left */
	mm_release(s.mm);
}

/* Above the threshold a CPU reloads CR3 instead of one invlpg per page. */
static void big_flush(struct mm_call *c)
{
	long full = tlb_stat(TLB_FULL_FLUSHES), pages = tlb_stat(TLB_PAGES_FLUSHED);

	flush_tlb_mm_range(c->mm, PAGE_VA, PAGE_VA + (TLB_FLUSH_ALL_THRESHOLD + 1) * PAGE_SIZE);
	KUNIT_EXPECT_EQ(c->test, tlb_stat(TLB_FULL_FLUSHES), full + 1);
	flush_tlb_mm_range(c->mm, PAGE_VA, PAGE_VA + TLB_FLUSH_ALL_THRESHOLD * PAGE_SIZE);
	KUNIT_EXPECT_EQ(c->test, tlb_stat(TLB_FULL_FLUSHES), full + 1);
	KUNIT_EXPECT_GE(c->test, tlb_stat(TLB_PAGES_FLUSHED), pages + TLB_FLUSH_ALL_THRESHOLD);
}

SELFTEST(tlb, full_flush_above_threshold)
{
	struct mm_struct *mm = mm_alloc();

	KUNIT_ASSERT_NOT_NULL(test, mm);
	run_in_mm(test, mm, smp_processor_id(), big_flush, NULL);
	mm_release(mm);
}
