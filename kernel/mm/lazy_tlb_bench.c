/*
 * kernel/mm/lazy_tlb_bench.c - what a TLB shootdown costs when the other
 * CPUs only borrow the mm, in each mode of the technique lazy_tlb (see
 * kernel/bench.h, kernel/mm/lazy_tlb.c):
 *
 *   lazy_tlb_unmap   one CPU maps a page of a test mm (populated) and
 *                    unmaps it again, over and over: each unmap is a
 *                    shootdown. Every other CPU idles on that mm, lent to
 *                    its idle task after a kernel thread that adopted the
 *                    mm went to sleep there, as after a thread of a
 *                    process blocks. Rounds per second: under `ipi` each
 *                    one wakes every idle CPU and waits for it, under
 *                    `defer` none.
 */
#include "kernel/bench.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/lazy_mm.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/task.h"
#include "kernel/sync/wait.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/technique.h"

#define BENCH_VA	0x40000000UL

struct sleeper {
	struct mm_struct *mm;
	struct completion adopted, leave;
};

static int adopt_and_sleep(void *arg)
{
	struct sleeper *s = arg;

	kthread_use_mm(s->mm);
	complete(&s->adopted);
	wait_for_completion(&s->leave);		/* asleep: this CPU idles, borrowing s->mm */
	kthread_unuse_mm(s->mm);
	return 0;
}

/* Map and unmap rounds per second on this CPU. */
static u64 unmap_rounds(struct mm_struct *mm)
{
	u64 t0 = ktime_get_ns(), end = t0 + bench_duration_ms * NSEC_PER_MSEC, now;
	unsigned long rounds = 0;

	do {
		if (vm_mmap(mm, BENCH_VA, PAGE_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, 0) != (long)BENCH_VA)
			return 0;
		vm_munmap(mm, BENCH_VA, PAGE_SIZE);
		rounds++;
		now = ktime_get_ns();
	} while (now < end);
	return rounds * NSEC_PER_SEC / (now - t0);
}

BENCHMARK(lazy_tlb_unmap)
{
	static struct sleeper ss[MAX_CPUS];
	static struct task *tasks[MAX_CPUS];
	static u64 samples[TECHNIQUE_MAX_MODES][BENCH_MAX_REPS];
	const struct technique *t = technique_find("lazy_tlb");
	int saved = technique_mode(lazy_tlb), self = smp_processor_id(), nt = 0, cpu;
	struct mm_struct *mm = mm_alloc();
	u64 rates[TECHNIQUE_MAX_MODES];

	if (!t || !mm || num_online_cpus() < 2)
		goto out;
	sched_setaffinity_cpu(current, self);
	for_each_online_cpu(cpu) {
		struct sleeper *s = &ss[nt];

		if (cpu == self)
			continue;
		s->mm = mm;
		init_completion(&s->adopted);
		init_completion(&s->leave);
		tasks[nt] = kthread_create(adopt_and_sleep, s, "lazy-tlb-bench/%d", cpu);
		if (!tasks[nt])
			break;
		kthread_bind(tasks[nt], cpu);
		wake_up_process(tasks[nt]);
		wait_for_completion(&s->adopted);
		nt++;
	}
	msleep(10);			/* every sleeper asleep: their CPUs idle on mm */
	for (unsigned long r = 0; r < bench_reps; r++)	/* the modes take turns; medians */
		for (int m = 0; m < t->nr_modes; m++) {
			technique_set(t, m, NULL, 0);
			samples[m][r] = unmap_rounds(mm);
		}
	for (int m = 0; m < t->nr_modes; m++)
		rates[m] = bench_median(samples[m], bench_reps);
	bench_report_modes("lazy_tlb_unmap", num_online_cpus(), t, rates);
	for (int i = 0; i < nt; i++)
		complete(&ss[i].leave);
	for (int i = 0; i < nt; i++)
		kthread_stop(tasks[i]);
	technique_set(t, saved, NULL, 0);
	set_cpus_allowed(current, &cpu_online_mask);
out:
	if (mm)
		mmput(mm);
}
