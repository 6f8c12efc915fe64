/*
 * arch/x86_64/fpu.h - the user's FPU/SSE registers, saved per task.
 *
 * The kernel is compiled with -mgeneral-regs-only: it never touches the
 * x87, MMX or SSE registers, so they always hold the state of the last
 * user task that ran on this CPU. The context switch saves them (fxsave)
 * when it leaves a task with a user context and loads them (fxrstor) when
 * it enters one; kernel threads in between leave them alone. 512 bytes
 * per task (FPU_STATE_SIZE): FXSAVE covers x87, MMX and SSE; AVX is not
 * enabled (CR4.OSXSAVE stays off), so it is all user code can have.
 */
#ifndef ARCH_X86_64_FPU_H
#define ARCH_X86_64_FPU_H

#include "kernel/types.h"

#define FPU_STATE_SIZE	512		/* the fxsave area: x87, MMX and SSE state */
#define MXCSR_DEFAULT	0x1f80		/* all SSE exceptions masked, round to nearest */
#define FCW_DEFAULT	0x037f		/* all x87 exceptions masked, extended precision */

extern u32 mxcsr_feature_mask;		/* MXCSR bits this CPU accepts */

void fpu_init_cpu(void);
static inline void fxsave(void *area)
{
	__asm__ __volatile__("fxsave64 %0" : "=m"(*(u8 (*)[FPU_STATE_SIZE])area));
}
static inline void fxrstor(const void *area)
{
	__asm__ __volatile__("fxrstor64 %0" :: "m"(*(const u8 (*)[FPU_STATE_SIZE])area));
}
/* The state of a fresh exec: what FNINIT and a default MXCSR give. */
void fpu_init_state(void *area);
/* Makes a user-supplied area (sigreturn) safe to fxrstor. */
void fpu_sanitize(void *area);

#endif
