/*
 * user/usertest_fork.c - processes: fork, vfork and clone with fork
 * semantics, copy-on-write seen from both sides (and against a thread that
 * keeps writing in the parent on another CPU), anonymous shared memory and
 * shared futexes between processes, execve of another program, and wait4
 * with Linux's status encoding and errors.
 *
 * execve runs "testhelper" by its bare name: a GRUB module of that name on
 * Numbat; on Linux the suite runs from build/user, where the relative path
 * finds build/user/testhelper.
 */
#include "ktap.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

#define HELPER		"testhelper"
#define NCHILDREN	8
#define COW_WORDS	1024
#define SNAPSHOT_READS	500
#define BAD_OPTIONS	0x12345678

static char *const helper_env[] = { "NUMBAT_TEST=yes", NULL };

static volatile int *shared_page(void)
{
	void *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static long futex(volatile int *uaddr, int op, int val)
{
	return SYS(SYS_futex, uaddr, op, val, NULL);
}

/* Waits in wait4 for pid; returns its status, or -1. */
static int reap(pid_t pid)
{
	int status;

	return SYS(SYS_wait4, pid, &status, 0, NULL) == pid ? status : -1;
}

/* ---------------------------------------------------------- fork */

static int fork_basic(void)
{
	volatile int *ids = shared_page();
	long parent = SYS(SYS_getpid);
	pid_t pid;

	CHECK(ids != NULL);
	pid = fork();
	if (pid == 0) {
		ids[0] = SYS(SYS_getpid);
		ids[1] = SYS(SYS_getppid);
		ids[2] = SYS(SYS_gettid);
		_exit(0);
	}
	CHECK(pid > 0);
	CHECK_EXITED(reap(pid), 0);
	CHECK_EQ(ids[0], pid);
	CHECK_EQ(ids[1], parent);
	CHECK_EQ(ids[2], pid);
	CHECK_EQ(munmap((void *)ids, PAGE_SIZE), 0);
	return 0;
}

static long cow_global[COW_WORDS];

/* Both sides write their own values into the same private memory (data,
 * heap, stack, mmap), meet through a shared page, and each must then see
 * only its own writes; the shared page sees both. */
static int cow_check(long *heap, long *stack, long *map, long mine, volatile int *sync, int me)
{
	long rounds = 0;

	for (int i = 0; i < COW_WORDS; i++) {
		cow_global[i] = mine + i;
		heap[i] = mine + i;
		stack[i] = mine + i;
		map[i] = mine + i;
	}
	sync[2 + me] = (int)mine;			/* shared: visible to the other */
	__atomic_store_n(&sync[me], 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&sync[!me], __ATOMIC_SEQ_CST))	/* the other has written too */
		if (ktap_wait(&rounds, "the other side of the fork"))
			return 3;
	for (int i = 0; i < COW_WORDS; i++)
		if (cow_global[i] != mine + i || heap[i] != mine + i || stack[i] != mine + i ||
		    map[i] != mine + i)
			return 1;
	return sync[2] == 1000 && sync[3] == 2000 ? 0 : 2;
}

static int fork_cow_both_sides(void)
{
	volatile int *sync = shared_page();
	long *heap = malloc(COW_WORDS * sizeof(long));
	long stack[COW_WORDS];
	long *map = mmap(NULL, COW_WORDS * sizeof(long), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	CHECK(sync && heap && map != MAP_FAILED);
	for (int i = 0; i < COW_WORDS; i++)
		cow_global[i] = heap[i] = stack[i] = map[i] = -1;
	pid = fork();
	if (pid == 0)
		_exit(cow_check(heap, stack, map, 2000, sync, 1));
	CHECK(pid > 0);
	CHECK_EQ(cow_check(heap, stack, map, 1000, sync, 0), 0);
	CHECK_EXITED(reap(pid), 0);
	free(heap);
	CHECK_EQ(munmap(map, COW_WORDS * sizeof(long)), 0);
	CHECK_EQ(munmap((void *)sync, PAGE_SIZE), 0);
	return 0;
}

/* A page mapped but never touched before fork: both see zero, then each
 * its own write. */
static int fork_untouched_page(void)
{
	volatile char *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	CHECK(p != MAP_FAILED);
	p[0] = 'a';				/* only the first page exists */
	pid = fork();
	if (pid == 0) {
		int ok = p[PAGE_SIZE] == 0 && p[0] == 'a';

		p[PAGE_SIZE] = 'c';
		p[0] = 'c';
		_exit(ok && p[PAGE_SIZE] == 'c' ? 0 : 1);
	}
	CHECK(pid > 0);
	CHECK_EXITED(reap(pid), 0);
	CHECK_EQ(p[PAGE_SIZE], 0);
	CHECK_EQ(p[0], 'a');
	p[PAGE_SIZE] = 'p';
	CHECK_EQ(p[PAGE_SIZE], 'p');
	CHECK_EQ(munmap((void *)p, 2 * PAGE_SIZE), 0);
	return 0;
}

struct writer {
	volatile long *page;
	volatile int stop;
	int cpu;
};

static void *keep_writing(void *p)
{
	struct writer *w = p;

	if (w->cpu >= 0)
		ktap_pin(w->cpu);
	for (long v = 1; !w->stop; v++)
		*w->page = v;
	return NULL;
}

/*
 * A thread keeps writing a private page while the main thread forks. Fork
 * write-protects the page for both sides; if the writer's CPU kept its old
 * writable TLB entry, its writes would land in the page the child now
 * shares, and the child's snapshot would change under it.
 */
static int fork_cow_vs_running_thread(void)
{
	int cpus[CPU_SETSIZE], n = ktap_cpus(cpus, CPU_SETSIZE);
	struct writer w = { .cpu = n > 1 ? cpus[1] : -1 };
	pthread_t th;
	long after, rounds = 0;
	pid_t pid;

	w.page = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(w.page != MAP_FAILED);
	CHECK_EQ(pthread_create(&th, NULL, keep_writing, &w), 0);
	while (*w.page < 1000)
		if (ktap_wait(&rounds, "the writer thread"))
			return 1;
	pid = fork();
	if (pid == 0) {
		long snapshot = *w.page;

		for (int i = 0; i < SNAPSHOT_READS; i++) {
			if (*w.page != snapshot)
				_exit(1);
			if (i % 16 == 0)
				sched_yield();
		}
		_exit(0);
	}
	CHECK(pid > 0);
	CHECK_EXITED(reap(pid), 0);
	after = *w.page;
	rounds = 0;
	while (*w.page == after)		/* the writer still writes in the parent */
		if (ktap_wait(&rounds, "the writer thread after fork"))
			return 1;
	w.stop = 1;
	CHECK_EQ(pthread_join(th, NULL), 0);
	CHECK_EQ(munmap((void *)w.page, PAGE_SIZE), 0);
	return 0;
}

#define LW_THREADS	2
#define LW_PAGES	8
#define LW_WORDS	(LW_PAGES * PAGE_SIZE / sizeof(long))
#define LW_FORKS	100
#define LW_BULK		(16 << 20)	/* populated memory: a long fork, and a TLB's worth of pages to read */

struct lost_writes {
	volatile long *words;		/* LW_PAGES pages: thread t writes word k * LW_THREADS + t */
	volatile char *bulk;
	volatile int stop;
	long lost[LW_THREADS], passes[LW_THREADS];
	int cpus[LW_THREADS];
};

static struct lost_writes lw;

/* Writes all its words with one value, reads them all back; a word that does not hold it was lost. */
static void *write_and_check(void *p)
{
	long t = (long)p;

	if (lw.cpus[t] >= 0)
		ktap_pin(lw.cpus[t]);
	for (long v = 1; !lw.stop; v++) {
		for (unsigned long k = t; k < LW_WORDS; k += LW_THREADS)
			lw.words[k] = v;
		/*
		 * Thread 1 then reads a page of each of the bulk, which pushes the
		 * shared pages out of its TLB: its next write to them walks the
		 * page table, and during a fork it finds them write-protected and
		 * makes the copy-on-write copy, while thread 0, which never
		 * stops writing them, still holds its writable TLB entries.
		 */
		for (unsigned long off = 0; t == 1 && off < LW_BULK; off += PAGE_SIZE)
			(void)lw.bulk[off];
		for (unsigned long k = t; k < LW_WORDS; k += LW_THREADS)
			lw.lost[t] += lw.words[k] != v;
		lw.passes[t]++;
	}
	return NULL;
}

/*
 * Threads write and read back pages they share while the main thread
 * forks again and again. Fork write-protects every private PTE and
 * flushes the TLBs only at its end; until then a writer may still write
 * through its old writable TLB entry. If another thread's write fault made
 * its copy-on-write copy in that window, those writes went to the old page
 * and were lost: fork must keep every fault off the parent's VMAs until
 * its flush (vma_start_write), as Linux's dup_mmap does.
 */
static int fork_loses_no_write_of_running_threads(void)
{
	int cpus[CPU_SETSIZE], n = ktap_cpus(cpus, CPU_SETSIZE);
	pthread_t th[LW_THREADS];
	char *bulk;
	long rounds = 0;

	if (n < 2)
		SKIP("needs two CPUs: the writers must run beside each other");
	memset(&lw, 0, sizeof(lw));
	lw.words = mmap(NULL, LW_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(lw.words != MAP_FAILED);
	bulk = mmap(NULL, LW_BULK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	CHECK(bulk != MAP_FAILED);
	lw.bulk = bulk;
	for (int t = 0; t < LW_THREADS; t++) {
		lw.cpus[t] = n > 1 ? cpus[(t + 1) % n] : -1;
		CHECK_EQ(pthread_create(&th[t], NULL, write_and_check, (void *)(long)t), 0);
	}
	for (int t = 0; t < LW_THREADS; t++)
		while (!lw.passes[t])
			if (ktap_wait(&rounds, "the writer threads"))
				return 1;
	for (int i = 0; i < LW_FORKS; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			for (int k = 0; k < 20; k++)	/* alive a while: the writers' faults copy */
				sched_yield();
			_exit(0);
		}
		CHECK(pid > 0);
		CHECK_EXITED(reap(pid), 0);
	}
	lw.stop = 1;
	for (int t = 0; t < LW_THREADS; t++) {
		CHECK_EQ(pthread_join(th[t], NULL), 0);
		ktap_printf("# thread %d: %ld passes, %ld words lost\n", t, lw.passes[t], lw.lost[t]);
		CHECK_EQ(lw.lost[t], 0);
	}
	CHECK_EQ(munmap((void *)lw.words, LW_PAGES * PAGE_SIZE), 0);
	CHECK_EQ(munmap(bulk, LW_BULK), 0);
	return 0;
}

static int fork_many_children(void)
{
	pid_t pids[NCHILDREN];
	int seen = 0, status;

	for (int i = 0; i < NCHILDREN; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(i + 1);
		CHECK(pids[i] > 0);
	}
	for (int i = 0; i < NCHILDREN; i++) {
		long pid = SYS(SYS_wait4, -1, &status, 0, NULL);
		int k = -1;

		for (int j = 0; j < NCHILDREN; j++)
			if (pids[j] == pid)
				k = j;
		CHECK(k >= 0);
		CHECK_EXITED(status, k + 1);
		CHECK(!(seen & (1 << k)));		/* each reaped once */
		seen |= 1 << k;
	}
	CHECK_ERR(SYS(SYS_wait4, -1, &status, 0, NULL), ECHILD);
	return 0;
}

/* ---------------------------------------------------------- wait4 */

static int crash(void *arg)
{
	volatile int *volatile bad = (int *)BAD_USER_ADDR;

	*bad = 1;
	return 100;
}

static int exit_with(void *arg)
{
	return (int)(long)arg;
}

/* Sleeps on a shared futex until *word becomes nonzero. */
static int sleep_on(void *arg)
{
	volatile int *word = arg;

	while (!*word)
		futex(word, FUTEX_WAIT, 0);
	return 0;
}

static int wait4_status_encoding(void)
{
	volatile int *word = shared_page();
	int status;
	pid_t pid;

	CHECK(word != NULL);
	status = ktap_child(exit_with, (void *)0);
	CHECK_EQ(status, 0);				/* exit code << 8 */
	status = ktap_child(exit_with, (void *)255);
	CHECK_EQ(status, 255 << 8);
	CHECK(WIFEXITED(status) && !WIFSIGNALED(status) && WEXITSTATUS(status) == 255);
	status = ktap_child(crash, NULL);
	CHECK(WIFSIGNALED(status) && !WIFEXITED(status));
	CHECK_EQ(WTERMSIG(status), SIGSEGV);		/* 11, as the issue asks */
	for (int sig = SIGKILL; sig <= SIGTERM; sig += SIGTERM - SIGKILL) {
		*word = 0;
		pid = fork();
		if (pid == 0)
			_exit(sleep_on((void *)word));
		CHECK(pid > 0);
		CHECK_EQ(SYS(SYS_kill, pid, sig), 0);	/* asleep or not: it dies */
		status = reap(pid);
		CHECK_SIGNALED(status, sig);
		CHECK_EQ(status & 0x7f, sig);
	}
	CHECK_EQ(munmap((void *)word, PAGE_SIZE), 0);
	return 0;
}

static int wait4_errors(void)
{
	volatile int *word = shared_page();
	int status;
	pid_t pid;

	CHECK(word != NULL);
	CHECK_ERR(SYS(SYS_wait4, -1, &status, 0, NULL), ECHILD);	/* no children */
	CHECK_ERR(SYS(SYS_wait4, 1, &status, 0, NULL), ECHILD);		/* not ours */
	CHECK_ERR(SYS(SYS_wait4, SYS(SYS_getpid), &status, 0, NULL), ECHILD);
	pid = fork();
	if (pid == 0)
		_exit(sleep_on((void *)word));
	CHECK(pid > 0);
	CHECK_EQ(SYS(SYS_wait4, pid, &status, WNOHANG, NULL), 0);	/* still running */
	CHECK_ERR(SYS(SYS_wait4, pid, &status, BAD_OPTIONS, NULL), EINVAL);
	/* the futex word is checked against 0 in the kernel: one wake suffices */
	*word = 1;
	futex(word, FUTEX_WAKE, 1);
	CHECK_EXITED(reap(pid), 0);
	CHECK_ERR(SYS(SYS_wait4, pid, &status, 0, NULL), ECHILD);
	CHECK_EQ(munmap((void *)word, PAGE_SIZE), 0);
	return 0;
}

static int wait4_efault_reaps(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(3);
	CHECK(pid > 0);
	CHECK_ERR(SYS(SYS_wait4, pid, BAD_USER_ADDR, 0, NULL), EFAULT);
	CHECK_ERR(SYS(SYS_wait4, pid, &status, WNOHANG, NULL), ECHILD);
	return 0;
}

/* ---------------------------------------------------------- shared futex */

static int futex_shared_across_fork(void)
{
	volatile int *word = shared_page();
	long woken = 0, r, rounds = 0;
	pid_t pid;

	CHECK(word != NULL);
	*word = 0;
	pid = fork();
	if (pid == 0)
		_exit(futex(word, FUTEX_WAIT, 0) == 0 ? 0 : 1);	/* one real sleep */
	CHECK(pid > 0);
	/* wake until the kernel reports it woke the child: the key of a shared
	 * mapping is the same page in both address spaces */
	while (!woken) {
		r = futex(word, FUTEX_WAKE, 1);
		CHECK(r == 0 || r == 1);
		woken = r;
		if (!r && ktap_wait(&rounds, "the child to sleep on the shared futex")) {
			SYS(SYS_kill, pid, SIGKILL);
			reap(pid);
			return 1;
		}
	}
	CHECK_EXITED(reap(pid), 0);
	/* a private futex on a shared page is private to each process */
	CHECK_EQ(futex(word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1), 0);
	CHECK_EQ(munmap((void *)word, PAGE_SIZE), 0);
	return 0;
}

/* ---------------------------------------------------------- vfork, clone */

static int vfork_shares_and_suspends(void)
{
	static volatile int x;
	char *argv[] = { HELPER, "exit", "7", NULL };
	pid_t pid;

	x = 0;
	pid = vfork();
	if (pid == 0) {
		x = 42;			/* the parent's memory: it is suspended */
		_exit(5);
	}
	CHECK(pid > 0);
	CHECK_EQ(x, 42);		/* the child ran first, in our memory */
	CHECK_EXITED(reap(pid), 5);
	pid = vfork();
	if (pid == 0) {
		execve(HELPER, argv, helper_env);
		_exit(100);
	}
	CHECK(pid > 0);
	CHECK_EXITED(reap(pid), 7);
	return 0;
}

static int clone_fork_semantics(void)
{
	static volatile int x;
	long pid;

	x = 1;
	pid = SYS(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);	/* fork by another name */
	if (pid == 0) {
		x = 2;			/* a private copy */
		SYS(SYS_exit_group, x == 2 ? 6 : 1);
	}
	CHECK(pid > 0);
	CHECK_EXITED(reap(pid), 6);
	CHECK_EQ(x, 1);
	CHECK_ERR(SYS(SYS_clone, CLONE_THREAD | CLONE_VM | SIGCHLD, 0, NULL, NULL, 0), EINVAL);
	CHECK_ERR(SYS(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, NULL, NULL, 0), EINVAL);
	return 0;
}

/* ---------------------------------------------------------- execve */

static int run_helper(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execve(HELPER, argv, helper_env);
		_exit(100 + errno);
	}
	return pid > 0 ? reap(pid) : -1;
}

static int execve_helper(void)
{
	char *check[] = { HELPER, "check", "A", "B", NULL };
	char *exit42[] = { HELPER, "exit", "42", NULL };
	char *segv[] = { HELPER, "segv", NULL };

	CHECK_EXITED(run_helper(check), 0);	/* argv, envp, auxv as Linux lays them */
	CHECK_EXITED(run_helper(exit42), 42);
	CHECK_SIGNALED(run_helper(segv), SIGSEGV);
	return 0;
}

static int exec_keeps_pid(void *arg)
{
	char pid[16], ppid[16];
	char *argv[] = { HELPER, "ids", pid, ppid, NULL };

	snprintf(pid, sizeof(pid), "%ld", SYS(SYS_getpid));
	snprintf(ppid, sizeof(ppid), "%ld", SYS(SYS_getppid));
	execve(HELPER, argv, helper_env);
	return 100;
}

static void *sleep_forever(void *arg)
{
	static volatile int never;

	for (;;)
		futex(&never, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0);
	return NULL;
}

/* execve from a process with other threads: they are gone, the program runs */
static int exec_from_threads(void *arg)
{
	char *argv[] = { HELPER, "exit", "3", NULL };
	pthread_t th;

	for (int i = 0; i < 3; i++)
		pthread_create(&th, NULL, sleep_forever, NULL);
	execve(HELPER, argv, helper_env);
	return 100;
}

static int execve_errors(void *arg)
{
	char *argv[] = { HELPER, NULL };

	if (SYS(SYS_execve, "no-such-program", argv, helper_env) != -ENOENT)
		return 1;
	if (SYS(SYS_execve, BAD_USER_ADDR, argv, helper_env) != -EFAULT)
		return 2;
	if (SYS(SYS_execve, KERNEL_ADDR, argv, helper_env) != -EFAULT)
		return 3;
	if (SYS(SYS_execve, HELPER, BAD_USER_ADDR, helper_env) != -EFAULT)
		return 4;
	if (SYS(SYS_execve, HELPER, argv, BAD_USER_ADDR) != -EFAULT)
		return 5;
	return 0;			/* every failure left us running */
}

static int execve_more(void)
{
	CHECK_EXITED(ktap_child(exec_keeps_pid, NULL), 0);
	CHECK_EXITED(ktap_child(exec_from_threads, NULL), 3);
	CHECK_EXITED(ktap_child(execve_errors, NULL), 0);
	return 0;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(fork_basic),
	KTAP_CASE(fork_cow_both_sides),
	KTAP_CASE(fork_untouched_page),
	KTAP_CASE(fork_cow_vs_running_thread),
	KTAP_CASE(fork_loses_no_write_of_running_threads),
	KTAP_CASE(fork_many_children),
	KTAP_CASE(wait4_status_encoding),
	KTAP_CASE(wait4_errors),
	KTAP_CASE(wait4_efault_reaps),
	KTAP_CASE(futex_shared_across_fork),
	KTAP_CASE(vfork_shares_and_suspends),
	KTAP_CASE(clone_fork_semantics),
	KTAP_CASE(execve_helper),
	KTAP_CASE(execve_more),
};

int main(int argc, char **argv)
{
	return ktap_main("usertest_fork", cases, KTAP_COUNT(cases), argc, argv);
}
