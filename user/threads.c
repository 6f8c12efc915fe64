/*
 * user/threads.c - a pthreads demo: several threads, one per CPU, add up
 * parts of a sum under a mutex and report where they ran.
 *
 *     make run PROG=build/user/threads ARGS="4"
 *
 * Each pthread_create is a clone(2) with CLONE_VM | CLONE_THREAD | ... (the
 * same address space, a new thread of this process); the mutex and
 * pthread_join sleep in futex(2) when they must wait. The same binary runs
 * on Linux.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_THREADS	16
#define NUMBERS		100000	/* the sum of 1..NUMBERS, split among the threads */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long long total;		/* protected by lock */

struct part {
	int index, nthreads;
};

static void *add_part(void *arg)
{
	struct part *p = arg;
	long long sum = 0;

	/* Every nthreads-th number, starting at our index + 1. */
	for (long n = p->index + 1; n <= NUMBERS; n += p->nthreads)
		sum += n;

	pthread_mutex_lock(&lock);	/* one thread at a time adds its part */
	total += sum;
	pthread_mutex_unlock(&lock);

	printf("thread %d: tid %ld on cpu %d added %lld\n", p->index,
	       (long)syscall(SYS_gettid), sched_getcpu(), sum);	/* getcpu(2) */
	return NULL;
}

int main(int argc, char **argv)
{
	int nthreads = argc > 1 ? atoi(argv[1]) : (int)sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t threads[MAX_THREADS];
	struct part parts[MAX_THREADS];

	if (nthreads < 1 || nthreads > MAX_THREADS) {
		fprintf(stderr, "usage: threads [1..%d]\n", MAX_THREADS);
		return 2;
	}
	printf("pid %d: %d threads sum 1..%d\n", getpid(), nthreads, NUMBERS);
	for (int i = 0; i < nthreads; i++) {
		parts[i] = (struct part){ i, nthreads };
		pthread_create(&threads[i], NULL, add_part, &parts[i]);
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);	/* waits for the thread's exit */

	printf("total %lld, expected %lld: %s\n", total, (long long)NUMBERS * (NUMBERS + 1) / 2,
	       total == (long long)NUMBERS * (NUMBERS + 1) / 2 ? "right" : "WRONG");
	return total == (long long)NUMBERS * (NUMBERS + 1) / 2 ? 0 : 1;
}
