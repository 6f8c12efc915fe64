/*
 * arch/x86_64/entry_regs.h - assembler macros that save and restore the
 * general registers in exactly the order of struct pt_regs (regs.h), shared
 * by the interrupt entry (entry.S) and the SYSCALL entry (syscall_entry.S).
 */
#ifndef ARCH_X86_64_ENTRY_REGS_H
#define ARCH_X86_64_ENTRY_REGS_H

.macro PUSH_REGS
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rax
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro POP_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rax
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
.endm

#endif
