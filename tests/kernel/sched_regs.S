/*
 * tests/kernel/sched_regs.S - does a context switch preserve registers?
 *
 * long regs_survive_schedule(unsigned long pattern)
 * Loads pattern, pattern+1, ... into the callee-saved registers, calls
 * test_yield() (which switches to other tasks and back), and returns 1 if
 * every register came back unchanged, else 0.
 */
	.text
	.globl regs_survive_schedule
regs_survive_schedule:
	pushq %rbp
	movq %rsp, %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi			/* the pattern, to compare against; keeps alignment */
	movq %rdi, %rbx
	leaq 1(%rdi), %r12
	leaq 2(%rdi), %r13
	leaq 3(%rdi), %r14
	leaq 4(%rdi), %r15
	call test_yield
	xorl %eax, %eax
	cmpq (%rsp), %rbx
	jne 1f
	leaq 1(%rbx), %rcx
	cmpq %rcx, %r12
	jne 1f
	leaq 2(%rbx), %rcx
	cmpq %rcx, %r13
	jne 1f
	leaq 3(%rbx), %rcx
	cmpq %rcx, %r14
	jne 1f
	leaq 4(%rbx), %rcx
	cmpq %rcx, %r15
	jne 1f
	movl $1, %eax
1:	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
