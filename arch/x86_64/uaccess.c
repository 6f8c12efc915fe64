/*
 * arch/x86_64/uaccess.c - strncpy_from_user and the pagefault_disable
 * count (uaccess.h).
 */
#include "arch/x86_64/uaccess.h"
#include "kernel/lib/string.h"

/*
 * Copies up to count bytes, a page-bounded chunk at a time: a chunk that
 * does not cross a page boundary either copies whole or faults, and
 * reading past the NUL within a mapped page is harmless.
 */
long strncpy_from_user(char *dst, const char __user *src, long count)
{
	long done = 0;

	if (count <= 0)
		return 0;
	while (done < count) {
		unsigned long a = (unsigned long)src + done;
		long chunk = min((long)(PAGE_SIZE - (a & (PAGE_SIZE - 1))), count - done);

		if (copy_from_user(dst + done, (const char *)a, chunk))
			return -EFAULT;
		for (long i = 0; i < chunk; i++)
			if (!dst[done + i])
				return done + i;
		done += chunk;
	}
	return count;
}

DEFINE_PER_CPU(int, pagefault_disable_depth);
