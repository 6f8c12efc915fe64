/*
 * user/lib/fuzz_args.h - the fuzzer's dice (user/fuzz.c): a seeded
 * generator, the valid and hostile values each kind of argument is drawn
 * from, and the rule that keeps a call that could change memory inside the
 * fuzzer's own regions (or sure to fail before it changes anything), so
 * that no call can unmap or lock the fuzzer itself.
 *
 * Hostile values are chosen so that every kernel answers them alike: no
 * address or length falls between 2^47 (Numbat's and 4-level Linux's
 * TASK_SIZE) and 2^56 (Linux's with 5-level paging, as under QEMU's -cpu
 * max), and no length lies between the test machines' RAM sizes (a length
 * is small, or 2^40, larger than any RAM, or beyond every TASK_SIZE).
 */
#ifndef NUMBAT_USER_FUZZ_ARGS_H
#define NUMBAT_USER_FUZZ_ARGS_H

#include <stdint.h>
#include "fuzz_model.h"

#define ARENA_BASE	0x300000000000UL	/* free on Numbat and Linux alike */
#define ARENA_PAGES	1024			/* per worker: room for a stack and its guard gap */
/*
 * Workers' arenas, with holes between them wider than RLIMIT_STACK (8 MiB)
 * plus the guard gap: a MAP_GROWSDOWN mapping at the bottom of one arena
 * can never grow down into the top of the one below (a touch there would).
 */
#define ARENA_STRIDE	((ARENA_PAGES + 4096) * FZ_PAGE)
#define HEAP_PAGES	512			/* the region above the initial break (worker 0) */
#define AUX_BASE	0x200000000000UL	/* mailboxes, then a read-only page, then a hole */
#define MAX_WORKERS	8
#define AUX_RO		(AUX_BASE + MAX_WORKERS * FZ_PAGE)
#define AUX_HOLE	(AUX_BASE + (MAX_WORKERS + 2) * FZ_PAGE)	/* never mapped */
#define HUGE_LEN	(1UL << 40)		/* more than any machine's RAM */
#define BEYOND_ALL	(1UL << 56)		/* beyond every TASK_SIZE */
#define KERNEL_TEXT_ADDR 0xffffffff80000000UL
#define ELSEWHERE	0xe15e000000000000UL	/* the answer for a mapping the kernel placed where it chose */
#define LOW_FIXED_MIN	0x10000UL		/* MAP_FIXED lower: Linux maps page 0 for root, Numbat never */

/* splitmix64: every choice of a run comes from one seed, so a run replays exactly. */
struct rng {
	uint64_t s;
};

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
	return z ^ (z >> 31);
}

static inline uint64_t rnd(struct rng *r)
{
	return mix64(r->s += 0x9e3779b97f4a7c15UL);
}

static inline uint64_t rnd_below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static inline int chance(struct rng *r, int percent)
{
	return (int)rnd_below(r, 100) < percent;
}

#define PICK(r, array) ((array)[rnd_below(r, sizeof(array) / sizeof((array)[0]))])

static const unsigned long hostile_addrs[] = {
	0, 0x10, KERNEL_TEXT_ADDR, 0xffff800000000000UL, 1UL << 63, -FZ_PAGE, AUX_HOLE, AUX_RO,
};
static const unsigned long hostile_lens[] = {
	0, 1, FZ_PAGE - 1, -1UL, -FZ_PAGE, -FZ_PAGE - 1, 1UL << 63, HUGE_LEN, BEYOND_ALL + FZ_PAGE,
};

/* A range start: a page of a region, sometimes not page-aligned, sometimes hostile. */
static inline unsigned long gen_addr(struct rng *r, const struct region *rg, int nregions)
{
	const struct region *g = &rg[nregions > 1 && chance(r, 15) ? 1 : 0];
	int c = (int)rnd_below(r, 100);

	if (c < 78)
		return g->base + rnd_below(r, g->npages) * FZ_PAGE;
	if (c < 88)
		return g->base + rnd_below(r, g->npages) * FZ_PAGE + 1 + rnd_below(r, FZ_PAGE - 1);
	if (c < 91)
		return rg[0].base - FZ_PAGE;	/* below the arena: a hole (below the heap lies the BSS on
						   Numbat, a random gap on Linux: never drawn) */
	return PICK(r, hostile_addrs);
}

/* A length: a few pages, up to a region, not page-sized, or hostile. */
static inline unsigned long gen_len(struct rng *r, unsigned long npages)
{
	int c = (int)rnd_below(r, 100);

	if (c < 55)
		return (1 + rnd_below(r, 8)) * FZ_PAGE;
	if (c < 70)
		return (1 + rnd_below(r, npages)) * FZ_PAGE;
	if (c < 82)
		return 1 + rnd_below(r, 3 * FZ_PAGE);
	return PICK(r, hostile_lens);
}

/* Is [addr, addr + len), rounded out to pages, inside one of the regions? */
static inline int range_in_regions(const struct region *rg, int nregions, unsigned long addr, unsigned long len)
{
	unsigned long start = addr & ~(FZ_PAGE - 1), end = addr + len;

	if (!len || end < addr || end > ~0UL - FZ_PAGE)
		return 0;
	end = (end + FZ_PAGE - 1) & ~(FZ_PAGE - 1);
	for (int i = 0; i < nregions; i++)
		if (start >= rg[i].base && end <= region_end(&rg[i]))
			return 1;
	return 0;
}

/* An address where a call that stops at the first hole changes nothing (no VMA there). */
static inline int addr_is_hole(const struct region *rg, unsigned long addr)
{
	return addr >= BEYOND_ALL || addr < LOW_FIXED_MIN || (addr & ~(FZ_PAGE - 1)) == AUX_HOLE ||
	       (addr & ~(FZ_PAGE - 1)) == rg[0].base - FZ_PAGE;
}

/* Does [addr, addr + len) start in a region (calls that stop at a hole may run past its end)? */
static inline int start_in_regions(const struct region *rg, int nregions, unsigned long addr)
{
	for (int i = 0; i < nregions; i++)
		if (addr >= rg[i].base && addr < region_end(&rg[i]))
			return 1;
	return 0;
}

#endif /* NUMBAT_USER_FUZZ_ARGS_H */
