/*
 * kernel/mm/numa.c - building and applying the NUMA node table (numa.h).
 *
 * Node ids: a proximity domain (PXM) below MAX_NUMNODES keeps its number as
 * the node id (QEMU numbers domains like its -numa nodeid, so the ids match
 * the command line); a larger PXM takes the lowest free id.
 */
#include "kernel/mm/numa.h"
#include "kernel/mm/memblock.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/smp.h"
#include "kernel/monitor.h"
#include "arch/x86_64/acpi.h"

struct numa_topology numa;
static bool numa_off;

static int parse_numa(const char *val)
{
	if (strcmp(val, "off"))
		return -EINVAL;
	numa_off = true;
	return 0;
}
CMDLINE_PARAM("numa", parse_numa, "numa=off: fold every CPU and all memory into node 0");

#define warn(t, fmt, ...) do { (t)->warnings++; pr_warn("numa: " fmt "\n", ##__VA_ARGS__); } while (0)

static void default_distances(struct numa_topology *t)
{
	for (int i = 0; i < MAX_NUMNODES; i++)
		for (int j = 0; j < MAX_NUMNODES; j++)
			t->distance[i][j] = i == j ? LOCAL_DISTANCE : REMOTE_DISTANCE;
}

static void one_node(struct numa_topology *t, int ncpus)
{
	int w = t->warnings;

	memset(t, 0, sizeof(*t));
	t->warnings = w;
	t->nr_nodes = 1;
	t->nodes[0].online = true;
	for (int cpu = 0; cpu < ncpus; cpu++)
		cpumask_set_cpu(cpu, &t->nodes[0].cpus);
	default_distances(t);
}

/* Node id for a PXM, allocating one; -1 if there are too many domains. */
static int pxm_to_nid(struct numa_topology *t, u32 pxm)
{
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++)
		if (t->nodes[nid].online && t->nodes[nid].pxm == pxm)
			return nid;
	nid = pxm;
	if (pxm >= MAX_NUMNODES || t->nodes[pxm].online)
		for (nid = 0; nid < MAX_NUMNODES && t->nodes[nid].online; nid++)
			;
	if (nid == MAX_NUMNODES)
		return -1;
	t->nodes[nid].online = true;
	t->nodes[nid].pxm = pxm;
	t->nr_nodes++;
	return nid;
}

static bool add_memory(struct numa_topology *t, const struct acpi_mem_affinity *m)
{
	int nid = pxm_to_nid(t, m->pxm);
	struct numa_node *n;

	if (nid < 0) {
		warn(t, "more than %d proximity domains", MAX_NUMNODES);
		return false;
	}
	for (int o = 0; o < MAX_NUMNODES; o++)
		for (int r = 0; r < t->nodes[o].nranges; r++)
			if (m->base < t->nodes[o].ranges[r].end && t->nodes[o].ranges[r].start < m->base + m->len) {
				warn(t, "SRAT memory [%#lx-%#lx) overlaps node %d", m->base, m->base + m->len - 1, o);
				return false;
			}
	n = &t->nodes[nid];
	if (n->nranges == NUMA_MAX_RANGES) {
		warn(t, "node %d has more than %d memory ranges", nid, NUMA_MAX_RANGES);
		return false;
	}
	n->ranges[n->nranges].start = m->base;
	n->ranges[n->nranges].end = m->base + m->len;
	n->nranges++;
	n->srat_bytes += m->len;
	return true;
}

static bool assign_cpus(struct numa_topology *t, const struct acpi_info *a, const u32 *apic_ids, int ncpus)
{
	for (int cpu = 0; cpu < ncpus; cpu++) {
		int nid = -1;
		for (int i = 0; i < a->ncpu_affinity; i++)
			if (a->cpu_affinity[i].apic_id == apic_ids[cpu]) {
				nid = pxm_to_nid(t, a->cpu_affinity[i].pxm);
				if (nid < 0) {
					warn(t, "more than %d proximity domains", MAX_NUMNODES);
					return false;
				}
				break;
			}
		if (nid < 0) {
			warn(t, "cpu%d (APIC id %u) is not in the SRAT; placed on node 0", cpu, apic_ids[cpu]);
			nid = 0;
			if (!t->nodes[0].online)
				pxm_to_nid(t, 0);
		}
		cpumask_set_cpu(cpu, &t->nodes[nid].cpus);
		t->cpu_node[cpu] = nid;
	}
	return true;
}

static void slit_distances(struct numa_topology *t, const struct acpi_info *a)
{
	default_distances(t);
	if (!a->have_slit)
		return;
	for (int i = 0; i < MAX_NUMNODES; i++)
		if (t->nodes[i].online && t->nodes[i].pxm >= (u32)a->slit_n) {
			warn(t, "SLIT has %d domains but node %d is domain %u; default distances", a->slit_n, i, t->nodes[i].pxm);
			return;
		}
	for (int i = 0; i < MAX_NUMNODES; i++)
		for (int j = 0; j < MAX_NUMNODES; j++)
			if (t->nodes[i].online && t->nodes[j].online)
				t->distance[i][j] = a->slit[t->nodes[i].pxm][t->nodes[j].pxm];
}

void numa_build(const struct acpi_info *a, const u32 *apic_ids, int ncpus, bool off, struct numa_topology *t)
{
	memset(t, 0, sizeof(*t));
	if (off || !a->have_srat) {
		one_node(t, ncpus);
		return;
	}
	for (int i = 0; i < a->nmem_affinity; i++)
		if (!add_memory(t, &a->mem_affinity[i]))
			goto fallback;
	if (!assign_cpus(t, a, apic_ids, ncpus))
		goto fallback;
	if (!t->nr_nodes)
		goto fallback;
	slit_distances(t, a);
	t->from_srat = true;
	return;
fallback:
	warn(t, "SRAT unusable; falling back to one node");
	one_node(t, ncpus);
}

int numa_node_id(void)
{
	return cpu_to_node(smp_processor_id());
}

int numa_nearest_memory_node(int nid)
{
	int best = -1;

	for (int n = 0; n < MAX_NUMNODES; n++) {
		if (!numa.nodes[n].online || !memblock_node_memory(n))
			continue;
		if (best < 0 || numa.distance[nid][n] < numa.distance[nid][best] ||
		    (numa.distance[nid][n] == numa.distance[nid][best] && n == nid))
			best = n;
	}
	return best < 0 ? 0 : best;
}

/* Tags memblock memory with nodes; RAM outside every SRAT range goes to the first node. */
static void apply_memory(void)
{
	int first = -1;

	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		if (!numa.nodes[nid].online)
			continue;
		if (first < 0)
			first = nid;
		for (int r = 0; r < numa.nodes[nid].nranges; r++)
			memblock_set_node(numa.nodes[nid].ranges[r].start,
					  numa.nodes[nid].ranges[r].end - numa.nodes[nid].ranges[r].start, nid);
	}
	for_each_mem_region(r)
		if (r->nid == NUMA_NO_NODE) {
			if (numa.from_srat)
				pr_warn("numa: RAM [%#lx-%#lx) is in no SRAT range; given to node %d\n",
					r->base, r->base + r->size - 1, first);
			r->nid = first;
		}
}

void numa_init(void)
{
	numa_build(&acpi, cpu_apic_id, nr_cpu_ids, numa_off, &numa);
	apply_memory();
	pr_info("numa: %d node%s%s\n", numa.nr_nodes, numa.nr_nodes == 1 ? "" : "s",
		numa.from_srat ? " from the SRAT" : numa_off ? " (numa=off)" : " (no usable SRAT)");
}

u64 node_present_bytes(int nid)
{
	return memblock_node_memory(nid);
}

__weak u64 node_free_bytes(int nid)
{
	return memblock_node_free(nid);
}

static void print_distances(void)
{
	char line[8 + 5 * MAX_NUMNODES];
	int nid, other, len;

	console_printf("node distances:\n");
	len = scnprintf(line, sizeof(line), "node ");
	for_each_online_node(nid)
		len += scnprintf(line + len, sizeof(line) - len, "%3d ", nid);
	console_printf("%s\n", line);
	for_each_online_node(nid) {
		len = scnprintf(line, sizeof(line), "%3d: ", nid);
		for_each_online_node(other)
			len += scnprintf(line + len, sizeof(line) - len, "%3d ", numa.distance[nid][other]);
		console_printf("%s\n", line);
	}
}

void numa_print_hardware(void)
{
	unsigned long online[BITS_TO_LONGS(MAX_NUMNODES)] = { 0 };
	char list[64], cpus[4 * MAX_CPUS];
	int nid, cpu;

	for_each_online_node(nid)
		online[0] |= 1UL << nid;
	bitmap_print_ranges(list, sizeof(list), online, MAX_NUMNODES);
	console_printf("available: %d nodes (%s)\n", numa.nr_nodes, list);
	for_each_online_node(nid) {
		int len = 0;
		cpus[0] = 0;
		for_each_cpu(cpu, &numa.nodes[nid].cpus)
			len += scnprintf(cpus + len, sizeof(cpus) - len, " %d", cpu);
		console_printf("node %d cpus:%s\n", nid, cpus);
		console_printf("node %d size: %lu MB\n", nid, node_present_bytes(nid) >> 20);
		console_printf("node %d free: %lu MB\n", nid, node_free_bytes(nid) >> 20);
	}
	print_distances();
}

static int cmd_topo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	numa_print_hardware();
	return 0;
}
MONITOR_CMD(topo, "", "NUMA topology, as numactl --hardware prints it", cmd_topo);

static int cmd_mem(int argc, char **argv)
{
	int nid;

	(void)argc;
	(void)argv;
	for_each_online_node(nid) {
		console_printf("node %d: %lu MB RAM, %lu MB free%s\n", nid, node_present_bytes(nid) >> 20,
			       node_free_bytes(nid) >> 20, node_present_bytes(nid) ? "" : " (no memory)");
		for_each_mem_region(r)
			if (r->nid == nid)
				console_printf("  [%#014lx-%#014lx] %lu KB\n", r->base, r->base + r->size - 1,
					       (unsigned long)(r->size >> 10));
	}
	console_printf("end of RAM %#lx; %d ranges reserved at boot\n", memblock_end_of_ram(),
		       memblock.reserved.cnt);
	return 0;
}
MONITOR_CMD(mem, "", "memory ranges, size and free memory of each node", cmd_mem);
