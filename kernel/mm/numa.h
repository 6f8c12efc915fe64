/*
 * kernel/mm/numa.h - the NUMA node table: which CPUs and memory ranges
 * belong to each node, and the distances between nodes.
 *
 * Built once at boot from the SRAT and SLIT (numa_build, a pure function
 * the self-tests also call), then applied: memblock regions are tagged with
 * their node and cpu_to_node() answers for every CPU. Without an SRAT, with
 * a malformed one, or with numa=off, everything is one node 0 and the
 * distance table is the default (10 local, 20 remote).
 */
#ifndef KERNEL_MM_NUMA_H
#define KERNEL_MM_NUMA_H

#include "kernel/types.h"
#include "kernel/lib/cpumask.h"

#define MAX_NUMNODES		16	/* node ids 0..15 */
#define NUMA_MAX_RANGES		8	/* memory ranges per node */
#define LOCAL_DISTANCE		10
#define REMOTE_DISTANCE		20

struct acpi_info;

struct numa_node {
	bool online;
	u32 pxm;			/* ACPI proximity domain */
	struct cpumask cpus;
	int nranges;
	struct { u64 start, end; } ranges[NUMA_MAX_RANGES];
	u64 srat_bytes;			/* memory the SRAT assigns to the node */
};

struct numa_topology {
	bool from_srat;			/* false: the one-node fallback */
	int warnings;
	int nr_nodes;
	struct numa_node nodes[MAX_NUMNODES];
	u8 distance[MAX_NUMNODES][MAX_NUMNODES];
	int cpu_node[MAX_CPUS];
};

/*
 * Builds a topology from parsed ACPI tables and the logical CPUs (apic_ids
 * indexed by CPU number). Never fails: problems give warnings and the
 * one-node fallback.
 */
void numa_build(const struct acpi_info *acpi, const u32 *apic_ids, int ncpus,
		bool numa_off, struct numa_topology *topo);

extern struct numa_topology numa;

void numa_init(void);			/* build from this boot's tables and apply */
static inline int cpu_to_node(int cpu) { return numa.cpu_node[cpu]; }
static inline bool node_online(int nid) { return nid >= 0 && nid < MAX_NUMNODES && numa.nodes[nid].online; }
static inline int node_distance(int a, int b) { return numa.distance[a][b]; }
int numa_node_id(void);			/* node of the calling CPU */
/* The node nearest to nid (itself first) that has memory. */
int numa_nearest_memory_node(int nid);

#define for_each_online_node(nid) \
	for ((nid) = 0; (nid) < MAX_NUMNODES; (nid)++) if (node_online(nid))

/* Memory counts per node: RAM managed, and free (early allocator, later the page allocator). */
u64 node_present_bytes(int nid);
u64 node_free_bytes(int nid);

/* Prints the topology exactly as `numactl --hardware` does. */
void numa_print_hardware(void);

#endif
