/*
 * kernel/main.c - the boot CPU's path from the first C instruction to the
 * monitor prompt. Each step needs the ones before it; the comment on each
 * line says why it sits where it does.
 */
#include "kernel/bench.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/monitor.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/proc/proc.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/smp.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/rcupdate.h"
#include "kernel/sync/spinlock.h"
#include "kernel/time.h"
#include "kernel/mm/kstack.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/memblock.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/numa.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/slab.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/desc.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/qemu.h"
#include "arch/x86_64/serial.h"

extern char boot_stack_bottom[], boot_stack_top[];

/* The first kernel thread: init=PROGRAM, self-tests (then exit QEMU), or the monitor. */
static int init_main(void *unused)
{
	(void)unused;
	if (init_requested())
		run_init_process();		/* init=NAME: a user program is the first process */
	if (selftest_requested()) {
		int failed = selftest_run(selftest_globs());
		qemu_exit(failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	}
	if (bench_requested()) {
		bench_run();
		qemu_exit(QEMU_EXIT_PASS);
	}
	monitor_run();
}

static void kernel_main_guarded(void *stack_top);

void kernel_main(u32 magic, phys_addr_t mbi)
{
	void *stack;

	tsc_mark_boot();			/* time stamps count from here */
	serial_init();				/* printk works from here */
	set_this_cpu_kstack((unsigned long)boot_stack_bottom, (unsigned long)boot_stack_top);
	idt_init();				/* exceptions become oopses */
	arch_cpu_setup();			/* GDT, TSS and IST stacks (in the per-CPU template for now) */
	pic_disable();				/* no stray legacy interrupts */
	bootinfo_parse(magic, mbi);		/* copy GRUB's data before anything can overwrite it */
	printk(KERN_INFO "Numbat teaching kernel, command line: %s\n", boot_cmdline);
	cmdline_parse_boot();			/* options decide much of what follows */
	spinlock_mode_init();			/* how lock waiters wait; before any lock is contended */
	tsc_calibrate();			/* time stamps and delays */
	bootinfo_setup_memory();		/* memblock: RAM and what is reserved */
	paging_init();				/* direct map, W^X image, no identity map */
	acpi_init();				/* CPUs, nodes, distances */
	lapic_init_bsp(acpi.lapic_addr);	/* our APIC id, needed to number the CPUs */
	smp_prepare_cpus();			/* logical CPU numbers from the MADT */
	numa_init();				/* node of every CPU and memory range */
	setup_per_cpu_areas();			/* each CPU's area on its own node */
	arch_cpu_setup();			/* reload GDT/TSS from the boot CPU's own area */
	page_alloc_init();			/* memblock hands every free page to the buddy allocator */
	kstack_init();				/* guarded stacks: the APs' need the page allocator */
	kmem_cache_init();			/* slab caches and kmalloc: pages and alloc_percpu */
	mm_caches_init();			/* mm_struct and VMA caches; init_mm */
	numa_policy_init();			/* memory policies: before the first user page */
	stack = kstack_alloc(numa_mem_id());	/* leave the image's unguarded boot stack */
	if (!stack)
		panic("no memory for the boot CPU's stack");
	set_this_cpu_kstack((unsigned long)stack - KSTACK_SIZE, (unsigned long)stack);
	call_on_stack(kernel_main_guarded, stack, stack);
}

static void kernel_main_guarded(void *stack_top)
{
	/* this context becomes the boot CPU's idle task */
	sched_init((unsigned long)stack_top - KSTACK_SIZE, (unsigned long)stack_top);
	smp_ipi_init();
	lapic_timer_calibrate();
	lapic_set_tick_handler(sched_tick);	/* before any CPU's timer starts */
	lapic_init_this_cpu();			/* the boot CPU's tick */
	local_irq_enable();
	smp_boot_cpus();			/* the others, one by one */
	numa_print_hardware();			/* the topology, numactl style */
	rcu_init();				/* its kthreads: one per online CPU, so after smp_boot_cpus */
	if (!kthread_run(init_main, NULL, "init"))	/* tests or the monitor, in a task that may sleep */
		panic("cannot create the init task");
	cpu_idle();				/* the boot context is now CPU 0's idle task */
}
