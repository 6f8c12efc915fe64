/*
 * kernel/sched/sched_bench.c - what scheduling and locking cost: a context
 * switch on one CPU and across CPUs, and spinlock, mutex and rwsem
 * acquire/release, uncontended (one CPU) and contended (every CPU on one
 * lock), and one contended spinlock in each mode of the technique
 * spinlock (how its waiters wait). Run with `make bench`; see kernel/bench.h.
 */
#include "kernel/bench.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/smp.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/mutex.h"
#include "kernel/sync/rwsem.h"
#include "kernel/sync/wait.h"
#include "kernel/lib/vsprintf.h"

#define LOCK_BATCH	64	/* acquire/release pairs per body call */

/* ---- context switches: two tasks hand a token back and forth ---- */

struct pingpong {
	struct completion to_a, to_b;
	volatile bool stop;
	unsigned long rounds;
};

static int ping(void *p)
{
	struct pingpong *pp = p;

	while (!READ_ONCE(pp->stop)) {
		complete(&pp->to_b);
		wait_for_completion(&pp->to_a);
		pp->rounds++;
	}
	complete(&pp->to_b);		/* let the other one see stop too */
	return 0;
}

static int pong(void *p)
{
	struct pingpong *pp = p;

	while (!READ_ONCE(pp->stop)) {
		wait_for_completion(&pp->to_b);
		complete(&pp->to_a);
	}
	complete(&pp->to_a);
	return 0;
}

/* Switches per second with the two tasks on cpu_a and cpu_b. */
static u64 pingpong_rate(int cpu_a, int cpu_b)
{
	static struct pingpong pp;
	struct task *a, *b;
	ktime_t t0;
	unsigned long rounds;

	init_completion(&pp.to_a);
	init_completion(&pp.to_b);
	pp.stop = false;
	pp.rounds = 0;
	a = kthread_create(ping, &pp, "ping");
	b = kthread_create(pong, &pp, "pong");
	if (!a || !b)
		return 0;
	kthread_bind(a, cpu_a);
	kthread_bind(b, cpu_b);
	t0 = ktime_get_ns();
	wake_up_process(b);
	wake_up_process(a);
	msleep(bench_duration_ms);
	rounds = READ_ONCE(pp.rounds);
	WRITE_ONCE(pp.stop, true);
	kthread_stop(a);
	kthread_stop(b);
	/* each round trip is two switches to a woken task */
	return rounds * 2 * NSEC_PER_SEC / (u64)(ktime_get_ns() - t0);
}

BENCHMARK(context_switch)
{
	u64 same = pingpong_rate(0, 0);
	u64 cross = num_online_cpus() > 1 ? pingpong_rate(0, 1) : 0;

	bench_report("context_switch_pingpong", num_online_cpus() > 1 ? 2 : 1,
		     "same-cpu", same, "cross-cpu", cross);
	if (same)
		console_printf("#   one switch costs %lu ns on one CPU%s", (unsigned long)(NSEC_PER_SEC / same),
			       cross ? "" : "\n");
	if (cross)
		console_printf(", %lu ns between two CPUs (wakeup IPI included)\n",
			       (unsigned long)(NSEC_PER_SEC / cross));
}

/* ---- locks ---- */

static DEFINE_SPINLOCK(bench_spinlock);
static DEFINE_MUTEX(bench_mutex);
static DECLARE_RWSEM(bench_rwsem);
static volatile unsigned long shared_counter;

static unsigned long spin_body(void *arg, int cpu)
{
	for (int i = 0; i < LOCK_BATCH; i++) {
		spin_lock(&bench_spinlock);
		shared_counter++;
		spin_unlock(&bench_spinlock);
	}
	return LOCK_BATCH;
}

static unsigned long mutex_body(void *arg, int cpu)
{
	for (int i = 0; i < LOCK_BATCH; i++) {
		mutex_lock(&bench_mutex);
		shared_counter++;
		mutex_unlock(&bench_mutex);
	}
	return LOCK_BATCH;
}

static unsigned long rwsem_read_body(void *arg, int cpu)
{
	for (int i = 0; i < LOCK_BATCH; i++) {
		down_read(&bench_rwsem);
		(void)shared_counter;
		up_read(&bench_rwsem);
	}
	return LOCK_BATCH;
}

static unsigned long rwsem_write_body(void *arg, int cpu)
{
	for (int i = 0; i < LOCK_BATCH; i++) {
		down_write(&bench_rwsem);
		shared_counter++;
		up_write(&bench_rwsem);
	}
	return LOCK_BATCH;
}

static void lock_bench(const char *name, bench_body_fn body)
{
	int n = num_online_cpus();
	u64 alone = bench_run_on_cpus(1, body, NULL);
	u64 contended = n > 1 ? bench_run_on_cpus(n, body, NULL) : alone;

	bench_report(name, n, "uncontended", alone, "contended", contended);
}

/* One lock, every CPU count, each way of waiting (the technique spinlock). */
BENCHMARK(spinlock_waiting)
{
	bench_technique("spinlock_contended", "spinlock", spin_body, NULL, NULL);
}

BENCHMARK(locks)
{
	lock_bench("spinlock_lock_unlock", spin_body);
	lock_bench("mutex_lock_unlock", mutex_body);
	lock_bench("rwsem_down_up_read", rwsem_read_body);
	lock_bench("rwsem_down_up_write", rwsem_write_body);
}
