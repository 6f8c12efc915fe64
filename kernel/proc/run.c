/*
 * kernel/proc/run.c - running user programs from the kernel: the first
 * process (init=NAME), and the monitor commands run, maps and kill
 * (ps, which shows processes and threads, is in kernel/sched/kthread.c).
 *
 * init=NAME: module NAME runs as pid 1 with argv = its module string's
 * words instead of the self-tests or the monitor; when it ends, QEMU exits
 * through isa-debug-exit with the program's status (0..255, or 128 + the
 * signal that killed it), which scripts/numbat_boot.py hands to the host.
 */
#include "kernel/proc/proc.h"
#include "kernel/proc/signal.h"
#include "kernel/cmdline.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/slab.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/qemu.h"

#define INIT_NAME_MAX	64
#define MAPS_BUF_SIZE	8192		/* bytes of `maps` output shown */

static char init_name[INIT_NAME_MAX];

static int parse_init(const char *val)
{
	if (!val || !*val || strlen(val) >= sizeof(init_name))
		return -EINVAL;
	strlcpy(init_name, val, sizeof(init_name));
	return 0;
}
CMDLINE_PARAM("init", parse_init, "run module NAME as the first process (pid 1), then exit QEMU with its status");

bool init_requested(void)
{
	return init_name[0] != 0;
}

void describe_status(const char *name, int pid, int status)
{
	if (status & 0x7f)
		console_printf("%s (pid %d) killed by signal %d (%s)\n", name, pid, status & 0x7f,
			       signal_name(status & 0x7f));
	else
		console_printf("%s (pid %d) exited with status %d\n", name, pid, (status >> 8) & 0xff);
}

void run_init_process(void)
{
	int pid = spawn_init(init_name), status = 0;

	if (pid < 0) {
		printk(KERN_ERR "init: cannot run %s (error %d)\n", init_name, pid);
		qemu_exit(127);
	}
	wait_user(pid, &status);
	describe_status(init_name, pid, status);
	qemu_exit(status_to_exit_code(status));
}

/* ---- monitor commands ---- */

static int cmd_run(int argc, char **argv)
{
	char *args[MONITOR_MAX_ARGS + 1];
	int pid, status = 0;
	bool background = argc > 2 && !strcmp(argv[argc - 1], "&");

	if (argc < 2) {
		console_printf("usage: run NAME [ARGS...] [&]   (a program packed as a module)\n");
		return -EINVAL;
	}
	if (background)
		argc--;
	for (int i = 1; i < argc; i++)		/* argv = NAME ARGS..., NULL-terminated */
		args[i - 1] = argv[i];
	args[argc - 1] = NULL;
	pid = spawn_user(argv[1], args);
	if (pid < 0)
		return pid;
	if (background) {
		detach_user(pid);
		console_printf("[%d] %s\n", pid, argv[1]);
		return 0;
	}
	wait_user(pid, &status);
	describe_status(argv[1], pid, status);
	return 0;
}
MONITOR_CMD(run, "NAME [ARGS] [&]", "run a user program (a boot module); wait for it unless &", cmd_run);

/* p->mm with an mm_users reference, or NULL (the task has no mm, or is exiting). */
struct mm_struct *get_task_mm(struct task *p)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	struct mm_struct *mm = p->mm;

	if (mm)
		mmget(mm);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return mm;
}

int parse_pid(const char *s, int *pid)
{
	long v;

	if (kstrtol(s, 10, &v) || v <= 0 || v > INT_MAX)
		return -EINVAL;
	*pid = v;
	return 0;
}

int monitor_task_mm(const char *arg, struct task **pp, struct mm_struct **mm)
{
	struct task *p;
	int pid;

	if (parse_pid(arg, &pid))
		return -EINVAL;
	p = find_task_by_pid(pid);
	if (!p)
		return -ESRCH;
	*mm = get_task_mm(p);
	if (!*mm) {
		put_task_struct(p);
		return -ESRCH;
	}
	if (pp)
		*pp = p;
	else
		put_task_struct(p);
	return 0;
}

static int cmd_maps(int argc, char **argv)
{
	struct mm_struct *mm;
	char *buf;
	int err;

	if (argc != 2)
		return -EINVAL;
	err = monitor_task_mm(argv[1], NULL, &mm);
	if (err)
		return err;
	buf = kmalloc(MAPS_BUF_SIZE, GFP_KERNEL);
	if (!buf) {
		mmput(mm);
		return -ENOMEM;
	}
	show_maps(mm, buf, MAPS_BUF_SIZE);
	console_write(buf, strlen(buf));
	kfree(buf);
	mmput(mm);
	return 0;
}
MONITOR_CMD(maps, "PID", "a process's mappings, as /proc/PID/maps", cmd_maps);

static int cmd_kill(int argc, char **argv)
{
	struct task *p;
	int pid, sig = SIGKILL, r;
	long v;

	if (argc < 2 || argc > 3 || parse_pid(argv[1], &pid))
		return -EINVAL;
	if (argc == 3) {
		if (kstrtol(argv[2], 10, &v) || v < 1 || v > _NSIG)
			return -EINVAL;
		sig = v;
	}
	p = find_process(pid);
	if (!p)
		return -ESRCH;
	r = send_sig_process(p, sig, SI_KERNEL);
	put_task_struct(p);
	return r;
}
MONITOR_CMD(kill, "PID [SIG]", "send a signal (default SIGKILL) to a process", cmd_kill);
