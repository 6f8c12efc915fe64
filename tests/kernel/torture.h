/*
 * tests/kernel/torture.h - what the torture suites (rcutorture,
 * percpu_ref_torture, proc_torture, lazy_mm_torture, fault_torture) share: how long they run, and the
 * rule that a run during which RCU reported a stall has failed, whatever
 * else it saw (a stall is a CPU that stopped passing quiescent states, or
 * a stall detector that is wrong: either is a bug).
 */
#ifndef TESTS_KERNEL_TORTURE_H
#define TESTS_KERNEL_TORTURE_H

#include "kernel/selftest.h"
#include "kernel/printk.h"
#include "kernel/sync/rcupdate.h"

/* Seconds each torture suite runs: rcutorture.duration= (rcutorture_test.c). */
extern unsigned long rcutorture_duration_s;

/* Fails test if RCU printed a stall warning since rcu_stall_count() read before. */
static inline void torture_expect_no_stall(struct kunit *test, const char *who, unsigned long before)
{
	unsigned long stalls = rcu_stall_count() - before;

	printk(KERN_INFO "# %s: RCU stall warnings during the run: %lu\n", who, stalls);
	KUNIT_EXPECT_EQ(test, stalls, 0);
}

#endif
