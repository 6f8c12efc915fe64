/*
 * kernel/mm/lazy_mm.c - lazy mm switching, and three ways of keeping the
 * borrowed mm alive (seed 002: Andy Lutomirski's "lightweight lazy mm
 * refcounting"; docs/lazy_mm.md has the pictures).
 *
 * A kernel thread has no address space of its own: the kernel half is the
 * same in every page table, so when a CPU switches from a user task to a
 * kernel thread it keeps the user's page tables loaded (no CR3 write, the
 * TLB stays warm) and the kernel thread *borrows* that mm as its
 * active_mm. The borrowed mm must not be freed while CR3 points at it.
 * The technique lazy_mm chooses how that is guaranteed:
 *
 *   refcount   the borrower takes a reference (mmgrab, an atomic on
 *              mm->mm_count) and the CPU drops it when it stops borrowing
 *              (mmdrop, another one): two atomic read-modify-writes of one
 *              cache line per round trip, on every CPU that runs threads of
 *              the process. Linux's MMU_LAZY_TLB_REFCOUNT.
 *   shootdown  the borrower takes nothing; when the last user of the mm
 *              goes, every CPU that may still borrow it gets an IPI that
 *              moves it to init_mm, and the mm is freed after all have
 *              answered. Linux's MMU_LAZY_TLB_SHOOTDOWN.
 *   hazard     (default) the borrower records the mm in its CPU's hazard
 *              pointer, lazy_mm, with a plain store; when the last user
 *              goes, mm_fixup_lazy_refs() looks at the CPUs that may hold
 *              it and turns each hazard it finds into a real reference,
 *              handed over through that CPU's mm_to_mmdrop and dropped by
 *              that CPU at its next switch. Plain stores on the switch; the
 *              work moves to the rare moment an mm dies.
 *
 * The mode may change live: each borrow records how it was taken (kind),
 * every release does what its borrow did, and mm_release_lazy_users()
 * handles borrows of every kind, so CPUs borrowing in different modes at
 * once are fine (the torture test flips the mode all the time).
 *
 * Invariants:
 *   - A CPU borrows at most one mm, and only its running task borrows it:
 *     a kernel thread switched away gives its active_mm up (NULL), and the
 *     next task inherits the borrow or ends it. lazy_mm is that mm (for
 *     every kind), or NULL when the running task is a user task or runs on
 *     init_mm.
 *   - lazy_mm == mm implies CR3 == mm (so this CPU is in mm_cpumask(mm)):
 *     a borrow never loads CR3, and every way out of a borrow loads
 *     another CR3 before it clears lazy_mm.
 *   - A new borrow is taken only from a user task, whose ->mm still holds
 *     its mm_users reference: no hazard is ever created for an mm whose
 *     mm_users is zero (the answer to "why no hazard can be taken after
 *     mm_users is zero"; the kernel thread that inherits a borrow keeps
 *     the existing hazard on the same CPU, it creates none).
 *   - A borrowed mm that has lost its last user is not lent on: the next
 *     switch on that CPU loads init_mm and ends the borrow. So a hazard
 *     converted into a reference is dropped soon after, and never while
 *     CR3 still points at the mm.
 *
 * Lock order: none of its own. The per-CPU state is written by its CPU
 * with interrupts off (in schedule(), or in an IPI); remote CPUs read
 * lazy_mm and kind, and exchange mm_to_mmdrop atomically.
 */
#include "kernel/mm/lazy_mm.h"
#include "kernel/mm/mm.h"
#include "kernel/sched/task.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/panic.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/lib/vsprintf.h"
#include "arch/x86_64/cpu.h"

DEFINE_TECHNIQUE(lazy_mm, "what a kernel thread holds on the user mm it runs on: a reference, nothing "
		 "(IPIs when it dies), or a per-CPU hazard pointer", TECHNIQUE_LIVE, LAZY_MM_HAZARD,
		 "refcount", "shootdown", "hazard");

static DEFINE_PER_CPU(struct lazy_mm_cpu, lazy_mm_cpu);
static struct lazy_mm_exit_stats exit_stats;

#define count(l, s)	((l)->stats[s]++)	/* the CPU's own counters, interrupts off */

/* ---- borrowing and giving back (this CPU, interrupts off) ---- */

/* current's successor borrows mm, the mm of the user task switched away from. */
static void enter_lazy(struct lazy_mm_cpu *l, struct mm_struct *mm)
{
	int kind = technique_mode(lazy_mm);

	if (kind == LAZY_MM_REFCOUNT) {
		mmgrab(mm);
		count(l, LAZY_MM_COUNT_RMWS);
	}
	l->kind = kind;
	/*
	 * The hazard. Lutomirski's "barrier here?": none is needed on the
	 * switch. The mm's last user can only be gone after prev, whose ->mm
	 * holds an mm_users reference, has run again or exited, and prev can
	 * run nowhere before finish_task_switch() releases prev->on_cpu with
	 * smp_store_release(), which pairs with the acquire of on_cpu by the
	 * CPU that runs prev next (wake_up_state()). Release orders this
	 * store (and kind's, before it) before that, and prev's mmput()
	 * decrements mm_users with a locked instruction before
	 * mm_fixup_lazy_refs() reads lazy_mm: the reader cannot miss it.
	 * The interleaving it forbids: CPU1 stores lazy_mm = mm after CPU0
	 * has scanned CPU1 and freed mm, with CR3 on CPU1 still pointing at
	 * it.
	 */
	WRITE_ONCE(l->lazy_mm, mm);
	count(l, LAZY_BORROWS);
}

/*
 * The borrow ends; CR3 no longer points at l->lazy_mm (the caller loaded
 * another first). A reference taken by a refcount borrow is dropped after
 * the switch; a hazard is simply withdrawn: from the store on, a remote
 * mm_fixup_lazy_refs() may skip this CPU and free the mm, which is fine
 * since nothing here uses it any more. On x86 the CR3 write serializes, so
 * no walk of the old tables can come after the store. (When the next task
 * is a user of the same mm, CR3 stays; a shootdown skipped during the
 * borrow, lazy_tlb=defer, is made up for right here, by lazy_tlb_leave(),
 * which only compares the pointer: mm may be gone once lazy_mm is NULL.)
 */
static void leave_lazy(struct lazy_mm_cpu *l, bool dead)
{
	struct mm_struct *mm = l->lazy_mm;

	if (l->kind == LAZY_MM_REFCOUNT) {
		l->drop_after_switch = mm;
		count(l, LAZY_MM_COUNT_RMWS);
	}
	WRITE_ONCE(l->lazy_mm, NULL);
	lazy_tlb_leave(mm);		/* a shootdown skipped while we borrowed mm: flush now */
	count(l, LAZY_LEAVES);
	if (dead)
		count(l, LAZY_DEAD_LEAVES);
}

#if CONFIG_DEBUG
/* Every switch checks that the mm it lends or loads is alive (a freed mm is poisoned). */
static void check_mm_alive(struct mm_struct *mm, const char *what)
{
	if (mm && mm->magic != MM_MAGIC)
		panic("lazy_mm: the mm %s (%p) is freed (magic %#lx)", what, mm, mm->magic);
}
#else
static inline void check_mm_alive(struct mm_struct *mm, const char *what) { }
#endif

void switch_mm_for_task(struct task *prev, struct task *next)
{
	struct lazy_mm_cpu *l = this_cpu_ptr(&lazy_mm_cpu);
	struct mm_struct *oldmm = prev->active_mm;
	bool prev_lazy = l->lazy_mm && l->lazy_mm == oldmm;

	BUG_ON(l->drop_after_switch);		/* the last finish took it */
	if (next->mm) {
		/* to a user task (or a kernel thread that adopted an mm) */
		switch_mm(oldmm, next->mm);
		if (prev_lazy)
			leave_lazy(l, false);
		else if (!prev->mm && oldmm && oldmm != &init_mm)
			l->drop_after_switch = oldmm;	/* an exiting task's own reference */
	} else if (prev->mm) {
		/* from a user task to a kernel thread: borrow its mm */
		enter_lazy(l, oldmm);
		next->active_mm = oldmm;
	} else if (prev_lazy && atomic_read(&oldmm->mm_users) > 0) {
		/* kernel thread to kernel thread: the borrow moves on, on this CPU */
		next->active_mm = oldmm;
	} else {
		/*
		 * Nothing to lend: a borrowed mm that lost its last user (it
		 * is not lent on, so that it can go), the own reference of a
		 * task that just exited (never lent: its holder does not
		 * keep mm_users, so a borrow from it could miss a concurrent
		 * exit's scan), or init_mm itself.
		 */
		if (oldmm && oldmm != &init_mm)
			switch_mm(oldmm, &init_mm);
		if (prev_lazy)
			leave_lazy(l, true);
		else if (oldmm && oldmm != &init_mm)
			l->drop_after_switch = oldmm;
		next->active_mm = &init_mm;
	}
	if (!prev->mm)
		prev->active_mm = NULL;
	check_mm_alive(next->active_mm, "lent or loaded");
	check_mm_alive(this_cpu_read(cpu_loaded_mm), "in CR3");
}

/*
 * A reference handed over by mm_fixup_lazy_refs(), dropped once this CPU
 * no longer borrows that mm. Lutomirski's "do this at the beginning of a
 * context switch instead?": at the end, and only for an mm other than the
 * one borrowed now: a hazard converted while this very switch passed the
 * borrow on (its mm_users read still saw a user) must keep its reference
 * until the next switch ends the borrow of a dead mm. cmpxchg, not xchg:
 * a concurrent fixup that swapped in the mm borrowed now keeps its
 * reference there.
 */
static void drop_extra_mm_refs(struct lazy_mm_cpu *l)
{
	long old = atomic_long_read(&l->mm_to_mmdrop);

	if (likely(!old) || (struct mm_struct *)old == READ_ONCE(l->lazy_mm))
		return;
	if (atomic_long_cmpxchg(&l->mm_to_mmdrop, old, 0) == old) {
		mmdrop((struct mm_struct *)old);
		l->stats[LAZY_HANDOVER_DROPS]++;	/* interrupts on: a plain add of our own */
	}
}

void lazy_mm_finish_switch(void)
{
	unsigned long flags = local_irq_save();
	struct lazy_mm_cpu *l = this_cpu_ptr(&lazy_mm_cpu);
	struct mm_struct *drop = l->drop_after_switch;

	l->drop_after_switch = NULL;
	local_irq_restore(flags);
	if (drop)
		mmdrop(drop);		/* no CPU register points at it now */
	drop_extra_mm_refs(l);
}

void lazy_mm_release_current(struct mm_struct *borrowed)
{
	struct lazy_mm_cpu *l = this_cpu_ptr(&lazy_mm_cpu);

	if (l->lazy_mm && l->lazy_mm == borrowed)
		leave_lazy(l, false);
	/* a refcount borrow's reference goes now: we are not in a switch */
	if (l->drop_after_switch) {
		struct mm_struct *drop = l->drop_after_switch;
		l->drop_after_switch = NULL;
		mmdrop(drop);
	}
}

/* ---- the death of an mm (any CPU, interrupts on, no lock held) ---- */

/*
 * The shootdown IPI: a CPU still borrowing mm moves to init_mm. Only the
 * running task can borrow, and the borrow cannot have moved to another mm
 * (that needs a user task of another mm, which ends this borrow first).
 */
static void shootdown_lazy(void *arg)
{
	struct mm_struct *mm = arg;
	struct lazy_mm_cpu *l = this_cpu_ptr(&lazy_mm_cpu);

	if (READ_ONCE(l->lazy_mm) != mm || current->mm)
		return;			/* it ended its borrow meanwhile */
	switch_mm(mm, &init_mm);
	current->active_mm = &init_mm;
	WRITE_ONCE(l->lazy_mm, NULL);
	count(l, LAZY_SHOOTDOWNS);
	count(l, LAZY_LEAVES);
	count(l, LAZY_DEAD_LEAVES);
}

/*
 * Lutomirski's mm_fixup_lazy_refs() for one CPU: the CPU's hazard on mm
 * becomes a reference it will drop. Our caller holds an mm_count
 * reference (mm_users' own), so mm cannot go while we work.
 */
static void mm_fixup_lazy_ref(struct lazy_mm_cpu *l, struct mm_struct *mm)
{
	long old;

	mmgrab(mm);
	/*
	 * "could this be relaxed instead?": xchg is a full barrier on x86
	 * anyway; what matters is that it is atomic against the owner's
	 * cmpxchg in drop_extra_mm_refs(), so each reference is dropped
	 * exactly once. From here the owner may drop it at any time.
	 */
	old = atomic_long_xchg(&l->mm_to_mmdrop, (long)mm);
	atomic_long_inc(&exit_stats.conversions);
	if (!old)
		return;
	WARN_ON_ONCE(old == (long)mm);		/* a second fixup of one mm */
	/*
	 * The "stolen" reference: the slot held a reference to another mm,
	 * handed over earlier, that the owner had not dropped yet. We just
	 * read lazy_mm == mm, a borrow taken after that other mm's borrow
	 * ended (one borrow at a time, and leaving loads another CR3 before
	 * it clears lazy_mm, which x86 keeps in order for our read): the
	 * owner is done with it, so we drop it on its behalf.
	 */
	mmdrop((struct mm_struct *)old);
}

/*
 * mm_users reached zero (mmput, after exit_mmap): every CPU that may run
 * on mm lazily is dealt with according to how it borrowed. Which CPUs:
 * those in mm_cpumask(mm). Numbat's mask is exact (arch/x86_64/tlb.c): a
 * CPU is in it exactly while its CR3 points at mm, and a lazy borrower
 * never moves CR3, so every borrower of mm is in it; a CPU outside it has
 * no borrow of mm, or is ending one (it loaded another CR3 and is about to
 * clear lazy_mm), and needs nothing. (Lutomirski's XXX: Linux's mask may
 * keep stale bits or, on arm64, not be kept at all; there every possible
 * CPU would have to be scanned.) Why the scan sees the bit and the
 * hazard: both were stored on the borrower's CPU before the release of
 * the user task's on_cpu, see enter_lazy().
 */
void mm_release_lazy_users(struct mm_struct *mm)
{
	struct cpumask ipi, mask = *mm_cpumask(mm);
	int cpu, self;
	u64 t0 = ktime_get_ns();
	unsigned long flags;

	WARN_ON_ONCE(atomic_read(&mm->mm_users) != 0);
	cpumask_clear(&ipi);
	for_each_cpu(cpu, &mask) {
		struct lazy_mm_cpu *l = per_cpu_ptr(&lazy_mm_cpu, cpu);
		int kind;

		if (READ_ONCE(l->lazy_mm) != mm)
			continue;
		kind = READ_ONCE(l->kind);	/* stored before lazy_mm; x86 keeps loads in order */
		if (kind == LAZY_MM_HAZARD)
			mm_fixup_lazy_ref(l, mm);
		else if (kind == LAZY_MM_SHOOTDOWN)
			cpumask_set_cpu(cpu, &ipi);
		/* LAZY_MM_REFCOUNT: it holds a reference of its own */
	}
	flags = local_irq_save();
	self = smp_processor_id();
	if (cpumask_test_cpu(self, &ipi)) {
		shootdown_lazy(mm);		/* a kernel thread putting the last user itself */
		cpumask_clear_cpu(self, &ipi);
	}
	local_irq_restore(flags);
	if (!cpumask_empty(&ipi)) {
		atomic_long_add(cpumask_weight(&ipi), &exit_stats.ipis);
		smp_call_function_many(&ipi, shootdown_lazy, mm, true);
	}
	atomic_long_inc(&exit_stats.exits);
	atomic_long_add(ktime_get_ns() - t0, &exit_stats.exit_ns);
}

/* ---- what the monitor and the tests read ---- */

unsigned long lazy_mm_stat_sum(enum lazy_mm_stat s)
{
	unsigned long sum = 0;
	int cpu;

	for_each_online_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(&lazy_mm_cpu, cpu)->stats[s]);
	return sum;
}

const struct lazy_mm_exit_stats *lazy_mm_exit_stats(void)
{
	return &exit_stats;
}

struct lazy_mm_cpu *lazy_mm_cpu_state(int cpu)
{
	return per_cpu_ptr(&lazy_mm_cpu, cpu);
}

static const char *const stat_names[NR_LAZY_MM_STATS] = {
	[LAZY_BORROWS] = "borrows", [LAZY_LEAVES] = "leaves", [LAZY_DEAD_LEAVES] = "dead",
	[LAZY_MM_COUNT_RMWS] = "mm_count_rmws", [LAZY_HANDOVER_DROPS] = "handed_over",
	[LAZY_SHOOTDOWNS] = "shot_down",
};
static const char *const kind_names[] = { "refcount", "shootdown", "hazard" };

static int cmd_lazymm(int argc, char **argv)
{
	int cpu;

	if (argc != 1) {
		console_printf("usage: lazymm\n");
		return 0;
	}
	console_printf("lazy_mm=%s; mms whose last user went: %ld, hazards converted: %ld, shootdown IPIs: %ld, "
		       "%ld us spent\n", technique_mode_name(technique_find("lazy_mm")),
		       atomic_long_read(&exit_stats.exits), atomic_long_read(&exit_stats.conversions),
		       atomic_long_read(&exit_stats.ipis), atomic_long_read(&exit_stats.exit_ns) / 1000);
	console_printf("cpu  %-18s %-18s %-9s %-18s", "cr3 mm", "borrowed mm", "kind", "mm_to_mmdrop");
	for (int s = 0; s < NR_LAZY_MM_STATS; s++)
		console_printf(" %s", stat_names[s]);
	console_printf("\n");
	for_each_online_cpu(cpu) {
		struct lazy_mm_cpu *l = per_cpu_ptr(&lazy_mm_cpu, cpu);
		struct mm_struct *cr3 = per_cpu(cpu_loaded_mm, cpu), *lazy = READ_ONCE(l->lazy_mm);
		long drop = atomic_long_read(&l->mm_to_mmdrop);
		char a[20], b[20], c[20];

		snprintf(a, sizeof(a), cr3 == &init_mm || !cr3 ? "init_mm" : "%p", cr3);
		snprintf(b, sizeof(b), lazy ? "%p" : "-", lazy);
		snprintf(c, sizeof(c), drop ? "%p" : "-", (void *)drop);
		console_printf("%3d  %-18s %-18s %-9s %-18s", cpu, a, b, lazy ? kind_names[l->kind] : "-", c);
		for (int s = 0; s < NR_LAZY_MM_STATS; s++)
			console_printf(" %lu", READ_ONCE(l->stats[s]));
		console_printf("\n");
	}
	return 0;
}
MONITOR_CMD(lazymm, "", "lazy mm switching: per CPU the mm in CR3, the borrowed one, a pending mmdrop, counters",
	    cmd_lazymm);
