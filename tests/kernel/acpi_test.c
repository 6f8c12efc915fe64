/*
 * tests/kernel/acpi_test.c - the ACPI parser and the NUMA table built from
 * it, fed with tables built (and broken) in memory: every malformed case
 * must give a warning and the safe fallback, never a hang or a crash.
 */
#include "kernel/selftest.h"
#include "kernel/lib/string.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/mm/numa.h"
#include "kernel/smp.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/paging.h"

#define ARENA_SIZE	8192

/* ---- building tables ---- */

static u8 arena[ARENA_SIZE] __aligned(16);
static size_t arena_used;
static struct acpi_info info;		/* too big for the stack */
static struct numa_topology topo;

static void *arena_alloc(size_t n)
{
	void *p = arena + arena_used;

	arena_used = ALIGN_UP(arena_used + n, 16);
	BUG_ON(arena_used > ARENA_SIZE);
	memset(p, 0, n);
	return p;
}

static u8 sum(const void *p, size_t n)
{
	u8 s = 0;

	for (size_t i = 0; i < n; i++)
		s += ((const u8 *)p)[i];
	return s;
}

/* A table: 36-byte header with signature, length and checksum, then body. */
static u8 *table(const char *sig, const void *body, size_t len)
{
	u8 *t = arena_alloc(36 + len);
	u32 total = 36 + len;

	memcpy(t, sig, 4);
	memcpy(t + 4, &total, 4);
	t[8] = 1;
	memcpy(t + 10, "NUMBAT", 6);
	memcpy(t + 36, body, len);
	t[9] = -sum(t, total);
	return t;
}

static u32 phys32(const void *p) { return (u32)virt_to_phys(p); }
static void refix(u8 *t) { u32 len; memcpy(&len, t + 4, 4); t[9] = 0; t[9] = -sum(t, len); }

static u8 *rsdt(u8 **tables, int n)
{
	u32 addrs[8];

	for (int i = 0; i < n; i++)
		addrs[i] = phys32(tables[i]);
	return table("RSDT", addrs, n * 4);
}

static u8 *xsdt(u8 **tables, int n)
{
	u64 addrs[8];

	for (int i = 0; i < n; i++)
		addrs[i] = virt_to_phys(tables[i]);
	return table("XSDT", addrs, n * 8);
}

static u8 rsdp[36];

static void make_rsdp(u8 *rsdt_table, u8 *xsdt_table)
{
	u32 r = rsdt_table ? phys32(rsdt_table) : 0, len = 36;
	u64 x = xsdt_table ? virt_to_phys(xsdt_table) : 0;

	memset(rsdp, 0, sizeof(rsdp));
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "NUMBAT", 6);
	rsdp[15] = xsdt_table ? 2 : 0;
	memcpy(rsdp + 16, &r, 4);
	memcpy(rsdp + 20, &len, 4);
	memcpy(rsdp + 24, &x, 8);
	rsdp[8] = -sum(rsdp, 20);
	rsdp[32] = -sum(rsdp, 36);
}

static const void *direct_map(phys_addr_t p, size_t len)
{
	(void)len;
	return phys_to_virt(p);
}

static int parse(void)
{
	return acpi_parse(rsdp, sizeof(rsdp), direct_map, &info);
}

/* MADT with CPUs (APIC ids 0, 1 enabled; 2 disabled; x2APIC 300) and an IOAPIC. */
static u8 *madt(void)
{
	static const u8 body[] = {
		0x00, 0x00, 0xe0, 0xfe, 1, 0, 0, 0,		/* LAPIC at 0xfee00000, flags */
		0, 8, 0, 0, 1, 0, 0, 0,				/* LAPIC uid 0 id 0 enabled */
		0, 8, 1, 1, 1, 0, 0, 0,				/* uid 1 id 1 enabled */
		0, 8, 2, 2, 0, 0, 0, 0,				/* uid 2 id 2 disabled */
		9, 16, 0, 0, 0x2c, 1, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, /* x2APIC id 300 uid 3 */
		1, 12, 5, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0,	/* IOAPIC id 5 at 0xfec00000 */
		2, 10, 0, 0, 2, 0, 0, 0, 0, 0,			/* IRQ0 -> GSI 2 */
	};
	return table("APIC", body, sizeof(body));
}

/* SRAT: APIC 0 -> PXM 0, APIC 1 -> PXM 1, x2APIC 300 -> PXM 1, 1 MiB..17 MiB on 0, 17..33 on 1. */
static u8 *srat(void)
{
	static const u8 body[] = {
		1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 16, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 16, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		2, 24, 0, 0, 1, 0, 0, 0, 0x2c, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		1, 40, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
		0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		1, 40, 1, 0, 0, 0, 0, 0, 0, 0, 0x10, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
		0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* enabled + hotplug */
	};
	return table("SRAT", body, sizeof(body));
}

static u8 *slit(u8 d01, u8 d10)
{
	u8 body[8 + 4] = { 2, 0, 0, 0, 0, 0, 0, 0, 10, d01, d10, 10 };

	return table("SLIT", body, sizeof(body));
}

/* The standard set: RSDP v1 -> RSDT -> MADT, SRAT, SLIT. Returns the tables. */
static void standard(u8 **m, u8 **s, u8 **l)
{
	u8 *t[3];

	arena_used = 0;
	t[0] = *m = madt();
	t[1] = *s = srat();
	t[2] = *l = slit(21, 21);
	make_rsdp(rsdt(t, 3), NULL);
}

/* ---- the parser ---- */

SELFTEST(acpi, parses_good_tables)
{
	u8 *m, *s, *l;

	standard(&m, &s, &l);
	KUNIT_ASSERT_EQ(test, parse(), 0);
	KUNIT_EXPECT_EQ(test, info.warnings, 0);
	KUNIT_EXPECT_FALSE(test, info.used_xsdt);
	KUNIT_EXPECT_TRUE(test, info.have_madt);
	KUNIT_EXPECT_EQ(test, info.lapic_addr, 0xfee00000);
	KUNIT_ASSERT_EQ(test, info.ncpus, 4);
	KUNIT_EXPECT_EQ(test, info.cpus[1].apic_id, 1);
	KUNIT_EXPECT_TRUE(test, info.cpus[1].enabled);
	KUNIT_EXPECT_FALSE(test, info.cpus[2].enabled);
	KUNIT_EXPECT_EQ(test, info.cpus[3].apic_id, 300);
	KUNIT_EXPECT_EQ(test, info.cpus[3].uid, 3);
	KUNIT_EXPECT_EQ(test, info.nioapics, 1);
	KUNIT_EXPECT_EQ(test, info.ioapics[0].addr, 0xfec00000);
	KUNIT_EXPECT_EQ(test, info.noverrides, 1);
	KUNIT_EXPECT_EQ(test, info.overrides[0].gsi, 2);
	KUNIT_EXPECT_TRUE(test, info.have_srat);
	KUNIT_EXPECT_EQ(test, info.ncpu_affinity, 3);
	KUNIT_EXPECT_EQ(test, info.cpu_affinity[2].apic_id, 300);
	KUNIT_EXPECT_EQ(test, info.cpu_affinity[2].pxm, 1);
	KUNIT_ASSERT_EQ(test, info.nmem_affinity, 2);
	KUNIT_EXPECT_EQ(test, info.mem_affinity[1].base, 0x1100000);
	KUNIT_EXPECT_EQ(test, info.mem_affinity[1].len, 0x1000000);
	KUNIT_EXPECT_TRUE(test, info.mem_affinity[1].hotplug);
	KUNIT_EXPECT_TRUE(test, info.have_slit);
	KUNIT_EXPECT_EQ(test, info.slit_n, 2);
	KUNIT_EXPECT_EQ(test, info.slit[0][1], 21);
}

SELFTEST(acpi, bad_rsdp_checksum)
{
	u8 *m, *s, *l;

	standard(&m, &s, &l);
	rsdp[8]++;
	KUNIT_EXPECT_EQ(test, parse(), -ENOENT);
	KUNIT_EXPECT_GT(test, info.warnings, 0);
	KUNIT_EXPECT_FALSE(test, info.have_madt);
	KUNIT_EXPECT_FALSE(test, info.have_srat);
}

SELFTEST(acpi, bad_rsdp_signature)
{
	u8 *m, *s, *l;

	standard(&m, &s, &l);
	rsdp[0] = 'X';
	KUNIT_EXPECT_EQ(test, parse(), -ENOENT);
	KUNIT_EXPECT_EQ(test, acpi_parse(NULL, 0, direct_map, &info), -ENOENT);
}

SELFTEST(acpi, bad_rsdt_checksum_means_no_tables)
{
	u8 *t[1];

	arena_used = 0;
	t[0] = madt();
	make_rsdp(rsdt(t, 1), NULL);
	((u8 *)phys_to_virt(*(u32 *)(rsdp + 16)))[9] ^= 0x55;
	KUNIT_EXPECT_EQ(test, parse(), 0);
	KUNIT_EXPECT_GT(test, info.warnings, 0);
	KUNIT_EXPECT_FALSE(test, info.have_madt);
}

SELFTEST(acpi, xsdt_preferred_over_rsdt)
{
	u8 *one[1], *two[2];

	arena_used = 0;
	one[0] = madt();
	two[0] = madt();
	two[1] = srat();
	make_rsdp(rsdt(one, 1), xsdt(two, 2));
	KUNIT_EXPECT_EQ(test, parse(), 0);
	KUNIT_EXPECT_TRUE(test, info.used_xsdt);
	KUNIT_EXPECT_TRUE(test, info.have_srat);
	KUNIT_EXPECT_EQ(test, info.warnings, 0);
}

SELFTEST(acpi, bad_xsdt_falls_back_to_rsdt)
{
	u8 *one[1], *two[2], *x;

	arena_used = 0;
	one[0] = madt();
	two[0] = madt();
	two[1] = srat();
	x = xsdt(two, 2);
	make_rsdp(rsdt(one, 1), x);
	x[20] ^= 1;				/* corrupt the XSDT */
	KUNIT_EXPECT_EQ(test, parse(), 0);
	KUNIT_EXPECT_FALSE(test, info.used_xsdt);
	KUNIT_EXPECT_TRUE(test, info.have_madt);
	KUNIT_EXPECT_FALSE(test, info.have_srat);
	KUNIT_EXPECT_GT(test, info.warnings, 0);
}

SELFTEST(acpi, madt_bad_checksum_ignored_others_kept)
{
	u8 *m, *s, *l;

	standard(&m, &s, &l);
	m[40] ^= 0xff;
	KUNIT_EXPECT_EQ(test, parse(), 0);
	KUNIT_EXPECT_FALSE(test, info.have_madt);
	KUNIT_EXPECT_EQ(test, info.ncpus, 0);
	KUNIT_EXPECT_TRUE(test, info.have_srat);
	KUNIT_EXPECT_TRUE(test, info.have_slit);
	KUNIT_EXPECT_EQ(test, info.warnings, 1);
}

SELFTEST(acpi, madt_entry_overrunning_table)
{
	u8 *m, *s, *l;

	standard(&m, &s, &l);
	m[36 + 8 + 8 * 3 + 1] = 200;		/* the x2APIC entry claims 200 bytes */
	refix(m);
	KUNIT_EXPECT_EQ(test, parse(), 0);
	KUNIT_EXPECT_FALSE(test, info.have_madt);
	KUNIT_EXPECT_EQ(test, info.ncpus, 0);
	KUNIT_EXPECT_GT(test, info.warnings, 0);
}

SELFTEST(acpi, madt_zero_length_entry_does_not_hang)
{
	u8 *m, *s, *l;

	standard(&m, &s, &l);
	m[36 + 8 + 1] = 0;			/* first entry: length 0 */
	refix(m);
	KUNIT_EXPECT_EQ(test, parse(), 0);
	KUNIT_EXPECT_FALSE(test, info.have_madt);
}

SELFTEST(acpi, absurd_table_length_ignored)
{
	u8 *m, *s, *l;
	u32 huge = 0x7fffffff;

	standard(&m, &s, &l);
	memcpy(s + 4, &huge, 4);
	KUNIT_EXPECT_EQ(test, parse(), 0);
	KUNIT_EXPECT_FALSE(test, info.have_srat);
	KUNIT_EXPECT_TRUE(test, info.have_madt);
}

SELFTEST(acpi, srat_bad_entry_length)
{
	u8 *m, *s, *l;

	standard(&m, &s, &l);
	s[36 + 12 + 1] = 1;			/* an entry of length 1 */
	refix(s);
	KUNIT_EXPECT_EQ(test, parse(), 0);
	KUNIT_EXPECT_FALSE(test, info.have_srat);
	KUNIT_EXPECT_EQ(test, info.nmem_affinity, 0);
}

SELFTEST(acpi, srat_disabled_entries_ignored)
{
	u8 *m, *s, *l;

	standard(&m, &s, &l);
	s[36 + 12 + 16 + 4] = 0;		/* APIC 1's entry: not enabled */
	refix(s);
	KUNIT_EXPECT_EQ(test, parse(), 0);
	KUNIT_EXPECT_TRUE(test, info.have_srat);
	KUNIT_EXPECT_EQ(test, info.ncpu_affinity, 2);
}

SELFTEST(acpi, slit_bad_diagonal)
{
	u8 *t[2];

	arena_used = 0;
	t[0] = madt();
	t[1] = table("SLIT", (u8[]){ 2, 0, 0, 0, 0, 0, 0, 0, 10, 20, 20, 11 }, 12);
	make_rsdp(rsdt(t, 2), NULL);
	KUNIT_EXPECT_EQ(test, parse(), 0);
	KUNIT_EXPECT_FALSE(test, info.have_slit);
	KUNIT_EXPECT_GT(test, info.warnings, 0);
}

SELFTEST(acpi, slit_count_larger_than_table)
{
	u8 *t[1];

	arena_used = 0;
	t[0] = table("SLIT", (u8[]){ 9, 0, 0, 0, 0, 0, 0, 0, 10, 20, 20, 10 }, 12);
	make_rsdp(rsdt(t, 1), NULL);
	KUNIT_EXPECT_EQ(test, parse(), 0);
	KUNIT_EXPECT_FALSE(test, info.have_slit);
}

SELFTEST(acpi, this_boot_tables)
{
	int enabled = 0;

	if (!acpi.have_madt)
		kunit_skip(test, "this boot has no usable MADT");
	for (int i = 0; i < acpi.ncpus; i++)
		enabled += acpi.cpus[i].enabled;
	KUNIT_EXPECT_EQ(test, enabled, nr_cpu_ids);
	KUNIT_EXPECT_TRUE(test, acpi.have_fadt);
	KUNIT_EXPECT_NE(test, acpi.pm1a_cnt, 0);
}

/* ---- the NUMA table built from parsed tables ---- */

static const u32 apic_ids[] = { 0, 1, 300 };

static void build_standard(struct kunit *test, bool off)
{
	u8 *m, *s, *l;

	standard(&m, &s, &l);
	KUNIT_ASSERT_EQ(test, parse(), 0);
	numa_build(&info, apic_ids, 3, off, &topo);
}

SELFTEST(numa_build, from_srat_and_slit)
{
	build_standard(test, false);
	KUNIT_EXPECT_TRUE(test, topo.from_srat);
	KUNIT_EXPECT_EQ(test, topo.warnings, 0);
	KUNIT_EXPECT_EQ(test, topo.nr_nodes, 2);
	KUNIT_EXPECT_EQ(test, topo.cpu_node[0], 0);
	KUNIT_EXPECT_EQ(test, topo.cpu_node[1], 1);
	KUNIT_EXPECT_EQ(test, topo.cpu_node[2], 1);
	KUNIT_EXPECT_EQ(test, cpumask_weight(&topo.nodes[1].cpus), 2);
	KUNIT_EXPECT_EQ(test, topo.nodes[0].srat_bytes, 16UL << 20);
	KUNIT_EXPECT_EQ(test, topo.distance[0][1], 21);
	KUNIT_EXPECT_EQ(test, topo.distance[1][1], 10);
}

SELFTEST(numa_build, no_srat_is_one_node)
{
	build_standard(test, false);
	info.have_srat = false;
	numa_build(&info, apic_ids, 3, false, &topo);
	KUNIT_EXPECT_FALSE(test, topo.from_srat);
	KUNIT_EXPECT_EQ(test, topo.nr_nodes, 1);
	KUNIT_EXPECT_EQ(test, cpumask_weight(&topo.nodes[0].cpus), 3);
	KUNIT_EXPECT_EQ(test, topo.distance[0][0], 10);
	KUNIT_EXPECT_EQ(test, topo.distance[0][1], 20);
}

SELFTEST(numa_build, numa_off_folds_into_node0)
{
	build_standard(test, true);
	KUNIT_EXPECT_EQ(test, topo.nr_nodes, 1);
	KUNIT_EXPECT_EQ(test, topo.cpu_node[2], 0);
	KUNIT_EXPECT_EQ(test, topo.warnings, 0);
}

SELFTEST(numa_build, overlapping_memory_falls_back)
{
	build_standard(test, false);
	info.mem_affinity[1].base = info.mem_affinity[0].base + 4096;
	numa_build(&info, apic_ids, 3, false, &topo);
	KUNIT_EXPECT_FALSE(test, topo.from_srat);
	KUNIT_EXPECT_EQ(test, topo.nr_nodes, 1);
	KUNIT_EXPECT_GT(test, topo.warnings, 0);
}

SELFTEST(numa_build, cpu_missing_from_srat_goes_to_node0)
{
	static const u32 ids[] = { 0, 1, 300, 7 };

	build_standard(test, false);
	numa_build(&info, ids, 4, false, &topo);
	KUNIT_EXPECT_TRUE(test, topo.from_srat);
	KUNIT_EXPECT_EQ(test, topo.cpu_node[3], 0);
	KUNIT_EXPECT_EQ(test, topo.warnings, 1);
}

SELFTEST(numa_build, slit_too_small_gives_default_distances)
{
	build_standard(test, false);
	info.slit_n = 1;
	numa_build(&info, apic_ids, 3, false, &topo);
	KUNIT_EXPECT_TRUE(test, topo.from_srat);
	KUNIT_EXPECT_EQ(test, topo.distance[0][1], 20);
	KUNIT_EXPECT_EQ(test, topo.warnings, 1);
}

SELFTEST(numa_build, memoryless_and_cpuless_nodes)
{
	build_standard(test, false);
	info.mem_affinity[1].pxm = 2;		/* node 1: CPUs only; node 2: memory only */
	info.have_slit = false;
	numa_build(&info, apic_ids, 3, false, &topo);
	KUNIT_EXPECT_EQ(test, topo.nr_nodes, 3);
	KUNIT_EXPECT_EQ(test, topo.nodes[1].srat_bytes, 0);
	KUNIT_EXPECT_EQ(test, cpumask_weight(&topo.nodes[2].cpus), 0);
	KUNIT_EXPECT_EQ(test, topo.nodes[2].srat_bytes, 16UL << 20);
}

SELFTEST(numa_build, large_domain_numbers_renumbered)
{
	build_standard(test, false);
	info.mem_affinity[1].pxm = 1000;
	info.have_slit = false;
	numa_build(&info, apic_ids, 3, false, &topo);
	KUNIT_EXPECT_EQ(test, topo.nr_nodes, 3);
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		if (topo.nodes[nid].online && topo.nodes[nid].pxm == 1000) {
			KUNIT_EXPECT_EQ(test, topo.nodes[nid].srat_bytes, 16UL << 20);
			KUNIT_EXPECT_EQ(test, cpumask_weight(&topo.nodes[nid].cpus), 0);
			return;
		}
	KUNIT_FAIL(test, "no node has proximity domain 1000");
}
