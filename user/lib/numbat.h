/*
 * user/lib/numbat.h - Numbat's own system calls, for user programs.
 *
 * They are numbered from NUMBAT_SYSCALL_BASE ("NB" and a zero byte), far
 * above every Linux system call, so a program that calls one on Linux
 * gets ENOSYS and can fall back. The kernel's side: kernel/proc/syscalls.h.
 */
#ifndef USER_LIB_NUMBAT_H
#define USER_LIB_NUMBAT_H

#include <stddef.h>
#include <unistd.h>
#include <sys/syscall.h>

#define NUMBAT_SYSCALL_BASE	0x4e4200

/*
 * numbat_technique(name, mode, buf, len): switch the technique name to
 * mode (docs/technique.md), as the monitor's `technique NAME MODE` does;
 * with mode NULL, copy the name of the mode in force into buf instead.
 * 0, or -1 with errno: ENOENT (no such technique or mode), EPERM (chosen
 * at boot only), EBUSY (refused now), ERANGE (buf too small), EFAULT.
 */
#define __NR_numbat_technique	(NUMBAT_SYSCALL_BASE + 0)

static inline long numbat_technique(const char *name, const char *mode, char *buf, size_t len)
{
	return syscall(__NR_numbat_technique, name, mode, buf, len);
}

/*
 * pidfd_set_mempolicy(pidfd, mode, nmask, maxnode, flags): set_mempolicy(2)
 * for the process pidfd names (seed 000; docs/mempolicy.md). Linux has no
 * such call: there it is ENOSYS.
 */
#define __NR_numbat_pidfd_set_mempolicy	(NUMBAT_SYSCALL_BASE + 1)

#endif
