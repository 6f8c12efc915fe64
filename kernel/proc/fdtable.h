/*
 * kernel/proc/fdtable.h - a process's file descriptors: a minimal table
 * for the descriptors that are not the console (pidfds, so far).
 *
 * Descriptors 0, 1 and 2 are the console and are in no table: they are
 * always open, close() on them succeeds and changes nothing, as before
 * the table existed (kernel/proc/sys_console.c). Numbers from 3 up come
 * from the process's files_struct: the lowest free one, Linux's rule,
 * up to FDTABLE_MAX. As in Linux, fork copies the table (CLONE_FILES,
 * which pthread_create passes, shares it), execve closes the descriptors
 * marked close-on-exec, and exit closes them all.
 */
#ifndef KERNEL_PROC_FDTABLE_H
#define KERNEL_PROC_FDTABLE_H

#include "kernel/types.h"
#include "kernel/atomic.h"
#include "kernel/lib/cpumask.h"
#include "kernel/sync/spinlock.h"

#define FD_FIRST_TABLE		3	/* 0..2: the console, in no table */
#define FDTABLE_MAX		256	/* descriptors per process: EMFILE beyond */
#define O_NONBLOCK		04000
#define O_CLOEXEC		02000000
#define PIDFD_NONBLOCK		O_NONBLOCK

struct file;
struct task;

struct file_operations {
	const char *name;
	void (*release)(struct file *f);	/* the last reference went */
};

struct file {
	atomic_t f_count;
	const struct file_operations *f_op;
	unsigned int f_flags;		/* O_NONBLOCK ... */
	void *private_data;		/* the file's object: a pidfd's task */
};

struct files_struct {
	atomic_t count;			/* tasks sharing it (CLONE_FILES) */
	spinlock_t file_lock;		/* fd[] and close_on_exec (LOCK_RANK_FILES) */
	struct file *fd[FDTABLE_MAX];
	unsigned long close_on_exec[BITS_TO_LONGS(FDTABLE_MAX)];
};

/* A new open file with one reference; NULL: no memory. */
struct file *file_alloc(const struct file_operations *op, void *private_data, unsigned int flags);
void fput(struct file *f);
/* The file behind fd with a reference, or NULL (the console fds have none). */
struct file *fget(int fd);
/* Installs f (the caller's reference moves to the table) at the lowest free fd: the fd or -EMFILE/-ENOMEM. */
int fd_install_new(struct file *f, bool cloexec);
/* close() of a table descriptor: 0 or -EBADF. */
int close_fd(int fd);

int copy_files(struct task *p, bool share);			/* fork: share (CLONE_FILES) or copy; -ENOMEM */
void exit_files(struct task *p);				/* exit: drop the table */
void exec_files(void);						/* execve: close-on-exec */
long nr_open_files(void);					/* files not yet released (leak counter) */

/* pidfds (fdtable.c): the process a pidfd refers to, with a reference; -EBADF (not a pidfd) or -ESRCH (gone). */
int pidfd_get_task(int fd, struct task **p);
long sys_pidfd_open(int pid, unsigned int flags);

#endif
