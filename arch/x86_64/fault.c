/*
 * arch/x86_64/fault.c - page faults and the other exceptions user code
 * can cause, turned into what Linux would do.
 *
 * A page fault on a user address (below TASK_SIZE) goes to the mm
 * (handle_user_fault, kernel/mm/fault.c): demand-zero, copy-on-write,
 * protection checks. If that resolves it, the access is retried. If not:
 *   - in user mode, the process gets the signal the mm chose (SIGSEGV with
 *     SEGV_MAPERR or SEGV_ACCERR, SIGBUS) and, when that signal will kill
 *     it, a one-paragraph report is printed (kernel/proc/signal.c);
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
#include "arch/x86_64/regs.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/signal.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/vma.h"
#include "kernel/percpu.h"

#define PF_PROT		(1UL << 0)	/* the page was present: a protection fault */
#define PF_WRITE	(1UL << 1)
#define PF_USER		(1UL << 2)
#define PF_RSVD		(1UL << 3)
#define PF_INSTR	(1UL << 4)

bool fixup_exception(struct pt_regs *regs);
DECLARE_PER_CPU(int, irq_depth);
DECLARE_PER_CPU(int, spin_depth);

static unsigned int fault_flags(unsigned long error_code)
{
	unsigned int flags = 0;

	if (error_code & PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (error_code & PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;
	if (error_code & PF_USER)
		flags |= FAULT_FLAG_USER;
	return flags;
}

/* Returns true when the fault is dealt with (retried, signalled or fixed up). */
bool do_page_fault(struct pt_regs *regs, unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	int sig = SIGSEGV, code = SEGV_MAPERR;

	if (user_mode(regs)) {
		local_irq_enable();		/* the mm may sleep on mmap_lock */
		if (mm && addr < TASK_SIZE && !(regs->error_code & PF_RSVD)) {
			sig = handle_user_fault(mm, addr, fault_flags(regs->error_code), &code);
			if (sig == 0)
				return true;
			if (sig < 0)		/* -ENOMEM: Linux's OOM would kill us */
				sig = SIGKILL;
		}
		force_sig_fault(sig, code, addr, regs);
		return true;
	}
	if (addr >= TASK_SIZE || !mm)
		return false;			/* kernel address: an oops unless fixed up below */
	if (smap_enabled && !(regs->rflags & X86_EFLAGS_AC))
		return fixup_exception(regs);	/* SMAP: a user access outside stac/clac is a bug */
	/* the faulting code may sleep only if it could have: interrupts on, not in an
	 * interrupt, no spinlock held (handle_user_fault sleeps on mmap_lock) */
	if (!current->user.pagefault_disabled && (regs->rflags & X86_EFLAGS_IF) &&
	    !this_cpu_read(irq_depth) && !this_cpu_read(spin_depth)) {
		int sig;

		local_irq_enable();
		sig = handle_user_fault(mm, addr, fault_flags(regs->error_code), &code);
		local_irq_disable();
		if (sig == 0)
			return true;		/* e.g. copy_to_user into a fresh page */
	}
	return fixup_exception(regs);		/* -EFAULT, or false: a bug, oops */
}

void do_user_exception(struct pt_regs *regs)
{
	int sig, code;

	switch (regs->vector) {
	case 0: sig = SIGFPE; code = FPE_INTDIV; break;
	case 16: case 19: sig = SIGFPE; code = FPE_FLTINV; break;
	case 6: sig = SIGILL; code = ILL_ILLOPN; break;
	case 1: case 3: sig = SIGTRAP; code = SI_KERNEL; break;
	case 10: case 11: case 12: case 17: sig = SIGBUS; code = SI_KERNEL; break;
	default: sig = SIGSEGV; code = SI_KERNEL; break;	/* #GP, #BR, #OF, ... */
	}
	local_irq_enable();
	force_sig_fault(sig, code, 0, regs);
}
