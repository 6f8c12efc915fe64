/*
 * arch/x86_64/trapnr.h - the numbers the CPU gives an exception: its
 * vector, and for a page fault the bits of its error code. Named here
 * once, with Linux's names, so that no other file spells out a bare 14
 * or 0x10; the mm above sees none of them (arch/x86_64/fault.c turns the
 * error code into FAULT_FLAG_* bits).
 */
#ifndef ARCH_X86_64_TRAPNR_H
#define ARCH_X86_64_TRAPNR_H

/* Exception vectors (Intel SDM vol. 3, table 6-1). */
#define X86_TRAP_DE		0	/* divide error */
#define X86_TRAP_DB		1	/* debug */
#define X86_TRAP_NMI		2	/* non-maskable interrupt */
#define X86_TRAP_BP		3	/* breakpoint (int3) */
#define X86_TRAP_OF		4	/* overflow (into) */
#define X86_TRAP_BR		5	/* bound range exceeded */
#define X86_TRAP_UD		6	/* invalid opcode */
#define X86_TRAP_NM		7	/* device not available */
#define X86_TRAP_DF		8	/* double fault */
#define X86_TRAP_TS		10	/* invalid TSS */
#define X86_TRAP_NP		11	/* segment not present */
#define X86_TRAP_SS		12	/* stack-segment fault */
#define X86_TRAP_GP		13	/* general protection */
#define X86_TRAP_PF		14	/* page fault */
#define X86_TRAP_MF		16	/* x87 floating-point error */
#define X86_TRAP_AC		17	/* alignment check */
#define X86_TRAP_MC		18	/* machine check */
#define X86_TRAP_XF		19	/* SIMD floating-point error */
#define X86_NR_EXCEPTIONS	32	/* vectors 0..31 belong to the CPU */

/* The page-fault error code the CPU pushes (SDM vol. 3, 4.7). */
#define X86_PF_PROT		(1UL << 0)	/* the page was present: a protection fault */
#define X86_PF_WRITE		(1UL << 1)	/* a write (else a read) */
#define X86_PF_USER		(1UL << 2)	/* from user mode (CPL 3) */
#define X86_PF_RSVD		(1UL << 3)	/* a reserved bit was set in a paging entry */
#define X86_PF_INSTR		(1UL << 4)	/* an instruction fetch */

#endif
