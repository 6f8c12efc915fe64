/*
 * kernel/sync/rcu_bench.c - what RCU and percpu_ref cost: percpu_ref
 * get+put against an atomic increment and decrement of one shared counter
 * (on 1, 2, ... and all CPUs), synchronize_rcu() latency, and call_rcu()
 * throughput. Run with `make bench`; see kernel/bench.h.
 */
#include "kernel/bench.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/rcupdate.h"
#include "kernel/sync/percpu_ref.h"
#include "kernel/mm/slab.h"

#define REF_BATCH		64	/* get+put pairs per body call */
#define CALL_RCU_BATCH		64	/* call_rcu() per body call */
#define SYNC_ROUNDS		50	/* synchronize_rcu() calls averaged */

/* ---- percpu_ref vs one shared atomic counter ---- */

static atomic_long_t shared_count;

static void bench_ref_release(struct percpu_ref *ref) { }

static unsigned long percpu_ref_body(void *arg, int cpu)
{
	struct percpu_ref *ref = arg;

	for (int i = 0; i < REF_BATCH; i++) {
		percpu_ref_get(ref);	/* incq %gs:(ptr) */
		percpu_ref_put(ref);	/* decq %gs:(ptr) */
	}
	return REF_BATCH;
}

static unsigned long atomic_body(void *arg, int cpu)
{
	for (int i = 0; i < REF_BATCH; i++) {
		atomic_long_inc(&shared_count);	/* lock incq: the line moves between CPUs */
		atomic_long_dec(&shared_count);
	}
	return REF_BATCH;
}

BENCHMARK(percpu_ref_get_put)
{
	static struct percpu_ref ref;
	int counts[MAX_CPUS], n = bench_cpu_counts(counts, MAX_CPUS);

	if (percpu_ref_init(&ref, bench_ref_release, 0, GFP_KERNEL))
		return;
	for (int i = 0; i < n; i++) {
		u64 a = bench_run_on_cpus(counts[i], percpu_ref_body, &ref);
		u64 b = bench_run_on_cpus(counts[i], atomic_body, NULL);
		bench_report("percpu_ref_get_put", counts[i], "percpu_ref", a, "shared-atomic", b);
	}
	percpu_ref_kill(&ref);
	rcu_barrier();
	percpu_ref_exit(&ref);
}

/* ---- synchronize_rcu latency ---- */

BENCHMARK(synchronize_rcu_latency)
{
	u64 t0 = ktime_get_ns(), worst = 0;

	for (int i = 0; i < SYNC_ROUNDS; i++) {
		u64 s = ktime_get_ns();
		synchronize_rcu();
		worst = max(worst, ktime_get_ns() - s);
	}
	console_printf("bench %-24s  cpus=%-2d  mean %lu us  worst %lu us  (%d calls, other CPUs idle)\n",
		       "synchronize_rcu", num_online_cpus(),
		       (unsigned long)((ktime_get_ns() - t0) / SYNC_ROUNDS / NSEC_PER_USEC),
		       (unsigned long)(worst / NSEC_PER_USEC), SYNC_ROUNDS);
}

/* ---- call_rcu throughput ---- */

static atomic_long_t cbs_invoked;

static void bench_cb(struct rcu_head *rh)
{
	kfree(rh);
	atomic_long_inc(&cbs_invoked);
}

static unsigned long call_rcu_body(void *arg, int cpu)
{
	int n = 0;

	for (int i = 0; i < CALL_RCU_BATCH; i++) {
		struct rcu_head *rh = kmalloc(sizeof(*rh), GFP_KERNEL);
		if (!rh)
			break;
		call_rcu(rh, bench_cb);
		n++;
	}
	cond_resched();			/* a quiescent state, and room for rcuc to run */
	return n;
}

BENCHMARK(call_rcu_throughput)
{
	int counts[2] = { 1, num_online_cpus() }, n = num_online_cpus() > 1 ? 2 : 1;

	for (int i = 0; i < n; i++) {
		u64 t0, queued, done;

		rcu_barrier();
		atomic_long_set(&cbs_invoked, 0);
		t0 = ktime_get_ns();
		queued = bench_run_on_cpus(counts[i], call_rcu_body, NULL);
		rcu_barrier();		/* every callback invoked */
		done = atomic_long_read(&cbs_invoked) * NSEC_PER_SEC / (u64)(ktime_get_ns() - t0);
		console_printf("bench %-24s  cpus=%-2d  queued %lu/s/cpu  end-to-end %lu callbacks/s (queue, grace period, invoke, kfree)\n",
			       "call_rcu", counts[i], (unsigned long)queued, (unsigned long)done);
	}
}
