/*
 * kernel/monitor.c - the kernel monitor's line editor and command loop.
 *
 * Line editing understands: printable characters (inserted at the cursor),
 * Backspace, Delete, Left/Right, Home/End (also Ctrl-A/Ctrl-E), Up/Down for
 * history, Ctrl-U (erase line), Ctrl-K (erase to end), Ctrl-W (erase word),
 * Ctrl-C (abandon line), Ctrl-L (redraw), Tab (complete a command name).
 * After each edit the line is redrawn with a carriage return and an
 * erase-to-end-of-line, the simplest redraw that works on any terminal.
 *
 * Input: the monitor runs in the init task and polls the UART every
 * MONITOR_POLL_MS; between polls it sleeps and its CPU idles, so an idle
 * monitor costs no CPU time. QEMU holds input back while the UART's FIFO
 * is full, so a pasted script loses nothing.
 */
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "arch/x86_64/cpu.h"
#include "kernel/sched/sched.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/serial.h"

extern const struct monitor_cmd __start_monitor_cmds[], __stop_monitor_cmds[];

#define for_each_cmd(c) \
	for (const struct monitor_cmd *c = __start_monitor_cmds; c < __stop_monitor_cmds; c++)

struct line_editor {
	char buf[MONITOR_LINE_MAX];
	int len, cursor;
	char history[MONITOR_HISTORY][MONITOR_LINE_MAX];
	int hist_count, hist_pos;
};

static struct line_editor ed;

static int getc_wait(void)
{
	int c;

	while ((c = serial_getc_nowait()) < 0)
		msleep(MONITOR_POLL_MS);	/* the CPU idles meanwhile */
	return c;
}

static void redraw(void)
{
	console_printf("\r" MONITOR_PROMPT "%.*s\x1b[K", ed.len, ed.buf);
	if (ed.len > ed.cursor)
		console_printf("\x1b[%dD", ed.len - ed.cursor);
}

static void set_line(const char *s)
{
	strlcpy(ed.buf, s, sizeof(ed.buf));
	ed.len = ed.cursor = strlen(ed.buf);
}

static void insert_char(char c)
{
	if (ed.len + 1 >= MONITOR_LINE_MAX)
		return;
	memmove(ed.buf + ed.cursor + 1, ed.buf + ed.cursor, ed.len - ed.cursor);
	ed.buf[ed.cursor++] = c;
	ed.len++;
}

static void delete_range(int from, int to)
{
	memmove(ed.buf + from, ed.buf + to, ed.len - to);
	ed.len -= to - from;
	ed.cursor = from;
}

static void history_move(int dir)
{
	int pos = ed.hist_pos + dir;

	if (pos < 0 || pos > ed.hist_count)
		return;
	ed.hist_pos = pos;
	set_line(pos == ed.hist_count ? "" : ed.history[pos % MONITOR_HISTORY]);
}

static void history_add(const char *line)
{
	if (!*line || (ed.hist_count && !strcmp(ed.history[(ed.hist_count - 1) % MONITOR_HISTORY], line)))
		return;
	strlcpy(ed.history[ed.hist_count % MONITOR_HISTORY], line, MONITOR_LINE_MAX);
	ed.hist_count++;
}

static void complete_word(void)
{
	const struct monitor_cmd *match = NULL;
	int n = 0;

	for (int i = 0; i < ed.cursor; i++)
		if (ed.buf[i] == ' ')
			return;			/* only the command word completes */
	for_each_cmd(c)
		if (!strncmp(c->name, ed.buf, ed.cursor)) {
			match = c;
			n++;
		}
	if (n == 1) {
		set_line(match->name);
		insert_char(' ');
	} else if (n > 1) {
		console_printf("\n");
		for_each_cmd(c)
			if (!strncmp(c->name, ed.buf, ed.cursor))
				console_printf("%s  ", c->name);
		console_printf("\n");
	}
}

/* Handles an escape sequence (arrow keys and friends) after ESC. */
static void escape_sequence(void)
{
	int c = getc_wait(), num = 0;

	if (c != '[' && c != 'O')
		return;
	while (isdigit(c = getc_wait()))
		num = num * 10 + c - '0';
	switch (c) {
	case 'A': history_move(-1); break;
	case 'B': history_move(+1); break;
	case 'C': if (ed.cursor < ed.len) ed.cursor++; break;
	case 'D': if (ed.cursor > 0) ed.cursor--; break;
	case 'H': ed.cursor = 0; break;
	case 'F': ed.cursor = ed.len; break;
	case '~':
		if (num == 1 || num == 7) ed.cursor = 0;
		else if (num == 4 || num == 8) ed.cursor = ed.len;
		else if (num == 3 && ed.cursor < ed.len) delete_range(ed.cursor, ed.cursor + 1);
		break;
	}
}

/* Reads one line with editing; returns it (NUL-terminated) without the newline. */
static char *read_line(void)
{
	ed.len = ed.cursor = 0;
	ed.hist_pos = ed.hist_count;
	console_printf(MONITOR_PROMPT);
	for (;;) {
		int c = getc_wait();
		switch (c) {
		case '\r':
		case '\n':
			ed.buf[ed.len] = 0;
			console_printf("\n");
			history_add(ed.buf);
			return ed.buf;
		case 0x7f: case 0x08:		/* backspace */
			if (ed.cursor > 0)
				delete_range(ed.cursor - 1, ed.cursor);
			break;
		case 0x01: ed.cursor = 0; break;		/* ^A */
		case 0x05: ed.cursor = ed.len; break;		/* ^E */
		case 0x02: if (ed.cursor) ed.cursor--; break;	/* ^B */
		case 0x06: if (ed.cursor < ed.len) ed.cursor++; break; /* ^F */
		case 0x15: delete_range(0, ed.cursor); break;	/* ^U */
		case 0x0b: ed.len = ed.cursor; break;		/* ^K */
		case 0x17: {					/* ^W */
			int from = ed.cursor;
			while (from > 0 && ed.buf[from - 1] == ' ')
				from--;
			while (from > 0 && ed.buf[from - 1] != ' ')
				from--;
			delete_range(from, ed.cursor);
			break;
		}
		case 0x03:					/* ^C */
			console_printf("^C\n" MONITOR_PROMPT);
			ed.len = ed.cursor = 0;
			continue;
		case 0x0c: console_printf("\x1b[2J\x1b[H"); break; /* ^L */
		case '\t': complete_word(); break;
		case 0x1b: escape_sequence(); break;
		default:
			if (isprint(c))
				insert_char(c);
			break;
		}
		redraw();
	}
}

/* The command monitor_exec is running, and whether it reported its own failure. */
static const struct monitor_cmd *running_cmd;
static bool error_reported;

int monitor_error(int err, const char *fmt, ...)
{
	va_list ap;

	console_printf("%s: ", running_cmd ? running_cmd->name : "monitor");
	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
	console_printf("\n");
	error_reported = true;
	return err;
}

/*
 * The number of arguments a usage string allows (see monitor.h): words
 * outside brackets are required; *max is -1 when a word has "...".
 */
static void usage_arg_counts(const char *usage, int *min, int *max)
{
	int depth = 0;

	*min = *max = 0;
	for (const char *p = usage; *p; ) {
		const char *w = p;
		bool optional;

		if (*p == ' ') {
			p++;
			continue;
		}
		depth += *p == '[';
		optional = depth > 0;
		while (*p && *p != ' ') {
			depth -= *p == ']';
			p++;
		}
		if (!optional)
			(*min)++;
		if (*max >= 0)
			(*max)++;
		for (const char *q = w; q + 3 <= p; q++)
			if (!strncmp(q, "...", 3))
				*max = -1;
	}
}

static bool arg_count_fits(const struct monitor_cmd *cmd, int nargs)
{
	int min, max;

	usage_arg_counts(cmd->args, &min, &max);
	return nargs >= min && (max < 0 || nargs <= max);
}

static const struct monitor_cmd *find_cmd(const char *name)
{
	for_each_cmd(c)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int monitor_exec(char *line)
{
	char *argv[MONITOR_MAX_ARGS];
	int argc = 0;
	const struct monitor_cmd *cmd;
	int err;

	for (char *p = line; *p; ) {
		while (*p == ' ' || *p == '\t')
			*p++ = 0;
		if (!*p)
			break;
		if (argc == MONITOR_MAX_ARGS) {
			console_printf("too many arguments (at most %d)\n", MONITOR_MAX_ARGS - 1);
			return -E2BIG;
		}
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	if (!argc || argv[0][0] == '#')
		return 0;
	cmd = find_cmd(argv[0]);
	if (!cmd) {
		console_printf("%s: unknown command (try 'help')\n", argv[0]);
		return -ENOENT;
	}
	running_cmd = cmd;
	error_reported = false;
	err = arg_count_fits(cmd, argc - 1) ? cmd->fn(argc, argv) : -EINVAL;
	if (err == -EINVAL && !error_reported)
		console_printf("usage: %s%s%s\n", cmd->name, cmd->args[0] ? " " : "", cmd->args);
	else if (err && !error_reported)		/* a command should have said why */
		console_printf("%s: failed with error %d\n", cmd->name, err);
	running_cmd = NULL;
	return err;
}

/* The boot script: module "script", one command per line, echoed as if typed. */
static void run_script(void)
{
	const struct boot_module *m = bootinfo_find_module("script");
	const char *s, *end;
	char line[MONITOR_LINE_MAX];

	if (!m)
		return;
	s = phys_to_virt(m->start);
	end = phys_to_virt(m->end);
	while (s < end) {
		const char *nl = s;
		size_t n;
		while (nl < end && *nl != '\n')
			nl++;
		n = min((size_t)(nl - s), sizeof(line) - 1);
		memcpy(line, s, n);
		line[n] = 0;
		if (n && line[n - 1] == '\r')
			line[n - 1] = 0;
		console_printf(MONITOR_PROMPT "%s\n", line);
		monitor_exec(line);
		s = nl + 1;
	}
}

void monitor_run(void)
{
	console_printf("\nNumbat kernel monitor. Type 'help' for commands.\n");
	run_script();
	for (;;)
		monitor_exec(read_line());
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	console_printf("Commands:\n");
	for_each_cmd(c) {
		char usage[48];
		scnprintf(usage, sizeof(usage), "%s %s", c->name, c->args);
		console_printf("  %-24s %s\n", usage, c->help);
	}
	console_printf("Keys: arrows, Home/End, ^A ^E ^U ^K ^W ^C ^L, Tab completes. 'cmdline' lists boot options.\n");
	return 0;
}
MONITOR_CMD(help, "", "this list", cmd_help);

#define MONITOR_SLEEP_MAX_MS	60000	/* the longest sleep a script may ask for */

/* A script's pause: lets a program started with `run NAME &` get going first. */
static int cmd_sleep(int argc, char **argv)
{
	unsigned long ms;

	if (argc != 2 || kstrtoul(argv[1], 10, &ms) || ms > MONITOR_SLEEP_MAX_MS)
		return -EINVAL;
	msleep(ms);
	return 0;
}
MONITOR_CMD(sleep, "MS", "wait MS milliseconds (scripts: let a background program run)", cmd_sleep);

