/*
 * kernel/technique.h - the technique switch: every scalable technique of
 * Numbat sits beside its naive counterpart (and often the designs Linux
 * chose instead), and which one runs is chosen by name, at boot or live.
 *
 * A technique is declared once, next to the code it selects:
 *
 *	enum { SLAB_LOCK_GLOBAL, SLAB_LOCK_PERCPU };
 *	DEFINE_TECHNIQUE(slab_lock, "how kmalloc reaches a slab: one global lock, or per-CPU slabs",
 *			 TECHNIQUE_LIVE, SLAB_LOCK_PERCPU, "global", "percpu");
 *
 * The modes are listed naive first: mode 0 is always the naive one, the
 * baseline every benchmark ratio is taken against. The default is an
 * index (the module's own enum). The code reads the mode in force with
 *
 *	if (technique_mode(slab_lock) == SLAB_LOCK_GLOBAL) ...
 *
 * which is one plain load of an int (DECLARE_TECHNIQUE(slab_lock) in a
 * header lets other files read it too).
 *
 * Choosing a mode:
 *   - at boot: `slab_lock=global` on the kernel command line (an unknown
 *     mode is reported and ignored, like any bad option), or
 *     `techniques=naive` for mode 0 of every technique at once;
 *   - live: `technique slab_lock global` in the monitor, or
 *     technique_set() from code (benchmarks, tests). A TECHNIQUE_BOOT
 *     technique refuses with its reason; a technique whose switch needs
 *     work (draining, waiting for a grace period) or may be refused
 *     declares a hook with DEFINE_TECHNIQUE_HOOKED, which performs the
 *     change or returns -EBUSY with a reason.
 * `technique` with no arguments lists every technique: name, the mode in
 * force, all modes, live or boot-only. `make bench` runs each benchmark
 * once per mode of its technique on the same boot (bench_technique() in
 * kernel/bench.h), and the test matrix boots one topology with
 * `techniques=naive` so that both sides stay correct.
 *
 * docs/technique.md: how to add a technique, how a benchmark and a lab
 * use it.
 */
#ifndef KERNEL_TECHNIQUE_H
#define KERNEL_TECHNIQUE_H

#include "kernel/compiler.h"

#define TECHNIQUE_LIVE		0x1	/* may change while the system runs */
#define TECHNIQUE_BOOT		0x2	/* chosen at boot only */
#define TECHNIQUE_HIDDEN	0x4	/* the self-tests' own: not listed, not set by techniques=naive */
#define TECHNIQUE_MAX_MODES	8
#define TECHNIQUE_WHY_MAX	128	/* bytes of a refusal's reason */

struct technique {
	const char *name;
	const char *help;
	const char *const *modes;	/* naive first */
	int nr_modes;
	int def;			/* the default mode */
	unsigned int flags;
	int *mode;			/* the mode in force: what technique_mode() reads */
	/*
	 * Optional: performs a live change from `from` to `to` (storing
	 * *mode itself when done), or refuses: returns -EBUSY (or another
	 * errno) with a reason in why.
	 */
	int (*change)(const struct technique *t, int from, int to, char *why, size_t size);
	const char *boot_only;		/* TECHNIQUE_BOOT: why it cannot change live */
};

#define __TECHNIQUE(tname, thelp, tflags, tdef, tchange, tboot, ...)		\
	int __technique_mode_##tname = (tdef);					\
	static const char *const __technique_modes_##tname[] = { __VA_ARGS__ };	\
	static const struct technique __technique_##tname			\
	__section(".techniques") __used __aligned(8) = {			\
		.name = #tname, .help = thelp,					\
		.modes = __technique_modes_##tname,				\
		.nr_modes = ARRAY_SIZE(__technique_modes_##tname),		\
		.def = (tdef), .flags = (tflags),				\
		.mode = &__technique_mode_##tname,				\
		.change = (tchange), .boot_only = (tboot),			\
	}

/* A technique whose mode is a plain store (live) or fixed at boot (TECHNIQUE_BOOT needs a reason: use the next one). */
#define DEFINE_TECHNIQUE(tname, thelp, tflags, tdef, ...)			\
	__TECHNIQUE(tname, thelp, tflags, tdef, NULL, NULL, __VA_ARGS__)
/* A live technique whose switch runs fn (see struct technique's change). */
#define DEFINE_TECHNIQUE_HOOKED(tname, thelp, tdef, fn, ...)			\
	__TECHNIQUE(tname, thelp, TECHNIQUE_LIVE, tdef, fn, NULL, __VA_ARGS__)
/* A technique chosen at boot only; why: the reason the monitor gives. */
#define DEFINE_TECHNIQUE_BOOT(tname, thelp, tdef, why, ...)			\
	__TECHNIQUE(tname, thelp, TECHNIQUE_BOOT, tdef, NULL, why, __VA_ARGS__)

#define DECLARE_TECHNIQUE(tname)	extern int __technique_mode_##tname
/* The mode in force: an index into the declaration's list of modes. */
#define technique_mode(tname)		READ_ONCE(__technique_mode_##tname)

extern const struct technique __start_techniques[], __stop_techniques[];
#define for_each_technique(t) \
	for (const struct technique *t = __start_techniques; t < __stop_techniques; t++)

const struct technique *technique_find(const char *name);
/* The index of mode name in t, or -ENOENT. */
int technique_mode_index(const struct technique *t, const char *name);
const char *technique_mode_name(const struct technique *t);	/* the mode in force */
/*
 * Changes t to mode `to` now. 0, or -EPERM for a boot-only technique,
 * -EINVAL for a mode out of range, or the hook's refusal; why (may be
 * NULL) gets the reason.
 */
int technique_set(const struct technique *t, int to, char *why, size_t size);
/* By name, for code that only knows the name (benchmarks, tests). */
int technique_set_by_name(const char *name, const char *mode);
/*
 * For a test of one mode's own mechanism (per-CPU lists, say), which must
 * run in that mode even on a boot with techniques=naive: switches to mode
 * and returns the mode to give back with a second call, or -errno.
 */
int technique_use(const char *name, int mode);
/*
 * The self-test runner gives every technique its mode back after each
 * test (a test that aborts, or forgets, changes nothing for the next).
 */
#define TECHNIQUE_SNAPSHOT_MAX	64
int technique_snapshot(int *modes, int max);
void technique_restore(const int *modes, int n);
/* Boot command line: name=mode for a technique, or techniques=naive; -ENOENT if name is none. */
int technique_parse_option(const char *name, const char *val);
void technique_print_options(void);	/* for the `cmdline` command */

#endif
