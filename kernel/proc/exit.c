/*
 * kernel/proc/exit.c - how threads and processes end: exit, exit_group,
 * the zombie state, wait4 and reaping.
 *
 * A thread's exit (do_exit_user):
 *   1. exit_mm: clear_child_tid is zeroed and its futex woken (this is how
 *      pthread_join learns a thread ended), a vfork parent is released,
 *      and the mm reference is dropped (mmput); the task keeps the mm as
 *      its active_mm (mmgrab) until its last switch.
 *   2. exit_notify, under tasklist_lock: the task leaves the live count
 *      of its group. A non-leader thread is reaped at once. The last task
 *      of the group to get here ends the process: the leader becomes a
 *      zombie holding the wait status, its children go to init (or are
 *      reaped when there is none), and the parent gets exit_signal and a
 *      wakeup in wait4. A parent that ignores SIGCHLD (or SA_NOCLDWAIT)
 *      gets no zombie: the process is reaped at once, as in Linux.
 *   3. do_exit (kernel/sched/kthread.c): TASK_DEAD and the last schedule.
 */
#include "kernel/proc/proc.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/syscalls.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/slab.h"
#include "kernel/errno.h"
#include "kernel/printk.h"

#define WNOHANG		0x00000001
#define WUNTRACED	0x00000002
#define WCONTINUED	0x00000008
#define __WNOTHREAD	0x20000000
#define __WALL		0x40000000
#define __WCLONE	0x80000000
#define RUSAGE_SIZE	144		/* sizeof(struct rusage) on x86-64: zeroed, no accounting */

struct task *child_reaper;
static DECLARE_WAIT_QUEUE_HEAD(kernel_child_wait);	/* wait_user() sleeps here */

/* ---- looking tasks up (tasklist_lock) ---- */

static bool task_alive(struct task *p)
{
	return is_user_task(p) && p->user.exit_state != EXIT_DEAD;
}

struct task *find_task_by_pid(int pid)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	struct task *p, *found = NULL;

	list_for_each_entry(p, &task_list, tasks)
		if (p->pid == pid && task_alive(p) && !(p->flags & PF_EXITING)) {
			get_task_struct(p);
			found = p;
			break;
		}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return found;
}

/*
 * A process that has exited but not been reaped (a zombie, or one whose
 * threads are still exiting) still exists for kill(2): Linux answers 0,
 * not ESRCH, until its parent's wait4 takes it.
 */
bool process_unreaped(int tgid)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	struct task *p;
	bool found = false;

	list_for_each_entry(p, &task_list, tasks)
		if (p->pid == tgid && task_alive(p) && p->user.group_leader == p) {
			found = true;
			break;
		}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return found;
}

struct task *find_process(int tgid)
{
	struct task *p = find_task_by_pid(tgid);

	if (p && p->user.group_leader != p) {
		put_task_struct(p);
		return NULL;			/* a thread id, not a process id */
	}
	if (!p) {				/* the leader may have exited while its threads run */
		unsigned long flags = spin_lock_irqsave(&tasklist_lock);
		list_for_each_entry(p, &task_list, tasks)
			if (p->pid == tgid && task_alive(p) && p->user.group_leader == p &&
			    p->user.signal->nr_threads > 0) {
				get_task_struct(p);
				spin_unlock_irqrestore(&tasklist_lock, flags);
				return p;
			}
		spin_unlock_irqrestore(&tasklist_lock, flags);
		return NULL;
	}
	return p;
}

#define KILL_ALL_MAX	256	/* processes kill(-1, sig) reaches in one call */

int kill_all_processes(int sig)
{
	struct task *targets[KILL_ALL_MAX], *p;
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	int n = 0;

	list_for_each_entry(p, &task_list, tasks) {
		if (!task_alive(p) || p->user.group_leader != p || p->pid == 1 ||
		    p->user.signal == current->user.signal || !p->user.signal->nr_threads)
			continue;
		if (n < KILL_ALL_MAX) {
			get_task_struct(p);
			targets[n++] = p;
		}
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	for (int i = 0; i < n; i++) {
		send_sig_process(targets[i], sig, SI_USER);
		put_task_struct(targets[i]);
	}
	return n ? 0 : -ESRCH;
}

/* ---- releasing ---- */

static void signal_put(struct signal_struct *sig)
{
	if (atomic_dec_and_test(&sig->count))
		kfree(sig);
}

/* Unhooks p (tasklist_lock held); the caller then calls put_task_struct(p). */
static void __unhash_task(struct task *p)
{
	struct sighand_struct *sh = p->user.sighand;

	p->user.exit_state = EXIT_DEAD;
	list_del_init(&p->user.sibling);
	spin_lock(&sh->siglock);
	list_del_init(&p->user.thread_node);
	spin_unlock(&sh->siglock);
}

/* Frees what p's group shares with it and drops the reaper's reference. */
void release_task(struct task *p)
{
	struct signal_struct *sig = p->user.signal;
	struct sighand_struct *sh = p->user.sighand;
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);

	if (p->user.exit_state != EXIT_DEAD)
		__unhash_task(p);
	p->user.signal = NULL;
	p->user.sighand = NULL;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	sighand_put(sh);
	signal_put(sig);
	put_task_struct(p);
}

/* ---- exit ---- */

static void exit_mm(struct task *p)
{
	struct mm_struct *mm = p->mm;
	unsigned long flags;

	if (p->user.clear_child_tid && mm) {
		u32 __user *tid = (u32 __user *)p->user.clear_child_tid;
		p->user.clear_child_tid = 0;
		if (!put_user(0U, tid))
			futex_wake_addr(tid, 1, true);
	}
	if (p->user.vfork_done) {
		complete(p->user.vfork_done);
		p->user.vfork_done = NULL;
	}
	if (!mm)
		return;
	mmgrab(mm);			/* active_mm keeps it until our last switch */
	flags = spin_lock_irqsave(&tasklist_lock);	/* get_task_mm() reads p->mm under it */
	p->mm = NULL;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	mmput(mm);
}

static bool notify_parent(struct task *leader);

/*
 * tasklist_lock held: p is unhooked now and released once the lock is
 * dropped. Until then it waits on the caller's list through its sibling
 * node, free once it left its parent's children (a thread never used it).
 */
static void queue_release(struct task *p, struct list_head *to_release)
{
	__unhash_task(p);
	list_add_tail(&p->user.sibling, to_release);
}

static void release_queued(struct list_head *to_release)
{
	struct task *p, *tmp;

	list_for_each_entry_safe(p, tmp, to_release, user.sibling) {
		list_del_init(&p->user.sibling);
		release_task(p);
	}
}

/*
 * tasklist_lock held: hands leader's children to init, or lets them go.
 * As in Linux, a child handed to init will send it SIGCHLD whatever
 * exit signal it was created with (a reaper must be able to see it with a
 * plain wait4), and a zombie handed over is announced to init at once,
 * which releases it straight away when init ignores SIGCHLD.
 */
static void forget_children(struct task *leader, struct list_head *to_release)
{
	struct task *c, *tmp;
	struct task *reaper = child_reaper;

	if (reaper && (reaper == leader || !task_alive(reaper) || !reaper->user.signal->nr_threads))
		reaper = NULL;
	list_for_each_entry_safe(c, tmp, &leader->user.children, user.sibling) {
		list_del_init(&c->user.sibling);
		c->user.parent = reaper;
		if (reaper) {
			list_add_tail(&c->user.sibling, &reaper->user.children);
			c->user.exit_signal = SIGCHLD;
			if (c->user.exit_state == EXIT_ZOMBIE && notify_parent(c))
				queue_release(c, to_release);
		} else if (c->user.exit_state == EXIT_ZOMBIE) {
			queue_release(c, to_release);
		} else {
			c->user.exit_signal = -1;	/* nobody will wait: reap itself when it ends */
		}
	}
}

/*
 * tasklist_lock held: the process has ended; tell its parent. Returns true
 * when nobody will wait for it, so it is to be released now.
 */
static bool notify_parent(struct task *leader)
{
	struct task *parent = leader->user.parent;
	struct sighand_struct *psh;
	int sig = leader->user.exit_signal;
	bool autoreap = false;

	if (!parent) {
		if (!leader->user.signal->kernel_waited)
			return true;
		wake_up_all(&kernel_child_wait);
		return false;
	}
	if (sig <= 0) {				/* no signal, but still a zombie for wait4(__WCLONE/__WALL) */
		wake_up_all(&parent->user.signal->wait_chldexit);
		return false;
	}
	psh = parent->user.sighand;
	spin_lock(&psh->siglock);
	if (sig == SIGCHLD && (psh->action[SIGCHLD - 1].handler == SIG_IGN ||
			       (psh->action[SIGCHLD - 1].flags & SA_NOCLDWAIT)))
		autoreap = true;
	spin_unlock(&psh->siglock);
	if (!autoreap)
		send_sig_locked_process(parent, sig);
	wake_up_all(&parent->user.signal->wait_chldexit);
	return autoreap;
}

static void exit_notify(struct task *p, int status)
{
	struct signal_struct *sig = p->user.signal;
	struct task *leader = p->user.group_leader;
	LIST_HEAD(to_release);
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);

	if (p == leader)
		p->user.wait_status = status;
	sig->nr_threads--;
	wake_up_all(&sig->wait_chldexit);	/* an exec waiting in de_thread */
	if (sig->nr_threads == 0) {
		if (sig->group_exit)
			leader->user.wait_status = sig->group_exit_code;
		else if (sig->leader_killed_by_exec)
			leader->user.wait_status = status;
		forget_children(leader, &to_release);
		if (child_reaper == leader)
			child_reaper = NULL;	/* init is gone: orphans are reaped at once from now */
		leader->user.exit_state = EXIT_ZOMBIE;
		if (notify_parent(leader))
			queue_release(leader, &to_release);
	}
	if (p != leader)			/* a thread: nobody waits for it */
		queue_release(p, &to_release);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	release_queued(&to_release);
}

void do_exit_user(int status)
{
	struct task *p = current;

	p->flags |= PF_EXITING;
	mpol_task_exit(p);		/* before the mm: no allocation uses it after this */
	exit_files(p);
	exit_mm(p);
	p->thread.has_user = false;	/* no FPU state to save from now on */
	exit_notify(p, status);
	do_exit(status);
}

void do_group_exit(int status)
{
	struct sighand_struct *sh = current->user.sighand;

	spin_lock_irq(&sh->siglock);
	if (current->user.signal->group_exit)
		status = current->user.signal->group_exit_code;
	else
		zap_thread_group_locked(current->user.signal, status);
	spin_unlock_irq(&sh->siglock);
	do_exit_user(status);
}

long sys_exit(int code)
{
	do_exit_user(wait_status_exited(code));
}

long sys_exit_group(int code)
{
	do_group_exit(wait_status_exited(code));
}

/* ---- wait ---- */

/*
 * Linux's rule: without __WALL, wait4 sees only "normal" children
 * (exit_signal SIGCHLD), or with __WCLONE only the others.
 */
static bool wait_matches(struct task *child, int pid, int options)
{
	if (!(options & __WALL) && ((child->user.exit_signal != SIGCHLD) ^ !!(options & __WCLONE)))
		return false;
	return pid == -1 || pid == 0 || child->pid == pid;
}

/* Returns the pid reaped, 0 (WNOHANG, none ready), or -errno. */
int do_wait(int pid, int *status, int options)
{
	struct task *leader = current->user.group_leader;
	struct wait_queue_head *wq = &current->user.signal->wait_chldexit;
	struct wait_queue_entry w;
	int ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (pid < -1)
		return -ECHILD;			/* no process groups here: no such child */
	init_wait_entry(&w);
	for (;;) {
		struct task *c, *zombie = NULL;
		bool any = false;
		unsigned long flags;

		prepare_to_wait(wq, &w, TASK_INTERRUPTIBLE);
		flags = spin_lock_irqsave(&tasklist_lock);
		list_for_each_entry(c, &leader->user.children, user.sibling) {
			if (!wait_matches(c, pid, options))
				continue;
			any = true;
			if (c->user.exit_state == EXIT_ZOMBIE) {
				zombie = c;
				__unhash_task(c);
				break;
			}
		}
		spin_unlock_irqrestore(&tasklist_lock, flags);
		if (zombie) {
			*status = zombie->user.wait_status;
			ret = zombie->pid;
			release_task(zombie);
			break;
		}
		if (!any) {
			ret = -ECHILD;
			break;
		}
		if (options & WNOHANG) {
			ret = 0;
			break;
		}
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;	/* EINTR, or restarted under SA_RESTART */
			break;
		}
		schedule();
	}
	finish_wait(wq, &w);
	return ret;
}

long sys_wait4(int pid, int __user *ustatus, int options, void __user *rusage)
{
	int status = 0;
	int ret = do_wait(pid, &status, options);

	if (ret > 0) {
		if (ustatus && put_user(status, ustatus))
			return -EFAULT;
		if (rusage && clear_user(rusage, RUSAGE_SIZE))
			return -EFAULT;
	}
	return ret;
}

/* For the kernel: nobody will wait for process pid (started by spawn_user); it reaps itself. */
void detach_user(int pid)
{
	struct task *p, *zombie = NULL;
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);

	list_for_each_entry(p, &task_list, tasks)
		if (p->pid == pid && task_alive(p) && p->user.group_leader == p && !p->user.parent &&
		    p->user.signal->kernel_waited) {
			p->user.signal->kernel_waited = false;
			if (p->user.exit_state == EXIT_ZOMBIE) {	/* it ended already */
				__unhash_task(p);
				zombie = p;
			}
			break;
		}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (zombie)
		release_task(zombie);
}

/* For the kernel: waits until process pid (started by spawn_user) ends, and reaps it. */
int wait_user(int pid, int *status)
{
	struct task *p, *found = NULL;
	unsigned long flags;

	flags = spin_lock_irqsave(&tasklist_lock);
	list_for_each_entry(p, &task_list, tasks)
		if (p->pid == pid && task_alive(p) && p->user.group_leader == p && !p->user.parent &&
		    p->user.signal->kernel_waited) {
			found = p;
			get_task_struct(p);
			break;
		}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (!found)
		return -ECHILD;
	wait_event(kernel_child_wait, READ_ONCE(found->user.exit_state) == EXIT_ZOMBIE);
	*status = found->user.wait_status;
	flags = spin_lock_irqsave(&tasklist_lock);
	__unhash_task(found);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	release_task(found);
	put_task_struct(found);
	return 0;
}
