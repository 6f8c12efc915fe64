/*
 * kernel/proc/usertest.h - the user-suite runner the self-test framework
 * calls (kernel/proc/usertest.c).
 */
#ifndef KERNEL_PROC_USERTEST_H
#define KERNEL_PROC_USERTEST_H

/* The usertest_* module strings selected by globs (NULL: all); how many. */
int usertest_collect(const char *globs, const char **names, int max);
/* Runs one as a process, prints "ok/not ok index name"; 1 if it failed. */
int usertest_run_one(const char *module_string, int index);
/* The usertest_leak suite; 1 if something leaked. */
int usertest_leak_check(int index);
/* Makes every CPU switch once, so that idle CPUs drop borrowed dead mms. */
void flush_lazy_mms(void);

#endif
