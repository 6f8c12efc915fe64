/*
 * tests/kernel/slab_debug_test.c - the slab debug checks fire, say what
 * happened (cache, object, who allocated and freed it, the caller, a
 * backtrace), and the kernel carries on. The caches here ask for
 * SLAB_DEBUG themselves, so the suite runs in release builds too.
 */
#include "kernel/selftest.h"
#include "kernel/printk.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/mm/slab.h"

#define OBJ_SIZE	40

static char out[8192];
static char want[160];

static void capture(void)
{
	out[0] = 0;
	printk_capture_start(out, sizeof(out));
}

static void show_capture_on_failure(struct kunit *test)
{
	if (atomic_read(&test->failures))
		console_printf("%s", out);
}

static bool said(const char *fmt, const void *obj)
{
	snprintf(want, sizeof(want), fmt, obj);
	return strstr(out, want) != NULL;
}

static void *__noinline debug_alloc_site(struct kmem_cache *s)
{
	return kmem_cache_alloc(s, 0);
}

static void __noinline debug_free_site(struct kmem_cache *s, void *p)
{
	kmem_cache_free(s, p);
}

static void __noinline debug_second_free(struct kmem_cache *s, void *p)
{
	kmem_cache_free(s, p);
}

SELFTEST(slab_debug, double_free_detected)
{
	struct kmem_cache *s = kmem_cache_create("dbg_double", OBJ_SIZE, 0, SLAB_DEBUG, NULL);
	long errors = slab_errors();
	void *p, *q;

	KUNIT_ASSERT_NOT_NULL(test, s);
	p = debug_alloc_site(s);
	KUNIT_ASSERT_NOT_NULL(test, p);
	debug_free_site(s, p);
	console_printf("    # the next slab error (double free) is deliberate\n");
	capture();
	debug_second_free(s, p);
	printk_capture_stop();
	KUNIT_EXPECT_EQ(test, slab_errors(), errors + 1);
	KUNIT_EXPECT_TRUE(test, said("slab error in cache dbg_double: double free at %p", p));
	KUNIT_EXPECT_TRUE(test, strstr(out, "allocated by debug_alloc_site+0x") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "freed by debug_free_site+0x") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "caller: debug_second_free+0x") != NULL);
	KUNIT_EXPECT_TRUE(test, strstr(out, "Call trace:") != NULL);
	/* the second free was ignored: the object is handed out once, not twice */
	KUNIT_EXPECT_EQ(test, kmem_cache_objects_in_use(s), 0);
	p = kmem_cache_alloc(s, 0);
	q = kmem_cache_alloc(s, 0);
	KUNIT_EXPECT_TRUE(test, p && q && p != q);
	kmem_cache_free(s, p);
	kmem_cache_free(s, q);
	KUNIT_EXPECT_EQ(test, kmem_cache_check(s), 0);
	kmem_cache_destroy(s);
	show_capture_on_failure(test);
}

static u8 not_a_slab_object[64];

SELFTEST(slab_debug, bad_pointers_detected)
{
	struct kmem_cache *s = kmem_cache_create("dbg_bad", OBJ_SIZE, 0, SLAB_DEBUG, NULL);
	struct kmem_cache *other = kmem_cache_create("dbg_other", OBJ_SIZE, 0, SLAB_DEBUG, NULL);
	long errors = slab_errors();
	u8 *p, *o, *k;
	struct page *page;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, other);
	p = kmem_cache_alloc(s, 0);
	o = kmem_cache_alloc(other, 0);
	k = kmalloc(OBJ_SIZE, 0);
	page = alloc_page(0);
	console_printf("    # the next slab errors (bad pointers) are deliberate\n");
	capture();
	kmem_cache_free(s, p + 8);				/* inside an object */
	kmem_cache_free(s, o);					/* another cache's object */
	kmem_cache_free(s, not_a_slab_object);			/* kernel image data */
	kmem_cache_free(s, page_address(page));			/* a page, not a slab */
	kfree(not_a_slab_object);
	printk_capture_stop();
	KUNIT_EXPECT_EQ(test, slab_errors(), errors + 5);
	KUNIT_EXPECT_TRUE(test, said("dbg_bad: free of a pointer that is not the start of an object (8 bytes into one) at %p", p + 8));
	KUNIT_EXPECT_TRUE(test, said("dbg_bad: free of an object of cache dbg_other at %p", o));
	KUNIT_EXPECT_TRUE(test, said("dbg_bad: free of a pointer that is not in a slab at %p", not_a_slab_object));
	KUNIT_EXPECT_TRUE(test, said("dbg_bad: free of a pointer that is not in a slab at %p", page_address(page)));
	KUNIT_EXPECT_TRUE(test, said("(none): kfree of a pointer kmalloc did not return at %p", not_a_slab_object));
	/* nothing was freed: the real objects are intact and free normally */
	KUNIT_EXPECT_EQ(test, kmem_cache_objects_in_use(s), 1);
	KUNIT_EXPECT_EQ(test, kmem_cache_objects_in_use(other), 1);
	kmem_cache_free(s, p);
	kmem_cache_free(other, o);
	kfree(k);
	__free_page(page);
	KUNIT_EXPECT_EQ(test, slab_errors(), errors + 5);
	kmem_cache_destroy(s);
	kmem_cache_destroy(other);
	show_capture_on_failure(test);
}

SELFTEST(slab_debug, red_zone_overwrite_detected)
{
	struct kmem_cache *s = kmem_cache_create("dbg_redzone", OBJ_SIZE, 0, SLAB_DEBUG, NULL);
	long errors = slab_errors();
	u8 *p, *q;

	KUNIT_ASSERT_NOT_NULL(test, s);
	p = kmem_cache_alloc(s, 0);
	q = kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_TRUE(test, p && q);
	p[OBJ_SIZE] = 0;				/* one byte past the end */
	q[-9] = 0x42;					/* before the start */
	console_printf("    # the next slab errors (red zones) are deliberate\n");
	capture();
	kmem_cache_free(s, p);
	kmem_cache_free(s, q);
	printk_capture_stop();
	KUNIT_EXPECT_EQ(test, slab_errors(), errors + 2);
	snprintf(want, sizeof(want), "dbg_redzone: red zone overwritten (byte %d from the object) at %p", OBJ_SIZE, p);
	KUNIT_EXPECT_TRUE(test, strstr(out, want) != NULL);
	KUNIT_EXPECT_TRUE(test, said("dbg_redzone: red zone overwritten (byte -9 from the object) at %p", q));
	KUNIT_EXPECT_TRUE(test, strstr(out, "allocated by __selftest_slab_debug_red_zone_overwrite_detected+0x") != NULL);
	/* the owner's free went through, and the zones were repaired */
	KUNIT_EXPECT_EQ(test, kmem_cache_objects_in_use(s), 0);
	p = kmem_cache_alloc(s, 0);
	q = kmem_cache_alloc(s, 0);
	kmem_cache_free(s, p);
	kmem_cache_free(s, q);
	KUNIT_EXPECT_EQ(test, slab_errors(), errors + 2);
	kmem_cache_destroy(s);
	show_capture_on_failure(test);
}

SELFTEST(slab_debug, write_after_free_detected)
{
	struct kmem_cache *s = kmem_cache_create("dbg_poison", OBJ_SIZE, 0, SLAB_DEBUG, NULL);
	long errors = slab_errors();
	u8 *p, *again;

	KUNIT_ASSERT_NOT_NULL(test, s);
	p = kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kmem_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, p[0], 0x6b);		/* poisoned */
	KUNIT_EXPECT_EQ(test, p[OBJ_SIZE - 1], 0xa5);
	p[3] = 0;					/* a use after free */
	console_printf("    # the next slab error (use after free) is deliberate\n");
	capture();
	again = kmem_cache_alloc(s, 0);			/* the same object: last freed, first reused */
	printk_capture_stop();
	KUNIT_EXPECT_PTR_EQ(test, again, p);
	KUNIT_EXPECT_EQ(test, slab_errors(), errors + 1);
	KUNIT_EXPECT_TRUE(test, said("dbg_poison: use after free: poison overwritten at byte 3 at %p", p));
	kmem_cache_free(s, again);
	kmem_cache_destroy(s);
	show_capture_on_failure(test);
}

/* With debug on for every cache (debug builds, slub_debug), kmalloc is checked too. */
SELFTEST(slab_debug, kmalloc_checked_when_slub_debug)
{
	long errors = slab_errors();
	u8 *p;

	if (!slub_debug)
		kunit_skip(test, "slub_debug is off in this build");
	p = kmalloc(64, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kfree(p);
	console_printf("    # the next slab errors (double kfree, bad pointers) are deliberate\n");
	capture();
	kfree(p);
	p = kmalloc(64, 0);
	kfree(p + 16);
	kfree((void *)0xffff800000001000UL);		/* not even mapped */
	printk_capture_stop();
	KUNIT_EXPECT_EQ(test, slab_errors(), errors + 3);
	KUNIT_EXPECT_TRUE(test, strstr(out, "slab error in cache kmalloc-64: double free at ") != NULL);
	KUNIT_EXPECT_TRUE(test, said("kmalloc-64: free of a pointer that is not the start of an object (16 bytes into one) at %p", p + 16));
	KUNIT_EXPECT_TRUE(test, strstr(out, "(none): kfree of a pointer that is not kernel memory at 0xffff800000001000") != NULL);
	kfree(p);
	show_capture_on_failure(test);
}
