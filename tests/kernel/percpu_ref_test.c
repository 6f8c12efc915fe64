/*
 * tests/kernel/percpu_ref_test.c - percpu_ref: get/put from every CPU
 * while another kills the ref (release exactly once, never while a
 * reference is held); tryget_live fails after the kill is confirmed;
 * atomic-mode start, mode switches, reinit and resurrect; a torture test
 * that cycles refs through every state from every CPU.
 */
#include "kernel/selftest.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/percpu_ref.h"
#include "kernel/sync/wait.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/lib/string.h"
#include "tests/kernel/torture.h"

#define KILL_RACE_OPS		20000	/* get/put pairs, all CPUs together */
#define TORTURE_ROUNDS		3	/* init .. kill .. release cycles in the torture test, at least */
#define TORTURE_OPS		6000	/* operations per round, all CPUs together */

static int share(int total)
{
	return max(64, total / num_online_cpus());
}

struct tref {
	struct percpu_ref ref;
	atomic_t releases;
	atomic_t holders;		/* workers holding a base reference */
	atomic_t released_while_held;
	atomic_t live_after_kill;	/* tryget_live successes after the kill was confirmed */
	volatile bool killed, confirmed;
	struct completion confirm_done;
	int killer_cpu;
};

static void tref_release(struct percpu_ref *ref)
{
	struct tref *t = container_of(ref, struct tref, ref);

	if (atomic_read(&t->holders))
		atomic_inc(&t->released_while_held);
	atomic_inc(&t->releases);
}

static void tref_confirm(struct percpu_ref *ref)
{
	struct tref *t = container_of(ref, struct tref, ref);

	WRITE_ONCE(t->confirmed, true);
	complete(&t->confirm_done);
}

static void tref_init(struct kunit *test, struct tref *t, unsigned int flags)
{
	memset(t, 0, sizeof(*t));
	init_completion(&t->confirm_done);
	KUNIT_ASSERT_EQ(test, percpu_ref_init(&t->ref, tref_release, flags, GFP_KERNEL), 0);
}

/* ---- basics ---- */

SELFTEST(percpu_ref, get_put_kill_releases_once)
{
	struct tref t;

	tref_init(test, &t, 0);
	for (int i = 0; i < 100; i++)
		percpu_ref_get(&t.ref);
	percpu_ref_put_many(&t.ref, 60);
	percpu_ref_get_many(&t.ref, 10);
	percpu_ref_put_many(&t.ref, 50);
	KUNIT_EXPECT_FALSE(test, percpu_ref_is_zero(&t.ref));
	KUNIT_EXPECT_TRUE(test, percpu_ref_tryget(&t.ref));
	percpu_ref_kill(&t.ref);	/* one reference left: ours */
	KUNIT_EXPECT_FALSE(test, percpu_ref_tryget_live(&t.ref));
	rcu_barrier();			/* the switch's grace period */
	KUNIT_EXPECT_EQ(test, atomic_read(&t.releases), 0);
	percpu_ref_put(&t.ref);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.releases), 1);
	KUNIT_EXPECT_TRUE(test, percpu_ref_is_zero(&t.ref));
	KUNIT_EXPECT_FALSE(test, percpu_ref_tryget(&t.ref));
	percpu_ref_exit(&t.ref);
}

/* ---- kill while every CPU gets and puts ---- */

static void kill_race_worker(struct kunit *test, int cpu, void *arg)
{
	struct tref *t = arg;
	int n = share(KILL_RACE_OPS);

	if (!percpu_ref_tryget_live(&t->ref))
		return;			/* killed before we started: fine */
	atomic_inc(&t->holders);
	for (int i = 0; i < n; i++) {
		percpu_ref_get(&t->ref);
		if (READ_ONCE(t->confirmed) && percpu_ref_tryget_live(&t->ref)) {
			atomic_inc(&t->live_after_kill);
			percpu_ref_put(&t->ref);
		}
		percpu_ref_put(&t->ref);
		if (cpu == t->killer_cpu && i == n / 2) {
			percpu_ref_kill_and_confirm(&t->ref, tref_confirm);
			WRITE_ONCE(t->killed, true);
		}
		if (i % 512 == 0)
			cond_resched();	/* let the grace period and confirm happen meanwhile */
	}
	atomic_dec(&t->holders);
	percpu_ref_put(&t->ref);	/* the base reference: the last one releases */
}

SELFTEST(percpu_ref, kill_while_all_cpus_get_put)
{
	static struct tref t;

	tref_init(test, &t, 0);
	t.killer_cpu = num_online_cpus() > 1 ? 1 : 0;
	test_on_each_cpu(test, kill_race_worker, &t);
	if (!t.killed) {
		KUNIT_FAIL(test, "the killer never ran");
		percpu_ref_kill(&t.ref);
	}
	wait_for_completion(&t.confirm_done);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, atomic_read(&t.releases), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.released_while_held), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.live_after_kill), 0);
	KUNIT_EXPECT_TRUE(test, percpu_ref_is_zero(&t.ref));
	percpu_ref_exit(&t.ref);
}

/* ---- tryget_live after a confirmed kill, on every CPU ---- */

static void try_live_everywhere(struct kunit *test, int cpu, void *arg)
{
	struct tref *t = arg;

	if (percpu_ref_tryget_live(&t->ref)) {
		atomic_inc(&t->live_after_kill);
		percpu_ref_put(&t->ref);
	}
	KUNIT_EXPECT_TRUE(test, percpu_ref_tryget(&t->ref));	/* not zero yet: we hold one */
	percpu_ref_put(&t->ref);
}

SELFTEST(percpu_ref, tryget_live_fails_after_confirmed_kill)
{
	struct tref t;

	tref_init(test, &t, 0);
	percpu_ref_get(&t.ref);		/* keeps it alive through the kill */
	percpu_ref_kill_and_confirm(&t.ref, tref_confirm);
	wait_for_completion(&t.confirm_done);
	test_on_each_cpu(test, try_live_everywhere, &t);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.live_after_kill), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.releases), 0);
	percpu_ref_put(&t.ref);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.releases), 1);
	percpu_ref_exit(&t.ref);
}

/* ---- modes ---- */

static void get_three(struct kunit *test, int cpu, void *arg)
{
	percpu_ref_get_many(arg, 3);
}

static void put_three(struct kunit *test, int cpu, void *arg)
{
	percpu_ref_put(arg);
	percpu_ref_put_many(arg, 2);
}

SELFTEST(percpu_ref, switch_modes_keeps_the_count)
{
	struct tref t;

	tref_init(test, &t, PERCPU_REF_INIT_ATOMIC);	/* starts atomic */
	percpu_ref_get(&t.ref);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t.ref.count), 2);	/* atomic: the count itself */
	percpu_ref_switch_to_percpu(&t.ref);
	test_on_each_cpu(test, get_three, &t.ref);	/* per-CPU counters */
	percpu_ref_switch_to_atomic_sync(&t.ref);	/* folded: 2 + 3 per CPU */
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t.ref.count), 2 + 3 * num_online_cpus());
	test_on_each_cpu(test, put_three, &t.ref);
	percpu_ref_switch_to_percpu(&t.ref);
	percpu_ref_put(&t.ref);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.releases), 0);
	percpu_ref_kill(&t.ref);	/* drops the initial one: zero after the switch */
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, atomic_read(&t.releases), 1);
	percpu_ref_exit(&t.ref);
}

SELFTEST(percpu_ref, init_dead_then_reinit)
{
	struct tref t;

	tref_init(test, &t, PERCPU_REF_INIT_DEAD);
	KUNIT_EXPECT_TRUE(test, percpu_ref_is_zero(&t.ref));
	KUNIT_EXPECT_FALSE(test, percpu_ref_tryget(&t.ref));
	for (int round = 1; round <= 3; round++) {
		percpu_ref_reinit(&t.ref);
		KUNIT_EXPECT_FALSE(test, percpu_ref_is_zero(&t.ref));
		KUNIT_EXPECT_TRUE(test, percpu_ref_tryget_live(&t.ref));
		KUNIT_EXPECT_EQ(test, t.ref.percpu_count_ptr & __PERCPU_REF_ATOMIC, 0);	/* per-CPU again */
		percpu_ref_put(&t.ref);
		percpu_ref_kill(&t.ref);
		rcu_barrier();
		KUNIT_EXPECT_EQ(test, atomic_read(&t.releases), round);
	}
	percpu_ref_exit(&t.ref);
}

SELFTEST(percpu_ref, resurrect_after_kill)
{
	struct tref t;

	tref_init(test, &t, PERCPU_REF_ALLOW_REINIT);
	percpu_ref_get(&t.ref);		/* a user outlives the kill */
	percpu_ref_kill(&t.ref);
	KUNIT_EXPECT_FALSE(test, percpu_ref_tryget_live(&t.ref));
	percpu_ref_resurrect(&t.ref);
	KUNIT_EXPECT_TRUE(test, percpu_ref_tryget_live(&t.ref));
	percpu_ref_put(&t.ref);
	percpu_ref_put(&t.ref);		/* the user's */
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, atomic_read(&t.releases), 0);	/* the new initial ref holds it */
	percpu_ref_kill(&t.ref);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, atomic_read(&t.releases), 1);
	percpu_ref_exit(&t.ref);
}

SELFTEST(percpu_ref, kill_frees_counters_without_reinit)
{
	struct tref t;
	size_t before = percpu_bytes_used();

	tref_init(test, &t, 0);
	KUNIT_EXPECT_GT(test, percpu_bytes_used(), before);
	percpu_ref_kill(&t.ref);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, atomic_read(&t.releases), 1);
	KUNIT_EXPECT_EQ(test, percpu_bytes_used(), before);	/* no reinit possible: memory back early */
	percpu_ref_exit(&t.ref);
}

/* ---- torture: refs cycled through every state while every CPU uses them ---- */

static struct tref torture_ref;
static volatile int torture_round;

static void torture_worker(struct kunit *test, int cpu, void *arg)
{
	struct tref *t = &torture_ref;
	int n = share(TORTURE_OPS);

	if (!percpu_ref_tryget_live(&t->ref))
		return;
	atomic_inc(&t->holders);
	for (int i = 0; i < n; i++) {
		switch ((i + cpu) % 4) {
		case 0:
			percpu_ref_get(&t->ref);
			percpu_ref_put(&t->ref);
			break;
		case 1:
			percpu_ref_get_many(&t->ref, 3);
			percpu_ref_put_many(&t->ref, 3);
			break;
		case 2:
			if (percpu_ref_tryget(&t->ref))
				percpu_ref_put(&t->ref);
			break;
		case 3:
			if (percpu_ref_tryget_live(&t->ref))
				percpu_ref_put(&t->ref);
			break;
		}
		if (cpu == t->killer_cpu) {
			if (i == n / 4)
				percpu_ref_switch_to_atomic(&t->ref, NULL);
			else if (i == n / 2)
				percpu_ref_switch_to_percpu(&t->ref);
			else if (i == 3 * n / 4)
				percpu_ref_kill(&t->ref);
		}
		if (i % 256 == 0)
			cond_resched();
	}
	atomic_dec(&t->holders);
	percpu_ref_put(&t->ref);
}

SELFTEST(percpu_ref_torture, kill_switch_reinit_cycles)
{
	struct tref *t = &torture_ref;
	ktime_t end = ktime_get_ns() + (ktime_t)rcutorture_duration_s * NSEC_PER_SEC;
	unsigned long stalls = rcu_stall_count();
	int failures = 0, round;

	tref_init(test, t, PERCPU_REF_ALLOW_REINIT);
	for (round = 0; round < TORTURE_ROUNDS || ktime_get_ns() < end; round++) {
		if (round)
			percpu_ref_reinit(&t->ref);
		t->killer_cpu = round % num_online_cpus();
		test_on_each_cpu(test, torture_worker, NULL);
		if (!(t->ref.percpu_count_ptr & __PERCPU_REF_DEAD))
			percpu_ref_kill(&t->ref);	/* the killer gave up early: nobody held it */
		rcu_barrier();
		if (atomic_read(&t->releases) != round + 1 || atomic_read(&t->released_while_held)) {
			failures++;
			KUNIT_FAIL(test, "round %d: %d releases, %d while held", round,
				   atomic_read(&t->releases), atomic_read(&t->released_while_held));
		}
	}
	torture_expect_no_stall(test, "percpu_ref torture", stalls);
	if (rcu_stall_count() != stalls)
		failures++;
	printk(KERN_INFO "# percpu_ref torture: %d rounds on %d CPUs: %s\n", round,
	       num_online_cpus(), failures ? "FAILURE" : "SUCCESS");
	percpu_ref_exit(&t->ref);
}
