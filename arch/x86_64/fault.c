/*
 * arch/x86_64/fault.c - page faults and the other exceptions user code
 * can cause, turned into what Linux would do.
 *
 * A page fault on a user address (below TASK_SIZE) goes to the mm
 * (handle_user_fault, kernel/mm/fault.c) with the error code turned into
 * FAULT_FLAG_* bits: demand-zero, copy-on-write, protection checks. The
 * mm answers with a vm_fault_t; 0 means resolved, and the access is
 * retried. If not:
 *   - in user mode, the process gets the signal fault_signal() makes of
 *     the answer (the one place that does: SIGSEGV with SEGV_MAPERR or
 *     SEGV_ACCERR, SIGBUS, SIGKILL when out of memory) and, when that
 *     signal will kill it, a one-paragraph report is printed
 *     (kernel/proc/signal.c);
 *   - in kernel mode, the faulting instruction must be a uaccess one with
 *     an exception-table entry: RIP moves to its fixup and the system call
 *     returns -EFAULT. Without an entry it is a kernel bug: oops.
 * A fault in kernel mode on a user address with pagefault_disable() in
 * force skips the mm (it may sleep) and goes straight to the fixup, and so
 * does one with RFLAGS.AC clear while SMAP is on: the kernel touched user
 * memory outside uaccess code, which is a bug (retrying would loop).
 *
 * Other exceptions from user mode map to signals as in Linux: #DE, #MF,
 * #XM -> SIGFPE; #UD -> SIGILL; #GP, #NP, #SS, #BR, #OF -> SIGSEGV/SIGBUS;
 * #DB, #BP -> SIGTRAP; #AC -> SIGBUS.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/desc.h"
#include "arch/x86_64/regs.h"
#include "arch/x86_64/trapnr.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/signal.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/vma.h"
#include "kernel/percpu.h"

static unsigned int fault_flags(unsigned long error_code)
{
	unsigned int flags = 0;

	if (error_code & X86_PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (error_code & X86_PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;
	if (error_code & X86_PF_USER)
		flags |= FAULT_FLAG_USER;
	return flags;
}

/* The signal, and its si_code, for a fault the mm could not resolve. */
static void fault_signal(vm_fault_t fault, int *sig, int *code)
{
	if (fault & VM_FAULT_OOM) {
		*sig = SIGKILL;		/* Linux's OOM killer would choose us */
		*code = SI_KERNEL;
	} else if (fault & VM_FAULT_SIGBUS) {
		*sig = SIGBUS;
		*code = BUS_ADRERR;
	} else {
		*sig = SIGSEGV;
		*code = (fault & VM_FAULT_BADACCESS) ? SEGV_ACCERR : SEGV_MAPERR;
	}
}

/* Returns true when the fault is dealt with (retried, signalled or fixed up). */
bool do_page_fault(struct pt_regs *regs, unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	vm_fault_t fault = VM_FAULT_SIGSEGV | VM_FAULT_BADMAP;	/* not the mm's to resolve */
	int sig, code;

	if (user_mode(regs)) {
		local_irq_enable();		/* the mm may sleep on mmap_lock */
		if (mm && addr < TASK_SIZE && !(regs->error_code & X86_PF_RSVD))
			fault = handle_user_fault(mm, addr, fault_flags(regs->error_code));
		if (!(fault & VM_FAULT_ERROR))
			return true;
		fault_signal(fault, &sig, &code);
		force_sig_fault(sig, code, addr, regs);
		return true;
	}
	if (addr >= TASK_SIZE || !mm)
		return false;			/* kernel address: an oops unless fixed up below */
	if (smap_enabled && !(regs->rflags & X86_EFLAGS_AC))
		return fixup_exception(regs);	/* SMAP: a user access outside stac/clac is a bug */
	/* the faulting code may sleep only if it could have: interrupts on, not in an
	 * interrupt, no spinlock held (handle_user_fault sleeps on mmap_lock) */
	if (!pagefault_disabled() && (regs->rflags & X86_EFLAGS_IF) &&
	    !this_cpu_read(irq_depth) && !this_cpu_read(spin_depth)) {
		local_irq_enable();
		fault = handle_user_fault(mm, addr, fault_flags(regs->error_code));
		local_irq_disable();
		if (!(fault & VM_FAULT_ERROR))
			return true;		/* e.g. copy_to_user into a fresh page */
	}
	return fixup_exception(regs);		/* -EFAULT, or false: a bug, oops */
}

void do_user_exception(struct pt_regs *regs)
{
	int sig, code;

	switch (regs->vector) {
	case X86_TRAP_DE:
		sig = SIGFPE; code = FPE_INTDIV; break;
	case X86_TRAP_MF: case X86_TRAP_XF:
		sig = SIGFPE; code = FPE_FLTINV; break;
	case X86_TRAP_UD:
		sig = SIGILL; code = ILL_ILLOPN; break;
	case X86_TRAP_DB: case X86_TRAP_BP:
		sig = SIGTRAP; code = SI_KERNEL; break;
	case X86_TRAP_TS: case X86_TRAP_NP: case X86_TRAP_SS: case X86_TRAP_AC:
		sig = SIGBUS; code = SI_KERNEL; break;
	default:			/* #GP, #BR, #OF, ... */
		sig = SIGSEGV; code = SI_KERNEL; break;
	}
	local_irq_enable();
	force_sig_fault(sig, code, 0, regs);
}
