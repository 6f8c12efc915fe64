/*
 * boot/head.S - from GRUB to C.
 *
 * GRUB (multiboot2) jumps to _start in 32-bit protected mode, paging off,
 * with EAX = the multiboot2 magic and EBX = the physical address of the boot
 * information. We:
 *   1. check that the CPU can run 64-bit code,
 *   2. build boot page tables that map the first 4 GiB twice: identity (so
 *      this code keeps running when paging turns on, and so the boot
 *      information can be read) and at -2 GiB (where the kernel is linked),
 *   3. turn on PAE, long mode (EFER.LME) and NX, then paging,
 *   4. far-jump into a 64-bit code segment, then to the higher half,
 *   5. call kernel_main(magic, mbi_phys) on the boot CPU's stack.
 * kernel_main builds the real page tables (arch/x86_64/paging.c) and drops
 * the identity map.
 */
#include "arch/x86_64/asm.h"

#define MB2_MAGIC	0xe85250d6
#define MB2_ARCH_I386	0

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* information request: cmdline(1), modules(3), mmap(6), acpi old(14) and new(15) */
	.balign 8
	.short 1, 0
	.long 8 + 5 * 4
	.long 1, 3, 6, 14, 15
	.balign 8
	/* module alignment: modules start on a page boundary */
	.short 6, 0
	.long 8
	/* end tag */
	.balign 8
	.short 0, 0
	.long 8
mb2_header_end:

	.section .boot.bss, "aw", @nobits
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096		/* 4 page directories: 4 GiB of 2 MiB pages */
boot_stack32:	.skip 4096
boot_stack32_top:

	.section .boot.data, "a"
	.balign 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit kernel code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
	.short boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

no_lm_msg:	.asciz "numbat: this CPU cannot run 64-bit code; halting\r\n"
bad_magic_msg:	.asciz "numbat: not started by a multiboot2 loader; halting\r\n"

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl $boot_stack32_top, %esp
	movl %eax, %edi			/* keep magic and mbi for kernel_main */
	movl %ebx, %esi

	cmpl $MB2_BOOT_MAGIC, %eax
	jne bad_magic

	/* CPUID leaf 0x80000001 EDX bit 29 = long mode */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode

	/* 4 page directories of 2 MiB pages covering 0..4 GiB */
	movl $boot_pd, %ebx
	xorl %ecx, %ecx			/* ecx = index of 2 MiB page, 0..2047 */
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax			/* present | writable | 2 MiB page */
	movl %eax, (%ebx, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax			/* bits 32+ of the physical address */
	movl %eax, 4(%ebx, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 1b

	/* identity: PML4[0] -> pdpt_low, pdpt_low[0..3] -> the 4 PDs */
	movl $boot_pdpt_low, %eax
	orl $3, %eax
	movl %eax, boot_pml4
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd, %eax
	orl $3, %eax
	movl %eax, boot_pdpt_low(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jne 2b

	/* higher half: PML4[511] -> pdpt_high, pdpt_high[510,511] -> first 2 GiB */
	movl $boot_pdpt_high, %eax
	orl $3, %eax
	movl %eax, boot_pml4 + 511 * 8
	movl $boot_pd, %eax
	orl $3, %eax
	movl %eax, boot_pdpt_high + 510 * 8
	movl $boot_pd + 4096, %eax
	orl $3, %eax
	movl %eax, boot_pdpt_high + 511 * 8

	/* PAE on, CR3, EFER.LME|NXE, then paging + write protect */
	movl %cr4, %eax
	orl $(1 << 5), %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx
	rdmsr
	orl $((1 << 8) | (1 << 11)), %eax
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16)), %eax
	movl %eax, %cr0

	lgdt boot_gdt_desc
	ljmp $0x08, $long_mode_low

bad_magic:
	movl $bad_magic_msg, %ebx
	jmp boot_fail
no_long_mode:
	movl $no_lm_msg, %ebx
boot_fail:
	/* write the message to COM1 (0x3f8) without any setup: QEMU accepts it */
	movb (%ebx), %al
	testb %al, %al
	jz 3f
	movw $0x3f8, %dx
	outb %al, %dx
	incl %ebx
	jmp boot_fail
3:	hlt
	jmp 3b

	.code64
long_mode_low:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $long_mode_high, %rax
	jmp *%rax

	.text
long_mode_high:
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	/* edi = magic, esi = mbi physical address: already the first two args */
	call kernel_main
4:	cli
	hlt
	jmp 4b

	.section .bss
	.balign 4096
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
