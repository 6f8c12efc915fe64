/* kernel/lib/bitmap.c - searching, counting, printing and parsing bitmaps. */
#include "kernel/lib/cpumask.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/errno.h"

int bitmap_next_set(const unsigned long *bits, int nbits, int start)
{
	for (int i = start; i < nbits; i++) {
		unsigned long w = bits[i / 64] >> (i % 64);
		if (!w) {
			i |= 63;	/* rest of this word is clear */
			continue;
		}
		i += __builtin_ctzl(w);
		return i < nbits ? i : nbits;
	}
	return nbits;
}

int bitmap_weight(const unsigned long *bits, int nbits)
{
	int n = 0;

	for (int i = 0; i < BITS_TO_LONGS(nbits); i++)
		for (unsigned long w = bits[i]; w; w &= w - 1)	/* clears the lowest set bit */
			n++;
	return n;
}

int bitmap_print_ranges(char *buf, size_t size, const unsigned long *bits, int nbits)
{
	int len = 0;

	if (size)
		buf[0] = 0;
	for (int i = bitmap_next_set(bits, nbits, 0); i < nbits;) {
		int j = i;
		while (j + 1 < nbits && test_bit(j + 1, bits))
			j++;
		len += scnprintf(buf + len, size - len, len ? ",%d" : "%d", i);
		if (j > i)
			len += scnprintf(buf + len, size - len, "-%d", j);
		i = bitmap_next_set(bits, nbits, j + 1);
	}
	return len;
}

int bitmap_parse_ranges(const char *s, unsigned long *bits, int nbits)
{
	for (int i = 0; i < BITS_TO_LONGS(nbits); i++)
		bits[i] = 0;
	if (!strcmp(s, "-") || !*s)
		return 0;
	while (*s) {
		unsigned long lo = 0, hi;
		if (!isdigit(*s))
			return -EINVAL;
		while (isdigit(*s))
			lo = lo * 10 + (*s++ - '0');
		hi = lo;
		if (*s == '-') {
			s++;
			if (!isdigit(*s))
				return -EINVAL;
			hi = 0;
			while (isdigit(*s))
				hi = hi * 10 + (*s++ - '0');
		}
		if (hi < lo || hi >= (unsigned long)nbits)
			return -EINVAL;
		for (unsigned long b = lo; b <= hi; b++)
			bits[b / 64] |= 1UL << (b % 64);
		if (*s == ',')
			s++;
		else if (*s)
			return -EINVAL;
	}
	return 0;
}
