/*
 * arch/x86_64/asm.h - constants shared by assembly and C.
 * Only #defines here: this file is included from .S files.
 */
#ifndef ARCH_X86_64_ASM_H
#define ARCH_X86_64_ASM_H

#define KERNEL_VMA		0xffffffff80000000
#define DIRECT_MAP_BASE		0xffff888000000000	/* all RAM, like Linux's page_offset_base */
#define IOREMAP_BASE		0xffffc90000000000	/* firmware tables and device registers */
#define IOREMAP_SIZE		0x0000010000000000	/* 1 TiB of virtual space for mappings */
#define KSTACK_AREA_BASE	0xffffc88000000000	/* kernel stacks, each above an unmapped guard */
#define VMEMMAP_BASE		0xffffea0000000000	/* struct page array, indexed by frame number */

#define BOOT_STACK_SIZE		16384	/* boot CPU's stack until tasks exist */
#define KSTACK_SIZE		16384	/* each CPU's boot/idle stack */
#define IST_STACK_SIZE		8192	/* double fault and NMI stacks */

/* What a multiboot2 boot loader leaves in EAX (boot/head.S, kernel/bootinfo.c). */
#define MB2_BOOT_MAGIC		0x36d76289

/* GDT selectors; the user ones are laid out for SYSRET (STAR[63:48] = 0x18) */
#define KERNEL_CS		0x08
#define KERNEL_DS		0x10
#define USER32_CS		0x18
#define USER_DS			0x20
#define USER_CS			0x28
#define TSS_SEL			0x30

/* AP trampoline, below 1 MiB (the SIPI vector is its page number) */
#define TRAMPOLINE_PHYS		0x8000
#define TRAMPOLINE_PML4_PHYS	0x9000
#define TRAMPOLINE_PDPT_PHYS	0xa000
#define TRAMPOLINE_PD_PHYS	0xb000

/* struct pt_regs layout, in 8-byte slots (see arch/x86_64/regs.h) */
#define PTREGS_SIZE		(22 * 8)
#define SYSCALL_VECTOR_MARK	0x100	/* pt_regs.vector of a frame built by SYSCALL */

#endif
