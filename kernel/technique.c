/*
 * kernel/technique.c - the registry of techniques (see technique.h): the
 * command-line options, the monitor command `technique`, and the one
 * function through which a mode changes.
 *
 * Techniques live in the .techniques link-time table, declared beside
 * their code. A mode changes only in technique_set(), serialized by
 * technique_mutex so that two changes of one technique (monitor and a
 * benchmark, say) never interleave inside a hook. Readers never take it:
 * they load the int; what a reader may see during a switch (the old mode,
 * then the new one) is each technique's own business, stated beside its
 * declaration, and a technique for which that is not safe either has a
 * hook that makes it so or is boot-only.
 */
#include "kernel/technique.h"
#include "kernel/cmdline.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/sync/mutex.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "arch/x86_64/uaccess.h"

static DEFINE_MUTEX(technique_mutex);

const struct technique *technique_find(const char *name)
{
	for_each_technique(t)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

int technique_mode_index(const struct technique *t, const char *name)
{
	for (int i = 0; i < t->nr_modes; i++)
		if (!strcmp(t->modes[i], name))
			return i;
	return -ENOENT;
}

const char *technique_mode_name(const struct technique *t)
{
	int m = READ_ONCE(*t->mode);

	return m >= 0 && m < t->nr_modes ? t->modes[m] : "?";
}

int technique_set(const struct technique *t, int to, char *why, size_t size)
{
	char none[1];
	int from, err = 0;

	if (!why) {
		why = none;
		size = sizeof(none);
	}
	why[0] = 0;
	if (to < 0 || to >= t->nr_modes) {
		scnprintf(why, size, "%s has modes 0 to %d", t->name, t->nr_modes - 1);
		return -EINVAL;
	}
	if (t->flags & TECHNIQUE_BOOT) {
		scnprintf(why, size, "%s is chosen at boot only (%s=MODE on the command line): %s",
			  t->name, t->name, t->boot_only ? t->boot_only : "it cannot change while the system runs");
		return -EPERM;
	}
	mutex_lock(&technique_mutex);
	from = READ_ONCE(*t->mode);
	if (from != to) {
		if (t->change)
			err = t->change(t, from, to, why, size);
		else
			WRITE_ONCE(*t->mode, to);
	}
	mutex_unlock(&technique_mutex);
	if (!err && from != to)
		pr_debug("technique: %s %s -> %s\n", t->name, t->modes[from], t->modes[to]);
	return err;
}

int technique_set_by_name(const char *name, const char *mode)
{
	const struct technique *t = technique_find(name);
	int m;

	if (!t)
		return -ENOENT;
	m = technique_mode_index(t, mode);
	if (m < 0)
		return m;
	return technique_set(t, m, NULL, 0);
}

int technique_use(const char *name, int mode)
{
	const struct technique *t = technique_find(name);
	int old, err;

	if (!t)
		return -ENOENT;
	old = READ_ONCE(*t->mode);
	err = technique_set(t, mode, NULL, 0);
	return err ? err : old;
}

int technique_snapshot(int *modes, int max)
{
	int n = 0;

	for_each_technique(t)
		if (n < max)
			modes[n++] = READ_ONCE(*t->mode);
	return n;
}

void technique_restore(const int *modes, int n)
{
	int i = 0;

	for_each_technique(t) {
		if (i >= n)
			break;
		if (READ_ONCE(*t->mode) != modes[i]) {
			if (t->flags & TECHNIQUE_BOOT)
				WRITE_ONCE(*t->mode, modes[i]);	/* a test set it as the boot would */
			else
				technique_set(t, modes[i], NULL, 0);
		}
		i++;
	}
}

/*
 * At boot, before anything runs that reads the modes: a plain store, for
 * boot-only techniques too (that is when they are chosen), with no hook.
 */
static int set_at_boot(const struct technique *t, const char *val)
{
	int m = technique_mode_index(t, val);

	if (m < 0) {
		char modes[TECHNIQUE_WHY_MAX] = "";
		for (int i = 0; i < t->nr_modes; i++)
			scnprintf(modes + strlen(modes), sizeof(modes) - strlen(modes), "%s%s",
				  i ? "|" : "", t->modes[i]);
		pr_warn("cmdline: %s has no mode '%s' (its modes: %s); ignored\n", t->name, val, modes);
		return -EINVAL;
	}
	WRITE_ONCE(*t->mode, m);
	return 0;
}

int technique_parse_option(const char *name, const char *val)
{
	const struct technique *t;

	if (!strcmp(name, "techniques")) {
		if (!val || strcmp(val, "naive")) {
			pr_warn("cmdline: techniques= takes one value, naive (mode 0 of every technique); ignored\n");
			return -EINVAL;
		}
		for_each_technique(u)
			if (!(u->flags & TECHNIQUE_HIDDEN))
				WRITE_ONCE(*u->mode, 0);
		return 0;
	}
	t = technique_find(name);
	if (!t)
		return -ENOENT;
	if (!val || !val[0]) {
		pr_warn("cmdline: technique '%s' needs a mode (%s=MODE); ignored\n", name, name);
		return -EINVAL;
	}
	return set_at_boot(t, val);
}

static void print_modes(const struct technique *t, char *buf, size_t size)
{
	buf[0] = 0;
	for (int i = 0; i < t->nr_modes; i++)
		scnprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? "|" : "", t->modes[i]);
}

void technique_print_options(void)
{
	char modes[TECHNIQUE_WHY_MAX], opt[TECHNIQUE_WHY_MAX];

	console_printf("  %-22s %s\n", "techniques=naive", "every technique in its naive mode (mode 0)");
	for_each_technique(t) {
		if (t->flags & TECHNIQUE_HIDDEN)
			continue;
		print_modes(t, modes, sizeof(modes));
		scnprintf(opt, sizeof(opt), "%s=", t->name);
		console_printf("  %-22s %s: %s (default %s)\n", opt, modes, t->help, t->modes[t->def]);
	}
}

static int cmd_technique(int argc, char **argv)
{
	const struct technique *t;
	char modes[TECHNIQUE_WHY_MAX], why[TECHNIQUE_WHY_MAX];
	int m, err;

	if (argc == 1) {
		console_printf("  %-16s %-10s %-7s %s\n", "technique", "mode", "change", "modes (naive first)");
		for_each_technique(u) {
			if (u->flags & TECHNIQUE_HIDDEN)
				continue;
			print_modes(u, modes, sizeof(modes));
			console_printf("  %-16s %-10s %-7s %s\n", u->name, technique_mode_name(u),
				       (u->flags & TECHNIQUE_BOOT) ? "boot" : "live", modes);
		}
		return 0;
	}
	if (argc != 3)
		return -EINVAL;
	t = technique_find(argv[1]);
	if (!t)
		return monitor_error(-ENOENT, "no technique %s (`technique` lists them)", argv[1]);
	m = technique_mode_index(t, argv[2]);
	if (m < 0) {
		print_modes(t, modes, sizeof(modes));
		return monitor_error(-ENOENT, "%s has no mode %s; its modes: %s", t->name, argv[2], modes);
	}
	err = technique_set(t, m, why, sizeof(why));
	if (err)
		return monitor_error(err, "%s stays %s: %s", t->name, technique_mode_name(t),
				     why[0] ? why : "refused");
	console_printf("%s: %s\n", t->name, technique_mode_name(t));
	return 0;
}
MONITOR_CMD(technique, "[NAME MODE]", "list the techniques and their modes, or switch one live", cmd_technique);

/*
 * Numbat's own system call (kernel/proc/syscalls.h): a program switches a
 * technique live, as the monitor does (benchmarks such as pfbench measure
 * every mode in one run this way), or, with mode NULL, reads the mode in
 * force into buf. 0 or -errno: -ENOENT no such technique or mode, -EPERM
 * boot-only, -EBUSY a hook refused, -ERANGE buf too small, -EFAULT.
 */
#define TECHNIQUE_NAME_MAX	64

long sys_numbat_technique(const char __user *uname, const char __user *umode, char __user *buf, size_t len)
{
	char name[TECHNIQUE_NAME_MAX], mode[TECHNIQUE_NAME_MAX];
	const struct technique *t;
	const char *cur;
	long n = strncpy_from_user(name, uname, sizeof(name));
	int m;

	if (n < 0)
		return n;
	if (n == sizeof(name))
		return -ENOENT;
	t = technique_find(name);
	if (!t || (t->flags & TECHNIQUE_HIDDEN))
		return -ENOENT;
	if (!umode) {
		cur = technique_mode_name(t);
		if (strlen(cur) + 1 > len)
			return -ERANGE;
		return copy_to_user(buf, cur, strlen(cur) + 1) ? -EFAULT : 0;
	}
	n = strncpy_from_user(mode, umode, sizeof(mode));
	if (n < 0)
		return n;
	m = n == sizeof(mode) ? -ENOENT : technique_mode_index(t, mode);
	if (m < 0)
		return -ENOENT;
	return technique_set(t, m, NULL, 0);
}
