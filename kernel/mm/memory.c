/*
 * kernel/mm/memory.c - the page tables under the VMAs: the one allocator
 * of user pages (alloc_page_vma), what a PTE says for a VMA's rights, and
 * the walks that remove pages (munmap, MADV_DONTNEED), change rights
 * (mprotect), copy for fork, and reach another mm's memory
 * (access_remote_vm).
 *
 * Pages and their references (struct page, kernel/mm/page_alloc.h):
 *   - a private anonymous page holds one reference per PTE that maps it:
 *     1 normally, more after fork until copy-on-write separates them;
 *   - a shared anonymous page holds one for its object (shmem.c) and one
 *     per PTE.
 * A private PTE is writable only while its page is exclusive (refcount 1)
 * and the VMA has VM_WRITE; fork write-protects both sides.
 *
 * A mapped PTE is present, or PROT_NONE: PTE_PROTNONE keeps the page's
 * address with the present bit clear, so mprotect(PROT_NONE) and back
 * keeps the contents.
 *
 * Removing a mapping: clear the PTEs under their PTE lock, flush the TLBs
 * of every CPU in mm_cpumask, and only then drop the page references (a
 * CPU with a stale entry could otherwise write into a page already reused).
 * struct mmu_gather batches the pages between the two.
 */
#include "kernel/mm/vma.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/pgtable.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define MMU_GATHER_BATCH	64	/* pages whose release waits for one flush */

#if CONFIG_DEBUG
void (*pte_change_observer)(struct mm_struct *mm, bool zap);

/* Self-tests see each batch of PTEs zapped or rewritten, at the moment it is. */
static void observe_pte_change(struct mm_struct *mm, bool zap)
{
	void (*fn)(struct mm_struct *mm, bool zap) = READ_ONCE(pte_change_observer);

	if (fn)
		fn(mm, zap);
}
#else
static void observe_pte_change(struct mm_struct *mm, bool zap) { }
#endif

static bool pte_mapped(u64 pte) { return pte & (PTE_PRESENT | PTE_PROTNONE); }
static struct page *pte_page(u64 pte) { return phys_to_page(pte & PTE_ADDR_MASK); }

/*
 * The memory policy at addr (the shared object's, the VMA's, the task's,
 * else local allocation) chooses the node, here and nowhere else.
 */
struct page *alloc_page_vma(gfp_t gfp, struct vm_area_struct *vma, unsigned long addr)
{
	return mpol_alloc_page(gfp, vma, addr);
}

u64 vm_get_page_prot(unsigned long vm_flags)
{
	u64 prot = PTE_USER;

	if (!(vm_flags & VM_ACCESS_FLAGS))
		return prot | PTE_PROTNONE | PTE_NX;
	prot |= PTE_PRESENT;		/* x86: present means readable */
	if (vm_flags & VM_WRITE)
		prot |= PTE_WRITE;
	if (!(vm_flags & VM_EXEC))
		prot |= PTE_NX;
	return prot;
}

void mm_count_event(struct mm_struct *mm, enum mm_counter c, long v)
{
	mm_counter_add(mm, c, v);
	vm_event_add(c, v);
}

/* ---- removing pages ---- */

struct mmu_gather {
	struct mm_struct *mm;
	unsigned long start, end;	/* range whose PTEs were cleared since the last flush */
	int nr;
	struct page *pages[MMU_GATHER_BATCH];
};

/* Flush, then release the gathered pages. Called without the PTE lock. */
static void tlb_flush_mmu(struct mmu_gather *tlb)
{
	if (tlb->end > tlb->start)
		flush_tlb_mm_range(tlb->mm, tlb->start, tlb->end);
	for (int i = 0; i < tlb->nr; i++)
		put_page(tlb->pages[i]);
	tlb->nr = 0;
	tlb->start = tlb->end = 0;
}

/* The first address of the next PT after va's. */
static unsigned long pt_end(unsigned long va)
{
	return ALIGN_DOWN(va, PMD_SIZE) + PMD_SIZE;
}

void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct mmu_gather tlb = { .mm = mm };
	unsigned long va = start;

	vma_assert_stable(vma);		/* mmap_lock for writing, or (MADV_DONTNEED) for reading or the VMA's lock */
	while (va < end) {
		unsigned long stop = min(end, pt_end(va));
		long zapped = 0;
		spinlock_t *ptl;
		u64 *pte = pte_offset_map_lock(mm, va, &ptl);

		if (!pte) {			/* no page table: skip to the next one */
			va = stop;
			continue;
		}
		for (; va < stop && tlb.nr < MMU_GATHER_BATCH; va += PAGE_SIZE, pte++) {
			if (!pte_mapped(*pte))
				continue;
			tlb.pages[tlb.nr++] = pte_page(*pte);
			WRITE_ONCE(*pte, 0);
			if (!tlb.start && !tlb.end)
				tlb.start = va;
			tlb.end = va + PAGE_SIZE;
			zapped++;
		}
		pte_unmap_unlock(ptl);
		if (zapped)
			observe_pte_change(mm, true);
		mm_count_event(mm, MM_RSS, -zapped);
		tlb_flush_mmu(&tlb);
	}
}

/* ---- changing rights ---- */

void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	u64 prot = vm_get_page_prot(vma->vm_flags);
	bool changed = false;

	mmap_assert_write_locked(mm);	/* new rights and their PTEs: one window */
	for (unsigned long va = start; va < end; ) {
		unsigned long stop = min(end, pt_end(va));
		spinlock_t *ptl;
		u64 *pte = pte_offset_map_lock(mm, va, &ptl);

		if (!pte) {
			va = stop;
			continue;
		}
		for (; va < stop; va += PAGE_SIZE, pte++) {
			u64 p;
			if (!pte_mapped(*pte))
				continue;
			p = (*pte & (PTE_ADDR_MASK | PTE_ACCESSED | PTE_DIRTY)) | prot;
			/* a private page becomes writable only by its next write fault (it may be COW-shared) */
			if (!vma_is_shared(vma) && !(*pte & PTE_WRITE))
				p &= ~PTE_WRITE;
			WRITE_ONCE(*pte, p);
			changed = true;
		}
		pte_unmap_unlock(ptl);
	}
	if (changed) {
		observe_pte_change(mm, false);
		flush_tlb_mm_range(mm, start, end);
	}
}

/* ---- fork ---- */

int copy_page_range(struct mm_struct *dst, struct vm_area_struct *vma)
{
	struct mm_struct *src = vma->vm_mm;
	int err = 0;

	mmap_assert_write_locked(src);	/* its PTEs lose their write bit */
	mmap_assert_write_locked(dst);
	for (unsigned long va = vma->vm_start; va < vma->vm_end && !err; ) {
		unsigned long stop = min(vma->vm_end, pt_end(va));
		spinlock_t *ptl;
		u64 *spte = pte_offset_map_lock(src, va, &ptl);

		if (!spte) {
			va = stop;
			continue;
		}
		for (; va < stop; va += PAGE_SIZE, spte++) {
			int created = 0;
			u64 *dpte;
			if (!pte_mapped(*spte))
				continue;
			/* dst is not visible to anyone yet: its tables need no lock */
			dpte = pte_alloc_unlocked(dst, va, &created);
			mm_count_event(dst, MM_PGTABLES, created);
			if (!dpte) {
				err = -ENOMEM;
				break;
			}
			if (!vma_is_shared(vma))
				WRITE_ONCE(*spte, *spte & ~PTE_WRITE);	/* both sides copy on write */
			get_page(pte_page(*spte));
			*dpte = *spte;
			mm_count_event(dst, MM_RSS, 1);
		}
		pte_unmap_unlock(ptl);
	}
	return err;
}

/* The page mapped at addr with a reference for the caller, or NULL. */
static struct page *get_mapped_page(struct mm_struct *mm, unsigned long addr)
{
	struct page *page = NULL;
	u64 *pte;

	spinlock_t *ptl;

	pte = pte_offset_map_lock(mm, addr, &ptl);
	if (!pte)
		return NULL;
	if (pte_mapped(*pte)) {
		page = pte_page(*pte);
		get_page(page);
	}
	pte_unmap_unlock(ptl);
	return page;
}

long access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf, size_t len, bool write)
{
	unsigned int flags = FAULT_FLAG_REMOTE | (write ? FAULT_FLAG_WRITE : 0);
	size_t done = 0;

	mmap_read_lock(mm);
	while (done < len) {
		unsigned long va = addr + done, off = va & (PAGE_SIZE - 1);
		size_t n = min((size_t)(PAGE_SIZE - off), len - done);
		struct vm_area_struct *vma = find_vma(mm, va);
		struct page *page;

		if (!vma || vma->vm_start > va || va < addr)
			break;
		if (handle_mm_fault(vma, va, flags) & VM_FAULT_ERROR)
			break;
		page = get_mapped_page(mm, ALIGN_DOWN(va, PAGE_SIZE));
		if (!page)
			continue;	/* zapped by a concurrent MADV_DONTNEED: fault it again */
		if (write)
			memcpy((char *)page_address(page) + off, (char *)buf + done, n);
		else
			memcpy((char *)buf + done, (char *)page_address(page) + off, n);
		put_page(page);
		done += n;
	}
	mmap_read_unlock(mm);
	return done;
}
