/* kernel/cmdline.c - parsing the kernel command line (see cmdline.h). */
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/monitor.h"
#include "kernel/technique.h"

#define OPTION_MAX 256		/* longest single option, name=value */

char boot_cmdline[CMDLINE_MAX];

extern const struct cmdline_param __start_cmdline_params[], __stop_cmdline_params[];

static const struct cmdline_param *find_param(const char *name, const struct cmdline_param *params, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(params[i].name, name))
			return &params[i];
	return NULL;
}

/* Copies the next space-separated word of *line into word; false at the end. */
static bool next_word(const char **line, char *word, size_t size, bool *truncated)
{
	const char *s = *line;
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return false;
	*truncated = false;
	for (; *s && *s != ' ' && *s != '\t'; s++) {
		if (n + 1 < size)
			word[n++] = *s;
		else
			*truncated = true;
	}
	word[n] = 0;
	*line = s;
	return true;
}

/* techniques: the boot command line also names techniques (kernel/technique.h) */
static int apply_option(char *word, const struct cmdline_param *params, size_t n, bool techniques)
{
	char *eq = strchr(word, '=');
	const struct cmdline_param *p;
	int err;

	if (eq)
		*eq = 0;
	p = find_param(word, params, n);
	if (!p && techniques) {
		err = technique_parse_option(word, eq ? eq + 1 : NULL);
		if (err != -ENOENT)
			return err;		/* a technique: set, or reported */
	}
	if (!p) {
		pr_warn("cmdline: unknown option '%s' ignored\n", word);
		return -ENOENT;
	}
	if (p->flag && eq) {
		pr_warn("cmdline: option '%s' takes no value; ignored\n", word);
		return -EINVAL;
	}
	if (!p->flag && (!eq || !eq[1])) {
		pr_warn("cmdline: option '%s' needs a value (%s=...); ignored\n", word, word);
		return -EINVAL;
	}
	err = p->set(eq ? eq + 1 : NULL);
	if (err) {
		pr_warn("cmdline: bad value '%s' for option '%s' (error %d); ignored\n", eq + 1, word, err);
		return err;
	}
	return 0;
}

static int parse(const char *line, const struct cmdline_param *params, size_t n, bool techniques)
{
	char word[OPTION_MAX];
	bool truncated;
	int ignored = 0;

	while (next_word(&line, word, sizeof(word), &truncated)) {
		if (truncated) {
			pr_warn("cmdline: option '%.32s...' longer than %d bytes; ignored\n", word, OPTION_MAX - 1);
			ignored++;
			continue;
		}
		if (apply_option(word, params, n, techniques))
			ignored++;
	}
	return ignored;
}

int cmdline_parse(const char *line, const struct cmdline_param *params, size_t n)
{
	return parse(line, params, n, false);
}

void cmdline_parse_boot(void)
{
	parse(boot_cmdline, __start_cmdline_params, __stop_cmdline_params - __start_cmdline_params, true);
}

const char *cmdline_get(const char *name, char *buf, size_t size)
{
	const char *line = boot_cmdline;
	char word[OPTION_MAX];
	bool truncated;
	size_t len = strlen(name);

	while (next_word(&line, word, sizeof(word), &truncated))
		if (!strncmp(word, name, len) && word[len] == '=') {
			strlcpy(buf, word + len + 1, size);
			return buf;
		}
	return NULL;
}

void cmdline_print_options(void)
{
	char name[OPTION_MAX];

	for (const struct cmdline_param *p = __start_cmdline_params; p < __stop_cmdline_params; p++) {
		scnprintf(name, sizeof(name), p->flag ? "%s" : "%s=", p->name);
		console_printf("  %-22s %s\n", name, p->help);
	}
}

static int cmd_cmdline(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	console_printf("command line: %s\noptions:\n", boot_cmdline[0] ? boot_cmdline : "(empty)");
	cmdline_print_options();
	console_printf("techniques (`technique` shows the modes in force):\n");
	technique_print_options();
	return 0;
}
MONITOR_CMD(cmdline, "", "the boot command line and every option the kernel knows", cmd_cmdline);
