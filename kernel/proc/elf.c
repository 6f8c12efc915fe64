/*
 * kernel/proc/elf.c - the ELF64 loader for static x86-64 executables.
 *
 * The image is a GRUB module, already in memory (the direct map), so
 * "reading the file" is a bounds-checked memcpy. Every field of the
 * headers is untrusted: offsets and sizes are checked against the image,
 * addresses against TASK_SIZE, before anything is mapped.
 *
 * Each PT_LOAD becomes a private anonymous mapping [ALIGN_DOWN(vaddr),
 * ALIGN_UP(vaddr + memsz)) with exactly the segment's permissions
 * (vm_map_fixed), and its p_filesz bytes are written in through
 * access_remote_vm, which ignores PROT_ as ptrace does, so read-only text
 * can be filled. The rest (.bss) is the zero-fill of fresh anonymous
 * pages. PT_TLS lies inside a PT_LOAD, so it is mapped with it; the
 * thread-local storage itself is musl's business. PT_GNU_STACK decides
 * whether the stack is executable (no PT_GNU_STACK: executable, Linux's
 * x86-64 default). PT_INTERP means a dynamic executable: refused.
 */
#include "kernel/proc/elf.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/vma.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"
#include "arch/x86_64/uaccess.h"

static const struct elf64_phdr *phdrs(const void *image)
{
	const struct elf64_ehdr *eh = image;

	return (const struct elf64_phdr *)((const u8 *)image + eh->e_phoff);
}

static bool range_ok(u64 off, u64 len, u64 size)
{
	return off <= size && len <= size - off;
}

static unsigned long load_bias(const struct elf64_ehdr *eh)
{
	return eh->e_type == ET_DYN ? ELF_PIE_BASE : 0;
}

int elf_check(const void *image, size_t size)
{
	const struct elf64_ehdr *eh = image;
	static const u8 magic[4] = { 0x7f, 'E', 'L', 'F' };
	bool any_load = false;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, magic, 4))
		return -ENOEXEC;
	if (eh->e_ident[4] != 2 || eh->e_ident[5] != 1 || eh->e_ident[6] != 1)
		return -ENOEXEC;		/* 64-bit, little-endian, version 1 */
	if ((eh->e_type != ET_EXEC && eh->e_type != ET_DYN) || eh->e_machine != EM_X86_64)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHNUM)
		return -ENOEXEC;
	if (!range_ok(eh->e_phoff, (u64)eh->e_phnum * sizeof(struct elf64_phdr), size) || (eh->e_phoff & 7))
		return -ENOEXEC;
	for (int i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = &phdrs(image)[i];
		u64 start, end;

		if (ph->p_type == PT_INTERP)
			return -ENOEXEC;	/* dynamically linked: no loader here */
		if (ph->p_type != PT_LOAD)
			continue;
		start = ph->p_vaddr + load_bias(eh);
		if (ph->p_filesz > ph->p_memsz || !range_ok(ph->p_offset, ph->p_filesz, size))
			return -ENOEXEC;
		if (ph->p_align > 1 && (ph->p_vaddr - ph->p_offset) % PAGE_SIZE)
			return -ENOEXEC;
		end = start + ph->p_memsz;
		if (end < start || start < MMAP_MIN_ADDR || end > TASK_SIZE)
			return -ENOEXEC;
		any_load = true;
	}
	if (!any_load)
		return -ENOEXEC;
	if (eh->e_entry + load_bias(eh) >= TASK_SIZE)
		return -ENOEXEC;
	return 0;
}

static unsigned long vm_flags_of(u32 p_flags)
{
	return (p_flags & PF_R ? VM_READ : 0) | (p_flags & PF_W ? VM_WRITE : 0) | (p_flags & PF_X ? VM_EXEC : 0);
}

int elf_load(struct mm_struct *mm, const void *image, size_t size, struct elf_info *info)
{
	const struct elf64_ehdr *eh = image;
	unsigned long bias = load_bias(eh);
	int i;

	memset(info, 0, sizeof(*info));
	info->exec_stack = true;
	info->start_code = info->start_data = ~0UL;
	for (i = 0; i < eh->e_phnum; i++) {		/* map every segment first... */
		const struct elf64_phdr *ph = &phdrs(image)[i];
		unsigned long start = ALIGN_DOWN(ph->p_vaddr + bias, PAGE_SIZE);
		unsigned long end = ALIGN_UP(ph->p_vaddr + bias + ph->p_memsz, PAGE_SIZE);
		long r;

		if (ph->p_type == PT_GNU_STACK)
			info->exec_stack = ph->p_flags & PF_X;
		if (ph->p_type == PT_PHDR)
			info->phdr = ph->p_vaddr + bias;
		if (ph->p_type != PT_LOAD || start == end)
			continue;
		r = vm_map_fixed(mm, start, end - start, vm_flags_of(ph->p_flags));
		if (r < 0)
			return r;
		if (ph->p_flags & PF_X) {
			info->start_code = min(info->start_code, start);
			info->end_code = max(info->end_code, ph->p_vaddr + bias + ph->p_filesz);
		} else {
			info->start_data = min(info->start_data, ph->p_vaddr + bias);
			info->end_data = max(info->end_data, ph->p_vaddr + bias + ph->p_filesz);
		}
		info->brk = max(info->brk, end);
		if (!info->phdr && ph->p_offset <= eh->e_phoff &&
		    eh->e_phoff + eh->e_phnum * sizeof(*ph) <= ph->p_offset + ph->p_filesz)
			info->phdr = ph->p_vaddr + bias + (eh->e_phoff - ph->p_offset);
	}
	for (i = 0; i < eh->e_phnum; i++) {		/* ...then fill them: segments may share a page */
		const struct elf64_phdr *ph = &phdrs(image)[i];

		if (ph->p_type != PT_LOAD || !ph->p_filesz)
			continue;
		if (access_remote_vm(mm, ph->p_vaddr + bias, (void *)((const u8 *)image + ph->p_offset),
				     ph->p_filesz, true) != (long)ph->p_filesz)
			return -ENOMEM;
	}
	if (info->start_code == ~0UL)
		info->start_code = info->end_code = 0;
	if (info->start_data == ~0UL)
		info->start_data = info->end_data = 0;
	info->entry = eh->e_entry + bias;
	info->phnum = eh->e_phnum;
	return 0;
}
