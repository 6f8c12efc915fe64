/*
 * user/numademo.c - a process whose memory is spread by policies, to look
 * at with the monitor's numa_maps, numastat -p and mpol (docs/mempolicy.md):
 * a private mapping interleaved by mbind, one bound to the last node, a
 * SysV segment with two range policies, a MAP_SHARED mapping, and the
 * heap and stack it touches anyway. It prints what it made, then sleeps
 * until killed (`numademo &` in the monitor, then `kill PID`).
 */
#include "numa_test.h"

#include <sys/shm.h>
#include <time.h>

#define DEMO_PAGES	8

int main(void)
{
	char *il, *bound, *shared, *seg, *heap = malloc(3 * PAGE_SIZE);
	int last, id;

	if (numa_shape_init())
		return 1;
	last = shape.mem_node[shape.nmems - 1];
	il = map_pages(DEMO_PAGES, MAP_PRIVATE);
	bound = map_pages(DEMO_PAGES, MAP_PRIVATE);
	shared = map_pages(DEMO_PAGES, MAP_SHARED);
	id = shmget(IPC_PRIVATE, DEMO_PAGES * PAGE_SIZE, 0600);
	seg = shmat(id, NULL, 0);
	if (!il || !bound || !shared || id < 0 || seg == (void *)-1 || !heap)
		return 2;
	shmctl(id, IPC_RMID, NULL);		/* goes when we do */
	mbind_mask(il, DEMO_PAGES * PAGE_SIZE, MPOL_INTERLEAVE, shape.mems, 0);
	mbind_mask(bound, DEMO_PAGES * PAGE_SIZE, MPOL_BIND, bit(last), 0);
	mbind_mask(seg, 2 * PAGE_SIZE, MPOL_PREFERRED, bit(last), 0);
	mbind_mask(seg + 4 * PAGE_SIZE, 4 * PAGE_SIZE, MPOL_INTERLEAVE, shape.mems, 0);
	touch(il, DEMO_PAGES);
	touch(bound, DEMO_PAGES / 2);
	touch(shared, DEMO_PAGES);
	touch(seg, DEMO_PAGES);
	memset(heap, 1, 3 * PAGE_SIZE);
	printf("numademo: pid %d: interleaved %p, bound to node %d %p, MAP_SHARED %p, SysV %p (id %d)\n",
	       getpid(), (void *)il, last, (void *)bound, (void *)shared, (void *)seg, id);
	fflush(stdout);
	for (;;)
		sleep(3600);
}
