/* kernel/symbols.c - address-to-name lookup in the embedded symbol table. */
#include "kernel/symbols.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"

extern const unsigned long ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_names[];

bool ksym_lookup(unsigned long addr, const char **name, unsigned long *start, unsigned long *size)
{
	long lo = 0, hi = (long)ksyms_count - 1, found = -1;

	while (lo <= hi) {		/* last entry with table[i].addr <= addr */
		long mid = (lo + hi) / 2;
		if (ksyms_table[mid].addr <= addr) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	if (found < 0 || addr >= ksyms_table[found].addr + ksyms_table[found].size)
		return false;
	*name = ksyms_names + ksyms_table[found].name;
	*start = ksyms_table[found].addr;
	*size = ksyms_table[found].size;
	return true;
}

unsigned long ksym_address(const char *name)
{
	for (unsigned long i = 0; i < ksyms_count; i++)
		if (!strcmp(ksyms_names + ksyms_table[i].name, name))
			return ksyms_table[i].addr;
	return 0;
}

void sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	const char *name;
	unsigned long start, len;

	if (ksym_lookup(addr, &name, &start, &len))
		snprintf(buf, size, "%s+0x%lx/0x%lx", name, addr - start, len);
	else
		snprintf(buf, size, "0x%lx", addr);
}
