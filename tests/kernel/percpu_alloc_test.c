/*
 * tests/kernel/percpu_alloc_test.c - alloc_percpu(): each CPU's copy in its
 * own area on its own node, copies isolated from each other under
 * concurrent this_cpu_* updates, space reused after free_percpu, and NULL
 * when the space runs out.
 */
#include "kernel/selftest.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/lib/string.h"
#include "kernel/mm/page_alloc.h"

#define INC_ROUNDS	50000

static char out[2048];

struct counters {
	unsigned long hits;
	u32 small;
	u8 tiny;
};

static int node_of_phys(phys_addr_t pa)
{
	for_each_mem_region(r)
		if (pa >= r->base && pa < r->base + r->size)
			return r->nid;
	return -1;
}

SELFTEST(percpu_alloc, each_copy_in_its_cpus_area_and_node)
{
	unsigned long __percpu *p = alloc_percpu(unsigned long);
	int cpu, other;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for_each_possible_cpu(cpu) {
		unsigned long area = (unsigned long)__per_cpu_start + per_cpu_offset(cpu);
		unsigned long *mine = per_cpu_ptr(p, cpu);
		KUNIT_EXPECT_GE(test, (unsigned long)mine, area + percpu_dynamic_offset);
		KUNIT_EXPECT_LT(test, (unsigned long)mine, area + percpu_dynamic_offset + PERCPU_DYNAMIC_SIZE);
		KUNIT_EXPECT_EQ(test, node_of_phys(virt_to_phys(mine)), cpu_to_mem(cpu));
		KUNIT_EXPECT_EQ(test, *mine, 0);
		for_each_possible_cpu(other)
			if (other != cpu)
				KUNIT_EXPECT_NE(test, (unsigned long)mine, (unsigned long)per_cpu_ptr(p, other));
	}
	KUNIT_EXPECT_PTR_EQ(test, this_cpu_ptr(p), per_cpu_ptr(p, smp_processor_id()));
	free_percpu(p);
}

static void hammer(struct kunit *test, int cpu, void *arg)
{
	struct counters __percpu *c = arg;

	for (int i = 0; i < INC_ROUNDS; i++) {
		this_cpu_inc(c->hits);		/* one %gs-relative add, no lock */
		this_cpu_add(c->small, 3);
		this_cpu_write(c->tiny, (u8)cpu);
	}
	KUNIT_EXPECT_EQ(test, this_cpu_read(c->hits), INC_ROUNDS);
}

SELFTEST(percpu_alloc, copies_isolated_under_concurrent_updates)
{
	struct counters __percpu *c = alloc_percpu(struct counters);
	int cpu;

	KUNIT_ASSERT_NOT_NULL(test, c);
	test_on_each_cpu(test, hammer, c);
	for_each_possible_cpu(cpu) {
		struct counters *mine = per_cpu_ptr(c, cpu);
		bool online = cpu_online(cpu);
		KUNIT_EXPECT_EQ(test, mine->hits, online ? INC_ROUNDS : 0);
		KUNIT_EXPECT_EQ(test, mine->small, online ? 3 * INC_ROUNDS : 0);
		KUNIT_EXPECT_EQ(test, mine->tiny, online ? (u8)cpu : 0);
	}
	free_percpu(c);
}

SELFTEST(percpu_alloc, reuse_after_free_and_alignment)
{
	size_t used = percpu_bytes_used();
	void __percpu *a = __alloc_percpu(40, 8);
	void __percpu *b = __alloc_percpu(100, 64);
	void __percpu *c;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, (unsigned long)per_cpu_ptr(b, 0) % 64, 0);
	KUNIT_EXPECT_EQ(test, percpu_bytes_used(), used + 40 + 104);
	memset(per_cpu_ptr(a, 0), 0xee, 40);
	free_percpu(a);
	c = __alloc_percpu(40, 8);
	KUNIT_EXPECT_PTR_EQ(test, c, a);			/* the same hole */
	KUNIT_EXPECT_EQ(test, *(u8 *)per_cpu_ptr(c, 0), 0);	/* zeroed again */
	free_percpu(c);
	free_percpu(b);
	KUNIT_EXPECT_EQ(test, percpu_bytes_used(), used);
}

SELFTEST(percpu_alloc, out_of_space_returns_null)
{
	void __percpu *chunks[PERCPU_DYNAMIC_SIZE / 4096 + 1];
	int n = 0;

	KUNIT_EXPECT_NULL(test, __alloc_percpu(PERCPU_DYNAMIC_SIZE + 8, 8));
	while (n < (int)ARRAY_SIZE(chunks) && (chunks[n] = __alloc_percpu(4096, 8)))
		n++;
	KUNIT_EXPECT_LT(test, n, (int)ARRAY_SIZE(chunks));
	KUNIT_EXPECT_GT(test, n, 0);
	while (n > 0)
		free_percpu(chunks[--n]);
	chunks[0] = __alloc_percpu(4096, 8);
	KUNIT_ASSERT_NOT_NULL(test, chunks[0]);
	free_percpu(chunks[0]);
}

SELFTEST(percpu_alloc, bad_free_is_reported)
{
	size_t used = percpu_bytes_used();
	void __percpu *a = __alloc_percpu(64, 8);

	KUNIT_ASSERT_NOT_NULL(test, a);
	printk_capture_start(out, sizeof(out));
	free_percpu((char *)a + 8);		/* not the start of an allocation */
	printk_capture_stop();
	KUNIT_EXPECT_TRUE(test, strstr(out, "is not a per-CPU allocation") != NULL);
	free_percpu(a);
	KUNIT_EXPECT_EQ(test, percpu_bytes_used(), used);
}
