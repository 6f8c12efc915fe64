/*
 * arch/x86_64/time.c - TSC calibration against the 8254 PIT, and the clock
 * built on it.
 *
 * PIT channel 2 is wired to port 0x61 and runs at 1.193182 MHz whatever the
 * CPU's speed: we let it count down a known interval in mode 0 and count
 * TSC cycles meanwhile. Nanoseconds are then (cycles * mult) >> 32, with a
 * 128-bit product so nothing overflows in any realistic uptime.
 */
#include "kernel/time.h"
#include "kernel/printk.h"
#include "arch/x86_64/cpu.h"

#define PIT_HZ		1193182
#define CALIBRATE_MS	10
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61
#define FALLBACK_KHZ	2000000		/* 2 GHz, if the PIT never answers */

u64 tsc_khz;
static u64 tsc_at_boot;
static u64 ns_mult;			/* ns = (cycles * ns_mult) >> 32 */

static u64 pit_measure_tsc(unsigned ms)
{
	u16 count = PIT_HZ * ms / 1000;
	u64 t0, t1;
	long spins;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(PIT_CMD, 0xb0);		/* channel 2, lo/hi byte, mode 0, binary */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	t0 = rdtsc();
	for (spins = 0; spins < 200000000L; spins++)
		if (inb(PIT_GATE) & 0x20)	/* OUT2 rises at terminal count */
			break;
	t1 = rdtsc();
	return spins < 200000000L ? t1 - t0 : 0;
}

/* Time 0 is the kernel's first instruction, not the machine's reset. */
void tsc_mark_boot(void)
{
	tsc_at_boot = rdtsc();
}

void tsc_calibrate(void)
{
	u64 cycles = pit_measure_tsc(CALIBRATE_MS);

	if (!cycles) {
		pr_warn("time: PIT did not count down; assuming a %lu MHz TSC\n", (u64)FALLBACK_KHZ / 1000);
		tsc_khz = FALLBACK_KHZ;
	} else {
		tsc_khz = cycles / CALIBRATE_MS;
	}
	ns_mult = ((u64)NSEC_PER_MSEC << 32) / tsc_khz;
	pr_info("time: TSC runs at %lu.%03lu MHz (calibrated against the PIT over %d ms)\n",
		tsc_khz / 1000, tsc_khz % 1000, CALIBRATE_MS);
}

/* Ordered after the caller's earlier loads: see rdtsc_ordered. */
ktime_t ktime_get_ns(void)
{
	u64 cycles;

	if (!ns_mult)
		return 0;
	cycles = rdtsc_ordered() - tsc_at_boot;
	return (ktime_t)(((unsigned __int128)cycles * ns_mult) >> 32);
}

u64 ns_to_tsc(u64 ns)
{
	/* split so the product cannot overflow */
	return ns / NSEC_PER_MSEC * tsc_khz + (ns % NSEC_PER_MSEC) * tsc_khz / NSEC_PER_MSEC;
}

void ndelay(u64 ns)
{
	u64 end = rdtsc() + ns_to_tsc(ns);

	while ((s64)(rdtsc() - end) < 0)
		__asm__ __volatile__("pause");
}
