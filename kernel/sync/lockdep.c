/*
 * kernel/sync/lockdep.c - the lock-order checker (debug builds only).
 *
 * Each lock has a rank from kernel/sync/lock_order.h. The checker keeps
 * the locks held: spinlocks per CPU (a spinlock is never held across a
 * sleep, and the runqueue lock is handed from one task to the next during
 * a context switch, so "this CPU" is the right owner), and sleeping locks
 * per task. Taking a lock whose rank is not greater than that of a lock
 * already held is an order violation: two CPUs doing so in opposite
 * orders deadlock. The first time a pair of ranks is seen in the wrong
 * order, the checker prints both locks and both backtraces: where the
 * held lock was taken (saved at acquire time) and where the new one is
 * being taken (now). The lock is still taken: the checker reports, it
 * does not change behaviour.
 *
 * It also checks lock contracts (lockdep_assert_held(), lockdep.h): a
 * function that must be called with a lock held says so in code, and a
 * caller without it gets a warning with the locks it does hold.
 */
#include "kernel/sync/lockdep.h"
#include "kernel/sched/task.h"
#include "kernel/printk.h"
#include "kernel/panic.h"
#include "kernel/selftest.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/desc.h"

#if CONFIG_DEBUG

#define MAX_REPORTED_PAIRS	64	/* distinct (held, taken) rank pairs reported */

static DEFINE_PER_CPU(struct held_stack, held_spinlocks);
static struct { int held, taken; } reported[MAX_REPORTED_PAIRS];
static int nr_reported;
static int violations;
static DEFINE_SPINLOCK(report_lock);	/* rank 0: the checker does not check itself */

/* The return addresses of the frames above the caller's caller. */
static void save_trace(unsigned long *trace, int n)
{
	unsigned long rbp = read_rbp();
	int i = 0;

	for (int skip = 0; skip < 2 + n && rbp && !(rbp & 7); skip++) {
		unsigned long *frame = (unsigned long *)rbp;
		if (!on_this_cpu_stack(rbp, 16))
			break;
		if (skip >= 2 && i < n)
			trace[i++] = frame[1];
		rbp = frame[0];
	}
	while (i < n)
		trace[i++] = 0;
}

static bool already_reported(int held, int taken)
{
	for (int i = 0; i < nr_reported; i++)
		if (reported[i].held == held && reported[i].taken == taken)
			return true;
	if (nr_reported < MAX_REPORTED_PAIRS) {
		reported[nr_reported].held = held;
		reported[nr_reported].taken = taken;
		nr_reported++;
	}
	return false;
}

static void report(const struct held_lock *held, const char *name, int rank)
{
	unsigned long flags = spin_lock_irqsave(&report_lock);
	bool first = !already_reported(held->rank, rank);

	violations++;
	spin_unlock_irqrestore(&report_lock, flags);
	if (!first)
		return;
	printk(KERN_WARNING "WARNING: lock order violation on cpu%d\n", smp_processor_id());
	printk(KERN_WARNING "taking %s (rank %d) while holding %s (rank %d); "
	       "see kernel/sync/lock_order.h\n", name, rank, held->name, held->rank);
	printk(KERN_WARNING "%s was taken at:\n", held->name);
	for (int i = 0; i < 4 && held->trace[i]; i++)
		printk(KERN_WARNING "  %pS\n", (void *)(held->trace[i] - 1));
	printk(KERN_WARNING "%s is being taken at:\n", name);
	dump_stack();
}

/*
 * A spinlock an interrupt handler could be ordered after, held with
 * interrupts on: the tick arriving now would take its own locks, of lower
 * rank, on top of it (lock_order.h, "Interrupts"). Reported at the
 * acquisition itself, not only on the rare tick that lands inside.
 */
static void report_irqs_on(const char *name, int rank)
{
	unsigned long flags = spin_lock_irqsave(&report_lock);
	bool first = !already_reported(-1, rank);

	violations++;
	spin_unlock_irqrestore(&report_lock, flags);
	if (!first)
		return;
	printk(KERN_WARNING "WARNING: lock order violation on cpu%d\n", smp_processor_id());
	printk(KERN_WARNING "taking %s (rank %d) with interrupts enabled; locks ranked %d and up "
	       "must be taken with interrupts off: see kernel/sync/lock_order.h\n",
	       name, rank, LOCK_RANK_IRQ_FIRST);
	dump_stack();
}

static void check_against(const struct held_stack *s, const char *name, int rank)
{
	for (int i = 0; i < s->depth; i++)
		if (s->locks[i].rank && s->locks[i].rank >= rank)
			report(&s->locks[i], name, rank);
}

static struct held_stack *stack_for(bool sleeping)
{
	struct task *t = this_cpu_read(current_task);

	if (!sleeping)
		return this_cpu_ptr(&held_spinlocks);
	return t ? &t->lockdep : NULL;
}

void lockdep_acquire(const void *lock, const char *name, int rank, bool sleeping)
{
	struct held_stack *s = stack_for(sleeping);
	struct task *t = this_cpu_read(current_task);
	struct held_lock *h;

	if (!s || oops_in_progress)
		return;
	if (rank) {
		if (!sleeping && rank >= LOCK_RANK_IRQ_FIRST && !irqs_disabled())
			report_irqs_on(name, rank);
		check_against(this_cpu_ptr(&held_spinlocks), name, rank);
		if (t)
			check_against(&t->lockdep, name, rank);
	}
	if (s->depth == MAX_LOCK_DEPTH)
		return;			/* too deep to track; still correct, just unchecked */
	h = &s->locks[s->depth++];
	h->lock = lock;
	h->name = name;
	h->rank = rank;
	save_trace(h->trace, 4);
}

void lockdep_release(const void *lock, bool sleeping)
{
	struct held_stack *s = stack_for(sleeping);

	if (!s)
		return;
	for (int i = s->depth - 1; i >= 0; i--)
		if (s->locks[i].lock == lock) {
			for (int j = i; j + 1 < s->depth; j++)
				s->locks[j] = s->locks[j + 1];
			s->depth--;
			return;
		}
}

void lockdep_print_held_locks(struct task *t)
{
	struct held_stack *c = this_cpu_ptr(&held_spinlocks);
	struct held_stack *s = t ? &t->lockdep : NULL;

	for (int i = 0; i < c->depth; i++)
		printk(KERN_ERR "  holds spinlock %s (rank %d), taken at %pS\n",
		       c->locks[i].name, c->locks[i].rank, (void *)c->locks[i].trace[0]);
	for (int i = 0; s && i < s->depth; i++)
		printk(KERN_ERR "  holds %s (rank %d), taken at %pS\n",
		       s->locks[i].name, s->locks[i].rank, (void *)s->locks[i].trace[0]);
}

int lockdep_cpu_depth(void)
{
	return this_cpu_ptr(&held_spinlocks)->depth;
}

void lockdep_cpu_restore(int depth)
{
	this_cpu_ptr(&held_spinlocks)->depth = depth;
}

bool lockdep_task_holds(const void *lock)
{
	struct task *t = this_cpu_read(current_task);

	/* untracked (no task yet, an oops, a stack too deep): do not accuse */
	if (!t || oops_in_progress || t->lockdep.depth == MAX_LOCK_DEPTH)
		return true;
	for (int i = 0; i < t->lockdep.depth; i++)
		if (t->lockdep.locks[i].lock == lock)
			return true;
	return false;
}

void lockdep_assert_failed(const char *expr, const char *name, const char *how, const char *file, int line)
{
	unsigned long flags = spin_lock_irqsave(&report_lock);

	violations++;
	spin_unlock_irqrestore(&report_lock, flags);
	printk(KERN_WARNING "WARNING: lock not %s: %s (%s) at %s:%d on cpu%d\n",
	       how, name ? name : "?", expr, file, line, smp_processor_id());
	lockdep_print_held_locks(this_cpu_read(current_task));
	dump_stack();
}

int lockdep_violations(void)
{
	return READ_ONCE(violations);
}

static int forgiven;		/* violations provoked on purpose by the checker's own tests */

void lockdep_forgive(int n)
{
	unsigned long flags = spin_lock_irqsave(&report_lock);

	forgiven += n;
	spin_unlock_irqrestore(&report_lock, flags);
}

/*
 * Compared around every self-test suite like a leak counter: a suite
 * during which the kernel took locks against the order, or broke a lock
 * contract, fails its leak_check, naming this counter.
 */
static long unforgiven_violations(void)
{
	return READ_ONCE(violations) - READ_ONCE(forgiven);
}
LEAK_COUNTER("lock-order violations and broken lock contracts", unforgiven_violations);

#endif
