/*
 * tests/kernel/sync_test.c - torture tests for spinlocks (both ways of
 * waiting), mutex, rwsem and seqcount on every CPU, and the debug checks: lock order, sleeping in atomic
 * context, spinlock misuse, lock contracts (lockdep_assert_held).
 */
#include "kernel/selftest.h"
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/mutex.h"
#include "kernel/sync/rwsem.h"
#include "kernel/sync/seqlock.h"
#include "kernel/sync/lockdep.h"
#include "kernel/technique.h"
#include "kernel/time.h"
#include "kernel/lib/string.h"

/*
 * Work is fixed in total and shared among the CPUs, so a boot with many
 * CPUs on a small host (TCG runs each CPU as a host thread) takes about as
 * long as one with few. `make torture` style long runs raise these.
 */
#define SPIN_OPS	4000 	/* lock/unlock pairs per spinlock mode, all CPUs together */
#define MUTEX_OPS	3000	/* lock/unlock pairs, all threads together */
#define RWSEM_OPS	3000
#define SEQ_ROUNDS	20000	/* writes by the one writer */
#define THREADS_PER_CPU	2	/* torture threads per CPU, run one wave per CPU at a time */

static int share(int total)
{
	return max(64, total / (num_online_cpus() * THREADS_PER_CPU));
}

/* ---- spinlock ---- */

static DEFINE_SPINLOCK(torture_spinlock);
static unsigned long spin_counter;	/* plain: only the spinlock protects it */
static atomic_t spin_inside;
static atomic_t spin_overlaps;

static void spin_torture(struct kunit *test, int cpu, void *arg)
{
	int n = max(256, SPIN_OPS / num_online_cpus());

	for (int i = 0; i < n; i++) {
		unsigned long flags = spin_lock_irqsave(&torture_spinlock);

		if (atomic_inc_return(&spin_inside) != 1)
			atomic_inc(&spin_overlaps);
		spin_counter++;
		atomic_dec(&spin_inside);
		spin_unlock_irqrestore(&torture_spinlock, flags);
	}
}

/*
 * Ticket waiting and test-and-set waiting exclude each other on the same
 * lock (spinlock.c): this runs each mode on every CPU, then flips the mode
 * while the CPUs hammer the lock, so both kinds of waiter meet on it.
 */
static void spin_torture_flipping(struct kunit *test, int cpu, void *arg)
{
	const struct technique *t = technique_find("spinlock");

	if (cpu == 0)
		for (int i = 0; i < 64; i++) {
			technique_set(t, i % 2 ? SPINLOCK_TICKET : SPINLOCK_TAS, NULL, 0);
			cond_resched();
		}
	spin_torture(test, cpu, arg);
}

SELFTEST(sync, spinlock_torture_both_modes)
{
	const struct technique *t = technique_find("spinlock");
	int saved = technique_mode(spinlock), n = max(256, SPIN_OPS / num_online_cpus());

	spin_counter = 0;
	atomic_set(&spin_overlaps, 0);
	KUNIT_ASSERT_NOT_NULL(test, t);
	technique_set(t, SPINLOCK_TICKET, NULL, 0);
	test_on_each_cpu(test, spin_torture, NULL);
	technique_set(t, SPINLOCK_TAS, NULL, 0);
	test_on_each_cpu(test, spin_torture, NULL);
	test_on_each_cpu(test, spin_torture_flipping, NULL);
	technique_set(t, saved, NULL, 0);
	KUNIT_EXPECT_EQ(test, spin_counter, (unsigned long)n * 3 * num_online_cpus());
	KUNIT_EXPECT_EQ(test, atomic_read(&spin_overlaps), 0);
	KUNIT_EXPECT_FALSE(test, spin_is_locked(&torture_spinlock));
}

/* ---- mutex ---- */

static DEFINE_MUTEX(torture_mutex);
static unsigned long mutex_counter;	/* plain: only the mutex protects it */
static atomic_t mutex_inside;
static atomic_t mutex_overlaps;

static void mutex_torture(struct kunit *test, int cpu, void *arg)
{
	for (int i = 0; i < share(MUTEX_OPS); i++) {
		mutex_lock(&torture_mutex);
		if (atomic_inc_return(&mutex_inside) != 1)
			atomic_inc(&mutex_overlaps);
		mutex_counter++;
		if (i % 256 == 0)
			msleep(1);		/* sleep while holding it now and then */
		atomic_dec(&mutex_inside);
		mutex_unlock(&torture_mutex);
		if (i % 16 == 0)
			cond_resched();
	}
}

SELFTEST(sync, mutex_torture_all_cpus)
{
	mutex_counter = 0;
	atomic_set(&mutex_overlaps, 0);
	for (int i = 0; i < THREADS_PER_CPU; i++)
		test_on_each_cpu(test, mutex_torture, NULL);
	KUNIT_EXPECT_EQ(test, mutex_counter, (unsigned long)share(MUTEX_OPS) * THREADS_PER_CPU * num_online_cpus());
	KUNIT_EXPECT_EQ(test, atomic_read(&mutex_overlaps), 0);
	KUNIT_EXPECT_FALSE(test, mutex_is_locked(&torture_mutex));
}

SELFTEST(sync, mutex_trylock)
{
	KUNIT_EXPECT_TRUE(test, mutex_trylock(&torture_mutex));
	KUNIT_EXPECT_PTR_EQ(test, mutex_owner(&torture_mutex), current);
	KUNIT_EXPECT_FALSE(test, mutex_trylock(&torture_mutex));
	mutex_unlock(&torture_mutex);
	KUNIT_EXPECT_FALSE(test, mutex_is_locked(&torture_mutex));
}

/* ---- rwsem ---- */

static DECLARE_RWSEM(torture_rwsem);
static struct {
	volatile unsigned long a, b;	/* a writer keeps a == b */
} pair;
static atomic_t writers_inside, readers_inside, rw_violations;

static void rwsem_torture(struct kunit *test, int cpu, void *arg)
{
	for (int i = 0; i < share(RWSEM_OPS); i++) {
		if ((i + cpu) % 4 == 0) {
			down_write(&torture_rwsem);
			if (atomic_inc_return(&writers_inside) != 1 || atomic_read(&readers_inside))
				atomic_inc(&rw_violations);
			pair.a++;
			cond_resched();		/* a reader here would see a != b */
			pair.b++;
			atomic_dec(&writers_inside);
			up_write(&torture_rwsem);
		} else {
			down_read(&torture_rwsem);
			atomic_inc(&readers_inside);
			if (pair.a != pair.b || atomic_read(&writers_inside))
				atomic_inc(&rw_violations);
			atomic_dec(&readers_inside);
			up_read(&torture_rwsem);
		}
		if (i % 8 == 0)
			cond_resched();
	}
}

SELFTEST(sync, rwsem_torture_all_cpus)
{
	int n = num_online_cpus();

	pair.a = pair.b = 0;
	atomic_set(&rw_violations, 0);
	torture_rwsem.max_bypass = 0;
	for (int i = 0; i < THREADS_PER_CPU; i++)
		test_on_each_cpu(test, rwsem_torture, NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&rw_violations), 0);
	KUNIT_EXPECT_EQ(test, pair.a, pair.b);
	/*
	 * No writer starved: readers that arrive after a writer queue behind
	 * it, so while a writer waits, only readers queued before it enter:
	 * at most one per other thread (one thread per CPU at a time here).
	 */
	KUNIT_EXPECT_LE(test, torture_rwsem.max_bypass, (unsigned long)n - 1);
	KUNIT_EXPECT_FALSE(test, rwsem_is_locked(&torture_rwsem));
}

SELFTEST(sync, rwsem_trylock_and_downgrade)
{
	KUNIT_EXPECT_TRUE(test, down_read_trylock(&torture_rwsem));
	KUNIT_EXPECT_TRUE(test, down_read_trylock(&torture_rwsem));
	KUNIT_EXPECT_FALSE(test, down_write_trylock(&torture_rwsem));
	up_read(&torture_rwsem);
	up_read(&torture_rwsem);
	KUNIT_EXPECT_TRUE(test, down_write_trylock(&torture_rwsem));
	KUNIT_EXPECT_FALSE(test, down_read_trylock(&torture_rwsem));
	downgrade_write(&torture_rwsem);
	KUNIT_EXPECT_TRUE(test, down_read_trylock(&torture_rwsem));	/* readers share now */
	up_read(&torture_rwsem);
	up_read(&torture_rwsem);
	KUNIT_EXPECT_FALSE(test, rwsem_is_locked(&torture_rwsem));
}

/* ---- seqcount ---- */

static seqcount_t seq = SEQCNT_ZERO;
static struct { volatile unsigned long x, y, sum; } seqdata;
static atomic_t torn, retries;
static volatile bool seq_stop;

static void seq_torture(struct kunit *test, int cpu, void *arg)
{
	if (cpu == 0) {		/* the one writer */
		for (unsigned long i = 1; i <= SEQ_ROUNDS; i++) {
			write_seqcount_begin(&seq);
			seqdata.x = i;
			seqdata.y = i * 3;
			seqdata.sum = i * 4;
			write_seqcount_end(&seq);
		}
		WRITE_ONCE(seq_stop, true);
		return;
	}
	while (!READ_ONCE(seq_stop)) {
		unsigned long x, y, sum;
		unsigned int start;
		do {
			start = read_seqcount_begin(&seq);
			x = seqdata.x;
			y = seqdata.y;
			sum = seqdata.sum;
			if (read_seqcount_retry(&seq, start))
				atomic_inc(&retries);
		} while (read_seqcount_retry(&seq, start));
		if (y != x * 3 || sum != x + y)	/* acted on only after a clean read */
			atomic_inc(&torn);
	}
}

SELFTEST(sync, seqcount_readers_never_act_on_torn_data)
{
	atomic_set(&torn, 0);
	atomic_set(&retries, 0);
	seq_stop = false;
	test_on_each_cpu(test, seq_torture, NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&torn), 0);
	KUNIT_EXPECT_EQ(test, seq.sequence, 2 * SEQ_ROUNDS);
}

/* ---- debug checks ---- */

static DEFINE_MUTEX_RANK(outer_lock, LOCK_RANK_TEST_OUTER);
static DEFINE_MUTEX_RANK(inner_lock, LOCK_RANK_TEST_INNER);
static char out[4096];

SELFTEST(sync, lock_order_checker_catches_inversion)
{
	int before;

	if (!CONFIG_DEBUG)
		kunit_skip(test, "the checker exists in debug builds only");
	mutex_lock(&outer_lock);		/* the documented order: no warning */
	mutex_lock(&inner_lock);
	mutex_unlock(&inner_lock);
	mutex_unlock(&outer_lock);
	before = lockdep_violations();
	KUNIT_EXPECT_EQ(test, before, lockdep_violations());
	printk_capture_start(out, sizeof(out));
	mutex_lock(&inner_lock);		/* inverted */
	mutex_lock(&outer_lock);
	mutex_unlock(&outer_lock);
	mutex_unlock(&inner_lock);
	printk_capture_stop();
	KUNIT_EXPECT_EQ(test, lockdep_violations(), before + 1);
	lockdep_forgive(lockdep_violations() - before);		/* provoked: not the suite's fault */
	KUNIT_EXPECT_TRUE(test, strstr(out, "lock order violation") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "taking outer_lock (rank 180) while holding inner_lock (rank 190)") != NULL);
	/* both backtraces: where inner_lock was taken, and this one */
	KUNIT_EXPECT_TRUE(test, strstr(out, "inner_lock was taken at:") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "outer_lock is being taken at:") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "__selftest_sync_lock_order_checker_catches_inversion") != NULL);
}

/*
 * A lock interrupt handlers may be ordered after (a rank the tick takes
 * locks below), taken with interrupts on: reported at once, whether or not
 * a tick happens to land inside (issue 15: anon_shared.lock and
 * mmlist_lock were, until they were ranked below the interrupt locks).
 */
SELFTEST(sync, lock_order_checker_catches_irqs_on)
{
	static DEFINE_SPINLOCK_RANK(irq_ranked, LOCK_RANK_TEST_IRQ);
	static DEFINE_SPINLOCK_RANK(process_ranked, LOCK_RANK_FUTEX);
	unsigned long flags;
	int before;

	if (!CONFIG_DEBUG)
		kunit_skip(test, "the checker exists in debug builds only");
	before = lockdep_violations();
	flags = spin_lock_irqsave(&irq_ranked);	/* the rule: interrupts off */
	spin_unlock_irqrestore(&irq_ranked, flags);
	spin_lock(&process_ranked);		/* below LOCK_RANK_IRQ_FIRST: interrupts may stay on */
	spin_unlock(&process_ranked);
	KUNIT_EXPECT_EQ(test, lockdep_violations(), before);
	printk_capture_start(out, sizeof(out));
	spin_lock(&irq_ranked);
	spin_unlock(&irq_ranked);
	printk_capture_stop();
	KUNIT_EXPECT_EQ(test, lockdep_violations(), before + 1);
	lockdep_forgive(lockdep_violations() - before);
	KUNIT_EXPECT_TRUE(test, strstr(out, "taking irq_ranked (rank 499) with interrupts enabled") != NULL);
}

/*
 * Lock contracts: an assertion about a lock not held warns (with the
 * expression and the lock's name) and the kernel carries on; one about a
 * lock held says nothing. Four are broken on purpose below.
 */
SELFTEST(sync, lock_assertions_warn_when_not_held)
{
	static DEFINE_SPINLOCK(contract_lock);
	static DECLARE_RWSEM(contract_rwsem);
	int before;

	if (!CONFIG_DEBUG)
		kunit_skip(test, "lock assertions exist in debug builds only");
	before = lockdep_violations();
	spin_lock(&contract_lock);
	lockdep_assert_held(&contract_lock);
	spin_unlock(&contract_lock);
	down_write(&contract_rwsem);
	lockdep_assert_held(&contract_rwsem);
	lockdep_assert_held_write(&contract_rwsem);
	downgrade_write(&contract_rwsem);
	lockdep_assert_held(&contract_rwsem);
	up_read(&contract_rwsem);
	KUNIT_EXPECT_EQ(test, lockdep_violations(), before);

	printk_capture_start(out, sizeof(out));
	lockdep_assert_held(&contract_lock);		/* 1: nobody holds it */
	lockdep_assert_held(&contract_rwsem);		/* 2 */
	down_read(&contract_rwsem);
	lockdep_assert_held(&contract_rwsem);
	lockdep_assert_held_write(&contract_rwsem);	/* 3: only for reading */
	up_read(&contract_rwsem);
	down_write(&contract_rwsem);
	downgrade_write(&contract_rwsem);
	lockdep_assert_held_write(&contract_rwsem);	/* 4: not since the downgrade */
	up_read(&contract_rwsem);
	printk_capture_stop();
	KUNIT_EXPECT_EQ(test, lockdep_violations(), before + 4);
	lockdep_forgive(lockdep_violations() - before);
	KUNIT_EXPECT_TRUE(test, strstr(out, "WARNING: lock not held: contract_lock (&contract_lock)") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "WARNING: lock not held: contract_rwsem (&contract_rwsem)") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "WARNING: lock not held for writing: contract_rwsem") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "__selftest_sync_lock_assertions_warn_when_not_held") != NULL);
	KUNIT_EXPECT_FALSE(test, rwsem_is_locked(&contract_rwsem));
}

SELFTEST(sync, might_sleep_catches_spinlock_held)
{
	static DEFINE_SPINLOCK(lock);

	printk_capture_start(out, sizeof(out));
	spin_lock(&lock);
	might_sleep();
	spin_unlock(&lock);
	printk_capture_stop();
	KUNIT_EXPECT_TRUE(test, strstr(out, "sleeping function called from invalid context") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "1 spinlock(s) held") != NULL);
}

static void take_twice(struct kunit *test)
{
	static DEFINE_SPINLOCK(lock);

	spin_lock(&lock);
	spin_lock(&lock);		/* recursion: would deadlock */
}

static void unlock_unowned(struct kunit *test)
{
	static DEFINE_SPINLOCK(lock);

	spin_unlock(&lock);
}

SELFTEST(sync, spinlock_misuse_is_caught)
{
	static const struct selftest twice = { "inner", "take_twice", take_twice };
	static const struct selftest unowned = { "inner", "unlock_unowned", unlock_unowned };
	struct selftest_result r;

	selftest_run_one_captured(&twice, &r, out, sizeof(out));
	KUNIT_EXPECT_FALSE(test, r.passed);
	KUNIT_EXPECT_TRUE(test, strstr(out, "spinlock recursion on lock") != NULL);
	selftest_run_one_captured(&unowned, &r, out, sizeof(out));
	KUNIT_EXPECT_FALSE(test, r.passed);
	KUNIT_EXPECT_TRUE(test, strstr(out, "spin_unlock of lock by cpu") != NULL);
}

/* A seqlock_t: writers exclude each other with its spinlock, readers retry. */
static seqlock_t pair_lock;
static struct { volatile unsigned long a, b; } locked_pair;

static void seqlock_writers(struct kunit *test, int cpu, void *arg)
{
	for (int i = 0; i < share(MUTEX_OPS); i++) {
		unsigned int start;
		unsigned long a, b;

		write_seqlock(&pair_lock);		/* several writers: the lock orders them */
		locked_pair.a++;
		locked_pair.b++;
		write_sequnlock(&pair_lock);
		do {
			start = read_seqbegin(&pair_lock);
			a = locked_pair.a;
			b = locked_pair.b;
		} while (read_seqretry(&pair_lock, start));
		if (a != b)
			atomic_inc(&torn);
	}
}

SELFTEST(sync, seqlock_writers_exclude_each_other)
{
	seqlock_init(&pair_lock, "pair_lock", LOCK_RANK_TEST_SPIN);
	locked_pair.a = locked_pair.b = 0;
	atomic_set(&torn, 0);
	test_on_each_cpu(test, seqlock_writers, NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&torn), 0);
	KUNIT_EXPECT_EQ(test, locked_pair.a, (unsigned long)share(MUTEX_OPS) * num_online_cpus());
	KUNIT_EXPECT_EQ(test, locked_pair.b, locked_pair.a);
}
