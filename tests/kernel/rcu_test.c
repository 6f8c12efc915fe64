/*
 * tests/kernel/rcu_test.c - RCU: synchronize_rcu waits for every
 * pre-existing reader on every CPU; callbacks run once, in order per CPU,
 * after their grace period; rcu_barrier waits for all; idle CPUs do not
 * hold grace periods up; the stall detector fires, with the true age of
 * the grace period, and the age never wraps while grace periods churn on
 * other CPUs; sleeping in a reader is reported; kfree_rcu and the list
 * helpers work. The torture test is in
 * rcutorture_test.c.
 */
#include "kernel/selftest.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/rcupdate.h"
#include "kernel/sync/rculist.h"
#include "kernel/mm/slab.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"

#define READER_HOLD_MS		30	/* each reader's section in synchronize_waits_for_readers */
#define CBS_PER_CPU		200	/* callbacks queued by each CPU in callbacks_once_in_order */
#define GP_LATENCY_ROUNDS	10
#define STALL_TEST_TIMEOUT_MS	300
#define STALL_SPIN_MAX_MS	5000	/* the spinner gives up if no stall is reported by then */
#define GP_AGE_TEST_MS		300	/* gp_age_never_wraps: how long the CPUs sample */
#define GP_AGE_QS_EVERY		64	/* samples between two quiescent states of a sampler */

/* ---- synchronize_rcu waits for readers ---- */

static struct {
	volatile bool started, done;
} readers[MAX_CPUS];

static int reader_thread(void *arg)
{
	int cpu = (long)arg;

	rcu_read_lock();
	WRITE_ONCE(readers[cpu].started, true);
	mdelay(READER_HOLD_MS);		/* no schedule point: the CPU owes its QS until the unlock */
	WRITE_ONCE(readers[cpu].done, true);
	rcu_read_unlock();
	return 0;
}

SELFTEST(rcu, synchronize_waits_for_readers)
{
	struct task *t[MAX_CPUS] = { 0 };
	int cpu;

	for_each_online_cpu(cpu) {
		readers[cpu].started = readers[cpu].done = false;
		t[cpu] = kthread_create(reader_thread, (void *)(long)cpu, "rcu_reader/%d", cpu);
		KUNIT_ASSERT_NOT_NULL(test, t[cpu]);
		kthread_bind(t[cpu], cpu);
		wake_up_process(t[cpu]);
	}
	for_each_online_cpu(cpu)
		while (!READ_ONCE(readers[cpu].started))
			msleep(1);
	synchronize_rcu();
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_TRUE(test, READ_ONCE(readers[cpu].done));
	for_each_online_cpu(cpu)
		kthread_stop(t[cpu]);
}

/* ---- callbacks: once, in order per CPU, after their grace period ---- */

struct order_cb {
	struct rcu_head rh;
	int cpu, seq;
	unsigned long gp_at_queue;
	atomic_t runs;
};

static struct {
	int last_seq;
	atomic_t bad_order, wrong_cpu, too_early;
} order[MAX_CPUS];

static void order_cb_fn(struct rcu_head *rh)
{
	struct order_cb *c = container_of(rh, struct order_cb, rh);

	atomic_inc(&c->runs);
	if (c->seq != order[c->cpu].last_seq + 1)
		atomic_inc(&order[c->cpu].bad_order);
	order[c->cpu].last_seq = c->seq;
	if (smp_processor_id() != c->cpu)
		atomic_inc(&order[c->cpu].wrong_cpu);
	/* a full grace period began and ended after the queueing: gp_seq moved by 2 at least */
	if ((long)(rcu_gp_seq() - c->gp_at_queue) < 2)
		atomic_inc(&order[c->cpu].too_early);
}

static void queue_many(struct kunit *test, int cpu, void *arg)
{
	struct order_cb *cbs = arg;

	for (int i = 0; i < CBS_PER_CPU; i++) {
		struct order_cb *c = &cbs[cpu * CBS_PER_CPU + i];
		c->cpu = cpu;
		c->seq = i + 1;
		c->gp_at_queue = rcu_gp_seq();
		call_rcu(&c->rh, order_cb_fn);
		if (i % 50 == 0)
			msleep(1);	/* spread the callbacks over several grace periods */
	}
}

SELFTEST(rcu, callbacks_once_in_order_after_gp)
{
	size_t n = (size_t)MAX_CPUS * CBS_PER_CPU;
	struct order_cb *cbs = kzalloc(n * sizeof(*cbs), GFP_KERNEL);
	int cpu;

	KUNIT_ASSERT_NOT_NULL(test, cbs);
	memset(order, 0, sizeof(order));
	test_on_each_cpu(test, queue_many, cbs);
	rcu_barrier();
	for_each_online_cpu(cpu) {
		KUNIT_EXPECT_EQ(test, order[cpu].last_seq, CBS_PER_CPU);
		KUNIT_EXPECT_EQ(test, atomic_read(&order[cpu].bad_order), 0);
		KUNIT_EXPECT_EQ(test, atomic_read(&order[cpu].wrong_cpu), 0);
		KUNIT_EXPECT_EQ(test, atomic_read(&order[cpu].too_early), 0);
		for (int i = 0; i < CBS_PER_CPU; i++)
			if (atomic_read(&cbs[cpu * CBS_PER_CPU + i].runs) != 1) {
				KUNIT_FAIL(test, "callback %d of cpu %d ran %d times", i, cpu,
					   atomic_read(&cbs[cpu * CBS_PER_CPU + i].runs));
				break;
			}
	}
	KUNIT_EXPECT_EQ(test, rcu_callbacks_pending(), 0);
	kfree(cbs);
}

/* ---- rcu_barrier ---- */

static atomic_t barrier_runs;

static void count_cb(struct rcu_head *rh)
{
	atomic_inc(&barrier_runs);
	kfree(rh);
}

static void queue_counted(struct kunit *test, int cpu, void *arg)
{
	for (int i = 0; i < 50; i++) {
		struct rcu_head *rh = kmalloc(sizeof(*rh), GFP_KERNEL);
		if (rh)
			call_rcu(rh, count_cb);
		else
			atomic_inc(&barrier_runs);
	}
}

SELFTEST(rcu, barrier_waits_for_all)
{
	atomic_set(&barrier_runs, 0);
	test_on_each_cpu(test, queue_counted, NULL);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, atomic_read(&barrier_runs), 50 * num_online_cpus());
	KUNIT_EXPECT_EQ(test, rcu_callbacks_pending(), 0);
}

/* ---- idle CPUs do not hold grace periods up ---- */

SELFTEST(rcu, idle_cpus_do_not_stall_gp)
{
	u64 worst = 0, t0 = ktime_get_ns();
	unsigned long before = 0, after = 0;
	int cpu, self;

	/*
	 * Every CPU but this one is idle (nothing is bound to them). rcu_gp
	 * must report their quiescent states for them (the EQS protocol)
	 * instead of waiting for them to wake. Latency is printed, not
	 * checked: TCG on a loaded host may freeze the whole guest for
	 * seconds, which no kernel can tell from a slow grace period.
	 */
	self = smp_processor_id();
	for_each_online_cpu(cpu)
		if (cpu != self)
			before += rcu_idle_qs_reports(cpu);
	for (int i = 0; i < GP_LATENCY_ROUNDS; i++) {
		u64 s = ktime_get_ns(), d;
		synchronize_rcu();
		d = ktime_get_ns() - s;
		worst = max(worst, d);
	}
	for_each_online_cpu(cpu)
		if (cpu != self)
			after += rcu_idle_qs_reports(cpu);
	printk(KERN_INFO "# synchronize_rcu with idle CPUs: mean %lu us, worst %lu us; %lu idle QSes reported by rcu_gp\n",
	       (unsigned long)((ktime_get_ns() - t0) / GP_LATENCY_ROUNDS / 1000), (unsigned long)(worst / 1000),
	       after - before);
	/* With 3 CPUs or more, one is neither this one nor rcu_gp's: it idles through all. */
	if (num_online_cpus() >= 3)
		KUNIT_EXPECT_GT(test, after, before);
}

/* ---- the stall detector ---- */

static volatile bool spinner_started;

static int stall_spinner(void *arg)
{
	unsigned long before = (unsigned long)arg;
	u64 t0 = ktime_get_ns();

	rcu_read_lock();
	WRITE_ONCE(spinner_started, true);
	while (rcu_stall_count() == before &&
	       ktime_get_ns() - t0 < STALL_SPIN_MAX_MS * NSEC_PER_MSEC)
		cpu_relax();		/* a reader that never ends, until the stall is seen */
	rcu_read_unlock();
	return 0;
}

/* The last stall report in log gives an age between the timeout and the time since boot. */
static void expect_sane_stall_age(struct kunit *test, const char *log)
{
	const char *p = NULL, *q = log;
	unsigned long ms = 0;

	while ((q = strstr(q, "rcu detected stall")) != NULL)
		p = q++;
	if (p)
		p = strstr(p, "running for ");
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (p += strlen("running for "); *p >= '0' && *p <= '9'; p++)
		ms = ms * 10 + (*p - '0');
	KUNIT_EXPECT_GE(test, ms, STALL_TEST_TIMEOUT_MS);
	KUNIT_EXPECT_LE(test, ms, (unsigned long)(ktime_get_ns() / NSEC_PER_MSEC));
}

SELFTEST(rcu, stall_detector_fires)
{
	unsigned long before = rcu_stall_count(), saved = rcu_stall_timeout_ms;
	int cpu = nr_cpu_ids - 1;
	struct task *t;
	char *log;
	char want[32];

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs: the spinner would starve the test");
	while (!cpu_online(cpu))
		cpu--;
	rcu_stall_timeout_ms = STALL_TEST_TIMEOUT_MS;
	spinner_started = false;
	t = kthread_create(stall_spinner, (void *)before, "rcu_spinner");
	KUNIT_ASSERT_NOT_NULL(test, t);
	kthread_bind(t, cpu);
	wake_up_process(t);
	while (!READ_ONCE(spinner_started))
		msleep(1);
	synchronize_rcu();		/* returns only after the spinner leaves its section */
	rcu_stall_timeout_ms = saved;
	kthread_stop(t);
	KUNIT_EXPECT_GT(test, rcu_stall_count(), before);
	log = kmalloc(16384, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, log);
	log_buf_read(log, 16384);
	KUNIT_EXPECT_TRUE(test, strstr(log, "rcu detected stall") != NULL);
	snprintf(want, sizeof(want), "backtrace of cpu %d", cpu);
	KUNIT_EXPECT_TRUE(test, strstr(log, want) != NULL);
	expect_sane_stall_age(test, log);
	kfree(log);
}

/*
 * Every CPU but CPU 0 reads the running grace period's age as the stall
 * detector does, while CPU 0 starts grace period after grace period, so
 * that the start stamp keeps changing under the readers, written by
 * another CPU from its own clock. No age may exceed the time since boot.
 * Read in the wrong order (the clock first, then a stamp the new grace
 * period had just written), the difference went negative and wrapped to
 * 2^64 ns: the "running for 18446744073709 ms" stalls of issue 10.
 */
static atomic_t gp_age_wrapped;
static atomic_t gp_age_samples;

static void gp_age_sampler(struct kunit *test, int cpu, void *arg)
{
	u64 end = ktime_get_ns() + GP_AGE_TEST_MS * NSEC_PER_MSEC;
	unsigned long gp, n = 0;

	(void)test;
	(void)arg;
	while ((u64)ktime_get_ns() < end) {
		u64 age;

		if (cpu == 0) {
			synchronize_rcu();
			continue;
		}
		age = rcu_gp_age_ns(&gp);
		if (age > (u64)ktime_get_ns())
			atomic_inc(&gp_age_wrapped);
		if (gp & 1)
			atomic_inc(&gp_age_samples);
		if (++n % GP_AGE_QS_EVERY == 0)
			cond_resched();		/* a quiescent state: the grace periods go on ending */
	}
}

SELFTEST(rcu, gp_age_never_wraps)
{
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs a CPU to start grace periods and one to read them");
	atomic_set(&gp_age_wrapped, 0);
	atomic_set(&gp_age_samples, 0);
	test_on_each_cpu(test, gp_age_sampler, NULL);
	printk(KERN_INFO "# gp_age_never_wraps: %d ages read during a grace period\n",
	       atomic_read(&gp_age_samples));
	KUNIT_EXPECT_EQ(test, atomic_read(&gp_age_wrapped), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&gp_age_samples), 0);
}

/* ---- sleeping inside a reader is reported (debug builds) ---- */

SELFTEST(rcu, sleep_in_reader_reported)
{
	unsigned long before = rcu_sleep_in_reader_count();
	char *buf;

	if (!CONFIG_DEBUG)
		kunit_skip(test, "the nesting count exists only in debug builds");
	buf = kmalloc(8192, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	printk_capture_start(buf, 8192);
	rcu_read_lock();
	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, rcu_read_lock_held());
	msleep(1);			/* the bug under test */
	rcu_read_unlock();
	rcu_read_unlock();
	printk_capture_stop();
	KUNIT_EXPECT_FALSE(test, rcu_read_lock_held());
	KUNIT_EXPECT_GT(test, rcu_sleep_in_reader_count(), before);
	KUNIT_EXPECT_TRUE(test, strstr(buf, "sleeping inside an RCU read-side section") != NULL);
	kfree(buf);
}

/* ---- kfree_rcu ---- */

struct kfree_obj {
	long payload[5];
	struct rcu_head rh;
};

SELFTEST(rcu, kfree_rcu_frees_after_gp)
{
	for (int i = 0; i < 100; i++) {
		struct kfree_obj *o = kmalloc(sizeof(*o), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, o);
		kfree_rcu(o, rh);
	}
	KUNIT_EXPECT_GT(test, rcu_callbacks_pending(), 0);
	rcu_barrier();			/* the leak check then sees every object freed */
	KUNIT_EXPECT_EQ(test, rcu_callbacks_pending(), 0);
}

/* ---- list helpers ---- */

struct item {
	int key;
	struct list_head node;
	struct hlist_node hnode;
};

SELFTEST(rcu, list_helpers)
{
	LIST_HEAD(head);
	struct hlist_head hh = HLIST_HEAD_INIT;
	struct item it[4], *pos;
	int sum = 0, n = 0;

	for (int i = 0; i < 4; i++) {
		it[i].key = i + 1;
		list_add_tail_rcu(&it[i].node, &head);
		hlist_add_head_rcu(&it[i].hnode, &hh);
	}
	list_del_rcu(&it[1].node);
	hlist_del_rcu(&it[2].hnode);
	KUNIT_EXPECT_PTR_EQ(test, it[1].node.next, &it[2].node);	/* kept for readers on it */
	rcu_read_lock();
	list_for_each_entry_rcu(pos, &head, node)
		sum = sum * 10 + pos->key;
	hlist_for_each_entry_rcu(pos, &hh, hnode)
		n = n * 10 + pos->key;
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, sum, 134);
	KUNIT_EXPECT_EQ(test, n, 421);
	synchronize_rcu();
}

/* ---- SLAB_TYPESAFE_BY_RCU: pages go back to the buddy allocator only after a grace period ---- */

#define TYPESAFE_OBJS	64	/* several slabs of 256-byte objects */

SELFTEST(rcu, slab_typesafe_by_rcu_defers_pages)
{
	struct kmem_cache *s = kmem_cache_create("rcu_typesafe_test", 256, 0, SLAB_TYPESAFE_BY_RCU, NULL);
	void *objs[TYPESAFE_OBJS];
	struct page *page;
	long pending0 = slab_rcu_pages_pending();

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (int i = 0; i < TYPESAFE_OBJS; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	page = virt_to_head_page(objs[0]);
	rcu_read_lock();		/* this CPU owes a QS now: no grace period can end */
	for (int i = 0; i < TYPESAFE_OBJS; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s);
	mdelay(50);			/* time enough for a grace period, were one possible */
	KUNIT_EXPECT_GT(test, slab_rcu_pages_pending(), pending0);
	KUNIT_EXPECT_TRUE(test, PageSlab(page));	/* still a slab, not a free block */
	rcu_read_unlock();
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, slab_rcu_pages_pending(), pending0);
	KUNIT_EXPECT_FALSE(test, PageSlab(page));
	kmem_cache_destroy(s);
}
