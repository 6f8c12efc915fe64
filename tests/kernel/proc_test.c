/*
 * tests/kernel/proc_test.c - what of user space can be tested from the
 * kernel: uaccess and its exception table, the ELF loader's checks, the
 * wait-status encoding, and futexes (wait/wake, errors, timeouts, a
 * multi-CPU torture of the hash buckets). The user-side suites
 * (usertest_*, user/) test the system calls from user mode.
 *
 * User memory is used from kernel threads that adopt a test mm
 * (kthread_use_mm), as the mm tests do; uaccess brackets every access with
 * stac/clac, so SMAP stays on throughout.
 */
#include "kernel/selftest.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/elf.h"
#include "kernel/proc/syscalls.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/slab.h"
#include "kernel/smp.h"
#include "kernel/sync/rcupdate.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define TEST_MAP_LEN		(4 * PAGE_SIZE)
#define FUTEX_TORTURE_ROUNDS	300	/* wake/wait-mismatch rounds per CPU */
#define FUTEX_PINGPONG_ROUNDS	50

struct mm_ctx {
	struct kunit *test;
	struct mm_struct *mm;
	unsigned long base;		/* a TEST_MAP_LEN private read-write mapping */
	void (*fn)(struct mm_ctx *c);
	void *arg;
};

static int mm_ctx_thread(void *p)
{
	struct mm_ctx *c = p;

	kthread_use_mm(c->mm);
	c->fn(c);
	kthread_unuse_mm(c->mm);
	return 0;
}

/* Runs fn in a kernel thread bound to cpu that has adopted c->mm. */
static void run_with_mm(struct mm_ctx *c, int cpu)
{
	struct task *t = kthread_create(mm_ctx_thread, c, "proctest");

	KUNIT_ASSERT_NOT_NULL(c->test, t);
	kthread_bind(t, cpu);
	wake_up_process(t);
	kthread_stop(t);
}

/* Drops the test mm; VMAs are freed after an RCU grace period, so wait for those too. */
static void mm_done(struct mm_struct *mm)
{
	mmput(mm);
	rcu_barrier();
}

static void mm_ctx_init(struct kunit *test, struct mm_ctx *c)
{
	long r;

	memset(c, 0, sizeof(*c));
	c->test = test;
	c->mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, c->mm);
	r = vm_mmap(c->mm, 0, TEST_MAP_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_GT(test, r, 0);
	c->base = r;
}

/* ---- uaccess ---- */

static void uaccess_body(struct mm_ctx *c)
{
	struct kunit *test = c->test;
	char buf[64], src[64];
	u32 v = 0;
	char *u = (char *)c->base;

	memset(src, 'x', sizeof(src));
	/* a page never touched: the copy faults it in and succeeds */
	KUNIT_EXPECT_EQ(test, copy_to_user(u + PAGE_SIZE, src, sizeof(src)), 0);
	KUNIT_EXPECT_EQ(test, copy_from_user(buf, u + PAGE_SIZE, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, src, sizeof(buf)), 0);
	/* get_user/put_user */
	KUNIT_EXPECT_EQ(test, put_user(0x12345678U, (u32 *)u), 0);
	KUNIT_EXPECT_EQ(test, get_user(v, (u32 *)u), 0);
	KUNIT_EXPECT_EQ(test, v, 0x12345678U);
	/* unmapped user memory: EFAULT through the exception table, no oops */
	KUNIT_EXPECT_EQ(test, copy_from_user(buf, (void *)0x1000, 8), 8);
	KUNIT_EXPECT_EQ(test, get_user(v, (u32 *)(c->base + TEST_MAP_LEN)), -EFAULT);
	KUNIT_EXPECT_EQ(test, put_user(1U, (u32 *)8), -EFAULT);
	/* a copy running off the end of the mapping: the bytes not copied */
	KUNIT_EXPECT_EQ(test, copy_to_user(u + TEST_MAP_LEN - 16, src, 48), 32);
	/* kernel pointers are refused up front */
	KUNIT_EXPECT_FALSE(test, access_ok((void *)buf, 1));
	KUNIT_EXPECT_EQ(test, copy_from_user(buf, (void *)src, 8), 8);
	KUNIT_EXPECT_EQ(test, get_user(v, (u32 *)&v), -EFAULT);
	KUNIT_EXPECT_FALSE(test, access_ok((void *)(TASK_SIZE - 4), 8));
	KUNIT_EXPECT_FALSE(test, access_ok((void *)~0UL, 2));	/* wraps around */
	/* strncpy_from_user: length, truncation, EFAULT */
	KUNIT_EXPECT_EQ(test, copy_to_user(u, "hello", 6), 0);
	KUNIT_EXPECT_EQ(test, strncpy_from_user(buf, u, sizeof(buf)), 5);
	KUNIT_EXPECT_STREQ(test, buf, "hello");
	KUNIT_EXPECT_EQ(test, strncpy_from_user(buf, u, 3), 3);
	KUNIT_EXPECT_EQ(test, strncpy_from_user(buf, (char *)0x2000, 8), -EFAULT);
	/* a string running into an unmapped page */
	memset(src, 'y', sizeof(src));
	KUNIT_EXPECT_EQ(test, copy_to_user(u + TEST_MAP_LEN - 8, src, 8), 0);
	KUNIT_EXPECT_EQ(test, strncpy_from_user(buf, u + TEST_MAP_LEN - 8, 32), -EFAULT);
	/* clear_user */
	KUNIT_EXPECT_EQ(test, clear_user(u, 16), 0);
	KUNIT_EXPECT_EQ(test, get_user(v, (u32 *)u), 0);
	KUNIT_EXPECT_EQ(test, v, 0);
	KUNIT_EXPECT_EQ(test, clear_user((void *)0x3000, 16), -EFAULT);
	/* with page faults disabled, a page not yet present fails instead of sleeping */
	pagefault_disable();
	KUNIT_EXPECT_EQ(test, get_user(v, (u32 *)(c->base + 2 * PAGE_SIZE)), -EFAULT);
	pagefault_enable();
	KUNIT_EXPECT_EQ(test, get_user(v, (u32 *)(c->base + 2 * PAGE_SIZE)), 0);
}

SELFTEST(proc, uaccess_efault_paths)
{
	struct mm_ctx c;

	mm_ctx_init(test, &c);
	c.fn = uaccess_body;
	run_with_mm(&c, smp_processor_id());
	mm_done(c.mm);
}

SELFTEST(proc, uaccess_without_mm)
{
	char buf[8];

	/* a kernel thread has no user address space: every user address faults to the fixup */
	KUNIT_EXPECT_EQ(test, copy_from_user(buf, (void *)0x400000, sizeof(buf)), sizeof(buf));
	KUNIT_EXPECT_EQ(test, strncpy_from_user(buf, (char *)0x400000, sizeof(buf)), -EFAULT);
}

/* ---- the ELF loader's checks ---- */

struct tiny_elf {
	struct elf64_ehdr eh;
	struct elf64_phdr ph[2];
	u8 code[16];
};

static void tiny_elf_init(struct tiny_elf *e)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->eh.e_ident, "\x7f" "ELF", 4);
	e->eh.e_ident[4] = 2;
	e->eh.e_ident[5] = 1;
	e->eh.e_ident[6] = 1;
	e->eh.e_type = ET_EXEC;
	e->eh.e_machine = EM_X86_64;
	e->eh.e_version = 1;
	e->eh.e_entry = 0x400000 + offsetof(struct tiny_elf, code);
	e->eh.e_phoff = offsetof(struct tiny_elf, ph);
	e->eh.e_ehsize = sizeof(e->eh);
	e->eh.e_phentsize = sizeof(struct elf64_phdr);
	e->eh.e_phnum = 1;
	e->ph[0].p_type = PT_LOAD;
	e->ph[0].p_flags = PF_R | PF_X;
	e->ph[0].p_offset = 0;
	e->ph[0].p_vaddr = 0x400000;
	e->ph[0].p_filesz = sizeof(*e);
	e->ph[0].p_memsz = sizeof(*e) + 100;
	e->ph[0].p_align = PAGE_SIZE;
}

SELFTEST(proc, elf_rejects_malformed)
{
	struct tiny_elf e;

	tiny_elf_init(&e);
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), 0);
	KUNIT_EXPECT_EQ(test, elf_check(&e, 10), -ENOEXEC);		/* truncated header */
	tiny_elf_init(&e); e.eh.e_ident[1] = 'X';
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);	/* magic */
	tiny_elf_init(&e); e.eh.e_ident[4] = 1;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);	/* 32-bit */
	tiny_elf_init(&e); e.eh.e_machine = 3;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);	/* i386 */
	tiny_elf_init(&e); e.eh.e_type = 1;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);	/* relocatable */
	tiny_elf_init(&e); e.eh.e_phnum = 0;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);
	tiny_elf_init(&e); e.eh.e_phoff = 1 << 20;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);	/* headers outside the file */
	tiny_elf_init(&e); e.eh.e_phentsize = 32;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);
	tiny_elf_init(&e); e.ph[0].p_filesz = e.ph[0].p_memsz + 1;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);	/* filesz > memsz */
	tiny_elf_init(&e); e.ph[0].p_offset = 1 << 20;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);	/* data outside the file */
	tiny_elf_init(&e); e.ph[0].p_vaddr = TASK_SIZE - 8;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);	/* beyond user space */
	tiny_elf_init(&e); e.ph[0].p_vaddr = ~0UL - 4;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);	/* wraps */
	tiny_elf_init(&e); e.ph[0].p_vaddr = 0;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);	/* page 0 */
	tiny_elf_init(&e); e.ph[0].p_vaddr = 0x400010;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);	/* vaddr and offset disagree mod page */
	tiny_elf_init(&e); e.eh.e_phnum = 2; e.ph[1].p_type = PT_INTERP;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);	/* dynamic */
	tiny_elf_init(&e); e.ph[0].p_type = PT_GNU_STACK;
	KUNIT_EXPECT_EQ(test, elf_check(&e, sizeof(e)), -ENOEXEC);	/* nothing to load */
}

SELFTEST(proc, elf_load_maps_segments)
{
	struct tiny_elf e;
	struct elf_info info;
	struct mm_struct *mm = mm_alloc();
	struct vm_area_struct *vma;
	u8 back[sizeof(e)];

	KUNIT_ASSERT_NOT_NULL(test, mm);
	tiny_elf_init(&e);
	e.eh.e_phnum = 2;
	e.ph[1].p_type = PT_GNU_STACK;
	e.ph[1].p_flags = PF_R | PF_W;
	KUNIT_EXPECT_EQ(test, elf_load(mm, &e, sizeof(e), &info), 0);
	KUNIT_EXPECT_EQ(test, info.entry, e.eh.e_entry);
	KUNIT_EXPECT_EQ(test, info.phdr, 0x400000 + e.eh.e_phoff);
	KUNIT_EXPECT_EQ(test, info.phnum, 2);
	KUNIT_EXPECT_FALSE(test, info.exec_stack);
	KUNIT_EXPECT_EQ(test, info.brk, 0x401000);
	mmap_read_lock(mm);
	vma = find_vma(mm, 0x400000);
	KUNIT_EXPECT_TRUE(test, vma && vma->vm_start == 0x400000 && vma->vm_end == 0x401000);
	if (vma)
		KUNIT_EXPECT_EQ(test, vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC), VM_READ | VM_EXEC);
	mmap_read_unlock(mm);
	KUNIT_EXPECT_EQ(test, access_remote_vm(mm, 0x400000, back, sizeof(back), false), (long)sizeof(back));
	KUNIT_EXPECT_EQ(test, memcmp(back, &e, sizeof(e)), 0);
	mm_done(mm);
}

/* ---- wait status ---- */

SELFTEST(proc, wait_status_encoding)
{
	KUNIT_EXPECT_EQ(test, wait_status_exited(0), 0);
	KUNIT_EXPECT_EQ(test, wait_status_exited(3), 0x300);
	KUNIT_EXPECT_EQ(test, wait_status_exited(256 + 7), 0x700);	/* only the low 8 bits */
	KUNIT_EXPECT_EQ(test, wait_status_signaled(11), 11);
	KUNIT_EXPECT_EQ(test, wait_status_signaled(9) & 0x80, 0);	/* no core dumps: no core flag */
	KUNIT_EXPECT_EQ(test, status_to_exit_code(wait_status_exited(42)), 42);
	KUNIT_EXPECT_EQ(test, status_to_exit_code(wait_status_signaled(11)), 128 + 11);
	KUNIT_EXPECT_EQ(test, status_to_exit_code(wait_status_signaled(9)), 137);
}

/* ---- futexes ---- */

#define FUTEX_WAIT_OP	0
#define FUTEX_WAKE_OP	1
#define FUTEX_PRIVATE	128

struct futex_pair {
	struct mm_ctx *c;
	u32 *word;
	atomic_t rounds_done;
	long result;
};

static void futex_errors_body(struct mm_ctx *c)
{
	struct kunit *test = c->test;
	u32 *w = (u32 *)c->base;
	struct { long s, ns; } ts = { 0, 1000000 };

	KUNIT_EXPECT_EQ(test, put_user(5U, w), 0);
	/* value differs: EAGAIN; misaligned: EINVAL; unmapped/kernel: EFAULT */
	KUNIT_EXPECT_EQ(test, do_futex(w, FUTEX_WAIT_OP | FUTEX_PRIVATE, 4, 0, NULL, 0), -EAGAIN);
	KUNIT_EXPECT_EQ(test, do_futex((u32 *)((char *)w + 1), FUTEX_WAIT_OP, 5, 0, NULL, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, do_futex((u32 *)0x1000, FUTEX_WAIT_OP, 0, 0, NULL, 0), -EFAULT);
	KUNIT_EXPECT_EQ(test, do_futex((u32 *)&ts, FUTEX_WAKE_OP, 1, 0, NULL, 0), -EFAULT);
	/* nobody waits: wake returns 0; an unknown op: ENOSYS */
	KUNIT_EXPECT_EQ(test, do_futex(w, FUTEX_WAKE_OP, 1, 0, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, do_futex(w, 99, 1, 0, NULL, 0), -ENOSYS);
	/* a timeout: the timespec is user memory too */
	KUNIT_EXPECT_EQ(test, copy_to_user(w + 4, &ts, sizeof(ts)), 0);
	KUNIT_EXPECT_EQ(test, do_futex(w, FUTEX_WAIT_OP, 5, (unsigned long)(w + 4), NULL, 0), -ETIMEDOUT);
	ts.ns = 2000000000L;
	KUNIT_EXPECT_EQ(test, copy_to_user(w + 4, &ts, sizeof(ts)), 0);
	KUNIT_EXPECT_EQ(test, do_futex(w, FUTEX_WAIT_OP, 5, (unsigned long)(w + 4), NULL, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, futex_waiters(c->mm, (unsigned long)w), 0);
}

SELFTEST(proc, futex_errors_and_timeout)
{
	struct mm_ctx c;

	mm_ctx_init(test, &c);
	c.fn = futex_errors_body;
	run_with_mm(&c, smp_processor_id());
	mm_done(c.mm);
}

/* The waiter: sleeps on word while it is 0, FUTEX_PINGPONG_ROUNDS times. */
static void futex_waiter_body(struct mm_ctx *c)
{
	struct futex_pair *fp = c->arg;

	for (int i = 0; i < FUTEX_PINGPONG_ROUNDS; i++) {
		u32 v = 0;
		for (;;) {
			get_user(v, fp->word);
			if (v != 0)
				break;
			do_futex(fp->word, FUTEX_WAIT_OP | FUTEX_PRIVATE, 0, 0, NULL, 0);
		}
		put_user(0U, fp->word);		/* consume */
		atomic_inc(&fp->rounds_done);
	}
}

static int futex_waiter_thread(void *p)
{
	struct mm_ctx *c = p;

	kthread_use_mm(c->mm);
	futex_waiter_body(c);
	kthread_unuse_mm(c->mm);
	return 0;
}

static void futex_waker_body(struct mm_ctx *c)
{
	struct futex_pair *fp = c->arg;

	for (int i = 0; i < FUTEX_PINGPONG_ROUNDS; i++) {
		while (atomic_read(&fp->rounds_done) != i)
			cond_resched();		/* the waiter has consumed the previous round */
		put_user(1U, fp->word);
		do_futex(fp->word, FUTEX_WAKE_OP | FUTEX_PRIVATE, 1, 0, NULL, 0);
	}
	while (atomic_read(&fp->rounds_done) != FUTEX_PINGPONG_ROUNDS)
		cond_resched();
}

SELFTEST(proc, futex_wait_wake_pingpong)
{
	struct mm_ctx c, cw;
	struct futex_pair fp;
	struct task *waiter;
	int cpu2 = num_online_cpus() > 1 ? cpumask_next(smp_processor_id(), &cpu_online_mask) : smp_processor_id();

	if (cpu2 >= MAX_CPUS)
		cpu2 = cpumask_first(&cpu_online_mask);
	mm_ctx_init(test, &c);
	fp.c = &c;
	fp.word = (u32 *)c.base;
	atomic_set(&fp.rounds_done, 0);
	cw = c;
	cw.arg = &fp;
	waiter = kthread_create(futex_waiter_thread, &cw, "futexwaiter");
	KUNIT_ASSERT_NOT_NULL(test, waiter);
	kthread_bind(waiter, cpu2);
	wake_up_process(waiter);
	c.arg = &fp;
	c.fn = futex_waker_body;
	run_with_mm(&c, smp_processor_id());
	kthread_stop(waiter);
	KUNIT_EXPECT_EQ(test, atomic_read(&fp.rounds_done), FUTEX_PINGPONG_ROUNDS);
	KUNIT_EXPECT_EQ(test, futex_waiters(c.mm, c.base), 0);
	mm_done(c.mm);
}

/* Every CPU hammers the hash: wakes with nobody waiting, waits that must not sleep. */
struct torture_ctx {
	struct mm_struct *mm;
	unsigned long base;
	atomic_t errors;
};

static void futex_torture_cpu(struct kunit *test, int cpu, void *arg)
{
	struct torture_ctx *t = arg;
	u32 *w = (u32 *)t->base + cpu;		/* own word, but all in one page: shared buckets likely */

	kthread_use_mm(t->mm);
	for (int i = 0; i < FUTEX_TORTURE_ROUNDS; i++) {
		if (put_user((u32)i, w))
			atomic_inc(&t->errors);
		if (do_futex(w, FUTEX_WAIT_OP | FUTEX_PRIVATE, i + 1, 0, NULL, 0) != -EAGAIN)
			atomic_inc(&t->errors);
		if (do_futex(w, FUTEX_WAKE_OP | FUTEX_PRIVATE, 1, 0, NULL, 0) != 0)
			atomic_inc(&t->errors);
		if ((i & 31) == 0)
			cond_resched();
	}
	kthread_unuse_mm(t->mm);
	(void)test;
}

SELFTEST(proc, futex_hash_torture)
{
	struct mm_ctx c;
	struct torture_ctx t;

	mm_ctx_init(test, &c);
	t.mm = c.mm;
	t.base = c.base;
	atomic_set(&t.errors, 0);
	test_on_each_cpu(test, futex_torture_cpu, &t);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.errors), 0);
	mm_done(c.mm);
}
