/*
 * user/pfbench.c - page-fault throughput, alone and beside a thread that
 * maps and unmaps, in every mode of vma_lookup.
 *
 *     pfbench [--ms N] [--reps R] [--touch P] [THREADS...]   (default: 1 2 4 ... up to the CPUs)
 *
 * For each thread count T: one anonymous mapping of T slices; each thread,
 * pinned to its own CPU, writes one byte to every page of its slice (one
 * demand-zero fault per page) and then MADV_DONTNEEDs the slice, over and
 * over, for --ms milliseconds (default 300). Then the same again with one
 * more thread beside them that does mmap / touch / munmap in a loop, so
 * that the faults compete with writers of the address space (under
 * vma_lookup=locked every fault takes mmap_lock for reading, and munmap
 * takes it for writing). With T below the CPU count the extra thread is
 * pinned to a CPU of its own, so that what is measured is the two
 * contending for the address space, not for a CPU; with T equal to it,
 * it is not pinned and shares a CPU with a faulting thread. --touch P: the
 * pages of its 16 the mmap thread writes before unmapping them (default
 * all); with 0 its munmap finds no PTE and sends no TLB shootdown, so
 * what is left of the slowdown is the address space's locks and lines.
 *
 * On Numbat, all of it once per mode of the technique vma_lookup, switched
 * live through Numbat's own system call (on Linux: once, the kernel as it
 * is); and all of that --reps times (default 3), the modes taking turns,
 * each figure being the median of its reps: under TCG on a shared host a
 * burst of host load hits one measurement, not one mode. Prints, in the format of the kernel's benchmarks (kernel/bench.c),
 * so that `make bench` (tests/bench) shows it with them, per thread count:
 *
 *   bench pagefault_alone       cpus=2   locked: 95.3K vma_lock: ... rcu: 98.0K (1.03x)  ops/s/cpu  [vma_lookup]
 *   bench pagefault_with_mmap   cpus=2   locked: 30.1K ... rcu: 97.2K (3.23x)  ops/s/cpu  [vma_lookup]
 *   bench pagefault_mmap_rounds cpus=2   locked: 500 ... rcu: 900 (1.80x)  rounds/s  [vma_lookup]
 *
 * an operation being one page fault, per faulting thread; the ratios are
 * to mode locked. `# pfbench` lines give the totals and, per mode, the
 * rate with the mmap thread over the rate alone.
 * Timing uses clock_gettime(CLOCK_MONOTONIC). Runs on Linux too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "numbat.h"

#define PAGE_SIZE	4096UL
#define SLICE_PAGES	64UL	/* faults per round of one thread */
#define CHURN_PAGES	16	/* pages the mmap thread maps, touches, unmaps */
#define MAX_THREADS	64
#define MAX_COUNTS	16
#define DEFAULT_MS	300
#define DEFAULT_REPS	3
#define MAX_REPS	15
#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_MSEC	1000000ULL

struct faulter {
	pthread_t thread;
	char *slice;
	int cpu;			/* -1: not pinned */
	unsigned long long faults, ns;
};

struct run {
	int nthreads;
	volatile int arrived, go, stop;
	struct faulter f[MAX_THREADS];
	unsigned long long churns;	/* mmap/touch/munmap rounds of the extra thread */
};

static int cpus[CPU_SETSIZE], ncpus;
static int churn_touch = CHURN_PAGES;	/* --touch */

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* One round: a fault on every page of the slice (until told to stop),
 * then all of it dropped. Returns the faults taken. */
static unsigned long fault_slice(char *slice, volatile int *stop)
{
	unsigned long i;

	for (i = 0; i < SLICE_PAGES && !(stop && __atomic_load_n(stop, __ATOMIC_RELAXED)); i++)
		slice[i * PAGE_SIZE] = 1;
	madvise(slice, SLICE_PAGES * PAGE_SIZE, MADV_DONTNEED);
	return i;
}

static void wait_for_go(struct run *r)
{
	__atomic_add_fetch(&r->arrived, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE))
		sched_yield();
}

struct faulter_arg {
	struct run *run;
	struct faulter *f;
};

static void *faulter_thread(void *p)
{
	struct faulter_arg *a = p;
	struct run *r = a->run;
	struct faulter *f = a->f;
	unsigned long long start, faults = 0;

	pin(f->cpu);
	fault_slice(f->slice, NULL);		/* warm up */
	wait_for_go(r);
	start = now_ns();
	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED))
		faults += fault_slice(f->slice, &r->stop);
	f->ns = now_ns() - start;
	f->faults = faults;
	return NULL;
}

static void *churn_thread(void *p)
{
	struct run *r = p;

	if (r->nthreads < ncpus)
		pin(cpus[r->nthreads]);		/* a CPU no faulter is pinned to */
	wait_for_go(r);
	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		char *m = mmap(NULL, CHURN_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			break;
		for (int i = 0; i < churn_touch; i++)
			m[i * PAGE_SIZE] = 1;
		munmap(m, CHURN_PAGES * PAGE_SIZE);
		r->churns++;
	}
	return NULL;
}

/* Runs one measurement; returns faults per second per faulting thread (0
 * is a result: nothing finished in time), or -1 when it could not run.
 * *total gets the faults per second of all threads. */
static long long measure(int nthreads, int with_churn, unsigned ms,
			 unsigned long long *total, unsigned long long *churn_rate)
{
	static struct run r;
	struct faulter_arg args[MAX_THREADS];
	size_t len = (size_t)nthreads * SLICE_PAGES * PAGE_SIZE;
	char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct timespec dur = { ms / 1000, (ms % 1000) * NSEC_PER_MSEC };
	pthread_t churn;
	unsigned long long sum = 0, t0;
	int nstarted = 0, want = nthreads + !!with_churn;

	if (map == MAP_FAILED) {
		fprintf(stderr, "pfbench: mmap of %zu bytes: %s\n", len, strerror(errno));
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.nthreads = nthreads;
	for (int i = 0; i < nthreads; i++) {
		r.f[i].slice = map + (size_t)i * SLICE_PAGES * PAGE_SIZE;
		r.f[i].cpu = ncpus > 1 ? cpus[i % ncpus] : -1;
		args[i] = (struct faulter_arg){ &r, &r.f[i] };
		if (pthread_create(&r.f[i].thread, NULL, faulter_thread, &args[i]))
			break;
		nstarted++;
	}
	if (with_churn && nstarted == nthreads && pthread_create(&churn, NULL, churn_thread, &r))
		want = -1;
	if (nstarted == nthreads && want > 0) {
		while (__atomic_load_n(&r.arrived, __ATOMIC_SEQ_CST) < want)
			sched_yield();
		t0 = now_ns();
		__atomic_store_n(&r.go, 1, __ATOMIC_RELEASE);
		while (clock_nanosleep(CLOCK_MONOTONIC, 0, &dur, &dur) == EINTR)
			;
		__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
		if (with_churn) {
			pthread_join(churn, NULL);
			*churn_rate = r.churns * NSEC_PER_SEC / (now_ns() - t0);
		}
	} else {
		fprintf(stderr, "pfbench: cannot create threads\n");
		__atomic_store_n(&r.go, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	}
	for (int i = 0; i < nstarted; i++)
		pthread_join(r.f[i].thread, NULL);
	munmap(map, len);
	if (nstarted != nthreads || want < 0)
		return -1;
	for (int i = 0; i < nthreads; i++)
		sum += r.f[i].ns ? r.f[i].faults * NSEC_PER_SEC / r.f[i].ns : 0;
	*total = sum;
	return sum / nthreads;
}

/* "2.1M", "350.0K", "12", as kernel/bench.c prints rates */
static const char *rate_str(char *buf, size_t size, unsigned long long rate)
{
	if (rate >= 1000000)
		snprintf(buf, size, "%llu.%02lluM", rate / 1000000, (rate % 1000000) / 10000);
	else if (rate >= 1000)
		snprintf(buf, size, "%llu.%lluK", rate / 1000, (rate % 1000) / 100);
	else
		snprintf(buf, size, "%llu", rate);
	return buf;
}

/* The median of v[0..n) (v is left sorted); *lo and *hi get the extremes if asked. */
static unsigned long long median(unsigned long long *v, int n, unsigned long long *lo, unsigned long long *hi)
{
	for (int i = 1; i < n; i++)		/* insertion sort: n is at most MAX_REPS */
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			unsigned long long t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	if (lo)
		*lo = v[0];
	if (hi)
		*hi = v[n - 1];
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int usage(void)
{
	fprintf(stderr, "usage: pfbench [--ms N] [--reps R] [--touch P] [THREADS...]   "
		"(THREADS: 1..%d, R: 1..%d, P: 0..%d)\n", MAX_THREADS, MAX_REPS, CHURN_PAGES);
	return 2;
}

/* s is a whole decimal number in [lo, hi]: *v gets it. */
static int number(const char *s, long lo, long hi, long *v)
{
	char *end;

	*v = strtol(s, &end, 10);
	return *s && !*end && *v >= lo && *v <= hi;
}

/* argv[*i] is `name` and the next argument a number in [lo, hi]: *v gets it, *i moves past it.
 * A bad number is a usage error, reported by the caller as an unknown argument. */
static int option(int argc, char **argv, int *i, const char *name, long lo, long hi, long *v)
{
	if (strcmp(argv[*i], name) || *i + 1 >= argc || !number(argv[*i + 1], lo, hi, v))
		return 0;
	*i += 1;
	return 1;
}

/*
 * numbat_technique() (user/lib/numbat.h) switches vma_lookup between the
 * measurements; Linux answers ENOSYS: pfbench then measures once, as it
 * finds the kernel.
 */
static long technique(const char *name, const char *mode, char *buf, size_t len)
{
	return numbat_technique(name, mode, buf, len);
}

static const char *const vma_lookup_modes[] = { "locked", "vma_lock", "vma_ref", "rcu" };
#define NR_MODES	4

/* "name  cpus=N   mode: rate mode: rate (Rx) ...  unit  [technique]", the kernel's format (kernel/bench.c) */
static void report_modes(const char *name, int cpus_n, const char *const *modes, int n,
			 const unsigned long long *rates, const char *unit)
{
	char line[512], r[32];
	int len = snprintf(line, sizeof(line), "bench %-24s  cpus=%-2d ", name, cpus_n);

	for (int m = 0; m < n; m++) {
		len += snprintf(line + len, sizeof(line) - len, " %s: %s", modes[m], rate_str(r, sizeof(r), rates[m]));
		if (m > 0) {
			unsigned long long ratio100 = rates[0] ? (rates[m] * 100 + rates[0] / 2) / rates[0] : 0;
			len += snprintf(line + len, sizeof(line) - len, " (%llu.%02llux)", ratio100 / 100,
					ratio100 % 100);
		}
	}
	printf("%s  %s  [vma_lookup]\n", line, unit);
}

int main(int argc, char **argv)
{
	int counts[MAX_COUNTS], ncounts = 0, nmodes = NR_MODES, reps = DEFAULT_REPS;
	unsigned ms = DEFAULT_MS;
	cpu_set_t set;
	char saved[32] = "";
	const char *const *modes = vma_lookup_modes;
	static const char *const as_found[] = { "as-found" };

	setvbuf(stdout, NULL, _IOLBF, 0);
	CPU_ZERO(&set);
	sched_getaffinity(0, sizeof(set), &set);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			cpus[ncpus++] = c;
	for (int i = 1; i < argc; i++) {
		long v;

		if (option(argc, argv, &i, "--ms", 1, 60000, &v))
			ms = v;
		else if (option(argc, argv, &i, "--reps", 1, MAX_REPS, &v))
			reps = v;
		else if (option(argc, argv, &i, "--touch", 0, CHURN_PAGES, &v))
			churn_touch = v;
		else if (number(argv[i], 1, MAX_THREADS, &v) && ncounts < MAX_COUNTS)
			counts[ncounts++] = v;
		else
			return usage();
	}
	if (!ncounts) {		/* 1, 2, 4, ... below the CPU count, then the CPU count */
		for (int c = 1; c < ncpus && ncounts < MAX_COUNTS - 1; c *= 2)
			counts[ncounts++] = c;
		counts[ncounts++] = ncpus;
	}
	if (technique("vma_lookup", NULL, saved, sizeof(saved))) {	/* not Numbat: one mode, the kernel's */
		modes = as_found;
		nmodes = 1;
	}
	printf("# pfbench: %d CPUs, %u ms per measurement, %lu pages per thread per round, "
	       "the mmap thread touching %d of %d, %s, median of %d reps\n", ncpus, ms, SLICE_PAGES,
	       churn_touch, CHURN_PAGES, nmodes > 1 ? "each mode of vma_lookup" : "the kernel as it is", reps);
	for (int i = 0; i < ncounts; i++) {
		static unsigned long long alone[NR_MODES][MAX_REPS], with[NR_MODES][MAX_REPS],
			churn[NR_MODES][MAX_REPS], alone_total[NR_MODES][MAX_REPS], with_total[NR_MODES][MAX_REPS],
			ratio1000[NR_MODES][MAX_REPS];
		unsigned long long med_alone[NR_MODES], med_with[NR_MODES], med_churn[NR_MODES];

		for (int r = 0; r < reps; r++) {
			for (int m = 0; m < nmodes; m++) {
				long long a, w;

				if (nmodes > 1 && technique("vma_lookup", modes[m], NULL, 0)) {
					fprintf(stderr, "pfbench: cannot switch vma_lookup to %s\n", modes[m]);
					return 1;
				}
				churn[m][r] = 0;
				a = measure(counts[i], 0, ms, &alone_total[m][r], &churn[m][r]);
				w = measure(counts[i], 1, ms, &with_total[m][r], &churn[m][r]);
				if (a < 0 || w < 0)
					return 1;
				alone[m][r] = a;
				with[m][r] = w;
				ratio1000[m][r] = a ? (unsigned long long)w * 1000 / a : 0;
			}
		}
		for (int m = 0; m < nmodes; m++) {
			unsigned long long lo, hi, rt;
			char b[32], c[32], d[32];

			med_alone[m] = median(alone[m], reps, NULL, NULL);
			med_with[m] = median(with[m], reps, NULL, NULL);
			med_churn[m] = median(churn[m], reps, NULL, NULL);
			rt = median(ratio1000[m], reps, &lo, &hi);
			printf("# pfbench: %s, %d threads: %s faults/s in all alone, %s with the mmap thread "
			       "(%s mmap/touch/munmap rounds/s); +mmap/alone %.2fx (reps %.2f-%.2f)\n", modes[m],
			       counts[i], rate_str(b, sizeof(b), median(alone_total[m], reps, NULL, NULL)),
			       rate_str(c, sizeof(c), median(with_total[m], reps, NULL, NULL)),
			       rate_str(d, sizeof(d), med_churn[m]), rt / 1000.0, lo / 1000.0, hi / 1000.0);
		}
		report_modes("pagefault_alone", counts[i], modes, nmodes, med_alone, "ops/s/cpu");
		report_modes("pagefault_with_mmap", counts[i], modes, nmodes, med_with, "ops/s/cpu");
		report_modes("pagefault_mmap_rounds", counts[i], modes, nmodes, med_churn, "rounds/s");
	}
	if (saved[0])
		technique("vma_lookup", saved, NULL, 0);
	return 0;
}
