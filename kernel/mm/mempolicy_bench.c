/*
 * kernel/mm/mempolicy_bench.c - what memory policies cost (kernel/bench.h):
 *
 *   mpol_alloc_interleave  every CPU allocates and frees pages through
 *                          alloc_page_vma() (the allocation a page fault
 *                          makes) in its own slice of one VMA with an
 *                          interleave policy, at the addresses it puts on
 *                          the CPU's own node: one policy object, looked up
 *                          and referenced by every CPU at every page, in
 *                          each mode of mpol_ref (atomic, percpu)
 *   mpol_lookup            the same lookups without the allocation: the
 *                          reference taken and dropped alone
 *   mpol_alloc_policy_cost one CPU, the same allocation with no policy at
 *                          all (the static one) and with a percpu-counted
 *                          MPOL_LOCAL policy, which places pages the same
 *                          way: what the unconditional reference costs a
 *                          fault (mpol_alloc_bind_cost: with MPOL_BIND to
 *                          the local node instead, the allocator's node
 *                          mask added)
 *   shared_alloc_atomic,   the same through a shared object's range policy,
 *   shared_alloc_percpu    in each mode of shared_mpol_ref (a reference per
 *                          lookup, or none: the VMA's), with the policy's
 *                          count atomic, then per-CPU
 *   migrate_rate           one CPU moves the pages of a private mapping and
 *                          of a shared one back and forth between two nodes:
 *                          pages per second
 *
 * The host these run on is shared and TCG's vCPUs outnumber its cores, so
 * one measurement swings by a factor of two from run to run: each figure
 * here is the best of BEST_OF measurements, taken alternating between the
 * modes, so that a burst of load on the host hits both alike.
 *
 * The mappings are never faulted (except migrate_rate's): the benchmark
 * measures the policy lookup and the allocation, not page-table work or
 * the TLB shootdowns of freeing (see vma_bench.c for those). A policy
 * keeps the reference kind it was made with, so the `before` hooks make
 * new ones in each mode.
 */
#include "kernel/bench.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/migrate.h"
#include "kernel/mm/vma.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/technique.h"
#include "kernel/sync/rcupdate.h"
#include "kernel/lib/string.h"

#define ALLOC_BATCH	32			/* pages allocated and freed per call */
#define SLICE		(64UL * PAGE_SIZE)	/* each CPU's addresses in the mapping */
#define BENCH_BASE	0x40000000UL
#define MIGRATE_PAGES	128			/* pages moved back and forth in migrate_rate */
#define MIGRATE_BATCH	16			/* pages moved per call */
#define RW		(PROT_READ | PROT_WRITE)
#define BEST_OF		5	/* measurements per mode, alternating modes: the best counts */

struct mpol_bench {
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	unsigned long flags;		/* MAP_PRIVATE or MAP_SHARED */
	int mode;			/* the policy each `before` installs */
	nodemask_t nodes;
	unsigned long next;		/* migrate_rate: the next page to move */
};

/*
 * Each CPU allocates at the addresses of its slice that the policy puts
 * on its own node (every n-th page under interleave), so that the page
 * allocator's per-CPU lists serve it and the one line all the CPUs share
 * is the policy's (its count, under mpol_ref=atomic; the range tree's
 * lock and the count, for a shared object).
 */
static unsigned long alloc_body(void *arg, int cpu)
{
	struct mpol_bench *b = arg;
	unsigned long base = b->vma->vm_start + cpu * SLICE, step = 1, first = 0;
	int n = nodes_weight(&b->nodes);

	if (b->mode == MPOL_INTERLEAVE && n > 1) {
		unsigned long ilx = linear_page_index(b->vma, base);
		int want = 0;

		while (want < n && nth_node(want, &b->nodes) != numa_mem_id())
			want++;
		step = n;
		first = ((unsigned long)want + n - ilx % n) % n;	/* the first page that interleaves here */
	}
	for (int i = 0; i < ALLOC_BATCH; i++) {
		unsigned long addr = base + ((first + i * step) % (SLICE >> PAGE_SHIFT)) * PAGE_SIZE;
		struct page *page = alloc_page_vma(__GFP_MOVABLE, b->vma, addr);
		if (page)
			put_page(page);
	}
	return ALLOC_BATCH;
}

/* A fresh mapping (shared: a fresh object) with a fresh policy, made in the modes in force now. */
static void remap(void *arg)
{
	struct mpol_bench *b = arg;
	user_nodemask_t u = kernel_nodes_to_user(&b->nodes);
	struct mempolicy *pol = NULL;
	unsigned long len = MAX_CPUS * SLICE;

	vm_munmap(b->mm, BENCH_BASE, len);
	vm_mmap(b->mm, BENCH_BASE, len, RW, b->flags | MAP_ANONYMOUS | MAP_FIXED, 0);
	if (b->mode != MPOL_DEFAULT)
		mpol_create(b->mode, 0, &u, &pol);
	mpol_mbind_mm(b->mm, BENCH_BASE, len, pol);
	mpol_kill(pol);
	mmap_read_lock(b->mm);
	b->vma = find_vma(b->mm, BENCH_BASE);	/* stays: nothing changes the mm while measured */
	mmap_read_unlock(b->mm);
}

/* bench_technique() with each mode measured BEST_OF times, alternately, the best kept. */
static void bench_technique_best(const char *name, const char *technique, bench_body_fn body, void *arg,
				 void (*before)(void *arg))
{
	const struct technique *t = technique_find(technique);
	int counts[8], n = bench_cpu_counts(counts, 8);
	int saved = technique_mode_index(t, technique_mode_name(t));
	u64 rates[TECHNIQUE_MAX_MODES];

	for (int i = 0; i < n; i++) {
		memset(rates, 0, sizeof(rates));
		for (int round = 0; round < BEST_OF; round++)
			for (int m = 0; m < t->nr_modes; m++) {
				technique_set(t, m, NULL, 0);
				before(arg);
				rates[m] = max(rates[m], bench_run_on_cpus(counts[i], body, arg));
			}
		bench_report_modes(name, counts[i], t, rates);
	}
	technique_set(t, saved, NULL, 0);
}

static bool bench_setup(struct mpol_bench *b, unsigned long flags, int mode, nodemask_t nodes)
{
	b->mm = mm_alloc();
	b->flags = flags;
	b->mode = mode;
	b->nodes = nodes;
	if (!b->mm) {
		pr_err("bench: no memory for the memory-policy benchmark\n");
		return false;
	}
	remap(b);
	return true;
}

static void bench_teardown(struct mpol_bench *b)
{
	mmput(b->mm);
	rcu_barrier();
}

BENCHMARK(mpol_alloc_interleave)
{
	struct mpol_bench b;

	if (!bench_setup(&b, MAP_PRIVATE, MPOL_INTERLEAVE, node_states_memory()))
		return;
	bench_technique_best("mpol_alloc_interleave", "mpol_ref", alloc_body, &b, remap);
	bench_teardown(&b);
}

/* The lookup alone, as a fault makes it and drops it: what the technique changes. */
static unsigned long lookup_body(void *arg, int cpu)
{
	struct mpol_bench *b = arg;
	unsigned long addr = b->vma->vm_start + cpu * SLICE;

	for (int i = 0; i < ALLOC_BATCH; i++) {
		struct mpol_lookup l;

		rcu_read_lock();
		get_vma_policy(b->vma, addr + i * PAGE_SIZE, true, &l);
		mpol_lookup_done(&l);
		rcu_read_unlock();
	}
	return ALLOC_BATCH;
}

BENCHMARK(mpol_lookup)
{
	struct mpol_bench b;

	if (!bench_setup(&b, MAP_PRIVATE, MPOL_INTERLEAVE, node_states_memory()))
		return;
	bench_technique_best("mpol_lookup", "mpol_ref", lookup_body, &b, remap);
	bench_teardown(&b);
}

BENCHMARK(mpol_alloc_policy_cost)
{
	int saved = technique_use("mpol_ref", MPOL_REF_PERCPU);
	struct mpol_bench b;
	u64 none = 0, local = 0, bind = 0;

	if (!bench_setup(&b, MAP_PRIVATE, MPOL_DEFAULT, NODE_MASK_NONE))
		return;
	for (int round = 0; round < BEST_OF; round++) {
		b.mode = MPOL_DEFAULT;		/* the static default policy: no reference */
		b.nodes = NODE_MASK_NONE;
		remap(&b);
		none = max(none, bench_run_on_cpus(1, alloc_body, &b));
		b.mode = MPOL_LOCAL;		/* the same placement, through a counted policy */
		remap(&b);
		local = max(local, bench_run_on_cpus(1, alloc_body, &b));
		b.mode = MPOL_BIND;		/* ... and a node mask for the allocator to honour */
		b.nodes = nodemask_of_node(cpu_to_mem(0));	/* bench_run_on_cpus(1) runs on the first CPU */
		remap(&b);
		bind = max(bind, bench_run_on_cpus(1, alloc_body, &b));
	}
	/* first the reference alone (what mpol_ref changes), then with a mask's work added */
	bench_report("mpol_alloc_policy_cost", 1, "percpu-local", local, "no-policy", none);
	bench_report("mpol_alloc_bind_cost", 1, "percpu-bind-local", bind, "no-policy", none);
	bench_teardown(&b);
	if (saved >= 0)
		technique_use("mpol_ref", saved);
}

static void shared_alloc(const char *name, int ref_mode)
{
	int saved = technique_use("mpol_ref", ref_mode);
	struct mpol_bench b;

	if (!bench_setup(&b, MAP_SHARED, MPOL_INTERLEAVE, node_states_memory()))
		return;
	bench_technique_best(name, "shared_mpol_ref", alloc_body, &b, remap);
	bench_teardown(&b);
	if (saved >= 0)
		technique_use("mpol_ref", saved);
}

BENCHMARK(shared_alloc_atomic)
{
	shared_alloc("shared_alloc_atomic", MPOL_REF_ATOMIC);
}

BENCHMARK(shared_alloc_percpu)
{
	shared_alloc("shared_alloc_percpu", MPOL_REF_PERCPU);
}

/* Moves the next MIGRATE_BATCH pages to the node they are not on. */
static unsigned long migrate_body(void *arg, int cpu)
{
	struct mpol_bench *b = arg;
	int a = first_node(&b->nodes), other = nth_node(1, &b->nodes);
	unsigned long moved = 0;

	mmap_read_lock(b->mm);
	for (int i = 0; i < MIGRATE_BATCH; i++) {
		unsigned long addr = BENCH_BASE + (b->next++ % MIGRATE_PAGES) * PAGE_SIZE;
		int nid = page_node_at(b->vma, addr);

		moved += migrate_page_to_node(b->vma, addr, nid == a ? other : a, 0) >= 0;
	}
	mmap_read_unlock(b->mm);
	return moved;
}

static u64 migrate_rate(unsigned long flags, nodemask_t nodes)
{
	struct mpol_bench b;
	u64 rate;

	if (!bench_setup(&b, flags, MPOL_DEFAULT, nodes))
		return 0;
	vm_munmap(b.mm, BENCH_BASE, MAX_CPUS * SLICE);
	vm_mmap(b.mm, BENCH_BASE, MIGRATE_PAGES * PAGE_SIZE, RW, flags | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, 0);
	mmap_read_lock(b.mm);
	b.vma = find_vma(b.mm, BENCH_BASE);
	mmap_read_unlock(b.mm);
	b.next = 0;
	rate = bench_run_on_cpus(1, migrate_body, &b);
	bench_teardown(&b);
	return rate;
}

BENCHMARK(migrate_rate)
{
	nodemask_t mems = node_states_memory();

	if (nodes_weight(&mems) < 2) {
		console_printf("bench migrate_rate  needs two nodes with memory: skipped\n");
		return;
	}
	bench_report("migrate_rate", 1, "private", migrate_rate(MAP_PRIVATE, mems),
		     "shared", migrate_rate(MAP_SHARED, mems));
}
