/*
 * tests/kernel/slab_test.c - the slab allocator and kmalloc: alignment,
 * constructors, every kmalloc size, placement on the node asked for,
 * concurrent allocation with frees from other CPUs, frozen slabs and their
 * object enumeration, leak reports at destroy, and the slabinfo format.
 */
#include "kernel/selftest.h"
#include "kernel/technique.h"
#include "kernel/printk.h"
#include "kernel/monitor.h"
#include "kernel/smp.h"
#include "kernel/lib/string.h"
#include "kernel/lib/vsprintf.h"
#include "kernel/mm/slab.h"

#define CROSS_ROUNDS	4000	/* allocations per CPU in the cross-CPU test */
#define CROSS_RING	32	/* objects in flight from one CPU to the next */

static char out[8192];

SELFTEST(slab, create_alloc_free_destroy)
{
	struct kmem_cache *s = kmem_cache_create("test_basic", 40, 0, 0, NULL);
	void *objs[200];

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_PTR_EQ(test, kmem_cache_find("test_basic"), s);
	for (int i = 0; i < 200; i++) {		/* several slabs' worth */
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		memset(objs[i], i, 40);
		for (int j = 0; j < i; j++)
			if (objs[j] == objs[i])
				KUNIT_FAIL(test, "object %p handed out twice", objs[i]);
	}
	KUNIT_EXPECT_EQ(test, kmem_cache_objects_in_use(s), 200);
	for (int i = 0; i < 200; i++) {
		KUNIT_EXPECT_EQ(test, *(u8 *)objs[i], (u8)i);
		kmem_cache_free(s, objs[i]);
	}
	KUNIT_EXPECT_EQ(test, kmem_cache_objects_in_use(s), 0);
	KUNIT_EXPECT_EQ(test, kmem_cache_check(s), 0);
	kmem_cache_destroy(s);
	KUNIT_EXPECT_NULL(test, kmem_cache_find("test_basic"));
}

SELFTEST(slab, objects_aligned)
{
	static const unsigned int aligns[] = { 8, 16, 64, 128, 256, 4096 };
	static const unsigned int sizes[] = { 8, 24, 100, 200 };

	for (unsigned a = 0; a < ARRAY_SIZE(aligns); a++)
		for (unsigned z = 0; z < ARRAY_SIZE(sizes); z++) {
			struct kmem_cache *s = kmem_cache_create("test_align", sizes[z], aligns[a], 0, NULL);
			void *objs[20];
			KUNIT_ASSERT_NOT_NULL(test, s);
			for (int i = 0; i < 20; i++) {
				objs[i] = kmem_cache_alloc(s, 0);
				KUNIT_ASSERT_NOT_NULL(test, objs[i]);
				KUNIT_EXPECT_EQ(test, (unsigned long)objs[i] % aligns[a], 0);
			}
			for (int i = 0; i < 20; i++)
				kmem_cache_free(s, objs[i]);
			kmem_cache_destroy(s);
		}
	{
		struct kmem_cache *s = kmem_cache_create("test_hwcache", 20, 0, SLAB_HWCACHE_ALIGN, NULL);
		void *p = kmem_cache_alloc(s, 0);
		KUNIT_EXPECT_EQ(test, (unsigned long)p % 64, 0);
		kmem_cache_free(s, p);
		kmem_cache_destroy(s);
	}
}

struct ctor_obj { unsigned long magic; unsigned long uses; };
static atomic_t ctor_calls;

static void ctor_fn(void *p)
{
	struct ctor_obj *o = p;

	o->magic = 0xc0ffee;
	o->uses = 0;
	atomic_inc(&ctor_calls);
}

/* A constructor runs once per object when its slab is made, not on every allocation. */
SELFTEST(slab, constructor_runs_once_per_object)
{
	struct kmem_cache *s = kmem_cache_create("test_ctor", sizeof(struct ctor_obj), 0, 0, ctor_fn);
	struct ctor_obj *o[40];

	KUNIT_ASSERT_NOT_NULL(test, s);
	atomic_set(&ctor_calls, 0);
	for (int i = 0; i < 40; i++) {
		o[i] = kmem_cache_alloc(s, 0);
		KUNIT_ASSERT_NOT_NULL(test, o[i]);
		KUNIT_EXPECT_EQ(test, o[i]->magic, 0xc0ffee);
		o[i]->uses++;			/* users hand objects back constructed */
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls) % s->objects, 0);
	for (int i = 0; i < 40; i++)
		kmem_cache_free(s, o[i]);
	for (int i = 0; i < 40; i++) {
		o[i] = kmem_cache_alloc(s, 0);
		KUNIT_EXPECT_EQ(test, o[i]->magic, 0xc0ffee);	/* kept while free: the free pointer is outside */
		KUNIT_EXPECT_EQ(test, o[i]->uses, 1);
	}
	KUNIT_EXPECT_LE(test, atomic_read(&ctor_calls), 40 + (int)s->objects);
	for (int i = 0; i < 40; i++)
		kmem_cache_free(s, o[i]);
	kmem_cache_destroy(s);
}

SELFTEST(slab, every_kmalloc_size)
{
	long errors = slab_errors();

	KUNIT_EXPECT_PTR_EQ(test, kmalloc(0, 0), ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		u8 *p = kmalloc(size, GFP_KERNEL);
		size_t k = ksize(p);
		if (!p) {
			KUNIT_FAIL(test, "kmalloc(%zu) failed", size);
			break;
		}
		KUNIT_EXPECT_PTR_EQ(test, kmalloc_cache(size), virt_to_head_page(p)->slab_cache);
		size_t align = (k & (k - 1)) == 0 ? min(k, PAGE_SIZE) : 8;	/* powers of two: natural */
		if (k < size || (unsigned long)p % align)
			KUNIT_FAIL(test, "kmalloc(%zu) = %p: ksize %zu, misaligned or too small", size, p, k);
		memset(p, 0xa5, k);		/* the whole usable size: no red zone may complain */
		kfree(p);
	}
	for (size_t size = KMALLOC_MAX_CACHE_SIZE + 1; size <= 1 << 20; size = size * 3 / 2) {
		u8 *p = kmalloc(size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, (unsigned long)p % PAGE_SIZE, 0);
		KUNIT_EXPECT_TRUE(test, PageLargeKmalloc(virt_to_page(p)));
		KUNIT_EXPECT_GE(test, ksize(p), size);
		p[size - 1] = 1;
		kfree(p);
	}
	KUNIT_EXPECT_EQ(test, slab_errors(), errors);
}

SELFTEST(slab, kzalloc_and_krealloc)
{
	u8 *p = kmalloc(100, 0), *q;
	bool zero = true;

	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0xff, 100);
	kfree(p);
	p = kzalloc(100, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (int i = 0; i < 100; i++)
		zero &= p[i] == 0;
	KUNIT_EXPECT_TRUE(test, zero);
	for (int i = 0; i < 100; i++)
		p[i] = i;
	q = krealloc(p, 50, 0);			/* fits: the same object */
	KUNIT_EXPECT_PTR_EQ(test, q, p);
	q = krealloc(p, 3000, 0);		/* grows: moved, contents kept */
	KUNIT_ASSERT_NOT_NULL(test, q);
	for (int i = 0; i < 100; i++)
		if (q[i] != i)
			KUNIT_FAIL(test, "byte %d lost in krealloc", i);
	KUNIT_EXPECT_GE(test, ksize(q), 3000);
	p = krealloc(q, 20000, 0);		/* into whole pages */
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, p[99], 99);
	KUNIT_EXPECT_PTR_EQ(test, krealloc(p, 0, 0), ZERO_SIZE_PTR);	/* freed */
	p = krealloc(NULL, 10, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kfree(p);
}

SELFTEST(slab, objects_on_requested_node)
{
	struct kmem_cache *s = kmem_cache_create("test_node", 256, 0, 0, NULL);
	int nid;

	KUNIT_ASSERT_NOT_NULL(test, s);
	for_each_online_node(nid) {
		int want = numa_nearest_memory_node(nid);
		for (int i = 0; i < 50; i++) {
			void *a = kmalloc_node(64, 0, nid), *b = kmem_cache_alloc_node(s, 0, nid);
			KUNIT_ASSERT_NOT_NULL(test, a);
			KUNIT_ASSERT_NOT_NULL(test, b);
			KUNIT_EXPECT_EQ(test, page_to_nid(virt_to_page(a)), want);
			KUNIT_EXPECT_EQ(test, page_to_nid(virt_to_page(b)), want);
			kfree(a);
			kmem_cache_free(s, b);
		}
	}
	KUNIT_EXPECT_EQ(test, kmem_cache_check(s), 0);
	kmem_cache_destroy(s);
}

/* ---- concurrent allocation, frees on other CPUs ---- */

struct cross_ctx {
	struct kmem_cache *s;
	void *ring[MAX_CPUS][CROSS_RING];	/* ring[c]: objects CPU c made for the next CPU */
};

static unsigned long signature(void *obj, int cpu)
{
	return (unsigned long)obj ^ ((unsigned long)cpu << 56) ^ 0x5a5a5a5a;
}

static int next_online(int cpu)
{
	do
		cpu = (cpu + 1) % MAX_CPUS;
	while (!cpu_online(cpu));
	return cpu;
}

static int prev_online(int cpu)
{
	do
		cpu = (cpu + MAX_CPUS - 1) % MAX_CPUS;
	while (!cpu_online(cpu));
	return cpu;
}

static void take_and_free(struct kunit *test, struct cross_ctx *x, int from, int slot)
{
	unsigned long *obj = xchg(&x->ring[from][slot], NULL);

	if (!obj)
		return;
	if (obj[0] != signature(obj, from) || obj[7] != ~signature(obj, from))
		KUNIT_FAIL(test, "object %p from cpu%d was overwritten", obj, from);
	kmem_cache_free(x->s, obj);
}

static void cross_cpu(struct kunit *test, int cpu, void *arg)
{
	struct cross_ctx *x = arg;
	int prev = prev_online(cpu);

	for (int i = 0; i < CROSS_ROUNDS; i++) {
		unsigned long *obj = kmem_cache_alloc(x->s, 0);
		int slot = i % CROSS_RING;
		if (!obj) {
			KUNIT_FAIL(test, "cpu%d: allocation failed", cpu);
			return;
		}
		obj[0] = signature(obj, cpu);
		obj[7] = ~signature(obj, cpu);
		obj = xchg(&x->ring[cpu][slot], (void *)obj);
		if (obj)			/* the next CPU has not taken it yet */
			kmem_cache_free(x->s, obj);
		take_and_free(test, x, prev, (i * 7) % CROSS_RING);
	}
	(void)next_online;
}

static void run_cross(struct kunit *test, struct kmem_cache *s)
{
	static struct cross_ctx x;
	unsigned long before = kmem_cache_objects_in_use(s);
	long errors = slab_errors();
	int cpu;

	memset(&x, 0, sizeof(x));
	x.s = s;
	test_on_each_cpu(test, cross_cpu, &x);
	for_each_online_cpu(cpu)
		for (int slot = 0; slot < CROSS_RING; slot++)
			take_and_free(test, &x, cpu, slot);
	KUNIT_EXPECT_EQ(test, kmem_cache_objects_in_use(s), before);
	KUNIT_EXPECT_EQ(test, slab_errors(), errors);
	KUNIT_EXPECT_EQ(test, kmem_cache_check(s), 0);
}

SELFTEST(slab, concurrent_alloc_with_cross_cpu_frees)
{
	struct kmem_cache *s = kmem_cache_create("test_cross", 64, 0, 0, NULL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	run_cross(test, s);
	kmem_cache_destroy(s);
	run_cross(test, kmalloc_cache(64));
}

struct remote_free { struct kmem_cache *s; void *obj; };

static void free_there(void *arg)
{
	struct remote_free *r = arg;

	kmem_cache_free(r->s, r->obj);
}

/* A free on another CPU puts the object back on its own slab's freelist. */
SELFTEST(slab, remote_free_returns_to_own_slab)
{
	struct kmem_cache *s = kmem_cache_create("test_remote", 128, 0, 0, NULL);
	struct remote_free r = { s, NULL };
	struct page *page;
	bool found = false;
	int other = next_online(smp_processor_id());

	KUNIT_ASSERT_NOT_NULL(test, s);
	if (other == smp_processor_id()) {
		kmem_cache_destroy(s);
		kunit_skip(test, "needs two CPUs");
	}
	technique_use("slab_lock", SLAB_LOCK_PERCPU);	/* active slabs are what this tests */
	r.obj = kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, r.obj);
	page = virt_to_head_page(r.obj);
	KUNIT_EXPECT_EQ(test, page->frozen, 1);		/* our active slab */
	smp_call_function_single(other, free_there, &r, true);
	for (void *p = page->freelist; p; p = *(void **)((char *)p + s->offset))
		found |= p == r.obj;
	KUNIT_EXPECT_TRUE(test, found);
	KUNIT_EXPECT_EQ(test, kmem_cache_objects_in_use(s), 0);
	kmem_cache_destroy(s);
}

/* ---- frozen slabs and enumeration, for defragmentation ---- */

struct enum_ctx { void *seen[SLAB_MAX_OBJECTS]; int n; };

static void record(struct kmem_cache *s, void *obj, void *arg)
{
	struct enum_ctx *e = arg;

	e->seen[e->n++] = obj;
}

SELFTEST(slab, freeze_blocks_allocation_and_enumerates_objects)
{
	struct kmem_cache *s = kmem_cache_create("test_freeze", 128, 0, 0, NULL);
	static struct enum_ctx e;
	void *objs[64], *more[64];
	struct page *page;
	int held = 0, n;

	KUNIT_ASSERT_NOT_NULL(test, s);
	technique_use("slab_lock", SLAB_LOCK_PERCPU);	/* active slabs stay unfrozen-for-defrag */
	for (int i = 0; i < 64; i++)
		objs[i] = kmem_cache_alloc(s, 0);
	page = virt_to_head_page(objs[0]);		/* full by now, on its node's list */
	KUNIT_EXPECT_FALSE(test, slab_freeze(s, virt_to_head_page(objs[63])));	/* our active slab */
	for (int i = 0; i < 64; i++)			/* keep every other object of the first slab */
		if (virt_to_head_page(objs[i]) == page && i % 2) {
			kmem_cache_free(s, objs[i]);
			objs[i] = NULL;
		}
	kmem_cache_shrink(s);				/* active slabs back to the node lists */
	KUNIT_ASSERT_TRUE(test, slab_freeze(s, page));
	KUNIT_EXPECT_FALSE(test, slab_freeze(s, page));
	for (int i = 0; i < 64; i++) {			/* nothing comes from the frozen slab */
		more[i] = kmem_cache_alloc(s, 0);
		KUNIT_EXPECT_TRUE(test, virt_to_head_page(more[i]) != page);
	}
	e.n = 0;
	n = slab_for_each_object_allocated(s, page, record, &e);
	for (int i = 0; i < 64; i++)
		if (objs[i] && virt_to_head_page(objs[i]) == page) {
			bool listed = false;
			for (int j = 0; j < e.n; j++)
				listed |= e.seen[j] == objs[i];
			KUNIT_EXPECT_TRUE(test, listed);
			held++;
		}
	KUNIT_EXPECT_EQ(test, n, held);
	KUNIT_EXPECT_EQ(test, e.n, held);
	for (int i = 0; i < 64; i++)			/* empty it: it stays, frozen */
		if (objs[i] && virt_to_head_page(objs[i]) == page) {
			kmem_cache_free(s, objs[i]);
			objs[i] = NULL;
		}
	KUNIT_EXPECT_TRUE(test, PageSlab(page));
	KUNIT_EXPECT_EQ(test, page->inuse, 0);
	KUNIT_EXPECT_EQ(test, slab_for_each_object_allocated(s, page, record, &e), 0);
	slab_unfreeze(s, page);
	for (int i = 0; i < 64; i++) {
		kmem_cache_free(s, objs[i]);
		kmem_cache_free(s, more[i]);
	}
	KUNIT_EXPECT_EQ(test, kmem_cache_check(s), 0);
	kmem_cache_destroy(s);
}

/* ---- destroy with live objects ---- */

SELFTEST(slab, destroy_reports_leaked_objects)
{
	struct kmem_cache *s = kmem_cache_create("test_leaky", 48, 0, 0, NULL);
	void *objs[3];
	char addr[32];

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (int i = 0; i < 3; i++)
		objs[i] = kmem_cache_alloc(s, 0);
	console_printf("    # the next report of a leaky cache is deliberate\n");
	printk_capture_start(out, sizeof(out));
	kmem_cache_destroy(s);
	printk_capture_stop();
	KUNIT_EXPECT_TRUE(test, strstr(out, "kmem_cache_destroy test_leaky: Slab cache still has objects: 3") != NULL);
	snprintf(addr, sizeof(addr), "%p", objs[0]);
	KUNIT_EXPECT_TRUE(test, strstr(out, addr) != NULL);
	KUNIT_EXPECT_PTR_EQ(test, kmem_cache_find("test_leaky"), s);	/* kept */
	for (int i = 0; i < 3; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_destroy(s);
	KUNIT_EXPECT_NULL(test, kmem_cache_find("test_leaky"));
}

/* ---- statistics and slabinfo ---- */

static const char *find_line(const char *text, const char *prefix)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (str_has_prefix(l, prefix))
			return l;
	return NULL;
}

SELFTEST(slab, slabinfo_format)
{
	struct kmem_cache *s = kmem_cache_create("test_info", 100, 0, 0, NULL);
	char cmd[] = "slabinfo", want[160];
	void *objs[10];
	const char *line;

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (int i = 0; i < 10; i++)
		objs[i] = kmem_cache_alloc(s, 0);
	printk_capture_start(out, sizeof(out));
	monitor_exec(cmd);
	printk_capture_stop();
	KUNIT_EXPECT_TRUE(test, str_has_prefix(out, "slabinfo - version: 2.1\n# name            <active_objs> "
						 "<num_objs> <objsize> <objperslab> <pagesperslab> : tunables "
						 "<limit> <batchcount> <sharedfactor> : slabdata <active_slabs> "
						 "<num_slabs> <sharedavail>\n"));
	line = find_line(out, "test_info ");
	KUNIT_ASSERT_NOT_NULL(test, line);
	snprintf(want, sizeof(want), "test_info             10 %6u %6u %4u %4lu : tunables    0    0    0 : slabdata %6u %6u      0\n",
		 s->objects, s->size, s->objects, 1UL << s->order, 1, 1);
	KUNIT_EXPECT_EQ(test, strncmp(line, want, strlen(want)), 0);
	if (strncmp(line, want, strlen(want)))
		console_printf("    # got:  %.*s\n    # want: %s", (int)(strchr(line, '\n') - line + 1), line, want);
	KUNIT_EXPECT_TRUE(test, find_line(out, "kmalloc-64 ") != NULL);
	KUNIT_EXPECT_TRUE(test, find_line(out, "kmalloc-8k ") != NULL);
	for (int i = 0; i < 10; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_destroy(s);
}
