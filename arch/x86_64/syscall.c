/*
 * arch/x86_64/syscall.c - the C half of system-call entry and the return
 * to user mode (the assembly half is arch/x86_64/syscall_entry.S).
 *
 * MSRs, on every CPU:
 *   STAR[47:32]  = KERNEL_CS: SYSCALL loads CS = 0x08, SS = 0x10;
 *   STAR[63:48]  = USER32_CS | 3: SYSRET loads CS = 0x18 + 16 = USER_CS and
 *                  SS = 0x18 + 8 = USER_DS (the GDT order, desc.h, exists
 *                  for this rule);
 *   LSTAR        = syscall_entry;
 *   SFMASK       = the RFLAGS bits SYSCALL clears: IF (we switch stacks
 *                  first), TF, DF (the C ABI wants it clear), AC (SMAP on);
 *   EFER.SCE     = SYSCALL enabled.
 *
 * Every return to user mode, from a system call or an interrupt,
 * passes through exit_to_user_mode(): a pending reschedule (the tick or a
 * wakeup set need_resched) and pending signals are handled there, with
 * interrupts on, until nothing is left; then interrupts stay off until
 * SYSRET or IRETQ.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/desc.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/percpu.h"
#include "kernel/sched/sched.h"
#include "kernel/proc/proc.h"

DEFINE_PER_CPU(unsigned long, cpu_kernel_rsp);	/* top of the running task's kernel stack */
DEFINE_PER_CPU(unsigned long, cpu_user_rsp);	/* scratch: the user RSP during entry */

extern char syscall_entry[];

#define SYSCALL_RFLAGS_MASK	(X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_AC)

void syscall_init_cpu(void)
{
	wrmsr(MSR_STAR, ((u64)(USER32_CS | 3) << 48) | ((u64)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)syscall_entry);
	wrmsr(MSR_SFMASK, SYSCALL_RFLAGS_MASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/* Called at every context switch: where the CPU enters the kernel from ring 3. */
void set_kernel_entry_stack(unsigned long top)
{
	this_cpu_write(cpu_kernel_rsp, top);
	set_tss_rsp0(top);
}

/* Returns with interrupts off and no work left. */
void exit_to_user_mode(struct pt_regs *regs)
{
	for (;;) {
		local_irq_disable();
		if (!READ_ONCE(current->need_resched) && !signal_work_pending(current))
			return;
		local_irq_enable();
		if (READ_ONCE(current->need_resched))
			schedule();
		if (signal_work_pending(current))
			do_signal(regs);
	}
}

/*
 * SYSRET is safe when the frame is the one SYSCALL built, unchanged in the
 * fields SYSRET cannot restore: RIP canonical and in user space (Intel's
 * SYSRET to a non-canonical RIP faults in ring 0, on the user stack),
 * RCX == RIP and R11 == RFLAGS, the default user selectors, and no RF or
 * TF in RFLAGS. execve, rt_sigreturn and signal delivery change the frame
 * and so leave through IRETQ.
 */
static bool can_sysret(const struct pt_regs *regs)
{
	return regs->rip < TASK_SIZE && regs->rcx == regs->rip && regs->r11 == regs->rflags &&
	       regs->cs == (USER_CS | 3) && regs->ss == (USER_DS | 3) &&
	       !(regs->rflags & (X86_EFLAGS_RF | X86_EFLAGS_TF));
}

bool do_syscall_64(struct pt_regs *regs)
{
	local_irq_enable();
	regs->rax = syscall_dispatch(regs, regs->error_code);
	exit_to_user_mode(regs);
	syscall_restart_if_interrupted(regs);	/* no handler ran: the call simply goes again */
	return can_sysret(regs);
}
