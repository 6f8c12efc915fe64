/*
 * kernel/sched/core.c - per-CPU runqueues, schedule(), wakeups, the tick.
 *
 * Invariants:
 *  - A task is on at most one runqueue; p->cpu names it (or the last one)
 *    and changes only with p->pi_lock held.
 *  - rq->curr is the running task; waiting tasks are on rq->queue; the idle
 *    task is never on a queue and runs only when the queue is empty.
 *  - p->on_cpu stays set from when a CPU picks p until that CPU has
 *    switched away from it (finish_task_switch): a task is never run on
 *    two CPUs, and its stack is never freed while in use.
 *  - A sleeping task (state != TASK_RUNNING) leaves its runqueue only in
 *    schedule(), under rq->lock; a waker either finds it still on_rq
 *    (under the same lock) and just sets TASK_RUNNING, or finds it off and
 *    enqueues it. So no wakeup is lost.
 *
 * Lock order (kernel/sync/lock_order.h): p->pi_lock, then rq->lock; two
 * runqueue locks are never held together (migration moves a task in two
 * steps, with the task marked off-queue between them).
 */
#include "kernel/sched/rq.h"
#include "kernel/sched/timer.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/smp.h"
#include "kernel/mm/numa.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/monitor.h"
#include "kernel/errno.h"
#include "kernel/sync/lockdep.h"
#include "kernel/sync/rcupdate.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/desc.h"
#include "arch/x86_64/processor.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/lazy_mm.h"

DEFINE_PER_CPU(struct rq, runqueues);
DEFINE_PER_CPU(struct task *, current_task);
static DEFINE_PER_CPU(struct task, idle_task);
static bool sched_running;		/* sched_init done: current is valid */

/* ---- queue operations (rq->lock held) ---- */

void enqueue_task(struct rq *rq, struct task *p)
{
	list_add_tail(&p->run_list, &rq->queue);
	p->on_rq = 1;
	p->cpu = rq->cpu;
	rq->nr_running++;
}

void dequeue_task(struct rq *rq, struct task *p)
{
	if (rq->curr != p)
		list_del_init(&p->run_list);
	p->on_rq = 0;
	rq->nr_running--;
}

static void resched_task(struct rq *rq, struct task *p)
{
	WRITE_ONCE(p->need_resched, true);
	if (rq->cpu != smp_processor_id())
		send_reschedule_ipi(rq->cpu);
}

void resched_curr_cpu(int cpu)
{
	struct rq *rq = cpu_rq(cpu);
	unsigned long flags = spin_lock_irqsave(&rq->lock);

	resched_task(rq, rq->curr);
	spin_unlock_irqrestore(&rq->lock, flags);
}

static int select_task_rq(struct task *p);
static void activate_task(struct task *p, int cpu);

/* ---- the switch ---- */

static void account_switch(struct rq *rq, struct task *prev, struct task *next, u64 now)
{
	prev->sum_exec_ns += now - prev->exec_start;
	next->exec_start = now;
	if (is_idle_task(prev))
		rq->idle_ns += now - rq->idle_start;
	if (is_idle_task(next))
		rq->idle_start = now;
	rq->nr_switches++;
}

/*
 * The address space and the user state that go with the switch (Linux's
 * context_switch): the mm half is kernel/mm/lazy_mm.c's (a user task gets
 * its page tables loaded; a kernel thread borrows the ones loaded now, in
 * the way the technique lazy_mm says), then the FPU registers, the user
 * FS/GS bases and the ring-0 entry stack.
 */
static void context_switch_mm(struct rq *rq, struct task *prev, struct task *next)
{
	switch_mm_for_task(prev, next);
	switch_thread_state(&prev->thread, &next->thread, (unsigned long)next->stack_top);
}

#if CONFIG_DEBUG
/*
 * A test hook (debug builds): called on the CPU that just switched away
 * from prev, after prev->on_cpu is cleared, i.e. in the window where prev
 * may be woken and run, and even exit, on another CPU. The self-test
 * sched.woken_and_dead_during_switch uses it to play exactly that.
 */
void (*sched_switch_window_hook)(struct task *prev);

static void switch_window_hook(struct task *prev)
{
	void (*hook)(struct task *) = READ_ONCE(sched_switch_window_hook);

	if (hook)
		hook(prev);
}
#else
static inline void switch_window_hook(struct task *prev) { }
#endif

/* Runs on the new task's stack, right after switch_to, with rq->lock held. */
static void finish_task_switch(struct task *prev)
{
	struct rq *rq = this_rq();
	struct task *migrating = rq->migrating;

	/*
	 * prev->state must be read before on_cpu is cleared. From the store
	 * below on, a wakeup may run prev on another CPU, where it can exit,
	 * set TASK_DEAD and switch away: that CPU then drops prev's own
	 * reference, and a state read here after the store would see
	 * TASK_DEAD too and drop it a second time, freeing a task its parent
	 * may still hold as a zombie (the wait4 use-after-free of issue 15).
	 * TASK_DEAD is final, and set only by prev itself while on this CPU
	 * (do_exit), so the value read now is prev's state at the switch.
	 */
	long prev_state = READ_ONCE(prev->state);

	rq->migrating = NULL;
	smp_store_release(&prev->on_cpu, 0);	/* pairs with wake_up_state()'s smp_load_acquire */
	spin_unlock_irq(&rq->lock);
	switch_window_hook(prev);
	lazy_mm_finish_switch();		/* drops what the switch gave up (lazy_mm.c) */
	if (migrating) {
		unsigned long flags = spin_lock_irqsave(&migrating->pi_lock);
		migrating->nr_migrations++;
		activate_task(migrating, select_task_rq(migrating));
		spin_unlock_irqrestore(&migrating->pi_lock, flags);
	}
	if (prev_state == TASK_DEAD) {
		/* exactly once: a second drop would free prev under its reaper's reference */
		BUG_ON(CONFIG_DEBUG && xchg(&prev->own_ref_dropped, 1));
		put_task_struct(prev);		/* the task's own reference */
	}
}

/* The first thing a new task runs (from ret_from_kthread). */
void schedule_tail(struct task *prev)
{
	finish_task_switch(prev);
}

static struct task *pick_next_task(struct rq *rq)
{
	struct task *next = list_first_entry_or_null(&rq->queue, struct task, run_list);

	if (!next)
		return rq->idle;
	list_del_init(&next->run_list);
	return next;
}

void schedule(void)
{
	struct task *prev = current, *next;
	struct rq *rq;

	if (unlikely(this_cpu_read(spin_depth) != 0 && !oops_in_progress))
		panic("schedule() with %d spinlocks held", this_cpu_read(spin_depth));
	if (unlikely(pagefault_disabled() && !oops_in_progress))
		panic("schedule() with page faults disabled");
	rcu_sleep_check(prev);		/* debug: a sleep inside rcu_read_lock() is a bug */
	rcu_note_context_switch();	/* a schedule point is a quiescent state */
	local_irq_disable();
	rq = this_rq();
	spin_lock(&rq->lock);
	WRITE_ONCE(prev->need_resched, false);
	if (prev->state != TASK_RUNNING) {
		dequeue_task(rq, prev);		/* going to sleep, or dying */
		prev->nvcsw++;
	} else if (!is_idle_task(prev)) {
		prev->nivcsw++;
		if (cpumask_test_cpu(rq->cpu, &prev->cpus_allowed)) {
			list_add_tail(&prev->run_list, &rq->queue);	/* round robin */
		} else {
			dequeue_task(rq, prev);	/* no longer allowed here: moved after the switch */
			rq->migrating = prev;
		}
	}
	next = pick_next_task(rq);
	if (next == prev) {
		if (!is_idle_task(prev))
			list_del_init(&prev->run_list);
		spin_unlock_irq(&rq->lock);
		return;
	}
	next->time_slice = SCHED_TIMESLICE_TICKS;
	next->on_cpu = 1;
	rq->curr = next;
	this_cpu_write(current_task, next);
	account_switch(rq, prev, next, ktime_get_ns());
	set_this_cpu_kstack((unsigned long)next->stack_bottom, (unsigned long)next->stack_top);
	context_switch_mm(rq, prev, next);
	prev = switch_to(prev, next);
	finish_task_switch(prev);
}

void cond_resched(void)
{
	rcu_all_qs();			/* report at once if a grace period waits for this CPU */
	if (READ_ONCE(current->need_resched))
		schedule();
}

/* ---- wakeups ---- */

static int select_task_rq(struct task *p)
{
	int cpu = p->cpu;

	if (cpumask_test_cpu(cpu, &p->cpus_allowed) && cpu_online(cpu))
		return cpu;
	for_each_cpu(cpu, &p->cpus_allowed)
		if (cpu_online(cpu))
			return cpu;
	WARN_ON_ONCE(1);		/* no allowed CPU online: run where it was */
	return p->cpu;
}

/*
 * Queues p on cpu's runqueue and asks the running task there to yield at
 * its next schedule point (wakeup preemption): a woken task, typically
 * about to do a little work and block again, should not wait out a whole
 * time slice. The kernel being non-preemptible, the switch still happens
 * only where the running task allows it.
 */
static void activate_task(struct task *p, int cpu)
{
	struct rq *rq = cpu_rq(cpu);

	spin_lock(&rq->lock);
	enqueue_task(rq, p);
	if (!READ_ONCE(rq->curr->need_resched))
		resched_task(rq, rq->curr);
	spin_unlock(&rq->lock);
}

/* Wakes p if its state is in `state`; true if this call made it runnable. */
bool wake_up_state(struct task *p, long state)
{
	unsigned long flags = spin_lock_irqsave(&p->pi_lock);
	bool woke = false;
	struct rq *rq;

	if (!(READ_ONCE(p->state) & state))
		goto out;
	woke = true;
	rq = cpu_rq(p->cpu);
	spin_lock(&rq->lock);
	if (p->on_rq) {			/* has not left its runqueue yet */
		WRITE_ONCE(p->state, TASK_RUNNING);
		spin_unlock(&rq->lock);
		goto out;
	}
	spin_unlock(&rq->lock);
	while (smp_load_acquire(&p->on_cpu))	/* its old CPU is still switching away */
		cpu_relax();
	WRITE_ONCE(p->state, TASK_RUNNING);
	activate_task(p, select_task_rq(p));
out:
	spin_unlock_irqrestore(&p->pi_lock, flags);
	return woke;
}

bool wake_up_process(struct task *p)
{
	return wake_up_state(p, TASK_NORMAL | TASK_NEW);
}

/* ---- migration ---- */

/*
 * Moves a waiting task from its runqueue to dst's. Caller holds p->pi_lock
 * (so p->cpu and p->on_rq are stable against wakeups) and p is not running.
 */
void move_queued_task(struct task *p, int dst)
{
	struct rq *src = cpu_rq(p->cpu);

	spin_lock(&src->lock);
	if (!p->on_rq || p->on_cpu || src->curr == p) {
		spin_unlock(&src->lock);
		return;			/* it ran or slept meanwhile: leave it */
	}
	dequeue_task(src, p);
	spin_unlock(&src->lock);
	p->nr_migrations++;
	activate_task(p, dst);
}

/*
 * Restricts p to the CPUs in mask. A waiting task moves now; a sleeping
 * one is queued on an allowed CPU by its next wakeup; a running one moves
 * itself at its next schedule() (the kernel is not preemptible, so not
 * before), which for the caller's own task is right here.
 */
int set_cpus_allowed(struct task *p, const struct cpumask *mask)
{
	unsigned long flags;
	int dst = -1, cpu;

	for_each_cpu(cpu, mask)
		if (cpu_online(cpu)) {
			dst = cpu;
			break;
		}
	if (dst < 0)
		return -EINVAL;		/* no online CPU in the mask */
	flags = spin_lock_irqsave(&p->pi_lock);
	p->cpus_allowed = *mask;
	if (cpumask_test_cpu(p->cpu, mask)) {
		spin_unlock_irqrestore(&p->pi_lock, flags);
		return 0;
	}
	if (p == current) {
		spin_unlock_irqrestore(&p->pi_lock, flags);
		schedule();		/* leaves this CPU: see schedule() */
		return 0;
	}
	if (READ_ONCE(p->on_cpu)) {
		spin_unlock_irqrestore(&p->pi_lock, flags);
		resched_curr_cpu(p->cpu);
		return 0;
	}
	if (p->on_rq)
		move_queued_task(p, dst);
	spin_unlock_irqrestore(&p->pi_lock, flags);
	return 0;
}

int sched_setaffinity_cpu(struct task *p, int cpu)
{
	struct cpumask m;

	cpumask_clear(&m);
	cpumask_set_cpu(cpu, &m);
	return set_cpus_allowed(p, &m);
}

/* ---- the tick, idling and load balancing ---- */

void sched_tick(bool user)
{
	struct task *p;
	struct rq *rq;

	if (!sched_running)
		return;
	run_local_timers();
	rcu_sched_clock_irq(user);	/* a tick in user mode is a quiescent state */
	rq = this_rq();
	p = rq->curr;
	if (is_idle_task(p)) {
		rq->balance_due = true;
		return;
	}
	if (--p->time_slice <= 0 && READ_ONCE(rq->nr_running) > 1)
		WRITE_ONCE(p->need_resched, true);	/* honoured at the next schedule point */
}

/*
 * Load balancing policy: only an idle CPU balances, on every tick while it
 * is idle. It finds the runqueue with the most tasks (at least two, so one
 * is waiting), preferring its own NUMA node when two are equally busy,
 * and pulls one waiting task that may run here. Running tasks are never
 * taken, and a task pulled is charged a migration.
 */
static int find_busiest_cpu(int self)
{
	int cpu, best = -1;
	unsigned int best_nr = 0;

	for_each_online_cpu(cpu) {
		unsigned int nr = READ_ONCE(cpu_rq(cpu)->nr_running);
		bool near = cpu_to_node(cpu) == cpu_to_node(self);
		if (cpu == self || nr < 2)
			continue;
		if (best < 0 || nr > best_nr ||
		    (nr == best_nr && near && cpu_to_node(best) != cpu_to_node(self))) {
			best = cpu;
			best_nr = nr;
		}
	}
	return best;
}

void idle_balance(struct rq *this)
{
	int src = find_busiest_cpu(this->cpu);
	struct task *p = NULL, *t;
	struct rq *busiest;
	unsigned long flags;

	if (src < 0)
		return;
	busiest = cpu_rq(src);
	flags = spin_lock_irqsave(&busiest->lock);
	list_for_each_entry(t, &busiest->queue, run_list)
		if (cpumask_test_cpu(this->cpu, &t->cpus_allowed) && !t->on_cpu) {
			p = t;
			get_task_struct(p);	/* it could run and exit once we unlock */
			break;
		}
	spin_unlock_irqrestore(&busiest->lock, flags);
	if (!p)
		return;
	flags = spin_lock_irqsave(&p->pi_lock);
	if (p->cpu == src && p->on_rq) {
		move_queued_task(p, this->cpu);
		if (p->cpu == this->cpu)
			this->nr_pulled++;
	}
	spin_unlock_irqrestore(&p->pi_lock, flags);
	put_task_struct(p);
}

void cpu_idle(void)
{
	struct rq *rq = this_rq();

	for (;;) {
		if (READ_ONCE(current->need_resched)) {
			schedule();
			continue;
		}
		if (rq->balance_due) {
			rq->balance_due = false;
			idle_balance(rq);
			continue;
		}
		local_irq_disable();
		/*
		 * Enter RCU's extended quiescent state before the last check:
		 * reporting the QS may wake rcu_gp onto this CPU.
		 */
		rcu_idle_enter();
		if (!READ_ONCE(current->need_resched))
			safe_halt();	/* sti; hlt: an IPI between check and halt still wakes us */
		else
			local_irq_enable();
		rcu_idle_exit();
	}
}

/* ---- set-up ---- */

static void init_rq(int cpu, struct task *idle)
{
	struct rq *rq = cpu_rq(cpu);

	spin_lock_init_rank(&rq->lock, "rq->lock", LOCK_RANK_RQ);
	rq->cpu = cpu;
	INIT_LIST_HEAD(&rq->queue);
	rq->curr = rq->idle = idle;
	rq->idle_start = ktime_get_ns();
}

/* The calling context (the CPU's boot stack) becomes cpu's idle task. */
static void init_idle(int cpu, unsigned long stack_lo, unsigned long stack_hi)
{
	struct task *idle = per_cpu_ptr(&idle_task, cpu);

	memset(idle, 0, sizeof(*idle));
	idle->state = TASK_RUNNING;
	idle->flags = PF_IDLE | PF_KTHREAD;
	idle->cpu = cpu;
	idle->on_cpu = 1;
	idle->pid = 0;
	snprintf(idle->comm, sizeof(idle->comm), "idle/%d", cpu);
	cpumask_set_cpu(cpu, &idle->cpus_allowed);
	spin_lock_init_rank(&idle->pi_lock, "task.pi_lock", LOCK_RANK_PI_LOCK);
	atomic_set(&idle->usage, 1);
	INIT_LIST_HEAD(&idle->run_list);
	idle->stack_bottom = (void *)stack_lo;
	idle->stack_top = (void *)stack_hi;
	idle->active_mm = &init_mm;		/* the kernel's page tables; never freed */
	init_rq(cpu, idle);
	task_list_add(idle);
	this_cpu_write(current_task, idle);
}

void sched_init(unsigned long stack_lo, unsigned long stack_hi)
{
	int cpu;

	for_each_possible_cpu(cpu)
		timers_init_cpu(cpu);
	task_cache_init();
	init_idle(0, stack_lo, stack_hi);
	sched_running = true;
}

void sched_init_ap(int cpu, unsigned long stack_lo, unsigned long stack_hi)
{
	init_idle(cpu, stack_lo, stack_hi);
}

/* ---- counters ---- */


u64 sched_idle_ns(int cpu)
{
	struct rq *rq = cpu_rq(cpu);
	u64 ns = READ_ONCE(rq->idle_ns);

	if (is_idle_task(READ_ONCE(rq->curr)))
		ns += ktime_get_ns() - READ_ONCE(rq->idle_start);
	return ns;
}

void __might_sleep(const char *file, int line, bool *warned)
{
	if (!CONFIG_DEBUG || !sched_running || *warned)
		return;
	if (this_cpu_read(spin_depth) || irqs_disabled()) {
		*warned = true;
		printk(KERN_ERR "BUG: sleeping function called from invalid context at %s:%d\n", file, line);
		printk(KERN_ERR "in_atomic: %d spinlock(s) held, irqs_disabled: %d, task %s\n",
		       this_cpu_read(spin_depth), irqs_disabled(), current->comm);
		lockdep_print_held_locks(current);
		dump_stack();
	} else if (current->rcu_read_lock_nesting) {
		*warned = true;
		printk(KERN_ERR "BUG: sleeping function called inside an RCU read-side section at %s:%d\n", file, line);
		printk(KERN_ERR "rcu_read_lock nesting %d, task %s\n", current->rcu_read_lock_nesting, current->comm);
		dump_stack();
	}
}

static int cmd_sched(int argc, char **argv)
{
	u64 now = ktime_get_ns();
	int cpu;

	(void)argc;
	(void)argv;
	console_printf("cpu  running  queued  switches   idle%%  pulled  current\n");
	for_each_online_cpu(cpu) {
		struct rq *rq = cpu_rq(cpu);
		unsigned int nr = READ_ONCE(rq->nr_running);
		struct task *curr = READ_ONCE(rq->curr);
		console_printf("%3d  %7u  %6u  %8lu  %5lu  %6lu  %s\n", cpu, nr,
			       nr - (is_idle_task(curr) ? 0 : 1), rq->nr_switches,
			       (unsigned long)(sched_idle_ns(cpu) * 100 / (now ? now : 1)),
			       rq->nr_pulled, curr->comm);
	}
	console_printf("time slice %d ticks (%d ms); idle CPUs pull waiting tasks every tick\n",
		       SCHED_TIMESLICE_TICKS, SCHED_TIMESLICE_TICKS * 1000 / HZ);
	console_printf("spinlock waiters: %s (spinlock= on the command line)\n", spinlock_mode());
	return 0;
}
MONITOR_CMD(sched, "", "per-CPU runqueues: length, switches, idle time, load balancing", cmd_sched);
