/*
 * tests/kernel/migrate_test.c - page migration (kernel/mm/migrate.c)
 * while the page is in use: a private page, a page of a shared object
 * mapped by two address spaces, and a copy-on-write page, moved back and
 * forth between two nodes while writers on other CPUs keep incrementing
 * a counter in it through their mappings. No increment may be lost (one
 * written to the old page after the copy would be), every mapping must
 * end on the same page, and the page count must come out right (the
 * suite's leak check). Skipped on machines with one node with memory.
 */
#include "tests/kernel/mm_test_util.h"
#include "kernel/mm/migrate.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/smp.h"

#define BASE		0x50000000UL
#define RW		(PROT_READ | PROT_WRITE)
#define MIGRATIONS	60	/* moves of the page in each race */
#define WRITES		6000	/* increments by each writer */

struct writer {
	struct mm_struct *mm;
	unsigned long addr;
	struct task *t;
	int faults;			/* probes that failed: must stay 0 */
};

static int writer_thread(void *data)
{
	struct writer *w = data;

	kthread_use_mm(w->mm);
	for (int i = 0; i < WRITES; i++) {
		unsigned long v;
		if (probe_read(w->addr, &v) || probe_write(w->addr, v + 1))
			w->faults++;
		if (i % 16 == 0)
			cond_resched();
	}
	kthread_unuse_mm(w->mm);
	return 0;
}

static void start_writer(struct writer *w, int cpu)
{
	w->t = kthread_create(writer_thread, w, "migwriter/%d", cpu);
	if (!w->t)
		return;
	kthread_bind(w->t, cpu);
	wake_up_process(w->t);
}

static int other_cpu(int n)
{
	return (smp_processor_id() + n) % num_online_cpus();
}

static void two_nodes(struct kunit *test, int *a, int *b)
{
	nodemask_t mems = node_states_memory();

	if (nodes_weight(&mems) < 2)
		kunit_skip(test, "needs two nodes with memory");
	*a = first_node(&mems);
	*b = nth_node(1, &mems);
}

/* Moves the page at addr of mm to the other of a and b, again and again; returns how many moves happened. */
static int shuttle(struct mm_struct *mm, unsigned long addr, int a, int b, unsigned int flags)
{
	int moved = 0;

	for (int m = 0; m < MIGRATIONS; m++) {
		struct vm_area_struct *vma;
		int cur, to;

		mmap_read_lock(mm);
		vma = find_vma(mm, addr);
		cur = page_node_at(vma, addr);
		to = cur == a ? b : a;
		if (migrate_page_to_node(vma, addr, to, flags) == to)
			moved++;
		mmap_read_unlock(mm);
		msleep(1);
	}
	return moved;
}

static unsigned long read_word(struct mm_struct *mm, unsigned long addr)
{
	unsigned long v = 0;

	access_remote_vm(mm, addr, &v, sizeof(v), false);
	return v;
}

static int node_in(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int nid;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	nid = page_node_at(vma, addr);
	mmap_read_unlock(mm);
	return nid;
}

SELFTEST(migrate, private_page_while_written)
{
	struct writer w = { .addr = BASE };
	struct mm_struct *mm;
	int a, b, moved;

	two_nodes(test, &a, &b);
	mm = w.mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, mm);
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE, PAGE_SIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
				      MAP_POPULATE, 0), BASE);
	start_writer(&w, other_cpu(1));
	KUNIT_ASSERT_NOT_NULL(test, w.t);
	moved = shuttle(mm, BASE, a, b, 0);
	kthread_stop(w.t);
	KUNIT_EXPECT_GT(test, moved, 0);
	KUNIT_EXPECT_EQ(test, w.faults, 0);
	KUNIT_EXPECT_EQ(test, read_word(mm, BASE), WRITES);
	mm_release(mm);
}

SELFTEST(migrate, shared_page_under_two_mms_while_written)
{
	struct writer w1 = { .addr = BASE }, w2 = { .addr = BASE + 8 };
	struct mm_struct *mm, *other;
	int a, b, moved;

	two_nodes(test, &a, &b);
	mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, mm);
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE, PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED |
				      MAP_POPULATE, 0), BASE);
	other = dup_mm(mm);
	KUNIT_ASSERT_NOT_NULL(test, other);
	w1.mm = mm;
	w2.mm = other;
	start_writer(&w1, other_cpu(1));
	start_writer(&w2, other_cpu(2));
	KUNIT_ASSERT_TRUE(test, w1.t && w2.t);
	moved = shuttle(mm, BASE, a, b, 0);
	KUNIT_EXPECT_EQ(test, moved, 0);	/* two mappings: not MOVE's to move */
	moved = shuttle(mm, BASE, a, b, MIGRATE_MOVE_ALL);
	kthread_stop(w1.t);
	kthread_stop(w2.t);
	KUNIT_EXPECT_GT(test, moved, 0);
	KUNIT_EXPECT_EQ(test, w1.faults + w2.faults, 0);
	KUNIT_EXPECT_EQ(test, read_word(mm, BASE), WRITES);
	KUNIT_EXPECT_EQ(test, read_word(other, BASE + 8), WRITES);
	KUNIT_EXPECT_EQ(test, read_word(other, BASE), WRITES);	/* one page, both views */
	KUNIT_EXPECT_EQ(test, node_in(mm, BASE), node_in(other, BASE));
	mm_release(other);
	mm_release(mm);
}

SELFTEST(migrate, copy_on_write_page_moves_under_both)
{
	unsigned long v = 0x5eed, w = 0;
	struct mm_struct *mm, *child;
	struct vm_area_struct *vma;
	int a, b, from;

	two_nodes(test, &a, &b);
	mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, mm);
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE, PAGE_SIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0), BASE);
	KUNIT_ASSERT_EQ(test, access_remote_vm(mm, BASE, &v, sizeof(v), true), sizeof(v));
	child = dup_mm(mm);
	KUNIT_ASSERT_NOT_NULL(test, child);
	from = node_in(mm, BASE);
	mmap_read_lock(child);
	vma = find_vma(child, BASE);
	KUNIT_EXPECT_EQ(test, migrate_page_to_node(vma, BASE, from == a ? b : a, 0), -EACCES);
	KUNIT_EXPECT_EQ(test, migrate_page_to_node(vma, BASE, b, MIGRATE_MOVE_ALL), b);
	KUNIT_EXPECT_EQ(test, migrate_page_to_node(vma, BASE, a, MIGRATE_MOVE_ALL), a);
	mmap_read_unlock(child);
	KUNIT_EXPECT_EQ(test, node_in(mm, BASE), a);		/* the parent's mapping moved too */
	KUNIT_EXPECT_EQ(test, read_word(mm, BASE), 0x5eed);
	w = 0xc0;
	access_remote_vm(child, BASE, &w, sizeof(w), true);	/* copy-on-write still separates them */
	KUNIT_EXPECT_EQ(test, read_word(mm, BASE), 0x5eed);
	KUNIT_EXPECT_EQ(test, read_word(child, BASE), 0xc0);
	mm_release(child);
	mm_release(mm);
}
