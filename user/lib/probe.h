/*
 * user/lib/probe.h - touching memory that may refuse it: a read or write
 * that faults is caught (SIGSEGV or SIGBUS, by sigsetjmp/siglongjmp) and
 * reported with its signal, si_code and si_addr, and the program carries
 * on. For the user suites and the fuzzer, which must see exactly how an
 * access fails without dying of it.
 *
 * probe_install() once per process; then probe_read/probe_write from any
 * thread (the jump buffer is per thread).
 */
#ifndef NUMBAT_USER_PROBE_H
#define NUMBAT_USER_PROBE_H

#include <setjmp.h>
#include <signal.h>
#include <string.h>

struct probe_fault {
	int sig;		/* 0: the access went through */
	int code;		/* si_code: SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR... */
	unsigned long addr;	/* si_addr */
};

static __thread sigjmp_buf probe_jmp;
static __thread volatile int probe_armed;
static __thread volatile struct probe_fault probe_seen;

static void probe_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!probe_armed) {		/* a fault nobody expects: die of it, as without a handler */
		signal(sig, SIG_DFL);
		return;
	}
	probe_seen.sig = sig;
	probe_seen.code = si->si_code;
	probe_seen.addr = (unsigned long)si->si_addr;
	siglongjmp(probe_jmp, 1);
}

static inline void probe_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/*
 * Reads size bytes (1 or 8, aligned) at p into *val (write = 0), or writes
 * *val there. Returns the fault: .sig 0 when the access went through.
 */
static inline struct probe_fault probe_access(unsigned long p, int write, int size, unsigned long *val)
{
	struct probe_fault f = { 0, 0, 0 };

	probe_seen.sig = 0;
	if (sigsetjmp(probe_jmp, 1) == 0) {
		probe_armed = 1;
		if (write && size == 8)
			*(volatile unsigned long *)p = *val;
		else if (write)
			*(volatile unsigned char *)p = (unsigned char)*val;
		else if (size == 8)
			*val = *(volatile unsigned long *)p;
		else
			*val = *(volatile unsigned char *)p;
		probe_armed = 0;
		return f;
	}
	probe_armed = 0;
	f.sig = probe_seen.sig;
	f.code = probe_seen.code;
	f.addr = probe_seen.addr;
	return f;
}

/* The si_code of a read of the byte at p, 0 if it went through (the byte goes to *val if val). */
static inline int probe_read(const void *p, unsigned char *val)
{
	unsigned long v = 0;
	struct probe_fault f = probe_access((unsigned long)p, 0, 1, &v);

	if (val)
		*val = (unsigned char)v;
	return f.sig ? f.code : 0;
}

/* The si_code of a write of v to the byte at p, 0 if it went through. */
static inline int probe_write(void *p, unsigned char v)
{
	unsigned long w = v;
	struct probe_fault f = probe_access((unsigned long)p, 1, 1, &w);

	return f.sig ? f.code : 0;
}

#endif /* NUMBAT_USER_PROBE_H */
