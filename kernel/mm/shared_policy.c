/*
 * kernel/mm/shared_policy.c - shared objects' range policies, and the
 * technique shared_mpol_ref=lookup|per_vma (seed 001, Lee Schermerhorn's
 * figures 1 to 3).
 *
 * An mbind() on a shared mapping sets the policy of the shared object for
 * the range, so that every process mapping it allocates by it: the object
 * keeps a tree of sp_nodes, ranges of page offsets each owning a policy.
 * The VMAs that map the object are never split by these ranges (Lee's
 * figure 2): a fault looks up the tree by the page's offset, whichever VMA
 * it came through, and numa_maps shows the ranges of any mapping alike.
 *
 * The technique is who holds references on those policies:
 *
 *   lookup (the naive twin, Linux's way today): only the tree holds one
 *   per policy, and every lookup takes one and drops it after the
 *   allocation: two more atomic operations per fault on a line every
 *   process faulting the object writes (with mpol_ref=atomic).
 *
 *   per_vma (figure 3): every VMA attached to the object holds one
 *   reference on each of its policies: taken when the VMA attaches (mmap,
 *   shmat, fork, split) or when a policy is installed while it is
 *   attached, dropped when it leaves (unmap, merge, exit) or when the
 *   policy is replaced. A policy's count is 1 (the tree) + the attached
 *   VMAs, and a fault takes no reference at all: it borrows the one its
 *   VMA holds.
 *
 * What makes borrowing safe is subtler than the figure. A VMA's reference
 * keeps a policy alive while the policy is in the tree and the VMA is
 * attached; but another process may mbind() the same range meanwhile,
 * replacing the policy and dropping every attached VMA's reference on it,
 * the faulting one's included. The fault looked the policy up a moment
 * before and is still allocating with it. It survives because a policy is
 * freed only a grace period after its last put (mempolicy.c), and a
 * borrowing fault does its lookup and its allocation inside one RCU
 * read-side section (mpol_alloc_page), which the allocator never leaves
 * (it does not sleep). A caller that might sleep with the policy never
 * borrows: it asks for a reference (get_mempolicy, numa_maps, migration).
 * Keeping the replaced policies' per-VMA references until each VMA leaves
 * (so that mmap_lock alone would protect a borrower, as the seed hoped)
 * would hold every replaced policy of a long-lived mapping until it is
 * unmapped; docs/mempolicy.md weighs the two.
 *
 * An object keeps the mode it was made with (sp->per_vma), so a live
 * switch changes the objects made after it, and no object ever has some
 * VMAs holding references and others not.
 *
 * Invariants (sp->lock held):
 *  - the ranges never overlap and are non-empty; each owns its policy;
 *  - per_vma: each policy's count is 1 + nr_vmas, plus the references of
 *    lookups in flight (shared_policy_check); lookup: 1 + those.
 * Lock order: sp->lock (LOCK_RANK_SHARED_POLICY) is taken inside
 * mm->page_table_lock and anon_shared->lock on the fault path and inside
 * anon_shared->i_mmap_lock on attach and install; inside it only the
 * allocators and percpu_ref_switch_lock (a kill).
 */
#include "kernel/mm/shared_policy.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/slab.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/errno.h"

DEFINE_TECHNIQUE(shared_mpol_ref, "shared objects' policies: a reference per fault, or one per attached VMA",
		 TECHNIQUE_LIVE, SHARED_MPOL_REF_PER_VMA, "lookup", "per_vma");

void shared_policy_init(struct shared_policy *sp)
{
	sp->root = RB_ROOT;
	spin_lock_init_rank(&sp->lock, "shared_policy.lock", LOCK_RANK_SHARED_POLICY);
	sp->nr_nodes = 0;
	sp->nr_vmas = 0;
	sp->per_vma = technique_mode(shared_mpol_ref) == SHARED_MPOL_REF_PER_VMA;	/* read once */
}

static struct sp_node *sp_entry(struct rb_node *nd)
{
	return rb_entry_safe(nd, struct sp_node, nd);
}

/* The references a policy's owner (the tree) and the attached VMAs hold on it. */
static unsigned long sp_holders(struct shared_policy *sp)
{
	return 1 + (sp->per_vma ? sp->nr_vmas : 0);
}

/* The first range that ends after index (it contains index if its start is not above it). */
static struct sp_node *sp_lookup_from(struct shared_policy *sp, unsigned long index)
{
	struct rb_node *nd = sp->root.node;
	struct sp_node *found = NULL;

	while (nd) {
		struct sp_node *n = sp_entry(nd);
		if (n->end > index) {
			found = n;
			if (n->start <= index)
				break;
			nd = nd->left;
		} else {
			nd = nd->right;
		}
	}
	return found;
}

struct mempolicy *shared_policy_lookup(struct shared_policy *sp, unsigned long index, bool may_borrow,
				       bool *borrowed)
{
	struct mempolicy *pol = NULL;
	struct sp_node *n;

	*borrowed = false;
	if (!READ_ONCE(sp->root.node))
		return NULL;	/* no policy at all: a fault that raced an install ran just before it */
	spin_lock(&sp->lock);
	n = sp_lookup_from(sp, index);
	if (n && n->start <= index) {
		pol = n->policy;
		if (sp->per_vma && may_borrow)
			*borrowed = true;	/* the faulting VMA holds one for us */
		else
			mpol_get(pol);
	}
	spin_unlock(&sp->lock);
	return pol;
}

static void sp_insert(struct shared_policy *sp, struct sp_node *new)
{
	struct rb_node **link = &sp->root.node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = new->start < sp_entry(parent)->start ? &parent->left : &parent->right;
	}
	rb_link_node(&new->nd, parent, link);
	rb_insert_color(&new->nd, &sp->root);
	sp->nr_nodes++;
}

/* Takes n out of the tree; its policy loses the tree's reference and the VMAs'. Lock held. */
static void sp_remove(struct shared_policy *sp, struct sp_node *n)
{
	rb_erase(&n->nd, &sp->root);
	sp->nr_nodes--;
	if (sp->per_vma)
		mpol_put_many(n->policy, sp->nr_vmas);
	mpol_kill(n->policy);		/* a borrower still allocating with it: freed after a grace period */
	kfree(n);
}

static struct sp_node *sp_alloc(unsigned long start, unsigned long end, struct mempolicy *template)
{
	struct sp_node *n = kmalloc(sizeof(*n), GFP_KERNEL);

	if (!n)
		return NULL;
	if (mpol_dup(template, &n->policy)) {
		kfree(n);
		return NULL;
	}
	n->start = start;
	n->end = end;
	return n;
}

static void sp_free_unused(struct sp_node *n)
{
	if (!n)
		return;
	mpol_kill(n->policy);
	kfree(n);
}

int shared_policy_install(struct shared_policy *sp, unsigned long start, unsigned long end,
			  struct mempolicy *pol)
{
	struct sp_node *new = NULL, *tail = NULL, *n;
	struct mempolicy *split_pol = NULL;

	if (start >= end)
		return 0;
	if (pol && !(new = sp_alloc(start, end, pol)))
		return -ENOMEM;
	spin_lock(&sp->lock);
	/* a range that covers the whole of [start, end) and more splits in two: its tail needs a copy */
	n = sp_lookup_from(sp, start);
	while (n && n->start < start && n->end > end) {
		split_pol = n->policy;
		mpol_get(split_pol);
		spin_unlock(&sp->lock);
		tail = sp_alloc(end, 0, split_pol);	/* allocating without the lock: it may grow the slab */
		mpol_put(split_pol);
		if (!tail) {
			sp_free_unused(new);
			return -ENOMEM;
		}
		spin_lock(&sp->lock);
		n = sp_lookup_from(sp, start);
		if (n && n->start < start && n->end > end && n->policy == split_pol)
			break;
		sp_free_unused(tail);	/* the tree changed meanwhile: look again */
		tail = NULL;
	}
	if (tail) {
		tail->end = n->end;
		n->end = start;
		sp_insert(sp, tail);
		if (sp->per_vma)
			mpol_get_many(tail->policy, sp->nr_vmas);
	}
	while ((n = sp_lookup_from(sp, start)) && n->start < end) {
		if (n->start < start) {
			n->end = start;			/* keeps its head */
		} else if (n->end > end) {
			n->start = end;			/* keeps its tail: still before its successor */
			break;
		} else {
			sp_remove(sp, n);
		}
	}
	if (new) {
		sp_insert(sp, new);
		if (sp->per_vma)
			mpol_get_many(new->policy, sp->nr_vmas);
	}
	spin_unlock(&sp->lock);
	return 0;
}

void shared_policy_attach(struct shared_policy *sp)
{
	spin_lock(&sp->lock);
	sp->nr_vmas++;
	if (sp->per_vma)
		for (struct rb_node *nd = rb_first(&sp->root); nd; nd = rb_next(nd))
			mpol_get(sp_entry(nd)->policy);
	spin_unlock(&sp->lock);
}

void shared_policy_detach(struct shared_policy *sp)
{
	spin_lock(&sp->lock);
	WARN_ON_ONCE(sp->nr_vmas <= 0);
	sp->nr_vmas--;
	if (sp->per_vma)
		for (struct rb_node *nd = rb_first(&sp->root); nd; nd = rb_next(nd))
			mpol_put(sp_entry(nd)->policy);	/* never the last: the tree holds one */
	spin_unlock(&sp->lock);
}

void shared_policy_destroy(struct shared_policy *sp)
{
	struct rb_node *nd;

	spin_lock(&sp->lock);
	WARN_ON_ONCE(sp->nr_vmas);
	while ((nd = rb_first(&sp->root)))
		sp_remove(sp, sp_entry(nd));
	spin_unlock(&sp->lock);
}

bool shared_policy_describe(struct shared_policy *sp, unsigned long index, unsigned long *end,
			    char *buf, size_t size)
{
	struct sp_node *n;
	bool covered;

	spin_lock(&sp->lock);
	n = sp_lookup_from(sp, index);
	covered = n && n->start <= index;
	*end = !n ? ~0UL : covered ? n->end : n->start;
	if (covered)
		mpol_to_str(buf, size, n->policy);
	spin_unlock(&sp->lock);
	return covered;
}

void shared_policy_for_each(struct shared_policy *sp, void (*fn)(struct sp_node *n, void *arg), void *arg)
{
	spin_lock(&sp->lock);
	for (struct rb_node *nd = rb_first(&sp->root); nd; nd = rb_next(nd))
		fn(sp_entry(nd), arg);
	spin_unlock(&sp->lock);
}

int shared_policy_check(struct shared_policy *sp)
{
	unsigned long prev_end = 0;
	int bad = 0;

	spin_lock(&sp->lock);
	for (struct rb_node *nd = rb_first(&sp->root); nd; nd = rb_next(nd)) {
		struct sp_node *n = sp_entry(nd);
		long count = mpol_refcount(n->policy);
		if (n->start >= n->end || n->start < prev_end) {
			pr_err("shared_policy: range [%lu, %lu) overlaps or is empty\n", n->start, n->end);
			bad++;
		}
		if (count != (long)sp_holders(sp)) {
			pr_err("shared_policy: range [%lu, %lu): count %ld, expected %lu (tree + %d VMAs%s)\n",
			       n->start, n->end, count, sp_holders(sp), sp->nr_vmas, sp->per_vma ? "" : " holding none");
			bad++;
		}
		prev_end = n->end;
	}
	spin_unlock(&sp->lock);
	return bad;
}
