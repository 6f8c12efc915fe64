/*
 * arch/x86_64/qemu.h - leaving QEMU with a status the host can read.
 *
 * QEMU's isa-debug-exit device (iobase 0xf4) ends the emulator when a byte
 * is written to it, with exit status (byte << 1) | 1. The test runner
 * (tests/run) reads these three outcomes; `poweroff` instead uses ACPI soft
 * off, which ends QEMU with status 0.
 */
#ifndef ARCH_X86_64_QEMU_H
#define ARCH_X86_64_QEMU_H

#define QEMU_EXIT_PORT		0xf4
#define QEMU_EXIT_PASS		0x10	/* QEMU exits with 33: every test passed */
#define QEMU_EXIT_FAIL		0x11	/* 35: some test failed */
#define QEMU_EXIT_PANIC		0x12	/* 37: panic or oops */

void qemu_exit(int code) __attribute__((noreturn));

#endif
