/*
 * kernel/sync/spinlock.c - ticket spinlocks (see spinlock.h), and how a
 * waiter waits when the CPUs themselves are virtual.
 *
 * A ticket lock is fair: the lock passes to the waiter holding the next
 * ticket and to nobody else. On real hardware that waiter is spinning and
 * takes it at once. Under a hypervisor (QEMU included) a virtual CPU is a
 * host thread that the host may deschedule at any moment; if the waiter
 * with the next ticket is descheduled, the lock stays free and every other
 * waiter spins until the host runs that one thread again: lock-waiter
 * preemption. With more virtual CPUs than host cores, each hand-off can cost
 * a host time slice, and a contended lock runs hundreds of times slower.
 * Linux answers it (virt_spin_lock()) by dropping fairness under a
 * hypervisor that offers no paravirtual help: waiters retry a test-and-set,
 * so whichever waiter is running takes the free lock. Numbat does the same.
 * Both modes use the same two counters (a test-and-set takes the ticket
 * `owner` only when nobody else has one, as spin_trylock() does), so the
 * mode changes how CPUs wait, never what a lock looks like.
 *
 * The technique `spinlock=tas|ticket|auto` (naive first: a test-and-set
 * lock is the textbook naive lock, unfair and bouncing its line among the
 * waiters; the ticket lock is the fair answer; auto, the default, waits by
 * ticket on real hardware and by test-and-set under a hypervisor). It may
 * change live: both kinds of waiter take the same counters, so a lock may
 * even have one of each (sync.spinlock_torture_both_modes).
 */
#include "kernel/sync/spinlock.h"
#include "kernel/sync/lockdep.h"
#include "kernel/technique.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/percpu.h"
#include "kernel/panic.h"

DEFINE_PER_CPU(int, spin_depth);

DEFINE_TECHNIQUE(spinlock, "how lock waiters wait: test-and-set, fair tickets, or tickets unless under a hypervisor",
		 TECHNIQUE_LIVE, SPINLOCK_AUTO, "tas", "ticket", "auto");
static bool under_hypervisor;		/* CPUID says so: what auto looks at */

/* Boot CPU, before the APs start: no lock is contended yet. */
void spinlock_mode_init(void)
{
	under_hypervisor = cpu_has(1, CPUID_ECX, 31);
}

bool spinlock_waits_tas(void)
{
	int mode = technique_mode(spinlock);

	return mode == SPINLOCK_TAS || (mode == SPINLOCK_AUTO && READ_ONCE(under_hypervisor));
}

const char *spinlock_mode(void)
{
	return spinlock_waits_tas() ? "tas" : "ticket";
}

void spin_lock_init_rank(spinlock_t *lock, const char *name, int rank)
{
	*lock = (spinlock_t)SPINLOCK_INIT_RANK(name, rank);
}

void spin_lock_init(spinlock_t *lock, const char *name)
{
	spin_lock_init_rank(lock, name, LOCK_RANK_NONE);
}

void spin_lock(spinlock_t *lock)
{
	u16 ticket;

	if (unlikely(READ_ONCE(lock->owner_cpu) == smp_processor_id()))
		panic("spinlock recursion on %s (cpu%d already holds it)",
		      lock->name ? lock->name : "?", smp_processor_id());
	lockdep_acquire(lock, lock->name, lock->rank, false);
	if (spinlock_waits_tas()) {
		for (;;) {
			u16 owner = READ_ONCE(lock->owner);
			u16 expect = owner;

			if (READ_ONCE(lock->next) == owner &&
			    __atomic_compare_exchange_n(&lock->next, &expect, (u16)(owner + 1),
							false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				break;
			cpu_relax();
		}
	} else {
		ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_ACQUIRE);
		while (READ_ONCE(lock->owner) != ticket)
			cpu_relax();
	}
	barrier();		/* acquire: TSO orders the loads that follow */
	lock->owner_cpu = smp_processor_id();
	this_cpu_inc(spin_depth);
}

bool spin_trylock(spinlock_t *lock)
{
	u16 owner = READ_ONCE(lock->owner);
	u16 expect = owner;

	/* free means next == owner; take ticket `owner` if nobody else has */
	if (!__atomic_compare_exchange_n(&lock->next, &expect, (u16)(owner + 1), false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	lock->owner_cpu = smp_processor_id();
	this_cpu_inc(spin_depth);
	lockdep_acquire(lock, lock->name, LOCK_RANK_NONE, false);	/* a trylock cannot deadlock */
	return true;
}

void spin_unlock(spinlock_t *lock)
{
	if (unlikely(lock->owner_cpu != smp_processor_id()))
		panic("spin_unlock of %s by cpu%d, owner is cpu%d",
		      lock->name ? lock->name : "?", smp_processor_id(), lock->owner_cpu);
	lock->owner_cpu = -1;
	this_cpu_dec(spin_depth);
	lockdep_release(lock, false);
	smp_store_release(&lock->owner, (u16)(lock->owner + 1));
}

bool spin_is_locked(spinlock_t *lock)
{
	return READ_ONCE(lock->owner) != READ_ONCE(lock->next);
}

#if CONFIG_DEBUG
bool spin_is_held_by_this_cpu(spinlock_t *lock)
{
	return READ_ONCE(lock->owner_cpu) == smp_processor_id();
}
#endif
