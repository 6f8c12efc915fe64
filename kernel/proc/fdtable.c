/*
 * kernel/proc/fdtable.c - the per-process descriptor table (fdtable.h)
 * and the one kind of file that lives in it so far, the pidfd.
 *
 * Invariants:
 *  - task->user.files is NULL until the process first needs a table
 *    (pidfd_open, or a clone with CLONE_FILES, which must share one); it
 *    is written only by its own task, or before the task runs (fork).
 *  - A file in the table holds one reference for each slot it occupies;
 *    fget takes another. The last fput releases it (a pidfd drops its
 *    task reference).
 *  - close_on_exec bits are set only for occupied slots.
 * Lock order: file_lock (LOCK_RANK_FILES) is taken alone; a release runs
 * after it is dropped.
 *
 * A pidfd (pidfd_open(2)) refers to a process: the struct task of its
 * thread-group leader, held by a task reference, so the descriptor stays
 * valid after the process ends and answers -ESRCH then, as Linux's does.
 * pidfd_set_mempolicy (mempolicy_syscalls.c) is what uses it.
 */
#include "kernel/proc/fdtable.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/syscalls.h"
#include "kernel/sched/task.h"
#include "kernel/mm/slab.h"
#include "kernel/selftest.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

static atomic_long_t files_open;

long nr_open_files(void)
{
	return atomic_long_read(&files_open);
}
LEAK_COUNTER("open files", nr_open_files);

struct file *file_alloc(const struct file_operations *op, void *private_data, unsigned int flags)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	atomic_set(&f->f_count, 1);
	f->f_op = op;
	f->f_flags = flags;
	f->private_data = private_data;
	atomic_long_inc(&files_open);
	return f;
}

static void get_file(struct file *f)
{
	atomic_inc(&f->f_count);
}

void fput(struct file *f)
{
	if (!atomic_dec_and_test(&f->f_count))
		return;
	if (f->f_op->release)
		f->f_op->release(f);
	kfree(f);
	atomic_long_dec(&files_open);
}

static struct files_struct *files_alloc(void)
{
	struct files_struct *files = kzalloc(sizeof(*files), GFP_KERNEL);

	if (!files)
		return NULL;
	atomic_set(&files->count, 1);
	spin_lock_init_rank(&files->file_lock, "files_struct.file_lock", LOCK_RANK_FILES);
	return files;
}

static bool table_fd(int fd)
{
	return fd >= FD_FIRST_TABLE && fd < FDTABLE_MAX;
}

struct file *fget(int fd)
{
	struct files_struct *files = current->user.files;
	struct file *f = NULL;

	if (!files || !table_fd(fd))
		return NULL;
	spin_lock(&files->file_lock);
	f = files->fd[fd];
	if (f)
		get_file(f);
	spin_unlock(&files->file_lock);
	return f;
}

int fd_install_new(struct file *f, bool cloexec)
{
	struct files_struct *files = current->user.files;
	int fd;

	if (!files) {
		files = files_alloc();	/* only this task writes its own pointer */
		if (!files)
			return -ENOMEM;
		current->user.files = files;
	}
	spin_lock(&files->file_lock);
	for (fd = FD_FIRST_TABLE; fd < FDTABLE_MAX && files->fd[fd]; fd++)
		;
	if (fd < FDTABLE_MAX) {
		files->fd[fd] = f;
		if (cloexec)
			set_bit(fd, files->close_on_exec);
		else
			clear_bit(fd, files->close_on_exec);
	}
	spin_unlock(&files->file_lock);
	return fd < FDTABLE_MAX ? fd : -EMFILE;
}

/* Takes fd out of the table; its file, still referenced, or NULL. */
static struct file *pick_file(struct files_struct *files, int fd)
{
	struct file *f;

	spin_lock(&files->file_lock);
	f = files->fd[fd];
	files->fd[fd] = NULL;
	clear_bit(fd, files->close_on_exec);
	spin_unlock(&files->file_lock);
	return f;
}

int close_fd(int fd)
{
	struct files_struct *files = current->user.files;
	struct file *f;

	if (!files || !table_fd(fd))
		return -EBADF;
	f = pick_file(files, fd);
	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

/* ---- fork, exec, exit ---- */

static struct files_struct *dup_files(struct files_struct *old)
{
	struct files_struct *files = files_alloc();

	if (!files)
		return NULL;
	spin_lock(&old->file_lock);
	for (int fd = FD_FIRST_TABLE; fd < FDTABLE_MAX; fd++) {
		files->fd[fd] = old->fd[fd];
		if (files->fd[fd])
			get_file(files->fd[fd]);
	}
	memcpy(files->close_on_exec, old->close_on_exec, sizeof(files->close_on_exec));
	spin_unlock(&old->file_lock);
	return files;
}

int copy_files(struct task *p, bool share)
{
	struct files_struct *cur = current->user.files;

	if (share) {
		if (!cur) {
			cur = files_alloc();	/* both must see the same table from now on */
			if (!cur)
				return -ENOMEM;
			current->user.files = cur;
		}
		atomic_inc(&cur->count);
		p->user.files = cur;
		return 0;
	}
	p->user.files = cur ? dup_files(cur) : NULL;
	return cur && !p->user.files ? -ENOMEM : 0;
}

static void put_files(struct files_struct *files)
{
	if (!files || !atomic_dec_and_test(&files->count))
		return;
	for (int fd = FD_FIRST_TABLE; fd < FDTABLE_MAX; fd++)
		if (files->fd[fd])
			fput(files->fd[fd]);
	kfree(files);
}

void exit_files(struct task *p)
{
	struct files_struct *files = p->user.files;

	p->user.files = NULL;
	put_files(files);
}

void exec_files(void)
{
	struct files_struct *files = current->user.files;

	if (!files)
		return;
	for (int fd = FD_FIRST_TABLE; fd < FDTABLE_MAX; fd++)
		if (test_bit(fd, files->close_on_exec)) {
			struct file *f = pick_file(files, fd);
			if (f)
				fput(f);
		}
}

/* ---- pidfds ---- */

static void pidfd_release(struct file *f)
{
	put_task_struct(f->private_data);
}

static const struct file_operations pidfd_fops = {
	.name = "pidfd",
	.release = pidfd_release,
};

/* The thread-group leader pid names, alive or a zombie not yet reaped, with a reference. */
static struct task *find_process_unreaped(int pid, bool *leader)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	struct task *p, *found = NULL;

	*leader = false;
	list_for_each_entry(p, &task_list, tasks)
		if (p->pid == pid && is_user_task(p) && p->user.exit_state != EXIT_DEAD) {
			*leader = p->user.group_leader == p;
			get_task_struct(p);
			found = p;
			break;
		}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return found;
}

long sys_pidfd_open(int pid, unsigned int flags)
{
	struct file *f;
	struct task *p;
	bool leader;
	int fd;

	if (flags & ~PIDFD_NONBLOCK)
		return -EINVAL;
	if (pid <= 0)
		return -EINVAL;
	p = find_process_unreaped(pid, &leader);
	if (!p)
		return -ESRCH;
	if (!leader) {
		put_task_struct(p);
		return -EINVAL;		/* a thread, not a process (Linux without PIDFD_THREAD) */
	}
	f = file_alloc(&pidfd_fops, p, flags);
	if (!f) {
		put_task_struct(p);
		return -ENOMEM;
	}
	fd = fd_install_new(f, true);	/* a pidfd is always close-on-exec */
	if (fd < 0)
		fput(f);
	return fd;
}

int pidfd_get_task(int fd, struct task **pp)
{
	struct file *f = fget(fd);
	struct task *p;

	if (!f)
		return -EBADF;
	if (f->f_op != &pidfd_fops) {
		fput(f);
		return -EBADF;
	}
	p = f->private_data;
	get_task_struct(p);
	fput(f);
	if (READ_ONCE(p->user.exit_state) || (READ_ONCE(p->flags) & PF_EXITING)) {
		put_task_struct(p);
		return -ESRCH;
	}
	*pp = p;
	return 0;
}
