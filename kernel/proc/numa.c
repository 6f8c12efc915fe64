/*
 * kernel/proc/numa.c - the NUMA calls and views that name another
 * process, on top of the mm's policies (kernel/mm/mempolicy*.c):
 *
 *   migrate_pages(2), move_pages(2)   find the process, then the mm's part
 *   pidfd_set_mempolicy               Numbat's own call (seed 000): set the
 *                                     policy of the process a pidfd names,
 *                                     number 1024 (kernel/proc/syscalls.h)
 *   monitor: mpol                                         policies live, freed ones used, pages migrated
 *            mpol PID [MODE[=static|=relative] [NODES]]   show or set a task's policy
 *            mpol weights [NODE=WEIGHT...]                weighted interleave's weights
 *            numa_maps PID                                /proc/PID/numa_maps
 *            numastat -p PID                              per-node totals (kernel/mm/vmstat.c asks)
 *
 * Every task is root: a process may act on any other, as root may on Linux.
 */
#include "kernel/proc/proc.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/syscalls.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/numa_maps.h"
#include "kernel/mm/migrate.h"
#include "kernel/mm/slab.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"

#define NUMA_MAPS_BUF_SIZE	16384	/* bytes of numa_maps one command prints */
#define MPOL_STR_MAX		64

/* ---- the system calls ---- */

/* The mm of process pid (0: the caller's), with mm_users held: -ESRCH or -EINVAL as Linux. */
static int find_mm(int pid, struct mm_struct **mmp)
{
	struct task *p;

	if (!pid) {
		mmget(current->mm);
		*mmp = current->mm;
		return 0;
	}
	p = find_task_by_pid(pid);
	if (!p)
		return -ESRCH;
	*mmp = get_task_mm(p);
	put_task_struct(p);
	return *mmp ? 0 : -EINVAL;
}

long sys_migrate_pages(int pid, unsigned long maxnode, const unsigned long __user *old_nodes,
		       const unsigned long __user *new_nodes)
{
	user_nodemask_t from, to;
	struct mm_struct *mm;
	long err;

	err = get_nodes(&from, old_nodes, maxnode);
	if (!err)
		err = get_nodes(&to, new_nodes, maxnode);
	if (!err)
		err = find_mm(pid, &mm);	/* Linux looks the task up before it judges the nodes */
	if (err)
		return err;
	err = mpol_migrate_mm(mm, &from, &to);
	mmput(mm);
	return err;
}

long sys_move_pages(int pid, unsigned long nr_pages, const void __user *__user *pages,
		    const int __user *nodes, int __user *status, int flags)
{
	struct mm_struct *mm;
	long err;

	if (flags & ~(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
		return -EINVAL;
	err = find_mm(pid, &mm);
	if (err)
		return err;
	err = mpol_move_pages(mm, nr_pages, pages, nodes, status, flags);
	mmput(mm);
	return err;
}

long sys_pidfd_set_mempolicy(int pidfd, int mode, const unsigned long __user *nmask,
			     unsigned long maxnode, unsigned int flags)
{
	struct task *p;
	long err;

	if (flags)
		return -EINVAL;
	err = pidfd_get_task(pidfd, &p);
	if (err)
		return err;
	err = set_task_mempolicy(p, mode, nmask, maxnode);
	put_task_struct(p);
	return err;
}

/* ---- the monitor ---- */

static int show_weights(void)
{
	int nid;

	for_each_online_node(nid)
		console_printf("node %d: weight %u\n", nid, mpol_node_weight(nid));
	return 0;
}

/* mpol weights [NODE=WEIGHT...] */
static int cmd_weights(int argc, char **argv)
{
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		unsigned long nid, w;
		int err;

		if (!eq)
			return -EINVAL;
		*eq = 0;
		if (kstrtoul(argv[i], 10, &nid) || kstrtoul(eq + 1, 10, &w) || !node_online(nid))
			return -EINVAL;
		err = mpol_set_node_weight(nid, w);
		if (err)
			return err;
	}
	return show_weights();
}

/* MODE[=static|=relative] and an optional node list, as a policy (NULL for default). */
static int parse_policy(int argc, char **argv, struct mempolicy **pol)
{
	char *eq = strchr(argv[0], '=');
	unsigned short flags = 0;
	user_nodemask_t nodes;
	int mode;

	memset(&nodes, 0, sizeof(nodes));
	if (eq) {
		*eq = 0;
		if (!strcmp(eq + 1, "static"))
			flags = MPOL_F_STATIC_NODES;
		else if (!strcmp(eq + 1, "relative"))
			flags = MPOL_F_RELATIVE_NODES;
		else
			return -EINVAL;
	}
	mode = mpol_parse_mode(argv[0]);
	if (mode < 0 || argc > 2)
		return -EINVAL;
	if (argc == 2 && bitmap_parse_ranges(argv[1], nodes.bits, MPOL_MAX_USER_NODES))
		return -EINVAL;
	return mpol_create(mode, flags, &nodes, pol);
}

static int cmd_mpol(int argc, char **argv)
{
	struct mempolicy *pol;
	char str[MPOL_STR_MAX];
	struct task *p;
	int pid, err = 0;

	if (argc == 1) {
		console_printf("mempolicies %ld (made under percpu, counted atomically: %ld)\n"
			       "freed policies used %ld\npages migrated %ld, not migrated %ld\n",
			       nr_mempolicies(), mempolicy_fallback_count(), mempolicy_use_after_free_count(),
			       migrate_stat(MIGRATE_SUCCEEDED), migrate_stat(MIGRATE_FAILED));
		return 0;
	}
	if (!strcmp(argv[1], "weights"))
		return cmd_weights(argc, argv);
	if (argc < 2 || parse_pid(argv[1], &pid))
		return -EINVAL;
	p = find_task_by_pid(pid);
	if (!p)
		return -ESRCH;
	if (argc > 2) {
		err = parse_policy(argc - 2, argv + 2, &pol);
		if (!err)
			err = task_policy_install(p, pol);	/* while it runs, as pidfd_set_mempolicy does */
	}
	if (!err) {
		pol = task_policy_get(p);
		mpol_to_str(str, sizeof(str), pol);
		console_printf("pid %d (%s): %s", p->pid, p->comm, str);
		if (pol && pol->home_node != NUMA_NO_NODE)
			console_printf(" home_node=%d", pol->home_node);
		if (pol)
			console_printf(" [%s references]\n", pol->ref_kind == MPOL_REF_ATOMIC ? "atomic" : "percpu");
		else
			console_printf("\n");
		mpol_put(pol);
	}
	put_task_struct(p);
	return err;
}
MONITOR_CMD(mpol, "[PID [MODE[=static|=relative] [NODES]] | weights [N=W...]]",
	    "memory policies: counters; a task's policy, shown or set (as pidfd_set_mempolicy); interleave weights",
	    cmd_mpol);

static int cmd_numa_maps(int argc, char **argv)
{
	struct mempolicy *pol;
	struct mm_struct *mm;
	struct task *p;
	char *buf;
	int err;

	if (argc != 2)
		return -EINVAL;
	err = monitor_task_mm(argv[1], &p, &mm);
	if (err)
		return err;
	pol = task_policy_get(p);
	put_task_struct(p);
	buf = kmalloc(NUMA_MAPS_BUF_SIZE, GFP_KERNEL);
	if (buf) {
		show_numa_maps(mm, pol, buf, NUMA_MAPS_BUF_SIZE);
		console_write(buf, strlen(buf));
		kfree(buf);
	}
	mpol_put(pol);
	mmput(mm);
	return buf ? 0 : -ENOMEM;
}
MONITOR_CMD(numa_maps, "PID", "a process's memory by node and policy, as /proc/PID/numa_maps", cmd_numa_maps);

/* Megabytes with two decimals in numastat's column of 15 (a space before each). */
static void print_mb(unsigned long pages)
{
	unsigned long hundredths = (pages * PAGE_SIZE * 100 + (1UL << 19)) >> 20;
	char num[24];

	scnprintf(num, sizeof(num), "%lu.%02lu", hundredths / 100, hundredths % 100);
	console_printf(" %15s", num);
}

static void print_row(const char *label, const unsigned long *pages)
{
	unsigned long total = 0;
	int nid;

	console_printf("%-17s", label);
	for_each_online_node(nid) {
		print_mb(pages[nid]);
		total += pages[nid];
	}
	print_mb(total);
	console_printf("\n");
}

static void print_rule(const char *first)
{
	int nid;

	console_printf("%-17s", first);
	for_each_online_node(nid)
		console_printf(" ---------------");
	console_printf(" ---------------\n");
}

int numastat_process(const char *arg)
{
	static const char *const rows[NR_NUMA_TOTALS] = { "Huge", "Heap", "Stack", "Private" };
	unsigned long (*totals)[MAX_NUMNODES], sum[MAX_NUMNODES] = { 0 };
	struct mm_struct *mm;
	struct task *p;
	char name[16];
	int nid, err = monitor_task_mm(arg, &p, &mm);

	if (err)
		return err;
	console_printf("\nPer-node process memory usage (in MBs) for PID %d (%s)\n%-17s", p->pid, p->comm, "");
	put_task_struct(p);
	totals = kmalloc(sizeof(unsigned long) * NR_NUMA_TOTALS * MAX_NUMNODES, GFP_KERNEL);
	if (!totals) {
		mmput(mm);
		return -ENOMEM;
	}
	numa_maps_totals(mm, totals);
	mmput(mm);
	for_each_online_node(nid) {
		scnprintf(name, sizeof(name), "Node %d", nid);
		console_printf(" %15s", name);
	}
	console_printf(" %15s\n", "Total");
	print_rule("");
	for (int k = 0; k < NR_NUMA_TOTALS; k++) {
		print_row(rows[k], totals[k]);
		for (nid = 0; nid < MAX_NUMNODES; nid++)
			sum[nid] += totals[k][nid];
	}
	print_rule("----------------");
	print_row("Total", sum);
	kfree(totals);
	return 0;
}
