/*
 * user/usertest_mm.c - the address-space system calls of one thread:
 * brk, mmap with every flag of the issue and every PROT_ combination,
 * munmap, mprotect and madvise, on their success and error paths, with
 * Linux's answers. An access that must fault is made in a forked child,
 * which must die by SIGSEGV while this process carries on.
 */
#include "ktap.h"
#include "linux_version.h"

#include <stdint.h>
#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#define TASK_SIZE		0x00007ffffffff000UL
#define NORESERVE_SIZE		(1UL << 30)	/* far more than a test machine's RAM */
#define MANY_MAPPINGS		200
#define MAP_ANON_PRIVATE	(MAP_PRIVATE | MAP_ANONYMOUS)
#define MAP_ANON_SHARED		(MAP_SHARED | MAP_ANONYMOUS)
#define X86_RET			0xc3

/* mmap as the system call sees it: the address, or -errno. */
static long sys_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	return SYS(SYS_mmap, addr, len, prot, flags, fd, off);
}

static char *map_anon(size_t pages, int prot, int flags)
{
	long r = sys_mmap(NULL, pages * PAGE_SIZE, prot, flags, -1, 0);

	return r < 0 && r > -4096 ? NULL : (char *)r;
}

/* ---------------------------------------------------------- faulting children */

enum access { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };
static const char *const access_name[] = { "read", "write", "exec" };

struct probe {
	char *addr;
	enum access how;
};

static int do_access(void *arg)
{
	struct probe *p = arg;

	switch (p->how) {
	case ACCESS_READ:
		(void)*(volatile char *)p->addr;
		break;
	case ACCESS_WRITE:
		*(volatile char *)p->addr = X86_RET;
		break;
	case ACCESS_EXEC:
		((void (*)(void))p->addr)();
		break;
	}
	return 0;
}

/* Makes the access in the parent when it is allowed, or in a child that must
 * die by SIGSEGV when it is not; returns 0 when that is what happened. */
static int probe(char *addr, enum access how, int allowed)
{
	struct probe p = { addr, how };
	int status;

	if (allowed)
		return do_access(&p);
	status = ktap_child(do_access, &p);
	if (status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
		return 0;
	ktap_diag("%s of %p: child %s, expected SIGSEGV", access_name[how], (void *)addr,
		  status == -1 ? "could not run" : ktap_status_str(status));
	return 1;
}

/* ---------------------------------------------------------- brk */

static int brk_grow_shrink(void)
{
	unsigned long cur = SYS(SYS_brk, 0), base, top;
	size_t grow = 16 * PAGE_SIZE;

	CHECK(cur > 0);
	CHECK_EQ(SYS(SYS_brk, cur + grow), cur + grow);
	CHECK_EQ(SYS(SYS_brk, 0), cur + grow);
	base = (cur + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	top = cur + grow;
	for (unsigned long a = cur; a < top; a += 512) {
		CHECK_EQ(*(volatile char *)a, 0);		/* fresh memory is zero */
		*(volatile unsigned long *)(a & ~7UL) = a;
	}
	for (unsigned long a = cur; a < top; a += 512)
		CHECK_EQ(*(volatile unsigned long *)(a & ~7UL), a);
	/* a break below the start, or in the kernel, is refused: unchanged */
	CHECK_EQ(SYS(SYS_brk, 0x1000), cur + grow);
	CHECK_EQ(SYS(SYS_brk, KERNEL_ADDR), cur + grow);
	CHECK_EQ(SYS(SYS_brk, cur), cur);
	/* the pages above the break are gone */
	if (probe((char *)base + 2 * PAGE_SIZE, ACCESS_READ, 0))
		return 1;
	/* and grow again: zero, not the old contents */
	CHECK_EQ(SYS(SYS_brk, cur + grow), cur + grow);
	CHECK_EQ(*(volatile unsigned long *)(base + 2 * PAGE_SIZE), 0);
	CHECK_EQ(SYS(SYS_brk, cur), cur);
	return 0;
}

/* ---------------------------------------------------------- the stack */

#define STACK_GROWTH	(1UL << 20)	/* well inside Linux's 8 MiB stack limit */

/* A frame of 1 MiB, touched from its top down one page at a time: the
 * stack mapping grows under it, as Linux grows a VM_GROWSDOWN stack. */
static __attribute__((noinline)) long touch_deep_stack(void)
{
	volatile char frame[STACK_GROWTH];
	long sum = 0;

	for (long i = STACK_GROWTH - 1; i >= 0; i -= PAGE_SIZE)
		frame[i] = (char)(i >> 12);
	for (long i = STACK_GROWTH - 1; i >= 0; i -= PAGE_SIZE)
		sum += frame[i];
	return sum;
}

static int stack_grows(void)
{
	long expect = 0;

	for (long i = STACK_GROWTH - 1; i >= 0; i -= PAGE_SIZE)
		expect += (char)(i >> 12);
	CHECK_EQ(touch_deep_stack(), expect);
	CHECK_EQ(touch_deep_stack(), expect);	/* and again, now mapped */
	return 0;
}

/* ---------------------------------------------------------- mmap */

static int mmap_private_anon(void)
{
	size_t pages = 64;
	char *p = map_anon(pages, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE);

	CHECK(p != NULL);
	CHECK_EQ((uintptr_t)p % PAGE_SIZE, 0);
	CHECK((uintptr_t)p < TASK_SIZE);
	for (size_t i = 0; i < pages; i++)
		CHECK_EQ(p[i * PAGE_SIZE + i], 0);
	for (size_t i = 0; i < pages; i++)
		*(size_t *)(p + i * PAGE_SIZE) = i;
	for (size_t i = 0; i < pages; i++)
		CHECK_EQ(*(size_t *)(p + i * PAGE_SIZE), i);
	CHECK_EQ(munmap(p, pages * PAGE_SIZE), 0);
	return 0;
}

static int child_write_both(void *arg)
{
	char **maps = arg;

	maps[0][0] = 'c';		/* private: the parent must not see it */
	maps[1][0] = 'c';		/* shared: the parent must see it */
	maps[1][PAGE_SIZE] = 'C';	/* a page nobody touched before fork */
	return maps[0][0] == 'c' && maps[1][0] == 'c' ? 0 : 1;
}

static int mmap_shared_anon_across_fork(void)
{
	char *priv = map_anon(2, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE);
	char *shared = map_anon(2, PROT_READ | PROT_WRITE, MAP_ANON_SHARED);
	char *maps[2] = { priv, shared };

	CHECK(priv && shared);
	priv[0] = 'p';
	shared[0] = 'p';
	CHECK_EXITED(ktap_child(child_write_both, maps), 0);
	CHECK_EQ(priv[0], 'p');
	CHECK_EQ(shared[0], 'c');
	CHECK_EQ(shared[PAGE_SIZE], 'C');
	CHECK_EQ(munmap(priv, 2 * PAGE_SIZE), 0);
	CHECK_EQ(munmap(shared, 2 * PAGE_SIZE), 0);
	return 0;
}

static int mmap_fixed_replaces(void)
{
	char *p = map_anon(4, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE);
	long r;

	CHECK(p != NULL);
	memset(p, 'x', 4 * PAGE_SIZE);
	r = sys_mmap(p + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_ANON_PRIVATE | MAP_FIXED, -1, 0);
	CHECK_EQ(r, (long)(p + PAGE_SIZE));
	CHECK_EQ(p[0], 'x');
	CHECK_EQ(p[PAGE_SIZE], 0);			/* the new mapping is fresh */
	CHECK_EQ(p[3 * PAGE_SIZE - 1], 0);
	CHECK_EQ(p[3 * PAGE_SIZE], 'x');
	CHECK_ERR(sys_mmap(p + 1, PAGE_SIZE, PROT_READ, MAP_ANON_PRIVATE | MAP_FIXED, -1, 0), EINVAL);
	CHECK_EQ(munmap(p, 4 * PAGE_SIZE), 0);
	return 0;
}

static int mmap_fixed_noreplace(void)
{
	char *p = map_anon(4, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE);

	CHECK(p != NULL);
	p[0] = 'x';
	CHECK_ERR(sys_mmap(p, PAGE_SIZE, PROT_READ, MAP_ANON_PRIVATE | MAP_FIXED_NOREPLACE, -1, 0),
		  EEXIST);
	/* overlapping only partly is refused too */
	CHECK_EQ(munmap(p + 2 * PAGE_SIZE, 2 * PAGE_SIZE), 0);
	CHECK_ERR(sys_mmap(p + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ,
			   MAP_ANON_PRIVATE | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
	/* into the hole it works, at exactly that address */
	CHECK_EQ(sys_mmap(p + 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_ANON_PRIVATE | MAP_FIXED_NOREPLACE, -1, 0), (long)(p + 2 * PAGE_SIZE));
	CHECK_EQ(p[0], 'x');
	p[3 * PAGE_SIZE] = 'y';
	CHECK_EQ(munmap(p, 4 * PAGE_SIZE), 0);
	return 0;
}

static int mmap_hint_honoured(void)
{
	char *p = map_anon(8, PROT_NONE, MAP_ANON_PRIVATE);
	long r;

	CHECK(p != NULL);
	CHECK_EQ(munmap(p, 8 * PAGE_SIZE), 0);
	/* a free, aligned hint is used as is */
	r = sys_mmap(p + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE, -1, 0);
	CHECK_EQ(r, (long)(p + PAGE_SIZE));
	/* a taken hint is not an error without MAP_FIXED: somewhere else */
	r = sys_mmap(p + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE, -1, 0);
	CHECK(r > 0 && r != (long)(p + PAGE_SIZE));
	CHECK_EQ(munmap((void *)r, PAGE_SIZE), 0);
	CHECK_EQ(munmap(p + PAGE_SIZE, PAGE_SIZE), 0);
	return 0;
}

static int mmap_populate_noreserve_stack(void)
{
	char *pop = map_anon(16, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE | MAP_POPULATE);
	char *stack = map_anon(16, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE | MAP_STACK);
	char *big = map_anon(NORESERVE_SIZE / PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANON_PRIVATE | MAP_NORESERVE);
	char *shpop = map_anon(4, PROT_READ | PROT_WRITE, MAP_ANON_SHARED | MAP_POPULATE);

	CHECK(pop && stack && big && shpop);
	for (size_t i = 0; i < 16; i++) {
		CHECK_EQ(pop[i * PAGE_SIZE], 0);
		pop[i * PAGE_SIZE] = (char)i;
		stack[i * PAGE_SIZE + PAGE_SIZE - 1] = (char)i;
	}
	for (size_t i = 0; i < 16; i++)
		CHECK_EQ(pop[i * PAGE_SIZE] + stack[i * PAGE_SIZE + PAGE_SIZE - 1], 2 * i);
	/* 1 GiB of address space; only the pages touched cost memory */
	big[0] = 1;
	big[NORESERVE_SIZE / 2] = 2;
	big[NORESERVE_SIZE - 1] = 3;
	CHECK_EQ(big[0] + big[NORESERVE_SIZE / 2] + big[NORESERVE_SIZE - 1], 6);
	CHECK_EQ(big[PAGE_SIZE], 0);
	CHECK_EQ(shpop[3 * PAGE_SIZE], 0);
	CHECK_EQ(munmap(pop, 16 * PAGE_SIZE), 0);
	CHECK_EQ(munmap(stack, 16 * PAGE_SIZE), 0);
	CHECK_EQ(munmap(big, NORESERVE_SIZE), 0);
	CHECK_EQ(munmap(shpop, 4 * PAGE_SIZE), 0);
	return 0;
}

static int mmap_errors(void)
{
	int rw = PROT_READ | PROT_WRITE;

	CHECK_ERR(sys_mmap(NULL, 0, rw, MAP_ANON_PRIVATE, -1, 0), EINVAL);
	CHECK_ERR(sys_mmap(NULL, PAGE_SIZE, rw, MAP_ANONYMOUS, -1, 0), EINVAL);	/* neither */
	CHECK_ERR(sys_mmap((void *)0x10001000UL + 8, PAGE_SIZE, rw, MAP_ANON_PRIVATE | MAP_FIXED,
			   -1, 0), EINVAL);
	CHECK_ERR(sys_mmap(NULL, PAGE_SIZE, rw, MAP_ANON_PRIVATE, -1, 100), EINVAL);	/* offset */
	CHECK_ERR(sys_mmap(NULL, PAGE_SIZE, rw, MAP_PRIVATE, -1, 0), EBADF);	/* no file */
	CHECK_ERR(sys_mmap(NULL, 1UL << 62, rw, MAP_ANON_PRIVATE, -1, 0), ENOMEM);
	CHECK_ERR(sys_mmap(NULL, -PAGE_SIZE, rw, MAP_ANON_PRIVATE, -1, 0), ENOMEM);
	if (!(on_linux() && cpu_has_la57()))	/* a five-level Linux has room above 2^47 */
		CHECK_ERR(sys_mmap((void *)TASK_SIZE, PAGE_SIZE, rw, MAP_ANON_PRIVATE | MAP_FIXED, -1, 0),
			  ENOMEM);
	CHECK_ERR(sys_mmap((void *)KERNEL_ADDR, PAGE_SIZE, rw, MAP_ANON_PRIVATE | MAP_FIXED, -1, 0),
		  ENOMEM);
	return 0;
}

/*
 * Both PRIVATE and SHARED is 0x03, MAP_SHARED_VALIDATE: Linux's do_mmap
 * knows it only for files; for anonymous memory it is EINVAL, like a type
 * that is neither (and a file mapping would check its other flags).
 */
static int mmap_private_and_shared(void)
{
	int rw = PROT_READ | PROT_WRITE;

	CHECK_ERR(sys_mmap(NULL, PAGE_SIZE, rw, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS, -1, 0),
		  EINVAL);
	return 0;
}

/* ---------------------------------------------------------- protections */

struct prot_case {
	int prot;
	const char *name;
	int read, write, exec;
};

/*
 * x86-64 without protection keys: write implies read, and so does exec.
 * (Linux on a CPU with PKU makes PROT_EXEC alone execute-only, so that
 * one read is not checked.)
 */
static const struct prot_case prot_cases[] = {
	{ PROT_NONE,				"---", 0, 0, 0 },
	{ PROT_READ,				"r--", 1, 0, 0 },
	{ PROT_WRITE,				"-w-", 1, 1, 0 },
	{ PROT_READ | PROT_WRITE,		"rw-", 1, 1, 0 },
	{ PROT_EXEC,				"--x", -1, 0, 1 },
	{ PROT_READ | PROT_EXEC,		"r-x", 1, 0, 1 },
	{ PROT_WRITE | PROT_EXEC,		"-wx", 1, 1, 1 },
	{ PROT_READ | PROT_WRITE | PROT_EXEC,	"rwx", 1, 1, 1 },
};

static int prot_combinations(void)
{
	for (size_t i = 0; i < sizeof(prot_cases) / sizeof(prot_cases[0]); i++) {
		const struct prot_case *c = &prot_cases[i];
		char *p = map_anon(1, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE);
		char *q = map_anon(1, c->prot, MAP_ANON_PRIVATE);	/* mapped so directly */
		int bad = 0;

		CHECK(p && q);
		p[0] = X86_RET;					/* a function that returns */
		CHECK_EQ(SYS(SYS_mprotect, p, PAGE_SIZE, c->prot), 0);
		if (c->read >= 0)
			bad |= probe(p, ACCESS_READ, c->read);
		bad |= probe(p, ACCESS_WRITE, c->write);
		bad |= probe(p, ACCESS_EXEC, c->exec);
		if (c->read > 0)
			bad |= *(volatile char *)q != 0;	/* readable and zero */
		bad |= probe(q, ACCESS_WRITE, c->write);
		if (bad) {
			ktap_diag("PROT %s (%d) misbehaves", c->name, c->prot);
			return 1;
		}
		CHECK_EQ(munmap(p, PAGE_SIZE), 0);
		CHECK_EQ(munmap(q, PAGE_SIZE), 0);
	}
	return 0;
}

/* ---------------------------------------------------------- munmap */

static int munmap_splits(void)
{
	char *p = map_anon(3, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE);

	CHECK(p != NULL);
	memset(p, 'a', 3 * PAGE_SIZE);
	CHECK_EQ(munmap(p + PAGE_SIZE, PAGE_SIZE), 0);		/* the middle */
	CHECK_EQ(p[0], 'a');
	CHECK_EQ(p[2 * PAGE_SIZE], 'a');
	CHECK(!probe(p + PAGE_SIZE, ACCESS_READ, 0));
	CHECK_EQ(munmap(p + PAGE_SIZE, PAGE_SIZE), 0);		/* nothing there: fine */
	CHECK_EQ(munmap(p, 3 * PAGE_SIZE), 0);			/* across the hole */
	CHECK(!probe(p, ACCESS_READ, 0));
	CHECK(!probe(p + 2 * PAGE_SIZE, ACCESS_READ, 0));
	return 0;
}

static int munmap_errors(void)
{
	char *p = map_anon(1, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE);

	CHECK(p != NULL);
	CHECK_ERR(SYS(SYS_munmap, p + 1, PAGE_SIZE), EINVAL);
	CHECK_ERR(SYS(SYS_munmap, p, 0), EINVAL);
	CHECK_ERR(SYS(SYS_munmap, KERNEL_ADDR, PAGE_SIZE), EINVAL);
	if (!(on_linux() && cpu_has_la57()))
		CHECK_ERR(SYS(SYS_munmap, TASK_SIZE - PAGE_SIZE, 2 * PAGE_SIZE), EINVAL);
	p[0] = 1;	/* still mapped after the failed calls */
	CHECK_EQ(SYS(SYS_munmap, p, PAGE_SIZE), 0);
	return 0;
}

/* Many small mappings with alternating protections, so none merge: the
 * VMA tree grows, and every one is still found with its own contents. */
static int many_mappings(void)
{
	static char *maps[MANY_MAPPINGS];

	for (int i = 0; i < MANY_MAPPINGS; i++) {
		maps[i] = map_anon(1, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE);
		CHECK(maps[i] != NULL);
		*(int *)maps[i] = i;
		if (i % 2)
			CHECK_EQ(SYS(SYS_mprotect, maps[i], PAGE_SIZE, PROT_READ), 0);
	}
	for (int i = 0; i < MANY_MAPPINGS; i += 2)
		CHECK_EQ(munmap(maps[i], PAGE_SIZE), 0);
	for (int i = 1; i < MANY_MAPPINGS; i += 2)
		CHECK_EQ(*(int *)maps[i], i);
	for (int i = 0; i < MANY_MAPPINGS; i += 2) {	/* fill the holes again */
		maps[i] = map_anon(1, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE);
		CHECK(maps[i] != NULL);
		CHECK_EQ(*(int *)maps[i], 0);
		*(int *)maps[i] = i;
	}
	for (int i = 0; i < MANY_MAPPINGS; i++) {
		CHECK_EQ(*(int *)maps[i], i);
		CHECK_EQ(munmap(maps[i], PAGE_SIZE), 0);
	}
	return 0;
}

/* ---------------------------------------------------------- mprotect */

static int mprotect_read_only(void)
{
	char *p = map_anon(3, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE);

	CHECK(p != NULL);
	memset(p, 'm', 3 * PAGE_SIZE);
	CHECK_EQ(SYS(SYS_mprotect, p + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);	/* splits */
	CHECK_EQ(p[PAGE_SIZE], 'm');
	CHECK(!probe(p + PAGE_SIZE, ACCESS_WRITE, 0));
	p[0] = 'n';				/* the neighbours stay writable */
	p[2 * PAGE_SIZE] = 'n';
	CHECK_EQ(SYS(SYS_mprotect, p, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	p[PAGE_SIZE] = 'n';			/* and back: data kept, writable */
	CHECK_EQ(p[PAGE_SIZE] + p[PAGE_SIZE + 1], 'n' + 'm');
	CHECK_EQ(SYS(SYS_mprotect, p, 3 * PAGE_SIZE, PROT_NONE), 0);
	CHECK(!probe(p + 2 * PAGE_SIZE, ACCESS_READ, 0));
	CHECK_EQ(SYS(SYS_mprotect, p, 3 * PAGE_SIZE, PROT_READ), 0);
	CHECK_EQ(p[2 * PAGE_SIZE], 'n');
	CHECK_EQ(munmap(p, 3 * PAGE_SIZE), 0);
	return 0;
}

static int mprotect_errors(void)
{
	char *p = map_anon(2, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE);

	CHECK(p != NULL);
	/* A range that starts in a hole changes nothing. (One that runs into
	 * a hole later is ENOMEM too, but Linux has changed the part before
	 * the hole by then, so that is not checked.) */
	CHECK_EQ(munmap(p, PAGE_SIZE), 0);
	CHECK_ERR(SYS(SYS_mprotect, p, 2 * PAGE_SIZE, PROT_READ), ENOMEM);
	CHECK_ERR(SYS(SYS_mprotect, p, PAGE_SIZE, PROT_READ), ENOMEM);
	p[PAGE_SIZE] = 1;			/* still writable */
	CHECK_ERR(SYS(SYS_mprotect, p + PAGE_SIZE + 1, PAGE_SIZE, PROT_READ), EINVAL);
	CHECK_ERR(SYS(SYS_mprotect, p + PAGE_SIZE, PAGE_SIZE, 0x100), EINVAL);	/* bad prot */
	CHECK_EQ(SYS(SYS_mprotect, p + PAGE_SIZE, 0, PROT_READ), 0);		/* nothing to do */
	CHECK_ERR(SYS(SYS_mprotect, KERNEL_ADDR, PAGE_SIZE, PROT_READ), ENOMEM);
	p[PAGE_SIZE] = 2;
	CHECK_EQ(munmap(p + PAGE_SIZE, PAGE_SIZE), 0);
	return 0;
}

/* ---------------------------------------------------------- madvise */

static int madvise_dontneed(void)
{
	char *priv = map_anon(4, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE);
	char *shared = map_anon(4, PROT_READ | PROT_WRITE, MAP_ANON_SHARED);

	CHECK(priv && shared);
	memset(priv, 'p', 4 * PAGE_SIZE);
	memset(shared, 's', 4 * PAGE_SIZE);
	CHECK_EQ(SYS(SYS_madvise, priv + PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED), 0);
	CHECK_EQ(priv[0], 'p');
	CHECK_EQ(priv[PAGE_SIZE], 0);		/* private anonymous: zero again */
	CHECK_EQ(priv[3 * PAGE_SIZE - 1], 0);
	CHECK_EQ(priv[3 * PAGE_SIZE], 'p');
	priv[PAGE_SIZE] = 'q';			/* and usable again */
	CHECK_EQ(priv[PAGE_SIZE], 'q');
	CHECK_EQ(SYS(SYS_madvise, shared, 4 * PAGE_SIZE, MADV_DONTNEED), 0);
	CHECK_EQ(shared[0], 's');		/* shared: the data lives on */
	CHECK_EQ(shared[4 * PAGE_SIZE - 1], 's');
	CHECK_EQ(munmap(priv, 4 * PAGE_SIZE), 0);
	CHECK_EQ(munmap(shared, 4 * PAGE_SIZE), 0);
	return 0;
}

static int madvise_hints_and_errors(void)
{
	static const int hints[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
				     MADV_NOHUGEPAGE };
	char *p = map_anon(2, PROT_READ | PROT_WRITE, MAP_ANON_PRIVATE);

	CHECK(p != NULL);
	p[0] = 'h';
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		CHECK_EQ(SYS(SYS_madvise, p, 2 * PAGE_SIZE, hints[i]), 0);
	CHECK_EQ(p[0], 'h');			/* hints change no data */
	CHECK_ERR(SYS(SYS_madvise, p, PAGE_SIZE, 12345), EINVAL);
	CHECK_ERR(SYS(SYS_madvise, p + 1, PAGE_SIZE, MADV_DONTNEED), EINVAL);
	CHECK_EQ(SYS(SYS_madvise, p, 0, MADV_DONTNEED), 0);
	CHECK_EQ(munmap(p + PAGE_SIZE, PAGE_SIZE), 0);
	CHECK_ERR(SYS(SYS_madvise, p, 2 * PAGE_SIZE, MADV_NORMAL), ENOMEM);	/* a hole */
	CHECK_EQ(munmap(p, PAGE_SIZE), 0);
	return 0;
}

/*
 * A shared mapping cannot be a stack (Linux: EINVAL). A stack grows by
 * moving its start down; for a shared object that would map the object's
 * pages at offsets below where the mapping began, and after part of it
 * was unmapped, its old pages, data and all (issue 15).
 */
static int mmap_shared_growsdown_refused(void)
{
	CHECK_ERR(sys_mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_ANON_SHARED | MAP_GROWSDOWN, -1, 0),
		  EINVAL);
	CHECK_ERR(sys_mmap(NULL, 4 * PAGE_SIZE, PROT_READ, MAP_ANON_SHARED | MAP_GROWSDOWN, -1, 0), EINVAL);
	return 0;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(brk_grow_shrink),
	KTAP_CASE(stack_grows),
	KTAP_CASE(mmap_private_anon),
	KTAP_CASE(mmap_shared_anon_across_fork),
	KTAP_CASE(mmap_fixed_replaces),
	KTAP_CASE(mmap_fixed_noreplace),
	KTAP_CASE(mmap_hint_honoured),
	KTAP_CASE(mmap_populate_noreserve_stack),
	KTAP_CASE(mmap_errors),
	KTAP_CASE(mmap_private_and_shared),
	KTAP_CASE(mmap_shared_growsdown_refused),
	KTAP_CASE(prot_combinations),
	KTAP_CASE(munmap_splits),
	KTAP_CASE(munmap_errors),
	KTAP_CASE(many_mappings),
	KTAP_CASE(mprotect_read_only),
	KTAP_CASE(mprotect_errors),
	KTAP_CASE(madvise_dontneed),
	KTAP_CASE(madvise_hints_and_errors),
};

int main(int argc, char **argv)
{
	return ktap_main("usertest_mm", cases, KTAP_COUNT(cases), argc, argv);
}
