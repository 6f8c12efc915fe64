/*
 * user/hello.c - the smallest Numbat user program: print, read the
 * arguments, exit with a status.
 *
 *     make run PROG=build/user/hello ARGS="a b c"
 *
 * prints its arguments and exits with the number of them, which
 * `make run` hands back as its own exit status (`echo $?` shows 3).
 * The same binary runs on Linux: ./build/user/hello a b c; echo $?
 */
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct utsname u;

	/* uname(2) tells which kernel is underneath: Linux, or Numbat
	 * speaking Linux's system-call ABI. */
	if (uname(&u) == 0)
		printf("hello from %s %s (%s), pid %d\n", u.sysname, u.release, u.machine, getpid());
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	return argc - 1;
}
