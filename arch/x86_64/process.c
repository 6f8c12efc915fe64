/*
 * arch/x86_64/process.c - the per-task user state the context switch
 * carries (struct thread_struct, processor.h; called from
 * kernel/sched/core.c with interrupts off): FPU/SSE registers (fpu.h), the
 * user FS base (the TLS pointer musl sets with arch_prctl) and GS base,
 * and the kernel stack the CPU enters on from ring 3.
 *
 * While in the kernel, MSR_KERNEL_GS_BASE holds the user's GS base (swapgs
 * exchanged them on entry), so that is the MSR the user value goes to.
 */
#include "arch/x86_64/processor.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/desc.h"

void switch_thread_state(struct thread_struct *prev, struct thread_struct *next,
			 unsigned long next_stack_top)
{
	if (prev->has_user)
		fxsave(prev->fpu);
	if (next->has_user) {
		fxrstor(next->fpu);
		wrmsr(MSR_FS_BASE, next->fsbase);
		wrmsr(MSR_KERNEL_GS_BASE, next->gsbase);
	}
	set_kernel_entry_stack(next_stack_top);
}
