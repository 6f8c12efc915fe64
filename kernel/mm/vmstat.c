/*
 * kernel/mm/vmstat.c - what the page allocator shows: the monitor's
 * `free`, `buddyinfo` and `numastat` (in the formats of Linux's free -m,
 * /proc/buddyinfo and numastat), and the "free pages" leak counter every
 * self-test suite is checked against.
 */
#include "kernel/mm/internal.h"
#include "kernel/mm/kstack.h"
#include "kernel/mm/numa_maps.h"
#include "kernel/errno.h"
#include "kernel/monitor.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"

#define PAGES_TO_MB(p)	((p) >> (20 - PAGE_SHIFT))

/*
 * Free pages once every cache has given back what it holds for reuse
 * (empty slabs, dead stacks). Pages on per-CPU lists count as free, so the
 * number is exact while no CPU allocates.
 */
static long leak_free_pages(void)
{
	kmem_cache_shrink_all();
	kstack_purge();
	return nr_free_pages();
}
LEAK_COUNTER("free pages", leak_free_pages);

static int cmd_free(int argc, char **argv)
{
	unsigned long total = 0, free = 0;
	int nid;

	(void)argc;
	(void)argv;
	console_printf("%-10s %10s %10s %10s %10s %10s\n", "", "total MB", "used MB", "free MB",
		       "free pages", "percpu lists");
	for_each_online_node(nid) {
		struct zone *z = NODE_ZONE(nid);
		unsigned long f = node_free_pages(nid);
		char label[16];
		snprintf(label, sizeof(label), "Node %d:", nid);
		console_printf("%-10s %10lu %10lu %10lu %10lu %10lu\n", label, PAGES_TO_MB(z->present_pages),
			       PAGES_TO_MB(z->present_pages - f), PAGES_TO_MB(f), f, node_pcp_pages(nid));
		total += z->present_pages;
		free += f;
	}
	console_printf("%-10s %10lu %10lu %10lu %10lu\n", "Mem:", PAGES_TO_MB(total),
		       PAGES_TO_MB(total - free), PAGES_TO_MB(free), free);
	return 0;
}
MONITOR_CMD(free, "", "memory per node: total, used and free (like free -m)", cmd_free);

static int cmd_buddyinfo(int argc, char **argv)
{
	int nid;
	bool types = argc > 1 && !strcmp(argv[1], "-t");
	static const char *const mt_names[] = { "Unmovable", "Movable", "Reclaimable" };

	if (argc > 1 && !types)
		return -EINVAL;

	for_each_online_node(nid) {
		struct zone *z = NODE_ZONE(nid);
		unsigned long flags;
		char line[160];
		int len;
		if (!z->has_memory)
			continue;
		flags = spin_lock_irqsave(&z->lock);
		len = scnprintf(line, sizeof(line), "Node %d, zone %8s ", nid, "Normal");
		for (int o = 0; o <= MAX_ORDER; o++)
			len += scnprintf(line + len, sizeof(line) - len, "%6lu ", z->free_area[o].nr_free);
		spin_unlock_irqrestore(&z->lock, flags);
		console_printf("%s\n", line);
		for (int mt = 0; types && mt < MIGRATE_TYPES; mt++) {
			flags = spin_lock_irqsave(&z->lock);
			len = scnprintf(line, sizeof(line), "  type %12s   ", mt_names[mt]);
			for (int o = 0; o <= MAX_ORDER; o++)
				len += scnprintf(line + len, sizeof(line) - len, "%6zu ",
						 list_count(&z->free_area[o].free_list[mt]));
			spin_unlock_irqrestore(&z->lock, flags);
			console_printf("%s\n", line);
		}
	}
	if (types) {
		console_printf("pageblocks (2 MiB) by type, fallback steals, pageblock claims:\n");
		for_each_online_node(nid) {
			struct zone *z = NODE_ZONE(nid);
			unsigned long n[MIGRATE_TYPES] = { 0 };
			if (!z->has_memory)
				continue;
			for (unsigned long i = 0; i < z->spanned_pages >> pageblock_order; i++)
				n[z->pageblock_mt[i]]++;
			console_printf("Node %d: unmovable %lu movable %lu reclaimable %lu; steals %lu claims %lu\n",
				       nid, n[MIGRATE_UNMOVABLE], n[MIGRATE_MOVABLE], n[MIGRATE_RECLAIMABLE],
				       z->fallback_steals, z->pageblock_claims);
		}
	}
	return 0;
}
MONITOR_CMD(buddyinfo, "[-t]", "free blocks per order, as /proc/buddyinfo (-t: per type)", cmd_buddyinfo);

static int cmd_numastat(int argc, char **argv)
{
	static const char *const rows[NR_NUMA_STAT] = {
		"numa_hit", "numa_miss", "numa_foreign", "interleave_hit", "local_node", "other_node",
	};
	char line[32 + 16 * MAX_NUMNODES];
	int nid, len;

	if (argc == 3 && !strcmp(argv[1], "-p"))
		return numastat_process(argv[2]);
	if (argc != 1)
		return -EINVAL;
	len = scnprintf(line, sizeof(line), "%-16s", "");
	for_each_online_node(nid) {
		char name[16];
		snprintf(name, sizeof(name), "node%d", nid);
		len += scnprintf(line + len, sizeof(line) - len, "%16s", name);
	}
	console_printf("%s\n", line);
	for (int i = 0; i < NR_NUMA_STAT; i++) {
		len = scnprintf(line, sizeof(line), "%-16s", rows[i]);
		for_each_online_node(nid)
			len += scnprintf(line + len, sizeof(line) - len, "%16lu", node_numa_stat(nid, i));
		console_printf("%s\n", line);
	}
	return 0;
}
MONITOR_CMD(numastat, "[-p PID]", "page allocations per node: hits, misses, interleave, local, other; -p: a process's memory per node (as numastat)", cmd_numastat);
