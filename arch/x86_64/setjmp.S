/*
 * arch/x86_64/setjmp.S - kernel setjmp/longjmp, used by the self-test
 * framework to leave a failed assertion or a crashed test and resume in
 * the test runner. Saves the callee-saved registers, the stack pointer,
 * the return address and RFLAGS (so the interrupt flag is restored too:
 * a longjmp out of an exception handler comes back with interrupts on if
 * they were on at setjmp time).
 *
 * struct jmp_buf layout: rbx rbp r12 r13 r14 r15 rsp rip rflags
 */
	.text
	.globl kernel_setjmp
kernel_setjmp:
	movq %rbx, 0(%rdi)
	movq %rbp, 8(%rdi)
	movq %r12, 16(%rdi)
	movq %r13, 24(%rdi)
	movq %r14, 32(%rdi)
	movq %r15, 40(%rdi)
	leaq 8(%rsp), %rax		/* rsp as the caller will see it */
	movq %rax, 48(%rdi)
	movq (%rsp), %rax		/* return address */
	movq %rax, 56(%rdi)
	pushfq
	popq %rax
	movq %rax, 64(%rdi)
	xorl %eax, %eax
	ret

	.globl kernel_longjmp
kernel_longjmp:
	movl %esi, %eax
	testl %eax, %eax
	jnz 1f
	incl %eax			/* setjmp must not seem to return 0 */
1:	movq 0(%rdi), %rbx
	movq 8(%rdi), %rbp
	movq 16(%rdi), %r12
	movq 24(%rdi), %r13
	movq 32(%rdi), %r14
	movq 40(%rdi), %r15
	movq 48(%rdi), %rsp
	pushq 64(%rdi)
	popfq
	jmpq *56(%rdi)
