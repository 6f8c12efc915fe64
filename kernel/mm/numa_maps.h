/*
 * kernel/mm/numa_maps.h - where a process's memory lies, for the monitor
 * (kernel/mm/numa_maps.c; the commands: kernel/proc/numa.c).
 */
#ifndef KERNEL_MM_NUMA_MAPS_H
#define KERNEL_MM_NUMA_MAPS_H

#include "kernel/types.h"
#include "kernel/mm/numa.h"

struct mm_struct;
struct mempolicy;

/* numastat -p's rows (Huge is always 0: no huge pages here). */
enum numa_total_kind { NUMA_TOTAL_HUGE, NUMA_TOTAL_HEAP, NUMA_TOTAL_STACK, NUMA_TOTAL_PRIVATE, NR_NUMA_TOTALS };

/* /proc/PID/numa_maps of mm into buf (NUL-terminated); task_pol: the task's policy (NULL: default). */
int show_numa_maps(struct mm_struct *mm, struct mempolicy *task_pol, char *buf, size_t size);
/* Pages of mm per kind and node. */
void numa_maps_totals(struct mm_struct *mm, unsigned long totals[NR_NUMA_TOTALS][MAX_NUMNODES]);
/*
 * numastat -p PID: the monitor's numastat (vmstat.c) hands its -p to
 * kernel/proc/numa.c, which can find a process: the mm's one call up, for
 * the monitor only (docs/mempolicy.md).
 */
int numastat_process(const char *pid);

#endif
