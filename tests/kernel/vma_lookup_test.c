/*
 * tests/kernel/vma_lookup_test.c - the page-fault paths without mmap_lock
 * (kernel/mm/vma_lookup.c), step by step:
 *
 *   lockless_lookup_matches_find_vma   the lockless walk against the locked
 *                                      one, on a tree of many VMAs
 *   vma_change_mid_fault_retries       a VMA's sequence count bumped while
 *                                      a fault is between its lookup and
 *                                      its PTE: one retry, or a fallback
 *   munmap_mid_fault_installs_nothing  the VMA really unmapped there (on
 *                                      another CPU): the fault must not
 *                                      install a page in the unmapped range
 *   vma_freed_after_grace_period       a VMA unlinked under a reader stays
 *                                      readable until the grace period ends
 *   dontneed_takes_only_the_vma_lock   MADV_DONTNEED beside a writer on
 *                                      mmap_lock: done at once unless the
 *                                      writer changes its VMA, or the range
 *                                      spans two, or the mode is locked
 *
 * A fault here is a kernel thread that adopted the test's mm touching its
 * memory with put_user(), which the page-fault handler resolves exactly
 * as a user access (and answers -EFAULT for, where a user would get
 * SIGSEGV). The hook fault_test_hook_fn runs inside the fault, after the
 * lookup and before the PTE lock.
 */
#include "kernel/selftest.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/pgtable.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/rcupdate.h"
#include "kernel/sync/wait.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/technique.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/uaccess.h"

#define BASE		0x40000000UL
#define LEN		(4 * PAGE_SIZE)
#define STEP_TIMEOUT	(10 * NSEC_PER_SEC)

static struct mm_struct *test_mm(struct kunit *test)
{
	struct mm_struct *mm = mm_alloc();

	KUNIT_ASSERT_NOT_NULL(test, mm);
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE, LEN, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0), (long)BASE);
	return mm;
}

static __unused bool pte_present_at(struct mm_struct *mm, unsigned long va)
{
	u64 *pte = user_pte_lookup(mm->pgd, va);

	return pte && (*pte & PTE_PRESENT);
}

SELFTEST(vma_lookup, lockless_lookup_matches_find_vma)
{
	struct mm_struct *mm = mm_alloc();
	unsigned long r = 12345, mismatches = 0;

	KUNIT_ASSERT_NOT_NULL(test, mm);
	for (int i = 0; i < 200; i++) {		/* holes and VMAs of every size, flags kept apart */
		unsigned long addr = BASE + (i * 7 % 200) * 16 * PAGE_SIZE;
		vm_mmap(mm, addr, (1 + i % 5) * PAGE_SIZE, (i % 3) ? PROT_READ : PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	}
	mmap_read_lock(mm);
	for (int i = 0; i < 5000; i++) {
		unsigned long addr;
		struct vm_area_struct *locked, *lockless;

		r = r * 6364136223846793005UL + 1;
		addr = BASE - 64 * PAGE_SIZE + (r >> 20) % (3400 * PAGE_SIZE);
		locked = find_vma(mm, addr);
		rcu_read_lock();
		lockless = find_vma_lockless(mm, addr);
		rcu_read_unlock();
		mismatches += locked != lockless;
	}
	mmap_read_unlock(mm);
	KUNIT_EXPECT_EQ(test, mismatches, 0);
	mmput(mm);
}

/* ---- a fault in a kernel thread, with a hook inside ---- */

struct fault_ctx {
	struct mm_struct *mm;
	int cpu, err;
	struct completion done;
};

static int touch(void *arg)
{
	struct fault_ctx *c = arg;

	kthread_use_mm(c->mm);
	c->err = put_user(1, (int __user *)BASE);
	kthread_unuse_mm(c->mm);
	complete(&c->done);
	return 0;
}

/* Faults BASE in a kernel thread on cpu; returns put_user's result. */
static __unused int fault_on(struct kunit *test, struct mm_struct *mm, int cpu)
{
	static struct fault_ctx c;
	struct task *t;

	c.mm = mm;
	c.err = 1;
	init_completion(&c.done);
	t = kthread_create(touch, &c, "fault-test");
	KUNIT_ASSERT_NOT_NULL(test, t);
	kthread_bind(t, cpu);
	wake_up_process(t);
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&c.done, STEP_TIMEOUT), 0);
	kthread_stop(t);
	return c.err;
}

/* The hook asks a thread on another CPU to munmap BASE's VMA, and waits until it has. */
static struct mm_struct *unmap_mm;
static atomic_t unmap_state;		/* 0 idle, 1 asked, 2 done */

static __unused void unmap_elsewhere(struct vm_area_struct *vma)
{
	ktime_t deadline = ktime_get_ns() + STEP_TIMEOUT;

	if (vma->vm_start != BASE || atomic_cmpxchg(&unmap_state, 0, 1) != 0)
		return;
	while (atomic_read(&unmap_state) != 2 && ktime_get_ns() < deadline)
		cpu_relax();			/* interrupts on: the munmap's TLB shootdown reaches us */
}

static int unmapper(void *arg)
{
	while (!kthread_should_stop()) {
		if (atomic_read(&unmap_state) == 1) {
			vm_munmap(unmap_mm, BASE, LEN);
			atomic_set(&unmap_state, 2);
		}
		cpu_relax();
		cond_resched();
	}
	return 0;
}

#if CONFIG_DEBUG
static atomic_t bumps_left;

static void bump_seq(struct vm_area_struct *vma)
{
	if (vma->vm_start == BASE && atomic_dec_return(&bumps_left) >= 0)
		WRITE_ONCE(vma->vm_seq, vma->vm_seq + 1);	/* as if a writer had changed it */
}

SELFTEST(vma_lookup, vma_change_mid_fault_retries)
{
	static const int modes[] = { VMA_LOOKUP_VMA_REF, VMA_LOOKUP_RCU };

	for (unsigned int m = 0; m < ARRAY_SIZE(modes); m++) {
		int mode = modes[m];
		unsigned long retries = vma_lookup_stat(mode, VL_RETRIES);
		unsigned long fallbacks = vma_lookup_stat(mode, VL_FALLBACK_CHANGED);
		unsigned long lockless = vma_lookup_stat(mode, VL_LOCKLESS);
		struct mm_struct *mm;

		technique_use("vma_lookup", mode);
		/* one change: the second try goes through, still without the lock */
		mm = test_mm(test);
		atomic_set(&bumps_left, 1);
		WRITE_ONCE(fault_test_hook_fn, bump_seq);
		KUNIT_EXPECT_EQ(test, fault_on(test, mm, smp_processor_id()), 0);
		KUNIT_EXPECT_EQ(test, vma_lookup_stat(mode, VL_RETRIES), retries + 1);
		KUNIT_EXPECT_EQ(test, vma_lookup_stat(mode, VL_LOCKLESS), lockless + 1);
		KUNIT_EXPECT_TRUE(test, pte_present_at(mm, BASE));
		mmput(mm);
		/* changing every time: it falls back to the lock, and still succeeds */
		mm = test_mm(test);
		atomic_set(&bumps_left, 1000);
		KUNIT_EXPECT_EQ(test, fault_on(test, mm, smp_processor_id()), 0);
		KUNIT_EXPECT_EQ(test, vma_lookup_stat(mode, VL_FALLBACK_CHANGED), fallbacks + 1);
		KUNIT_EXPECT_TRUE(test, pte_present_at(mm, BASE));
		WRITE_ONCE(fault_test_hook_fn, NULL);
		mmput(mm);
	}
}

SELFTEST(vma_lookup, munmap_mid_fault_installs_nothing)
{
	static const int modes[] = { VMA_LOOKUP_VMA_REF, VMA_LOOKUP_RCU };
	int self = smp_processor_id(), other = -1, cpu;

	for_each_online_cpu(cpu)
		if (cpu != self && other < 0)
			other = cpu;
	if (other < 0)
		kunit_skip(test, "needs two CPUs");
	for (unsigned int m = 0; m < ARRAY_SIZE(modes); m++) {
		struct task *w;
		long rss;

		technique_use("vma_lookup", modes[m]);
		unmap_mm = test_mm(test);
		atomic_set(&unmap_state, 0);
		w = kthread_create(unmapper, NULL, "unmapper");
		KUNIT_ASSERT_NOT_NULL(test, w);
		kthread_bind(w, other);
		wake_up_process(w);
		WRITE_ONCE(fault_test_hook_fn, unmap_elsewhere);
		/* the VMA goes between the lookup and the PTE: the fault must see it gone */
		KUNIT_EXPECT_EQ(test, fault_on(test, unmap_mm, self), -EFAULT);
		WRITE_ONCE(fault_test_hook_fn, NULL);
		kthread_stop(w);
		KUNIT_EXPECT_EQ(test, atomic_read(&unmap_state), 2);
		KUNIT_EXPECT_FALSE(test, pte_present_at(unmap_mm, BASE));	/* nothing in the unmapped range */
		rss = mm_counter(unmap_mm, MM_RSS);
		KUNIT_EXPECT_EQ(test, rss, 0);
		mmput(unmap_mm);
	}
}

#endif /* CONFIG_DEBUG: the fault hook */

SELFTEST(vma_lookup, vma_freed_after_grace_period)
{
	int self = smp_processor_id(), other = -1, cpu;
	struct vm_area_struct *vma;
	struct task *w;
	ktime_t deadline;
	long before;

	for_each_online_cpu(cpu)
		if (cpu != self && other < 0)
			other = cpu;
	if (other < 0)
		kunit_skip(test, "needs two CPUs");
	unmap_mm = test_mm(test);
	atomic_set(&unmap_state, 0);
	w = kthread_create(unmapper, NULL, "unmapper");
	KUNIT_ASSERT_NOT_NULL(test, w);
	kthread_bind(w, other);
	wake_up_process(w);
	rcu_barrier();				/* no VMA freed by someone else's callback meanwhile */
	before = nr_vmas();
	rcu_read_lock();
	vma = find_vma_lockless(unmap_mm, BASE);
	atomic_set(&unmap_state, 1);		/* munmap it now, on the other CPU */
	deadline = ktime_get_ns() + STEP_TIMEOUT;
	while (atomic_read(&unmap_state) != 2 && ktime_get_ns() < deadline)
		cpu_relax();
	/* unlinked and its callback queued, but we are still reading: not freed */
	KUNIT_EXPECT_TRUE(test, vma && vma->vm_magic == VMA_MAGIC && vma->vm_detached);
	KUNIT_EXPECT_EQ(test, nr_vmas(), before);
	rcu_read_unlock();
	kthread_stop(w);
	rcu_barrier();				/* the grace period, and the callback after it */
	KUNIT_EXPECT_EQ(test, nr_vmas(), before - 1);
	mmput(unmap_mm);
}

/* ---- MADV_DONTNEED under the VMA's own lock ---- */

struct madv_ctx {
	struct mm_struct *mm;
	unsigned long start, len;
	long ret;
	struct completion done;
};

static int madv_dontneed(void *arg)
{
	struct madv_ctx *c = arg;

	c->ret = vm_madvise(c->mm, c->start, c->len, MADV_DONTNEED);
	complete(&c->done);
	return 0;
}

/*
 * MADV_DONTNEED of [start, start + len) in a kernel thread while the test
 * holds mmap_lock for writing (and, with write_vma, has write-locked the
 * VMA at BASE): returns whether it finished before the lock was let go.
 */
static bool dontneed_beside_writer(struct kunit *test, struct mm_struct *mm, unsigned long start,
				   unsigned long len, bool write_vma, bool expect_early)
{
	static struct madv_ctx c;
	struct task *t;
	bool early;

	c = (struct madv_ctx){ .mm = mm, .start = start, .len = len, .ret = 1 };
	init_completion(&c.done);
	t = kthread_create(madv_dontneed, &c, "madv-test");
	KUNIT_ASSERT_NOT_NULL(test, t);
	mmap_write_lock(mm);
	if (write_vma)
		vma_start_write(find_vma(mm, BASE));
	wake_up_process(t);
	/*
	 * Long enough for the call when it should need no lock of ours; when
	 * it needs one, it cannot end while we hold it, however long we wait.
	 */
	early = wait_for_completion_timeout(&c.done, expect_early ? STEP_TIMEOUT : 50 * NSEC_PER_MSEC) > 0;
	mmap_write_unlock(mm);
	if (!early)
		KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&c.done, STEP_TIMEOUT), 0);
	KUNIT_EXPECT_EQ(test, c.ret, 0);
	kthread_stop(t);
	return early;
}

/*
 * In every mode but locked, MADV_DONTNEED within one VMA does not wait for
 * a writer that holds mmap_lock for other VMAs; it does wait (falling back
 * to mmap_lock) when that writer changes this VMA, or when the range spans
 * two VMAs. In locked mode it always waits. The pages are gone each time.
 */
SELFTEST(vma_lookup, dontneed_takes_only_the_vma_lock)
{
	for (int mode = VMA_LOOKUP_LOCKED; mode <= VMA_LOOKUP_RCU; mode++) {
		unsigned long vl = vma_lookup_stat(mode, VL_MADV_VMA_LOCK), ml = vma_lookup_stat(mode, VL_MADV_MMAP_LOCK);
		struct mm_struct *mm = test_mm(test);
		bool lockless = mode != VMA_LOOKUP_LOCKED;

		technique_use("vma_lookup", mode);
		/* a second VMA right above BASE's, kept apart by its rights */
		KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE + LEN, LEN, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0),
				(long)(BASE + LEN));
		for (int k = 0; k < 3; k++) {
			KUNIT_ASSERT_EQ(test, vm_madvise(mm, BASE, 2 * LEN, MADV_POPULATE_READ), 0);
			KUNIT_EXPECT_TRUE(test, pte_present_at(mm, BASE + PAGE_SIZE));
			if (k == 0)		/* the writer works elsewhere */
				KUNIT_EXPECT_EQ(test, dontneed_beside_writer(test, mm, BASE, LEN, false, lockless), lockless);
			else if (k == 1)	/* the writer changes this VMA */
				KUNIT_EXPECT_FALSE(test, dontneed_beside_writer(test, mm, BASE, LEN, true, false));
			else			/* two VMAs */
				KUNIT_EXPECT_FALSE(test, dontneed_beside_writer(test, mm, BASE, 2 * LEN, false, false));
			KUNIT_EXPECT_FALSE(test, pte_present_at(mm, BASE + PAGE_SIZE));
			KUNIT_EXPECT_EQ(test, mm_counter(mm, MM_RSS), k < 2 ? LEN / PAGE_SIZE : 0);
			if (k < 2)
				vm_madvise(mm, BASE + LEN, LEN, MADV_DONTNEED);
		}
		KUNIT_EXPECT_EQ(test, vma_lookup_stat(mode, VL_MADV_VMA_LOCK) - vl, lockless ? 3 : 0);
		KUNIT_EXPECT_EQ(test, vma_lookup_stat(mode, VL_MADV_MMAP_LOCK) - ml, lockless ? 2 : 5);
		mmput(mm);
	}
}
