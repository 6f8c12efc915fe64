/*
 * arch/x86_64/tlb.h - TLB shootdown for user address spaces.
 *
 * When an mm's PTEs lose rights or disappear, every CPU that may cache
 * them must drop them before the change is relied on (before a freed page
 * is reused, before mprotect returns). flush_tlb_mm_range() flushes this
 * CPU and sends one batch of IPIs to exactly the other CPUs in
 * mm_cpumask(mm), and waits for them. Above TLB_FLUSH_ALL_THRESHOLD pages
 * a CPU reloads CR3 (drops all non-global entries) instead of one invlpg
 * per page. Needs interrupts on (it waits for the IPIs).
 */
#ifndef ARCH_X86_64_TLB_H
#define ARCH_X86_64_TLB_H

#include "kernel/types.h"

#define TLB_FLUSH_ALL_THRESHOLD	33	/* pages; Linux's tlb_single_page_flush_ceiling */

struct mm_struct;

void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end);
/* The same for all of the user half, before page-table pages are freed: reaches lazy borrowers too. */
void flush_tlb_mm_tables(struct mm_struct *mm);

enum tlb_stat {
	TLB_SHOOTDOWNS,		/* operations that sent IPIs */
	TLB_IPIS,		/* IPIs sent (target CPUs, summed) */
	TLB_LOCAL_FLUSHES,	/* operations that flushed this CPU */
	TLB_PAGES_FLUSHED,	/* invlpg executed, all CPUs */
	TLB_FULL_FLUSHES,	/* CR3 reloads instead of invlpg, all CPUs */
	TLB_WAIT_NS,		/* nanoseconds senders spent waiting for the answers */
	NR_TLB_STATS
};
extern const char *const tlb_stat_names[NR_TLB_STATS];
long tlb_stat(enum tlb_stat s);		/* summed over the CPUs, each counting its own */
long tlb_stat_cpu(int cpu, enum tlb_stat s);	/* what cpu counted: its own flushes, its own waits */

#endif
