/*
 * kernel/monitor.h - the kernel monitor: a command line on the serial
 * console. Commands are registered next to the code they show with
 *
 *	MONITOR_CMD(name, "ARGS", "one line of help", fn);
 *
 * where fn(argc, argv) prints with console_printf and returns 0 or a
 * negative errno (which the monitor reports).
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

/* Runs the boot script (module "script") if any, then reads commands forever. */
void monitor_run(void) __noreturn;
/* Splits line into words and runs the command; returns its result. */
int monitor_exec(char *line);

#endif
