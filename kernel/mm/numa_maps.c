/*
 * kernel/mm/numa_maps.c - where a process's memory is: show_numa_maps()
 * in the format of Linux's /proc/PID/numa_maps, and the per-node totals
 * behind numastat -p. The monitor commands that name a process are in
 * kernel/proc/numa.c.
 *
 * A numa_maps line is
 *	start policy [file=NAME|heap|stack] [anon=N] [dirty=N] [mapped=N]
 *	[mapmax=N] N0=n N1=n ... kernelpagesize_kB=4
 * with Linux's rules: anon= for private memory, mapped= when the pages
 * are neither all anonymous nor all dirty, mapmax= when some page is
 * mapped more than once, one N<node>= per node that has pages, nothing
 * after the name for a VMA with no page. Numbat has no LRU, so Linux's
 * active= (printed when some pages are inactive) never appears.
 *
 * A shared object's VMA is not split by its range policies (seed 001), so
 * its line would show one policy for all of it; Lee Schermerhorn's fix,
 * taken here, prints one line per policy range instead: every process
 * mapping the object shows the same ranges (Linux, which splits the VMAs
 * of the mbind()ing task only, shows them in that task alone).
 */
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/numa_maps.h"
#include "kernel/mm/shmem.h"
#include "kernel/mm/vma.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"

#define SIZE_2M		(1UL << 21)
#define MPOL_STR_MAX	64	/* "weighted interleave=static|balancing:0-15" and more */

struct numa_maps_md {
	unsigned long pages, anon, dirty, mapmax;
	unsigned long node[MAX_NUMNODES];
};

static bool pte_mapped(u64 pte) { return pte & (PTE_PRESENT | PTE_PROTNONE); }

/* Counts the pages mapped in [start, end) of vma. */
static void gather(struct vm_area_struct *vma, unsigned long start, unsigned long end, struct numa_maps_md *md)
{
	struct mm_struct *mm = vma->vm_mm;

	memset(md, 0, sizeof(*md));
	spin_lock(&mm->page_table_lock);
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		u64 *pte = user_pte_lookup(mm->pgd, va);
		struct page *page;
		unsigned long maps;

		if (!pte) {
			va = ALIGN_DOWN(va, SIZE_2M) + SIZE_2M - PAGE_SIZE;
			continue;
		}
		if (!pte_mapped(*pte))
			continue;
		page = phys_to_page(*pte & PTE_ADDR_MASK);
		md->pages++;
		md->anon += !vma->vm_shared;
		md->dirty += !!(*pte & PTE_DIRTY);
		maps = page_count(page) - (vma->vm_shared ? 1 : 0);	/* less the object's own */
		md->mapmax = max(md->mapmax, maps);
		md->node[page_to_nid(page)]++;
	}
	spin_unlock(&mm->page_table_lock);
}

static const char *vma_label(struct mm_struct *mm, struct vm_area_struct *vma, char *buf, size_t size)
{
	char name[48];
	const struct anon_shared_ops *ops;
	int n = 0;

	if (vma->vm_shared) {
		ops = vma->vm_shared->ops;
		if (ops && ops->name)
			ops->name(vma->vm_shared, name, sizeof(name));
		else
			strlcpy(name, "/dev/zero (deleted)", sizeof(name));
		/* seq_path escapes the space, as Linux prints it */
		for (const char *s = name; *s && n + 5 < (int)size; s++)
			n += *s == ' ' ? scnprintf(buf + n, size - n, "\\040") : scnprintf(buf + n, size - n, "%c", *s);
		return buf;
	}
	if (mm->brk && vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		return "heap";
	if (mm->start_stack && vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "stack";
	return NULL;
}

static int show_line(char *buf, size_t size, struct vm_area_struct *vma, unsigned long start, unsigned long end,
		     const char *policy, const char *label)
{
	struct numa_maps_md md;
	int n, nid;

	gather(vma, start, end, &md);
	n = scnprintf(buf, size, "%08lx %s", start, policy);
	if (label)
		n += scnprintf(buf + n, size - n, vma->vm_shared ? " file=%s" : " %s", label);
	if (md.pages) {
		if (md.anon)
			n += scnprintf(buf + n, size - n, " anon=%lu", md.anon);
		if (md.dirty)
			n += scnprintf(buf + n, size - n, " dirty=%lu", md.dirty);
		if (md.pages != md.anon && md.pages != md.dirty)
			n += scnprintf(buf + n, size - n, " mapped=%lu", md.pages);
		if (md.mapmax > 1)
			n += scnprintf(buf + n, size - n, " mapmax=%lu", md.mapmax);
		for_each_online_node(nid)
			if (md.node[nid])
				n += scnprintf(buf + n, size - n, " N%d=%lu", nid, md.node[nid]);
		n += scnprintf(buf + n, size - n, " kernelpagesize_kB=%lu", PAGE_SIZE >> 10);
	}
	n += scnprintf(buf + n, size - n, "\n");
	return n;
}

/* One line per policy range of the object (and per gap between them, under the task's policy). */
static int show_shared_vma(char *buf, size_t size, struct vm_area_struct *vma, const char *task_pol,
			   const char *label)
{
	struct shared_policy *sp = anon_shared_policy(vma->vm_shared);
	unsigned long idx = vma->vm_pgoff, last = vma->vm_pgoff + vma_pages(vma);
	char policy[MPOL_STR_MAX];
	int n = 0;

	while (idx < last && (size_t)n < size) {
		unsigned long end;
		bool covered = shared_policy_describe(sp, idx, &end, policy, sizeof(policy));
		unsigned long start_va = vma->vm_start + ((idx - vma->vm_pgoff) << PAGE_SHIFT);

		end = min(end, last);
		n += show_line(buf + n, size - n, vma, start_va, vma->vm_start + ((end - vma->vm_pgoff) << PAGE_SHIFT),
			       covered ? policy : task_pol, label);
		idx = end;
	}
	return n;
}

int show_numa_maps(struct mm_struct *mm, struct mempolicy *task_pol, char *buf, size_t size)
{
	char tpol[MPOL_STR_MAX], vpol[MPOL_STR_MAX], label[64];
	struct vm_area_struct *vma;
	int n = 0;

	if (!size)
		return 0;
	buf[0] = '\0';
	mpol_to_str(tpol, sizeof(tpol), task_pol);
	mmap_read_lock(mm);
	for_each_vma(mm, vma) {
		const char *l = vma_label(mm, vma, label, sizeof(label));

		if ((size_t)n + 1 >= size)
			break;
		if (vma->vm_shared) {
			n += show_shared_vma(buf + n, size - n, vma, tpol, l);
			continue;
		}
		if (vma->vm_policy)
			mpol_to_str(vpol, sizeof(vpol), vma->vm_policy);	/* stable: mmap_lock held */
		n += show_line(buf + n, size - n, vma, vma->vm_start, vma->vm_end, vma->vm_policy ? vpol : tpol, l);
	}
	mmap_read_unlock(mm);
	return n;
}

void numa_maps_totals(struct mm_struct *mm, unsigned long totals[NR_NUMA_TOTALS][MAX_NUMNODES])
{
	struct vm_area_struct *vma;
	struct numa_maps_md md;

	memset(totals, 0, sizeof(unsigned long) * NR_NUMA_TOTALS * MAX_NUMNODES);
	mmap_read_lock(mm);
	for_each_vma(mm, vma) {
		char label[64];
		const char *l = vma->vm_shared ? NULL : vma_label(mm, vma, label, sizeof(label));
		int kind = !l ? NUMA_TOTAL_PRIVATE : !strcmp(l, "heap") ? NUMA_TOTAL_HEAP : NUMA_TOTAL_STACK;

		gather(vma, vma->vm_start, vma->vm_end, &md);
		for (int nid = 0; nid < MAX_NUMNODES; nid++)
			totals[kind][nid] += md.node[nid];
	}
	mmap_read_unlock(mm);
}
