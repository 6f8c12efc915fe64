/*
 * arch/x86_64/uaccess.h - the only ways the kernel touches user memory.
 *
 * A user pointer is an untrusted number. Every access:
 *   1. checks the range lies below TASK_SIZE (access_ok): a kernel address
 *      passed to a system call is refused up front with -EFAULT;
 *   2. opens the user window with stac (SMAP otherwise faults any kernel
 *      access to a user page) and closes it with clac;
 *   3. runs instructions listed in the exception table (__ex_table, pairs
 *      of faulting ip and fixup ip): when one faults on an address the mm
 *      cannot resolve, the page-fault handler moves RIP to the fixup, which
 *      makes the copy return the bytes it did not copy. A not-yet-touched
 *      page is simply faulted in first (arch/x86_64/fault.c), so copying to
 *      fresh anonymous memory works.
 *
 * Linux's names and contracts: copy_{from,to}_user return the number of
 * bytes NOT copied (0 on success); get_user/put_user and clear_user return
 * 0 or -EFAULT; strncpy_from_user returns the string's length, count if
 * no NUL was found in count bytes, or -EFAULT.
 */
#ifndef ARCH_X86_64_UACCESS_H
#define ARCH_X86_64_UACCESS_H

#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/percpu.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"	/* TASK_SIZE */

#define __user				/* documents a user pointer */

/* An exception-table entry: where a fault may happen, where to resume. */
#define _ASM_EXTABLE(from, to)						\
	".pushsection __ex_table, \"a\"\n\t.balign 8\n\t.quad " #from ", " #to "\n\t.popsection\n\t"

static inline bool access_ok(const void __user *p, unsigned long size)
{
	unsigned long a = (unsigned long)p;

	return a + size >= a && a + size <= TASK_SIZE;
}

/* The raw copy (copy_user.S): returns bytes not copied; caller did access_ok and stac. */
unsigned long __copy_user(void *to, const void *from, unsigned long n);
unsigned long __clear_user(void *to, unsigned long n);

static inline unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	unsigned long left;

	if (!access_ok(from, n))
		return n;
	stac();
	left = __copy_user(to, from, n);
	clac();
	return left;
}

static inline unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	unsigned long left;

	if (!access_ok(to, n))
		return n;
	stac();
	left = __copy_user(to, from, n);
	clac();
	return left;
}

static inline int clear_user(void __user *to, unsigned long n)
{
	unsigned long left;

	if (!access_ok(to, n))
		return -EFAULT;
	stac();
	left = __clear_user(to, n);
	clac();
	return left ? -EFAULT : 0;
}

#define get_user(x, ptr) ({							\
	unsigned long __gu_v[(sizeof(*(ptr)) + 7) / 8] = { 0 };			\
	int __gu_e = copy_from_user(__gu_v, (ptr), sizeof(*(ptr))) ? -EFAULT : 0; \
	(x) = *(__typeof__(*(ptr)) *)__gu_v;					\
	__gu_e; })

#define put_user(x, ptr) ({							\
	__typeof__(*(ptr)) __pu_v = (x);					\
	copy_to_user((ptr), &__pu_v, sizeof(__pu_v)) ? -EFAULT : 0; })

long strncpy_from_user(char *dst, const char __user *src, long count);

/*
 * Disables faulting-in for uaccess (futex reads under a spinlock): a fault
 * goes straight to -EFAULT instead of sleeping on the mm. The count is per
 * CPU, not per task: the kernel is not preemptible and a section with
 * faults disabled never sleeps (schedule() panics if it does), so this
 * CPU's count is the running task's. The compiler barriers keep the user
 * access inside the section.
 */
DECLARE_PER_CPU(int, pagefault_disable_depth);

static inline void pagefault_disable(void)
{
	this_cpu_inc(pagefault_disable_depth);
	barrier();
}

static inline void pagefault_enable(void)
{
	barrier();
	this_cpu_dec(pagefault_disable_depth);
}

static inline bool pagefault_disabled(void)
{
	return this_cpu_read(pagefault_disable_depth) != 0;
}

#endif
