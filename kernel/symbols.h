/*
 * kernel/symbols.h - the kernel's own symbol table, for backtraces.
 *
 * The build links the kernel twice: the first image's function symbols
 * (from nm) become a sorted table (build/ksyms.S, made by scripts/gen-ksyms)
 * linked into the second image in the .ksyms section, which comes after all
 * code so that adding it moves no function.
 */
#ifndef KERNEL_SYMBOLS_H
#define KERNEL_SYMBOLS_H

#include "kernel/types.h"

#define KSYM_NAME_LEN 64

struct ksym {
	unsigned long addr;
	unsigned int size;
	unsigned int name;	/* offset into ksyms_names */
};

/* Finds the function containing addr: its name, start and size; false if none. */
bool ksym_lookup(unsigned long addr, const char **name, unsigned long *start, unsigned long *size);
/* Address of a function by name, 0 if unknown. */
unsigned long ksym_address(const char *name);
/* "function+0xoff/0xsize" or the bare hex address. */
void sprint_symbol(char *buf, size_t size, unsigned long addr);

#endif
