/*
 * arch/x86_64/lapic.c - local APIC driver (see lapic.h).
 *
 * The timer runs in periodic mode at HZ on every CPU. Its input clock is
 * not architecturally known, so the boot CPU measures it against the TSC
 * once (how many APIC timer counts elapse in 10 ms) and every CPU programs
 * the same initial count: all local APICs share one bus clock.
 */
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/desc.h"
#include "arch/x86_64/paging.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/panic.h"

#define APIC_ID		0x020
#define APIC_EOI	0x0b0
#define APIC_SVR	0x0f0
#define APIC_ESR	0x280
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define APIC_LVT_TIMER	0x320
#define APIC_LVT_LINT0	0x350
#define APIC_LVT_LINT1	0x360
#define APIC_LVT_ERROR	0x370
#define APIC_TIMER_INIT	0x380
#define APIC_TIMER_CUR	0x390
#define APIC_TIMER_DIV	0x3e0

#define APIC_BASE_ENABLE	(1UL << 11)
#define APIC_BASE_X2APIC	(1UL << 10)
#define SVR_ENABLE		(1 << 8)
#define LVT_MASKED		(1 << 16)
#define LVT_PERIODIC		(1 << 17)
#define LVT_NMI			(4 << 8)
#define ICR_BUSY		(1 << 12)
#define TIMER_DIV_16		0x3
#define CALIBRATE_NS		(10 * NSEC_PER_MSEC)

bool x2apic_mode;
phys_addr_t lapic_phys;
static volatile u32 *lapic_mmio;
static unsigned long timer_count_per_tick;
static tick_handler_t tick_handler;

DEFINE_PER_CPU(unsigned long, timer_ticks);
volatile unsigned long jiffies;

static u32 lapic_read(u32 reg)
{
	if (x2apic_mode)
		return rdmsr(0x800 + (reg >> 4));
	return lapic_mmio[reg / 4];
}

static void lapic_write(u32 reg, u32 v)
{
	if (x2apic_mode)
		wrmsr(0x800 + (reg >> 4), v);
	else
		lapic_mmio[reg / 4] = v;
}

u32 lapic_id(void)
{
	u32 id = lapic_read(APIC_ID);

	return x2apic_mode ? id : id >> 24;
}

void lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

void lapic_send_ipi(u32 apic_id, u32 icr)
{
	unsigned long flags = local_irq_save();

	if (x2apic_mode) {
		/* x2APIC: one 64-bit write, destination in the high half; no busy bit */
		wrmsr(0x830, ((u64)apic_id << 32) | icr);
	} else {
		lapic_write(APIC_ICR_HI, apic_id << 24);
		lapic_write(APIC_ICR_LO, icr);
		while (lapic_read(APIC_ICR_LO) & ICR_BUSY)
			cpu_relax();
	}
	local_irq_restore(flags);
}

static void spurious_interrupt(struct pt_regs *regs)
{
	(void)regs;		/* no EOI for the spurious vector */
}

static void timer_interrupt(struct pt_regs *regs)
{
	this_cpu_inc(timer_ticks);
	if (smp_processor_id() == 0)
		jiffies++;
	tick_handler(user_mode(regs));
}

void lapic_set_tick_handler(tick_handler_t fn)
{
	tick_handler = fn;
}

void lapic_init_bsp(phys_addr_t mmio_phys)
{
	lapic_phys = mmio_phys;
	x2apic_mode = cpu_has_x2apic();
	if (x2apic_mode)	/* the x2APIC MSRs fault until the mode is on */
		wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
	else
		lapic_mmio = ioremap(mmio_phys, PAGE_SIZE, IOREMAP_UNCACHED);
	set_irq_handler(SPURIOUS_VECTOR, spurious_interrupt);
	set_irq_handler(LOCAL_TIMER_VECTOR, timer_interrupt);
	pr_info("lapic: %s mode, registers at %#lx\n", x2apic_mode ? "x2APIC" : "xAPIC", mmio_phys);
}

static void lapic_enable(void)
{
	u64 base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

	if (x2apic_mode)
		base |= APIC_BASE_X2APIC;
	wrmsr(MSR_APIC_BASE, base);
	lapic_write(APIC_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
	lapic_write(APIC_LVT_LINT0, LVT_MASKED);
	lapic_write(APIC_LVT_LINT1, LVT_NMI);		/* NMI line, as on PCs */
	lapic_write(APIC_LVT_ERROR, LVT_MASKED);
	lapic_write(APIC_ESR, 0);
	lapic_eoi();
}

void lapic_timer_calibrate(void)
{
	u64 start, elapsed;
	u32 counted;

	lapic_enable();
	lapic_write(APIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(APIC_LVT_TIMER, LVT_MASKED);
	lapic_write(APIC_TIMER_INIT, 0xffffffff);
	start = ktime_get_ns();
	while ((u64)ktime_get_ns() - start < CALIBRATE_NS)
		cpu_relax();
	counted = 0xffffffff - lapic_read(APIC_TIMER_CUR);
	elapsed = ktime_get_ns() - start;
	lapic_write(APIC_TIMER_INIT, 0);
	if (!counted) {
		pr_warn("lapic: timer did not count; assuming a 100 MHz bus\n");
		counted = 100000000 / 16 / 100;
		elapsed = CALIBRATE_NS;
	}
	timer_count_per_tick = (u64)counted * (NSEC_PER_SEC / HZ) / elapsed;
	pr_info("lapic: timer %lu kHz (divided by 16), %lu counts per tick at HZ=%d\n",
		(u64)counted * NSEC_PER_MSEC / elapsed, timer_count_per_tick, HZ);
}

unsigned long lapic_timer_count(void)
{
	return timer_count_per_tick;
}

void lapic_init_this_cpu(void)
{
	lapic_enable();
	lapic_write(APIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(APIC_LVT_TIMER, LOCAL_TIMER_VECTOR | LVT_PERIODIC);
	lapic_write(APIC_TIMER_INIT, timer_count_per_tick);
}
