/*
 * user/lib/fuzz_effect.h - what a call of the fuzzer (user/fuzz.c) did to
 * the memory its model follows (user/lib/fuzz_model.h), for the calls whose
 * effect takes more than a line: madvise's advice by advice, and mremap's
 * shrinking, growing and moving. The rest is apply_effect in user/fuzz.c.
 * Each works on the fuzzer's regions rgs[0..n).
 */
#ifndef NUMBAT_USER_FUZZ_EFFECT_H
#define NUMBAT_USER_FUZZ_EFFECT_H

#include "fuzz_calls.h"

/* The body runs on the part of [addr, addr + len) in each region of rgs[0..n), as pages [first, last) of rg. */
#define FOR_EACH_SPAN(rgs, n, addr, len, rg, first, last)						\
	for (int _i = 0; _i < (n); _i++)								\
		for (struct region *rg = &(rgs)[_i]; rg; rg = NULL)					\
			if (region_span(rg, addr, len, &first, &last))

/* madvise: what each advice does to the pages it names. */
static void apply_madvise(struct region *rgs, int n, const struct call *c)
{
	unsigned long first, last;
	int adv = (int)c->a[2], ok = c->ret == 0 || c->ret == -ENOMEM, partial = c->ret == -EINVAL;

	if (c->ret && !ok && !partial)
		return;
	FOR_EACH_SPAN(rgs, n, c->a[0], c->a[1], rg, first, last) {
		switch (adv) {
		case MADV_DONTNEED:
		case 24:	/* MADV_DONTNEED_LOCKED */
			model_zap_private(rg, first, last, ok);
			break;
		case 21:	/* MADV_PAGEOUT: lazily freed pages may be gone */
			model_zap_private(rg, first, last, 0);
			break;
		case 18:	/* MADV_WIPEONFORK */
			model_fork_flags(rg, first, last, PF_WIPE, 0, ok);
			break;
		case 19:	/* MADV_KEEPONFORK */
			model_fork_flags(rg, first, last, 0, PF_WIPE, ok);
			break;
		case MADV_DONTFORK:
			model_fork_flags(rg, first, last, PF_DONTFORK, 0, ok);
			break;
		case MADV_DOFORK:
			model_fork_flags(rg, first, last, 0, PF_DONTFORK, ok);
			break;
		case 0: case 1: case 2: case 3: case 8: case 12: case 13: case 14: case 15: case 16: case 17:
		case 20: case 22: case 23:
			break;			/* hints, lazy freeing, faulting in: the data stays */
		default:
			if (ok)			/* REMOVE, guard pages...: learn it again */
				model_forget(rg, first, last);
			break;
		}
	}
}

/* The region addr lies in, or NULL. */
static struct region *region_of(struct region *rgs, int n, unsigned long addr)
{
	for (int i = 0; i < n; i++)
		if (addr >= rgs[i].base && addr < region_end(&rgs[i]))
			return &rgs[i];
	return NULL;
}

/* The model of the page at addr, or NULL outside the regions. */
static struct page_model *model_at(struct region *rgs, int n, unsigned long addr)
{
	struct region *rg = region_of(rgs, n, addr);

	return rg ? &rg->pages[(addr - rg->base) / FZ_PAGE] : NULL;
}

/* Forgets what the model knew of [addr, addr + len) in every region. */
static void forget_range(struct region *rgs, int n, unsigned long addr, unsigned long len)
{
	unsigned long first, last;

	FOR_EACH_SPAN(rgs, n, addr, len, rg, first, last)
		model_forget(rg, first, last);
}

/*
 * mremap: shrunk, the tail is gone; grown in place, the new part is learnt
 * again; moved, the pages go with their data, the old range is gone (or,
 * with MREMAP_DONTUNMAP, stays mapped and empty: private pages read zero,
 * shared ones keep their data). A failure after MREMAP_FIXED may come once
 * the target (and the old tail) are unmapped: both are learnt again.
 */
static void apply_mremap(struct region *rgs, int n, const struct call *c)
{
	unsigned long a = c->a[0], fl = c->a[3], first, last;
	unsigned long ol = (c->a[1] + FZ_PAGE - 1) & ~(FZ_PAGE - 1), nl = (c->a[2] + FZ_PAGE - 1) & ~(FZ_PAGE - 1);
	unsigned long r = (unsigned long)c->ret, keep = ol < nl ? ol : nl;
	struct page_model *before = ol ? model_at(rgs, n, a + ol - FZ_PAGE) : NULL;
	uint32_t vma = model_new_vma();

	if (c->ret < 0 && c->ret > -4096) {
		if ((fl & FZ_MREMAP_FIXED) && !(c->a[4] & (FZ_PAGE - 1)) && nl < BEYOND_ALL) {
			forget_range(rgs, n, c->a[4], nl);
			if (ol > nl)
				forget_range(rgs, n, a + nl, ol - nl);
		}
		return;
	}
	if (r == a) {				/* in place */
		if (nl < ol) {
			FOR_EACH_SPAN(rgs, n, a + nl, ol - nl, rg, first, last)
				model_unmap(rg, first, last);
		} else if (nl > ol) {
			/* the same VMA, longer */
			FOR_EACH_SPAN(rgs, n, a + ol, nl - ol, rg, first, last)
				model_grown(rg, first, last, before ? before->vma : 0);
		}
		return;
	}
	if (!ol) {				/* a second mapping of a shared object, maybe longer */
		if (r != ELSEWHERE)
			FOR_EACH_SPAN(rgs, n, r, nl, rg, first, last)
				model_grown(rg, first, last, vma);
		return;
	}
	if (r != ELSEWHERE) {
		for (unsigned long off = 0; off < keep; off += FZ_PAGE) {
			struct page_model *from = model_at(rgs, n, a + off), *to = model_at(rgs, n, r + off);
			if (!to)
				continue;
			/* (a move succeeds only over one VMA: a page the model had unmapped was mapped after all) */
			*to = from && from->state != PS_UNMAPPED ? *from : (struct page_model){ .state = PS_UNKNOWN, .maybus = 1 };
			to->vma = vma;		/* a VMA of its own, that keeps its anon_vma */
			/* the token sits at an offset of its own in each page: the new page's word is another one */
			if (!from || token_offset(from - region_of(rgs, n, a + off)->pages) !=
				     token_offset(to - region_of(rgs, n, r + off)->pages))
				to->flags &= ~PF_TOKEN;
		}
		if (nl > keep)
			FOR_EACH_SPAN(rgs, n, r + keep, nl - keep, rg, first, last)
				model_grown(rg, first, last, vma);
	}
	if (fl & FZ_MREMAP_DONTUNMAP) {
		FOR_EACH_SPAN(rgs, n, a, ol, rg, first, last)
			model_zap_private(rg, first, last, 1);
	} else {
		FOR_EACH_SPAN(rgs, n, a, ol, rg, first, last)
			model_unmap(rg, first, last);
	}
}

#endif /* NUMBAT_USER_FUZZ_EFFECT_H */
