/*
 * arch/x86_64/call_on_stack.S - call_on_stack(fn, arg, stack_top): run
 * fn(arg) on another stack and come back (kernel/mm/kstack.h).
 *
 * The old stack pointer is kept in rbp, which is callee-saved, and is
 * also the frame pointer of this frame: a backtrace taken on the new stack
 * walks on into the old one. The new stack top must be 16-byte aligned;
 * the call then leaves it 8 below, as the ABI expects at a function entry.
 */
	.text
	.globl call_on_stack
call_on_stack:
	pushq %rbp
	movq %rsp, %rbp
	movq %rdx, %rsp
	movq %rdi, %rax
	movq %rsi, %rdi
	call *%rax
	movq %rbp, %rsp
	popq %rbp
	ret
