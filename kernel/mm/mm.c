/*
 * kernel/mm/mm.c - the life cycle of an address space (see mm.h): mm_alloc,
 * the two reference counts, switch_mm, kthread_use_mm, fork's dup_mm, and
 * exit_mmap, which tears the mappings down when the last user goes.
 *
 * Invariants:
 *   - mm->pgd's kernel half equals kernel_pml4's (copied at mm_alloc; the
 *     kernel entries never change after boot, see arch/x86_64/paging.h).
 *   - A CPU whose CR3 points at mm->pgd has its bit in mm_cpumask(mm)
 *     (switch_mm sets it before loading CR3 and clears it only after CR3
 *     points elsewhere), so a TLB shootdown that IPIs the mask reaches
 *     every CPU that can hold mm's translations.
 *   - The pgd is freed only by the last mmdrop: no CPU can still have it
 *     loaded, since each user holds an mm_count and each lazy borrower is
 *     covered by one, by a hazard turned into one, or has been moved off
 *     by a shootdown before mmput's mmdrop (kernel/mm/lazy_mm.c).
 */
#include "kernel/mm/vma.h"
#include "kernel/mm/lazy_mm.h"
#include "kernel/mm/pgtable.h"
#include "kernel/mm/slab.h"
#include "kernel/mm/internal.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/sched/task.h"
#include "kernel/sync/rcupdate.h"
#include "kernel/selftest.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/cpu.h"

const char *const mm_counter_names[NR_MM_COUNTERS] = {
	[MM_RSS] = "rss_pages",
	[MM_PGTABLES] = "pgtable_pages",
	[MM_FAULTS] = "faults",
	[MM_DEMAND_ZERO] = "demand_zero",
	[MM_SHARED_FAULTS] = "shared_faults",
	[MM_COW_COPIES] = "cow_copies",
	[MM_COW_REUSES] = "cow_reuses",
	[MM_SPURIOUS] = "spurious_faults",
	[MM_BAD_FAULTS] = "bad_faults",
};

struct mm_struct init_mm = {
	.magic = MM_MAGIC,
	.mm_users = { 2 },	/* never dropped to zero: the kernel's own */
	.mm_count = { 1 },
	.mm_rb = { NULL },
	.mmap = LIST_HEAD_INIT(init_mm.mmap),
	.mmlist = LIST_HEAD_INIT(init_mm.mmlist),
};

static struct kmem_cache *mm_cachep;
static DEFINE_PER_CPU(struct mm_counters, vm_events);	/* since boot, all mms: per CPU, like each mm's */
static DEFINE_PER_CPU(struct mm_counters, init_mm_counters);	/* never added to; read as any mm's */
static atomic_long_t mm_live;			/* user mm_structs not yet freed */
static LIST_HEAD(mmlist);			/* every user mm, for the monitor */
static DEFINE_SPINLOCK_RANK(mmlist_lock, LOCK_RANK_MMLIST);
DEFINE_PER_CPU(struct mm_struct *, cpu_loaded_mm);	/* whose tables CR3 points at */

void vm_event_add(enum mm_counter c, long v) { this_cpu_add(vm_events.c[c], v); }

long vm_event(enum mm_counter c)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(vm_events, cpu).c[c]);
	return sum;
}

long mm_counter(struct mm_struct *mm, enum mm_counter c)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(mm->counters, cpu)->c[c]);
	return sum;
}
long nr_mm_structs(void) { return atomic_long_read(&mm_live); }
LEAK_COUNTER("mm_structs", nr_mm_structs);


void mm_caches_init(void)
{
	init_mm.pgd = kernel_pml4;
	init_mm.counters = &init_mm_counters;
	mmap_init_lock(&init_mm, "init_mm.mmap_lock");
	spin_lock_init_rank(&init_mm.page_table_lock, "init_mm.page_table_lock", LOCK_RANK_PAGE_TABLE);
	mm_cachep = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 64, SLAB_HWCACHE_ALIGN, NULL);
	if (!mm_cachep)
		panic("mm: no memory for the mm_struct cache");
	vma_caches_init();
}

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kmem_cache_zalloc(mm_cachep, GFP_KERNEL);

	if (!mm)
		return NULL;
	mm->pgd = pgd_alloc();
	mm->counters = alloc_percpu(struct mm_counters);
	if (!mm->pgd || !mm->counters) {
		if (mm->pgd)
			pgd_free(mm->pgd);
		free_percpu(mm->counters);
		kmem_cache_free(mm_cachep, mm);
		return NULL;
	}
	mmap_init_lock(mm, "mm->mmap_lock");
	spin_lock_init_rank(&mm->page_table_lock, "mm->page_table_lock", LOCK_RANK_PAGE_TABLE);
	mm_init_pte_lock(mm);
	mm->magic = MM_MAGIC;
	atomic_set(&mm->mm_users, 1);
	atomic_set(&mm->mm_count, 1);
	mm->mm_rb = RB_ROOT;
	INIT_LIST_HEAD(&mm->mmap);
	mm->task_size = TASK_SIZE;
	mm->mmap_base = STACK_TOP - MMAP_GAP;
	atomic_long_inc(&mm_live);
	spin_lock(&mmlist_lock);
	list_add_tail(&mm->mmlist, &mmlist);
	spin_unlock(&mmlist_lock);
	return mm;
}

void for_each_mm(void (*fn)(struct mm_struct *mm, void *arg), void *arg)
{
	struct mm_struct *mm;

	spin_lock(&mmlist_lock);
	list_for_each_entry(mm, &mmlist, mmlist)
		fn(mm, arg);
	spin_unlock(&mmlist_lock);
}

void mmgrab(struct mm_struct *mm)
{
	if (mm != &init_mm)
		atomic_inc(&mm->mm_count);
}

void mmdrop(struct mm_struct *mm)
{
	if (mm == &init_mm || !atomic_dec_and_test(&mm->mm_count))
		return;
	for (int cpu = 0; cpu < MAX_CPUS; cpu++)
		if (cpumask_test_cpu(cpu, mm_cpumask(mm)))
			panic("mm: freeing an mm still loaded on cpu%d", cpu);
	spin_lock(&mmlist_lock);
	list_del(&mm->mmlist);
	spin_unlock(&mmlist_lock);
	pgd_free(mm->pgd);
	free_percpu(mm->counters);
	mm->magic = MM_FREED;		/* a lazy user that still had it would see this (lazy_mm.c) */
	kmem_cache_free(mm_cachep, mm);
	atomic_long_dec(&mm_live);
}

void mmget(struct mm_struct *mm)
{
	atomic_inc(&mm->mm_users);
}

bool mmget_not_zero(struct mm_struct *mm)
{
	int n = atomic_read(&mm->mm_users);

	while (n) {
		int seen = atomic_cmpxchg(&mm->mm_users, n, n + 1);
		if (seen == n)
			return true;
		n = seen;
	}
	return false;
}

/*
 * Frees the user page tables. A CPU may still have this pgd loaded (the
 * exiting thread's own, or one that borrowed it) and its paging-structure
 * caches may point into them: each top-level entry is cleared, then every
 * CPU of the mm flushes, and only then are the tables below it freed.
 */
static void free_pgtables(struct mm_struct *mm)
{
	for (int i = 0; i < PML4_USER_ENTRIES; i++) {
		u64 e = mm->pgd[i];
		if (!(e & PTE_PRESENT))
			continue;
		WRITE_ONCE(mm->pgd[i], 0);
		flush_tlb_mm_tables(mm);
		mm_count_event(mm, MM_PGTABLES, -free_user_pgd_entry(e));	/* the sum in `vm` too */
	}
}

static atomic_long_t mm_accounting_errors;

static long nr_mm_accounting_errors(void)
{
	return atomic_long_read(&mm_accounting_errors);
}
LEAK_COUNTER("mm accounting errors", nr_mm_accounting_errors);

/*
 * Every page and page table is gone: the per-CPU counters must sum to
 * zero (a fault that installed a page where no VMA was any more, and so
 * escaped the zap, or a lost count, shows here). Nobody adds now.
 */
static void check_mm_accounting(struct mm_struct *mm)
{
	long rss = mm_counter(mm, MM_RSS), tables = mm_counter(mm, MM_PGTABLES);

	if (rss || tables) {
		pr_err("mm: %p died with rss %ld and %ld page tables counted\n", mm, rss, tables);
		atomic_long_inc(&mm_accounting_errors);
	}
}

/* The last user is gone: unmap everything, free the VMAs and page tables. */
static void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *tmp;

	mmap_write_lock(mm);
	list_for_each_entry_safe(vma, tmp, &mm->mmap, vm_list) {
		vma_start_write(vma);
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		vma_unlink(mm, vma);
		vma_free_rcu(vma);
	}
	spin_lock(&mm->page_table_lock);
	free_pgtables(mm);
	spin_unlock(&mm->page_table_lock);
	mmap_write_unlock(mm);
	check_mm_accounting(mm);
}

void mmput(struct mm_struct *mm)
{
	if (!atomic_dec_and_test(&mm->mm_users))
		return;
	exit_mmap(mm);
	mm_release_lazy_users(mm);	/* no CPU runs on it lazily past this (lazy_mm.c) */
	mmdrop(mm);
}

void switch_mm(struct mm_struct *prev, struct mm_struct *next)
{
	unsigned long flags = local_irq_save();
	int cpu = smp_processor_id();
	/* the mm CR3 really points at: the one to leave, whatever prev says */
	struct mm_struct *loaded = this_cpu_read(cpu_loaded_mm);

	(void)prev;
	if (loaded != next) {
		/* join next's mask first: a locked op, so the flusher that changes
		 * next's PTEs after this either sees the bit or we see its PTEs */
		cpumask_set_cpu_atomic(cpu, mm_cpumask(next));
		write_cr3(virt_to_phys(next->pgd));
		this_cpu_write(cpu_loaded_mm, next);
		/* user entries are never global: none of loaded's survive the CR3 load */
		if (loaded)
			cpumask_clear_cpu_atomic(cpu, mm_cpumask(loaded));
	}
	local_irq_restore(flags);
}

void kthread_use_mm(struct mm_struct *mm)
{
	struct task *tsk = current;
	struct mm_struct *old;
	unsigned long flags;

	mmget(mm);
	mmgrab(mm);			/* active_mm's own reference */
	flags = local_irq_save();	/* no shootdown IPI between the two steps */
	old = tsk->active_mm ? tsk->active_mm : &init_mm;
	tsk->mm = mm;
	tsk->active_mm = mm;
	switch_mm(old, mm);
	lazy_mm_release_current(old);	/* a borrow of old ends here */
	local_irq_restore(flags);
}

void kthread_unuse_mm(struct mm_struct *mm)
{
	struct task *tsk = current;

	tsk->mm = NULL;
	tsk->active_mm = &init_mm;
	switch_mm(mm, &init_mm);
	mmdrop(mm);
	mmput(mm);
}

/* Fork: the VMAs and page tables of old, private pages copy-on-write. */
struct mm_struct *dup_mm(struct mm_struct *old)
{
	struct mm_struct *mm = mm_alloc();
	struct vm_area_struct *vma;
	bool locked;
	int err = 0;

	if (!mm)
		return NULL;
	mmap_write_lock(old);
	/* nobody else knows mm yet: its lock is free, and holding it keeps vma_link's contract */
	locked = mmap_write_trylock(mm);
	BUG_ON(!locked);
	mm->mmap_base = old->mmap_base;
	mm->task_size = old->task_size;
	mm->start_code = old->start_code;
	mm->end_code = old->end_code;
	mm->start_data = old->start_data;
	mm->end_data = old->end_data;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	/* mm->def_flags stays 0: memory locks, mlockall(MCL_FUTURE)'s too, are not inherited */
	for_each_vma(old, vma) {
		struct vm_area_struct *copy;
		/*
		 * No fault on the parent's VMA until the flush below, in any
		 * mode of vma_lookup (vma_lock faults wait, lockless ones see
		 * the bump and retry behind mmap_lock), as Linux's dup_mmap
		 * write-locks every VMA: a copy-on-write copy made now would
		 * miss the writes other CPUs still make through TLB entries
		 * that predate copy_page_range()'s write-protection, and lose
		 * them (found by the fuzzer, seed 1000000 at 4 vCPUs).
		 */
		vma_start_write(vma);
		if (vma->vm_flags & VM_DONTCOPY)
			continue;
		copy = vm_area_dup(vma);
		if (!copy) {
			err = -ENOMEM;
			break;
		}
		copy->vm_mm = mm;
		copy->vm_flags &= ~VM_LOCKED_MASK;
		vma_link(mm, copy);
		if (vma->vm_flags & VM_WIPEONFORK)
			continue;	/* the child's copy starts empty: fresh zeroed pages */
		err = copy_page_range(mm, vma);
		if (err)
			break;
	}
	/* the parent's private pages just became read-only */
	flush_tlb_mm_range(old, 0, TASK_SIZE);
	mmap_write_unlock(mm);
	mmap_write_unlock(old);
	if (err) {
		mmput(mm);
		return NULL;
	}
	return mm;
}
