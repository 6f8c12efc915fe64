/*
 * kernel/sync/rcu.c - the grace-period engine of non-preemptible RCU.
 *
 * A grace period (GP) ends once every CPU has passed a quiescent state
 * (QS) after it started: a context switch (schedule(), cond_resched()
 * when a GP waits), the idle loop, or a tick taken in user mode. The kernel
 * being non-preemptible, a CPU at a QS runs no reader, so every reader
 * that began before the GP has ended by then.
 *
 * Pieces:
 *  - rcu_state.gp_seq counts GPs: even = idle, odd = one in progress.
 *    A GP starts at 2k+1 and ends at 2k+2. A callback queued while the
 *    counter reads s needs the GP that ends at rcu_seq_snap(s): the end of
 *    the next GP that *starts* after now (s even: s+2; s odd: s+3, since
 *    the running GP may have started before the callback's reader).
 *  - rcu_state.qs_mask: the CPUs that still owe a QS for the running GP.
 *    Each CPU's rcu_data.qs_pending mirrors its bit, so that the hot
 *    paths (schedule, cond_resched) test one per-CPU flag.
 *  - Per-CPU callback lists in segments (see struct rcu_segcblist):
 *    DONE (ready to invoke), WAIT and NEXT_READY (each waiting for a known
 *    gp_seq), NEXT (just queued, no GP assigned yet).
 *  - The "rcu_gp" kthread starts a GP only when someone needs one
 *    (gp_seq_needed ahead of gp_seq), waits for the mask to empty, ends
 *    the GP and wakes the CPUs' callback threads.
 *  - One "rcuc/N" kthread per CPU advances that CPU's segments and invokes
 *    its ready callbacks in batches, outside the tick and in queue order.
 *
 * Idle CPUs (the extended quiescent state, EQS): the idle loop sets
 * rcu_data.eqs just before halting and clears it after waking, each with
 * a full barrier next to it. The GP kthread, after setting a CPU's bit,
 * executes a full barrier and reads eqs: if it is set, the CPU runs no
 * reader and the kthread reports the QS on its behalf. Dekker's pattern
 * makes this safe: either the GP kthread sees eqs == 0 (and waits for the
 * CPU to report), or the CPU, on leaving idle, sees everything the writer
 * did before the GP started. The kthread rescans idle CPUs every
 * RCU_GP_POLL_MS, and an idle CPU also reports for itself when it next
 * goes idle. Interrupt handlers that run while a CPU is idle must not
 * enter read-side sections (none do; Linux's rcu_irq_enter is left out).
 *
 * Invariants:
 *  - A bit in qs_mask is set only by rcu_gp_init, cleared only under
 *    rcu_state.lock, and all bits are clear when a GP ends: a set bit
 *    always belongs to the running GP.
 *  - A CPU's callback segments are touched only by that CPU with
 *    interrupts off (call_rcu and its rcuc thread), so they need no lock.
 *  - Callbacks of one CPU are invoked in the order they were queued.
 *
 * Lock order: rcu_state.lock is taken with no other spinlock held (rank
 * LOCK_RANK_RCU_STATE) and nothing is taken inside it; wakeups happen
 * after it is dropped. call_rcu() takes no lock at all (it may be called
 * with any lock held): it raises gp_seq_needed with cmpxchg and wakes
 * rcu_gp only when it holds no spinlock; otherwise the next tick does.
 */
#include "kernel/sync/rcupdate.h"
#include "kernel/sched/sched.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/printk.h"
#include "kernel/panic.h"
#include "kernel/cmdline.h"
#include "kernel/monitor.h"
#include "kernel/selftest.h"
#include "kernel/errno.h"
#include "kernel/mm/slab.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/sync/mutex.h"
#include "arch/x86_64/cpu.h"

#define RCU_GP_POLL_MS		10	/* rcu_gp rescans idle CPUs this often while waiting */
#define RCU_BATCH		64	/* callbacks invoked between two cond_resched() */
#define RCU_STALL_DEFAULT_S	5	/* rcu_stall_timeout= default, seconds */
#define RCU_FORCE_QS_MS		20	/* after this, a CPU owing a QS is asked to reschedule */
#define RCU_MAX_SLEEP_REPORTS	8	/* debug reports of sleeping in a reader, at most */

enum { SEG_DONE, SEG_WAIT, SEG_NEXT_READY, SEG_NEXT, NR_SEGS };

/*
 * One list, cut into four consecutive segments by tails[]: segment i runs
 * from *tails[i-1] (from head for i = 0) up to and including the callback
 * whose next field tails[i] points at. An empty segment has
 * tails[i] == tails[i-1]. gp_seq[i] is the GP end that WAIT and NEXT_READY
 * wait for.
 */
struct rcu_segcblist {
	struct rcu_head *head;
	struct rcu_head **tails[NR_SEGS];
	unsigned long gp_seq[NR_SEGS];
};

struct rcu_data {
	struct rcu_segcblist cbs;
	long n_cbs;			/* queued, not yet invoked (leak check, monitor) */
	unsigned long n_invoked;
	unsigned long gp_seq_requested;	/* last GP end this CPU asked for */
	bool qs_pending;		/* this CPU's bit in qs_mask is set */
	int eqs;			/* in the idle loop, halted: an extended QS */
	unsigned long n_eqs_qs;		/* QSes rcu_gp reported for it because it was idle */
	struct task *rcuc;
	struct wait_queue_head cb_wq;	/* rcuc sleeps here */
};

static DEFINE_PER_CPU(struct rcu_data, rcu_data);

static struct {
	spinlock_t lock;
	unsigned long gp_seq;		/* even: idle; odd: GP in progress */
	unsigned long gp_seq_needed;	/* the latest GP end anyone waits for */
	struct cpumask qs_mask;		/* CPUs owing a QS for the running GP */
	u64 gp_start_ns;
	unsigned long stall_gp;		/* the GP a stall was reported for */
	unsigned long n_stalls;
	unsigned long n_gps;
	bool running;			/* rcu_init done */
	struct task *gp_kthread;
	struct wait_queue_head gp_wq;
	struct mutex barrier_mutex;
	atomic_t barrier_count;
	struct completion barrier_done;
} rcu_state = {
	.lock = SPINLOCK_INIT_RANK("rcu_state.lock", LOCK_RANK_RCU_STATE),
};

unsigned long rcu_stall_timeout_ms = RCU_STALL_DEFAULT_S * 1000;
static unsigned long n_sleep_reports;

static int set_stall_timeout(const char *val)
{
	long s = 0;

	for (; *val >= '0' && *val <= '9'; val++)
		s = s * 10 + (*val - '0');
	if (*val || s <= 0)
		return -EINVAL;
	rcu_stall_timeout_ms = s * 1000;
	return 0;
}
CMDLINE_PARAM("rcu_stall_timeout", set_stall_timeout, "seconds a grace period may last before RCU reports a stall (default 5)");

/* ---- sequence numbers ---- */

static inline bool seq_ge(unsigned long a, unsigned long b) { return (long)(a - b) >= 0; }
static inline unsigned long rcu_seq_snap(unsigned long s) { return (s + 3) & ~1UL; }
static inline bool rcu_seq_done(unsigned long s) { return seq_ge(READ_ONCE(rcu_state.gp_seq), s); }

/* ---- the segmented callback list (this CPU, interrupts off) ---- */

static void segcb_init(struct rcu_segcblist *l)
{
	l->head = NULL;
	for (int i = 0; i < NR_SEGS; i++)
		l->tails[i] = &l->head;
}

static bool seg_empty(struct rcu_segcblist *l, int i)
{
	return i == SEG_DONE ? l->tails[0] == &l->head : l->tails[i] == l->tails[i - 1];
}

/*
 * Moves finished segments to DONE, closes gaps, and gives NEXT the GP it
 * needs. Returns the latest GP end a segment waits for (0: none).
 */
static unsigned long segcb_advance(struct rcu_segcblist *l)
{
	unsigned long snap = rcu_seq_snap(READ_ONCE(rcu_state.gp_seq));
	int i;

	/* 1. WAIT, then NEXT_READY, join DONE when their GP has ended. */
	for (i = SEG_WAIT; i <= SEG_NEXT_READY; i++) {
		if (!seg_empty(l, i) && !rcu_seq_done(l->gp_seq[i]))
			break;
		for (int j = SEG_DONE; j < i; j++)
			l->tails[j] = l->tails[i];
	}
	/* 2. An empty WAIT takes over NEXT_READY. */
	if (seg_empty(l, SEG_WAIT) && !seg_empty(l, SEG_NEXT_READY)) {
		l->tails[SEG_WAIT] = l->tails[SEG_NEXT_READY];
		l->gp_seq[SEG_WAIT] = l->gp_seq[SEG_NEXT_READY];
	}
	/* 3. NEXT joins the first segment that waits for snap, or is empty. */
	if (!seg_empty(l, SEG_NEXT)) {
		for (i = SEG_WAIT; i <= SEG_NEXT_READY; i++) {
			if (seg_empty(l, i) || l->gp_seq[i] == snap) {
				for (int j = i; j < SEG_NEXT; j++)
					l->tails[j] = l->tails[SEG_NEXT];
				l->gp_seq[i] = snap;
				break;
			}
		}
		/* else: two older GPs still pending; a later advance assigns NEXT */
	}
	for (i = SEG_NEXT_READY; i >= SEG_WAIT; i--)
		if (!seg_empty(l, i))
			return l->gp_seq[i];
	return seg_empty(l, SEG_NEXT) ? 0 : snap;
}

/* Detaches the DONE segment; returns its first callback. */
static struct rcu_head *segcb_take_done(struct rcu_segcblist *l)
{
	struct rcu_head *first = l->head;
	struct rcu_head **done_tail = l->tails[SEG_DONE];

	if (done_tail == &l->head)
		return NULL;
	l->head = *done_tail;
	*done_tail = NULL;
	for (int i = 0; i < NR_SEGS; i++)
		if (l->tails[i] == done_tail)
			l->tails[i] = &l->head;
	return first;
}

/* ---- grace-period requests ---- */

static void rcu_wake_gp(void)
{
	if (rcu_state.gp_kthread)
		wake_up(&rcu_state.gp_wq);
}

/* Asks for the GP that ends at s. Lock-free: callable under any lock. */
static void rcu_request_gp(struct rcu_data *rdp, unsigned long s)
{
	unsigned long old;

	if (!s || seq_ge(rdp->gp_seq_requested, s))
		return;
	rdp->gp_seq_requested = s;
	old = READ_ONCE(rcu_state.gp_seq_needed);
	while (!seq_ge(old, s)) {
		unsigned long seen = cmpxchg(&rcu_state.gp_seq_needed, old, s);
		if (seen == old)
			break;
		old = seen;
	}
	if (this_cpu_read(spin_depth) == 0 && !irqs_disabled())
		rcu_wake_gp();		/* else the next tick wakes it */
}

static bool rcu_gp_wanted(void)
{
	return !seq_ge(READ_ONCE(rcu_state.gp_seq), READ_ONCE(rcu_state.gp_seq_needed));
}

/* ---- quiescent states ---- */

/* Reports cpu's QS for the running GP, if it owes one. */
static void rcu_report_qs_cpu(int cpu)
{
	unsigned long flags = spin_lock_irqsave(&rcu_state.lock);
	bool last = false;

	if (cpumask_test_cpu(cpu, &rcu_state.qs_mask)) {
		cpumask_clear_cpu(cpu, &rcu_state.qs_mask);
		WRITE_ONCE(per_cpu(rcu_data, cpu).qs_pending, false);
		last = cpumask_empty(&rcu_state.qs_mask);
	}
	spin_unlock_irqrestore(&rcu_state.lock, flags);
	if (last)
		rcu_wake_gp();
}

/* This CPU runs no reader now. The flag test is the whole fast path. */
static inline void rcu_qs(void)
{
	if (unlikely(this_cpu_read(rcu_data.qs_pending)))
		rcu_report_qs_cpu(smp_processor_id());
}

void rcu_note_context_switch(void)
{
	rcu_qs();
}

void rcu_all_qs(void)
{
	if (CONFIG_DEBUG && current->rcu_read_lock_nesting)
		return;			/* a bug, reported when it sleeps; no false QS */
	rcu_qs();
}

void rcu_idle_enter(void)
{
	WRITE_ONCE(this_cpu_ptr(&rcu_data)->eqs, 1);
	smp_mb();			/* eqs visible before we stop running readers: pairs with rcu_gp_scan_idle */
	rcu_qs();
}

void rcu_idle_exit(void)
{
	WRITE_ONCE(this_cpu_ptr(&rcu_data)->eqs, 0);
	smp_mb();			/* eqs cleared before any reader's load: pairs with rcu_gp_scan_idle */
}

/* The GP kthread reports for CPUs that are idle (see the top of the file). */
static void rcu_gp_scan_idle(void)
{
	int cpu;

	smp_mb();			/* the mask (and the writer's removal) before reading eqs */
	for_each_cpu(cpu, &rcu_state.qs_mask)
		if (READ_ONCE(per_cpu(rcu_data, cpu).eqs)) {
			per_cpu(rcu_data, cpu).n_eqs_qs++;	/* only rcu_gp writes it */
			rcu_report_qs_cpu(cpu);
		}
}

/* ---- the stall detector (from the tick, so it works even with one CPU) ---- */

/*
 * How long the grace period *gp (set here; even: none) has been running.
 * Its start stamp was taken by whichever CPU started it, so three things
 * make "now - start" right: the stamp is read after the gp_seq that
 * published it (acquire, pairing with rcu_gp_init's release); the clock is
 * read after the stamp, in a statement of its own (ktime_get_ns orders its
 * TSC read after earlier loads); and a clock still behind the stamp, which
 * TSC skew between CPUs allows, counts as no time rather than as an
 * unsigned wrap to 2^64 ns (issue 10's "running for 18446744073709 ms").
 * A stamp of a later grace period than *gp only makes the age smaller.
 */
u64 rcu_gp_age_ns(unsigned long *gp)
{
	u64 start;
	ktime_t now;

	*gp = smp_load_acquire(&rcu_state.gp_seq);	/* pairs with rcu_gp_init's smp_store_release */
	if (!(*gp & 1))
		return 0;
	start = READ_ONCE(rcu_state.gp_start_ns);
	now = ktime_get_ns();
	return now > (ktime_t)start ? (u64)now - start : 0;
}

static void rcu_check_stall(void)
{
	unsigned long gp;
	u64 age = rcu_gp_age_ns(&gp);
	int cpu, self = smp_processor_id();
	struct cpumask owing;
	char list[4 * MAX_CPUS + 1] = "";
	int len = 0;

	if (!(gp & 1) || READ_ONCE(rcu_state.stall_gp) == gp)
		return;
	if (age < (u64)READ_ONCE(rcu_stall_timeout_ms) * NSEC_PER_MSEC)
		return;
	if (cmpxchg(&rcu_state.stall_gp, rcu_state.stall_gp, gp) == gp)
		return;			/* another CPU reports this one */
	owing = rcu_state.qs_mask;
	for_each_cpu(cpu, &owing)
		len += snprintf(list + len, sizeof(list) - len, " %d", cpu);
	printk(KERN_ERR "rcu: INFO: rcu detected stall: grace period %lu running for %lu ms; CPUs owing a quiescent state:%s\n",
	       gp, (unsigned long)(age / NSEC_PER_MSEC), list);
	for_each_cpu(cpu, &owing) {
		printk(KERN_ERR "rcu: backtrace of cpu %d:\n", cpu);
		if (cpu == self)
			dump_stack();
		else if (!trigger_cpu_backtrace(cpu))
			printk(KERN_ERR "rcu: cpu %d did not answer the NMI\n", cpu);
	}
	__atomic_add_fetch(&rcu_state.n_stalls, 1, __ATOMIC_SEQ_CST);
}

void rcu_sched_clock_irq(bool user)
{
	struct rcu_data *rdp = this_cpu_ptr(&rcu_data);
	unsigned long gp;

	if (!rcu_state.running)
		return;
	if (user)
		rcu_qs();		/* user mode runs no kernel reader */
	else if (READ_ONCE(rdp->qs_pending) && !is_idle_task(current) &&
		 rcu_gp_age_ns(&gp) > RCU_FORCE_QS_MS * NSEC_PER_MSEC)
		WRITE_ONCE(current->need_resched, true);	/* its next cond_resched() reports */
	if (!(READ_ONCE(rcu_state.gp_seq) & 1) && rcu_gp_wanted())
		rcu_wake_gp();		/* a request made with a lock held */
	if (!seg_empty(&rdp->cbs, SEG_DONE) || (rdp->n_cbs && rcu_seq_done(rdp->gp_seq_requested)))
		wake_up(&rdp->cb_wq);
	rcu_check_stall();
}

/* ---- the grace-period kthread ---- */

static void rcu_gp_init(void)
{
	unsigned long flags = spin_lock_irqsave(&rcu_state.lock);
	int cpu;

	WRITE_ONCE(rcu_state.gp_start_ns, ktime_get_ns());
	for_each_online_cpu(cpu) {
		cpumask_set_cpu(cpu, &rcu_state.qs_mask);
		WRITE_ONCE(per_cpu(rcu_data, cpu).qs_pending, true);
	}
	/* odd: in progress; the start stamp first (pairs with rcu_gp_age_ns's smp_load_acquire) */
	smp_store_release(&rcu_state.gp_seq, rcu_state.gp_seq + 1);
	spin_unlock_irqrestore(&rcu_state.lock, flags);
	rcu_report_qs_cpu(smp_processor_id());	/* this kthread runs no reader */
	rcu_gp_scan_idle();
}

static void rcu_gp_cleanup(void)
{
	unsigned long flags;
	int cpu;

	smp_mb();			/* every reader's end is ordered before the callbacks run */
	flags = spin_lock_irqsave(&rcu_state.lock);
	WRITE_ONCE(rcu_state.gp_seq, rcu_state.gp_seq + 1);	/* even: ended */
	rcu_state.n_gps++;
	spin_unlock_irqrestore(&rcu_state.lock, flags);
	for_each_online_cpu(cpu)
		if (READ_ONCE(per_cpu(rcu_data, cpu).n_cbs))
			wake_up(&per_cpu(rcu_data, cpu).cb_wq);
}

static int rcu_gp_kthread(void *unused)
{
	for (;;) {
		wait_event(rcu_state.gp_wq, rcu_gp_wanted());
		rcu_gp_init();
		while (!cpumask_empty(&rcu_state.qs_mask)) {
			wait_event_timeout(rcu_state.gp_wq, cpumask_empty(&rcu_state.qs_mask),
					   RCU_GP_POLL_MS * 1000000L);
			rcu_gp_scan_idle();
		}
		rcu_gp_cleanup();
	}
	return 0;
}

/* ---- callbacks ---- */

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	struct rcu_data *rdp;
	unsigned long flags, s;
	bool ready;

	head->func = func;
	head->next = NULL;
	flags = local_irq_save();
	rdp = this_cpu_ptr(&rcu_data);
	*rdp->cbs.tails[SEG_NEXT] = head;
	rdp->cbs.tails[SEG_NEXT] = &head->next;
	rdp->n_cbs++;
	s = segcb_advance(&rdp->cbs);
	ready = !seg_empty(&rdp->cbs, SEG_DONE);
	local_irq_restore(flags);
	rcu_request_gp(rdp, s);
	if (ready && this_cpu_read(spin_depth) == 0 && !irqs_disabled() && rdp->rcuc)
		wake_up(&rdp->cb_wq);
}

void __kfree_rcu(struct rcu_head *head, unsigned long offset)
{
	call_rcu(head, (rcu_callback_t)offset);
}

static void rcu_invoke(struct rcu_head *head)
{
	unsigned long f = (unsigned long)head->func;

	if (f < RCU_KFREE_MAX_OFFSET)
		kfree((char *)head - f);
	else
		head->func(head);
}

/* wait_event condition of rcuc: advance, and is anything ready? */
static bool rcu_cbs_ready(struct rcu_data *rdp)
{
	unsigned long flags = local_irq_save(), s;
	bool ready;

	s = segcb_advance(&rdp->cbs);
	ready = !seg_empty(&rdp->cbs, SEG_DONE);
	local_irq_restore(flags);
	if (s)
		rcu_request_gp(rdp, s);	/* NEXT may just have got its GP */
	return ready;
}

static int rcu_cpu_kthread(void *arg)
{
	struct rcu_data *rdp = this_cpu_ptr(&rcu_data);

	for (;;) {
		struct rcu_head *list, *next;
		unsigned long flags;
		int n = 0;

		wait_event(rdp->cb_wq, rcu_cbs_ready(rdp));
		flags = local_irq_save();
		list = segcb_take_done(&rdp->cbs);
		local_irq_restore(flags);
		for (; list; list = next) {
			next = list->next;	/* the callback may free list */
			/*
			 * Uncounted before it runs: when rcu_barrier's callback
			 * completes the barrier, the count already excludes it,
			 * and every earlier callback has run to its end.
			 */
			__atomic_sub_fetch(&rdp->n_cbs, 1, __ATOMIC_RELAXED);	/* call_rcu may add from an IRQ */
			rcu_invoke(list);
			rdp->n_invoked++;
			if (++n % RCU_BATCH == 0)
				cond_resched();
		}
	}
	return 0;
}

/* ---- synchronize_rcu and rcu_barrier ---- */

struct rcu_synchronize {
	struct rcu_head head;
	struct completion done;
};

static void wakeme_after_rcu(struct rcu_head *head)
{
	complete(&container_of(head, struct rcu_synchronize, head)->done);
}

void synchronize_rcu(void)
{
	struct rcu_synchronize rs;

	might_sleep();
	if (WARN_ON_ONCE(!rcu_state.running))
		return;
	init_completion(&rs.done);
	call_rcu(&rs.head, wakeme_after_rcu);
	wait_for_completion(&rs.done);
}

static DEFINE_PER_CPU(struct rcu_head, barrier_head);

static void rcu_barrier_callback(struct rcu_head *head)
{
	if (atomic_dec_and_test(&rcu_state.barrier_count))
		complete(&rcu_state.barrier_done);
}

static void rcu_barrier_queue(void *unused)
{
	call_rcu(this_cpu_ptr(&barrier_head), rcu_barrier_callback);
}

/*
 * One callback on every online CPU, behind everything queued there
 * already; when all have run, so have those. The count starts at 1 so that
 * it cannot reach 0 before every CPU has queued its callback.
 */
void rcu_barrier(void)
{
	int cpu;

	might_sleep();
	if (WARN_ON_ONCE(!rcu_state.running))
		return;
	mutex_lock(&rcu_state.barrier_mutex);
	init_completion(&rcu_state.barrier_done);
	atomic_set(&rcu_state.barrier_count, 1);
	for_each_online_cpu(cpu) {
		atomic_inc(&rcu_state.barrier_count);
		smp_call_function_single(cpu, rcu_barrier_queue, NULL, true);
	}
	rcu_wake_gp();			/* the IPIs ran with interrupts off and woke nothing */
	if (atomic_dec_and_test(&rcu_state.barrier_count))
		complete(&rcu_state.barrier_done);
	wait_for_completion(&rcu_state.barrier_done);
	mutex_unlock(&rcu_state.barrier_mutex);
}

/* ---- debug: sleeping inside a read-side section ---- */

void rcu_sleep_check(struct task *prev)
{
	if (!CONFIG_DEBUG || is_idle_task(prev) || !prev->rcu_read_lock_nesting)
		return;
	if (__atomic_add_fetch(&n_sleep_reports, 1, __ATOMIC_SEQ_CST) > RCU_MAX_SLEEP_REPORTS)
		return;
	printk(KERN_ERR "BUG: sleeping inside an RCU read-side section (nesting %d), task %s\n",
	       prev->rcu_read_lock_nesting, prev->comm);
	dump_stack();
}

/* ---- set-up, counters, the monitor ---- */

void rcu_init(void)
{
	int cpu;

	init_waitqueue_head(&rcu_state.gp_wq);
	mutex_init(&rcu_state.barrier_mutex, "rcu_barrier_mutex", LOCK_RANK_MUTEX);
	for_each_possible_cpu(cpu) {
		struct rcu_data *rdp = per_cpu_ptr(&rcu_data, cpu);
		segcb_init(&rdp->cbs);
		init_waitqueue_head(&rdp->cb_wq);
	}
	for_each_online_cpu(cpu) {
		struct rcu_data *rdp = per_cpu_ptr(&rcu_data, cpu);
		rdp->rcuc = kthread_create(rcu_cpu_kthread, NULL, "rcuc/%d", cpu);
		if (!rdp->rcuc)
			panic("rcu: cannot create rcuc/%d", cpu);
		kthread_bind(rdp->rcuc, cpu);
		wake_up_process(rdp->rcuc);
	}
	rcu_state.gp_kthread = kthread_run(rcu_gp_kthread, NULL, "rcu_gp");
	if (!rcu_state.gp_kthread)
		panic("rcu: cannot create rcu_gp");
	rcu_state.running = true;
}

unsigned long rcu_idle_qs_reports(int cpu) { return READ_ONCE(per_cpu(rcu_data, cpu).n_eqs_qs); }
unsigned long rcu_gp_seq(void) { return READ_ONCE(rcu_state.gp_seq); }
unsigned long rcu_completed_gps(void) { return READ_ONCE(rcu_state.n_gps); }
unsigned long rcu_stall_count(void) { return READ_ONCE(rcu_state.n_stalls); }
unsigned long rcu_sleep_in_reader_count(void) { return READ_ONCE(n_sleep_reports); }

long rcu_callbacks_pending(void)
{
	long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu(rcu_data, cpu).n_cbs);
	return n;
}
LEAK_COUNTER("rcu callbacks pending", rcu_callbacks_pending);

static int cmd_rcu(int argc, char **argv)
{
	unsigned long gp;
	int cpu;

	(void)argc;
	(void)argv;
	u64 age = rcu_gp_age_ns(&gp);

	console_printf("gp_seq %lu (%s), needed %lu, %lu grace periods, %lu stalls, stall timeout %lu ms\n",
		       gp, gp & 1 ? "in progress" : "idle", READ_ONCE(rcu_state.gp_seq_needed),
		       rcu_completed_gps(), rcu_stall_count(), rcu_stall_timeout_ms);
	if (gp & 1)
		console_printf("grace period %lu running for %lu ms\n", gp, (unsigned long)(age / NSEC_PER_MSEC));
	console_printf("cpu  owes-qs  idle  queued   invoked\n");
	for_each_online_cpu(cpu) {
		struct rcu_data *rdp = per_cpu_ptr(&rcu_data, cpu);
		console_printf("%3d  %7s  %4s  %6ld  %8lu\n", cpu,
			       cpumask_test_cpu(cpu, &rcu_state.qs_mask) ? "yes" : "no",
			       READ_ONCE(rdp->eqs) ? "yes" : "no", READ_ONCE(rdp->n_cbs), rdp->n_invoked);
	}
	return 0;
}
MONITOR_CMD(rcu, "", "RCU: grace-period sequence, CPUs owing a quiescent state, callbacks per CPU", cmd_rcu);
