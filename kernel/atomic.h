/*
 * kernel/atomic.h - atomic integers and xchg/cmpxchg.
 *
 * On x86-64 every read-modify-write here is one `lock`-prefixed instruction:
 * it is a full memory barrier and it takes the cache line exclusive, which
 * is exactly the cost per-CPU counters avoid. Plain atomic_read/atomic_set
 * are ordinary loads and stores.
 */
#ifndef KERNEL_ATOMIC_H
#define KERNEL_ATOMIC_H

#include "kernel/compiler.h"

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;

#define ATOMIC_INIT(i)	{ (i) }

/* xchg is implicitly locked on x86; cmpxchg returns the old value. */
#define xchg(ptr, v)	__atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST)
#define cmpxchg(ptr, old, new) ({					\
	typeof(*(ptr)) _o = (old);					\
	__atomic_compare_exchange_n((ptr), &_o, (new), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	_o; })

static inline int atomic_read(const atomic_t *v) { return READ_ONCE(v->counter); }
static inline void atomic_set(atomic_t *v, int i) { WRITE_ONCE(v->counter, i); }
static inline void atomic_add(int i, atomic_t *v) { __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }
static inline void atomic_sub(int i, atomic_t *v) { __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }
static inline void atomic_inc(atomic_t *v) { atomic_add(1, v); }
static inline void atomic_dec(atomic_t *v) { atomic_sub(1, v); }
static inline int atomic_add_return(int i, atomic_t *v) { return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }
static inline int atomic_inc_return(atomic_t *v) { return atomic_add_return(1, v); }
static inline int atomic_dec_return(atomic_t *v) { return atomic_add_return(-1, v); }
static inline bool atomic_dec_and_test(atomic_t *v) { return atomic_dec_return(v) == 0; }
static inline int atomic_fetch_or(int i, atomic_t *v) { return __atomic_fetch_or(&v->counter, i, __ATOMIC_SEQ_CST); }
static inline int atomic_xchg(atomic_t *v, int i) { return xchg(&v->counter, i); }
static inline int atomic_cmpxchg(atomic_t *v, int o, int n) { return cmpxchg(&v->counter, o, n); }

static inline long atomic_long_read(const atomic_long_t *v) { return READ_ONCE(v->counter); }
static inline void atomic_long_set(atomic_long_t *v, long i) { WRITE_ONCE(v->counter, i); }
static inline void atomic_long_add(long i, atomic_long_t *v) { __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }
static inline void atomic_long_inc(atomic_long_t *v) { atomic_long_add(1, v); }
static inline void atomic_long_dec(atomic_long_t *v) { atomic_long_add(-1, v); }
static inline long atomic_long_add_return(long i, atomic_long_t *v) { return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }
static inline long atomic_long_xchg(atomic_long_t *v, long i) { return xchg(&v->counter, i); }
static inline long atomic_long_cmpxchg(atomic_long_t *v, long o, long n) { return cmpxchg(&v->counter, o, n); }

/* Bit operations on unsigned long words, atomic with respect to all CPUs. */
static inline void set_bit(unsigned int nr, unsigned long *addr)
{
	__atomic_fetch_or(&addr[nr / 64], 1UL << (nr % 64), __ATOMIC_SEQ_CST);
}
static inline void clear_bit(unsigned int nr, unsigned long *addr)
{
	__atomic_fetch_and(&addr[nr / 64], ~(1UL << (nr % 64)), __ATOMIC_SEQ_CST);
}
static inline bool test_and_set_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long m = 1UL << (nr % 64);
	return __atomic_fetch_or(&addr[nr / 64], m, __ATOMIC_SEQ_CST) & m;
}
static inline bool test_and_clear_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long m = 1UL << (nr % 64);
	return __atomic_fetch_and(&addr[nr / 64], ~m, __ATOMIC_SEQ_CST) & m;
}
static inline bool test_bit(unsigned int nr, const unsigned long *addr)
{
	return (READ_ONCE(addr[nr / 64]) >> (nr % 64)) & 1;
}

#endif
