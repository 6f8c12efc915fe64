/*
 * kernel/mm/kstack.h - kernel stacks with a guard below them.
 *
 * A kernel stack is KSTACK_SIZE bytes of pages mapped in the stack area
 * (KSTACK_AREA_BASE), each in its own slot of KSTACK_SLOT_SIZE bytes whose
 * lower part stays unmapped: a stack that overflows runs into the guard
 * and faults there, and the fault handler reports "stack overflow"
 * instead of letting it silently overwrite whatever lay below.
 *
 *	void *top = kstack_alloc(nid);	initial stack pointer, 16-byte aligned;
 *					the stack is [top - KSTACK_SIZE, top)
 *	kstack_free(top);
 *
 * The pages come from node nid (NUMA_NO_NODE: the calling CPU's node),
 * falling back by distance like any allocation. kstack_alloc returns NULL
 * when memory or slots run out. kstack_free may be called with interrupts
 * off: the unmapping needs a TLB flush on every CPU (an IPI, which needs
 * interrupts on), so then the stack is only queued, and freed by the next
 * kstack_alloc/kstack_free called with interrupts on, or by kstack_purge().
 * A stack must not be freed while a CPU still runs on it.
 */
#ifndef KERNEL_MM_KSTACK_H
#define KERNEL_MM_KSTACK_H

#include "kernel/types.h"
#include "arch/x86_64/asm.h"

#define KSTACK_SLOT_SIZE	(2 * KSTACK_SIZE)	/* the stack on top, its guard below */
#define KSTACK_GUARD_SIZE	(KSTACK_SLOT_SIZE - KSTACK_SIZE)
#define KSTACK_MAX		1024			/* stacks that can exist at once */
#define KSTACK_AREA_SIZE	((unsigned long)KSTACK_MAX * KSTACK_SLOT_SIZE)

void kstack_init(void);
void *kstack_alloc(int nid);
void kstack_free(void *top);
/* Frees the stacks whose free was deferred (interrupts must be on; else does nothing). */
void kstack_purge(void);
/* Is addr inside the guard of some stack slot? (What a fault handler asks.) */
bool kstack_guard_hit(unsigned long addr);
int kstack_count(void);			/* stacks allocated and not yet freed */

/* Runs fn(arg) on the stack whose top is stack_top, then returns to this one. */
void call_on_stack(void (*fn)(void *), void *arg, void *stack_top);

#endif
