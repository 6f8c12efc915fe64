/*
 * tests/kernel/rbtree_test.c - the red-black tree (kernel/lib/rbtree.c):
 * random inserts and erases keep the three colour invariants, the order,
 * and an augmented value (the largest value of each subtree) equal to its
 * recomputation after every operation.
 */
#include "kernel/selftest.h"
#include "kernel/lib/rbtree.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"

#define RB_TEST_NODES	300
#define RB_TEST_ROUNDS	4

struct tnode {
	struct rb_node rb;
	unsigned long key, val, subtree_max;
	bool linked;
};

static struct tnode nodes[RB_TEST_NODES];

static struct tnode *tn(struct rb_node *n) { return rb_entry_safe(n, struct tnode, rb); }

static unsigned long compute_max(struct tnode *t)
{
	unsigned long m = t->val;

	if (t->rb.left && tn(t->rb.left)->subtree_max > m)
		m = tn(t->rb.left)->subtree_max;
	if (t->rb.right && tn(t->rb.right)->subtree_max > m)
		m = tn(t->rb.right)->subtree_max;
	return m;
}

static void max_propagate(struct rb_node *n, struct rb_node *stop)
{
	for (; n && n != stop; n = n->parent)
		tn(n)->subtree_max = compute_max(tn(n));
}

static void max_rotate(struct rb_node *old, struct rb_node *new)
{
	tn(new)->subtree_max = tn(old)->subtree_max;
	tn(old)->subtree_max = compute_max(tn(old));
}

static const struct rb_augment_callbacks max_cb = { max_propagate, max_rotate };

static void insert(struct rb_root *root, struct tnode *t)
{
	struct rb_node **link = &root->node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = t->key < tn(parent)->key ? &parent->left : &parent->right;
	}
	rb_link_node(&t->rb, parent, link);
	rb_insert_augmented(&t->rb, root, &max_cb);
	t->linked = true;
}

/* Recomputes every subtree max; returns the number of nodes whose stored value differs. */
static int check_aug(struct rb_node *n, unsigned long *max)
{
	unsigned long l = 0, r = 0;
	int bad;

	if (!n) {
		*max = 0;
		return 0;
	}
	bad = check_aug(n->left, &l) + check_aug(n->right, &r);
	*max = tn(n)->val;
	if (n->left && l > *max)
		*max = l;
	if (n->right && r > *max)
		*max = r;
	return bad + (*max != tn(n)->subtree_max);
}

static unsigned long rng_state = 88172645463325252UL;

static unsigned long rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void check_tree(struct kunit *test, struct rb_root *root, int expect)
{
	unsigned long max, prev = 0;
	int count = 0;

	KUNIT_EXPECT_GE(test, rb_verify(root), 0);
	KUNIT_EXPECT_EQ(test, check_aug(root->node, &max), 0);
	for (struct rb_node *n = rb_first(root); n; n = rb_next(n)) {
		KUNIT_EXPECT_LE(test, prev, tn(n)->key);
		prev = tn(n)->key;
		count++;
	}
	KUNIT_EXPECT_EQ(test, count, expect);
}

SELFTEST(rbtree, random_insert_erase_augmented)
{
	struct rb_root root = RB_ROOT;
	int linked = 0;

	memset(nodes, 0, sizeof(nodes));
	for (int round = 0; round < RB_TEST_ROUNDS; round++) {
		for (int i = 0; i < RB_TEST_NODES; i++) {
			struct tnode *t = &nodes[rng() % RB_TEST_NODES];
			if (t->linked) {
				rb_erase_augmented(&t->rb, &root, &max_cb);
				t->linked = false;
				KUNIT_EXPECT_TRUE(test, RB_EMPTY_NODE(&t->rb));
				linked--;
			} else {
				t->key = rng() % 1000;
				t->val = rng() % 100000;
				insert(&root, t);
				linked++;
			}
			check_tree(test, &root, linked);
			if (atomic_read(&test->failures))
				return;
		}
	}
}

SELFTEST(rbtree, sorted_inserts_stay_balanced)
{
	struct rb_root root = RB_ROOT;
	int height;

	memset(nodes, 0, sizeof(nodes));
	for (int i = 0; i < RB_TEST_NODES; i++) {
		nodes[i].key = i;
		nodes[i].val = i;
		insert(&root, &nodes[i]);
	}
	check_tree(test, &root, RB_TEST_NODES);
	height = rb_verify(&root);
	/* black height <= log2(n+1): 300 nodes, at most 8 */
	KUNIT_EXPECT_LE(test, height, 9);
	KUNIT_EXPECT_EQ(test, tn(root.node)->subtree_max, RB_TEST_NODES - 1);
	KUNIT_EXPECT_EQ(test, tn(rb_first(&root))->key, 0);
	KUNIT_EXPECT_EQ(test, tn(rb_last(&root))->key, RB_TEST_NODES - 1);
	KUNIT_EXPECT_EQ(test, tn(rb_prev(rb_last(&root)))->key, RB_TEST_NODES - 2);
	for (int i = 0; i < RB_TEST_NODES; i += 2) {
		rb_erase_augmented(&nodes[i].rb, &root, &max_cb);
		nodes[i].linked = false;
	}
	check_tree(test, &root, RB_TEST_NODES / 2);
	KUNIT_EXPECT_EQ(test, tn(root.node)->subtree_max, RB_TEST_NODES - 1);
}

SELFTEST(rbtree, verify_catches_a_broken_tree)
{
	struct rb_root root = RB_ROOT;

	memset(nodes, 0, sizeof(nodes));
	for (int i = 0; i < 16; i++) {
		nodes[i].key = i;
		insert(&root, &nodes[i]);
	}
	static char out[1024];

	KUNIT_EXPECT_GE(test, rb_verify(&root), 0);
	printk_capture_start(out, sizeof(out));
	root.node->color = RB_RED;		/* invariant 1 */
	KUNIT_EXPECT_EQ(test, rb_verify(&root), -1);
	root.node->color = RB_BLACK;
	rb_first(&root)->color ^= 1;		/* invariant 3 (or 2) */
	KUNIT_EXPECT_EQ(test, rb_verify(&root), -1);
	printk_capture_stop();
	KUNIT_EXPECT_TRUE(test, strstr(out, "rbtree:") != NULL);
}
