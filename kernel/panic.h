/*
 * kernel/panic.h - fatal errors, oopses, warnings and backtraces.
 *
 * panic() and an oops outside a self-test stop every CPU (an NMI to the
 * others), print what happened with a symbolized backtrace, and make QEMU
 * exit with a failure status. A warning prints and carries on.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include "kernel/compiler.h"

struct pt_regs;

void panic(const char *fmt, ...) __printf(1, 2) __noreturn;
/* Reports an exception the kernel cannot handle; returns only into a test's recovery. */
void oops(struct pt_regs *regs, const char *what) __noreturn;
void warn_slowpath(const char *file, int line, const char *cond);

/* Backtrace from a frame-pointer chain; dump_stack() starts at its caller. */
void show_backtrace(unsigned long rbp, unsigned long rip);
void dump_stack(void);
void show_regs(const struct pt_regs *regs);

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c) do { if (unlikely(c)) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c); } while (0)
#define WARN_ON(c) ({ bool _c = !!(c); if (unlikely(_c)) warn_slowpath(__FILE__, __LINE__, #c); _c; })
#define WARN_ON_ONCE(c) ({						\
	static bool _warned;						\
	bool _c = !!(c);						\
	if (unlikely(_c) && !_warned) {					\
		_warned = true;						\
		warn_slowpath(__FILE__, __LINE__, #c);			\
	}								\
	_c; })

extern int panic_cpu;		/* CPU that is panicking, or -1 */

#endif
