/*
 * user/usertest_mlock.c - locked and resident memory (issue 15, case 14):
 * mlock, mlock2, munlock, mlockall and munlockall with what a lock does
 * (faulted in, refused by MADV_DONTNEED, not inherited), mincore page by
 * page with its errors, and msync's checks, each answering as Linux 6.12.
 *
 * Like usertest_linux it works at fixed addresses in an arena (ARENA) and
 * passes on Linux (tests/user-host) and on Numbat. Ranges stay small: on
 * Linux, transparent huge pages could make a whole 2 MiB resident at once.
 */
#include "ktap.h"
#include "probe.h"

#include <sys/mman.h>

#define ARENA			((char *)0x300000000000UL)
#define ARENA_SIZE		(64UL << 20)
#define P			PAGE_SIZE
#define RW			(PROT_READ | PROT_WRITE)
#define FIXED			(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
#define MLOCK_ONFAULT		0x01
#ifndef MCL_ONFAULT
#define MCL_ONFAULT		4
#endif

/* A fixed mapping of pages at ARENA + page * P; failing it fails the test. */
#define MAP_AT(page, pages, prot, flags) \
	CHECK_EQ(SYS(SYS_mmap, ARENA + (page) * P, (pages) * P, prot, (flags) | FIXED, -1, 0), (long)(ARENA + (page) * P))

static void arena_clear(void)
{
	SYS(SYS_munmap, ARENA, ARENA_SIZE);
}

/* 1 if the page at p is resident, 0 if not, -1 if mincore refuses. */
static int resident(const void *p)
{
	unsigned char v;

	return SYS(SYS_mincore, p, P, &v) ? -1 : v & 1;
}

/* Is the page at p locked? Locked memory refuses MADV_DONTNEED (EINVAL). */
static int locked(void *p)
{
	return SYS(SYS_madvise, p, P, MADV_DONTNEED) == -EINVAL;
}

/* ---------------------------------------------------------- mlock */

static int mlock_faults_in_and_holds(void)
{
	MAP_AT(0, 4, RW, 0);
	ARENA[0] = 1;
	CHECK_EQ(resident(ARENA + 2 * P), 0);
	CHECK_EQ(SYS(SYS_mlock, ARENA + 5, 3 * P), 0);		/* rounded out: pages 0 to 3 */
	for (int i = 0; i < 4; i++)
		CHECK_EQ(resident(ARENA + i * P), 1);
	CHECK(locked(ARENA + 3 * P));
	CHECK_EQ(ARENA[0], 1);
	CHECK_EQ(SYS(SYS_munlock, ARENA + P, P), 0);
	CHECK(!locked(ARENA + P));
	CHECK(locked(ARENA));
	CHECK_EQ(SYS(SYS_munlock, ARENA, 4 * P), 0);
	CHECK(!locked(ARENA));
	arena_clear();
	return 0;
}

static int mlock_errors(void)
{
	MAP_AT(0, 2, RW, 0);
	CHECK_EQ(SYS(SYS_mlock, ARENA, -1L), 0);		/* rounds to nothing */
	CHECK_ERR(SYS(SYS_mlock, ARENA + 8 * P, P), ENOMEM);	/* a hole */
	CHECK_ERR(SYS(SYS_mlock, KERNEL_ADDR, P), ENOMEM);
	CHECK_ERR(SYS(SYS_mlock, ARENA, 1UL << 63), ENOMEM);
	CHECK_ERR(SYS(SYS_mlock2, ARENA, P, 2), EINVAL);
	CHECK_ERR(SYS(SYS_munlock, ARENA + P, 4 * P), ENOMEM);
	/* a hole after the start: what comes before it is locked */
	CHECK_ERR(SYS(SYS_mlock, ARENA, 4 * P), ENOMEM);
	CHECK(locked(ARENA + P));
	CHECK_EQ(SYS(SYS_munlock, ARENA, 2 * P), 0);
	arena_clear();
	return 0;
}

/*
 * PROT_NONE memory cannot be faulted in: mlock is ENOMEM, the lock is set
 * anyway, and the VMAs after it are left unfaulted; making it writable
 * later faults it in.
 */
static int mlock_of_prot_none(void)
{
	MAP_AT(0, 4, PROT_NONE, 0);
	MAP_AT(4, 4, RW, 0);
	CHECK_ERR(SYS(SYS_mlock, ARENA, 8 * P), ENOMEM);
	CHECK_EQ(resident(ARENA + 4 * P), 0);
	CHECK(locked(ARENA));
	CHECK(locked(ARENA + 4 * P));
	CHECK_EQ(SYS(SYS_mprotect, ARENA, P, RW), 0);
	CHECK_EQ(resident(ARENA), 1);
	CHECK_EQ(SYS(SYS_munlock, ARENA, 8 * P), 0);
	arena_clear();
	return 0;
}

/* MLOCK_ONFAULT: locked, but nothing faulted in until touched. */
static int mlock2_onfault(void)
{
	MAP_AT(0, 2, RW, 0);
	CHECK_EQ(SYS(SYS_mlock2, ARENA, 2 * P, MLOCK_ONFAULT), 0);
	CHECK_EQ(resident(ARENA), 0);
	CHECK(locked(ARENA));
	ARENA[P] = 1;
	CHECK_EQ(resident(ARENA + P), 1);
	CHECK_EQ(SYS(SYS_mlock, ARENA, 2 * P), 0);		/* plain mlock faults the rest in */
	CHECK_EQ(resident(ARENA), 1);
	arena_clear();
	return 0;
}

/* MAP_LOCKED is faulted in even with MAP_NONBLOCK, which only stops MAP_POPULATE. */
static int map_locked_and_populate(void)
{
	MAP_AT(0, 2, RW, MAP_LOCKED | MAP_NONBLOCK);
	CHECK_EQ(resident(ARENA + P), 1);
	MAP_AT(4, 2, RW, MAP_POPULATE | MAP_NONBLOCK);
	CHECK_EQ(resident(ARENA + 5 * P), 0);
	MAP_AT(8, 2, RW, MAP_POPULATE);
	CHECK_EQ(resident(ARENA + 9 * P), 1);
	MAP_AT(12, 2, PROT_NONE, MAP_LOCKED);			/* nothing to fault: not an error */
	CHECK_EQ(resident(ARENA + 12 * P), 0);
	arena_clear();
	return 0;
}

static int child_checks_unlocked(void *arg)
{
	char *p = arg;

	if (locked(p))
		return 1;
	if (SYS(SYS_mmap, p + 8 * P, P, RW, FIXED, -1, 0) != (long)(p + 8 * P))
		return 2;
	return resident(p + 8 * P) == 0 ? 0 : 3;	/* MCL_FUTURE is not inherited either */
}

/*
 * mlockall: MCL_CURRENT locks (and faults in) what is mapped, MCL_FUTURE
 * what will be, MCL_ONFAULT without faulting; MCL_FUTURE alone leaves the
 * present VMAs as they are. munlockall undoes both. fork's child starts
 * with no lock at all.
 */
static int mlockall_and_munlockall(void)
{
	MAP_AT(0, 2, RW, 0);
	CHECK_ERR(SYS(SYS_mlockall, 0), EINVAL);
	CHECK_ERR(SYS(SYS_mlockall, MCL_ONFAULT), EINVAL);
	CHECK_ERR(SYS(SYS_mlockall, 8 | MCL_CURRENT), EINVAL);
	CHECK_EQ(SYS(SYS_mlockall, MCL_FUTURE), 0);
	CHECK(!locked(ARENA));
	MAP_AT(4, 2, RW, 0);
	CHECK_EQ(resident(ARENA + 5 * P), 1);
	CHECK(locked(ARENA + 4 * P));
	CHECK_EXITED(ktap_child(child_checks_unlocked, ARENA + 4 * P), 0);
	CHECK_EQ(SYS(SYS_munlockall), 0);
	CHECK(!locked(ARENA + 4 * P));
	CHECK_EQ(SYS(SYS_mlockall, MCL_CURRENT | MCL_ONFAULT), 0);
	CHECK(locked(ARENA));
	CHECK_EQ(resident(ARENA + P), 0);
	CHECK_EQ(SYS(SYS_mlockall, MCL_FUTURE | MCL_ONFAULT), 0);
	CHECK(locked(ARENA));					/* kept: MCL_CURRENT was not given */
	MAP_AT(8, 1, RW, 0);
	CHECK(locked(ARENA + 8 * P));
	CHECK_EQ(resident(ARENA + 8 * P), 0);
	CHECK_EQ(SYS(SYS_munlockall), 0);
	CHECK(!locked(ARENA));
	arena_clear();
	return 0;
}

/* ---------------------------------------------------------- mincore */

static int mincore_page_by_page(void)
{
	unsigned char v[8];

	MAP_AT(0, 8, RW, 0);
	ARENA[0] = 1;
	ARENA[3 * P] = 1;
	(void)*(volatile char *)(ARENA + 5 * P);		/* a read makes a page resident too */
	CHECK_EQ(SYS(SYS_mincore, ARENA, 8 * P - 100, v), 0);	/* a partial page counts */
	CHECK_EQ(v[0] + 2 * v[1] + 4 * v[2] + 8 * v[3] + 16 * v[4] + 32 * v[5] + 64 * v[6] + 128 * v[7],
		 1 + 8 + 32);
	CHECK_EQ(SYS(SYS_madvise, ARENA, P, MADV_DONTNEED), 0);
	CHECK_EQ(resident(ARENA), 0);
	CHECK_EQ(SYS(SYS_mprotect, ARENA + 3 * P, P, PROT_NONE), 0);
	CHECK_EQ(resident(ARENA + 3 * P), 1);			/* PROT_NONE keeps the page */
	arena_clear();
	return 0;
}

/* Shared memory is resident while its object holds the page, touched here or not. */
static int mincore_of_shared_memory(void)
{
	CHECK_EQ(SYS(SYS_mmap, ARENA, 4 * P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0), (long)ARENA);
	ARENA[0] = 1;
	ARENA[P] = 1;
	CHECK_EQ(SYS(SYS_madvise, ARENA, P, MADV_DONTNEED), 0);
	CHECK_EQ(resident(ARENA), 1);
	CHECK_EQ(resident(ARENA + 2 * P), 0);
	CHECK_EQ(ARENA[0], 1);
	arena_clear();
	return 0;
}

static int mincore_errors(void)
{
	unsigned char v[8];

	MAP_AT(0, 4, RW, 0);
	MAP_AT(6, 1, PROT_READ, 0);
	CHECK_ERR(SYS(SYS_mincore, ARENA + 1, P, v), EINVAL);
	CHECK_EQ(SYS(SYS_mincore, ARENA + 8 * P, 0, v), 0);	/* nothing asked */
	CHECK_ERR(SYS(SYS_mincore, ARENA + 8 * P, P, v), ENOMEM);
	CHECK_ERR(SYS(SYS_mincore, ARENA + 2 * P, 4 * P, v), ENOMEM);	/* runs into a hole */
	CHECK_ERR(SYS(SYS_mincore, ARENA, 1UL << 62, v), ENOMEM);
	CHECK_ERR(SYS(SYS_mincore, KERNEL_ADDR, P, v), ENOMEM);
	/* the vector: a kernel one is refused first; an unwritable one once there is something to write */
	CHECK_ERR(SYS(SYS_mincore, ARENA + 8 * P, P, KERNEL_ADDR), EFAULT);
	CHECK_ERR(SYS(SYS_mincore, ARENA, P, NULL), EFAULT);
	CHECK_ERR(SYS(SYS_mincore, ARENA + 8 * P, P, NULL), ENOMEM);
	CHECK_ERR(SYS(SYS_mincore, ARENA, P, ARENA + 6 * P), EFAULT);
	arena_clear();
	return 0;
}

/* ---------------------------------------------------------- msync */

/* Anonymous memory has nothing to write back: only the checks are left. */
static int msync_checks(void)
{
	MAP_AT(0, 1, RW, 0);
	MAP_AT(1, 1, PROT_NONE, 0);
	CHECK_EQ(SYS(SYS_msync, ARENA, 2 * P, MS_SYNC), 0);
	CHECK_EQ(SYS(SYS_msync, ARENA, P, 0), 0);
	CHECK_ERR(SYS(SYS_msync, ARENA, P, 8), EINVAL);
	CHECK_ERR(SYS(SYS_msync, ARENA, P, MS_ASYNC | MS_SYNC), EINVAL);
	CHECK_ERR(SYS(SYS_msync, ARENA + 1, P, MS_SYNC), EINVAL);
	CHECK_EQ(SYS(SYS_msync, ARENA, -1L, MS_SYNC), 0);		/* rounds to nothing */
	CHECK_ERR(SYS(SYS_msync, ARENA, 3 * P, MS_ASYNC), ENOMEM);
	CHECK_ERR(SYS(SYS_msync, ARENA, 3 * P, MS_SYNC), ENOMEM);
	CHECK_ERR(SYS(SYS_msync, KERNEL_ADDR, P, MS_SYNC), ENOMEM);
	MAP_AT(4, 1, RW, MAP_LOCKED);
	CHECK_ERR(SYS(SYS_msync, ARENA + 4 * P, P, MS_INVALIDATE), EBUSY);
	CHECK_ERR(SYS(SYS_msync, ARENA, 5 * P, MS_INVALIDATE), EBUSY);	/* after the hole */
	CHECK_EQ(SYS(SYS_msync, ARENA + 4 * P, P, MS_SYNC), 0);
	arena_clear();
	return 0;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(mlock_faults_in_and_holds),
	KTAP_CASE(mlock_errors),
	KTAP_CASE(mlock_of_prot_none),
	KTAP_CASE(mlock2_onfault),
	KTAP_CASE(map_locked_and_populate),
	KTAP_CASE(mlockall_and_munlockall),
	KTAP_CASE(mincore_page_by_page),
	KTAP_CASE(mincore_of_shared_memory),
	KTAP_CASE(mincore_errors),
	KTAP_CASE(msync_checks),
};

int main(int argc, char **argv)
{
	probe_install();
	arena_clear();
	return ktap_main("usertest_mlock", cases, KTAP_COUNT(cases), argc, argv);
}
