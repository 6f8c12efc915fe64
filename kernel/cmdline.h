/*
 * kernel/cmdline.h - kernel command-line options.
 *
 * Every option is declared once, next to the code it configures, with
 *
 *	CMDLINE_PARAM("name", setter, "one line of help");   name=value
 *	CMDLINE_FLAG("name", setter, "one line of help");    name (no value)
 *
 * which places a descriptor in the .cmdline_params section; that list is
 * the single place options are documented (the monitor's `cmdline` command
 * and `help options` print it). The setter returns 0 or a negative errno.
 * An unknown option, a missing or unexpected value, or a value the setter
 * rejects is reported with a warning and otherwise ignored: a typo on the
 * command line never stops a boot.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "kernel/compiler.h"

#define CMDLINE_MAX	1024	/* bytes of command line kept */

struct cmdline_param {
	const char *name;
	int (*set)(const char *val);	/* val is NULL for a flag */
	const char *help;
	bool flag;
};

#define __CMDLINE(n, fn, h, f)							\
	static const struct cmdline_param __cmdline_##fn			\
	__section(".cmdline_params") __used __aligned(8) = { n, fn, h, f }
#define CMDLINE_PARAM(name, fn, help)	__CMDLINE(name, fn, help, false)
#define CMDLINE_FLAG(name, fn, help)	__CMDLINE(name, fn, help, true)

extern char boot_cmdline[CMDLINE_MAX];

/*
 * Parses line against params[0..n); returns the number of options that were
 * reported and ignored. Used at boot with the linked-in table, and by tests
 * with tables of their own.
 */
int cmdline_parse(const char *line, const struct cmdline_param *params, size_t n);
void cmdline_parse_boot(void);
/* Value of option `name` as given on the boot command line, or NULL. */
const char *cmdline_get(const char *name, char *buf, size_t size);
void cmdline_print_options(void);

#endif
