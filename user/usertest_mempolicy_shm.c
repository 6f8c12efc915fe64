/*
 * user/usertest_mempolicy_shm.c - the shared side of the NUMA policies:
 * System V shared memory (shmget, shmat, shmctl, shmdt) on its success and
 * error paths, an mbind on a shared object seen by every process that
 * maps it, a shared page moved under every mapping, pidfd_open and
 * Numbat's pidfd_set_mempolicy (which Linux does not have: skipped there).
 * The second half of the user suite, with usertest_mempolicy.
 */
#include "numa_test.h"

#include <pthread.h>
#include <sys/shm.h>

#define SEG_PAGES	4
#define IPCMNI		32768

static const char *self;

struct shminfo_abi {
	unsigned long shmmax, shmmin, shmmni, shmseg, shmall, unused[4];
};

static long shm_get(int key, size_t size, int flags) { return SYS(SYS_shmget, key, size, flags); }
static long shm_at(long id, void *addr, int flags) { return SYS(SYS_shmat, id, addr, flags); }
static long shm_ctl(long id, int cmd, void *buf) { return SYS(SYS_shmctl, id, cmd, buf); }
static long shm_dt(void *addr) { return SYS(SYS_shmdt, addr); }

static int stat_of(long id, struct shmid_ds *ds)
{
	return (int)shm_ctl(id, IPC_STAT, ds);
}

/* A free, page-aligned range of n pages (mapped and unmapped again). */
static char *free_range(int n)
{
	char *p = map_pages(n, MAP_PRIVATE);

	if (p)
		munmap(p, n * PAGE_SIZE);
	return p;
}

/* ---------------------------------------------------------- System V shared memory */

static int shm_attach_write_stat_detach(void)
{
	struct shmid_ds ds;
	long id = shm_get(IPC_PRIVATE, 3 * PAGE_SIZE - 100, 0600);
	char *p;

	CHECK_OK(id);
	p = (char *)CHECK_OK(shm_at(id, NULL, 0));
	CHECK_EQ((unsigned long)p % PAGE_SIZE, 0);
	touch(p, 3);
	CHECK_OK(stat_of(id, &ds));
	CHECK_EQ(ds.shm_segsz, 3 * PAGE_SIZE - 100);	/* as asked, not rounded */
	CHECK_EQ(ds.shm_nattch, 1);
	CHECK_EQ(ds.shm_cpid, getpid());
	CHECK_EQ(ds.shm_lpid, getpid());
	CHECK_EQ(ds.shm_perm.mode & 0777, 0600);
	CHECK_EQ(ds.shm_perm.__key, IPC_PRIVATE);
	CHECK(ds.shm_atime > 0);
	CHECK_OK(shm_dt(p));
	CHECK_OK(stat_of(id, &ds));
	CHECK_EQ(ds.shm_nattch, 0);
	CHECK(ds.shm_dtime > 0);
	p = (char *)CHECK_OK(shm_at(id, NULL, 0));	/* the contents outlive the attach */
	for (int i = 0; i < 3; i++)
		CHECK_EQ(p[i * PAGE_SIZE], i + 1);
	CHECK_OK(shm_dt(p));
	CHECK_OK(shm_ctl(id, IPC_RMID, NULL));
	CHECK_ERR(stat_of(id, &ds), EINVAL);
	return 0;
}

static int shm_errors(void)
{
	int key = 0x4e420000 | (getpid() & 0xffff);
	struct shmid_ds ds;
	long id, id2;
	char *p, *q;

	CHECK_ERR(shm_get(IPC_PRIVATE, 0, 0600), EINVAL);
	CHECK_ERR(shm_get(key, PAGE_SIZE, 0600), ENOENT);
	id = CHECK_OK(shm_get(key, PAGE_SIZE, IPC_CREAT | 0600));
	CHECK_ERR(shm_get(key, PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
	CHECK_ERR(shm_get(key, 2 * PAGE_SIZE, 0600), EINVAL);	/* bigger than it is */
	id2 = CHECK_OK(shm_get(key, 100, 0));
	CHECK_EQ(id2, id);
	CHECK_ERR(shm_at(-1, NULL, 0), EINVAL);
	CHECK_ERR(shm_at(id + 1000L * IPCMNI, NULL, 0), EINVAL);	/* a stale id of the same slot */
	q = free_range(2);
	CHECK(q);
	CHECK_ERR(shm_at(id, q + 12, 0), EINVAL);
	p = (char *)CHECK_OK(shm_at(id, q + 12, SHM_RND));
	CHECK_EQ(p, q);
	CHECK_ERR(shm_at(id, p, 0), EINVAL);			/* mapped already */
	CHECK_ERR(shm_at(id, NULL, SHM_REMAP), EINVAL);
	CHECK_EQ(shm_at(id, p, SHM_REMAP), (long)p);		/* replaces */
	CHECK_ERR(shm_dt(p + 1), EINVAL);
	CHECK_ERR(shm_dt(p + PAGE_SIZE), EINVAL);		/* no attach starts there */
	CHECK_OK(shm_dt(p));
	CHECK_ERR(shm_dt(p), EINVAL);
	CHECK_ERR(shm_ctl(id, 99, &ds), EINVAL);
	CHECK_ERR(shm_ctl(-1, IPC_STAT, &ds), EINVAL);
	CHECK_ERR(shm_ctl(id, IPC_STAT, (void *)BAD_USER_ADDR), EFAULT);
	CHECK_OK(shm_ctl(id, IPC_RMID, NULL));
	CHECK_ERR(shm_ctl(id, IPC_RMID, NULL), EINVAL);
	CHECK_ERR(shm_get(key, PAGE_SIZE, 0600), ENOENT);
	return 0;
}

static int shm_removed_while_attached(void)
{
	int key = 0x4e430000 | (getpid() & 0xffff);
	struct shmid_ds ds;
	long id = shm_get(key, PAGE_SIZE, IPC_CREAT | 0640);
	char *p;

	CHECK_OK(id);
	p = (char *)CHECK_OK(shm_at(id, NULL, 0));
	CHECK_OK(shm_ctl(id, IPC_RMID, NULL));
	CHECK_OK(stat_of(id, &ds));		/* still there while attached */
	CHECK_EQ(ds.shm_perm.__key, IPC_PRIVATE);
	CHECK(ds.shm_perm.mode & 01000);	/* SHM_DEST */
	CHECK_EQ(ds.shm_nattch, 1);
	CHECK_ERR(shm_get(key, PAGE_SIZE, 0), ENOENT);
	p[0] = 7;
	CHECK_OK(shm_dt(p));
	CHECK_ERR(stat_of(id, &ds), EINVAL);	/* gone with the last attach */
	return 0;
}

static int shm_attach_count_is_vmas(void)
{
	volatile long *box = mailbox();
	struct shmid_ds ds;
	long id = shm_get(IPC_PRIVATE, 3 * PAGE_SIZE, 0600);
	int status = 0;
	char *p;
	pid_t pid;

	CHECK(box);
	CHECK_OK(id);
	p = (char *)CHECK_OK(shm_at(id, NULL, 0));
	CHECK_OK(mprotect(p + PAGE_SIZE, PAGE_SIZE, PROT_READ));	/* three pieces: three attaches */
	CHECK_OK(stat_of(id, &ds));
	CHECK_EQ(ds.shm_nattch, 3);
	pid = fork();
	if (!pid) {
		box[0] = 1;
		_exit(wait_for(box, 1, 1));
	}
	CHECK(!wait_for(box, 0, 1));
	CHECK_OK(stat_of(id, &ds));
	CHECK_EQ(ds.shm_nattch, 6);		/* the child's copies attach too */
	box[1] = 1;
	CHECK_EQ(SYS(SYS_wait4, pid, &status, 0, 0), pid);
	CHECK_EXITED(status, 0);
	CHECK_OK(stat_of(id, &ds));
	CHECK_EQ(ds.shm_nattch, 3);
	CHECK_EQ(ds.shm_lpid, pid);		/* the last to detach */
	CHECK_OK(shm_dt(p));			/* every piece */
	CHECK_OK(stat_of(id, &ds));
	CHECK_EQ(ds.shm_nattch, 0);
	CHECK_OK(shm_ctl(id, IPC_RMID, NULL));
	munmap((void *)box, PAGE_SIZE);
	return 0;
}

static int shm_info_and_set(void)
{
	struct shminfo_abi info;
	struct shmid_ds ds;
	long id = shm_get(IPC_PRIVATE, PAGE_SIZE, 0600);

	CHECK_OK(id);
	CHECK_OK(shm_ctl(0, IPC_INFO, &info));
	CHECK_EQ(info.shmmin, 1);
	CHECK_EQ(info.shmmni, 4096);
	CHECK_EQ(info.shmmax, ~0UL - (1UL << 24));
	CHECK_OK(stat_of(id, &ds));
	ds.shm_perm.mode = 0640;
	CHECK_OK(shm_ctl(id, IPC_SET, &ds));
	CHECK_OK(stat_of(id, &ds));
	CHECK_EQ(ds.shm_perm.mode & 0777, 0640);
	CHECK_OK(shm_ctl(id, IPC_RMID, NULL));
	return 0;
}

static int write_to(void *p)
{
	*(volatile char *)p = 1;
	return 0;
}

static int shm_read_only_attach(void)
{
	long id = shm_get(IPC_PRIVATE, PAGE_SIZE, 0600);
	char *p;

	CHECK_OK(id);
	p = (char *)CHECK_OK(shm_at(id, NULL, SHM_RDONLY));
	CHECK_EQ(*(volatile char *)p, 0);
	CHECK_SIGNALED(ktap_child(write_to, p), SIGSEGV);
	CHECK_ERR(SYS(SYS_mprotect, p, PAGE_SIZE, PROT_READ | PROT_WRITE), EACCES);
	CHECK_OK(shm_dt(p));
	CHECK_OK(shm_ctl(id, IPC_RMID, NULL));
	return 0;
}

/* ---------------------------------------------------------- shared policies */

struct seen {
	int mode;
	unsigned long mask;
	int node[SEG_PAGES];
};

/* The child attaches id (or uses p), waits for the parent's mbind, then faults and reports. */
static void child_faults(long id, char *p, volatile long *box, struct seen *out)
{
	if (!p)
		p = (char *)shm_at(id, NULL, 0);
	if ((long)p < 0 && (long)p > -4096)
		_exit(2);
	box[0] = 1;
	if (wait_for(box, 1, 1))
		_exit(3);
	touch(p, SEG_PAGES);
	if (get_pol(&out->mode, &out->mask, MASK_BITS, p, MPOL_F_ADDR))
		_exit(4);
	for (int i = 0; i < SEG_PAGES; i++)
		out->node[i] = page_node(p + i * PAGE_SIZE);
	_exit(0);
}

/* mbind in the parent, faults in the child: what the child saw. */
static int policy_across_processes(long id, char *p, int mode, unsigned long mask, struct seen *seen)
{
	volatile long *box = mailbox();
	int status = 0;
	pid_t pid;

	CHECK(box);
	pid = fork();
	if (!pid)
		child_faults(id, id >= 0 ? NULL : p, box, (struct seen *)(box + 8));
	CHECK(pid > 0);
	CHECK(!wait_for(box, 0, 1));
	CHECK_OK(mbind_mask(p, SEG_PAGES * PAGE_SIZE, mode, mask, 0));
	box[1] = 1;
	CHECK_EQ(SYS(SYS_wait4, pid, &status, 0, 0), pid);
	CHECK_EXITED(status, 0);
	*seen = *(struct seen *)(box + 8);
	munmap((void *)box, PAGE_SIZE);
	return 0;
}

static int shm_policy_seen_by_every_attach(void)
{
	long id = shm_get(IPC_PRIVATE, SEG_PAGES * PAGE_SIZE, 0600);
	int last = shape.mem_node[shape.nmems - 1];
	struct seen seen;
	char *p;

	CHECK_OK(id);
	p = (char *)CHECK_OK(shm_at(id, NULL, 0));
	CHECK(!policy_across_processes(id, p, MPOL_BIND, bit(last), &seen));
	CHECK_EQ(seen.mode, MPOL_BIND);
	CHECK_EQ(seen.mask, bit(last));
	for (int i = 0; i < SEG_PAGES; i++)
		CHECK_EQ(seen.node[i], last);
	CHECK_PAGES_ON(p, SEG_PAGES, last);	/* the same pages, here too */
	CHECK_OK(shm_dt(p));
	CHECK_OK(shm_ctl(id, IPC_RMID, NULL));
	return 0;
}

static int shm_interleave_turns_by_offset(void)
{
	struct seen seen;
	long id;
	char *p;

	NEED_TWO_NODES();
	id = CHECK_OK(shm_get(IPC_PRIVATE, SEG_PAGES * PAGE_SIZE, 0600));
	p = (char *)CHECK_OK(shm_at(id, NULL, 0));
	CHECK(!policy_across_processes(id, p, MPOL_INTERLEAVE, shape.mems, &seen));
	CHECK_EQ(seen.mode, MPOL_INTERLEAVE);
	/* Linux starts the turn at the object's inode number: only the order is the same everywhere */
	for (int i = 1; i < SEG_PAGES; i++) {
		int k = 0;
		while (k < shape.nmems && shape.mem_node[k] != seen.node[i - 1])
			k++;
		CHECK(k < shape.nmems);
		CHECK_EQ(seen.node[i], shape.mem_node[(k + 1) % shape.nmems]);
	}
	CHECK_OK(shm_dt(p));
	CHECK_OK(shm_ctl(id, IPC_RMID, NULL));
	return 0;
}

static int map_shared_policy_seen_by_child(void)
{
	int last = shape.mem_node[shape.nmems - 1];
	char *p = map_pages(SEG_PAGES, MAP_SHARED);
	struct seen seen;

	CHECK(p);
	/* mbind after the fork: the object's policy, not the parent's VMA's */
	CHECK(!policy_across_processes(-1, p, MPOL_PREFERRED, bit(last), &seen));
	CHECK_EQ(seen.mode, MPOL_PREFERRED);
	for (int i = 0; i < SEG_PAGES; i++)
		CHECK_EQ(seen.node[i], last);
	munmap(p, SEG_PAGES * PAGE_SIZE);
	return 0;
}

static int shared_page_moves_under_every_mapping(void)
{
	volatile long *box = mailbox();
	char *p = map_pages(1, MAP_SHARED);
	int a, b, st, status = 0;
	pid_t pid;

	TWO_NODES(a, b);
	CHECK(box && p);
	CHECK_OK(mbind_mask(p, PAGE_SIZE, MPOL_BIND, bit(a), 0));
	p[0] = 42;
	pid = fork();
	if (!pid) {
		if (p[0] != 42)		/* our mapping of the same page */
			_exit(2);
		box[0] = 1;
		if (wait_for(box, 1, 1))
			_exit(3);
		_exit(page_node(p) == b && p[0] == 43 ? 0 : 4);
	}
	CHECK(pid > 0);
	CHECK(!wait_for(box, 0, 1));
	CHECK_OK(move_one(0, p, b, &st, MPOL_MF_MOVE));
	CHECK_EQ(st, -EACCES);			/* the child maps it too */
	CHECK_OK(move_one(0, p, b, &st, MPOL_MF_MOVE_ALL));
	CHECK_EQ(st, b);
	p[0] = 43;
	box[1] = 1;
	CHECK_EQ(SYS(SYS_wait4, pid, &status, 0, 0), pid);
	CHECK_EXITED(status, 0);
	munmap(p, PAGE_SIZE);
	munmap((void *)box, PAGE_SIZE);
	return 0;
}

/* ---------------------------------------------------------- pidfds */

static void *tid_of_thread(void *arg)
{
	*(volatile long *)arg = SYS(SYS_gettid);
	while (*(volatile long *)arg > 0)
		sched_yield();
	return NULL;
}

static int pidfd_open_errors(void)
{
	volatile long tid = 0;
	long rounds = 0, r;
	pthread_t t;

	CHECK_ERR(SYS(NR_pidfd_open, getpid(), 1), EINVAL);
	CHECK_ERR(SYS(NR_pidfd_open, 0, 0), EINVAL);
	CHECK_ERR(SYS(NR_pidfd_open, -1, 0), EINVAL);
	CHECK_ERR(SYS(NR_pidfd_open, 0x3fffffff, 0), ESRCH);
	CHECK_EQ(pthread_create(&t, NULL, tid_of_thread, (void *)&tid), 0);
	while (!tid)
		if (ktap_wait(&rounds, "the thread"))
			return 1;
	/* a thread, not a process: EINVAL up to Linux 6.12 (and Numbat), ENOENT in newer ones (6.18) */
	r = SYS(NR_pidfd_open, tid, 0);
	if (r != -ENOENT || linux_before(6, 13) || !on_linux())
		CHECK_ERR(r, EINVAL);
	tid = -1;
	CHECK_EQ(pthread_join(t, NULL), 0);
	return 0;
}

static int pidfd_numbers_and_close(void)
{
	long fd = CHECK_OK(SYS(NR_pidfd_open, getpid(), 0)), fd2;

	CHECK(fd >= 3);
	fd2 = CHECK_OK(SYS(NR_pidfd_open, getpid(), 0));
	CHECK_EQ(fd2, fd + 1);
	CHECK_OK(SYS(SYS_close, fd));
	CHECK_ERR(SYS(SYS_close, fd), EBADF);
	CHECK_EQ(SYS(NR_pidfd_open, getpid(), 0), fd);	/* the lowest free number again */
	CHECK_OK(SYS(SYS_close, fd));
	CHECK_OK(SYS(SYS_close, fd2));
	CHECK_ERR(SYS(SYS_close, 1000), EBADF);
	return 0;
}

static int close_in_child(void *arg)
{
	return SYS(SYS_close, (long)arg) == 0 ? 0 : 1;
}

static int exec_closed(void *arg)
{
	char fd[16];
	char *argv[] = { (char *)self, "--exec-child", "closed", fd, NULL };

	snprintf(fd, sizeof(fd), "%ld", (long)arg);
	SYS(SYS_execve, self, argv, NULL);
	return 99;
}

static int exec_child(int argc, char **argv)
{
	if (!strcmp(argv[0], "closed"))		/* a pidfd is close-on-exec */
		return SYS(SYS_close, atoi(argv[1])) == -EBADF ? 0 : 1;
	return 100;
}

static int pidfd_inherited_by_fork_closed_by_exec(void)
{
	long fd = CHECK_OK(SYS(NR_pidfd_open, getpid(), 0));

	CHECK_EXITED(ktap_child(close_in_child, (void *)fd), 0);
	CHECK_EXITED(ktap_child(exec_closed, (void *)fd), 0);
	CHECK_OK(SYS(SYS_close, fd));		/* still ours */
	return 0;
}

static int pidfd_set_mempolicy(void)
{
	volatile long *box = mailbox();
	int last = shape.mem_node[shape.nmems - 1], status = 0;
	unsigned long mask = bit(last);
	long fd, r;
	pid_t pid;

	CHECK(box);
	r = SYS(NR_numbat_pidfd_set_mempolicy, -1, MPOL_DEFAULT, NULL, 0, 0);
	if (r == -ENOSYS)
		SKIP("pidfd_set_mempolicy is Numbat's own (seed 000's proposal), not Linux's");
	CHECK_ERR(r, EBADF);
	pid = fork();
	if (!pid) {
		unsigned long m;
		int mode;
		char *p;

		box[0] = 1;
		if (wait_for(box, 1, 1) || get_pol(&mode, &m, MASK_BITS, NULL, 0))
			_exit(2);
		if (mode != MPOL_BIND || m != mask)
			_exit(3);
		p = map_pages(2, MAP_PRIVATE);
		touch(p, 2);
		_exit(page_node(p) == last && page_node(p + PAGE_SIZE) == last ? 0 : 4);
	}
	CHECK(pid > 0);
	fd = CHECK_OK(SYS(NR_pidfd_open, pid, 0));
	CHECK(!wait_for(box, 0, 1));
	CHECK_ERR(SYS(NR_numbat_pidfd_set_mempolicy, fd, MPOL_BIND, &mask, MASK_BITS, 1), EINVAL);
	CHECK_ERR(SYS(NR_numbat_pidfd_set_mempolicy, 1, MPOL_BIND, &mask, MASK_BITS, 0), EBADF);
	CHECK_ERR(SYS(NR_numbat_pidfd_set_mempolicy, fd, MPOL_MAX, &mask, MASK_BITS, 0), EINVAL);
	CHECK_OK(SYS(NR_numbat_pidfd_set_mempolicy, fd, MPOL_BIND, &mask, MASK_BITS, 0));
	box[1] = 1;
	CHECK_EQ(SYS(SYS_wait4, pid, &status, 0, 0), pid);
	CHECK_EXITED(status, 0);
	CHECK_ERR(SYS(NR_numbat_pidfd_set_mempolicy, fd, MPOL_BIND, &mask, MASK_BITS, 0), ESRCH);
	CHECK_OK(SYS(SYS_close, fd));
	munmap((void *)box, PAGE_SIZE);
	return 0;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(shm_attach_write_stat_detach),
	KTAP_CASE(shm_errors),
	KTAP_CASE(shm_removed_while_attached),
	KTAP_CASE(shm_attach_count_is_vmas),
	KTAP_CASE(shm_info_and_set),
	KTAP_CASE(shm_read_only_attach),
	KTAP_CASE(shm_policy_seen_by_every_attach),
	KTAP_CASE(shm_interleave_turns_by_offset),
	KTAP_CASE(map_shared_policy_seen_by_child),
	KTAP_CASE(shared_page_moves_under_every_mapping),
	KTAP_CASE(pidfd_open_errors),
	KTAP_CASE(pidfd_numbers_and_close),
	KTAP_CASE(pidfd_inherited_by_fork_closed_by_exec),
	KTAP_CASE(pidfd_set_mempolicy),
};

int main(int argc, char **argv)
{
	self = argv[0];
	return numa_suite_main("usertest_mempolicy_shm", cases, KTAP_COUNT(cases), argc, argv, exec_child);
}
