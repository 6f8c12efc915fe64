/*
 * kernel/mm/vma_lookup.c - page faults that find their VMA without
 * mmap_lock: the technique vma_lookup=locked|vma_lock|vma_ref|rcu (seed
 * 003, and what Linux did instead; docs/fault.md draws the races).
 *
 * A fault needs the VMA that covers its address: its rights, its backing.
 * Under mmap_lock (mode locked, kernel/mm/fault.c) nothing can change it,
 * but every fault then waits for every mmap/munmap/mprotect of the whole
 * mm, and every fault writes the rwsem's cache line. The other three modes
 * find the VMA under RCU instead (VMAs leave the tree by vma_free_rcu(), so
 * one found under rcu_read_lock() is never freed under the reader), and
 * differ in what keeps it valid while the fault works on it:
 *
 *   vma_lock  Linux 6.4's per-VMA locks. The fault read-locks the VMA's
 *             own rwsem (trylock) and leaves RCU; a writer write-locks
 *             every VMA it changes (vma_start_write() waits for the faults
 *             in flight and marks it with the mm's sequence number until
 *             its write section ends), so the fault works on a VMA that
 *             cannot change. A fault that cannot get the lock falls back.
 *   vma_ref   the seed as posted: a reference on the VMA (get_vma) pins
 *             it after RCU is left; the VMA's sequence count, checked
 *             under the PTE lock, tells whether it changed. Every fault
 *             writes the VMA's refcount: the contention Peter Zijlstra
 *             found "killed things just the same".
 *   rcu       the answer to that: the whole fault runs inside the RCU
 *             read-side section (Numbat's kernel is not preemptible and a
 *             fault does not sleep: the page allocator never waits), so
 *             nothing is written to keep the VMA; the sequence count
 *             checked under the PTE lock is the only guard. Threads
 *             faulting different pages of one VMA write no shared line.
 *
 * The lookup (all three): find_vma_lockless() walks the tree reading each
 * pointer once; a writer rotating it meanwhile can only make the walk miss
 * or find a VMA being unlinked. So a VMA found to cover the address is
 * checked on its own, seqcount-style: its sequence count, then that no
 * writer holds it now (vm_lock_seq is the mm's current odd sequence),
 * then its fields and vm_detached, then the sequence count again. A
 * change to any *other* VMA never forces a retry. A miss (no VMA covers
 * the address, or only a stack above it) is trusted only if the whole
 * tree stood still (the mm's sequence count, kernel/mm/mmap_lock.h), and
 * otherwise falls back to the lock.
 *
 * The race the per-VMA sequence count closes, two CPUs:
 *
 *   fault (no lock)                        munmap (mmap_lock for writing)
 *   lookup: V covers addr, V->vm_seq = s
 *   checks V's rights: ok
 *                                          vma_start_write(V): vm_seq = s+1
 *                                          zap: lock PT(addr) ... unlock
 *                                          unlink V, vma_free_rcu(V)
 *   lock PT(addr)
 *   V->vm_seq != s: VM_FAULT_RETRY         (without the check: a page
 *                                           installed in a range already
 *                                           unmapped, kept forever)
 *
 * Either the fault takes the PT lock first and installs its PTE, which the
 * zap then removes, or it takes it after the zap, and the lock orders the
 * bump before its check. Where the range had no PT at all, the zap
 * concluded so under mm->page_table_lock, under which the fault then
 * creates the PT (kernel/mm/pgtable.c): the same order. MADV_DONTNEED
 * changes no VMA and bumps nothing: a zap and a fault of the same page
 * meet on the PT lock, either order being right, as on Linux.
 *
 * A fault that retries because its VMA changed tries once more, then
 * falls back to the lock, as does one that needs a stack to grow or a page
 * it cannot get: counted, by cause (`vm` in the monitor).
 */
#include "kernel/mm/vma.h"
#include "kernel/mm/fault.h"
#include "kernel/sync/rcupdate.h"
#include "kernel/percpu.h"
#include "kernel/panic.h"
#include "kernel/technique.h"
#include "kernel/time.h"
#include "kernel/smp.h"
#include "arch/x86_64/cpu.h"

DEFINE_TECHNIQUE(vma_lookup, "how a page fault finds its VMA: under mmap_lock, under the VMA's own lock, "
		 "pinned by a reference, or under RCU alone", TECHNIQUE_LIVE, VMA_LOOKUP_RCU,
		 "locked", "vma_lock", "vma_ref", "rcu");

#define LOOKUP_TRIES	4	/* lookups that saw the VMA change while reading it, before falling back */
#define FAULT_TRIES	2	/* faults whose VMA changed before the PTE did, before falling back */
#define FAULT_DELAY_ONE_IN	2	/* debug fault injection: the share of faults delayed */

const char *const vma_lookup_stat_names[NR_VMA_LOOKUP_STATS] = {
	[VL_FAULTS] = "faults", [VL_LOCKLESS] = "lockless", [VL_RETRIES] = "vma_changed_retries",
	[VL_FALLBACK_WRITER] = "fallback_tree_busy", [VL_FALLBACK_CHANGED] = "fallback_vma_changing",
	[VL_FALLBACK_STACK] = "fallback_stack", [VL_FALLBACK_LOCKED] = "fallback_vma_locked",
	[VL_FALLBACK_NOMEM] = "fallback_nomem", [VL_LOOKUP_RETRIES] = "lookup_retries",
	[VL_MADV_VMA_LOCK] = "madv_vma_lock", [VL_MADV_MMAP_LOCK] = "madv_mmap_lock",
};

#define NR_MODES	4
static DEFINE_PER_CPU(unsigned long, vl_stats[NR_MODES][NR_VMA_LOOKUP_STATS]);
#define count(mode, s)	this_cpu_inc(vl_stats[mode][s])

unsigned long vma_lookup_stat(int mode, enum vma_lookup_stat s)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(vl_stats, cpu)[mode][s]);
	return sum;
}

void vma_lookup_count_locked(void)
{
	count(VMA_LOOKUP_LOCKED, VL_FAULTS);
}

void vma_lookup_count(enum vma_lookup_stat s)
{
	count(technique_mode(vma_lookup), s);
}

#if CONFIG_DEBUG
void (*fault_test_hook_fn)(struct vm_area_struct *vma);

void fault_test_hook(struct vm_fault *vmf)
{
	void (*fn)(struct vm_area_struct *) = READ_ONCE(fault_test_hook_fn);

	if (fn)
		fn(vmf->vma);
}

unsigned int fault_delay_us;

#define FAULT_DELAY_AFTER_CHANGE_US	200	/* long enough for the writer's zap to take the PT lock first */

/*
 * Fault injection for fault_torture (debug builds): one lockless fault in
 * FAULT_DELAY_ONE_IN waits, up to fault_delay_us, between finding its VMA
 * and taking the PTE lock, the window in which a writer can change the
 * VMA under it: what the per-VMA sequence count must catch. It waits for
 * the VMA to change, then a little longer, so that the writer's page-table
 * work (a zap, a protection change) comes first: the order in which a
 * fault that ignored the count would install a PTE the writer has already
 * swept.
 */
static void fault_delay(struct vm_fault *vmf)
{
	unsigned int us = READ_ONCE(fault_delay_us);
	u64 r = rdtsc();
	ktime_t end;

	if (!us || (r >> 4) % FAULT_DELAY_ONE_IN || num_online_cpus() == 1)
		return;			/* (on one CPU nobody can change the VMA meanwhile) */
	end = ktime_get_ns() + (ktime_t)us * NSEC_PER_USEC;
	while (ktime_get_ns() < end) {
		if (READ_ONCE(vmf->vma->vm_seq) != vmf->vm_seq) {
			ndelay(FAULT_DELAY_AFTER_CHANGE_US * NSEC_PER_USEC);
			return;
		}
		cpu_relax();
	}
}

/* A VMA reached without mmap_lock must not be freed memory (poisoned by vm_area_free). */
static void check_vma_alive(struct vm_area_struct *vma)
{
	if (vma->vm_magic != VMA_MAGIC)
		panic("vma_lookup: VMA %p reached after it was freed (magic %#lx)", vma, vma->vm_magic);
}
#else
static inline void check_vma_alive(struct vm_area_struct *vma) { }
static inline void fault_delay(struct vm_fault *vmf) { }
#endif

/* The outcome of a lookup. */
enum lookup {
	LOOKUP_FOUND,		/* vmf holds a consistent snapshot of the covering VMA */
	LOOKUP_MISS,		/* no VMA covers addr, and the tree stood still: SIGSEGV */
	LOOKUP_STACK,		/* a stack above addr may grow down to it: a writer's job */
	LOOKUP_BUSY,		/* a miss while a writer moved the tree: ask under the lock */
	LOOKUP_CHANGING,	/* the VMA kept changing while read */
};

/* Is vma write-locked by the mm's current write section? */
static bool vma_write_locked(struct mm_struct *mm, struct vm_area_struct *vma)
{
	return READ_ONCE(vma->vm_lock_seq) == READ_ONCE(mm->mm_lock_seq.sequence);
}

/*
 * Reads vma like a seqcount reader: the snapshot in vmf is one the VMA
 * really had, and vmf->vm_seq the count it had then. false: a writer was
 * at it meanwhile, or it left the tree.
 */
static bool snapshot_vma(struct mm_struct *mm, struct vm_area_struct *vma, struct vm_fault *vmf)
{
	unsigned int seq = READ_ONCE(vma->vm_seq);
	bool detached;

	smp_rmb();		/* the count before the fields: pairs with vma_start_write()'s order of stores */
	if (vma_write_locked(mm, vma))
		return false;
	vmf->vma = vma;
	vmf->vm_start = READ_ONCE(vma->vm_start);
	vmf->vm_end = READ_ONCE(vma->vm_end);
	vmf->vm_flags = READ_ONCE(vma->vm_flags);
	detached = READ_ONCE(vma->vm_detached);
	smp_rmb();		/* the fields before the second read of the count */
	vmf->vm_seq = seq;
	return !detached && READ_ONCE(vma->vm_seq) == seq;
}

/* Under rcu_read_lock(): the VMA covering addr, into vmf (see the top). */
static enum lookup lookup_lockless(struct mm_struct *mm, unsigned long addr, struct vm_fault *vmf)
{
	for (int tries = 0; tries < LOOKUP_TRIES; tries++) {
		unsigned int mm_seq;
		bool still = mmap_lock_speculate_try_begin(mm, &mm_seq);
		struct vm_area_struct *vma = find_vma_lockless(mm, addr);

		if (vma) {
			check_vma_alive(vma);
			if (!snapshot_vma(mm, vma, vmf)) {
				vmf->lookup_retries++;
				continue;
			}
			if (vmf->vm_start <= addr && addr < vmf->vm_end)
				return LOOKUP_FOUND;
		}
		/* a miss: believable only if no writer touched the tree meanwhile */
		if (!still || mmap_lock_speculate_retry(mm, mm_seq))
			return LOOKUP_BUSY;
		if (vma && (vmf->vm_flags & VM_GROWSDOWN))
			return LOOKUP_STACK;
		return LOOKUP_MISS;
	}
	return LOOKUP_CHANGING;
}

/*
 * vma_lock: the VMA's read lock, if no writer holds or wants it, and if
 * it still covers addr once held (a writer that finished after the lookup
 * may have moved or unlinked it; now nobody can).
 */
static bool vma_start_read(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	if (vma_write_locked(mm, vma) || !down_read_trylock(&vma->vm_lock))
		return false;
	if (vma_write_locked(mm, vma) || vma->vm_detached || addr < vma->vm_start || addr >= vma->vm_end) {
		up_read(&vma->vm_lock);
		return false;
	}
	return true;
}

/* One attempt in mode. VM_FAULT_RETRY with *cause set: try again, or fall back. */
static vm_fault_t attempt(struct mm_struct *mm, unsigned long addr, unsigned int flags, int mode,
			  enum vma_lookup_stat *cause)
{
	struct vm_fault vmf = { .address = ALIGN_DOWN(addr, PAGE_SIZE), .flags = flags, .speculative = true };
	struct vm_area_struct *vma;
	enum lookup found;
	vm_fault_t ret;

	rcu_read_lock();
	found = lookup_lockless(mm, addr, &vmf);
	if (vmf.lookup_retries)
		this_cpu_add(vl_stats[mode][VL_LOOKUP_RETRIES], vmf.lookup_retries);
	if (found != LOOKUP_FOUND) {
		rcu_read_unlock();
		switch (found) {
		case LOOKUP_MISS:
			return VM_FAULT_SIGSEGV | VM_FAULT_BADMAP;
		case LOOKUP_STACK:
			*cause = VL_FALLBACK_STACK;
			break;
		case LOOKUP_BUSY:
			*cause = VL_FALLBACK_WRITER;
			break;
		default:
			*cause = VL_FALLBACK_CHANGED;
			break;
		}
		return VM_FAULT_RETRY;
	}
	vma = vmf.vma;
	ret = vma_access_error(&vmf);
	if (ret) {			/* refused on a consistent snapshot: the answer stands */
		rcu_read_unlock();
		return ret;
	}
	fault_delay(&vmf);
	switch (mode) {
	case VMA_LOOKUP_RCU:
		ret = do_pte_fault(&vmf);		/* still inside RCU: vma cannot be freed */
		rcu_read_unlock();
		break;
	case VMA_LOOKUP_VMA_REF:
		get_vma(vma);				/* the tree's reference is there for a grace period */
		rcu_read_unlock();
		ret = do_pte_fault(&vmf);
		put_vma(vma);
		break;
	default:				/* VMA_LOOKUP_VMA_LOCK */
		if (!vma_start_read(mm, vma, addr)) {
			rcu_read_unlock();
			*cause = VL_FALLBACK_LOCKED;
			return VM_FAULT_RETRY;
		}
		rcu_read_unlock();
		vmf_from_vma(&vmf, vma, addr, flags);	/* it cannot change now: no check needed */
		ret = vma_access_error(&vmf);
		if (!ret)
			ret = do_pte_fault(&vmf);
		up_read(&vma->vm_lock);
		break;
	}
	if (ret & VM_FAULT_OOM) {
		*cause = VL_FALLBACK_NOMEM;	/* the locked path may wait for memory; here we must not */
		return VM_FAULT_RETRY;
	}
	if (ret & VM_FAULT_RETRY)
		*cause = VL_FALLBACK_CHANGED;
	return ret;
}

vm_fault_t fault_lockless(struct mm_struct *mm, unsigned long addr, unsigned int flags, int mode)
{
	enum vma_lookup_stat cause = VL_FALLBACK_CHANGED;
	vm_fault_t ret = VM_FAULT_RETRY;

	count(mode, VL_FAULTS);
	for (int tries = 0; tries < FAULT_TRIES; tries++) {
		ret = attempt(mm, addr, flags, mode, &cause);
		if (!(ret & VM_FAULT_RETRY)) {
			count(mode, VL_LOCKLESS);
			return ret;
		}
		if (cause != VL_FALLBACK_CHANGED)
			break;			/* only a VMA that changed is worth another try */
		count(mode, VL_RETRIES);
	}
	count(mode, cause);
	return VM_FAULT_RETRY;
}

/* ---- system calls that change only the PTEs of one VMA ---- */

/*
 * For MADV_DONTNEED and MADV_FREE (kernel/mm/madvise.c) in every mode but
 * locked: the VMA found as a fault finds it, then read-locked as vma_lock
 * faults lock it, so that a thread dropping its pages does not queue
 * behind another thread's mmap on mmap_lock (Linux 6.16 did the same).
 * The VMA's lock, not the rcu mode's sequence check: the advice walks a
 * range, perhaps several page tables, and must see one VMA throughout (a
 * VM_LOCKED set half-way must not leave half the range zapped and the call
 * refused). Page tables are freed only with the mm, so the walk is safe.
 */
struct vm_area_struct *lock_vma_under_rcu(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_fault vmf = { .address = start };
	struct vm_area_struct *vma = NULL;

	rcu_read_lock();
	if (lookup_lockless(mm, start, &vmf) == LOOKUP_FOUND && end <= vmf.vm_end &&
	    vma_start_read(mm, vmf.vma, start)) {
		vma = vmf.vma;
		if (end > vma->vm_end) {	/* it changed after the snapshot, before the lock */
			vma_end_read(vma);
			vma = NULL;
		}
	}
	rcu_read_unlock();
	return vma;
}
