/*
 * kernel/mm/maps.c - what the address spaces show: show_maps() in the
 * format of Linux's /proc/PID/maps, and the monitor's `vm` command (fault,
 * copy-on-write and TLB shootdown counters since boot, and each live mm).
 *
 * A maps line is
 *	start-end perms offset dev inode [name]
 * with the name, if any, starting at column 74 as Linux pads it. Anonymous
 * private memory has offset 0, device 00:00 and inode 0; shared anonymous
 * memory shows as Linux shows its shmem file, "/dev/zero (deleted)" on
 * device 00:01, a SysV segment as its owner names it ("/SYSV<key>
 * (deleted)", kernel/mm/shmem.h). [heap] is the VMA that holds the break, [stack] the one
 * that holds start_stack.
 */
#include "kernel/mm/vma.h"
#include "kernel/technique.h"
#include "kernel/mm/shmem.h"
#include "kernel/mm/lazy_mm.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"

#define MAPS_NAME_COLUMN	73	/* Linux: 25 + 6 * sizeof(void *) - 1 */
#define MAPS_SHM_NAME_MAX	40	/* "/SYSV0000002a (deleted)" */

static const char *vma_name(struct mm_struct *mm, struct vm_area_struct *vma, char *buf, size_t size)
{
	const struct anon_shared_ops *ops = vma->vm_shared ? vma->vm_shared->ops : NULL;

	if (ops && ops->name) {
		ops->name(vma->vm_shared, buf, size);	/* a SysV segment: /SYSV<key> (deleted) */
		return buf;
	}
	if (vma->vm_shared)
		return "/dev/zero (deleted)";
	if (mm->brk && vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		return "[heap]";
	if (mm->start_stack && vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

static int show_map_vma(struct mm_struct *mm, struct vm_area_struct *vma, char *buf, size_t size)
{
	unsigned long f = vma->vm_flags;
	char shm_name[MAPS_SHM_NAME_MAX];
	const char *name = vma_name(mm, vma, shm_name, sizeof(shm_name));
	int n;

	n = scnprintf(buf, size, "%08lx-%08lx %c%c%c%c %08lx %s 0 ", vma->vm_start, vma->vm_end,
		      f & VM_READ ? 'r' : '-', f & VM_WRITE ? 'w' : '-', f & VM_EXEC ? 'x' : '-',
		      f & VM_MAYSHARE ? 's' : 'p', 0UL, vma->vm_shared ? "00:01" : "00:00");
	if (name) {
		while (n < MAPS_NAME_COLUMN - 1 && (size_t)n + 1 < size)
			buf[n++] = ' ';
		n += scnprintf(buf + n, size - n, " %s", name);
	}
	n += scnprintf(buf + n, size - n, "\n");
	return n;
}

int show_maps(struct mm_struct *mm, char *buf, size_t size)
{
	struct vm_area_struct *vma;
	int n = 0;

	if (!size)
		return 0;
	buf[0] = '\0';
	mmap_read_lock(mm);
	for_each_vma(mm, vma)
		n += show_map_vma(mm, vma, buf + n, size - n);
	mmap_read_unlock(mm);
	return n;
}

static void show_mm_line(struct mm_struct *mm, void *arg)
{
	char cpus[64];

	(void)arg;
	bitmap_print_ranges(cpus, sizeof(cpus), mm_cpumask(mm)->bits, MAX_CPUS);
	console_printf("mm %p users %d count %d vmas %d rss %ld pgtables %ld faults %ld cow %ld/%ld cpus %s\n",
		       mm, atomic_read(&mm->mm_users), atomic_read(&mm->mm_count), mm->map_count,
		       mm_counter(mm, MM_RSS), mm_counter(mm, MM_PGTABLES), mm_counter(mm, MM_FAULTS),
		       mm_counter(mm, MM_COW_COPIES), mm_counter(mm, MM_COW_REUSES), cpus[0] ? cpus : "-");
}

/* The page-fault paths: how many faults each mode of vma_lookup took, and how they ended. */
static void show_fault_paths(void)
{
	const struct technique *t = technique_find("vma_lookup");

	console_printf("fault paths: vma_lookup=%s fault_mmap_lock=%s pte_lock=%s\n", technique_mode_name(t),
		       technique_mode_name(technique_find("fault_mmap_lock")),
		       technique_mode_name(technique_find("pte_lock")));
	console_printf("  %-9s", "mode");
	for (int s = 0; s < NR_VMA_LOOKUP_STATS; s++)
		console_printf(" %s", vma_lookup_stat_names[s]);
	console_printf("\n");
	for (int m = 0; m < t->nr_modes; m++) {
		console_printf("  %-9s", t->modes[m]);
		for (int s = 0; s < NR_VMA_LOOKUP_STATS; s++)
			console_printf(" %*lu", (int)strlen(vma_lookup_stat_names[s]), vma_lookup_stat(m, s));
		console_printf("\n");
	}
}

/* Who sends the shootdowns and who waits for them: per CPU, what it counted itself. */
static void show_tlb_per_cpu(void)
{
	static const enum tlb_stat shown[] = { TLB_SHOOTDOWNS, TLB_IPIS, TLB_WAIT_NS };
	int cpu;

	console_printf("  cpu");
	for (size_t i = 0; i < ARRAY_SIZE(shown); i++)
		console_printf(" %s", tlb_stat_names[shown[i]]);
	console_printf("\n");
	for_each_online_cpu(cpu) {
		console_printf("  %3d", cpu);
		for (size_t i = 0; i < ARRAY_SIZE(shown); i++)
			console_printf(" %*ld", (int)strlen(tlb_stat_names[shown[i]]), tlb_stat_cpu(cpu, shown[i]));
		console_printf("\n");
	}
}

static int cmd_vm(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for_each_mm(show_mm_line, NULL);
	console_printf("mm_structs %ld\nanon_shared_objects %ld\n", nr_mm_structs(), nr_anon_shared());
	for (int c = 0; c < NR_MM_COUNTERS; c++)
		console_printf("%s %ld\n", mm_counter_names[c], vm_event(c));
	for (int s = 0; s < NR_TLB_STATS; s++)
		console_printf("%s %ld\n", tlb_stat_names[s], tlb_stat(s));
	for (int s = 0; s < NR_LAZY_TLB_STATS; s++)
		console_printf("%s %lu\n", lazy_tlb_stat_names[s], lazy_tlb_stat(s));
	show_tlb_per_cpu();
	show_fault_paths();
	return 0;
}
MONITOR_CMD(vm, "", "address spaces: fault, copy-on-write and TLB shootdown counters (like /proc/vmstat)", cmd_vm);
