/*
 * user/usertest_proc.c - process life cycles the other suites do not
 * reach: execve from a process with several threads (the others die, the
 * program is replaced) and from a thread that is not the leader, clone
 * children with no exit signal (wait4's __WCLONE/__WALL rule), and
 * orphans whose parent exits first.
 *
 * (Written by helper B, the kernel's process code; the other suites are C's.)
 */
#include "ktap.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

#define HELPER		"testhelper"
#define __WCLONE_	0x80000000
#define __WALL_		0x40000000

static char *const helper_env[] = { "NUMBAT_TEST=yes", NULL };

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static int exec_with_threads(void *arg)
{
	pthread_t t;
	char *argv[] = { HELPER, "exit", "42", NULL };

	(void)arg;
	for (int i = 0; i < 3; i++)
		if (pthread_create(&t, NULL, sleeper, NULL))
			return 1;
	execve(HELPER, argv, helper_env);
	return 2;
}

static int exec_from_threaded_process(void)
{
	CHECK_EXITED(ktap_child(exec_with_threads, NULL), 42);
	return 0;
}

static void *exec_thread(void *arg)
{
	char *argv[] = { HELPER, "exit", "43", NULL };

	(void)arg;
	execve(HELPER, argv, helper_env);
	return NULL;
}

static int exec_from_thread(void *arg)
{
	pthread_t t;

	(void)arg;
	if (pthread_create(&t, NULL, exec_thread, NULL))
		return 1;
	for (;;)
		pause();			/* killed by the other thread's execve */
}

static int exec_from_non_leader(void)
{
	CHECK_EXITED(ktap_child(exec_from_thread, NULL), 43);
	return 0;
}

/*
 * Two threads execve at the same moment: one wins and replaces the
 * program, the other dies with the rest of the old one. Neither may wait
 * for the other to die (both would wait forever).
 */
static pthread_barrier_t exec_race;

static void *exec_racer(void *arg)
{
	char *argv[] = { HELPER, "exit", (char *)arg, NULL };

	pthread_barrier_wait(&exec_race);
	execve(HELPER, argv, helper_env);
	return NULL;
}

static int exec_from_two_threads(void *arg)
{
	pthread_t t1, t2;

	(void)arg;
	pthread_barrier_init(&exec_race, NULL, 2);
	if (pthread_create(&t1, NULL, exec_racer, "44") || pthread_create(&t2, NULL, exec_racer, "45"))
		return 1;
	for (;;)
		pause();
}

static int exec_from_two_threads_at_once(void)
{
	for (int round = 0; round < 20; round++) {
		int status = ktap_child(exec_from_two_threads, NULL);

		CHECK(WIFEXITED(status));
		CHECK(WEXITSTATUS(status) == 44 || WEXITSTATUS(status) == 45);
	}
	return 0;
}

static int clone_without_exit_signal(void)
{
	int status = 0;
	long pid = SYS(SYS_clone, 0, 0, 0, 0, 0);	/* fork semantics, exit signal 0 */

	if (pid == 0)
		SYS(SYS_exit, 5);
	CHECK(pid > 0);
	CHECK_ERR(SYS(SYS_wait4, pid, &status, WNOHANG, 0), ECHILD);	/* not a "normal" child */
	CHECK_EQ(SYS(SYS_wait4, pid, &status, __WALL_, 0), pid);
	CHECK_EXITED(status, 5);
	pid = SYS(SYS_clone, 0, 0, 0, 0, 0);
	if (pid == 0)
		SYS(SYS_exit, 6);
	CHECK(pid > 0);
	CHECK_EQ(SYS(SYS_wait4, pid, &status, __WCLONE_, 0), pid);
	CHECK_EXITED(status, 6);
	CHECK_ERR(SYS(SYS_clone, 0x100 /* CLONE_VM */ | 0x10000 /* CLONE_THREAD */, 0, 0, 0, 0), EINVAL);
	return 0;
}

static int orphan_parent(void *arg)
{
	int *pipe_word = arg;
	pid_t pid = fork();

	(void)pipe_word;
	if (pid < 0)
		return 1;
	if (pid == 0) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);		/* outlive the parent */
		_exit(0);
	}
	return 9;				/* exit before the child */
}

static int orphans_are_not_lost(void)
{
	struct timespec ts = { 0, 60 * 1000 * 1000 };

	CHECK_EXITED(ktap_child(orphan_parent, NULL), 9);
	nanosleep(&ts, NULL);			/* the orphan ends meanwhile: reaped, not a leak */
	CHECK_ERR(SYS(SYS_wait4, -1, NULL, WNOHANG, 0), ECHILD);	/* not our child */
	return 0;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(exec_from_threaded_process),
	KTAP_CASE(exec_from_non_leader),
	KTAP_CASE(exec_from_two_threads_at_once),
	KTAP_CASE(clone_without_exit_signal),
	KTAP_CASE(orphans_are_not_lost),
};

int main(int argc, char **argv)
{
	return ktap_main("usertest_proc", cases, KTAP_COUNT(cases), argc, argv);
}
