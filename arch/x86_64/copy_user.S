/*
 * arch/x86_64/copy_user.S - the instructions that touch user memory, each
 * with an exception-table entry (see uaccess.h). A REP MOVS/STOS that
 * faults leaves RCX = iterations not done, which is how the fixups count
 * the bytes not copied.
 */
#define EXTABLE(from, to) \
	.pushsection __ex_table, "a"; .balign 8; .quad from, to; .popsection

	.text
/* unsigned long __copy_user(void *to, const void *from, unsigned long n) */
	.globl __copy_user
__copy_user:
	movq %rdx, %rcx
	shrq $3, %rcx
	andl $7, %edx
1:	rep movsq
	movl %edx, %ecx
2:	rep movsb
3:	movq %rcx, %rax
	ret
4:	leaq (%rdx, %rcx, 8), %rcx	/* fault in the 8-byte part: those left, and the tail */
	jmp 3b
	EXTABLE(1b, 4b)
	EXTABLE(2b, 3b)

/* unsigned long __clear_user(void *to, unsigned long n) */
	.globl __clear_user
__clear_user:
	movq %rsi, %rcx
	xorl %eax, %eax
1:	rep stosb
2:	movq %rcx, %rax
	ret
	EXTABLE(1b, 2b)
