/*
 * kernel/mm/mempolicy.c - NUMA memory policies: the objects and their
 * references, the task's policy, the lookup for an allocation and the
 * allocation itself (mempolicy.h; docs/mempolicy.md). The system calls
 * are in mempolicy_syscalls.c, shared objects' range trees in
 * shared_policy.c, page migration in migrate.c.
 *
 * Invariants:
 *  - A policy is installed in exactly one place, which owns its initial
 *    reference: a task (task->mempolicy), a VMA (vma->vm_policy) or a node
 *    of a shared object's range tree. Fork and VMA splits install copies
 *    (mpol_dup), so "no longer installed" is always one mpol_kill().
 *  - A published policy never changes (set_mempolicy_home_node installs a
 *    copy), so its users read it without a lock.
 *  - Static policies (default_policy, preferred_node_policy[]) carry
 *    MPOL_F_STATIC: get and put ignore them, nothing frees them.
 *  - Every other policy is freed one RCU grace period after its count
 *    reaches zero: a reader that found it under rcu_read_lock() may still
 *    tryget it (and fail), or use it borrowed until rcu_read_unlock().
 *  - task->mempolicy is replaced with cmpxchg by whoever sets it (the task
 *    itself, pidfd_set_mempolicy, the monitor's mpol) while the owner may
 *    be allocating; the owner reads it under RCU with a tryget. An exited
 *    task holds MPOL_TASK_DEAD, so no policy is installed where nobody
 *    would ever kill it.
 *
 * Lock order: nothing of its own. Lookups run under what the fault holds
 * (mm->page_table_lock, anon_shared->lock) and take shared_policy->lock
 * inside (shared_policy.c); a kill takes percpu_ref_switch_lock, innermost.
 */
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/shmem.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/slab.h"
#include "kernel/sched/task.h"
#include "kernel/sync/mutex.h"
#include "kernel/sync/rcupdate.h"
#include "kernel/cmdline.h"
#include "kernel/selftest.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/smp.h"

#define MPOL_TASK_DEAD	((struct mempolicy *)1UL)	/* task->mempolicy once the task has exited */
#define MPOL_POISON	0x6d706f6c66726565UL		/* "mpolfree": magic of a freed policy */

/*
 * The technique mpol_ref=atomic|percpu. atomic, the naive twin: one
 * atomic_t per policy, so every get and put is a locked instruction on the
 * policy's own cache line, which bounces between all the CPUs allocating
 * under one policy (the threads faulting in one mbind()ed VMA, every
 * process faulting a shared segment). percpu (the default): a percpu_ref
 * (mpol_ref_percpu.c), whose get and put touch only this CPU's counter
 * until the policy is killed. A policy keeps the kind it was made with
 * (ref_kind), so a live switch changes the policies made after it and
 * both kinds live side by side safely.
 */
DEFINE_TECHNIQUE(mpol_ref, "memory policy references: one atomic count, or per-CPU counts (percpu_ref)",
		 TECHNIQUE_LIVE, MPOL_REF_PERCPU, "atomic", "percpu");

int mpol_percpu_init(struct mempolicy *pol);	/* mpol_ref_percpu.c */
bool mpol_percpu_tryget(struct mempolicy *pol);
void mpol_percpu_kill(struct mempolicy *pol);
void mpol_percpu_exit(struct mempolicy *pol);
long mpol_percpu_count(struct mempolicy *pol);

static struct kmem_cache *policy_cache;
static atomic_long_t mempolicies_live;
static atomic_long_t mempolicy_bad_uses;	/* a freed policy used: must stay 0 */
static atomic_long_t mempolicies_fell_back;	/* made under percpu, counted atomically: no per-CPU room */

/* The system default: local allocation. */
static struct mempolicy default_policy = {
	.mode = MPOL_LOCAL,
	.flags = MPOL_F_STATIC,
	.home_node = NUMA_NO_NODE,
};
/* A task without a policy prefers its CPU's node: Linux's preferred_node_policy[]. */
static struct mempolicy preferred_node_policy[MAX_NUMNODES];

long nr_mempolicies(void)
{
	return atomic_long_read(&mempolicies_live);
}
LEAK_COUNTER("mempolicies", nr_mempolicies);

long mempolicy_use_after_free_count(void)
{
	return atomic_long_read(&mempolicy_bad_uses);
}

long mempolicy_fallback_count(void)
{
	return atomic_long_read(&mempolicies_fell_back);
}

nodemask_t node_states_memory(void)
{
	nodemask_t m = NODE_MASK_NONE;
	int nid;

	for_each_online_node(nid)
		if (NODE_ZONE(nid)->has_memory)
			node_set(nid, &m);
	return m;
}

int nr_node_ids(void)
{
	int nid, last = 0;

	for_each_online_node(nid)
		last = nid;
	return last + 1;
}

void numa_policy_init(void)
{
	policy_cache = kmem_cache_create("numa_policy", sizeof(struct mempolicy), 8, 0, NULL);
	if (!policy_cache)
		panic("mempolicy: no memory for the policy cache");
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		preferred_node_policy[nid] = (struct mempolicy){
			.mode = MPOL_PREFERRED,
			.flags = MPOL_F_STATIC | MPOL_F_MOF | MPOL_F_MORON,
			.home_node = NUMA_NO_NODE,
			.nodes = nodemask_of_node(nid),
		};
}

/* ---- references ---- */

#if CONFIG_DEBUG
void mpol_check_alive(struct mempolicy *pol)
{
	if (unlikely(pol->magic != MPOL_MAGIC)) {
		atomic_long_inc(&mempolicy_bad_uses);
		WARN_ON_ONCE(1);	/* a freed policy: a reference was missing somewhere */
	}
}
#endif

static void mpol_free_rcu(struct rcu_head *rcu)
{
	struct mempolicy *pol = container_of(rcu, struct mempolicy, rcu);

	if (pol->ref_kind == MPOL_REF_PERCPU)
		mpol_percpu_exit(pol);
#if CONFIG_DEBUG
	pol->magic = MPOL_POISON;
#endif
	kmem_cache_free(policy_cache, pol);
	atomic_long_dec(&mempolicies_live);
}

/*
 * The count reached zero. The memory waits a grace period: a reader that
 * found the policy under RCU (a task's pointer, a borrowed shared policy)
 * may still look at it.
 */
void (*mpol_release_observer)(struct mempolicy *pol);

void mpol_release(struct mempolicy *pol)
{
	void (*observe)(struct mempolicy *pol) = READ_ONCE(mpol_release_observer);

	mpol_check_alive(pol);
	if (observe)
		observe(pol);
	call_rcu(&pol->rcu, mpol_free_rcu);
}

/* The atomic twin's tryget: an increment unless the count is zero. */
static bool mpol_atomic_tryget(struct mempolicy *pol)
{
	int c = atomic_read(&pol->refcnt.count);

	while (c > 0) {
		int seen = atomic_cmpxchg(&pol->refcnt.count, c, c + 1);
		if (seen == c)
			return true;
		c = seen;
	}
	return false;
}

bool mpol_tryget(struct mempolicy *pol)
{
	if (mpol_is_static(pol))
		return true;
	mpol_check_alive(pol);
	if (pol->ref_kind == MPOL_REF_ATOMIC)
		return mpol_atomic_tryget(pol);
	return mpol_percpu_tryget(pol);
}

void mpol_kill(struct mempolicy *pol)
{
	if (!pol || mpol_is_static(pol))
		return;
	if (pol->ref_kind == MPOL_REF_ATOMIC)
		mpol_put(pol);		/* the atomic count is always exact: the initial one goes */
	else
		mpol_percpu_kill(pol);
}

long mpol_refcount(struct mempolicy *pol)
{
	if (mpol_is_static(pol))
		return -1;
	if (pol->ref_kind == MPOL_REF_ATOMIC)
		return atomic_read(&pol->refcnt.count);
	return mpol_percpu_count(pol);
}

/* ---- making policies ---- */

static struct mempolicy *mpol_alloc(void)
{
	struct mempolicy *pol = kmem_cache_zalloc(policy_cache, GFP_KERNEL);

	if (!pol)
		return NULL;
	pol->ref_kind = technique_mode(mpol_ref);	/* read once: the policy's kind for life */
	if (pol->ref_kind == MPOL_REF_PERCPU && mpol_percpu_init(pol)) {
		/* the per-CPU area is full (8 bytes a policy): count this one atomically */
		pol->ref_kind = MPOL_REF_ATOMIC;
		atomic_long_inc(&mempolicies_fell_back);
	}
	if (pol->ref_kind == MPOL_REF_ATOMIC)
		atomic_set(&pol->refcnt.count, 1);
	pol->home_node = NUMA_NO_NODE;
#if CONFIG_DEBUG
	pol->magic = MPOL_MAGIC;
#endif
	atomic_long_inc(&mempolicies_live);
	return pol;
}

/*
 * MPOL_F_RELATIVE_NODES: the user's mask is relative to the allowed
 * nodes. Fold it onto as many bits as there are allowed nodes, then map
 * bit n onto the n-th allowed node (Linux's nodes_fold and nodes_onto).
 */
static nodemask_t relative_nodemask(const user_nodemask_t *orig, const nodemask_t *allowed)
{
	nodemask_t folded = NODE_MASK_NONE, out = NODE_MASK_NONE;
	int w = nodes_weight(allowed), n;

	if (!w)
		return out;
	for (n = 0; n < MPOL_MAX_USER_NODES; n++)
		if (user_node_isset(n, orig))
			node_set(n % w, &folded);
	for_each_node_mask(n, &folded)
		node_set(nth_node(n, allowed), &out);
	return out;
}

int mpol_create(unsigned short mode, unsigned short flags, const user_nodemask_t *nodes,
		struct mempolicy **out)
{
	bool empty = user_nodes_empty(nodes), positional = flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);
	nodemask_t allowed = node_states_memory(), used = NODE_MASK_NONE;
	struct mempolicy *pol;

	*out = NULL;
	if (mode == MPOL_DEFAULT)
		return empty ? 0 : -EINVAL;
	/* Linux's mpol_new(): what each mode makes of an empty mask */
	if (mode == MPOL_PREFERRED && empty) {
		if (positional)
			return -EINVAL;
		mode = MPOL_LOCAL;	/* preferring no node is local allocation */
	} else if (mode == MPOL_LOCAL) {
		if (!empty || positional)
			return -EINVAL;
	} else if (empty) {
		return -EINVAL;
	}
	/* Linux's mpol_set_nodemask(): only nodes that exist here and have memory */
	if (mode != MPOL_LOCAL) {
		if (flags & MPOL_F_RELATIVE_NODES) {
			used = relative_nodemask(nodes, &allowed);
		} else {
			used = user_nodes_to_kernel(nodes);
			nodes_and(&used, &used, &allowed);
		}
		if (nodes_empty(&used))
			return -EINVAL;
		if (mode == MPOL_PREFERRED)
			used = nodemask_of_node(first_node(&used));
	}
	pol = mpol_alloc();
	if (!pol)
		return -ENOMEM;
	pol->mode = mode;
	pol->flags = flags;
	pol->nodes = used;
	if (flags & MPOL_MODE_FLAGS)
		pol->user_nodemask = *nodes;
	*out = pol;
	return 0;
}

int mpol_dup(struct mempolicy *old, struct mempolicy **copy)
{
	struct mempolicy *pol;

	*copy = NULL;
	if (!old)
		return 0;
	pol = mpol_alloc();
	if (!pol)
		return -ENOMEM;
	pol->mode = old->mode;
	pol->flags = old->flags & ~MPOL_F_STATIC;
	pol->home_node = old->home_node;
	pol->nodes = old->nodes;
	pol->user_nodemask = old->user_nodemask;
	*copy = pol;
	return 0;
}

/* Linux's __mpol_equal(): two VMAs whose policies are equal may merge. */
bool mpol_equal(struct mempolicy *a, struct mempolicy *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->mode != b->mode || a->flags != b->flags || a->home_node != b->home_node)
		return false;
	if ((a->flags & MPOL_MODE_FLAGS) && !user_nodes_equal(&a->user_nodemask, &b->user_nodemask))
		return false;
	return a->mode == MPOL_LOCAL || nodes_equal(&a->nodes, &b->nodes);
}

user_nodemask_t mpol_reported_nodes(struct mempolicy *pol)
{
	nodemask_t none = NODE_MASK_NONE;

	if (!pol || mpol_is_static(pol) || pol->mode == MPOL_LOCAL)
		return kernel_nodes_to_user(&none);
	if (pol->flags & MPOL_MODE_FLAGS)
		return pol->user_nodemask;
	return kernel_nodes_to_user(&pol->nodes);
}

/* ---- task policies ---- */

/*
 * The policy published in *slot, with a reference, or NULL. A tryget
 * fails only on a policy already killed and released, which happens only
 * after it left the slot: read the slot again.
 */
static struct mempolicy *mpol_get_published(struct mempolicy **slot)
{
	struct mempolicy *pol;

	rcu_read_lock();
	for (;;) {
		/* pairs with the publisher's cmpxchg or rcu_assign_pointer: pol's fields are visible */
		pol = rcu_dereference(*slot);
		if (!pol || pol == MPOL_TASK_DEAD) {
			pol = NULL;
			break;
		}
		if (mpol_tryget(pol))
			break;
		cpu_relax();
	}
	rcu_read_unlock();
	return pol;
}

struct mempolicy *task_policy_get(struct task *p)
{
	return mpol_get_published(&p->mempolicy);
}

static bool interleaves(const struct mempolicy *pol)
{
	return pol && (pol->mode == MPOL_INTERLEAVE || pol->mode == MPOL_WEIGHTED_INTERLEAVE);
}

int task_policy_install(struct task *p, struct mempolicy *new)
{
	struct mempolicy *old = READ_ONCE(p->mempolicy), *seen;

	for (;;) {
		if (old == MPOL_TASK_DEAD) {
			mpol_kill(new);
			return -ESRCH;
		}
		/* a full barrier: new's fields before the pointer (pairs with mpol_get_published) */
		seen = cmpxchg(&p->mempolicy, old, new);
		if (seen == old)
			break;
		old = seen;
	}
	if (interleaves(new)) {
		/* Linux starts interleaving at the mask's first node; a hint, raced benignly */
		WRITE_ONCE(p->il_prev, MAX_NUMNODES - 1);
		WRITE_ONCE(p->il_weight, 0);
	}
	mpol_kill(old);		/* users still holding it finish with it; the last put frees it */
	return 0;
}

int mpol_fork(struct task *child)
{
	struct mempolicy *pol = task_policy_get(current), *copy;
	int err = mpol_dup(pol, &copy);

	mpol_put(pol);
	if (err)
		return err;
	child->mempolicy = copy;	/* nobody can see child yet */
	child->il_prev = current->il_prev;
	child->il_weight = current->il_weight;
	return 0;
}

void mpol_task_exit(struct task *p)
{
	struct mempolicy *old = xchg(&p->mempolicy, MPOL_TASK_DEAD);

	if (old != MPOL_TASK_DEAD)
		mpol_kill(old);
}

/* ---- lookups ---- */

struct mempolicy *vma_policy_get(struct vm_area_struct *vma, unsigned long addr)
{
	bool borrowed;

	if (vma->vm_shared)
		return shared_policy_lookup(anon_shared_policy(vma->vm_shared), linear_page_index(vma, addr),
					    false, &borrowed);
	return mpol_get_published(&vma->vm_policy);
}

void get_vma_policy(struct vm_area_struct *vma, unsigned long addr, bool may_borrow, struct mpol_lookup *l)
{
	struct mempolicy *pol = NULL;

	l->borrowed = false;
	l->ilx = NO_INTERLEAVE_INDEX;
	if (vma && vma->vm_shared)
		pol = shared_policy_lookup(anon_shared_policy(vma->vm_shared), linear_page_index(vma, addr),
					   may_borrow, &l->borrowed);
	else if (vma)
		pol = mpol_get_published(&vma->vm_policy);
	if (!pol)
		pol = task_policy_get(current);
	if (!pol) {
		int nid = numa_node_id();
		pol = preferred_node_policy[nid].mode ? &preferred_node_policy[nid] : &default_policy;
	}
	/*
	 * Page faults interleave by the page's offset in its VMA (or object),
	 * under a VMA's policy and under the task's alike, as Linux does: the
	 * node of each page is a function of its address.
	 */
	if (vma && interleaves(pol))
		l->ilx = linear_page_index(vma, addr);
	l->pol = pol;
}

/* ---- weighted interleave: the per-node weights ---- */

/*
 * Two tables, one published: an update copies the published one into the
 * other, changes it, publishes it and waits for a grace period, after
 * which nobody reads the old one and it becomes the spare. An allocation
 * reads one table, whole.
 */
static u8 iw_tables[2][MAX_NUMNODES];
static u8 *iw_table = iw_tables[0];
static DEFINE_MUTEX(iw_table_lock);

unsigned int mpol_node_weight(int nid)
{
	unsigned int w;

	rcu_read_lock();
	w = rcu_dereference(iw_table)[nid];	/* pairs with rcu_assign_pointer in mpol_set_node_weight */
	rcu_read_unlock();
	return w ? w : 1;
}

int mpol_set_node_weight(int nid, unsigned int weight)
{
	u8 *next;

	if (nid < 0 || nid >= MAX_NUMNODES || weight > MPOL_WEIGHT_MAX)
		return -EINVAL;
	mutex_lock(&iw_table_lock);
	next = iw_table == iw_tables[0] ? iw_tables[1] : iw_tables[0];
	memcpy(next, iw_table, MAX_NUMNODES);
	next[nid] = weight;
	rcu_assign_pointer(iw_table, next);
	synchronize_rcu();	/* the old table is read by nobody now: it is the spare */
	mutex_unlock(&iw_table_lock);
	return 0;
}

#define WEIGHTS_ARG_MAX		128	/* bytes of weighted_interleave= parsed */

/*
 * weighted_interleave=N:W,N:W on the command line. Parsed before any
 * other CPU or allocation runs, so the published table is written in place.
 */
static int parse_weights(const char *val)
{
	char buf[WEIGHTS_ARG_MAX], *s = buf;

	if (strlcpy(buf, val, sizeof(buf)) >= sizeof(buf))
		return -EINVAL;
	while (*s) {
		char *comma = strchr(s, ','), *colon = strchr(s, ':');
		unsigned long nid, w;

		if (comma)
			*comma = 0;
		if (!colon || (comma && colon > comma))
			return -EINVAL;
		*colon = 0;
		if (kstrtoul(s, 10, &nid) || kstrtoul(colon + 1, 10, &w) || nid >= MAX_NUMNODES ||
		    w > MPOL_WEIGHT_MAX)
			return -EINVAL;
		iw_tables[0][nid] = w;
		s = comma ? comma + 1 : s + strlen(s);
	}
	return 0;
}
CMDLINE_PARAM("weighted_interleave", parse_weights,
	      "weighted_interleave=0:3,1:1: node weights of MPOL_WEIGHTED_INTERLEAVE (1..255; 0 or unset: 1)");

/* ---- allocation ---- */

int interleave_nid(struct mempolicy *pol, unsigned long ilx)
{
	int n = nodes_weight(&pol->nodes);

	if (!n)
		return numa_node_id();
	if (pol->mode == MPOL_WEIGHTED_INTERLEAVE) {
		unsigned long total = 0, target;
		int nid;

		for_each_node_mask(nid, &pol->nodes)
			total += mpol_node_weight(nid);
		target = ilx % total;
		for_each_node_mask(nid, &pol->nodes) {
			unsigned int w = mpol_node_weight(nid);
			if (target < w)
				return nid;
			target -= w;
		}
	}
	return nth_node(ilx % n, &pol->nodes);
}

/* No offset (no VMA): round-robin per task, from il_prev, as Linux's interleave_nodes(). */
static int interleave_nodes(struct mempolicy *pol)
{
	struct task *t = current;
	int nid = READ_ONCE(t->il_prev);

	if (pol->mode == MPOL_WEIGHTED_INTERLEAVE && t->il_weight && node_isset(nid, &pol->nodes)) {
		t->il_weight--;
		return nid;
	}
	nid = next_node_in(nid, &pol->nodes);
	if (nid >= MAX_NUMNODES)
		return numa_node_id();
	WRITE_ONCE(t->il_prev, nid);
	if (pol->mode == MPOL_WEIGHTED_INTERLEAVE)
		t->il_weight = mpol_node_weight(nid) - 1;
	return nid;
}

/* The first node of nid's zonelist that is in mask and has a free page: BIND's allocation. */
static struct page *alloc_pages_in_mask(gfp_t gfp, unsigned int order, int nid, const nodemask_t *mask)
{
	struct zone *z = NODE_ZONE(nid);

	for (int i = 0; i < z->nr_fallback; i++) {
		struct page *page;
		if (!node_isset(z->fallback[i], mask))
			continue;
		page = alloc_pages_node(z->fallback[i], gfp | __GFP_THISNODE | __GFP_NOWARN, order);
		if (page)
			return page;
	}
	return NULL;
}

struct page *alloc_pages_mpol(gfp_t gfp, unsigned int order, struct mempolicy *pol,
			      unsigned long ilx, int nid)
{
	struct page *page;

	if (pol->home_node != NUMA_NO_NODE)
		nid = pol->home_node;
	switch (pol->mode) {
	case MPOL_PREFERRED:
		return alloc_pages_node(first_node(&pol->nodes), gfp, order);
	case MPOL_BIND:
		return alloc_pages_in_mask(gfp, order, nid, &pol->nodes);
	case MPOL_PREFERRED_MANY:
		page = alloc_pages_in_mask(gfp, order, nid, &pol->nodes);
		return page ? page : alloc_pages_node(nid, gfp, order);
	case MPOL_INTERLEAVE:
	case MPOL_WEIGHTED_INTERLEAVE:
		nid = ilx == NO_INTERLEAVE_INDEX ? interleave_nodes(pol) : interleave_nid(pol, ilx);
		page = alloc_pages_node(nid, gfp, order);
		if (page && pol->mode == MPOL_INTERLEAVE && page_to_nid(page) == nid)
			numa_stat_inc(nid, NUMA_INTERLEAVE_HIT);
		return page;
	default:		/* MPOL_LOCAL */
		return alloc_pages_node(nid, gfp, order);
	}
}

struct page *mpol_alloc_page(gfp_t gfp, struct vm_area_struct *vma, unsigned long addr)
{
	struct mpol_lookup l;
	struct page *page;

	rcu_read_lock();	/* a borrowed shared policy is good until the unlock */
	get_vma_policy(vma, addr, true, &l);
	page = alloc_pages_mpol(gfp, 0, l.pol, l.ilx, numa_node_id());
	mpol_lookup_done(&l);
	rcu_read_unlock();
	return page;
}

/* ---- VMA policies ---- */

int vma_dup_policy(struct vm_area_struct *src, struct vm_area_struct *dst)
{
	return mpol_dup(src->vm_policy, &dst->vm_policy);
}

void vma_free_policy(struct vm_area_struct *vma)
{
	struct mempolicy *pol = vma->vm_policy;

	WRITE_ONCE(vma->vm_policy, NULL);
	mpol_kill(pol);
}

/* ---- showing ---- */

static const char *const policy_modes[MPOL_MAX] = {
	[MPOL_DEFAULT] = "default",
	[MPOL_PREFERRED] = "prefer",
	[MPOL_BIND] = "bind",
	[MPOL_INTERLEAVE] = "interleave",
	[MPOL_LOCAL] = "local",
	[MPOL_PREFERRED_MANY] = "prefer (many)",
	[MPOL_WEIGHTED_INTERLEAVE] = "weighted interleave",
};

int mpol_parse_mode(const char *s)
{
	for (int m = 0; m < MPOL_MAX; m++)
		if (!strcmp(s, policy_modes[m]))
			return m;
	if (!strcmp(s, "prefer_many"))
		return MPOL_PREFERRED_MANY;	/* one word, for the monitor's command line */
	if (!strcmp(s, "weighted"))
		return MPOL_WEIGHTED_INTERLEAVE;
	return -EINVAL;
}

int mpol_to_str(char *buf, size_t size, struct mempolicy *pol)
{
	unsigned short mode = MPOL_DEFAULT, flags = 0;
	nodemask_t nodes = NODE_MASK_NONE;
	int n;

	if (pol && !mpol_is_static(pol)) {
		mode = pol->mode;
		flags = pol->flags;
		if (mode != MPOL_LOCAL)
			nodes = pol->nodes;
	}
	n = scnprintf(buf, size, "%s", policy_modes[mode]);
	if (flags & MPOL_MODE_FLAGS) {
		n += scnprintf(buf + n, size - n, "=");
		if (flags & MPOL_F_STATIC_NODES)
			n += scnprintf(buf + n, size - n, "static");
		else if (flags & MPOL_F_RELATIVE_NODES)
			n += scnprintf(buf + n, size - n, "relative");
		if (flags & MPOL_F_NUMA_BALANCING)
			n += scnprintf(buf + n, size - n, "%sbalancing",
				       flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES) ? "|" : "");
	}
	if (!nodes_empty(&nodes)) {
		n += scnprintf(buf + n, size - n, ":");
		n += bitmap_print_ranges(buf + n, size - n, nodes.bits, MAX_NUMNODES);
	}
	return n;
}
