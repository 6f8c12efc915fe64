/*
 * kernel/mm/mincore.c - mincore: which pages of a range are resident, one
 * byte per page, as Linux 6.12 answers.
 *
 * A page is resident when a PTE maps it (PROT_NONE pages too: their PTE
 * keeps the page), or, for shared memory, when its object holds it even
 * if this mapping never touched it (after MADV_DONTNEED, or a write by
 * another process), as Linux reports shmem pages from the page cache.
 * There is no swap, so nothing else is ever resident.
 *
 * Checks, in Linux's order: an unaligned start (EINVAL), a range that is
 * not all user space (ENOMEM), a vector that is not (EFAULT). Then the
 * range is done VMA by VMA, at most a page's worth of bytes at a time,
 * each part copied out before the next is looked at: a hole is ENOMEM and
 * a vector that cannot be written EFAULT, whichever comes first, with the
 * bytes before it already written.
 */
#include "kernel/mm/vma.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/sched/task.h"
#include "kernel/errno.h"
#include "arch/x86_64/uaccess.h"

#define MINCORE_BATCH	PAGE_SIZE	/* bytes of the vector per pass: Linux's one page */

static bool mincore_page(struct vm_area_struct *vma, unsigned long addr)
{
	u64 *pte = user_pte_lookup(vma->vm_mm->pgd, addr);

	if (pte && (*pte & (PTE_PRESENT | PTE_PROTNONE)))
		return true;
	return vma->vm_shared && anon_shared_page_present(vma, addr);
}

/* The part of [addr, addr + pages pages) inside the VMA at addr: how many pages, or -ENOMEM for a hole. */
static long do_mincore(struct mm_struct *mm, unsigned long addr, unsigned long pages, unsigned char *vec)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	unsigned long n;

	mmap_assert_locked(mm);
	if (!vma || vma->vm_start > addr)
		return -ENOMEM;
	n = min(pages, (vma->vm_end - addr) >> PAGE_SHIFT);
	spin_lock(&mm->page_table_lock);
	for (unsigned long i = 0; i < n; i++)
		vec[i] = mincore_page(vma, addr + i * PAGE_SIZE);
	spin_unlock(&mm->page_table_lock);
	return n;
}

long sys_mincore(unsigned long start, unsigned long len, unsigned char __user *vec)
{
	struct mm_struct *mm = current->mm;
	unsigned long pages;
	unsigned char *tmp;
	long ret = 0;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!access_ok((void __user *)start, len))
		return -ENOMEM;
	pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
	if (!access_ok(vec, pages))
		return -EFAULT;
	tmp = (unsigned char *)__get_free_pages(GFP_KERNEL, 0);
	if (!tmp)
		return -EAGAIN;
	while (pages) {
		mmap_read_lock(mm);
		ret = do_mincore(mm, start, min(pages, MINCORE_BATCH), tmp);
		mmap_read_unlock(mm);
		if (ret <= 0)
			break;
		if (copy_to_user(vec, tmp, ret)) {
			ret = -EFAULT;
			break;
		}
		pages -= ret;
		vec += ret;
		start += ret << PAGE_SHIFT;
		ret = 0;
	}
	free_pages((unsigned long)tmp, 0);
	return ret;
}
