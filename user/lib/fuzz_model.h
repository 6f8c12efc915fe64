/*
 * user/lib/fuzz_model.h - what the fuzzer (user/fuzz.c) believes about
 * its memory, page by page, so that it can check the kernel by itself:
 * fresh memory reads zero, written data reads back, an access the
 * mappings forbid faults with the right si_code, a child sees its parent's
 * data and never shows its own copy-on-write writes to the parent.
 *
 * The fuzzer works in regions: its arena, at a fixed address, and the
 * pages above the initial break (the heap). For every page of a region the
 * model knows, or admits it does not know, whether it is mapped, with
 * which rights, and the 8-byte token at the page's token offset.
 *
 * The model is simple on purpose. It follows what a call does only where
 * Linux's answer is simple (a successful MAP_FIXED maps fresh memory, a
 * successful munmap unmaps, mprotect sets rights, MADV_DONTNEED zeroes
 * private pages); everything else (a call that failed half-way, a stack's
 * PROT_GROWSDOWN, lazily freed pages) makes the pages unknown, and the next
 * access learns them again. Whether the kernel got those right is the
 * differential fuzzer's to say: the same calls on Linux must give the same
 * hash (user/fuzz.c).
 */
#ifndef NUMBAT_USER_FUZZ_MODEL_H
#define NUMBAT_USER_FUZZ_MODEL_H

#include <stdint.h>
#include <sys/mman.h>

#define FZ_PAGE			4096UL
#define FZ_STACK_PAGES		2048	/* RLIMIT_STACK: how far below a stack a fault may grow it */

enum page_state { PS_UNKNOWN, PS_UNMAPPED, PS_MAPPED };

/* What the model knows of a mapped page, beyond its state. */
#define PF_PROT		0x01	/* prot is known */
#define PF_TOKEN	0x02	/* token is known */
#define PF_SHARED	0x04	/* MAP_SHARED memory (known whenever the page is mapped and this is) */
#define PF_GROWSDOWN	0x08	/* a MAP_GROWSDOWN mapping: accesses below it may grow it */
#define PF_WIPE		0x10	/* MADV_WIPEONFORK: a child reads zeroes */
#define PF_DONTFORK	0x20	/* MADV_DONTFORK: a child has no mapping here */
#define PF_FORK_KNOWN	0x40	/* PF_WIPE and PF_DONTFORK are known */
#define PF_KIND_KNOWN	0x80	/* PF_SHARED and PF_GROWSDOWN are known */

struct page_model {
	uint8_t state;		/* enum page_state */
	uint8_t prot;		/* PROT_READ | PROT_WRITE | PROT_EXEC, when PF_PROT */
	uint8_t flags;		/* PF_* */
	uint8_t xonly;		/* the rights were set as PROT_EXEC alone (a protection key on a CPU with PKU) */
	uint8_t maybus;		/* may lie past the end of a shared object (a grown shared mapping): SIGBUS */
	uint32_t vma;		/* which mapping it came from, as Linux merges them (0: not known): model_new_vma() */
	uint64_t token;		/* the word at the token offset, when PF_TOKEN */
};

/*
 * Linux keeps two adjacent private VMAs apart when their anonymous pages
 * came from different anon_vmas, even when their flags agree; Numbat keeps
 * no anon_vma and merges them (docs/user.md). A page's `vma` number says
 * which mapping it came from: the pages of one mmap keep their number
 * until mprotect, madvise, mlock or munlock splits some off (a piece may
 * get an anon_vma of its own and never merge back: model_renumber), and a
 * stack grown down or a mapping grown in place shares it; a move gets a
 * new one, and in a forked child (where each VMA has an anon_vma of its
 * own) and wherever the model forgot, it is 0.
 * Pages of one nonzero number with the same rights are one VMA on both
 * kernels: the differential mode draws an mremap only over such pages.
 */
static uint32_t model_vma_seq;

static inline uint32_t model_new_vma(void)
{
	return __atomic_add_fetch(&model_vma_seq, 1, __ATOMIC_RELAXED);
}

struct region {
	const char *name;
	unsigned long base;	/* address of page 0 */
	unsigned long npages;
	struct page_model *pages;
};

/* What an access should do, as far as the model knows. */
enum expect { EXPECT_UNKNOWN, EXPECT_OK, EXPECT_MAPERR, EXPECT_ACCERR };

static inline unsigned long token_offset(unsigned long page)
{
	return (page * 64) & (FZ_PAGE - 8);
}

static inline unsigned long region_end(const struct region *rg)
{
	return rg->base + rg->npages * FZ_PAGE;
}

/* The pages of [addr, addr + len) inside rg, as page indices [*first, *last). 0 if none. */
static inline int region_span(const struct region *rg, unsigned long addr, unsigned long len,
			      unsigned long *first, unsigned long *last)
{
	unsigned long start = addr & ~(FZ_PAGE - 1), end = addr + len;

	if (end < addr || end > ~0UL - FZ_PAGE)	/* wraps, or as good as: to the end of everything */
		end = ~0UL;
	else
		end = (end + FZ_PAGE - 1) & ~(FZ_PAGE - 1);
	if (end <= rg->base || start >= region_end(rg))
		return 0;
	*first = start < rg->base ? 0 : (start - rg->base) / FZ_PAGE;
	*last = end >= region_end(rg) ? rg->npages : (end - rg->base) / FZ_PAGE;
	return *first < *last;
}

/* Nothing known any more; a page that may be past a shared object's end still may (until touched). */
static inline void model_forget(struct region *rg, unsigned long first, unsigned long last)
{
	for (unsigned long i = first; i < last; i++)
		rg->pages[i] = (struct page_model){ .state = PS_UNKNOWN, .maybus = rg->pages[i].maybus };
}

static inline void model_map(struct region *rg, unsigned long first, unsigned long last, int prot,
			     int shared, int growsdown, int wipe)
{
	uint32_t vma = model_new_vma();

	for (unsigned long i = first; i < last; i++)
		rg->pages[i] = (struct page_model){
			.state = PS_MAPPED, .prot = prot & 7, .token = 0, .vma = vma,
			.xonly = (prot & 7) == PROT_EXEC,
			.flags = PF_PROT | PF_TOKEN | PF_KIND_KNOWN | PF_FORK_KNOWN |
				 (shared ? PF_SHARED : 0) | (growsdown ? PF_GROWSDOWN : 0) | (wipe ? PF_WIPE : 0),
		};
}

/*
 * A call that may split pages [first, last) off their mapping (mprotect,
 * madvise, mlock, munlock): each run of one number gets a new one. Linux
 * may not merge the pieces back even when their flags agree again: a piece
 * that got an anon_vma of its own meanwhile (mlock faults it in, a write
 * may fault it in) stays apart from a neighbour without one.
 */
static inline void model_renumber(struct region *rg, unsigned long first, unsigned long last)
{
	uint32_t old = 0, vma = 0;

	for (unsigned long i = first; i < last; i++) {
		if (!rg->pages[i].vma)
			continue;
		if (!vma || rg->pages[i].vma != old) {
			old = rg->pages[i].vma;
			vma = model_new_vma();
		}
		rg->pages[i].vma = vma;
	}
}

static inline void model_unmap(struct region *rg, unsigned long first, unsigned long last)
{
	for (unsigned long i = first; i < last; i++)
		rg->pages[i] = (struct page_model){ .state = PS_UNMAPPED };
}

/* New rights for mapped pages; known: whether the model knows they are exactly these. */
static inline void model_protect(struct region *rg, unsigned long first, unsigned long last, int prot, int known)
{
	for (unsigned long i = first; i < last; i++) {
		struct page_model *pm = &rg->pages[i];

		if (!known) {
			pm->flags &= ~PF_PROT;
			continue;
		}
		pm->state = PS_MAPPED;
		pm->prot = prot & 7;
		pm->xonly = (prot & 7) == PROT_EXEC;
		pm->flags |= PF_PROT;
	}
}

/* The contents of private pages are now zero (known) or unknown; shared ones keep theirs. */
static inline void model_zap_private(struct region *rg, unsigned long first, unsigned long last, int known)
{
	for (unsigned long i = first; i < last; i++) {
		struct page_model *pm = &rg->pages[i];

		if (pm->state != PS_MAPPED)
			continue;
		if ((pm->flags & PF_KIND_KNOWN) && (pm->flags & PF_SHARED))
			continue;
		pm->token = 0;
		if (known && (pm->flags & PF_KIND_KNOWN))
			pm->flags |= PF_TOKEN;
		else
			pm->flags &= ~PF_TOKEN;
	}
}

/*
 * Pages a mremap added to a mapping (grown in place, or the tail of a
 * move): fresh private memory, or past the end of a shared object, where
 * an access is SIGBUS. Unknown until touched.
 */
static inline void model_grown(struct region *rg, unsigned long first, unsigned long last, uint32_t vma)
{
	for (unsigned long i = first; i < last; i++)
		rg->pages[i] = (struct page_model){ .state = PS_UNKNOWN, .maybus = 1, .vma = vma };
}

/*
 * The kernel read or wrote page i on the program's behalf (a futex word):
 * if the page was not known mapped, a stack above may have grown down to
 * it, as for a fault of the program's own. Everything up to the next
 * mapped page is unknown.
 */
static inline void model_kernel_touched(struct region *rg, unsigned long i)
{
	unsigned long j = i;

	while (j < rg->npages && rg->pages[j].state != PS_MAPPED)
		j++;
	model_forget(rg, i, j);
}

static inline void model_clear_flags(struct region *rg, unsigned long first, unsigned long last, int flags)
{
	for (unsigned long i = first; i < last; i++)
		rg->pages[i].flags &= ~flags;
}

/* What fork's child finds at page i: WIPEONFORK and DONTFORK set or cleared (when known). */
static inline void model_fork_flags(struct region *rg, unsigned long first, unsigned long last,
				    int set, int clear, int known)
{
	for (unsigned long i = first; i < last; i++) {
		struct page_model *pm = &rg->pages[i];

		if (pm->state != PS_MAPPED)
			continue;
		if (!known) {
			pm->flags &= ~PF_FORK_KNOWN;
			continue;
		}
		pm->flags = (pm->flags & ~clear) | set;
	}
}

/* What fork's child has of rg: nothing where DONTFORK, zeroes where WIPEONFORK. */
static inline void model_fork(struct region *rg)
{
	for (unsigned long i = 0; i < rg->npages; i++) {
		struct page_model *pm = &rg->pages[i];

		pm->vma = 0;
		if (pm->state != PS_MAPPED)
			continue;
		if (!(pm->flags & PF_FORK_KNOWN))
			*pm = (struct page_model){ .state = PS_UNKNOWN, .maybus = pm->maybus };
		else if (pm->flags & PF_DONTFORK)
			*pm = (struct page_model){ .state = PS_UNMAPPED };
		else if (pm->flags & PF_WIPE)
			pm->token = 0;
	}
}

/*
 * What an access to page i should do. An unmapped page may belong to a
 * stack above it that grows down to it: then the model does not predict.
 */
static inline enum expect model_expect(const struct region *rg, unsigned long i, int write)
{
	const struct page_model *pm = &rg->pages[i];

	if (pm->state == PS_UNKNOWN)
		return EXPECT_UNKNOWN;
	if (pm->state == PS_UNMAPPED) {
		for (unsigned long j = i + 1; j < rg->npages && j <= i + FZ_STACK_PAGES; j++) {
			if (rg->pages[j].state == PS_UNKNOWN)
				return EXPECT_UNKNOWN;
			if (rg->pages[j].state == PS_MAPPED)
				return (rg->pages[j].flags & (PF_KIND_KNOWN | PF_GROWSDOWN)) == PF_KIND_KNOWN ?
				       EXPECT_MAPERR : EXPECT_UNKNOWN;
		}
		return EXPECT_MAPERR;	/* nothing above it in the region, and the region ends in a hole */
	}
	if (!(pm->flags & PF_PROT) || pm->xonly || pm->maybus)
		return EXPECT_UNKNOWN;
	if (write)
		return pm->prot & PROT_WRITE ? EXPECT_OK : EXPECT_ACCERR;
	return pm->prot & (PROT_READ | PROT_WRITE | PROT_EXEC) ? EXPECT_OK : EXPECT_ACCERR;
}

/*
 * After an access whose outcome the model did not predict: what it learns.
 * fault: 0, SEGV_MAPERR or SEGV_ACCERR; value: what a read found or a write
 * left.
 */
static inline void model_learn(struct region *rg, unsigned long i, int write, int fault, uint64_t value)
{
	struct page_model *pm = &rg->pages[i];

	if (fault == SEGV_MAPERR) {
		*pm = (struct page_model){ .state = PS_UNMAPPED };
		return;
	}
	if (pm->state != PS_MAPPED) {
		/*
		 * A stack may have grown down over it (and, with ACCERR, its
		 * rights refused the access after that, as Linux grows even a
		 * PROT_NONE stack): every page up to the stack is part of it now.
		 * Fresh, with the stack's rights, if the model knows where the
		 * stack begins; unknown if a page on the way is, or if this one
		 * was (it may have been mapped all along, or not).
		 */
		unsigned long j = i;
		int sure = pm->state == PS_UNMAPPED;

		while (j < rg->npages && rg->pages[j].state != PS_MAPPED)
			sure &= rg->pages[j++].state == PS_UNMAPPED;
		if (sure && j < rg->npages) {
			struct page_model stack = rg->pages[j];

			for (unsigned long k = i; k < j; k++) {
				rg->pages[k] = stack;
				rg->pages[k].token = 0;
				/* the stack's VMA grew: its DONTFORK and WIPEONFORK cover the new part too */
				rg->pages[k].flags |= PF_TOKEN;
			}
		} else {
			model_forget(rg, i, j);
		}
	}
	if (pm->state != PS_MAPPED)
		*pm = (struct page_model){ .state = PS_MAPPED, .maybus = pm->maybus };
	if (fault == SEGV_ACCERR) {
		if (!write) {
			pm->prot = PROT_NONE;
			pm->flags |= PF_PROT;
		} else if (pm->flags & PF_PROT) {
			pm->prot &= ~PROT_WRITE;
		}
		return;
	}
	if (fault) {			/* SIGBUS or a protection key: nothing simple to learn */
		pm->maybus |= fault == 100 + SIGBUS;
		return;
	}
	pm->maybus = 0;			/* inside the object, if there is one */
	pm->token = value;
	pm->flags |= PF_TOKEN;
	if (write && (pm->flags & PF_PROT))
		pm->prot |= PROT_WRITE;
}

#endif /* NUMBAT_USER_FUZZ_MODEL_H */
