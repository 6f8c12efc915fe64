/*
 * user/usertest_threads.c - threads: musl's pthreads (create/join, a mutex
 * on several CPUs, condition variables, thread-local storage), the raw
 * clone flags under them, futex wait/wake between threads, exit versus
 * exit_group, a multi-threaded page-fault storm, and TLB shootdown seen
 * from user space: after munmap or mprotect returns, no thread on another
 * CPU may still use the old mapping.
 *
 * Thread counts stay small and loops bounded by work: the suite must be
 * quick on one CPU under an emulator.
 */
#include "ktap.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

#define MAX_THREADS		16
#define COUNTER_ITERS		2000
#define QUEUE_SIZE		4
#define QUEUE_ITEMS		1000
#define STORM_THREADS		4
#define STORM_PAGES		128
#define STORM_ROUNDS		3
#define READER_WARMUP		200	/* reads each reader makes before the unmap */
#define CLONE_STACK		(64 * 1024)
#define MAX_CPUS_USED		4

static long futex(volatile int *uaddr, int op, int val, const struct timespec *timeout)
{
	return SYS(SYS_futex, uaddr, op, val, timeout);
}

/* ---------------------------------------------------------- pthreads */

struct ident {
	long arg, tid, pid;
};

static void *report_ident(void *p)
{
	struct ident *id = p;

	id->tid = SYS(SYS_gettid);
	id->pid = SYS(SYS_getpid);
	return (void *)(id->arg * 2);
}

static int create_join(void)
{
	pthread_t th[MAX_THREADS];
	struct ident id[MAX_THREADS];
	long pid = SYS(SYS_getpid);

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < MAX_THREADS; i++) {
			id[i] = (struct ident){ .arg = i + round };
			CHECK_EQ(pthread_create(&th[i], NULL, report_ident, &id[i]), 0);
		}
		for (int i = 0; i < MAX_THREADS; i++) {
			void *ret;

			CHECK_EQ(pthread_join(th[i], &ret), 0);
			CHECK_EQ((long)ret, 2 * (i + round));
			CHECK_EQ(id[i].pid, pid);	/* one process */
			CHECK(id[i].tid > 0 && id[i].tid != pid);
			for (int j = 0; j < i; j++)	/* live at once: distinct tids */
				CHECK(id[j].tid != id[i].tid);
		}
	}
	return 0;
}

static __thread long tls_value = 7;		/* PT_TLS: .tdata */
static __thread long tls_zero;			/* PT_TLS: .tbss */
static pthread_barrier_t tls_barrier;

static void *tls_thread(void *p)
{
	long mine = (long)p;
	int ok = tls_value == 7 && tls_zero == 0;	/* a fresh copy of the image */

	tls_value = mine;
	tls_zero = -mine;
	pthread_barrier_wait(&tls_barrier);	/* every thread has written */
	ok &= tls_value == mine && tls_zero == -mine;
	return (void *)(long)ok;
}

static int thread_local_storage(void)
{
	pthread_t th[4];

	tls_value = 100;
	CHECK_EQ(pthread_barrier_init(&tls_barrier, NULL, 4), 0);
	for (long i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, tls_thread, (void *)(i + 1)), 0);
	for (int i = 0; i < 4; i++) {
		void *ok;

		CHECK_EQ(pthread_join(th[i], &ok), 0);
		CHECK_EQ((long)ok, 1);
	}
	CHECK_EQ(tls_value, 100);		/* ours was never touched */
	pthread_barrier_destroy(&tls_barrier);
	return 0;
}

struct counter {
	pthread_mutex_t lock;
	long value;
	int cpu_wrong;
};

struct pinned {
	struct counter *c;
	int cpu;
};

static void *count_pinned(void *p)
{
	struct pinned *pin = p;
	unsigned cpu;

	if (ktap_pin(pin->cpu) == 0 && SYS(SYS_getcpu, &cpu, NULL, NULL) == 0 &&
	    (int)cpu != pin->cpu)
		__atomic_add_fetch(&pin->c->cpu_wrong, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < COUNTER_ITERS; i++) {
		pthread_mutex_lock(&pin->c->lock);
		pin->c->value++;		/* a plain increment: the mutex protects it */
		pthread_mutex_unlock(&pin->c->lock);
		if (i % 256 == 0)
			sched_yield();
	}
	return NULL;
}

static int mutex_counter_on_cpus(void)
{
	int cpus[CPU_SETSIZE], n = ktap_cpus(cpus, CPU_SETSIZE);
	int nthreads = n < 2 ? 2 : n > MAX_CPUS_USED ? MAX_CPUS_USED : n;
	struct counter c = { PTHREAD_MUTEX_INITIALIZER, 0, 0 };
	struct pinned pin[MAX_CPUS_USED];
	pthread_t th[MAX_CPUS_USED];

	for (int i = 0; i < nthreads; i++) {
		pin[i] = (struct pinned){ &c, cpus[i % n] };
		CHECK_EQ(pthread_create(&th[i], NULL, count_pinned, &pin[i]), 0);
	}
	for (int i = 0; i < nthreads; i++)
		CHECK_EQ(pthread_join(th[i], NULL), 0);
	CHECK_EQ(c.value, (long)nthreads * COUNTER_ITERS);
	CHECK_EQ(c.cpu_wrong, 0);
	ktap_diag("%d threads on %d CPUs", nthreads, n);
	return 0;
}

struct queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	int items[QUEUE_SIZE];
	int head, count, done;
	long sum;
};

static void *consume(void *p)
{
	struct queue *q = p;
	long sum = 0;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->count == 0 && !q->done)
			pthread_cond_wait(&q->not_empty, &q->lock);
		if (q->count == 0)
			break;
		sum += q->items[q->head];
		q->head = (q->head + 1) % QUEUE_SIZE;
		q->count--;
		pthread_cond_signal(&q->not_full);
	}
	q->sum += sum;
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

static int condvar_queue(void)
{
	struct queue q = { .lock = PTHREAD_MUTEX_INITIALIZER,
			   .not_empty = PTHREAD_COND_INITIALIZER,
			   .not_full = PTHREAD_COND_INITIALIZER };
	pthread_t th[3];

	for (int i = 0; i < 3; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, consume, &q), 0);
	for (int v = 1; v <= QUEUE_ITEMS; v++) {
		pthread_mutex_lock(&q.lock);
		while (q.count == QUEUE_SIZE)
			pthread_cond_wait(&q.not_full, &q.lock);
		q.items[(q.head + q.count) % QUEUE_SIZE] = v;
		q.count++;
		pthread_cond_signal(&q.not_empty);
		pthread_mutex_unlock(&q.lock);
	}
	pthread_mutex_lock(&q.lock);
	q.done = 1;
	pthread_cond_broadcast(&q.not_empty);	/* every consumer must wake */
	pthread_mutex_unlock(&q.lock);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(pthread_join(th[i], NULL), 0);
	CHECK_EQ(q.sum, (long)QUEUE_ITEMS * (QUEUE_ITEMS + 1) / 2);
	return 0;
}

/* ---------------------------------------------------------- futex */

struct waiter {
	volatile int *word;
	int op;
	long result;
};

static void *futex_waiter(void *p)
{
	struct waiter *w = p;

	w->result = futex(w->word, w->op, 0, NULL);
	return NULL;
}

/*
 * Waiters sleep on a word that stays 0; the main thread wakes until the
 * kernel has reported waking every one of them: that proves each slept in
 * FUTEX_WAIT and each FUTEX_WAKE woke a real sleeper.
 */
static int futex_wait_wake(void)
{
	static volatile int word;
	int ops[2] = { FUTEX_WAIT | FUTEX_PRIVATE_FLAG, FUTEX_WAIT };
	struct waiter w[3];
	pthread_t th[3];

	for (int k = 0; k < 2; k++) {
		int wake = (ops[k] & FUTEX_PRIVATE_FLAG) | FUTEX_WAKE;
		long woken = 0, r;

		for (int i = 0; i < 3; i++) {
			w[i] = (struct waiter){ &word, ops[k], 1 };
			CHECK_EQ(pthread_create(&th[i], NULL, futex_waiter, &w[i]), 0);
		}
		for (long rounds = 0; woken < 3;) {
			r = futex(&word, wake, 1, NULL);	/* one at a time */
			CHECK(r == 0 || r == 1);
			woken += r;
			if (r == 0 && ktap_wait(&rounds, "three futex waiters to sleep"))
				return 1;
		}
		for (int i = 0; i < 3; i++) {
			CHECK_EQ(pthread_join(th[i], NULL), 0);
			CHECK_EQ(w[i].result, 0);
		}
		CHECK_EQ(futex(&word, wake, 10, NULL), 0);	/* nobody left */
	}
	return 0;
}

/*
 * FUTEX_REQUEUE (musl's condition variables hand waiters over to the
 * mutex with it): two waiters on one word are moved to another without
 * waking, then woken there. Requeue and wake are repeated until the kernel
 * has reported each waiter once, so late sleepers are counted too.
 */
static int futex_requeue(void)
{
	static volatile int from, to;
	struct waiter w[2];
	pthread_t th[2];
	long moved = 0, woken = 0, r, rounds = 0;

	for (int i = 0; i < 2; i++) {
		w[i] = (struct waiter){ &from, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1 };
		CHECK_EQ(pthread_create(&th[i], NULL, futex_waiter, &w[i]), 0);
	}
	while (moved < 2) {
		r = SYS(SYS_futex, &from, FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG, 0, 2, &to);
		CHECK(r >= 0 && r <= 2 - moved);
		moved += r;
		if (r == 0 && ktap_wait(&rounds, "FUTEX_REQUEUE to report two waiters moved"))
			return 1;
	}
	CHECK_EQ(futex(&from, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 10, NULL), 0);	/* none left */
	while (woken < 2) {
		r = futex(&to, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 10, NULL);
		CHECK(r >= 0 && r <= 2 - woken);
		woken += r;
		if (r == 0 && ktap_wait(&rounds, "the requeued waiters"))
			return 1;
	}
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(pthread_join(th[i], NULL), 0);
		CHECK_EQ(w[i].result, 0);
	}
	return 0;
}

/* ---------------------------------------------------------- raw clone */

struct tcb {
	struct tcb *self;	/* %fs:0, as the x86-64 TLS ABI wants */
	long words[15];
};

struct clone_arg {
	struct tcb *tcb;
	unsigned long fs_self, fs_base;
	long tid, pid;
	volatile int ran;
};

/* Runs on its own stack with %fs set to its own block: no libc in here. */
static int clone_child(void *p)
{
	struct clone_arg *a = p;
	unsigned long self;

	__asm__ volatile("mov %%fs:0, %0" : "=r"(self));
	a->fs_self = self;
	SYS(SYS_arch_prctl, ARCH_GET_FS, &a->fs_base);
	a->tid = SYS(SYS_gettid);
	a->pid = SYS(SYS_getpid);
	a->ran = 1;
	return 0;			/* musl's clone wrapper then calls SYS_exit */
}

/* The flags musl's pthread_create passes, exercised one by one. */
static int clone_thread_flags(void)
{
	int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
		    CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
	static struct tcb tcb;
	static struct clone_arg a;
	static volatile int ptid, ctid;
	char *stack = mmap(NULL, CLONE_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	int tid;

	CHECK(stack != MAP_FAILED);
	tcb.self = &tcb;
	a = (struct clone_arg){ .tcb = &tcb };
	ctid = -1;
	tid = clone(clone_child, stack + CLONE_STACK, flags, &a, &ptid, &tcb, &ctid);
	CHECK(tid > 0);
	CHECK_EQ(ptid, tid);			/* CLONE_PARENT_SETTID, before clone returned */
	/* CLONE_CHILD_CLEARTID: the kernel zeroes ctid and wakes it at exit */
	for (int v; (v = ctid) != 0;)
		futex(&ctid, FUTEX_WAIT, v, NULL);
	CHECK_EQ(a.ran, 1);
	CHECK_EQ(a.tid, tid);
	CHECK_EQ(a.pid, SYS(SYS_getpid));	/* CLONE_THREAD: our process */
	CHECK_EQ(a.fs_self, (unsigned long)&tcb);	/* CLONE_SETTLS */
	CHECK_EQ(a.fs_base, (unsigned long)&tcb);
	CHECK_ERR(SYS(SYS_wait4, tid, NULL, __WALL | WNOHANG, NULL), ECHILD);	/* not a child */
	CHECK_EQ(munmap(stack, CLONE_STACK), 0);
	return 0;
}

/* ---------------------------------------------------------- exit vs exit_group */

static volatile int *shared_flag;

static void *exit_group_from_thread(void *p)
{
	SYS(SYS_exit_group, 9);
	return NULL;
}

static int exit_group_kills_all(void *arg)
{
	pthread_t th;
	static volatile int never;

	pthread_create(&th, NULL, exit_group_from_thread, NULL);
	for (;;)	/* the main thread sleeps: exit_group must end it too */
		futex(&never, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL);
	return 100;
}

static void *outlive_leader(void *p)
{
	while (!shared_flag[0])
		sched_yield();
	for (int i = 0; i < 100; i++)	/* the leader is gone by now, or soon */
		sched_yield();
	shared_flag[1] = 1;
	SYS(SYS_exit, 6);
	return NULL;
}

static int leader_exits_first(void *arg)
{
	pthread_t th;

	pthread_create(&th, NULL, outlive_leader, NULL);
	shared_flag[0] = 1;
	SYS(SYS_exit, 3);		/* only this thread: the process lives on */
	return 100;
}

static int exit_and_exit_group(void)
{
	int status;

	shared_flag = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			   -1, 0);
	CHECK(shared_flag != MAP_FAILED);
	CHECK_EXITED(ktap_child(exit_group_kills_all, NULL), 9);
	status = ktap_child(leader_exits_first, NULL);
	CHECK_EQ(shared_flag[1], 1);	/* the other thread ran to its end */
	/* Linux reports the last thread's code; older kernels the leader's */
	CHECK(WIFEXITED(status) && (WEXITSTATUS(status) == 6 || WEXITSTATUS(status) == 3));
	CHECK_EQ(munmap((void *)shared_flag, PAGE_SIZE), 0);
	return 0;
}

/* ---------------------------------------------------------- fault storm */

struct storm {
	char *map;
	int nthreads;
	pthread_barrier_t barrier;
	int bad;
};

struct storm_thread {
	struct storm *s;
	int id;
};

static void storm_fail(struct storm *s)
{
	__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
}

/*
 * Each thread faults in its own interleaved pages (page i belongs to thread
 * i % nthreads, so neighbouring pages fault at once on different CPUs),
 * writing the page's index at both ends; after a barrier it checks another
 * thread's pages. Then every thread adds 1 to a word of every page, racing
 * on the same pages; the main thread MADV_DONTNEEDs it all between rounds.
 */
static void *storm_run(void *p)
{
	struct storm_thread *t = p;
	struct storm *s = t->s;
	int n = s->nthreads;

	for (int round = 0; round < STORM_ROUNDS; round++) {
		pthread_barrier_wait(&s->barrier);		/* the mapping is empty */
		for (int i = t->id; i < STORM_PAGES; i += n) {
			long *page = (long *)(s->map + i * PAGE_SIZE);

			if (page[0] != 0 || page[PAGE_SIZE / sizeof(long) - 1] != 0)
				storm_fail(s);
			page[0] = i;
			page[PAGE_SIZE / sizeof(long) - 1] = i + round;
		}
		pthread_barrier_wait(&s->barrier);
		for (int i = (t->id + 1) % n; i < STORM_PAGES; i += n) {
			long *page = (long *)(s->map + i * PAGE_SIZE);

			if (page[0] != i || page[PAGE_SIZE / sizeof(long) - 1] != i + round)
				storm_fail(s);
		}
		for (int k = 0; k < STORM_PAGES; k++) {		/* all on every page */
			int i = (k + t->id * STORM_PAGES / n) % STORM_PAGES;

			__atomic_add_fetch((long *)(s->map + i * PAGE_SIZE) + 1, 1, __ATOMIC_RELAXED);
		}
		pthread_barrier_wait(&s->barrier);		/* main checks, zaps */
	}
	return NULL;
}

static int fault_storm(void)
{
	struct storm s = { .nthreads = STORM_THREADS };
	struct storm_thread t[STORM_THREADS];
	pthread_t th[STORM_THREADS];
	size_t len = STORM_PAGES * PAGE_SIZE;

	s.map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(s.map != MAP_FAILED);
	CHECK_EQ(pthread_barrier_init(&s.barrier, NULL, STORM_THREADS + 1), 0);
	for (int i = 0; i < STORM_THREADS; i++) {
		t[i] = (struct storm_thread){ &s, i };
		CHECK_EQ(pthread_create(&th[i], NULL, storm_run, &t[i]), 0);
	}
	for (int round = 0; round < STORM_ROUNDS; round++) {
		pthread_barrier_wait(&s.barrier);	/* go */
		pthread_barrier_wait(&s.barrier);	/* first touches done */
		pthread_barrier_wait(&s.barrier);	/* shared increments done */
		for (int i = 0; i < STORM_PAGES; i++) {
			long *page = (long *)(s.map + i * PAGE_SIZE);

			if (page[0] != i || page[1] != STORM_THREADS)
				storm_fail(&s);
		}
		CHECK_EQ(SYS(SYS_madvise, s.map, len, MADV_DONTNEED), 0);
	}
	for (int i = 0; i < STORM_THREADS; i++)
		CHECK_EQ(pthread_join(th[i], NULL), 0);
	CHECK_EQ(s.bad, 0);
	pthread_barrier_destroy(&s.barrier);
	CHECK_EQ(munmap(s.map, len), 0);
	return 0;
}

/* ---------------------------------------------------------- TLB shootdown */

enum shoot_how { SHOOT_MUNMAP, SHOOT_PROT_NONE, SHOOT_PROT_READ };

struct shootdown {
	volatile char *page;
	enum shoot_how how;
	long count[MAX_CPUS_USED];
};

struct reader {
	struct shootdown *sd;
	int index, cpu;
};

/* Uses the page over and over; each use is counted with a locked add (a
 * full barrier), so a count that moves on after the unmap returned proves
 * a use of the old mapping. */
static void *use_page(void *p)
{
	struct reader *r = p;
	struct shootdown *sd = r->sd;

	if (r->cpu >= 0)
		ktap_pin(r->cpu);
	for (;;) {
		if (sd->how == SHOOT_PROT_READ)
			*sd->page = 1;
		else
			(void)*sd->page;
		__atomic_add_fetch(&sd->count[r->index], 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/* In a child: readers on the other CPUs, then the mapping goes away under
 * them. Returning at all is a failure: a reader must die by SIGSEGV, and
 * with it the whole process. */
static int shootdown_child(void *arg)
{
	int cpus[CPU_SETSIZE], n = ktap_cpus(cpus, CPU_SETSIZE);
	static struct shootdown sd;
	static struct reader r[MAX_CPUS_USED];
	int nreaders = n <= 1 ? 1 : n > MAX_CPUS_USED ? MAX_CPUS_USED - 1 : n - 1;
	long seen[MAX_CPUS_USED], rounds = 0;
	pthread_t th;

	sd.how = (enum shoot_how)(long)arg;
	sd.page = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sd.page == MAP_FAILED)
		return 10;
	*sd.page = 1;
	if (n > 1)
		ktap_pin(cpus[0]);
	for (int i = 0; i < nreaders; i++) {
		r[i] = (struct reader){ &sd, i, n > 1 ? cpus[1 + i] : -1 };
		if (pthread_create(&th, NULL, use_page, &r[i]))
			return 11;
	}
	for (int i = 0; i < nreaders; i++)	/* every reader holds the page in its TLB */
		while (__atomic_load_n(&sd.count[i], __ATOMIC_SEQ_CST) < READER_WARMUP)
			if (ktap_wait(&rounds, "the readers to start"))
				return 13;
	switch (sd.how) {
	case SHOOT_MUNMAP:
		munmap((void *)sd.page, PAGE_SIZE);
		break;
	case SHOOT_PROT_NONE:
		mprotect((void *)sd.page, PAGE_SIZE, PROT_NONE);
		break;
	case SHOOT_PROT_READ:
		mprotect((void *)sd.page, PAGE_SIZE, PROT_READ);
		break;
	}
	for (int i = 0; i < nreaders; i++)
		seen[i] = __atomic_load_n(&sd.count[i], __ATOMIC_SEQ_CST);
	for (rounds = 0;;) {
		for (int i = 0; i < nreaders; i++)
			if (__atomic_load_n(&sd.count[i], __ATOMIC_SEQ_CST) > seen[i] + 2)
				return 12;	/* reader i used the old mapping */
		if (ktap_wait(&rounds, "a reader to die by SIGSEGV"))
			return 14;
	}
}

static int shootdown(enum shoot_how how, const char *what)
{
	int status = ktap_child(shootdown_child, (void *)(long)how);

	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 12)
		ktap_diag("a thread kept using the page after %s returned", what);
	CHECK_SIGNALED(status, SIGSEGV);
	return 0;
}

static int tlb_shootdown_munmap(void)
{
	return shootdown(SHOOT_MUNMAP, "munmap");
}

static int tlb_shootdown_mprotect_none(void)
{
	return shootdown(SHOOT_PROT_NONE, "mprotect(PROT_NONE)");
}

static int tlb_shootdown_mprotect_read(void)
{
	return shootdown(SHOOT_PROT_READ, "mprotect(PROT_READ)");
}

static const struct ktap_case cases[] = {
	KTAP_CASE(create_join),
	KTAP_CASE(thread_local_storage),
	KTAP_CASE(mutex_counter_on_cpus),
	KTAP_CASE(condvar_queue),
	KTAP_CASE(futex_wait_wake),
	KTAP_CASE(futex_requeue),
	KTAP_CASE(clone_thread_flags),
	KTAP_CASE(exit_and_exit_group),
	KTAP_CASE(fault_storm),
	KTAP_CASE(tlb_shootdown_munmap),
	KTAP_CASE(tlb_shootdown_mprotect_none),
	KTAP_CASE(tlb_shootdown_mprotect_read),
};

int main(int argc, char **argv)
{
	return ktap_main("usertest_threads", cases, KTAP_COUNT(cases), argc, argv);
}
