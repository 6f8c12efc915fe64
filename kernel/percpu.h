/*
 * kernel/percpu.h - per-CPU variables through %gs.
 *
 * Static per-CPU variables are defined with DEFINE_PER_CPU and land in the
 * .data..percpu section of the image, which is a template: at boot every CPU
 * gets a copy of it (its "per-CPU area", allocated on the CPU's own NUMA
 * node), and the CPU's GS base is set to
 *
 *	__per_cpu_offset[cpu] = area - __per_cpu_start
 *
 * so that the linked address of a variable plus the GS base is the address
 * of this CPU's copy. `this_cpu_inc(x)` is therefore one instruction,
 * `incl %gs:x(%rip)`: atomic against interrupts on this CPU (an instruction
 * is never split by an interrupt), touching only this CPU's cache line, and
 * needing no lock prefix. Before the areas exist the boot CPU's GS base is
 * 0, so it uses the template itself.
 *
 * Dynamic per-CPU memory (alloc_percpu, kernel/mm/percpu_alloc.c) follows
 * the same rule: a per-CPU pointer is an address that, plus a CPU's
 * offset, gives that CPU's copy; each area reserves PERCPU_DYNAMIC_SIZE
 * bytes after the static part for it, at the same offset in every area.
 * So `this_cpu_inc(*p)` and `this_cpu_add(p->field, n)` also work, as one
 * %gs-relative instruction each. A per-CPU pointer (marked __percpu) must
 * never be dereferenced as it is: only through per_cpu_ptr(), this_cpu_ptr()
 * or the this_cpu_* operations.
 *
 * The this_cpu_* operations are only meaningful while the task cannot move
 * to another CPU between computing and using a result; the kernel is not
 * preemptible, so that holds until the next schedule point.
 */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include "kernel/compiler.h"

#define MAX_CPUS		64		/* CPUs the kernel supports */
#define PERCPU_DYNAMIC_SIZE	(256 * 1024)	/* room per CPU for alloc_percpu (every mm's counters, 72 bytes) */

#define __percpu			/* documents a per-CPU pointer */

#define DEFINE_PER_CPU(type, name) \
	__section(".data..percpu") __typeof__(type) name
#define DEFINE_PER_CPU_ALIGNED(type, name) \
	__section(".data..percpu") __cacheline_aligned __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name

extern unsigned long __per_cpu_offset[MAX_CPUS];
extern char __per_cpu_start[], __per_cpu_end[];
DECLARE_PER_CPU(unsigned long, this_cpu_off);
DECLARE_PER_CPU(int, cpu_number);

#define per_cpu_offset(cpu)	(__per_cpu_offset[cpu])
#define per_cpu_ptr(ptr, cpu) \
	((__typeof__(ptr))((unsigned long)(ptr) + per_cpu_offset(cpu)))
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), cpu))

#define __pcpu_suffix(var) \
	(sizeof(var) == 1 ? "b" : sizeof(var) == 2 ? "w" : sizeof(var) == 4 ? "l" : "q")

#define this_cpu_read(var) ({						\
	__typeof__(var) __v;						\
	__asm__ __volatile__("mov %%gs:%1, %0" : "=r"(__v) : "m"(var));	\
	__v; })

#define this_cpu_write(var, val) do {					\
	__typeof__(var) __v = (val);					\
	__asm__ __volatile__("mov %1, %%gs:%0" : "=m"(var) : "r"(__v) : "memory"); \
} while (0)

/* One add instruction with a %gs override; the size comes from the variable. */
#define this_cpu_add(var, val) do {					\
	__typeof__(var) __v = (val);					\
	switch (sizeof(var)) {						\
	case 1: __asm__ __volatile__("addb %1, %%gs:%0" : "+m"(var) : "qi"(__v)); break; \
	case 2: __asm__ __volatile__("addw %1, %%gs:%0" : "+m"(var) : "ri"(__v)); break; \
	case 4: __asm__ __volatile__("addl %1, %%gs:%0" : "+m"(var) : "ri"(__v)); break; \
	default: __asm__ __volatile__("addq %1, %%gs:%0" : "+m"(var) : "re"(__v)); break; \
	}								\
} while (0)
#define this_cpu_sub(var, val)	this_cpu_add(var, -(__typeof__(var))(val))
#define this_cpu_inc(var)	this_cpu_add(var, 1)
#define this_cpu_dec(var)	this_cpu_add(var, -1)

#define this_cpu_ptr(ptr) \
	((__typeof__(ptr))((unsigned long)(ptr) + this_cpu_read(this_cpu_off)))

static inline int smp_processor_id(void)
{
	return this_cpu_read(cpu_number);
}

/* Gives each possible CPU its area, on its node, and points %gs at CPU 0's (percpu.c). */
void setup_per_cpu_areas(void);

/*
 * Dynamic per-CPU memory: size bytes, aligned to align (at most a page), in
 * every possible CPU's area, zeroed; NULL when the space is used up.
 */
void __percpu *__alloc_percpu(size_t size, size_t align);
#define alloc_percpu(type) \
	((__typeof__(type) __percpu *)__alloc_percpu(sizeof(type), __alignof__(type)))
void free_percpu(void __percpu *ptr);
size_t percpu_bytes_used(void);		/* dynamic bytes allocated, all CPUs counted once */
extern size_t percpu_dynamic_offset;

#endif
