/*
 * kernel/sync/percpu_ref.c - per-CPU reference counts: the slow paths.
 *
 * MODES. A percpu_ref counts in one of two places:
 *
 *  - per-CPU mode (the normal one): get and put add to and subtract from
 *    a counter of the CPU they run on, one %gs-relative instruction each
 *    (percpu_ref.h). No CPU writes a line another CPU uses, so a ref taken
 *    and dropped on every CPU costs no more than on one. The price: no
 *    single counter holds the count (a get on CPU 0 and its put on CPU 1
 *    leave +1 and -1), so nobody can tell when it reaches zero.
 *
 *  - atomic mode: get and put are atomic operations on ref->count, which
 *    is the count; the put that brings it to zero calls release(), once.
 *
 * A ref starts per-CPU (or atomic with PERCPU_REF_INIT_ATOMIC) holding one
 * reference, the initial one. percpu_ref_kill() switches to atomic mode
 * and drops the initial reference; from then on the count is exact and
 * the last put releases.
 *
 * THE BIAS. In per-CPU mode ref->count holds PERCPU_COUNT_BIAS plus the
 * initial reference. The switch to atomic mode sets the ATOMIC flag first,
 * so from that moment some CPUs already use ref->count while others may
 * still add to their per-CPU counter; ref->count alone is meaningless
 * until the per-CPU counts are folded in, and the huge bias keeps it from
 * reaching zero (and releasing) in between. Folding adds the sum of the
 * per-CPU counters and subtracts the bias in one atomic add.
 *
 * THE RACE THE GRACE PERIOD CLOSES. A get on CPU 1 is: load
 * percpu_count_ptr, see no ATOMIC flag, increment CPU 1's counter. If the
 * switch set the flag and summed the counters between CPU 1's load and
 * its increment, the increment would land in a counter already summed:
 * lost, and a later put would free the object under its user. So get and
 * put run inside rcu_read_lock() (which costs nothing: the kernel is not
 * preemptible), and the switch sets the flag, then waits for a grace
 * period (call_rcu) before it sums. After the grace period every get or
 * put that saw the old mode has finished, and every later one sees the
 * flag: the per-CPU counters no longer change and their sum is exact.
 * The same grace period is what makes percpu_ref_kill_and_confirm's
 * confirm mean "every CPU now sees the ref dead": tryget_live fails.
 *
 * The switch back to per-CPU mode needs no grace period: it zeroes the
 * counters, adds the bias back, and only then clears the flag (a release
 * store), so a CPU that sees per-CPU mode sees zeroed counters; a CPU
 * still in atomic mode uses ref->count, which is valid in both modes.
 *
 * Locking: percpu_ref_switch_lock serialises mode changes of all refs
 * (they are rare); nothing is taken inside it (call_rcu takes no lock).
 * A switch to atomic mode in flight is marked by ref->switching; callers
 * that must not overlap one wait on percpu_ref_switch_waitq.
 */
#include "kernel/sync/percpu_ref.h"
#include "kernel/sched/task.h"
#include "kernel/sync/wait.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/errno.h"

/* Far above any real count, far below overflow: count never hits zero while per-CPU counts are out. */
#define PERCPU_COUNT_BIAS	(1L << 62)

static DEFINE_SPINLOCK_RANK(percpu_ref_switch_lock, LOCK_RANK_PERCPU_REF);
static DECLARE_WAIT_QUEUE_HEAD(percpu_ref_switch_waitq);

static unsigned long __percpu *percpu_count_ptr(struct percpu_ref *ref)
{
	return (unsigned long __percpu *)(ref->percpu_count_ptr & ~__PERCPU_REF_ATOMIC_DEAD);
}

int percpu_ref_init(struct percpu_ref *ref, percpu_ref_func_t *release, unsigned int flags, gfp_t gfp)
{
	unsigned long __percpu *pcount = alloc_percpu(unsigned long);
	long start = 1;			/* the initial reference */

	(void)gfp;			/* the per-CPU allocator takes no gfp flags */
	if (!pcount)
		return -ENOMEM;
	BUILD_BUG_ON(__alignof__(unsigned long) < (1 << __PERCPU_REF_FLAG_BITS));
	ref->percpu_count_ptr = (unsigned long)pcount;
	ref->release = release;
	ref->confirm_switch = NULL;
	ref->switching = false;
	ref->force_atomic = flags & PERCPU_REF_INIT_ATOMIC;
	ref->allow_reinit = (flags & (PERCPU_REF_INIT_ATOMIC | PERCPU_REF_ALLOW_REINIT)) != 0;
	if (flags & (PERCPU_REF_INIT_ATOMIC | PERCPU_REF_INIT_DEAD)) {
		ref->percpu_count_ptr |= __PERCPU_REF_ATOMIC;
		ref->allow_reinit = true;	/* a dead ref exists to be brought up */
		ref->percpu_live = false;
	} else {
		start += PERCPU_COUNT_BIAS;
		ref->percpu_live = true;
	}
	if (flags & PERCPU_REF_INIT_DEAD) {
		ref->percpu_count_ptr |= __PERCPU_REF_DEAD;
		start--;
	}
	atomic_long_set(&ref->count, start);
	return 0;
}

/* Waits until no switch to atomic mode is in flight; returns with the lock held. */
static unsigned long lock_idle_ref(struct percpu_ref *ref)
{
	unsigned long flags;

	for (;;) {
		flags = spin_lock_irqsave(&percpu_ref_switch_lock);
		if (!ref->switching)
			return flags;
		spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
		wait_event(percpu_ref_switch_waitq, !READ_ONCE(ref->switching));
	}
}

void percpu_ref_exit(struct percpu_ref *ref)
{
	unsigned long __percpu *pcount;
	unsigned long flags = lock_idle_ref(ref);

	pcount = percpu_count_ptr(ref);
	ref->percpu_count_ptr = __PERCPU_REF_ATOMIC_DEAD;	/* gets and puts now use count: a bug */
	spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
	if (pcount)
		free_percpu(pcount);
}

void __percpu_ref_release_slow(struct percpu_ref *ref, long count)
{
	if (count == 0)
		ref->release(ref);
	else
		WARN_ON_ONCE(1);	/* more puts than gets */
}

/* ---- switching to atomic mode ---- */

/* After the grace period: no CPU is still inside a get or put that saw per-CPU mode. */
static void percpu_ref_switch_to_atomic_rcu(struct rcu_head *rcu)
{
	struct percpu_ref *ref = container_of(rcu, struct percpu_ref, rcu);
	unsigned long __percpu *pcount = percpu_count_ptr(ref);
	percpu_ref_func_t *confirm;
	unsigned long flags;

	if (ref->percpu_live) {
		unsigned long sum = 0;
		int cpu;

		for_each_possible_cpu(cpu)
			sum += *per_cpu_ptr(pcount, cpu);	/* wraps: only the total matters */
		atomic_long_add((long)sum - PERCPU_COUNT_BIAS, &ref->count);
		ref->percpu_live = false;
		WARN_ON_ONCE(atomic_long_read(&ref->count) <= 0);	/* the switch holds one */
	}
	flags = spin_lock_irqsave(&percpu_ref_switch_lock);
	confirm = ref->confirm_switch;
	ref->confirm_switch = NULL;
	if (!ref->allow_reinit && (ref->percpu_count_ptr & __PERCPU_REF_DEAD) && pcount) {
		ref->percpu_count_ptr = __PERCPU_REF_ATOMIC_DEAD;	/* never per-CPU again */
	} else {
		pcount = NULL;
	}
	spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
	if (pcount)
		free_percpu(pcount);	/* the counters are summed and no CPU uses them */
	if (confirm)
		confirm(ref);
	WRITE_ONCE(ref->switching, false);
	percpu_ref_put(ref);		/* the switch's own reference: may release ref */
	wake_up_all(&percpu_ref_switch_waitq);	/* touches no ref: it may be gone */
}

/*
 * Sets the ATOMIC flag and starts the grace period that ends the switch.
 * Lock held, no switch in flight. Also used with the flag already set, to
 * confirm a kill: the grace period then only publishes the DEAD flag.
 */
static void __percpu_ref_switch_to_atomic(struct percpu_ref *ref, percpu_ref_func_t *confirm)
{
	ref->percpu_count_ptr |= __PERCPU_REF_ATOMIC;	/* one store; READ_ONCE in get/put */
	ref->switching = true;
	ref->confirm_switch = confirm;
	atomic_long_inc(&ref->count);	/* keep ref alive until the callback has run */
	call_rcu(&ref->rcu, percpu_ref_switch_to_atomic_rcu);
}

void percpu_ref_switch_to_atomic(struct percpu_ref *ref, percpu_ref_func_t *confirm_switch)
{
	unsigned long flags;

	if (!confirm_switch) {
		flags = spin_lock_irqsave(&percpu_ref_switch_lock);
		ref->force_atomic = true;
		if (!(ref->percpu_count_ptr & __PERCPU_REF_ATOMIC) && !ref->switching)
			__percpu_ref_switch_to_atomic(ref, NULL);
		spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);	/* in flight or done */
		return;
	}
	flags = lock_idle_ref(ref);
	ref->force_atomic = true;
	if (ref->percpu_count_ptr & __PERCPU_REF_ATOMIC) {
		spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
		confirm_switch(ref);	/* already atomic, seen by all: the last switch's GP has ended */
		return;
	}
	__percpu_ref_switch_to_atomic(ref, confirm_switch);
	spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
}

void percpu_ref_switch_to_atomic_sync(struct percpu_ref *ref)
{
	percpu_ref_switch_to_atomic(ref, NULL);
	wait_event(percpu_ref_switch_waitq, !READ_ONCE(ref->switching));
}

/* ---- back to per-CPU mode ---- */

/* Lock held, no switch in flight. */
static void __percpu_ref_switch_to_percpu(struct percpu_ref *ref)
{
	unsigned long __percpu *pcount = percpu_count_ptr(ref);
	int cpu;

	if (!(ref->percpu_count_ptr & __PERCPU_REF_ATOMIC) || !pcount)
		return;
	if (WARN_ON_ONCE(!ref->allow_reinit && ref->percpu_count_ptr & __PERCPU_REF_DEAD))
		return;
	atomic_long_add(PERCPU_COUNT_BIAS, &ref->count);
	for_each_possible_cpu(cpu)
		*per_cpu_ptr(pcount, cpu) = 0;
	ref->percpu_live = true;
	/* release: a CPU that sees per-CPU mode sees the zeroed counters */
	smp_store_release(&ref->percpu_count_ptr, ref->percpu_count_ptr & ~__PERCPU_REF_ATOMIC);
}

void percpu_ref_switch_to_percpu(struct percpu_ref *ref)
{
	unsigned long flags = lock_idle_ref(ref);

	ref->force_atomic = false;
	if (!(ref->percpu_count_ptr & __PERCPU_REF_DEAD))
		__percpu_ref_switch_to_percpu(ref);
	spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
}

/* ---- kill, resurrect, reinit ---- */

/*
 * Marks the ref dead, switches it to atomic mode, and drops the initial
 * reference. confirm_kill, if given, runs after a grace period, when no
 * CPU can still succeed in percpu_ref_tryget_live(). Sleeps only if a
 * switch with a confirm callback must wait for one already in flight.
 */
void percpu_ref_kill_and_confirm(struct percpu_ref *ref, percpu_ref_func_t *confirm_kill)
{
	unsigned long flags;

	if (confirm_kill)
		flags = lock_idle_ref(ref);
	else
		flags = spin_lock_irqsave(&percpu_ref_switch_lock);
	WARN_ON_ONCE(ref->percpu_count_ptr & __PERCPU_REF_DEAD);	/* killed twice */
	ref->percpu_count_ptr |= __PERCPU_REF_DEAD;
	if (confirm_kill || (!(ref->percpu_count_ptr & __PERCPU_REF_ATOMIC) && !ref->switching))
		__percpu_ref_switch_to_atomic(ref, confirm_kill);
	spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
	percpu_ref_put(ref);		/* the initial reference; counted atomically now */
}

/* Dead (not exited) -> live again, with a new initial reference. */
void percpu_ref_resurrect(struct percpu_ref *ref)
{
	unsigned long flags = lock_idle_ref(ref);

	WARN_ON_ONCE(!(ref->percpu_count_ptr & __PERCPU_REF_DEAD));
	WARN_ON_ONCE(!percpu_count_ptr(ref));	/* exited, or freed without ALLOW_REINIT */
	ref->percpu_count_ptr &= ~__PERCPU_REF_DEAD;
	atomic_long_inc(&ref->count);	/* the initial reference */
	if (!ref->force_atomic)
		__percpu_ref_switch_to_percpu(ref);
	spin_unlock_irqrestore(&percpu_ref_switch_lock, flags);
}

/* A released ref (count zero) -> live again. */
void percpu_ref_reinit(struct percpu_ref *ref)
{
	WARN_ON_ONCE(!percpu_ref_is_zero(ref));
	percpu_ref_resurrect(ref);
}

bool percpu_ref_is_zero(struct percpu_ref *ref)
{
	unsigned long __percpu *pcount;
	bool zero;

	rcu_read_lock();
	zero = !__ref_is_percpu(ref, &pcount) && !ref->switching && atomic_long_read(&ref->count) == 0;
	rcu_read_unlock();
	return zero;
}

/*
 * Tests and the monitor only: the count as it stands, the per-CPU parts
 * summed in per-CPU mode. Exact while nobody gets or puts and no switch
 * is in flight; a snapshot otherwise.
 */
long percpu_ref_count_snapshot(struct percpu_ref *ref)
{
	unsigned long __percpu *pcount = percpu_count_ptr(ref);
	long count = atomic_long_read(&ref->count);

	if (READ_ONCE(ref->percpu_live) && pcount) {
		unsigned long sum = 0;
		int cpu;

		for_each_possible_cpu(cpu)
			sum += READ_ONCE(*per_cpu_ptr(pcount, cpu));
		count += (long)sum - PERCPU_COUNT_BIAS;
	}
	return count;
}
