/*
 * user/usertest_signals.c - signal delivery to handlers, as Linux x86-64
 * does it: the handler's arguments and siginfo, the mask while it runs,
 * SA_RESETHAND and SA_NODEFER, sigaltstack, registers and FPU state kept
 * across a handler (rt_sigreturn), a SIGSEGV handler that skips the
 * faulting instruction through the ucontext, a signal waking a sleeper
 * with EINTR, and a signal to another thread with tgkill.
 *
 * (Written by helper B, the kernel's signal code; the other suites are C's.)
 */
#include "ktap.h"

#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdint.h>
#include <time.h>
#include <ucontext.h>

static volatile sig_atomic_t got_sig, got_code, depth, max_depth;
static volatile uintptr_t got_addr;
static volatile int blocked_in_handler;

static void counting_handler(int sig, siginfo_t *si, void *uc)
{
	sigset_t cur;

	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	blocked_in_handler = sigismember(&cur, sig) + 2 * sigismember(&cur, SIGUSR2);
}

static int install(int sig, void (*fn)(int, siginfo_t *, void *), int flags, int also_block)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (also_block)
		sigaddset(&sa.sa_mask, also_block);
	return sigaction(sig, &sa, NULL);
}

static int handler_runs(void)
{
	got_sig = 0;
	CHECK_EQ(install(SIGUSR1, counting_handler, 0, SIGUSR2), 0);
	CHECK_EQ(raise(SIGUSR1), 0);
	CHECK_EQ(got_sig, SIGUSR1);
	CHECK_EQ(got_code, SI_TKILL);		/* raise() is tkill */
	CHECK_EQ(blocked_in_handler, 3);	/* the signal itself and sa_mask were blocked */
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	CHECK(!sigismember(&cur, SIGUSR1));	/* and unblocked again after rt_sigreturn */
	CHECK(!sigismember(&cur, SIGUSR2));
	got_sig = 0;
	CHECK_EQ(SYS(SYS_kill, SYS(SYS_getpid), SIGUSR1), 0);
	CHECK_EQ(got_sig, SIGUSR1);
	CHECK_EQ(got_code, SI_USER);
	signal(SIGUSR1, SIG_DFL);
	return 0;
}

static int blocked_then_delivered(void)
{
	sigset_t set;

	got_sig = 0;
	CHECK_EQ(install(SIGUSR1, counting_handler, 0, 0), 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR1);
	CHECK_EQ(got_sig, 0);			/* pending while blocked */
	sigpending(&set);
	CHECK(sigismember(&set, SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &set, NULL);	/* delivered on the way out of this call */
	CHECK_EQ(got_sig, SIGUSR1);
	signal(SIGUSR1, SIG_DFL);
	return 0;
}

static void nesting_handler(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (depth < 3)
		raise(sig);
	depth--;
}

static int resethand_and_nodefer(void)
{
	struct sigaction old;

	depth = max_depth = 0;
	/* SA_NODEFER: the handler's own raise() interrupts it, twice */
	CHECK_EQ(install(SIGUSR2, nesting_handler, SA_NODEFER, 0), 0);
	raise(SIGUSR2);
	CHECK_EQ(max_depth, 3);
	/* SA_RESETHAND: one delivery, then back to SIG_DFL */
	CHECK_EQ(install(SIGUSR2, nesting_handler, SA_RESETHAND, 0), 0);
	depth = 2;				/* so that the handler does not raise again */
	raise(SIGUSR2);
	sigaction(SIGUSR2, NULL, &old);
	CHECK(old.sa_handler == SIG_DFL);	/* reset by the first delivery */
	return 0;
}

static volatile uintptr_t handler_sp;

static void altstack_handler(int sig, siginfo_t *si, void *uc)
{
	int local;

	(void)sig;
	(void)si;
	(void)uc;
	handler_sp = (uintptr_t)&local;
}

static int altstack_used(void)
{
	static char stack[4 * SIGSTKSZ];
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack), .ss_flags = 0 }, old;

	CHECK_EQ(sigaltstack(&ss, NULL), 0);
	CHECK_EQ(install(SIGUSR1, altstack_handler, SA_ONSTACK, 0), 0);
	raise(SIGUSR1);
	CHECK(handler_sp > (uintptr_t)stack && handler_sp < (uintptr_t)stack + sizeof(stack));
	ss.ss_flags = SS_DISABLE;
	CHECK_EQ(sigaltstack(&ss, &old), 0);
	CHECK(old.ss_sp == stack);
	ss.ss_flags = 0;
	ss.ss_size = 16;
	CHECK_ERR(SYS(SYS_sigaltstack, &ss, NULL), ENOMEM);
	signal(SIGUSR1, SIG_DFL);
	return 0;
}

static volatile double fpu_clobber;

static void fpu_handler(int sig, siginfo_t *si, void *uc)
{
	volatile double x = 1.0;

	(void)sig;
	(void)si;
	(void)uc;
	for (int i = 0; i < 100; i++)
		x = x * 3.0 + 0.5;		/* uses the SSE registers */
	fpu_clobber = x;
}

static int fpu_kept_across_handler(void)
{
	double a = 1.25, b = 2.5, c;

	CHECK_EQ(install(SIGUSR1, fpu_handler, 0, 0), 0);
	c = a * b;
	raise(SIGUSR1);
	c += a * b;
	CHECK(c == 6.25);
	CHECK(fpu_clobber != 0.0);
	signal(SIGUSR1, SIG_DFL);
	return 0;
}

static void segv_skip_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	got_sig = sig;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	uc->uc_mcontext.gregs[REG_RIP] += 3;	/* skip the 3-byte faulting store below */
}

static int segv_handler_resumes(void)
{
	got_sig = 0;
	CHECK_EQ(install(SIGSEGV, segv_skip_handler, 0, 0), 0);
	/* movq %rax, (%rbx): 48 89 03, three bytes, with rbx = an unmapped address */
	__asm__ volatile("movq %%rax, (%%rbx)" :: "a"(0L), "b"(BAD_USER_ADDR) : "memory");
	CHECK_EQ(got_sig, SIGSEGV);
	CHECK_EQ(got_code, SEGV_MAPERR);
	CHECK_EQ(got_addr, BAD_USER_ADDR);
	signal(SIGSEGV, SIG_DFL);
	return 0;
}

#define SLEEP_SIGNAL_ROUNDS	500	/* SIGUSR1s, 10 ms apart, before the child must be asleep */

static void noop_handler(int sig) { (void)sig; }

static int child_sleeps_until_signal(void *arg)
{
	struct timespec ts = { 100, 0 };
	(void)arg;
	signal(SIGUSR1, noop_handler);
	SYS(SYS_kill, SYS(SYS_getppid), SIGUSR2);	/* tell the parent we are ready */
	return SYS(SYS_nanosleep, &ts, &ts) == -EINTR ? 7 : 1;
}

static int sleep_interrupted(void)
{
	sigset_t set, old;
	int sig = 0, status = 0;
	int reaped = 0;
	pid_t pid;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(child_sleeps_until_signal(NULL));
	CHECK_EQ(sigwait(&set, &sig), 0);
	CHECK_EQ(sig, SIGUSR2);
	/*
	 * The child may not be inside nanosleep yet: a SIGUSR1 that lands
	 * before it only runs the handler. Signal again until it has left.
	 */
	for (int round = 0; !reaped && round < SLEEP_SIGNAL_ROUNDS; round++) {
		struct timespec gap = { 0, 10 * 1000 * 1000 };
		long r;

		CHECK_EQ(SYS(SYS_kill, pid, SIGUSR1), 0);
		r = SYS(SYS_wait4, pid, &status, WNOHANG, 0);
		CHECK(r == 0 || r == pid);
		reaped = r == pid;
		if (!reaped)
			SYS(SYS_nanosleep, &gap, NULL);
	}
	if (!reaped)
		CHECK_EQ(SYS(SYS_wait4, pid, &status, 0, 0), pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK_EXITED(status, 7);
	return 0;
}

static volatile pid_t target_tid;
static volatile int thread_got;

static void thread_handler(int sig)
{
	(void)sig;
	thread_got = SYS(SYS_gettid);
}

static void *thread_waits(void *arg)
{
	(void)arg;
	target_tid = SYS(SYS_gettid);
	while (!thread_got)
		sched_yield();
	return NULL;
}

static int tgkill_reaches_thread(void)
{
	pthread_t t;

	thread_got = 0;
	target_tid = 0;
	signal(SIGUSR1, thread_handler);
	CHECK_EQ(pthread_create(&t, NULL, thread_waits, NULL), 0);
	while (!target_tid)
		sched_yield();
	CHECK_EQ(SYS(SYS_tgkill, SYS(SYS_getpid), target_tid, SIGUSR1), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(thread_got, target_tid);
	signal(SIGUSR1, SIG_DFL);
	return 0;
}

static int ignored_default_is_harmless(void)
{
	CHECK_EQ(raise(SIGCHLD), 0);		/* default: ignore */
	CHECK_EQ(raise(SIGWINCH), 0);
	signal(SIGTERM, SIG_IGN);
	CHECK_EQ(raise(SIGTERM), 0);		/* ignored: we live */
	signal(SIGTERM, SIG_DFL);
	return 0;
}

static int do_int3(void *arg)
{
	(void)arg;
	__asm__ volatile("int3");
	return 0;
}

static int do_ud2(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2");
	return 0;
}

static int do_divide(void *arg)
{
	volatile int zero = (int)(long)arg;

	return 10 / zero;
}

static void never_runs(int sig)
{
	(void)sig;
	_exit(1);
}

/* A SIGSEGV with a handler (SA_NODEFER) and no stack for its frame: killed by SIGSEGV. */
static int segv_without_a_stack(void *arg)
{
	struct sigaction sa = { .sa_handler = never_runs, .sa_flags = SA_NODEFER };

	(void)arg;
	sigaction(SIGSEGV, &sa, NULL);
	__asm__ volatile("mov $0x1000, %%rsp\n\tmovb $1, 0" ::: "memory");
	return 0;
}

static int segv_frame_fails_fatally(void)
{
	CHECK_SIGNALED(ktap_child(segv_without_a_stack, NULL), SIGSEGV);
	return 0;
}

static int exceptions_become_signals(void)
{
	CHECK_SIGNALED(ktap_child(do_int3, NULL), SIGTRAP);
	CHECK_SIGNALED(ktap_child(do_ud2, NULL), SIGILL);
	CHECK_SIGNALED(ktap_child(do_divide, NULL), SIGFPE);
	return 0;
}

static int send_usr1_to_parent(void *arg)
{
	(void)arg;
	return SYS(SYS_kill, SYS(SYS_getppid), SIGUSR1) == 0 ? 0 : 1;
}

static int sigsuspend_waits_and_restores(void)
{
	sigset_t block, empty, cur;
	int status;

	got_sig = 0;
	CHECK_EQ(install(SIGUSR1, counting_handler, 0, 0), 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	status = ktap_child(send_usr1_to_parent, NULL);	/* pending now, blocked */
	CHECK_EXITED(status, 0);
	CHECK_EQ(got_sig, 0);
	sigemptyset(&empty);
	CHECK_EQ(sigsuspend(&empty), -1);		/* unblocks, runs the handler, EINTR */
	CHECK_EQ(errno, EINTR);
	CHECK_EQ(got_sig, SIGUSR1);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	CHECK(sigismember(&cur, SIGUSR1));		/* the old mask is back */
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	signal(SIGUSR1, SIG_DFL);
	return 0;
}

/* Signals the parent, waits a little, exits 3: the parent is in wait4 meanwhile. */
static int signal_then_exit(void *arg)
{
	struct timespec ts = { 0, 30 * 1000 * 1000 };

	(void)arg;
	nanosleep(&ts, NULL);
	SYS(SYS_kill, SYS(SYS_getppid), SIGUSR1);
	nanosleep(&ts, NULL);
	return 3;
}

static int wait_with_handler(int flags, long *ret, int *status)
{
	pid_t pid;

	got_sig = 0;
	if (install(SIGUSR1, counting_handler, flags, 0))
		return -1;
	pid = fork();
	if (pid == 0)
		_exit(signal_then_exit(NULL));
	*ret = SYS(SYS_wait4, pid, status, 0, 0);
	if (*ret == -EINTR)
		*ret = SYS(SYS_wait4, pid, status, 0, 0);	/* reap it anyway */
	else
		return pid;
	return *ret == pid ? -EINTR : -1;
}

static int sa_restart_restarts(void)
{
	long ret;
	int status = 0, pid;

	pid = wait_with_handler(SA_RESTART, &ret, &status);
	CHECK(pid > 0);
	CHECK_EQ(ret, pid);			/* the handler ran, wait4 went on */
	CHECK_EQ(got_sig, SIGUSR1);
	CHECK_EXITED(status, 3);
	CHECK_EQ(wait_with_handler(0, &ret, &status), -EINTR);	/* without SA_RESTART: EINTR */
	CHECK_EQ(got_sig, SIGUSR1);
	CHECK_EXITED(status, 3);
	signal(SIGUSR1, SIG_DFL);
	return 0;
}

/* A zombie still exists for kill(2) until it is reaped (Linux: 0, then ESRCH). */
static int kill_finds_zombie_until_reaped(void)
{
	sigset_t set, old;
	int sig = 0, status = 0;
	pid_t pid;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(5);
	CHECK_EQ(sigwait(&set, &sig), 0);	/* SIGCHLD: the child is a zombie now */
	CHECK_EQ(sig, SIGCHLD);
	CHECK_EQ(SYS(SYS_kill, pid, 0), 0);
	CHECK_EQ(SYS(SYS_kill, pid, SIGUSR1), 0);	/* delivered to nobody, still not an error */
	CHECK_EQ(SYS(SYS_wait4, pid, &status, 0, 0), pid);
	CHECK_EXITED(status, 5);
	CHECK_EQ(SYS(SYS_kill, pid, 0), -ESRCH);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(handler_runs),
	KTAP_CASE(blocked_then_delivered),
	KTAP_CASE(resethand_and_nodefer),
	KTAP_CASE(altstack_used),
	KTAP_CASE(fpu_kept_across_handler),
	KTAP_CASE(segv_handler_resumes),
	KTAP_CASE(sleep_interrupted),
	KTAP_CASE(tgkill_reaches_thread),
	KTAP_CASE(ignored_default_is_harmless),
	KTAP_CASE(exceptions_become_signals),
	KTAP_CASE(segv_frame_fails_fatally),
	KTAP_CASE(sigsuspend_waits_and_restores),
	KTAP_CASE(sa_restart_restarts),
	KTAP_CASE(kill_finds_zombie_until_reaped),
};

int main(int argc, char **argv)
{
	return ktap_main("usertest_signals", cases, KTAP_COUNT(cases), argc, argv);
}
