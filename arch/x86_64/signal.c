/*
 * arch/x86_64/signal.c - the x86-64 half of signal delivery: the frame a
 * handler finds on the user stack, rt_sigreturn, which takes it back, and
 * the restart of a system call a signal interrupted. The generic half
 * (which signal, what it does, the masks) is kernel/proc/signal.c.
 *
 * The frame is Linux's, so that musl's and glibc's handlers and their
 * sa_restorer work unchanged. From the handler's RSP up:
 *
 *	pretcode	sa_restorer: the handler's `ret` goes there, and it
 *			calls rt_sigreturn with RSP just above this word
 *	ucontext	uc_flags, uc_link, uc_stack (the sigaltstack), the
 *			saved registers (sigcontext) and the old signal mask
 *	siginfo		128 bytes
 *	...		padding to 64 bytes
 *	fxsave area	FPU_STATE_SIZE bytes, pointed at by sigcontext.fpstate
 *
 * The frame goes below the interrupted RSP and its red zone, or at the top
 * of the sigaltstack for an SA_ONSTACK handler not already on it, and is
 * aligned so that the handler starts as after a call: (RSP + 8) % 16 == 0.
 *
 * rt_sigreturn trusts nothing in the frame: the selectors are forced back
 * to user ones, only the flags a program may change (FIX_EFLAGS) are taken
 * and interrupts stay on, the FPU image is sanitized before fxrstor, and
 * SIGKILL and SIGSTOP stay unblocked.
 */
#include "kernel/proc/proc.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/syscalls.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/asm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/trapnr.h"
#include "arch/x86_64/uaccess.h"

#define FIX_EFLAGS	0x00054dd5UL	/* AC OF DF TF SF ZF AF PF CF RF: what sigreturn may change */
#define RED_ZONE	128		/* the ABI's scratch area below RSP, which a frame must skip */
#define FPSTATE_ALIGN	64		/* the fxsave area's alignment on the user stack */
#define SYSCALL_INSN_LEN 2		/* bytes of the SYSCALL instruction, backed over to restart */

struct k_sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;			/* user pointer to the fxsave area, or 0 */
	u64 reserved1[8];
};

struct k_ucontext {
	u64 uc_flags;
	u64 uc_link;
	struct k_stack uc_stack;
	struct k_sigcontext uc_mcontext;
	u64 uc_sigmask;
};

/* The frame a handler finds at its RSP: the return address first, as after a call. */
struct rt_sigframe {
	u64 pretcode;
	struct k_ucontext uc;
	struct k_siginfo info;
};

static void fill_sigcontext(struct k_sigcontext *sc, struct pt_regs *r, u64 oldmask, u64 fp)
{
	memset(sc, 0, sizeof(*sc));
	sc->r8 = r->r8; sc->r9 = r->r9; sc->r10 = r->r10; sc->r11 = r->r11;
	sc->r12 = r->r12; sc->r13 = r->r13; sc->r14 = r->r14; sc->r15 = r->r15;
	sc->rdi = r->rdi; sc->rsi = r->rsi; sc->rbp = r->rbp; sc->rbx = r->rbx;
	sc->rdx = r->rdx; sc->rax = r->rax; sc->rcx = r->rcx; sc->rsp = r->rsp;
	sc->rip = r->rip; sc->eflags = r->rflags;
	sc->cs = r->cs; sc->ss = r->ss;
	sc->err = r->vector < X86_NR_EXCEPTIONS ? r->error_code : 0;
	sc->trapno = r->vector < X86_NR_EXCEPTIONS ? r->vector : 0;
	sc->oldmask = oldmask;
	sc->cr2 = current->user.fault_addr;
	sc->fpstate = fp;
}

int setup_rt_frame(int sig, const struct k_sigaction *ka, const struct k_siginfo *info, u64 oldmask,
		   struct pt_regs *regs)
{
	struct task *p = current;
	unsigned long sp = regs->rsp, fp;
	struct rt_sigframe frame;

	if ((ka->flags & SA_ONSTACK) && p->user.sas_ss_size && !on_sig_stack(p, sp))
		sp = p->user.sas_ss_sp + p->user.sas_ss_size;
	else
		sp -= RED_ZONE;
	fp = ALIGN_DOWN(sp - FPU_STATE_SIZE, FPSTATE_ALIGN);
	sp = ALIGN_DOWN(fp - sizeof(frame), 16) - 8;	/* (sp + 8) % 16 == 0, as after a call */

	fxsave(p->thread.fpu);		/* the registers hold this task's user FPU state */
	if (copy_to_user((void *)fp, p->thread.fpu, FPU_STATE_SIZE))
		return -EFAULT;
	memset(&frame, 0, sizeof(frame));
	frame.pretcode = (ka->flags & SA_RESTORER) ? ka->restorer : 0;
	frame.uc.uc_stack.ss_sp = p->user.sas_ss_sp;
	frame.uc.uc_stack.ss_size = p->user.sas_ss_size;
	frame.uc.uc_stack.ss_flags = sas_ss_flags(p, regs->rsp);
	fill_sigcontext(&frame.uc.uc_mcontext, regs, oldmask, fp);
	frame.uc.uc_sigmask = oldmask;
	frame.info = *info;
	if (copy_to_user((void *)sp, &frame, sizeof(frame)))
		return -EFAULT;
	regs->rdi = sig;
	regs->rsi = sp + offsetof(struct rt_sigframe, info);
	regs->rdx = sp + offsetof(struct rt_sigframe, uc);
	regs->rax = 0;
	regs->rsp = sp;
	regs->rip = ka->handler;
	regs->cs = USER_CS | 3;
	regs->ss = USER_DS | 3;
	regs->rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_AC);
	return 0;
}

long sys_rt_sigreturn(void)
{
	struct pt_regs *regs = current_pt_regs();
	struct k_ucontext uc;
	struct k_sigcontext *sc = &uc.uc_mcontext;
	unsigned long frame = regs->rsp - 8;	/* the handler's ret popped pretcode */
	struct task *p = current;

	if (copy_from_user(&uc, (void *)(frame + offsetof(struct rt_sigframe, uc)), sizeof(uc)))
		goto bad;
	if (sc->fpstate) {
		if (copy_from_user(p->thread.fpu, (void *)sc->fpstate, FPU_STATE_SIZE))
			goto bad;
		fpu_sanitize(p->thread.fpu);
	} else {
		fpu_init_state(p->thread.fpu);
	}
	fxrstor(p->thread.fpu);
	regs->r8 = sc->r8; regs->r9 = sc->r9; regs->r10 = sc->r10; regs->r11 = sc->r11;
	regs->r12 = sc->r12; regs->r13 = sc->r13; regs->r14 = sc->r14; regs->r15 = sc->r15;
	regs->rdi = sc->rdi; regs->rsi = sc->rsi; regs->rbp = sc->rbp; regs->rbx = sc->rbx;
	regs->rdx = sc->rdx; regs->rax = sc->rax; regs->rcx = sc->rcx; regs->rsp = sc->rsp;
	regs->rip = sc->rip;
	regs->rflags = (regs->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS) | X86_EFLAGS_IF;
	regs->cs = USER_CS | 3;		/* never anything but user selectors */
	regs->ss = USER_DS | 3;
	set_current_blocked(uc.uc_sigmask);
	return regs->rax;		/* the dispatcher stores it back unchanged */
bad:
	force_sig_fault(SIGSEGV, SI_KERNEL, frame, regs);
	return regs->rax;
}

/*
 * A system call interrupted by a signal returns -ERESTARTSYS. If a handler
 * without SA_RESTART runs, the program sees EINTR; otherwise the call is
 * made again: RAX gets the number back and RIP moves back over the
 * SYSCALL instruction, so the return to user mode re-executes it with the
 * same argument registers.
 */
void syscall_restart(struct pt_regs *regs, const struct k_sigaction *ka)
{
	if (regs->vector != SYSCALL_VECTOR_MARK || (long)regs->rax != -ERESTARTSYS)
		return;
	if (ka && !(ka->flags & SA_RESTART)) {
		regs->rax = -EINTR;
		return;
	}
	regs->rax = regs->error_code;		/* orig_rax: the system-call number */
	regs->rip -= SYSCALL_INSN_LEN;
}

void syscall_restart_if_interrupted(struct pt_regs *regs)
{
	syscall_restart(regs, NULL);
}
