/*
 * kernel/panic.c - panics, oopses, warnings and backtraces.
 *
 * An oops (an exception the kernel cannot handle) prints the exception,
 * the registers and a backtrace. Inside a self-test it is survivable: the
 * test is marked failed and its CPU resumes at the test's recovery point
 * (kernel/selftest.c). Anywhere else it becomes a panic: the first CPU to
 * panic stops all others with an NMI and ends QEMU with QEMU_EXIT_PANIC.
 *
 * Backtraces follow the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer): [rbp] is the caller's rbp and [rbp+8] the
 * return address. Each frame is checked to lie on one of this CPU's stacks
 * before it is read, so a corrupt chain ends the trace instead of faulting.
 */
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/symbols.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/selftest.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/lib/string.h"
#include "kernel/monitor.h"
#include "kernel/errno.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/desc.h"
#include "arch/x86_64/qemu.h"
#include "arch/x86_64/regs.h"
#include "arch/x86_64/trapnr.h"

#define BACKTRACE_MAX_DEPTH	32

int panic_cpu = -1;
static int oops_count;


static void walk_frames(unsigned long rbp)
{
	for (int depth = 0; depth < BACKTRACE_MAX_DEPTH; depth++) {
		unsigned long ret;
		if (!rbp || (rbp & 7) || !on_this_cpu_stack(rbp, 16))
			break;
		ret = ((unsigned long *)rbp)[1];
		if (ret < KERNEL_VMA)
			break;
		printk(KERN_ERR "  %pS\n", (void *)(ret - 1));	/* -1: inside the call */
		if (((unsigned long *)rbp)[0] <= rbp)	/* stacks grow down: callers are above */
			break;
		rbp = ((unsigned long *)rbp)[0];
	}
}

void show_backtrace(unsigned long rbp, unsigned long rip)
{
	printk(KERN_ERR "Call trace:\n");
	if (rip)
		printk(KERN_ERR "  %pS\n", (void *)rip);
	walk_frames(rbp);
}

void __noinline dump_stack(void)
{
	show_backtrace(read_rbp(), 0);
}

/*
 * The caller of the function that faulted, if that function has no frame
 * of its own yet: gcc compiles small leaf functions without pushing rbp,
 * and every function is frameless at its first instruction. Then the
 * return address is still on top of the stack, and regs->rbp is already
 * the caller's frame, which the frame walk continues from.
 */
static unsigned long frameless_caller(const struct pt_regs *r)
{
	static const u8 prologue[4] = { 0x55, 0x48, 0x89, 0xe5 };	/* push %rbp; mov %rsp,%rbp */
	unsigned long start, size, ret;
	const char *name;

	if (!ksym_lookup(r->rip, &name, &start, &size))
		return 0;
	if (!memcmp((void *)start, prologue, sizeof(prologue)) && r->rip > start) {
		if (r->rip >= start + sizeof(prologue))
			return 0;			/* has a frame: the walk finds its caller */
		if (!on_this_cpu_stack(r->rsp, 16))	/* between push and mov */
			return 0;
		ret = ((unsigned long *)r->rsp)[1];
	} else {
		if (!on_this_cpu_stack(r->rsp, 8))
			return 0;
		ret = ((unsigned long *)r->rsp)[0];
	}
	return ksym_lookup(ret, &name, &start, &size) ? ret : 0;
}

void show_regs(const struct pt_regs *r)
{
	printk(KERN_ERR "RIP: %04lx:%016lx %pS\n", r->cs, r->rip, (void *)r->rip);
	printk(KERN_ERR "RSP: %04lx:%016lx RFLAGS: %08lx\n", r->ss, r->rsp, r->rflags);
	printk(KERN_ERR "RAX: %016lx RBX: %016lx RCX: %016lx\n", r->rax, r->rbx, r->rcx);
	printk(KERN_ERR "RDX: %016lx RSI: %016lx RDI: %016lx\n", r->rdx, r->rsi, r->rdi);
	printk(KERN_ERR "RBP: %016lx R08: %016lx R09: %016lx\n", r->rbp, r->r8, r->r9);
	printk(KERN_ERR "R10: %016lx R11: %016lx R12: %016lx\n", r->r10, r->r11, r->r12);
	printk(KERN_ERR "R13: %016lx R14: %016lx R15: %016lx\n", r->r13, r->r14, r->r15);
	printk(KERN_ERR "CR2: %016lx CR3: %016lx CR4: %016lx\n", read_cr2(), read_cr3(), read_cr4());
	if (!user_mode(r)) {
		unsigned long caller = frameless_caller(r);

		printk(KERN_ERR "Call trace:\n  %pS\n", (void *)r->rip);
		if (caller)
			printk(KERN_ERR "  %pS\n", (void *)(caller - 1));
		walk_frames(r->rbp);
	}
}

static void describe_page_fault(const struct pt_regs *r)
{
	u64 e = r->error_code;

	printk(KERN_ERR "%s access to %#lx: %s, %s mode%s\n",
	       e & X86_PF_INSTR ? "instruction fetch" : e & X86_PF_WRITE ? "write" : "read", read_cr2(),
	       e & X86_PF_PROT ? "protection violation" : "page not present",
	       e & X86_PF_USER ? "user" : "kernel", e & X86_PF_RSVD ? ", reserved bit set" : "");
	if (!(e & X86_PF_USER) && read_cr2() < PAGE_SIZE)
		printk(KERN_ERR "(a NULL pointer dereference)\n");
}

static void __noreturn die(void)
{
	qemu_exit(QEMU_EXIT_PANIC);
}

/* Claims the panic for this CPU; a CPU that loses the race just stops. */
static void enter_panic(void)
{
	int self = smp_processor_id();

	local_irq_disable();
	if (cmpxchg(&panic_cpu, -1, self) != -1 && panic_cpu != self)
		smp_stop_this_cpu(NULL);
	WRITE_ONCE(oops_in_progress, true);
}

void oops(struct pt_regs *regs, const char *what)
{
	int n = __atomic_add_fetch(&oops_count, 1, __ATOMIC_SEQ_CST);

	printk(KERN_EMERG "Oops: %s, error code %#lx [#%d] on cpu%d\n", what, regs->error_code, n,
	       smp_processor_id());
	if (regs->vector == X86_TRAP_PF)
		describe_page_fault(regs);
	show_regs(regs);
	selftest_recover_from_oops(what);	/* returns only outside a self-test */
	enter_panic();
	printk(KERN_EMERG "Kernel panic - not syncing: fatal exception\n");
	smp_stop_other_cpus();
	die();
}

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (panic_cpu < 0) {		/* inside a self-test, a panic fails the test */
		printk(KERN_EMERG "panic in a self-test: %s\n", msg);
		selftest_recover_from_oops(msg);
	}
	enter_panic();
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", msg);
	dump_stack();
	smp_stop_other_cpus();
	die();
}

void warn_slowpath(const char *file, int line, const char *cond)
{
	printk(KERN_WARNING "WARNING: %s at %s:%d on cpu%d\n", cond, file, line, smp_processor_id());
	dump_stack();
}

void qemu_exit(int code)
{
	outb(QEMU_EXIT_PORT, code);
	for (;;) {			/* not under QEMU: stop here */
		local_irq_disable();
		halt();
	}
}

/* ---- the monitor's `crash` command: deliberate faults, to see an oops ---- */

static int *volatile null_pointer;	/* volatile: the compiler cannot see it is NULL */

static void __noinline crash_null(void)
{
	null_pointer[2] = 1;
}

static void __noinline crash_gp(void)
{
	*(volatile long *)0x8000000000000000UL = 1;	/* non-canonical address */
}

static int __noinline crash_div0(volatile int zero)
{
	return 1 / zero;
}

static int cmd_crash(int argc, char **argv)
{
	static const char *const kinds[] = { "null", "gp", "ud", "div0", "panic", "bug" };
	const char *kind = argc > 1 ? argv[1] : kinds[0];
	bool known = false;

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		known |= !strcmp(kind, kinds[i]);
	if (!known)
		return -EINVAL;
	console_printf("crashing on purpose (%s): expect an oops and QEMU to exit with status 37\n", kind);
	if (!strcmp(kind, "null"))
		crash_null();
	else if (!strcmp(kind, "gp"))
		crash_gp();
	else if (!strcmp(kind, "ud"))
		__asm__ __volatile__("ud2");
	else if (!strcmp(kind, "div0"))
		crash_div0(0);
	else if (!strcmp(kind, "panic"))
		panic("panic requested from the monitor");
	else
		BUG_ON(argc > 1);		/* "bug" */
	return 0;
}
MONITOR_CMD(crash, "[null|gp|ud|div0|panic|bug]", "fault on purpose to show an oops (ends QEMU)", cmd_crash);
