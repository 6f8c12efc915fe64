/*
 * user/lib/ktap.h - a tiny KTAP test harness for Numbat's user programs.
 *
 * A user test suite is a static program named usertest_NAME. It prints one
 * KTAP suite block in the kernel's nested format (4-space indent, the same
 * as kernel/selftest.c), so the kernel's runner and tests/run read it like
 * any kernel suite:
 *
 *         KTAP version 1
 *         # Subtest: usertest_NAME
 *         1..N
 *         # name: file.c:42: CHECK_EQ(a, b): a is 3, expected 4
 *         not ok 1 name
 *         ok 2 other
 *
 * and exits 0 when every test passed, 1 otherwise. `usertest_NAME GLOB...`
 * runs only the tests whose names match one of the globs.
 *
 * Each test is a function returning 0 on success; the CHECK macros print
 * a diagnostic and return 1 from it. SKIP("why") returns KTAP_SKIPPED: the
 * test is reported "ok N name # SKIP why" (a machine it cannot run on).
 * Output goes straight to write(2), never through stdio: a buffered line
 * would be printed twice by a forked child.
 *
 * The same binary runs on Linux (the reference) and on Numbat. Tests that
 * need an error code use the raw system call (SYS(...)), which returns
 * -errno like the kernel, where libc would hide it behind errno or a
 * wrapper that checks arguments itself.
 */
#ifndef NUMBAT_USER_KTAP_H
#define NUMBAT_USER_KTAP_H

#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KTAP_INDENT	"    "
#define KTAP_LINE_MAX	512
#define PAGE_SIZE	4096UL

/* A kernel text address on both Linux and Numbat (the kernel is linked at
 * 0xffffffff80000000 + 1 MiB on Numbat; on Linux it is kernel half too). */
#define KERNEL_ADDR	0xffffffff80000000UL
#define KERNEL_TEXT	0xffffffff80100000UL
/* A user address that is never mapped: the first page. */
#define BAD_USER_ADDR	0x10UL

/* Linux ABI constants that musl's headers do not export (the kernel's
 * <asm/prctl.h> and <linux/futex.h> are not on musl-gcc's include path). */
#define ARCH_SET_FS		0x1002
#define ARCH_GET_FS		0x1003
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_PRIVATE_FLAG	128

/* ---------------------------------------------------------- system calls */

static inline long raw_syscall(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/* SYS(nr, args...): the raw system call, -errno on error, errno untouched. */
#define SYS_(n, a, b, c, d, e, f, ...) \
	raw_syscall((long)(n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define SYS(...) SYS_(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)

/* ---------------------------------------------------------- output */

static inline void ktap_write(const char *s, size_t len)
{
	while (len) {
		long n = SYS(SYS_write, 1, s, len);

		if (n <= 0)
			return;
		s += n;
		len -= n;
	}
}

static inline void __attribute__((format(printf, 1, 2))) ktap_printf(const char *fmt, ...)
{
	char buf[KTAP_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf)) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	if (n > 0)
		ktap_write(buf, n);
}

static const char *ktap_current = "?";	/* the running test, for diagnostics */
#define KTAP_SKIPPED	77		/* a test's answer: not run here, for the reason given */
static char ktap_skip_reason[KTAP_LINE_MAX / 2];

#define SKIP(fmt, ...) do {							\
	snprintf(ktap_skip_reason, sizeof(ktap_skip_reason), fmt, ##__VA_ARGS__);	\
	return KTAP_SKIPPED;							\
} while (0)

/* A diagnostic line inside the suite: "    # test: ...". */
#define ktap_diag(fmt, ...) \
	ktap_printf(KTAP_INDENT "# %s: " fmt "\n", ktap_current, ##__VA_ARGS__)

/* ---------------------------------------------------------- checks */

#define CHECK(cond) do {							\
	if (!(cond)) {								\
		ktap_diag("%s:%d: CHECK(%s) failed", __FILE__, __LINE__, #cond);	\
		return 1;							\
	}									\
} while (0)

#define CHECK_EQ(a, b) do {							\
	long _a = (long)(a), _b = (long)(b);					\
	if (_a != _b) {								\
		ktap_diag("%s:%d: %s is %ld (%#lx), expected %s = %ld (%#lx)",	\
			  __FILE__, __LINE__, #a, _a, _a, #b, _b, _b);		\
		return 1;							\
	}									\
} while (0)

/* A raw system call result that must be -err; err is an errno name. */
#define CHECK_ERR(call, err) do {						\
	long _r = (long)(call);							\
	if (_r != -(err)) {							\
		ktap_diag("%s:%d: %s returned %ld (%s), expected -%s",		\
			  __FILE__, __LINE__, #call, _r,			\
			  _r < 0 && _r > -4096 ? strerror((int)-_r) : "not an error", #err); \
		return 1;							\
	}									\
} while (0)

/* A raw system call result that must not be an error. */
#define CHECK_OK(call) ({							\
	long _r = (long)(call);							\
	if (_r < 0 && _r > -4096) {						\
		ktap_diag("%s:%d: %s failed: %ld (%s)", __FILE__, __LINE__,	\
			  #call, _r, strerror((int)-_r));			\
		return 1;							\
	}									\
	_r;									\
})

/* ---------------------------------------------------------- waiting */

/* Rounds a test waits for another thread's or process's progress before it
 * gives up: a lost wakeup fails the test instead of hanging the run. Waits
 * are bounded by rounds (each a sched_yield), never by time. */
#define KTAP_PATIENCE	200000

/* One round of waiting for progress elsewhere: yields the CPU. Returns
 * nonzero, after a diagnostic, when the wait has lasted too long. */
static inline int ktap_wait(long *rounds, const char *what)
{
	if (++*rounds > KTAP_PATIENCE) {
		ktap_diag("no progress after %d rounds of waiting for %s", KTAP_PATIENCE, what);
		return 1;
	}
	SYS(SYS_sched_yield);
	return 0;
}

/* ---------------------------------------------------------- children */

/* "exited 3", "killed by signal 11 (Segmentation fault)" */
static inline const char *ktap_status_str(int status)
{
	static char buf[96];

	if (WIFEXITED(status))
		snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, sizeof(buf), "wait status %#x", status);
	return buf;
}

/*
 * Runs fn(arg) in a forked child and returns its wait status; the child
 * exits with fn's return value. A child that should die by a signal shows
 * it in the status (WIFSIGNALED/WTERMSIG).
 */
static inline int ktap_child(int (*fn)(void *), void *arg)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0) {
		ktap_diag("fork failed: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		_exit(fn(arg));
	if (SYS(SYS_wait4, pid, &status, 0, 0) != pid) {
		ktap_diag("wait4(%d) failed", pid);
		return -1;
	}
	return status;
}

#define CHECK_EXITED(status, code) do {						\
	int _s = (status);							\
	if (_s == -1 || !WIFEXITED(_s) || WEXITSTATUS(_s) != (code)) {		\
		ktap_diag("%s:%d: child %s, expected exit %d", __FILE__, __LINE__, \
			  _s == -1 ? "could not run" : ktap_status_str(_s), (code)); \
		return 1;							\
	}									\
} while (0)

#define CHECK_SIGNALED(status, sig) do {					\
	int _s = (status);							\
	if (_s == -1 || !WIFSIGNALED(_s) || WTERMSIG(_s) != (sig)) {		\
		ktap_diag("%s:%d: child %s, expected death by signal %d",	\
			  __FILE__, __LINE__,					\
			  _s == -1 ? "could not run" : ktap_status_str(_s), (sig)); \
		return 1;							\
	}									\
} while (0)

/* ---------------------------------------------------------- CPUs */

/* The CPUs this process may run on, in order; returns how many. */
static inline int ktap_cpus(int *cpus, int max)
{
	cpu_set_t set;
	int n = 0;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

/* Pins the calling thread to one CPU; returns 0 or -errno. */
static inline long ktap_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return SYS(SYS_sched_setaffinity, 0, sizeof(set), &set);
}

/* ---------------------------------------------------------- the runner */

struct ktap_case {
	const char *name;
	int (*fn)(void);
};

#define KTAP_CASE(fn) { #fn, fn }
#define KTAP_COUNT(cases) ((int)(sizeof(cases) / sizeof((cases)[0])))

static inline int ktap_selected(const char *name, int nglobs, char **globs)
{
	if (nglobs == 0)
		return 1;
	for (int i = 0; i < nglobs; i++)
		if (!fnmatch(globs[i], name, 0))
			return 1;
	return 0;
}

/*
 * Runs the selected cases (argv[1..]: globs; none: all) and prints the
 * suite block; returns the exit status: 0 when all passed, 1 otherwise.
 */
static inline int ktap_main(const char *suite, const struct ktap_case *cases, int n,
		     int argc, char **argv)
{
	int planned = 0, failed = 0, index = 0;
	int nglobs = argc > 1 ? argc - 1 : 0;

	for (int i = 0; i < n; i++)
		planned += ktap_selected(cases[i].name, nglobs, argv + 1);
	ktap_printf(KTAP_INDENT "KTAP version 1\n" KTAP_INDENT "# Subtest: %s\n"
		    KTAP_INDENT "1..%d\n", suite, planned);
	for (int i = 0; i < n; i++) {
		int r, bad;

		if (!ktap_selected(cases[i].name, nglobs, argv + 1))
			continue;
		ktap_current = cases[i].name;
		r = cases[i].fn();
		if (r == KTAP_SKIPPED) {
			ktap_printf(KTAP_INDENT "ok %d %s # SKIP %s\n", ++index, cases[i].name, ktap_skip_reason);
			continue;
		}
		bad = r != 0;
		failed += bad;
		ktap_printf(KTAP_INDENT "%sok %d %s\n", bad ? "not " : "", ++index, cases[i].name);
	}
	ktap_current = "?";
	return failed ? 1 : 0;
}

#endif /* NUMBAT_USER_KTAP_H */
