/*
 * user/usertest_isolation.c - user space cannot touch the kernel: reading
 * or writing a kernel address, jumping into kernel code, executing the
 * stack, data or a non-executable mapping, non-canonical addresses and
 * privileged instructions each kill only the offending process (a forked
 * child, by the signal Linux sends), and a kernel pointer passed to a
 * system call returns EFAULT instead of crashing anything. The parent
 * checks each death and carries on.
 */
#include "ktap.h"

#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

#define NONCANONICAL	0x0000800000000000UL	/* first address above user space */
#define X86_RET		0xc3

typedef void (*fn_t)(void);

static int must_die(int (*fn)(void *), void *arg, int sig, const char *what)
{
	int status = ktap_child(fn, arg);

	if (status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == sig)
		return 0;
	ktap_diag("%s: child %s, expected signal %d", what,
		  status == -1 ? "could not run" : ktap_status_str(status), sig);
	return 1;
}

/* ---------------------------------------------------------- kernel memory */

static int read_addr(void *arg)
{
	return *(volatile char *)arg;
}

static int write_addr(void *arg)
{
	*(volatile char *)arg = 1;
	return 100;
}

static int call_addr(void *arg)
{
	((fn_t)arg)();
	return 100;
}

static int kernel_memory(void)
{
	void *text = (void *)KERNEL_TEXT, *base = (void *)KERNEL_ADDR;
	void *direct = (void *)0xffff888000000000UL;	/* Linux's direct map; Numbat's kernel half */

	CHECK(!must_die(read_addr, text, SIGSEGV, "read kernel text"));
	CHECK(!must_die(read_addr, base, SIGSEGV, "read kernel base"));
	CHECK(!must_die(read_addr, direct, SIGSEGV, "read the direct map"));
	CHECK(!must_die(write_addr, text, SIGSEGV, "write kernel text"));
	CHECK(!must_die(write_addr, direct, SIGSEGV, "write the direct map"));
	CHECK(!must_die(call_addr, text, SIGSEGV, "call kernel text"));
	CHECK(!must_die(call_addr, base, SIGSEGV, "call kernel base"));
	return 0;
}

static int noncanonical(void)
{
	void *nc = (void *)NONCANONICAL, *nc2 = (void *)0x8000000000000000UL;

	CHECK(!must_die(read_addr, nc, SIGSEGV, "read non-canonical"));
	CHECK(!must_die(write_addr, nc2, SIGSEGV, "write non-canonical"));
	CHECK(!must_die(call_addr, nc, SIGSEGV, "jump to non-canonical"));
	return 0;
}

static int null_pointer(void)
{
	CHECK(!must_die(read_addr, NULL, SIGSEGV, "read NULL"));
	CHECK(!must_die(write_addr, NULL, SIGSEGV, "write NULL"));
	CHECK(!must_die(call_addr, NULL, SIGSEGV, "call NULL"));
	return 0;
}

/* ---------------------------------------------------------- NX */

static int exec_stack(void *arg)
{
	volatile unsigned char code[64];

	for (size_t i = 0; i < sizeof(code); i++)
		code[i] = X86_RET;
	((fn_t)(uintptr_t)code)();
	return 100;
}

static unsigned char data_code[64] = { X86_RET };

static int exec_not_executable(void)
{
	char *rw = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *heap = malloc(64);

	CHECK(rw != MAP_FAILED && heap != NULL);
	rw[0] = X86_RET;
	heap[0] = X86_RET;
	CHECK(!must_die(exec_stack, NULL, SIGSEGV, "execute the stack"));
	CHECK(!must_die(call_addr, rw, SIGSEGV, "execute a read-write mapping"));
	CHECK(!must_die(call_addr, heap, SIGSEGV, "execute the heap"));
	CHECK(!must_die(call_addr, data_code, SIGSEGV, "execute .data"));
	/* and made executable, the same bytes run */
	CHECK_EQ(SYS(SYS_mprotect, rw, PAGE_SIZE, PROT_READ | PROT_EXEC), 0);
	((fn_t)rw)();
	CHECK_EQ(munmap(rw, PAGE_SIZE), 0);
	free(heap);
	return 0;
}

/* ---------------------------------------------------------- instructions */

static int do_hlt(void *arg)	{ __asm__ volatile("hlt"); return 100; }
static int do_cli(void *arg)	{ __asm__ volatile("cli"); return 100; }
static int do_swapgs(void *arg)	{ __asm__ volatile("swapgs"); return 100; }
static int do_int81(void *arg)	{ __asm__ volatile("int $0x81"); return 100; }
static int do_ud2(void *arg)	{ __asm__ volatile("ud2"); return 100; }

static int do_read_cr3(void *arg)
{
	unsigned long cr3;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	return (int)cr3;
}

static int do_wrmsr(void *arg)
{
	__asm__ volatile("wrmsr" : : "c"(0xc0000100), "a"(0), "d"(0));	/* FS_BASE */
	return 100;
}

static int do_inb(void *arg)
{
	unsigned char v;

	__asm__ volatile("inb $0x80, %0" : "=a"(v));	/* no I/O permission */
	return v;
}

static int do_divide_by_zero(void *arg)
{
	unsigned int eax = 1, edx = 0, zero = 0;

	/* in assembly: the compiler turns 1 / x into a compare */
	__asm__ volatile("divl %2" : "+a"(eax), "+d"(edx) : "r"(zero));
	return eax;
}

/* A general-protection fault in user mode is SIGSEGV on Linux; #UD is
 * SIGILL, a divide error SIGFPE. */
static int privileged_instructions(void)
{
	CHECK(!must_die(do_hlt, NULL, SIGSEGV, "hlt"));
	CHECK(!must_die(do_cli, NULL, SIGSEGV, "cli"));
	CHECK(!must_die(do_swapgs, NULL, SIGSEGV, "swapgs"));
	CHECK(!must_die(do_read_cr3, NULL, SIGSEGV, "mov %cr3"));
	CHECK(!must_die(do_wrmsr, NULL, SIGSEGV, "wrmsr"));
	CHECK(!must_die(do_inb, NULL, SIGSEGV, "inb"));
	CHECK(!must_die(do_int81, NULL, SIGSEGV, "int $0x81"));
	CHECK(!must_die(do_ud2, NULL, SIGILL, "ud2"));
	CHECK(!must_die(do_divide_by_zero, NULL, SIGFPE, "divide by zero"));
	return 0;
}

/* ---------------------------------------------------------- system calls */

/* The kernel reads user memory only where the user may: a kernel address
 * passed in is EFAULT whether the kernel would read or write it. */
static int kernel_pointers_to_syscalls(void)
{
	struct iovec kiov = { (void *)KERNEL_TEXT, 16 };
	unsigned long set = 0;
	long r;

	CHECK_ERR(SYS(SYS_write, 1, KERNEL_TEXT, 16), EFAULT);		/* reads it */
	CHECK_ERR(SYS(SYS_writev, 1, KERNEL_ADDR, 1), EFAULT);
	CHECK_ERR(SYS(SYS_writev, 1, &kiov, 1), EFAULT);
	CHECK_ERR(SYS(SYS_read, 0, KERNEL_ADDR, 16), EFAULT);		/* writes it */
	CHECK_ERR(SYS(SYS_clock_gettime, CLOCK_MONOTONIC, KERNEL_ADDR), EFAULT);
	CHECK_ERR(SYS(SYS_uname, KERNEL_ADDR), EFAULT);
	CHECK_ERR(SYS(SYS_getrandom, KERNEL_ADDR, 16, 0), EFAULT);
	CHECK_ERR(SYS(SYS_nanosleep, KERNEL_ADDR, NULL), EFAULT);
	CHECK_ERR(SYS(SYS_sched_getaffinity, 0, 128, KERNEL_ADDR), EFAULT);
	CHECK_ERR(SYS(SYS_sched_setaffinity, 0, 128, KERNEL_ADDR), EFAULT);
	CHECK_ERR(SYS(SYS_getcpu, KERNEL_ADDR, NULL, NULL), EFAULT);
	CHECK_ERR(SYS(SYS_rt_sigprocmask, SIG_BLOCK, KERNEL_ADDR, NULL, 8), EFAULT);
	CHECK_ERR(SYS(SYS_rt_sigprocmask, SIG_BLOCK, &set, KERNEL_ADDR, 8), EFAULT);
	CHECK_ERR(SYS(SYS_rt_sigaction, SIGUSR1, KERNEL_ADDR, NULL, 8), EFAULT);
	CHECK_ERR(SYS(SYS_arch_prctl, ARCH_GET_FS, KERNEL_ADDR), EFAULT);
	CHECK_ERR(SYS(SYS_futex, KERNEL_ADDR, FUTEX_WAKE, 1), EFAULT);
	CHECK_ERR(SYS(SYS_execve, KERNEL_ADDR, NULL, NULL), EFAULT);
	/* TIOCGWINSZ: EFAULT on a tty, ENOTTY when fd 1 is not one */
	r = SYS(SYS_ioctl, 1, TIOCGWINSZ, KERNEL_ADDR);
	CHECK(r == -EFAULT || r == -ENOTTY);
	return 0;
}

/* The kernel writes the clear-child-tid word at exit: a kernel address
 * there must be skipped silently, and the exit still reported. */
static int bad_tid_address_exit(void *arg)
{
	SYS(SYS_set_tid_address, KERNEL_ADDR);
	return 0;
}

static int child_bad_status(void *arg)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(4);
	/* wait4 writing the status into the kernel: EFAULT */
	return SYS(SYS_wait4, pid, KERNEL_ADDR, 0, NULL) == -EFAULT ? 0 : 1;
}

static int kernel_pointers_at_exit_and_wait(void)
{
	CHECK_EXITED(ktap_child(bad_tid_address_exit, NULL), 0);
	CHECK_EXITED(ktap_child(child_bad_status, NULL), 0);
	return 0;
}

/* After all that, this process and the kernel are fine. */
static int still_alive(void)
{
	struct utsname u;

	CHECK(SYS(SYS_getpid) > 0);
	CHECK_EQ(SYS(SYS_uname, &u), 0);
	CHECK_EXITED(ktap_child(read_addr, (void *)"\x05"), 5);
	return 0;
}

static const struct ktap_case cases[] = {
	KTAP_CASE(kernel_memory),
	KTAP_CASE(noncanonical),
	KTAP_CASE(null_pointer),
	KTAP_CASE(exec_not_executable),
	KTAP_CASE(privileged_instructions),
	KTAP_CASE(kernel_pointers_to_syscalls),
	KTAP_CASE(kernel_pointers_at_exit_and_wait),
	KTAP_CASE(still_alive),
};

int main(int argc, char **argv)
{
	return ktap_main("usertest_isolation", cases, KTAP_COUNT(cases), argc, argv);
}
