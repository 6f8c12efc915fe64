/*
 * tests/kernel/lazy_mm_test.c - lazy mm switching in each mode of the
 * technique lazy_mm (kernel/mm/lazy_mm.c), step by step on chosen CPUs.
 *
 * The "user task" of these tests is a kernel thread that adopted an mm
 * with kthread_use_mm(): the scheduler treats it exactly as a user task
 * (next->mm != NULL), so a kernel thread switched to after it borrows its
 * mm lazily. Each test pins the threads to one CPU and makes them run in a
 * known order with completions:
 *
 *   round_trip_bookkeeping     user -> kthread -> user, and
 *                              user -> kthread -> kthread -> user: what the
 *                              borrower sees, mm_count, the RMWs counted
 *   owner_exits_while_borrowed the last user of an mm goes (on another CPU)
 *                              while a kthread runs on it lazily: the
 *                              hazard handed over, the shootdown IPI, or
 *                              the reference held; freed only after
 *   adopt_while_borrowing      a borrower adopts an mm of its own (the path
 *                              exec takes from a kernel thread): the
 *                              borrow ends in place
 */
#include "kernel/selftest.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/lazy_mm.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/wait.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/technique.h"
#include "kernel/lib/string.h"

#define LAZY_TIMEOUT	(10 * NSEC_PER_SEC)	/* longest wait for one step */

static const int modes[] = { LAZY_MM_REFCOUNT, LAZY_MM_SHOOTDOWN, LAZY_MM_HAZARD };

struct probe {
	struct mm_struct *mm;
	int cpu;
	bool via_k2;
	struct completion k1_go, k2_go, u_go, done, borrowing, release;
	/* what each saw */
	struct mm_struct *k1_lazy, *k1_active, *k2_lazy, *k2_active, *u_lazy, *k1_active_end;
	int k1_kind, base, k1_count, k2_count, u_count;
	unsigned long rmws_before, rmws_after;
	volatile bool spin;
	struct task *tasks[3];		/* created here: stopped (reaped) by probe_finish */
	int ntasks;
};

static struct task *pinned(int (*fn)(void *), struct probe *p, const char *name)
{
	struct task *t = kthread_create(fn, p, "%s", name);

	if (t) {
		kthread_bind(t, p->cpu);
		p->tasks[p->ntasks++] = t;
		wake_up_process(t);
	}
	return t;
}

static int user_side(void *arg)
{
	struct probe *p = arg;
	struct lazy_mm_cpu *l = lazy_mm_cpu_state(p->cpu);

	kthread_use_mm(p->mm);
	p->base = atomic_read(&p->mm->mm_count);
	p->rmws_before = l->stats[LAZY_MM_COUNT_RMWS];
	complete(&p->k1_go);
	wait_for_completion(&p->u_go);		/* off the CPU: K1 borrows our mm */
	p->u_lazy = READ_ONCE(l->lazy_mm);
	p->u_count = atomic_read(&p->mm->mm_count);
	p->rmws_after = l->stats[LAZY_MM_COUNT_RMWS];
	kthread_unuse_mm(p->mm);
	complete(&p->done);
	return 0;
}

static int k1_side(void *arg)
{
	struct probe *p = arg;
	struct lazy_mm_cpu *l = lazy_mm_cpu_state(p->cpu);

	wait_for_completion(&p->k1_go);
	p->k1_lazy = READ_ONCE(l->lazy_mm);
	p->k1_kind = l->kind;
	p->k1_active = current->active_mm;
	p->k1_count = atomic_read(&p->mm->mm_count);
	if (p->via_k2)
		complete(&p->k2_go);		/* we exit: K2 inherits the borrow */
	else
		complete(&p->u_go);
	return 0;
}

static int k2_side(void *arg)
{
	struct probe *p = arg;
	struct lazy_mm_cpu *l = lazy_mm_cpu_state(p->cpu);

	wait_for_completion(&p->k2_go);
	p->k2_lazy = READ_ONCE(l->lazy_mm);
	p->k2_active = current->active_mm;
	p->k2_count = atomic_read(&p->mm->mm_count);
	complete(&p->u_go);
	return 0;
}

/* Waits for every thread of the probe to end and drops the creator's references. */
static void probe_finish(struct probe *p)
{
	for (int i = 0; i < p->ntasks; i++)
		kthread_stop(p->tasks[i]);
	p->ntasks = 0;
}

static void probe_init(struct probe *p, struct mm_struct *mm, int cpu, bool via_k2)
{
	memset(p, 0, sizeof(*p));
	p->mm = mm;
	p->cpu = cpu;
	p->via_k2 = via_k2;
	init_completion(&p->k1_go);
	init_completion(&p->k2_go);
	init_completion(&p->u_go);
	init_completion(&p->done);
	init_completion(&p->borrowing);
	init_completion(&p->release);
}

SELFTEST(lazy_mm, round_trip_bookkeeping)
{
	static struct probe p;
	int cpu = smp_processor_id();

	for (unsigned int m = 0; m < ARRAY_SIZE(modes); m++)
		for (int via_k2 = 0; via_k2 < 2; via_k2++) {
			struct mm_struct *mm = mm_alloc();

			KUNIT_ASSERT_NOT_NULL(test, mm);
			KUNIT_ASSERT_EQ(test, technique_use("lazy_mm", modes[m]) >= 0, true);
			probe_init(&p, mm, cpu, via_k2);
			if (via_k2)
				KUNIT_ASSERT_NOT_NULL(test, pinned(k2_side, &p, "lazy-k2"));
			KUNIT_ASSERT_NOT_NULL(test, pinned(k1_side, &p, "lazy-k1"));
			KUNIT_ASSERT_NOT_NULL(test, pinned(user_side, &p, "lazy-user"));
			KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&p.done, LAZY_TIMEOUT), 0);

			KUNIT_EXPECT_PTR_EQ(test, p.k1_lazy, mm);	/* the hazard (or marker) */
			KUNIT_EXPECT_PTR_EQ(test, p.k1_active, mm);	/* ran on the user's tables */
			KUNIT_EXPECT_EQ(test, p.k1_kind, modes[m]);
			KUNIT_EXPECT_EQ(test, p.k1_count, p.base + (modes[m] == LAZY_MM_REFCOUNT));
			if (via_k2) {
				KUNIT_EXPECT_PTR_EQ(test, p.k2_lazy, mm);	/* inherited, not taken again */
				KUNIT_EXPECT_PTR_EQ(test, p.k2_active, mm);
				KUNIT_EXPECT_EQ(test, p.k2_count, p.k1_count);
			}
			KUNIT_EXPECT_PTR_EQ(test, p.u_lazy, NULL);	/* back on a user task: no borrow */
			KUNIT_EXPECT_EQ(test, p.u_count, p.base);
			/* counted, not guessed: two atomics per round trip with references, none without */
			KUNIT_EXPECT_EQ(test, p.rmws_after - p.rmws_before, modes[m] == LAZY_MM_REFCOUNT ? 2UL : 0UL);
			probe_finish(&p);
			mmput(mm);
		}
}

static int borrow_and_spin(void *arg)
{
	struct probe *p = arg;
	struct lazy_mm_cpu *l = lazy_mm_cpu_state(p->cpu);
	ktime_t deadline;

	wait_for_completion(&p->k1_go);
	p->k1_lazy = READ_ONCE(l->lazy_mm);
	p->k1_active = current->active_mm;
	complete(&p->borrowing);
	/* keep the borrow: no schedule, interrupts on (a shootdown IPI gets in) */
	deadline = ktime_get_ns() + LAZY_TIMEOUT;
	while (READ_ONCE(p->spin) && ktime_get_ns() < deadline)
		cpu_relax();
	p->k1_active_end = current->active_mm;
	return 0;
}

static int user_then_leave(void *arg)
{
	struct probe *p = arg;

	kthread_use_mm(p->mm);
	complete(&p->k1_go);
	wait_for_completion(&p->u_go);		/* woken on another CPU: ours is taken */
	kthread_unuse_mm(p->mm);
	complete(&p->done);
	return 0;
}

static bool wait_for_mm_count(long want)
{
	ktime_t deadline = ktime_get_ns() + LAZY_TIMEOUT;

	while (nr_mm_structs() != want && ktime_get_ns() < deadline)
		msleep(1);
	return nr_mm_structs() == want;
}

SELFTEST(lazy_mm, owner_exits_while_borrowed)
{
	static struct probe p;
	int self = smp_processor_id(), c = -1, cpu;
	struct cpumask here;

	for_each_online_cpu(cpu)
		if (cpu != self && c < 0)
			c = cpu;
	if (c < 0)
		kunit_skip(test, "needs two CPUs");
	KUNIT_ASSERT_EQ(test, sched_setaffinity_cpu(current, self), 0);
	cpumask_clear(&here);
	cpumask_set_cpu(self, &here);
	for (unsigned int m = 0; m < ARRAY_SIZE(modes); m++) {
		struct mm_struct *mm = mm_alloc();
		struct task *u;
		long live;
		struct lazy_mm_cpu *l = lazy_mm_cpu_state(c);
		long conversions = atomic_long_read(&lazy_mm_exit_stats()->conversions);
		long ipis = atomic_long_read(&lazy_mm_exit_stats()->ipis);

		KUNIT_ASSERT_NOT_NULL(test, mm);
		technique_use("lazy_mm", modes[m]);
		probe_init(&p, mm, c, false);
		p.spin = true;
		KUNIT_ASSERT_NOT_NULL(test, pinned(borrow_and_spin, &p, "lazy-borrower"));
		KUNIT_ASSERT_NOT_NULL(test, u = pinned(user_then_leave, &p, "lazy-owner"));
		KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&p.borrowing, LAZY_TIMEOUT), 0);
		KUNIT_EXPECT_PTR_EQ(test, p.k1_lazy, mm);
		/* the owner leaves c (the borrower keeps it) and drops its use here */
		KUNIT_EXPECT_EQ(test, set_cpus_allowed(u, &here), 0);
		complete(&p.u_go);
		KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&p.done, LAZY_TIMEOUT), 0);
		live = nr_mm_structs();
		mmput(mm);				/* the last user: exit_mmap, the lazy users, mmdrop */
		switch (modes[m]) {
		case LAZY_MM_HAZARD:
			/* the hazard became a reference, handed over to c */
			KUNIT_EXPECT_EQ(test, atomic_long_read(&lazy_mm_exit_stats()->conversions), conversions + 1);
			KUNIT_EXPECT_EQ(test, atomic_long_read(&l->mm_to_mmdrop), (long)mm);
			KUNIT_EXPECT_EQ(test, nr_mm_structs(), live);
			KUNIT_EXPECT_EQ(test, mm->magic, MM_MAGIC);
			break;
		case LAZY_MM_SHOOTDOWN:
			/* c was moved off by an IPI, and the mm is gone already */
			KUNIT_EXPECT_EQ(test, atomic_long_read(&lazy_mm_exit_stats()->ipis), ipis + 1);
			KUNIT_EXPECT_EQ(test, nr_mm_structs(), live - 1);
			KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(l->lazy_mm), NULL);
			break;
		case LAZY_MM_REFCOUNT:
			KUNIT_EXPECT_EQ(test, nr_mm_structs(), live);	/* the borrower's reference */
			KUNIT_EXPECT_EQ(test, mm->magic, MM_MAGIC);
			break;
		}
		p.spin = false;
		probe_finish(&p);
		if (modes[m] == LAZY_MM_SHOOTDOWN)
			KUNIT_EXPECT_PTR_EQ(test, p.k1_active_end, &init_mm);
		else
			KUNIT_EXPECT_PTR_EQ(test, p.k1_active_end, mm);
		/* c's next switch ends a borrow of a dead mm and drops what it held */
		KUNIT_EXPECT_TRUE(test, wait_for_mm_count(live - 1));
		KUNIT_EXPECT_EQ(test, atomic_long_read(&l->mm_to_mmdrop), 0);
	}
	set_cpus_allowed(current, &cpu_online_mask);
}

static int adopt_side(void *arg)
{
	struct probe *p = arg;
	struct lazy_mm_cpu *l = lazy_mm_cpu_state(p->cpu);
	struct mm_struct *own = mm_alloc();

	wait_for_completion(&p->k1_go);
	p->k1_lazy = READ_ONCE(l->lazy_mm);
	p->k1_count = atomic_read(&p->mm->mm_count);
	if (own) {
		kthread_use_mm(own);			/* the borrow of p->mm ends in place */
		p->k2_lazy = READ_ONCE(l->lazy_mm);
		p->k2_count = atomic_read(&p->mm->mm_count);
		kthread_unuse_mm(own);
		mmput(own);
	}
	complete(&p->u_go);
	return 0;
}

SELFTEST(lazy_mm, adopt_while_borrowing)
{
	static struct probe p;

	for (unsigned int m = 0; m < ARRAY_SIZE(modes); m++) {
		struct mm_struct *mm = mm_alloc();

		KUNIT_ASSERT_NOT_NULL(test, mm);
		technique_use("lazy_mm", modes[m]);
		probe_init(&p, mm, smp_processor_id(), false);
		KUNIT_ASSERT_NOT_NULL(test, pinned(adopt_side, &p, "lazy-adopter"));
		KUNIT_ASSERT_NOT_NULL(test, pinned(user_side, &p, "lazy-user"));
		KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&p.done, LAZY_TIMEOUT), 0);
		KUNIT_EXPECT_PTR_EQ(test, p.k1_lazy, mm);
		KUNIT_EXPECT_EQ(test, p.k1_count, p.base + (modes[m] == LAZY_MM_REFCOUNT));
		KUNIT_EXPECT_PTR_EQ(test, p.k2_lazy, NULL);	/* adopting its own ended the borrow */
		KUNIT_EXPECT_EQ(test, p.k2_count, p.base);
		probe_finish(&p);
		mmput(mm);
	}
}
