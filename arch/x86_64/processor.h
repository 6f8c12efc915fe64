/*
 * arch/x86_64/processor.h - the architecture's part of a task and of the
 * context switch.
 *
 * struct thread_struct is embedded in struct task as task->thread (Linux's
 * name): the user's FPU/SSE registers and FS/GS bases, which the CPU holds
 * while the task runs and which the context switch saves and loads
 * (process.c). The scheduler passes it to switch_thread_state() without
 * looking inside; processes set it up at fork and exec and read it for
 * signal frames and arch_prctl.
 */
#ifndef ARCH_X86_64_PROCESSOR_H
#define ARCH_X86_64_PROCESSOR_H

#include "kernel/types.h"
#include "arch/x86_64/fpu.h"

struct task;

struct thread_struct {
	bool has_user;			/* has a user context: fpu, fsbase and gsbase are live */
	unsigned long fsbase, gsbase;	/* user FS and GS bases (arch_prctl) */
	u8 fpu[FPU_STATE_SIZE] __attribute__((aligned(16)));	/* fxsave area, while switched out */
};

/*
 * The stack switch (switch.S): saves prev's callee-saved registers and
 * stack pointer, loads next's, and returns on next's stack with prev.
 */
struct task *switch_to(struct task *prev, struct task *next);

/*
 * With interrupts off, before switch_to: saves prev's user FPU state if it
 * has one, loads next's with its FS/GS bases, and makes next_stack_top the
 * stack the CPU enters the kernel on from user mode.
 */
void switch_thread_state(struct thread_struct *prev, struct thread_struct *next,
			 unsigned long next_stack_top);

#endif
