/*
 * kernel/proc/sys_console.c - the console as file descriptors 0, 1 and 2.
 *
 * There is no file system: descriptors 0 to 2 are the serial console,
 * open for reading and writing as a serial tty would be, and every other
 * number is EBADF. Reading is canonical-mode-like: characters are echoed,
 * CR becomes NL, Backspace erases, and read returns at a newline or when
 * the buffer is full. The UART is polled (the monitor does the same), a
 * poll every CONSOLE_POLL_MS in an interruptible sleep, so a signal ends
 * a read with EINTR (or restarts it, under SA_RESTART).
 *
 * ioctl(TIOCGWINSZ) answers as Linux does for a serial tty nobody has
 * resized: success, with a winsize of all zeros. musl's isatty() uses it,
 * so stdout is a terminal and line-buffered. Any other ioctl is ENOTTY.
 */
#include "kernel/proc/proc.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/syscalls.h"
#include "kernel/sched/sched.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/time.h"
#include "arch/x86_64/serial.h"

#define CONSOLE_FDS		3	/* 0, 1 and 2 */
#define CONSOLE_POLL_MS		10
#define CONSOLE_CHUNK		256	/* bytes copied from user space per console write */
#define IOV_MAX			1024
#define TIOCGWINSZ		0x5413
#define TCGETS			0x5401

struct iovec { unsigned long base; size_t len; };

static bool console_fd(int fd)
{
	return fd >= 0 && fd < CONSOLE_FDS;
}

static long console_write_user(const char __user *buf, size_t count)
{
	char chunk[CONSOLE_CHUNK];
	size_t done = 0;

	while (done < count) {
		size_t n = min(count - done, sizeof(chunk));
		if (copy_from_user(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
		if (fatal_signal_pending(current))
			break;			/* a killed writer stops at once, as in Linux */
		cond_resched();			/* a huge write must not hog the CPU */
	}
	return done;
}

long sys_write(int fd, const char __user *buf, size_t count)
{
	if (!console_fd(fd))
		return -EBADF;
	if ((long)count < 0)
		return -EINVAL;
	if (!access_ok(buf, count))
		return -EFAULT;
	return console_write_user(buf, count);
}

/* Next input character, sleeping between polls; -ERESTARTSYS if a signal came first. */
static int console_getc(void)
{
	int c;

	while ((c = serial_getc_nowait()) < 0) {
		if (signal_pending(current))
			return -ERESTARTSYS;
		set_current_state(TASK_INTERRUPTIBLE);
		schedule_timeout((long)CONSOLE_POLL_MS * NSEC_PER_MSEC);
		__set_current_state(TASK_RUNNING);
	}
	return c;
}

long sys_read(int fd, char __user *buf, size_t count)
{
	size_t done = 0;

	if (!console_fd(fd))
		return -EBADF;
	if (!access_ok(buf, count))
		return -EFAULT;
	while (done < count) {
		int c = console_getc();
		char ch;

		if (c < 0)
			return done ? (long)done : c;
		ch = c == '\r' ? '\n' : (char)c;
		if ((ch == 0x7f || ch == '\b')) {
			if (done) {
				done--;
				console_write("\b \b", 3);
			}
			continue;
		}
		if (ch == 0x04)			/* Ctrl-D: end of input for this read */
			break;
		console_write(&ch, 1);		/* echo */
		if (put_user(ch, buf + done))
			return done ? (long)done : -EFAULT;
		done++;
		if (ch == '\n')
			break;
	}
	return done;
}

long sys_close(int fd)
{
	return console_fd(fd) ? 0 : close_fd(fd);	/* the console stays usable: nothing to release */
}

static long do_iov(int fd, const void __user *uiov, int iovcnt, bool write)
{
	struct iovec iov;
	long total = 0;

	if (!console_fd(fd))
		return -EBADF;
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	for (int i = 0; i < iovcnt; i++) {
		long r;
		if (copy_from_user(&iov, (const struct iovec __user *)uiov + i, sizeof(iov)))
			return total ? total : -EFAULT;
		if ((long)iov.len < 0)
			return -EINVAL;
		if (!iov.len)
			continue;
		r = write ? sys_write(fd, (const char *)iov.base, iov.len) : sys_read(fd, (char *)iov.base, iov.len);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((size_t)r < iov.len)
			break;
		if (!write)
			break;			/* a console read returns at a line end */
	}
	return total;
}

long sys_writev(int fd, const void __user *iov, int iovcnt)
{
	return do_iov(fd, iov, iovcnt, true);
}

long sys_readv(int fd, const void __user *iov, int iovcnt)
{
	return do_iov(fd, iov, iovcnt, false);
}

long sys_ioctl(int fd, unsigned int cmd, unsigned long arg)
{
	static const u16 winsize[4];	/* rows, cols, xpixel, ypixel: unknown, as on a serial tty */

	if (!console_fd(fd))
		return -EBADF;
	switch (cmd) {
	case TIOCGWINSZ:
		return copy_to_user((void __user *)arg, winsize, sizeof(winsize)) ? -EFAULT : 0;
	}
	return -ENOTTY;
}
