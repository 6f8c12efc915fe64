/*
 * kernel/mm/mpol_ref_percpu.c - memory policy references on percpu_ref:
 * the scalable side of the technique mpol_ref (the atomic twin is in
 * mempolicy.c, beside the declaration).
 *
 * Why (seed 000, Michal Hocko's review): a policy may be replaced by
 * another task (pidfd_set_mempolicy) while its owner allocates with it,
 * so every lookup must take a reference, unconditionally; and a lookup
 * happens on every page fault, on every CPU the process runs on. With one
 * atomic count per policy, the threads faulting in one mbind()ed VMA or
 * the processes faulting one shared segment all write the policy's cache
 * line: it bounces between their CPUs at every fault. A percpu_ref makes
 * get and put an unlocked add to this CPU's own counter.
 *
 * The price is the one percpu_ref always asks: nobody knows the count
 * while the ref is per-CPU, so "the last put frees" needs a kill first.
 * That fits a policy's life exactly:
 *
 *	mpol_alloc()		percpu_ref_init: count 1, the initial reference,
 *				owned by the place the policy is installed in
 *	lookups			percpu_ref_get / percpu_ref_put, any CPU
 *	replaced or unmapped	percpu_ref_kill (mpol_kill): the initial
 *				reference goes, the counters are folded into
 *				one exact atomic count after a grace period
 *	last put		mpol_release(): freed after another grace period
 *
 * A reader that found the policy under RCU without a reference (a task's
 * pointer, read by the task itself while another replaces it) uses
 * percpu_ref_tryget: it fails only once the count is zero, and the memory
 * is still there because freeing waits for a grace period.
 *
 * The per-CPU counter costs 8 bytes of each CPU's dynamic per-CPU area
 * (kernel/percpu.h) for as long as the policy is live: policies are few
 * (one per task that set one, one per mbind()ed VMA or shared range).
 */
#include "kernel/mm/mempolicy.h"

static void mpol_percpu_release(struct percpu_ref *ref)
{
	mpol_release(container_of(ref, struct mempolicy, refcnt.ref));
}

int mpol_percpu_init(struct mempolicy *pol)
{
	return percpu_ref_init(&pol->refcnt.ref, mpol_percpu_release, 0, GFP_KERNEL);
}

bool mpol_percpu_tryget(struct mempolicy *pol)
{
	return percpu_ref_tryget(&pol->refcnt.ref);
}

void mpol_percpu_kill(struct mempolicy *pol)
{
	percpu_ref_kill(&pol->refcnt.ref);
}

/* In the free path, after the last put: gives the counters back (a killed ref already did). */
void mpol_percpu_exit(struct mempolicy *pol)
{
	percpu_ref_exit(&pol->refcnt.ref);
}

long mpol_percpu_count(struct mempolicy *pol)
{
	return percpu_ref_count_snapshot(&pol->refcnt.ref);
}
