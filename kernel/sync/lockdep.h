/*
 * kernel/sync/lockdep.h - the lock-order checker's hooks (see lockdep.c),
 * and the lock contracts it checks: lockdep_assert_held() and friends.
 * Compiled to nothing in a release build (CONFIG_DEBUG=0).
 */
#ifndef KERNEL_SYNC_LOCKDEP_H
#define KERNEL_SYNC_LOCKDEP_H

#include "kernel/compiler.h"
#include "kernel/sync/lock_order.h"
#include "kernel/sync/rwsem.h"
#include "kernel/sync/spinlock.h"

struct task;

#if CONFIG_DEBUG
/* sleeping: the lock is a mutex or rwsem (held across schedule, so per task). */
void lockdep_acquire(const void *lock, const char *name, int rank, bool sleeping);
void lockdep_release(const void *lock, bool sleeping);
void lockdep_print_held_locks(struct task *t);
int lockdep_violations(void);		/* warnings given so far */
void lockdep_forgive(int n);		/* n of them were provoked on purpose (the checker's tests) */
int lockdep_cpu_depth(void);		/* spinlocks this CPU holds, as tracked */
void lockdep_cpu_restore(int depth);	/* after a crash recovery */

/*
 * Lock contracts as code: "called with page_table_lock held" becomes
 * lockdep_assert_held(&mm->page_table_lock). Held means
 *   a spinlock  by this CPU (its owner_cpu);
 *   an rwsem    by this task: for writing (the rwsem's owner), or for
 *               reading or writing (the checker's record of the sleeping
 *               locks a task holds; an rwsem has no list of its readers).
 * A broken contract is a WARNING with a backtrace and the locks held, and
 * counts as a violation like a lock-order one (a suite with one fails its
 * leak_check); it never panics: the kernel carries on as it would have.
 */
void lockdep_assert_failed(const char *expr, const char *name, const char *how, const char *file, int line);
bool lockdep_task_holds(const void *lock);	/* sleeping locks; true when it cannot tell */
#define lockdep_is_held(l) \
	_Generic((l), spinlock_t *: spin_is_held_by_this_cpu, \
		 struct rw_semaphore *: rwsem_is_held_by_current)(l)
#define lockdep_assert_held(l) do {						\
	if (unlikely(!lockdep_is_held(l)))					\
		lockdep_assert_failed(#l, (l)->name, "held", __FILE__, __LINE__);	\
} while (0)
#define lockdep_assert_held_write(l) do {					\
	if (unlikely(!rwsem_is_write_held_by_current(l)))			\
		lockdep_assert_failed(#l, (l)->name, "held for writing", __FILE__, __LINE__); \
} while (0)
#else
static inline void lockdep_acquire(const void *l, const char *n, int r, bool s) { }
static inline void lockdep_release(const void *l, bool s) { }
static inline void lockdep_print_held_locks(struct task *t) { }
static inline int lockdep_violations(void) { return 0; }
static inline void lockdep_forgive(int n) { }
static inline int lockdep_cpu_depth(void) { return 0; }
static inline void lockdep_cpu_restore(int d) { }
#define lockdep_assert_held(l)		do { (void)(l); } while (0)
#define lockdep_assert_held_write(l)	do { (void)(l); } while (0)
#endif

#endif
