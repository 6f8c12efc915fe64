/* kernel/sync/spinlock.c - ticket spinlocks (see spinlock.h). */
#include "kernel/sync/spinlock.h"
#include "kernel/sync/lockdep.h"
#include "kernel/percpu.h"
#include "kernel/panic.h"

DEFINE_PER_CPU(int, spin_depth);	/* spinlocks this CPU holds */

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
	ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_ACQUIRE);
	while (READ_ONCE(lock->owner) != ticket)
		cpu_relax();
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
