/*
 * user/usertest_mempolicy.c - the NUMA memory policy system calls as
 * libnuma issues them: set_mempolicy, get_mempolicy, mbind,
 * set_mempolicy_home_node, migrate_pages, move_pages, System V shared
 * memory, pidfd_open and Numbat's pidfd_set_mempolicy, on their success
 * and error paths, and where every page lands, checked page by page with
 * get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR) and move_pages' status.
 *
 * The same binary runs on Linux (the host, and linux-run on the matrix's
 * shapes) and must get Linux's answers. Tests that need two nodes with
 * memory skip on smaller machines; pidfd_set_mempolicy skips on Linux,
 * which does not have it, MPOL_WEIGHTED_INTERLEAVE on Linux before 6.9.
 * Pages are always written before their node is asked: a read fault on
 * Linux maps the shared zero page, whose node is no policy's.
 *
 * As pid 1 (linux-run's init) it powers the machine off when done.
 */
#include "numa_test.h"

#include <pthread.h>
#include <time.h>
#include <sys/shm.h>

#define NPAGES		8
#define TASK_SIZE	0x00007ffffffff000UL

static const char *self;	/* argv[0]: what the exec tests run */

static void reset(void)
{
	unpin();
	set_pol(MPOL_DEFAULT, 0);
}

/* ---------------------------------------------------------- set/get_mempolicy */

static int default_policy_reported(void)
{
	unsigned long mask = ~0UL;
	int mode = -1;

	reset();
	CHECK_OK(get_pol(&mode, &mask, MASK_BITS, NULL, 0));
	CHECK_EQ(mode, MPOL_DEFAULT);
	CHECK_EQ(mask, 0);
	return 0;
}

static int each_mode_set_and_reported(void)
{
	static const int modes[] = { MPOL_BIND, MPOL_INTERLEAVE, MPOL_PREFERRED_MANY };
	unsigned long mask;
	int mode;

	reset();
	for (unsigned int i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		CHECK_OK(set_pol(modes[i], shape.mems));
		CHECK_OK(get_pol(&mode, &mask, MASK_BITS, NULL, 0));
		CHECK_EQ(mode, modes[i]);
		CHECK_EQ(mask, shape.mems);
	}
	CHECK_OK(set_pol(MPOL_PREFERRED, shape.mems));
	CHECK_OK(get_pol(&mode, &mask, MASK_BITS, NULL, 0));
	CHECK_EQ(mode, MPOL_PREFERRED);
	CHECK_EQ(mask, bit(shape.mem_node[0]));		/* one node: the mask's first */
	CHECK_OK(set_pol(MPOL_PREFERRED, 0));		/* preferring nothing is local allocation */
	CHECK_OK(get_pol(&mode, &mask, MASK_BITS, NULL, 0));
	CHECK_EQ(mode, MPOL_LOCAL);
	CHECK_EQ(mask, 0);
	CHECK_OK(set_pol(MPOL_LOCAL, 0));
	CHECK_OK(get_pol(&mode, &mask, MASK_BITS, NULL, 0));
	CHECK_EQ(mode, MPOL_LOCAL);
	CHECK_OK(set_pol(MPOL_DEFAULT, 0));
	CHECK_OK(get_pol(&mode, &mask, MASK_BITS, NULL, 0));
	CHECK_EQ(mode, MPOL_DEFAULT);
	return 0;
}

static int weighted_interleave_mode(void)
{
	unsigned long mask;
	int mode;
	long r;

	reset();
	r = set_pol(MPOL_WEIGHTED_INTERLEAVE, shape.mems);
	if (r == -EINVAL)
		SKIP("no MPOL_WEIGHTED_INTERLEAVE in this kernel (Linux before 6.9)");
	CHECK_OK(r);
	CHECK_OK(get_pol(&mode, &mask, MASK_BITS, NULL, 0));
	CHECK_EQ(mode, MPOL_WEIGHTED_INTERLEAVE);
	CHECK_EQ(mask, shape.mems);
	reset();
	return 0;
}

static int mode_and_flag_errors(void)
{
	unsigned long absent = bit(63);		/* a node no machine here has */

	reset();
	CHECK_ERR(set_pol(MPOL_MAX, shape.mems), EINVAL);
	CHECK_ERR(set_pol(-1, shape.mems), EINVAL);
	CHECK_ERR(set_pol(MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, shape.mems), EINVAL);
	CHECK_ERR(set_pol(MPOL_BIND, 0), EINVAL);
	CHECK_ERR(set_pol(MPOL_INTERLEAVE, 0), EINVAL);
	CHECK_ERR(set_pol(MPOL_PREFERRED_MANY, 0), EINVAL);
	CHECK_ERR(set_pol(MPOL_DEFAULT, shape.mems), EINVAL);
	CHECK_ERR(set_pol(MPOL_LOCAL, shape.mems), EINVAL);
	CHECK_ERR(set_pol(MPOL_LOCAL | MPOL_F_STATIC_NODES, 0), EINVAL);
	CHECK_ERR(set_pol(MPOL_PREFERRED | MPOL_F_RELATIVE_NODES, 0), EINVAL);
	CHECK_ERR(set_pol(MPOL_INTERLEAVE | MPOL_F_NUMA_BALANCING, shape.mems), EINVAL);
	CHECK_ERR(set_pol(MPOL_BIND, absent), EINVAL);		/* no node with memory left */
	CHECK_ERR(set_pol(MPOL_PREFERRED, absent), EINVAL);
	CHECK_OK(set_pol(MPOL_BIND, absent | shape.mems));	/* absent nodes are dropped */
	CHECK_ERR(SYS(SYS_set_mempolicy, MPOL_BIND, BAD_USER_ADDR, MASK_BITS), EFAULT);
	CHECK_ERR(SYS(SYS_set_mempolicy, MPOL_BIND, NULL, MASK_BITS), EINVAL);
	CHECK_OK(SYS(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0));
	reset();
	return 0;
}

static int numa_balancing_flag_reported(void)
{
	unsigned long mask;
	int mode;

	reset();
	CHECK_OK(set_pol(MPOL_BIND | MPOL_F_NUMA_BALANCING, shape.mems));
	CHECK_OK(get_pol(&mode, &mask, MASK_BITS, NULL, 0));
	CHECK_EQ(mode, MPOL_BIND | MPOL_F_NUMA_BALANCING);
	CHECK_EQ(mask, shape.mems);
	reset();
	return 0;
}

static int maxnode_rules(void)
{
	static unsigned long big[4096 / 8 + 2];
	unsigned long one = bit(shape.mem_node[0]);

	reset();
	CHECK_ERR(SYS(SYS_set_mempolicy, MPOL_BIND, &one, 0), EINVAL);		/* 0 - 1 is huge */
	CHECK_ERR(SYS(SYS_set_mempolicy, MPOL_BIND, &one, 1), EINVAL);		/* no bit left: empty */
	CHECK_OK(SYS(SYS_set_mempolicy, MPOL_PREFERRED, &one, 1));		/* empty: local */
	CHECK_OK(SYS(SYS_set_mempolicy, MPOL_BIND, &one, shape.mem_node[0] + 2));
	memset(big, 0, sizeof(big));
	big[0] = one;
	CHECK_OK(SYS(SYS_set_mempolicy, MPOL_BIND, big, 4096 * 8 + 1));	/* a page of bits */
	CHECK_ERR(SYS(SYS_set_mempolicy, MPOL_BIND, big, 4096 * 8 + 2), EINVAL);
	big[1023 / 64] |= bit(1023 % 64);				/* node 1023: absent, dropped */
	CHECK_OK(SYS(SYS_set_mempolicy, MPOL_BIND, big, 1025));
	big[1024 / 64] |= bit(1024 % 64);				/* node 1024: beyond the ABI */
	CHECK_ERR(SYS(SYS_set_mempolicy, MPOL_BIND, big, 1026), EINVAL);
	CHECK_OK(SYS(SYS_set_mempolicy, MPOL_BIND, big, 1025));		/* that bit not counted */
	reset();
	return 0;
}

static int get_mempolicy_errors(void)
{
	unsigned long mask[32];
	int mode, nr = shape.nr_node_ids;

	reset();
	CHECK_ERR(get_pol(&mode, mask, nr - 1, NULL, 0), EINVAL);	/* shorter than nr_node_ids */
	CHECK_OK(get_pol(&mode, mask, nr, NULL, 0));
	CHECK_OK(get_pol(&mode, NULL, 0, NULL, 0));
	CHECK_ERR(get_pol(&mode, mask, 4096 * 8 + 65, NULL, 0), EINVAL);	/* more than a page to write */
	CHECK_ERR(get_pol(&mode, mask, MASK_BITS, NULL, 8), EINVAL);
	CHECK_ERR(get_pol(&mode, mask, MASK_BITS, NULL, MPOL_F_MEMS_ALLOWED | MPOL_F_NODE), EINVAL);
	CHECK_ERR(get_pol(&mode, mask, MASK_BITS, (void *)0x10000, 0), EINVAL);	/* an address without F_ADDR */
	CHECK_ERR(get_pol(&mode, mask, MASK_BITS, NULL, MPOL_F_NODE), EINVAL);	/* not interleaving */
	CHECK_ERR(get_pol(&mode, mask, MASK_BITS, (void *)BAD_USER_ADDR, MPOL_F_ADDR), EFAULT);
	CHECK_ERR(get_pol((int *)BAD_USER_ADDR, mask, MASK_BITS, NULL, 0), EFAULT);
	CHECK_ERR(get_pol(&mode, (unsigned long *)BAD_USER_ADDR, MASK_BITS, NULL, 0), EFAULT);
	/* what lies past nr_node_ids' words is zeroed */
	memset(mask, 0xff, sizeof(mask));
	CHECK_OK(set_pol(MPOL_BIND, shape.mems));
	CHECK_OK(get_pol(&mode, mask, 1024, NULL, 0));
	CHECK_EQ(mask[0], shape.mems);
	for (int i = 1; i < 16; i++)
		CHECK_EQ(mask[i], 0);
	CHECK_EQ(mask[16], ~0UL);
	reset();
	return 0;
}

static int mems_allowed_are_nodes_with_memory(void)
{
	unsigned long mask = 0;
	int mode = -1;

	CHECK_OK(get_pol(&mode, &mask, MASK_BITS, NULL, MPOL_F_MEMS_ALLOWED));
	CHECK_EQ(mode, 0);
	CHECK_EQ(mask, shape.mems);
	CHECK(shape.nmems >= 1);
	return 0;
}

static int static_and_relative_masks(void)
{
	unsigned long mask;
	int mode;
	char *p;

	reset();
	CHECK_OK(set_pol(MPOL_BIND | MPOL_F_STATIC_NODES, shape.mems | bit(63)));
	CHECK_OK(get_pol(&mode, &mask, MASK_BITS, NULL, 0));
	CHECK_EQ(mode, MPOL_BIND | MPOL_F_STATIC_NODES);
	CHECK_EQ(mask, shape.mems | bit(63));		/* the mask as given, absent node and all */
	/* relative: bit n means the n-th allowed node, folded */
	CHECK_OK(set_pol(MPOL_BIND | MPOL_F_RELATIVE_NODES, bit(shape.nmems + 1)));
	CHECK_OK(get_pol(&mode, &mask, MASK_BITS, NULL, 0));
	CHECK_EQ(mode, MPOL_BIND | MPOL_F_RELATIVE_NODES);
	CHECK_EQ(mask, bit(shape.nmems + 1));
	p = map_pages(2, MAP_PRIVATE);
	CHECK(p);
	touch(p, 2);
	CHECK_PAGES_ON(p, 2, shape.mem_node[1 % shape.nmems]);
	munmap(p, 2 * PAGE_SIZE);
	reset();
	return 0;
}

static int node_of_next_interleave(void)
{
	int node = -1;

	reset();
	CHECK_OK(set_pol(MPOL_INTERLEAVE, shape.mems));
	CHECK_OK(get_pol(&node, NULL, 0, NULL, MPOL_F_NODE));
	CHECK(node >= 0 && (shape.mems >> node & 1));	/* the kernel's own allocations move it on Linux */
	reset();
	return 0;
}

/* ---------------------------------------------------------- where pages land */

static int bind_and_preferred_place_pages(void)
{
	static const int modes[] = { MPOL_BIND, MPOL_PREFERRED, MPOL_PREFERRED_MANY };

	for (unsigned int m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
		for (int i = 0; i < shape.nmems; i++) {
			int nid = shape.mem_node[i];
			char *p;

			reset();
			CHECK_OK(set_pol(modes[m], bit(nid)));
			p = map_pages(NPAGES, MAP_PRIVATE);
			CHECK(p);
			touch(p, NPAGES);
			CHECK_PAGES_ON(p, NPAGES, nid);
			munmap(p, NPAGES * PAGE_SIZE);
		}
	reset();
	return 0;
}

static int interleave_by_offset(void)
{
	char *p;

	/* the task's policy: a page's node is its virtual page number's turn, as Linux's faults do */
	reset();
	CHECK_OK(set_pol(MPOL_INTERLEAVE, shape.mems));
	p = map_pages(NPAGES, MAP_PRIVATE);
	CHECK(p);
	touch(p, NPAGES);
	CHECK_PAGES_ON(p, NPAGES, nth_of(shape.mems, ((unsigned long)p >> 12) + i));
	munmap(p, NPAGES * PAGE_SIZE);
	/* a VMA's policy: the same rule, from the offset of the VMA (split off the mapping's middle) */
	reset();
	p = map_pages(NPAGES + 2, MAP_PRIVATE);
	CHECK(p);
	CHECK_OK(mbind_mask(p + PAGE_SIZE, NPAGES * PAGE_SIZE, MPOL_INTERLEAVE, shape.mems, 0));
	touch(p, NPAGES + 2);
	CHECK_PAGES_ON(p + PAGE_SIZE, NPAGES, nth_of(shape.mems, ((unsigned long)p >> 12) + 1 + i));
	munmap(p, (NPAGES + 2) * PAGE_SIZE);
	return 0;
}

static int weighted_interleave_default_weights(void)
{
	char *p;
	long r;

	reset();
	p = map_pages(NPAGES, MAP_PRIVATE);
	CHECK(p);
	r = mbind_mask(p, NPAGES * PAGE_SIZE, MPOL_WEIGHTED_INTERLEAVE, shape.mems, 0);
	if (r == -EINVAL) {
		munmap(p, NPAGES * PAGE_SIZE);
		SKIP("no MPOL_WEIGHTED_INTERLEAVE in this kernel (Linux before 6.9)");
	}
	CHECK_OK(r);
	touch(p, NPAGES);
	CHECK_PAGES_ON(p, NPAGES, nth_of(shape.mems, ((unsigned long)p >> 12) + i));	/* every weight 1 */
	munmap(p, NPAGES * PAGE_SIZE);
	return 0;
}

static int local_is_the_cpus_node(void)
{
	int tried = 0;

	for (int i = 0; i < shape.ncpus; i++) {
		int nid = shape.cpu_node[i];
		char *p;

		if (!(shape.mems >> nid & 1))
			continue;		/* a memory-less node's CPU: the nearest node, a distance question */
		reset();
		ktap_pin(shape.cpus[i]);
		CHECK_OK(set_pol(MPOL_LOCAL, 0));
		p = map_pages(2, MAP_PRIVATE);
		CHECK(p);
		touch(p, 2);
		CHECK_PAGES_ON(p, 2, nid);
		CHECK_OK(set_pol(MPOL_BIND, shape.mems));	/* BIND starts from the local node too */
		touch(p + PAGE_SIZE, 1);
		CHECK_PAGES_ON(p, 2, nid);
		munmap(p, 2 * PAGE_SIZE);
		tried++;
	}
	reset();
	if (!tried)
		SKIP("no CPU on a node with memory");
	return 0;
}

static int home_node_starts_bind(void)
{
	int a, b, cpu;
	char *p;

	TWO_NODES(a, b);
	cpu = cpu_of(a);
	if (cpu < 0)
		SKIP("no CPU on node %d", a);
	reset();
	ktap_pin(cpu);
	p = map_pages(4, MAP_PRIVATE);
	CHECK(p);
	CHECK_ERR(SYS(NR_set_mempolicy_home_node, p, 4 * PAGE_SIZE, b, 0), ENOENT);	/* no policy there */
	CHECK_OK(mbind_mask(p, 4 * PAGE_SIZE, MPOL_BIND, bit(a) | bit(b), 0));
	CHECK_ERR(SYS(NR_set_mempolicy_home_node, p + 1, PAGE_SIZE, b, 0), EINVAL);
	CHECK_ERR(SYS(NR_set_mempolicy_home_node, p, PAGE_SIZE, b, 1), EINVAL);
	CHECK_ERR(SYS(NR_set_mempolicy_home_node, p, PAGE_SIZE, 1024, 0), EINVAL);
	CHECK_OK(SYS(NR_set_mempolicy_home_node, p + 2 * PAGE_SIZE, 2 * PAGE_SIZE, b, 0));
	touch(p, 4);
	CHECK_PAGES_ON(p, 4, i < 2 ? a : b);		/* local first, then from the home node */
	CHECK_OK(mbind_mask(p, PAGE_SIZE, MPOL_INTERLEAVE, bit(a), 0));
	CHECK_ERR(SYS(NR_set_mempolicy_home_node, p, PAGE_SIZE, b, 0), EOPNOTSUPP);
	munmap(p, 4 * PAGE_SIZE);
	reset();
	return 0;
}

/* ---------------------------------------------------------- mbind */

static int mbind_errors(void)
{
	char *p = map_pages(4, MAP_PRIVATE);

	CHECK(p);
	CHECK_OK(munmap(p + 2 * PAGE_SIZE, PAGE_SIZE));		/* a hole at page 2 */
	CHECK_ERR(mbind_mask(p + 1, PAGE_SIZE, MPOL_BIND, shape.mems, 0), EINVAL);
	CHECK_ERR(mbind_mask(p, PAGE_SIZE, MPOL_BIND, shape.mems, 8), EINVAL);	/* MPOL_MF_LAZY is not for users */
	CHECK_ERR(mbind_mask(p, PAGE_SIZE, MPOL_MAX, shape.mems, 0), EINVAL);
	CHECK_ERR(mbind_mask(p, PAGE_SIZE, MPOL_BIND, 0, 0), EINVAL);
	CHECK_ERR(SYS(SYS_mbind, p, PAGE_SIZE, MPOL_BIND, BAD_USER_ADDR, MASK_BITS, 0), EFAULT);
	CHECK_ERR(mbind_mask(p, -PAGE_SIZE, MPOL_BIND, shape.mems, 0), EINVAL);	/* end wraps */
	CHECK_OK(mbind_mask(p, 0, MPOL_BIND, shape.mems, 0));			/* nothing to do */
	CHECK_ERR(mbind_mask(p, 4 * PAGE_SIZE, MPOL_BIND, shape.mems, 0), EFAULT);	/* the hole */
	CHECK_ERR(mbind_mask(p + 2 * PAGE_SIZE, PAGE_SIZE, MPOL_BIND, shape.mems, 0), EFAULT);
	CHECK_OK(mbind_mask(p, 4 * PAGE_SIZE, MPOL_DEFAULT, 0, 0));	/* MPOL_DEFAULT may span holes */
	CHECK_ERR(mbind_mask(p + 2 * PAGE_SIZE, PAGE_SIZE, MPOL_DEFAULT, 0, 0), EFAULT);	/* not all hole */
	CHECK_ERR(mbind_mask(p, PAGE_SIZE, MPOL_DEFAULT, shape.mems, 0), EINVAL);
	munmap(p, 4 * PAGE_SIZE);
	return 0;
}

static int vma_policy_by_address(void)
{
	unsigned long mask;
	int mode;
	char *p = map_pages(3, MAP_PRIVATE);

	reset();
	CHECK(p);
	CHECK_OK(set_pol(MPOL_INTERLEAVE, shape.mems));	/* F_ADDR never falls back to it */
	CHECK_OK(mbind_mask(p + PAGE_SIZE, PAGE_SIZE, MPOL_BIND | MPOL_F_STATIC_NODES, shape.mems, 0));
	for (int i = 0; i < 3; i++) {
		CHECK_OK(get_pol(&mode, &mask, MASK_BITS, p + i * PAGE_SIZE + 5, MPOL_F_ADDR));
		CHECK_EQ(mode, i == 1 ? MPOL_BIND | MPOL_F_STATIC_NODES : MPOL_DEFAULT);
		CHECK_EQ(mask, i == 1 ? shape.mems : 0);
	}
	CHECK_OK(mbind_mask(p, 3 * PAGE_SIZE, MPOL_DEFAULT, 0, 0));
	CHECK_OK(get_pol(&mode, &mask, MASK_BITS, p + PAGE_SIZE, MPOL_F_ADDR));
	CHECK_EQ(mode, MPOL_DEFAULT);
	munmap(p, 3 * PAGE_SIZE);
	reset();
	return 0;
}

/* NPAGES written pages, all on node nid (by a BIND policy that is then taken away). */
static char *pages_on(int nid)
{
	char *p = map_pages(NPAGES, MAP_PRIVATE);

	if (!p || set_pol(MPOL_BIND, bit(nid)))
		return NULL;
	touch(p, NPAGES);
	set_pol(MPOL_DEFAULT, 0);
	return p;
}

static int mbind_strict_and_move(void)
{
	int a, b, mode;
	char *p;

	TWO_NODES(a, b);
	reset();
	p = pages_on(a);
	CHECK(p);
	/* STRICT alone: misplaced pages are an error, and the policy is not installed */
	CHECK_ERR(mbind_mask(p, NPAGES * PAGE_SIZE, MPOL_BIND, bit(b), MPOL_MF_STRICT), EIO);
	CHECK_OK(get_pol(&mode, NULL, 0, p, MPOL_F_ADDR));
	CHECK_EQ(mode, MPOL_DEFAULT);
	CHECK_OK(mbind_mask(p, NPAGES * PAGE_SIZE, MPOL_BIND, bit(a) | bit(b), MPOL_MF_STRICT));	/* none misplaced */
	/* MOVE: they go where the new policy says, contents and all */
	CHECK_OK(mbind_mask(p, NPAGES * PAGE_SIZE, MPOL_BIND, bit(b), MPOL_MF_MOVE | MPOL_MF_STRICT));
	CHECK_PAGES_ON(p, NPAGES, b);
	for (int i = 0; i < NPAGES; i++)
		CHECK_EQ(p[i * PAGE_SIZE], i + 1);
	/* only pages on nodes outside the mask move: these are inside */
	CHECK_OK(mbind_mask(p, NPAGES * PAGE_SIZE, MPOL_INTERLEAVE, shape.mems, MPOL_MF_MOVE | MPOL_MF_STRICT));
	CHECK_PAGES_ON(p, NPAGES, b);
	/* MPOL_MF_MOVE_ALL as root: the same for pages only we map */
	CHECK_OK(mbind_mask(p, NPAGES * PAGE_SIZE, MPOL_PREFERRED, bit(a), MPOL_MF_MOVE_ALL));
	CHECK_PAGES_ON(p, NPAGES, a);
	munmap(p, NPAGES * PAGE_SIZE);
	return 0;
}

static int cow_child(void *arg)
{
	volatile long *box = arg;

	box[0] = 1;			/* our copy-on-write view of the pages exists */
	return wait_for(box, 1, 1);	/* until the parent has tried */
}

/* Pages a forked child still shares copy-on-write are not MOVE's to move, as in Linux. */
static int shared_pages_are_not_moved(void)
{
	volatile long *box = mailbox();
	int a, b, status = 0, st;
	char *p;
	pid_t pid;

	TWO_NODES(a, b);
	reset();
	CHECK(box);
	p = pages_on(a);
	CHECK(p);
	pid = fork();
	if (!pid)
		_exit(cow_child((void *)box));
	CHECK(pid > 0);
	CHECK(!wait_for(box, 0, 1));
	CHECK_OK(mbind_mask(p, NPAGES * PAGE_SIZE, MPOL_BIND, bit(b), MPOL_MF_MOVE | MPOL_MF_STRICT));
	CHECK_PAGES_ON(p, NPAGES, a);		/* skipped, and that is no failure */
	CHECK_OK(move_one(0, p, b, &st, 0));
	CHECK_EQ(st, -EACCES);
	box[1] = 1;
	CHECK_EQ(SYS(SYS_wait4, pid, &status, 0, 0), pid);
	CHECK_EXITED(status, 0);
	CHECK_OK(move_one(0, p, b, &st, 0));	/* ours alone again */
	CHECK_EQ(st, b);
	munmap(p, NPAGES * PAGE_SIZE);
	munmap((void *)box, PAGE_SIZE);
	return 0;
}

/* ---------------------------------------------------------- move_pages, migrate_pages */

static int move_pages_status(void)
{
	char *p = map_pages(4, MAP_PRIVATE);
	void *pages[5];
	int status[5], here;

	reset();
	CHECK(p);
	touch(p, 2);
	CHECK_OK(munmap(p + 3 * PAGE_SIZE, PAGE_SIZE));
	for (int i = 0; i < 4; i++)
		pages[i] = p + i * PAGE_SIZE + 100;
	pages[4] = (void *)BAD_USER_ADDR;
	CHECK_OK(SYS(SYS_move_pages, 0, 5, pages, NULL, status, 0));
	here = page_node(p);
	CHECK(shape.mems >> here & 1);
	CHECK_EQ(status[0], here);
	CHECK_EQ(status[1], page_node(p + PAGE_SIZE));
	CHECK_EQ(status[2], linux_before(6, 12) ? -EFAULT : -ENOENT);	/* mapped, never touched */
	CHECK_EQ(status[3], -EFAULT);		/* no mapping */
	CHECK_EQ(status[4], -EFAULT);
	CHECK_OK(SYS(SYS_move_pages, 0, 0, NULL, NULL, NULL, 0));
	CHECK_ERR(SYS(SYS_move_pages, 0, 1, pages, NULL, BAD_USER_ADDR, 0), EFAULT);
	CHECK_ERR(SYS(SYS_move_pages, 0, 1, BAD_USER_ADDR, NULL, status, 0), EFAULT);
	CHECK_ERR(SYS(SYS_move_pages, 0, 1, pages, NULL, status, 8), EINVAL);
	CHECK_ERR(SYS(SYS_move_pages, 0x3fffffff, 1, pages, NULL, status, 0), ESRCH);
	munmap(p, 3 * PAGE_SIZE);
	return 0;
}

static int move_pages_moves(void)
{
	int a, b, nodes[NPAGES], status[NPAGES];
	void *pages[NPAGES];
	char *p;

	TWO_NODES(a, b);
	reset();
	p = pages_on(a);
	CHECK(p);
	for (int i = 0; i < NPAGES; i++) {
		pages[i] = p + i * PAGE_SIZE;
		nodes[i] = i % 2 ? b : a;
	}
	CHECK_OK(SYS(SYS_move_pages, 0, NPAGES, pages, nodes, status, MPOL_MF_MOVE));
	for (int i = 0; i < NPAGES; i++)
		CHECK_EQ(status[i], nodes[i]);
	CHECK_PAGES_ON(p, NPAGES, i % 2 ? b : a);
	for (int i = 0; i < NPAGES; i++)
		CHECK_EQ(p[i * PAGE_SIZE], i + 1);
	/* a bad node ends the call; the pages before it are done and have their status */
	nodes[0] = b;
	nodes[1] = -1;
	status[1] = 12345;
	CHECK_ERR(SYS(SYS_move_pages, 0, 2, pages, nodes, status, 0), ENODEV);
	CHECK_EQ(status[0], b);
	CHECK_EQ(status[1], 12345);
	nodes[0] = 1024;
	CHECK_ERR(SYS(SYS_move_pages, 0, 1, pages, nodes, status, 0), ENODEV);
	nodes[0] = 63;
	CHECK_ERR(SYS(SYS_move_pages, 0, 1, pages, nodes, status, 0), ENODEV);
	CHECK_ERR(SYS(SYS_move_pages, 0, 1, pages, BAD_USER_ADDR, status, 0), EFAULT);
	munmap(p, NPAGES * PAGE_SIZE);
	return 0;
}

/*
 * migrate_pages() on Linux may leave a page behind for a while (one not
 * yet on an LRU list cannot be isolated; any page of the process counts,
 * its stack's too) and says how many: ask again, and judge by the pages
 * the test made. Numbat has no such moments: it must answer 0.
 */
static int migrate_all(int pid, unsigned long from, unsigned long to)
{
	struct timespec ms = { 0, 1000000 };
	long r = -1;

	for (int tries = 0; tries < 20 && r; tries++) {
		r = SYS(SYS_migrate_pages, pid, MASK_BITS, &from, &to);
		if (r > 0)
			nanosleep(&ms, NULL);
	}
	if (r < 0 || (r > 0 && !on_linux())) {
		ktap_diag("migrate_pages(%d, %#lx -> %#lx) returned %ld", pid, from, to, r);
		return 1;
	}
	return 0;
}

static int migrate_pages_self(void)
{
	unsigned long from, to, absent = bit(63);
	int a, b;
	char *p;

	TWO_NODES(a, b);
	reset();
	p = pages_on(a);
	CHECK(p);
	from = bit(a);
	to = bit(b);
	CHECK_EQ(migrate_all(0, from, to), 0);
	CHECK_PAGES_ON(p, NPAGES, b);
	CHECK_EQ(migrate_all(getpid(), to, from), 0);
	CHECK_PAGES_ON(p, NPAGES, a);
	CHECK_ERR(SYS(SYS_migrate_pages, 0, MASK_BITS, &from, &absent), EINVAL);
	CHECK_ERR(SYS(SYS_migrate_pages, 0, MASK_BITS, &from, BAD_USER_ADDR), EFAULT);
	CHECK_ERR(SYS(SYS_migrate_pages, 0x3fffffff, MASK_BITS, &from, &to), ESRCH);
	CHECK_ERR(SYS(SYS_migrate_pages, 0, 0, &from, &to), EINVAL);
	munmap(p, NPAGES * PAGE_SIZE);
	return 0;
}

static int migrate_pages_of_another_process(void)
{
	volatile long *box = mailbox();
	int a, b, status = 0, moved;
	pid_t pid, parent;

	TWO_NODES(a, b);
	reset();
	CHECK(box);
	parent = getpid();
	pid = fork();
	if (!pid) {
		char *p = pages_on(a);
		box[2] = (long)p;
		box[0] = 1;
		if (!p)
			_exit(2);
		/*
		 * As long as the parent lives, it is migrating us and will say
		 * so: no bound on the rounds (under TCG, migrating every page
		 * of a process in the naive modes takes longer than the
		 * patience of ktap_wait on a loaded host).
		 */
		while (!box[1]) {
			if (getppid() != parent)
				_exit(4);
			SYS(SYS_sched_yield);
		}
		for (int i = 0; i < NPAGES; i++)
			if (page_node(p + i * PAGE_SIZE) != b || p[i * PAGE_SIZE] != i + 1)
				_exit(3);
		_exit(0);
	}
	CHECK(pid > 0);
	if (wait_for(box, 0, 1))
		moved = -1;
	else
		moved = migrate_all(pid, bit(a), bit(b));
	box[1] = 1;			/* the child goes on whatever happened */
	CHECK_EQ(SYS(SYS_wait4, pid, &status, 0, 0), pid);
	CHECK_EQ(moved, 0);
	CHECK_EXITED(status, 0);
	munmap((void *)box, PAGE_SIZE);
	return 0;
}

/* ---------------------------------------------------------- inheritance */

static int policy_of(int *mode, unsigned long *mask)
{
	return (int)get_pol(mode, mask, MASK_BITS, NULL, 0);
}

static int child_has_bind_last(void *arg)
{
	unsigned long mask;
	int mode, last = shape.mem_node[shape.nmems - 1];
	char *p;

	if (policy_of(&mode, &mask) || mode != MPOL_BIND || mask != bit(last))
		return 1;
	p = map_pages(2, MAP_PRIVATE);
	touch(p, 2);
	return page_node(p) == last && page_node(p + PAGE_SIZE) == last ? 0 : 2;
}

static int policy_inherited_by_fork(void)
{
	reset();
	CHECK_OK(set_pol(MPOL_BIND, bit(shape.mem_node[shape.nmems - 1])));
	CHECK_EXITED(ktap_child(child_has_bind_last, NULL), 0);
	reset();
	return 0;
}

static void *thread_changes_its_own(void *arg)
{
	unsigned long mask;
	int mode;

	if (policy_of(&mode, &mask) || mode != MPOL_INTERLEAVE || mask != shape.mems)
		return (void *)1;
	if (set_pol(MPOL_LOCAL, 0) || policy_of(&mode, &mask) || mode != MPOL_LOCAL)
		return (void *)2;
	return NULL;
}

static int policy_per_thread(void)
{
	unsigned long mask;
	pthread_t t;
	void *ret = (void *)-1;
	int mode;

	reset();
	CHECK_OK(set_pol(MPOL_INTERLEAVE, shape.mems));
	CHECK_EQ(pthread_create(&t, NULL, thread_changes_its_own, NULL), 0);
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK_EQ((long)ret, 0);
	CHECK_OK(policy_of(&mode, &mask));
	CHECK_EQ(mode, MPOL_INTERLEAVE);	/* the thread changed its own only */
	reset();
	return 0;
}

static int exec_child(int argc, char **argv)
{
	unsigned long mask;
	int mode;

	if (!strcmp(argv[0], "policy"))
		return !(policy_of(&mode, &mask) == 0 && mode == MPOL_INTERLEAVE && mask == strtoul(argv[1], NULL, 0));
	return 100;
}

static int run_exec_child(void *arg)
{
	char mask[32];
	char *argv[] = { (char *)self, "--exec-child", "policy", mask, NULL };

	snprintf(mask, sizeof(mask), "%#lx", shape.mems);
	SYS(SYS_execve, self, argv, NULL);
	return 99;
}

static int policy_kept_across_exec(void)
{
	reset();
	CHECK_OK(set_pol(MPOL_INTERLEAVE, shape.mems));
	CHECK_EXITED(ktap_child(run_exec_child, NULL), 0);
	reset();
	return 0;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(default_policy_reported),
	KTAP_CASE(each_mode_set_and_reported),
	KTAP_CASE(weighted_interleave_mode),
	KTAP_CASE(mode_and_flag_errors),
	KTAP_CASE(numa_balancing_flag_reported),
	KTAP_CASE(maxnode_rules),
	KTAP_CASE(get_mempolicy_errors),
	KTAP_CASE(mems_allowed_are_nodes_with_memory),
	KTAP_CASE(static_and_relative_masks),
	KTAP_CASE(node_of_next_interleave),
	KTAP_CASE(bind_and_preferred_place_pages),
	KTAP_CASE(interleave_by_offset),
	KTAP_CASE(weighted_interleave_default_weights),
	KTAP_CASE(local_is_the_cpus_node),
	KTAP_CASE(home_node_starts_bind),
	KTAP_CASE(mbind_errors),
	KTAP_CASE(vma_policy_by_address),
	KTAP_CASE(mbind_strict_and_move),
	KTAP_CASE(shared_pages_are_not_moved),
	KTAP_CASE(move_pages_status),
	KTAP_CASE(move_pages_moves),
	KTAP_CASE(migrate_pages_self),
	KTAP_CASE(migrate_pages_of_another_process),
	KTAP_CASE(policy_inherited_by_fork),
	KTAP_CASE(policy_per_thread),
	KTAP_CASE(policy_kept_across_exec),
};

int main(int argc, char **argv)
{
	self = argv[0];
	return numa_suite_main("usertest_mempolicy", cases, KTAP_COUNT(cases), argc, argv, exec_child);
}
