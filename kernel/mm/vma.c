/*
 * kernel/mm/vma.c - the VMA tree of an mm: an augmented red-black tree by
 * address plus a list in address order (see vma.h, docs/vma.md).
 *
 * Invariants (validate_mm() checks them all):
 *   - VMAs are page aligned, non-empty, sorted and never overlap;
 *   - the list mm->mmap holds the same VMAs as the tree, in tree order;
 *   - vma->rb_subtree_gap = max(vma_gap(vma), the children's rb_subtree_gap);
 *   - mm->map_count is the number of VMAs, mm->highest_vm_end the last end.
 *
 * Since a VMA's gap depends on its predecessor, linking or unlinking a VMA
 * changes the gap of the one after it too: both paths are recomputed.
 *
 * Every change runs with mmap_lock held for writing (asserted), so inside
 * the window where mm->mm_lock_seq is odd (kernel/mm/mmap_lock.h): a
 * lockless reader (the RCU fault path of the next step) can tell that the
 * tree moved under it. An unlinked VMA is freed by call_rcu(): such a
 * reader may still be looking at it. Lookups need mmap_lock held at all.
 */
#include "kernel/mm/vma.h"
#include "kernel/mm/internal.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/shmem.h"
#include "kernel/mm/slab.h"
#include "kernel/sync/rcupdate.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

static struct kmem_cache *vma_cachep;
static atomic_long_t vmas_live;		/* allocated and not yet freed (a test of the grace period reads it) */

long nr_vmas(void)
{
	return atomic_long_read(&vmas_live);
}

void vma_caches_init(void)
{
	vma_cachep = kmem_cache_create("vm_area_struct", sizeof(struct vm_area_struct), 8, 0, NULL);
	if (!vma_cachep)
		panic("mm: no memory for the VMA cache");
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = kmem_cache_zalloc(vma_cachep, GFP_KERNEL);

	if (vma) {
		vma->vm_mm = mm;
		RB_CLEAR_NODE(&vma->vm_rb);
		INIT_LIST_HEAD(&vma->vm_list);
		vma->vm_lock_seq = VMA_UNLOCKED;
		init_rwsem(&vma->vm_lock, "vma->vm_lock", LOCK_RANK_VMA_LOCK);
		atomic_set(&vma->vm_refcount, 1);	/* the tree's, or the creator's until linked */
		vma->vm_magic = VMA_MAGIC;
		atomic_long_inc(&vmas_live);
	}
	return vma;
}

struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *vma = vm_area_alloc(orig->vm_mm);

	if (!vma)
		return NULL;
	vma->vm_start = orig->vm_start;
	vma->vm_end = orig->vm_end;
	vma->vm_flags = orig->vm_flags;
	vma->vm_pgoff = orig->vm_pgoff;
	vma->vm_shared = orig->vm_shared;
	vma->vm_written = READ_ONCE(orig->vm_written);
	if (vma_dup_policy(orig, vma)) {
		kmem_cache_free(vma_cachep, vma);
		return NULL;
	}
	if (vma->vm_shared)
		anon_shared_get(vma->vm_shared);
	return vma;
}

void vm_area_free(struct vm_area_struct *vma)
{
	vma_free_policy(vma);
	if (vma->vm_shared)
		anon_shared_put(vma->vm_shared);
	vma->vm_magic = VMA_FREED;	/* a lockless fault still on it would see this */
	kmem_cache_free(vma_cachep, vma);
	atomic_long_dec(&vmas_live);
}

void get_vma(struct vm_area_struct *vma)
{
	atomic_inc(&vma->vm_refcount);
}

void put_vma(struct vm_area_struct *vma)
{
	if (atomic_dec_and_test(&vma->vm_refcount))
		vm_area_free(vma);
}

/* A grace period after the VMA left the tree: the tree's reference goes. */
static void vma_free_rcu_cb(struct rcu_head *head)
{
	put_vma(container_of(head, struct vm_area_struct, vm_rcu));
}

void vma_start_write(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned int section = READ_ONCE(mm->mm_lock_seq.sequence);

	mmap_assert_write_locked(mm);
	if (vma->vm_lock_seq == section)
		return;				/* already, in this write section */
	down_write(&vma->vm_lock);		/* vma_lock faults in flight on it finish first */
	WRITE_ONCE(vma->vm_lock_seq, section);
	/*
	 * The lockless faults' check: a fault that found this VMA before
	 * reads vm_seq again under the PTE lock of the PTE it installs, and
	 * every change that follows takes the PTE locks of the range (or
	 * mm->page_table_lock where no PTE table is), after this store: the
	 * lock orders the two (kernel/mm/vma_lookup.c).
	 */
	WRITE_ONCE(vma->vm_seq, vma->vm_seq + 1);
	up_write(&vma->vm_lock);
}

void vma_free_rcu(struct vm_area_struct *vma)
{
	if (!RB_EMPTY_NODE(&vma->vm_rb))
		panic("mm: freeing VMA %#lx-%#lx still in the tree", vma->vm_start, vma->vm_end);
	call_rcu(&vma->vm_rcu, vma_free_rcu_cb);
}

/* ---- neighbours ---- */

struct vm_area_struct *vma_prev(struct mm_struct *mm, struct vm_area_struct *vma)
{
	return vma->vm_list.prev == &mm->mmap ? NULL : list_entry(vma->vm_list.prev, struct vm_area_struct, vm_list);
}

struct vm_area_struct *vma_next(struct mm_struct *mm, struct vm_area_struct *vma)
{
	return vma->vm_list.next == &mm->mmap ? NULL : list_entry(vma->vm_list.next, struct vm_area_struct, vm_list);
}

/* ---- the gap augmentation ---- */

static unsigned long vma_gap(struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma_prev(vma->vm_mm, vma);

	return vma->vm_start - (prev ? prev->vm_end : 0);
}

static struct vm_area_struct *rb_vma(struct rb_node *n)
{
	return rb_entry_safe(n, struct vm_area_struct, vm_rb);
}

static unsigned long compute_subtree_gap(struct vm_area_struct *vma)
{
	unsigned long gap = vma_gap(vma);
	struct vm_area_struct *l = rb_vma(vma->vm_rb.left), *r = rb_vma(vma->vm_rb.right);

	if (l && l->rb_subtree_gap > gap)
		gap = l->rb_subtree_gap;
	if (r && r->rb_subtree_gap > gap)
		gap = r->rb_subtree_gap;
	return gap;
}

static void gap_propagate(struct rb_node *n, struct rb_node *stop)
{
	for (; n && n != stop; n = n->parent) {
		struct vm_area_struct *vma = rb_vma(n);
		vma->rb_subtree_gap = compute_subtree_gap(vma);
	}
}

static void gap_rotate(struct rb_node *old, struct rb_node *new)
{
	rb_vma(new)->rb_subtree_gap = rb_vma(old)->rb_subtree_gap;
	rb_vma(old)->rb_subtree_gap = compute_subtree_gap(rb_vma(old));
}

static const struct rb_augment_callbacks vma_gap_callbacks = {
	.propagate = gap_propagate,
	.rotate = gap_rotate,
};

static void update_highest(struct mm_struct *mm)
{
	struct vm_area_struct *last = list_empty(&mm->mmap) ? NULL :
		list_last_entry(&mm->mmap, struct vm_area_struct, vm_list);

	mm->highest_vm_end = last ? last->vm_end : 0;
}

/* ---- linking ---- */

void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct rb_node **link = &mm->mm_rb.node, *parent = NULL;
	struct vm_area_struct *prev = NULL, *next;

	mmap_assert_write_locked(mm);
	while (*link) {
		struct vm_area_struct *v = rb_vma(*link);
		parent = *link;
		if (vma->vm_start < v->vm_start) {
			link = &parent->left;
		} else {
			prev = v;
			link = &parent->right;
		}
	}
	vma->vm_detached = false;
	list_add(&vma->vm_list, prev ? &prev->vm_list : &mm->mmap);
	rb_link_node(&vma->vm_rb, parent, link);
	rb_insert_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
	next = vma_next(mm, vma);
	if (next)
		gap_propagate(&next->vm_rb, NULL);	/* its gap shrank */
	mm->map_count++;
	update_highest(mm);
	if (vma->vm_shared)
		anon_shared_vma_link(vma);	/* its object's mappers: rmap, per-VMA policy references */
}

void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma_next(mm, vma);

	mmap_assert_write_locked(mm);
	vma_start_write(vma);
	WRITE_ONCE(vma->vm_detached, true);	/* before it leaves: a lookup that still reaches it sees this */
	if (vma->vm_shared)
		anon_shared_vma_unlink(vma);
	rb_erase_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
	list_del(&vma->vm_list);
	INIT_LIST_HEAD(&vma->vm_list);
	if (next)
		gap_propagate(&next->vm_rb, NULL);	/* its gap grew */
	mm->map_count--;
	update_highest(mm);
}

/*
 * Moves vma's bounds without changing the order of the VMAs: the gaps of
 * vma and of its successor change, so both paths are recomputed.
 */
void vma_set_range(struct vm_area_struct *vma, unsigned long start, unsigned long end, unsigned long pgoff)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *next = vma_next(mm, vma);

	mmap_assert_write_locked(mm);
	vma_start_write(vma);
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_pgoff = pgoff;
	gap_propagate(&vma->vm_rb, NULL);
	if (next)
		gap_propagate(&next->vm_rb, NULL);
	update_highest(mm);
}

struct vm_area_struct *split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *upper = vm_area_dup(vma);

	if (!upper)
		return NULL;
	upper->vm_start = addr;
	upper->vm_pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	vma_set_range(vma, vma->vm_start, addr, vma->vm_pgoff);
	vma_link(mm, upper);
	return upper;
}

/* Can b directly follow a as one VMA? Same rights and hints, same backing and policy, contiguous. */
static bool can_merge(struct vm_area_struct *a, struct vm_area_struct *b)
{
	if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags || a->vm_shared != b->vm_shared ||
	    !mpol_equal(a->vm_policy, b->vm_policy))
		return false;
	return !a->vm_shared || a->vm_pgoff + vma_pages(a) == b->vm_pgoff;
}

struct vm_area_struct *vma_merge(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma_prev(mm, vma), *next = vma_next(mm, vma);

	if (next && can_merge(vma, next)) {
		unsigned long end = next->vm_end;
		if (READ_ONCE(next->vm_written))
			WRITE_ONCE(vma->vm_written, true);
		vma_unlink(mm, next);
		vma_free_rcu(next);
		vma_set_range(vma, vma->vm_start, end, vma->vm_pgoff);
	}
	if (prev && can_merge(prev, vma)) {
		unsigned long end = vma->vm_end;
		if (READ_ONCE(vma->vm_written))
			WRITE_ONCE(prev->vm_written, true);
		vma_unlink(mm, vma);
		vma_free_rcu(vma);
		vma_set_range(prev, prev->vm_start, end, prev->vm_pgoff);
		vma = prev;
	}
	return vma;
}

/* ---- lookups ---- */

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct rb_node *n = mm->mm_rb.node;
	struct vm_area_struct *found = NULL;

	mmap_assert_locked(mm);
	while (n) {
		struct vm_area_struct *v = rb_vma(n);
		if (v->vm_end > addr) {
			found = v;
			if (v->vm_start <= addr)
				break;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return found;
}

#define LOCKLESS_WALK_MAX	128	/* steps: twice the height of any tree of 2^63 nodes, plus room */

struct vm_area_struct *find_vma_lockless(struct mm_struct *mm, unsigned long addr)
{
	struct rb_node *n = READ_ONCE(mm->mm_rb.node);
	struct vm_area_struct *found = NULL;

	for (int steps = 0; n && steps < LOCKLESS_WALK_MAX; steps++) {
		struct vm_area_struct *v = rb_vma(n);
		if (READ_ONCE(v->vm_end) > addr) {
			found = v;
			if (READ_ONCE(v->vm_start) <= addr)
				break;
			n = READ_ONCE(n->left);
		} else {
			n = READ_ONCE(n->right);
		}
	}
	return found;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return vma && vma->vm_start < end ? vma : NULL;
}

/*
 * The highest gap of n's subtree that holds len bytes inside [low, high).
 * Right (higher) subtrees first; a subtree whose largest gap is too small
 * is skipped whole, which keeps the search logarithmic. Returns the start
 * of the range found, or 0.
 */
static unsigned long gap_search(struct mm_struct *mm, struct rb_node *n, unsigned long len,
				unsigned long low, unsigned long high)
{
	struct vm_area_struct *vma, *prev;
	unsigned long gap_start, start, end, found;

	if (!n || rb_vma(n)->rb_subtree_gap < len)
		return 0;
	vma = rb_vma(n);
	prev = vma_prev(mm, vma);
	gap_start = prev ? prev->vm_end : 0;
	if (gap_start < high) {		/* else the right subtree and this gap lie above high */
		found = gap_search(mm, n->right, len, low, high);
		if (found)
			return found;
		start = max(gap_start, low);
		end = min(vma->vm_start, high);
		if (end > start && end - start >= len)
			return end - len;
	}
	if (gap_start <= low)		/* the left subtree lies below low */
		return 0;
	return gap_search(mm, n->left, len, low, high);
}

long unmapped_area_topdown(struct mm_struct *mm, unsigned long len, unsigned long low, unsigned long high)
{
	unsigned long start = max(mm->highest_vm_end, low), found;

	mmap_assert_locked(mm);
	if (high <= low || len > high - low)
		return -ENOMEM;
	/* above the last VMA first: that gap is in no node */
	if (high > start && high - start >= len)
		return high - len;
	found = gap_search(mm, mm->mm_rb.node, len, low, high);
	return found ? (long)found : -ENOMEM;
}

/* ---- checking ---- */

static unsigned long check_subtree(struct mm_struct *mm, struct rb_node *n, int *bad)
{
	struct vm_area_struct *vma = rb_vma(n);
	unsigned long gap;

	if (!n)
		return 0;
	gap = vma_gap(vma);
	gap = max(gap, check_subtree(mm, n->left, bad));
	gap = max(gap, check_subtree(mm, n->right, bad));
	if (gap != vma->rb_subtree_gap) {
		pr_err("mm: VMA %#lx-%#lx has rb_subtree_gap %#lx, recomputed %#lx\n",
		       vma->vm_start, vma->vm_end, vma->rb_subtree_gap, gap);
		(*bad)++;
	}
	return gap;
}

int validate_mm(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *prev = NULL;
	struct rb_node *n = rb_first(&mm->mm_rb);
	int bad = 0, count = 0;

	mmap_assert_locked(mm);
	if (rb_verify(&mm->mm_rb) < 0)
		bad++;
	for_each_vma(mm, vma) {
		if (&vma->vm_rb != n) {
			pr_err("mm: list and tree disagree at VMA %#lx-%#lx\n", vma->vm_start, vma->vm_end);
			bad++;
			break;
		}
		n = rb_next(n);
		if (vma->vm_start >= vma->vm_end || !IS_ALIGNED(vma->vm_start | vma->vm_end, PAGE_SIZE) ||
		    vma->vm_mm != mm) {
			pr_err("mm: bad VMA %#lx-%#lx\n", vma->vm_start, vma->vm_end);
			bad++;
		}
		if (prev && prev->vm_end > vma->vm_start) {
			pr_err("mm: VMAs %#lx-%#lx and %#lx-%#lx overlap or are out of order\n",
			       prev->vm_start, prev->vm_end, vma->vm_start, vma->vm_end);
			bad++;
		}
		prev = vma;
		count++;
	}
	if (n) {
		pr_err("mm: the tree has VMAs the list lacks\n");
		bad++;
	}
	if (count != mm->map_count) {
		pr_err("mm: map_count %d, %d VMAs\n", mm->map_count, count);
		bad++;
	}
	if (mm->highest_vm_end != (prev ? prev->vm_end : 0)) {
		pr_err("mm: highest_vm_end %#lx, last VMA ends at %#lx\n", mm->highest_vm_end, prev ? prev->vm_end : 0);
		bad++;
	}
	check_subtree(mm, mm->mm_rb.node, &bad);
	return bad;
}
