/*
 * tests/kernel/mempolicy_test.c - memory policies from inside: the
 * reference counting of both techniques, in every mode (mpol_ref=atomic|
 * percpu, shared_mpol_ref=lookup|per_vma).
 *
 *  - a task's policy replaced over and over while every CPU looks it up,
 *    holds it across reschedules and drops it: each replaced policy is
 *    released exactly once, never while held (a debug build's release
 *    observer sees every release), and none is used after (its poison);
 *  - static policies are handed out everywhere and never freed;
 *  - a shared object's policies count exactly the tree's reference plus
 *    one per attached VMA (per_vma) or the tree's alone (lookup) at every
 *    step of attach, split, fork, mbind, unmap, exit and IPC_RMID;
 *  - the range tree's splits; interleave and weighted interleave by index.
 * Page migration has its own suite (migrate_test.c).
 */
#include "tests/kernel/mm_test_util.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/shmem.h"
#include "kernel/mm/numa_maps.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"
#include "kernel/ipc/shm.h"
#include "kernel/sched/sched.h"
#include "kernel/smp.h"
#include "kernel/technique.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"

#define BASE		0x40000000UL
#define RW		(PROT_READ | PROT_WRITE)
#define SHARED_FIXED		(MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED)
#define PRIV_FIXED		(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
#define REPLACEMENTS	16	/* policies installed in turn under the lookers */
#define LOOKS		3000	/* lookups per CPU in the replacement race */

static struct mempolicy *make_policy(struct kunit *test, int mode, nodemask_t nodes)
{
	user_nodemask_t u = kernel_nodes_to_user(&nodes);
	struct mempolicy *pol;

	KUNIT_ASSERT_EQ(test, mpol_create(mode, 0, &u, &pol), 0);
	return pol;
}

static void settle(void)
{
	rcu_barrier();		/* a percpu kill's switch, then the free it queued */
	rcu_barrier();
}

/* ---- a task's policy replaced while every CPU uses it ---- */

struct race {
	struct task *target;
	struct mempolicy *pols[REPLACEMENTS + 1];
	atomic_t holders[REPLACEMENTS + 1];	/* lookers holding pols[i] now */
	atomic_t releases[REPLACEMENTS + 1];
	atomic_t released_while_held;
	atomic_t dead_seen;			/* a looked-up policy that was not alive */
	atomic_t installed;			/* how many pols[] the replacer has installed */
};
static struct race *the_race;

static int race_index(struct race *r, struct mempolicy *pol)
{
	for (int i = 0; i <= REPLACEMENTS; i++)
		if (r->pols[i] == pol)
			return i;
	return -1;
}

static void observe_release(struct mempolicy *pol)
{
	struct race *r = READ_ONCE(the_race);
	int i = r ? race_index(r, pol) : -1;

	if (i < 0)
		return;
	if (atomic_read(&r->holders[i]))
		atomic_inc(&r->released_while_held);
	atomic_inc(&r->releases[i]);
}

static void race_worker(struct kunit *test, int cpu, void *arg)
{
	struct race *r = arg;

	for (int n = 0; n < LOOKS; n++) {
		struct mempolicy *pol = task_policy_get(r->target);
		int i = pol ? race_index(r, pol) : -1;

		if (i >= 0)
			atomic_inc(&r->holders[i]);
		if (pol && (pol->mode != MPOL_INTERLEAVE || nodes_empty(&pol->nodes)))
			atomic_inc(&r->dead_seen);	/* poisoned or reused under us */
		if (n % 64 == 0)
			cond_resched();		/* hold it across a grace period now and then */
		if (i >= 0)
			atomic_dec(&r->holders[i]);
		mpol_put(pol);
		/* cpu 0 replaces it now and then, while the others hold and drop */
		if (cpu == 0 && n % (LOOKS / REPLACEMENTS) == 0) {
			int k = atomic_read(&r->installed);
			if (k <= REPLACEMENTS) {
				task_policy_install(r->target, r->pols[k]);
				atomic_inc(&r->installed);
			}
		}
	}
}

static void replacement_race(struct kunit *test, int mode)
{
	static struct race r;
	long live = nr_mempolicies(), bad = mempolicy_use_after_free_count();
	nodemask_t mems = node_states_memory();

	technique_use("mpol_ref", mode);
	memset(&r, 0, sizeof(r));
	r.target = current;
	for (int i = 0; i <= REPLACEMENTS; i++) {
		r.pols[i] = make_policy(test, MPOL_INTERLEAVE, mems);
		KUNIT_EXPECT_EQ(test, r.pols[i]->ref_kind, mode);
	}
	WRITE_ONCE(the_race, &r);
	mpol_release_observer = observe_release;
	test_on_each_cpu(test, race_worker, &r);
	/* policies never installed are killed by us; then the last one leaves the task */
	for (int k = atomic_read(&r.installed); k <= REPLACEMENTS; k++)
		mpol_kill(r.pols[k]);
	task_policy_install(current, NULL);
	settle();
	mpol_release_observer = NULL;
	WRITE_ONCE(the_race, NULL);
	for (int i = 0; i <= REPLACEMENTS; i++)
		KUNIT_EXPECT_EQ(test, atomic_read(&r.releases[i]), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&r.released_while_held), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&r.dead_seen), 0);
	KUNIT_EXPECT_EQ(test, mempolicy_use_after_free_count(), bad);
	KUNIT_EXPECT_EQ(test, nr_mempolicies(), live);
}

SELFTEST(mempolicy, task_policy_replaced_while_every_cpu_holds_it_atomic)
{
	replacement_race(test, MPOL_REF_ATOMIC);
}

SELFTEST(mempolicy, task_policy_replaced_while_every_cpu_holds_it_percpu)
{
	replacement_race(test, MPOL_REF_PERCPU);
}

/* ---- static policies ---- */

static void static_worker(struct kunit *test, int cpu, void *arg)
{
	for (int n = 0; n < LOOKS; n++) {
		struct mpol_lookup l;

		get_vma_policy(NULL, 0, false, &l);
		if (!mpol_is_static(l.pol) || mpol_refcount(l.pol) != -1)
			atomic_inc(arg);
		mpol_get(l.pol);
		mpol_put(l.pol);
		mpol_kill(l.pol);	/* a no-op: nobody can free it */
		mpol_lookup_done(&l);
	}
}

SELFTEST(mempolicy, static_policies_are_never_freed)
{
	long live = nr_mempolicies();
	struct mpol_lookup l;
	atomic_t bad = ATOMIC_INIT(0);
	char buf[64];

	KUNIT_EXPECT_NULL(test, READ_ONCE(current->mempolicy));
	test_on_each_cpu(test, static_worker, &bad);
	KUNIT_EXPECT_EQ(test, atomic_read(&bad), 0);
	get_vma_policy(NULL, 0, false, &l);
	KUNIT_EXPECT_EQ(test, l.pol->mode, MPOL_PREFERRED);	/* preferred_node_policy[this node] */
	KUNIT_EXPECT_TRUE(test, node_isset(numa_node_id(), &l.pol->nodes));
	mpol_to_str(buf, sizeof(buf), l.pol);
	KUNIT_EXPECT_STREQ(test, buf, "default");	/* as numa_maps shows it */
	mpol_lookup_done(&l);
	KUNIT_EXPECT_EQ(test, nr_mempolicies(), live);
}

/* ---- making, copying, comparing ---- */

SELFTEST(mempolicy, create_dup_equal_and_strings)
{
	nodemask_t mems = node_states_memory();
	user_nodemask_t none = { { 0 } }, rel = { { 1UL << 5 } };
	struct mempolicy *a = make_policy(test, MPOL_BIND, mems), *b, *c;
	char buf[64], want[64];

	KUNIT_ASSERT_EQ(test, mpol_dup(a, &b), 0);
	KUNIT_EXPECT_TRUE(test, mpol_equal(a, b));
	KUNIT_EXPECT_NE(test, (long)a, (long)b);
	b->home_node = first_node(&mems);
	KUNIT_EXPECT_FALSE(test, mpol_equal(a, b));
	KUNIT_EXPECT_EQ(test, mpol_create(MPOL_PREFERRED, 0, &none, &c), 0);
	KUNIT_EXPECT_EQ(test, c->mode, MPOL_LOCAL);	/* preferring nothing */
	mpol_kill(c);
	KUNIT_EXPECT_EQ(test, mpol_create(MPOL_DEFAULT, 0, &none, &c), 0);
	KUNIT_EXPECT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, mpol_create(MPOL_BIND, 0, &none, &c), -EINVAL);
	KUNIT_ASSERT_EQ(test, mpol_create(MPOL_INTERLEAVE, MPOL_F_RELATIVE_NODES, &rel, &c), 0);
	KUNIT_EXPECT_EQ(test, first_node(&c->nodes), nth_node(5 % nodes_weight(&mems), &mems));
	mpol_to_str(buf, sizeof(buf), c);
	scnprintf(want, sizeof(want), "interleave=relative:%d", first_node(&c->nodes));
	KUNIT_EXPECT_STREQ(test, buf, want);
	mpol_kill(a);
	mpol_kill(b);
	mpol_kill(c);
	settle();
}

/* ---- shared objects: the tree's reference plus one per attached VMA ---- */

static void expect_counts(struct kunit *test, struct mm_struct *mm, int vmas)
{
	struct vm_area_struct *vma = vma_at(mm, BASE);
	struct shared_policy *sp;

	KUNIT_ASSERT_TRUE(test, vma && vma->vm_shared);
	sp = anon_shared_policy(vma->vm_shared);
	KUNIT_EXPECT_EQ(test, sp->nr_vmas, vmas);
	KUNIT_EXPECT_EQ(test, shared_policy_check(sp), 0);
}

static void shared_counts(struct kunit *test, int ref_mode, int shared_mode)
{
	nodemask_t mems = node_states_memory();
	struct mempolicy *bind = make_policy(test, MPOL_BIND, mems);
	struct mempolicy *il = make_policy(test, MPOL_INTERLEAVE, mems);
	struct mm_struct *mm = mm_alloc(), *child;
	long live = nr_mempolicies();
	struct shared_policy *sp;

	technique_use("mpol_ref", ref_mode);
	technique_use("shared_mpol_ref", shared_mode);
	KUNIT_ASSERT_NOT_NULL(test, mm);
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE, 8 * PAGE_SIZE, RW, SHARED_FIXED, 0), BASE);
	sp = anon_shared_policy(vma_at(mm, BASE)->vm_shared);
	KUNIT_EXPECT_EQ(test, sp->per_vma, shared_mode == SHARED_MPOL_REF_PER_VMA);
	expect_counts(test, mm, 1);					/* attach */
	KUNIT_EXPECT_EQ(test, mpol_mbind_mm(mm, BASE, 4 * PAGE_SIZE, bind), 0);
	expect_counts(test, mm, 1);					/* install while attached */
	KUNIT_EXPECT_EQ(test, sp->nr_nodes, 1);
	KUNIT_EXPECT_EQ(test, vm_mprotect(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	expect_counts(test, mm, 3);					/* split */
	child = dup_mm(mm);
	KUNIT_ASSERT_NOT_NULL(test, child);
	expect_counts(test, mm, 6);					/* fork */
	KUNIT_EXPECT_EQ(test, mpol_mbind_mm(child, BASE + 3 * PAGE_SIZE, 3 * PAGE_SIZE, il), 0);
	KUNIT_EXPECT_EQ(test, sp->nr_nodes, 2);			/* [0,3) bind, [3,6) interleave */
	expect_counts(test, mm, 6);					/* mbind from another mm */
	KUNIT_EXPECT_EQ(test, count_vmas(mm), 3);			/* never split by the policies */
	KUNIT_EXPECT_EQ(test, vm_munmap(child, BASE, 3 * PAGE_SIZE), 0);
	expect_counts(test, mm, 4);					/* unmap */
	mm_release(child);
	expect_counts(test, mm, 3);					/* exit */
	KUNIT_EXPECT_EQ(test, mpol_mbind_mm(mm, BASE, 8 * PAGE_SIZE, NULL), 0);
	KUNIT_EXPECT_EQ(test, sp->nr_nodes, 0);			/* MPOL_DEFAULT everywhere */
	mpol_kill(bind);
	mpol_kill(il);
	mm_release(mm);
	settle();
	KUNIT_EXPECT_EQ(test, nr_mempolicies(), live - 2);
}

SELFTEST(mempolicy, shared_counts_atomic_lookup) { shared_counts(test, MPOL_REF_ATOMIC, SHARED_MPOL_REF_LOOKUP); }
SELFTEST(mempolicy, shared_counts_atomic_per_vma) { shared_counts(test, MPOL_REF_ATOMIC, SHARED_MPOL_REF_PER_VMA); }
SELFTEST(mempolicy, shared_counts_percpu_lookup) { shared_counts(test, MPOL_REF_PERCPU, SHARED_MPOL_REF_LOOKUP); }
SELFTEST(mempolicy, shared_counts_percpu_per_vma) { shared_counts(test, MPOL_REF_PERCPU, SHARED_MPOL_REF_PER_VMA); }

struct shm_step {
	struct mempolicy *pol;
	long id, rmid_attached;
	int nattch_after_rmid, nr_vmas;
	bool checked;
};

/* In a thread with the test mm: shmget, shmat, mbind, IPC_RMID while attached, shmdt. */
static void shm_steps(struct mm_call *c)
{
	struct shm_step *s = c->arg;
	struct shared_policy *sp;
	struct vm_area_struct *vma;
	long addr;

	s->id = sys_shmget(0, 4 * PAGE_SIZE, 0600);
	addr = sys_shmat(s->id, 0, 0);
	if (s->id < 0 || addr < 0)
		return;
	vma = vma_at(current->mm, addr);
	sp = anon_shared_policy(vma->vm_shared);
	if (mpol_mbind_mm(current->mm, addr, 4 * PAGE_SIZE, s->pol) || shared_policy_check(sp))
		return;
	s->rmid_attached = sys_shmctl(s->id, 0 /* IPC_RMID */, NULL);
	s->nattch_after_rmid = anon_shared_nattach(vma->vm_shared);
	s->nr_vmas = sp->nr_vmas;
	s->checked = !shared_policy_check(sp);
	sys_shmdt(addr);		/* the last attach: the segment goes */
}

static void shm_rmid_counts(struct kunit *test, int ref_mode, int shared_mode)
{
	nodemask_t mems = node_states_memory();
	struct shm_step s = { .pol = make_policy(test, MPOL_PREFERRED, mems) };
	long live = nr_mempolicies(), segs = nr_shm_segments();
	struct mm_struct *mm = mm_alloc();

	technique_use("mpol_ref", ref_mode);
	technique_use("shared_mpol_ref", shared_mode);
	KUNIT_ASSERT_NOT_NULL(test, mm);
	run_in_mm(test, mm, smp_processor_id(), shm_steps, &s);
	KUNIT_EXPECT_GE(test, s.id, 0);
	KUNIT_EXPECT_EQ(test, s.rmid_attached, 0);
	KUNIT_EXPECT_EQ(test, s.nattch_after_rmid, 1);
	KUNIT_EXPECT_EQ(test, s.nr_vmas, 1);
	KUNIT_EXPECT_TRUE(test, s.checked);
	mpol_kill(s.pol);
	mm_release(mm);
	settle();
	KUNIT_EXPECT_EQ(test, nr_shm_segments(), segs);
	KUNIT_EXPECT_EQ(test, nr_mempolicies(), live - 1);	/* the segment's policy went with it */
}

SELFTEST(mempolicy, shm_rmid_counts_atomic_lookup) { shm_rmid_counts(test, MPOL_REF_ATOMIC, SHARED_MPOL_REF_LOOKUP); }
SELFTEST(mempolicy, shm_rmid_counts_percpu_per_vma) { shm_rmid_counts(test, MPOL_REF_PERCPU, SHARED_MPOL_REF_PER_VMA); }

/* ---- the range tree ---- */

struct range_list {
	int n;
	unsigned long start[8], end[8];
	int mode[8];
};

static void collect_range(struct sp_node *n, void *arg)
{
	struct range_list *l = arg;

	if (l->n < 8) {
		l->start[l->n] = n->start;
		l->end[l->n] = n->end;
		l->mode[l->n] = n->policy->mode;
	}
	l->n++;
}

SELFTEST(mempolicy, shared_ranges_split_and_trim)
{
	nodemask_t mems = node_states_memory();
	struct mempolicy *a = make_policy(test, MPOL_BIND, mems), *b = make_policy(test, MPOL_INTERLEAVE, mems);
	struct shared_policy sp;
	struct range_list l = { 0 };

	shared_policy_init(&sp);
	KUNIT_EXPECT_EQ(test, shared_policy_install(&sp, 0, 8, a), 0);
	KUNIT_EXPECT_EQ(test, shared_policy_install(&sp, 2, 4, b), 0);	/* splits [0,8) in three */
	KUNIT_EXPECT_EQ(test, shared_policy_install(&sp, 1, 3, NULL), 0);	/* trims two */
	shared_policy_for_each(&sp, collect_range, &l);
	KUNIT_ASSERT_EQ(test, l.n, 3);
	KUNIT_EXPECT_EQ(test, l.start[0], 0);
	KUNIT_EXPECT_EQ(test, l.end[0], 1);
	KUNIT_EXPECT_EQ(test, l.mode[0], MPOL_BIND);
	KUNIT_EXPECT_EQ(test, l.start[1], 3);
	KUNIT_EXPECT_EQ(test, l.end[1], 4);
	KUNIT_EXPECT_EQ(test, l.mode[1], MPOL_INTERLEAVE);
	KUNIT_EXPECT_EQ(test, l.start[2], 4);
	KUNIT_EXPECT_EQ(test, l.end[2], 8);
	KUNIT_EXPECT_EQ(test, shared_policy_check(&sp), 0);
	shared_policy_destroy(&sp);
	mpol_kill(a);
	mpol_kill(b);
	settle();
}

/* ---- interleaving by index ---- */

SELFTEST(mempolicy, interleave_and_weights_by_index)
{
	nodemask_t mems = node_states_memory();
	struct mempolicy *il = make_policy(test, MPOL_INTERLEAVE, mems);
	struct mempolicy *wil = make_policy(test, MPOL_WEIGHTED_INTERLEAVE, mems);
	int first = first_node(&mems), n = nodes_weight(&mems);

	for (unsigned long i = 0; i < 4 * (unsigned long)n; i++) {
		struct page *page = alloc_pages_mpol(0, 0, il, i, numa_node_id());

		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_EQ(test, page_to_nid(page), nth_node(i % n, &mems));
		KUNIT_EXPECT_EQ(test, interleave_nid(wil, i), nth_node(i % n, &mems));	/* weights all 1 */
		put_page(page);
	}
	KUNIT_ASSERT_EQ(test, mpol_set_node_weight(first, 3), 0);
	for (unsigned long i = 0; i < 2 * (unsigned long)(n + 2); i++) {
		unsigned long t = i % (n + 2);	/* the first node takes three turns in a row */
		KUNIT_EXPECT_EQ(test, interleave_nid(wil, i), t < 3 ? first : nth_node(t - 2, &mems));
	}
	KUNIT_EXPECT_EQ(test, mpol_set_node_weight(first, 0), 0);
	KUNIT_EXPECT_EQ(test, mpol_node_weight(first), 1);
	KUNIT_EXPECT_EQ(test, mpol_set_node_weight(first, MPOL_WEIGHT_MAX + 1), -EINVAL);
	mpol_kill(il);
	mpol_kill(wil);
	settle();
}

/* ---- numa_maps ---- */

static void touch_pages(struct mm_call *c)
{
	for (unsigned long a = BASE; a < BASE + 4 * PAGE_SIZE; a += PAGE_SIZE)
		KUNIT_EXPECT_EQ(c->test, probe_write(a, 1), 0);
	for (unsigned long a = BASE + 16 * PAGE_SIZE; a < BASE + 20 * PAGE_SIZE; a += PAGE_SIZE)
		KUNIT_EXPECT_EQ(c->test, probe_write(a, 1), 0);
}

SELFTEST(mempolicy, numa_maps_lines)
{
	nodemask_t mems = node_states_memory();
	struct mempolicy *il = make_policy(test, MPOL_INTERLEAVE, mems);
	struct mempolicy *bind = make_policy(test, MPOL_BIND, nodemask_of_node(first_node(&mems)));
	unsigned long per_node[MAX_NUMNODES] = { 0 };
	struct mm_struct *mm = mm_alloc();
	char *buf = kmalloc(PAGE_SIZE, GFP_KERNEL), want[160], nodes[32];
	int n, nid;

	KUNIT_ASSERT_TRUE(test, mm && buf);
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE, 4 * PAGE_SIZE, RW, PRIV_FIXED, 0), BASE);
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE + 16 * PAGE_SIZE, 4 * PAGE_SIZE, RW, SHARED_FIXED, 0), BASE + 16 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mpol_mbind_mm(mm, BASE, 4 * PAGE_SIZE, il), 0);
	KUNIT_EXPECT_EQ(test, mpol_mbind_mm(mm, BASE + 16 * PAGE_SIZE, 2 * PAGE_SIZE, bind), 0);
	run_in_mm(test, mm, smp_processor_id(), touch_pages, NULL);
	show_numa_maps(mm, NULL, buf, PAGE_SIZE);
	for (int i = 0; i < 4; i++)
		per_node[nth_node(((BASE >> PAGE_SHIFT) + i) % nodes_weight(&mems), &mems)]++;
	n = 0;
	for_each_online_node(nid)
		if (per_node[nid])
			n += scnprintf(nodes + n, sizeof(nodes) - n, " N%d=%lu", nid, per_node[nid]);
	n = scnprintf(want, sizeof(want), "%08lx interleave:", BASE);
	n += bitmap_print_ranges(want + n, sizeof(want) - n, mems.bits, MAX_NUMNODES);
	scnprintf(want + n, sizeof(want) - n, " anon=4 dirty=4%s kernelpagesize_kB=4\n", nodes);
	KUNIT_EXPECT_TRUE(test, strstr(buf, want) != NULL);
	scnprintf(want, sizeof(want), "%08lx bind:%d file=/dev/zero\\040(deleted) dirty=2 N%d=2 kernelpagesize_kB=4\n%08lx default file=/dev/zero\\040(deleted) dirty=2 N",
		  BASE + 16 * PAGE_SIZE, first_node(&mems), first_node(&mems), BASE + 18 * PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, strstr(buf, want) != NULL);	/* one line per range of the object */
	if (!strstr(buf, want))
		pr_info("numa_maps:\n%s", buf);
	kfree(buf);
	mpol_kill(il);
	mpol_kill(bind);
	mm_release(mm);
	settle();
}
