/*
 * kernel/lib/string.h - the libc string and memory functions the kernel
 * uses, plus number parsing. Freestanding gcc may emit calls to memcpy,
 * memset, memmove and memcmp on its own, so those four must exist.
 */
#ifndef KERNEL_LIB_STRING_H
#define KERNEL_LIB_STRING_H

#include "kernel/types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *hay, const char *needle);
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);
bool str_has_prefix(const char *s, const char *prefix);

static inline bool isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static inline bool isprint(int c) { return c >= 0x20 && c < 0x7f; }
static inline bool isxdigit(int c) { return isdigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }

/*
 * Parse a whole string as an unsigned or signed number (base 0 means
 * C rules: 0x hex, 0 octal, else decimal). Returns 0, -EINVAL for a
 * malformed string or -ERANGE on overflow; *res is set only on success.
 */
int kstrtoul(const char *s, unsigned int base, unsigned long *res);
int kstrtol(const char *s, unsigned int base, long *res);
/* Parse "<n>[KMG]" as a byte count. */
int kstrtosize(const char *s, unsigned long *res);

/* Shell-style glob with '*' and '?'. */
bool glob_match(const char *pattern, const char *s);

#endif
