/*
 * arch/x86_64/cpu.c - per-CPU GDT and TSS, the IDT, and CPU feature checks.
 *
 * Every CPU has its own GDT and TSS in its per-CPU area: the TSS holds the
 * CPU's interrupt stacks (IST) for double faults and NMIs, which must work
 * even when the normal stack is broken, and later the ring-0 stack for
 * entries from user mode. The IDT is shared: it only names stubs and IST
 * slot numbers, and each CPU's TSS decides what the slots point to.
 */
#include "arch/x86_64/desc.h"
#include "arch/x86_64/cpu.h"
#include "kernel/percpu.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/fpu.h"

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct gdt_desc {
	u16 limit;
	u64 base;
} __packed;

struct idt_entry {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_hi;
	u32 zero;
} __packed;

#define GDT_ENTRIES 8
#define GATE_INTERRUPT 0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define GATE_INTERRUPT_USER 0xee	/* the same, DPL 3: user code may raise it with int n */

static DEFINE_PER_CPU_ALIGNED(u64, gdt[GDT_ENTRIES]);
static DEFINE_PER_CPU_ALIGNED(struct tss, tss);
static DEFINE_PER_CPU_ALIGNED(char, ist_df_stack[IST_STACK_SIZE]);
static DEFINE_PER_CPU_ALIGNED(char, ist_nmi_stack[IST_STACK_SIZE]);
static DEFINE_PER_CPU(unsigned long, kstack_lo);
static DEFINE_PER_CPU(unsigned long, kstack_hi);

static struct idt_entry idt[256] __aligned(16);
extern char interrupt_stubs[];
#define STUB_SIZE 16

bool cpu_has(u32 leaf, int reg, int bit)
{
	u32 r[4], max;

	cpuid(leaf & 0x80000000, &r[0], &r[1], &r[2], &r[3]);
	max = r[0];
	if (leaf > max)
		return false;
	cpuid_count(leaf, 0, &r[0], &r[1], &r[2], &r[3]);
	return (r[reg] >> bit) & 1;
}

static void gdt_fill(u64 *g, struct tss *t)
{
	u64 base = (u64)t, limit = sizeof(*t) - 1;

	g[0] = 0;
	g[KERNEL_CS / 8] = 0x00af9a000000ffff;	/* 64-bit code, DPL 0 */
	g[KERNEL_DS / 8] = 0x00cf92000000ffff;	/* data, DPL 0 */
	g[USER32_CS / 8] = 0x00cffa000000ffff;	/* 32-bit code, DPL 3 (unused; SYSRET layout) */
	g[USER_DS / 8] = 0x00cff2000000ffff;	/* data, DPL 3 */
	g[USER_CS / 8] = 0x00affa000000ffff;	/* 64-bit code, DPL 3 */
	/* 16-byte TSS descriptor: type 9 (available 64-bit TSS), present */
	g[TSS_SEL / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
			 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	g[TSS_SEL / 8 + 1] = base >> 32;
}

void cpu_init_tables(void)
{
	u64 *g = this_cpu_ptr(&gdt[0]);
	struct tss *t = this_cpu_ptr(&tss);
	struct gdt_desc gd = { sizeof(gdt) - 1, (u64)g };
	struct gdt_desc id = { sizeof(idt) - 1, (u64)idt };
	unsigned long gsbase = rdmsr(MSR_GS_BASE);

	memset(t, 0, sizeof(*t));
	t->ist[IST_DOUBLE_FAULT - 1] = (u64)this_cpu_ptr(&ist_df_stack[0]) + IST_STACK_SIZE;
	t->ist[IST_NMI - 1] = (u64)this_cpu_ptr(&ist_nmi_stack[0]) + IST_STACK_SIZE;
	t->iomap_base = sizeof(*t);		/* no I/O permission bitmap */
	gdt_fill(g, t);

	__asm__ __volatile__(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"			/* reload CS */
		"1:\n\t"
		"movl %2, %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"		/* clears GS base on some CPUs: restored below */
		"ltr %w3\n\t"
		"lidt %4"
		:: "m"(gd), "i"((u64)KERNEL_CS), "i"(KERNEL_DS), "r"(TSS_SEL), "m"(id)
		: "rax", "memory");
	wrmsr(MSR_GS_BASE, gsbase);
}

static void set_gate(int vector, void *handler, int ist)
{
	u64 a = (u64)handler;
	struct idt_entry *e = &idt[vector];

	e->offset_lo = a & 0xffff;
	e->selector = KERNEL_CS;
	e->ist = ist;
	e->type_attr = GATE_INTERRUPT;
	e->offset_mid = (a >> 16) & 0xffff;
	e->offset_hi = a >> 32;
	e->zero = 0;
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, interrupt_stubs + v * STUB_SIZE, 0);
	idt[8].ist = IST_DOUBLE_FAULT;
	idt[2].ist = IST_NMI;
	idt[3].type_attr = GATE_INTERRUPT_USER;	/* int3 from user mode is a breakpoint (SIGTRAP), not #GP */
}

void set_tss_rsp0(unsigned long top)
{
	this_cpu_ptr(&tss)->rsp[0] = top;
}

bool smap_enabled;

void set_this_cpu_kstack(unsigned long lo, unsigned long hi)
{
	this_cpu_write(kstack_lo, lo);
	this_cpu_write(kstack_hi, hi);
}

bool on_this_cpu_stack(unsigned long addr, unsigned long len)
{
	unsigned long df = (unsigned long)this_cpu_ptr(&ist_df_stack[0]);
	unsigned long nmi = (unsigned long)this_cpu_ptr(&ist_nmi_stack[0]);
	unsigned long lo = this_cpu_read(kstack_lo), hi = this_cpu_read(kstack_hi);

	if (addr + len < addr)
		return false;
	return (addr >= lo && addr + len <= hi) ||
	       (addr >= df && addr + len <= df + IST_STACK_SIZE) ||
	       (addr >= nmi && addr + len <= nmi + IST_STACK_SIZE);
}

/* Per-CPU setup every CPU runs once its per-CPU area is live. */
void arch_cpu_setup(void)
{
	u64 cr4 = read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	cpu_init_tables();
	if (cpu_has_pge())
		cr4 |= X86_CR4_PGE;
	if (cpu_has_smep())
		cr4 |= X86_CR4_SMEP;	/* the kernel never executes user pages */
	if (cpu_has_smap())
		cr4 |= X86_CR4_SMAP;	/* nor touches them outside uaccess */
	write_cr4(cr4);
	smap_enabled = cr4 & X86_CR4_SMAP;	/* the same answer on every CPU */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	syscall_init_cpu();
	fpu_init_cpu();
}

/* The legacy 8259 PICs: moved off the exception vectors, then masked for good. */
void pic_disable(void)
{
	outb(0x20, 0x11);	/* ICW1: init, ICW4 follows */
	outb(0xa0, 0x11);
	outb(0x21, 0x20);	/* ICW2: vectors 0x20-0x27 */
	outb(0xa1, 0x28);	/* and 0x28-0x2f */
	outb(0x21, 0x04);	/* ICW3: slave on IRQ2 */
	outb(0xa1, 0x02);
	outb(0x21, 0x01);	/* ICW4: 8086 mode */
	outb(0xa1, 0x01);
	outb(0x21, 0xff);	/* mask everything */
	outb(0xa1, 0xff);
}
