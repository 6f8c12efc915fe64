/*
 * kernel/mm/shared_policy.h - the memory policies of a shared object
 * (a MAP_SHARED anonymous object or a SysV segment), by range of page
 * offsets, seen by every process that maps it (shared_policy.c).
 */
#ifndef KERNEL_MM_SHARED_POLICY_H
#define KERNEL_MM_SHARED_POLICY_H

#include "kernel/types.h"
#include "kernel/lib/rbtree.h"
#include "kernel/sync/spinlock.h"

struct mempolicy;

/* One range [start, end) of page offsets and its policy, which the node owns. */
struct sp_node {
	struct rb_node nd;		/* in shared_policy.root, by start */
	unsigned long start, end;
	struct mempolicy *policy;
};

struct shared_policy {
	struct rb_root root;		/* sp_nodes: never overlapping */
	spinlock_t lock;		/* root, the nodes, nr_vmas (LOCK_RANK_SHARED_POLICY) */
	int nr_nodes;
	int nr_vmas;			/* VMAs attached to the object */
	bool per_vma;			/* shared_mpol_ref=per_vma when the object was made: each VMA holds a reference */
};

void shared_policy_init(struct shared_policy *sp);
void shared_policy_destroy(struct shared_policy *sp);	/* the object dies: no VMA is attached */

/*
 * The policy for page offset index, or NULL if the range has none. With a
 * reference, unless may_borrow and the object's VMAs hold references
 * (per_vma): then *borrowed and no reference, good until the caller's
 * rcu_read_unlock().
 */
struct mempolicy *shared_policy_lookup(struct shared_policy *sp, unsigned long index, bool may_borrow,
				       bool *borrowed);
/*
 * Gives [start, end) a copy of pol (NULL: no policy, MPOL_DEFAULT),
 * splitting and trimming the ranges it overlaps. 0 or -ENOMEM (nothing
 * changed then).
 */
int shared_policy_install(struct shared_policy *sp, unsigned long start, unsigned long end,
			  struct mempolicy *pol);
/* A VMA attaches to the object or leaves it (per_vma: a reference on each policy, or its return). */
void shared_policy_attach(struct shared_policy *sp);
void shared_policy_detach(struct shared_policy *sp);

/*
 * For numa_maps: if a range covers index, writes its policy (mpol_to_str)
 * into buf, sets *end to the range's end and returns true; else sets *end
 * to where the next range starts (~0UL: none) and returns false.
 */
bool shared_policy_describe(struct shared_policy *sp, unsigned long index, unsigned long *end,
			    char *buf, size_t size);
/* For tests and the views: calls fn on each range in order, under the lock (fn must not sleep). */
void shared_policy_for_each(struct shared_policy *sp,
			    void (*fn)(struct sp_node *n, void *arg), void *arg);
/* Checks every policy's count against 1 (the tree's) + nr_vmas if per_vma; returns the ranges off (printed). */
int shared_policy_check(struct shared_policy *sp);

#endif
