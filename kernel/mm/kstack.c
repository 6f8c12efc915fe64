/*
 * kernel/mm/kstack.c - kernel stacks with unmapped guards (see kstack.h).
 *
 * The stack area is an array of KSTACK_MAX slots. A slot is either free,
 * live (its KSTACK_SIZE top part mapped to pages of the page allocator),
 * or dead: freed but still mapped, waiting for the TLB flush that must
 * happen on every CPU before its pages may be reused. The page tables of
 * the whole area are built at boot, so mapping a stack never allocates a
 * page table (and an AP's trampoline, which copies the kernel's top-level
 * table, sees the area).
 *
 * Lock order: kstack_lock is a leaf; mapping, flushing and the page
 * allocator are called without it.
 */
#include "kernel/mm/kstack.h"
#include "kernel/selftest.h"
#include "kernel/mm/internal.h"
#include "kernel/lib/cpumask.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "arch/x86_64/cpu.h"

#define KSTACK_PAGES	((int)(KSTACK_SIZE / PAGE_SIZE))

static DEFINE_SPINLOCK_RANK(kstack_lock, LOCK_RANK_KSTACK);
static unsigned long slot_used[BITS_TO_LONGS(KSTACK_MAX)];	/* live or dead */
static unsigned long slot_dead[BITS_TO_LONGS(KSTACK_MAX)];	/* freed, not yet flushed */
static int nr_live;

static unsigned long slot_stack(int slot)
{
	return KSTACK_AREA_BASE + (unsigned long)slot * KSTACK_SLOT_SIZE + KSTACK_GUARD_SIZE;
}

void kstack_init(void)
{
	populate_kernel_tables(KSTACK_AREA_BASE, KSTACK_AREA_BASE + KSTACK_AREA_SIZE);
	pr_info("kstack: %d slots of %d KiB stack above a %d KiB guard at %#lx\n",
		KSTACK_MAX, KSTACK_SIZE >> 10, KSTACK_GUARD_SIZE >> 10, KSTACK_AREA_BASE);
}

bool kstack_guard_hit(unsigned long addr)
{
	return addr >= KSTACK_AREA_BASE && addr - KSTACK_AREA_BASE < KSTACK_AREA_SIZE &&
	       (addr - KSTACK_AREA_BASE) % KSTACK_SLOT_SIZE < KSTACK_GUARD_SIZE;
}

int kstack_count(void)
{
	return READ_ONCE(nr_live);
}

static long leak_kstacks(void)
{
	return kstack_count();
}
LEAK_COUNTER("kernel stacks", leak_kstacks);

/* Unmaps a dead slot and collects its pages on `pages`. */
static void unmap_slot(int slot, struct list_head *pages)
{
	for (int i = 0; i < KSTACK_PAGES; i++) {
		phys_addr_t pa = unmap_kernel_page(slot_stack(slot) + i * PAGE_SIZE);
		if (pa)
			list_add(&phys_to_page(pa)->lru, pages);
	}
}

/* Frees every dead slot: unmap, one TLB flush on all CPUs, then the pages. */
void kstack_purge(void)
{
	unsigned long dead[BITS_TO_LONGS(KSTACK_MAX)], flags;
	unsigned long lo = ~0UL, hi = 0;
	LIST_HEAD(pages);
	struct page *page, *next;
	int slot;

	if (irqs_disabled())
		return;			/* the flush needs IPIs; a later call does it */
	flags = spin_lock_irqsave(&kstack_lock);
	for (size_t i = 0; i < ARRAY_SIZE(dead); i++) {
		dead[i] = slot_dead[i];
		slot_dead[i] = 0;
	}
	spin_unlock_irqrestore(&kstack_lock, flags);
	for (slot = bitmap_next_set(dead, KSTACK_MAX, 0); slot < KSTACK_MAX;
	     slot = bitmap_next_set(dead, KSTACK_MAX, slot + 1)) {
		unmap_slot(slot, &pages);
		lo = min(lo, slot_stack(slot));
		hi = max(hi, slot_stack(slot) + KSTACK_SIZE);
	}
	if (lo >= hi)
		return;
	flush_tlb_kernel_range(lo, hi);
	list_for_each_entry_safe(page, next, &pages, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	flags = spin_lock_irqsave(&kstack_lock);
	for (size_t i = 0; i < ARRAY_SIZE(dead); i++)
		slot_used[i] &= ~dead[i];
	spin_unlock_irqrestore(&kstack_lock, flags);
}

static void retire_slot(int slot)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);

	set_bit(slot, slot_dead);
	spin_unlock_irqrestore(&kstack_lock, flags);
	kstack_purge();
}

void *kstack_alloc(int nid)
{
	unsigned long flags;
	int slot;

	kstack_purge();
	flags = spin_lock_irqsave(&kstack_lock);
	for (slot = 0; slot < KSTACK_MAX && test_bit(slot, slot_used); slot++)
		;
	if (slot < KSTACK_MAX) {
		set_bit(slot, slot_used);
		nr_live++;
	}
	spin_unlock_irqrestore(&kstack_lock, flags);
	if (slot == KSTACK_MAX)
		return NULL;
	for (int i = 0; i < KSTACK_PAGES; i++) {
		struct page *page = alloc_pages_node(nid, GFP_KERNEL, 0);
		if (!page) {
			flags = spin_lock_irqsave(&kstack_lock);
			nr_live--;
			spin_unlock_irqrestore(&kstack_lock, flags);
			retire_slot(slot);
			return NULL;
		}
		map_kernel_page(slot_stack(slot) + i * PAGE_SIZE, page_to_phys(page), PTE_WRITE | PTE_NX);
	}
	return (void *)(slot_stack(slot) + KSTACK_SIZE);
}

void kstack_free(void *top)
{
	unsigned long t = (unsigned long)top, flags;
	long slot = (long)((t - KSTACK_AREA_BASE) / KSTACK_SLOT_SIZE) - 1;
	bool ok;

	if (!top)
		return;
	flags = spin_lock_irqsave(&kstack_lock);
	ok = t > KSTACK_AREA_BASE && slot >= 0 && slot < KSTACK_MAX && slot_stack(slot) + KSTACK_SIZE == t &&
	     test_bit(slot, slot_used) && !test_bit(slot, slot_dead);
	if (ok)
		nr_live--;
	spin_unlock_irqrestore(&kstack_lock, flags);
	if (!ok) {
		pr_err("kstack_free: %p is not the top of a live kernel stack\n", top);
		dump_stack();
		return;
	}
	retire_slot(slot);
}
