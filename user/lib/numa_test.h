/*
 * user/lib/numa_test.h - what the NUMA user tests share: Linux's NUMA
 * constants and raw system calls (as libnuma issues them; musl has no
 * <numaif.h>), the machine's shape as the system calls show it, where a
 * page is, and a mailbox page for a parent and a child to talk through
 * (Numbat has no pipes).
 *
 * The shape is learned from the calls themselves, so the same binary
 * answers the same on Numbat, on linux-run and on the host: nodes with
 * memory from get_mempolicy(MPOL_F_MEMS_ALLOWED), nr_node_ids from the
 * smallest maxnode get_mempolicy accepts, each CPU's node from getcpu.
 */
#ifndef NUMBAT_USER_NUMA_TEST_H
#define NUMBAT_USER_NUMA_TEST_H

#include "ktap.h"
#include "numbat.h"
#include "linux_version.h"

#include <sys/mman.h>
#include <sys/utsname.h>

#define MPOL_DEFAULT		0
#define MPOL_PREFERRED		1
#define MPOL_BIND		2
#define MPOL_INTERLEAVE		3
#define MPOL_LOCAL		4
#define MPOL_PREFERRED_MANY	5
#define MPOL_WEIGHTED_INTERLEAVE 6
#define MPOL_MAX		7
#define MPOL_F_STATIC_NODES	(1 << 15)
#define MPOL_F_RELATIVE_NODES	(1 << 14)
#define MPOL_F_NUMA_BALANCING	(1 << 13)
#define MPOL_F_NODE		(1 << 0)
#define MPOL_F_ADDR		(1 << 1)
#define MPOL_F_MEMS_ALLOWED	(1 << 2)
#define MPOL_MF_STRICT		(1 << 0)
#define MPOL_MF_MOVE		(1 << 1)
#define MPOL_MF_MOVE_ALL	(1 << 2)

#define NR_pidfd_open			434
#define NR_set_mempolicy_home_node	450
#define NR_numbat_pidfd_set_mempolicy	__NR_numbat_pidfd_set_mempolicy	/* Numbat's own (numbat.h): ENOSYS on Linux */

#define MASK_BITS		65	/* maxnode for one word of mask (the last bit is never used) */
#define MAX_TEST_NODES		64
#define MAX_TEST_CPUS		64

/* ---- the raw calls ---- */

static inline long set_pol(int mode, unsigned long mask)
{
	return SYS(SYS_set_mempolicy, mode, mask ? &mask : NULL, MASK_BITS);
}
static inline long get_pol(int *mode, unsigned long *mask, unsigned long maxnode, void *addr, unsigned long flags)
{
	return SYS(SYS_get_mempolicy, mode, mask, maxnode, addr, flags);
}
static inline long mbind_mask(void *p, size_t len, int mode, unsigned long mask, unsigned int flags)
{
	return SYS(SYS_mbind, p, len, mode, mask ? &mask : NULL, MASK_BITS, flags);
}
static inline long move_one(int pid, void *p, int node, int *status, int flags)
{
	void *pages[1] = { p };

	return SYS(SYS_move_pages, pid, 1, pages, node < 0 ? NULL : &node, status, flags);
}

/* ---- the machine ---- */

struct numa_shape {
	unsigned long mems;		/* nodes with memory */
	int nmems, nr_node_ids;
	int mem_node[MAX_TEST_NODES];	/* the nodes with memory, in order */
	int ncpus, cpus[MAX_TEST_CPUS], cpu_node[MAX_TEST_CPUS];
	cpu_set_t all;			/* the affinity to come back to */
};
static struct numa_shape shape;

static inline int numa_shape_init(void)
{
	unsigned long mask[MAX_TEST_NODES * 16 / 64] = { 0 };
	int mode;

	if (SYS(SYS_get_mempolicy, &mode, mask, 1024, 0, MPOL_F_MEMS_ALLOWED))
		return -1;
	shape.mems = mask[0];
	for (int n = 0; n < 64; n++)
		if (shape.mems >> n & 1)
			shape.mem_node[shape.nmems++] = n;
	for (shape.nr_node_ids = 1; shape.nr_node_ids < 1024; shape.nr_node_ids++)
		if (SYS(SYS_get_mempolicy, NULL, mask, shape.nr_node_ids, 0, 0) != -EINVAL)
			break;
	sched_getaffinity(0, sizeof(shape.all), &shape.all);
	shape.ncpus = ktap_cpus(shape.cpus, MAX_TEST_CPUS);
	for (int i = 0; i < shape.ncpus; i++) {
		unsigned int cpu, node;
		ktap_pin(shape.cpus[i]);
		SYS(SYS_getcpu, &cpu, &node, 0);
		shape.cpu_node[i] = node;
	}
	sched_setaffinity(0, sizeof(shape.all), &shape.all);
	return 0;
}

static inline void unpin(void)
{
	sched_setaffinity(0, sizeof(shape.all), &shape.all);
}

/* A CPU of node nid, or -1. */
static inline int cpu_of(int nid)
{
	for (int i = 0; i < shape.ncpus; i++)
		if (shape.cpu_node[i] == nid)
			return shape.cpus[i];
	return -1;
}

static inline unsigned long bit(int n) { return 1UL << n; }

/* The n-th node (cyclically) of a mask: where interleaving puts index n. */
static inline int nth_of(unsigned long mask, unsigned long n)
{
	n %= __builtin_popcountl(mask);
	for (int node = 0; node < 64; node++)
		if ((mask >> node & 1) && n-- == 0)
			return node;
	return -1;
}

#define NEED_TWO_NODES() do {							\
	if (shape.nmems < 2)							\
		SKIP("needs two nodes with memory, this machine has %d", shape.nmems);	\
} while (0)

/* The first two nodes with memory in a and b, or the test skips. */
#define TWO_NODES(a, b) do {							\
	NEED_TWO_NODES();							\
	(a) = shape.mem_node[0];						\
	(b) = shape.mem_node[1];						\
} while (0)

/* ---- pages ---- */

static inline char *map_pages(unsigned long n, int flags)
{
	long r = SYS(SYS_mmap, 0, n * PAGE_SIZE, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);

	return r < 0 && r > -4096 ? NULL : (char *)r;
}

static inline void touch(char *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		((volatile char *)p)[i * PAGE_SIZE] = (char)(i + 1);
}

/* The node of the page at p, by get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR), checked against move_pages' status. */
static inline int page_node(void *p)
{
	int node = -1, status = -1;
	long r = get_pol(&node, NULL, 0, p, MPOL_F_NODE | MPOL_F_ADDR);

	if (r)
		return (int)r;
	r = move_one(0, p, -1, &status, 0);
	if (r || status != node) {
		ktap_diag("page %p: get_mempolicy says node %d, move_pages says %d (returned %ld)", p, node, status, r);
		return -1000;
	}
	return node;
}

/* Every page of [p, p + n pages) is on the node expect(i) gives. */
#define CHECK_PAGES_ON(p, n, expect_i) do {					\
	for (unsigned long i = 0; i < (n); i++) {				\
		int _want = (expect_i), _got = page_node((p) + i * PAGE_SIZE);	\
		if (_got != _want) {						\
			ktap_diag("%s:%d: page %lu of %p is on node %d, expected %d",	\
				  __FILE__, __LINE__, i, (void *)(p), _got, _want);	\
			return 1;						\
		}								\
	}									\
} while (0)

/* ---- a parent and a child ---- */

/* A shared page of counters both sides see; wait_for(box, i, v): until box[i] >= v. */
static inline volatile long *mailbox(void)
{
	return (volatile long *)map_pages(1, MAP_SHARED);
}

static inline int wait_for(volatile long *box, int i, long v)
{
	long rounds = 0;

	while (box[i] < v)
		if (ktap_wait(&rounds, "the other process"))
			return 1;
	return 0;
}

/* ---- a suite's main ---- */

#include <sys/reboot.h>

/*
 * argv "--exec-child ARGS..." is the suite exec()ing itself (exec_child
 * answers); else the shape, then the suite. As pid 1 (linux-run's init)
 * there is nobody to return to: power off.
 */
static inline int numa_suite_main(const char *suite, const struct ktap_case *cases, int n, int argc, char **argv,
				  int (*exec_child)(int argc, char **argv))
{
	int r;

	if (argc > 2 && !strcmp(argv[1], "--exec-child"))
		return exec_child(argc - 2, argv + 2);
	if (numa_shape_init()) {
		ktap_printf("%s: no NUMA system calls here\n", suite);
		return 1;
	}
	r = ktap_main(suite, cases, n, argc, argv);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return r;
}

#endif /* NUMBAT_USER_NUMA_TEST_H */
