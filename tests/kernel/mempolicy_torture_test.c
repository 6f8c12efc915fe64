/*
 * tests/kernel/mempolicy_torture_test.c - memory policies under fire, in
 * each mode of mpol_ref and shared_mpol_ref, then with both flipping.
 *
 * On every CPU an allocator thread allocates, again and again, under its
 * task policy (looked up with a reference and checked against the node it
 * got while the reference is held) and faults pages in a private mapping
 * of its own mm whose VMA policy it re-mbinds at random (each page's node
 * checked against the VMA's policy: exact for interleave, in the mask for
 * bind). Replacer threads install new task policies on the allocators all
 * the time. Meanwhile the user program mpol_torture replaces its workers'
 * policies through pidfd_set_mempolicy while they attach a SysV segment,
 * mbind it, fault it and detach it (user/mpol_torture.c).
 *
 * What must hold: no page outside what its policy allows; no freed policy
 * used (debug builds poison and count: mempolicy_use_after_free_count);
 * no policy, segment or page left over (the suite's leak check). `make
 * test` runs a few rounds per phase; `make torture` runs each phase for
 * its share of rcutorture.duration=.
 */
#include "tests/kernel/mm_test_util.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/migrate.h"
#include "kernel/proc/proc.h"
#include "kernel/smp.h"
#include "kernel/technique.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/lib/vsprintf.h"

#define BASE			0x60000000UL
#define VMA_PAGES		8
#define RW			(PROT_READ | PROT_WRITE)
#define TORTURE_USER_ROUNDS	4	/* mpol_torture rounds per phase in `make test` */
#define FLIP_MS			3	/* the flipper changes the modes this often */
#define REPLACE_BATCH		16	/* replacements between naps */
#define ALLOC_BATCH		8	/* allocations between naps */
#define NAP_US			200	/* allocators and replacers nap this long: the user program needs CPUs too */

extern unsigned long rcutorture_duration_s;	/* rcutorture.duration=, rcutorture_test.c */

struct allocator {
	struct task *t;
	struct mm_struct *mm;
	unsigned long seed;
};

static struct allocator allocators[MAX_CPUS];
static int nr_allocators;
static volatile bool torture_stop;
static atomic_long_t allocations, pages_checked, misplaced, replacements, rebinds;

static unsigned long next_rnd(unsigned long *s)
{
	*s = *s * 6364136223846793005UL + 1442695040888963407UL;
	return *s >> 33;
}

/* A random policy over the nodes with memory, or NULL (MPOL_DEFAULT). */
static struct mempolicy *random_policy(unsigned long *seed)
{
	static const int modes[] = { MPOL_DEFAULT, MPOL_PREFERRED, MPOL_BIND, MPOL_INTERLEAVE, MPOL_LOCAL,
				     MPOL_PREFERRED_MANY, MPOL_WEIGHTED_INTERLEAVE };
	nodemask_t mems = node_states_memory(), mask;
	int mode = modes[next_rnd(seed) % ARRAY_SIZE(modes)];
	user_nodemask_t u = { { 0 } };
	struct mempolicy *pol = NULL;

	mask.bits[0] = mems.bits[0] & next_rnd(seed);
	if (nodes_empty(&mask))
		mask = mems;
	if (mode != MPOL_DEFAULT && mode != MPOL_LOCAL)
		u = kernel_nodes_to_user(&mask);
	mpol_create(mode, 0, &u, &pol);
	return pol;
}

static bool allowed(struct mempolicy *pol, unsigned long ilx, int nid)
{
	switch (pol->mode) {
	case MPOL_BIND:
		return node_isset(nid, &pol->nodes);
	case MPOL_INTERLEAVE:
	case MPOL_WEIGHTED_INTERLEAVE:
		return ilx == NO_INTERLEAVE_INDEX ? node_isset(nid, &pol->nodes) : nid == interleave_nid(pol, ilx);
	default:
		return true;		/* a preference: any node when the preferred one is full */
	}
}

/* One allocation under the task's policy, checked while its reference is held. */
static void allocate_under_task_policy(void)
{
	struct mpol_lookup l;
	struct page *page;

	get_vma_policy(NULL, 0, false, &l);
	page = alloc_pages_mpol(__GFP_MOVABLE, 0, l.pol, l.ilx, numa_node_id());
	if (page) {
		if (!allowed(l.pol, l.ilx, page_to_nid(page)))
			atomic_long_inc(&misplaced);
		put_page(page);
		atomic_long_inc(&allocations);
	}
	mpol_lookup_done(&l);
}

/* Re-mbinds the allocator's own mapping, faults it, checks every page, drops them. */
static void fault_under_vma_policy(struct allocator *a)
{
	struct mempolicy *pol = random_policy(&a->seed);

	if (mpol_mbind_mm(a->mm, BASE, VMA_PAGES * PAGE_SIZE, pol) == 0)
		atomic_long_inc(&rebinds);
	mpol_kill(pol);			/* the VMA has its copy */
	for (unsigned long addr = BASE; addr < BASE + VMA_PAGES * PAGE_SIZE; addr += PAGE_SIZE)
		probe_write(addr, addr);
	mmap_read_lock(a->mm);
	for (unsigned long addr = BASE; addr < BASE + VMA_PAGES * PAGE_SIZE; addr += PAGE_SIZE) {
		struct vm_area_struct *vma = find_vma(a->mm, addr);
		struct mempolicy *vp = vma_policy_get(vma, addr);
		int nid = page_node_at(vma, addr);

		if (vp && nid >= 0 && !allowed(vp, linear_page_index(vma, addr), nid))
			atomic_long_inc(&misplaced);
		atomic_long_inc(&pages_checked);
		mpol_put(vp);
	}
	mmap_read_unlock(a->mm);
	vm_madvise(a->mm, BASE, VMA_PAGES * PAGE_SIZE, MADV_DONTNEED);
}

static int allocator_thread(void *arg)
{
	struct allocator *a = arg;

	kthread_use_mm(a->mm);
	for (unsigned long n = 0; !READ_ONCE(torture_stop); n++) {
		for (int i = 0; i < ALLOC_BATCH; i++)
			allocate_under_task_policy();
		if (n % 4 == 0)
			fault_under_vma_policy(a);
		schedule_timeout_uninterruptible(NAP_US * NSEC_PER_USEC);
	}
	mpol_task_exit(current);	/* its policy goes; replacers get -ESRCH from now on */
	kthread_unuse_mm(a->mm);
	return 0;
}

static int replacer_thread(void *arg)
{
	unsigned long seed = (unsigned long)arg * 0x9e3779b97f4a7c15UL + 1;

	while (!READ_ONCE(torture_stop)) {
		for (int i = 0; i < REPLACE_BATCH; i++) {
			struct allocator *a = &allocators[next_rnd(&seed) % nr_allocators];
			if (!task_policy_install(a->t, random_policy(&seed)))
				atomic_long_inc(&replacements);
		}
		schedule_timeout_uninterruptible(NAP_US * NSEC_PER_USEC);
	}
	return 0;
}

static int flipper_thread(void *arg)
{
	const struct technique *r = technique_find("mpol_ref"), *s = technique_find("shared_mpol_ref");
	unsigned int i = 0;

	while (!READ_ONCE(torture_stop)) {
		technique_set(r, i % r->nr_modes, NULL, 0);
		technique_set(s, (i / 2) % s->nr_modes, NULL, 0);
		i++;
		msleep(FLIP_MS);
	}
	return 0;
}

/* One phase: allocators and replacers on every CPU, mpol_torture beside them. */
static void phase(struct kunit *test, int ref_mode, int shared_mode, bool flip, unsigned long seconds)
{
	struct task *helpers[MAX_CPUS + 1];
	char workers[12], rounds[12], secs[24];
	char *argv[] = { "mpol_torture", "-w", workers, "-r", rounds, "-t", secs, NULL };
	int cpu, n = 0, pid, status = -1;

	technique_use("mpol_ref", ref_mode);
	technique_use("shared_mpol_ref", shared_mode);
	torture_stop = false;
	nr_allocators = 0;
	for_each_online_cpu(cpu) {
		struct allocator *a = &allocators[nr_allocators];

		a->mm = mm_alloc();
		a->seed = cpu * 7919 + 17;
		if (!a->mm || vm_mmap(a->mm, BASE, VMA_PAGES * PAGE_SIZE, RW,
				      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0) != (long)BASE) {
			KUNIT_FAIL(test, "no memory for an allocator's mm");
			if (a->mm)
				mmput(a->mm);
			continue;
		}
		a->t = kthread_create(allocator_thread, a, "mpol_alloc/%d", cpu);
		if (!a->t) {
			mmput(a->mm);
			continue;
		}
		kthread_bind(a->t, cpu);
		nr_allocators++;
	}
	for (int i = 0; i < nr_allocators; i++)
		wake_up_process(allocators[i].t);
	for_each_online_cpu(cpu)
		if (cpu % 2 == 0 && (helpers[n] = kthread_create(replacer_thread, (void *)(long)cpu, "mpol_repl/%d", cpu))) {
			kthread_bind(helpers[n], cpu);
			wake_up_process(helpers[n++]);
		}
	if (flip && (helpers[n] = kthread_run(flipper_thread, NULL, "mpol_flipper")))
		n++;
	scnprintf(workers, sizeof(workers), "%d", max(2, num_online_cpus()));
	scnprintf(rounds, sizeof(rounds), "%d", TORTURE_USER_ROUNDS);
	scnprintf(secs, sizeof(secs), "%lu", seconds);
	pid = spawn_user("mpol_torture", argv);
	if (pid > 0)
		KUNIT_EXPECT_EQ(test, wait_user(pid, &status), 0);
	WRITE_ONCE(torture_stop, true);
	for (int i = 0; i < n; i++)
		kthread_stop(helpers[i]);	/* replacers first: they name the allocators' tasks */
	for (int i = 0; i < nr_allocators; i++) {
		mpol_task_exit(allocators[i].t);	/* the replacers are gone: nobody installs one again */
		kthread_stop(allocators[i].t);
		mmput(allocators[i].mm);
	}
	if (pid == -ENOENT)
		kunit_skip(test, "the user program mpol_torture is not packed in this image");
	KUNIT_ASSERT_GT(test, pid, 0);
	KUNIT_EXPECT_EQ(test, status, 0);
}

SELFTEST(mempolicy_torture, each_mode_then_flipping)
{
	unsigned long share = rcutorture_duration_s > 5 ? rcutorture_duration_s / 5 : 0;
	long bad = mempolicy_use_after_free_count();

	atomic_long_set(&allocations, 0);
	atomic_long_set(&pages_checked, 0);
	atomic_long_set(&misplaced, 0);
	atomic_long_set(&replacements, 0);
	atomic_long_set(&rebinds, 0);
	phase(test, MPOL_REF_ATOMIC, SHARED_MPOL_REF_LOOKUP, false, share);
	phase(test, MPOL_REF_ATOMIC, SHARED_MPOL_REF_PER_VMA, false, share);
	phase(test, MPOL_REF_PERCPU, SHARED_MPOL_REF_LOOKUP, false, share);
	phase(test, MPOL_REF_PERCPU, SHARED_MPOL_REF_PER_VMA, false, share);
	phase(test, MPOL_REF_PERCPU, SHARED_MPOL_REF_PER_VMA, true, share);
	rcu_barrier();
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, atomic_long_read(&misplaced), 0);
	KUNIT_EXPECT_EQ(test, mempolicy_use_after_free_count(), bad);
	KUNIT_EXPECT_GT(test, atomic_long_read(&allocations), 0);
	KUNIT_EXPECT_GT(test, atomic_long_read(&pages_checked), 0);
	KUNIT_EXPECT_GT(test, atomic_long_read(&replacements), 0);
	pr_info("mempolicy_torture: %ld allocations and %ld faulted pages checked, %ld misplaced, %ld task policies replaced, %ld VMA policies replaced, %ld pages migrated",
		atomic_long_read(&allocations), atomic_long_read(&pages_checked), atomic_long_read(&misplaced),
		atomic_long_read(&replacements), atomic_long_read(&rebinds), migrate_stat(MIGRATE_SUCCEEDED));
}
