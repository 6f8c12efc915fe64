/*
 * kernel/types.h - fixed-width integer types and the few basics every file
 * needs. The kernel is freestanding: no libc headers except the compiler's
 * own <stdarg.h>, <stddef.h> and <stdbool.h>.
 */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long s64;

typedef u64 uintptr_t;
typedef s64 intptr_t;
typedef s64 ssize_t;
typedef u64 phys_addr_t;
typedef s64 ktime_t;		/* nanoseconds since boot */
typedef unsigned int gfp_t;	/* allocation flags (__GFP_*, kernel/mm/page_alloc.h) */

#define U64_MAX		(~0UL)
#define U32_MAX		(~0U)
#define INT_MAX		0x7fffffff
#define LONG_MAX	0x7fffffffffffffffL

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

/*
 * A callback queued by call_rcu() (kernel/sync/rcupdate.h), embedded in
 * the object it will free. Here, as in Linux, so that any structure (even
 * struct page) can hold one without including the RCU headers.
 */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

#endif
