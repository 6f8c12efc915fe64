/*
 * user/fault_torture.c - page faults racing with every call that changes
 * the mappings under them (the fault_torture kernel suite runs it in each
 * mode of vma_lookup; it also runs on Linux, the reference).
 *
 *     fault_torture [-f FAULTERS] [-m MUTATORS] [-n OPS] [-s SEED]
 *
 * An arena of slots, each a few pages at a fixed address, apart from the
 * next by an unmapped guard page. Mutator threads change slots under each
 * slot's mutex and a seqlock: map (MAP_FIXED, fresh contents), unmap,
 * mprotect to read-only, PROT_NONE or back, MADV_DONTNEED, mremap a slot
 * onto a free one, fork a child that checks its copy-on-write view, and
 * map a slot empty only to unmap it or take its rights away again a few
 * microseconds later, while the faulters fault it in (map_then_change).
 * Faulter threads read and write the slots' pages without any lock, and
 * check each access against the slot's state whenever the slot's seqlock
 * says nothing changed during the access:
 *
 *   unmapped        the access must fault, SEGV_MAPERR: a page installed
 *                   in a range already unmapped would let it through
 *   PROT_NONE       must fault, SEGV_ACCERR
 *   read-only       a read sees the contents, a write faults SEGV_ACCERR
 *   read-write      no fault, and the contents are the slot's own: the
 *                   pattern written when it was mapped (it moves with an
 *                   mremap), or zero: half the fresh mappings are left
 *                   for the faulters to fault in, and MADV_DONTNEED
 *
 * A faulter "writes" with a locked compare-and-exchange of the word with
 * itself: a real write access (write faults, copy-on-write) that never
 * changes what a page holds, so the mutators' model stays exact. The work
 * is a fixed number of changes per mutator, OPS / 8 (the faulters go on
 * as long as a mutator runs, and make OPS accesses at least, so that
 * every change races with accesses); a hang is seen as a lack
 * of progress. Prints "fault_torture: SUCCESS" and exits 0, or the first
 * mismatches and "fault_torture: FAILURE" and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096UL
#define SLOTS		16
#define SLOT_PAGES	4
#define SLOT_SPAN	((SLOT_PAGES + 1) * PAGE)	/* a guard page between slots: no merges */
#define ARENA		((void *)0x500000000000UL)	/* far from what the kernel places by itself */
#define MAX_THREADS	32
#define MAX_REPORTS	10

enum state { UNMAPPED, RW, RO, NONE };

struct slot {
	atomic_uint seq;		/* odd while a mutator changes the slot */
	pthread_mutex_t lock;		/* mutators only */
	/* the model: read by faulters without the lock, trusted only if seq did not move */
	volatile enum state state;
	volatile unsigned int gen;	/* the contents: page i's first word is pattern(gen, i)... */
	volatile bool zero[SLOT_PAGES];	/* ... or 0 after MADV_DONTNEED */
};

static struct slot slots[SLOTS];
static atomic_int failures, checked, inconclusive, started, mutators_left;
static atomic_long mutations;
static atomic_uint next_gen = 1;
static long ops = 20000;

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
	if (atomic_fetch_add(&failures, 1) < MAX_REPORTS)			\
		say("fault_torture: " fmt "\n", ##__VA_ARGS__);			\
} while (0)

static unsigned long rng_next(unsigned long *r)
{
	*r = *r * 6364136223846793005UL + 1442695040888963407UL;
	return *r >> 33;
}

static char *slot_addr(int s) { return (char *)ARENA + s * SLOT_SPAN; }
static uint64_t pattern(unsigned int gen, int page) { return ((uint64_t)gen << 32) | 0x5a000000u | page; }

/* ---- the faulters' side: an access that may fault ---- */

static __thread sigjmp_buf fault_jmp;
static __thread volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_code = si->si_code;
	siglongjmp(fault_jmp, 1);
}

/* Reads (or write-accesses) the first word of a page; returns the si_code of its fault, or 0. */
static int access_page(uint64_t *word, bool write, uint64_t *seen)
{
	fault_code = 0;
	if (sigsetjmp(fault_jmp, 1))
		return fault_code;
	if (write) {
		uint64_t old = __atomic_load_n(word, __ATOMIC_RELAXED);
		__atomic_compare_exchange_n(word, &old, old, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
		*seen = old;
	} else {
		*seen = *(volatile uint64_t *)word;
	}
	return 0;
}

static void check_access(int s, int page, bool write)
{
	struct slot *sl = &slots[s];
	unsigned int v1 = atomic_load(&sl->seq), v2;
	enum state state;
	uint64_t expect, seen = 0;
	int code;

	if (v1 & 1) {
		atomic_fetch_add(&inconclusive, 1);
		return;
	}
	state = sl->state;
	expect = sl->zero[page] ? 0 : pattern(sl->gen, page);
	code = access_page((uint64_t *)(slot_addr(s) + page * PAGE), write, &seen);
	v2 = atomic_load(&sl->seq);
	if (v1 != v2) {			/* a mutator was at it meanwhile: anything goes */
		atomic_fetch_add(&inconclusive, 1);
		return;
	}
	atomic_fetch_add(&checked, 1);
	switch (state) {
	case UNMAPPED:
		if (code != SEGV_MAPERR)
			FAIL("slot %d page %d unmapped: %s gave si_code %d (seen %#lx), expected SEGV_MAPERR",
			     s, page, write ? "write" : "read", code, (unsigned long)seen);
		break;
	case NONE:
		if (code != SEGV_ACCERR)
			FAIL("slot %d page %d PROT_NONE: %s gave si_code %d, expected SEGV_ACCERR",
			     s, page, write ? "write" : "read", code);
		break;
	case RO:
		if (write && code != SEGV_ACCERR)
			FAIL("slot %d page %d read-only: write gave si_code %d, expected SEGV_ACCERR", s, page, code);
		else if (!write && (code || seen != expect))
			FAIL("slot %d page %d read-only: read gave si_code %d, %#lx, expected %#lx",
			     s, page, code, (unsigned long)seen, (unsigned long)expect);
		break;
	case RW:
		if (code || seen != expect)
			FAIL("slot %d page %d read-write: %s gave si_code %d, %#lx, expected %#lx",
			     s, page, write ? "write" : "read", code, (unsigned long)seen, (unsigned long)expect);
		break;
	}
}

/*
 * The slot a mutator has just mapped unfilled and is about to change
 * again: half the accesses go there, each counted in hot_touches just
 * before it is made, so that the mutator can change the slot while a
 * fault on it is in flight.
 */
static atomic_int hot_slot, hot_touches;

static void *faulter(void *arg)
{
	unsigned long r = (unsigned long)arg;

	while (!atomic_load(&started))
		sched_yield();
	for (long i = 0; i < ops || atomic_load(&mutators_left) > 0; i++) {
		unsigned long x = rng_next(&r);
		int s = (x >> 20) & 1 ? atomic_load(&hot_slot) : (int)(x % SLOTS);

		if (s == atomic_load(&hot_slot))
			atomic_fetch_add(&hot_touches, 1);
		check_access(s, (x >> 8) % SLOT_PAGES, (x >> 16) & 1);
	}
	return NULL;
}

/* ---- the mutators' side: each change between an odd and an even seq ---- */

static void begin(struct slot *sl) { atomic_fetch_add(&sl->seq, 1); }
static void end(struct slot *sl) { atomic_fetch_add(&sl->seq, 1); }

/*
 * Maps slot s afresh. filled: the mutator writes each page's pattern (its
 * own faults); else the pages stay untouched and read as zero, so that
 * the faulters take the first fault of each page themselves: the fault
 * that installs a page, the one a change of the VMA must not miss.
 */
static void map_fresh(int s, bool filled)
{
	struct slot *sl = &slots[s];
	char *p = mmap(slot_addr(s), SLOT_PAGES * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (p != slot_addr(s)) {
		FAIL("mmap of slot %d: errno %d", s, errno);
		return;
	}
	sl->gen = atomic_fetch_add(&next_gen, 1);
	for (int i = 0; i < SLOT_PAGES; i++) {
		if (filled)
			*(uint64_t *)(p + i * PAGE) = pattern(sl->gen, i);
		sl->zero[i] = !filled;
	}
	sl->state = RW;
}

static void set_prot(int s, enum state to)
{
	int prot = to == RW ? PROT_READ | PROT_WRITE : to == RO ? PROT_READ : PROT_NONE;

	if (mprotect(slot_addr(s), SLOT_PAGES * PAGE, prot))
		FAIL("mprotect of slot %d: errno %d", s, errno);
	else
		slots[s].state = to;
}

/* A child checks, against the model taken under the lock, what it sees of slot s. */
static void fork_and_check(int s)
{
	struct slot *sl = &slots[s];
	pid_t pid;
	int st;

	if (sl->state != RW && sl->state != RO)
		return;
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < SLOT_PAGES; i++) {
			uint64_t expect = sl->zero[i] ? 0 : pattern(sl->gen, i);
			if (*(volatile uint64_t *)(slot_addr(s) + i * PAGE) != expect)
				_exit(1);
		}
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
		FAIL("fork check of slot %d: child status %#x", s, pid < 0 ? -1 : st);
}

/* Moves slot s's mapping onto free slot d (both locked). */
static void move_slot(int s, int d)
{
	struct slot *src = &slots[s], *dst = &slots[d];
	void *r = mremap(slot_addr(s), SLOT_PAGES * PAGE, SLOT_PAGES * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
			 slot_addr(d));

	if (r != slot_addr(d)) {
		FAIL("mremap of slot %d onto %d: errno %d", s, d, errno);
		return;
	}
	dst->state = src->state;
	dst->gen = src->gen;
	for (int i = 0; i < SLOT_PAGES; i++)
		dst->zero[i] = src->zero[i];
	src->state = UNMAPPED;
}

/* Spins up to us microseconds, less if *until moves away from its value at the call (until may be NULL). */
static void spin_us(unsigned long us, atomic_int *until)
{
	int start = until ? atomic_load(until) : 0;
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000L + (t.tv_nsec - t0.tv_nsec) / 1000 < (long)us &&
	       (!until || atomic_load(until) == start));
}

/*
 * The race aimed at: map slot s unfilled, wait until a faulter (half of
 * whose accesses go to the hot slot) goes for one of its pages, and unmap
 * it or take rights away at once, while that fault may be between finding
 * the VMA and installing the PTE (debug kernels widen that window). A fault that
 * missed the change leaves a page where the slot is now unmapped, or a
 * writable PTE in a read-only slot: the next access made while the slot
 * stands still sees it.
 */
static void map_then_change(int s, unsigned long *r)
{
	struct slot *sl = &slots[s];
	int how = rng_next(r) % 3;

	pthread_mutex_lock(&sl->lock);
	begin(sl);
	map_fresh(s, false);
	end(sl);
	pthread_mutex_unlock(&sl->lock);
	atomic_store(&hot_slot, s);
	spin_us(2000, &hot_touches);		/* until a faulter goes for it (2 ms at most) */
	spin_us(rng_next(r) % 16, NULL);
	pthread_mutex_lock(&sl->lock);
	begin(sl);
	if (sl->state == RW) {			/* another mutator may have been at it */
		if (how == 0) {
			if (munmap(slot_addr(s), SLOT_PAGES * PAGE))
				FAIL("munmap of slot %d: errno %d", s, errno);
			sl->state = UNMAPPED;
		} else {
			set_prot(s, how == 1 ? RO : NONE);
		}
	}
	end(sl);
	pthread_mutex_unlock(&sl->lock);
}

static void mutate(unsigned long *r)
{
	int s = rng_next(r) % SLOTS, d = rng_next(r) % SLOTS, op = rng_next(r) % 10;
	struct slot *sl = &slots[s];

	if (op >= 8) {
		map_then_change(s, r);
		return;
	}

	if (op == 7 && d != s) {		/* mremap: two slots, locked in index order */
		struct slot *a = &slots[s < d ? s : d], *b = &slots[s < d ? d : s];
		pthread_mutex_lock(&a->lock);
		pthread_mutex_lock(&b->lock);
		if (sl->state != UNMAPPED && slots[d].state == UNMAPPED) {
			begin(a);
			begin(b);
			move_slot(s, d);
			end(b);
			end(a);
		}
		pthread_mutex_unlock(&b->lock);
		pthread_mutex_unlock(&a->lock);
		return;
	}
	pthread_mutex_lock(&sl->lock);
	begin(sl);
	switch (op) {
	case 0:
	case 1:
		map_fresh(s, op);		/* over whatever was there, as MAP_FIXED replaces */
		break;
	case 2:
		if (munmap(slot_addr(s), SLOT_PAGES * PAGE))
			FAIL("munmap of slot %d: errno %d", s, errno);
		sl->state = UNMAPPED;
		break;
	case 3:
		if (sl->state != UNMAPPED)
			set_prot(s, RO);
		break;
	case 4:
		if (sl->state != UNMAPPED)
			set_prot(s, (rng_next(r) & 1) ? NONE : RW);
		break;
	case 5:
		if (sl->state != UNMAPPED) {
			int page = rng_next(r) % SLOT_PAGES;
			if (madvise(slot_addr(s) + page * PAGE, PAGE, MADV_DONTNEED))
				FAIL("madvise of slot %d: errno %d", s, errno);
			sl->zero[page] = true;
		}
		break;
	default:
		end(sl);			/* a fork changes nothing: let the faulters in */
		fork_and_check(s);
		pthread_mutex_unlock(&sl->lock);
		return;
	}
	end(sl);
	pthread_mutex_unlock(&sl->lock);
}

static void *mutator(void *arg)
{
	unsigned long r = (unsigned long)arg;

	while (!atomic_load(&started))
		sched_yield();
	for (long i = 0; i < ops / 8; i++) {
		mutate(&r);
		atomic_fetch_add(&mutations, 1);
	}
	atomic_fetch_sub(&mutators_left, 1);
	return NULL;
}

int main(int argc, char **argv)
{
	int nf = 3, nm = 1, opt;
	unsigned long seed = 1;
	pthread_t t[MAX_THREADS];
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_NODEFER };
	void *arena;

	while ((opt = getopt(argc, argv, "f:m:n:s:")) != -1) {
		switch (opt) {
		case 'f': nf = atoi(optarg); break;
		case 'm': nm = atoi(optarg); break;
		case 'n': ops = atol(optarg); break;
		case 's': seed = strtoul(optarg, NULL, 0); break;
		default:
			say("usage: fault_torture [-f FAULTERS] [-m MUTATORS] [-n OPS] [-s SEED]\n");
			return 2;
		}
	}
	if (nf < 1 || nm < 1 || nf + nm > MAX_THREADS || ops < 1) {
		say("fault_torture: 1 to %d threads in all, ops >= 1\n", MAX_THREADS);
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	/* the arena must be free: reserve it, then let the slots start unmapped */
	arena = mmap(ARENA, SLOTS * SLOT_SPAN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (arena != ARENA) {
		say("fault_torture: the arena at %p is not free (errno %d)\n", ARENA, errno);
		return 2;
	}
	munmap(arena, SLOTS * SLOT_SPAN);
	for (int s = 0; s < SLOTS; s++) {
		pthread_mutex_init(&slots[s].lock, NULL);
		if (s % 2)
			map_fresh(s, s % 4 == 1);
	}
	say("fault_torture: %d faulters, %d mutators, %ld operations each, seed %lu\n", nf, nm, ops, seed);
	atomic_store(&mutators_left, nm);
	for (int i = 0; i < nf; i++)
		pthread_create(&t[i], NULL, faulter, (void *)(seed * 7919 + i + 1));
	for (int i = 0; i < nm; i++)
		pthread_create(&t[nf + i], NULL, mutator, (void *)(seed * 104729 + i + 1));
	atomic_store(&started, 1);
	for (int i = 0; i < nf + nm; i++)
		pthread_join(t[i], NULL);
	/* at rest: every slot exactly as the model says */
	for (int s = 0; s < SLOTS; s++)
		for (int p = 0; p < SLOT_PAGES; p++) {
			check_access(s, p, false);
			check_access(s, p, true);
		}
	munmap(ARENA, SLOTS * SLOT_SPAN);
	say("fault_torture: %d accesses checked, %d inconclusive (a mutator was at it), %ld mutations, %d failures\n",
	    atomic_load(&checked), atomic_load(&inconclusive), atomic_load(&mutations), atomic_load(&failures));
	say("fault_torture: %s\n", atomic_load(&failures) ? "FAILURE" : "SUCCESS");
	return atomic_load(&failures) ? 1 : 0;
}
