/*
 * user/lib/fuzz_calls.h - what a call of the fuzzer (user/fuzz.c) is:
 * the kinds of argument a system call takes and how each is drawn, the
 * table entry that describes a call, and the rules a drawn call must keep:
 * it changes no memory outside the fuzzer's regions (or fails before it
 * could), floods no memory with pages, and in differential mode asks
 * nothing that Linux 6.1 and 6.12 answer differently, or Numbat does on
 * purpose (docs/user.md).
 */
#ifndef NUMBAT_USER_FUZZ_CALLS_H
#define NUMBAT_USER_FUZZ_CALLS_H

#include "fuzz_args.h"

#ifndef SYS_set_mempolicy_home_node
#define SYS_set_mempolicy_home_node	450	/* Linux 5.17; older C libraries do not name it */
#endif
#define MADV_COLLAPSE_ADVICE	25
#define MAX_TRIES		8	/* draws of arguments before falling back to a safe call */
#define MAP_DROPPABLE_TYPE	0x08
#define FZ_MREMAP_MAYMOVE	1
#define FZ_MREMAP_FIXED		2
#define FZ_MREMAP_DONTUNMAP	4
#define MMAP_EXTRA	(MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | \
			 0x800 | 0x1000 | 0x80000 | 0x4000000 | 0x200 | 0x400)

enum arg { A_NONE, A_ADDR, A_LEN, A_PROT, A_MPROT, A_MMAP_FLAGS, A_FD, A_OFF, A_ADVICE, A_BITS,
	   A_VEC, A_UADDR, A_FUTEX_OP, A_VAL, A_TIMEOUT, A_BRK,
	   /* memory policies and SysV shared memory */
	   A_MPOL_MODE, A_NODEMASK, A_MAXNODE, A_PID, A_PAGES, A_NODES, A_SHMKEY, A_SHMID, A_SHMADDR, A_SHMCMD };
/*
 * Arguments that hold an address: hashed and shown relative to the region
 * they fall in (Linux places the heap at random). Any other value (a
 * length, flags, a random word) as it is: one that happened to fall in
 * Linux's heap made the hash differ from run to run there.
 */
static inline int arg_is_address(enum arg a)
{
	return a == A_ADDR || a == A_VEC || a == A_UADDR || a == A_TIMEOUT || a == A_NODEMASK ||
	       a == A_PAGES || a == A_NODES || a == A_SHMADDR;
}

enum effect { E_NONE, E_MMAP, E_MUNMAP, E_MPROTECT, E_MADVISE, E_LOCK, E_MLOCKALL, E_MINCORE, E_BRK,
	      E_MREMAP, E_FUTEX, E_FORGET };
/* How far a call may reach: only inside the regions, or past their end up to the hole there. */
enum reach { R_NONE, R_INSIDE, R_TO_HOLE };

struct fz;
struct call;

struct call_desc {
	const char *name;
	long nr;			/* the system call, or -1: an action of the fuzzer's own */
	int weight;
	enum arg args[6];
	unsigned long bits;		/* A_BITS: the flags to draw from */
	enum effect effect;
	enum reach reach;		/* of the range in args 0 and 1, when it could change memory */
	void (*action)(struct fz *fz, struct call *c);
	int solo;			/* drawn neither in differential mode nor by a forked child */
};

struct call {
	const struct call_desc *d;
	unsigned long no;		/* the call's number in its worker's run */
	unsigned long a[6];
	long ret;
	uint64_t hash;			/* the run's hash after the call */
};

/* What drawing a call needs to know of the worker that makes it. */
struct draw {
	struct rng *rng;
	const struct region *rg;
	int nregions;
	int diff;			/* differential mode */
	int child;			/* a forked child */
	int mlock_future;		/* every new mapping is faulted in */
	int racing;			/* other workers share the mm: one may mlockall(MCL_CURRENT) any time */
	unsigned long brk0;		/* the heap's first page */
	unsigned long vec, zero_timeout, bad_timeout;	/* user buffers that work */
	unsigned long *scratch;		/* SCRATCH_WORDS words of this worker's: node masks, page and node arrays */
	const int *shm_ids;		/* segments this process made (shmget), and how many */
	int nshm;
};

#define SCRATCH_WORDS	64
#define SCRATCH_PAGES	16		/* move_pages: words 16-31 hold the pages, 32-39 the nodes */

/*
 * The advice Linux 6.12 knows, then five no kernel does. (MADV_GUARD_INSTALL
 * and _REMOVE, 102 and 103, came with Linux 6.13: not drawn, a newer host
 * would put guard pages the model knows nothing of.)
 */
static const int madvice[] = { 0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
			       25, 100, 101, 5, 7, 26, 99, -1 };

/* The region holding addr, and in *page the index of addr's page there; NULL outside the regions. */
static const struct region *region_at(const struct draw *x, unsigned long addr, unsigned long *page)
{
	for (int i = 0; i < x->nregions; i++)
		if (addr >= x->rg[i].base && addr < region_end(&x->rg[i])) {
			*page = (addr - x->rg[i].base) / FZ_PAGE;
			return &x->rg[i];
		}
	return NULL;
}

/*
 * Is [addr, addr + len) one VMA on Linux as on Numbat, as far as the model
 * knows (fuzz_model.h, model_new_vma)? Pages of one mapping, with the same
 * rights. A range that does not start in a region is refused on both.
 */
static int one_mapping(const struct draw *x, unsigned long addr, unsigned long len)
{
	unsigned long first, last, p;
	const struct region *rg = region_at(x, addr, &p);
	const struct page_model *pg;

	if (!rg)
		return 1;
	if (len > region_end(rg) - addr || !region_span(rg, addr, len, &first, &last))
		return 0;
	pg = rg->pages;
	for (p = first; p < last; p++)
		if (!pg[p].vma || pg[p].vma != pg[first].vma || pg[p].state != PS_MAPPED ||
		    !(pg[p].flags & PF_PROT) || pg[p].prot != pg[first].prot)
			return 0;
	return 1;
}

/*
 * mprotect(PROT_GROWSDOWN) reaches down to where the VMA at addr begins:
 * the same on both kernels only when pages of addr's mapping lead down to
 * a hole (a neighbour of another mapping may be merged on Numbat alone).
 */
static int growsdown_reach_known(const struct draw *x, unsigned long addr)
{
	unsigned long p;
	const struct region *rg = region_at(x, addr, &p);
	uint32_t vma;

	if (!rg)
		return 1;
	vma = rg->pages[p].vma;
	if (rg->pages[p].state != PS_MAPPED || !vma)
		return 0;
	while (p-- > 0) {
		if (rg->pages[p].state == PS_UNMAPPED)
			return 1;
		if (rg->pages[p].state != PS_MAPPED || rg->pages[p].vma != vma)
			return 0;
	}
	return 0;
}

/* The page at addr is mapped, and known not to be part of a MAP_GROWSDOWN mapping. */
static int known_not_growsdown(const struct draw *x, unsigned long addr)
{
	unsigned long p;
	const struct region *rg = region_at(x, addr, &p);

	if (!rg)
		return 1;	/* outside the regions: refused there, or an error on both */
	return rg->pages[p].state == PS_MAPPED &&
	       (rg->pages[p].flags & (PF_KIND_KNOWN | PF_GROWSDOWN)) == PF_KIND_KNOWN;
}

/* Would this call give different answers on Linux 6.1 and 6.12, or on Numbat by design? */
static int differs_by_design(const struct draw *x, const struct call *c)
{
	unsigned long first, last;

	if (c->d->nr == SYS_mprotect && (c->a[2] & PROT_GROWSDOWN) && !growsdown_reach_known(x, c->a[0]))
		return 1;	/* how far down it reaches depends on merges Linux may not make */

	if (c->d->nr == SYS_mremap && (c->a[3] & (FZ_MREMAP_FIXED | FZ_MREMAP_DONTUNMAP)) && x->nregions > 1 &&
	    c->a[4] + FZ_PAGE >= x->rg[1].base && c->a[4] < region_end(&x->rg[1]) && !known_not_growsdown(x, c->a[0]))
		return 1;	/* a stack moved into the heap: as MAP_GROWSDOWN there, below (found by seed 5153) */

	if (c->d->nr == SYS_mremap && c->a[1] > FZ_PAGE && !(c->a[0] & (FZ_PAGE - 1)) &&
	    !one_mapping(x, c->a[0], c->a[1]))
		return 1;	/* Linux may keep apart, by their anon_vmas, VMAs Numbat merged */

	if (c->d->nr == SYS_mmap) {
		unsigned long fl = c->a[3];
		if ((fl & MAP_TYPE) == 0x08 || (fl & 0x80))
			return 1;	/* MAP_DROPPABLE and MAP_ABOVE4G: Linux 6.11 and 6.4 */
		if ((fl & MAP_HUGETLB) && (fl & MAP_NORESERVE))
			return 1;	/* Linux maps it (SIGBUS at the first touch); Numbat has no hugetlbfs */
		if ((fl & MAP_HUGETLB) && (fl & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && x->nregions > 1 &&
		    c->a[0] + FZ_PAGE >= x->rg[1].base && c->a[0] <= region_end(&x->rg[1]))
			return 1;	/* whether a heap address is huge-page aligned depends on where the
					   kernel put the heap: at random, on Linux (and unsafe() draws again) */
		if ((c->a[2] & 7) == PROT_EXEC)
			return 1;	/* execute-only: a protection key on a CPU with PKU; with PROT_SEM
					   too, Linux's lockless get_user_pages reads it once populated */
		if ((fl & MAP_GROWSDOWN) && x->nregions > 1 && c->a[0] >= x->rg[1].base - FZ_PAGE &&
		    c->a[0] < region_end(&x->rg[1]))
			return 1;	/* a stack in the heap grows as far as what lies below the heap lets it:
					   the BSS on Numbat, a random gap on Linux */
	}
	if (c->d->nr == SYS_mprotect && (c->a[2] & 7) == PROT_EXEC)
		return 1;
	if (c->d->nr == SYS_mincore && x->child)
		return 1;	/* what fork copied: Linux skips a VMA that never had an anonymous page (docs/user.md) */
	if (c->d->nr == SYS_madvise) {
		int adv = (int)c->a[2];
		if (adv == MADV_COLLAPSE_ADVICE || adv == 100 || adv == 101)
			return 1;	/* no huge pages, no memory-failure injection here */
		if (adv == 21)
			return 1;	/* MADV_PAGEOUT: Linux drops a lazily freed page or not as its per-CPU
					   LRU batches stand (a run does not replay on Linux itself) */
		if (adv == 9 || adv == 22 || adv == 23) {
			/* REMOVE of shared memory (no hole punching here); POPULATE over a hole (6.1 goes on) */
			for (int i = 0; i < x->nregions; i++)
				if (region_span(&x->rg[i], c->a[0], c->a[1], &first, &last))
					for (unsigned long p = first; p < last; p++) {
						const struct page_model *pm = &x->rg[i].pages[p];
						if (pm->state != PS_MAPPED || !(pm->flags & PF_KIND_KNOWN) ||
						    (adv == 9 && (pm->flags & PF_SHARED)))
							return 1;
					}
			if (!range_in_regions(x->rg, x->nregions, c->a[0], c->a[1]))
				return 1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------- drawing a call */

static unsigned long gen_arg(const struct draw *x, const struct call *c, int k)
{
	struct rng *r = x->rng;
	static const unsigned long fds[] = { 0, 1, 2, 99, -1UL };
	static const unsigned long offs[] = { FZ_PAGE, 3 * FZ_PAGE, 1, -FZ_PAGE, HUGE_LEN };
	static const unsigned long futex_ops[] = { 0, 1, 3, 4, 9, 10, 14, -1UL };
	static const unsigned long huge_sizes[] = { 0, 21, 30, 16 };
	unsigned long v, flags;

	switch (c->d->args[k]) {
	case A_ADDR:
		return gen_addr(r, x->rg, x->nregions);
	case A_LEN:
		return gen_len(r, ARENA_PAGES);
	case A_PROT:
	case A_MPROT:
		v = rnd_below(r, 8) | (chance(r, 10) ? 0x8 : 0);	/* PROT_SEM */
		if (c->d->args[k] == A_PROT && chance(r, 5))
			v |= 1UL << (4 + rnd_below(r, 28));		/* mmap ignores unknown bits */
		if (c->d->args[k] == A_MPROT && chance(r, 12))
			v |= PICK(r, ((const unsigned long[]){ PROT_GROWSDOWN, PROT_GROWSUP, 0x10, 0x3000000 }));
		return v;
	case A_MMAP_FLAGS:
		v = rnd_below(r, 100);
		flags = v < 55 ? MAP_PRIVATE : v < 80 ? MAP_SHARED : rnd_below(r, 16);
		flags |= chance(r, 96) ? MAP_ANONYMOUS : 0;
		v = rnd_below(r, 100);
		flags |= v < 55 ? MAP_FIXED : v < 65 ? MAP_FIXED_NOREPLACE : 0;
		for (int bit = 0; bit < 32; bit++)
			if (((MMAP_EXTRA >> bit) & 1) && chance(r, 4))
				flags |= 1UL << bit;
		if (chance(r, 2))
			flags |= MAP_HUGETLB | (PICK(r, huge_sizes) << 26);
		if (chance(r, 2))
			flags |= MAP_32BIT;
		return flags;
	case A_FD:
		return chance(r, 90) ? -1UL : PICK(r, fds);
	case A_OFF:
		return chance(r, 85) ? 0 : PICK(r, offs);
	case A_ADVICE:
		return (unsigned long)(long)PICK(r, madvice);
	case A_BITS:
		v = rnd(r) & c->d->bits;
		return chance(r, 5) ? v | (c->d->bits + 1) : v;		/* a bit too many */
	case A_VEC:
		return chance(r, 75) ? x->vec :
		       PICK(r, ((const unsigned long[]){ x->vec + 1, AUX_RO, AUX_HOLE, 0, KERNEL_TEXT_ADDR }));
	case A_UADDR:
		v = rnd_below(r, 100);
		if (v < 80) {
			const struct region *rg = &x->rg[x->nregions > 1 && chance(r, 15) ? 1 : 0];
			unsigned long i = rnd_below(r, rg->npages);
			return rg->base + i * FZ_PAGE + token_offset(i) + (v < 70 ? 0 : 1 + rnd_below(r, 3));
		}
		return PICK(r, ((const unsigned long[]){ 0, AUX_RO, AUX_HOLE, KERNEL_TEXT_ADDR, x->vec }));
	case A_FUTEX_OP:
		return PICK(r, futex_ops) | (chance(r, 50) ? FUTEX_PRIVATE_FLAG : 0) | (chance(r, 5) ? 256 : 0);
	case A_VAL:
		v = rnd_below(r, 100);
		return v < 50 ? 0 : v < 70 ? 1 : rnd(r);
	case A_TIMEOUT:
		/* never NULL: a wait whose value matches must not sleep */
		return PICK(r, ((const unsigned long[]){ x->zero_timeout, x->zero_timeout,
							 x->bad_timeout, AUX_HOLE, KERNEL_TEXT_ADDR }));
	case A_MPOL_MODE:	/* a mode (and one too many), sometimes a flag or a bit nobody knows */
		v = rnd_below(r, 8);
		v |= chance(r, 10) ? 1UL << 15 : 0;	/* MPOL_F_STATIC_NODES */
		v |= chance(r, 10) ? 1UL << 14 : 0;	/* MPOL_F_RELATIVE_NODES */
		v |= chance(r, 4) ? 1UL << 13 : 0;	/* MPOL_F_NUMA_BALANCING */
		return chance(r, 3) ? v | 1UL << (16 + rnd_below(r, 16)) : v;
	case A_NODEMASK:
		v = rnd_below(r, 100);
		x->scratch[0] = v < 60 ? 1 + rnd_below(r, 3) : v < 70 ? 1 + rnd_below(r, 15) : v < 80 ? 0 : rnd(r);
		x->scratch[1] = chance(r, 10) ? rnd(r) : 0;
		if (v < 85)
			return (unsigned long)x->scratch;
		return PICK(r, ((const unsigned long[]){ 0, AUX_RO, AUX_HOLE, KERNEL_TEXT_ADDR, 1 }));
	case A_MAXNODE:
		return PICK(r, ((const unsigned long[]){ 0, 1, 2, 3, 64, 65, 65, 65, 128, 1025, 4096, 1UL << 40 }));
	case A_PID:		/* itself, mostly: a fuzzer moves no other process's memory */
		return chance(r, 85) ? 0 : PICK(r, ((const unsigned long[]){ -1UL, 999999, 1UL << 31 }));
	case A_PAGES:
		for (int k = 0; k < SCRATCH_PAGES; k++) {
			const struct region *rg = &x->rg[0];
			x->scratch[16 + k] = chance(r, 90) ? rg->base + rnd_below(r, rg->npages) * FZ_PAGE :
				PICK(r, ((const unsigned long[]){ 0, AUX_RO, AUX_HOLE, KERNEL_TEXT_ADDR, rg->base + 1 }));
		}
		return chance(r, 90) ? (unsigned long)&x->scratch[16] : PICK(r, ((const unsigned long[]){ 0, AUX_HOLE }));
	case A_NODES:
		for (int k = 0; k < SCRATCH_PAGES; k++)
			((int *)&x->scratch[32])[k] = chance(r, 90) ? (int)rnd_below(r, 4) : (int)PICK(r, ((const unsigned long[]){ -1UL, 99, 1UL << 20 }));
		return chance(r, 40) ? 0 : (unsigned long)&x->scratch[32];	/* none: where the pages are */
	case A_SHMKEY:
		return chance(r, 70) ? 0 : 1 + rnd_below(r, 4);		/* IPC_PRIVATE, or a key */
	case A_SHMID:
		if (x->nshm && chance(r, 85))
			return (unsigned long)(long)x->shm_ids[rnd_below(r, x->nshm)];
		return PICK(r, ((const unsigned long[]){ 0, 1, -1UL, 1UL << 31, 12345 }));
	case A_SHMADDR:		/* the kernel's choice (detached at once), or an address it must refuse */
		return chance(r, 85) ? 0 : PICK(r, ((const unsigned long[]){ 1, 0x1000, KERNEL_TEXT_ADDR, BEYOND_ALL }));
	case A_SHMCMD:		/* IPC_RMID, IPC_SET, IPC_STAT, IPC_INFO, SHM_STAT, SHM_INFO, SHM_LOCK, ... */
		return PICK(r, ((const unsigned long[]){ 0, 1, 2, 2, 2, 3, 13, 14, 11, 12, 99, -1UL }));
	case A_BRK:
		if (chance(r, 85))
			return x->brk0 + rnd_below(r, HEAP_PAGES / 2) * FZ_PAGE + (chance(r, 20) ? rnd_below(r, FZ_PAGE) : 0);
		return PICK(r, ((const unsigned long[]){ 0, x->brk0 - FZ_PAGE, KERNEL_TEXT_ADDR, x->brk0 + HUGE_LEN, -1UL }));
	default:
		return 0;
	}
}

/* MAP_HUGETLB: the huge page size its flags ask for (1 GiB or the default 2 MiB), and a length rounded up to it. */
static inline unsigned long huge_size(unsigned long flags)
{
	return ((flags >> 26) & 0x3f) == 30 ? 1UL << 30 : 1UL << 21;
}

static inline unsigned long huge_len(unsigned long flags, unsigned long len)
{
	return (len + huge_size(flags) - 1) & ~(huge_size(flags) - 1);
}

/* Does the call fail on its arguments before it could change anything, on every kernel? */
static int fails_early(const struct call *c)
{
	unsigned long a = c->a[0], len = c->a[1], end = a + ((len + FZ_PAGE - 1) & ~(FZ_PAGE - 1));
	int unaligned = a & (FZ_PAGE - 1);

	switch (c->d->nr) {
	case SYS_munmap:
		return unaligned || !len || a >= BEYOND_ALL || len >= BEYOND_ALL;
	case SYS_mmap:
		return !len || len >= BEYOND_ALL || a >= BEYOND_ALL || end < a || end >= BEYOND_ALL ||
		       (unaligned && !(c->a[3] & MAP_HUGETLB));
	case SYS_madvise:
		for (size_t i = 0; i < sizeof(madvice) / sizeof(madvice[0]) - 5; i++)
			if ((long)c->a[2] == madvice[i])
				return unaligned || !len || end <= a;
		return 1;			/* an advice no kernel knows */
	case SYS_msync:
		return unaligned || !len || end <= a || (c->a[2] & ~7UL) || (c->a[2] & 5) == 5;
	default:
		return a >= BEYOND_ALL;
	}
}

/*
 * mremap(old, old_len, new_len, flags, new): refused on its arguments
 * alone (every kernel checks these first), or kept where it can only
 * change the regions: the old range and its growth in place inside them,
 * a MREMAP_FIXED target too. A move the kernel places itself goes to free
 * memory (at `new` as a hint, with MREMAP_DONTUNMAP alone) and is unmapped
 * again unless it is in a region (settle_mremap).
 */
static int unsafe_mremap(const struct draw *x, const struct call *c)
{
	unsigned long a = c->a[0], ol = c->a[1], nl = c->a[2], fl = c->a[3], na = c->a[4];
	unsigned long nla = (nl + FZ_PAGE - 1) & ~(FZ_PAGE - 1);

	unsigned long ola = (ol + FZ_PAGE - 1) & ~(FZ_PAGE - 1);

	/* (DONTUNMAP's lengths: Linux 6.12 compares them as given, 6.16 and later rounded up) */
	if ((fl & ~7UL) || ((fl & FZ_MREMAP_FIXED) && !(fl & FZ_MREMAP_MAYMOVE)) ||
	    ((fl & FZ_MREMAP_DONTUNMAP) && (!(fl & FZ_MREMAP_MAYMOVE) || ola != nla)) || (a & (FZ_PAGE - 1)) || !nla)
		return 0;				/* EINVAL before anything */
	if (nla >= BEYOND_ALL)
		return 0;				/* room for it nowhere: EINVAL or ENOMEM */
	if ((fl & FZ_MREMAP_FIXED) && !(na & (FZ_PAGE - 1)) && !range_in_regions(x->rg, x->nregions, na, nla))
		return 1;				/* the target is unmapped first */
	if (!start_in_regions(x->rg, x->nregions, a))
		return !addr_is_hole(x->rg, a);		/* no VMA there: EFAULT */
	if (ol && !range_in_regions(x->rg, x->nregions, a, ol))
		return 1;
	/* grown in place, or the old tail unmapped: only within the region; a lot populated: never */
	return !range_in_regions(x->rg, x->nregions, a, nla) || (nla > ARENA_PAGES * FZ_PAGE && x->mlock_future);
}

/* Could the call change memory outside the fuzzer's regions, or flood memory with pages? */
static int unsafe(const struct draw *x, const struct call *c)
{
	unsigned long a = c->a[0], len = c->a[1], fl = c->a[3];

	if (c->d->nr == SYS_mremap)
		return unsafe_mremap(x, c);

	if (c->d->nr == SYS_mmap) {
		if (!(fl & (MAP_FIXED | MAP_FIXED_NOREPLACE)))	/* placed by the kernel: unmapped again unless in a region */
			return len > ARENA_PAGES * FZ_PAGE && len < BEYOND_ALL &&
			       ((fl & (MAP_POPULATE | MAP_LOCKED)) || x->mlock_future || x->racing);
		if (a < LOW_FIXED_MIN)
			return 1;			/* Linux maps page 0 for root */
		if (fl & MAP_HUGETLB) {
			unsigned long hlen = huge_len(fl, len);
			/* the old mapping goes before the answer: the whole huge range must be ours */
			return hlen && (a & (huge_size(fl) - 1)) == 0 && !range_in_regions(x->rg, x->nregions, a, hlen);
		}
	}
	if (c->d->nr == SYS_shmat && c->a[1] /* shmaddr */ && (c->a[2] & 040000 /* SHM_REMAP */))
		return 1;			/* it would replace whatever lies there: the program itself */
	switch (c->d->reach) {
	case R_INSIDE:
		return !range_in_regions(x->rg, x->nregions, a, len) && !fails_early(c);
	case R_TO_HOLE:
		return !start_in_regions(x->rg, x->nregions, a) && !addr_is_hole(x->rg, a);
	default:
		return 0;
	}
}

static void draw_call(const struct draw *x, struct call *c)
{
	for (int tries = 0; tries < MAX_TRIES; tries++) {
		for (int k = 0; k < 6; k++)
			c->a[k] = gen_arg(x, c, k);
		if (unsafe(x, c) || (x->diff && differs_by_design(x, c)))
			continue;
		if (c->d->nr == SYS_madvise && (c->a[2] == 100 || c->a[2] == 101))
			continue;	/* MADV_HWPOISON would poison the pages of a real Linux machine */
		if (c->d->nr == SYS_madvise && c->a[2] == 9 && x->child)
			continue;	/* a child punching its parent's shared memory */
		return;
	}
	/* the dice keep failing: a plain call on one page of the arena */
	c->a[0] = x->rg[0].base + rnd_below(x->rng, x->rg[0].npages) * FZ_PAGE;
	c->a[1] = FZ_PAGE;
	c->a[2] = c->d->nr == SYS_madvise ? MADV_NORMAL : PROT_READ;
	c->a[3] = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	c->a[4] = -1UL;
	c->a[5] = 0;
}

#endif /* NUMBAT_USER_FUZZ_CALLS_H */
