/*
 * arch/x86_64/process.c - the per-task user state the context switch
 * carries (called from kernel/sched/core.c with interrupts off): FPU/SSE
 * registers (fpu.h), the user FS base (the TLS pointer musl sets with
 * arch_prctl) and GS base, and the kernel stack the CPU enters on from
 * ring 3.
 *
 * While in the kernel, MSR_KERNEL_GS_BASE holds the user's GS base (swapgs
 * exchanged them on entry), so that is the MSR the user value goes to.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/desc.h"
#include "arch/x86_64/fpu.h"
#include "kernel/sched/task.h"

void switch_user_state(struct task *prev, struct task *next)
{
	if (prev->user.has_user)
		fxsave(prev->user.fpu);
	if (next->user.has_user) {
		fxrstor(next->user.fpu);
		wrmsr(MSR_FS_BASE, next->user.fsbase);
		wrmsr(MSR_KERNEL_GS_BASE, next->user.gsbase);
	}
	set_kernel_entry_stack((unsigned long)next->stack_top);
}
