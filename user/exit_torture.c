/*
 * user/exit_torture.c - processes and threads ending in every way while
 * their parents and siblings wait for them (the proc_torture kernel suite
 * runs it; it also runs on Linux, the reference).
 *
 *     exit_torture [-w WORKERS] [-r ROUNDS] [-t SECONDS] [-s SEED] [-m]
 *
 * WORKERS processes (default 4) each run ROUNDS rounds (default 50), or
 * rounds until SECONDS have passed when -t is given (then ROUNDS is a
 * minimum). With -m every child first hops to two random CPUs. In a round a worker forks a handful of children, each ending
 * one way:
 *
 *   exit        exit(code) at once
 *   group       two threads block in futex waits; the main thread exit_groups
 *   segv        dies of SIGSEGV (a write to address 0x10)
 *   selfkill    kill(getpid(), SIGKILL)
 *   killed      sleeps in pause() until its parent sends SIGKILL
 *   orphan      forks two grandchildren and exits: one already a zombie,
 *               one still running, both handed to init (or, with no init,
 *               released at once and reaping itself when it ends)
 *   leaderexit  the leader thread exits alone (SYS_exit); a second thread
 *               then ends the process with exit_group(code)
 *   waiter      forks a grandchild, sleeps in wait4 for it and exits the
 *               moment it is woken
 *   migrant     the same, but the grandchild first moves its sleeping
 *               parent onto its own CPU (sched_setaffinity), so the wakeup
 *               runs the parent on another CPU than the one it slept on,
 *               where it exits while that CPU may still be switching away
 *               from it: the window of the double put in finish_task_switch
 *               that freed zombies still on their parent's children list
 *   nosignal    clone() with no exit signal: only __WALL waits see it
 *   vfork       vfork() and _exit(code)
 *
 * The worker's main thread and a sibling thread reap them at the same time,
 * in different ways (wait4 for one pid, for any, WNOHANG polling, __WALL,
 * and now and then a bad status pointer, which still reaps the child and
 * answers EFAULT). Every status is checked against the ending chosen, every
 * child must be reaped exactly once, and wait4 must answer ECHILD at the
 * end of each round. The work is a fixed number of rounds, not a deadline:
 * a hang is seen by the caller as a lack of progress (one "progress" line
 * per worker every PROGRESS_EVERY rounds).
 *
 * Prints "exit_torture: SUCCESS" and exits 0, or "exit_torture: FAILURE"
 * with the reason and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef __WALL
#define __WALL		0x40000000
#endif
#define FUTEX_WAIT		0
#define CHILDREN_PER_ROUND	8	/* children a worker forks in one round */
#define PROGRESS_EVERY		25	/* rounds between two progress lines */
#define MAX_WORKERS		64
#define BAD_STATUS_ADDR		((int *)0x10)	/* never mapped: wait4 answers EFAULT */
#define CLONE_STACK_SIZE	(64 * 1024)
#define SIBLING_NAP_US		100	/* the sibling's pause between two polls that found nothing */

enum ending { EXIT, GROUP, SEGV, SELFKILL, KILLED, ORPHAN, LEADEREXIT, WAITER, MIGRANT, NOSIGNAL, VFORK, NR_ENDINGS };

static const char *const ending_name[NR_ENDINGS] = {
	"exit", "group", "segv", "selfkill", "killed", "orphan", "leaderexit", "waiter", "migrant", "nosignal", "vfork",
};

struct child {
	pid_t pid;
	enum ending how;
	int expect;			/* the wait status wait4 must report */
	atomic_int reaped;		/* times a waiter reported this pid */
};

/* One worker's round: shared by its main thread and its sibling waiter. */
static struct child kids[CHILDREN_PER_ROUND];
static int nkids;
static atomic_int reaped_total;		/* children reaped this round, EFAULT ones included */
static atomic_int reaped_blind;		/* reaped through a bad status pointer (pid unknown) */
static atomic_int round_no;		/* the sibling waits in rounds too; 0: stop */
static atomic_bool round_ready;		/* every child of the round is forked and recorded */
static atomic_bool sibling_busy;	/* the sibling may be reaping a child of this round */
static atomic_int failures;
static unsigned long rng;
#define WAIT_LOG_MAX	64	/* wait4 results of a round kept for a failure report */
static struct wait_record {
	int want, result, err, opts;
	bool main_thread, bad_pointer;
} wait_log[WAIT_LOG_MAX];
static atomic_int wait_log_len;

static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (n > 0)
		(void)!write(1, buf, n);
}

#define FAIL(fmt, ...) do {							\
	say("exit_torture: worker %d: " fmt "\n", getpid(), ##__VA_ARGS__);	\
	atomic_fetch_add(&failures, 1);						\
} while (0)

static unsigned int next_rand(void)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return rng >> 33;
}

static long futex_wait_forever(int *word)
{
	return syscall(SYS_futex, word, FUTEX_WAIT, *word, NULL, NULL, 0);
}

/* ---- the endings (each runs in the child and never returns) ---- */

static int blocker_word;
static int *volatile bad_addr = BAD_STATUS_ADDR;

static void *blocker(void *arg)
{
	(void)arg;
	for (;;)
		futex_wait_forever(&blocker_word);
	return NULL;
}

static void *group_ender(void *arg)
{
	usleep(1000);			/* the leader has gone by now, most times */
	syscall(SYS_exit_group, (int)(long)arg);
	return NULL;
}

static int nosignal_child(void *arg)
{
	syscall(SYS_exit, (int)(long)arg);
	return 0;
}

static bool hop;			/* -m: children hop between CPUs before they end */

/*
 * -m: the child moves itself to two random CPUs first. Each move leaves a
 * CPU that switches to a kernel thread or idles, borrowing this process's
 * mm lazily; the child then ends elsewhere, so its mm dies while other
 * CPUs still borrow it (what lazy_mm_torture wants to see happen a lot).
 */
static void hop_cpus(void)
{
	cpu_set_t all, one;
	int n;

	if (!hop || sched_getaffinity(0, sizeof(all), &all))
		return;
	n = CPU_COUNT(&all);
	for (int i = 0; i < 2 && n > 1; i++) {
		int want = next_rand() % n, cpu = -1;
		for (int c = 0; c < CPU_SETSIZE && want >= 0; c++)
			if (CPU_ISSET(c, &all) && want-- == 0)
				cpu = c;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
}

/* To a CPU other than this one, if there is another. */
static void move_elsewhere(void)
{
	cpu_set_t all, one;
	int here = sched_getcpu();

	if (sched_getaffinity(0, sizeof(all), &all))
		return;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &all) && c != here) {
			CPU_ZERO(&one);
			CPU_SET(c, &one);
			sched_setaffinity(0, sizeof(one), &one);
			return;
		}
}

static void run_ending(enum ending how, int code)
{
	pthread_t t;
	pid_t g;
	int st;

	hop_cpus();

	switch (how) {
	case EXIT:
		_exit(code);
	case GROUP:
		pthread_create(&t, NULL, blocker, NULL);
		pthread_create(&t, NULL, blocker, NULL);
		sched_yield();
		syscall(SYS_exit_group, code);
		break;
	case SEGV:
		*bad_addr = 1;
		break;
	case SELFKILL:
		kill(getpid(), SIGKILL);
		break;
	case KILLED:
		for (;;)
			pause();
	case ORPHAN:
		if (fork() == 0)
			_exit(0);	/* a zombie when its parent ends, most times */
		g = fork();
		if (g == 0) {
			usleep(2000);	/* outlives its parent, most times */
			_exit(0);
		}
		usleep(200);
		_exit(code);
	case LEADEREXIT:
		pthread_create(&t, NULL, group_ender, (void *)(long)code);
		syscall(SYS_exit, 99);	/* the leader alone: the process goes on */
		break;
	case WAITER:
	case MIGRANT:
		g = fork();
		if (g == 0) {
			if (how == MIGRANT)
				move_elsewhere();	/* off the CPU the parent sleeps on */
			usleep(500);
			if (how == MIGRANT) {
				cpu_set_t here;
				CPU_ZERO(&here);
				CPU_SET(sched_getcpu(), &here);
				sched_setaffinity(getppid(), sizeof(here), &here);
			}
			_exit(7);
		}
		if (g < 0)
			_exit(100);
		if (waitpid(g, &st, 0) != g || st != (7 << 8))
			_exit(101);	/* the parent sees a status it does not expect */
		_exit(code);
	default:
		break;
	}
	_exit(102);			/* an ending that did not end */
}

/* ---- reaping ---- */

static struct child *find_kid(pid_t pid)
{
	for (int i = 0; i < nkids; i++)
		if (kids[i].pid == pid)
			return &kids[i];
	return NULL;
}

static bool statuses_match(int got, int expect)
{
	if (WIFSIGNALED(expect))	/* a core-dump bit is the host's choice */
		return WIFSIGNALED(got) && WTERMSIG(got) == WTERMSIG(expect);
	return got == expect;
}

/*
 * One reaped child: check it. pid -1 with blind: reaped through a bad
 * pointer. reaped_total is counted last: a thread that sees it complete
 * sees every per-child mark made before it.
 */
static void account(pid_t pid, int status, bool blind)
{
	struct child *k = blind ? NULL : find_kid(pid);

	if (blind) {
		atomic_fetch_add(&reaped_blind, 1);
	} else if (!k) {
		FAIL("wait4 reaped pid %d, which is not a child of this round", pid);
	} else {
		if (atomic_fetch_add(&k->reaped, 1) != 0)
			FAIL("child %d (%s) reaped twice", pid, ending_name[k->how]);
		if (!statuses_match(status, k->expect))
			FAIL("child %d (%s): status %#x, expected %#x", pid, ending_name[k->how], status, k->expect);
	}
	atomic_fetch_add(&reaped_total, 1);
}

/* One wait4 in one of several styles; returns false when nothing is left to reap (ECHILD). */
static bool reap_one(bool main_thread)
{
	unsigned int style = next_rand() % 8;
	int status = 0, *where = &status;
	int opts = __WALL;
	pid_t want = -1, r;

	if (style == 0 && main_thread)
		where = BAD_STATUS_ADDR;
	if (style == 1 && main_thread) {	/* one pid still unreaped, by name */
		for (int i = 0; i < nkids; i++)
			if (!atomic_load(&kids[i].reaped)) {
				want = kids[i].pid;
				break;
			}
	}
	if (style == 2 || !main_thread)
		opts |= WNOHANG;
	r = syscall(SYS_wait4, want, where, opts, NULL);
	if (r != 0) {			/* a WNOHANG poll that found nothing is not worth a line */
		int i = atomic_fetch_add(&wait_log_len, 1);
		if (i < WAIT_LOG_MAX)
			wait_log[i] = (struct wait_record){ want, r, r < 0 ? errno : 0, opts,
							    main_thread, where == BAD_STATUS_ADDR };
	}
	if (r > 0) {
		account(r, status, false);
		return true;
	}
	if (r == -1 && errno == EFAULT && where == BAD_STATUS_ADDR) {
		account(-1, 0, true);	/* reaped all the same, as on Linux */
		return true;
	}
	if (r == 0 || (r == -1 && errno == ECHILD && want != -1))
		return true;		/* WNOHANG with none ready; or the named one was taken by the sibling */
	if (r == -1 && errno == ECHILD)
		return false;
	if (r == -1 && errno == EINTR)
		return true;
	FAIL("wait4(%d, %s, %#x) = %d, errno %d", want, where == BAD_STATUS_ADDR ? "bad" : "ok", opts, r, errno);
	return false;
}

/* The worker's sibling thread: reaps beside the main thread, round after round. */
static void *sibling_waiter(void *arg)
{
	(void)arg;
	while (atomic_load(&round_no) > 0) {
		int before = atomic_load(&reaped_total);

		atomic_store(&sibling_busy, true);	/* then look at round_ready: see end_round() */
		if (atomic_load(&round_ready) && before < nkids)
			reap_one(false);
		atomic_store(&sibling_busy, false);
		if (atomic_load(&reaped_total) == before)
			usleep(SIBLING_NAP_US);		/* nothing yet: sleep, so that CPUs go idle too */
	}
	return NULL;
}

static char *clone_stack;

static pid_t spawn(enum ending how, int code)
{
	pid_t pid;

	if (how == NOSIGNAL)
		return clone(nosignal_child, clone_stack + CLONE_STACK_SIZE, 0, (void *)(long)code);
	if (how == VFORK) {
		pid = vfork();
		if (pid == 0)
			_exit(code);
		return pid;
	}
	pid = fork();
	if (pid == 0)
		run_ending(how, code);
	return pid;
}

static int expected_status(enum ending how, int code)
{
	switch (how) {
	case SEGV:
		return SIGSEGV;
	case SELFKILL:
	case KILLED:
		return SIGKILL;
	default:
		return code << 8;
	}
}

/*
 * Closes a round: the sibling must not reap a child of the next one while
 * kids[] is rewritten. Both sides store their flag, then load the other's
 * (sequentially consistent), so either the sibling sees round_ready false
 * or we see it busy and wait.
 */
static void end_round(void)
{
	atomic_store(&round_ready, false);
	while (atomic_load(&sibling_busy))
		sched_yield();
	nkids = 0;
}

static void one_round(void)
{
	atomic_store(&round_ready, false);
	nkids = 0;
	atomic_store(&wait_log_len, 0);
	atomic_store(&reaped_total, 0);
	atomic_store(&reaped_blind, 0);
	for (int i = 0; i < CHILDREN_PER_ROUND; i++) {
		enum ending how = next_rand() % NR_ENDINGS;
		int code = 1 + next_rand() % 120;
		struct child *k = &kids[i];

		k->how = how;
		k->expect = expected_status(how, code);
		atomic_store(&k->reaped, 0);
		k->pid = 0;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		k->pid = spawn(how, code);
		if (k->pid < 0) {
			FAIL("fork for %s: errno %d", ending_name[how], errno);
			break;
		}
		nkids = i + 1;
		if (how == KILLED)
			kill(k->pid, SIGKILL);
	}
	atomic_store(&round_ready, true);
	while (reap_one(true))
		;
	/*
	 * ECHILD: everything is reaped, by us or by the sibling, which may
	 * still be counting what it reaped (it may even be waiting for a CPU
	 * between its wait4 and its count): wait until it is out of reap_one.
	 */
	while (atomic_load(&sibling_busy) && atomic_load(&reaped_total) < nkids)
		sched_yield();
	if (atomic_load(&reaped_total) != nkids) {
		int st = 0;
		long r = syscall(SYS_wait4, -1, &st, __WALL | WNOHANG, NULL);

		FAIL("%d children forked, %d reaped (%d blind); wait4 now: %ld (errno %d), status %#x",
		     nkids, atomic_load(&reaped_total), atomic_load(&reaped_blind), r, r < 0 ? errno : 0, st);
		for (int i = 0; i < nkids; i++)
			if (!atomic_load(&kids[i].reaped))
				say("exit_torture:   not reaped: pid %d (%s)\n", kids[i].pid, ending_name[kids[i].how]);
		for (int i = 0; i < atomic_load(&wait_log_len) && i < WAIT_LOG_MAX; i++) {
			struct wait_record *w = &wait_log[i];
			say("exit_torture:   %s thread: wait4(%d, %s, %#x) = %d, errno %d\n",
			    w->main_thread ? "main" : "sibling", w->want, w->bad_pointer ? "bad" : "&status",
			    w->opts, w->result, w->err);
		}
	}
	else {
		int unknown = 0;
		for (int i = 0; i < nkids; i++)
			unknown += !atomic_load(&kids[i].reaped);
		if (unknown != atomic_load(&reaped_blind)) {
			FAIL("%d children unaccounted for, %d reaped blind", unknown, atomic_load(&reaped_blind));
			for (int i = 0; i < nkids; i++)
				say("exit_torture:   pid %d (%s) reaped %d times\n", kids[i].pid,
				    ending_name[kids[i].how], atomic_load(&kids[i].reaped));
		}
	}
	end_round();
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int worker(int id, int rounds, double seconds, unsigned long seed)
{
	double end = seconds > 0 ? now_s() + seconds : 0;
	pthread_t sib;
	int r;

	rng = seed * 2654435761UL + id + 1;
	clone_stack = mmap(NULL, CLONE_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (clone_stack == MAP_FAILED)
		return 1;
	atomic_store(&round_no, 1);
	if (pthread_create(&sib, NULL, sibling_waiter, NULL))
		return 1;
	for (r = 1; r <= rounds || (end && now_s() < end); r++) {
		atomic_store(&round_no, r);
		one_round();
		if (r % PROGRESS_EVERY == 0)
			say("exit_torture: worker %d: progress %d rounds\n", id, r);
		if (atomic_load(&failures))
			break;
	}
	atomic_store(&round_no, 0);
	pthread_join(sib, NULL);
	say("exit_torture: worker %d: %d rounds, %d failures\n", id, r - 1, atomic_load(&failures));
	return atomic_load(&failures) ? 1 : 0;
}

/*
 * The top process waits for its workers with two threads, both calling
 * wait4(-1, __WALL): as init (pid 1, `make run PROG=` or a boot check) it
 * is also the reaper of every orphan, so reparented zombies land on its
 * children list while both threads walk it.
 */
static pid_t worker_pid[MAX_WORKERS];
static int nworkers;
static atomic_int workers_left, workers_failed, orphans_reaped;

static void *top_reaper(void *arg)
{
	(void)arg;
	while (atomic_load(&workers_left) > 0) {
		int st = 0;
		pid_t r = waitpid(-1, &st, __WALL);
		bool mine = false;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD && atomic_load(&workers_left) > 0) {
				sched_yield();	/* the other thread took the last worker */
				continue;
			}
			break;
		}
		for (int i = 0; i < nworkers; i++)
			if (worker_pid[i] == r) {
				mine = true;
				if (st != 0) {
					say("exit_torture: worker %d ended with status %#x\n", i, st);
					atomic_fetch_add(&workers_failed, 1);
				}
				atomic_fetch_sub(&workers_left, 1);
			}
		if (!mine)
			atomic_fetch_add(&orphans_reaped, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int workers = 4, rounds = 50, opt;
	double seconds = 0;
	unsigned long seed = 1;
	pthread_t helper;

	while ((opt = getopt(argc, argv, "w:r:t:s:m")) != -1) {
		switch (opt) {
		case 'w': workers = atoi(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		case 't': seconds = atof(optarg); break;
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'm': hop = true; break;
		default:
			say("usage: exit_torture [-w WORKERS] [-r ROUNDS] [-t SECONDS] [-s SEED] [-m]\n");
			return 2;
		}
	}
	if (workers < 1 || workers > MAX_WORKERS || rounds < 0) {
		say("exit_torture: 1 to %d workers, rounds >= 0\n", MAX_WORKERS);
		return 2;
	}
	say("exit_torture: %d workers, %d rounds%s, seed %lu%s\n", workers, rounds,
	    seconds > 0 ? " at least, and a time limit" : "", seed, getpid() == 1 ? ", as init" : "");
	for (int i = 0; i < workers; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(worker(i, rounds, seconds, seed));
		if (pid < 0) {
			say("exit_torture: fork of worker %d: errno %d\n", i, errno);
			atomic_fetch_add(&workers_failed, 1);
			break;
		}
		worker_pid[nworkers++] = pid;
	}
	atomic_store(&workers_left, nworkers);
	if (pthread_create(&helper, NULL, top_reaper, NULL)) {
		top_reaper(NULL);
	} else {
		top_reaper(NULL);
		pthread_join(helper, NULL);
	}
	if (atomic_load(&workers_left) > 0) {
		say("exit_torture: %d workers never reaped\n", atomic_load(&workers_left));
		atomic_fetch_add(&workers_failed, 1);
	}
	say("exit_torture: %d orphans reaped here\n", atomic_load(&orphans_reaped));
	say("exit_torture: %s\n", atomic_load(&workers_failed) ? "FAILURE" : "SUCCESS");
	return atomic_load(&workers_failed) ? 1 : 0;
}
