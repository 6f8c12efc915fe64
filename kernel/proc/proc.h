/*
 * kernel/proc/proc.h - processes and threads on top of struct task.
 *
 * Invariants:
 *  - A user task has p->user.signal and p->user.sighand set for its whole
 *    life, and p->mm until exit_mm() (a user task is never PF_KTHREAD).
 *  - A thread group's tasks are on signal->threads; signal->nr_threads
 *    counts those not yet past exit_notify(). The last one out decides the
 *    process's wait status and notifies the parent (so a process whose
 *    leader called exit() early still ends when its last thread ends).
 *  - Child processes hang off their parent's group leader (children /
 *    sibling). A process whose parent is gone is reparented to init
 *    (pid 1) when one runs, else reaped at once. A process started by
 *    the kernel (spawn_user) has no parent: it stays a zombie until
 *    wait_user() reaps it.
 *  - Each task holds two task references (kernel/sched/task.h): its own,
 *    dropped after its last switch, and one for its "reaper": a thread's
 *    is dropped at exit, a process's when wait4/wait_user reaps it.
 *
 * Lock order: tasklist_lock (the tree, exit states, pids; the scheduler's
 * lock of the list of all tasks, kernel/sched/kthread.c) ->
 * sighand->siglock (actions, pending and blocked sets) -> wait queues ->
 * task->pi_lock; futex hash buckets are taken alone, before pi_lock.
 */
#ifndef KERNEL_PROC_PROC_H
#define KERNEL_PROC_PROC_H

#include "kernel/sched/sched.h"
#include "kernel/sync/wait.h"
#include "arch/x86_64/regs.h"
#include "arch/x86_64/uaccess.h"

#define EXIT_ZOMBIE	0x10	/* dead, waiting for its parent's wait4 */
#define EXIT_DEAD	0x20	/* reaped (or never to be): about to be freed */

#define PROC_ARG_MAX	(64 * 1024)	/* bytes of argv + envp strings exec accepts (E2BIG beyond) */
#define PROC_ARGV_MAX	1024		/* argv or envp entries exec accepts */

/* What the thread group shares: shared signals, group exit, wait4's queue. */
struct signal_struct {
	atomic_t count;			/* references: one per task in the group */
	struct list_head threads;	/* every task of the group (user.thread_node) */
	int nr_threads;			/* tasks not yet through exit_notify() */
	u64 shared_pending;		/* signals sent to the process */
	struct sigqueue_info shared_info[64];	/* their si_code and sender */
	bool group_exit;		/* exit_group() or a fatal signal: all threads die */
	int group_exit_code;		/* the wait status then */
	bool kernel_waited;		/* started by spawn_user: wait_user() reaps it */
	bool leader_killed_by_exec;	/* exec from a thread ended the leader: last status counts */
	struct task *exec_task;		/* a thread in execve killing the others (siglock) */
	struct wait_queue_head wait_chldexit;	/* the parent's wait4 sleeps here */
};

static inline struct pt_regs *task_pt_regs(struct task *p)
{
	return (struct pt_regs *)p->stack_top - 1;
}
#define current_pt_regs()	task_pt_regs(current)

static inline bool is_user_task(const struct task *p)
{
	return p->user.signal != NULL;
}

/* Wait status as wait4 reports it. */
static inline int wait_status_exited(int code) { return (code & 0xff) << 8; }
static inline int wait_status_signaled(int sig) { return sig & 0x7f; }

/* ---- entry and exit (arch/x86_64/syscall.c, syscall_entry.S) ---- */
long syscall_dispatch(struct pt_regs *regs, unsigned long nr);
void exit_to_user_mode(struct pt_regs *regs);
void ret_to_user(struct pt_regs *regs) __noreturn;
bool do_page_fault(struct pt_regs *regs, unsigned long addr);
void do_user_exception(struct pt_regs *regs);

/* ---- signals (signal.c) ---- */
bool signal_work_pending(struct task *p);
void syscall_restart_if_interrupted(struct pt_regs *regs);	/* -ERESTARTSYS left: restart */
void do_signal(struct pt_regs *regs);
struct sighand_struct *sighand_alloc(void);
void sighand_put(struct sighand_struct *sh);
void flush_signal_handlers(struct task *p);	/* exec: handled signals back to SIG_DFL */
void zap_thread_group_locked(struct signal_struct *sig, int status);	/* siglock held */
void send_sig_locked_process(struct task *leader, int sig);		/* tasklist_lock held */
int kill_all_processes(int sig);		/* kill(-1, sig) */
const char *signal_name(int sig);

/* ---- processes (process.c, exit.c, fork.c, exec.c) ---- */
struct task *find_task_by_pid(int pid);		/* with a reference; NULL if none */
struct task *find_process(int tgid);		/* the live group leader, with a reference */
bool process_unreaped(int tgid);			/* exited, not yet reaped: kill(2) still finds it */
void do_exit_user(int code) __noreturn;		/* exit(2): this thread */
void do_group_exit(int status) __noreturn;	/* exit_group(2), fatal signals; status as wait4 */
void release_task(struct task *p);		/* a reaped or self-reaping task goes away */
long do_fork(unsigned long flags, unsigned long newsp, int __user *parent_tid,
	     int __user *child_tid, unsigned long tls);
int do_wait(int pid, int *status, int options);
/* Replaces current's mm and program with module `name`; argv/envp are kernel strings. */
int exec_module(const char *name, char *const argv[], char *const envp[]);

/* ---- for the kernel: monitor, self-tests, init= ---- */
/* Starts a module as a new process (argv NULL: the module string's words); its pid or -errno. */
int spawn_user(const char *module, char *const argv[]);
/* Waits for a process started by spawn_user to end and reaps it; 0 or -ECHILD. */
int wait_user(int pid, int *status);
void detach_user(int pid);			/* or lets it reap itself */
int spawn_init(const char *module);		/* the same as pid 1, the reaper of orphans */
extern struct task *child_reaper;		/* init (pid 1), when one runs */
bool init_requested(void);			/* init=NAME on the command line */
void run_init_process(void) __noreturn;		/* runs it, waits, exits QEMU with its status */
void describe_status(const char *name, int pid, int status);
struct mm_struct *get_task_mm(struct task *p);	/* with mm_users held; NULL if none */
int parse_pid(const char *s, int *pid);		/* a monitor command's PID argument: 0 or -EINVAL */
/* A monitor command's PID: its task (if p, with a reference) and its mm (mm_users held); -EINVAL, -ESRCH. */
int monitor_task_mm(const char *arg, struct task **p, struct mm_struct **mm);
/* Internals shared by fork.c and exec.c. */
struct sighand_struct;
struct task *alloc_user_task(const char *comm, void *child_tid);
void free_new_user_task(struct task *p);
int make_process(struct task *p, struct task *parent, int exit_signal, struct sighand_struct *sh,
		 bool kernel_waited);

/* ---- futexes (futex.c) ---- */
long do_futex(u32 __user *uaddr, int op, u32 val, unsigned long timeout_or_val2,
	      u32 __user *uaddr2, u32 val3);
int futex_wake_addr(u32 __user *uaddr, int nr, bool shared);

/* Linux's exit status of a death by signal, for the QEMU exit code: 128 + sig. */
static inline int status_to_exit_code(int status)
{
	return (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
}

#endif
