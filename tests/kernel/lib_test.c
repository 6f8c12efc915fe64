/*
 * tests/kernel/lib_test.c - the kernel's little C library: formatting,
 * number parsing, strings, globs and bitmaps.
 */
#include "kernel/selftest.h"
#include "kernel/errno.h"
#include "kernel/symbols.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/lib/cpumask.h"

static char buf[128];
static const char *volatile null_string;	/* hidden from the format checker */

#define EXPECT_FMT(test, want, ...) do {					\
	snprintf(buf, sizeof(buf), __VA_ARGS__);				\
	KUNIT_EXPECT_STREQ(test, buf, want);					\
} while (0)

SELFTEST(lib, snprintf_integers)
{
	EXPECT_FMT(test, "42 -7 ff FF 17", "%d %i %x %X %o", 42, -7, 255, 255, 15);
	EXPECT_FMT(test, "[   5] [5   ] [00005]", "[%4d] [%-4d] [%05d]", 5, 5, 5);
	EXPECT_FMT(test, "-9223372036854775808", "%ld", (long)(-9223372036854775807L - 1));
	EXPECT_FMT(test, "18446744073709551615", "%lu", ~0UL);
	EXPECT_FMT(test, "0x1f +3  3", "%#x %+d % d", 31, 3, 3);
	EXPECT_FMT(test, "255 65535", "%hhu %hu", 0x1ff, 0x1ffff);
	EXPECT_FMT(test, "007", "%.3d", 7);
}

SELFTEST(lib, snprintf_strings_and_pointers)
{
	EXPECT_FMT(test, "ab|  cd|ef  |gh", "%s|%4s|%-4s|%.2s", "ab", "cd", "ef", "ghij");
	EXPECT_FMT(test, "0x00000000000000ff", "%p", (void *)0xff);
	EXPECT_FMT(test, "(null)", "%s", null_string);
	EXPECT_FMT(test, "x%y", "x%%y");
	EXPECT_FMT(test, "c", "%c", 'c');
	EXPECT_FMT(test, "  7", "%*d", 3, 7);
}

SELFTEST(lib, snprintf_truncates_and_counts)
{
	char small[6];

	KUNIT_EXPECT_EQ(test, snprintf(small, sizeof(small), "%s", "hello world"), 11);
	KUNIT_EXPECT_STREQ(test, small, "hello");
	KUNIT_EXPECT_EQ(test, scnprintf(small, sizeof(small), "%s", "hello world"), 5);
}

SELFTEST(lib, symbolized_pointer)
{
	snprintf(buf, sizeof(buf), "%pS", (void *)((unsigned long)snprintf + 3));
	KUNIT_EXPECT_TRUE(test, str_has_prefix(buf, "snprintf+0x3/0x"));
	KUNIT_EXPECT_EQ(test, ksym_address("snprintf"), (unsigned long)snprintf);
}

SELFTEST(lib, kstrtoul_and_kstrtol)
{
	unsigned long u;
	long l;

	KUNIT_EXPECT_EQ(test, kstrtoul("123", 10, &u), 0);
	KUNIT_EXPECT_EQ(test, u, 123);
	KUNIT_EXPECT_EQ(test, kstrtoul("0x1F", 0, &u), 0);
	KUNIT_EXPECT_EQ(test, u, 31);
	KUNIT_EXPECT_EQ(test, kstrtoul("017", 0, &u), 0);
	KUNIT_EXPECT_EQ(test, u, 15);
	KUNIT_EXPECT_EQ(test, kstrtoul("", 10, &u), -EINVAL);
	KUNIT_EXPECT_EQ(test, kstrtoul("12x", 10, &u), -EINVAL);
	KUNIT_EXPECT_EQ(test, kstrtoul("18446744073709551616", 10, &u), -ERANGE);
	KUNIT_EXPECT_EQ(test, kstrtol("-5", 10, &l), 0);
	KUNIT_EXPECT_EQ(test, l, -5);
	KUNIT_EXPECT_EQ(test, kstrtol("9223372036854775808", 10, &l), -ERANGE);
	KUNIT_EXPECT_EQ(test, kstrtosize("4K", &u), 0);
	KUNIT_EXPECT_EQ(test, u, 4096);
	KUNIT_EXPECT_EQ(test, kstrtosize("2m", &u), 0);
	KUNIT_EXPECT_EQ(test, u, 2UL << 20);
	KUNIT_EXPECT_EQ(test, kstrtosize("3T", &u), -EINVAL);
}

SELFTEST(lib, strings)
{
	char s[8];

	KUNIT_EXPECT_EQ(test, strlcpy(s, "abcdefghij", sizeof(s)), 10);
	KUNIT_EXPECT_STREQ(test, s, "abcdefg");
	strlcpy(s, "ab", sizeof(s));
	KUNIT_EXPECT_EQ(test, strlcat(s, "cdefghij", sizeof(s)), 10);
	KUNIT_EXPECT_STREQ(test, s, "abcdefg");
	KUNIT_EXPECT_LT(test, strcmp("abc", "abd"), 0);
	KUNIT_EXPECT_EQ(test, strncmp("abcx", "abcy", 3), 0);
	KUNIT_EXPECT_PTR_EQ(test, strstr("hello world", "wor"), (char *)"hello world" + 6);
	KUNIT_EXPECT_PTR_EQ(test, strrchr("a/b/c", '/'), (char *)"a/b/c" + 3);
	memcpy(s, "1234567", 8);
	memmove(s + 1, s, 5);
	KUNIT_EXPECT_STREQ(test, s, "1123457");
	memmove(s, s + 2, 4);
	KUNIT_EXPECT_STREQ(test, s, "2345457");
}

SELFTEST(lib, glob)
{
	KUNIT_EXPECT_TRUE(test, glob_match("*", "anything"));
	KUNIT_EXPECT_TRUE(test, glob_match("top*", "topology"));
	KUNIT_EXPECT_TRUE(test, glob_match("t?p*y", "topology"));
	KUNIT_EXPECT_TRUE(test, glob_match("*.cpu*", "topology.cpu_count"));
	KUNIT_EXPECT_FALSE(test, glob_match("top", "topology"));
	KUNIT_EXPECT_FALSE(test, glob_match("*x", "topology"));
	KUNIT_EXPECT_TRUE(test, glob_match("a*b*c", "aXXbYYc"));
}

SELFTEST(lib, bitmap_ranges)
{
	unsigned long bits[2] = { 0 };

	KUNIT_EXPECT_EQ(test, bitmap_parse_ranges("0-3,6,64-65", bits, 128), 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(bits, 128), 7);
	bitmap_print_ranges(buf, sizeof(buf), bits, 128);
	KUNIT_EXPECT_STREQ(test, buf, "0-3,6,64-65");
	KUNIT_EXPECT_EQ(test, bitmap_next_set(bits, 128, 7), 64);
	KUNIT_EXPECT_EQ(test, bitmap_parse_ranges("-", bits, 128), 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(bits, 128), 0);
	KUNIT_EXPECT_EQ(test, bitmap_parse_ranges("3-1", bits, 128), -EINVAL);
	KUNIT_EXPECT_EQ(test, bitmap_parse_ranges("200", bits, 128), -EINVAL);
	KUNIT_EXPECT_EQ(test, bitmap_parse_ranges("a", bits, 128), -EINVAL);
	KUNIT_EXPECT_EQ(test, bitmap_parse_ranges("1,,2", bits, 128), -EINVAL);
}
