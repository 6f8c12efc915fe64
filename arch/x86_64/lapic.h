/*
 * arch/x86_64/lapic.h - the local APIC of each CPU: identity, end of
 * interrupt, inter-processor interrupts and the per-CPU periodic timer.
 * x2APIC (MSR access, 32-bit ids) is used where the CPU offers it,
 * otherwise xAPIC (memory-mapped registers, 8-bit ids).
 */
#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H

#include "kernel/types.h"
#include "kernel/percpu.h"

#define ICR_FIXED	(0 << 8)
#define ICR_NMI		(4 << 8)
#define ICR_INIT	(5 << 8)
#define ICR_STARTUP	(6 << 8)
#define ICR_ASSERT	(1 << 14)
#define ICR_LEVEL	(1 << 15)

extern bool x2apic_mode;
extern phys_addr_t lapic_phys;

void lapic_init_bsp(phys_addr_t mmio_phys);	/* maps the registers, picks the mode */
void lapic_init_this_cpu(void);			/* enable, mask LVTs, start the timer */
u32 lapic_id(void);
void lapic_eoi(void);
void lapic_send_ipi(u32 apic_id, u32 icr);	/* waits until the IPI was sent */
void lapic_timer_calibrate(void);
/*
 * What every tick does after counting it: set once at boot, before any
 * timer starts (kernel/main.c hands it sched_tick). The driver sits below
 * the scheduler and calls it only through this pointer; user: the tick
 * interrupted user mode.
 */
typedef void (*tick_handler_t)(bool user);
void lapic_set_tick_handler(tick_handler_t fn);
unsigned long lapic_timer_count(void);		/* initial count per tick */

DECLARE_PER_CPU(unsigned long, timer_ticks);	/* ticks taken on this CPU */
extern volatile unsigned long jiffies;		/* ticks of CPU 0 since boot */

#endif
