/*
 * kernel/mm/nodemask.h - sets of NUMA nodes, two widths of them.
 *
 * nodemask_t is the kernel's: one bit per node id the kernel can have
 * (MAX_NUMNODES, kernel/mm/numa.h). A memory policy's nodes are always one
 * of these, already cut down to nodes that exist and have memory.
 *
 * user_nodemask_t is the system-call ABI's: Linux's distributions build
 * x86-64 kernels with CONFIG_NODES_SHIFT=10, so a node mask from user space
 * may name nodes up to 1023 and only bits above that are an error
 * (set_mempolicy's maxnode rules, mempolicy_syscalls.c). A policy with
 * MPOL_F_STATIC_NODES or MPOL_F_RELATIVE_NODES keeps the user's mask as
 * given, bits of absent nodes included, because Linux reports it back so.
 *
 * Names as Linux's <linux/nodemask.h>; the operations are plain (not
 * atomic), as there: a mask is built by one thread and then published.
 */
#ifndef KERNEL_MM_NODEMASK_H
#define KERNEL_MM_NODEMASK_H

#include "kernel/types.h"
#include "kernel/lib/cpumask.h"
#include "kernel/mm/numa.h"

#define MPOL_MAX_USER_NODES	1024	/* Linux's MAX_NUMNODES with CONFIG_NODES_SHIFT=10 */
#define BITS_PER_LONG		64

typedef struct { unsigned long bits[BITS_TO_LONGS(MAX_NUMNODES)]; } nodemask_t;
typedef struct { unsigned long bits[BITS_TO_LONGS(MPOL_MAX_USER_NODES)]; } user_nodemask_t;

#define NODE_MASK_NONE		((nodemask_t){ { 0 } })

static inline void nodes_clear(nodemask_t *m) { m->bits[0] = 0; }
static inline void node_set(int nid, nodemask_t *m) { m->bits[0] |= 1UL << nid; }
static inline void node_clear(int nid, nodemask_t *m) { m->bits[0] &= ~(1UL << nid); }
static inline bool node_isset(int nid, const nodemask_t *m)
{
	return nid >= 0 && nid < MAX_NUMNODES && (m->bits[0] >> nid) & 1;
}
static inline bool nodes_empty(const nodemask_t *m) { return !m->bits[0]; }
static inline bool nodes_equal(const nodemask_t *a, const nodemask_t *b) { return a->bits[0] == b->bits[0]; }
static inline int nodes_weight(const nodemask_t *m) { return bitmap_weight(m->bits, MAX_NUMNODES); }
static inline void nodes_and(nodemask_t *d, const nodemask_t *a, const nodemask_t *b)
{
	d->bits[0] = a->bits[0] & b->bits[0];
}
static inline bool nodes_subset(const nodemask_t *a, const nodemask_t *b) { return !(a->bits[0] & ~b->bits[0]); }
static inline nodemask_t nodemask_of_node(int nid) { return (nodemask_t){ { 1UL << nid } }; }

/* The first node of m at or after n, or MAX_NUMNODES. */
static inline int next_node(int n, const nodemask_t *m)
{
	unsigned long rest = n >= MAX_NUMNODES ? 0 : m->bits[0] >> n << n;

	return rest ? __builtin_ctzl(rest) : MAX_NUMNODES;
}
static inline int first_node(const nodemask_t *m) { return next_node(0, m); }
/* The node after n in m, wrapping around; MAX_NUMNODES only if m is empty. */
static inline int next_node_in(int n, const nodemask_t *m)
{
	int next = next_node(n + 1, m);

	return next < MAX_NUMNODES ? next : first_node(m);
}
/* The node that is the n-th (from 0) set bit of m, or MAX_NUMNODES. */
static inline int nth_node(int n, const nodemask_t *m)
{
	int nid = first_node(m);

	while (n-- > 0 && nid < MAX_NUMNODES)
		nid = next_node(nid + 1, m);
	return nid;
}

#define for_each_node_mask(nid, m) \
	for ((nid) = first_node(m); (nid) < MAX_NUMNODES; (nid) = next_node((nid) + 1, (m)))

/* Nodes that have memory (Linux's node_states[N_MEMORY]); without cpusets, every task's mems_allowed. */
nodemask_t node_states_memory(void);
/* Highest possible node id + 1 (Linux's nr_node_ids). */
int nr_node_ids(void);

/* ---- the ABI's width ---- */

static inline bool user_nodes_empty(const user_nodemask_t *m)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(m->bits); i++)
		if (m->bits[i])
			return false;
	return true;
}
static inline bool user_nodes_equal(const user_nodemask_t *a, const user_nodemask_t *b)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(a->bits); i++)
		if (a->bits[i] != b->bits[i])
			return false;
	return true;
}
static inline bool user_node_isset(int nid, const user_nodemask_t *m)
{
	return nid >= 0 && nid < MPOL_MAX_USER_NODES && test_bit(nid, m->bits);
}
/* The nodes of a user mask that the kernel can have (the rest cannot exist here). */
static inline nodemask_t user_nodes_to_kernel(const user_nodemask_t *m)
{
	nodemask_t k = { { m->bits[0] & ((1UL << MAX_NUMNODES) - 1) } };

	BUILD_BUG_ON(MAX_NUMNODES >= BITS_PER_LONG);
	return k;
}
static inline user_nodemask_t kernel_nodes_to_user(const nodemask_t *k)
{
	user_nodemask_t u = { { k->bits[0] } };

	return u;
}

#endif
