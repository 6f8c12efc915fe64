/*
 * kernel/ipc/shm.c - System V shared memory segments (shm.h).
 *
 * A segment is an anon_shared object (kernel/mm/shmem.h), the same kind
 * that backs MAP_SHARED|MAP_ANONYMOUS, with a key, an id, permissions and
 * times. shmat maps the whole object at offset 0; its attach count is the
 * number of VMAs mapping the object (Linux's shm_nattch counts VMAs too:
 * fork and a VMA split add one, each unmapped piece takes one away), so it
 * is the object's own count of attached VMAs. An mbind on an attached
 * segment sets the object's range policy, seen by every process that has
 * it attached (kernel/mm/shared_policy.c).
 *
 * Linux's rules kept: ids are seq * IPCMNI + index, so a stale id of a
 * reused slot is EINVAL; IPC_PRIVATE always makes a new segment; an
 * existing key answers EEXIST under IPC_CREAT|IPC_EXCL and EINVAL if it is
 * smaller than asked; IPC_RMID of an attached segment marks it SHM_DEST,
 * makes its key IPC_PRIVATE, and it goes when the last attach does (it can
 * still be found by id meanwhile); shmat wants an SHMLBA-aligned address
 * unless SHM_RND, refuses a mapped range unless SHM_REMAP; shmdt unmaps
 * the attach that starts at the address. Every task is root: permission
 * checks always pass. IPC_STAT, IPC_SET, IPC_RMID and IPC_INFO are
 * implemented; SHM_STAT, SHM_INFO, SHM_LOCK and SHM_UNLOCK are EINVAL.
 *
 * Lock order: shm_ids_lock (mutex, LOCK_RANK_SHM_IDS) is taken under a
 * mapper's mmap_lock (the attach and detach callbacks) and never around it.
 */
#include "kernel/ipc/shm.h"
#include "kernel/mm/shmem.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/slab.h"
#include "kernel/sched/task.h"
#include "kernel/proc/syscalls.h"	/* the clock; ipc is a system-call layer beside proc */
#include "kernel/sync/mutex.h"
#include "kernel/selftest.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"

#define IPC_PRIVATE	0
#define IPC_CREAT	01000
#define IPC_EXCL	02000
#define IPC_RMID	0
#define IPC_SET		1
#define IPC_STAT	2
#define IPC_INFO	3
#define SHM_RDONLY	010000
#define SHM_RND		020000
#define SHM_REMAP	040000
#define SHM_EXEC	0100000
#define SHM_DEST	01000		/* in the mode: removed, goes with the last attach */
#define S_IRWXUGO	0777

#define SHMMIN		1UL				/* Linux's limits, its defaults */
#define SHMMAX		(~0UL - (1UL << 24))
#define SHMALL		(~0UL - (1UL << 24))		/* pages */
#define SHMMNI		4096				/* segments at once */
#define SHMSEG		SHMMNI
#define IPCMNI		32768				/* id = seq * IPCMNI + index */
#define SHMLBA		PAGE_SIZE

struct shmid_kernel {
	int key;
	unsigned short seq;
	unsigned int mode;		/* permissions | SHM_DEST */
	unsigned int uid, gid, cuid, cgid;
	size_t segsz;
	long atime, dtime, ctime;
	int cpid, lpid;
	struct anon_shared *obj;	/* the segment's reference */
};

/* Linux's struct ipc64_perm and shmid64_ds on x86-64, as shmctl copies them. */
struct ipc64_perm {
	int key;
	unsigned int uid, gid, cuid, cgid, mode;
	unsigned short seq, pad2;
	unsigned long unused1, unused2;
};
struct shmid64_ds {
	struct ipc64_perm shm_perm;
	size_t shm_segsz;
	long shm_atime, shm_dtime, shm_ctime;
	int shm_cpid, shm_lpid;
	unsigned long shm_nattch, unused4, unused5;
};
struct shminfo64 {
	unsigned long shmmax, shmmin, shmmni, shmseg, shmall, unused1, unused2, unused3, unused4;
};

static struct shmid_kernel *shm_segs[SHMMNI];
static unsigned short shm_seqs[SHMMNI];		/* the next seq of each slot */
static int shm_next_idx;			/* where the cyclic search for a free slot starts */
static unsigned long shm_tot;			/* pages of all segments */
static long shm_count;
static DEFINE_MUTEX_RANK(shm_ids_lock, LOCK_RANK_SHM_IDS);

long nr_shm_segments(void)
{
	return READ_ONCE(shm_count);
}
LEAK_COUNTER("shm segments", nr_shm_segments);

static long now_seconds(void)
{
	return ktime_get_real_ns() / NSEC_PER_SEC;
}

static unsigned long seg_pages(size_t size)
{
	return ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT;
}

/* ---- the ids (shm_ids_lock held) ---- */

static struct shmid_kernel *shm_lookup(int shmid)
{
	struct shmid_kernel *seg;

	if (shmid < 0)
		return NULL;
	seg = shm_segs[shmid % IPCMNI < SHMMNI ? shmid % IPCMNI : 0];
	if (shmid % IPCMNI >= SHMMNI || !seg || seg->seq != shmid / IPCMNI)
		return NULL;
	return seg;
}

static int shm_id(struct shmid_kernel *seg, int idx)
{
	return seg->seq * IPCMNI + idx;
}

static int shm_index(struct shmid_kernel *seg)
{
	for (int i = 0; i < SHMMNI; i++)
		if (shm_segs[i] == seg)
			return i;
	return -1;
}

static void shm_destroy(struct shmid_kernel *seg)
{
	int idx = shm_index(seg);

	shm_segs[idx] = NULL;
	shm_tot -= seg_pages(seg->segsz);
	WRITE_ONCE(shm_count, shm_count - 1);
	seg->obj->owner = NULL;
	anon_shared_put(seg->obj);	/* a VMA still attached keeps the object (not the segment) */
	kfree(seg);
}

/* ---- attach counting (the object's callbacks, the mapper's mmap_lock held) ---- */

static void shm_vma_attached(struct anon_shared *obj)
{
	struct shmid_kernel *seg;

	mutex_lock(&shm_ids_lock);
	seg = obj->owner;
	if (seg) {
		seg->atime = now_seconds();
		seg->lpid = current->user.tgid;
	}
	mutex_unlock(&shm_ids_lock);
}

static void shm_vma_detached(struct anon_shared *obj)
{
	struct shmid_kernel *seg;

	mutex_lock(&shm_ids_lock);
	seg = obj->owner;
	if (seg) {
		seg->dtime = now_seconds();
		seg->lpid = current->user.tgid;
		if ((seg->mode & SHM_DEST) && !anon_shared_nattach(obj))
			shm_destroy(seg);
	}
	mutex_unlock(&shm_ids_lock);
}

/* Linux's name of a segment's file: /SYSV and the key in hex. */
static int shm_name(struct anon_shared *obj, char *buf, size_t size)
{
	struct shmid_kernel *seg;
	int key = IPC_PRIVATE;

	mutex_lock(&shm_ids_lock);
	seg = obj->owner;
	if (seg)
		key = seg->key;
	mutex_unlock(&shm_ids_lock);
	return scnprintf(buf, size, "/SYSV%08x (deleted)", key);
}

static const struct anon_shared_ops shm_ops = {
	.vma_attached = shm_vma_attached,
	.vma_detached = shm_vma_detached,
	.name = shm_name,
};

/* ---- shmget ---- */

static long newseg(int key, size_t size, int shmflg)
{
	unsigned long pages = seg_pages(size);
	struct shmid_kernel *seg;
	int idx = -1;

	if (size < SHMMIN || size > SHMMAX)
		return -EINVAL;
	if (pages << PAGE_SHIFT < size)
		return -ENOSPC;
	if (shm_tot + pages < shm_tot || shm_tot + pages > SHMALL)
		return -ENOSPC;
	for (int i = 0; i < SHMMNI; i++) {
		int try = (shm_next_idx + i) % SHMMNI;
		if (!shm_segs[try]) {
			idx = try;
			break;
		}
	}
	if (idx < 0)
		return -ENOSPC;
	seg = kzalloc(sizeof(*seg), GFP_KERNEL);
	if (!seg)
		return -ENOMEM;
	seg->obj = anon_shared_create(pages);
	if (!seg->obj) {
		kfree(seg);
		return -ENOMEM;
	}
	seg->obj->ops = &shm_ops;
	seg->obj->owner = seg;
	seg->key = key;
	seg->mode = shmflg & S_IRWXUGO;
	seg->segsz = size;
	seg->cpid = current->user.tgid;
	seg->ctime = now_seconds();
	seg->seq = shm_seqs[idx]++ % (0x7fffffff / IPCMNI);
	shm_segs[idx] = seg;
	shm_next_idx = (idx + 1) % SHMMNI;
	shm_tot += pages;
	WRITE_ONCE(shm_count, shm_count + 1);
	return shm_id(seg, idx);
}

long sys_shmget(int key, size_t size, int shmflg)
{
	struct shmid_kernel *seg = NULL;
	long ret;
	int i;

	mutex_lock(&shm_ids_lock);
	if (key != IPC_PRIVATE)
		for (i = 0; i < SHMMNI && !seg; i++)
			if (shm_segs[i] && shm_segs[i]->key == key && !(shm_segs[i]->mode & SHM_DEST))
				seg = shm_segs[i];
	if (!seg)
		ret = (key == IPC_PRIVATE || (shmflg & IPC_CREAT)) ? newseg(key, size, shmflg) : -ENOENT;
	else if ((shmflg & IPC_CREAT) && (shmflg & IPC_EXCL))
		ret = -EEXIST;
	else if (size > seg->segsz)
		ret = -EINVAL;
	else
		ret = shm_id(seg, i - 1);
	mutex_unlock(&shm_ids_lock);
	return ret;
}

/* ---- shmat, shmdt ---- */

/* Maps obj whole at addr (MAP_FIXED semantics: replaces); mmap_lock held for writing. */
static long shm_map(struct mm_struct *mm, struct anon_shared *obj, unsigned long addr, unsigned long size,
		    unsigned long vm_flags)
{
	struct vm_area_struct *vma;
	int err = do_munmap(mm, addr, size);

	if (err)
		return err;
	vma = vm_area_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + size;
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = 0;
	anon_shared_get(obj);		/* the VMA's own reference */
	vma->vm_shared = obj;
	vma_link(mm, vma);		/* attaches: the segment's count and atime */
	return addr;
}

long sys_shmat(int shmid, unsigned long addr, int shmflg)
{
	unsigned long vm_flags = VM_READ | VM_SHARED | VM_MAYSHARE | VM_MAYREAD | VM_MAYEXEC;
	struct mm_struct *mm = current->mm;
	struct shmid_kernel *seg;
	struct anon_shared *obj;
	unsigned long size;
	long ret;

	if (shmid < 0)
		return -EINVAL;
	if (addr) {
		if (addr & (SHMLBA - 1)) {
			if (!(shmflg & SHM_RND))
				return -EINVAL;
			addr &= ~(SHMLBA - 1);
			if (!addr && (shmflg & SHM_REMAP))
				return -EINVAL;
		}
	} else if (shmflg & SHM_REMAP) {
		return -EINVAL;
	}
	if (!(shmflg & SHM_RDONLY))
		vm_flags |= VM_WRITE | VM_MAYWRITE;
	if (shmflg & SHM_EXEC)
		vm_flags |= VM_EXEC;
	mutex_lock(&shm_ids_lock);
	seg = shm_lookup(shmid);
	obj = seg ? seg->obj : NULL;
	if (obj) {
		anon_shared_get(obj);	/* a concurrent IPC_RMID may free the segment meanwhile */
		size = obj->nr_pages << PAGE_SHIFT;
	}
	mutex_unlock(&shm_ids_lock);
	if (!obj)
		return -EINVAL;

	mmap_write_lock(mm);
	if (addr && !(shmflg & SHM_REMAP)) {
		ret = -EINVAL;
		if (addr + size < addr || find_vma_intersection(mm, addr, addr + size))
			goto out;
	}
	ret = addr ? (long)addr : get_unmapped_area(mm, 0, size, 0);
	if (addr && addr < MMAP_MIN_ADDR)
		ret = -EPERM;			/* as mmap's MAP_FIXED below mmap_min_addr */
	if (ret >= 0 && ((unsigned long)ret > mm->task_size || size > mm->task_size - ret))
		ret = -ENOMEM;
	if (ret >= 0)
		ret = shm_map(mm, obj, ret, size, vm_flags);
out:
	mmap_write_unlock(mm);
	anon_shared_put(obj);
	return ret;
}

/* Is vma a piece of a segment attached at addr (its offset matches)? */
static bool is_attach_of(struct vm_area_struct *vma, unsigned long addr)
{
	return vma->vm_shared && vma->vm_shared->ops == &shm_ops && vma->vm_start >= addr &&
	       (vma->vm_start - addr) >> PAGE_SHIFT == vma->vm_pgoff;
}

/*
 * Linux's shmdt(): the first segment piece at or above addr whose offset
 * matches tells the segment and its size; it and every later piece of the
 * same segment within that size go.
 */
long sys_shmdt(unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	struct anon_shared *obj = NULL;
	struct vm_area_struct *vma;
	unsigned long size = 0, cur;

	if (addr & ~PAGE_MASK)
		return -EINVAL;
	mmap_write_lock(mm);
	for (vma = find_vma(mm, addr); vma; vma = vma_next(mm, vma))
		if (is_attach_of(vma, addr)) {
			obj = vma->vm_shared;
			size = obj->nr_pages << PAGE_SHIFT;
			break;
		}
	for (cur = vma ? vma->vm_start : 0; obj && (vma = find_vma(mm, cur)) && vma->vm_end - addr <= size; ) {
		cur = vma->vm_end;
		if (vma->vm_shared == obj && is_attach_of(vma, addr))
			do_munmap(mm, vma->vm_start, vma->vm_end - vma->vm_start);
	}
	mmap_write_unlock(mm);
	return obj ? 0 : -EINVAL;
}

/* ---- shmctl ---- */

static void fill_shmid64(struct shmid_kernel *seg, struct shmid64_ds *ds)
{
	memset(ds, 0, sizeof(*ds));
	ds->shm_perm.key = seg->key;
	ds->shm_perm.uid = seg->uid;
	ds->shm_perm.gid = seg->gid;
	ds->shm_perm.cuid = seg->cuid;
	ds->shm_perm.cgid = seg->cgid;
	ds->shm_perm.mode = seg->mode;
	ds->shm_perm.seq = seg->seq;
	ds->shm_segsz = seg->segsz;
	ds->shm_atime = seg->atime;
	ds->shm_dtime = seg->dtime;
	ds->shm_ctime = seg->ctime;
	ds->shm_cpid = seg->cpid;
	ds->shm_lpid = seg->lpid;
	ds->shm_nattch = anon_shared_nattach(seg->obj);
}

static long shm_ipc_info(void __user *buf)
{
	struct shminfo64 info = {
		.shmmax = SHMMAX, .shmmin = SHMMIN, .shmmni = SHMMNI, .shmseg = SHMSEG, .shmall = SHMALL,
	};
	int max_idx = 0;

	if (copy_to_user(buf, &info, sizeof(info)))
		return -EFAULT;
	mutex_lock(&shm_ids_lock);
	for (int i = 0; i < SHMMNI; i++)
		if (shm_segs[i])
			max_idx = i;
	mutex_unlock(&shm_ids_lock);
	return max_idx;		/* Linux: the highest index in use, 0 if none */
}

long sys_shmctl(int shmid, int cmd, void __user *buf)
{
	struct shmid_kernel *seg;
	struct shmid64_ds ds;
	long ret = 0;

	if (cmd < 0 || shmid < 0)
		return -EINVAL;
	if (cmd == IPC_INFO)
		return shm_ipc_info(buf);
	if (cmd != IPC_STAT && cmd != IPC_SET && cmd != IPC_RMID)
		return -EINVAL;
	if (cmd == IPC_SET && copy_from_user(&ds, buf, sizeof(ds)))
		return -EFAULT;
	mutex_lock(&shm_ids_lock);
	seg = shm_lookup(shmid);
	if (!seg) {
		ret = -EINVAL;
	} else if (cmd == IPC_STAT) {
		fill_shmid64(seg, &ds);
	} else if (cmd == IPC_SET) {
		seg->uid = ds.shm_perm.uid;
		seg->gid = ds.shm_perm.gid;
		seg->mode = (seg->mode & ~S_IRWXUGO) | (ds.shm_perm.mode & S_IRWXUGO);
		seg->ctime = now_seconds();
	} else if (anon_shared_nattach(seg->obj)) {
		seg->mode |= SHM_DEST;		/* IPC_RMID while attached: goes with the last attach */
		seg->key = IPC_PRIVATE;
	} else {
		shm_destroy(seg);
	}
	mutex_unlock(&shm_ids_lock);
	if (!ret && cmd == IPC_STAT && copy_to_user(buf, &ds, sizeof(ds)))
		ret = -EFAULT;
	return ret;
}
