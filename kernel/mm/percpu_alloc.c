/*
 * kernel/mm/percpu_alloc.c - alloc_percpu(): dynamic per-CPU memory (see
 * kernel/percpu.h).
 *
 * Every CPU's per-CPU area ends with PERCPU_DYNAMIC_SIZE bytes at the same
 * offset, percpu_dynamic_offset. One allocator manages that offset range
 * for all CPUs at once: an allocation of n bytes at offset o owns bytes
 * [o, o+n) in every CPU's area, so its per-CPU pointer
 *
 *	__per_cpu_start + percpu_dynamic_offset + o
 *
 * plus __per_cpu_offset[cpu] is that CPU's copy, on that CPU's node, like a
 * static per-CPU variable. The space is a bitmap of PCPU_UNIT-byte units:
 * `used` marks allocated units and `start` the first unit of each
 * allocation, so free_percpu() finds the end of an allocation (the next
 * start or the first unused unit) without storing its size.
 *
 * Invariants (pcpu_lock held): start is a subset of used; every allocation
 * is one start unit followed by used units without a start; pcpu_used
 * counts the bytes of all used units. Lock order: pcpu_lock is a leaf.
 */
#include "kernel/percpu.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/lib/cpumask.h"
#include "kernel/lib/string.h"
#include "kernel/sync/spinlock.h"

#define PCPU_UNIT	8				/* allocation granule, bytes */
#define PCPU_UNITS	(PERCPU_DYNAMIC_SIZE / PCPU_UNIT)

static DEFINE_SPINLOCK_RANK(pcpu_lock, LOCK_RANK_PCPU_ALLOC);
static unsigned long used[BITS_TO_LONGS(PCPU_UNITS)];
static unsigned long start[BITS_TO_LONGS(PCPU_UNITS)];
static size_t pcpu_used;

static unsigned long dynamic_base(void)
{
	return (unsigned long)__per_cpu_start + percpu_dynamic_offset;
}

/* First run of n free units starting at a multiple of align_units, or -1. */
static int find_free(int n, int align_units)
{
	for (int u = 0; u + n <= PCPU_UNITS; u += align_units) {
		int i;
		for (i = 0; i < n && !test_bit(u + i, used); i++)
			;
		if (i == n)
			return u;
	}
	return -1;
}

void __percpu *__alloc_percpu(size_t size, size_t align)
{
	int n = DIV_ROUND_UP(size ? size : 1, PCPU_UNIT), u, cpu;
	unsigned long flags;
	void *p;

	if (WARN_ON(!percpu_dynamic_offset) || WARN_ON(align > PAGE_SIZE || (align & (align - 1))) ||
	    size > PERCPU_DYNAMIC_SIZE)
		return NULL;
	flags = spin_lock_irqsave(&pcpu_lock);
	u = find_free(n, max(align, (size_t)PCPU_UNIT) / PCPU_UNIT);
	if (u >= 0) {
		for (int i = 0; i < n; i++)
			set_bit(u + i, used);
		set_bit(u, start);
		pcpu_used += n * PCPU_UNIT;
	}
	spin_unlock_irqrestore(&pcpu_lock, flags);
	if (u < 0)
		return NULL;
	p = (void *)(dynamic_base() + (unsigned long)u * PCPU_UNIT);
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(p, cpu), 0, n * PCPU_UNIT);
	return p;
}

void free_percpu(void __percpu *ptr)
{
	unsigned long off = (unsigned long)ptr - dynamic_base(), flags;
	int u = off / PCPU_UNIT;
	bool ok;

	if (!ptr)
		return;
	flags = spin_lock_irqsave(&pcpu_lock);
	ok = off < PERCPU_DYNAMIC_SIZE && off % PCPU_UNIT == 0 && test_bit(u, start);
	if (ok) {
		clear_bit(u, start);
		do {
			clear_bit(u++, used);
			pcpu_used -= PCPU_UNIT;
		} while (u < PCPU_UNITS && test_bit(u, used) && !test_bit(u, start));
	}
	spin_unlock_irqrestore(&pcpu_lock, flags);
	if (!ok) {
		pr_err("free_percpu: %p is not a per-CPU allocation\n", ptr);
		dump_stack();
	}
}

size_t percpu_bytes_used(void)
{
	return READ_ONCE(pcpu_used);
}

static long leak_percpu_bytes(void)
{
	return percpu_bytes_used();
}
LEAK_COUNTER("percpu bytes", leak_percpu_bytes);
