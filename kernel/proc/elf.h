/*
 * kernel/proc/elf.h - ELF64 definitions and the loader for static
 * x86-64 executables (kernel/proc/elf.c).
 */
#ifndef KERNEL_PROC_ELF_H
#define KERNEL_PROC_ELF_H

#include "kernel/types.h"

#define ET_EXEC		2
#define ET_DYN		3
#define EM_X86_64	62
#define PT_LOAD		1
#define PT_INTERP	3
#define PT_PHDR		6
#define PT_TLS		7
#define PT_GNU_STACK	0x6474e551
#define PF_X		1
#define PF_W		2
#define PF_R		4

#define ELF_MAX_PHNUM	64		/* program headers accepted */
#define ELF_PIE_BASE	0x400000UL	/* where a static PIE (ET_DYN, no interpreter) is loaded */

struct elf64_ehdr {
	u8 e_ident[16];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

/* What exec needs to know after loading. */
struct elf_info {
	unsigned long entry;		/* AT_ENTRY, the first RIP */
	unsigned long phdr;		/* AT_PHDR: user address of the program headers */
	unsigned long phnum;
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long brk;		/* end of the highest PT_LOAD, page aligned */
	bool exec_stack;		/* PT_GNU_STACK with PF_X, or no PT_GNU_STACK */
};

struct mm_struct;
/* Checks an ELF image in kernel memory: 0 or -ENOEXEC. */
int elf_check(const void *image, size_t size);
/* Maps and fills the PT_LOAD segments of a checked image into mm. */
int elf_load(struct mm_struct *mm, const void *image, size_t size, struct elf_info *info);

#endif
