/*
 * kernel/compiler.h - compiler attributes, barriers and once-only accessors.
 *
 * What each primitive means on x86-64 (TSO: loads are not reordered with
 * loads, stores not with stores, and a load may pass an earlier store to a
 * different address):
 *   barrier()          compiler only; emits nothing.
 *   READ_ONCE/WRITE_ONCE  one plain mov the compiler may not tear, merge,
 *                      repeat or drop; no CPU fence (none is needed for a
 *                      single aligned access).
 *   smp_rmb/smp_wmb    compiler barrier only: x86 already orders loads with
 *                      loads and stores with stores.
 *   smp_mb             a locked add to the stack (cheaper than mfence):
 *                      the one fence x86 needs, for store->load order.
 *   smp_load_acquire / smp_store_release  a plain mov plus a compiler
 *                      barrier: TSO gives acquire and release for free.
 */
#ifndef KERNEL_COMPILER_H
#define KERNEL_COMPILER_H

#include "kernel/types.h"

#define __section(s)	__attribute__((section(s)))
#define __used		__attribute__((used))
#define __unused	__attribute__((unused))
#define __aligned(a)	__attribute__((aligned(a)))
#define __packed	__attribute__((packed))
#define __noreturn	__attribute__((noreturn))
#define __noinline	__attribute__((noinline))
#define __always_inline	inline __attribute__((always_inline))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __weak		__attribute__((weak))
#define __cacheline_aligned __attribute__((aligned(64)))

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define ALIGN_UP(x, a)	(((x) + ((a) - 1)) & ~((typeof(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((typeof(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((typeof(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define min(a, b)	({ typeof(a) _a = (a); typeof(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b)	({ typeof(a) _a = (a); typeof(b) _b = (b); _a > _b ? _a : _b; })
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)

#define barrier()	__asm__ __volatile__("" ::: "memory")

#define READ_ONCE(x)	(*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) do { *(volatile typeof(x) *)&(x) = (v); } while (0)

#define smp_mb()	__asm__ __volatile__("lock; addl $0,-4(%%rsp)" ::: "memory", "cc")
#define smp_rmb()	barrier()
#define smp_wmb()	barrier()
#define smp_load_acquire(p) ({ typeof(*(p)) _v = READ_ONCE(*(p)); barrier(); _v; })
#define smp_store_release(p, v) do { barrier(); WRITE_ONCE(*(p), (v)); } while (0)

static __always_inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

#endif
