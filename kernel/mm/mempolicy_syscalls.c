/*
 * kernel/mm/mempolicy_syscalls.c - the NUMA system calls, with Linux's
 * argument rules and errno values: set_mempolicy, get_mempolicy, mbind,
 * set_mempolicy_home_node, and the parts of migrate_pages and move_pages
 * that follow finding the process (kernel/proc/numa.c finds it, as it
 * does for Numbat's own pidfd_set_mempolicy).
 *
 * Node masks (get_nodes): maxnode counts bits and the last one is not
 * used (Linux's off-by-one, kept for its ABI): maxnode 0 with a mask is
 * EINVAL, so is a maxnode above a page of bits; bits from 1024 up must be
 * zero (Linux's distributions build with 1024 nodes); bits of nodes that
 * do not exist or have no memory are dropped when the policy is made, as
 * Linux drops those outside the task's mems_allowed. get_mempolicy wants
 * maxnode >= nr_node_ids and writes zeros past the words it knows.
 *
 * Every task is root here: MPOL_MF_MOVE_ALL is allowed, migrate_pages
 * moves shared pages (as root does on Linux), and one process may act on
 * another.
 */
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/migrate.h"
#include "kernel/mm/shmem.h"
#include "kernel/mm/vma.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define MPOL_MAX_MAXNODE	(PAGE_SIZE * 8)	/* Linux: more bits than a page holds is EINVAL */
#define MOVE_PAGES_CHUNK	16		/* move_pages(2): entries read, moved under mmap_lock, then reported */

/* ---- ranges and node masks ---- */

/*
 * Linux's rule for mbind's and set_mempolicy_home_node's range: len
 * rounds up to pages, a range that wraps is -EINVAL, an empty one is
 * nothing to do (1). 0 with *end set otherwise.
 */
static int user_range(unsigned long start, unsigned long len, unsigned long *end)
{
	*end = start + ALIGN_UP(len, PAGE_SIZE);
	if (*end < start)
		return -EINVAL;
	return *end == start;
}

static int get_bitmap(unsigned long *bits, const unsigned long __user *nmask, unsigned long nbits)
{
	unsigned long nlongs = BITS_TO_LONGS(nbits);

	if (copy_from_user(bits, nmask, nlongs * sizeof(long)))
		return -EFAULT;
	if (nbits % BITS_PER_LONG)
		bits[nlongs - 1] &= (1UL << (nbits % BITS_PER_LONG)) - 1;
	return 0;
}

/* Linux's get_nodes(): the mask a system call was given. */
int get_nodes(user_nodemask_t *nodes, const unsigned long __user *nmask, unsigned long maxnode)
{
	--maxnode;
	memset(nodes, 0, sizeof(*nodes));
	if (maxnode == 0 || !nmask)
		return 0;
	if (maxnode > MPOL_MAX_MAXNODE)
		return -EINVAL;
	/* bits the ABI cannot name must be zero: one word at a time, from the end */
	while (maxnode > MPOL_MAX_USER_NODES) {
		unsigned long bits = min(maxnode, (unsigned long)BITS_PER_LONG), t;

		if (get_bitmap(&t, &nmask[(maxnode - 1) / BITS_PER_LONG], bits))
			return -EFAULT;
		if (maxnode - bits >= MPOL_MAX_USER_NODES) {
			maxnode -= bits;
		} else {
			maxnode = MPOL_MAX_USER_NODES;
			t &= ~((1UL << (MPOL_MAX_USER_NODES % BITS_PER_LONG)) - 1);
		}
		if (t)
			return -EINVAL;
	}
	return get_bitmap(nodes->bits, nmask, maxnode);
}

/* Linux's copy_nodes_to_user(): the words nr_node_ids needs, zeros after them. */
static int copy_nodes_to_user(unsigned long __user *mask, unsigned long maxnode, const user_nodemask_t *nodes)
{
	unsigned long copy = ALIGN_UP(maxnode - 1, BITS_PER_LONG) / 8;
	unsigned long nbytes = BITS_TO_LONGS(nr_node_ids()) * sizeof(long);

	if (copy > nbytes) {
		if (copy > PAGE_SIZE)
			return -EINVAL;
		if (clear_user((char __user *)mask + nbytes, copy - nbytes))
			return -EFAULT;
		copy = nbytes;
	}
	return copy_to_user(mask, nodes->bits, copy) ? -EFAULT : 0;
}

/* Linux's sanitize_mpol_flags(): the mode and its flags apart. */
static int sanitize_mpol_flags(int *mode, unsigned short *flags)
{
	*flags = *mode & MPOL_MODE_FLAGS;
	*mode &= ~MPOL_MODE_FLAGS;
	if ((unsigned int)*mode >= MPOL_MAX)
		return -EINVAL;
	if ((*flags & MPOL_F_STATIC_NODES) && (*flags & MPOL_F_RELATIVE_NODES))
		return -EINVAL;
	if (*flags & MPOL_F_NUMA_BALANCING) {
		if (*mode != MPOL_BIND && *mode != MPOL_PREFERRED_MANY)
			return -EINVAL;
		*flags |= MPOL_F_MOF | MPOL_F_MORON;
	}
	return 0;
}

/* A policy from a system call's mode and mask: 0 and *pol (NULL for MPOL_DEFAULT), or -errno. */
static int policy_from_user(int mode, const unsigned long __user *nmask, unsigned long maxnode,
			    struct mempolicy **pol, user_nodemask_t *nodes)
{
	unsigned short flags;
	int err = sanitize_mpol_flags(&mode, &flags);

	if (!err)
		err = get_nodes(nodes, nmask, maxnode);
	if (!err)
		err = mpol_create(mode, flags, nodes, pol);
	return err;
}

/* ---- set_mempolicy, pidfd_set_mempolicy ---- */

long set_task_mempolicy(struct task *p, int mode, const unsigned long __user *nmask, unsigned long maxnode)
{
	user_nodemask_t nodes;
	struct mempolicy *new;
	int err = policy_from_user(mode, nmask, maxnode, &new, &nodes);

	return err ? err : task_policy_install(p, new);
}

long sys_set_mempolicy(int mode, const unsigned long __user *nmask, unsigned long maxnode)
{
	return set_task_mempolicy(current, mode, nmask, maxnode);
}

/* ---- get_mempolicy ---- */

/* The node of the page at addr, faulted in for reading as get_user_pages would; -EFAULT. */
static int lookup_node(struct vm_area_struct *vma, unsigned long addr)
{
	int nid = -ENOENT;

	if (!(vma->vm_flags & VM_READ))
		return -EFAULT;
	while (nid == -ENOENT) {	/* zapped or being migrated meanwhile: fault again */
		if (handle_mm_fault(vma, addr, 0) & VM_FAULT_ERROR)
			return -EFAULT;
		nid = page_node_at(vma, ALIGN_DOWN(addr, PAGE_SIZE));
		cond_resched();
	}
	return nid;
}

/* The next node interleaving without an offset would use (get_mempolicy's MPOL_F_NODE). */
static int next_interleave_node(struct mempolicy *pol)
{
	int prev = READ_ONCE(current->il_prev);

	if (pol->mode == MPOL_WEIGHTED_INTERLEAVE && READ_ONCE(current->il_weight))
		return prev;
	return next_node_in(prev, &pol->nodes);
}

long sys_get_mempolicy(int __user *policy, unsigned long __user *nmask, unsigned long maxnode,
		       unsigned long addr, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	struct mempolicy *pol = NULL;
	user_nodemask_t nodes;
	int pval = MPOL_DEFAULT;

	if (nmask && maxnode < (unsigned long)nr_node_ids())
		return -EINVAL;
	if (flags & ~(unsigned long)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
		return -EINVAL;
	if (flags & MPOL_F_MEMS_ALLOWED) {
		nodemask_t mems = node_states_memory();

		if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
			return -EINVAL;
		nodes = kernel_nodes_to_user(&mems);
		goto copy;
	}
	if (flags & MPOL_F_ADDR) {
		/* the VMA's or shared object's policy, never the task's: MPOL_DEFAULT if none */
		struct vm_area_struct *vma;

		mmap_read_lock(mm);
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start > addr) {
			mmap_read_unlock(mm);
			return -EFAULT;
		}
		pol = vma_policy_get(vma, addr);
		if (flags & MPOL_F_NODE)
			pval = lookup_node(vma, addr);
		mmap_read_unlock(mm);
		if (pval < 0) {
			mpol_put(pol);
			return pval;
		}
	} else if (addr) {
		return -EINVAL;
	} else {
		pol = task_policy_get(current);
		if (flags & MPOL_F_NODE) {
			if (!pol || (pol->mode != MPOL_INTERLEAVE && pol->mode != MPOL_WEIGHTED_INTERLEAVE)) {
				mpol_put(pol);
				return -EINVAL;
			}
			pval = next_interleave_node(pol);
		}
	}
	if (!(flags & MPOL_F_NODE) && pol)
		pval = pol->mode | (pol->flags & MPOL_MODE_FLAGS);
	nodes = mpol_reported_nodes(pol);
	mpol_put(pol);
copy:
	if (policy && put_user(pval, policy))
		return -EFAULT;
	return nmask ? copy_nodes_to_user(nmask, maxnode, &nodes) : 0;
}

/* ---- mbind ---- */

/* Linux's queue_pages_test_walk() holes: -EFAULT unless [start, end) is mapped without gaps (or discontig_ok and some of it is). */
static int check_holes(struct mm_struct *mm, unsigned long start, unsigned long end, bool discontig_ok)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	unsigned long cur = start;

	if (!vma || vma->vm_start >= end)
		return -EFAULT;
	if (discontig_ok)
		return 0;
	for (; vma && vma->vm_start < end; vma = vma_next(mm, vma)) {
		if (vma->vm_start > cur)
			return -EFAULT;
		cur = vma->vm_end;
	}
	return cur < end ? -EFAULT : 0;
}

/* Calls fn on each mapped page of [start, end) (mmap_lock held); stops at fn's nonzero answer. */
static int for_each_mapped_page(struct mm_struct *mm, unsigned long start, unsigned long end,
				int (*fn)(struct vm_area_struct *vma, unsigned long addr, int nid, void *arg),
				void *arg)
{
	struct vm_area_struct *vma;

	for (vma = find_vma(mm, start); vma && vma->vm_start < end; vma = vma_next(mm, vma)) {
		unsigned long a = max(start, vma->vm_start), e = min(end, vma->vm_end);

		for (; a < e; a += PAGE_SIZE) {
			int nid = page_node_at(vma, a), r;
			if (nid < 0)
				continue;
			r = fn(vma, a, nid, arg);
			if (r)
				return r;
		}
		cond_resched();
	}
	return 0;
}

static int misplaced_is_error(struct vm_area_struct *vma, unsigned long addr, int nid, void *nodes)
{
	return user_node_isset(nid, nodes) ? 0 : -EIO;
}

/* Gives [start, end) of one VMA the policy new (a copy), splitting and merging private VMAs. */
static int mbind_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		     unsigned long end, struct mempolicy *new)
{
	struct mempolicy *copy, *old;

	if (vma->vm_shared) {
		/* the object's range, seen by all its mappers; the VMA stays whole (seed 001, figure 2) */
		return shared_policy_install(anon_shared_policy(vma->vm_shared), linear_page_index(vma, start),
					     linear_page_index(vma, end), new);
	}
	if (mpol_equal(vma->vm_policy, new))
		return 0;
	if (vma->vm_start < start && !(vma = split_vma(mm, vma, start)))
		return -ENOMEM;
	if (vma->vm_end > end && !split_vma(mm, vma, end))
		return -ENOMEM;
	if (mpol_dup(new, &copy))
		return -ENOMEM;
	vma_start_write(vma);	/* a fault in flight without mmap_lock sees the VMA change */
	old = vma->vm_policy;
	rcu_assign_pointer(vma->vm_policy, copy);	/* pairs with mpol_get_published's rcu_dereference */
	mpol_kill(old);
	vma_merge(mm, vma);
	return 0;
}

static int mbind_range(struct mm_struct *mm, unsigned long start, unsigned long end, struct mempolicy *new)
{
	unsigned long cur = start;

	while (cur < end) {
		struct vm_area_struct *vma = find_vma(mm, cur);
		unsigned long next;
		int err;

		if (!vma || vma->vm_start >= end)
			break;
		cur = max(cur, vma->vm_start);
		next = min(vma->vm_end, end);
		err = mbind_vma(mm, vma, cur, next, new);
		if (err)
			return err;
		cur = next;
	}
	return 0;
}

int mpol_mbind_mm(struct mm_struct *mm, unsigned long start, unsigned long len, struct mempolicy *pol)
{
	int err;

	mmap_write_lock(mm);
	err = check_holes(mm, start, start + len, !pol);
	if (!err)
		err = mbind_range(mm, start, start + len, pol);
	mmap_write_unlock(mm);
	return err;
}

struct mbind_move {
	user_nodemask_t *nodes;		/* a page on a node outside is misplaced */
	struct mempolicy *pol;		/* where misplaced pages go; NULL: the policy at the address */
	unsigned int flags;
	long failed;
};

static int mbind_move_page(struct vm_area_struct *vma, unsigned long addr, int nid, void *arg)
{
	struct mbind_move *m = arg;
	struct mpol_lookup l;
	struct page *new;
	int err;

	if (user_node_isset(nid, m->nodes))
		return 0;
	if (m->pol) {
		l.pol = m->pol;
		l.ilx = (m->pol->mode == MPOL_INTERLEAVE || m->pol->mode == MPOL_WEIGHTED_INTERLEAVE) ?
			linear_page_index(vma, addr) : NO_INTERLEAVE_INDEX;
		l.borrowed = true;
	} else {
		get_vma_policy(vma, addr, false, &l);
	}
	new = alloc_pages_mpol(__GFP_MOVABLE | __GFP_NOWARN, 0, l.pol, l.ilx, numa_node_id());
	mpol_lookup_done(&l);
	if (!new) {
		m->failed++;
		return 0;
	}
	if (page_to_nid(new) == nid) {
		put_page(new);		/* the policy puts it where it is already */
		return 0;
	}
	err = migrate_page_at(vma, addr, new, m->flags);
	if (err)
		put_page(new);
	/* a page other mappings share is skipped without MOVE_ALL: not a failure, as in Linux */
	if (err && err != -EACCES && err != -ENOENT)
		m->failed++;
	return 0;
}

static long do_mbind(unsigned long start, unsigned long len, int mode, const unsigned long __user *nmask,
		     unsigned long maxnode, unsigned int flags)
{
	struct mm_struct *mm = current->mm;
	struct mempolicy *new = NULL;
	user_nodemask_t nodes;
	unsigned long end;
	unsigned short mflags;
	int err;

	err = sanitize_mpol_flags(&mode, &mflags);
	if (!err)
		err = get_nodes(&nodes, nmask, maxnode);
	if (err)
		return err;
	if (flags & ~MPOL_MF_VALID)
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (mode == MPOL_DEFAULT)
		flags &= ~MPOL_MF_STRICT;
	err = user_range(start, len, &end);
	if (err)
		return err < 0 ? err : 0;
	err = mpol_create(mode, mflags, &nodes, &new);
	if (err)
		return err;

	mmap_write_lock(mm);
	err = check_holes(mm, start, end, !new);
	/* STRICT without MOVE: pages already misplaced make it fail, before anything changes */
	if (!err && (flags & MPOL_MF_STRICT) && !(flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)))
		err = for_each_mapped_page(mm, start, end, misplaced_is_error, &nodes);
	if (!err)
		err = mbind_range(mm, start, end, new);
	if (!err && (flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))) {
		struct mbind_move m = { &nodes, new, flags & MPOL_MF_MOVE_ALL ? MIGRATE_MOVE_ALL : 0, 0 };

		mmap_write_downgrade(mm);	/* moving pages changes no VMA: faults run beside it */
		for_each_mapped_page(mm, start, end, mbind_move_page, &m);
		mmap_read_unlock(mm);
		if (m.failed && (flags & MPOL_MF_STRICT))
			err = -EIO;
	} else {
		mmap_write_unlock(mm);
	}
	mpol_kill(new);		/* the template: the ranges got copies */
	return err;
}

long sys_mbind(unsigned long start, unsigned long len, unsigned long mode, const unsigned long __user *nmask,
	       unsigned long maxnode, unsigned int flags)
{
	return do_mbind(start, len, (int)mode, nmask, maxnode, flags);
}

/* ---- set_mempolicy_home_node ---- */

long sys_set_mempolicy_home_node(unsigned long start, unsigned long len, unsigned long home_node,
				 unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long end, cur;
	int err;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (flags)
		return -EINVAL;
	if (home_node >= MAX_NUMNODES || !node_online(home_node))
		return -EINVAL;
	err = user_range(start, len, &end);
	if (err)
		return err < 0 ? err : 0;
	err = -ENOENT;			/* Linux's answer when no VMA of the range has a policy */
	mmap_write_lock(mm);
	for (cur = start; cur < end; cur = vma->vm_end) {
		unsigned long s, e;
		struct mempolicy *old, *new;

		vma = find_vma(mm, cur);
		if (!vma || vma->vm_start >= end)
			break;
		s = max(cur, vma->vm_start);
		e = min(end, vma->vm_end);
		old = vma_policy_get(vma, s);
		if (!old)
			continue;
		if (old->mode != MPOL_BIND && old->mode != MPOL_PREFERRED_MANY) {
			mpol_put(old);
			err = -EOPNOTSUPP;
			break;
		}
		err = mpol_dup(old, &new);
		mpol_put(old);
		if (err)
			break;
		new->home_node = home_node;	/* before anyone can see it */
		err = mbind_vma(mm, vma, s, e, new);
		mpol_kill(new);
		if (err)
			break;
		vma = find_vma(mm, s);		/* mbind_vma may have split or merged it */
	}
	mmap_write_unlock(mm);
	return err;
}

/* ---- migrate_pages ---- */

/* Linux's node_remap(): s's position among from's nodes, onto to's (cyclically). */
static int node_remap(int s, const user_nodemask_t *from, const nodemask_t *to)
{
	int n = 0, w = nodes_weight(to);

	if (!user_node_isset(s, from) || !w)
		return s;
	for (int b = 0; b < s; b++)
		n += user_node_isset(b, from);
	return nth_node(n % w, to);
}

static int user_nodes_weight(const user_nodemask_t *m)
{
	return bitmap_weight(m->bits, MPOL_MAX_USER_NODES);
}

struct node_move {
	int source, dest;
	long failed;
};

static int move_node_page(struct vm_area_struct *vma, unsigned long addr, int nid, void *arg)
{
	struct node_move *nm = arg;
	int r;

	if (nid != nm->source)
		return 0;
	r = migrate_page_to_node(vma, addr, nm->dest, MIGRATE_MOVE_ALL);
	if (r < 0 && r != -ENOENT)
		nm->failed++;
	return 0;
}

/*
 * Linux's do_migrate_pages(): pick <source, dest> pairs so that, where it
 * can, a node's pages leave before others arrive; with masks of unequal
 * weight, nodes of from that are also in to stay put.
 */
static long do_migrate_pages(struct mm_struct *mm, const user_nodemask_t *from, const nodemask_t *to)
{
	user_nodemask_t tmp = *from;
	bool equal = user_nodes_weight(from) == nodes_weight(to);
	long failed = 0;

	mmap_read_lock(mm);
	while (!user_nodes_empty(&tmp)) {
		struct node_move nm = { NUMA_NO_NODE, 0, 0 };

		for (int s = 0; s < MAX_NUMNODES; s++) {
			int d;
			if (!user_node_isset(s, &tmp) || (!equal && node_isset(s, to)))
				continue;
			d = node_remap(s, from, to);
			if (s == d)
				continue;
			nm.source = s;
			nm.dest = d;
			if (!user_node_isset(d, &tmp))
				break;		/* d has nothing left to send away: the best pair */
		}
		if (nm.source == NUMA_NO_NODE)
			break;
		clear_bit(nm.source, tmp.bits);
		for_each_mapped_page(mm, 0, mm->task_size, move_node_page, &nm);
		failed += nm.failed;
	}
	mmap_read_unlock(mm);
	return failed;
}

long mpol_migrate_mm(struct mm_struct *mm, const user_nodemask_t *from, const user_nodemask_t *to_user)
{
	nodemask_t to = user_nodes_to_kernel(to_user), mems = node_states_memory();

	nodes_and(&to, &to, &mems);
	return nodes_empty(&to) ? -EINVAL : do_migrate_pages(mm, from, &to);
}

/* ---- move_pages ---- */

static int page_status(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (!vma || vma->vm_start > addr)
		return -EFAULT;
	return page_node_at(vma, ALIGN_DOWN(addr, PAGE_SIZE));
}

static int move_one_page(struct mm_struct *mm, unsigned long addr, int node, unsigned int flags)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (!vma || vma->vm_start > addr)
		return -EFAULT;
	return migrate_page_to_node(vma, ALIGN_DOWN(addr, PAGE_SIZE), node,
				    flags & MPOL_MF_MOVE_ALL ? MIGRATE_MOVE_ALL : 0);
}

long mpol_move_pages(struct mm_struct *mm, unsigned long nr_pages, const void __user *__user *pages,
		     const int __user *nodes, int __user *status, int flags)
{
	nodemask_t mems = node_states_memory();
	long err = 0;

	/*
	 * A chunk at a time: the caller's arrays are read before mmap_lock is
	 * taken and the statuses written after it is dropped, because an
	 * access to user memory may fault, and the fault takes mmap_lock of
	 * the caller's mm (this one, when pid is 0): for reading again
	 * behind a writer that queued meanwhile, a deadlock (found by the
	 * fuzzer). An error stops at its entry; the entries before it are
	 * done and their statuses stored, as Linux does.
	 */
	for (unsigned long i = 0; i < nr_pages && !err; i += MOVE_PAGES_CHUNK) {
		unsigned long addr[MOVE_PAGES_CHUNK];
		int node[MOVE_PAGES_CHUNK], st[MOVE_PAGES_CHUNK], n = 0;

		for (; n < MOVE_PAGES_CHUNK && i + n < nr_pages; n++) {
			err = -EFAULT;
			if (get_user(addr[n], (unsigned long __user *)pages + i + n))
				break;
			if (nodes) {
				if (get_user(node[n], nodes + i + n))
					break;
				err = -ENODEV;
				if (node[n] < 0 || node[n] >= MPOL_MAX_USER_NODES || !node_isset(node[n], &mems))
					break;
			}
			err = 0;
		}
		mmap_read_lock(mm);
		for (int k = 0; k < n; k++)
			st[k] = nodes ? move_one_page(mm, addr[k], node[k], flags) : page_status(mm, addr[k]);
		mmap_read_unlock(mm);
		for (int k = 0; k < n; k++)
			if (put_user(st[k], status + i + k)) {
				err = -EFAULT;
				break;
			}
		cond_resched();
	}
	return err;
}
