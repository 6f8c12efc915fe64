/*
 * kernel/printk.h - the kernel log.
 *
 * printk() formats one message, prefixes every line with the time since boot
 * and the CPU ("[    1.234567] cpu2: "), and writes it to the serial console
 * and to the log buffer (`dmesg` in the monitor) under one lock, so lines
 * from different CPUs never interleave. It is safe from any context: task,
 * interrupt, exception and NMI (a CPU that faults while printing goes on
 * printing; during a panic a lock held by a stopped CPU is broken).
 *
 * A message may start with a level, as in Linux: KERN_ERR "..." and so on.
 * Messages above console_loglevel (`loglevel=` on the command line) go only
 * to the log buffer.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include "kernel/compiler.h"

#define KERN_SOH	"\001"
#define KERN_EMERG	KERN_SOH "0"
#define KERN_ALERT	KERN_SOH "1"
#define KERN_CRIT	KERN_SOH "2"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_NOTICE	KERN_SOH "5"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"

#define LOGLEVEL_DEFAULT	4	/* messages without a level */
#define CONSOLE_LOGLEVEL_DEFAULT 7	/* print levels 0..6 */
#define LOG_BUF_SIZE		(64 * 1024)
#define PRINTK_LINE_MAX		512	/* longer messages are cut */

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_emerg(fmt, ...)  printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)    printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)   printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)   printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)  printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)

/*
 * Raw console output: no prefix, no level, but the same lock. Used for the
 * KTAP test report and the monitor, whose lines must appear exactly as
 * written.
 */
void console_printf(const char *fmt, ...) __printf(1, 2);
void console_vprintf(const char *fmt, va_list ap);
void console_write(const char *s, size_t n);

/*
 * Capture: while the current task has a capture buffer, everything it
 * would print on the console (printk and console_*) is appended to the
 * buffer instead.
 * The self-test framework uses it to check what a failing test reports.
 */
void printk_capture_start(char *buf, size_t size);
size_t printk_capture_stop(void);

/* Copies the log buffer's most recent bytes into buf (for `dmesg`). */
size_t log_buf_read(char *buf, size_t size);

extern int console_loglevel;
extern bool oops_in_progress;

#endif
