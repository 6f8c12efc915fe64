/*
 * user/lib/linux_version.h - which kernel a user suite runs on.
 *
 * The suites run on Numbat, on the host's Linux and on Debian's Linux 6.1
 * and 6.12 under linux-run (docs/user.md). Numbat answers as the newest
 * Linux it was compared with (6.12); where an older Linux answers
 * otherwise, or lacks a feature, a test asks these.
 */
#ifndef USER_LIB_LINUX_VERSION_H
#define USER_LIB_LINUX_VERSION_H

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

/*
 * Is this Linux older than major.minor? Numbat answers as the newest
 * Linux it was compared with (6.12) where two versions differ.
 */
static inline int linux_before(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || strcmp(u.sysname, "Linux") || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma < major || (ma == major && mi < minor);
}

static inline int on_linux(void)
{
	struct utsname u;

	return !uname(&u) && !strcmp(u.sysname, "Linux");
}

/* Does the CPU translate 57-bit addresses (LA57)? Linux then lets a program map above 2^47. */
static inline int cpu_has_la57(void)
{
	unsigned int a = 7, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return (c >> 16) & 1;
}

#endif
