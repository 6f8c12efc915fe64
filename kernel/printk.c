/*
 * kernel/printk.c - the kernel log: formatting, the console lock, the log
 * buffer and per-CPU capture (see printk.h for the contract).
 *
 * Lock rule: console_lock is taken with interrupts off and protects the
 * UART and the log buffer. A CPU that re-enters printk while it holds the
 * lock (an exception or NMI inside printk) writes without taking it again:
 * a mangled line beats a deadlock in the oops path. During a panic, a lock
 * held by another CPU is broken after a bounded wait.
 */
#include "kernel/printk.h"
#include "kernel/percpu.h"
#include "kernel/sched/task.h"
#include "kernel/time.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/sync/spinlock.h"
#include "kernel/cmdline.h"
#include "kernel/monitor.h"
#include "kernel/errno.h"
#include "arch/x86_64/desc.h"
#include "arch/x86_64/serial.h"

int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;
bool oops_in_progress;

static spinlock_t console_lock = SPINLOCK_INIT("console_lock");
static char log_buf[LOG_BUF_SIZE];
static unsigned long log_head;		/* total bytes ever written */

/*
 * Capture belongs to the task, not the CPU: a test that captures may sleep
 * and wake on another CPU. Output from interrupt handlers is never
 * captured (it is not the task's).
 */
static struct printk_capture *task_capture(void)
{
	struct task *t = this_cpu_read(current_task);

	if (!t || this_cpu_read(irq_depth))
		return NULL;
	return &t->capture;
}

static int parse_loglevel(const char *val)
{
	unsigned long v;
	int err = kstrtoul(val, 10, &v);

	if (err || v > 8)
		return err ? err : -EINVAL;
	console_loglevel = v;
	return 0;
}
CMDLINE_PARAM("loglevel", parse_loglevel, "console log level: print messages below this level (0-8, default 7)");

static int parse_quiet(const char *val)
{
	(void)val;
	console_loglevel = 4;
	return 0;
}
CMDLINE_FLAG("quiet", parse_quiet, "print only warnings and worse on the console (loglevel=4)");

/* Takes the console lock unless this CPU already holds it; returns whether taken. */
static bool console_lock_acquire(void)
{
	unsigned long spins = 0;

	if (READ_ONCE(console_lock.owner_cpu) == smp_processor_id())
		return false;
	while (!spin_trylock(&console_lock)) {
		cpu_relax();
		if (READ_ONCE(oops_in_progress) && ++spins > 10000000) {
			spin_lock_init(&console_lock, "console_lock");
			spins = 0;
		}
	}
	return true;
}

static void log_store(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		log_buf[(log_head + i) % LOG_BUF_SIZE] = s[i];
	log_head += n;
}

/* Writes under the lock, or to this CPU's capture buffer if one is set. */
static void emit(const char *s, size_t n, bool to_console)
{
	struct printk_capture *cap = task_capture();
	unsigned long flags;
	bool locked;

	if (cap && cap->buf) {
		size_t room = cap->size - 1 - cap->len;
		if (!to_console)
			return;		/* capture shows what the console would */
		if (n > room)
			n = room;
		memcpy(cap->buf + cap->len, s, n);
		cap->len += n;
		cap->buf[cap->len] = 0;
		return;
	}
	flags = local_irq_save();
	locked = console_lock_acquire();
	log_store(s, n);
	if (to_console)
		serial_write(s, n);
	if (locked)
		spin_unlock(&console_lock);
	local_irq_restore(flags);
}

int vprintk(const char *fmt, va_list ap)
{
	char msg[PRINTK_LINE_MAX], out[PRINTK_LINE_MAX + 128];
	int level = LOGLEVEL_DEFAULT, len = 0;
	const char *line;
	ktime_t now = ktime_get_ns();

	if (fmt[0] == KERN_SOH[0] && fmt[1] >= '0' && fmt[1] <= '7') {
		level = fmt[1] - '0';
		fmt += 2;
	}
	vscnprintf(msg, sizeof(msg), fmt, ap);
	/* every line of the message gets the prefix */
	for (line = msg; *line; ) {
		const char *nl = strchr(line, '\n');
		int n = nl ? nl - line : (int)strlen(line);
		len += scnprintf(out + len, sizeof(out) - len, "[%5lu.%06lu] cpu%d: %.*s\n",
				 (unsigned long)(now / 1000000000), (unsigned long)(now % 1000000000) / 1000,
				 smp_processor_id(), n, line);
		line += n + (nl ? 1 : 0);
	}
	emit(out, len, level < console_loglevel);
	return len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void console_write(const char *s, size_t n)
{
	emit(s, n, true);
}

void console_vprintf(const char *fmt, va_list ap)
{
	char buf[PRINTK_LINE_MAX * 2];
	int n = vscnprintf(buf, sizeof(buf), fmt, ap);

	emit(buf, n, true);
}

void console_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
}

void printk_capture_start(char *buf, size_t size)
{
	struct printk_capture *cap = &current->capture;

	buf[0] = 0;
	cap->size = size;
	cap->len = 0;
	cap->buf = buf;
}

size_t printk_capture_stop(void)
{
	struct printk_capture *cap = &current->capture;

	cap->buf = NULL;
	return cap->len;
}

size_t log_buf_read(char *buf, size_t size)
{
	unsigned long flags = spin_lock_irqsave(&console_lock);
	unsigned long avail = log_head < LOG_BUF_SIZE ? log_head : LOG_BUF_SIZE;
	size_t n = avail < size - 1 ? avail : size - 1;

	for (size_t i = 0; i < n; i++)
		buf[i] = log_buf[(log_head - n + i) % LOG_BUF_SIZE];
	buf[n] = 0;
	spin_unlock_irqrestore(&console_lock, flags);
	return n;
}

static int cmd_dmesg(int argc, char **argv)
{
	static char buf[LOG_BUF_SIZE];
	size_t n = log_buf_read(buf, sizeof(buf));

	(void)argc;
	(void)argv;
	console_write(buf, n);
	return 0;
}
MONITOR_CMD(dmesg, "", "the kernel log since boot (the last 64 KiB)", cmd_dmesg);
