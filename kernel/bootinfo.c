/*
 * kernel/bootinfo.c - reading the multiboot2 boot information.
 *
 * The structure is a list of 8-byte-aligned tags, each starting with
 * (u32 type, u32 size), ended by a tag of type 0. It is read through the
 * boot identity map, before the kernel's own page tables exist, and every
 * part the kernel needs is copied into `bootinfo` and `boot_cmdline`.
 */
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/mm/memblock.h"
#include "arch/x86_64/asm.h"

#define TAG_END		0
#define TAG_CMDLINE	1
#define TAG_MODULE	3
#define TAG_MMAP	6
#define TAG_ACPI_OLD	14
#define TAG_ACPI_NEW	15

struct bootinfo bootinfo;

struct mb2_tag {
	u32 type;
	u32 size;
};

static void copy_module(const u8 *tag)
{
	struct boot_module *m;
	u32 start = *(const u32 *)(tag + 8), end = *(const u32 *)(tag + 12);

	if (bootinfo.nmodules == MAX_BOOT_MODULES) {
		pr_warn("boot: more than %d modules; '%s' ignored\n", MAX_BOOT_MODULES, (const char *)tag + 16);
		return;
	}
	m = &bootinfo.modules[bootinfo.nmodules++];
	m->start = start;
	m->end = end;
	strlcpy(m->name, (const char *)tag + 16, sizeof(m->name));
}

static void copy_mmap(const u8 *tag, u32 size)
{
	u32 entry_size = *(const u32 *)(tag + 8);

	if (entry_size < 24)
		return;
	for (u32 off = 16; off + entry_size <= size; off += entry_size) {
		const u8 *e = tag + off;
		struct mmap_entry *m;
		if (bootinfo.nmmap == MAX_MMAP_ENTRIES) {
			pr_warn("boot: memory map has more than %d entries; rest ignored\n", MAX_MMAP_ENTRIES);
			return;
		}
		m = &bootinfo.mmap[bootinfo.nmmap++];
		m->base = *(const u64 *)e;
		m->len = *(const u64 *)(e + 8);
		m->type = *(const u32 *)(e + 16);
	}
}

void bootinfo_parse(u32 magic, phys_addr_t mbi_phys)
{
	const u8 *mbi = (const u8 *)mbi_phys;	/* identity-mapped during boot */
	u32 total;

	if (magic != MB2_BOOT_MAGIC)
		panic("boot: bad multiboot2 magic %#x", magic);
	total = *(const u32 *)mbi;
	bootinfo.mbi_phys = mbi_phys;
	bootinfo.mbi_size = total;
	for (u32 off = 8; off + sizeof(struct mb2_tag) <= total; ) {
		const struct mb2_tag *tag = (const void *)(mbi + off);
		if (tag->type == TAG_END || tag->size < sizeof(*tag))
			break;
		switch (tag->type) {
		case TAG_CMDLINE:
			strlcpy(boot_cmdline, (const char *)tag + 8, sizeof(boot_cmdline));
			break;
		case TAG_MODULE:
			copy_module((const u8 *)tag);
			break;
		case TAG_MMAP:
			copy_mmap((const u8 *)tag, tag->size);
			break;
		case TAG_ACPI_OLD:
		case TAG_ACPI_NEW:
			/* prefer the v2 copy when GRUB gives both */
			if (tag->type == TAG_ACPI_NEW || !bootinfo.rsdp_len) {
				u32 n = min(tag->size - 8, (u32)sizeof(bootinfo.rsdp));
				memcpy(bootinfo.rsdp, (const u8 *)tag + 8, n);
				bootinfo.rsdp_len = n;
			}
			break;
		}
		off += ALIGN_UP(tag->size, 8);
	}
}

void bootinfo_setup_memory(void)
{
	extern char __boot_start[], __kernel_end[];

	for (int i = 0; i < bootinfo.nmmap; i++)
		if (bootinfo.mmap[i].type == MMAP_AVAILABLE)
			memblock_add(bootinfo.mmap[i].base, bootinfo.mmap[i].len);
	if (!memblock.memory.cnt)
		panic("boot: the memory map lists no usable RAM");
	/* the first MiB: BIOS data, the AP trampoline and its page tables */
	memblock_reserve(0, 0x100000);
	memblock_reserve((phys_addr_t)__boot_start,
			 (phys_addr_t)__kernel_end - KERNEL_VMA - (phys_addr_t)__boot_start);
	for (int i = 0; i < bootinfo.nmodules; i++)
		memblock_reserve(ALIGN_DOWN(bootinfo.modules[i].start, PAGE_SIZE),
				 ALIGN_UP(bootinfo.modules[i].end, PAGE_SIZE) - ALIGN_DOWN(bootinfo.modules[i].start, PAGE_SIZE));
}

const struct boot_module *bootinfo_find_module(const char *name)
{
	for (int i = 0; i < bootinfo.nmodules; i++)
		if (!strcmp(bootinfo.modules[i].name, name))
			return &bootinfo.modules[i];
	return NULL;
}
