/*
 * kernel/mm/migrate.h - moving user pages between nodes (migrate.c).
 */
#ifndef KERNEL_MM_MIGRATE_H
#define KERNEL_MM_MIGRATE_H

#include "kernel/types.h"

struct vm_area_struct;
struct page;

#define MIGRATE_MOVE_ALL	0x1	/* move pages other mappings share too (MPOL_MF_MOVE_ALL) */

enum migrate_stat_item { MIGRATE_SUCCEEDED, MIGRATE_FAILED, NR_MIGRATE_STATS };
long migrate_stat(enum migrate_stat_item item);

/*
 * Moves the page mapped at addr of vma (mmap_lock held, for reading at
 * least) into new, a page the caller allocated where it wants it. 0: moved
 * (new is in use, the old page freed); else new is still the caller's:
 *   -ENOENT  nothing is mapped there
 *   -EACCES  other mappings share the page, and not MIGRATE_MOVE_ALL
 *   -EBUSY   not now: an extra reference, a writer changing a mapper's mm,
 *            a copy-on-write mapping not where fork put it (mremap)
 *   -ENOMEM
 */
int migrate_page_at(struct vm_area_struct *vma, unsigned long addr, struct page *new, unsigned int flags);
/* The same onto node nid: the node the page is on now, or the errors above. */
int migrate_page_to_node(struct vm_area_struct *vma, unsigned long addr, int nid, unsigned int flags);
/* The node of the page mapped at addr, or -ENOENT (page_table_lock taken). */
int page_node_at(struct vm_area_struct *vma, unsigned long addr);

#endif
