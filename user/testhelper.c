/*
 * user/testhelper.c - the program the user test suites execve(2) and
 * run as children. Not a suite itself (its name does not start with
 * usertest_), so the kernel's runner leaves it alone.
 *
 *     testhelper exit N        exit with status N
 *     testhelper check A B     exit 0 when argv is exactly "testhelper check
 *                              A B", the environment holds NUMBAT_TEST=yes,
 *                              and the auxiliary vector is sane; else the
 *                              number of the first failed check
 *     testhelper segv          die by SIGSEGV (a write to address 0x10)
 *     testhelper self          print its own pid and parent pid
 *     testhelper ids PID PPID  exit 0 when its pid and parent pid are those
 *                              (execve keeps the pid), else 1
 *
 * The suites find it by its bare name: on Numbat that is the GRUB module
 * "testhelper"; on Linux they run from build/user, so the relative path
 * "testhelper" names build/user/testhelper.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

/* musl's getauxval sets errno to ENOENT for a missing entry (0 is a valid value). */
static int has_aux(unsigned long type)
{
	errno = 0;
	getauxval(type);
	return errno == 0;
}

static int check(int argc, char **argv)
{
	const char *env = getenv("NUMBAT_TEST");
	unsigned long random = getauxval(AT_RANDOM);

	if (argc != 4 || strcmp(argv[2], "A") || strcmp(argv[3], "B") || argv[4] != NULL)
		return 10;
	if (!env || strcmp(env, "yes"))
		return 11;
	if (getauxval(AT_PAGESZ) != 4096)
		return 12;
	if (!getauxval(AT_PHDR) || getauxval(AT_PHNUM) == 0 || getauxval(AT_PHENT) != 56)
		return 13;
	if (!getauxval(AT_ENTRY))
		return 14;
	if (!random)
		return 15;
	if (!has_aux(AT_UID) || !has_aux(AT_EUID) || !has_aux(AT_GID) || !has_aux(AT_EGID) ||
	    getauxval(AT_UID) != getauxval(AT_EUID) || getauxval(AT_GID) != getauxval(AT_EGID))
		return 16;
	if (!has_aux(AT_SECURE) || getauxval(AT_SECURE) != 0 || !has_aux(AT_HWCAP))
		return 17;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "exit"))
		return atoi(argv[2]);
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return check(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "segv")) {
		volatile int *volatile bad = (int *)0x10;

		*bad = 1;
		return 99;
	}
	if (argc >= 4 && !strcmp(argv[1], "ids"))
		return getpid() == atoi(argv[2]) && getppid() == atoi(argv[3]) ? 0 : 1;
	if (argc >= 2 && !strcmp(argv[1], "self")) {
		printf("testhelper: pid %d, parent %d\n", getpid(), getppid());
		return 0;
	}
	fprintf(stderr, "usage: testhelper exit N | check A B | segv | self | ids PID PPID\n");
	return 2;
}
