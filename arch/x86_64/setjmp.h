/*
 * arch/x86_64/setjmp.h - kernel_setjmp and kernel_longjmp (setjmp.S): the
 * self-test framework's way out of a failed assertion or a crashed test,
 * back into the test runner.
 */
#ifndef ARCH_X86_64_SETJMP_H
#define ARCH_X86_64_SETJMP_H

#include "kernel/compiler.h"

/* rbx rbp r12 r13 r14 r15 rsp rip rflags, in setjmp.S's order. */
struct jmp_buf {
	unsigned long regs[9];
};

/* Returns 0 when called, and again (with longjmp's val, never 0) after a longjmp to jb. */
int kernel_setjmp(struct jmp_buf *jb) __attribute__((returns_twice));
void kernel_longjmp(struct jmp_buf *jb, int val) __noreturn;

#endif
