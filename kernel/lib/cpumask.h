/*
 * kernel/lib/cpumask.h - fixed-size sets of CPUs and of NUMA nodes as
 * bitmaps. Plain operations are not atomic; the *_atomic forms are.
 */
#ifndef KERNEL_LIB_CPUMASK_H
#define KERNEL_LIB_CPUMASK_H

#include "kernel/atomic.h"
#include "kernel/percpu.h"

#define BITS_TO_LONGS(n)	(((n) + 63) / 64)

struct cpumask { unsigned long bits[BITS_TO_LONGS(MAX_CPUS)]; };
typedef struct cpumask cpumask_t;

static inline void cpumask_clear(struct cpumask *m)
{
	for (unsigned i = 0; i < ARRAY_SIZE(m->bits); i++)
		m->bits[i] = 0;
}
static inline void cpumask_set_cpu(int cpu, struct cpumask *m) { m->bits[cpu / 64] |= 1UL << (cpu % 64); }
static inline void cpumask_clear_cpu(int cpu, struct cpumask *m) { m->bits[cpu / 64] &= ~(1UL << (cpu % 64)); }
static inline void cpumask_set_cpu_atomic(int cpu, struct cpumask *m) { set_bit(cpu, m->bits); }
static inline void cpumask_clear_cpu_atomic(int cpu, struct cpumask *m) { clear_bit(cpu, m->bits); }
static inline bool cpumask_test_cpu(int cpu, const struct cpumask *m) { return test_bit(cpu, m->bits); }

int bitmap_next_set(const unsigned long *bits, int nbits, int start);
int bitmap_weight(const unsigned long *bits, int nbits);
/* Formats a bitmap as a range list ("0-3,6"); returns the length written. */
int bitmap_print_ranges(char *buf, size_t size, const unsigned long *bits, int nbits);
/* Parses a range list into a bitmap; 0 or -EINVAL. "-" or "" is empty. */
int bitmap_parse_ranges(const char *s, unsigned long *bits, int nbits);

static inline int cpumask_next(int cpu, const struct cpumask *m) { return bitmap_next_set(m->bits, MAX_CPUS, cpu + 1); }
static inline int cpumask_first(const struct cpumask *m) { return bitmap_next_set(m->bits, MAX_CPUS, 0); }
static inline int cpumask_weight(const struct cpumask *m) { return bitmap_weight(m->bits, MAX_CPUS); }
static inline bool cpumask_empty(const struct cpumask *m) { return cpumask_first(m) >= MAX_CPUS; }

#define for_each_cpu(cpu, mask) \
	for ((cpu) = cpumask_first(mask); (cpu) < MAX_CPUS; (cpu) = cpumask_next((cpu), (mask)))

extern struct cpumask cpu_online_mask;		/* CPUs that reported in */
extern struct cpumask cpu_possible_mask;	/* enabled in the MADT */
#define for_each_online_cpu(cpu)   for_each_cpu(cpu, &cpu_online_mask)
#define for_each_possible_cpu(cpu) for_each_cpu(cpu, &cpu_possible_mask)
static inline int num_online_cpus(void) { return cpumask_weight(&cpu_online_mask); }
static inline bool cpu_online(int cpu) { return cpumask_test_cpu(cpu, &cpu_online_mask); }

#endif
