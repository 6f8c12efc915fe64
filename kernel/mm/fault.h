/*
 * kernel/mm/fault.h - what kernel/mm/fault.c and kernel/mm/vma_lookup.c
 * share: one fault in flight, and the steps of resolving it.
 */
#ifndef KERNEL_MM_FAULT_H
#define KERNEL_MM_FAULT_H

#include "kernel/mm/vma.h"

/*
 * One page fault: the VMA and, for a fault without mmap_lock, what the
 * lookup saw of it (a snapshot whose sequence count is checked again under
 * the PTE lock before the PTE changes). A fault under mmap_lock, or
 * holding the VMA's own lock, fills the snapshot from the VMA itself.
 */
struct vm_fault {
	struct vm_area_struct *vma;
	unsigned long address;		/* page aligned */
	unsigned int flags;		/* FAULT_FLAG_* */
	unsigned long vm_start, vm_end, vm_flags;
	unsigned int vm_seq;
	bool speculative;		/* no lock keeps the VMA still: check vm_seq */
	int lookup_retries;		/* the lookup saw the VMA change while reading it */
};

void vmf_from_vma(struct vm_fault *vmf, struct vm_area_struct *vma, unsigned long addr, unsigned int flags);
/* Resolves the fault at the PTE (demand-zero, shared page, copy-on-write); VM_FAULT_RETRY: the VMA changed. */
vm_fault_t do_pte_fault(struct vm_fault *vmf);
/* The access checks: VM_FAULT_SIGSEGV with its reason, or 0. */
vm_fault_t vma_access_error(const struct vm_fault *vmf);
/* The fault under mmap_lock (read, or write as fault_mmap_lock says), growing stacks. */
vm_fault_t fault_locked(struct mm_struct *mm, unsigned long addr, unsigned int flags);
/* Debug builds: runs the self-tests' fault hook (vma_lookup.c). */
#if CONFIG_DEBUG
void fault_test_hook(struct vm_fault *vmf);
#else
static inline void fault_test_hook(struct vm_fault *vmf) { }
#endif
/* vma_lookup.c: counts a fault of mode locked. */
void vma_lookup_count_locked(void);
/* vma_lookup.c: the fault without mmap_lock, in mode; VM_FAULT_RETRY: take the lock instead. */
vm_fault_t fault_lockless(struct mm_struct *mm, unsigned long addr, unsigned int flags, int mode);

#endif
