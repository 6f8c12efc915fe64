/*
 * arch/x86_64/acpi.h - what the kernel reads from the ACPI tables.
 *
 * acpi_parse() is a pure function from an RSDP to a struct acpi_info: it
 * checks every checksum and length, and anything missing or malformed is
 * reported in `warnings`, leaving the corresponding `have_*` false so that
 * the caller falls back to a safe default (one CPU, one node, distances
 * 10/20). Tables are reached through a caller-supplied mapping function, so
 * the self-tests can feed it tables they built (and broke) in memory.
 */
#ifndef ARCH_X86_64_ACPI_H
#define ARCH_X86_64_ACPI_H

#include "kernel/types.h"
#include "kernel/percpu.h"

#define ACPI_MAX_CPUS		(MAX_CPUS * 2)	/* MADT entries kept, enabled or not */
#define ACPI_MAX_MEM_AFFINITY	64		/* SRAT memory ranges kept */
#define ACPI_MAX_IOAPICS	8
#define ACPI_MAX_OVERRIDES	16
#define ACPI_MAX_PXM		64		/* SLIT dimension kept */
#define ACPI_TABLE_MAX_LEN	(1 << 20)	/* a longer table is taken as corrupt */

struct acpi_cpu {
	u32 apic_id;
	u32 uid;
	bool enabled;
};

struct acpi_cpu_affinity {
	u32 apic_id;
	u32 pxm;
};

struct acpi_mem_affinity {
	u64 base, len;
	u32 pxm;
	bool hotplug, nonvolatile;
};

struct acpi_ioapic {
	u8 id;
	u32 addr;
	u32 gsi_base;
};

struct acpi_override {		/* ISA IRQ `source` arrives on `gsi` */
	u8 source;
	u32 gsi;
	u16 flags;
};

struct acpi_info {
	int warnings;			/* problems found; each was printed */
	int rsdp_revision;
	bool used_xsdt;

	bool have_madt;
	phys_addr_t lapic_addr;
	int ncpus;			/* entries in cpus[] */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	int nioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	int noverrides;
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];

	bool have_srat;
	int ncpu_affinity;
	struct acpi_cpu_affinity cpu_affinity[ACPI_MAX_CPUS];
	int nmem_affinity;
	struct acpi_mem_affinity mem_affinity[ACPI_MAX_MEM_AFFINITY];

	bool have_slit;
	int slit_n;
	u8 slit[ACPI_MAX_PXM][ACPI_MAX_PXM];

	bool have_fadt;
	u32 pm1a_cnt;			/* I/O port of PM1a_CNT, for power-off */
	u8 s5_slp_typ;			/* SLP_TYP value for S5 (soft off) */
};

typedef const void *(*acpi_map_fn)(phys_addr_t phys, size_t len);

/* Fills *info from the RSDP bytes (a copy is fine); returns 0 or -ENOENT if the RSDP itself is bad. */
int acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, struct acpi_info *info);

/* The tables of this boot, parsed by acpi_init(). */
extern struct acpi_info acpi;
void acpi_init(void);
void acpi_poweroff(void) __attribute__((noreturn));
bool acpi_checksum_ok(const void *p, size_t len);

#endif
