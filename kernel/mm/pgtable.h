/*
 * kernel/mm/pgtable.h - walking an mm's user page tables and locking its
 * PTEs (kernel/mm/pgtable.c; the technique pte_lock=mm|split).
 *
 *	pte = pte_offset_map_lock(mm, va, &ptl);	NULL: no PT there (nothing locked)
 *	... read or change *pte ...
 *	pte_unmap_unlock(ptl);
 *
 * pte_alloc_map_lock() creates the missing tables first (NULL: no
 * memory). A PT's lock covers its 512 PTEs; the caller may walk on within
 * the same PT (same 2 MiB) under it.
 */
#ifndef KERNEL_MM_PGTABLE_H
#define KERNEL_MM_PGTABLE_H

#include "kernel/mm/mm.h"
#include "kernel/technique.h"

enum { PTE_LOCK_MM, PTE_LOCK_SPLIT };	/* the technique pte_lock */
DECLARE_TECHNIQUE(pte_lock);

/* One PT, and so one PTE lock, covers PMD_SIZE (2 MiB) of address space (arch/x86_64/paging.h). */

u64 *pte_offset_map_lock(struct mm_struct *mm, unsigned long va, spinlock_t **ptlp);
u64 *pte_alloc_map_lock(struct mm_struct *mm, unsigned long va, spinlock_t **ptlp, int *created);
static inline void pte_unmap_unlock(spinlock_t *ptl) { spin_unlock(ptl); }
/* The lock of the PT holding pte. */
spinlock_t *pte_lockptr(struct mm_struct *mm, u64 *pte);
/* For an mm nobody else can reach (fork's child): tables created, no lock taken. */
u64 *pte_alloc_unlocked(struct mm_struct *mm, unsigned long va, int *created);
/* At mm_alloc: the mm keeps the pte_lock mode in force then. */
void mm_init_pte_lock(struct mm_struct *mm);

#endif
