/*
 * user/cow.c - fork and copy-on-write, seen from both sides.
 *
 *     make run PROG=build/user/cow
 *
 * After fork(2) parent and child have the same memory contents, but the
 * kernel copies nothing yet: both map the same physical pages, read-only.
 * The first write by either side faults, and the fault handler gives the
 * writer a private copy of that one page. So each side sees only its own
 * writes - except in MAP_SHARED memory, which stays one set of pages.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static char private_data[64] = "written before fork";	/* .data: private */

int main(void)
{
	/* one page both processes share for real */
	char *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	if (shared == MAP_FAILED)
		return 1;
	strcpy(shared, "written before fork");
	fflush(stdout);			/* or the child would print our buffer again */

	pid = fork();
	if (pid == 0) {
		/* The child writes first: a copy-on-write fault copies the page. */
		strcpy(private_data, "the child's write");
		strcpy(shared, "the child's write");
		printf("child  %d: private \"%s\", shared \"%s\"\n", getpid(), private_data, shared);
		return 0;
	}
	waitpid(pid, &status, 0);	/* the child has written by now */

	/* The parent still has its own page... */
	printf("parent %d: private \"%s\", shared \"%s\"\n", getpid(), private_data, shared);
	/* ...and writing it now faults again: the child is gone, so the
	 * page has one user left, and the kernel can make it writable in
	 * place instead of copying it. */
	strcpy(private_data, "the parent's write");
	printf("parent %d: private \"%s\"\n", getpid(), private_data);
	printf("child exited with %d\n", WEXITSTATUS(status));
	return strcmp(shared, "the child's write") == 0 ? 0 : 1;
}
