/*
 * arch/x86_64/switch.S - the context switch.
 *
 * struct task *switch_to(struct task *prev, struct task *next)
 *
 * Saves the callee-saved registers on prev's stack and the stack pointer
 * in prev->saved_rsp, loads next's stack pointer and pops next's
 * registers. Everything else the C ABI lets a call clobber. It "returns"
 * on next's stack, in whatever call to switch_to next made when it was
 * switched out, with prev (the task just left) in RAX: the only way the
 * new side learns who ran before it (finish_task_switch needs that).
 *
 * A new task's stack is prepared (kernel/sched/kthread.c) to look as if it had
 * called switch_to from ret_from_kthread, which calls
 * schedule_tail(prev) and then the task's entry function.
 */
	.text
	.globl switch_to
switch_to:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)		/* prev->saved_rsp */
	movq (%rsi), %rsp		/* next->saved_rsp */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	movq %rdi, %rax			/* return prev */
	ret

	.globl ret_from_kthread
ret_from_kthread:
	movq %rax, %rdi			/* prev, from switch_to */
	call schedule_tail
	movq %r12, %rdi			/* the new task, stored by task setup */
	xorl %ebp, %ebp			/* end of the frame chain */
	call kthread_entry
	ud2				/* kthread_entry never returns */
