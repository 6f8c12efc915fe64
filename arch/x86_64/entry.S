/*
 * arch/x86_64/entry.S - the 256 interrupt entry stubs and the common path.
 *
 * Each stub pushes a zero error code if the CPU does not push one, then its
 * vector number, and jumps to interrupt_common, which saves the general
 * registers into a struct pt_regs (arch/x86_64/regs.h), calls
 * interrupt_dispatch(regs) and undoes it all with iretq. Coming from user
 * mode (CS & 3) it switches to the kernel GS base with swapgs first, and
 * back before the iretq; an NMI decides by the GS base instead (below).
 *
 * Stack alignment: the CPU aligns RSP to 16 before pushing its 5-word frame;
 * the stub's 2 words and our 15 registers make 22 words, so RSP is 16-byte
 * aligned at the call, as the ABI wants.
 */
#include "arch/x86_64/asm.h"
#include "arch/x86_64/entry_regs.h"

	.text
	.globl interrupt_common
interrupt_common:
	cmpq $2, (%rsp)			/* an NMI can arrive anywhere, even mid-swapgs */
	je nmi_entry
	testb $3, 24(%rsp)		/* CS of the interrupted context */
	jz 1f
	swapgs
1:	PUSH_REGS
	cld
	movq %rsp, %rdi
	call interrupt_dispatch
	.globl interrupt_return
interrupt_return:
	POP_REGS
	testb $3, 24(%rsp)
	jz 2f
	swapgs
2:	addq $16, %rsp			/* vector and error code */
	iretq

/*
 * The NMI path ("paranoid", as Linux calls it): an NMI may interrupt the
 * few kernel instructions between SYSCALL and its swapgs, or between the
 * exit's swapgs and SYSRET, where CS says kernel but GS is still the
 * user's. So the GS base itself decides: every kernel per-CPU offset is
 * negative (the areas lie below the image), every user GS base is below
 * TASK_SIZE. RBX (callee-saved, so it survives the call) remembers whether
 * we swapped, and we swap back exactly then. The NMI never goes through
 * exit_to_user_mode: it runs on its own IST stack and must not schedule.
 */
nmi_entry:
	PUSH_REGS
	cld
	xorl %ebx, %ebx
	movl $0xc0000101, %ecx		/* MSR_GS_BASE */
	rdmsr
	testl %edx, %edx
	js 1f				/* already the kernel's */
	swapgs
	movl $1, %ebx
1:	movq %rsp, %rdi
	call interrupt_dispatch
	testl %ebx, %ebx
	jz 2f
	swapgs
2:	POP_REGS
	addq $16, %rsp
	iretq

	.balign 16
	.globl interrupt_stubs
interrupt_stubs:
	vector = 0
	.rept 256
	.balign 16
	/* the CPU pushes an error code for 8, 10-14, 17, 21, 29 and 30 */
	.if !(vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30)
	pushq $0
	.endif
	pushq $vector
	jmp interrupt_common
	vector = vector + 1
	.endr
