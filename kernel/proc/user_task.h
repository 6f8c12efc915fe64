/*
 * kernel/proc/user_task.h - the part of struct task that only user
 * processes and threads use (struct task embeds it as task->user).
 *
 * A process is a thread group: tasks sharing one mm, one signal_struct
 * (shared pending signals, group exit, the wait queue of wait4) and one
 * sighand_struct (the signal actions). The group leader's pid is the
 * process id (tgid); every thread has its own pid (its tid).
 *
 * The process tree is kept on group leaders only: a process's parent is a
 * group leader, and its children list holds group leaders. Both, and every
 * exit_state change, are protected by tasklist_lock (kernel/proc/proc.h).
 */
#ifndef KERNEL_PROC_USER_TASK_H
#define KERNEL_PROC_USER_TASK_H

#include "kernel/types.h"
#include "kernel/lib/list.h"

struct task;
struct signal_struct;
struct sighand_struct;
struct completion;
struct files_struct;

struct user_task {
	int tgid;			/* process id: the group leader's pid */
	struct task *group_leader;
	struct task *parent;		/* leader of the parent process; NULL: started by the kernel */
	struct list_head children;	/* on a leader: its child processes (their leaders) */
	struct list_head sibling;	/* in parent->user.children */
	struct list_head thread_node;	/* in signal->threads */
	int exit_signal;		/* sent to the parent when the process ends; -1 for threads */
	int exit_state;			/* 0, EXIT_ZOMBIE or EXIT_DEAD (kernel/proc/proc.h) */
	int wait_status;		/* as wait4 reports it, set when the process ends */
	unsigned long clear_child_tid;	/* user address zeroed and futex-woken at exit */
	struct signal_struct *signal;
	struct sighand_struct *sighand;
	struct files_struct *files;	/* descriptors from 3 up (kernel/proc/fdtable.c); NULL: none yet */
	u64 blocked;			/* signals this thread blocks (bit sig-1) */
	u64 pending;			/* signals sent to this thread only */
	u64 real_blocked;		/* rt_sigtimedwait: the mask to restore (its set is unblocked meanwhile) */
	u64 saved_sigmask;		/* rt_sigsuspend: the mask a handler's sigreturn restores */
	bool restore_sigmask;
	struct sigqueue_info {		/* who sent each pending signal, for siginfo */
		int code, pid;
	} pending_info[64];
	unsigned long sas_ss_sp, sas_ss_size;	/* sigaltstack */
	int sas_ss_flags;
	unsigned long fault_addr;	/* siginfo of the last forced fault signal */
	int fault_code, fault_sig;
	struct completion *vfork_done;	/* vfork parent waiting until we exec or exit */
};

#endif
