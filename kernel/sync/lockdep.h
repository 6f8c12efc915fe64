/*
 * kernel/sync/lockdep.h - the lock-order checker's hooks (see lockdep.c).
 * Compiled to nothing in a release build (CONFIG_DEBUG=0).
 */
#ifndef KERNEL_SYNC_LOCKDEP_H
#define KERNEL_SYNC_LOCKDEP_H

#include "kernel/compiler.h"
#include "kernel/sync/lock_order.h"

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
#else
static inline void lockdep_acquire(const void *l, const char *n, int r, bool s) { }
static inline void lockdep_release(const void *l, bool s) { }
static inline void lockdep_print_held_locks(struct task *t) { }
static inline int lockdep_violations(void) { return 0; }
static inline void lockdep_forgive(int n) { }
static inline int lockdep_cpu_depth(void) { return 0; }
static inline void lockdep_cpu_restore(int d) { }
#endif

#endif
