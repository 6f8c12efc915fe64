/*
 * kernel/mm/mempolicy.h - NUMA memory policies: which node a user page is
 * allocated on. Linux's ABI (set_mempolicy, get_mempolicy, mbind, ...),
 * Linux's modes and flags, Linux's names.
 *
 * A policy is looked up for each user page allocation (alloc_page_vma),
 * most specific first:
 *
 *	shared object's policy for the page's offset	(mbind on MAP_SHARED / SysV shm)
 *	  else the VMA's policy				(mbind on private memory)
 *	    else the task's policy			(set_mempolicy)
 *	      else a static policy: local allocation
 *
 * Every lookup returns a policy with a reference held (seed 000: the
 * counting is unconditional, so another task may replace a policy while
 * its owner allocates with it), except for the static policies, which are
 * never freed, and for shared policies under shared_mpol_ref=per_vma,
 * which the faulting VMA pins (seed 001): mpol_lookup_done() knows which.
 * How a reference is counted is the technique mpol_ref=atomic|percpu.
 *
 * docs/mempolicy.md is the walk-through; kernel/mm/mempolicy.c states the
 * invariants and the lock order.
 */
#ifndef KERNEL_MM_MEMPOLICY_H
#define KERNEL_MM_MEMPOLICY_H

#include "kernel/types.h"
#include "kernel/atomic.h"
#include "kernel/technique.h"
#include "kernel/sync/percpu_ref.h"
#include "kernel/mm/nodemask.h"
#include "kernel/mm/page_alloc.h"
#include "arch/x86_64/uaccess.h"

/* Modes: Linux's values (<uapi/linux/mempolicy.h>). */
enum {
	MPOL_DEFAULT,
	MPOL_PREFERRED,
	MPOL_BIND,
	MPOL_INTERLEAVE,
	MPOL_LOCAL,
	MPOL_PREFERRED_MANY,
	MPOL_WEIGHTED_INTERLEAVE,	/* Linux 6.9 */
	MPOL_MAX,
};

/* Mode flags, ORed into the mode argument. */
#define MPOL_F_STATIC_NODES	(1 << 15)
#define MPOL_F_RELATIVE_NODES	(1 << 14)
#define MPOL_F_NUMA_BALANCING	(1 << 13)
#define MPOL_MODE_FLAGS		(MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)

/* get_mempolicy flags */
#define MPOL_F_NODE		(1 << 0)
#define MPOL_F_ADDR		(1 << 1)
#define MPOL_F_MEMS_ALLOWED	(1 << 2)

/* mbind flags */
#define MPOL_MF_STRICT		(1 << 0)
#define MPOL_MF_MOVE		(1 << 1)
#define MPOL_MF_MOVE_ALL	(1 << 2)
#define MPOL_MF_VALID		(MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)

/* Internal flags, in pol->flags below the mode flags (Linux keeps MOF/MORON there too). */
#define MPOL_F_STATIC		(1 << 0)	/* never freed: default_policy, preferred_node_policy[] */
#define MPOL_F_MOF		(1 << 3)	/* NUMA balancing may migrate on fault (stored, not acted on) */
#define MPOL_F_MORON		(1 << 4)

#define NO_INTERLEAVE_INDEX	(~0UL)	/* no VMA offset: interleave round-robin per task */
#define MPOL_WEIGHT_MAX		255	/* a node's weight in weighted interleave (a u8, as Linux's) */

/* How a policy's references are counted: the technique mpol_ref (mempolicy.c). */
enum { MPOL_REF_ATOMIC, MPOL_REF_PERCPU };
DECLARE_TECHNIQUE(mpol_ref);
/* Whether a fault takes a reference on a shared policy: the technique shared_mpol_ref (shared_policy.c). */
enum { SHARED_MPOL_REF_LOOKUP, SHARED_MPOL_REF_PER_VMA };
DECLARE_TECHNIQUE(shared_mpol_ref);

struct mempolicy {
	union {
		atomic_t count;			/* MPOL_REF_ATOMIC */
		struct percpu_ref ref;		/* MPOL_REF_PERCPU (mpol_ref_percpu.c) */
	} refcnt;
	u8 ref_kind;				/* mpol_ref's mode when it was made: fixed for life */
	unsigned short mode;			/* MPOL_* */
	unsigned short flags;			/* mode flags | internal flags */
	int home_node;				/* set_mempolicy_home_node; NUMA_NO_NODE: none */
	nodemask_t nodes;			/* nodes with memory the mode uses */
	user_nodemask_t user_nodemask;		/* STATIC/RELATIVE/BALANCING: the mask as given */
	struct rcu_head rcu;			/* freed a grace period after the last put */
#if CONFIG_DEBUG
	unsigned long magic;			/* MPOL_MAGIC while alive: a use after free shows */
#endif
};
#define MPOL_MAGIC		0x6d706f6c6c697665UL	/* "mpollive" */

/* ---- references (every put may free; never on a static policy) ---- */

void mpol_release(struct mempolicy *pol);	/* the count reached zero */
extern void (*mpol_release_observer)(struct mempolicy *pol);	/* self-tests: sees every release */
#if CONFIG_DEBUG
void mpol_check_alive(struct mempolicy *pol);	/* warns (and counts) on a freed policy */
#else
static inline void mpol_check_alive(struct mempolicy *pol) { }
#endif
long mempolicy_use_after_free_count(void);	/* freed policies used since boot: must be 0 */
long mempolicy_fallback_count(void);		/* percpu ones counted atomically: no per-CPU room left */

static inline bool mpol_is_static(const struct mempolicy *pol) { return pol->flags & MPOL_F_STATIC; }

static inline void mpol_get(struct mempolicy *pol)
{
	if (!pol || mpol_is_static(pol))
		return;
	mpol_check_alive(pol);
	if (pol->ref_kind == MPOL_REF_ATOMIC)
		atomic_inc(&pol->refcnt.count);
	else
		percpu_ref_get(&pol->refcnt.ref);
}

static inline void mpol_put(struct mempolicy *pol)
{
	if (!pol || mpol_is_static(pol))
		return;
	if (pol->ref_kind == MPOL_REF_ATOMIC) {
		if (atomic_dec_and_test(&pol->refcnt.count))
			mpol_release(pol);
	} else {
		percpu_ref_put(&pol->refcnt.ref);	/* the last one calls mpol_release */
	}
}

/* n references at once: a VMA attaching to or leaving a shared object (shared_policy.c). */
static inline void mpol_get_many(struct mempolicy *pol, unsigned long n)
{
	if (!pol || !n || mpol_is_static(pol))
		return;
	mpol_check_alive(pol);
	if (pol->ref_kind == MPOL_REF_ATOMIC)
		atomic_add(n, &pol->refcnt.count);
	else
		percpu_ref_get_many(&pol->refcnt.ref, n);
}

static inline void mpol_put_many(struct mempolicy *pol, unsigned long n)
{
	if (!pol || !n || mpol_is_static(pol))
		return;
	if (pol->ref_kind == MPOL_REF_ATOMIC) {
		if (atomic_add_return(-(int)n, &pol->refcnt.count) == 0)
			mpol_release(pol);
	} else {
		percpu_ref_put_many(&pol->refcnt.ref, n);
	}
}

/* A reference unless the count already reached zero (a policy found under RCU only). */
bool mpol_tryget(struct mempolicy *pol);
/*
 * Drops the initial reference, the one of the place the policy was
 * installed in (a task, a VMA, a shared object's tree), once it is no
 * longer there: "no new users". Freed when the last user puts.
 */
void mpol_kill(struct mempolicy *pol);
/* The count now (exact only while nobody gets or puts): for tests and the monitor. */
long mpol_refcount(struct mempolicy *pol);

/* ---- making policies ---- */

/*
 * A policy from the system-call arguments, Linux's mpol_new() and
 * mpol_set_nodemask() in one: the mode's rules on an empty mask, then the
 * nodes cut down to those with memory (folded for RELATIVE). 0 with *pol
 * NULL for MPOL_DEFAULT; -EINVAL for a mask the mode refuses; -ENOMEM.
 */
int mpol_create(unsigned short mode, unsigned short flags, const user_nodemask_t *nodes,
		struct mempolicy **pol);
/* A copy of pol with a count of its own (fork, a VMA split); NULL in, NULL out. -ENOMEM. */
int mpol_dup(struct mempolicy *pol, struct mempolicy **copy);
bool mpol_equal(struct mempolicy *a, struct mempolicy *b);
long nr_mempolicies(void);			/* live, not yet freed */
void numa_policy_init(void);			/* at boot: the policy cache and static policies */

/* ---- task policies ---- */

struct task;
/* A task's policy with a reference, or NULL: it has none (MPOL_DEFAULT). */
struct mempolicy *task_policy_get(struct task *p);
/*
 * Replaces p's policy (new may be NULL: MPOL_DEFAULT) and kills the old
 * one; p may be running and allocating. -ESRCH if p has exited (new is
 * killed then). Owns new's initial reference in every case.
 */
int task_policy_install(struct task *p, struct mempolicy *new);
int mpol_fork(struct task *child);		/* copies current's policy; -ENOMEM */
void mpol_task_exit(struct task *p);		/* no policy from now on, none installable */

/* ---- lookups for an allocation ---- */

struct vm_area_struct;

struct mpol_lookup {
	struct mempolicy *pol;		/* never NULL */
	unsigned long ilx;		/* interleave index, or NO_INTERLEAVE_INDEX */
	bool borrowed;			/* no reference held: good until rcu_read_unlock (per_vma) */
};

/*
 * The policy that applies at addr of vma (NULL: the task's alone), with a
 * reference unless static or borrowed. A caller that sets may_borrow is
 * inside rcu_read_lock() until it calls mpol_lookup_done().
 */
void get_vma_policy(struct vm_area_struct *vma, unsigned long addr, bool may_borrow, struct mpol_lookup *l);
static inline void mpol_lookup_done(struct mpol_lookup *l)
{
	if (!l->borrowed)
		mpol_put(l->pol);
}
/* The VMA's or shared object's policy at addr (no fallback to the task's), with a reference; NULL if none. */
struct mempolicy *vma_policy_get(struct vm_area_struct *vma, unsigned long addr);

/* A page under pol, starting from node nid's view (the local node, or home_node). */
struct page *alloc_pages_mpol(gfp_t gfp, unsigned int order, struct mempolicy *pol,
			      unsigned long ilx, int nid);
/* alloc_page_vma's body: the policy at addr, then the allocation. */
struct page *mpol_alloc_page(gfp_t gfp, struct vm_area_struct *vma, unsigned long addr);

/* VMA policies: split and fork copy, freeing kills (vma.c calls these). */
int vma_dup_policy(struct vm_area_struct *src, struct vm_area_struct *dst);
void vma_free_policy(struct vm_area_struct *vma);

/* ---- showing ---- */

/* Linux's mpol_to_str(): "interleave:0-1", "bind=static:1", "default". */
int mpol_to_str(char *buf, size_t size, struct mempolicy *pol);
/* Parses a mode name as mpol_to_str writes it ("prefer", "interleave", ...); -EINVAL. */
int mpol_parse_mode(const char *s);
/* The nodes get_mempolicy reports for pol (the user's mask for STATIC/RELATIVE). */
user_nodemask_t mpol_reported_nodes(struct mempolicy *pol);

/* Weighted interleave: a node's weight now (1 when unset), and setting it (0: back to 1). */
unsigned int mpol_node_weight(int nid);
int mpol_set_node_weight(int nid, unsigned int weight);

/* The mode's node for an interleave index (get_mempolicy, migration targets). */
int interleave_nid(struct mempolicy *pol, unsigned long ilx);

/* ---- the system calls (mempolicy_syscalls.c) ---- */

long sys_set_mempolicy(int mode, const unsigned long __user *nmask, unsigned long maxnode);
long sys_get_mempolicy(int __user *policy, unsigned long __user *nmask, unsigned long maxnode,
		       unsigned long addr, unsigned long flags);
long sys_mbind(unsigned long start, unsigned long len, unsigned long mode, const unsigned long __user *nmask,
	       unsigned long maxnode, unsigned int flags);
long sys_set_mempolicy_home_node(unsigned long start, unsigned long len, unsigned long home_node,
				 unsigned long flags);
struct mm_struct;
/* Linux's get_nodes(): a node mask from user space by its maxnode rules; -EINVAL, -EFAULT. */
int get_nodes(user_nodemask_t *nodes, const unsigned long __user *nmask, unsigned long maxnode);
/* migrate_pages(2) once the process is found: the pages of mm on from's nodes go to to's; failures, or -errno. */
long mpol_migrate_mm(struct mm_struct *mm, const user_nodemask_t *from, const user_nodemask_t *to);
/* move_pages(2) once the process is found (nodes NULL: only the status of each page). */
long mpol_move_pages(struct mm_struct *mm, unsigned long nr_pages, const void __user *__user *pages,
		     const int __user *nodes, int __user *status, int flags);
/* mbind() for the kernel (tests): [start, start + len) of mm gets a copy of pol (NULL: MPOL_DEFAULT). */
int mpol_mbind_mm(struct mm_struct *mm, unsigned long start, unsigned long len, struct mempolicy *pol);
/* set_mempolicy on task p (itself, a pidfd's, the monitor's choice). */
long set_task_mempolicy(struct task *p, int mode, const unsigned long __user *nmask, unsigned long maxnode);

#endif
