/*
 * user/fuzz.c - a fuzzer of the memory system calls (issues 14 and 15).
 *
 *   fuzz [-s SEED] [-n CALLS] [-j WORKERS] [-d] [-e EVERY] [-t FROM-TO] [-w PAGE]
 *
 * From one seed it issues random sequences of mmap, munmap, mprotect,
 * madvise, mremap, mlock, mlock2, munlock, mlockall, munlockall, mincore,
 * msync, brk and futex, and of the memory-policy and SysV shared-memory
 * calls (mbind, set_mempolicy, get_mempolicy, migrate_pages, move_pages,
 * shmget, shmat, shmdt, shmctl...), with arguments drawn from valid and hostile sets
 * (unaligned, zero and huge lengths, every flag bit, kernel addresses,
 * unmapped and read-only user buffers), between reads and writes of the
 * memory, forks and threads. A run replays exactly from its seed.
 *
 * It checks what it can by itself (user/lib/fuzz_model.h): fresh memory
 * reads zero, written data reads back, an access the mappings forbid
 * faults with the right si_code and address, a child sees its parent's
 * data (zeroes under MADV_WIPEONFORK, nothing under MADV_DONTFORK) and its
 * copy-on-write writes never show in the parent while shared ones do, and
 * written memory is resident. A failed check prints the seed, the call and
 * the last calls before it, and the run exits 1.
 *
 * Differential mode (-d): one worker, in an arena at a fixed address, with
 * MAP_FIXED, so that no result depends on where a kernel places a mapping;
 * every result (return value or errno, fault or not and its si_code, data
 * read, a child's status and hash) is folded into a hash printed every
 * EVERY calls as `fuzz: seed S calls N hash H`. The same seed on Linux
 * (as init under linux-run) and on Numbat must print the same lines; -t
 * FROM-TO prints every call from FROM to TO, to find the first one that
 * differs (tests/fuzz --diff bisects so); a traced call is printed before
 * it is made too (`fuzz: > #N`), so that the call a kernel dies in shows.
 * -w PAGE prints the model of arena page PAGE whenever it changes (to
 * debug the model itself). What Linux 6.1 and 6.12 answer
 * differently, or Numbat deliberately, is never drawn in this mode (see
 * gen_call). Without -d, WORKERS threads (default: the CPUs) fuzz at once,
 * each in an arena of its own: the kernel sees real races, the hash means
 * nothing, the self-checks still hold.
 *
 * One table entry per system call (calls[] below): its number, weight,
 * the kind of each argument and how the model follows its effect. A new
 * call (mremap, mbind, shmat...) is one more entry; with E_FORGET the model
 * forgets the ranges it names and learns them again by touching them.
 */
#include "ktap.h"
#include "probe.h"
#include "fuzz_model.h"
#include "fuzz_args.h"
#include "fuzz_calls.h"
#include "fuzz_effect.h"

#include <pthread.h>
#include <sys/reboot.h>
#include <sys/utsname.h>

#define RING		32	/* calls remembered for a failure report */
#define CHILD_CALLS	12	/* random calls a forked child makes */
#define THREAD_CALLS	12	/* ... and a thread */
#define FORK_SAMPLE	24	/* pages a child checks and writes */
#define TOUCH_WEIGHT	30
#define DEFAULT_CALLS	10000
#define DEFAULT_EVERY	1000

struct fz {
	int id;
	struct rng rng;
	uint64_t hash;
	unsigned long done, quota;	/* calls made, and the number to stop at */
	struct region rg[2];		/* the arena; the heap (worker 0 only) */
	int nregions;
	int child;			/* a forked child: no more forks */
	unsigned long brk0, brk;	/* the heap's start (page-aligned) and the current break */
	struct call ring[RING];
	unsigned long accesses, faults, forks, threads, failures;
};

static struct {
	uint64_t seed;
	unsigned long calls, every, trace_from, trace_to;
	int workers, diff;
} opt = { 1, DEFAULT_CALLS, DEFAULT_EVERY, 1, 0, 0, 0 };

static struct fz workers[MAX_WORKERS];
static unsigned long scratch[MAX_WORKERS][SCRATCH_WORDS];	/* memory-policy calls' arguments */
static struct page_model pages[MAX_WORKERS][ARENA_PAGES], heap_pages[HEAP_PAGES];
/* mincore's vectors, one per worker: the workers' calls run at once */
static unsigned char vec_bufs[MAX_WORKERS][ARENA_PAGES + HEAP_PAGES + 64];
static const struct timespec zero_timeout, bad_timeout = { 0, 2000000000L };
static int total_weight;
/* mlockall(MCL_FUTURE) in force in this process (any worker's): every new mapping is faulted in */
static volatile int mlock_future;

static void fz_call(struct fz *fz);

/* ---------------------------------------------------------- output and hashing */

static void fold(struct fz *fz, uint64_t v)
{
	fz->hash = mix64(fz->hash ^ v) + 0x9e3779b97f4a7c15UL;
}

/* A value as both kernels see it: region addresses relative, others as they are. */
static uint64_t relative(const struct fz *fz, unsigned long v)
{
	for (int i = 0; i < fz->nregions; i++)
		if (v >= fz->rg[i].base - FZ_PAGE && v <= region_end(&fz->rg[i]))
			return ((uint64_t)(i + 1) << 56) | (v - fz->rg[i].base + FZ_PAGE);
	return v;
}

/* A break as both kernels see it: Linux places the heap at random, so relative to its start. */
static uint64_t heap_relative(const struct fz *fz, unsigned long v)
{
	return v - fz->brk0 + FZ_PAGE <= 2 * HUGE_LEN ? (1UL << 62) | (v - fz->brk0 + FZ_PAGE) : v;
}

static void show_value(const struct fz *fz, char *buf, size_t n, unsigned long v)
{
	for (int i = 0; i < fz->nregions; i++)
		if (v >= fz->rg[i].base - FZ_PAGE && v <= region_end(&fz->rg[i])) {
			long off = (long)(v - fz->rg[i].base);
			snprintf(buf, n, "%c%c%#lx", fz->rg[i].name[0], off < 0 ? '-' : '+', off < 0 ? -off : off);
			return;
		}
	snprintf(buf, n, "%#lx", v);
}

static void show_call(const struct fz *fz, const struct call *c, const char *how)
{
	char args[6][40], ret[80];
	int n = 0;

	while (n < 6 && c->d->args[n] != A_NONE) {
		uint64_t h = heap_relative(fz, c->a[n]);

		long off = (long)(h & ~(1UL << 62)) - (long)FZ_PAGE;

		if (c->d->args[n] == A_BRK && h != c->a[n])	/* as the hash has it: Linux places the heap at random */
			snprintf(args[n], sizeof(args[n]), "brk0%c%#lx", off < 0 ? '-' : '+', off < 0 ? -off : off);
		else if (arg_is_address(c->d->args[n]))
			show_value(fz, args[n], sizeof(args[n]), c->a[n]);
		else
			snprintf(args[n], sizeof(args[n]), "%#lx", c->a[n]);
		n++;
	}
	if (c->ret < 0 && c->ret > -4096)
		snprintf(ret, sizeof(ret), "= -%s  [%016lx]", strerror((int)-c->ret), (unsigned long)c->hash);
	else {
		show_value(fz, ret + 2, sizeof(ret) - 22, c->ret);
		ret[0] = '=', ret[1] = ' ';
		snprintf(ret + strlen(ret), 22, "  [%016lx]", (unsigned long)c->hash);
	}
	/* before the call (how "> "): no answer yet, so that a call the kernel dies in is seen */
	ktap_printf("fuzz: %s#%lu w%d%s %s(%s%s%s%s%s%s%s%s%s%s%s) %s\n", how, c->no, fz->id, fz->child ? "c" : "", c->d->name,
		    n > 0 ? args[0] : "", n > 1 ? ", " : "", n > 1 ? args[1] : "", n > 2 ? ", " : "",
		    n > 2 ? args[2] : "", n > 3 ? ", " : "", n > 3 ? args[3] : "", n > 4 ? ", " : "",
		    n > 4 ? args[4] : "", n > 5 ? ", " : "", n > 5 ? args[5] : "", strcmp(how, "> ") ? ret : "...");
}

static int tracing(const struct call *c)
{
	return c->no >= opt.trace_from && c->no <= opt.trace_to;
}

/* A self-check failed: the seed, what, and the calls that led there. */
static void fail(struct fz *fz, const struct call *c, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fz->failures++;
	ktap_printf("fuzz: FAILED seed %lu call #%lu worker %d%s: %s\n", (unsigned long)opt.seed, c->no,
		    fz->id, fz->child ? " (a forked child)" : "", msg);
	for (unsigned long no = c->no > RING ? c->no - RING + 1 : 1; no <= c->no; no++) {
		const struct call *r = &fz->ring[no % RING];
		if (r->no == no && r->d)
			show_call(fz, r, "  ");
	}
	ktap_printf("fuzz: replay: fuzz -s %lu -n %lu%s -t %lu-%lu\n", (unsigned long)opt.seed, opt.calls,
		    opt.diff ? " -d" : "", c->no > RING ? c->no - RING : 1, c->no);
}

/* ---------------------------------------------------------- touching memory */

static uint64_t next_token(struct fz *fz)
{
	return mix64(opt.seed ^ ((uint64_t)fz->id << 48) ^ (fz->done << 8) ^ fz->accesses) | 1;
}

/*
 * Reads (or writes token to) the token word of page i of rg, checks what
 * happened against the model, folds it in and teaches the model. Returns
 * the fault (0, or the si_code, or 100 + the signal for other signals).
 */
static int touch_page(struct fz *fz, struct call *c, struct region *rg, unsigned long i, int write, uint64_t token)
{
	unsigned long addr = rg->base + i * FZ_PAGE + token_offset(i), v = token;
	enum expect x = model_expect(rg, i, write);
	struct page_model *pm = &rg->pages[i];
	struct probe_fault f = probe_access(addr, write, 8, &v);
	int fault = !f.sig ? 0 : f.sig == SIGSEGV ? f.code : 100 + f.sig;

	fz->accesses++;
	fz->faults += !!fault;
	fold(fz, ((uint64_t)write << 60) | ((uint64_t)fault << 40) | relative(fz, addr));
	fold(fz, fault ? relative(fz, f.addr) : v);
	if (tracing(c))
		ktap_printf("fuzz: #%lu w%d%s %s %c+%#lx = %d %#lx  [%016lx]\n", c->no, fz->id, fz->child ? "c" : "",
			    write ? "write" : "read",
			    rg->name[0], i * FZ_PAGE + token_offset(i), fault, fault ? 0 : v, (unsigned long)fz->hash);
	if (fault && f.addr != addr)
		fail(fz, c, "%s of %#lx faulted with si_addr %#lx", write ? "write" : "read", addr, f.addr);
	if (x == EXPECT_OK && fault)
		fail(fz, c, "%s of %#lx faulted (si_code %d): the page allows it", write ? "write" : "read", addr, fault);
	else if ((x == EXPECT_MAPERR || x == EXPECT_ACCERR) && fault != (x == EXPECT_MAPERR ? SEGV_MAPERR : SEGV_ACCERR))
		fail(fz, c, "%s of %#lx: si_code %d (found %#lx), expected %s (the model: state %d flags %#x prot %d)",
		     write ? "write" : "read", addr, fault, fault ? 0 : v, x == EXPECT_MAPERR ? "SEGV_MAPERR" : "SEGV_ACCERR",
		     pm->state, pm->flags, pm->prot);
	else if (x == EXPECT_OK && !write && (pm->flags & PF_TOKEN) && v != pm->token)
		fail(fz, c, "read of %#lx: %#lx, expected %#lx", addr, v, (unsigned long)pm->token);
	if (x == EXPECT_OK && !fault) {
		if (write) {
			pm->token = token;
			pm->flags |= PF_TOKEN;
		} else {
			pm->token = v;
			pm->flags |= PF_TOKEN;
		}
	} else {
		model_learn(rg, i, write, fault, v);
	}
	return fault;
}

static struct region *pick_region(struct fz *fz)
{
	return &fz->rg[fz->nregions > 1 && chance(&fz->rng, 15) ? 1 : 0];
}

/* A read or a write of a random page, often one the model believes mapped. */
static void act_touch(struct fz *fz, struct call *c)
{
	struct region *rg = pick_region(fz);
	unsigned long i = rnd_below(&fz->rng, rg->npages);
	int write = chance(&fz->rng, 50);

	for (int tries = 0; tries < 4 && rg->pages[i].state != PS_MAPPED && chance(&fz->rng, 70); tries++)
		i = rnd_below(&fz->rng, rg->npages);
	/* a forked child must not write shared memory its parent checks afterwards */
	if (fz->child && write && (rg->pages[i].flags & (PF_KIND_KNOWN | PF_SHARED)) != PF_KIND_KNOWN)
		write = 0;
	c->ret = touch_page(fz, c, rg, i, write, next_token(fz));
}

/* ---------------------------------------------------------- fork and threads */

struct mailbox {			/* a child's report, in a shared page of the parent's */
	uint64_t hash;
	unsigned long failures;
	unsigned char wrote[FORK_SAMPLE];
};

static struct mailbox *mailbox_of(const struct fz *fz)
{
	return (struct mailbox *)(AUX_BASE + fz->id * FZ_PAGE);
}

/*
 * The child sees its parent's data (zeroes where WIPEONFORK, nothing where
 * DONTFORK), writes a token of its own to the sample, makes a few random
 * calls and reports; the parent then finds its private pages untouched
 * and its shared ones carrying the child's token.
 */
static void act_fork(struct fz *fz, struct call *c)
{
	struct region *rg = &fz->rg[0];
	unsigned long sample[FORK_SAMPLE];
	struct mailbox *mb = mailbox_of(fz);
	uint64_t token = next_token(fz) ^ 0x5a5a5a5a00000000UL;
	int status = 0;
	long pid;

	if (fz->child)
		return;
	for (int k = 0; k < FORK_SAMPLE; k++)
		sample[k] = rnd_below(&fz->rng, rg->npages);
	memset(mb, 0, sizeof(*mb));
	fz->forks++;
	pid = SYS(SYS_fork);
	if (pid == 0) {
		struct page_model saved[FORK_SAMPLE];

		fz->child = 1;
		fz->rng.s ^= 0xc41d;
		mlock_future = 0;		/* memory locks are not inherited */
		for (int k = 0; k < FORK_SAMPLE; k++)
			saved[k] = rg->pages[sample[k]];
		for (int g = 0; g < fz->nregions; g++)
			model_fork(&fz->rg[g]);
		for (int k = 0; k < FORK_SAMPLE; k++)
			touch_page(fz, c, rg, sample[k], 0, 0);
		for (int k = 0; k < FORK_SAMPLE; k++)
			if ((saved[k].flags & PF_KIND_KNOWN) && rg->pages[sample[k]].state == PS_MAPPED &&
			    model_expect(rg, sample[k], 1) == EXPECT_OK)
				mb->wrote[k] = !touch_page(fz, c, rg, sample[k], 1, token);
		fz->quota = fz->done + CHILD_CALLS;
		while (fz->done < fz->quota)
			fz_call(fz);
		mb->hash = fz->hash;
		mb->failures = fz->failures;
		SYS(SYS_exit_group, fz->failures ? 1 : 0);
	}
	if (pid < 0) {
		c->ret = pid;
		fold(fz, pid);
		return;
	}
	while (SYS(SYS_wait4, pid, &status, 0, 0) == -EINTR)
		;
	c->ret = status;
	fold(fz, status);
	fold(fz, mb->hash);
	if (status)
		fail(fz, c, "the forked child ended with status %#x", status);
	for (int k = 0; k < FORK_SAMPLE; k++) {
		struct page_model *pm = &rg->pages[sample[k]];

		if (mb->wrote[k] && (pm->flags & PF_SHARED)) {
			pm->token = token;		/* the child's, through the shared page */
			pm->flags |= PF_TOKEN;
		}
		touch_page(fz, c, rg, sample[k], 0, 0);
	}
}

static void *thread_main(void *arg)
{
	struct fz *fz = arg;

	fz->quota = fz->done + THREAD_CALLS;
	while (fz->done < fz->quota)
		fz_call(fz);
	return NULL;
}

/* A few calls from another thread of the process, while this one waits. */
static void act_thread(struct fz *fz, struct call *c)
{
	unsigned long quota = fz->quota;
	pthread_t t;

	if (fz->child)
		return;
	fz->threads++;
	c->ret = pthread_create(&t, NULL, thread_main, fz);
	if (!c->ret)
		pthread_join(t, NULL);
	fold(fz, c->ret);		/* only now: the thread folds its calls into the same hash */
	fz->quota = quota;
}

/* ---------------------------------------------------------- the calls */

/* Another task may run: in torture mode, the other workers' calls interleave differently. */
static void act_yield(struct fz *fz, struct call *c)
{
	(void)fz;
	c->ret = SYS(SYS_sched_yield);
}


/* A system call: its name, weight, effect, reach, A_BITS flags, then the kinds of its arguments. */
#define SYSCALL(name, weight, effect, reach, bits, ...) \
	{ #name, SYS_##name, weight, { __VA_ARGS__ }, bits, effect, reach, NULL, 0 }
#define ACTION(name, weight, fn) { name, -1, weight, { A_NONE }, 0, E_NONE, R_NONE, fn, 0 }
/* One that changes nothing the model knows, drawn only where the answers are comparable (see below). */
#define SOLO(name, weight, bits, ...) \
	{ #name, SYS_##name, weight, { __VA_ARGS__ }, bits, E_NONE, R_NONE, NULL, 1 }

static const struct call_desc calls[] = {
	SYSCALL(mmap, 20, E_MMAP, R_INSIDE, 0, A_ADDR, A_LEN, A_PROT, A_MMAP_FLAGS, A_FD, A_OFF),
	SYSCALL(munmap, 10, E_MUNMAP, R_INSIDE, 0, A_ADDR, A_LEN),
	SYSCALL(mprotect, 12, E_MPROTECT, R_TO_HOLE, 0, A_ADDR, A_LEN, A_MPROT),
	SYSCALL(madvise, 14, E_MADVISE, R_INSIDE, 0, A_ADDR, A_LEN, A_ADVICE),
	SYSCALL(mlock, 3, E_LOCK, R_TO_HOLE, 0, A_ADDR, A_LEN),
	SYSCALL(mlock2, 2, E_LOCK, R_TO_HOLE, 0x3, A_ADDR, A_LEN, A_BITS),
	SYSCALL(munlock, 3, E_LOCK, R_TO_HOLE, 0, A_ADDR, A_LEN),
	SYSCALL(mlockall, 1, E_MLOCKALL, R_NONE, 0xf, A_BITS),
	SYSCALL(munlockall, 1, E_MLOCKALL, R_NONE, 0, A_NONE),
	SYSCALL(mincore, 5, E_MINCORE, R_NONE, 0, A_ADDR, A_LEN, A_VEC),
	SYSCALL(msync, 3, E_NONE, R_INSIDE, 0xf, A_ADDR, A_LEN, A_BITS),
	SYSCALL(mremap, 8, E_MREMAP, R_NONE, 0x7, A_ADDR, A_LEN, A_LEN, A_BITS, A_ADDR),
	SYSCALL(brk, 4, E_BRK, R_NONE, 0, A_BRK),
	SYSCALL(futex, 5, E_FUTEX, R_NONE, 0, A_UADDR, A_FUTEX_OP, A_VAL, A_TIMEOUT, A_UADDR, A_VAL),
	/*
	 * Memory policies and SysV shared memory. None changes what the model
	 * knows: a page moved to another node keeps its data, and a segment
	 * attached where the kernel chooses (never in a region: the arena is
	 * reserved) is detached at once (settle_shmat). They are "solo": Linux
	 * numbers segments and places pages by its own rules, so differential
	 * mode never draws them, and a forked child does not either (its
	 * segments would outlive it: main removes those of the process).
	 */
	SOLO(mbind, 2, 0x7, A_ADDR, A_LEN, A_MPOL_MODE, A_NODEMASK, A_MAXNODE, A_BITS),
	SOLO(set_mempolicy, 2, 0, A_MPOL_MODE, A_NODEMASK, A_MAXNODE),
	SOLO(get_mempolicy, 2, 0x7, A_VEC, A_NODEMASK, A_MAXNODE, A_ADDR, A_BITS),
	SOLO(set_mempolicy_home_node, 1, 0x1, A_ADDR, A_LEN, A_SHMKEY, A_BITS),
	SOLO(migrate_pages, 1, 0, A_PID, A_MAXNODE, A_NODEMASK, A_NODEMASK),
	SOLO(move_pages, 2, 0x6, A_PID, A_BITS, A_PAGES, A_NODES, A_VEC, A_BITS),
	SOLO(shmget, 2, 0xfff, A_SHMKEY, A_LEN, A_BITS),
	SOLO(shmat, 2, 0xf000, A_SHMID, A_SHMADDR, A_BITS),
	SOLO(shmdt, 1, 0, A_ADDR),
	SOLO(shmctl, 2, 0, A_SHMID, A_SHMCMD, A_VEC),
	ACTION("touch", TOUCH_WEIGHT, act_touch),
	ACTION("fork", 1, act_fork),
	ACTION("thread", 1, act_thread),
	ACTION("yield", 1, act_yield),
};

/* ---------------------------------------------------------- what a call did */

static void apply_effect(struct fz *fz, struct call *c)
{
	unsigned long first, last, a = c->a[0], len = c->a[1];
	long r = c->ret;
	int ok = r >= 0 || r < -4095;

	if (c->d->effect == E_MPROTECT || c->d->effect == E_MADVISE || c->d->effect == E_LOCK)
		FOR_EACH_SPAN(fz->rg, fz->nregions, a, len, rg, first, last)
			model_renumber(rg, first, last);
	switch (c->d->effect) {
	case E_MMAP:
		if (!ok || c->ret == (long)ELSEWHERE) {
			if ((c->a[3] & MAP_HUGETLB) && (c->a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)))
				forget_range(fz->rg, fz->nregions, a, huge_len(c->a[3], len));	/* gone before the refusal */
			break;
		}
		FOR_EACH_SPAN(fz->rg, fz->nregions, (unsigned long)r, len, rg, first, last) {
			if (c->a[3] & MAP_HUGETLB)
				model_forget(rg, first, last);
			else
				model_map(rg, first, last, c->a[2], (c->a[3] & MAP_TYPE) == MAP_SHARED,
					  c->a[3] & MAP_GROWSDOWN, (c->a[3] & MAP_TYPE) == 0x08);
		}
		break;
	case E_MUNMAP:
		if (!r)
			FOR_EACH_SPAN(fz->rg, fz->nregions, a, len, rg, first, last)
				model_unmap(rg, first, last);
		break;
	case E_MPROTECT:
		if (r == -EINVAL)
			break;
		if (c->a[2] & PROT_GROWSDOWN) {	/* down to where the stack's VMA begins: unknown here */
			FOR_EACH_SPAN(fz->rg, fz->nregions, 0, a + len < a ? -1UL : a + len, rg, first, last)
				model_protect(rg, first, last, 0, 0);
			break;
		}
		FOR_EACH_SPAN(fz->rg, fz->nregions, a, len, rg, first, last)
			model_protect(rg, first, last, c->a[2], !r);
		break;
	case E_MADVISE:
		apply_madvise(fz->rg, fz->nregions, c);
		break;
	case E_MLOCKALL:
		if (!r)
			mlock_future = c->d->nr == SYS_mlockall && (a & MCL_FUTURE);
		break;
	case E_MINCORE:
		if (r || c->a[2] != (unsigned long)vec_bufs[fz->id])
			break;
		if (tracing(c)) {		/* what it answered, page by page (up to 64) */
			char v[65];
			unsigned long n = (len + FZ_PAGE - 1) / FZ_PAGE;

			for (unsigned long k = 0; k < n && k < 64; k++)
				v[k] = '0' + (vec_bufs[fz->id][k] & 1);
			v[n < 64 ? n : 64] = 0;
			ktap_printf("fuzz: #%lu w%d%s vec %s\n", c->no, fz->id, fz->child ? "c" : "", v);
		}
		FOR_EACH_SPAN(fz->rg, fz->nregions, a, len, rg, first, last)
			for (unsigned long i = first; i < last; i++) {
				struct page_model *pm = &rg->pages[i];
				unsigned long at = (rg->base + i * FZ_PAGE - (a & ~(FZ_PAGE - 1))) / FZ_PAGE;
				if (at >= sizeof(vec_bufs[0]))
					break;
				fold(fz, vec_bufs[fz->id][at]);
				/* no swap: what was written stays resident */
				if (pm->state == PS_MAPPED && (pm->flags & PF_TOKEN) && pm->token && !(vec_bufs[fz->id][at] & 1))
					fail(fz, c, "mincore: page %c+%#lx holds data but is not resident",
					     rg->name[0], i * FZ_PAGE);
			}
		break;
	case E_BRK:
		if (fz->nregions > 1 && (unsigned long)r != fz->brk) {
			unsigned long old = (fz->brk + FZ_PAGE - 1) & ~(FZ_PAGE - 1);
			unsigned long new = ((unsigned long)r + FZ_PAGE - 1) & ~(FZ_PAGE - 1);
			if (new > old && region_span(&fz->rg[1], old, new - old, &first, &last))
				model_map(&fz->rg[1], first, last, PROT_READ | PROT_WRITE, 0, 0, 0);
			else if (new < old && region_span(&fz->rg[1], new, old - new, &first, &last))
				model_unmap(&fz->rg[1], first, last);
			fz->brk = r;
		}
		break;
	case E_MREMAP:
		apply_mremap(fz->rg, fz->nregions, c);
		break;
	case E_FUTEX:			/* the words it read may have grown a stack */
		for (int k = 0; k <= 4; k += 4) {
			struct region *rg = region_of(fz->rg, fz->nregions, c->a[k]);
			if (rg)
				model_kernel_touched(rg, (c->a[k] - rg->base) / FZ_PAGE);
		}
		break;
	case E_FORGET:
		forget_range(fz->rg, fz->nregions, a, len);
		break;
	default:
		break;
	}
}

/*
 * mmap's answer, made comparable: a mapping the kernel placed where it
 * chose (a hint not taken) is unmapped again at once and reported as
 * ELSEWHERE; one at the hint stays if it lies in a region.
 */
static void settle_mmap(struct fz *fz, struct call *c)
{
	unsigned long a = c->a[0], fl = c->a[3], len = (c->a[1] + FZ_PAGE - 1) & ~(FZ_PAGE - 1);
	unsigned long hint = a & ~(FZ_PAGE - 1);

	if (c->ret < 0 && c->ret > -4096)
		return;
	if (fl & MAP_HUGETLB)
		len = huge_len(fl, c->a[1]);
	if (fl & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (c->ret != (long)a)
			fail(fz, c, "MAP_FIXED mapped at %#lx, not at %#lx", c->ret, a);
		return;
	}
	if ((unsigned long)c->ret == hint && !(fl & MAP_32BIT) && !(fl & MAP_HUGETLB) &&
	    range_in_regions(fz->rg, fz->nregions, hint, len))
		return;
	SYS(SYS_munmap, c->ret, len);
	c->ret = (long)ELSEWHERE;
}

/* mremap's answer, made comparable: a move the kernel placed itself is unmapped again, as ELSEWHERE. */
static void settle_mremap(struct fz *fz, struct call *c)
{
	unsigned long nl = (c->a[2] + FZ_PAGE - 1) & ~(FZ_PAGE - 1);

	if ((c->ret < 0 && c->ret > -4096) || (unsigned long)c->ret == c->a[0])
		return;
	if (c->a[3] & FZ_MREMAP_FIXED) {
		if ((unsigned long)c->ret != c->a[4])
			fail(fz, c, "MREMAP_FIXED moved to %#lx, not to %#lx", c->ret, c->a[4]);
		return;
	}
	/* at the hint (MREMAP_DONTUNMAP without MREMAP_FIXED takes one), in a region: kept */
	if ((unsigned long)c->ret == c->a[4] && range_in_regions(fz->rg, fz->nregions, c->ret, nl))
		return;
	SYS(SYS_munmap, c->ret, nl);
	c->ret = (long)ELSEWHERE;
}

static const struct call_desc *pick_desc(struct fz *fz)
{
	for (;;) {
		long w = (long)rnd_below(&fz->rng, total_weight);
		size_t i;

		for (i = 0; i < sizeof(calls) / sizeof(calls[0]) - 1; i++) {
			w -= calls[i].weight;
			if (w < 0)
				break;
		}
		if (!calls[i].solo || (!opt.diff && !fz->child))
			return &calls[i];
	}
}

/* ---------------------------------------------------------- SysV segments */

#define MAX_SHM_IDS	128
static int shm_ids[MAX_SHM_IDS], nshm;		/* this process's segments (its threads' too) */

/* shmget's answer: a segment to remove at the end (one more than room for: removed now). */
static void settle_shmget(struct call *c)
{
	int n;

	if (c->ret < 0)
		return;
	n = __atomic_fetch_add(&nshm, 1, __ATOMIC_RELAXED);
	if (n < MAX_SHM_IDS)
		shm_ids[n] = (int)c->ret;
	else
		SYS(SYS_shmctl, c->ret, 0 /* IPC_RMID */, 0);
}

/* shmat's answer: attached where the kernel chose, detached at once and reported as ELSEWHERE. */
static void settle_shmat(struct call *c)
{
	if (c->ret < 0 && c->ret > -4096)
		return;
	SYS(SYS_shmdt, c->ret);
	c->ret = (long)ELSEWHERE;
}

static void remove_segments(void)
{
	for (int i = 0; i < nshm && i < MAX_SHM_IDS; i++)
		SYS(SYS_shmctl, shm_ids[i], 0 /* IPC_RMID */, 0);
}

/* -w PAGE: what the model believes of one page of the arena, each time that changes. */
static unsigned long watch_page = ~0UL;

static void watch(struct fz *fz, const struct call *c)
{
	static struct page_model last;
	struct page_model *pm;

	if (watch_page >= ARENA_PAGES || fz->child || fz->id)
		return;
	pm = &fz->rg[0].pages[watch_page];
	if (memcmp(pm, &last, sizeof(last)))
		ktap_printf("fuzz: watch #%lu: state %d flags %#x prot %d token %#lx maybus %d\n", c->no, pm->state,
			    pm->flags, pm->prot, (unsigned long)pm->token, pm->maybus);
	last = *pm;
}

static void checkpoint(struct fz *fz, const struct call *c)
{
	if (fz->id == 0 && !fz->child && c->no % opt.every == 0)
		ktap_printf("fuzz: seed %lu calls %lu hash %016lx\n", (unsigned long)opt.seed, c->no,
			    (unsigned long)fz->hash);
}

static void fz_call(struct fz *fz)
{
	struct call *c = &fz->ring[(fz->done + 1) % RING];
	const struct call_desc *d = pick_desc(fz);

	memset(c, 0, sizeof(*c));
	c->no = ++fz->done;
	c->d = d;
	fold(fz, d - calls);
	if (d->nr < 0) {
		/*
		 * An action on a copy: a thread's or a forked child's calls go
		 * round the ring, and nested threads more than RING of them,
		 * overwriting this slot before the action is done with it.
		 */
		struct call own = *c;

		d->action(fz, &own);
		own.hash = fz->hash;
		*c = own;
		if (tracing(c))
			show_call(fz, c, "");
		watch(fz, c);
		checkpoint(fz, c);
		return;
	}
	{
		struct draw x = { &fz->rng, fz->rg, fz->nregions, opt.diff, fz->child, mlock_future,
				  opt.workers > 1 && !fz->child, fz->brk0, (unsigned long)vec_bufs[fz->id],
				  (unsigned long)&zero_timeout, (unsigned long)&bad_timeout, scratch[fz->id],
				  shm_ids, nshm < MAX_SHM_IDS ? nshm : MAX_SHM_IDS };
		draw_call(&x, c);
	}
	if (tracing(c))
		show_call(fz, c, "> ");
	c->ret = raw_syscall(d->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
	if (d->nr == SYS_mmap)
		settle_mmap(fz, c);
	else if (d->nr == SYS_mremap)
		settle_mremap(fz, c);
	else if (d->nr == SYS_shmget)
		settle_shmget(c);
	else if (d->nr == SYS_shmat)
		settle_shmat(c);
	for (int k = 0; k < 6 && d->args[k] != A_NONE; k++)
		fold(fz, d->args[k] == A_BRK ? heap_relative(fz, c->a[k]) :
			 arg_is_address(d->args[k]) ? relative(fz, c->a[k]) : c->a[k]);
	fold(fz, d->nr == SYS_brk ? heap_relative(fz, c->ret) : relative(fz, c->ret));
	apply_effect(fz, c);
	c->hash = fz->hash;
	if (tracing(c))
		show_call(fz, c, "");
	watch(fz, c);
	checkpoint(fz, c);
}

/* ---------------------------------------------------------- workers */

static int setup_worker(struct fz *fz, int id)
{
	unsigned long base = ARENA_BASE + id * ARENA_STRIDE;

	fz->id = id;
	fz->rng.s = mix64(opt.seed * 0x100000001b3UL + id);
	fz->hash = mix64(opt.seed);
	fz->rg[0] = (struct region){ "A", base, ARENA_PAGES, pages[id] };
	fz->nregions = 1;
	/* the arena, reserved whole: no mapping the kernel places lands in it */
	if (SYS(SYS_mmap, base, ARENA_PAGES * FZ_PAGE, PROT_NONE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0) != (long)base) {
		ktap_printf("fuzz: cannot reserve the arena at %#lx\n", base);
		return -1;
	}
	model_map(&fz->rg[0], 0, ARENA_PAGES, PROT_NONE, 0, 0, 0);
	if (id == 0) {
		fz->brk = SYS(SYS_brk, 0);
		fz->brk0 = (fz->brk + FZ_PAGE - 1) & ~(FZ_PAGE - 1);
		fz->rg[1] = (struct region){ "H", fz->brk0, HEAP_PAGES, heap_pages };
		model_unmap(&fz->rg[1], 0, HEAP_PAGES);
		fz->nregions = 2;
	}
	return 0;
}

static void *worker_main(void *arg)
{
	struct fz *fz = arg;

	while (fz->done < fz->quota)
		fz_call(fz);
	return NULL;
}

static int parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-d")) {
			opt.diff = 1;
			continue;
		}
		if (!v)
			return -1;
		i++;
		if (!strcmp(a, "-s"))
			opt.seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "-n"))
			opt.calls = strtoul(v, NULL, 0);
		else if (!strcmp(a, "-j"))
			opt.workers = atoi(v);
		else if (!strcmp(a, "-w"))
			watch_page = strtoul(v, NULL, 0);
		else if (!strcmp(a, "-e"))
			opt.every = strtoul(v, NULL, 0);
		else if (!strcmp(a, "-t") && strchr(v, '-'))
			opt.trace_from = strtoul(v, NULL, 0), opt.trace_to = strtoul(strchr(v, '-') + 1, NULL, 0);
		else
			return -1;
	}
	return opt.every ? 0 : -1;
}

int main(int argc, char **argv)
{
	pthread_t threads[MAX_WORKERS];
	unsigned long failures = 0, accesses = 0, faults = 0, forks = 0, nthreads = 0;
	struct utsname u;
	int cpus[MAX_WORKERS];

	if (parse_args(argc, argv)) {
		ktap_printf("usage: fuzz [-s SEED] [-n CALLS] [-j WORKERS] [-d] [-e EVERY] [-t FROM-TO] [-w PAGE]\n");
		return 2;
	}
	/*
	 * As init on Linux (linux-run): fuzz in a child and power off when it
	 * ends. Linux logs every fault of pid 1 on the console, even those a
	 * handler takes (show_unhandled_signals), in the middle of our lines.
	 */
	if (SYS(SYS_getpid) == 1 && !uname(&u) && !strcmp(u.sysname, "Linux")) {
		long pid = SYS(SYS_fork);
		int status = 0;

		if (pid > 0) {
			while (SYS(SYS_wait4, pid, &status, 0, 0) == -EINTR)
				;
			reboot(RB_POWER_OFF);
		}
	}
	if (opt.diff || opt.workers < 1)
		opt.workers = opt.diff ? 1 : ktap_cpus(cpus, MAX_WORKERS);
	if (opt.workers > MAX_WORKERS)
		opt.workers = MAX_WORKERS;
	if (opt.workers < 1)
		opt.workers = 1;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		total_weight += calls[i].weight;
	probe_install();
	if (SYS(SYS_mmap, AUX_BASE, MAX_WORKERS * FZ_PAGE, PROT_READ | PROT_WRITE,
		MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (long)AUX_BASE ||
	    SYS(SYS_mmap, AUX_RO, FZ_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (long)AUX_RO) {
		ktap_printf("fuzz: cannot map the mailboxes at %#lx\n", AUX_BASE);
		return 2;
	}
	ktap_printf("fuzz: seed %lu calls %lu workers %d%s\n", (unsigned long)opt.seed, opt.calls, opt.workers,
		    opt.diff ? " differential" : "");
	for (int w = 0; w < opt.workers; w++) {
		if (setup_worker(&workers[w], w))
			return 2;
		workers[w].quota = opt.calls / opt.workers + (w == 0 ? opt.calls % opt.workers : 0);
	}
	for (int w = 1; w < opt.workers; w++)
		if (pthread_create(&threads[w], NULL, worker_main, &workers[w]))
			workers[w].quota = 0;
	worker_main(&workers[0]);
	for (int w = 1; w < opt.workers; w++)
		pthread_join(threads[w], NULL);
	remove_segments();
	for (int w = 0; w < opt.workers; w++) {
		failures += workers[w].failures;
		accesses += workers[w].accesses;
		faults += workers[w].faults;
		forks += workers[w].forks;
		nthreads += workers[w].threads;
	}
	if (workers[0].done % opt.every)
		ktap_printf("fuzz: seed %lu calls %lu hash %016lx\n", (unsigned long)opt.seed, workers[0].done,
			    (unsigned long)workers[0].hash);
	ktap_printf("fuzz: %s: %lu calls, %lu accesses (%lu faulted), %lu forks, %lu threads, %lu failed checks\n",
		    failures ? "FAILED" : "done", opt.calls, accesses, faults, forks, nthreads, failures);
	return failures ? 1 : 0;
}
