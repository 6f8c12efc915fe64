/*
 * kernel/proc/signal.h - Linux's x86-64 signal numbers, the kernel's
 * sigaction, siginfo and stack_t layouts, and the signal API of
 * kernel/proc/signal.c and of its architecture half, arch/x86_64/signal.c.
 *
 * A signal set is a u64 with bit (sig - 1) for signal sig, as Linux's
 * sigset_t on x86-64 (rt_sigprocmask insists on sigsetsize == 8).
 */
#ifndef KERNEL_PROC_SIGNAL_H
#define KERNEL_PROC_SIGNAL_H

#include "kernel/types.h"
#include "kernel/sync/spinlock.h"
#include "kernel/atomic.h"

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGSTKFLT	16
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28
#define SIGIO		29
#define SIGPWR		30
#define SIGSYS		31
#define _NSIG		64

#define sigmask(sig)	(1UL << ((sig) - 1))
#define SIG_UNBLOCKABLE	(sigmask(SIGKILL) | sigmask(SIGSTOP))

#define SIG_DFL		0UL
#define SIG_IGN		1UL

#define SA_NOCLDSTOP	0x00000001
#define SA_NOCLDWAIT	0x00000002
#define SA_SIGINFO	0x00000004
#define SA_ONSTACK	0x08000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000
#define SA_RESTORER	0x04000000

#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2

#define SS_ONSTACK	1
#define SS_DISABLE	2
#define MINSIGSTKSZ	2048

/* si_code values */
#define SI_USER		0
#define SI_KERNEL	0x80
#define SI_TKILL	(-6)
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define BUS_ADRERR	2
#define ILL_ILLOPN	2
#define FPE_INTDIV	1
#define FPE_FLTINV	7
#define CLD_EXITED	1
#define CLD_KILLED	2

/* struct sigaction as the rt_sigaction system call sees it on x86-64. */
struct k_sigaction {
	unsigned long handler;
	unsigned long flags;
	unsigned long restorer;
	u64 mask;
};

/* The 128-byte siginfo_t, with the fields we fill. */
struct k_siginfo {
	int si_signo, si_errno, si_code, pad0;
	union {
		struct { int pid, uid; } kill;
		struct { unsigned long addr; } fault;
		struct { int pid, uid, status; } chld;
		u8 pad[128 - 16];
	};
};

/* stack_t: a sigaltstack, as sigaltstack(2) and a ucontext see it. */
struct k_stack {
	u64 ss_sp;
	int ss_flags, pad;
	u64 ss_size;
};

/* The signal actions, shared by threads created with CLONE_SIGHAND. */
struct sighand_struct {
	atomic_t count;
	spinlock_t siglock;		/* actions, and every pending/blocked set of the group */
	struct k_sigaction action[_NSIG];
};

struct task;
struct pt_regs;

/* Sends sig to a whole process (pid = tgid) or to one thread. 0 or -errno. */
int send_sig_process(struct task *leader, int sig, int code);
int send_sig_thread(struct task *t, int sig, int code);
/* A fault in user mode: deliver sig to current (forced: unblocked, default if ignored). */
void force_sig_fault(int sig, int code, unsigned long addr, struct pt_regs *regs);
bool signal_pending(struct task *p);	/* an unblocked signal waits: interruptible sleeps end */
bool fatal_signal_pending(struct task *p);

/* For the frame code: is sp on p's sigaltstack, and its ss_flags (SS_DISABLE, SS_ONSTACK or 0). */
bool on_sig_stack(struct task *p, unsigned long sp);
int sas_ss_flags(struct task *p, unsigned long sp);
void set_current_blocked(u64 mask);	/* rt_sigreturn: SIGKILL and SIGSTOP stay unblocked */

/* ---- the architecture's half (arch/x86_64/signal.c) ---- */

/*
 * Builds the frame of a handler for sig on the user stack (or the
 * sigaltstack) and points regs at the handler. 0, or -EFAULT when the
 * frame cannot be written (the caller then kills with SIGSEGV).
 */
int setup_rt_frame(int sig, const struct k_sigaction *ka, const struct k_siginfo *info, u64 oldmask,
		   struct pt_regs *regs);
/* A system call left with -ERESTARTSYS: EINTR for a handler without SA_RESTART, else made again. */
void syscall_restart(struct pt_regs *regs, const struct k_sigaction *ka);

#endif
