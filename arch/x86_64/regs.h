/*
 * arch/x86_64/regs.h - the register frame every interrupt and exception
 * entry builds on the stack (arch/x86_64/entry.S), and the system-call entry
 * (syscall_entry.S) too. The order matches PUSH_REGS (entry_regs.h) exactly.
 */
#ifndef ARCH_X86_64_REGS_H
#define ARCH_X86_64_REGS_H

#include "kernel/types.h"

struct pt_regs {
	u64 r15, r14, r13, r12, rbp, rbx;	/* callee-saved */
	u64 r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
	u64 vector;				/* pushed by the stub */
	u64 error_code;				/* CPU's, or 0 from the stub */
	u64 rip, cs, rflags, rsp, ss;		/* pushed by the CPU */
};

static inline bool user_mode(const struct pt_regs *r)
{
	return (r->cs & 3) == 3;
}

#endif
