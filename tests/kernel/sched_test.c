/*
 * tests/kernel/sched_test.c - tasks, runqueues, wakeups, sleeping,
 * affinity, migration and load balancing, on every CPU.
 */
#include "kernel/selftest.h"
#include "kernel/sched/rq.h"
#include "kernel/sync/wait.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/errno.h"

#define SWITCH_ROUNDS	200	/* register checks per task */
#define PINGPONG_ROUNDS	100	/* round trips per CPU pair */
#define WAKE_WAITERS	2	/* waiter threads per CPU in the wakeup race */
#define WAKE_EVENTS	400	/* wakeups in each race, shared among the CPUs */
#define JOIN_TIMEOUT	(20 * NSEC_PER_SEC)	/* longest wait for one thread in the simple tests */
#define STALL_TIMEOUT	(10 * NSEC_PER_SEC)	/* no progress this long: a wakeup was lost */

long regs_survive_schedule(unsigned long pattern);

/* Called from sched_regs.S: let every other task on this CPU run once. */
void test_yield(void)
{
	WRITE_ONCE(current->need_resched, true);
	schedule();
}

/* ---- registers across switches ---- */

struct regs_arg {
	unsigned long pattern;
	atomic_t bad;
};

static int regs_thread(void *p)
{
	struct regs_arg *a = p;

	for (int i = 0; i < SWITCH_ROUNDS; i++)
		if (!regs_survive_schedule(a->pattern + i * 16))
			atomic_inc(&a->bad);
	return 0;
}

SELFTEST(sched, context_switch_preserves_registers)
{
	struct regs_arg args[3];
	struct task *t[3];

	for (int i = 0; i < 3; i++) {		/* three tasks share this CPU */
		args[i].pattern = 0x1111000000000000UL * (i + 1);
		atomic_set(&args[i].bad, 0);
		t[i] = kthread_create(regs_thread, &args[i], "regs/%d", i);
		KUNIT_ASSERT_NOT_NULL(test, t[i]);
		kthread_bind(t[i], smp_processor_id());
	}
	for (int i = 0; i < 3; i++)
		wake_up_process(t[i]);
	for (int i = 0; i < 3; i++) {
		kthread_stop(t[i]);
		KUNIT_EXPECT_EQ(test, atomic_read(&args[i].bad), 0);
	}
}

/* ---- ping-pong between CPUs ---- */

struct pingpong {
	struct completion ping, pong;
	int cpu_a, cpu_b;
	atomic_t wrong_cpu;
	int rounds;
};

static int ping_thread(void *p)
{
	struct pingpong *pp = p;

	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		complete(&pp->ping);
		wait_for_completion(&pp->pong);
		if (smp_processor_id() != pp->cpu_a)
			atomic_inc(&pp->wrong_cpu);
	}
	return 0;
}

static int pong_thread(void *p)
{
	struct pingpong *pp = p;

	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		wait_for_completion(&pp->ping);
		if (smp_processor_id() != pp->cpu_b)
			atomic_inc(&pp->wrong_cpu);
		pp->rounds++;
		complete(&pp->pong);
	}
	return 0;
}

SELFTEST(sched, pingpong_across_all_cpus)
{
	static struct pingpong pp[MAX_CPUS];
	struct task *a[MAX_CPUS], *b[MAX_CPUS];
	int n = num_online_cpus(), cpu;

	for_each_online_cpu(cpu) {
		struct pingpong *x = &pp[cpu];
		init_completion(&x->ping);
		init_completion(&x->pong);
		x->cpu_a = cpu;
		x->cpu_b = (cpu + 1) % n;	/* CPUs are numbered densely from 0 */
		x->rounds = 0;
		atomic_set(&x->wrong_cpu, 0);
		a[cpu] = kthread_create(ping_thread, x, "ping/%d", cpu);
		b[cpu] = kthread_create(pong_thread, x, "pong/%d", cpu);
		KUNIT_ASSERT_TRUE(test, a[cpu] && b[cpu]);
		kthread_bind(a[cpu], x->cpu_a);
		kthread_bind(b[cpu], x->cpu_b);
	}
	for_each_online_cpu(cpu) {
		wake_up_process(a[cpu]);
		wake_up_process(b[cpu]);
	}
	for_each_online_cpu(cpu) {
		KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&a[cpu]->exited, JOIN_TIMEOUT), 0);
		KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&b[cpu]->exited, JOIN_TIMEOUT), 0);
		kthread_stop(a[cpu]);
		kthread_stop(b[cpu]);
		KUNIT_EXPECT_EQ(test, pp[cpu].rounds, PINGPONG_ROUNDS);
		KUNIT_EXPECT_EQ(test, atomic_read(&pp[cpu].wrong_cpu), 0);
	}
}

/* ---- wakeup races: many waiters and wakers, nothing lost ---- */

struct wake_race {
	struct completion done;
	struct wait_queue_head wq;
	atomic_t events;		/* wait-queue events posted */
	atomic_t consumed;		/* events (or completions) consumed */
	int waiters;
};

/*
 * Waits for the race to consume `want` events. On a loaded host the
 * threads may crawl, so only a stall (no event consumed for
 * STALL_TIMEOUT while some remain) counts as a lost wakeup.
 */
static bool wait_for_progress(atomic_t *consumed, int want)
{
	int last = -1;
	ktime_t since = ktime_get_ns();

	while (atomic_read(consumed) < want) {
		if (atomic_read(consumed) != last) {
			last = atomic_read(consumed);
			since = ktime_get_ns();
		} else if (ktime_get_ns() - since > STALL_TIMEOUT) {
			return false;
		}
		msleep(20);
	}
	return true;
}

/* Events per waiter: the total is fixed, so big machines do not take longer. */
static int wake_rounds(void)
{
	return max(8, WAKE_EVENTS / (num_online_cpus() * WAKE_WAITERS));
}

static int completion_waiter(void *p)
{
	struct wake_race *w = p;

	for (int i = 0; i < wake_rounds(); i++) {
		wait_for_completion(&w->done);
		atomic_inc(&w->consumed);
	}
	return 0;
}

static int completion_waker(void *p)
{
	struct wake_race *w = p;

	for (int i = 0; i < wake_rounds() * WAKE_WAITERS; i++) {
		complete(&w->done);
		if (i % 8 == 0)
			cond_resched();
	}
	return 0;
}

SELFTEST(sched, completion_wakeups_never_lost)
{
	static struct wake_race w;
	struct task *t[MAX_CPUS * (WAKE_WAITERS + 1)];
	int n = 0, cpu, want = num_online_cpus() * WAKE_WAITERS * wake_rounds();

	init_completion(&w.done);
	atomic_set(&w.consumed, 0);
	for_each_online_cpu(cpu) {
		for (int i = 0; i < WAKE_WAITERS; i++) {
			t[n] = kthread_create(completion_waiter, &w, "cwait/%d", cpu);
			kthread_bind(t[n++], cpu);
		}
		t[n] = kthread_create(completion_waker, &w, "cwake/%d", cpu);
		kthread_bind(t[n++], cpu);
	}
	for (int i = 0; i < n; i++)
		wake_up_process(t[i]);
	KUNIT_EXPECT_TRUE(test, wait_for_progress(&w.consumed, want));
	KUNIT_EXPECT_EQ(test, atomic_read(&w.consumed), want);
	if (atomic_read(&w.consumed) < want)
		complete_all(&w.done);		/* unstick the waiters so the test can end */
	else
		KUNIT_EXPECT_FALSE(test, completion_done(&w.done));	/* every complete() consumed */
	for (int i = 0; i < n; i++)
		kthread_stop(t[i]);
}

/*
 * Consumes events one at a time; sleeps only when none is left. It waits
 * as an exclusive waiter, so each wake_up() wakes one sleeper: a lost
 * wakeup leaves an event behind with everyone asleep, which the test sees.
 */
static int queue_waiter(void *p)
{
	struct wake_race *w = p;
	struct wait_queue_entry wait;

	init_wait_entry(&wait);
	for (;;) {
		int c;
		prepare_to_wait_exclusive(&w->wq, &wait, TASK_UNINTERRUPTIBLE);
		c = atomic_read(&w->consumed);
		if (c < atomic_read(&w->events)) {
			finish_wait(&w->wq, &wait);
			if (atomic_cmpxchg(&w->consumed, c, c + 1) == c)
				wake_up(&w->wq);	/* events may remain: pass the baton */
			continue;
		}
		if (kthread_should_stop())
			break;
		schedule();
	}
	finish_wait(&w->wq, &wait);
	return 0;
}

static int queue_waker(void *p)
{
	struct wake_race *w = p;

	for (int i = 0; i < wake_rounds() * WAKE_WAITERS; i++) {
		atomic_inc(&w->events);
		wake_up(&w->wq);
		if (i % 8 == 0)
			cond_resched();
	}
	return 0;
}

SELFTEST(sched, waitqueue_wakeups_never_lost)
{
	static struct wake_race w;
	struct task *waiters[MAX_CPUS * WAKE_WAITERS], *wakers[MAX_CPUS];
	int nw = 0, nk = 0, cpu;

	init_waitqueue_head(&w.wq);
	atomic_set(&w.events, 0);
	atomic_set(&w.consumed, 0);
	for_each_online_cpu(cpu) {
		for (int i = 0; i < WAKE_WAITERS; i++) {
			waiters[nw] = kthread_create(queue_waiter, &w, "qwait/%d", cpu);
			kthread_bind(waiters[nw++], cpu);
		}
		wakers[nk] = kthread_create(queue_waker, &w, "qwake/%d", cpu);
		kthread_bind(wakers[nk++], cpu);
	}
	for (int i = 0; i < nw; i++)
		wake_up_process(waiters[i]);
	for (int i = 0; i < nk; i++)
		wake_up_process(wakers[i]);
	for (int i = 0; i < nk; i++)
		kthread_stop(wakers[i]);
	/* every event must be consumed by some waiter without further wakeups */
	KUNIT_EXPECT_TRUE(test, wait_for_progress(&w.consumed, atomic_read(&w.events)));
	KUNIT_EXPECT_EQ(test, atomic_read(&w.consumed), atomic_read(&w.events));
	KUNIT_EXPECT_EQ(test, atomic_read(&w.events), nk * wake_rounds() * WAKE_WAITERS);
	for (int i = 0; i < nw; i++)
		kthread_stop(waiters[i]);
}

/* ---- sleeping ---- */

SELFTEST(sched, msleep_sleeps_long_enough)
{
	ktime_t t0 = ktime_get_ns();

	msleep(30);
	KUNIT_EXPECT_GE(test, ktime_get_ns() - t0, 30 * NSEC_PER_MSEC);
}

SELFTEST(sched, schedule_timeout_returns_time_left)
{
	long left;

	set_current_state(TASK_UNINTERRUPTIBLE);
	left = schedule_timeout(20 * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, left, 0);
	set_current_state(TASK_UNINTERRUPTIBLE);
	KUNIT_EXPECT_EQ(test, schedule_timeout(0), 0);
	KUNIT_EXPECT_EQ(test, current->state, TASK_RUNNING);
}

static int sleeper(void *p)
{
	set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(NSEC_PER_SEC * 10) > 0;	/* 1: woken early */
}

SELFTEST(sched, wakeup_ends_a_timed_sleep_early)
{
	struct task *t = kthread_run(sleeper, NULL, "sleeper");

	KUNIT_ASSERT_NOT_NULL(test, t);
	msleep(20);
	KUNIT_EXPECT_EQ(test, READ_ONCE(t->state), TASK_UNINTERRUPTIBLE);
	wake_up_process(t);
	KUNIT_EXPECT_EQ(test, kthread_stop(t), 1);
}

/* ---- kthreads ---- */

static int returns_42(void *p)
{
	while (!kthread_should_stop())
		msleep(1);
	return 42;
}

SELFTEST(sched, kthread_stop_returns_exit_code)
{
	struct task *t = kthread_run(returns_42, NULL, "k42");

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_EQ(test, kthread_stop(t), 42);
}

/* ---- affinity and migration ---- */

struct wanderer {
	volatile int target;		/* CPU it should be on; -1: stop */
	atomic_t wrong;			/* seen off target after arriving */
	volatile int arrived;
	int last_cpu;
};

static int wander_thread(void *p)
{
	struct wanderer *w = p;

	while (!kthread_should_stop()) {
		int cpu = smp_processor_id(), target = READ_ONCE(w->target);
		w->last_cpu = cpu;
		if (cpu == target)
			WRITE_ONCE(w->arrived, target);
		else if (READ_ONCE(w->arrived) == target)
			atomic_inc(&w->wrong);	/* arrived, then ran elsewhere */
		cond_resched();
		if (cpu % 2)
			msleep(1);		/* sleep sometimes, so it migrates asleep too */
	}
	return 0;
}

SELFTEST(sched, migration_and_affinity)
{
	struct wanderer w = { .target = 0, .arrived = -1 };
	struct task *t;
	int cpu;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	t = kthread_create(wander_thread, &w, "wanderer");
	KUNIT_ASSERT_NOT_NULL(test, t);
	atomic_set(&w.wrong, 0);
	wake_up_process(t);
	for (int round = 0; round < 3; round++)
		for_each_online_cpu(cpu) {
			ktime_t deadline = ktime_get_ns() + JOIN_TIMEOUT;
			WRITE_ONCE(w.target, cpu);
			KUNIT_EXPECT_EQ(test, sched_setaffinity_cpu(t, cpu), 0);
			while (READ_ONCE(w.arrived) != cpu && ktime_get_ns() < deadline)
				msleep(1);
			KUNIT_EXPECT_EQ(test, READ_ONCE(w.arrived), cpu);
			msleep(5);			/* it must stay there */
		}
	kthread_stop(t);
	KUNIT_EXPECT_EQ(test, atomic_read(&w.wrong), 0);
	KUNIT_EXPECT_GT(test, t->nr_migrations, 0);
}

SELFTEST(sched, affinity_rejects_offline_mask)
{
	struct cpumask none;

	cpumask_clear(&none);
	KUNIT_EXPECT_EQ(test, set_cpus_allowed(current, &none), -EINVAL);
}

static int spinner(void *p)
{
	atomic_t *cpus_seen = p;

	while (!kthread_should_stop()) {
		atomic_fetch_or(1 << smp_processor_id(), cpus_seen);
		cond_resched();
	}
	return 0;
}

/* Busy tasks all started on one CPU get pulled by the idle ones. */
SELFTEST(sched, idle_cpus_pull_waiting_tasks)
{
	struct task *t[MAX_CPUS * 2];
	atomic_t seen = ATOMIC_INIT(0);
	int n = num_online_cpus() * 2, spread = 0;
	ktime_t deadline;

	if (num_online_cpus() < 2 || nr_cpu_ids > 32)
		kunit_skip(test, "needs 2 to 32 CPUs");
	for (int i = 0; i < n; i++) {
		t[i] = kthread_create(spinner, &seen, "spin/%d", i);
		KUNIT_ASSERT_NOT_NULL(test, t[i]);
		t[i]->cpu = smp_processor_id();		/* all start here */
		wake_up_process(t[i]);
	}
	deadline = ktime_get_ns() + JOIN_TIMEOUT;
	while (ktime_get_ns() < deadline) {
		unsigned long bits = (unsigned int)atomic_read(&seen);
		spread = bitmap_weight(&bits, 32);
		if (spread == num_online_cpus())
			break;
		msleep(10);
	}
	for (int i = 0; i < n; i++)
		kthread_stop(t[i]);
	KUNIT_EXPECT_EQ(test, spread, num_online_cpus());
}

#if CONFIG_DEBUG
/*
 * The interleaving behind issue 15's wait4 use-after-free, played step by
 * step through finish_task_switch()'s test hook:
 *
 *   CPU a                                   CPU b (this test)
 *   victim sleeps: switch away from it,
 *   on_cpu = 0, then the hook holds a
 *   in the window ...                       victim's affinity := {b}; wake it:
 *                                           it runs on b, exits, and b's
 *                                           switch away drops its own reference
 *   ... a finishes its switch
 *
 * A finish_task_switch() that read prev->state only now would see
 * TASK_DEAD and drop the victim's own reference a second time (for a user
 * task: freeing a zombie its parent still holds). The test keeps a
 * reference of its own, so the bug shows as a count one too low, never as
 * a free.
 */
enum { WINDOW_ARMED, WINDOW_HELD, WINDOW_RELEASED };
static struct task *window_victim;
static atomic_t window_step;

static int sleep_once_then_exit(void *unused)
{
	set_current_state(TASK_INTERRUPTIBLE);
	schedule();			/* woken by the test, on another CPU */
	return 0;
}

static int exit_at_once(void *unused)
{
	return 0;
}

static void hold_window(struct task *prev)
{
	ktime_t deadline = ktime_get_ns() + JOIN_TIMEOUT;

	if (prev != READ_ONCE(window_victim) || atomic_cmpxchg(&window_step, WINDOW_ARMED, WINDOW_HELD) != WINDOW_ARMED)
		return;
	while (atomic_read(&window_step) == WINDOW_HELD && ktime_get_ns() < deadline)
		cpu_relax();
}

SELFTEST(sched, woken_and_dead_during_switch)
{
	int b = smp_processor_id(), a = -1, cpu;
	struct cpumask only_b;
	struct task *victim, *flush;
	ktime_t deadline;
	int usage;

	for_each_online_cpu(cpu)
		if (cpu != b && a < 0)
			a = cpu;
	if (a < 0)
		kunit_skip(test, "needs two CPUs");
	KUNIT_ASSERT_EQ(test, sched_setaffinity_cpu(current, b), 0);
	victim = kthread_create(sleep_once_then_exit, NULL, "window/%d", a);
	KUNIT_ASSERT_NOT_NULL(test, victim);
	kthread_bind(victim, a);
	get_task_struct(victim);		/* ours: a double put cannot free it */
	atomic_set(&window_step, WINDOW_ARMED);
	WRITE_ONCE(window_victim, victim);
	WRITE_ONCE(sched_switch_window_hook, hold_window);
	wake_up_process(victim);

	deadline = ktime_get_ns() + JOIN_TIMEOUT;
	while (atomic_read(&window_step) != WINDOW_HELD && ktime_get_ns() < deadline)
		msleep(1);
	KUNIT_EXPECT_EQ(test, atomic_read(&window_step), WINDOW_HELD);
	cpumask_clear(&only_b);
	cpumask_set_cpu(b, &only_b);
	KUNIT_EXPECT_EQ(test, set_cpus_allowed(victim, &only_b), 0);
	wake_up_process(victim);		/* onto b: its old CPU is no longer allowed */
	wait_for_completion(&victim->exited);
	deadline = ktime_get_ns() + JOIN_TIMEOUT;
	while (atomic_read(&victim->usage) > 2 && ktime_get_ns() < deadline)
		msleep(1);			/* b's switch away from it drops its own reference */
	atomic_set(&window_step, WINDOW_RELEASED);
	WRITE_ONCE(sched_switch_window_hook, NULL);

	/* a finishes its switch before it runs anything else: run something there */
	flush = kthread_create(exit_at_once, NULL, "window-flush");
	KUNIT_ASSERT_NOT_NULL(test, flush);
	kthread_bind(flush, a);
	wake_up_process(flush);
	kthread_stop(flush);

	usage = atomic_read(&victim->usage);
	KUNIT_EXPECT_EQ(test, usage, 2);	/* the creator's and ours: its own went exactly once */
	WRITE_ONCE(window_victim, NULL);
	set_cpus_allowed(current, &cpu_online_mask);
	if (usage != 2)
		return;				/* leaked rather than freed twice */
	put_task_struct(victim);
	kthread_stop(victim);
}
#endif
