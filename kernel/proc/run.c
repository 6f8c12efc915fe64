/*
 * kernel/proc/run.c - running user programs from the kernel: the first
 * process (init=NAME), and the monitor commands that show and control
 * processes: ps, run, maps and kill.
 *
 * init=NAME: module NAME runs as pid 1 with argv = its module string's
 * words instead of the self-tests or the monitor; when it ends, QEMU exits
 * through isa-debug-exit with the program's status (0..255, or 128 + the
 * signal that killed it), which scripts/numbat_boot.py hands to the host.
 *
 * init.leak_check: after init ends, the same leak accounting the self-test
 * suites end with (kernel/selftest.c): every leak counter (free pages,
 * slab objects, mm_structs, tasks...) must come back to where it was just
 * before init started, and one line says whether it did. The fuzzer's
 * runs (tests/fuzz, `make fuzz`) boot with it: a call that leaks a page
 * shows there even when no check of the program's own can see it.
 */
#include "kernel/proc/proc.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/usertest.h"
#include "kernel/selftest.h"
#include "kernel/sync/rcupdate.h"
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

static bool init_leak_check;

static int set_init_leak_check(const char *unused)
{
	(void)unused;
	init_leak_check = true;
	return 0;
}
CMDLINE_FLAG("init.leak_check", set_init_leak_check,
	     "after init= ends, check that no page, slab object, mm or task leaked (one line says)");

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
	long before[MAX_LEAK_COUNTERS];
	int pid, status = 0, n = 0;

	if (init_leak_check) {
		/* where the counters must come back to: nothing borrowed, nothing pending */
		flush_lazy_mms();
		rcu_barrier();
		n = leak_counters_snapshot(before);
	}
	pid = spawn_init(init_name);
	if (pid < 0) {
		printk(KERN_ERR "init: cannot run %s (error %d)\n", init_name, pid);
		qemu_exit(127);
	}
	wait_user(pid, &status);
	describe_status(init_name, pid, status);
	/* the status stays the program's: the line is what tells a leak (tests/fuzz reads it) */
	if (init_leak_check)
		console_printf("init: leak_check: %s\n",
			       leak_counters_leaked(before, n, "init: ", init_name) ? "LEAKED" : "no leak");
	qemu_exit(status_to_exit_code(status));
}

/* ---- monitor commands ---- */

static int cmd_run(int argc, char **argv)
{
	char *args[MONITOR_MAX_ARGS + 1];
	int pid, status = 0;
	bool background = argc > 2 && !strcmp(argv[argc - 1], "&");

	if (background)
		argc--;
	for (int i = 1; i < argc; i++)		/* argv = NAME ARGS..., NULL-terminated */
		args[i - 1] = argv[i];
	args[argc - 1] = NULL;
	pid = spawn_user(argv[1], args);
	if (pid == -ENOENT)
		return monitor_error(pid, "no program %s (the programs are the boot modules)", argv[1]);
	if (pid < 0)
		return monitor_error(pid, "cannot start %s (error %d)", argv[1], pid);
	if (background) {
		detach_user(pid);
		console_printf("[%d] %s\n", pid, argv[1]);
		return 0;
	}
	wait_user(pid, &status);
	describe_status(argv[1], pid, status);
	return 0;
}
MONITOR_CMD(run, "NAME [ARGS...] [&]", "run a user program (a boot module); wait for it unless &", cmd_run);

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
		return monitor_error(-ESRCH, "no process %d", pid);
	*mm = get_task_mm(p);
	if (!*mm) {
		put_task_struct(p);
		return monitor_error(-ESRCH, "no process %d (it is exiting)", pid);
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
		return monitor_error(-ENOMEM, "no memory for the listing");
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

	if (parse_pid(argv[1], &pid))
		return -EINVAL;
	if (argc == 3) {
		if (kstrtol(argv[2], 10, &v) || v < 1 || v > _NSIG)
			return -EINVAL;
		sig = v;
	}
	p = find_process(pid);
	if (!p)
		return monitor_error(-ESRCH, "no process %d", pid);
	r = send_sig_process(p, sig, SI_KERNEL);
	put_task_struct(p);
	if (r)
		return monitor_error(r, "no process %d (it is exiting)", pid);
	return 0;
}
MONITOR_CMD(kill, "PID [SIG]", "send a signal (default SIGKILL) to a process", cmd_kill);

static const char *state_name(const struct task *p)
{
	if (p->user.exit_state == EXIT_ZOMBIE)
		return "zombie";
	switch (p->state) {
	case TASK_RUNNING: return p->on_cpu ? "running" : "runnable";
	case TASK_INTERRUPTIBLE: return "sleeping";
	case TASK_UNINTERRUPTIBLE: return "blocked";
	case TASK_DEAD: return "dead";
	case TASK_NEW: return "new";
	}
	return "?";
}

/* Every task, kernel threads too; tasklist_lock keeps the process links still while we print. */
static int cmd_ps(int argc, char **argv)
{
	unsigned long flags;
	struct task *p;

	(void)argc;
	(void)argv;
	console_printf("  pid   tgid   ppid  cpu  state     switches  migrations  run-ms  name\n");
	flags = spin_lock_irqsave(&tasklist_lock);
	list_for_each_entry(p, &task_list, tasks) {
		/* kernel threads: their own tgid, parent 0; threads show their process's parent */
		bool user = is_user_task(p);
		struct task *parent = user ? p->user.group_leader->user.parent : NULL;
		console_printf("%5d  %5d  %5d  %3d  %-8s  %8lu  %10lu  %6lu  %s%s\n", p->pid,
			       user ? p->user.tgid : p->pid, parent ? parent->user.tgid : 0, p->cpu,
			       state_name(p), p->nvcsw + p->nivcsw, p->nr_migrations,
			       (unsigned long)(p->sum_exec_ns / 1000000), p->comm,
			       user ? (p->user.group_leader == p ? "" : " (thread)") : " [kernel]");
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return 0;
}
MONITOR_CMD(ps, "", "tasks: pid, tgid, ppid, CPU, state, switches, migrations, name", cmd_ps);
