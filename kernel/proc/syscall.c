/*
 * kernel/proc/syscall.c - the system-call table and dispatcher.
 *
 * arch/x86_64/syscall_entry.S saves the user registers as a struct pt_regs and
 * calls do_syscall_64, which calls syscall_dispatch(regs, nr). The table
 * maps Linux's x86-64 numbers to handlers; each handler is an ordinary C
 * function taking its arguments in the order the system call defines
 * them, and is called with all six argument registers (the ones it does
 * not declare are ignored, as the x86-64 C ABI allows). Handlers that need
 * the whole register frame (fork, execve, rt_sigreturn) take it from
 * current_pt_regs().
 *
 * An unknown number returns -ENOSYS and is logged once per number.
 */
#include "kernel/proc/proc.h"
#include "kernel/proc/syscalls.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/ipc/shm.h"
#include "kernel/proc/fdtable.h"
#include "kernel/printk.h"
#include "kernel/errno.h"

typedef long (*syscall_fn_t)(unsigned long, unsigned long, unsigned long,
			     unsigned long, unsigned long, unsigned long);

/* through void (*)(void), the generic function pointer type: the cast is deliberate */
#define SYSCALL(nr, fn)	[nr] = (syscall_fn_t)(void (*)(void))(fn)

static const syscall_fn_t sys_call_table[NR_syscalls] = {
	SYSCALL(__NR_read, sys_read),
	SYSCALL(__NR_write, sys_write),
	SYSCALL(__NR_close, sys_close),
	SYSCALL(__NR_mmap, sys_mmap),
	SYSCALL(__NR_mprotect, sys_mprotect),
	SYSCALL(__NR_munmap, sys_munmap),
	SYSCALL(__NR_brk, sys_brk),
	SYSCALL(__NR_rt_sigaction, sys_rt_sigaction),
	SYSCALL(__NR_rt_sigprocmask, sys_rt_sigprocmask),
	SYSCALL(__NR_rt_sigreturn, sys_rt_sigreturn),
	SYSCALL(__NR_ioctl, sys_ioctl),
	SYSCALL(__NR_readv, sys_readv),
	SYSCALL(__NR_writev, sys_writev),
	SYSCALL(__NR_sched_yield, sys_sched_yield),
	SYSCALL(__NR_mremap, sys_mremap),
	SYSCALL(__NR_madvise, sys_madvise),
	SYSCALL(__NR_nanosleep, sys_nanosleep),
	SYSCALL(__NR_getpid, sys_getpid),
	SYSCALL(__NR_clone, sys_clone),
	SYSCALL(__NR_fork, sys_fork),
	SYSCALL(__NR_vfork, sys_vfork),
	SYSCALL(__NR_execve, sys_execve),
	SYSCALL(__NR_exit, sys_exit),
	SYSCALL(__NR_wait4, sys_wait4),
	SYSCALL(__NR_kill, sys_kill),
	SYSCALL(__NR_uname, sys_uname),
	SYSCALL(__NR_gettimeofday, sys_gettimeofday),
	SYSCALL(__NR_getuid, sys_getuid),
	SYSCALL(__NR_getgid, sys_getuid),
	SYSCALL(__NR_geteuid, sys_getuid),
	SYSCALL(__NR_getegid, sys_getuid),
	SYSCALL(__NR_getppid, sys_getppid),
	SYSCALL(__NR_getpgrp, sys_getpid),
	SYSCALL(__NR_rt_sigpending, sys_rt_sigpending),
	SYSCALL(__NR_rt_sigtimedwait, sys_rt_sigtimedwait),
	SYSCALL(__NR_rt_sigsuspend, sys_rt_sigsuspend),
	SYSCALL(__NR_pause, sys_pause),
	SYSCALL(__NR_sigaltstack, sys_sigaltstack),
	SYSCALL(__NR_arch_prctl, sys_arch_prctl),
	SYSCALL(__NR_gettid, sys_gettid),
	SYSCALL(__NR_tkill, sys_tkill),
	SYSCALL(__NR_time, sys_time),
	SYSCALL(__NR_futex, sys_futex),
	SYSCALL(__NR_sched_setaffinity, sys_sched_setaffinity),
	SYSCALL(__NR_sched_getaffinity, sys_sched_getaffinity),
	SYSCALL(__NR_set_tid_address, sys_set_tid_address),
	SYSCALL(__NR_clock_gettime, sys_clock_gettime),
	SYSCALL(__NR_clock_getres, sys_clock_getres),
	SYSCALL(__NR_clock_nanosleep, sys_clock_nanosleep),
	SYSCALL(__NR_exit_group, sys_exit_group),
	SYSCALL(__NR_tgkill, sys_tgkill),
	SYSCALL(__NR_getcpu, sys_getcpu),
	SYSCALL(__NR_getrandom, sys_getrandom),
	SYSCALL(__NR_msync, sys_msync),
	SYSCALL(__NR_mincore, sys_mincore),
	SYSCALL(__NR_mlock, sys_mlock),
	SYSCALL(__NR_mlock2, sys_mlock2),
	SYSCALL(__NR_munlock, sys_munlock),
	SYSCALL(__NR_mlockall, sys_mlockall),
	SYSCALL(__NR_munlockall, sys_munlockall),
	SYSCALL(__NR_getrlimit, sys_getrlimit),
	SYSCALL(__NR_prlimit64, sys_prlimit64),
	SYSCALL(__NR_shmget, sys_shmget),
	SYSCALL(__NR_shmat, sys_shmat),
	SYSCALL(__NR_shmctl, sys_shmctl),
	SYSCALL(__NR_shmdt, sys_shmdt),
	SYSCALL(__NR_mbind, sys_mbind),
	SYSCALL(__NR_set_mempolicy, sys_set_mempolicy),
	SYSCALL(__NR_get_mempolicy, sys_get_mempolicy),
	SYSCALL(__NR_migrate_pages, sys_migrate_pages),
	SYSCALL(__NR_move_pages, sys_move_pages),
	SYSCALL(__NR_pidfd_open, sys_pidfd_open),
	SYSCALL(__NR_set_mempolicy_home_node, sys_set_mempolicy_home_node),
};

#define NR_LOGGED_WORDS	((NR_syscalls + 63) / 64 + 1)
static unsigned long enosys_logged[NR_LOGGED_WORDS];	/* one bit per number; the last word: beyond the table */

static void log_enosys(unsigned long nr)
{
	unsigned long bit = nr < NR_syscalls ? nr : NR_LOGGED_WORDS * 64 - 1;
	unsigned long mask = 1UL << (bit % 64);

	if (__atomic_fetch_or(&enosys_logged[bit / 64], mask, __ATOMIC_RELAXED) & mask)
		return;
	printk(KERN_INFO "syscall %lu unknown to Numbat (ENOSYS), first called by pid %d (%s)%s\n",
	       nr, current->pid, current->comm, nr < NR_syscalls ? "" : "; further unknown numbers beyond the table are not logged");
}

static const syscall_fn_t numbat_call_table[NR_numbat_syscalls] = {
	SYSCALL(__NR_numbat_technique - NUMBAT_SYSCALL_BASE, sys_numbat_technique),
	SYSCALL(__NR_numbat_pidfd_set_mempolicy - NUMBAT_SYSCALL_BASE, sys_pidfd_set_mempolicy),
};

long syscall_dispatch(struct pt_regs *regs, unsigned long nr)
{
	syscall_fn_t fn = nr < NR_syscalls ? sys_call_table[nr] : NULL;

	if (nr - NUMBAT_SYSCALL_BASE < NR_numbat_syscalls)
		fn = numbat_call_table[nr - NUMBAT_SYSCALL_BASE];

	if (!fn) {
		log_enosys(nr);
		return -ENOSYS;
	}
	return fn(regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8, regs->r9);
}
