/*
 * arch/x86_64/syscall_entry.S - the SYSCALL entry and the ways back to user mode.
 *
 * SYSCALL (set up in arch/x86_64/syscall.c) jumps here in ring 0 with the
 * user's RIP in RCX and RFLAGS in R11, interrupts off (SFMASK clears IF,
 * TF, DF and AC), and everything else as user space left it: RSP is still
 * the user stack and GS still the user's. So:
 *
 *   1. swapgs: GS base becomes this CPU's per-CPU area;
 *   2. park the user RSP in a per-CPU slot and load the kernel stack top of
 *      the running task (cpu_kernel_rsp, set at every context switch);
 *   3. push a struct pt_regs (arch/x86_64/regs.h) exactly as an interrupt
 *      from user mode would have built it, so every later path (signals,
 *      fork, exec, ptrace-like dumps) sees one layout; the syscall number
 *      goes in the error_code slot (Linux's orig_rax) and vector is
 *      SYSCALL_VECTOR_MARK;
 *   4. call do_syscall_64(regs), which returns true when SYSRET may be used.
 *
 * SYSRET reloads RIP from RCX and RFLAGS from R11 and cannot return to a
 * non-canonical RIP safely (Intel CPUs fault in ring 0 on the user stack),
 * so the C side answers false whenever the frame is anything but a plain
 * return to canonical user code: then we leave through IRETQ, which
 * restores every field of the frame.
 */
#include "arch/x86_64/asm.h"
#include "arch/x86_64/entry_regs.h"

	.text
	.globl syscall_entry
	.balign 16
syscall_entry:
	swapgs
	movq %rsp, %gs:cpu_user_rsp
	movq %gs:cpu_kernel_rsp, %rsp
	pushq $(USER_DS | 3)		/* ss */
	pushq %gs:cpu_user_rsp		/* rsp */
	pushq %r11			/* rflags */
	pushq $(USER_CS | 3)		/* cs */
	pushq %rcx			/* rip */
	pushq %rax			/* error_code slot: orig_rax, the syscall number */
	pushq $SYSCALL_VECTOR_MARK	/* vector */
	PUSH_REGS
	xorl %ebp, %ebp			/* backtraces end here */
	movq %rsp, %rdi
	call do_syscall_64		/* returns with interrupts off */
	testb %al, %al
	jz return_via_iret
	POP_REGS
	movq 16(%rsp), %rcx		/* rip */
	movq 32(%rsp), %r11		/* rflags */
	movq 40(%rsp), %rsp		/* the user stack: nothing may touch the kernel stack now */
	swapgs
	sysretq

return_via_iret:
	jmp interrupt_return		/* pops the frame, swapgs (CS is user), iretq */

/*
 * ret_to_user(regs): leave the kernel for the user context in regs, which
 * sits at the top of the current task's kernel stack. Used by a new
 * process or thread (fork, clone, the first exec from a kernel thread).
 * Interrupts must be off and exit_to_user_mode() done.
 */
	.globl ret_to_user
ret_to_user:
	movq %rdi, %rsp
	jmp interrupt_return
