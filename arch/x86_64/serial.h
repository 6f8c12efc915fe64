/* arch/x86_64/serial.h - the 16550 UART on COM1, the kernel's console. */
#ifndef ARCH_X86_64_SERIAL_H
#define ARCH_X86_64_SERIAL_H

#include "kernel/types.h"

#define COM1_PORT	0x3f8
#define COM1_IRQ	4

void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s, size_t n);
/* Next received character, or -1 if none is waiting. */
int serial_getc_nowait(void);
/* Turns on the receive interrupt (after the IOAPIC routes COM1_IRQ). */
void serial_enable_rx_irq(void);

#endif
