/*
 * kernel/smp.h - the CPUs: logical numbering, starting them, and running
 * functions on other CPUs.
 *
 * CPU numbers are logical: the boot CPU is 0, the others follow in MADT
 * order. cpu_apic_id[] maps them to hardware (local APIC) ids.
 *
 * smp_call_function_*() run a function on other CPUs from an IPI handler,
 * with interrupts off there, as in Linux: keep such functions short and
 * never let them sleep. With wait=true the caller spins until every target
 * has finished; it must have interrupts on (two CPUs waiting on each other
 * with interrupts off would deadlock).
 *
 * Work that runs long or sleeps goes to a kernel thread bound to the CPU
 * instead (kthread_bind; the self-tests' test_on_each_cpu does that).
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include "kernel/types.h"
#include "kernel/lib/cpumask.h"

#define AP_START_TIMEOUT_MS	1000	/* an AP not alive by then is left out */

struct pt_regs;
typedef void (*smp_call_func_t)(void *arg);

extern u32 cpu_apic_id[MAX_CPUS];
extern int nr_cpu_ids;			/* logical CPUs 0..nr_cpu_ids-1 exist */

enum cpu_state { CPU_OFFLINE, CPU_STARTING, CPU_ONLINE, CPU_NO_ANSWER, CPU_STOPPED };
DECLARE_PER_CPU(int, cpu_state);

void smp_prepare_cpus(void);		/* logical numbering from the MADT */
void smp_boot_cpus(void);		/* INIT-SIPI-SIPI every other CPU */
void smp_init_this_cpu_state(int cpu);	/* IPI queue of cpu, before it starts */
void smp_ipi_init(void);			/* IPI vectors, once */

int smp_call_function_single(int cpu, smp_call_func_t fn, void *arg, bool wait);
void smp_call_function_many(const struct cpumask *mask, smp_call_func_t fn, void *arg, bool wait);
void on_each_cpu(smp_call_func_t fn, void *arg, bool wait);
void send_reschedule_ipi(int cpu);
DECLARE_PER_CPU(unsigned long, ipi_calls);	/* call-function requests served */


/* Panic support: stop the others by NMI; backtrace of another CPU by NMI. */
void smp_stop_other_cpus(void);
void smp_stop_this_cpu(struct pt_regs *regs) __attribute__((noreturn));
void nmi_backtrace_handler(struct pt_regs *regs);
bool trigger_cpu_backtrace(int cpu);

#endif
