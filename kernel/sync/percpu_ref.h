/*
 * kernel/sync/percpu_ref.h - reference counts that cost one per-CPU
 * instruction to get and put, for objects referenced far more often than
 * they die (memory policies, later). kernel/sync/percpu_ref.c explains the
 * modes and why switching between them waits for an RCU grace period;
 * docs/percpu_ref.md is the walk-through.
 *
 *	percpu_ref_init(&obj->ref, obj_release, 0, GFP_KERNEL);
 *	percpu_ref_get(&obj->ref);  ...  percpu_ref_put(&obj->ref);   any CPU, any time
 *	percpu_ref_kill(&obj->ref);	drops the initial reference; obj_release runs
 *					once, when the last reference goes
 *	percpu_ref_exit(&obj->ref);	in obj_release (or after), frees the counters
 *
 * Same names and semantics as Linux. Functions marked "may sleep" sleep
 * only to wait for a mode switch already in flight.
 */
#ifndef KERNEL_SYNC_PERCPU_REF_H
#define KERNEL_SYNC_PERCPU_REF_H

#include "kernel/atomic.h"
#include "kernel/percpu.h"
#include "kernel/types.h"
#include "kernel/sync/rcupdate.h"

struct percpu_ref;
typedef void (percpu_ref_func_t)(struct percpu_ref *ref);

/* Low bits of percpu_count_ptr (the per-CPU counter is 8-byte aligned). */
#define __PERCPU_REF_ATOMIC	1UL	/* count in ref->count, not per CPU */
#define __PERCPU_REF_DEAD	2UL	/* killed: tryget_live fails */
#define __PERCPU_REF_ATOMIC_DEAD (__PERCPU_REF_ATOMIC | __PERCPU_REF_DEAD)
#define __PERCPU_REF_FLAG_BITS	2

/* percpu_ref_init flags */
#define PERCPU_REF_INIT_ATOMIC	(1U << 0)	/* start in atomic mode (implies ALLOW_REINIT) */
#define PERCPU_REF_INIT_DEAD	(1U << 1)	/* start dead, count 0: percpu_ref_reinit brings it up */
#define PERCPU_REF_ALLOW_REINIT	(1U << 2)	/* keep the per-CPU counters after a kill, for reinit */

struct percpu_ref {
	/* unsigned long __percpu * counter, ORed with the two flags above */
	unsigned long percpu_count_ptr;
	atomic_long_t count;		/* atomic mode: the count; per-CPU mode: bias + a part */
	percpu_ref_func_t *release;	/* count reached zero */
	percpu_ref_func_t *confirm_switch;	/* kill_and_confirm's, run when the switch is seen */
	bool force_atomic;		/* switch_to_atomic asked to stay atomic */
	bool allow_reinit;
	bool switching;			/* a switch to atomic waits for its grace period */
	bool percpu_live;		/* the per-CPU counters hold counts not yet folded in */
	struct rcu_head rcu;
};

int percpu_ref_init(struct percpu_ref *ref, percpu_ref_func_t *release, unsigned int flags, gfp_t gfp);
void percpu_ref_exit(struct percpu_ref *ref);				/* may sleep */
void percpu_ref_switch_to_atomic(struct percpu_ref *ref, percpu_ref_func_t *confirm_switch);	/* may sleep */
void percpu_ref_switch_to_atomic_sync(struct percpu_ref *ref);		/* sleeps */
void percpu_ref_switch_to_percpu(struct percpu_ref *ref);		/* may sleep */
void percpu_ref_kill_and_confirm(struct percpu_ref *ref, percpu_ref_func_t *confirm_kill);	/* may sleep */
void percpu_ref_resurrect(struct percpu_ref *ref);			/* may sleep */
void percpu_ref_reinit(struct percpu_ref *ref);				/* may sleep */
bool percpu_ref_is_zero(struct percpu_ref *ref);
long percpu_ref_count_snapshot(struct percpu_ref *ref);	/* tests, the monitor: the count now */
void __percpu_ref_release_slow(struct percpu_ref *ref, long count);

static inline void percpu_ref_kill(struct percpu_ref *ref)
{
	percpu_ref_kill_and_confirm(ref, NULL);
}

/*
 * Per-CPU mode if neither flag is set: then *pcount is the counter. The
 * caller is inside rcu_read_lock(): a switch to atomic mode waits for a
 * grace period before it sums the counters, so an increment made on the
 * strength of this test is always summed.
 */
static __always_inline bool __ref_is_percpu(struct percpu_ref *ref, unsigned long __percpu **pcount)
{
	unsigned long p = READ_ONCE(ref->percpu_count_ptr);

	if (p & __PERCPU_REF_ATOMIC_DEAD)
		return false;
	*pcount = (unsigned long __percpu *)p;	/* address dependency orders the use after the load */
	return true;
}

static inline void percpu_ref_get_many(struct percpu_ref *ref, unsigned long nr)
{
	unsigned long __percpu *pcount;

	rcu_read_lock();
	if (__ref_is_percpu(ref, &pcount))
		this_cpu_add(*pcount, nr);	/* one %gs-relative add, no shared cache line */
	else
		atomic_long_add(nr, &ref->count);
	rcu_read_unlock();
}

static inline void percpu_ref_get(struct percpu_ref *ref) { percpu_ref_get_many(ref, 1); }

static inline void percpu_ref_put_many(struct percpu_ref *ref, unsigned long nr)
{
	unsigned long __percpu *pcount;

	rcu_read_lock();
	if (__ref_is_percpu(ref, &pcount)) {
		this_cpu_sub(*pcount, nr);
	} else {
		long c = atomic_long_add_return(-(long)nr, &ref->count);
		if (unlikely(c <= 0))
			__percpu_ref_release_slow(ref, c);	/* release, or report an underflow */
	}
	rcu_read_unlock();
}

static inline void percpu_ref_put(struct percpu_ref *ref) { percpu_ref_put_many(ref, 1); }

/* A reference unless the count is already zero (dead refs included). */
static inline bool percpu_ref_tryget(struct percpu_ref *ref)
{
	unsigned long __percpu *pcount;
	bool ok = true;

	rcu_read_lock();
	if (__ref_is_percpu(ref, &pcount)) {
		this_cpu_inc(*pcount);
	} else {
		long c = atomic_long_read(&ref->count);
		do {
			if (c == 0) {
				ok = false;
				break;
			}
		} while (!__atomic_compare_exchange_n(&ref->count.counter, &c, c + 1, false,
						      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	}
	rcu_read_unlock();
	return ok;
}

/*
 * A reference unless the ref has been killed. After percpu_ref_kill's
 * confirm callback has run, this fails on every CPU.
 */
static inline bool percpu_ref_tryget_live(struct percpu_ref *ref)
{
	unsigned long __percpu *pcount;
	bool ok = false;

	rcu_read_lock();
	if (__ref_is_percpu(ref, &pcount)) {
		this_cpu_inc(*pcount);
		ok = true;
	} else if (!(READ_ONCE(ref->percpu_count_ptr) & __PERCPU_REF_DEAD)) {
		long c = atomic_long_read(&ref->count);
		while (c != 0) {
			if (__atomic_compare_exchange_n(&ref->count.counter, &c, c + 1, false,
							__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
				ok = true;
				break;
			}
		}
	}
	rcu_read_unlock();
	return ok;
}

#endif
