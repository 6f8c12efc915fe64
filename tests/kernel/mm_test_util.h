/*
 * tests/kernel/mm_test_util.h - helpers for the address-space tests.
 *
 * These tests exercise user memory from kernel threads that adopt a test
 * mm (kthread_use_mm) and touch its addresses directly, with no user
 * program in the way (the usertest_* programs test it from user mode):
 * a fault on a user address goes to handle_user_fault(), which faults the
 * page in or refuses. probe_read()/probe_write() make a refused access
 * visible: they carry an exception-table entry, so a fault that the mm
 * cannot resolve resumes at the fixup with -EFAULT instead of oopsing.
 *
 * SMAP is on: the kernel may touch user pages only between stac and clac
 * (test_user_begin/end); the probes do it themselves.
 *
 * run_in_mm() runs fn on a fresh kernel thread bound to cpu with mm
 * loaded, and unloads it after: the test's own task may migrate between
 * CPUs, a bound thread cannot. Use KUNIT_EXPECT_* there (not ASSERT: the
 * test's recovery point belongs to the test's own task).
 */
#ifndef TESTS_KERNEL_MM_TEST_UTIL_H
#define TESTS_KERNEL_MM_TEST_UTIL_H

#include "kernel/selftest.h"
#include "kernel/errno.h"
#include "kernel/mm/vma.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/task.h"
#include "kernel/sync/rcupdate.h"

/* The mmap arguments the tests use most. */
#define RW		(PROT_READ | PROT_WRITE)
#define PRIV		(MAP_PRIVATE | MAP_ANONYMOUS)
#define SHARED		(MAP_SHARED | MAP_ANONYMOUS)

static inline void test_user_begin(void) { __asm__ __volatile__("stac" ::: "memory"); }
static inline void test_user_end(void) { __asm__ __volatile__("clac" ::: "memory"); }

static inline int probe_read(unsigned long addr, unsigned long *val)
{
	unsigned long v = 0;
	int err = 0;

	__asm__ __volatile__("stac\n"
			     "1: movq (%[a]), %[v]\n"
			     "2: clac\n"
			     ".pushsection .text.fixup, \"ax\"\n"
			     "3: movl $-14, %[e]\n"
			     "   jmp 2b\n"
			     ".popsection\n"
			     ".pushsection __ex_table, \"a\"\n"
			     ".balign 8\n"
			     ".quad 1b, 3b\n"
			     ".popsection\n"
			     : [v] "+r"(v), [e] "+r"(err) : [a] "r"(addr) : "memory");
	*val = v;
	return err;
}

static inline int probe_write(unsigned long addr, unsigned long val)
{
	int err = 0;

	__asm__ __volatile__("stac\n"
			     "1: movq %[v], (%[a])\n"
			     "2: clac\n"
			     ".pushsection .text.fixup, \"ax\"\n"
			     "3: movl $-14, %[e]\n"
			     "   jmp 2b\n"
			     ".popsection\n"
			     ".pushsection __ex_table, \"a\"\n"
			     ".balign 8\n"
			     ".quad 1b, 3b\n"
			     ".popsection\n"
			     : [e] "+r"(err) : [a] "r"(addr), [v] "r"(val) : "memory");
	return err;
}

struct mm_call {
	struct kunit *test;
	struct mm_struct *mm;
	void (*fn)(struct mm_call *c);
	void *arg;
};

static int mm_call_thread(void *data)
{
	struct mm_call *c = data;

	kthread_use_mm(c->mm);
	c->fn(c);
	kthread_unuse_mm(c->mm);
	return 0;
}

static inline void run_in_mm(struct kunit *test, struct mm_struct *mm, int cpu,
			     void (*fn)(struct mm_call *c), void *arg)
{
	struct mm_call c = { test, mm, fn, arg };
	struct task *t = kthread_create(mm_call_thread, &c, "mmtest/%d", cpu);

	if (!t) {
		KUNIT_FAIL(test, "cannot create a thread");
		return;
	}
	kthread_bind(t, cpu);
	wake_up_process(t);
	kthread_stop(t);
}

/* Drops the mm and waits for the VMAs it freed through RCU (for the leak check). */
static inline void mm_release(struct mm_struct *mm)
{
	mmput(mm);
	rcu_barrier();
}

static inline int count_vmas(struct mm_struct *mm)
{
	return mm->map_count;
}

/*
 * The tree's readers, under mmap_lock as their contract asks. The test's
 * mm is its own, so the VMA returned stays valid after the unlock.
 */
static inline struct vm_area_struct *vma_at(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	mmap_read_unlock(mm);
	return vma;
}

static inline struct vm_area_struct *vma_in(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma_intersection(mm, start, end);
	mmap_read_unlock(mm);
	return vma;
}

static inline int check_mm(struct mm_struct *mm)
{
	int bad;

	mmap_read_lock(mm);
	bad = validate_mm(mm);
	mmap_read_unlock(mm);
	return bad;
}

#endif
