/*
 * kernel/sync/spinlock.h - ticket spinlocks.
 *
 * A ticket lock hands the lock out in arrival order (no CPU starves): a CPU
 * takes a ticket with one atomic increment of `next` and spins until `owner`
 * reaches it; unlock increments `owner`. Under a hypervisor, waiters use
 * test-and-set on the same counters instead (spinlock.c explains why). The owner CPU is recorded so that
 * recursion (taking a lock this CPU already holds) and unlock by another
 * CPU are caught at once instead of deadlocking or corrupting silently.
 * Each lock has a rank (kernel/sync/lock_order.h) for the lock-order
 * checker; spin_lock_init_rank() sets it.
 *
 * While a CPU holds any spinlock it must not sleep (spin_depth counts them;
 * might_sleep() checks). Use spin_lock_irqsave() for any lock that an
 * interrupt handler also takes: otherwise the handler can spin forever on
 * a lock its own CPU holds.
 */
#ifndef KERNEL_SYNC_SPINLOCK_H
#define KERNEL_SYNC_SPINLOCK_H

#include "kernel/compiler.h"
#include "kernel/percpu.h"
#include "kernel/sync/lock_order.h"
#include "kernel/technique.h"
#include "arch/x86_64/cpu.h"

DECLARE_PER_CPU(int, spin_depth);	/* spinlocks this CPU holds */

typedef struct spinlock {
	u16 owner;		/* ticket now being served */
	u16 next;		/* next ticket to hand out */
	s16 owner_cpu;		/* -1 when free */
	s16 rank;		/* lock_order.h; 0: not checked */
	const char *name;
} spinlock_t;

#define SPINLOCK_INIT_RANK(n, r) { .owner = 0, .next = 0, .owner_cpu = -1, .rank = (r), .name = (n) }
#define SPINLOCK_INIT(n)	SPINLOCK_INIT_RANK(n, LOCK_RANK_NONE)
#define DEFINE_SPINLOCK(x)	spinlock_t x = SPINLOCK_INIT(#x)
#define DEFINE_SPINLOCK_RANK(x, r) spinlock_t x = SPINLOCK_INIT_RANK(#x, r)

void spin_lock_init(spinlock_t *lock, const char *name);
void spin_lock_init_rank(spinlock_t *lock, const char *name, int rank);
void spin_lock(spinlock_t *lock);
bool spin_trylock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
bool spin_is_locked(spinlock_t *lock);
#if CONFIG_DEBUG
bool spin_is_held_by_this_cpu(spinlock_t *lock);	/* lockdep_assert_held() */
#endif

/* How waiters wait: the technique spinlock=tas|ticket|auto (spinlock.c). */
enum { SPINLOCK_TAS, SPINLOCK_TICKET, SPINLOCK_AUTO };
DECLARE_TECHNIQUE(spinlock);
void spinlock_mode_init(void);
bool spinlock_waits_tas(void);		/* the mode in force, auto resolved */
const char *spinlock_mode(void);	/* "tas" or "ticket": how waiters wait now */

static inline unsigned long spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags = local_irq_save();
	spin_lock(lock);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock(lock);
	local_irq_restore(flags);
}

static inline void spin_lock_irq(spinlock_t *lock) { local_irq_disable(); spin_lock(lock); }
static inline void spin_unlock_irq(spinlock_t *lock) { spin_unlock(lock); local_irq_enable(); }

#endif
