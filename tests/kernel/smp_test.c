/*
 * tests/kernel/smp_test.c - per-CPU data, IPIs and timer ticks, checked on
 * every online CPU at once.
 */
#include "kernel/selftest.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/mm/numa.h"
#include "kernel/mm/memblock.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/paging.h"

#define PERCPU_INC_ROUNDS	100000	/* this_cpu_inc per CPU in the race test */
#define IPI_STORM_CALLS		1500	/* synchronous IPIs in the storm, all CPUs together */
#define TICK_WAIT_MS		60	/* at HZ=100, several ticks */

static DEFINE_PER_CPU(unsigned long, test_counter);
static DEFINE_PER_CPU(int, test_owner);

/* ---- per-CPU data ---- */

static void percpu_identity(struct kunit *test, int cpu, void *arg)
{
	KUNIT_EXPECT_EQ(test, smp_processor_id(), cpu);
	KUNIT_EXPECT_EQ(test, this_cpu_read(this_cpu_off), per_cpu_offset(cpu));
	KUNIT_EXPECT_EQ(test, rdmsr(MSR_GS_BASE), per_cpu_offset(cpu));
	KUNIT_EXPECT_PTR_EQ(test, this_cpu_ptr(&test_owner), per_cpu_ptr(&test_owner, cpu));
	KUNIT_EXPECT_EQ(test, lapic_id(), cpu_apic_id[cpu]);
}

SELFTEST(percpu, identity_on_every_cpu)
{
	test_on_each_cpu(test, percpu_identity, NULL);
}

static void percpu_write_own(struct kunit *test, int cpu, void *arg)
{
	this_cpu_write(test_owner, cpu * 7 + 1);
}

SELFTEST(percpu, copies_are_separate)
{
	int cpu;

	test_on_each_cpu(test, percpu_write_own, NULL);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ(test, per_cpu(test_owner, cpu), cpu * 7 + 1);
}

static void percpu_inc_race(struct kunit *test, int cpu, void *arg)
{
	for (int i = 0; i < PERCPU_INC_ROUNDS; i++)
		this_cpu_inc(test_counter);	/* no lock: each CPU owns its copy */
}

SELFTEST(percpu, concurrent_increments_exact)
{
	int cpu;

	for_each_online_cpu(cpu)
		per_cpu(test_counter, cpu) = 0;
	test_on_each_cpu(test, percpu_inc_race, NULL);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ(test, per_cpu(test_counter, cpu), PERCPU_INC_ROUNDS);
}

SELFTEST(percpu, areas_on_own_node)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		phys_addr_t pa = virt_to_phys(per_cpu_ptr(&test_owner, cpu));
		int want = numa_nearest_memory_node(cpu_to_node(cpu)), got = -1;
		for_each_mem_region(r)
			if (pa >= r->base && pa < r->base + r->size)
				got = r->nid;
		KUNIT_EXPECT_EQ(test, got, want);
	}
}

static DEFINE_PER_CPU(u8, test_u8);
static DEFINE_PER_CPU(u16, test_u16);
static DEFINE_PER_CPU(u32, test_u32);

/* Every operand size takes the same %gs-relative path, and wraps like C. */
SELFTEST(percpu, every_operand_size)
{
	this_cpu_write(test_u8, 250);
	this_cpu_add(test_u8, 10);
	KUNIT_EXPECT_EQ(test, this_cpu_read(test_u8), 4);
	this_cpu_write(test_u16, 65535);
	this_cpu_inc(test_u16);
	KUNIT_EXPECT_EQ(test, this_cpu_read(test_u16), 0);
	this_cpu_write(test_u32, 7);
	this_cpu_sub(test_u32, 9);
	KUNIT_EXPECT_EQ(test, this_cpu_read(test_u32), 0xfffffffeU);
	this_cpu_write(test_counter, 1UL << 40);
	this_cpu_dec(test_counter);
	KUNIT_EXPECT_EQ(test, this_cpu_read(test_counter), (1UL << 40) - 1);
	KUNIT_EXPECT_EQ(test, per_cpu(test_u32, smp_processor_id()), 0xfffffffeU);
}

/* ---- IPIs ---- */

struct ipi_record {
	int ran_on[MAX_CPUS];
	int count;
};

static void record_cpu(void *arg)
{
	struct ipi_record *r = arg;

	__atomic_add_fetch(&r->ran_on[smp_processor_id()], 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&r->count, 1, __ATOMIC_SEQ_CST);
}

SELFTEST(ipi, call_single_runs_on_target)
{
	int cpu;

	for_each_online_cpu(cpu) {
		struct ipi_record r = { 0 };
		KUNIT_EXPECT_EQ(test, smp_call_function_single(cpu, record_cpu, &r, true), 0);
		KUNIT_EXPECT_EQ(test, r.ran_on[cpu], 1);
		KUNIT_EXPECT_EQ(test, r.count, 1);
	}
}

SELFTEST(ipi, call_single_rejects_offline_cpu)
{
	struct ipi_record r = { 0 };

	KUNIT_EXPECT_EQ(test, smp_call_function_single(-1, record_cpu, &r, true), -ENXIO);
	if (nr_cpu_ids < MAX_CPUS)
		KUNIT_EXPECT_EQ(test, smp_call_function_single(nr_cpu_ids, record_cpu, &r, true), -ENXIO);
	KUNIT_EXPECT_EQ(test, r.count, 0);
}

SELFTEST(ipi, call_many_runs_once_on_each_other_cpu)
{
	struct ipi_record r = { 0 };
	int cpu, self = smp_processor_id();

	smp_call_function_many(&cpu_online_mask, record_cpu, &r, true);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ(test, r.ran_on[cpu], cpu == self ? 0 : 1);
	KUNIT_EXPECT_EQ(test, r.count, num_online_cpus() - 1);
}

SELFTEST(ipi, on_each_cpu_includes_self)
{
	struct ipi_record r = { 0 };
	int cpu;

	on_each_cpu(record_cpu, &r, true);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ(test, r.ran_on[cpu], 1);
}

SELFTEST(ipi, async_calls_all_complete)
{
	struct ipi_record r = { 0 };
	int cpu, sent = 0;
	u64 deadline;

	for (int round = 0; round < 10; round++)
		for_each_online_cpu(cpu)
			if (cpu != smp_processor_id()) {
				smp_call_function_single(cpu, record_cpu, &r, false);
				sent++;
			}
	deadline = ktime_get_ns() + NSEC_PER_SEC;
	while (READ_ONCE(r.count) < sent && ktime_get_ns() < (ktime_t)deadline)
		cpu_relax();
	KUNIT_EXPECT_EQ(test, READ_ONCE(r.count), sent);
}

static struct ipi_record storm;

/* Rounds per CPU pair, so the storm's total cost does not grow as n^2. */
static int storm_rounds(void)
{
	int n = num_online_cpus();

	return n < 2 ? 1 : max(1, IPI_STORM_CALLS / (n * (n - 1)));
}

static void ipi_storm(struct kunit *test, int cpu, void *arg)
{
	int other, rounds = storm_rounds();

	for (int i = 0; i < rounds; i++)
		for_each_online_cpu(other)
			if (other != cpu)
				smp_call_function_single(other, record_cpu, &storm, true);
}

SELFTEST(ipi, all_to_all_storm)
{
	int n = num_online_cpus(), cpu;

	storm = (struct ipi_record){ 0 };
	test_on_each_cpu(test, ipi_storm, NULL);
	KUNIT_EXPECT_EQ(test, storm.count, storm_rounds() * n * (n - 1));
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ(test, storm.ran_on[cpu], storm_rounds() * (n - 1));
}

SELFTEST(ipi, nmi_backtrace_of_each_cpu)
{
	int cpu;

	for_each_online_cpu(cpu)
		if (cpu != smp_processor_id())
			KUNIT_EXPECT_TRUE(test, trigger_cpu_backtrace(cpu));
}

/* ---- timer ---- */

static void ticks_advance(struct kunit *test, int cpu, void *arg)
{
	unsigned long before = this_cpu_read(timer_ticks);
	ktime_t start = ktime_get_ns(), prev = start;

	while (ktime_get_ns() - start < TICK_WAIT_MS * NSEC_PER_MSEC) {
		ktime_t now = ktime_get_ns();
		KUNIT_ASSERT_GE(test, now, prev);	/* the clock never goes back */
		prev = now;
		cpu_relax();
	}
	KUNIT_EXPECT_GT(test, this_cpu_read(timer_ticks), before);
}

SELFTEST(timer, ticks_on_every_cpu)
{
	test_on_each_cpu(test, ticks_advance, NULL);
}

SELFTEST(timer, calibrated)
{
	KUNIT_EXPECT_GT(test, tsc_khz, 0);
	KUNIT_EXPECT_GT(test, lapic_timer_count(), 0);
}

SELFTEST(timer, jiffies_advance)
{
	unsigned long j = jiffies;

	mdelay(TICK_WAIT_MS);
	KUNIT_EXPECT_GT(test, jiffies, j);
}
