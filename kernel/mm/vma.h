/*
 * kernel/mm/vma.h - virtual memory areas and the calls that change them:
 * mmap, munmap, mprotect, madvise, mlock, mincore, msync, brk, and the
 * page-fault entry.
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
#define VM_LOCKED	0x00002000UL	/* mlock, MAP_LOCKED: populated, and MADV_DONTNEED refused */
#define VM_SEQ_READ	0x00008000UL	/* MADV_SEQUENTIAL */
#define VM_RAND_READ	0x00010000UL	/* MADV_RANDOM */
#define VM_DONTCOPY	0x00020000UL	/* MADV_DONTFORK: not inherited by fork */
#define VM_LOCKONFAULT	0x00080000UL	/* with VM_LOCKED: locked as faulted, not populated */
#define VM_ACCOUNT	0x00100000UL	/* private writable memory charged against RAM */
#define VM_NORESERVE	0x00200000UL	/* MAP_NORESERVE */
#define VM_WIPEONFORK	0x02000000UL	/* MADV_WIPEONFORK: the child gets fresh zeroed memory */
#define VM_DONTDUMP	0x04000000UL	/* MADV_DONTDUMP (no core dumps here: a hint) */
#define VM_HUGEPAGE	0x20000000UL	/* MADV_HUGEPAGE (a hint: no huge pages yet) */
#define VM_NOHUGEPAGE	0x40000000UL	/* MADV_NOHUGEPAGE */
#define VM_MERGEABLE	0x80000000UL	/* MADV_MERGEABLE (no KSM here: a hint) */
#define VM_DROPPABLE	(1UL << 40)	/* MAP_DROPPABLE: may be dropped under memory pressure */
#define VM_ACCESS_FLAGS	(VM_READ | VM_WRITE | VM_EXEC)
#define VM_MAY_FLAGS	(VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
#define VM_LOCKED_MASK	(VM_LOCKED | VM_LOCKONFAULT)

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
#define MAP_DROPPABLE		0x08	/* Linux 6.11: private memory the kernel may drop */
#define MAP_TYPE		0x0f
#define MAP_FIXED		0x10
#define MAP_ANONYMOUS		0x20
#define MAP_32BIT		0x40
#define MAP_ABOVE4G		0x80	/* Linux 6.4: placed above 4 GiB */
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
#define MAP_UNINITIALIZED	0x4000000
#define MAP_HUGE_SHIFT		26	/* with MAP_HUGETLB: log2 of the huge page size */
#define MAP_HUGE_MASK		0x3f
#define MAP_FAILED		((unsigned long)-1)

#define MADV_NORMAL		0
#define MADV_RANDOM		1
#define MADV_SEQUENTIAL		2
#define MADV_WILLNEED		3
#define MADV_DONTNEED		4
#define MADV_FREE		8
#define MADV_REMOVE		9
#define MADV_DONTFORK		10
#define MADV_DOFORK		11
#define MADV_MERGEABLE		12
#define MADV_UNMERGEABLE	13
#define MADV_HUGEPAGE		14
#define MADV_NOHUGEPAGE		15
#define MADV_DONTDUMP		16
#define MADV_DODUMP		17
#define MADV_WIPEONFORK		18
#define MADV_KEEPONFORK		19
#define MADV_COLD		20
#define MADV_PAGEOUT		21
#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23
#define MADV_DONTNEED_LOCKED	24
#define MADV_COLLAPSE		25
#define MADV_HWPOISON		100
#define MADV_SOFT_OFFLINE	101

/* mlock2, mlockall and msync. */
#define MLOCK_ONFAULT		0x01
#define MCL_CURRENT		1
#define MCL_FUTURE		2
#define MCL_ONFAULT		4
#define MS_ASYNC		1
#define MS_INVALIDATE		2
#define MS_SYNC			4

/* Limits, as a Linux machine has them by default. */
#define MAX_MAP_COUNT		65530			/* vm.max_map_count */
#define MMAP_HINT_MIN_ADDR	0x10000UL		/* mmap_min_addr: lowest hint taken, lowest a stack grows */
#define STACK_MAX_SIZE		(8UL << 20)		/* RLIMIT_STACK */
#define STACK_GUARD_GAP		(256UL << PAGE_SHIFT)	/* stack_guard_gap: kept free below a stack */
#define MLOCK_LIMIT		(8UL << 20)		/* RLIMIT_MEMLOCK, which binds no one here (below) */

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
	/*
	 * Private memory: a page of it was written (a write fault, a
	 * copy-on-write), as Linux's vma->anon_vma says; kept by split, copy
	 * and fork, never cleared. A read fault maps a page read-only, like
	 * Linux's zero page, so the first write faults and sets it. It decides
	 * whether mprotect may drop VM_ACCOUNT (mprotect_fixup). Set by faults
	 * without mmap_lock too: only ever from false to true.
	 */
	bool vm_written;

	struct rb_node vm_rb;		/* in mm->mm_rb */
	unsigned long rb_subtree_gap;	/* largest vma_gap() in this subtree */
	struct list_head vm_list;	/* in mm->mmap, address order */
	struct rcu_head vm_rcu;		/* freed after a grace period */

	/*
	 * For the page faults that run without mmap_lock (the technique
	 * vma_lookup, kernel/mm/vma_lookup.c). Every change to this VMA
	 * begins with vma_start_write(), inside the mm's write window.
	 */
	unsigned int vm_seq;		/* rcu, vma_ref: bumped by every change to this VMA */
	unsigned int vm_lock_seq;	/* vma_lock: == the mm's mm_lock_seq while write-locked */
	bool vm_detached;		/* unlinked from the tree (a lockless lookup may still reach it) */
	struct rw_semaphore vm_lock;	/* vma_lock: faults hold it for reading */
	atomic_t vm_refcount;		/* the tree's reference, and each vma_ref fault's */
	unsigned long vm_magic;		/* VMA_MAGIC while allocated (debug checks) */
};

#define MAX_MAP_COUNT	65530	/* VMAs an mm may have: Linux's default vm.max_map_count */
#define VMA_UNLOCKED	0	/* vm_lock_seq of a VMA not write-locked: mm_lock_seq is odd when locked */
#define VMA_MAGIC	0x766d615f6c697665UL	/* "vma_live" */
#define VMA_FREED	0x766d615f66726565UL	/* "vma_free" */

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
/*
 * find_vma() for a reader holding only rcu_read_lock(): the child
 * pointers are read once each and the walk is bounded, so a writer
 * rotating the tree meanwhile can only make it miss (or find a VMA it is
 * about to unlink): the caller must validate what it found
 * (kernel/mm/vma_lookup.c). NULL: none found.
 */
struct vm_area_struct *find_vma_lockless(struct mm_struct *mm, unsigned long addr);
/* First VMA that intersects [start, end), or NULL. */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start, unsigned long end);
struct vm_area_struct *vma_prev(struct mm_struct *mm, struct vm_area_struct *vma);
struct vm_area_struct *vma_next(struct mm_struct *mm, struct vm_area_struct *vma);
#define for_each_vma(mm, vma) list_for_each_entry(vma, &(mm)->mmap, vm_list)

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig);
void vm_area_free(struct vm_area_struct *vma);	/* never linked, or after a grace period */
long nr_vmas(void);				/* VMAs allocated and not yet freed */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);	/* the caller then frees it through RCU */
void vma_free_rcu(struct vm_area_struct *vma);
/*
 * Before any change to vma (its bounds, flags, PTE rights, unlinking),
 * mmap_lock held for writing: waits for the vma_lock faults in flight on
 * it, marks it write-locked until the write section ends, and bumps its
 * sequence count, so a lockless fault that found it before fails its
 * check and starts over. Once per VMA and write section.
 */
void vma_start_write(struct vm_area_struct *vma);
/* vma_ref mode: a fault's reference; the last put frees it. */
void get_vma(struct vm_area_struct *vma);
void put_vma(struct vm_area_struct *vma);
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

/* Checks the tree: colours, gaps, order, list, counts. Returns problems found (printed). */
int validate_mm(struct mm_struct *mm);

/* ---- the system calls (kernel/mm/mmap.c, madvise.c, mlock.c, mincore.c, msync.c) ---- */

/* Each takes mmap_lock itself. */
long vm_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
	     unsigned long prot, unsigned long flags, unsigned long pgoff);
int vm_munmap(struct mm_struct *mm, unsigned long addr, unsigned long len);
int vm_mprotect(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long prot);
int vm_madvise(struct mm_struct *mm, unsigned long addr, unsigned long len, int advice);
unsigned long vm_brk(struct mm_struct *mm, unsigned long brk);
long vm_mremap(struct mm_struct *mm, unsigned long old, unsigned long old_len, unsigned long new_len,
	       unsigned long flags, unsigned long new);	/* kernel/mm/mremap.c */

/* The system calls themselves, on current's mm (the table: kernel/proc/syscall.c). */
long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      long fd, unsigned long off);
long sys_munmap(unsigned long addr, unsigned long len);
long sys_mprotect(unsigned long addr, unsigned long len, unsigned long prot);
long sys_madvise(unsigned long addr, unsigned long len, int advice);
long sys_brk(unsigned long brk);
long sys_mremap(unsigned long old, unsigned long old_len, unsigned long new_len, unsigned long flags,
		unsigned long new);
long sys_mlock(unsigned long addr, unsigned long len);
long sys_mlock2(unsigned long addr, unsigned long len, int flags);
long sys_munlock(unsigned long addr, unsigned long len);
long sys_mlockall(int flags);
long sys_munlockall(void);
long sys_mincore(unsigned long addr, unsigned long len, unsigned char *vec);	/* vec: a user pointer */
long sys_msync(unsigned long addr, unsigned long len, int flags);

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
/*
 * mmap's choice of address, as x86-64 Linux makes it: addr with MAP_FIXED;
 * a page-aligned hint if it is free, stack guard gaps included; else the
 * highest free range below mmap_base, then above. mmap_lock held.
 */
long get_unmapped_area(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long flags);
/*
 * Gives [start, end) of vma, which covers it, the flags newflags: splits
 * where the range begins or ends inside vma, rewrites the PTEs if the
 * rights changed, merges with neighbours that became compatible.
 * mmap_lock held for writing. 0 or -ENOMEM.
 */
int vma_modify_flags(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		     unsigned long end, unsigned long newflags);
/*
 * Grows the stack vma down to addr (Linux's limits: mmap_min_addr,
 * RLIMIT_STACK, stack_guard_gap); mmap_lock held for writing. 0 or -errno.
 */
int expand_stack(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr);

/* Where the free space a VMA needs below it begins: a stack keeps stack_guard_gap clear. */
static inline unsigned long vm_start_gap(const struct vm_area_struct *vma)
{
	unsigned long start = vma->vm_start;

	if (vma->vm_flags & VM_GROWSDOWN)
		start = start > STACK_GUARD_GAP ? start - STACK_GUARD_GAP : 0;
	return start;
}

/*
 * Faulting memory in, as mlock and MAP_POPULATE do (kernel/mm/mlock.c),
 * mmap_lock held: the pages of [start, end) of vma, with a write fault
 * where the memory is private and writable (copy-on-write broken), a read
 * fault elsewhere; nothing for VM_LOCKONFAULT; -EFAULT for PROT_NONE. 0
 * or -errno.
 */
int populate_vma_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
/*
 * One page of vma faulted in for reading or writing, the access unchecked
 * (the caller checked it); a write leaves the page dirty, as Linux's fault
 * handler makes a page it maps for a write. 0, -ENOMEM or -EFAULT.
 */
int faultin_page(struct vm_area_struct *vma, unsigned long addr, bool write);
/* The same over every VMA of [start, start + len); errors end it unless ignored. */
int __mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len, bool ignore_errors);

/* ---- faults (kernel/mm/fault.c) ---- */

/*
 * The page-fault entry: takes mmap_lock, finds the VMA (growing a stack
 * down to addr if it must), checks the access and resolves it
 * (demand-zero, shared page, copy-on-write). 0 when the access can be
 * retried, else a VM_FAULT_ERROR bit with its reason.
 */
vm_fault_t handle_user_fault(struct mm_struct *mm, unsigned long addr, unsigned int flags);
/* The technique fault_mmap_lock (fault.c): a fault under mmap_lock holds it for writing, or reading. */
enum { FAULT_MMAP_LOCK_WRITE, FAULT_MMAP_LOCK_READ };
DECLARE_TECHNIQUE(fault_mmap_lock);
/* The technique vma_lookup (vma_lookup.c): how a fault finds its VMA. */
enum { VMA_LOOKUP_LOCKED, VMA_LOOKUP_VMA_LOCK, VMA_LOOKUP_VMA_REF, VMA_LOOKUP_RCU };
DECLARE_TECHNIQUE(vma_lookup);

/* What the lockless fault paths count, per CPU (the monitor's `vm`). */
enum vma_lookup_stat {
	VL_FAULTS,		/* faults in this mode */
	VL_LOCKLESS,		/* ... resolved (or refused) without mmap_lock */
	VL_RETRIES,		/* the VMA changed before the PTE did: tried again */
	VL_FALLBACK_WRITER,	/* fell back: a writer held the tree (a miss needed the tree still) */
	VL_FALLBACK_CHANGED,	/* fell back: the VMA kept changing */
	VL_FALLBACK_STACK,	/* fell back: a stack must grow */
	VL_FALLBACK_LOCKED,	/* fell back: vma_lock could not get the VMA's lock */
	VL_FALLBACK_NOMEM,	/* fell back: a page could not be had without waiting */
	VL_LOOKUP_RETRIES,	/* lookups that saw a VMA change while reading it */
	VL_MADV_VMA_LOCK,	/* MADV_DONTNEED/FREE done under the VMA's own lock (lock_vma_under_rcu) */
	VL_MADV_MMAP_LOCK,	/* ... under mmap_lock: mode locked, or the range not in one VMA, or a writer at it */
	NR_VMA_LOOKUP_STATS
};
extern const char *const vma_lookup_stat_names[NR_VMA_LOOKUP_STATS];
unsigned long vma_lookup_stat(int mode, enum vma_lookup_stat s);	/* the sum over the CPUs */
#if CONFIG_DEBUG
/* Self-tests: called in every fault just before it takes the PTE lock and checks the VMA again. */
extern void (*fault_test_hook_fn)(struct vm_area_struct *vma);
/* fault_torture: lockless faults may wait up to this long before taking the PTE lock; 0: off. */
extern unsigned int fault_delay_us;
#endif
/*
 * The VMA that covers all of [start, end), found without mmap_lock and
 * read-locked by its own lock, or NULL: take mmap_lock. While it is held
 * nothing of the VMA can change (every change begins with
 * vma_start_write(), which waits for it). vma_end_read() lets it go.
 */
struct vm_area_struct *lock_vma_under_rcu(struct mm_struct *mm, unsigned long start, unsigned long end);
static inline void vma_end_read(struct vm_area_struct *vma) { up_read(&vma->vm_lock); }
void vma_lookup_count(enum vma_lookup_stat s);		/* in the mode in force, on this CPU */
/* mmap_lock, or the VMA's own lock, is held: the VMA cannot change (debug builds check, as lockdep_assert_held). */
#if CONFIG_DEBUG
#define vma_assert_stable(vma) do {								\
	if (unlikely(!rwsem_is_held_by_current(&(vma)->vm_mm->mmap_lock) &&			\
		     !rwsem_is_held_by_current(&(vma)->vm_lock)))					\
		lockdep_assert_failed("mmap_lock or vm_lock", "vma->vm_lock", "held", __FILE__, __LINE__); \
} while (0)
#else
#define vma_assert_stable(vma)	do { (void)(vma); } while (0)
#endif
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
/* Does vma's object hold a page for addr (mincore)? Creates nothing. */
bool anon_shared_page_present(struct vm_area_struct *vma, unsigned long addr);
#define ANON_SHARED_MIGRATING	((struct page *)1)
long nr_anon_shared(void);

#endif
