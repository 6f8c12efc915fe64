/*
 * user/usertest_mremap.c - mremap(2): shrinking, growing in place, moving
 * (MREMAP_MAYMOVE, MREMAP_FIXED), MREMAP_DONTUNMAP, a second mapping of a
 * shared object (old_len 0), copy-on-write and shared pages across a move,
 * and Linux's errno for every bad argument. Runs on Linux too (the
 * reference: tests/user-host).
 */
#include "ktap.h"

#include <stdint.h>
#include <sys/mman.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif
#define MAP_ANON_PRIVATE	(MAP_PRIVATE | MAP_ANONYMOUS)
#define MAP_ANON_SHARED		(MAP_SHARED | MAP_ANONYMOUS)
#define RW			(PROT_READ | PROT_WRITE)

static long sys_mremap(void *old, size_t old_len, size_t new_len, int flags, void *new)
{
	return SYS(SYS_mremap, old, old_len, new_len, flags, new);
}

/* n pages at a free address, with room for growth above them kept free. */
static char *map_with_room(size_t n, size_t room, int flags)
{
	char *p = mmap(NULL, (n + room) * PAGE_SIZE, RW, flags, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (room && munmap(p + n * PAGE_SIZE, room * PAGE_SIZE))
		return NULL;
	return p;
}

static void fill(char *p, size_t pages, char base)
{
	for (size_t i = 0; i < pages; i++)
		p[i * PAGE_SIZE] = base + i;
}

static int check_fill(char *p, size_t pages, char base)
{
	for (size_t i = 0; i < pages; i++)
		if (p[i * PAGE_SIZE] != (char)(base + i))
			return 1;
	return 0;
}

/* A flag in a shared page: the parent raises it, a forked child waits for it (no pipes needed). */
static volatile int *new_flag(void)
{
	void *f = mmap(NULL, PAGE_SIZE, RW, MAP_ANON_SHARED, -1, 0);

	return f == MAP_FAILED ? NULL : f;
}

static void wait_flag(volatile int *f)
{
	while (!*f)
		sched_yield();
}

/* Does a read of p die of SIGSEGV (in a child)? */
static int read_faults(void *p)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		(void)*(volatile char *)p;
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

static int shrink_in_place(void)
{
	char *p = map_with_room(4, 0, MAP_ANON_PRIVATE);

	CHECK(p);
	fill(p, 4, 'a');
	CHECK_EQ(sys_mremap(p, 4 * PAGE_SIZE, 2 * PAGE_SIZE, 0, NULL), (long)p);
	CHECK_EQ(check_fill(p, 2, 'a'), 0);
	CHECK(read_faults(p + 2 * PAGE_SIZE));		/* the tail is gone */
	CHECK(read_faults(p + 3 * PAGE_SIZE));
	CHECK_EQ(munmap(p, 2 * PAGE_SIZE), 0);
	return 0;
}

static int grow_in_place(void)
{
	char *p = map_with_room(2, 4, MAP_ANON_PRIVATE);

	CHECK(p);
	fill(p, 2, 'g');
	CHECK_EQ(sys_mremap(p, 2 * PAGE_SIZE, 5 * PAGE_SIZE, 0, NULL), (long)p);
	CHECK_EQ(check_fill(p, 2, 'g'), 0);
	CHECK_EQ(p[4 * PAGE_SIZE], 0);		/* the new part: fresh zero pages */
	p[4 * PAGE_SIZE] = 1;
	CHECK_EQ(munmap(p, 5 * PAGE_SIZE), 0);
	return 0;
}

static int grow_blocked_needs_maymove(void)
{
	char *p = map_with_room(2, 1, MAP_ANON_PRIVATE), *wall;
	long q;

	CHECK(p);
	wall = mmap(p + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, MAP_ANON_PRIVATE | MAP_FIXED, -1, 0);
	CHECK(wall == p + 2 * PAGE_SIZE);
	fill(p, 2, 'm');
	CHECK_ERR(sys_mremap(p, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 0, NULL), ENOMEM);
	q = sys_mremap(p, 2 * PAGE_SIZE, 4 * PAGE_SIZE, MREMAP_MAYMOVE, NULL);
	CHECK(q > 0 && q != (long)p);
	CHECK_EQ(check_fill((char *)q, 2, 'm'), 0);	/* the pages moved along */
	CHECK_EQ(((char *)q)[3 * PAGE_SIZE], 0);
	CHECK(read_faults(p));				/* the old place is unmapped */
	CHECK_EQ(munmap((void *)q, 4 * PAGE_SIZE), 0);
	CHECK_EQ(munmap(wall, PAGE_SIZE), 0);
	return 0;
}

static int fixed_moves_and_replaces(void)
{
	char *p = map_with_room(3, 0, MAP_ANON_PRIVATE), *target = map_with_room(5, 0, MAP_ANON_PRIVATE);

	CHECK(p && target);
	fill(p, 3, 'f');
	fill(target, 5, 'x');
	CHECK_EQ(sys_mremap(p, 3 * PAGE_SIZE, 3 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, target),
		 (long)target);
	CHECK_EQ(check_fill(target, 3, 'f'), 0);
	CHECK_EQ(target[3 * PAGE_SIZE], 'x' + 3);	/* the rest of the old target stays */
	CHECK(read_faults(p));
	CHECK_EQ(munmap(target, 5 * PAGE_SIZE), 0);
	return 0;
}

static int dontunmap_leaves_an_empty_mapping(void)
{
	char *p = map_with_room(2, 0, MAP_ANON_PRIVATE);
	long q;

	CHECK(p);
	fill(p, 2, 'd');
	q = sys_mremap(p, 2 * PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	CHECK(q > 0 && q != (long)p);
	CHECK_EQ(check_fill((char *)q, 2, 'd'), 0);
	CHECK_EQ(p[0], 0);			/* still mapped, but empty */
	CHECK_EQ(p[PAGE_SIZE], 0);
	CHECK_EQ(munmap(p, 2 * PAGE_SIZE), 0);
	CHECK_EQ(munmap((void *)q, 2 * PAGE_SIZE), 0);
	return 0;
}

static int shared_stays_shared_when_moved(void)
{
	char *p = map_with_room(2, 0, MAP_ANON_SHARED);
	volatile int *go = new_flag();
	int st;
	pid_t pid;
	long q;

	CHECK(p && go);
	p[0] = 's';
	pid = fork();
	if (pid == 0) {
		wait_flag(go);
		_exit(p[0] == 'n' && p[PAGE_SIZE] == 'N' ? 0 : 1);	/* the parent's writes, at its new address */
	}
	q = sys_mremap(p, 2 * PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
		       map_with_room(2, 0, MAP_ANON_PRIVATE));
	CHECK(q > 0);
	CHECK_EQ(((char *)q)[0], 's');
	((char *)q)[0] = 'n';
	((char *)q)[PAGE_SIZE] = 'N';
	*go = 1;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EXITED(st, 0);
	CHECK_EQ(munmap((void *)q, 2 * PAGE_SIZE), 0);
	CHECK_EQ(munmap((void *)go, PAGE_SIZE), 0);
	return 0;
}

static int shared_old_len_zero_duplicates(void)
{
	char *p = map_with_room(1, 0, MAP_ANON_SHARED), *priv = map_with_room(1, 0, MAP_ANON_PRIVATE);
	long q;

	CHECK(p && priv);
	q = sys_mremap(p, 0, PAGE_SIZE, MREMAP_MAYMOVE, NULL);
	CHECK(q > 0 && q != (long)p);
	p[0] = 'd';
	CHECK_EQ(((char *)q)[0], 'd');		/* one object, two mappings */
	((char *)q)[1] = 'D';
	CHECK_EQ(p[1], 'D');
	CHECK_ERR(sys_mremap(priv, 0, PAGE_SIZE, MREMAP_MAYMOVE, NULL), EINVAL);
	CHECK_EQ(munmap(p, PAGE_SIZE), 0);
	CHECK_EQ(munmap((void *)q, PAGE_SIZE), 0);
	CHECK_EQ(munmap(priv, PAGE_SIZE), 0);
	return 0;
}

static int copy_on_write_survives_a_move(void)
{
	char *p = map_with_room(2, 0, MAP_ANON_PRIVATE);
	volatile int *go = new_flag();
	int st;
	pid_t pid;
	long q;

	CHECK(p && go);
	fill(p, 2, 'c');
	pid = fork();
	if (pid == 0) {
		wait_flag(go);
		_exit(check_fill(p, 2, 'c'));	/* the child's copy: untouched by the parent's writes */
	}
	q = sys_mremap(p, 2 * PAGE_SIZE, 3 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
		       map_with_room(3, 0, MAP_ANON_PRIVATE));
	CHECK(q > 0);
	CHECK_EQ(check_fill((char *)q, 2, 'c'), 0);
	fill((char *)q, 2, 'P');
	*go = 1;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EXITED(st, 0);
	CHECK_EQ(munmap((void *)q, 3 * PAGE_SIZE), 0);
	CHECK_EQ(munmap((void *)go, PAGE_SIZE), 0);
	return 0;
}

static int errors(void)
{
	char *p = map_with_room(4, 0, MAP_ANON_PRIVATE), *hole;

	CHECK(p);
	CHECK_ERR(sys_mremap(p, PAGE_SIZE, PAGE_SIZE, 0x80, NULL), EINVAL);		/* unknown flag */
	CHECK_ERR(sys_mremap(p, PAGE_SIZE, PAGE_SIZE, MREMAP_FIXED, p + PAGE_SIZE), EINVAL);	/* FIXED alone */
	CHECK_ERR(sys_mremap(p, PAGE_SIZE, PAGE_SIZE, MREMAP_DONTUNMAP, NULL), EINVAL);	/* without MAYMOVE */
	CHECK_ERR(sys_mremap(p, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL), EINVAL);
	CHECK_ERR(sys_mremap(p + 1, PAGE_SIZE, PAGE_SIZE, 0, NULL), EINVAL);		/* unaligned */
	CHECK_ERR(sys_mremap(p, PAGE_SIZE, 0, 0, NULL), EINVAL);			/* new_len 0 */
	CHECK_ERR(sys_mremap((void *)BAD_USER_ADDR - 0x10, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE, NULL),
		  EFAULT);								/* nothing there */
	CHECK_ERR(sys_mremap(p, 8 * PAGE_SIZE, 9 * PAGE_SIZE, MREMAP_MAYMOVE, NULL), EFAULT);	/* past the VMA */
	CHECK_ERR(sys_mremap(p, 2 * PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, p + PAGE_SIZE),
		  EINVAL);								/* overlapping */
	CHECK_ERR(sys_mremap(p, PAGE_SIZE, PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, p + 2 * PAGE_SIZE + 1),
		  EINVAL);								/* new unaligned */
	hole = p + 2 * PAGE_SIZE;
	CHECK_EQ(munmap(hole, PAGE_SIZE), 0);
	CHECK_ERR(sys_mremap(p, 4 * PAGE_SIZE, 5 * PAGE_SIZE, MREMAP_MAYMOVE, NULL), EFAULT);	/* across a hole */
	CHECK_EQ(munmap(p, 4 * PAGE_SIZE), 0);
	return 0;
}

/* musl's realloc moves large blocks with mremap: the data must come along. */
static int realloc_of_a_large_block(void)
{
	size_t n = 1 << 20;
	unsigned char *b = malloc(n);

	CHECK(b);
	for (size_t i = 0; i < n; i += 512)
		b[i] = (unsigned char)(i >> 9);
	b = realloc(b, 4 * n);
	CHECK(b);
	for (size_t i = 0; i < n; i += 512)
		CHECK_EQ(b[i], (unsigned char)(i >> 9));
	free(b);
	return 0;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(shrink_in_place),
	KTAP_CASE(grow_in_place),
	KTAP_CASE(grow_blocked_needs_maymove),
	KTAP_CASE(fixed_moves_and_replaces),
	KTAP_CASE(dontunmap_leaves_an_empty_mapping),
	KTAP_CASE(shared_stays_shared_when_moved),
	KTAP_CASE(shared_old_len_zero_duplicates),
	KTAP_CASE(copy_on_write_survives_a_move),
	KTAP_CASE(errors),
	KTAP_CASE(realloc_of_a_large_block),
};

int main(int argc, char **argv)
{
	return ktap_main("usertest_mremap", cases, KTAP_COUNT(cases), argc, argv);
}
