/*
 * arch/x86_64/paging.c - building the kernel page tables (see paging.h).
 *
 * Boot (boot/head.S) runs on tables that map the first 4 GiB both at 0 and
 * at -2 GiB. paging_init() builds the real tables: it maps every RAM range
 * of the memory map into the direct map, maps the kernel image section by
 * section with the least rights each needs (W^X: text read-only and
 * executable, rodata read-only, data and bss writable and never executable;
 * the direct map is never executable either), switches CR3 and so drops
 * the identity map. Page-table pages come from memblock below 4 GiB, which
 * the boot identity map reaches before the switch, and from the page
 * allocator once it runs (memblock is closed then).
 *
 * map_kernel_page()/unmap_kernel_page() serve the areas built page by page
 * (the vmemmap, kernel stacks). Removing a mapping needs a TLB flush on
 * every CPU: flush_tlb_kernel_range() does it by IPI.
 *
 * Lock order: kernel_map_lock -> the page allocator's locks.
 */
#include "arch/x86_64/paging.h"
#include "arch/x86_64/cpu.h"
#include "kernel/mm/memblock.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/smp.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/sync/spinlock.h"

#define BOOT_MAP_LIMIT	(1UL << 32)	/* what the boot identity map reaches */

u64 *kernel_pml4;
static bool paging_ready;
static u64 global_bit;
static unsigned long ioremap_next = IOREMAP_BASE;
static DEFINE_SPINLOCK_RANK(kernel_map_lock, LOCK_RANK_KERNEL_MAP);	/* every change to the kernel page tables after boot */

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];

static void *table_va(phys_addr_t p)
{
	return paging_ready ? phys_to_virt(p) : (void *)p;
}

static u64 *alloc_table(void)
{
	phys_addr_t p;
	u64 *t;

	if (page_alloc_ready) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!page)
			panic("paging: no memory for page tables");
		return page_address(page);
	}
	p = memblock_phys_alloc(PAGE_SIZE, PAGE_SIZE, BOOT_MAP_LIMIT, NUMA_NO_NODE);
	if (!p)
		panic("paging: no memory for page tables");
	t = table_va(p);
	memset(t, 0, PAGE_SIZE);
	return t;
}

static phys_addr_t table_pa(u64 *t)
{
	return paging_ready ? virt_to_phys(t) : (phys_addr_t)t;
}

/* Entry for va at `level` (4 = PML4 ... 1 = PT), creating tables above it. */
static u64 *walk_create(unsigned long va, int level)
{
	u64 *table = kernel_pml4;

	for (int l = 4; l > level; l--) {
		u64 *e = &table[pt_index(va, l)];
		if (!(*e & PTE_PRESENT))
			*e = table_pa(alloc_table()) | PTE_PRESENT | PTE_WRITE;
		else if (*e & PTE_HUGE)
			panic("paging: %#lx already mapped by a large page", va);
		table = table_va(*e & PTE_ADDR_MASK);
	}
	return &table[pt_index(va, level)];
}

static void map_range(unsigned long va, phys_addr_t pa, size_t size, u64 flags, bool allow_2m)
{
	unsigned long end = va + size;

	while (va < end) {
		if (allow_2m && IS_ALIGNED(va, PMD_SIZE) && IS_ALIGNED(pa, PMD_SIZE) && end - va >= PMD_SIZE) {
			*walk_create(va, 2) = pa | flags | PTE_HUGE;
			va += PMD_SIZE;
			pa += PMD_SIZE;
		} else {
			*walk_create(va, 1) = pa | flags;
			va += PAGE_SIZE;
			pa += PAGE_SIZE;
		}
	}
}

static void map_image_section(char *start, char *end, u64 flags)
{
	unsigned long s = ALIGN_DOWN((unsigned long)start, PAGE_SIZE);
	unsigned long e = ALIGN_UP((unsigned long)end, PAGE_SIZE);

	map_range(s, s - KERNEL_VMA, e - s, flags | PTE_PRESENT | global_bit, false);
}

void paging_init(void)
{
	u64 nx = PTE_NX;

	if (cpu_has_pge()) {
		global_bit = PTE_GLOBAL;
		write_cr4(read_cr4() | X86_CR4_PGE);
	}
	kernel_pml4 = alloc_table();
	for_each_mem_region(r) {
		phys_addr_t s = ALIGN_UP(r->base, PAGE_SIZE), e = ALIGN_DOWN(r->base + r->size, PAGE_SIZE);
		if (e > s)
			map_range(DIRECT_MAP_BASE + s, s, e - s, PTE_PRESENT | PTE_WRITE | nx | global_bit, true);
	}
	map_image_section(__text_start, __text_end, 0);
	map_image_section(__rodata_start, __rodata_end, nx);
	map_image_section(__data_start, __kernel_end, PTE_WRITE | nx);
	/*
	 * Every kernel PML4 entry exists from now on (1 MiB of tables at
	 * most), so user PML4s copy the whole kernel half once and later
	 * kernel mappings (stacks, ioremap, vmemmap) show up in all of them.
	 */
	for (int i = PML4_USER_ENTRIES; i < PT_ENTRIES; i++)
		if (!(kernel_pml4[i] & PTE_PRESENT))
			kernel_pml4[i] = table_pa(alloc_table()) | PTE_PRESENT | PTE_WRITE;
	write_cr3(table_pa(kernel_pml4));
	paging_ready = true;
	kernel_pml4 = phys_to_virt((phys_addr_t)kernel_pml4);
	write_cr0(read_cr0() | X86_CR0_WP);
	pr_info("paging: direct map of %lu MiB RAM at %#lx, kernel image W^X\n",
		(unsigned long)(memblock_end_of_ram() >> 20), DIRECT_MAP_BASE);
}

void *ioremap(phys_addr_t phys, size_t size, int cache)
{
	phys_addr_t base = ALIGN_DOWN(phys, PAGE_SIZE);
	size_t len = ALIGN_UP(phys + size, PAGE_SIZE) - base;
	u64 flags = PTE_PRESENT | PTE_WRITE | PTE_NX | global_bit;
	unsigned long va, irqf;

	if (cache == IOREMAP_UNCACHED)
		flags |= PTE_PCD | PTE_PWT;
	irqf = spin_lock_irqsave(&kernel_map_lock);
	va = ioremap_next;
	ioremap_next += len + PAGE_SIZE;	/* an unmapped page between mappings */
	map_range(va, base, len, flags, false);
	spin_unlock_irqrestore(&kernel_map_lock, irqf);
	return (void *)(va + (phys - base));
}

u64 kernel_pte(unsigned long va, int *level)
{
	u64 *table = kernel_pml4;

	for (int l = 4; l >= 1; l--) {
		u64 e = table[pt_index(va, l)];
		if (!(e & PTE_PRESENT))
			return 0;
		if (l == 1 || (e & PTE_HUGE)) {
			if (level)
				*level = l;
			return e;
		}
		table = phys_to_virt(e & PTE_ADDR_MASK);
	}
	return 0;
}

void map_kernel_page(unsigned long va, phys_addr_t pa, u64 flags)
{
	unsigned long irqf = spin_lock_irqsave(&kernel_map_lock);
	u64 *pte = walk_create(va, 1);

	if (*pte & PTE_PRESENT)
		panic("paging: %#lx is already mapped", va);
	*pte = pa | flags | PTE_PRESENT | global_bit;
	spin_unlock_irqrestore(&kernel_map_lock, irqf);
}

phys_addr_t unmap_kernel_page(unsigned long va)
{
	unsigned long irqf = spin_lock_irqsave(&kernel_map_lock);
	int level = 0;
	u64 e = kernel_pte(va, &level);
	phys_addr_t pa = 0;

	if (e && level == 1) {
		u64 *pte = walk_create(va, 1);	/* exists: creates nothing */
		pa = *pte & PTE_ADDR_MASK;
		*pte = 0;
	}
	spin_unlock_irqrestore(&kernel_map_lock, irqf);
	return pa;
}

void populate_kernel_tables(unsigned long start, unsigned long end)
{
	unsigned long irqf = spin_lock_irqsave(&kernel_map_lock);

	for (unsigned long va = ALIGN_DOWN(start, PMD_SIZE); va < end; va += PMD_SIZE)
		walk_create(va, 1);
	spin_unlock_irqrestore(&kernel_map_lock, irqf);
}

struct flush_range { unsigned long start, end; };

static void flush_local(void *arg)
{
	struct flush_range *r = arg;

	for (unsigned long va = r->start; va < r->end; va += PAGE_SIZE)
		invlpg(va);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	struct flush_range r = { ALIGN_DOWN(start, PAGE_SIZE), ALIGN_UP(end, PAGE_SIZE) };

	on_each_cpu(flush_local, &r, true);
}

/* ---- user page tables ---- */

#define USER_TABLE_FLAGS	(PTE_PRESENT | PTE_WRITE | PTE_USER)

u64 *pgd_alloc(void)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	u64 *pgd;

	if (!page)
		return NULL;
	pgd = page_address(page);
	memcpy(pgd + PML4_USER_ENTRIES, kernel_pml4 + PML4_USER_ENTRIES,
	       (PT_ENTRIES - PML4_USER_ENTRIES) * sizeof(u64));
	return pgd;
}

void pgd_free(u64 *pgd)
{
	free_pages((unsigned long)pgd, 0);
}

u64 *user_pte_lookup(u64 *pgd, unsigned long va)
{
	u64 *table = pgd;

	for (int l = 4; l > 1; l--) {
		u64 e = READ_ONCE(table[pt_index(va, l)]);
		if (!(e & PTE_PRESENT))
			return NULL;
		table = phys_to_virt(e & PTE_ADDR_MASK);
	}
	return &table[pt_index(va, 1)];
}

u64 *user_pte_alloc(u64 *pgd, unsigned long va, int *created, void (*ctor)(u64 *table, int level))
{
	u64 *table = pgd;

	for (int l = 4; l > 1; l--) {
		u64 *e = &table[pt_index(va, l)];
		if (!(*e & PTE_PRESENT)) {
			struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
			if (!page)
				return NULL;
			if (ctor)
				ctor(page_address(page), l - 1);
			smp_wmb();	/* the table is set up before a lockless walker can reach it */
			WRITE_ONCE(*e, page_to_phys(page) | USER_TABLE_FLAGS);
			(*created)++;
		}
		table = phys_to_virt(*e & PTE_ADDR_MASK);
	}
	return &table[pt_index(va, 1)];
}

/* Frees the tables below entry e of a level-`level` table; returns how many. */
static int free_table_tree(u64 e, int level)
{
	u64 *table = phys_to_virt(e & PTE_ADDR_MASK);
	int n = 1;

	if (level > 2)
		for (int i = 0; i < PT_ENTRIES; i++)
			if (table[i] & PTE_PRESENT)
				n += free_table_tree(table[i], level - 1);
	free_pages((unsigned long)table, 0);
	return n;
}

int free_user_pgd_entry(u64 e)
{
	return e & PTE_PRESENT ? free_table_tree(e, 4) : 0;
}
