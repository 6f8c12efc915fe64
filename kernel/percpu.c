/*
 * kernel/percpu.c - setting up the per-CPU areas (see percpu.h).
 *
 * Each possible CPU gets one area on its own node (or the nearest node
 * with memory, for a CPU on a memory-less node): a copy of the static
 * template followed, from the next page boundary, by PERCPU_DYNAMIC_SIZE
 * bytes for alloc_percpu() (kernel/mm/percpu_alloc.c).
 */
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/mm/memblock.h"
#include "kernel/mm/numa.h"
#include "arch/x86_64/cpu.h"

unsigned long __per_cpu_offset[MAX_CPUS];
DEFINE_PER_CPU(unsigned long, this_cpu_off);
DEFINE_PER_CPU(int, cpu_number);
size_t percpu_area_size;
size_t percpu_dynamic_offset;		/* where the dynamic part starts in an area */

void setup_per_cpu_areas(void)
{
	size_t static_size = __per_cpu_end - __per_cpu_start;
	int cpu;

	percpu_dynamic_offset = ALIGN_UP(static_size, PAGE_SIZE);
	percpu_area_size = percpu_dynamic_offset + PERCPU_DYNAMIC_SIZE;
	for_each_possible_cpu(cpu) {
		int node = numa_nearest_memory_node(cpu_to_node(cpu));
		char *area = memblock_alloc_node(percpu_area_size, PAGE_SIZE, node);

		memcpy(area, __per_cpu_start, static_size);
		__per_cpu_offset[cpu] = (unsigned long)area - (unsigned long)__per_cpu_start;
		per_cpu(this_cpu_off, cpu) = __per_cpu_offset[cpu];
		per_cpu(cpu_number, cpu) = cpu;
		smp_init_this_cpu_state(cpu);
	}
	wrmsr(MSR_GS_BASE, __per_cpu_offset[0]);	/* the boot CPU leaves the template */
	pr_info("percpu: %zu bytes static + %d dynamic per CPU, each on its node\n",
		static_size, PERCPU_DYNAMIC_SIZE);
}
