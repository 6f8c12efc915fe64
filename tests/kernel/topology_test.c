/*
 * tests/kernel/topology_test.c - does the kernel see exactly the machine
 * QEMU was told to build?
 *
 * The host runner (tests/run) passes what it gave QEMU on the kernel
 * command line: expect.ncpus, expect.nodes, expect.cpus (per node,
 * "/"-separated CPU lists, "-" for none), expect.mem (MB per node) and
 * expect.dist (rows "/"-separated, values ","-separated). Without them
 * (a manual `test topology`) these tests skip.
 *
 * Memory: the SRAT gives each node's ranges, which must add up to what
 * QEMU was given (QEMU leaves the 384 KiB legacy hole out of node 0, so
 * sizes are compared rounded up to a MB). Without an SRAT the kernel
 * knows only the firmware memory map, whose BIOS and ACPI holes cost a
 * little, so then the node's RAM must be within EXPECT_MEM_SLACK_MB.
 */
#include "kernel/selftest.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/mm/numa.h"
#include "kernel/mm/memblock.h"
#include "kernel/smp.h"
#include "arch/x86_64/acpi.h"

#define EXPECT_MEM_SLACK_MB	2
#define EXPECT_MAX		128

static char exp_ncpus[16], exp_nodes[16], exp_cpus[EXPECT_MAX], exp_mem[EXPECT_MAX], exp_dist[EXPECT_MAX * 4];

#define EXPECT_PARAM(var, name, help)					\
	static int set_##var(const char *v)				\
	{								\
		return strlcpy(var, v, sizeof(var)) < sizeof(var) ? 0 : -E2BIG; \
	}								\
	CMDLINE_PARAM(name, set_##var, help)

EXPECT_PARAM(exp_ncpus, "expect.ncpus", "self-tests: CPUs QEMU was given");
EXPECT_PARAM(exp_nodes, "expect.nodes", "self-tests: NUMA nodes QEMU was given");
EXPECT_PARAM(exp_cpus, "expect.cpus", "self-tests: CPU list of each node, '/'-separated");
EXPECT_PARAM(exp_mem, "expect.mem", "self-tests: MB of each node, '/'-separated");
EXPECT_PARAM(exp_dist, "expect.dist", "self-tests: distance matrix, rows '/'-separated");

static void need(struct kunit *test, const char *val)
{
	if (!val[0])
		kunit_skip(test, "no expect.* options on the command line (tests/run passes them)");
}

/* Field i of a '/'-separated list, copied into buf; NULL if there is none. */
static const char *field(const char *list, int i, char *buf, size_t size)
{
	for (; i > 0; i--) {
		list = strchr(list, '/');
		if (!list)
			return NULL;
		list++;
	}
	strlcpy(buf, list, size);
	if (strchr(buf, '/'))
		*strchr(buf, '/') = 0;
	return buf;
}

static long expected_long(const char *s)
{
	unsigned long v = 0;

	return kstrtoul(s, 10, &v) ? -1 : (long)v;
}

SELFTEST(topology, cpu_count)
{
	need(test, exp_ncpus);
	KUNIT_EXPECT_EQ(test, nr_cpu_ids, expected_long(exp_ncpus));
	KUNIT_EXPECT_EQ(test, num_online_cpus(), expected_long(exp_ncpus));
}

SELFTEST(topology, every_cpu_online)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		KUNIT_EXPECT_TRUE(test, cpu_online(cpu));
		KUNIT_EXPECT_EQ(test, per_cpu(cpu_state, cpu), CPU_ONLINE);
	}
}

SELFTEST(topology, node_count)
{
	need(test, exp_nodes);
	KUNIT_EXPECT_EQ(test, numa.nr_nodes, expected_long(exp_nodes));
	KUNIT_EXPECT_EQ(test, numa.from_srat, expected_long(exp_nodes) > 1 || acpi.have_srat);
}

SELFTEST(topology, node_cpus)
{
	char buf[64];
	unsigned long want[BITS_TO_LONGS(MAX_CPUS)];

	need(test, exp_cpus);
	for (int nid = 0; nid < expected_long(exp_nodes); nid++) {
		KUNIT_ASSERT_NOT_NULL(test, field(exp_cpus, nid, buf, sizeof(buf)));
		KUNIT_ASSERT_EQ(test, bitmap_parse_ranges(buf, want, MAX_CPUS), 0);
		KUNIT_EXPECT_TRUE(test, node_online(nid));
		for (int cpu = 0; cpu < MAX_CPUS; cpu++)
			KUNIT_EXPECT_EQ(test, cpumask_test_cpu(cpu, &numa.nodes[nid].cpus), test_bit(cpu, want));
	}
}

SELFTEST(topology, cpu_to_node_matches_masks)
{
	int cpu, nid;

	for_each_possible_cpu(cpu) {
		int owners = 0;
		for_each_online_node(nid)
			owners += cpumask_test_cpu(cpu, &numa.nodes[nid].cpus);
		KUNIT_EXPECT_EQ(test, owners, 1);
		KUNIT_EXPECT_TRUE(test, cpumask_test_cpu(cpu, &numa.nodes[cpu_to_node(cpu)].cpus));
	}
}

SELFTEST(topology, node_memory)
{
	char buf[32];

	need(test, exp_mem);
	for (int nid = 0; nid < expected_long(exp_nodes); nid++) {
		long want_mb, present_mb;
		KUNIT_ASSERT_NOT_NULL(test, field(exp_mem, nid, buf, sizeof(buf)));
		want_mb = expected_long(buf);
		present_mb = node_present_bytes(nid) >> 20;
		if (numa.from_srat)
			KUNIT_EXPECT_EQ(test, (long)DIV_ROUND_UP(numa.nodes[nid].srat_bytes, 1UL << 20), want_mb);
		/* present RAM: what the SRAT or QEMU says, less firmware holes */
		KUNIT_EXPECT_LE(test, present_mb, want_mb);
		KUNIT_EXPECT_GE(test, present_mb, want_mb - EXPECT_MEM_SLACK_MB);
	}
}

SELFTEST(topology, distances)
{
	char row[EXPECT_MAX], buf[8];
	int n;

	need(test, exp_dist);
	n = expected_long(exp_nodes);
	for (int i = 0; i < n; i++) {
		const char *p;
		KUNIT_ASSERT_NOT_NULL(test, field(exp_dist, i, row, sizeof(row)));
		p = row;
		for (int j = 0; j < n; j++) {
			size_t len = strchr(p, ',') ? (size_t)(strchr(p, ',') - p) : strlen(p);
			strlcpy(buf, p, min(len + 1, sizeof(buf)));
			KUNIT_EXPECT_EQ(test, node_distance(i, j), expected_long(buf));
			p += len + (p[len] == ',');
		}
	}
}

/* The boot-time block must be numactl's format, line for line. */
SELFTEST(topology, numactl_format)
{
	static char out[4096];
	char want[256];
	int nid, cpu;

	printk_capture_start(out, sizeof(out));
	numa_print_hardware();
	printk_capture_stop();
	snprintf(want, sizeof(want), "available: %d nodes (", numa.nr_nodes);
	KUNIT_EXPECT_TRUE(test, str_has_prefix(out, want));
	for_each_online_node(nid) {
		int len = snprintf(want, sizeof(want), "\nnode %d cpus:", nid);
		for_each_cpu(cpu, &numa.nodes[nid].cpus)
			len += snprintf(want + len, sizeof(want) - len, " %d", cpu);
		snprintf(want + len, sizeof(want) - len, "\nnode %d size: %lu MB\nnode %d free: ",
			 nid, node_present_bytes(nid) >> 20, nid);
		KUNIT_EXPECT_TRUE(test, strstr(out, want) != NULL);
	}
	KUNIT_EXPECT_TRUE(test, strstr(out, "\nnode distances:\nnode   0 ") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "\n  0:  10 ") != NULL);
}

SELFTEST(topology, memory_regions_have_online_nodes)
{
	for_each_mem_region(r)
		KUNIT_EXPECT_TRUE(test, node_online(r->nid));
}
