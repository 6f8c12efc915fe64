/*
 * arch/x86_64/desc.h - per-CPU descriptor tables (GDT, TSS) and the shared
 * IDT, and the interrupt vector map.
 */
#ifndef ARCH_X86_64_DESC_H
#define ARCH_X86_64_DESC_H

#include "kernel/types.h"
#include "kernel/percpu.h"
#include "arch/x86_64/regs.h"

/* Interrupt vectors. 0-31 are CPU exceptions; 0x20-0x2f catch stray legacy PIC interrupts. */
#define IRQ_VECTOR_BASE		0x30	/* IOAPIC input n -> vector IRQ_VECTOR_BASE + n */
#define LOCAL_TIMER_VECTOR	0xec
#define CALL_FUNCTION_VECTOR	0xfb
#define RESCHEDULE_VECTOR	0xfd
#define SPURIOUS_VECTOR		0xff

/* IST slots in the TSS (1-based, as the IDT encodes them). */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2

typedef void (*irq_handler_t)(struct pt_regs *regs);

/* Loads this CPU's GDT, TSS and the IDT; call on each CPU once its per-CPU area is live. */
void cpu_init_tables(void);
void idt_init(void);
void set_irq_handler(int vector, irq_handler_t fn);
/* Moves regs->rip to the exception-table fixup of the faulting instruction, if it has one. */
bool fixup_exception(struct pt_regs *regs);
DECLARE_PER_CPU(unsigned long, irq_count);	/* interrupts taken on this CPU */
DECLARE_PER_CPU(int, irq_depth);		/* >0 while in an interrupt handler */

/* Kernel stacks of this CPU, for backtrace bounds: [lo, hi). */
bool on_this_cpu_stack(unsigned long addr, unsigned long len);
void set_this_cpu_kstack(unsigned long lo, unsigned long hi);

/* The ring-0 stack the CPU switches to on an interrupt from user mode. */
void set_tss_rsp0(unsigned long top);
/* SYSCALL MSRs of this CPU (arch/x86_64/syscall.c). */
void syscall_init_cpu(void);
/* Kernel entry stack for both SYSCALL and interrupts from ring 3; at every switch. */
void set_kernel_entry_stack(unsigned long top);

#endif
