/*
 * kernel/proc/fork.c - creating processes and threads: clone, fork, vfork,
 * and spawn_user for the kernel.
 *
 * A new user task is built as a kernel task (kthread_create_on_node) whose
 * first code is user_thread_start: its kernel stack's top holds a copy of
 * the parent's user registers (task_pt_regs), with RAX = 0 (the child's
 * return value), and user_thread_start leaves for user mode through
 * ret_to_user. What the child shares and what it copies is what the clone
 * flags say, as in Linux:
 *   CLONE_VM       the same mm (mm_users + 1), else a copy-on-write copy (dup_mm)
 *   CLONE_SIGHAND  the same signal actions, else a copy
 *   CLONE_THREAD   the same thread group (tgid, signal_struct, parent),
 *                  else a new process, child of the caller's
 *   CLONE_SETTLS   FS base = tls (musl's thread pointer)
 *   CLONE_PARENT_SETTID / CLONE_CHILD_SETTID  the new tid stored at
 *                  parent_tid (by the parent) / child_tid (by the child)
 *   CLONE_CHILD_CLEARTID  child_tid zeroed and futex-woken at exit
 *   CLONE_VFORK    the parent sleeps until the child execs or exits
 *   CLONE_FILES    the same descriptor table (kernel/proc/fdtable.c), else a copy
 *   CLONE_FS, CLONE_SYSVSEM: accepted; there is nothing (file system
 *                  context, SysV undo list) to share or copy in this kernel.
 */
#include "kernel/proc/proc.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/syscalls.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/numa.h"
#include "kernel/mm/slab.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/fpu.h"

#define CSIGNAL			0x000000ff
#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_PIDFD		0x00001000
#define CLONE_PTRACE		0x00002000
#define CLONE_VFORK		0x00004000
#define CLONE_PARENT		0x00008000
#define CLONE_THREAD		0x00010000
#define CLONE_NEWNS		0x00020000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_UNTRACED		0x00800000
#define CLONE_CHILD_SETTID	0x01000000

/* Flags this kernel implements (CLONE_DETACHED and CLONE_UNTRACED are ignored, as in Linux). */
#define CLONE_SUPPORTED (CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK | \
			 CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | \
			 CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_UNTRACED | CLONE_CHILD_SETTID)

/* The first code of every new user task: into user mode with the prepared registers. */
static int user_thread_start(void *child_tid)
{
	struct pt_regs *regs = current_pt_regs();

	if (child_tid)
		put_user(current->pid, (int __user *)child_tid);
	local_irq_disable();
	exit_to_user_mode(regs);
	ret_to_user(regs);
}

/* make_process's parent argument for CLONE_PARENT: the caller's own parent. */
#define CALLERS_PARENT	((struct task *)1)

static struct signal_struct *signal_alloc(void)
{
	struct signal_struct *sig = kmalloc(sizeof(*sig), GFP_KERNEL | __GFP_ZERO);

	if (!sig)
		return NULL;
	atomic_set(&sig->count, 1);
	INIT_LIST_HEAD(&sig->threads);
	sig->nr_threads = 1;
	init_waitqueue_head(&sig->wait_chldexit);
	return sig;
}

/*
 * A user task in TASK_NEW, not yet visible as a process: everything but
 * the mm, the registers and the process tree. Returns NULL on ENOMEM.
 */
struct task *alloc_user_task(const char *comm, void *child_tid)
{
	struct task *p = kthread_create_on_node(user_thread_start, child_tid, numa_node_id(), "%s", comm);

	if (!p)
		return NULL;
	p->flags &= ~PF_KTHREAD;
	INIT_LIST_HEAD(&p->user.children);
	INIT_LIST_HEAD(&p->user.sibling);
	INIT_LIST_HEAD(&p->user.thread_node);
	p->thread.has_user = true;
	return p;
}

/* Undoes alloc_user_task for a task that never ran. */
void free_new_user_task(struct task *p)
{
	mpol_task_exit(p);
	exit_files(p);
	p->state = TASK_DEAD;
	atomic_set(&p->usage, 1);
	put_task_struct(p);
}

/*
 * Makes p a new process (its own thread group) whose parent is parent (a
 * group leader, or NULL), and links it. kernel_waited: wait_user() will
 * reap it (a parent-less process is otherwise reaped when it ends).
 */
int make_process(struct task *p, struct task *parent, int exit_signal, struct sighand_struct *sh,
		 bool kernel_waited)
{
	struct signal_struct *sig = signal_alloc();
	unsigned long flags;

	if (!sig)
		return -ENOMEM;
	sig->kernel_waited = kernel_waited;
	p->user.signal = sig;
	p->user.sighand = sh;
	p->user.tgid = p->pid;
	p->user.group_leader = p;
	p->user.exit_signal = exit_signal;
	flags = spin_lock_irqsave(&tasklist_lock);
	if (parent == CALLERS_PARENT)		/* CLONE_PARENT: read it where it cannot change */
		parent = current->user.group_leader->user.parent;
	if (parent && (!parent->user.signal || !parent->user.signal->nr_threads))
		parent = NULL;			/* it ended meanwhile: nobody will wait */
	p->user.parent = parent;
	if (parent)
		list_add_tail(&p->user.sibling, &parent->user.children);
	list_add_tail(&p->user.thread_node, &sig->threads);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return 0;
}

static int copy_sighand(struct task *p, unsigned long flags)
{
	struct sighand_struct *cur = current->user.sighand, *sh;

	if (flags & CLONE_SIGHAND) {
		atomic_inc(&cur->count);
		p->user.sighand = cur;
		return 0;
	}
	sh = sighand_alloc();
	if (!sh)
		return -ENOMEM;
	spin_lock_irq(&cur->siglock);
	memcpy(sh->action, cur->action, sizeof(sh->action));
	spin_unlock_irq(&cur->siglock);
	p->user.sighand = sh;
	return 0;
}

/* A new thread in the caller's group. Fails (-EAGAIN) if the group is exiting. */
static int join_thread_group(struct task *p)
{
	struct task *leader = current->user.group_leader;
	struct signal_struct *sig = current->user.signal;
	int ret = 0;

	spin_lock_irq(&tasklist_lock);
	spin_lock(&current->user.sighand->siglock);
	if (sig->group_exit) {
		ret = -EAGAIN;
	} else {
		atomic_inc(&sig->count);
		sig->nr_threads++;
		p->user.signal = sig;
		p->user.tgid = current->user.tgid;
		p->user.group_leader = leader;
		p->user.exit_signal = -1;
		list_add_tail(&p->user.thread_node, &sig->threads);
	}
	spin_unlock(&current->user.sighand->siglock);
	spin_unlock_irq(&tasklist_lock);
	return ret;
}

static int check_clone_flags(unsigned long flags)
{
	if (flags & ~CLONE_SUPPORTED)
		return -EINVAL;			/* namespaces, pidfd, ptrace: not in this kernel */
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CSIGNAL) > _NSIG)
		return -EINVAL;
	return 0;
}

long do_fork(unsigned long flags, unsigned long newsp, int __user *parent_tid,
	     int __user *child_tid, unsigned long tls)
{
	struct task *p;
	struct completion vfork;
	struct pt_regs *regs;
	int ret, pid;

	ret = check_clone_flags(flags);
	if (ret)
		return ret;
	p = alloc_user_task(current->comm, (flags & CLONE_CHILD_SETTID) ? child_tid : NULL);
	if (!p)
		return -ENOMEM;
	pid = p->pid;
	regs = task_pt_regs(p);
	*regs = *current_pt_regs();
	regs->rax = 0;
	if (newsp)
		regs->rsp = newsp;
	fxsave(p->thread.fpu);		/* the caller's live FPU registers */
	p->thread.fsbase = (flags & CLONE_SETTLS) ? tls : current->thread.fsbase;
	p->thread.gsbase = current->thread.gsbase;
	p->user.blocked = current->user.blocked;
	if (!(flags & CLONE_VM) || (flags & CLONE_VFORK)) {
		p->user.sas_ss_sp = current->user.sas_ss_sp;	/* a thread gets no altstack */
		p->user.sas_ss_size = current->user.sas_ss_size;
	}
	p->cpus_allowed = current->cpus_allowed;
	if (flags & CLONE_CHILD_CLEARTID)
		p->user.clear_child_tid = (unsigned long)child_tid;
	if (mpol_fork(p) || copy_files(p, flags & CLONE_FILES)) {	/* a policy of its own, as in Linux; the descriptors */
		free_new_user_task(p);
		return -ENOMEM;
	}

	if (flags & CLONE_VM) {
		mmget(current->mm);
		p->mm = current->mm;
	} else {
		p->mm = dup_mm(current->mm);
		if (!p->mm) {
			free_new_user_task(p);
			return -ENOMEM;
		}
	}
	p->active_mm = p->mm;

	ret = copy_sighand(p, flags);
	if (!ret) {
		if (flags & CLONE_THREAD) {
			ret = join_thread_group(p);
		} else {
			struct task *parent = (flags & CLONE_PARENT) ? CALLERS_PARENT : current->user.group_leader;
			ret = make_process(p, parent, flags & CSIGNAL, p->user.sighand, false);
		}
		if (ret)
			sighand_put(p->user.sighand);
	}
	if (ret) {
		mmput(p->mm);
		p->mm = p->active_mm = NULL;
		free_new_user_task(p);
		return ret;
	}
	if (flags & CLONE_PARENT_SETTID)
		put_user(pid, parent_tid);	/* as Linux, a bad pointer here is not an error */
	if (flags & CLONE_VFORK) {
		init_completion(&vfork);
		p->user.vfork_done = &vfork;
	}
	wake_up_process(p);
	if (flags & CLONE_VFORK)
		wait_for_completion(&vfork);	/* until it execs or exits: it uses our mm and stack */
	return pid;
}

/* clone(flags, stack, parent_tid, child_tid, tls): x86-64's argument order. */
long sys_clone(unsigned long flags, unsigned long newsp, int __user *parent_tid,
	       int __user *child_tid, unsigned long tls)
{
	return do_fork(flags, newsp, parent_tid, child_tid, tls);
}

long sys_fork(void)
{
	return do_fork(SIGCHLD, 0, NULL, NULL, 0);
}

long sys_vfork(void)
{
	return do_fork(CLONE_VFORK | CLONE_VM | SIGCHLD, 0, NULL, NULL, 0);
}
