/*
 * tests/kernel/rcutorture_test.c - an rcutorture-like stress test of RCU.
 *
 * One writer replaces a protected object again and again; a reader on
 * every CPU reads it under rcu_read_lock() and checks it. Each removed
 * object carries a "pipe" count: 1 when it is replaced, +1 after each
 * grace period that follows, freed (poisoned first) at RCU_TORTURE_PIPE_LEN.
 * A reader reads the pipe count of the object it holds at the end of its
 * read-side section: 0 (still current) or 1 (replaced, grace period not
 * over) are fine; 2 or more means a whole grace period ended while the
 * reader still held the object, which is exactly the bug RCU exists to
 * prevent. The histogram of what readers saw is the "reader pipe" line,
 * as in Linux's rcutorture. Readers also check a magic and a generation
 * number, so a freed (poisoned) object is noticed at once. Meanwhile every
 * reader floods call_rcu() with small objects, so callbacks and grace
 * periods are exercised together.
 *
 * The run lasts rcutorture.duration= seconds (RCU_TORTURE_DEFAULT_S in
 * `make test`; `make torture DURATION=600` for long runs) and ends with
 * SUCCESS or FAILURE; an RCU stall warning during the run is a FAILURE too
 * (torture.h). percpu_ref's torture test (percpu_ref_test.c) uses the
 * same duration.
 */
#include "kernel/selftest.h"
#include "kernel/printk.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/rcupdate.h"
#include "kernel/mm/slab.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "tests/kernel/torture.h"

#define RCU_TORTURE_DEFAULT_S	1	/* seconds, in `make test` */
#define RCU_TORTURE_PIPE_LEN	10	/* grace periods an object waits before it is freed */
#define RCU_TORTURE_MAGIC	0x52435554UL	/* "RCUT" */
#define RCU_TORTURE_POISON	0x6b
#define CBFLOOD_EVERY		32	/* reads between two call_rcu() of a reader */

unsigned long rcutorture_duration_s = RCU_TORTURE_DEFAULT_S;

static int set_duration(const char *val)
{
	unsigned long s = 0;

	for (; *val >= '0' && *val <= '9'; val++)
		s = s * 10 + (*val - '0');
	if (*val || !s)
		return -EINVAL;
	rcutorture_duration_s = s;
	return 0;
}
CMDLINE_PARAM("rcutorture.duration", set_duration, "seconds each torture test (rcutorture, percpu_ref_torture) runs");

struct torture_obj {
	unsigned long magic;
	unsigned long gen;		/* the writer's update number */
	int pipe;			/* 0 current; 1 replaced; +1 per grace period after */
	struct list_head removed;	/* writer only */
};

static struct torture_obj *rcu_torture_current;
static volatile bool torture_stop;
static atomic_t readers_started;	/* the clock starts when every reader runs */
static struct {
	unsigned long pipe[RCU_TORTURE_PIPE_LEN + 1];
	unsigned long reads, bad_magic, bad_gen, cbs;
} reader_stats[MAX_CPUS];
static unsigned long n_updates;
static atomic_long_t cbs_pending;

static void free_obj(struct torture_obj *o)
{
	memset(o, RCU_TORTURE_POISON, sizeof(*o));	/* a reader still on it sees garbage */
	kfree(o);
}

static int rcu_torture_writer(void *arg)
{
	LIST_HEAD(removed);
	struct torture_obj *o, *next;
	unsigned long gen = 0;

	while (!READ_ONCE(torture_stop)) {
		struct torture_obj *new = kmalloc(sizeof(*new), GFP_KERNEL), *old;

		if (!new) {
			msleep(1);
			continue;
		}
		new->magic = RCU_TORTURE_MAGIC;
		new->gen = ++gen;
		new->pipe = 0;
		old = rcu_dereference_protected(rcu_torture_current, 1);
		rcu_assign_pointer(rcu_torture_current, new);	/* new's fields visible first */
		if (old) {
			WRITE_ONCE(old->pipe, 1);
			list_add_tail(&old->removed, &removed);
		}
		synchronize_rcu();
		list_for_each_entry_safe(o, next, &removed, removed) {
			WRITE_ONCE(o->pipe, o->pipe + 1);
			if (o->pipe >= RCU_TORTURE_PIPE_LEN) {
				list_del(&o->removed);
				free_obj(o);
			}
		}
		n_updates++;
	}
	list_for_each_entry_safe(o, next, &removed, removed) {
		list_del(&o->removed);
		free_obj(o);		/* after synchronize_rcu in the loop: no reader left */
	}
	return 0;
}

static void cbflood_cb(struct rcu_head *rh)
{
	kfree(rh);
	atomic_long_dec(&cbs_pending);
}

static void rcu_torture_reader(struct kunit *test, int cpu, void *arg)
{
	typeof(reader_stats[0]) *st = &reader_stats[cpu];

	atomic_inc(&readers_started);
	while (!READ_ONCE(torture_stop)) {
		struct torture_obj *p;

		rcu_read_lock();
		p = rcu_dereference(rcu_torture_current);
		if (p) {
			unsigned long gen = READ_ONCE(p->gen);
			int pipe;

			if (READ_ONCE(p->magic) != RCU_TORTURE_MAGIC)
				st->bad_magic++;
			if (st->reads % 7 == 0)
				udelay(20);	/* a longer reader now and then */
			pipe = READ_ONCE(p->pipe);
			if (READ_ONCE(p->gen) != gen || READ_ONCE(p->magic) != RCU_TORTURE_MAGIC)
				st->bad_gen++;
			if (pipe < 0 || pipe > RCU_TORTURE_PIPE_LEN)
				pipe = RCU_TORTURE_PIPE_LEN;	/* garbage: counted as too old */
			st->pipe[pipe]++;
		}
		rcu_read_unlock();
		if (++st->reads % CBFLOOD_EVERY == 0) {
			struct rcu_head *rh = kmalloc(sizeof(*rh), GFP_KERNEL);
			if (rh) {
				atomic_long_inc(&cbs_pending);
				call_rcu(rh, cbflood_cb);
				st->cbs++;
			}
			cond_resched();
		}
	}
}

/*
 * Stops the run rcutorture.duration seconds after the last reader started:
 * on a loaded host, TCG may take long to get every virtual CPU going.
 */
static int stop_after(void *arg)
{
	while (atomic_read(&readers_started) < num_online_cpus())
		msleep(1);
	msleep(rcutorture_duration_s * 1000);
	WRITE_ONCE(torture_stop, true);
	return 0;
}

SELFTEST(rcutorture, readers_never_see_old_or_freed_objects)
{
	unsigned long pipe[RCU_TORTURE_PIPE_LEN + 1] = { 0 }, reads = 0, bad = 0, cbs = 0;
	unsigned long gps = rcu_completed_gps(), stalls = rcu_stall_count();
	struct task *writer, *timer;
	char line[160];
	int len = 0, cpu;
	bool ok;

	memset(reader_stats, 0, sizeof(reader_stats));
	torture_stop = false;
	atomic_set(&readers_started, 0);
	n_updates = 0;
	rcu_torture_current = NULL;
	writer = kthread_run(rcu_torture_writer, NULL, "rcu_torture_wr");
	timer = kthread_run(stop_after, NULL, "rcu_torture_tm");
	KUNIT_ASSERT_NOT_NULL(test, writer);
	KUNIT_ASSERT_NOT_NULL(test, timer);
	test_on_each_cpu(test, rcu_torture_reader, NULL);
	kthread_stop(timer);
	kthread_stop(writer);
	if (rcu_torture_current) {
		struct torture_obj *last = rcu_torture_current;
		RCU_INIT_POINTER(rcu_torture_current, NULL);
		synchronize_rcu();
		free_obj(last);
	}
	rcu_barrier();			/* the callback flood */
	gps = rcu_completed_gps() - gps;

	for_each_online_cpu(cpu) {
		for (int i = 0; i <= RCU_TORTURE_PIPE_LEN; i++)
			pipe[i] += reader_stats[cpu].pipe[i];
		reads += reader_stats[cpu].reads;
		bad += reader_stats[cpu].bad_magic + reader_stats[cpu].bad_gen;
		cbs += reader_stats[cpu].cbs;
	}
	for (int i = 0; i <= RCU_TORTURE_PIPE_LEN; i++)
		len += snprintf(line + len, sizeof(line) - len, " %lu", pipe[i]);
	ok = bad == 0 && atomic_long_read(&cbs_pending) == 0 && n_updates > 0 && reads > 0 &&
	     rcu_stall_count() == stalls;
	for (int i = 2; i <= RCU_TORTURE_PIPE_LEN; i++)
		ok = ok && pipe[i] == 0;
	printk(KERN_INFO "# rcutorture: %lu s on %d CPUs: %lu updates, %lu reads, %lu grace periods, %lu callbacks flooded\n",
	       rcutorture_duration_s, num_online_cpus(), n_updates, reads, gps, cbs);
	printk(KERN_INFO "# rcutorture: Reader Pipe:%s\n", line);
	printk(KERN_INFO "# rcutorture: freed or changed objects seen: %lu\n", bad);
	torture_expect_no_stall(test, "rcutorture", stalls);
	printk(KERN_INFO "# rcutorture: %s\n", ok ? "SUCCESS" : "FAILURE");
	for (int i = 2; i <= RCU_TORTURE_PIPE_LEN; i++)
		KUNIT_EXPECT_EQ(test, pipe[i], 0);
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&cbs_pending), 0);
	KUNIT_EXPECT_GT(test, n_updates, 0);
	KUNIT_EXPECT_GT(test, reads, 0);
}
