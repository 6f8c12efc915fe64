/*
 * user/mpol_torture.c - the user half of the mempolicy_torture suite
 * (tests/kernel/mempolicy_torture_test.c runs it): policies replaced from
 * outside while their owners fault, and a shared segment attached,
 * re-policied and detached all the time.
 *
 *	mpol_torture [-w WORKERS] [-r ROUNDS] [-t SECONDS]
 *
 * The parent makes a SysV segment, forks WORKERS workers and opens a pidfd
 * on each; then, round after round, it replaces every worker's policy with
 * pidfd_set_mempolicy (Numbat's own call) and re-polices the first half of
 * the segment with mbind. Each worker, meanwhile, attaches the segment,
 * mbinds its half at random, faults both halves, faults a private mapping
 * under whatever policy it has at that moment, checks that the second
 * half's pages sit where that half's fixed policy (BIND to the last node)
 * put them, moves a page of the first half to a random node with
 * move_pages(MPOL_MF_MOVE_ALL) while the other workers use it, checks the
 * segment's contents, binds a second private mapping elsewhere with
 * MPOL_MF_MOVE and checks that its pages moved, and detaches. The workers stop when told, each exiting 0 if all
 * its checks held. Prints "mpol_torture: SUCCESS" and exits 0, or says
 * what failed.
 */
#include "numa_test.h"

#include <sys/shm.h>
#include <time.h>

#define MAX_WORKERS	16
#define SEG_PAGES	16		/* first half re-policied, second half fixed */
#define PRIV_PAGES	8

static unsigned long rnd_state = 88172645463325252UL;

static unsigned long rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* A random mode and a non-empty mask of nodes with memory. */
static void random_policy(int *mode, unsigned long *mask)
{
	static const int modes[] = { MPOL_BIND, MPOL_INTERLEAVE, MPOL_PREFERRED, MPOL_PREFERRED_MANY,
				     MPOL_WEIGHTED_INTERLEAVE, MPOL_LOCAL, MPOL_DEFAULT };

	*mode = modes[rnd() % (sizeof(modes) / sizeof(modes[0]))];
	*mask = 0;
	if (*mode == MPOL_LOCAL || *mode == MPOL_DEFAULT)
		return;
	while (!*mask)
		*mask = shape.mems & rnd();
}

/* Pages of a second private mapping bound elsewhere with MPOL_MF_MOVE must all have moved. */
static int bind_and_move(char *p)
{
	unsigned long mask = 0;

	while (!mask)
		mask = shape.mems & rnd();
	touch(p, PRIV_PAGES);
	if (mbind_mask(p, PRIV_PAGES * PAGE_SIZE, MPOL_BIND, mask, MPOL_MF_MOVE | MPOL_MF_STRICT))
		return 7;
	for (int i = 0; i < PRIV_PAGES; i++) {
		int node = page_node(p + i * PAGE_SIZE);
		if (node < 0 || !(mask >> node & 1) || p[i * PAGE_SIZE] != i + 1)
			return 8;
	}
	return 0;
}

/* A page of the shared half moved under every worker's mapping, contents kept. */
static int move_shared(char *seg)
{
	char *page = seg + rnd() % (SEG_PAGES / 2) * PAGE_SIZE;
	int node = shape.mem_node[rnd() % shape.nmems], st = 0;

	if (move_one(0, page, node, &st, MPOL_MF_MOVE_ALL))
		return 9;
	if (st != node && st != -EBUSY && st != -ENOENT)
		return 10;
	for (int i = 0; i < SEG_PAGES; i++)
		if (seg[i * PAGE_SIZE] != i + 1)
			return 11;
	return 0;
}

static int worker(long id, volatile long *box, int last)
{
	char *priv = map_pages(PRIV_PAGES, MAP_PRIVATE), *moved = map_pages(PRIV_PAGES, MAP_PRIVATE);
	int bad = 0;

	rnd_state ^= (unsigned long)getpid() << 20;
	while (!box[0] && !bad) {
		char *seg = (char *)SYS(SYS_shmat, id, 0, 0);
		unsigned long mask;
		int mode;

		if ((long)seg < 0 && (long)seg > -4096)
			return 2;
		random_policy(&mode, &mask);
		if (mbind_mask(seg, SEG_PAGES / 2 * PAGE_SIZE, mode, mask, 0))
			bad = 3;
		touch(seg, SEG_PAGES);
		for (int i = SEG_PAGES / 2; i < SEG_PAGES; i++)
			if (page_node(seg + i * PAGE_SIZE) != last)
				bad = 4;
		touch(priv, PRIV_PAGES);	/* under a task policy being replaced as we go */
		if (madvise(priv, PRIV_PAGES * PAGE_SIZE, MADV_DONTNEED))
			bad = 5;
		bad = bad ? bad : move_shared(seg);
		bad = bad ? bad : bind_and_move(moved);
		if (SYS(SYS_shmdt, seg))
			bad = 6;
		box[1]++;			/* rounds, all workers together (racy: a rough count) */
	}
	return bad;
}

int main(int argc, char **argv)
{
	int nworkers = 4, rounds = 50, seconds = 0, last, failed = 0;
	volatile long *box = mailbox();
	pid_t pids[MAX_WORKERS];
	long fds[MAX_WORKERS], id, replaced = 0;
	unsigned long half_mask;
	int half_mode;
	time_t end;
	char *seg;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-w"))
			nworkers = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-r"))
			rounds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-t"))
			seconds = atoi(argv[i + 1]);
	}
	nworkers = nworkers < 1 ? 1 : nworkers > MAX_WORKERS ? MAX_WORKERS : nworkers;
	if (numa_shape_init() || !box)
		return 1;
	last = shape.mem_node[shape.nmems - 1];
	id = SYS(SYS_shmget, IPC_PRIVATE, SEG_PAGES * PAGE_SIZE, 0600);
	seg = (char *)SYS(SYS_shmat, id, 0, 0);
	if (id < 0 || ((long)seg < 0 && (long)seg > -4096))
		return 2;
	SYS(SYS_shmctl, id, IPC_RMID, 0);	/* gone with the last detach */
	if (mbind_mask(seg + SEG_PAGES / 2 * PAGE_SIZE, SEG_PAGES / 2 * PAGE_SIZE, MPOL_BIND, bit(last), 0))
		return 3;
	for (int w = 0; w < nworkers; w++) {
		pids[w] = fork();
		if (!pids[w])
			_exit(worker(id, box, last));
		fds[w] = SYS(NR_pidfd_open, pids[w], 0);
	}
	end = time(NULL) + seconds;
	for (int r = 0; seconds ? time(NULL) < end : r < rounds; r++) {
		for (int w = 0; w < nworkers; w++) {
			unsigned long mask;
			int mode;

			random_policy(&mode, &mask);
			if (SYS(NR_numbat_pidfd_set_mempolicy, fds[w], mode, mask ? &mask : NULL, MASK_BITS, 0) == 0)
				replaced++;
		}
		random_policy(&half_mode, &half_mask);
		mbind_mask(seg, SEG_PAGES / 2 * PAGE_SIZE, half_mode, half_mask, 0);
		sched_yield();
	}
	box[0] = 1;
	for (int w = 0; w < nworkers; w++) {
		int status = 0;

		SYS(SYS_wait4, pids[w], &status, 0, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("mpol_torture: worker %d %s\n", w, ktap_status_str(status));
			failed++;
		}
		SYS(SYS_close, fds[w]);
	}
	SYS(SYS_shmdt, seg);
	printf("mpol_torture: %ld policies replaced through pidfds, %ld worker rounds\n", replaced, box[1]);
	printf("mpol_torture: %s\n", failed || !replaced ? "FAILURE" : "SUCCESS");
	return failed || !replaced;
}
