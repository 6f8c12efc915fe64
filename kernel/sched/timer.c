/*
 * kernel/sched/timer.c - per-CPU timer lists and sleeping with a timeout.
 *
 * Each CPU keeps its pending timers in a list sorted by expiry, under its
 * own lock (interrupts off: the tick takes it too). The tick pops and runs
 * the expired ones. Lock order: timer base lock is a leaf (see
 * kernel/sync/lock_order.h); a timer function may take task locks after
 * the base lock has been dropped.
 */
#include "kernel/sched/timer.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/lockdep.h"
#include "kernel/percpu.h"
#include "kernel/time.h"
#include "kernel/smp.h"

struct timer_base {
	spinlock_t lock;
	struct list_head pending;
	struct timer *running;		/* whose fn is running now, for del_timer_sync */
};

static DEFINE_PER_CPU(struct timer_base, timer_bases);

void timers_init_cpu(int cpu)
{
	struct timer_base *b = &per_cpu(timer_bases, cpu);

	spin_lock_init_rank(&b->lock, "timer_base.lock", LOCK_RANK_TIMER_BASE);
	INIT_LIST_HEAD(&b->pending);
}

void timer_setup(struct timer *t, void (*fn)(struct timer *t))
{
	t->fn = fn;
	t->cpu = -1;
	INIT_LIST_HEAD(&t->entry);
}

void add_timer(struct timer *t, u64 expires_ns)
{
	unsigned long flags = local_irq_save();
	struct timer_base *b = this_cpu_ptr(&timer_bases);
	struct timer *pos;

	spin_lock(&b->lock);
	t->expires_ns = expires_ns;
	t->cpu = smp_processor_id();
	list_for_each_entry(pos, &b->pending, entry)	/* keep the list sorted */
		if (pos->expires_ns > expires_ns)
			break;
	list_add_tail(&t->entry, &pos->entry);
	spin_unlock(&b->lock);
	local_irq_restore(flags);
}

bool del_timer(struct timer *t)
{
	int cpu = READ_ONCE(t->cpu);
	struct timer_base *b;
	unsigned long flags;
	bool pending = false;

	if (cpu < 0)
		return false;
	b = &per_cpu(timer_bases, cpu);
	flags = spin_lock_irqsave(&b->lock);
	if (t->cpu == cpu) {
		list_del_init(&t->entry);
		t->cpu = -1;
		pending = true;
	}
	spin_unlock_irqrestore(&b->lock, flags);
	return pending;
}

void run_local_timers(void)
{
	struct timer_base *b = this_cpu_ptr(&timer_bases);
	u64 now = ktime_get_ns();

	for (;;) {
		struct timer *t;
		spin_lock(&b->lock);
		t = list_first_entry_or_null(&b->pending, struct timer, entry);
		if (!t || t->expires_ns > now) {
			spin_unlock(&b->lock);
			return;
		}
		list_del_init(&t->entry);
		t->cpu = -1;
		b->running = t;
		spin_unlock(&b->lock);
		t->fn(t);
		WRITE_ONCE(b->running, NULL);
	}
}

bool del_timer_sync(struct timer *t)
{
	int cpu;

	for (;;) {
		bool pending = del_timer(t);
		bool busy = false;
		for_each_online_cpu(cpu)
			busy |= READ_ONCE(per_cpu(timer_bases, cpu).running) == t;
		if (!busy)
			return pending;
		cpu_relax();	/* its function runs on another CPU right now */
	}
}

/* ---- sleeping ---- */

struct sleeper {
	struct timer timer;
	struct task *task;
};

static void wake_sleeper(struct timer *t)
{
	wake_up_process(container_of(t, struct sleeper, timer)->task);
}

long schedule_timeout(long ns)
{
	struct sleeper s;
	u64 expires;
	long left;

	if (ns == MAX_SCHEDULE_TIMEOUT) {
		schedule();
		return ns;
	}
	if (ns <= 0) {
		__set_current_state(TASK_RUNNING);
		return 0;
	}
	expires = ktime_get_ns() + ns;
	timer_setup(&s.timer, wake_sleeper);
	s.task = current;
	add_timer(&s.timer, expires);
	schedule();
	del_timer_sync(&s.timer);	/* s is on this stack: the timer must be done with it */
	left = (long)(expires - ktime_get_ns());
	return left > 0 ? left : 0;
}

long schedule_timeout_uninterruptible(long ns)
{
	set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(ns);
}

void msleep(unsigned int ms)
{
	long ns = (long)ms * NSEC_PER_MSEC;

	might_sleep();
	while (ns > 0)		/* an early wakeup sleeps again for the rest */
		ns = schedule_timeout_uninterruptible(ns);
}
