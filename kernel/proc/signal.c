/*
 * kernel/proc/signal.c - signals: sending, blocking, default actions, and
 * delivery to a user handler (the frame itself, rt_sigreturn and system
 * call restarts are the architecture's: arch/x86_64/signal.c).
 *
 * Where signals wait: a thread's own set (user.pending: tkill/tgkill,
 * faults) and the process's (signal->shared_pending: kill). A signal is
 * taken on the way back to user mode (exit_to_user_mode -> do_signal),
 * lowest number first, from the thread's set before the process's.
 *
 * What it does: SIG_IGN drops it; SIG_DFL ignores SIGCHLD, SIGURG,
 * SIGWINCH, SIGCONT and (no job control here) the stop signals, and kills
 * the process for everything else; a handler gets a frame on the user
 * stack (or the sigaltstack) and runs with sa_mask and the signal itself
 * blocked; it returns through sa_restorer, which musl points at a
 * two-instruction routine calling rt_sigreturn.
 *
 * Fatal signals are group-wide at once, as in Linux: the sender marks
 * the group exiting and queues SIGKILL for every thread, so that each
 * leaves at its next return to user mode (or at once if it sleeps
 * interruptibly: it is woken).
 *
 * Locking: sighand->siglock protects the actions and every pending and
 * blocked set of the group; tasklist_lock (taken first) keeps the target
 * from being released while a sender works on it.
 */
#include "kernel/proc/proc.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/syscalls.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/time.h"
#include "arch/x86_64/trapnr.h"

static const char *const signal_names[32] = {
	"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
	"SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
	"SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
	"SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
	"SIGIO", "SIGPWR", "SIGSYS",
};

const char *signal_name(int sig)
{
	return sig > 0 && sig < 32 ? signal_names[sig] : "SIGRT";
}

#define SIG_DEFAULT_IGNORED (sigmask(SIGCHLD) | sigmask(SIGURG) | sigmask(SIGWINCH) | sigmask(SIGCONT) | \
			     sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU))

static bool valid_signal(int sig)
{
	return sig >= 1 && sig <= _NSIG;
}

/* ---- sighand: the actions ---- */

struct sighand_struct *sighand_alloc(void)
{
	struct sighand_struct *sh = kmalloc(sizeof(*sh), GFP_KERNEL | __GFP_ZERO);

	if (!sh)
		return NULL;
	atomic_set(&sh->count, 1);
	spin_lock_init_rank(&sh->siglock, "sighand->siglock", LOCK_RANK_SIGLOCK);
	return sh;
}

void sighand_put(struct sighand_struct *sh)
{
	if (sh && atomic_dec_and_test(&sh->count))
		kfree(sh);
}

void flush_signal_handlers(struct task *p)
{
	struct sighand_struct *sh = p->user.sighand;
	unsigned long flags = spin_lock_irqsave(&sh->siglock);

	for (int i = 0; i < _NSIG; i++) {
		struct k_sigaction *ka = &sh->action[i];
		if (ka->handler != SIG_IGN)
			ka->handler = SIG_DFL;
		ka->flags = 0;
		ka->restorer = 0;
		ka->mask = 0;
	}
	spin_unlock_irqrestore(&sh->siglock, flags);
}

/* ---- pending state ---- */

static u64 pending_set(struct task *p)
{
	return READ_ONCE(p->user.pending) | READ_ONCE(p->user.signal->shared_pending);
}

bool signal_pending(struct task *p)
{
	if (!is_user_task(p))
		return false;
	return (pending_set(p) & ~READ_ONCE(p->user.blocked)) || READ_ONCE(p->user.signal->group_exit);
}

bool signal_work_pending(struct task *p)
{
	return signal_pending(p);
}

bool fatal_signal_pending(struct task *p)
{
	return is_user_task(p) && (READ_ONCE(p->user.signal->group_exit) ||
				   (READ_ONCE(p->user.pending) & sigmask(SIGKILL)));
}

/* Makes t notice a signal: wake it from an interruptible sleep, or kick its CPU. */
static void signal_wake_up(struct task *t)
{
	if (!wake_up_state(t, TASK_INTERRUPTIBLE) && READ_ONCE(t->on_cpu) && t != current)
		resched_curr_cpu(t->cpu);	/* running: the IPI sends it through exit_to_user_mode */
}

static bool sig_handler_ignores(struct sighand_struct *sh, int sig)
{
	unsigned long h = sh->action[sig - 1].handler;

	return h == SIG_IGN || (h == SIG_DFL && (SIG_DEFAULT_IGNORED & sigmask(sig)));
}

static bool sig_is_fatal(struct sighand_struct *sh, int sig)
{
	return sig == SIGKILL ||
	       (sh->action[sig - 1].handler == SIG_DFL && !(SIG_DEFAULT_IGNORED & sigmask(sig)));
}

/* siglock held: mark the group exiting with status and queue SIGKILL for every thread. */
void zap_thread_group_locked(struct signal_struct *sig, int status)
{
	struct task *t;

	if (sig->group_exit)
		return;
	sig->group_exit = true;
	sig->group_exit_code = status;
	list_for_each_entry(t, &sig->threads, user.thread_node) {
		t->user.pending |= sigmask(SIGKILL);
		signal_wake_up(t);
	}
}

/* The sender's pid for siginfo: 0 for the kernel. */
static int current_tgid(void)
{
	return is_user_task(current) ? current->user.tgid : 0;
}

/* siglock held. t: the thread for a thread-directed signal, or the leader with shared. */
static int send_signal_locked(struct task *t, int sig, bool shared, int code)
{
	struct sighand_struct *sh = t->user.sighand;
	struct signal_struct *sg = t->user.signal;
	struct task *w;

	if (sg->group_exit)
		return 0;			/* dying anyway */
	if (sig_handler_ignores(sh, sig) && sig != SIGKILL &&
	    !((t->user.blocked | t->user.real_blocked) & sigmask(sig)))
		return 0;			/* Linux drops an ignored signal at once, unless blocked:
					 * a blocked one may yet be taken by sigwait or a new handler */
	if (sig_is_fatal(sh, sig) &&
	    (sig == SIGKILL || !((t->user.blocked | t->user.real_blocked) & sigmask(sig)))) {
		zap_thread_group_locked(sg, wait_status_signaled(sig));
		return 0;
	}
	if (!shared) {
		t->user.pending |= sigmask(sig);
		t->user.pending_info[sig - 1] = (struct sigqueue_info){ code, current_tgid() };
		signal_wake_up(t);
		return 0;
	}
	sg->shared_pending |= sigmask(sig);
	sg->shared_info[sig - 1] = (struct sigqueue_info){ code, current_tgid() };
	list_for_each_entry(w, &sg->threads, user.thread_node)
		if (!(w->user.blocked & sigmask(sig)) && !(w->flags & PF_EXITING)) {
			signal_wake_up(w);	/* one thread that can take it */
			break;
		}
	return 0;
}

static int do_send(struct task *t, int sig, bool shared, int code)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	int ret = -ESRCH;

	if (is_user_task(t) && t->user.exit_state != EXIT_DEAD) {
		struct sighand_struct *sh = t->user.sighand;
		spin_lock(&sh->siglock);
		ret = sig ? send_signal_locked(t, sig, shared, code) : 0;
		spin_unlock(&sh->siglock);
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

/* For exit: tasklist_lock is already held. */
void send_sig_locked_process(struct task *leader, int sig)
{
	struct sighand_struct *sh = leader->user.sighand;

	spin_lock(&sh->siglock);
	send_signal_locked(leader, sig, true, sig == SIGCHLD ? CLD_EXITED : SI_KERNEL);
	spin_unlock(&sh->siglock);
}

int send_sig_process(struct task *leader, int sig, int code)
{
	return do_send(leader, sig, true, code);
}

int send_sig_thread(struct task *t, int sig, int code)
{
	return do_send(t, sig, false, code);
}

/* ---- faults ---- */

static void print_vma(const char *what, struct vm_area_struct *vma)
{
	unsigned long f = vma->vm_flags;

	printk(KERN_INFO "  %s VMA %#lx-%#lx %c%c%c%c\n", what, vma->vm_start, vma->vm_end,
	       f & VM_READ ? 'r' : '-', f & VM_WRITE ? 'w' : '-', f & VM_EXEC ? 'x' : '-',
	       f & VM_SHARED ? 's' : 'p');
}

/* The one-paragraph report of a process killed by a fault. */
static void report_user_fault(int sig, int code, unsigned long addr, struct pt_regs *regs)
{
	struct task *p = current;
	struct mm_struct *mm = p->mm;
	struct vm_area_struct *vma;

	printk(KERN_INFO "pid %d (%s, tgid %d) killed by %s: address %#lx, rip %#lx, rsp %#lx, "
	       "error code %#lx%s (vector %lu, si_code %d)\n", p->pid, p->comm, p->user.tgid,
	       signal_name(sig), addr, regs->rip, regs->rsp, regs->error_code,
	       regs->vector != X86_TRAP_PF ? "" : (regs->error_code & X86_PF_INSTR) ? " [exec]" :
	       (regs->error_code & X86_PF_WRITE) ? " [write]" : " [read]", regs->vector, code);
	if (!mm || regs->vector != X86_TRAP_PF)
		return;
	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start <= addr)
		print_vma("in", vma);
	else if (vma)
		print_vma("no VMA here; nearest above:", vma);
	else
		printk(KERN_INFO "  in no VMA (none above the address)\n");
	mmap_read_unlock(mm);
}

/*
 * As Linux's force_sig_fault: a fault signal cannot be ignored or blocked
 * away (the instruction would fault again forever), so those become the
 * default action, which kills.
 */
void force_sig_fault(int sig, int code, unsigned long addr, struct pt_regs *regs)
{
	struct task *p = current;
	struct sighand_struct *sh = p->user.sighand;
	struct k_sigaction *ka = &sh->action[sig - 1];
	unsigned long flags;
	bool fatal;

	flags = spin_lock_irqsave(&sh->siglock);
	if (ka->handler == SIG_IGN || (p->user.blocked & sigmask(sig))) {
		ka->handler = SIG_DFL;
		p->user.blocked &= ~sigmask(sig);
	}
	fatal = ka->handler == SIG_DFL;
	p->user.fault_addr = addr;
	p->user.fault_code = code;
	p->user.fault_sig = sig;
	if (!fatal) {
		p->user.pending |= sigmask(sig);
		p->user.pending_info[sig - 1] = (struct sigqueue_info){ code, 0 };
	}
	spin_unlock_irqrestore(&sh->siglock, flags);
	if (fatal) {
		report_user_fault(sig, code, addr, regs);
		flags = spin_lock_irqsave(&sh->siglock);
		zap_thread_group_locked(p->user.signal, wait_status_signaled(sig));
		spin_unlock_irqrestore(&sh->siglock, flags);
	}
}

/* ---- delivery ---- */

bool on_sig_stack(struct task *p, unsigned long sp)
{
	return p->user.sas_ss_size && sp > p->user.sas_ss_sp && sp - p->user.sas_ss_sp <= p->user.sas_ss_size;
}

int sas_ss_flags(struct task *p, unsigned long sp)
{
	return !p->user.sas_ss_size ? SS_DISABLE : on_sig_stack(p, sp) ? SS_ONSTACK : 0;
}

void set_current_blocked(u64 mask)
{
	struct task *p = current;

	spin_lock_irq(&p->user.sighand->siglock);
	p->user.blocked = mask & ~SIG_UNBLOCKABLE;
	spin_unlock_irq(&p->user.sighand->siglock);
}

/* What the handler's siginfo says: the fault that raised sig, or who sent it. */
static void fill_siginfo(struct task *p, int sig, const struct sigqueue_info *q, struct k_siginfo *info)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	if (sig == p->user.fault_sig) {
		info->si_code = p->user.fault_code;
		info->fault.addr = p->user.fault_addr;
		p->user.fault_sig = 0;
	} else {
		info->si_code = q->code;
		info->kill.pid = q->pid;
	}
}

/*
 * The lowest pending signal in `allowed`, removed from its set, with who
 * sent it; 0 if none. siglock held.
 */
static int dequeue_signal(struct task *p, u64 allowed, struct sigqueue_info *info)
{
	u64 mine = p->user.pending & allowed;
	u64 shared = p->user.signal->shared_pending & allowed;

	if (mine) {
		int sig = __builtin_ctzl(mine) + 1;
		p->user.pending &= ~sigmask(sig);
		*info = p->user.pending_info[sig - 1];
		return sig;
	}
	if (shared) {
		int sig = __builtin_ctzl(shared) + 1;
		p->user.signal->shared_pending &= ~sigmask(sig);
		*info = p->user.signal->shared_info[sig - 1];
		return sig;
	}
	return 0;
}

void do_signal(struct pt_regs *regs)
{
	struct task *p = current;
	struct sighand_struct *sh = p->user.sighand;
	struct signal_struct *sg = p->user.signal;

	for (;;) {
		struct k_sigaction ka;
		struct sigqueue_info info;
		struct k_siginfo si;
		u64 oldmask;
		int sig;

		spin_lock_irq(&sh->siglock);
		if (sg->group_exit || (p->user.pending & sigmask(SIGKILL))) {
			int status = sg->group_exit ? sg->group_exit_code : wait_status_signaled(SIGKILL);
			spin_unlock_irq(&sh->siglock);
			do_exit_user(status);
		}
		sig = dequeue_signal(p, ~p->user.blocked, &info);
		if (!sig) {
			if (p->user.restore_sigmask) {	/* sigsuspend woke, no handler ran */
				p->user.blocked = p->user.saved_sigmask;
				p->user.restore_sigmask = false;
			}
			spin_unlock_irq(&sh->siglock);
			return;
		}
		ka = sh->action[sig - 1];
		if (ka.handler == SIG_IGN || (ka.handler == SIG_DFL && (SIG_DEFAULT_IGNORED & sigmask(sig)))) {
			spin_unlock_irq(&sh->siglock);
			continue;
		}
		if (ka.handler == SIG_DFL) {
			zap_thread_group_locked(sg, wait_status_signaled(sig));
			spin_unlock_irq(&sh->siglock);
			continue;		/* the group_exit branch above ends us */
		}
		syscall_restart(regs, &ka);		/* before the frame saves the registers */
		if (ka.flags & SA_RESETHAND)
			sh->action[sig - 1].handler = SIG_DFL;
		oldmask = p->user.restore_sigmask ? p->user.saved_sigmask : p->user.blocked;
		p->user.restore_sigmask = false;
		p->user.blocked |= ka.mask | ((ka.flags & SA_NODEFER) ? 0 : sigmask(sig));
		p->user.blocked &= ~SIG_UNBLOCKABLE;
		fill_siginfo(p, sig, &info, &si);
		spin_unlock_irq(&sh->siglock);
		if (setup_rt_frame(sig, &ka, &si, oldmask, regs)) {
			/*
			 * No room for the frame: SIGSEGV. If SIGSEGV is what could
			 * not be delivered, its handler cannot run either: it is
			 * fatal, as Linux's force_sigsegv() makes it (a handler
			 * with SA_NODEFER was otherwise forced again and again,
			 * and the CPU never left the kernel; found by the fuzzer).
			 */
			if (sig == SIGSEGV) {
				spin_lock_irq(&sh->siglock);
				sh->action[SIGSEGV - 1].handler = SIG_DFL;
				spin_unlock_irq(&sh->siglock);
			}
			force_sig_fault(SIGSEGV, SI_KERNEL, regs->rsp, regs);
			continue;
		}
		return;			/* one handler per return, as Linux */
	}
}

/* ---- system calls ---- */

long sys_rt_sigaction(int sig, const struct k_sigaction __user *act, struct k_sigaction __user *oact,
		      unsigned long sigsetsize)
{
	struct sighand_struct *sh = current->user.sighand;
	struct k_sigaction new, old;
	struct task *t;

	if (sigsetsize != sizeof(u64) || !valid_signal(sig))
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (act && copy_from_user(&new, act, sizeof(new)))
		return -EFAULT;
	spin_lock_irq(&sh->siglock);
	old = sh->action[sig - 1];
	if (act) {
		new.mask &= ~SIG_UNBLOCKABLE;
		sh->action[sig - 1] = new;
		if (sig_handler_ignores(sh, sig)) {	/* POSIX: pending instances are discarded */
			current->user.signal->shared_pending &= ~sigmask(sig);
			list_for_each_entry(t, &current->user.signal->threads, user.thread_node)
				t->user.pending &= ~sigmask(sig);
		}
	}
	spin_unlock_irq(&sh->siglock);
	if (oact && copy_to_user(oact, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(int how, const u64 __user *set, u64 __user *oset, unsigned long sigsetsize)
{
	struct task *p = current;
	u64 new = 0, old;

	if (sigsetsize != sizeof(u64))
		return -EINVAL;
	if (set && copy_from_user(&new, set, sizeof(new)))
		return -EFAULT;
	if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -EINVAL;
	spin_lock_irq(&p->user.sighand->siglock);
	old = p->user.blocked;
	if (set) {
		if (how == SIG_BLOCK)
			p->user.blocked |= new;
		else if (how == SIG_UNBLOCK)
			p->user.blocked &= ~new;
		else
			p->user.blocked = new;
		p->user.blocked &= ~SIG_UNBLOCKABLE;
	}
	spin_unlock_irq(&p->user.sighand->siglock);
	if (oset && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(u64 __user *set, unsigned long sigsetsize)
{
	u64 v;

	if (sigsetsize > sizeof(u64))
		return -EINVAL;
	v = pending_set(current) & current->user.blocked;
	return copy_to_user(set, &v, sigsetsize) ? -EFAULT : 0;
}

/*
 * rt_sigtimedwait: take a signal of `set` (normally blocked by the caller)
 * without running a handler. While waiting, the set is unblocked so that a
 * sender picks and wakes this thread, as Linux does; real_blocked keeps the
 * caller's mask for the sender's "is it fatal" test, and is put back after.
 */
long sys_rt_sigtimedwait(const u64 __user *uset, struct k_siginfo __user *uinfo,
			 const struct k_timespec __user *uts, unsigned long sigsetsize)
{
	struct task *p = current;
	struct sighand_struct *sh = p->user.sighand;
	struct sigqueue_info info;
	struct k_timespec ts;
	long left = MAX_SCHEDULE_TIMEOUT;
	u64 set;
	int sig;

	if (sigsetsize != sizeof(u64))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	set &= ~SIG_UNBLOCKABLE;
	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
			return -EINVAL;
		left = ts.tv_sec >= LONG_MAX / NSEC_PER_SEC - 1 ? LONG_MAX / 2 : ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	}
	spin_lock_irq(&sh->siglock);
	sig = dequeue_signal(p, set, &info);
	if (!sig && left) {
		p->user.real_blocked = p->user.blocked;
		p->user.blocked &= ~set;
		while (!(sig = dequeue_signal(p, set, &info)) && left > 0 && !signal_pending(p)) {
			set_current_state(TASK_INTERRUPTIBLE);
			spin_unlock_irq(&sh->siglock);
			left = schedule_timeout(left);
			spin_lock_irq(&sh->siglock);
		}
		__set_current_state(TASK_RUNNING);
		p->user.blocked = p->user.real_blocked;
		p->user.real_blocked = 0;
	}
	spin_unlock_irq(&sh->siglock);
	if (!sig)
		return left > 0 ? -EINTR : -EAGAIN;
	if (uinfo) {
		struct k_siginfo si;
		memset(&si, 0, sizeof(si));
		si.si_signo = sig;
		si.si_code = info.code;
		si.kill.pid = info.pid;
		if (copy_to_user(uinfo, &si, sizeof(si)))
			return -EFAULT;
	}
	return sig;
}

/* Sleeps until a signal that is not blocked arrives. */
static void sleep_until_signal(void)
{
	while (!signal_pending(current)) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!signal_pending(current))
			schedule();
		__set_current_state(TASK_RUNNING);
	}
}

long sys_pause(void)
{
	sleep_until_signal();
	return -EINTR;
}

/*
 * rt_sigsuspend: wait with a temporary mask. The caller's own mask comes
 * back when the handler returns (the frame saves it, see do_signal), or
 * at once if no handler runs.
 */
long sys_rt_sigsuspend(const u64 __user *umask, unsigned long sigsetsize)
{
	struct task *p = current;
	u64 mask;

	if (sigsetsize != sizeof(u64))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	spin_lock_irq(&p->user.sighand->siglock);
	p->user.saved_sigmask = p->user.blocked;
	p->user.restore_sigmask = true;
	p->user.blocked = mask & ~SIG_UNBLOCKABLE;
	spin_unlock_irq(&p->user.sighand->siglock);
	sleep_until_signal();
	return -EINTR;
}

long sys_sigaltstack(const struct k_stack __user *ss, struct k_stack __user *oss)
{
	struct task *p = current;
	struct pt_regs *regs = current_pt_regs();
	struct k_stack old = { p->user.sas_ss_sp, 0, 0, p->user.sas_ss_size }, new;

	old.ss_flags = sas_ss_flags(p, regs->rsp);
	if (ss) {
		if (copy_from_user(&new, ss, sizeof(new)))
			return -EFAULT;
		if (on_sig_stack(p, regs->rsp))
			return -EPERM;
		if (new.ss_flags != 0 && new.ss_flags != SS_DISABLE && new.ss_flags != SS_ONSTACK)
			return -EINVAL;
		if (new.ss_flags == SS_DISABLE) {
			p->user.sas_ss_sp = p->user.sas_ss_size = 0;
		} else {
			if (new.ss_size < MINSIGSTKSZ)
				return -ENOMEM;
			p->user.sas_ss_sp = new.ss_sp;
			p->user.sas_ss_size = new.ss_size;
		}
	}
	if (oss && copy_to_user(oss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_kill(int pid, int sig)
{
	struct task *t;
	int ret;

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	if (pid == 0 || pid == -1 || pid < -1) {
		/* no process groups or sessions: 0 is the caller's own process; -1 every other process */
		if (pid == 0)
			return send_sig_process(current->user.group_leader, sig, SI_USER);
		if (pid < -1)
			return -ESRCH;
		return kill_all_processes(sig);
	}
	t = find_process(pid);
	if (!t) {
		struct task *leader = NULL;
		unsigned long flags;

		t = find_task_by_pid(pid);	/* a thread id: as Linux, its whole process gets it */
		if (!t)
			return process_unreaped(pid) ? 0 : -ESRCH;
		flags = spin_lock_irqsave(&tasklist_lock);
		if (is_user_task(t)) {
			leader = t->user.group_leader;
			get_task_struct(leader);
		}
		spin_unlock_irqrestore(&tasklist_lock, flags);
		put_task_struct(t);
		if (!leader)
			return 0;		/* a kernel thread: it ignores signals, as in Linux */
		ret = send_sig_process(leader, sig, SI_USER);
		put_task_struct(leader);
		return ret;
	}
	ret = send_sig_process(t, sig, SI_USER);
	put_task_struct(t);
	return ret;
}

static long do_tkill(int tgid, int tid, int sig)
{
	struct task *t;
	int ret = -ESRCH;

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	t = find_task_by_pid(tid);
	if (!t)
		return -ESRCH;
	if (tgid <= 0 || t->user.tgid == tgid)
		ret = send_sig_thread(t, sig, SI_TKILL);
	put_task_struct(t);
	return ret;
}

long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	return do_tkill(tgid, tid, sig);
}

long sys_tkill(int tid, int sig)
{
	if (tid <= 0)
		return -EINVAL;
	return do_tkill(0, tid, sig);
}
