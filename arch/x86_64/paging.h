/*
 * arch/x86_64/paging.h - the kernel's address space.
 *
 *   0xffff888000000000  direct map: all RAM at a fixed offset (2 MiB pages
 *                       where a whole 2 MiB is RAM, 4 KiB pages at edges)
 *   0xffffc88000000000  kernel stacks, each above an unmapped guard (kstack.c)
 *   0xffffc90000000000  ioremap: firmware tables and device registers
 *   0xffffea0000000000  vmemmap: the struct page array (kernel/mm/mm_init.c)
 *   0xffffffff80000000  the kernel image (-2 GiB), mapped W^X
 *
 * The low half belongs to user space: each mm_struct has its own PML4
 * whose first PML4_USER_ENTRIES entries map its user pages and whose others
 * are copied from kernel_pml4. paging_init() creates every one of the kernel's
 * 256 top-level entries at boot, so a kernel mapping made later lands in a
 * table that every user PML4 already points to: nothing ever needs to be
 * synchronized between address spaces. The kernel's own tables leave the
 * low half empty, so a NULL dereference faults.
 */
#ifndef ARCH_X86_64_PAGING_H
#define ARCH_X86_64_PAGING_H

#include "kernel/types.h"
#include "arch/x86_64/asm.h"

#define PTE_PRESENT	(1UL << 0)
#define PTE_WRITE	(1UL << 1)
#define PTE_USER	(1UL << 2)
#define PTE_PWT		(1UL << 3)
#define PTE_PCD		(1UL << 4)
#define PTE_ACCESSED	(1UL << 5)
#define PTE_DIRTY	(1UL << 6)
#define PTE_HUGE	(1UL << 7)	/* 2 MiB / 1 GiB page at PD / PDPT level */
#define PTE_GLOBAL	(1UL << 8)
#define PTE_PROTNONE	(1UL << 9)	/* software: a PROT_NONE page, kept but not present */
#define PTE_NX		(1UL << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000UL

/* The page-table geometry: four levels (4 = PML4 ... 1 = PT) of PT_ENTRIES entries. */
#define PT_INDEX_BITS		9
#define PT_ENTRIES		(1 << PT_INDEX_BITS)
#define PMD_SIZE		(1UL << (PAGE_SHIFT + PT_INDEX_BITS))	/* one PD entry: 2 MiB */
#define PGDIR_SHIFT		(PAGE_SHIFT + 3 * PT_INDEX_BITS)	/* one PML4 entry: 512 GiB */
#define PML4_USER_ENTRIES	(PT_ENTRIES / 2)	/* the low half of every PML4 is user space */
/*
 * User space is [0, TASK_SIZE), as in Linux: what the user PML4 entries
 * map, less the last page, so that no user mapping ends right at the
 * non-canonical hole.
 */
#define TASK_SIZE		(((unsigned long)PML4_USER_ENTRIES << PGDIR_SHIFT) - PAGE_SIZE)

/* Index of va's entry in its table at level. */
static inline unsigned int pt_index(unsigned long va, int level)
{
	return (va >> (PAGE_SHIFT + PT_INDEX_BITS * (level - 1))) & (PT_ENTRIES - 1);
}

#define IOREMAP_CACHED		0
#define IOREMAP_UNCACHED	1

static inline void *phys_to_virt(phys_addr_t p)
{
	return (void *)(p + DIRECT_MAP_BASE);
}

static inline phys_addr_t virt_to_phys(const void *v)
{
	unsigned long a = (unsigned long)v;

	return a >= KERNEL_VMA ? a - KERNEL_VMA : a - DIRECT_MAP_BASE;
}

#define __va(p) phys_to_virt(p)
#define __pa(v) virt_to_phys(v)

extern u64 *kernel_pml4;		/* root of the kernel page tables */

/* Builds the direct map and W^X image mapping and switches to them. */
void paging_init(void);
/* Maps [phys, phys+size) into the ioremap area; boot-time mappings are never undone. */
void *ioremap(phys_addr_t phys, size_t size, int cache);
/* Looks up the page-table entry for va in the kernel tables; 0 if unmapped. */
u64 kernel_pte(unsigned long va, int *level);

/* Maps one 4 KiB kernel page (flags: PTE_WRITE, PTE_NX...; present and global are added). */
void map_kernel_page(unsigned long va, phys_addr_t pa, u64 flags);
/* Unmaps one 4 KiB kernel page; returns the physical address it had (0: none). No TLB flush. */
phys_addr_t unmap_kernel_page(unsigned long va);
/* Creates the page tables for [start, end), so mapping there later allocates nothing. */
void populate_kernel_tables(unsigned long start, unsigned long end);
/* Drops [start, end) from every online CPU's TLB; needs interrupts on (it waits for IPIs). */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);

/*
 * User page tables (kernel/mm/pgtable.c calls these, with the locks it describes).
 * Tables above a user PTE carry PRESENT | WRITE | USER: the leaf decides.
 */
u64 *pgd_alloc(void);			/* a PML4 with the kernel half copied; NULL: no memory */
void pgd_free(u64 *pgd);
/* The PTE of va, or NULL if a table on the way is missing. */
u64 *user_pte_lookup(u64 *pgd, unsigned long va);
/*
 * The PTE of va, creating the tables on the way; *created counts new table
 * pages; ctor (may be NULL) sets up each new table (its level: 1 for a
 * PTE table) before it is linked in. NULL: no memory.
 */
u64 *user_pte_alloc(u64 *pgd, unsigned long va, int *created, void (*ctor)(u64 *table, int level));
/* Frees the tables below one (already cleared) user PML4 entry; the pages they map are not touched. Returns the count. */
int free_user_pgd_entry(u64 e);

#endif
