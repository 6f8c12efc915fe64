/* kernel/lib/string.c - memory and string functions, number parsing, glob. */
#include "kernel/lib/string.h"
#include "kernel/errno.h"

/*
 * memcpy and memset move 8 bytes per step with rep movsq/stosq, then the
 * tail bytewise: real CPUs make rep movsb fast, but QEMU's TCG emulates
 * every iteration, so the wider step is several times faster there.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;
	size_t words = n / 8, tail = n % 8;

	__asm__ __volatile__("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) :: "memory");
	__asm__ __volatile__("rep movsb" : "+D"(dst), "+S"(src), "+c"(tail) :: "memory");
	return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)		/* overlapping with dst above src: copy backwards */
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;
	size_t words = n / 8, tail = n % 8;
	unsigned long pattern = 0x0101010101010101UL * (unsigned char)c;

	__asm__ __volatile__("rep stosq" : "+D"(dst), "+c"(words) : "a"(pattern) : "memory");
	__asm__ __volatile__("rep stosb" : "+D"(dst), "+c"(tail) : "a"(pattern) : "memory");
	return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return (char *)s;
	return c ? NULL : (char *)s;
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	do {
		if (*s == (char)c)
			last = s;
	} while (*s++);
	return (char *)last;
}

char *strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return (char *)hay;
	return n ? NULL : (char *)hay;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = 0;
	}
	return len;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = strnlen(dst, size);

	if (dlen == size)
		return size + strlen(src);
	return dlen + strlcpy(dst + dlen, src, size - dlen);
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int digit_value(char c)
{
	if (isdigit(c))
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	return 99;
}

/* Parses the digits of s; *end gets the first character not used. */
static int parse_unsigned(const char *s, unsigned int base, unsigned long *res, const char **end)
{
	unsigned long v = 0;
	const char *start;

	if (base == 0) {
		if (s[0] == '0' && (s[1] | 0x20) == 'x' && isxdigit(s[2]))
			base = 16, s += 2;
		else if (s[0] == '0' && s[1])
			base = 8, s++;
		else
			base = 10;
	} else if (base == 16 && s[0] == '0' && (s[1] | 0x20) == 'x') {
		s += 2;
	}
	start = s;
	for (; digit_value(*s) < (int)base; s++) {
		unsigned long d = digit_value(*s);
		if (v > (U64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (s == start)
		return -EINVAL;
	*res = v;
	*end = s;
	return 0;
}

int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	const char *end;
	unsigned long v;
	int err;

	if (*s == '+')
		s++;
	err = parse_unsigned(s, base, &v, &end);
	if (err)
		return err;
	if (*end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	*res = v;
	return 0;
}

int kstrtol(const char *s, unsigned int base, long *res)
{
	unsigned long v;
	int err;

	if (*s == '-') {
		err = kstrtoul(s + 1, base, &v);
		if (err)
			return err;
		if (v > (unsigned long)LONG_MAX + 1)
			return -ERANGE;
		*res = -(long)v;
		return 0;
	}
	err = kstrtoul(s, base, &v);
	if (err)
		return err;
	if (v > (unsigned long)LONG_MAX)
		return -ERANGE;
	*res = v;
	return 0;
}

int kstrtosize(const char *s, unsigned long *res)
{
	const char *end;
	unsigned long v;
	int shift = 0, err;

	err = parse_unsigned(s, 10, &v, &end);
	if (err)
		return err;
	switch (*end | 0x20) {
	case 'k': shift = 10; end++; break;
	case 'm': shift = 20; end++; break;
	case 'g': shift = 30; end++; break;
	}
	if (*end)
		return -EINVAL;
	if (shift && v > (U64_MAX >> shift))
		return -ERANGE;
	*res = v << shift;
	return 0;
}

bool glob_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*p == '*') {
			star = ++p;		/* remember where to retry */
			resume = s;
		} else if (*p == '?' || *p == *s) {
			p++, s++;
		} else if (star) {
			p = star;		/* let the last '*' eat one more */
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}
