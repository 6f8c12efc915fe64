/*
 * kernel/monitor.h - the kernel monitor: a command line on the serial
 * console. Commands are registered next to the code they show with
 *
 *	MONITOR_CMD(name, "ARGS", "one line of help", fn);
 *
 * ARGS is the usage `help` shows, and the monitor checks the number of
 * arguments against it before calling fn: a WORD is required, a [WORD]
 * (or a [group of words]) is optional, and a word with "..." takes any
 * number (`kill PID [SIG]`: one or two; `test [SUITE...]`: any).
 *
 * fn(argc, argv) prints with console_printf and returns:
 *	0		done;
 *	-EINVAL		the arguments are wrong: the monitor prints
 *			"usage: NAME ARGS";
 *	monitor_error(err, "no process %d", pid)
 *			it could not do it: prints "NAME: no process 5" and
 *			returns err, a negative errno, which the monitor does
 *			not report again.
 * Commands run one at a time, in the monitor's task (or a test's).
 */
#ifndef KERNEL_MONITOR_H
#define KERNEL_MONITOR_H

#include "kernel/compiler.h"

#define MONITOR_LINE_MAX	256	/* longest command line */
#define MONITOR_MAX_ARGS	16
#define MONITOR_HISTORY		16	/* lines kept for the up arrow */
#define MONITOR_PROMPT		"numbat> "
#define MONITOR_POLL_MS		10	/* how often the monitor looks for input */

struct monitor_cmd {
	const char *name;
	const char *args;
	const char *help;
	int (*fn)(int argc, char **argv);
};

#define MONITOR_CMD(n, a, h, f)							\
	static const struct monitor_cmd __monitor_cmd_##n			\
	__section(".monitor_cmds") __used __aligned(8) = { #n, a, h, f }

/* From a command: prints "NAME: " and the message, and returns err (< 0). */
int monitor_error(int err, const char *fmt, ...) __printf(2, 3);

/* Runs the boot script (module "script") if any, then reads commands forever. */
void monitor_run(void) __noreturn;
/* Splits line into words and runs the command; returns its result. */
int monitor_exec(char *line);

#endif
