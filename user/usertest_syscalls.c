/*
 * user/usertest_syscalls.c - the system calls of a single thread on their
 * success and their error paths, each as Linux x86-64 answers it: identity,
 * console I/O, time, scheduling and affinity, randomness, signals, futex
 * errors, arch_prctl, and an unknown system-call number.
 *
 * Memory management is in usertest_mm, threads in usertest_threads,
 * processes in usertest_fork, kernel pointers in usertest_isolation.
 */
#include "ktap.h"
#include "numbat.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

#define NSEC_PER_SEC	1000000000L
#define NSEC_PER_MSEC	1000000L
#define IOV_MAX_LINUX	1024	/* UIO_MAXIOV */
#define NO_SUCH_PID	0x7fffffff
#define BAD_CLOCK	1000
#define BAD_SIGNAL	1000
#define KSIGSET_SIZE	8	/* the kernel's sigset_t: 64 signals */

static long now_ns(clockid_t clock)
{
	struct timespec ts;

	SYS(SYS_clock_gettime, clock, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* ---------------------------------------------------------- identity */

static int identity(void)
{
	long pid = SYS(SYS_getpid), tid = SYS(SYS_gettid);

	CHECK(pid > 0);
	CHECK_EQ(tid, pid);		/* the main thread's tid is the pid */
	CHECK_EQ(getpid(), pid);
	CHECK(SYS(SYS_getppid) >= 0);	/* 0 when the kernel started us */
	return 0;
}

static int set_tid_address_returns_tid(void)
{
	static int word;

	CHECK_EQ(SYS(SYS_set_tid_address, &word), SYS(SYS_gettid));
	/* a bad address is only used at exit; setting it cannot fail */
	CHECK_EQ(SYS(SYS_set_tid_address, BAD_USER_ADDR), SYS(SYS_gettid));
	/* musl's pthread_exit/join protocol needs it back on its own word */
	CHECK_EQ(SYS(SYS_set_tid_address, &word), SYS(SYS_gettid));
	return 0;
}

/* ---------------------------------------------------------- console I/O */

static int write_console(void)
{
	static const char line[] = KTAP_INDENT "# write_console: a line written by write(2)\n";

	CHECK_EQ(SYS(SYS_write, 1, line, sizeof(line) - 1), sizeof(line) - 1);
	CHECK_EQ(SYS(SYS_write, 2, line, sizeof(line) - 1), sizeof(line) - 1);
	CHECK_EQ(SYS(SYS_write, 1, line, 0), 0);
	return 0;
}

static int write_errors(void)
{
	CHECK_ERR(SYS(SYS_write, -1, "x", 1), EBADF);
	CHECK_ERR(SYS(SYS_write, 1000, "x", 1), EBADF);
	CHECK_ERR(SYS(SYS_write, 1, BAD_USER_ADDR, 5), EFAULT);
	return 0;
}

static int writev_console(void)
{
	struct iovec iov[3] = {
		{ KTAP_INDENT "# writev_console: ", sizeof(KTAP_INDENT "# writev_console: ") - 1 },
		{ "three pieces, ", 14 },
		{ "one line\n", 9 },
	};
	long total = iov[0].iov_len + iov[1].iov_len + iov[2].iov_len;

	CHECK_EQ(SYS(SYS_writev, 1, iov, 3), total);
	CHECK_EQ(SYS(SYS_writev, 1, iov, 0), 0);
	return 0;
}

static int writev_errors(void)
{
	struct iovec bad_base = { (void *)BAD_USER_ADDR, 4 };
	struct iovec ok = { "x", 1 };

	CHECK_ERR(SYS(SYS_writev, 1, &ok, -1), EINVAL);
	CHECK_ERR(SYS(SYS_writev, 1, &ok, IOV_MAX_LINUX + 1), EINVAL);
	CHECK_ERR(SYS(SYS_writev, 1, BAD_USER_ADDR, 1), EFAULT);
	CHECK_ERR(SYS(SYS_writev, 1, &bad_base, 1), EFAULT);
	CHECK_ERR(SYS(SYS_writev, -1, &ok, 1), EBADF);
	return 0;
}

static int read_console(void)
{
	char buf[16];

	/* Reading the console would wait for input: only a zero count,
	 * which returns at once, and errors, which are checked first. */
	CHECK_EQ(SYS(SYS_read, 0, buf, 0), 0);
	CHECK_ERR(SYS(SYS_read, -1, buf, sizeof(buf)), EBADF);
	CHECK_ERR(SYS(SYS_read, 1000, buf, sizeof(buf)), EBADF);
	CHECK_ERR(SYS(SYS_read, 0, KERNEL_ADDR, sizeof(buf)), EFAULT);
	return 0;
}

/*
 * TIOCGWINSZ: a serial tty answers 0 (Linux fills in its rows and columns,
 * 0 x 0 for a serial line); a pipe or file answers ENOTTY. Both are Linux.
 */
static int ioctl_winsize(void)
{
	struct winsize ws = { 0xffff, 0xffff, 0xffff, 0xffff };
	long r = SYS(SYS_ioctl, 1, TIOCGWINSZ, &ws);

	CHECK(r == 0 || r == -ENOTTY);
	if (r == 0) {
		ktap_diag("console is a tty: %u rows, %u columns", ws.ws_row, ws.ws_col);
		CHECK(ws.ws_row != 0xffff && ws.ws_col != 0xffff);
		CHECK_ERR(SYS(SYS_ioctl, 1, TIOCGWINSZ, BAD_USER_ADDR), EFAULT);
	} else {
		ktap_diag("console is not a tty (ENOTTY)");
	}
	CHECK_ERR(SYS(SYS_ioctl, 1, 0x7ffe1234, 0), ENOTTY);
	CHECK_ERR(SYS(SYS_ioctl, -1, TIOCGWINSZ, &ws), EBADF);
	CHECK_ERR(SYS(SYS_ioctl, 1000, TIOCGWINSZ, &ws), EBADF);
	return 0;
}

/* ---------------------------------------------------------- system info */

static int uname_fields(void)
{
	struct utsname u;

	memset(&u, 0x5a, sizeof(u));
	CHECK_EQ(SYS(SYS_uname, &u), 0);
	CHECK(memchr(u.sysname, 0, sizeof(u.sysname)) && u.sysname[0]);
	CHECK(memchr(u.release, 0, sizeof(u.release)) && u.release[0]);
	CHECK(!strcmp(u.machine, "x86_64"));
	ktap_diag("%s %s %s", u.sysname, u.release, u.machine);
	CHECK_ERR(SYS(SYS_uname, BAD_USER_ADDR), EFAULT);
	return 0;
}

static int getrandom_bytes(void)
{
	unsigned char a[32], b[32];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	CHECK_EQ(SYS(SYS_getrandom, a, sizeof(a), 0), sizeof(a));
	CHECK_EQ(SYS(SYS_getrandom, b, sizeof(b), GRND_NONBLOCK), sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);	/* 2^-256 to fail by chance */
	CHECK_EQ(SYS(SYS_getrandom, a, 0, 0), 0);
	CHECK_ERR(SYS(SYS_getrandom, a, sizeof(a), 0x100), EINVAL);
	CHECK_ERR(SYS(SYS_getrandom, BAD_USER_ADDR, 16, 0), EFAULT);
	return 0;
}

static int unknown_syscall(void)
{
	CHECK_ERR(SYS(1000), ENOSYS);
	CHECK_ERR(SYS(-1), ENOSYS);
	CHECK_ERR(SYS(999999), ENOSYS);
	CHECK(SYS(SYS_getpid) > 0);	/* and the next call works */
	return 0;
}

/*
 * Numbat's own system call (user/lib/numbat.h): Linux answers ENOSYS, as
 * for any unknown number; Numbat reads and switches a technique with it.
 */
static int numbat_technique_call(void)
{
	struct utsname u;
	char mode[64], again[64];

	CHECK_EQ(uname(&u), 0);
	CHECK_ERR(SYS(NUMBAT_SYSCALL_BASE - 1), ENOSYS);
	CHECK_ERR(SYS(NUMBAT_SYSCALL_BASE + 4096), ENOSYS);
	if (strcmp(u.sysname, "Numbat") != 0) {
		CHECK_ERR(SYS(__NR_numbat_technique, "vma_lookup", 0, mode, sizeof(mode)), ENOSYS);
		return 0;
	}
	CHECK_EQ(numbat_technique("vma_lookup", NULL, mode, sizeof(mode)), 0);
	CHECK(!strcmp(mode, "locked") || !strcmp(mode, "vma_lock") || !strcmp(mode, "vma_ref") || !strcmp(mode, "rcu"));
	CHECK_EQ(numbat_technique("vma_lookup", mode, NULL, 0), 0);	/* to the mode in force: a no-op */
	CHECK_EQ(numbat_technique("vma_lookup", NULL, again, sizeof(again)), 0);
	CHECK(!strcmp(mode, again));
	CHECK_ERR(SYS(__NR_numbat_technique, "no_such_technique", 0, mode, sizeof(mode)), ENOENT);
	CHECK_ERR(SYS(__NR_numbat_technique, "vma_lookup", "no_such_mode", 0, 0), ENOENT);
	CHECK_ERR(SYS(__NR_numbat_technique, "vma_lookup", 0, mode, 2), ERANGE);
	CHECK_ERR(SYS(__NR_numbat_technique, "vma_lookup", 0, BAD_USER_ADDR, sizeof(mode)), EFAULT);
	CHECK_ERR(SYS(__NR_numbat_technique, BAD_USER_ADDR, 0, mode, sizeof(mode)), EFAULT);
	return 0;
}

/* ---------------------------------------------------------- time */

static int clock_gettime_clocks(void)
{
	struct timespec ts;
	long prev = 0;

	CHECK_EQ(SYS(SYS_clock_gettime, CLOCK_REALTIME, &ts), 0);
	CHECK(ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < NSEC_PER_SEC);
	for (int i = 0; i < 1000; i++) {
		CHECK_EQ(SYS(SYS_clock_gettime, CLOCK_MONOTONIC, &ts), 0);
		CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < NSEC_PER_SEC);
		CHECK(ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec >= prev);
		prev = ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	}
	CHECK_ERR(SYS(SYS_clock_gettime, BAD_CLOCK, &ts), EINVAL);
	CHECK_ERR(SYS(SYS_clock_gettime, CLOCK_MONOTONIC, BAD_USER_ADDR), EFAULT);
	return 0;
}

static int nanosleep_sleeps(void)
{
	struct timespec ms = { 0, NSEC_PER_MSEC }, rem;
	struct timespec bad_nsec = { 0, NSEC_PER_SEC }, neg = { 0, -1 }, neg_sec = { -1, 0 };
	long t0 = now_ns(CLOCK_MONOTONIC);

	CHECK_EQ(SYS(SYS_nanosleep, &ms, &rem), 0);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= NSEC_PER_MSEC);
	CHECK_EQ(SYS(SYS_nanosleep, &ms, NULL), 0);
	CHECK_ERR(SYS(SYS_nanosleep, &bad_nsec, NULL), EINVAL);
	CHECK_ERR(SYS(SYS_nanosleep, &neg, NULL), EINVAL);
	CHECK_ERR(SYS(SYS_nanosleep, &neg_sec, NULL), EINVAL);
	CHECK_ERR(SYS(SYS_nanosleep, BAD_USER_ADDR, NULL), EFAULT);
	return 0;
}

static int clock_nanosleep_modes(void)
{
	struct timespec ms = { 0, NSEC_PER_MSEC }, past = { 0, 1 }, bad = { 0, NSEC_PER_SEC };
	struct timespec deadline;
	long t0 = now_ns(CLOCK_MONOTONIC);

	CHECK_EQ(SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ms, NULL), 0);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= NSEC_PER_MSEC);
	CHECK_EQ(SYS(SYS_clock_nanosleep, CLOCK_REALTIME, 0, &ms, NULL), 0);
	/* an absolute time already past returns at once */
	CHECK_EQ(SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL), 0);
	/* an absolute deadline 2 ms ahead is honoured */
	t0 = now_ns(CLOCK_MONOTONIC);
	deadline.tv_sec = (t0 + 2 * NSEC_PER_MSEC) / NSEC_PER_SEC;
	deadline.tv_nsec = (t0 + 2 * NSEC_PER_MSEC) % NSEC_PER_SEC;
	CHECK_EQ(SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL), 0);
	CHECK(now_ns(CLOCK_MONOTONIC) >= t0 + 2 * NSEC_PER_MSEC);
	CHECK_ERR(SYS(SYS_clock_nanosleep, BAD_CLOCK, 0, &ms, NULL), EINVAL);
	CHECK_ERR(SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL);
	CHECK_ERR(SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, BAD_USER_ADDR, NULL), EFAULT);
	return 0;
}

/* ---------------------------------------------------------- scheduling */

static int sched_yield_returns(void)
{
	for (int i = 0; i < 100; i++)
		CHECK_EQ(SYS(SYS_sched_yield), 0);
	return 0;
}

static int getaffinity(void)
{
	cpu_set_t set;
	long n;

	CPU_ZERO(&set);
	n = SYS(SYS_sched_getaffinity, 0, sizeof(set), &set);
	/* the kernel copies its own mask size: whole longs, at most len */
	CHECK(n > 0 && n % sizeof(long) == 0 && n <= (long)sizeof(set));
	CHECK(CPU_COUNT(&set) >= 1);
	CHECK_EQ(SYS(SYS_sched_getaffinity, SYS(SYS_getpid), sizeof(set), &set), n);
	CHECK_ERR(SYS(SYS_sched_getaffinity, 0, 4, &set), EINVAL);	/* not whole longs */
	CHECK_ERR(SYS(SYS_sched_getaffinity, 0, 0, &set), EINVAL);	/* too small */
	CHECK_ERR(SYS(SYS_sched_getaffinity, 0, sizeof(set), BAD_USER_ADDR), EFAULT);
	CHECK_ERR(SYS(SYS_sched_getaffinity, NO_SUCH_PID, sizeof(set), &set), ESRCH);
	return 0;
}

static int setaffinity_pins(void)
{
	int cpus[CPU_SETSIZE], n = ktap_cpus(cpus, CPU_SETSIZE);
	cpu_set_t all, set;
	unsigned cpu, node;

	CHECK(n >= 1);
	CPU_ZERO(&all);
	CHECK(SYS(SYS_sched_getaffinity, 0, sizeof(all), &all) > 0);
	for (int i = 0; i < n; i++) {
		CHECK_EQ(ktap_pin(cpus[i]), 0);
		/* the move happens before the call returns */
		CHECK_EQ(SYS(SYS_getcpu, &cpu, &node, NULL), 0);
		CHECK_EQ(cpu, cpus[i]);
		CPU_ZERO(&set);
		CHECK(SYS(SYS_sched_getaffinity, 0, sizeof(set), &set) > 0);
		CHECK_EQ(CPU_COUNT(&set), 1);
		CHECK(CPU_ISSET(cpus[i], &set));
	}
	CHECK_EQ(SYS(SYS_sched_setaffinity, 0, sizeof(all), &all), 0);
	ktap_diag("pinned to each of %d CPUs in turn", n);
	return 0;
}

static int setaffinity_errors(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CHECK_ERR(SYS(SYS_sched_setaffinity, 0, sizeof(set), &set), EINVAL);	/* empty */
	CPU_SET(CPU_SETSIZE - 1, &set);		/* only a CPU that does not exist */
	CHECK_ERR(SYS(SYS_sched_setaffinity, 0, sizeof(set), &set), EINVAL);
	CHECK_ERR(SYS(SYS_sched_setaffinity, 0, sizeof(set), BAD_USER_ADDR), EFAULT);
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	CHECK_ERR(SYS(SYS_sched_setaffinity, NO_SUCH_PID, sizeof(set), &set), ESRCH);
	return 0;
}

static int getcpu_in_range(void)
{
	unsigned cpu = ~0u, node = ~0u;
	cpu_set_t set;

	CPU_ZERO(&set);
	CHECK(SYS(SYS_sched_getaffinity, 0, sizeof(set), &set) > 0);
	CHECK_EQ(SYS(SYS_getcpu, &cpu, &node, NULL), 0);
	CHECK(cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set));
	CHECK(node < 64);
	CHECK_EQ(SYS(SYS_getcpu, NULL, NULL, NULL), 0);
	CHECK_EQ(SYS(SYS_getcpu, &cpu, NULL, NULL), 0);
	CHECK_ERR(SYS(SYS_getcpu, BAD_USER_ADDR, NULL, NULL), EFAULT);
	CHECK_ERR(SYS(SYS_getcpu, &cpu, BAD_USER_ADDR, NULL), EFAULT);
	return 0;
}

/* ---------------------------------------------------------- arch_prctl */

struct fake_tcb {
	struct fake_tcb *self;		/* %fs:0 points at itself, as in musl */
	long magic;
};

static int arch_prctl_fs(void)
{
	static struct fake_tcb tcb;
	unsigned long fs = 0, fs2 = 0, self = 0;
	long magic = 0, r;

	CHECK_EQ(SYS(SYS_arch_prctl, ARCH_GET_FS, &fs), 0);
	CHECK_EQ(fs, (unsigned long)pthread_self());	/* musl: the thread pointer */

	/* While %fs is ours, no libc call (errno lives in TLS). */
	tcb.self = &tcb;
	tcb.magic = 0x6e756d626174;
	r = SYS(SYS_arch_prctl, ARCH_SET_FS, &tcb);
	if (r == 0) {
		SYS(SYS_arch_prctl, ARCH_GET_FS, &fs2);
		__asm__ volatile("mov %%fs:0, %0" : "=r"(self));
		__asm__ volatile("mov %%fs:8, %0" : "=r"(magic));
		SYS(SYS_sched_yield);	/* a context switch must keep it */
		__asm__ volatile("mov %%fs:0, %0" : "=r"(self));
	}
	CHECK_EQ(SYS(SYS_arch_prctl, ARCH_SET_FS, fs), 0);
	CHECK_EQ(r, 0);
	CHECK_EQ(fs2, (unsigned long)&tcb);
	CHECK_EQ(self, (unsigned long)&tcb);
	CHECK_EQ(magic, 0x6e756d626174);

	CHECK_ERR(SYS(SYS_arch_prctl, ARCH_SET_FS, KERNEL_ADDR), EPERM);
	CHECK_ERR(SYS(SYS_arch_prctl, ARCH_SET_FS, 0x0000800000000000UL), EPERM);
	CHECK_ERR(SYS(SYS_arch_prctl, 0x9999, &fs), EINVAL);
	CHECK_ERR(SYS(SYS_arch_prctl, ARCH_GET_FS, BAD_USER_ADDR), EFAULT);
	CHECK_EQ(SYS(SYS_arch_prctl, ARCH_GET_FS, &fs2), 0);
	CHECK_EQ(fs2, fs);
	return 0;
}

/* ---------------------------------------------------------- futex errors */

static int futex_errors(void)
{
	static int word = 5;
	struct timespec ms = { 0, NSEC_PER_MSEC }, bad = { 0, NSEC_PER_SEC };
	int ops[2] = { FUTEX_WAIT | FUTEX_PRIVATE_FLAG, FUTEX_WAIT };

	for (int i = 0; i < 2; i++) {
		int wait = ops[i], wake = (ops[i] & ~FUTEX_WAIT) | FUTEX_WAKE;

		CHECK_ERR(SYS(SYS_futex, &word, wait, 4, NULL), EAGAIN);	/* value changed */
		CHECK_ERR(SYS(SYS_futex, &word, wait, 5, &ms), ETIMEDOUT);
		CHECK_ERR(SYS(SYS_futex, &word, wait, 5, &bad), EINVAL);
		CHECK_EQ(SYS(SYS_futex, &word, wake, 1), 0);			/* nobody waits */
		CHECK_ERR(SYS(SYS_futex, (char *)&word + 1, wait, 5, &ms), EINVAL);	/* unaligned */
		CHECK_ERR(SYS(SYS_futex, BAD_USER_ADDR, wait, 5, &ms), EFAULT);
		CHECK_ERR(SYS(SYS_futex, KERNEL_ADDR, wait, 5, &ms), EFAULT);
	}
	CHECK_ERR(SYS(SYS_futex, &word, 0x7f, 0), ENOSYS);			/* no such op */
	CHECK_EQ(word, 5);
	return 0;
}

/* ---------------------------------------------------------- signals */

struct ksigaction {		/* the kernel's struct sigaction on x86-64 */
	void *handler;
	unsigned long flags;
	void *restorer;
	unsigned long mask;
};

#define SIGBIT(s) (1UL << ((s) - 1))

static int sigprocmask_masks(void)
{
	unsigned long set = SIGBIT(SIGUSR1), old = ~0UL, cur = 0;
	unsigned long all = ~0UL;

	CHECK_EQ(SYS(SYS_rt_sigprocmask, SIG_SETMASK, NULL, &old, KSIGSET_SIZE), 0);
	CHECK_EQ(SYS(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, KSIGSET_SIZE), 0);
	CHECK_EQ(SYS(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &cur, KSIGSET_SIZE), 0);
	CHECK(cur & SIGBIT(SIGUSR1));
	CHECK_EQ(SYS(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, &cur, KSIGSET_SIZE), 0);
	CHECK(cur & SIGBIT(SIGUSR1));
	CHECK_EQ(SYS(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, KSIGSET_SIZE), 0);
	CHECK_EQ(SYS(SYS_rt_sigprocmask, SIG_SETMASK, &old, &cur, KSIGSET_SIZE), 0);
	/* SIGKILL and SIGSTOP cannot be blocked: they are silently dropped */
	CHECK(!(cur & SIGBIT(SIGKILL)) && !(cur & SIGBIT(SIGSTOP)));
	CHECK(cur & SIGBIT(SIGUSR2));
	CHECK_ERR(SYS(SYS_rt_sigprocmask, 99, &set, NULL, KSIGSET_SIZE), EINVAL);
	CHECK_ERR(SYS(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL);
	CHECK_ERR(SYS(SYS_rt_sigprocmask, SIG_BLOCK, BAD_USER_ADDR, NULL, KSIGSET_SIZE), EFAULT);
	CHECK_ERR(SYS(SYS_rt_sigprocmask, SIG_BLOCK, NULL, BAD_USER_ADDR, KSIGSET_SIZE), EFAULT);
	CHECK_EQ(SYS(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &cur, KSIGSET_SIZE), 0);
	CHECK_EQ(cur, old);
	return 0;
}

static int sigaction_set_get(void)
{
	struct ksigaction ign = { SIG_IGN, 0, NULL, 0 }, dfl = { SIG_DFL, 0, NULL, 0 };
	struct ksigaction old;

	memset(&old, 0xff, sizeof(old));
	CHECK_EQ(SYS(SYS_rt_sigaction, SIGUSR1, &ign, &old, KSIGSET_SIZE), 0);
	CHECK(old.handler == SIG_DFL);
	CHECK_EQ(SYS(SYS_rt_sigaction, SIGUSR1, NULL, &old, KSIGSET_SIZE), 0);
	CHECK(old.handler == SIG_IGN);
	/* an ignored signal sent to ourselves does nothing */
	CHECK_EQ(SYS(SYS_kill, SYS(SYS_getpid), SIGUSR1), 0);
	CHECK_EQ(SYS(SYS_rt_sigaction, SIGUSR1, &dfl, NULL, KSIGSET_SIZE), 0);
	CHECK_ERR(SYS(SYS_rt_sigaction, SIGKILL, &ign, NULL, KSIGSET_SIZE), EINVAL);
	CHECK_ERR(SYS(SYS_rt_sigaction, SIGSTOP, &ign, NULL, KSIGSET_SIZE), EINVAL);
	CHECK_EQ(SYS(SYS_rt_sigaction, SIGKILL, NULL, &old, KSIGSET_SIZE), 0);	/* reading is fine */
	CHECK_ERR(SYS(SYS_rt_sigaction, 0, &ign, NULL, KSIGSET_SIZE), EINVAL);
	CHECK_ERR(SYS(SYS_rt_sigaction, 65, &ign, NULL, KSIGSET_SIZE), EINVAL);
	CHECK_ERR(SYS(SYS_rt_sigaction, SIGUSR1, &ign, NULL, 4), EINVAL);
	CHECK_ERR(SYS(SYS_rt_sigaction, SIGUSR1, BAD_USER_ADDR, NULL, KSIGSET_SIZE), EFAULT);
	CHECK_ERR(SYS(SYS_rt_sigaction, SIGUSR1, NULL, BAD_USER_ADDR, KSIGSET_SIZE), EFAULT);
	return 0;
}

static int raise_usr1(void *arg)
{
	SYS(SYS_kill, SYS(SYS_getpid), SIGUSR1);	/* default action: terminate */
	return 100;
}

static int tgkill_term(void *arg)
{
	SYS(SYS_tgkill, SYS(SYS_getpid), SYS(SYS_gettid), SIGTERM);
	return 100;
}

static int blocked_then_unblocked(void *arg)
{
	unsigned long set = SIGBIT(SIGUSR2);

	SYS(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, KSIGSET_SIZE);
	SYS(SYS_kill, SYS(SYS_getpid), SIGUSR2);		/* stays pending */
	SYS(SYS_write, 1, "", 0);
	SYS(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, KSIGSET_SIZE);	/* delivered now */
	return 100;
}

static int kill_and_tgkill(void)
{
	long pid = SYS(SYS_getpid), tid = SYS(SYS_gettid);

	CHECK_EQ(SYS(SYS_kill, pid, 0), 0);		/* signal 0: does it exist? */
	CHECK_ERR(SYS(SYS_kill, NO_SUCH_PID, 0), ESRCH);
	CHECK_ERR(SYS(SYS_kill, pid, BAD_SIGNAL), EINVAL);
	CHECK_ERR(SYS(SYS_kill, pid, -1), EINVAL);
	CHECK_EQ(SYS(SYS_tgkill, pid, tid, 0), 0);
	CHECK_ERR(SYS(SYS_tgkill, pid, NO_SUCH_PID, 0), ESRCH);
	CHECK_ERR(SYS(SYS_tgkill, 0, tid, 0), EINVAL);
	CHECK_ERR(SYS(SYS_tgkill, pid, 0, 0), EINVAL);
	CHECK_ERR(SYS(SYS_tgkill, pid, tid, BAD_SIGNAL), EINVAL);
	CHECK_SIGNALED(ktap_child(raise_usr1, NULL), SIGUSR1);
	CHECK_SIGNALED(ktap_child(tgkill_term, NULL), SIGTERM);
	CHECK_SIGNALED(ktap_child(blocked_then_unblocked, NULL), SIGUSR2);
	return 0;
}

/* ---------------------------------------------------------- exit */

static int exit_group_code(void *arg)
{
	SYS(SYS_exit_group, 256 + 7);	/* only the low 8 bits reach the parent */
	return 100;
}

static int exit_last_thread(void *arg)
{
	SYS(SYS_exit, 3);		/* the last thread: the process exits */
	return 100;
}

static int return_from_main_like(void *arg)
{
	exit(42);			/* libc's exit: atexit, flush, exit_group */
}

static int exit_codes(void)
{
	CHECK_EXITED(ktap_child(exit_group_code, NULL), 7);
	CHECK_EXITED(ktap_child(exit_last_thread, NULL), 3);
	CHECK_EXITED(ktap_child(return_from_main_like, NULL), 42);
	return 0;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(identity),
	KTAP_CASE(set_tid_address_returns_tid),
	KTAP_CASE(write_console),
	KTAP_CASE(write_errors),
	KTAP_CASE(writev_console),
	KTAP_CASE(writev_errors),
	KTAP_CASE(read_console),
	KTAP_CASE(ioctl_winsize),
	KTAP_CASE(uname_fields),
	KTAP_CASE(getrandom_bytes),
	KTAP_CASE(unknown_syscall),
	KTAP_CASE(numbat_technique_call),
	KTAP_CASE(clock_gettime_clocks),
	KTAP_CASE(nanosleep_sleeps),
	KTAP_CASE(clock_nanosleep_modes),
	KTAP_CASE(sched_yield_returns),
	KTAP_CASE(getaffinity),
	KTAP_CASE(setaffinity_pins),
	KTAP_CASE(setaffinity_errors),
	KTAP_CASE(getcpu_in_range),
	KTAP_CASE(arch_prctl_fs),
	KTAP_CASE(futex_errors),
	KTAP_CASE(sigprocmask_masks),
	KTAP_CASE(sigaction_set_get),
	KTAP_CASE(kill_and_tgkill),
	KTAP_CASE(exit_codes),
};

int main(int argc, char **argv)
{
	return ktap_main("usertest_syscalls", cases, KTAP_COUNT(cases), argc, argv);
}
