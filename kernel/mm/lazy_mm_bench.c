/*
 * kernel/mm/lazy_mm_bench.c - what lazy mm switching costs in each mode
 * of the technique lazy_mm (see kernel/bench.h, kernel/mm/lazy_mm.c):
 *
 *   lazy_mm_round_trip   on each CPU a "user task" (a kernel thread that
 *                        adopted the mm: every one shares one mm, like the
 *                        threads of one process) and a kernel thread hand a
 *                        token back and forth, so each round trip is user
 *                        -> kernel thread -> user: a borrow and its end.
 *                        Round trips per second per CPU, on 1, 2, ... and
 *                        all CPUs at once (where refcount's shared mm_count
 *                        line hurts), and the atomic read-modify-writes on
 *                        mm_count per round trip, counted.
 *   lazy_mm_exit         the death of an mm that every other CPU borrows:
 *                        hazards converted and IPIs sent per exit, and the
 *                        time mm_release_lazy_users() took (the median).
 */
#include "kernel/bench.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/lazy_mm.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/wait.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/technique.h"

#define EXIT_ROUNDS	41	/* mm deaths measured per mode (odd: a true median) */

struct round_trip {
	struct mm_struct *mm;
	struct completion to_user, to_kthread;
	volatile bool stop;
	unsigned long rounds;
};

static struct round_trip trips[MAX_CPUS];

static int user_side(void *arg)
{
	struct round_trip *t = arg;

	kthread_use_mm(t->mm);
	while (!READ_ONCE(t->stop)) {
		complete(&t->to_kthread);
		wait_for_completion(&t->to_user);	/* off the CPU: the kernel thread borrows t->mm */
		t->rounds++;
	}
	complete(&t->to_kthread);
	kthread_unuse_mm(t->mm);
	return 0;
}

static int kthread_side(void *arg)
{
	struct round_trip *t = arg;

	while (!READ_ONCE(t->stop)) {
		wait_for_completion(&t->to_kthread);
		complete(&t->to_user);
	}
	complete(&t->to_user);
	return 0;
}

/* Round trips per second per CPU with n CPUs at it; *rmws: mm_count atomics per round trip, x100. */
static u64 round_trips(struct mm_struct *mm, int n, u64 *rmws100)
{
	struct task *tasks[2 * MAX_CPUS];
	unsigned long rounds = 0, rmw0 = lazy_mm_stat_sum(LAZY_MM_COUNT_RMWS);
	int cpus[MAX_CPUS], k = 0, cpu, nt = 0;
	ktime_t t0;

	for_each_online_cpu(cpu)
		if (k < n)
			cpus[k++] = cpu;
	for (int i = 0; i < k; i++) {
		struct round_trip *t = &trips[i];
		struct task *u, *kt;

		t->mm = mm;
		t->stop = false;
		t->rounds = 0;
		init_completion(&t->to_user);
		init_completion(&t->to_kthread);
		u = kthread_create(user_side, t, "lazy-user/%d", cpus[i]);
		kt = kthread_create(kthread_side, t, "lazy-kthread/%d", cpus[i]);
		if (!u || !kt)
			return 0;
		kthread_bind(u, cpus[i]);
		kthread_bind(kt, cpus[i]);
		tasks[nt++] = u;
		tasks[nt++] = kt;
	}
	t0 = ktime_get_ns();
	for (int i = 0; i < nt; i++)
		wake_up_process(tasks[i]);
	msleep(bench_duration_ms);
	for (int i = 0; i < k; i++) {
		rounds += READ_ONCE(trips[i].rounds);
		WRITE_ONCE(trips[i].stop, true);
	}
	for (int i = 0; i < nt; i++)
		kthread_stop(tasks[i]);
	*rmws100 = rounds ? (lazy_mm_stat_sum(LAZY_MM_COUNT_RMWS) - rmw0) * 100 / rounds : 0;
	return rounds * NSEC_PER_SEC / ((u64)(ktime_get_ns() - t0) * k);
}

BENCHMARK(lazy_mm_round_trip)
{
	const struct technique *t = technique_find("lazy_mm");
	int counts[8], n = bench_cpu_counts(counts, 8), saved = technique_mode(lazy_mm);
	struct mm_struct *mm = mm_alloc();
	u64 rates[TECHNIQUE_MAX_MODES], rmws[TECHNIQUE_MAX_MODES];
	static u64 samples[TECHNIQUE_MAX_MODES][BENCH_MAX_REPS];

	if (!mm || !t)
		return;
	for (int i = 0; i < n; i++) {
		for (unsigned long r = 0; r < bench_reps; r++)	/* the modes take turns; medians */
			for (int m = 0; m < t->nr_modes; m++) {
				technique_set(t, m, NULL, 0);
				samples[m][r] = round_trips(mm, counts[i], &rmws[m]);
			}
		for (int m = 0; m < t->nr_modes; m++)
			rates[m] = bench_median(samples[m], bench_reps);
		bench_report_modes("lazy_mm_round_trip", counts[i], t, rates);
		console_printf("# bench lazy_mm_round_trip  cpus=%d  mm_count atomics per round trip:", counts[i]);
		for (int m = 0; m < t->nr_modes; m++)
			console_printf(" %s %lu.%02lu", t->modes[m], rmws[m] / 100, rmws[m] % 100);
		console_printf("\n");
	}
	technique_set(t, saved, NULL, 0);
	mmput(mm);
}

/* ---- an mm dies while every other CPU borrows it ---- */

struct borrower {
	struct mm_struct *mm;
	int home, away;
	struct completion adopted, leave;
};

static int borrow_then_leave(void *arg)
{
	struct borrower *b = arg;

	kthread_use_mm(b->mm);
	complete(&b->adopted);
	wait_for_completion(&b->leave);		/* asleep: this CPU borrows b->mm */
	sched_setaffinity_cpu(current, b->away);
	kthread_unuse_mm(b->mm);		/* the last of these is the mm's last user */
	return 0;
}

/*
 * One death: a borrower on every other CPU adopts a fresh mm and sleeps
 * (its CPU idles on the mm, lazily), then all leave; the last to go puts
 * the mm's last user. Returns false when it could not run.
 */
static bool one_exit(struct borrower *bs, int self)
{
	struct mm_struct *mm = mm_alloc();
	struct task *tasks[MAX_CPUS];
	int nt = 0, cpu;

	if (!mm)
		return false;
	for_each_online_cpu(cpu) {
		struct borrower *b = &bs[nt];
		if (cpu == self)
			continue;
		b->mm = mm;
		b->home = cpu;
		b->away = self;
		init_completion(&b->adopted);
		init_completion(&b->leave);
		tasks[nt] = kthread_create(borrow_then_leave, b, "lazy-borrow/%d", cpu);
		if (!tasks[nt])
			break;
		kthread_bind(tasks[nt], cpu);
		tasks[nt]->cpus_allowed = cpu_online_mask;	/* it moves itself */
		wake_up_process(tasks[nt]);
		wait_for_completion(&b->adopted);
		nt++;
	}
	mmput(mm);			/* the borrowers' uses are all that is left */
	msleep(1);			/* their CPUs idle, borrowing mm */
	for (int i = 0; i < nt; i++)
		complete(&bs[i].leave);
	for (int i = 0; i < nt; i++)
		kthread_stop(tasks[i]);
	return true;
}

/*
 * The modes take turns, one death each, EXIT_ROUNDS times; the time is
 * the median of the deaths' (one timer tick or IPI landing inside one
 * of a few microseconds would move a mean by more than the difference
 * between the modes).
 */
BENCHMARK(lazy_mm_exit)
{
	static struct borrower bs[MAX_CPUS];
	static u64 ns[TECHNIQUE_MAX_MODES][EXIT_ROUNDS];
	const struct technique *t = technique_find("lazy_mm");
	int saved = technique_mode(lazy_mm), self = smp_processor_id();
	const struct lazy_mm_exit_stats *st = lazy_mm_exit_stats();
	long exits[TECHNIQUE_MAX_MODES] = { 0 }, conv[TECHNIQUE_MAX_MODES] = { 0 }, ipis[TECHNIQUE_MAX_MODES] = { 0 };
	int rounds = 0;

	if (!t || num_online_cpus() < 2)
		return;
	sched_setaffinity_cpu(current, self);
	for (; rounds < EXIT_ROUNDS; rounds++) {
		int m;

		for (m = 0; m < t->nr_modes; m++) {
			long exits0 = atomic_long_read(&st->exits), conv0 = atomic_long_read(&st->conversions);
			long ipis0 = atomic_long_read(&st->ipis), ns0 = atomic_long_read(&st->exit_ns);

			technique_set(t, m, NULL, 0);
			if (!one_exit(bs, self))
				break;
			exits[m] += atomic_long_read(&st->exits) - exits0;
			conv[m] += atomic_long_read(&st->conversions) - conv0;
			ipis[m] += atomic_long_read(&st->ipis) - ipis0;
			ns[m][rounds] = atomic_long_read(&st->exit_ns) - ns0;
		}
		if (m < t->nr_modes)
			break;
	}
	for (int m = 0; m < t->nr_modes && rounds; m++) {
		u64 med = bench_median(ns[m], rounds);

		console_printf("bench %-24s  cpus=%-2d  %s: %ld exits, %ld.%02ld hazards converted and "
			       "%ld.%02ld IPIs per exit, %lu.%lu us per exit (median)  [lazy_mm]\n", "lazy_mm_exit",
			       num_online_cpus(), t->modes[m], exits[m], exits[m] ? conv[m] / exits[m] : 0,
			       exits[m] ? conv[m] * 100 / exits[m] % 100 : 0, exits[m] ? ipis[m] / exits[m] : 0,
			       exits[m] ? ipis[m] * 100 / exits[m] % 100 : 0, med / 1000, med % 1000 / 100);
	}
	technique_set(t, saved, NULL, 0);
	set_cpus_allowed(current, &cpu_online_mask);
}
