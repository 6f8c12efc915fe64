/*
 * kernel/proc/exec.c - execve: replacing a process's program, and
 * starting programs from the kernel (spawn_user, init=).
 *
 * Programs are GRUB modules (kernel/bootinfo.h). A module's string is
 * "NAME [ARGS...]"; a program is found by NAME, and execve("/any/dir/NAME")
 * looks up the path's last component.
 *
 * exec happens in two halves. load_program() builds the whole new address
 * space on the side (a fresh mm: the ELF segments, the stack with argv,
 * envp and the auxiliary vector) and can fail cleanly, leaving the caller
 * untouched. Past that point exec cannot fail: the other threads of the
 * group are killed (de_thread), the new mm replaces the old one
 * (exec_mmap), handled signals go back to SIG_DFL, and the saved user
 * registers are reset so that the return to user mode lands on the entry
 * point with RSP at argc.
 *
 * The initial stack, as Linux lays it out (addresses decreasing):
 *	8 zero bytes; the file name (AT_EXECFN); the argv and envp strings;
 *	16 random bytes (AT_RANDOM); padding to 16;
 *	auxv pairs ending with AT_NULL; NULL; envp[]; NULL; argv[]; argc <- RSP
 * RSP is 16-byte aligned at argc, as the x86-64 ABI wants at process entry.
 */
#include "kernel/proc/proc.h"
#include "kernel/proc/fdtable.h"
#include "kernel/proc/elf.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/syscalls.h"
#include "kernel/sched/sched.h"
#include "kernel/bootinfo.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/lazy_mm.h"
#include "kernel/mm/vma.h"
#include "kernel/mm/slab.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/paging.h"

#define USER_STACK_SIZE		(8UL << 20)	/* the stack VMA, as RLIMIT_STACK's default */
#define EXEC_PATH_MAX		256		/* longest execve path accepted */
#define X86_EFLAGS_FIXED	0x2UL

#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_BASE		7
#define AT_FLAGS	8
#define AT_ENTRY	9
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_HWCAP	16
#define AT_CLKTCK	17
#define AT_SECURE	23
#define AT_RANDOM	25
#define AT_HWCAP2	26
#define AT_EXECFN	31
#define NR_AUXV		18		/* pairs written, AT_NULL included */

/* argv and envp, copied into the kernel: the strings back to back. */
struct exec_args {
	char *buf;
	size_t len;
	int argc, envc;
};

/* ---- finding the program ---- */

static size_t first_word_len(const char *s)
{
	size_t n = 0;

	while (s[n] && s[n] != ' ')
		n++;
	return n;
}

const struct boot_module *find_program(const char *name)
{
	size_t n = strlen(name);

	if (!n)
		return NULL;
	for (int i = 0; i < bootinfo.nmodules; i++) {
		const char *s = bootinfo.modules[i].name;
		if (first_word_len(s) == n && !strncmp(s, name, n))
			return &bootinfo.modules[i];
	}
	return NULL;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* ---- arguments ---- */

static int args_init(struct exec_args *a)
{
	a->buf = kmalloc(PROC_ARG_MAX, GFP_KERNEL);
	a->len = 0;
	a->argc = a->envc = 0;
	return a->buf ? 0 : -ENOMEM;
}

static int args_add(struct exec_args *a, const char *s, size_t n)
{
	if (a->len + n + 1 > PROC_ARG_MAX)
		return -E2BIG;
	memcpy(a->buf + a->len, s, n);
	a->buf[a->len + n] = 0;
	a->len += n + 1;
	return 0;
}

static int args_from_kernel(struct exec_args *a, char *const v[], int *count)
{
	for (int i = 0; v && v[i]; i++) {
		int r = args_add(a, v[i], strlen(v[i]));
		if (r)
			return r;
		(*count)++;
	}
	return 0;
}

/* The words of a module string: the kernel's default argv for it. */
static int args_from_words(struct exec_args *a, const char *s)
{
	while (*s) {
		size_t n;
		int r;

		while (*s == ' ')
			s++;
		n = first_word_len(s);
		if (!n)
			break;
		r = args_add(a, s, n);
		if (r)
			return r;
		a->argc++;
		s += n;
	}
	return 0;
}

static int args_from_user(struct exec_args *a, char *const __user *uv, int *count)
{
	for (int i = 0; uv; i++) {
		char *s;
		long n;

		if (i >= PROC_ARGV_MAX)
			return -E2BIG;
		if (get_user(s, &uv[i]))
			return -EFAULT;
		if (!s)
			break;
		n = strncpy_from_user(a->buf + a->len, s, PROC_ARG_MAX - a->len);
		if (n < 0)
			return -EFAULT;
		if (a->len + n + 1 > PROC_ARG_MAX)
			return -E2BIG;
		a->len += n + 1;
		(*count)++;
	}
	return 0;
}

/* ---- the new address space ---- */

static int build_stack(struct mm_struct *mm, struct exec_args *a, const char *execfn,
		       struct elf_info *info, unsigned long *sp_out)
{
	unsigned long top = STACK_TOP, p, sp, execfn_at, strings_at, random_at;
	size_t fnlen = strlen(execfn) + 1, size;
	int nwords = 1 + a->argc + 1 + a->envc + 1 + 2 * NR_AUXV;
	unsigned long *w;
	u8 *buf;
	u32 eax, ebx, ecx, edx;
	size_t off;
	long r;

	p = top - 8;
	execfn_at = p -= fnlen;
	strings_at = p -= a->len;
	random_at = p -= 16;
	p &= ~15UL;
	sp = (p - nwords * 8UL) & ~15UL;
	size = top - sp;
	buf = kmalloc(size, GFP_KERNEL | __GFP_ZERO);
	if (!buf)
		return -ENOMEM;
#define AT(addr) (buf + ((addr) - sp))
	memcpy(AT(execfn_at), execfn, fnlen);
	memcpy(AT(strings_at), a->buf, a->len);
	get_random_bytes(AT(random_at), 16);
	w = (unsigned long *)buf;
	*w++ = a->argc;
	off = 0;
	for (int i = 0; i < a->argc; i++) {
		*w++ = strings_at + off;
		off += strlen(a->buf + off) + 1;
	}
	*w++ = 0;				/* argv's NULL */
	for (int i = 0; i < a->envc; i++) {
		*w++ = strings_at + off;
		off += strlen(a->buf + off) + 1;
	}
	*w++ = 0;				/* envp's NULL */
	cpuid(1, &eax, &ebx, &ecx, &edx);
#define AUX(k, v) do { *w++ = (k); *w++ = (v); } while (0)
	AUX(AT_HWCAP, edx);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PHDR, info->phdr);
	AUX(AT_PHENT, sizeof(struct elf64_phdr));
	AUX(AT_PHNUM, info->phnum);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, info->entry);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, random_at);
	AUX(AT_HWCAP2, 0);
	AUX(AT_EXECFN, execfn_at);
	AUX(AT_NULL, 0);
#undef AUX
#undef AT
	r = access_remote_vm(mm, sp, buf, size, true);
	kfree(buf);
	if (r != (long)size)
		return -ENOMEM;
	mm->start_stack = sp;
	mm->arg_start = strings_at;
	mm->arg_end = mm->env_start = strings_at;
	for (int i = 0, off = 0; i < a->argc; i++) {
		off += strlen(a->buf + off) + 1;
		mm->arg_end = mm->env_start = strings_at + off;
	}
	mm->env_end = strings_at + a->len;
	*sp_out = sp;
	return 0;
}

/* Builds the complete new mm for module `name`; nothing of the caller changes. */
static int load_program(const char *name, struct exec_args *a, struct mm_struct **mmp,
			struct elf_info *info, unsigned long *sp)
{
	const struct boot_module *mod = find_program(name);
	const void *image;
	size_t size;
	struct mm_struct *mm;
	unsigned long stack_flags;
	long r;

	if (!mod)
		return -ENOENT;
	image = phys_to_virt(mod->start);
	size = mod->end - mod->start;
	r = elf_check(image, size);
	if (r)
		return r;
	mm = mm_alloc();
	if (!mm)
		return -ENOMEM;
	r = elf_load(mm, image, size, info);
	if (r)
		goto fail;
	stack_flags = VM_READ | VM_WRITE | VM_GROWSDOWN | (info->exec_stack ? VM_EXEC : 0);
	r = vm_map_fixed(mm, STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, stack_flags);
	if (r < 0)
		goto fail;
	r = build_stack(mm, a, name, info, sp);
	if (r)
		goto fail;
	mm->start_code = info->start_code;
	mm->end_code = info->end_code;
	mm->start_data = info->start_data;
	mm->end_data = info->end_data;
	mm->start_brk = mm->brk = info->brk;
	*mmp = mm;
	return 0;
fail:
	mmput(mm);
	return r;
}

static void start_thread(struct pt_regs *regs, unsigned long ip, unsigned long sp)
{
	memset(regs, 0, sizeof(*regs));
	regs->rip = ip;
	regs->rsp = sp;
	regs->cs = USER_CS | 3;
	regs->ss = USER_DS | 3;
	regs->rflags = X86_EFLAGS_IF | X86_EFLAGS_FIXED;
}

/* ---- the point of no return ---- */

/* Kills the other threads of the group and waits until they are gone. */
static int de_thread(void)
{
	struct signal_struct *sig = current->user.signal;
	struct sighand_struct *sh = current->user.sighand;
	struct task *t;

	spin_lock_irq(&sh->siglock);
	/*
	 * Being killed already: by exit_group, a fatal signal, or another
	 * thread's exec that got here first (as in Linux, -EAGAIN; the
	 * SIGKILL already pending ends us on the way out). Two execs waiting
	 * for each other to die would wait forever.
	 */
	if (sig->group_exit || sig->exec_task) {
		spin_unlock_irq(&sh->siglock);
		return -EAGAIN;
	}
	sig->exec_task = current;
	list_for_each_entry(t, &sig->threads, user.thread_node)
		if (t != current) {
			t->user.pending |= sigmask(SIGKILL);
			wake_up_state(t, TASK_INTERRUPTIBLE);
			if (READ_ONCE(t->on_cpu))
				resched_curr_cpu(t->cpu);
		}
	if (current->user.group_leader != current && sig->nr_threads > 1)
		sig->leader_killed_by_exec = true;
	spin_unlock_irq(&sh->siglock);
	wait_event(sig->wait_chldexit, READ_ONCE(sig->nr_threads) == 1);
	spin_lock_irq(&sh->siglock);
	sig->exec_task = NULL;
	spin_unlock_irq(&sh->siglock);
	return 0;
}

static void exec_mmap(struct mm_struct *mm)
{
	struct task *p = current;
	struct mm_struct *old_mm = p->mm, *active;
	unsigned long flags;

	if (p->user.clear_child_tid && old_mm) {	/* as at exit: a joiner must not hang */
		u32 __user *tid = (u32 __user *)p->user.clear_child_tid;
		if (!put_user(0U, tid))
			futex_wake_addr(tid, 1, true);
	}
	p->user.clear_child_tid = 0;
	flags = spin_lock_irqsave(&tasklist_lock);	/* get_task_mm() reads p->mm under it */
	active = p->active_mm;
	p->mm = mm;
	p->active_mm = mm;
	switch_mm(active, mm);
	if (!old_mm)
		lazy_mm_release_current(active);	/* a kernel thread's borrow ends */
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (p->user.vfork_done) {
		complete(p->user.vfork_done);	/* the parent has its mm back to itself */
		p->user.vfork_done = NULL;
	}
	if (old_mm)
		mmput(old_mm);
}

/* Installs a loaded program into current: cannot fail. */
static void exec_install(const char *name, struct mm_struct *mm, struct elf_info *info, unsigned long sp)
{
	struct task *p = current;

	exec_mmap(mm);
	strlcpy(p->comm, name, sizeof(p->comm));
	flush_signal_handlers(p);
	exec_files();			/* O_CLOEXEC descriptors close */
	p->user.sas_ss_sp = p->user.sas_ss_size = 0;
	p->thread.fsbase = p->thread.gsbase = 0;
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	p->thread.has_user = true;
	fpu_init_state(p->thread.fpu);
	fxrstor(p->thread.fpu);
	start_thread(task_pt_regs(p), info->entry, sp);
}

static int do_exec(const char *name, struct exec_args *a)
{
	struct mm_struct *mm;
	struct elf_info info;
	unsigned long sp;
	int r = load_program(name, a, &mm, &info, &sp);

	if (r)
		return r;
	r = de_thread();
	if (r) {
		mmput(mm);
		return r;
	}
	exec_install(name, mm, &info, sp);
	return 0;
}

long sys_execve(const char __user *upath, char *const __user *uargv, char *const __user *uenvp)
{
	char path[EXEC_PATH_MAX];
	struct exec_args a;
	long n = strncpy_from_user(path, upath, sizeof(path));
	int r;

	if (n < 0)
		return -EFAULT;
	if (n == sizeof(path))
		return -ENAMETOOLONG;
	if (n == 0)
		return -ENOENT;
	r = args_init(&a);
	if (r)
		return r;
	r = args_from_user(&a, uargv, &a.argc);
	if (!r)
		r = args_from_user(&a, uenvp, &a.envc);
	if (!r)
		r = do_exec(base_name(path), &a);
	kfree(a.buf);
	return r;
}

int exec_module(const char *name, char *const argv[], char *const envp[])
{
	struct exec_args a;
	int r = args_init(&a);

	if (r)
		return r;
	r = args_from_kernel(&a, argv, &a.argc);
	if (!r)
		r = args_from_kernel(&a, envp, &a.envc);
	if (!r)
		r = do_exec(name, &a);
	kfree(a.buf);
	return r;
}

/* ---- programs started by the kernel ---- */

static char *const default_envp[] = { "HOME=/", "PATH=/bin", "TERM=vt100", NULL };

/*
 * A new process running module `module` with argv (NULL: the module
 * string's words), parent-less: wait_user() reaps it. pid1: it becomes
 * init, pid 1, the reaper of orphans.
 */
static int __spawn_user(const char *module, char *const argv[], bool pid1)
{
	const struct boot_module *mod = find_program(module);
	struct exec_args a;
	struct mm_struct *mm;
	struct elf_info info;
	struct sighand_struct *sh;
	unsigned long sp;
	struct task *p;
	int r, pid;

	if (!mod)
		return -ENOENT;
	r = args_init(&a);
	if (r)
		return r;
	r = argv ? args_from_kernel(&a, argv, &a.argc) : args_from_words(&a, mod->name);
	if (!r)
		r = args_from_kernel(&a, default_envp, &a.envc);
	if (!r)
		r = load_program(module, &a, &mm, &info, &sp);
	kfree(a.buf);
	if (r)
		return r;
	p = alloc_user_task(module, NULL);
	sh = p ? sighand_alloc() : NULL;
	if (!sh) {
		if (p)
			free_new_user_task(p);
		mmput(mm);
		return -ENOMEM;
	}
	if (pid1)
		p->pid = 1;			/* never handed out by the pid counter, which starts at 2 */
	p->mm = p->active_mm = mm;
	fpu_init_state(p->thread.fpu);
	start_thread(task_pt_regs(p), info.entry, sp);
	r = make_process(p, NULL, SIGCHLD, sh, true);
	if (r) {
		sighand_put(sh);
		p->mm = p->active_mm = NULL;
		mmput(mm);
		free_new_user_task(p);
		return r;
	}
	pid = p->pid;
	if (pid1)
		child_reaper = p;
	wake_up_process(p);
	return pid;
}

int spawn_user(const char *module, char *const argv[])
{
	return __spawn_user(module, argv, false);
}

int spawn_init(const char *module)
{
	return __spawn_user(module, NULL, true);
}
