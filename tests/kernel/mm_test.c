/*
 * tests/kernel/mm_test.c - address spaces and page faults: the life cycle
 * of an mm (mm_users/mm_count, the shared kernel half, switch_mm and the
 * cpumask), demand-zero faults, protection faults, MADV_DONTNEED on
 * private and shared memory, MAP_POPULATE, access_remote_vm, and fork
 * (dup_mm) with copy-on-write seen from both sides.
 *
 * Memory is touched from a kernel thread that has adopted the test mm
 * (run_in_mm); a refused access is seen through probe_read/probe_write.
 */
#include "tests/kernel/mm_test_util.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/smp.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/cpu.h"

#define BASE	0x40000000UL
#define NPAGES	8

static struct mm_struct *new_mm(struct kunit *test)
{
	struct mm_struct *mm = mm_alloc();

	KUNIT_ASSERT_NOT_NULL(test, mm);
	return mm;
}

static u64 pte_of(struct mm_struct *mm, unsigned long va)
{
	u64 *pte = user_pte_lookup(mm->pgd, va);

	return pte ? *pte : 0;
}

SELFTEST(mm, alloc_shares_the_kernel_half)
{
	struct mm_struct *mm = new_mm(test);
	int bad = 0;

	KUNIT_EXPECT_EQ(test, atomic_read(&mm->mm_users), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&mm->mm_count), 1);
	for (int i = 0; i < PML4_USER_ENTRIES; i++)
		bad += mm->pgd[i] != 0;
	for (int i = PML4_USER_ENTRIES; i < PT_ENTRIES; i++)
		bad += mm->pgd[i] != kernel_pml4[i] || !(kernel_pml4[i] & PTE_PRESENT);
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_EQ(test, init_mm.pgd, kernel_pml4);
	mm_release(mm);
}

SELFTEST(mm, users_and_count)
{
	struct mm_struct *mm = new_mm(test);
	long live = nr_mm_structs(), tables = vm_event(MM_PGTABLES);

	KUNIT_ASSERT_GE(test, vm_mmap(mm, BASE, PAGE_SIZE, RW, PRIV | MAP_FIXED | MAP_POPULATE, 0), 0);
	mmget(mm);
	mmgrab(mm);
	mmput(mm);
	KUNIT_EXPECT_EQ(test, mm->map_count, 1);	/* a user is left: still mapped */
	mmput(mm);
	/* no users: the mappings are gone, the struct is still ours */
	KUNIT_EXPECT_EQ(test, mm->map_count, 0);
	KUNIT_EXPECT_EQ(test, mm_counter(mm, MM_RSS), 0);
	KUNIT_EXPECT_EQ(test, mm_counter(mm, MM_PGTABLES), 0);
	/* the sum over all mms (`vm`) lost them too: it counts tables now, not ever made */
	KUNIT_EXPECT_EQ(test, vm_event(MM_PGTABLES), tables);
	KUNIT_EXPECT_EQ(test, nr_mm_structs(), live);
	mmdrop(mm);
	KUNIT_EXPECT_EQ(test, nr_mm_structs(), live - 1);
	rcu_barrier();
}

static void check_cpumask(struct mm_call *c)
{
	int cpu = smp_processor_id();

	KUNIT_EXPECT_TRUE(c->test, cpumask_test_cpu(cpu, mm_cpumask(c->mm)));
	KUNIT_EXPECT_EQ(c->test, read_cr3() & PTE_ADDR_MASK, virt_to_phys(c->mm->pgd));
	KUNIT_EXPECT_PTR_EQ(c->test, current->mm, c->mm);
	KUNIT_EXPECT_EQ(c->test, atomic_read(&c->mm->mm_users), 2);
}

SELFTEST(mm, switch_mm_keeps_the_cpumask)
{
	struct mm_struct *mm = new_mm(test);
	int cpu;

	for_each_online_cpu(cpu) {
		run_in_mm(test, mm, cpu, check_cpumask, NULL);
		KUNIT_EXPECT_TRUE(test, cpumask_empty(mm_cpumask(mm)));	/* left again */
	}
	mm_release(mm);
}

static void touch_demand_zero(struct mm_call *c)
{
	volatile unsigned long *p = (void *)BASE;
	unsigned long faults = mm_counter(c->mm, MM_DEMAND_ZERO);
	int nonzero = 0;

	test_user_begin();
	for (int i = 0; i < NPAGES; i++)
		nonzero += p[i * PAGE_SIZE / 8] != 0;		/* read faults: zero pages */
	KUNIT_EXPECT_EQ(c->test, nonzero, 0);
	for (int i = 0; i < NPAGES; i++)
		p[i * PAGE_SIZE / 8 + 1] = 0x1000 + i;	/* no new pages: already there */
	KUNIT_EXPECT_EQ(c->test, mm_counter(c->mm, MM_DEMAND_ZERO), faults + NPAGES);
	KUNIT_EXPECT_EQ(c->test, mm_counter(c->mm, MM_RSS), NPAGES);
	for (int i = 0; i < NPAGES; i++)
		KUNIT_EXPECT_EQ(c->test, p[i * PAGE_SIZE / 8 + 1], 0x1000 + i);
	test_user_end();
}

SELFTEST(mm, demand_zero_faults)
{
	struct mm_struct *mm = new_mm(test);
	u64 pte;

	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE, NPAGES * PAGE_SIZE, RW, PRIV | MAP_FIXED, 0), BASE);
	KUNIT_EXPECT_EQ(test, mm_counter(mm, MM_RSS), 0);
	run_in_mm(test, mm, smp_processor_id(), touch_demand_zero, NULL);
	pte = pte_of(mm, BASE);
	KUNIT_EXPECT_TRUE(test, (pte & PTE_PRESENT) && (pte & PTE_USER) && (pte & PTE_WRITE) && (pte & PTE_NX));
	KUNIT_EXPECT_EQ(test, check_mm(mm), 0);
	mm_release(mm);
}

static void protection_faults(struct mm_call *c)
{
	unsigned long v = 0;
	struct kunit *test = c->test;

	/* BASE: read-only, BASE+1: none, BASE+2: rw, BASE+3: unmapped */
	KUNIT_EXPECT_EQ(test, probe_read(BASE, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0);
	KUNIT_EXPECT_EQ(test, probe_write(BASE, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, probe_read(BASE + PAGE_SIZE, &v), -EFAULT);
	KUNIT_EXPECT_EQ(test, probe_write(BASE + PAGE_SIZE, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, probe_write(BASE + 2 * PAGE_SIZE, 42), 0);
	KUNIT_EXPECT_EQ(test, probe_read(BASE + 3 * PAGE_SIZE, &v), -EFAULT);
	KUNIT_EXPECT_EQ(test, probe_read(8, &v), -EFAULT);			/* NULL page */
	/* rights change under the thread: PROT_NONE keeps the contents */
	KUNIT_EXPECT_EQ(test, vm_mprotect(c->mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0);
	KUNIT_EXPECT_EQ(test, probe_read(BASE + 2 * PAGE_SIZE, &v), -EFAULT);
	KUNIT_EXPECT_EQ(test, vm_mprotect(c->mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	KUNIT_EXPECT_EQ(test, probe_read(BASE + 2 * PAGE_SIZE, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 42);
	KUNIT_EXPECT_EQ(test, probe_write(BASE + 2 * PAGE_SIZE, 43), -EFAULT);
	KUNIT_EXPECT_EQ(test, vm_mprotect(c->mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_WRITE), 0);
	KUNIT_EXPECT_EQ(test, probe_write(BASE + 2 * PAGE_SIZE, 44), 0);	/* write implies read on x86 */
	KUNIT_EXPECT_EQ(test, probe_read(BASE + 2 * PAGE_SIZE, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 44);
}

SELFTEST(mm, protection_faults)
{
	struct mm_struct *mm = new_mm(test);
	long bad = vm_event(MM_BAD_FAULTS);

	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE, PAGE_SIZE, PROT_READ, PRIV | MAP_FIXED, 0), BASE);
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE + PAGE_SIZE, PAGE_SIZE, PROT_NONE, PRIV | MAP_FIXED, 0),
			BASE + PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, RW, PRIV | MAP_FIXED, 0),
			BASE + 2 * PAGE_SIZE);
	run_in_mm(test, mm, smp_processor_id(), protection_faults, NULL);
	KUNIT_EXPECT_GE(test, vm_event(MM_BAD_FAULTS), bad + 7);
	KUNIT_EXPECT_TRUE(test, pte_of(mm, BASE + 2 * PAGE_SIZE) & PTE_PRESENT);
	mm_release(mm);
}

SELFTEST(mm, populate_maps_every_page)
{
	struct mm_struct *mm = new_mm(test);

	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE, NPAGES * PAGE_SIZE, RW, PRIV | MAP_FIXED | MAP_POPULATE, 0), BASE);
	KUNIT_EXPECT_EQ(test, mm_counter(mm, MM_RSS), NPAGES);
	for (int i = 0; i < NPAGES; i++)
		KUNIT_EXPECT_TRUE(test, pte_of(mm, BASE + i * PAGE_SIZE) & PTE_WRITE);
	/* PROT_NONE is not populated, as in Linux */
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, 2 * BASE, PAGE_SIZE, PROT_NONE, PRIV | MAP_FIXED | MAP_POPULATE, 0), 2 * BASE);
	KUNIT_EXPECT_EQ(test, mm_counter(mm, MM_RSS), NPAGES);
	KUNIT_EXPECT_EQ(test, vm_munmap(mm, BASE, NPAGES * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, mm_counter(mm, MM_RSS), 0);
	mm_release(mm);
}

SELFTEST(mm, remote_access_ignores_prot)
{
	struct mm_struct *mm = new_mm(test);
	char buf[64], back[64];

	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE, 2 * PAGE_SIZE, PROT_READ, PRIV | MAP_FIXED, 0), BASE);
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, PROT_NONE, PRIV | MAP_FIXED, 0),
			BASE + 2 * PAGE_SIZE);
	for (int i = 0; i < 64; i++)
		buf[i] = i * 3;
	/* across a page boundary, into a read-only and a PROT_NONE VMA */
	KUNIT_EXPECT_EQ(test, access_remote_vm(mm, BASE + PAGE_SIZE - 32, buf, 64, true), 64);
	KUNIT_EXPECT_EQ(test, access_remote_vm(mm, BASE + PAGE_SIZE - 32, back, 64, false), 64);
	KUNIT_EXPECT_EQ(test, memcmp(buf, back, 64), 0);
	KUNIT_EXPECT_EQ(test, access_remote_vm(mm, BASE + 3 * PAGE_SIZE - 8, buf, 64, true), 8);	/* stops at the hole */
	KUNIT_EXPECT_EQ(test, access_remote_vm(mm, 0x1000, buf, 8, false), 0);
	KUNIT_EXPECT_EQ(test, mm_counter(mm, MM_RSS), 3);
	KUNIT_EXPECT_FALSE(test, pte_of(mm, BASE) & PTE_WRITE);
	mm_release(mm);
}

SELFTEST(mm, dontneed_zaps_private_keeps_shared)
{
	struct mm_struct *mm = new_mm(test);
	unsigned long v = 0x5a5a;

	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE, PAGE_SIZE, RW, PRIV | MAP_FIXED, 0), BASE);
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE + PAGE_SIZE, PAGE_SIZE, RW, SHARED | MAP_FIXED, 0), BASE + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, access_remote_vm(mm, BASE, &v, 8, true), 8);
	KUNIT_EXPECT_EQ(test, access_remote_vm(mm, BASE + PAGE_SIZE, &v, 8, true), 8);
	KUNIT_EXPECT_EQ(test, mm_counter(mm, MM_RSS), 2);
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, BASE, 2 * PAGE_SIZE, MADV_DONTNEED), 0);
	KUNIT_EXPECT_EQ(test, mm_counter(mm, MM_RSS), 0);
	KUNIT_EXPECT_EQ(test, access_remote_vm(mm, BASE, &v, 8, false), 8);
	KUNIT_EXPECT_EQ(test, v, 0);				/* private: a fresh zero page */
	KUNIT_EXPECT_EQ(test, access_remote_vm(mm, BASE + PAGE_SIZE, &v, 8, false), 8);
	KUNIT_EXPECT_EQ(test, v, 0x5a5a);			/* shared: the object kept it */
	KUNIT_EXPECT_EQ(test, vm_madvise(mm, BASE + PAGE_SIZE, PAGE_SIZE, MADV_FREE), -EINVAL);
	mm_release(mm);
	KUNIT_EXPECT_EQ(test, nr_anon_shared(), 0);
}

/* ---- fork ---- */

struct fork_ctx {
	struct mm_struct *other;
	unsigned long expect_priv, expect_shared;
};

static void write_both(struct mm_call *c)
{
	struct fork_ctx *f = c->arg;
	volatile unsigned long *priv = (void *)BASE, *shared = (void *)(BASE + PAGE_SIZE);

	test_user_begin();
	KUNIT_EXPECT_EQ(c->test, *priv, 100);		/* inherited */
	KUNIT_EXPECT_EQ(c->test, *shared, 200);
	*priv = f->expect_priv;
	*shared = f->expect_shared;
	KUNIT_EXPECT_EQ(c->test, *priv, f->expect_priv);
	test_user_end();
}

SELFTEST(mm, fork_copies_on_write_and_shares_shared)
{
	struct mm_struct *parent = new_mm(test), *child;
	unsigned long v, cow = vm_event(MM_COW_COPIES), reuse = vm_event(MM_COW_REUSES);
	struct fork_ctx f;
	struct page *page;

	KUNIT_ASSERT_EQ(test, vm_mmap(parent, BASE, PAGE_SIZE, RW, PRIV | MAP_FIXED, 0), BASE);
	KUNIT_ASSERT_EQ(test, vm_mmap(parent, BASE + PAGE_SIZE, PAGE_SIZE, RW, SHARED | MAP_FIXED, 0), BASE + PAGE_SIZE);
	v = 100;
	access_remote_vm(parent, BASE, &v, 8, true);
	v = 200;
	access_remote_vm(parent, BASE + PAGE_SIZE, &v, 8, true);
	child = dup_mm(parent);
	KUNIT_ASSERT_NOT_NULL(test, child);
	KUNIT_EXPECT_EQ(test, check_mm(child), 0);
	KUNIT_EXPECT_EQ(test, child->map_count, 2);
	/* the private page: one frame, read-only in both, two references */
	KUNIT_EXPECT_EQ(test, pte_of(parent, BASE) & PTE_ADDR_MASK, pte_of(child, BASE) & PTE_ADDR_MASK);
	KUNIT_EXPECT_FALSE(test, pte_of(parent, BASE) & PTE_WRITE);
	KUNIT_EXPECT_FALSE(test, pte_of(child, BASE) & PTE_WRITE);
	page = phys_to_page(pte_of(parent, BASE) & PTE_ADDR_MASK);
	KUNIT_EXPECT_EQ(test, page_count(page), 2);
	/* the shared page stays writable in both */
	KUNIT_EXPECT_TRUE(test, pte_of(child, BASE + PAGE_SIZE) & PTE_WRITE);

	/* the child writes: its private copy, the parent's shared page */
	f = (struct fork_ctx){ parent, 101, 201 };
	run_in_mm(test, child, smp_processor_id(), write_both, &f);
	KUNIT_EXPECT_EQ(test, vm_event(MM_COW_COPIES), cow + 1);
	access_remote_vm(parent, BASE, &v, 8, false);
	KUNIT_EXPECT_EQ(test, v, 100);			/* not the child's write */
	access_remote_vm(parent, BASE + PAGE_SIZE, &v, 8, false);
	KUNIT_EXPECT_EQ(test, v, 201);			/* the child's write */
	KUNIT_EXPECT_EQ(test, page_count(page), 1);

	/* the parent writes: sole user now, the page is reused in place */
	v = 200;
	access_remote_vm(parent, BASE + PAGE_SIZE, &v, 8, true);	/* back to what write_both expects */
	f = (struct fork_ctx){ child, 102, 202 };
	run_in_mm(test, parent, smp_processor_id(), write_both, &f);
	KUNIT_EXPECT_EQ(test, vm_event(MM_COW_REUSES), reuse + 1);
	KUNIT_EXPECT_EQ(test, pte_of(parent, BASE) & PTE_ADDR_MASK, page_to_phys(page));
	access_remote_vm(child, BASE, &v, 8, false);
	KUNIT_EXPECT_EQ(test, v, 101);
	access_remote_vm(child, BASE + PAGE_SIZE, &v, 8, false);
	KUNIT_EXPECT_EQ(test, v, 202);
	mm_release(child);
	mm_release(parent);
}

SELFTEST(mm, fork_skips_dontfork)
{
	struct mm_struct *parent = new_mm(test), *child;

	KUNIT_ASSERT_EQ(test, vm_mmap(parent, BASE, 2 * PAGE_SIZE, RW, PRIV | MAP_FIXED | MAP_POPULATE, 0), BASE);
	KUNIT_EXPECT_EQ(test, vm_madvise(parent, BASE, PAGE_SIZE, MADV_DONTFORK), 0);
	child = dup_mm(parent);
	KUNIT_ASSERT_NOT_NULL(test, child);
	KUNIT_EXPECT_EQ(test, child->map_count, 1);
	KUNIT_EXPECT_NULL(test, vma_in(child, BASE, BASE + PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, mm_counter(child, MM_RSS), 1);
	mm_release(child);
	mm_release(parent);
}

SELFTEST(mm, show_maps_format)
{
	struct mm_struct *mm = new_mm(test);
	static char buf[1024];

	mm->start_brk = mm->brk = 0x600000;
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, 0x400000, PAGE_SIZE, PROT_READ | PROT_EXEC, PRIV | MAP_FIXED, 0), 0x400000);
	KUNIT_ASSERT_EQ(test, vm_brk(mm, 0x602000), 0x602000);
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, 0x7f0000000000, PAGE_SIZE, RW, SHARED | MAP_FIXED, 0), 0x7f0000000000);
	KUNIT_ASSERT_EQ(test, vm_map_fixed(mm, 0x7ffffffde000, 0x21000, VM_READ | VM_WRITE | VM_GROWSDOWN), 0x7ffffffde000);
	mm->start_stack = 0x7fffffffe000;
	show_maps(mm, buf, sizeof(buf));
	KUNIT_EXPECT_TRUE(test, strstr(buf, "00400000-00401000 r-xp 00000000 00:00 0") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(buf, "00600000-00602000 rw-p 00000000 00:00 0") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(buf, "[heap]") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(buf, "7f0000000000-7f0000001000 rw-s 00000000 00:01 0") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(buf, "/dev/zero (deleted)") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(buf, "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(buf, "[stack]") != NULL);
	mm_release(mm);
}

#define STACK_TOP_VA	0x7f0000000000UL

static void grow_the_stack(struct mm_call *c)
{
	struct kunit *test = c->test;
	unsigned long v;

	/* three pages below: the stack grows to cover them */
	KUNIT_EXPECT_EQ(test, probe_write(STACK_TOP_VA - 4 * PAGE_SIZE, 7), 0);
	KUNIT_EXPECT_EQ(test, probe_read(STACK_TOP_VA - 4 * PAGE_SIZE, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 7);
	/* beyond the stack limit: no */
	KUNIT_EXPECT_EQ(test, probe_read(STACK_TOP_VA - PAGE_SIZE - STACK_MAX_SIZE - PAGE_SIZE, &v), -EFAULT);
	/* into the guard gap above another mapping: no */
	KUNIT_EXPECT_EQ(test, probe_read(BASE + PAGE_SIZE, &v), -EFAULT);
}

SELFTEST(mm, stack_grows_down_within_limits)
{
	struct mm_struct *mm = new_mm(test);
	struct vm_area_struct *vma;

	KUNIT_ASSERT_EQ(test, vm_mmap(mm, STACK_TOP_VA - PAGE_SIZE, PAGE_SIZE, RW, PRIV | MAP_FIXED | MAP_GROWSDOWN, 0),
			STACK_TOP_VA - PAGE_SIZE);
	/* a second stack right above a mapping: it may not grow into the guard gap */
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE, PAGE_SIZE, RW, PRIV | MAP_FIXED, 0), BASE);
	KUNIT_ASSERT_EQ(test, vm_mmap(mm, BASE + 4 * PAGE_SIZE, PAGE_SIZE, RW, PRIV | MAP_FIXED | MAP_GROWSDOWN, 0),
			BASE + 4 * PAGE_SIZE);
	run_in_mm(test, mm, smp_processor_id(), grow_the_stack, NULL);
	vma = vma_at(mm, STACK_TOP_VA - 4 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_EXPECT_EQ(test, vma->vm_start, STACK_TOP_VA - 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vma->vm_end, STACK_TOP_VA);
	KUNIT_EXPECT_EQ(test, vma_at(mm, BASE + PAGE_SIZE)->vm_start, BASE + 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, check_mm(mm), 0);
	mm_release(mm);
}
