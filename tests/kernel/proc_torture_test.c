/*
 * tests/kernel/proc_torture_test.c - processes ending in every way while
 * their parents and siblings wait (the wait4 use-after-free of issue 15).
 *
 * The work is done by the user program exit_torture (user/exit_torture.c):
 * workers on every CPU fork children that exit, exit_group with threads
 * blocked, die of SIGSEGV or SIGKILL, orphan grandchildren, end through a
 * second thread after their leader left, or sleep in wait4 and exit the
 * moment they are woken; a worker's main thread and a sibling thread reap
 * them together, some of them through a bad status pointer. The program
 * checks every status and that each child is reaped exactly once; the
 * suite's leak check then checks that every task, mm and page came back.
 *
 * The race behind that use-after-free is played deterministically by
 * sched.woken_and_dead_during_switch (tests/kernel/sched_test.c): a task
 * that went to sleep is woken onto another CPU and exits there while the
 * CPU it slept on is still finishing the switch away from it, where
 * finish_task_switch() once read prev->state a second time and dropped the
 * task's own reference twice, freeing a zombie still on its parent's
 * children list. This torture covers everything around it: the "migrant"
 * ending is that interleaving as user space makes it happen.
 *
 * `make test` runs a fixed number of rounds; `make torture` runs the
 * program for rcutorture.duration= seconds too.
 */
#include "kernel/selftest.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/sched/sched.h"
#include "kernel/proc/proc.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/errno.h"
#include "tests/kernel/torture.h"

#define PROC_TORTURE_ROUNDS	15	/* rounds per worker in `make test` */

/*
 * A fixed number of rounds per worker, and for `make torture` as many more
 * as fit in rcutorture.duration= seconds (1 in `make test`).
 */
SELFTEST(proc_torture, exit_and_wait)
{
	char workers[12], rounds[12], seconds[24];
	char *argv[] = { "exit_torture", "-w", workers, "-r", rounds, "-t", seconds, NULL };
	int pid, status = -1;
	unsigned long stalls = rcu_stall_count();

	scnprintf(workers, sizeof(workers), "%d", 2 * num_online_cpus());
	scnprintf(rounds, sizeof(rounds), "%d", PROC_TORTURE_ROUNDS);
	scnprintf(seconds, sizeof(seconds), "%lu", rcutorture_duration_s);
	pid = spawn_user("exit_torture", argv);
	if (pid == -ENOENT)
		kunit_skip(test, "the user program exit_torture is not packed in this image");
	KUNIT_ASSERT_GT(test, pid, 0);
	KUNIT_EXPECT_EQ(test, wait_user(pid, &status), 0);
	KUNIT_EXPECT_EQ(test, status, 0);	/* exited 0: every status right, every child reaped once */
	torture_expect_no_stall(test, "proc_torture", stalls);
}
