/*
 * boot/trampoline.S - how an application processor gets to long mode.
 *
 * A CPU woken by INIT-SIPI-SIPI starts in 16-bit real mode at physical
 * address (SIPI vector << 12), so this code is copied to TRAMPOLINE_PHYS
 * (below 1 MiB) by arch/x86_64/smp.c before each start. It switches to
 * 32-bit protected mode, enables PAE, loads a trampoline page table (which
 * identity-maps the first 2 MiB, where this code runs, and shares the
 * kernel's higher half), sets EFER.LME|NXE, turns paging on, and in 64-bit
 * mode loads the stack and jumps to the C entry that smp.c wrote into
 * trampoline_params. All addresses here are computed relative to
 * trampoline_start, since the code runs at a different address than it was
 * linked at.
 */
#include "arch/x86_64/asm.h"

#define TR(x) (TRAMPOLINE_PHYS + ((x) - trampoline_start))

	.section .rodata
	.balign 16
	.globl trampoline_start, trampoline_end, trampoline_params
	.code16
trampoline_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl TR(tr_gdt_desc)
	movl %cr0, %eax
	orl $1, %eax			/* PE */
	movl %eax, %cr0
	ljmpl $0x08, $TR(tr_protected)

	.code32
tr_protected:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax		/* PAE */
	movl %eax, %cr4
	movl TR(tr_cr3), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx		/* EFER */
	rdmsr
	orl $((1 << 8) | (1 << 11)), %eax	/* LME, NXE */
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16)), %eax	/* PG, WP */
	movl %eax, %cr0
	ljmpl $0x18, $TR(tr_long)

	.code64
tr_long:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movq tr_stack(%rip), %rsp
	xorl %ebp, %ebp
	movq tr_entry(%rip), %rax
	jmp *%rax

	.balign 16
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
tr_gdt_end:
tr_gdt_desc:
	.short tr_gdt_end - tr_gdt - 1
	.long TR(tr_gdt)

	.balign 8
trampoline_params:			/* struct trampoline_params in smp.c */
tr_cr3:		.long 0
tr_cpu:		.long 0
tr_stack:	.quad 0
tr_entry:	.quad 0
trampoline_end:
