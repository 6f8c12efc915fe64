/*
 * arch/x86_64/traps.c - where every interrupt and exception lands.
 *
 * interrupt_dispatch() is called by entry.S with the saved registers.
 * Exceptions (vectors 0-31) the kernel does not handle become an oops;
 * an NMI stops this CPU if another CPU is panicking; every other vector is
 * a device or inter-processor interrupt with a registered handler.
 * Page faults go to arch/x86_64/fault.c first: the mm resolves what it can
 * (demand paging, copy-on-write), a user fault it cannot resolve becomes a
 * signal, and a kernel fault in uaccess code lands on its exception-table
 * fixup. Any other exception in user mode becomes a signal too
 * (do_user_exception); only a kernel-mode exception with no fixup oopses.
 * Every interrupt or exception taken in user mode leaves through
 * exit_to_user_mode(): need_resched and pending signals are honoured there.
 *
 * Stack overflow: a push into a kernel stack's guard (kernel/mm/kstack.h)
 * faults; the CPU cannot push the page fault's frame on that same stack,
 * so the fault becomes a double fault, which runs on its own IST stack.
 * Either fault with CR2 or RSP in a guard is reported as "stack overflow".
 */
#include "arch/x86_64/desc.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/trapnr.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/mm/kstack.h"
#include "kernel/proc/proc.h"

static const char *const exception_names[X86_NR_EXCEPTIONS] = {
	"divide error (#DE)", "debug (#DB)", "NMI", "breakpoint (#BP)",
	"overflow (#OF)", "bound range (#BR)", "invalid opcode (#UD)",
	"device not available (#NM)", "double fault (#DF)", "coprocessor overrun",
	"invalid TSS (#TS)", "segment not present (#NP)", "stack fault (#SS)",
	"general protection (#GP)", "page fault (#PF)", "reserved 15",
	"x87 FP error (#MF)", "alignment check (#AC)", "machine check (#MC)",
	"SIMD FP error (#XM)", "virtualization (#VE)", "control protection (#CP)",
	"reserved 22", "reserved 23", "reserved 24", "reserved 25", "reserved 26",
	"reserved 27", "hypervisor injection (#HV)", "VMM communication (#VC)",
	"security (#SX)", "reserved 31",
};

static irq_handler_t irq_handlers[256];
DEFINE_PER_CPU(unsigned long, irq_count);
DEFINE_PER_CPU(int, irq_depth);

void set_irq_handler(int vector, irq_handler_t fn)
{
	irq_handlers[vector] = fn;
}

/* Exception table: (faulting rip, fixup rip) pairs emitted by uaccess code. */
struct exception_table_entry { unsigned long insn, fixup; };
extern const struct exception_table_entry __start_ex_table[], __stop_ex_table[];

bool fixup_exception(struct pt_regs *regs)
{
	for (const struct exception_table_entry *e = __start_ex_table; e < __stop_ex_table; e++)
		if (e->insn == regs->rip) {
			regs->rip = e->fixup;
			return true;
		}
	return false;
}


static bool stack_overflowed(struct pt_regs *regs)
{
	unsigned long cr2 = read_cr2();

	if (user_mode(regs) || (regs->vector != X86_TRAP_DF && regs->vector != X86_TRAP_PF))
		return false;
	if (!kstack_guard_hit(cr2) && !kstack_guard_hit(regs->rsp))
		return false;
	printk(KERN_EMERG "kernel stack overflow: %s at %#lx, in the guard below the stack at %#lx\n",
	       exception_names[regs->vector], kstack_guard_hit(cr2) ? cr2 : regs->rsp,
	       ALIGN_DOWN(regs->rsp, KSTACK_SLOT_SIZE) + KSTACK_GUARD_SIZE);
	return true;
}

static void do_exception(struct pt_regs *regs)
{
	if (regs->vector == X86_TRAP_PF && do_page_fault(regs, read_cr2()))
		return;
	/* a signal, never an oops; but a double fault or machine check is the kernel's, whoever ran */
	if (user_mode(regs) && regs->vector != X86_TRAP_DF && regs->vector != X86_TRAP_MC) {
		do_user_exception(regs);
		return;
	}
	if (fixup_exception(regs))
		return;
	if (stack_overflowed(regs))
		oops(regs, "stack overflow");
	oops(regs, exception_names[regs->vector]);
}

static void do_nmi(struct pt_regs *regs)
{
	if (READ_ONCE(panic_cpu) >= 0 && panic_cpu != smp_processor_id())
		smp_stop_this_cpu(regs);
	nmi_backtrace_handler(regs);
}

void interrupt_dispatch(struct pt_regs *regs)
{
	int v = regs->vector;

	if (v == X86_TRAP_NMI) {
		do_nmi(regs);
		return;
	}
	clac();			/* user mode may have set RFLAGS.AC; an interrupt does not clear it */
	if (v < X86_NR_EXCEPTIONS) {
		do_exception(regs);
		if (user_mode(regs))
			exit_to_user_mode(regs);
		return;
	}
	this_cpu_inc(irq_count);
	this_cpu_inc(irq_depth);
	if (irq_handlers[v])
		irq_handlers[v](regs);
	else if (v != SPURIOUS_VECTOR)
		pr_warn("unexpected interrupt, vector %d\n", v);
	if (v >= IRQ_VECTOR_BASE && v != SPURIOUS_VECTOR)
		lapic_eoi();
	this_cpu_dec(irq_depth);
	if (user_mode(regs))
		exit_to_user_mode(regs);	/* the tick's need_resched, a signal sent meanwhile */
}
