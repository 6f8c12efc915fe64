/*
 * arch/x86_64/acpi.c - parsing the ACPI tables the kernel needs: the RSDP,
 * RSDT or XSDT, MADT (CPUs, IOAPICs), SRAT (NUMA affinity of CPUs and
 * memory), SLIT (node distances) and FADT (power-off). See acpi.h.
 *
 * Every table is checked before use: signature, a length between its
 * header and ACPI_TABLE_MAX_LEN, a byte sum of zero, and every sub-entry's
 * length staying inside the table. A table that fails is ignored as a
 * whole, with a warning, never half-used.
 */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/cpu.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/monitor.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"

struct acpi_info acpi;

struct sdt_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;

#define warn(info, fmt, ...) do {					\
	(info)->warnings++;						\
	pr_warn("acpi: " fmt "\n", ##__VA_ARGS__);			\
} while (0)

bool acpi_checksum_ok(const void *p, size_t len)
{
	u8 sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += ((const u8 *)p)[i];
	return sum == 0;
}

/* Maps and checks the table at phys; NULL (with a warning) if it is bad. */
static const struct sdt_header *map_table(phys_addr_t phys, acpi_map_fn map, struct acpi_info *info)
{
	const struct sdt_header *h;
	u32 len;

	if (!phys) {
		warn(info, "null table address in RSDT/XSDT");
		return NULL;
	}
	h = map(phys, sizeof(*h));
	len = h->length;
	if (len < sizeof(*h) || len > ACPI_TABLE_MAX_LEN) {
		warn(info, "table %.4s at %#lx has bad length %u; ignored", h->signature, phys, len);
		return NULL;
	}
	h = map(phys, len);
	if (!acpi_checksum_ok(h, len)) {
		warn(info, "table %.4s at %#lx has a bad checksum; ignored", h->signature, phys);
		return NULL;
	}
	return h;
}

/*
 * Walks the (type, length) entries that follow a table's fixed part.
 * Returns false (after a warning) if an entry overruns the table.
 */
typedef void (*entry_fn)(const u8 *e, u8 type, u8 len, struct acpi_info *info);
static bool walk_entries(const struct sdt_header *h, size_t fixed, entry_fn fn, struct acpi_info *info)
{
	const u8 *p = (const u8 *)h + fixed, *end = (const u8 *)h + h->length;

	if (fixed > h->length) {
		warn(info, "%.4s shorter than its fixed part; ignored", h->signature);
		return false;
	}
	while (p < end) {
		if (end - p < 2 || p[1] < 2 || p[1] > end - p) {
			warn(info, "%.4s entry at offset %ld has bad length; table ignored",
			     h->signature, (long)(p - (const u8 *)h));
			return false;
		}
		fn(p, p[0], p[1], info);
		p += p[1];
	}
	return true;
}

static u32 get32(const u8 *p) { u32 v; memcpy(&v, p, 4); return v; }
static u64 get64(const u8 *p) { u64 v; memcpy(&v, p, 8); return v; }

#define MADT_LAPIC		0
#define MADT_IOAPIC		1
#define MADT_OVERRIDE		2
#define MADT_LAPIC_OVERRIDE	5
#define MADT_X2APIC		9

static void add_cpu(struct acpi_info *info, u32 apic_id, u32 uid, u32 flags)
{
	if (info->ncpus == ACPI_MAX_CPUS) {
		warn(info, "MADT lists more than %d CPUs; APIC id %u ignored", ACPI_MAX_CPUS, apic_id);
		return;
	}
	for (int i = 0; i < info->ncpus; i++)
		if (info->cpus[i].apic_id == apic_id) {
			warn(info, "MADT lists APIC id %u twice; second ignored", apic_id);
			return;
		}
	info->cpus[info->ncpus++] = (struct acpi_cpu){ apic_id, uid, flags & 1 };
}

static void madt_entry(const u8 *e, u8 type, u8 len, struct acpi_info *info)
{
	switch (type) {
	case MADT_LAPIC:
		if (len >= 8)
			add_cpu(info, e[3], e[2], get32(e + 4));
		break;
	case MADT_X2APIC:
		if (len >= 16)
			add_cpu(info, get32(e + 4), get32(e + 12), get32(e + 8));
		break;
	case MADT_IOAPIC:
		if (len >= 12 && info->nioapics < ACPI_MAX_IOAPICS)
			info->ioapics[info->nioapics++] = (struct acpi_ioapic){ e[2], get32(e + 4), get32(e + 8) };
		break;
	case MADT_OVERRIDE:
		if (len >= 10 && info->noverrides < ACPI_MAX_OVERRIDES)
			info->overrides[info->noverrides++] =
				(struct acpi_override){ e[3], get32(e + 4), (u16)(e[8] | e[9] << 8) };
		break;
	case MADT_LAPIC_OVERRIDE:
		if (len >= 12)
			info->lapic_addr = get64(e + 4);
		break;
	}
}

static void parse_madt(const struct sdt_header *h, struct acpi_info *info)
{
	if (h->length < sizeof(*h) + 8) {
		warn(info, "MADT too short; ignored");
		return;
	}
	info->lapic_addr = get32((const u8 *)h + sizeof(*h));
	info->ncpus = info->nioapics = info->noverrides = 0;
	if (!walk_entries(h, sizeof(*h) + 8, madt_entry, info)) {
		info->ncpus = info->nioapics = info->noverrides = 0;
		return;
	}
	info->have_madt = true;
}

#define SRAT_CPU	0
#define SRAT_MEMORY	1
#define SRAT_X2APIC	2

static void add_cpu_affinity(struct acpi_info *info, u32 apic_id, u32 pxm)
{
	if (info->ncpu_affinity < ACPI_MAX_CPUS)
		info->cpu_affinity[info->ncpu_affinity++] = (struct acpi_cpu_affinity){ apic_id, pxm };
	else
		warn(info, "SRAT lists too many CPUs; APIC id %u ignored", apic_id);
}

static void srat_entry(const u8 *e, u8 type, u8 len, struct acpi_info *info)
{
	switch (type) {
	case SRAT_CPU:
		if (len >= 16 && (get32(e + 4) & 1))
			add_cpu_affinity(info, e[3], e[2] | e[9] << 8 | e[10] << 16 | e[11] << 24);
		break;
	case SRAT_X2APIC:
		if (len >= 24 && (get32(e + 12) & 1))
			add_cpu_affinity(info, get32(e + 8), get32(e + 4));
		break;
	case SRAT_MEMORY: {
		u32 flags = len >= 40 ? get32(e + 28) : 0;
		u64 base = get32(e + 8) | (u64)get32(e + 12) << 32;
		u64 size = get32(e + 16) | (u64)get32(e + 20) << 32;
		if (!(flags & 1) || !size)
			break;		/* disabled entries describe no memory */
		if (info->nmem_affinity == ACPI_MAX_MEM_AFFINITY) {
			warn(info, "SRAT lists more than %d memory ranges; rest ignored", ACPI_MAX_MEM_AFFINITY);
			break;
		}
		info->mem_affinity[info->nmem_affinity++] = (struct acpi_mem_affinity){
			base, size, get32(e + 2), flags & 2, flags & 4 };
		break;
	}
	}
}

static void parse_srat(const struct sdt_header *h, struct acpi_info *info)
{
	info->ncpu_affinity = info->nmem_affinity = 0;
	if (!walk_entries(h, sizeof(*h) + 12, srat_entry, info)) {
		info->ncpu_affinity = info->nmem_affinity = 0;
		return;
	}
	info->have_srat = true;
}

static void parse_slit(const struct sdt_header *h, struct acpi_info *info)
{
	const u8 *d = (const u8 *)h + sizeof(*h) + 8;
	u64 n;

	if (h->length < sizeof(*h) + 8) {
		warn(info, "SLIT too short; ignored");
		return;
	}
	n = get64((const u8 *)h + sizeof(*h));
	if (n == 0 || n > ACPI_MAX_PXM || sizeof(*h) + 8 + n * n > h->length) {
		warn(info, "SLIT locality count %lu does not fit the table; ignored", n);
		return;
	}
	for (u64 i = 0; i < n; i++)
		for (u64 j = 0; j < n; j++) {
			u8 v = d[i * n + j];
			if ((i == j && v != 10) || (i != j && v <= 10)) {
				warn(info, "SLIT distance [%lu][%lu] = %u is invalid; table ignored", i, j, v);
				return;
			}
			info->slit[i][j] = v;
		}
	info->slit_n = n;
	info->have_slit = true;
}

/* Finds the SLP_TYP of \_S5 in the DSDT's AML: Name(_S5_, Package(){ typ, ... }). */
static void find_s5(const struct sdt_header *dsdt, struct acpi_info *info)
{
	const u8 *p = (const u8 *)dsdt + sizeof(*dsdt), *end = (const u8 *)dsdt + dsdt->length;

	for (; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) || p[4] != 0x12)	/* 0x12: PackageOp */
			continue;
		p += 5;
		p += 1 + (*p >> 6);		/* PkgLength: lead byte + extra bytes */
		p++;				/* NumElements */
		if (*p == 0x0a)			/* BytePrefix */
			info->s5_slp_typ = p[1];
		else if (*p <= 1)		/* ZeroOp / OneOp */
			info->s5_slp_typ = *p;
		return;
	}
}

static void parse_fadt(const struct sdt_header *h, acpi_map_fn map, struct acpi_info *info)
{
	const u8 *f = (const u8 *)h;
	const struct sdt_header *dsdt;

	if (h->length < 68) {
		warn(info, "FADT too short; ignored");
		return;
	}
	info->pm1a_cnt = get32(f + 64);
	info->have_fadt = true;
	dsdt = map_table(get32(f + 40), map, info);
	if (dsdt && !memcmp(dsdt->signature, "DSDT", 4))
		find_s5(dsdt, info);
}

static void parse_table(phys_addr_t phys, acpi_map_fn map, struct acpi_info *info)
{
	const struct sdt_header *h = map_table(phys, map, info);

	if (!h)
		return;
	if (!memcmp(h->signature, "APIC", 4))
		parse_madt(h, info);
	else if (!memcmp(h->signature, "SRAT", 4))
		parse_srat(h, info);
	else if (!memcmp(h->signature, "SLIT", 4))
		parse_slit(h, info);
	else if (!memcmp(h->signature, "FACP", 4))
		parse_fadt(h, map, info);
}

static bool rsdp_ok(const u8 *r, size_t len, struct acpi_info *info)
{
	if (len < 20 || memcmp(r, "RSD PTR ", 8)) {
		warn(info, "no RSDP signature");
		return false;
	}
	if (!acpi_checksum_ok(r, 20)) {
		warn(info, "RSDP checksum is bad");
		return false;
	}
	info->rsdp_revision = r[15];
	if (r[15] >= 2 && (len < 36 || get32(r + 20) < 36 || !acpi_checksum_ok(r, 36))) {
		warn(info, "RSDP v2 extended checksum is bad; using the RSDT");
		info->rsdp_revision = 0;
	}
	return true;
}

int acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, struct acpi_info *info)
{
	const u8 *r = rsdp;
	const struct sdt_header *root = NULL;
	size_t entry_size;

	memset(info, 0, sizeof(*info));
	info->lapic_addr = 0xfee00000;		/* architectural default */
	info->pm1a_cnt = 0;
	if (!rsdp || !rsdp_ok(r, rsdp_len, info))
		return -ENOENT;
	if (info->rsdp_revision >= 2 && get64(r + 24)) {
		root = map_table(get64(r + 24), map, info);
		if (root && memcmp(root->signature, "XSDT", 4)) {
			warn(info, "XSDT has signature %.4s; using the RSDT", root->signature);
			root = NULL;
		}
		info->used_xsdt = root != NULL;
	}
	if (!root) {
		root = map_table(get32(r + 16), map, info);
		if (root && memcmp(root->signature, "RSDT", 4)) {
			warn(info, "RSDT has signature %.4s", root->signature);
			root = NULL;
		}
	}
	if (!root)
		return 0;		/* no tables: every have_* stays false */
	entry_size = info->used_xsdt ? 8 : 4;
	for (size_t off = sizeof(*root); off + entry_size <= root->length; off += entry_size) {
		const u8 *e = (const u8 *)root + off;
		parse_table(entry_size == 8 ? get64(e) : get32(e), map, info);
	}
	return 0;
}

static const void *acpi_ioremap(phys_addr_t phys, size_t len)
{
	return ioremap(phys, len, IOREMAP_CACHED);
}

static bool acpi_off;

static int parse_acpi_option(const char *val)
{
	if (strcmp(val, "off"))
		return -EINVAL;
	acpi_off = true;
	return 0;
}
CMDLINE_PARAM("acpi", parse_acpi_option, "acpi=off: ignore the firmware tables (one CPU, one node)");

void acpi_init(void)
{
	if (acpi_off) {
		pr_warn("acpi: disabled on the command line; one CPU, one node\n");
		memset(&acpi, 0, sizeof(acpi));
		acpi.lapic_addr = 0xfee00000;
		return;
	}
	if (!bootinfo.rsdp_len)
		pr_warn("acpi: the boot loader passed no RSDP; one CPU, one node\n");
	acpi_parse(bootinfo.rsdp_len ? bootinfo.rsdp : NULL, bootinfo.rsdp_len, acpi_ioremap, &acpi);
	pr_info("acpi: RSDP rev %d via %s; MADT %s (%d CPUs), SRAT %s, SLIT %s, %d warnings\n",
		acpi.rsdp_revision, acpi.used_xsdt ? "XSDT" : "RSDT",
		acpi.have_madt ? "ok" : "missing", acpi.ncpus,
		acpi.have_srat ? "ok" : "missing", acpi.have_slit ? "ok" : "missing", acpi.warnings);
}

void acpi_poweroff(void)
{
	u16 port = acpi.have_fadt && acpi.pm1a_cnt ? acpi.pm1a_cnt : 0x604;	/* q35's PM1a_CNT */

	local_irq_disable();
	outw(port, (u16)((acpi.s5_slp_typ & 7) << 10 | (1 << 13)));	/* SLP_TYP | SLP_EN */
	for (;;)
		halt();
}

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	console_printf("powering off\n");
	acpi_poweroff();
}
MONITOR_CMD(poweroff, "", "switch the machine off (QEMU exits with status 0)", cmd_poweroff);
