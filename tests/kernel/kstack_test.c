/*
 * tests/kernel/kstack_test.c - kernel stacks: mapped on the node asked
 * for, an unmapped guard below, unmapped and given back when freed, and an
 * overflow that ends in an oops saying "stack overflow" which the test
 * framework survives.
 */
#include "kernel/selftest.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kstack.h"
#include "kernel/mm/page_alloc.h"
#include "arch/x86_64/cpu.h"

#define CAPTURE_SIZE 8192

static char out[CAPTURE_SIZE];

static bool mapped(unsigned long va)
{
	return kernel_pte(va, NULL) & PTE_PRESENT;
}

SELFTEST(kstack, mapped_above_an_unmapped_guard)
{
	unsigned long top = (unsigned long)kstack_alloc(NUMA_NO_NODE);
	int live = kstack_count();

	KUNIT_ASSERT_NE(test, top, 0);
	KUNIT_EXPECT_EQ(test, top % 16, 0);
	for (unsigned long va = top - KSTACK_SIZE; va < top; va += PAGE_SIZE) {
		u64 pte = kernel_pte(va, NULL);
		KUNIT_EXPECT_TRUE(test, (pte & PTE_PRESENT) && (pte & PTE_WRITE) && (pte & PTE_NX));
	}
	for (unsigned long va = top - KSTACK_SLOT_SIZE; va < top - KSTACK_SIZE; va += PAGE_SIZE)
		KUNIT_EXPECT_FALSE(test, mapped(va));
	memset((void *)(top - KSTACK_SIZE), 0x5a, KSTACK_SIZE);	/* all of it is usable */
	KUNIT_EXPECT_TRUE(test, kstack_guard_hit(top - KSTACK_SIZE - 1));
	KUNIT_EXPECT_TRUE(test, kstack_guard_hit(top - KSTACK_SLOT_SIZE));
	KUNIT_EXPECT_FALSE(test, kstack_guard_hit(top - KSTACK_SIZE));
	KUNIT_EXPECT_FALSE(test, kstack_guard_hit(top - 8));
	kstack_free((void *)top);
	KUNIT_EXPECT_EQ(test, kstack_count(), live - 1);
	for (unsigned long va = top - KSTACK_SIZE; va < top; va += PAGE_SIZE)
		KUNIT_EXPECT_FALSE(test, mapped(va));
}

SELFTEST(kstack, pages_on_requested_node)
{
	int nid;

	for_each_online_node(nid) {
		unsigned long top = (unsigned long)kstack_alloc(nid);
		KUNIT_ASSERT_NE(test, top, 0);
		for (unsigned long va = top - KSTACK_SIZE; va < top; va += PAGE_SIZE) {
			phys_addr_t pa = kernel_pte(va, NULL) & PTE_ADDR_MASK;
			KUNIT_EXPECT_EQ(test, page_to_nid(phys_to_page(pa)), numa_nearest_memory_node(nid));
		}
		kstack_free((void *)top);
	}
}

SELFTEST(kstack, free_gives_pages_back)
{
	unsigned long free = nr_free_pages();
	void *tops[8];

	for (int i = 0; i < 8; i++) {
		tops[i] = kstack_alloc(NUMA_NO_NODE);
		KUNIT_ASSERT_NOT_NULL(test, tops[i]);
	}
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free - 8 * (KSTACK_SIZE / PAGE_SIZE));
	for (int i = 0; i < 8; i++)
		kstack_free(tops[i]);
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free);
}

/* With interrupts off there can be no TLB-flush IPI: the free waits for the next purge. */
SELFTEST(kstack, free_with_interrupts_off_is_deferred)
{
	unsigned long top = (unsigned long)kstack_alloc(NUMA_NO_NODE);
	unsigned long free;

	KUNIT_ASSERT_NE(test, top, 0);
	free = nr_free_pages();
	local_irq_disable();
	kstack_free((void *)top);
	local_irq_enable();
	KUNIT_EXPECT_TRUE(test, mapped(top - PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free);
	kstack_free(NULL);
	kstack_purge();
	KUNIT_EXPECT_FALSE(test, mapped(top - PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, nr_free_pages(), free + KSTACK_SIZE / PAGE_SIZE);
}

SELFTEST(kstack, bad_free_is_reported)
{
	int live = kstack_count();

	printk_capture_start(out, sizeof(out));
	kstack_free((void *)(KSTACK_AREA_BASE + 12345));
	printk_capture_stop();
	KUNIT_EXPECT_TRUE(test, strstr(out, "is not the top of a live kernel stack") != NULL);
	KUNIT_EXPECT_EQ(test, kstack_count(), live);
}

static void where_am_i(void *arg)
{
	volatile int local;

	*(unsigned long *)arg = (unsigned long)&local;
}

SELFTEST(kstack, call_on_stack_runs_there)
{
	unsigned long top = (unsigned long)kstack_alloc(NUMA_NO_NODE), where = 0;

	KUNIT_ASSERT_NE(test, top, 0);
	call_on_stack(where_am_i, &where, (void *)top);
	KUNIT_EXPECT_GT(test, where, top - KSTACK_SIZE);
	KUNIT_EXPECT_LT(test, where, top);
	kstack_free((void *)top);
}

/* ---- overflow ---- */

static unsigned long deepest;

static int __noinline recurse(int depth)
{
	volatile char frame[512];

	if (depth > 1000000)			/* never: 16 KiB run out long before */
		return 0;
	frame[0] = depth;
	deepest = (unsigned long)frame;
	return recurse(depth + 1) + frame[0];	/* not a tail call: every frame stays */
}

static void run_recursion(void *unused)
{
	recurse(0);
}

static void inner_overflow(struct kunit *test)
{
	void *top = kstack_alloc(NUMA_NO_NODE);

	KUNIT_ASSERT_NOT_NULL(test, top);
	call_on_stack(run_recursion, NULL, top);	/* never returns: the oops ends the test */
}

static const struct selftest t_overflow = { "inner", "overflow", inner_overflow };

static void count_cpu(void *arg)
{
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_SEQ_CST);
}

SELFTEST(kstack, overflow_is_reported_not_silent)
{
	struct selftest_result r;
	int live = kstack_count(), after = 0;
	void *top;

	console_printf("    # the next oops (stack overflow) is deliberate\n");
	selftest_run_one_captured(&t_overflow, &r, out, sizeof(out));
	KUNIT_EXPECT_FALSE(test, r.passed);
	KUNIT_EXPECT_TRUE(test, strstr(out, "Oops: stack overflow") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "kernel stack overflow:") != NULL);
	KUNIT_EXPECT_TRUE(test, kstack_guard_hit(deepest - 600) || kstack_guard_hit(deepest - 1));
	KUNIT_EXPECT_TRUE(test, strstr(out, "not ok 1 overflow") != NULL);
	/* the overflowed stack is still allocated: find it by its guard and free it */
	top = (void *)(ALIGN_DOWN(deepest, KSTACK_SLOT_SIZE) + KSTACK_SLOT_SIZE);
	kstack_free(top);
	KUNIT_EXPECT_EQ(test, kstack_count(), live);
	on_each_cpu(count_cpu, &after, true);			/* every CPU still answers */
	KUNIT_EXPECT_EQ(test, after, num_online_cpus());
	top = kstack_alloc(NUMA_NO_NODE);			/* and stacks still work */
	KUNIT_ASSERT_NOT_NULL(test, top);
	kstack_free(top);
	if (atomic_read(&test->failures))
		console_printf("%s", out);
}
