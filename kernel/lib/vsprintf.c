/*
 * kernel/lib/vsprintf.c - printf-style formatting into a buffer.
 *
 * Supports the C conversions the kernel needs (%d %i %u %x %X %o %c %s %p %%)
 * with flags (- 0 + space #), width and precision (also as *), and length
 * modifiers (hh h l ll z t j). Kernel extensions, as in Linux:
 *   %pS  a code address as "function+0xoff/0xsize" from the embedded
 *        symbol table (kernel/symbols.c)
 *   %px  a pointer as plain hex (%p prints the same: no pointer hashing)
 */
#include "kernel/lib/vsprintf.h"
#include "kernel/lib/string.h"
#include "kernel/symbols.h"

struct outbuf {
	char *buf;
	size_t size;
	size_t len;		/* characters that would have been written */
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	bool left, zero, plus, space, alt;
	int width, prec;	/* prec < 0: none given */
};

static void put_padded(struct outbuf *o, const char *s, int n, const struct spec *sp)
{
	int pad = sp->width > n ? sp->width - n : 0;

	if (!sp->left)
		while (pad-- > 0)
			put(o, ' ');
	while (n--)
		put(o, *s++);
	if (sp->left)
		while (pad-- > 0)
			put(o, ' ');
}

static void put_number(struct outbuf *o, unsigned long v, bool negative,
		       unsigned base, bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	char prefix[3];
	int n = 0, np = 0, zeros, pad;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (negative)
		prefix[np++] = '-';
	else if (sp->plus)
		prefix[np++] = '+';
	else if (sp->space)
		prefix[np++] = ' ';
	if (sp->alt && base == 16) {
		prefix[np++] = '0';
		prefix[np++] = upper ? 'X' : 'x';
	} else if (sp->alt && base == 8 && tmp[n - 1] != '0') {
		prefix[np++] = '0';
	}
	zeros = sp->prec > n ? sp->prec - n : 0;
	pad = sp->width - np - zeros - n;
	if (sp->zero && !sp->left && sp->prec < 0 && pad > 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		while (pad-- > 0)
			put(o, ' ');
	for (int i = 0; i < np; i++)
		put(o, prefix[i]);
	while (zeros-- > 0)
		put(o, '0');
	while (n)
		put(o, tmp[--n]);
	while (pad-- > 0)
		put(o, ' ');
}

static void put_symbol(struct outbuf *o, unsigned long addr, const struct spec *sp)
{
	char tmp[KSYM_NAME_LEN + 40];

	sprint_symbol(tmp, sizeof(tmp), addr);
	put_padded(o, tmp, strlen(tmp), sp);
}

/* Reads flags, width and precision at *fmt; advances *fmt past them. */
static void parse_spec(const char **fmt, va_list *ap, struct spec *sp)
{
	const char *f = *fmt;

	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-') sp->left = true;
		else if (*f == '0') sp->zero = true;
		else if (*f == '+') sp->plus = true;
		else if (*f == ' ') sp->space = true;
		else if (*f == '#') sp->alt = true;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0)
			sp->left = true, sp->width = -sp->width;
		f++;
	}
	while (isdigit(*f))
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (isdigit(*f))
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	*fmt = f;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	struct outbuf o = { buf, size, 0 };
	va_list ap;

	va_copy(ap, args);
	for (; *fmt; fmt++) {
		struct spec sp;
		int lng = 0;		/* 0 int, 1 long, -1 short, -2 char */
		unsigned long u;
		long s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &ap, &sp);
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z' || *fmt == 't' || *fmt == 'j') lng = 1;
			else if (*fmt == 'h') lng = lng < 0 ? -2 : -1;
			else break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
			if (lng == -1) s = (short)s;
			if (lng == -2) s = (signed char)s;
			put_number(&o, s < 0 ? -(unsigned long)s : (unsigned long)s, s < 0, 10, false, &sp);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			if (lng == -1) u = (unsigned short)u;
			if (lng == -2) u = (unsigned char)u;
			put_number(&o, u, false, *fmt == 'o' ? 8 : *fmt == 'u' ? 10 : 16, *fmt == 'X', &sp);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			put_padded(&o, &c, 1, &sp);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			put_padded(&o, str, sp.prec >= 0 ? (int)strnlen(str, sp.prec) : (int)strlen(str), &sp);
			break;
		}
		case 'p':
			u = (unsigned long)va_arg(ap, void *);
			if (fmt[1] == 'S' || fmt[1] == 's') {
				fmt++;
				put_symbol(&o, u, &sp);
				break;
			}
			if (fmt[1] == 'x')
				fmt++;
			sp.alt = true;
			if (!sp.width)
				sp.zero = true, sp.width = 18;
			put_number(&o, u, false, 16, false, &sp);
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:		/* unknown conversion: print it as is */
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	va_end(ap);
	return o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (!size)
		return 0;
	return (size_t)n < size ? n : (int)size - 1;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
