/*
 * arch/x86_64/serial.c - 16550 UART driver for COM1: 115200 baud, 8N1,
 * FIFOs on. Output polls the transmit-holding-register-empty bit; input is
 * read by the monitor, woken by the receive interrupt.
 */
#include "arch/x86_64/serial.h"
#include "arch/x86_64/cpu.h"

#define UART_DATA	0	/* receive/transmit buffer (DLAB=0) */
#define UART_IER	1	/* interrupt enable (DLAB=0) */
#define UART_DLL	0	/* divisor low (DLAB=1) */
#define UART_DLM	1	/* divisor high (DLAB=1) */
#define UART_FCR	2	/* FIFO control */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */

#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20
#define LCR_DLAB	0x80
#define LCR_8N1		0x03
#define MCR_DTR_RTS_OUT2 0x0b	/* OUT2 gates the IRQ line on PC hardware */
#define IER_RX		0x01

void serial_init(void)
{
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_LCR, LCR_DLAB);
	outb(COM1_PORT + UART_DLL, 1);		/* 115200 / 1 */
	outb(COM1_PORT + UART_DLM, 0);
	outb(COM1_PORT + UART_LCR, LCR_8N1);
	outb(COM1_PORT + UART_FCR, 0xc7);	/* enable and clear FIFOs, 14-byte trigger */
	outb(COM1_PORT + UART_MCR, MCR_DTR_RTS_OUT2);
}

void serial_putc(char c)
{
	for (int spins = 0; spins < 100000; spins++)
		if (inb(COM1_PORT + UART_LSR) & LSR_THR_EMPTY)
			break;
	outb(COM1_PORT + UART_DATA, c);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

int serial_getc_nowait(void)
{
	if (inb(COM1_PORT + UART_LSR) & LSR_DATA_READY)
		return inb(COM1_PORT + UART_DATA);
	return -1;
}

void serial_enable_rx_irq(void)
{
	outb(COM1_PORT + UART_IER, IER_RX);
}
