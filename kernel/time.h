/*
 * kernel/time.h - time since boot from the TSC, and busy-wait delays.
 * The TSC is calibrated once against the PIT at boot (arch/x86_64/time.c);
 * QEMU keeps every CPU's TSC in step, so one calibration serves all.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include "kernel/types.h"

#define NSEC_PER_SEC	1000000000L
#define NSEC_PER_MSEC	1000000L
#define NSEC_PER_USEC	1000L
#define HZ		100	/* timer ticks per second on every CPU */

extern u64 tsc_khz;

void tsc_mark_boot(void);
void tsc_calibrate(void);
ktime_t ktime_get_ns(void);		/* read after every earlier load of this CPU */
u64 ns_to_tsc(u64 ns);
void ndelay(u64 ns);
static inline void udelay(u64 us) { ndelay(us * NSEC_PER_USEC); }
static inline void mdelay(u64 ms) { ndelay(ms * NSEC_PER_MSEC); }

#endif
