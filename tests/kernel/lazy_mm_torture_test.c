/*
 * tests/kernel/lazy_mm_torture_test.c - lazy mm switching under fire, in
 * each mode of the technique lazy_mm and while the mode flips.
 *
 * Processes and threads are created and end all the time (the user
 * program exit_torture, as in proc_torture), while on every CPU a kernel
 * thread wakes and sleeps over and over: each CPU keeps switching from
 * user tasks to kernel threads, so it borrows mms lazily, and many of
 * those mms die while borrowed. Debug builds check on every switch that
 * the mm lent or loaded in CR3 is alive (kernel/mm/lazy_mm.c: a freed
 * mm_struct carries MM_FREED, then slab poison), and every phase ends
 * with all mm_structs and page-table pages back (the suite's leak check
 * covers the whole run).
 *
 * Phases: refcount, shootdown, hazard, then all three while a flipper
 * changes the mode every few milliseconds (borrows of different kinds at
 * once), and lazy_tlb's too (a borrower spared a shootdown or sent one). `make test` runs a few rounds per phase; `make torture` runs
 * each phase for its share of rcutorture.duration=.
 */
#include "kernel/selftest.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/lazy_mm.h"
#include "kernel/sched/sched.h"
#include "kernel/proc/proc.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/technique.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/lib/vsprintf.h"
#include "tests/kernel/torture.h"

#define LAZY_TORTURE_ROUNDS	4	/* exit_torture rounds per worker per phase in `make test` */
#define NAP_MAX_US		300	/* a napper sleeps up to this long */
#define FLIP_MS			3	/* the flipper changes the mode this often */

static volatile bool torture_stop;
static atomic_t naps, adoptions;

static int napper(void *arg)
{
	unsigned long r = (unsigned long)arg * 2654435761UL + 1;

	while (!READ_ONCE(torture_stop)) {
		r = r * 6364136223846793005UL + 1442695040888963407UL;
		if (r >> 62)
			msleep(0);
		else
			schedule_timeout_uninterruptible((r >> 40) % (NAP_MAX_US * NSEC_PER_USEC));
		atomic_inc(&naps);
	}
	return 0;
}

/* Flips lazy_mm, and lazy_tlb at another pace: borrows of every kind, shootdowns skipped or not. */
static int flipper(void *arg)
{
	const struct technique *t = technique_find("lazy_mm"), *tlb = technique_find("lazy_tlb");
	int tlb_saved = technique_mode(lazy_tlb);
	unsigned int i = 0;

	while (!READ_ONCE(torture_stop)) {
		technique_set(t, i % t->nr_modes, NULL, 0);
		technique_set(tlb, i / 2 % tlb->nr_modes, NULL, 0);
		i++;
		msleep(FLIP_MS);
	}
	technique_set(tlb, tlb_saved, NULL, 0);
	return 0;
}

/*
 * An adopter plays the user task whose mm dies while other CPUs borrow
 * it, over and over: it adopts a fresh mm on its CPU, naps there (its CPU
 * switches to a napper or idles: a borrow of that mm), then moves to
 * another CPU and drops the mm's last user there, while the CPU it left
 * may still run on it lazily.
 */
static int adopter(void *arg)
{
	unsigned long r = (unsigned long)arg * 0x9e3779b97f4a7c15UL + 7;
	int home = (long)arg, n = num_online_cpus();

	while (!READ_ONCE(torture_stop)) {
		struct mm_struct *mm = mm_alloc();
		int away;

		if (!mm) {
			msleep(1);
			continue;
		}
		r = r * 6364136223846793005UL + 1442695040888963407UL;
		away = (home + 1 + (r >> 33) % (n > 1 ? n - 1 : 1)) % n;
		sched_setaffinity_cpu(current, home);
		kthread_use_mm(mm);
		mmput(mm);			/* ours, through kthread_use_mm, is the last user now */
		schedule_timeout_uninterruptible((r >> 45) % (NAP_MAX_US * NSEC_PER_USEC) + 1);
		sched_setaffinity_cpu(current, away);
		kthread_unuse_mm(mm);		/* the last user goes, on another CPU */
		atomic_inc(&adoptions);
	}
	sched_setaffinity_cpu(current, home);
	return 0;
}

/* One phase: exit_torture with nappers and adopters on every CPU (and the flipper if flip). */
static void phase(struct kunit *test, int mode, bool flip, unsigned long seconds)
{
	struct task *threads[2 * MAX_CPUS + 1];
	char workers[12], rounds[12], secs[24];
	char *argv[] = { "exit_torture", "-m", "-w", workers, "-r", rounds, "-t", secs, NULL };
	int n = 0, cpu, pid, status = -1;

	technique_use("lazy_mm", mode);
	torture_stop = false;
	for_each_online_cpu(cpu) {
		struct task *t = kthread_create(napper, (void *)(long)cpu, "napper/%d", cpu);
		if (t) {
			kthread_bind(t, cpu);
			wake_up_process(t);
			threads[n++] = t;
		}
		t = kthread_create(adopter, (void *)(long)cpu, "adopter/%d", cpu);
		if (t) {
			kthread_bind(t, cpu);
			t->cpus_allowed = cpu_online_mask;	/* it moves itself */
			wake_up_process(t);
			threads[n++] = t;
		}
	}
	if (flip && (threads[n] = kthread_run(flipper, NULL, "lazy-flipper")))
		n++;
	scnprintf(workers, sizeof(workers), "%d", max(1, num_online_cpus() / 2));	/* idle CPUs keep borrows */
	scnprintf(rounds, sizeof(rounds), "%d", LAZY_TORTURE_ROUNDS);
	scnprintf(secs, sizeof(secs), "%lu", seconds);
	pid = spawn_user("exit_torture", argv);
	if (pid > 0)
		KUNIT_EXPECT_EQ(test, wait_user(pid, &status), 0);
	WRITE_ONCE(torture_stop, true);
	for (int i = 0; i < n; i++)
		kthread_stop(threads[i]);
	if (pid == -ENOENT)
		kunit_skip(test, "the user program exit_torture is not packed in this image");
	KUNIT_ASSERT_GT(test, pid, 0);
	KUNIT_EXPECT_EQ(test, status, 0);
}

SELFTEST(lazy_mm_torture, each_mode_then_flipping)
{
	static const int modes[] = { LAZY_MM_REFCOUNT, LAZY_MM_SHOOTDOWN, LAZY_MM_HAZARD };
	unsigned long share = rcutorture_duration_s > 4 ? rcutorture_duration_s / 4 : 0;
	long exits = atomic_long_read(&lazy_mm_exit_stats()->exits);
	unsigned long stalls = rcu_stall_count();

	atomic_set(&naps, 0);
	atomic_set(&adoptions, 0);
	for (unsigned int m = 0; m < ARRAY_SIZE(modes); m++)
		phase(test, modes[m], false, share);
	phase(test, LAZY_MM_HAZARD, true, share);
	KUNIT_EXPECT_GT(test, atomic_read(&naps), 0);
	KUNIT_EXPECT_GT(test, atomic_long_read(&lazy_mm_exit_stats()->exits), exits);
	KUNIT_EXPECT_GT(test, atomic_read(&adoptions), 0);
	torture_expect_no_stall(test, "lazy_mm_torture", stalls);
	pr_info("lazy_mm_torture: %d naps, %d adoptions, %ld mm exits, %ld hazards converted, %ld shootdown IPIs, %lu dead borrows ended, %lu borrows, %lu leaves",
		  atomic_read(&naps), atomic_read(&adoptions), atomic_long_read(&lazy_mm_exit_stats()->exits) - exits,
		  atomic_long_read(&lazy_mm_exit_stats()->conversions),
		  atomic_long_read(&lazy_mm_exit_stats()->ipis), lazy_mm_stat_sum(LAZY_DEAD_LEAVES), lazy_mm_stat_sum(LAZY_BORROWS), lazy_mm_stat_sum(LAZY_LEAVES));
}
