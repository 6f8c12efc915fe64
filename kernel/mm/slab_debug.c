/*
 * kernel/mm/slab_debug.c - the slab allocator's debug checks: red zones,
 * poisoning, owner tracking, and the reports when a check fails.
 *
 * On in debug builds (CONFIG_DEBUG) and, in other builds, with slub_debug
 * on the command line; a cache can also ask for them with SLAB_DEBUG. A
 * debug object is laid out as
 *
 *   | left red zone ...... state | object          | right red zone | free ptr | track |
 *   |<---- red_left_pad -------->|<- object_size ->|
 *
 * The red zones hold 0xcc while the object is allocated and 0xbb while it
 * is free; the last 8 bytes of the left red zone are its state word, all
 * 0xcc or all 0xbb, switched with one cmpxchg on free, so two CPUs freeing
 * the same object cannot both succeed. A free object without a constructor
 * is poisoned: 0x6b bytes and a last 0xa5, checked when it is handed out
 * again, which catches writes after free. The track records who allocated
 * and who freed the object last (return address and CPU).
 *
 * A failed check prints one report, "slab error in cache NAME: WHAT at
 * OBJECT (allocated by ..., freed by ...)", with the caller and a
 * backtrace, repairs what it can, and the kernel carries on; a free that
 * cannot be right (double free, a pointer that is no object of the
 * cache) is ignored.
 */
#include "kernel/mm/internal.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"

#define SLUB_RED_INACTIVE	0xbb
#define SLUB_RED_ACTIVE		0xcc
#define POISON_FREE		0x6b
#define POISON_END		0xa5
#define STATE_FREE		0xbbbbbbbbbbbbbbbbUL
#define STATE_ACTIVE		0xccccccccccccccccUL
#define REPORT_KIND_MAX		160

struct slab_track {
	unsigned long alloc_addr, free_addr;
	int alloc_cpu, free_cpu;
};

bool slub_debug = CONFIG_DEBUG;
static atomic_long_t nr_slab_errors;

static int parse_slub_debug(const char *val)
{
	(void)val;
	slub_debug = true;
	return 0;
}
CMDLINE_FLAG("slub_debug", parse_slub_debug, "slab debug checks (red zones, poison, double free) in every cache");

long slab_errors(void)
{
	return atomic_long_read(&nr_slab_errors);
}

void slab_debug_layout(struct kmem_cache *s)
{
	unsigned int right_end = ALIGN_UP(s->object_size, sizeof(void *)) + sizeof(void *);

	s->red_left_pad = ALIGN_UP(16, s->align);	/* at least 8 bytes of zone + the state word */
	s->offset = right_end;				/* the free pointer, after the right zone */
	s->size = ALIGN_UP(s->red_left_pad + s->offset + sizeof(void *) + sizeof(struct slab_track), s->align);
}

static u64 *state_word(void *obj)
{
	return (u64 *)((char *)obj - sizeof(u64));
}

static struct slab_track *track(struct kmem_cache *s, void *obj)
{
	return (struct slab_track *)((char *)obj + s->offset + sizeof(void *));
}

static void fill_red_zones(struct kmem_cache *s, void *obj, u8 v)
{
	memset((char *)obj - s->red_left_pad, v, s->red_left_pad - sizeof(u64));
	memset((char *)obj + s->object_size, v, s->offset - s->object_size);
}

/* Offset from obj of the first red-zone byte that is not v, or 0 if none. */
static long check_red_zones(struct kmem_cache *s, void *obj, u8 v)
{
	u8 *left = (u8 *)obj - s->red_left_pad, *right = (u8 *)obj + s->object_size;

	for (unsigned int i = 0; i < s->red_left_pad - sizeof(u64); i++)
		if (left[i] != v)
			return (long)(left + i - (u8 *)obj);
	for (unsigned int i = 0; i < s->offset - s->object_size; i++)
		if (right[i] != v)
			return (long)(right + i - (u8 *)obj);
	return 0;
}

static void poison(struct kmem_cache *s, void *obj)
{
	memset(obj, POISON_FREE, s->object_size - 1);
	((u8 *)obj)[s->object_size - 1] = POISON_END;
}

/* Offset of the first poison byte that changed, or -1 if all are intact. */
static long check_poison(struct kmem_cache *s, void *obj)
{
	u8 *p = obj;

	for (unsigned int i = 0; i + 1 < s->object_size; i++)
		if (p[i] != POISON_FREE)
			return i;
	return p[s->object_size - 1] == POISON_END ? -1 : (long)s->object_size - 1;
}

void slab_debug_init_object(struct kmem_cache *s, void *obj)
{
	fill_red_zones(s, obj, SLUB_RED_INACTIVE);
	*state_word(obj) = STATE_FREE;
	memset(track(s, obj), 0, sizeof(struct slab_track));
	if (!s->ctor)
		poison(s, obj);
}

/* Is obj the start of an object of s (a debug cache), so that it has a track? */
static bool is_object_of(struct kmem_cache *s, const void *obj)
{
	struct page *page;
	long off;

	if (!s || !(s->flags & SLAB_DEBUG) || !virt_addr_valid(obj))
		return false;
	page = virt_to_head_page(obj);
	if (!PageSlab(page) || page->slab_cache != s)
		return false;
	off = (const char *)obj - (const char *)page_address(page) - s->red_left_pad;
	return off >= 0 && off % s->size == 0 && off / s->size < page->objects;
}

void slab_error(struct kmem_cache *s, const char *kind, const void *obj, unsigned long caller)
{
	char who[256];

	atomic_long_inc(&nr_slab_errors);
	if (is_object_of(s, obj)) {
		struct slab_track *t = track(s, (void *)obj);
		int len = scnprintf(who, sizeof(who), " (allocated by %pS on cpu%d, ", (void *)t->alloc_addr,
				    t->alloc_cpu);
		if (t->free_addr)
			scnprintf(who + len, sizeof(who) - len, "freed by %pS on cpu%d)", (void *)t->free_addr,
				  t->free_cpu);
		else
			scnprintf(who + len, sizeof(who) - len, "never freed)");
	} else {
		who[0] = 0;
	}
	printk(KERN_ERR "=============================================================================\n");
	printk(KERN_ERR "slab error in cache %s: %s at %p%s\n", s ? s->name : "(none)", kind, obj, who);
	printk(KERN_ERR "caller: %pS\n", (void *)caller);
	dump_stack();
}

void slab_debug_alloc(struct kmem_cache *s, void *obj, unsigned long caller)
{
	char kind[REPORT_KIND_MAX];
	long off;

	if (READ_ONCE(*state_word(obj)) != STATE_FREE)
		slab_error(s, "object on the freelist is not marked free (freelist corrupted)", obj, caller);
	off = check_red_zones(s, obj, SLUB_RED_INACTIVE);
	if (off) {
		snprintf(kind, sizeof(kind), "red zone overwritten while free (byte %ld from the object)", off);
		slab_error(s, kind, obj, caller);
	}
	if (!s->ctor && (off = check_poison(s, obj)) >= 0) {
		snprintf(kind, sizeof(kind), "use after free: poison overwritten at byte %ld", off);
		slab_error(s, kind, obj, caller);
	}
	fill_red_zones(s, obj, SLUB_RED_ACTIVE);
	*state_word(obj) = STATE_ACTIVE;
	track(s, obj)->alloc_addr = caller;
	track(s, obj)->alloc_cpu = smp_processor_id();
}

bool slab_debug_free(struct kmem_cache *s, void *obj, unsigned long caller)
{
	char kind[REPORT_KIND_MAX];
	u64 old = cmpxchg(state_word(obj), STATE_ACTIVE, STATE_FREE);
	long off;

	if (old == STATE_FREE) {
		slab_error(s, "double free", obj, caller);
		return false;
	}
	if (old != STATE_ACTIVE) {
		/* the state word itself was hit: poison intact means it is free already */
		bool looks_free = !s->ctor && check_poison(s, obj) < 0;
		slab_error(s, looks_free ? "double free (and left red zone overwritten)"
					 : "red zone overwritten (byte -1 from the object)", obj, caller);
		if (looks_free)
			return false;
		*state_word(obj) = STATE_FREE;
	}
	off = check_red_zones(s, obj, SLUB_RED_ACTIVE);
	if (off) {
		snprintf(kind, sizeof(kind), "red zone overwritten (byte %ld from the object)", off);
		slab_error(s, kind, obj, caller);
	}
	fill_red_zones(s, obj, SLUB_RED_INACTIVE);
	track(s, obj)->free_addr = caller;
	track(s, obj)->free_cpu = smp_processor_id();
	if (!s->ctor)
		poison(s, obj);
	return true;
}

struct page *slab_check_object(struct kmem_cache *s, const void *x, unsigned long caller)
{
	bool debug = slub_debug || (s && (s->flags & SLAB_DEBUG));
	char kind[REPORT_KIND_MAX];
	struct page *page;
	long off;

	if (debug && !virt_addr_valid(x)) {
		slab_error(s, "free of a pointer that is not kernel memory", x, caller);
		return NULL;
	}
	page = virt_to_head_page(x);
	if (!PageSlab(page)) {
		slab_error(s, "free of a pointer that is not in a slab", x, caller);
		return NULL;
	}
	if (s && page->slab_cache != s) {
		snprintf(kind, sizeof(kind), "free of an object of cache %s", page->slab_cache->name);
		slab_error(s, kind, x, caller);
		return NULL;
	}
	s = page->slab_cache;
	off = (const char *)x - (const char *)page_address(page) - s->red_left_pad;
	if ((s->flags & SLAB_DEBUG) && (off < 0 || off % s->size || off / s->size >= page->objects)) {
		snprintf(kind, sizeof(kind), "free of a pointer that is not the start of an object (%ld bytes into one)",
			 off < 0 ? off : (long)(off % s->size));
		slab_error(s, kind, x, caller);
		return NULL;
	}
	return page;
}
