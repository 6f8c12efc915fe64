/*
 * kernel/proc/syscalls.h - Linux x86-64 system-call numbers and the
 * handlers (sys_*) the dispatcher (kernel/proc/syscall.c) calls; the
 * memory ones are the mm's (kernel/mm/vma.h).
 *
 * The calling convention: number in RAX, arguments in RDI, RSI, RDX, R10,
 * R8, R9 (R10 instead of RCX, which SYSCALL overwrites with the return
 * address); the result, or -errno, comes back in RAX.
 */
#ifndef KERNEL_PROC_SYSCALLS_H
#define KERNEL_PROC_SYSCALLS_H

#include "kernel/types.h"
#include "arch/x86_64/uaccess.h"

#define __NR_read		0
#define __NR_write		1
#define __NR_open		2
#define __NR_close		3
#define __NR_fstat		5
#define __NR_lseek		8
#define __NR_mmap		9
#define __NR_mprotect		10
#define __NR_munmap		11
#define __NR_brk		12
#define __NR_rt_sigaction	13
#define __NR_rt_sigprocmask	14
#define __NR_rt_sigreturn	15
#define __NR_ioctl		16
#define __NR_readv		19
#define __NR_writev		20
#define __NR_sched_yield	24
#define __NR_mremap		25
#define __NR_msync		26
#define __NR_mincore		27
#define __NR_madvise		28
#define __NR_shmget		29
#define __NR_shmat		30
#define __NR_shmctl		31
#define __NR_dup		32
#define __NR_pause		34
#define __NR_nanosleep		35
#define __NR_getpid		39
#define __NR_clone		56
#define __NR_fork		57
#define __NR_vfork		58
#define __NR_execve		59
#define __NR_exit		60
#define __NR_wait4		61
#define __NR_kill		62
#define __NR_uname		63
#define __NR_shmdt		67
#define __NR_fcntl		72
#define __NR_gettimeofday	96
#define __NR_getrlimit		97
#define __NR_getuid		102
#define __NR_getgid		104
#define __NR_geteuid		107
#define __NR_getegid		108
#define __NR_getppid		110
#define __NR_getpgrp		111
#define __NR_rt_sigpending	127
#define __NR_rt_sigtimedwait	128
#define __NR_rt_sigsuspend	130
#define __NR_sigaltstack	131
#define __NR_mlock		149
#define __NR_munlock		150
#define __NR_mlockall		151
#define __NR_munlockall		152
#define __NR_arch_prctl		158
#define __NR_gettid		186
#define __NR_tkill		200
#define __NR_time		201
#define __NR_futex		202
#define __NR_sched_setaffinity	203
#define __NR_sched_getaffinity	204
#define __NR_set_tid_address	218
#define __NR_clock_gettime	228
#define __NR_clock_getres	229
#define __NR_clock_nanosleep	230
#define __NR_exit_group		231
#define __NR_tgkill		234
#define __NR_mbind		237
#define __NR_set_mempolicy	238
#define __NR_get_mempolicy	239
#define __NR_migrate_pages	256
#define __NR_move_pages		279
#define __NR_prlimit64		302
#define __NR_getcpu		309
#define __NR_getrandom		318
#define __NR_mlock2		325
#define __NR_pidfd_open		434
#define __NR_set_mempolicy_home_node	450
#define NR_syscalls		451	/* table size: every number below is looked up */

/*
 * Numbat's own system calls, numbered from NUMBAT_SYSCALL_BASE ("NB" and a
 * zero byte), far above Linux's: a program that calls one on Linux gets
 * ENOSYS, as every number between the two tables does here. User
 * programs use user/lib/numbat.h.
 */
#define NUMBAT_SYSCALL_BASE	0x4e4200
#define __NR_numbat_technique	(NUMBAT_SYSCALL_BASE + 0)	/* (name, mode, buf, len): switch a technique, or read its mode */
#define __NR_numbat_pidfd_set_mempolicy	(NUMBAT_SYSCALL_BASE + 1)	/* seed 000's pidfd_set_mempolicy(pidfd, mode, nmask, maxnode, flags) */
#define NR_numbat_syscalls	2

struct k_sigaction;
struct k_stack;
struct mm_struct;

/* struct timespec of the system calls (nanosleep, clock_gettime, rt_sigtimedwait). */
struct k_timespec { long tv_sec, tv_nsec; };

long sys_read(int fd, char __user *buf, size_t count);
long sys_write(int fd, const char __user *buf, size_t count);
long sys_close(int fd);
long sys_readv(int fd, const void __user *iov, int iovcnt);
long sys_writev(int fd, const void __user *iov, int iovcnt);
long sys_ioctl(int fd, unsigned int cmd, unsigned long arg);
long sys_rt_sigaction(int sig, const struct k_sigaction __user *act, struct k_sigaction __user *oact,
		      unsigned long sigsetsize);
long sys_rt_sigprocmask(int how, const u64 __user *set, u64 __user *oset, unsigned long sigsetsize);
long sys_rt_sigreturn(void);
long sys_rt_sigpending(u64 __user *set, unsigned long sigsetsize);
long sys_rt_sigsuspend(const u64 __user *mask, unsigned long sigsetsize);
long sys_pause(void);
struct k_siginfo;
long sys_rt_sigtimedwait(const u64 __user *set, struct k_siginfo __user *info,
			 const struct k_timespec __user *ts, unsigned long sigsetsize);
long sys_sigaltstack(const struct k_stack __user *ss, struct k_stack __user *oss);
long sys_sched_yield(void);
long sys_nanosleep(const void __user *req, void __user *rem);
long sys_getpid(void);
long sys_getppid(void);
long sys_gettid(void);
long sys_getuid(void);
long sys_clone(unsigned long flags, unsigned long newsp, int __user *parent_tid,
	       int __user *child_tid, unsigned long tls);
long sys_fork(void);
long sys_vfork(void);
long sys_execve(const char __user *path, char *const __user *argv, char *const __user *envp);
long sys_exit(int code) __noreturn;
long sys_exit_group(int code) __noreturn;
long sys_numbat_technique(const char __user *name, const char __user *mode, char __user *buf, size_t len);
long sys_wait4(int pid, int __user *status, int options, void __user *rusage);
long sys_kill(int pid, int sig);
long sys_tkill(int tid, int sig);
long sys_tgkill(int tgid, int tid, int sig);
long sys_uname(void __user *buf);
long sys_arch_prctl(int code, unsigned long addr);
long sys_futex(u32 __user *uaddr, int op, u32 val, unsigned long utime, u32 __user *uaddr2, u32 val3);
long sys_sched_setaffinity(int pid, unsigned int len, const unsigned long __user *mask);
long sys_sched_getaffinity(int pid, unsigned int len, unsigned long __user *mask);
long sys_set_tid_address(int __user *tidptr);
long sys_clock_gettime(int clk, void __user *tp);
long sys_clock_getres(int clk, void __user *tp);
long sys_clock_nanosleep(int clk, int flags, const void __user *req, void __user *rem);
long sys_gettimeofday(void __user *tv, void __user *tz);
long sys_time(long __user *t);
long sys_getcpu(unsigned int __user *cpu, unsigned int __user *node, void __user *cache);
long sys_getrlimit(unsigned int resource, void __user *rlim);
long sys_prlimit64(int pid, unsigned int resource, const void __user *new_rlim, void __user *old_rlim);
long sys_getrandom(void __user *buf, size_t count, unsigned int flags);
/* The NUMA calls that name a process (kernel/proc/numa.c); the others are the mm's (kernel/mm/mempolicy.h). */
long sys_migrate_pages(int pid, unsigned long maxnode, const unsigned long __user *old_nodes,
		       const unsigned long __user *new_nodes);
long sys_move_pages(int pid, unsigned long nr_pages, const void __user *__user *pages,
		    const int __user *nodes, int __user *status, int flags);
long sys_pidfd_set_mempolicy(int pidfd, int mode, const unsigned long __user *nmask,
			     unsigned long maxnode, unsigned int flags);

/* Time and randomness the system calls share. */
ktime_t ktime_get_real_ns(void);
void get_random_bytes(void *buf, size_t n);
int futex_waiters(struct mm_struct *mm, unsigned long uaddr);

#endif
