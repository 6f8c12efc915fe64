/*
 * kernel/mm/vma.h - virtual memory areas and the calls that change them:
 * mmap, munmap, mprotect, madvise, brk, and the page-fault entry.
 *
 * A VMA is a range [vm_start, vm_end) of one mm with the same rights and
 * backing. An mm's VMAs never overlap and are kept twice: in a red-black
 * tree by address (mm->mm_rb), augmented with the largest free gap of each
 * subtree so that finding room for a new mapping is logarithmic, and in a
 * list in address order (mm->mmap) for walking neighbours. See docs/vma.md.
 *
 * The gap of a VMA is the free space just below it:
 *	vma_gap(vma) = vma->vm_start - (prev ? prev->vm_end : 0)
 * and rb_subtree_gap is the largest vma_gap of the VMA's subtree.
 *
 * A VMA taken out of the tree is freed by call_rcu(), and every change of
 * the tree happens with mmap_lock held for writing, while mm->mm_lock_seq
 * is odd (kernel/mm/mmap_lock.h): the ground for a page-fault path that
 * finds its VMA under RCU without mmap_lock.
 */
#ifndef KERNEL_MM_VMA_H
#define KERNEL_MM_VMA_H

#include "kernel/mm/mm.h"
#include "kernel/mm/page_alloc.h"

/* vm_flags: Linux's bits and values. */
#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL	/* what mprotect may later allow */
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_GROWSDOWN	0x00000100UL	/* a stack (MAP_GROWSDOWN); shown as [stack] */
#define VM_SEQ_READ	0x00008000UL	/* MADV_SEQUENTIAL */
#define VM_RAND_READ	0x00010000UL	/* MADV_RANDOM */
#define VM_DONTCOPY	0x00020000UL	/* MADV_DONTFORK: not inherited by fork */
#define VM_ACCOUNT	0x00100000UL
#define VM_NORESERVE	0x00200000UL	/* MAP_NORESERVE */
#define VM_HUGEPAGE	0x20000000UL	/* MADV_HUGEPAGE (a hint: no huge pages yet) */
#define VM_NOHUGEPAGE	0x40000000UL	/* MADV_NOHUGEPAGE */
#define VM_ACCESS_FLAGS	(VM_READ | VM_WRITE | VM_EXEC)
#define VM_MAY_FLAGS	(VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

/* mmap(2) and friends: Linux's x86-64 values. */
#define PROT_NONE		0x0
#define PROT_READ		0x1
#define PROT_WRITE		0x2
#define PROT_EXEC		0x4
#define PROT_GROWSDOWN		0x01000000
#define PROT_GROWSUP		0x02000000

#define MAP_SHARED		0x01
#define MAP_PRIVATE		0x02
#define MAP_SHARED_VALIDATE	0x03
#define MAP_TYPE		0x0f
#define MAP_FIXED		0x10
#define MAP_ANONYMOUS		0x20
#define MAP_32BIT		0x40
#define MAP_GROWSDOWN		0x0100
#define MAP_DENYWRITE		0x0800
#define MAP_EXECUTABLE		0x1000
#define MAP_LOCKED		0x2000
#define MAP_NORESERVE		0x4000
#define MAP_POPULATE		0x8000
#define MAP_NONBLOCK		0x10000
#define MAP_STACK		0x20000
#define MAP_HUGETLB		0x40000
#define MAP_SYNC		0x80000
#define MAP_FIXED_NOREPLACE	0x100000
#define MAP_FAILED		((unsigned long)-1)

#define MADV_NORMAL		0
#define MADV_RANDOM		1
#define MADV_SEQUENTIAL		2
#define MADV_WILLNEED		3
#define MADV_DONTNEED		4
#define MADV_FREE		8
#define MADV_DONTFORK		10
#define MADV_DOFORK		11
#define MADV_HUGEPAGE		14
#define MADV_NOHUGEPAGE		15

/*
 * What a fault asks for (the flags in) and what came of it (vm_fault_t
 * out), in Linux's manner. The architecture turns its own fault record
 * (an x86 error code) into FAULT_FLAG_* bits, and turns the result back
 * into a signal and its si_code in one place (arch/x86_64/fault.c): the
 * mm knows neither error codes nor signal numbers.
 */
#define FAULT_FLAG_WRITE	0x01	/* a write access */
#define FAULT_FLAG_INSTRUCTION	0x02	/* an instruction fetch */
#define FAULT_FLAG_USER		0x04	/* from user mode */
#define FAULT_FLAG_REMOTE	0x08	/* access_remote_vm: ignore the VMA's PROT_ */

/*
 * 0: resolved, retry the access. Otherwise bits, Linux's values for
 * Linux's meanings:
 *   VM_FAULT_OOM       no memory for a page or a page table
 *   VM_FAULT_SIGBUS    the VMA covers the address but has no page for it
 *                      (past the end of its shared object)
 *   VM_FAULT_SIGSEGV   the access is refused, always with one reason:
 *     VM_FAULT_BADMAP    no VMA covers the address
 *     VM_FAULT_BADACCESS a VMA covers it and its rights refuse this access
 *   VM_FAULT_RETRY     the attempt gave up its locks without resolving
 *                      the fault: start again (never leaves fault.c)
 * The reason picks the si_code, a mapping error or an access error.
 * Linux's x86 code tells the two apart itself, because there the
 * architecture finds the VMA; here the mm finds it, so the mm says which
 * (the two reasons are arm64's VM_FAULT_BADMAP/BADACCESS, made generic).
 */
typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM		0x000001
#define VM_FAULT_SIGBUS		0x000002
#define VM_FAULT_SIGSEGV	0x000040
#define VM_FAULT_RETRY		0x000400
#define VM_FAULT_BADMAP		0x010000
#define VM_FAULT_BADACCESS	0x020000
#define VM_FAULT_ERROR		(VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

struct anon_shared;
struct mempolicy;

struct vm_area_struct {
	unsigned long vm_start, vm_end;	/* [vm_start, vm_end), page aligned */
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	unsigned long vm_pgoff;		/* shared: page index of vm_start in vm_shared */
	struct anon_shared *vm_shared;	/* MAP_SHARED anonymous backing; NULL: private */
	struct list_head vm_shared_link;	/* in vm_shared->i_mmap while linked (shmem.h) */
	struct mempolicy *vm_policy;	/* mbind() on private memory; NULL: the task's (mempolicy.h) */

	struct rb_node vm_rb;		/* in mm->mm_rb */
	unsigned long rb_subtree_gap;	/* largest vma_gap() in this subtree */
	struct list_head vm_list;	/* in mm->mmap, address order */
	struct rcu_head vm_rcu;		/* freed after a grace period */
};

static inline bool vma_is_shared(const struct vm_area_struct *vma) { return vma->vm_flags & VM_SHARED; }
static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}
/* The page index of addr in the VMA's backing: its shared object's offset, for shared memory. */
static inline unsigned long linear_page_index(const struct vm_area_struct *vma, unsigned long addr)
{
	return vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
}

/* ---- the tree (kernel/mm/vma.c); mmap_lock held, for writing where it changes ---- */

/* First VMA with vm_end > addr, or NULL. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* First VMA that intersects [start, end), or NULL. */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start, unsigned long end);
struct vm_area_struct *vma_prev(struct mm_struct *mm, struct vm_area_struct *vma);
struct vm_area_struct *vma_next(struct mm_struct *mm, struct vm_area_struct *vma);
#define for_each_vma(mm, vma) list_for_each_entry(vma, &(mm)->mmap, vm_list)

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig);
void vm_area_free(struct vm_area_struct *vma);	/* never linked, or after a grace period */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);	/* the caller then frees it through RCU */
void vma_free_rcu(struct vm_area_struct *vma);
/* Changes vma's bounds in place (the tree's order must not change). */
void vma_set_range(struct vm_area_struct *vma, unsigned long start, unsigned long end, unsigned long pgoff);
/* Splits vma at addr: vma keeps the lower part, the new VMA (returned) the upper. */
struct vm_area_struct *split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr);
/* Merges vma with its neighbours where compatible; returns the VMA now holding vma's range. */
struct vm_area_struct *vma_merge(struct mm_struct *mm, struct vm_area_struct *vma);

/*
 * A free range of len bytes: the highest one in [low, high) (top-down, by
 * the gap augmentation), or -ENOMEM.
 */
long unmapped_area_topdown(struct mm_struct *mm, unsigned long len, unsigned long low, unsigned long high);
/* mmap's choice of address: addr if it is free (and hint-like), else top-down. */
long get_unmapped_area(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long flags);

/* Checks the tree: colours, gaps, order, list, counts. Returns problems found (printed). */
int validate_mm(struct mm_struct *mm);

/* ---- the system calls (kernel/mm/mmap.c); each takes mmap_lock itself ---- */

long vm_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
	     unsigned long prot, unsigned long flags, unsigned long pgoff);
int vm_munmap(struct mm_struct *mm, unsigned long addr, unsigned long len);
int vm_mprotect(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long prot);
int vm_madvise(struct mm_struct *mm, unsigned long addr, unsigned long len, int advice);
unsigned long vm_brk(struct mm_struct *mm, unsigned long brk);

/* The system calls themselves, on current's mm (the table: kernel/proc/syscall.c). */
long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      long fd, unsigned long off);
long sys_munmap(unsigned long addr, unsigned long len);
long sys_mprotect(unsigned long addr, unsigned long len, unsigned long prot);
long sys_madvise(unsigned long addr, unsigned long len, int advice);
long sys_brk(unsigned long brk);

/*
 * For exec (B): a private anonymous mapping with explicit VM_ flags (e.g.
 * VM_READ|VM_WRITE|VM_GROWSDOWN for the stack, VM_READ|VM_EXEC for text)
 * at exactly [addr, addr+len), replacing what was there. Takes mmap_lock.
 * Returns addr or -errno. The VM_MAY* bits are added.
 */
long vm_map_fixed(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long vm_flags);
/* The same with mmap_lock already held for writing. */
long mmap_region(struct mm_struct *mm, unsigned long addr, unsigned long len,
		 unsigned long vm_flags, unsigned long pgoff);
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);

/* ---- faults (kernel/mm/fault.c) ---- */

/*
 * The page-fault entry: takes mmap_lock, finds the VMA (growing a stack
 * down to addr if it must), checks the access and resolves it
 * (demand-zero, shared page, copy-on-write). 0 when the access can be
 * retried, else a VM_FAULT_ERROR bit with its reason.
 */
vm_fault_t handle_user_fault(struct mm_struct *mm, unsigned long addr, unsigned int flags);
/* `make bench` only: faults take mmap_lock for writing (the naive counterpart). */
enum { FAULT_MMAP_LOCK_WRITE, FAULT_MMAP_LOCK_READ };	/* the technique fault_mmap_lock (fault.c) */
DECLARE_TECHNIQUE(fault_mmap_lock);
/* Grows the stack vma down to addr; mmap_lock held for writing. 0 or -ENOMEM. */
int expand_stack(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr);
#define STACK_MAX_SIZE		(8UL << 20)		/* Linux's default RLIMIT_STACK */
#define STACK_GUARD_GAP		(256UL << PAGE_SHIFT)	/* Linux's stack_guard_gap */
/* The same with mmap_lock held and the VMA found and checked: 0, VM_FAULT_OOM or VM_FAULT_SIGBUS. */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags);

/* ---- page tables of VMAs (kernel/mm/memory.c), mmap_lock held ---- */

/*
 * The one choke point for every page the kernel allocates to back user
 * memory: demand-zero pages and copy-on-write copies (fault.c), and the
 * pages of a MAP_SHARED object (shmem.c). vma and addr say whose page it
 * is, so a memory policy (the VMA's, the task's, or the shared object's
 * for that offset) has exactly one place to choose the node. NULL: no
 * memory. gfp: __GFP_MOVABLE and, unless the caller fills the page,
 * __GFP_ZERO.
 */
struct page *alloc_page_vma(gfp_t gfp, struct vm_area_struct *vma, unsigned long addr);

/* The PTE bits for a VMA's rights (user, present, write, NX). */
u64 vm_get_page_prot(unsigned long vm_flags);
/* Removes the pages of [start, end) of vma (munmap, MADV_DONTNEED), with the TLB flush. */
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
/* Rewrites the PTEs of [start, end) to vma's current rights, with the TLB flush; mmap_lock held for writing. */
void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end);
/* Fork: copies the PTEs of vma into dst's tables, write-protecting private pages in both. */
int copy_page_range(struct mm_struct *dst, struct vm_area_struct *vma);
/* Faults in every page of [start, end) of vma (MAP_POPULATE); 0 or the first failure. */
vm_fault_t populate_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
#if CONFIG_DEBUG
/* Self-tests only: called with the mm after each batch of PTEs zapped (zap) or rewritten. */
extern void (*pte_change_observer)(struct mm_struct *mm, bool zap);
#endif

/* MAP_SHARED anonymous objects (kernel/mm/shmem.c). */
struct anon_shared *anon_shared_create(unsigned long nr_pages);
void anon_shared_get(struct anon_shared *obj);
void anon_shared_put(struct anon_shared *obj);
/*
 * The page of vma's object that backs addr, created zeroed (by
 * alloc_page_vma) if absent, with a reference for the caller; NULL past
 * the object's end or without memory; ANON_SHARED_MIGRATING while the
 * page is being migrated (kernel/mm/migrate.c): the fault retries.
 */
struct page *anon_shared_page(struct vm_area_struct *vma, unsigned long addr);
#define ANON_SHARED_MIGRATING	((struct page *)1)
long nr_anon_shared(void);

#endif
