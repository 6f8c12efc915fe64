/*
 * kernel/sched/kthread.c - creating, running, stopping and freeing tasks;
 * kernel threads.
 *
 * A new task's stack is laid out as if the task had called switch_to()
 * from ret_from_kthread (arch/x86_64/switch.S): six saved registers (r12
 * holding the task itself) and ret_from_kthread as the return address.
 * The first schedule() onto it "returns" there, which finishes the switch
 * and calls kthread_entry(): the thread function, then do_exit().
 *
 * The list of all tasks and tasklist_lock live here because every task,
 * kernel thread or user thread, is created and freed here (task_create,
 * put_task_struct). kernel/proc takes the same lock for the process tree
 * that hangs off these tasks, so that one lock makes "walk every task and
 * read its process links" atomic (ps, kill -1, find_task_by_pid).
 *
 * Lock order: tasklist_lock is taken alone, or before scheduler locks.
 */
#include "kernel/sched/rq.h"
#include "kernel/sync/wait.h"
#include "kernel/sync/lockdep.h"
#include "kernel/selftest.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/panic.h"
#include "kernel/mm/kstack.h"
#include "kernel/mm/slab.h"
#include "kernel/mm/numa.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "arch/x86_64/asm.h"

LIST_HEAD(task_list);
DEFINE_SPINLOCK_RANK(tasklist_lock, LOCK_RANK_TASKLIST);
atomic_t nr_tasks;
static atomic_t next_pid = ATOMIC_INIT(1);

extern char ret_from_kthread[];

void task_list_add(struct task *p)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);

	list_add_tail(&p->tasks, &task_list);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	atomic_inc(&nr_tasks);
}

static void task_list_del(struct task *p)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);

	list_del(&p->tasks);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	atomic_dec(&nr_tasks);
}

/*
 * The initial stack: what switch_to() pops, then where it "returns",
 * below a struct pt_regs' worth of room at the very top.
 */
static void prepare_stack(struct task *p)
{
	/* the top holds the user registers of a task that enters user mode (task_pt_regs) */
	unsigned long *sp = (unsigned long *)((char *)p->stack_top - PTREGS_SIZE);

	*--sp = (unsigned long)ret_from_kthread;
	*--sp = 0;			/* rbp: ends backtraces */
	*--sp = 0;			/* rbx */
	*--sp = (unsigned long)p;	/* r12: ret_from_kthread passes it on */
	*--sp = 0;			/* r13 */
	*--sp = 0;			/* r14 */
	*--sp = 0;			/* r15 */
	p->saved_rsp = (unsigned long)sp;
}

static struct kmem_cache *task_cache;	/* struct task, as Linux's task_struct cache */

void task_cache_init(void)
{
	task_cache = kmem_cache_create("task_struct", sizeof(struct task), 64, SLAB_HWCACHE_ALIGN, NULL);
	if (!task_cache)
		panic("cannot create the task_struct cache");
}

/* The task's struct on the node it will run on, like its stack. */
static struct task *alloc_task_struct(int node)
{
	return kmem_cache_alloc_node(task_cache, GFP_KERNEL | __GFP_ZERO, node);
}

static void free_task_struct(struct task *p)
{
	kmem_cache_free(task_cache, p);
}

static struct task *task_create(int (*fn)(void *), void *data, int node, const char *fmt, va_list ap)
{
	struct task *p = alloc_task_struct(node);

	if (!p)
		return NULL;
	p->stack_top = kstack_alloc(node);
	if (!p->stack_top) {
		free_task_struct(p);
		return NULL;
	}
	p->stack_bottom = (char *)p->stack_top - KSTACK_SIZE;
	vscnprintf(p->comm, sizeof(p->comm), fmt, ap);
	p->pid = atomic_inc_return(&next_pid);
	p->state = TASK_NEW;
	p->flags = PF_KTHREAD;
	p->threadfn = fn;
	p->data = data;
	p->cpu = smp_processor_id();
	p->cpus_allowed = cpu_online_mask;
	p->time_slice = SCHED_TIMESLICE_TICKS;
	spin_lock_init_rank(&p->pi_lock, "task.pi_lock", LOCK_RANK_PI_LOCK);
	INIT_LIST_HEAD(&p->run_list);
	init_completion(&p->exited);
	atomic_set(&p->usage, 2);	/* its own, and the creator's */
	prepare_stack(p);
	task_list_add(p);
	return p;
}

struct task *kthread_create_on_node(int (*fn)(void *), void *data, int node, const char *fmt, ...)
{
	struct task *p;
	va_list ap;

	va_start(ap, fmt);
	p = task_create(fn, data, node, fmt, ap);
	va_end(ap);
	return p;
}

struct task *kthread_create(int (*fn)(void *), void *data, const char *fmt, ...)
{
	struct task *p;
	va_list ap;

	va_start(ap, fmt);
	p = task_create(fn, data, numa_node_id(), fmt, ap);
	va_end(ap);
	return p;
}

/* Before the first wakeup: p will only ever run on cpu. */
void kthread_bind(struct task *p, int cpu)
{
	BUG_ON(p->state != TASK_NEW);
	cpumask_clear(&p->cpus_allowed);
	cpumask_set_cpu(cpu, &p->cpus_allowed);
	p->cpu = cpu;
}

bool kthread_should_stop(void)
{
	return READ_ONCE(current->should_stop);
}

int kthread_stop(struct task *p)
{
	int ret;

	WRITE_ONCE(p->should_stop, true);
	wake_up_process(p);
	wait_for_completion(&p->exited);
	/* it may still be on its way out: wait until it has dropped its own reference */
	while (atomic_read(&p->usage) > 1)
		cpu_relax();
	ret = p->exit_code;
	put_task_struct(p);		/* the creator's reference */
	return ret;
}

void do_exit(int code)
{
	struct task *p = current;
	unsigned long flags;

	BUG_ON(is_idle_task(p));
	p->flags |= PF_EXITING;
	p->exit_code = code;
	complete_all(&p->exited);
	/*
	 * Dead: the next task's finish_task_switch drops our own reference.
	 * TASK_DEAD is written under pi_lock, where wake_up_state() reads the
	 * state: a waker that read an earlier sleeping state of ours (we may
	 * have left that sleep by ourselves since) must finish before the
	 * write, or it would put TASK_RUNNING over TASK_DEAD and queue a dead
	 * task. Wakeups never match TASK_DEAD, so nothing changes it after.
	 */
	flags = spin_lock_irqsave(&p->pi_lock);
	WRITE_ONCE(p->state, TASK_DEAD);
	spin_unlock_irqrestore(&p->pi_lock, flags);
	schedule();
	BUG();
}

void kthread_entry(struct task *p)
{
	do_exit(p->threadfn(p->data));
}

void put_task_struct(struct task *p)
{
	if (!atomic_dec_and_test(&p->usage))
		return;
	BUG_ON(p->state != TASK_DEAD || p->on_cpu || is_idle_task(p));
	task_list_del(p);
	kstack_free(p->stack_top);
	free_task_struct(p);
}

static long count_tasks(void)
{
	return atomic_read(&nr_tasks);
}
LEAK_COUNTER("tasks", count_tasks);
