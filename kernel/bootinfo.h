/*
 * kernel/bootinfo.h - what GRUB tells the kernel, copied out of the
 * multiboot2 information structure at the very start of boot: the command
 * line, the memory map, the ACPI RSDP and the boot modules (the monitor
 * script and the user programs).
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include "kernel/types.h"

#define MAX_BOOT_MODULES	32	/* modules kept; more are ignored with a warning */
#define MAX_MMAP_ENTRIES	64	/* memory-map entries kept */
#define MODULE_NAME_MAX		64

#define MMAP_AVAILABLE		1
#define MMAP_ACPI_RECLAIMABLE	3

struct boot_module {
	phys_addr_t start, end;		/* [start, end) */
	char name[MODULE_NAME_MAX];	/* the module's string in grub.cfg */
};

struct mmap_entry {
	u64 base, len;
	u32 type;
};

struct bootinfo {
	int nmodules;
	struct boot_module modules[MAX_BOOT_MODULES];
	int nmmap;
	struct mmap_entry mmap[MAX_MMAP_ENTRIES];
	u8 rsdp[36];			/* copy of the RSDP, v1 (20 bytes) or v2 */
	int rsdp_len;			/* 0: GRUB gave none */
	phys_addr_t mbi_phys;
	size_t mbi_size;
};

extern struct bootinfo bootinfo;

/* Copies what is needed out of the multiboot2 information at mbi_phys. */
void bootinfo_parse(u32 magic, phys_addr_t mbi_phys);
/* Reserves modules and registers RAM with memblock. */
void bootinfo_setup_memory(void);
const struct boot_module *bootinfo_find_module(const char *name);

#endif
