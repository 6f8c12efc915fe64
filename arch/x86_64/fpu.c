/*
 * arch/x86_64/fpu.c - FPU/SSE state areas (see fpu.h): the initial state
 * and the MXCSR check that keeps a forged signal frame from making
 * fxrstor fault in the kernel.
 */
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/cpu.h"
#include "kernel/compiler.h"
#include "kernel/lib/string.h"

u32 mxcsr_feature_mask = 0x0000ffbf;	/* the architectural default when the CPU reports 0 */

struct fxsave_area {
	u16 fcw, fsw;
	u8 ftw, reserved0;
	u16 fop;
	u64 fip, fdp;
	u32 mxcsr, mxcsr_mask;
	u8 rest[FPU_STATE_SIZE - 32];
} __packed;

void fpu_init_cpu(void)
{
	static u8 probe[FPU_STATE_SIZE] __aligned(16);
	struct fxsave_area *a = (struct fxsave_area *)probe;

	__asm__ __volatile__("clts; fninit" ::: "memory");	/* CR0.TS off: no #NM traps */
	memset(probe, 0, sizeof(probe));
	fxsave(probe);
	if (a->mxcsr_mask)
		mxcsr_feature_mask = a->mxcsr_mask;
}

void fpu_init_state(void *area)
{
	struct fxsave_area *a = area;

	memset(area, 0, FPU_STATE_SIZE);
	a->fcw = FCW_DEFAULT;
	a->mxcsr = MXCSR_DEFAULT;
}

void fpu_sanitize(void *area)
{
	struct fxsave_area *a = area;

	a->mxcsr &= mxcsr_feature_mask;	/* a reserved bit set would make fxrstor #GP */
}
