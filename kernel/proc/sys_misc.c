/*
 * kernel/proc/sys_misc.c - the small system calls: identities, the
 * thread pointer, scheduling and CPU affinity, time and sleeping, uname,
 * getrandom, resource limits. (The memory system calls live with the mm: kernel/mm/mmap.c.)
 */
#include "kernel/proc/proc.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/syscalls.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/numa.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/cpu.h"

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004

#define CLOCK_REALTIME		0
#define CLOCK_MONOTONIC		1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID	3
#define CLOCK_MONOTONIC_RAW	4
#define CLOCK_REALTIME_COARSE	5
#define CLOCK_MONOTONIC_COARSE	6
#define CLOCK_BOOTTIME		7
#define TIMER_ABSTIME		1

#define GRND_NONBLOCK	1
#define GRND_RANDOM	2
#define GRND_INSECURE	4
#define GETRANDOM_MAX	(32 * 1024 * 1024 - 1)	/* Linux's cap on one call */
#define UTS_LEN		65

/* ---- identities ---- */

long sys_getpid(void) { return current->user.tgid; }
long sys_gettid(void) { return current->pid; }
long sys_getuid(void) { return 0; }	/* everyone is root: no users here */

long sys_getppid(void)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	struct task *parent = current->user.group_leader->user.parent;
	long ppid = parent ? parent->user.tgid : 0;

	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ppid;
}

long sys_set_tid_address(int __user *tidptr)
{
	current->user.clear_child_tid = (unsigned long)tidptr;
	return current->pid;
}

long sys_arch_prctl(int code, unsigned long addr)
{
	struct task *p = current;

	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (addr >= TASK_SIZE)
			return -EPERM;
		local_irq_disable();		/* the MSR and the saved copy change together */
		if (code == ARCH_SET_FS) {
			p->thread.fsbase = addr;
			wrmsr(MSR_FS_BASE, addr);
		} else {
			p->thread.gsbase = addr;
			wrmsr(MSR_KERNEL_GS_BASE, addr);	/* the user's GS base while we are in the kernel */
		}
		local_irq_enable();
		return 0;
	case ARCH_GET_FS:
		return put_user(p->thread.fsbase, (unsigned long __user *)addr);
	case ARCH_GET_GS:
		return put_user(p->thread.gsbase, (unsigned long __user *)addr);
	}
	return -EINVAL;
}

/* ---- scheduling ---- */

long sys_sched_yield(void)
{
	WRITE_ONCE(current->need_resched, true);	/* honoured on the way out */
	return 0;
}

static struct task *task_of(int pid)
{
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		get_task_struct(current);
		return current;
	}
	return find_task_by_pid(pid);
}

long sys_sched_getaffinity(int pid, unsigned int len, unsigned long __user *umask)
{
	struct cpumask m;
	struct task *p;

	if ((size_t)len * 8 < MAX_CPUS || (len & (sizeof(long) - 1)))
		return -EINVAL;
	p = task_of(pid);
	if (!p)
		return -ESRCH;
	m = p->cpus_allowed;
	put_task_struct(p);
	for (unsigned int i = 0; i < ARRAY_SIZE(m.bits); i++)
		m.bits[i] &= cpu_online_mask.bits[i];
	if (copy_to_user(umask, m.bits, sizeof(m.bits)))
		return -EFAULT;
	return sizeof(m.bits);			/* bytes written, as the raw system call returns */
}

long sys_sched_setaffinity(int pid, unsigned int len, const unsigned long __user *umask)
{
	struct cpumask m;
	struct task *p;
	long r;

	cpumask_clear(&m);
	if (copy_from_user(m.bits, umask, min((size_t)len, sizeof(m.bits))))
		return -EFAULT;
	for (unsigned int i = 0; i < ARRAY_SIZE(m.bits); i++)
		m.bits[i] &= cpu_online_mask.bits[i];
	if (cpumask_empty(&m))
		return -EINVAL;
	p = task_of(pid);
	if (!p)
		return -ESRCH;
	r = set_cpus_allowed(p, &m);
	put_task_struct(p);
	return r;
}

long sys_getcpu(unsigned int __user *ucpu, unsigned int __user *unode, void __user *cache)
{
	unsigned int cpu = smp_processor_id(), node = cpu_to_node(cpu);

	(void)cache;
	if (ucpu && put_user(cpu, ucpu))
		return -EFAULT;
	if (unode && put_user(node, unode))
		return -EFAULT;
	return 0;
}

/* ---- time ---- */

static u8 cmos_read(u8 reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned int bcd(u8 v, bool is_bcd)
{
	return is_bcd ? (v & 15) + (v >> 4) * 10 : v;
}

/* Days from 1970-01-01 to y-m-d (Gregorian). */
static long days_from_civil(long y, unsigned int m, unsigned int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static long realtime_offset_ns;		/* wall clock at boot: CLOCK_REALTIME - CLOCK_MONOTONIC */
static bool realtime_read;

/* Reads the CMOS RTC once (in UTC, as QEMU keeps it) and anchors CLOCK_REALTIME to it. */
static void realtime_init(void)
{
	unsigned int sec, min, hour, day, mon, year;
	bool is_bcd;
	unsigned long flags;

	flags = local_irq_save();
	while (cmos_read(0x0a) & 0x80)
		cpu_relax();			/* an update is in progress */
	is_bcd = !(cmos_read(0x0b) & 0x04);
	sec = bcd(cmos_read(0x00), is_bcd);
	min = bcd(cmos_read(0x02), is_bcd);
	hour = bcd(cmos_read(0x04) & 0x7f, is_bcd);
	day = bcd(cmos_read(0x07), is_bcd);
	mon = bcd(cmos_read(0x08), is_bcd);
	year = bcd(cmos_read(0x09), is_bcd) + 2000;
	local_irq_restore(flags);
	realtime_offset_ns = ((days_from_civil(year, mon, day) * 86400) + hour * 3600 + min * 60 + sec) *
			     NSEC_PER_SEC - ktime_get_ns();
	WRITE_ONCE(realtime_read, true);
}

ktime_t ktime_get_real_ns(void)
{
	if (!READ_ONCE(realtime_read))
		realtime_init();
	return realtime_offset_ns + ktime_get_ns();
}

static int clock_ns(int clk, long *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = ktime_get_real_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = ktime_get_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:		/* this thread's run time (no per-process sum) */
		*ns = current->sum_exec_ns + (ktime_get_ns() - current->exec_start);
		return 0;
	}
	return -EINVAL;
}

static int put_timespec(void __user *tp, long ns)
{
	struct k_timespec ts = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };

	return copy_to_user(tp, &ts, sizeof(ts)) ? -EFAULT : 0;
}

static int get_timespec(const void __user *tp, long *ns)
{
	struct k_timespec ts;

	if (copy_from_user(&ts, tp, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*ns = ts.tv_sec >= LONG_MAX / NSEC_PER_SEC - 1 ? LONG_MAX / 2 : ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

long sys_clock_gettime(int clk, void __user *tp)
{
	long ns;
	int r = clock_ns(clk, &ns);

	return r ? r : put_timespec(tp, ns);
}

long sys_clock_getres(int clk, void __user *tp)
{
	long ns;
	int r = clock_ns(clk, &ns);

	if (r)
		return r;
	return tp ? put_timespec(tp, 1) : 0;	/* TSC based: nanosecond resolution */
}

long sys_gettimeofday(void __user *tv, void __user *tz)
{
	long ns = ktime_get_real_ns();
	struct { long tv_sec, tv_usec; } t = { ns / NSEC_PER_SEC, (ns % NSEC_PER_SEC) / 1000 };

	if (tv && copy_to_user(tv, &t, sizeof(t)))
		return -EFAULT;
	if (tz && clear_user(tz, 8))
		return -EFAULT;
	return 0;
}

long sys_time(long __user *t)
{
	long s = ktime_get_real_ns() / NSEC_PER_SEC;

	if (t && put_user(s, t))
		return -EFAULT;
	return s;
}

/* Sleeps interruptibly for ns; returns the time left (0: slept it all). */
static long sleep_interruptible(long ns)
{
	while (ns > 0 && !signal_pending(current)) {
		set_current_state(TASK_INTERRUPTIBLE);
		ns = schedule_timeout(ns);
	}
	__set_current_state(TASK_RUNNING);
	return ns;
}

long sys_nanosleep(const void __user *req, void __user *rem)
{
	long ns, left;
	int r = get_timespec(req, &ns);

	if (r)
		return r;
	left = sleep_interruptible(ns);
	if (left > 0) {
		if (rem && put_timespec(rem, left))
			return -EFAULT;
		return -EINTR;
	}
	return 0;
}

long sys_clock_nanosleep(int clk, int flags, const void __user *req, void __user *rem)
{
	long ns, now, left;
	int r;

	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME)
		return -EINVAL;
	r = get_timespec(req, &ns);
	if (r)
		return r;
	if (flags & TIMER_ABSTIME) {
		clock_ns(clk, &now);
		ns = ns > now ? ns - now : 0;
	}
	left = sleep_interruptible(ns);
	if (left > 0) {
		if (!(flags & TIMER_ABSTIME) && rem && put_timespec(rem, left))
			return -EFAULT;
		return -EINTR;
	}
	return 0;
}

/* ---- uname, getrandom ---- */

long sys_uname(void __user *buf)
{
	static const char fields[6][UTS_LEN] = {
		"Numbat", "numbat", "6.0.0-numbat", "#6 SMP", "x86_64", "(none)",
	};

	return copy_to_user(buf, fields, sizeof(fields)) ? -EFAULT : 0;
}

/*
 * Random bytes: RDRAND where the CPU has it, else a SplitMix64 stream
 * stirred with the TSC. Good enough for AT_RANDOM and musl's needs; not
 * a cryptographic generator.
 */
void get_random_bytes(void *buf, size_t n)
{
	static u64 state;
	static int has_rdrand = -1;
	u8 *out = buf;

	if (has_rdrand < 0)
		has_rdrand = cpu_has_rdrand();
	while (n) {
		u64 v = 0;
		bool ok = false;

		for (int i = 0; has_rdrand && i < 10 && !ok; i++)
			__asm__ __volatile__("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
		if (!ok) {
			u64 z = __atomic_add_fetch(&state, 0x9e3779b97f4a7c15UL ^ rdtsc(), __ATOMIC_RELAXED);
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
			z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
			v = z ^ (z >> 31);
		}
		for (int i = 0; i < 8 && n; i++, n--, v >>= 8)
			*out++ = (u8)v;
	}
}

long sys_getrandom(void __user *ubuf, size_t count, unsigned int flags)
{
	u8 chunk[256];
	size_t done = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
		return -EINVAL;
	if (count > GETRANDOM_MAX)
		count = GETRANDOM_MAX;
	while (done < count) {
		size_t n = min(count - done, sizeof(chunk));
		get_random_bytes(chunk, n);
		if (copy_to_user((u8 __user *)ubuf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
		if (signal_pending(current))
			break;			/* Linux returns what it has on a signal */
		cond_resched();
	}
	return done;
}

/* ---- resource limits ---- */

#define RLIMIT_STACK		3
#define RLIMIT_CORE		4
#define RLIMIT_NPROC		6
#define RLIMIT_NOFILE		7
#define RLIMIT_MEMLOCK		8
#define RLIMIT_SIGPENDING	11
#define RLIMIT_MSGQUEUE		12
#define RLIMIT_NICE		13
#define RLIMIT_RTPRIO		14
#define RLIM_NLIMITS		16
#define RLIM_INFINITY		(~0UL)
#define NR_OPEN_DEFAULT		1024		/* Linux's INR_OPEN_CUR and INR_OPEN_MAX */
#define NR_OPEN_MAX		4096
#define MQ_BYTES_MAX		819200
#define THREAD_BUDGET		(8 * 16384UL)	/* Linux's max_threads: RAM / (8 * THREAD_SIZE) */

struct k_rlimit { unsigned long cur, max; };

/*
 * What a Linux process started as init has: the kernel's defaults, the
 * process and signal counts scaled to RAM as Linux scales them. Numbat
 * reports them and keeps them fixed: no one raises or lowers a limit
 * here (docs/user.md), and none binds anyone, every process having root's
 * capabilities (RLIMIT_MEMLOCK does not bind CAP_IPC_LOCK; the stack
 * stops at STACK_MAX_SIZE, the same number).
 */
static struct k_rlimit default_rlimit(unsigned int resource)
{
	unsigned long tasks = totalram_pages() * PAGE_SIZE / THREAD_BUDGET / 2;

	switch (resource) {
	case RLIMIT_STACK:	return (struct k_rlimit){ STACK_MAX_SIZE, RLIM_INFINITY };
	case RLIMIT_CORE:	return (struct k_rlimit){ 0, RLIM_INFINITY };
	case RLIMIT_NPROC:
	case RLIMIT_SIGPENDING:	return (struct k_rlimit){ tasks, tasks };
	case RLIMIT_NOFILE:	return (struct k_rlimit){ NR_OPEN_DEFAULT, NR_OPEN_MAX };
	case RLIMIT_MEMLOCK:	return (struct k_rlimit){ MLOCK_LIMIT, MLOCK_LIMIT };
	case RLIMIT_MSGQUEUE:	return (struct k_rlimit){ MQ_BYTES_MAX, MQ_BYTES_MAX };
	case RLIMIT_NICE:
	case RLIMIT_RTPRIO:	return (struct k_rlimit){ 0, 0 };
	default:		return (struct k_rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	}
}

long sys_getrlimit(unsigned int resource, void __user *rlim)
{
	struct k_rlimit r;

	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	r = default_rlimit(resource);
	return copy_to_user(rlim, &r, sizeof(r)) ? -EFAULT : 0;
}

long sys_prlimit64(int pid, unsigned int resource, const void __user *new_rlim, void __user *old_rlim)
{
	struct task *p;

	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (pid && pid != current->user.tgid) {
		p = find_process(pid);
		if (!p)
			return -ESRCH;
		put_task_struct(p);
	}
	if (new_rlim)
		return -EPERM;		/* the limits are fixed (above) */
	return old_rlim ? sys_getrlimit(resource, old_rlim) : 0;
}
