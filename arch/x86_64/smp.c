/*
 * arch/x86_64/smp.c - starting the other CPUs and talking to them by IPI.
 *
 * Start-up, one AP at a time: the boot CPU copies the trampoline below
 * 1 MiB, writes the AP's stack, number and C entry into its parameter
 * block, and sends INIT, then STARTUP twice (the Intel SDM's MP start
 * sequence). The AP reports in by setting its cpu_state to CPU_ONLINE. An
 * AP that has not reported after AP_START_TIMEOUT_MS gets INIT again (so a
 * late start cannot run on the next AP's parameters) and is left out.
 *
 * Lock order: call_queue.lock is taken with interrupts off and nests
 * inside nothing.
 */
#include "kernel/smp.h"
#include "kernel/mm/numa.h"
#include "kernel/mm/kstack.h"
#include "kernel/panic.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/lib/string.h"
#include "kernel/sync/spinlock.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/desc.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/paging.h"
#include "kernel/monitor.h"
#include "kernel/sched/sched.h"

u32 cpu_apic_id[MAX_CPUS];
int nr_cpu_ids = 1;
struct cpumask cpu_online_mask;
struct cpumask cpu_possible_mask;
DEFINE_PER_CPU(int, cpu_state);
DEFINE_PER_CPU(unsigned long, ipi_calls);

struct trampoline_params {
	u32 cr3;
	u32 cpu;
	u64 stack;
	u64 entry;
} __packed;

extern char trampoline_start[], trampoline_end[], trampoline_params[];

/* ---- logical CPU numbering ---- */

void smp_prepare_cpus(void)
{
	u32 bsp = lapic_id();

	cpu_apic_id[0] = bsp;
	nr_cpu_ids = 1;
	for (int i = 0; i < acpi.ncpus; i++) {
		if (!acpi.cpus[i].enabled || acpi.cpus[i].apic_id == bsp)
			continue;
		if (nr_cpu_ids == MAX_CPUS) {
			pr_warn("smp: more than %d CPUs; APIC id %u left out\n", MAX_CPUS, acpi.cpus[i].apic_id);
			continue;
		}
		if (!x2apic_mode && acpi.cpus[i].apic_id > 254) {
			pr_warn("smp: APIC id %u needs x2APIC; left out\n", acpi.cpus[i].apic_id);
			continue;
		}
		cpu_apic_id[nr_cpu_ids++] = acpi.cpus[i].apic_id;
	}
	for (int cpu = 0; cpu < nr_cpu_ids; cpu++)
		cpumask_set_cpu(cpu, &cpu_possible_mask);
	if (!acpi.have_madt)
		pr_warn("smp: no usable MADT; running on the boot CPU only\n");
}

/* ---- starting APs ---- */

static void setup_trampoline(void)
{
	u64 *pml4 = phys_to_virt(TRAMPOLINE_PML4_PHYS);
	u64 *pdpt = phys_to_virt(TRAMPOLINE_PDPT_PHYS);
	u64 *pd = phys_to_virt(TRAMPOLINE_PD_PHYS);

	memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start, trampoline_end - trampoline_start);
	memset(pml4, 0, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	memset(pd, 0, PAGE_SIZE);
	pd[0] = 0 | PTE_PRESENT | PTE_WRITE | PTE_HUGE;		/* identity 0-2 MiB */
	pdpt[0] = TRAMPOLINE_PD_PHYS | PTE_PRESENT | PTE_WRITE;
	pml4[0] = TRAMPOLINE_PDPT_PHYS | PTE_PRESENT | PTE_WRITE;
	for (int i = PML4_USER_ENTRIES; i < PT_ENTRIES; i++)	/* the kernel's half */
		pml4[i] = kernel_pml4[i];
}

static void ap_start(void);

static bool start_ap(int cpu)
{
	struct trampoline_params *p = phys_to_virt(TRAMPOLINE_PHYS + (trampoline_params - trampoline_start));
	int node = numa_nearest_memory_node(cpu_to_node(cpu));
	char *stack = kstack_alloc(node);	/* its top; a guard lies below */
	u32 apic = cpu_apic_id[cpu];
	u64 deadline;

	if (!stack) {
		pr_err("smp: no memory for cpu%d's stack; left out\n", cpu);
		return false;
	}
	p->cr3 = TRAMPOLINE_PML4_PHYS;
	p->cpu = cpu;
	p->stack = (u64)stack;
	p->entry = (u64)ap_start;
	per_cpu(cpu_state, cpu) = CPU_STARTING;
	smp_mb();

	lapic_send_ipi(apic, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
	mdelay(10);
	for (int i = 0; i < 2; i++) {
		lapic_send_ipi(apic, ICR_STARTUP | (TRAMPOLINE_PHYS >> 12));
		udelay(200);
		if (READ_ONCE(per_cpu(cpu_state, cpu)) == CPU_ONLINE)
			return true;
	}
	deadline = ktime_get_ns() + AP_START_TIMEOUT_MS * NSEC_PER_MSEC;
	while (READ_ONCE(per_cpu(cpu_state, cpu)) != CPU_ONLINE) {
		if (ktime_get_ns() > (ktime_t)deadline) {
			lapic_send_ipi(apic, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
			per_cpu(cpu_state, cpu) = CPU_NO_ANSWER;
			pr_err("smp: cpu%d (APIC id %u) did not answer within %d ms; left out\n",
			       cpu, apic, AP_START_TIMEOUT_MS);
			return false;
		}
		cpu_relax();
	}
	return true;
}

void smp_boot_cpus(void)
{
	int started = 1;

	cpumask_set_cpu(0, &cpu_online_mask);
	this_cpu_write(cpu_state, CPU_ONLINE);
	if (nr_cpu_ids == 1)
		return;
	setup_trampoline();
	for (int cpu = 1; cpu < nr_cpu_ids; cpu++)
		started += start_ap(cpu);
	pr_info("smp: %d of %d CPUs online\n", started, nr_cpu_ids);
}

/* First C code of an AP, on its own stack, still on the trampoline page table. */
static void ap_start(void)
{
	struct trampoline_params *p = phys_to_virt(TRAMPOLINE_PHYS + (trampoline_params - trampoline_start));
	int cpu = p->cpu;
	unsigned long stack_top = p->stack;

	write_cr3(virt_to_phys(kernel_pml4));
	wrmsr(MSR_GS_BASE, per_cpu_offset(cpu));
	set_this_cpu_kstack(stack_top - KSTACK_SIZE, stack_top);
	arch_cpu_setup();
	lapic_init_this_cpu();
	sched_init_ap(cpu, stack_top - KSTACK_SIZE, stack_top);	/* this context: cpu's idle task */
	cpumask_set_cpu_atomic(cpu, &cpu_online_mask);
	smp_store_release(&per_cpu(cpu_state, cpu), CPU_ONLINE);
	local_irq_enable();
	cpu_idle();
}

/* ---- call function IPIs ---- */

struct call_single_data {
	struct call_single_data *next;
	smp_call_func_t fn;
	void *arg;
	volatile int busy;		/* set by the sender, cleared after fn ran */
};

struct call_queue {
	spinlock_t lock;
	struct call_single_data *head, **tail;
};

static DEFINE_PER_CPU(struct call_queue, call_queue);
/* per sender, one slot per target for calls that do not wait */
static DEFINE_PER_CPU(struct call_single_data, async_csd[MAX_CPUS]);

static void call_function_interrupt(struct pt_regs *regs)
{
	struct call_queue *q = this_cpu_ptr(&call_queue);
	struct call_single_data *list;

	(void)regs;
	spin_lock(&q->lock);
	list = q->head;
	q->head = NULL;
	q->tail = &q->head;
	spin_unlock(&q->lock);
	while (list) {
		struct call_single_data *next = list->next;
		list->fn(list->arg);
		this_cpu_inc(ipi_calls);
		smp_store_release(&list->busy, 0);	/* list may be reused from here on */
		list = next;
	}
}

static void reschedule_interrupt(struct pt_regs *regs)
{
	(void)regs;			/* waking the CPU from hlt is the point */
}

static void enqueue_csd(int cpu, struct call_single_data *csd)
{
	struct call_queue *q = &per_cpu(call_queue, cpu);
	unsigned long flags = spin_lock_irqsave(&q->lock);

	csd->next = NULL;
	*q->tail = csd;
	q->tail = &csd->next;
	spin_unlock_irqrestore(&q->lock, flags);
}

static struct call_single_data *prepare_csd(int cpu, struct call_single_data *on_stack,
					    smp_call_func_t fn, void *arg, bool wait)
{
	struct call_single_data *csd = wait ? on_stack : this_cpu_ptr(&async_csd[cpu]);

	/* a slot for calls that do not wait may still carry the previous call */
	while (!wait && READ_ONCE(csd->busy))
		cpu_relax();
	csd->fn = fn;
	csd->arg = arg;
	csd->busy = 1;
	return csd;
}

int smp_call_function_single(int cpu, smp_call_func_t fn, void *arg, bool wait)
{
	struct call_single_data stack_csd = { 0 }, *csd;

	if (cpu == smp_processor_id()) {
		unsigned long flags = local_irq_save();
		fn(arg);
		local_irq_restore(flags);
		return 0;
	}
	if (cpu < 0 || cpu >= MAX_CPUS || !cpu_online(cpu))
		return -ENXIO;
	WARN_ON_ONCE(wait && irqs_disabled());
	csd = prepare_csd(cpu, &stack_csd, fn, arg, wait);
	enqueue_csd(cpu, csd);
	lapic_send_ipi(cpu_apic_id[cpu], ICR_FIXED | CALL_FUNCTION_VECTOR);
	while (wait && READ_ONCE(csd->busy))
		cpu_relax();
	return 0;
}

void smp_call_function_many(const struct cpumask *mask, smp_call_func_t fn, void *arg, bool wait)
{
	struct call_single_data csds[MAX_CPUS];
	int cpu, self = smp_processor_id();

	WARN_ON_ONCE(wait && irqs_disabled());
	for_each_cpu(cpu, mask) {
		if (cpu == self || !cpu_online(cpu))
			continue;
		enqueue_csd(cpu, prepare_csd(cpu, &csds[cpu], fn, arg, wait));
		lapic_send_ipi(cpu_apic_id[cpu], ICR_FIXED | CALL_FUNCTION_VECTOR);
	}
	if (!wait)
		return;
	for_each_cpu(cpu, mask)
		if (cpu != self && cpu_online(cpu))
			while (READ_ONCE(csds[cpu].busy))
				cpu_relax();
}

void on_each_cpu(smp_call_func_t fn, void *arg, bool wait)
{
	unsigned long flags;

	smp_call_function_many(&cpu_online_mask, fn, arg, wait);
	flags = local_irq_save();
	fn(arg);
	local_irq_restore(flags);
}

void send_reschedule_ipi(int cpu)
{
	lapic_send_ipi(cpu_apic_id[cpu], ICR_FIXED | RESCHEDULE_VECTOR);
}

void smp_init_this_cpu_state(int cpu)
{
	struct call_queue *q = &per_cpu(call_queue, cpu);

	spin_lock_init_rank(&q->lock, "call_queue.lock", LOCK_RANK_CALL_QUEUE);
	q->head = NULL;
	q->tail = &q->head;
}

void smp_ipi_init(void)
{
	set_irq_handler(CALL_FUNCTION_VECTOR, call_function_interrupt);
	set_irq_handler(RESCHEDULE_VECTOR, reschedule_interrupt);
}

/* ---- stopping and backtraces by NMI ---- */

static volatile int cpus_stopped;
static DEFINE_PER_CPU(volatile bool, backtrace_requested);

void smp_stop_other_cpus(void)
{
	int cpu, self = smp_processor_id(), expected = 0;

	for_each_online_cpu(cpu)
		if (cpu != self) {
			lapic_send_ipi(cpu_apic_id[cpu], ICR_NMI);
			expected++;
		}
	for (int i = 0; i < 1000 && READ_ONCE(cpus_stopped) < expected; i++)
		udelay(100);
	printk(KERN_EMERG "smp: stopped %d of %d other CPUs\n", READ_ONCE(cpus_stopped), expected);
}

void smp_stop_this_cpu(struct pt_regs *regs)
{
	(void)regs;
	this_cpu_write(cpu_state, CPU_STOPPED);
	__atomic_add_fetch(&cpus_stopped, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		local_irq_disable();
		halt();
	}
}

void nmi_backtrace_handler(struct pt_regs *regs)
{
	if (!this_cpu_read(backtrace_requested))
		return;
	printk(KERN_ERR "NMI backtrace of cpu%d:\n", smp_processor_id());
	show_regs(regs);
	this_cpu_write(backtrace_requested, false);
}

bool trigger_cpu_backtrace(int cpu)
{
	if (!cpu_online(cpu) || cpu == smp_processor_id())
		return false;
	per_cpu(backtrace_requested, cpu) = true;
	lapic_send_ipi(cpu_apic_id[cpu], ICR_NMI);
	for (int i = 0; i < 1000 && READ_ONCE(per_cpu(backtrace_requested, cpu)); i++)
		udelay(100);
	return !READ_ONCE(per_cpu(backtrace_requested, cpu));
}

static const char *const state_names[] = {
	[CPU_OFFLINE] = "offline", [CPU_STARTING] = "starting", [CPU_ONLINE] = "online",
	[CPU_NO_ANSWER] = "no-answer", [CPU_STOPPED] = "stopped",
};


static int cmd_cpus(int argc, char **argv)
{
	int cpu;

	(void)argc;
	(void)argv;
	console_printf("cpu  apic  node  state       ticks      irqs  ipi-calls\n");
	for_each_possible_cpu(cpu)
		console_printf("%3d  %4u  %4d  %-9s %7lu %9lu  %9lu\n", cpu, cpu_apic_id[cpu], cpu_to_node(cpu),
			       state_names[per_cpu(cpu_state, cpu)], per_cpu(timer_ticks, cpu),
			       per_cpu(irq_count, cpu), per_cpu(ipi_calls, cpu));
	console_printf("%d online of %d; local APIC in %s mode; timer at %d Hz\n",
		       num_online_cpus(), nr_cpu_ids, x2apic_mode ? "x2APIC" : "xAPIC", HZ);
	return 0;
}
MONITOR_CMD(cpus, "", "every CPU: APIC id, node, state, timer ticks, interrupts", cmd_cpus);

static int cmd_bt(int argc, char **argv)
{
	unsigned long cpu;

	(void)argc;
	if (kstrtoul(argv[1], 10, &cpu))
		return -EINVAL;
	if (cpu >= MAX_CPUS || !cpumask_test_cpu(cpu, &cpu_online_mask))
		return monitor_error(-ENODEV, "no CPU %lu (online: `cpus`)", cpu);
	if ((int)cpu == smp_processor_id()) {
		dump_stack();
		return 0;
	}
	if (!trigger_cpu_backtrace(cpu))
		console_printf("cpu%lu did not answer the NMI\n", cpu);
	return 0;
}
MONITOR_CMD(bt, "CPU", "backtrace of a CPU, taken by NMI", cmd_bt);
