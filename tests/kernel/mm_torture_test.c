/*
 * tests/kernel/mm_torture_test.c - every CPU works on one mm at once:
 * mmap (fixed in its own slice, and top-down anywhere), writes and reads
 * through page faults, mprotect, MADV_DONTNEED and munmap, for a bounded
 * number of rounds. Each CPU checks that what it wrote in its own memory
 * reads back (or reads zero after DONTNEED); afterwards the tree must pass
 * validate_mm() (colours, gap augmentation, order, counts), and the leak
 * check must find every page, VMA and page table back.
 */
#include "tests/kernel/mm_test_util.h"
#include "kernel/smp.h"

#define TORTURE_ROUNDS		150
#define SLICE_PAGES		16		/* each CPU's own fixed-address slice */
#define SLICE_BASE		0x100000000UL
#define SLICE_SIZE		(SLICE_PAGES * PAGE_SIZE * 4)	/* room between slices */

struct torture {
	struct mm_struct *mm;
	atomic_t errors, ops;
};

static unsigned long xorshift(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void torture_cpu(struct kunit *test, int cpu, void *arg)
{
	struct torture *t = arg;
	struct mm_struct *mm = t->mm;
	unsigned long seed = 0x9e3779b97f4a7c15UL * (cpu + 1);
	unsigned long base = SLICE_BASE + cpu * SLICE_SIZE;
	unsigned long written[SLICE_PAGES] = { 0 };	/* 0: unmapped or zero */
	bool mapped[SLICE_PAGES] = { false };
	int errors = 0;

	kthread_use_mm(mm);
	for (int round = 0; round < TORTURE_ROUNDS; round++) {
		unsigned long r = xorshift(&seed), v;
		int i = r % SLICE_PAGES, n = 1 + (r >> 8) % 3;
		unsigned long va = base + i * PAGE_SIZE;

		if (i + n > SLICE_PAGES)
			n = SLICE_PAGES - i;
		switch ((r >> 16) % 6) {
		case 0:		/* map (replacing) and write */
			if (vm_mmap(mm, va, n * PAGE_SIZE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0) != (long)va) {
				errors++;
				break;
			}
			for (int k = 0; k < n; k++) {
				mapped[i + k] = true;
				written[i + k] = ((unsigned long)cpu << 32) | (round << 8) | k | 1;
				errors += probe_write(va + k * PAGE_SIZE, written[i + k]) != 0;
			}
			break;
		case 1:		/* unmap */
			errors += vm_munmap(mm, va, n * PAGE_SIZE) != 0;
			for (int k = 0; k < n; k++)
				mapped[i + k] = false;
			break;
		case 2:		/* read back */
			for (int k = 0; k < n; k++) {
				int err = probe_read(va + k * PAGE_SIZE, &v);
				if (mapped[i + k] ? (err || v != written[i + k]) : !err)
					errors++;
			}
			break;
		case 3: {	/* take write away and give it back: contents stay */
			int expect = 0;
			for (int k = 0; k < n; k++)
				if (!mapped[i + k])
					expect = -ENOMEM;	/* a hole: nothing changes */
			errors += vm_mprotect(mm, va, n * PAGE_SIZE, PROT_READ) != expect;
			if (!expect)
				errors += probe_write(va, 1) != -EFAULT;
			errors += vm_mprotect(mm, va, n * PAGE_SIZE, PROT_READ | PROT_WRITE) != expect;
			break;
		}
		case 4:		/* drop the pages: zero on the next read */
			vm_madvise(mm, va, n * PAGE_SIZE, MADV_DONTNEED);
			for (int k = 0; k < n; k++)
				if (mapped[i + k])
					written[i + k] = 0;
			break;
		case 5: {	/* a top-down mapping anywhere, used and dropped */
			long a = vm_mmap(mm, 0, n * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
			if (a < 0) {
				errors++;
				break;
			}
			errors += probe_write(a, r) != 0;
			errors += probe_read(a, &v) != 0 || v != r;
			errors += vm_munmap(mm, a, n * PAGE_SIZE) != 0;
			break;
		}
		}
		atomic_inc(&t->ops);
	}
	vm_munmap(mm, base, SLICE_PAGES * PAGE_SIZE);
	kthread_unuse_mm(mm);
	atomic_add(errors, &t->errors);
}

SELFTEST(mm_torture, concurrent_map_fault_protect_unmap)
{
	struct torture t = { 0 };

	t.mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, t.mm);
	test_on_each_cpu(test, torture_cpu, &t);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.errors), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.ops), TORTURE_ROUNDS * num_online_cpus());
	mmap_read_lock(t.mm);
	KUNIT_EXPECT_EQ(test, validate_mm(t.mm), 0);
	KUNIT_EXPECT_EQ(test, t.mm->map_count, 0);	/* every CPU unmapped all it mapped */
	mmap_read_unlock(t.mm);
	KUNIT_EXPECT_EQ(test, mm_counter(t.mm, MM_RSS), 0);
	mm_release(t.mm);
}

/* Many threads fault in one mapping at once: one page per address, never two. */
static void fault_storm_cpu(struct kunit *test, int cpu, void *arg)
{
	struct torture *t = arg;
	unsigned long v;

	kthread_use_mm(t->mm);
	for (int i = 0; i < 64; i++) {
		unsigned long va = SLICE_BASE + ((i + cpu * 7) % 64) * PAGE_SIZE;
		if (probe_read(va, &v) || (v != 0 && v != va))
			atomic_inc(&t->errors);
		if (probe_write(va, va))
			atomic_inc(&t->errors);
	}
	kthread_unuse_mm(t->mm);
}

SELFTEST(mm_torture, fault_storm_on_one_mapping)
{
	struct torture t = { 0 };

	t.mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, t.mm);
	KUNIT_ASSERT_EQ(test, vm_mmap(t.mm, SLICE_BASE, 64 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0), SLICE_BASE);
	test_on_each_cpu(test, fault_storm_cpu, &t);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.errors), 0);
	KUNIT_EXPECT_EQ(test, mm_counter(t.mm, MM_RSS), 64);
	mm_release(t.mm);
}
