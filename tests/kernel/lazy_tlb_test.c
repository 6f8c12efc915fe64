/*
 * tests/kernel/lazy_tlb_test.c - the technique lazy_tlb: a CPU that only
 * borrows an mm while its page is unmapped gets no IPI under `defer`, and
 * still cannot use the old translation once it runs the mm again.
 *
 * A "user" kernel thread on the second CPU adopts a test mm and reads its
 * page, so that CPU's TLB holds the translation, then sleeps: its CPU idles
 * on the mm, borrowing it (kernel/mm/lazy_mm.c). The test unmaps the page
 * from the first CPU and wakes the user, which is switched back in on the
 * same page tables (no CR3 load) and reads the page again: that read must
 * fault. Under `ipi` the unmap interrupted the idle CPU; under `defer` it
 * did not (the counters show which), and the flush happened when the borrow
 * ended. Removing lazy_tlb_leave() from leave_lazy() makes the second read
 * succeed under `defer` (TCG's software TLB, like a real one, is emptied
 * only by invlpg or a CR3 write): checked by hand when the test was written.
 */
#include "tests/kernel/mm_test_util.h"
#include "kernel/mm/lazy_mm.h"
#include "kernel/smp.h"
#include "kernel/lib/string.h"
#include "kernel/technique.h"
#include "kernel/sync/wait.h"
#include "arch/x86_64/tlb.h"

#define PAGE_VA		0x40000000UL
#define WAIT_MS		5000	/* for the borrow to show: the user thread going to sleep */

struct lazy_user {
	struct mm_struct *mm;
	struct completion loaded, go, done;
	int first, second;	/* the two reads: 0 or -EFAULT */
	unsigned long value;
};

static int lazy_user_fn(void *arg)
{
	struct lazy_user *u = arg;

	kthread_use_mm(u->mm);
	u->first = probe_read(PAGE_VA, &u->value);	/* the translation is now cached */
	complete(&u->loaded);
	wait_for_completion(&u->go);		/* asleep: this CPU idles, borrowing u->mm */
	u->second = probe_read(PAGE_VA, &u->value);
	kthread_unuse_mm(u->mm);
	complete(&u->done);
	return 0;
}

/* Waits until cpu borrows mm lazily (its user thread went to sleep); false if it never does. */
static bool wait_for_borrow(int cpu, struct mm_struct *mm)
{
	for (int i = 0; i < WAIT_MS; i++) {
		if (READ_ONCE(lazy_mm_cpu_state(cpu)->lazy_mm) == mm)
			return true;
		msleep(1);
	}
	return false;
}

/* A test mm with one page, a user thread on another CPU that read it and sleeps, its CPU borrowing the mm. */
struct borrow_setup {
	struct lazy_user u;
	struct task *k;
	struct cpumask allowed;		/* the test task's own, put back at the end */
	int saved;			/* the lazy_tlb mode in force before */
};

static void start_borrower(struct kunit *test, struct borrow_setup *b, int mode)
{
	int self, cpu;

	memset(b, 0, sizeof(*b));
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");	/* does not return */
	b->u.mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, b->u.mm);
	KUNIT_ASSERT_EQ(test, vm_mmap(b->u.mm, PAGE_VA, PAGE_SIZE, RW, PRIV | MAP_FIXED | MAP_POPULATE, 0), PAGE_VA);
	b->allowed = current->cpus_allowed;
	self = smp_processor_id();
	sched_setaffinity_cpu(current, self);	/* never on the borrower's CPU: it must idle */
	for_each_online_cpu(cpu)
		if (cpu != self)
			break;
	b->saved = technique_use("lazy_tlb", mode);
	init_completion(&b->u.loaded);
	init_completion(&b->u.go);
	init_completion(&b->u.done);
	b->k = kthread_create(lazy_user_fn, &b->u, "lazy-tlb/%d", cpu);
	KUNIT_ASSERT_NOT_NULL(test, b->k);
	kthread_bind(b->k, cpu);
	wake_up_process(b->k);
	wait_for_completion(&b->u.loaded);
	KUNIT_EXPECT_EQ(test, b->u.first, 0);
	KUNIT_EXPECT_TRUE(test, wait_for_borrow(cpu, b->u.mm));
}

/* Wakes the user thread: it reads the page once more (u.second) and ends. */
static void finish_borrower(struct borrow_setup *b)
{
	complete(&b->u.go);
	wait_for_completion(&b->u.done);
	kthread_stop(b->k);
}

static void release_borrower(struct borrow_setup *b)
{
	technique_use("lazy_tlb", b->saved);
	set_cpus_allowed(current, &b->allowed);
	mm_release(b->u.mm);
}

static void unmap_beside_a_borrower(struct kunit *test, int mode)
{
	struct borrow_setup b;
	long ipis, skipped, flushes;

	start_borrower(test, &b, mode);
	ipis = tlb_stat(TLB_IPIS);
	skipped = lazy_tlb_stat(LAZY_TLB_SKIPPED);
	flushes = lazy_tlb_stat(LAZY_TLB_FLUSHES);
	KUNIT_EXPECT_EQ(test, vm_munmap(b.u.mm, PAGE_VA, PAGE_SIZE), 0);
	if (mode == LAZY_TLB_DEFER) {
		KUNIT_EXPECT_EQ(test, tlb_stat(TLB_IPIS), ipis);	/* the idle CPU slept on */
		KUNIT_EXPECT_GE(test, (long)lazy_tlb_stat(LAZY_TLB_SKIPPED), skipped + 1);
	} else {
		KUNIT_EXPECT_GE(test, tlb_stat(TLB_IPIS), ipis + 1);
	}
	finish_borrower(&b);
	KUNIT_EXPECT_EQ(test, b.u.second, -EFAULT);	/* no stale translation survived the borrow */
	if (mode == LAZY_TLB_DEFER)
		KUNIT_EXPECT_GE(test, (long)lazy_tlb_stat(LAZY_TLB_FLUSHES), flushes + 1);
	release_borrower(&b);
}

SELFTEST(lazy_tlb, ipi_reaches_a_borrowing_cpu)
{
	unmap_beside_a_borrower(test, LAZY_TLB_IPI);
}

SELFTEST(lazy_tlb, defer_spares_the_borrower_and_it_flushes_on_return)
{
	unmap_beside_a_borrower(test, LAZY_TLB_DEFER);
}

/* Freeing page tables reaches a borrower even under defer: its walks must not reach freed tables. */
SELFTEST(lazy_tlb, freeing_page_tables_reaches_a_borrower)
{
	struct borrow_setup b;
	long ipis;

	start_borrower(test, &b, LAZY_TLB_DEFER);
	ipis = tlb_stat(TLB_IPIS);
	flush_tlb_mm_tables(b.u.mm);
	KUNIT_EXPECT_GE(test, tlb_stat(TLB_IPIS), ipis + 1);
	finish_borrower(&b);
	KUNIT_EXPECT_EQ(test, b.u.second, 0);	/* still mapped: only flushed */
	release_borrower(&b);
}

/*
 * The same race many times, the mode flipping each round: a flag left by
 * one round or one mode must never hide the flush another one needs.
 */
SELFTEST(lazy_tlb, many_rounds_with_the_mode_flipping)
{
	for (int r = 0; r < 20; r++)
		unmap_beside_a_borrower(test, r % 2 ? LAZY_TLB_DEFER : LAZY_TLB_IPI);
}
