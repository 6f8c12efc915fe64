/* kernel/lib/vsprintf.h - formatting into buffers (see vsprintf.c). */
#ifndef KERNEL_LIB_VSPRINTF_H
#define KERNEL_LIB_VSPRINTF_H

#include "kernel/compiler.h"

/* Returns the length the whole output would have; writes at most size-1 chars. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
/* Returns the number of characters actually written (not counting the NUL). */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
