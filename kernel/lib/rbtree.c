/*
 * kernel/lib/rbtree.c - red-black tree insertion, erasure and walking
 * (see rbtree.h for the invariants and the augmentation callbacks).
 *
 * The algorithms are the textbook ones (Cormen et al., chapter 13) with
 * NULL for the black leaves, so erasure tracks the parent of the hole
 * separately. Every rotation tells the augmentation through aug->rotate;
 * every splice recomputes the path above it through aug->propagate.
 *
 * Child pointers are stored with WRITE_ONCE: a lockless reader (the RCU
 * VMA lookup to come, validated by a sequence count) may walk down while
 * a writer rebalances, and must at least never see a torn pointer.
 */
#include "kernel/lib/rbtree.h"
#include "kernel/printk.h"

static const struct rb_augment_callbacks no_augment;

static bool is_red(const struct rb_node *n) { return n && n->color == RB_RED; }
static bool is_black(const struct rb_node *n) { return !is_red(n); }

/* Makes new take old's place under old's parent (or as the root). */
static void change_child(struct rb_node *old, struct rb_node *new, struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		WRITE_ONCE(root->node, new);
	else if (parent->left == old)
		WRITE_ONCE(parent->left, new);
	else
		WRITE_ONCE(parent->right, new);
}

/*
 *      x                y
 *     / \              / \
 *    a   y     ->     x   c
 *       / \          / \
 *      b   c        a   b
 */
static void rotate_left(struct rb_node *x, struct rb_root *root, const struct rb_augment_callbacks *aug)
{
	struct rb_node *y = x->right;

	WRITE_ONCE(x->right, y->left);
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	change_child(x, y, x->parent, root);
	WRITE_ONCE(y->left, x);
	x->parent = y;
	if (aug->rotate)
		aug->rotate(x, y);
}

/* The mirror image of rotate_left. */
static void rotate_right(struct rb_node *x, struct rb_root *root, const struct rb_augment_callbacks *aug)
{
	struct rb_node *y = x->left;

	WRITE_ONCE(x->left, y->right);
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	change_child(x, y, x->parent, root);
	WRITE_ONCE(y->right, x);
	x->parent = y;
	if (aug->rotate)
		aug->rotate(x, y);
}

/*
 * A red node may now have a red parent (invariant 2). If the uncle is red,
 * recolour and move the problem two levels up; otherwise one or two
 * rotations end it.
 */
static void insert_fixup(struct rb_node *z, struct rb_root *root, const struct rb_augment_callbacks *aug)
{
	struct rb_node *p;

	while (is_red(p = z->parent)) {
		struct rb_node *g = p->parent;	/* exists: a red node is never the root */

		if (p == g->left) {
			struct rb_node *u = g->right;
			if (is_red(u)) {
				p->color = u->color = RB_BLACK;
				g->color = RB_RED;
				z = g;
				continue;
			}
			if (z == p->right) {
				rotate_left(p, root, aug);
				z = p;
				p = z->parent;
			}
			p->color = RB_BLACK;
			g->color = RB_RED;
			rotate_right(g, root, aug);
		} else {
			struct rb_node *u = g->left;
			if (is_red(u)) {
				p->color = u->color = RB_BLACK;
				g->color = RB_RED;
				z = g;
				continue;
			}
			if (z == p->left) {
				rotate_right(p, root, aug);
				z = p;
				p = z->parent;
			}
			p->color = RB_BLACK;
			g->color = RB_RED;
			rotate_left(g, root, aug);
		}
	}
	root->node->color = RB_BLACK;
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	insert_fixup(node, root, &no_augment);
}

void rb_insert_augmented(struct rb_node *node, struct rb_root *root, const struct rb_augment_callbacks *aug)
{
	aug->propagate(node, NULL);	/* the new leaf may raise its ancestors' values */
	insert_fixup(node, root, aug);
}

/*
 * A black node was removed above x (which may be NULL, with parent xp):
 * paths through x are one black short (invariant 3). Borrow from the
 * sibling's side by recolouring and rotating, or move the deficit up.
 */
static void erase_fixup(struct rb_node *x, struct rb_node *xp, struct rb_root *root,
			const struct rb_augment_callbacks *aug)
{
	while (x != root->node && is_black(x)) {
		if (x == xp->left) {
			struct rb_node *w = xp->right;	/* exists: its side has a black more */
			if (is_red(w)) {
				w->color = RB_BLACK;
				xp->color = RB_RED;
				rotate_left(xp, root, aug);
				w = xp->right;
			}
			if (is_black(w->left) && is_black(w->right)) {
				w->color = RB_RED;
				x = xp;
				xp = x->parent;
				continue;
			}
			if (is_black(w->right)) {
				w->left->color = RB_BLACK;
				w->color = RB_RED;
				rotate_right(w, root, aug);
				w = xp->right;
			}
			w->color = xp->color;
			xp->color = RB_BLACK;
			w->right->color = RB_BLACK;
			rotate_left(xp, root, aug);
			x = root->node;
			break;
		} else {
			struct rb_node *w = xp->left;
			if (is_red(w)) {
				w->color = RB_BLACK;
				xp->color = RB_RED;
				rotate_right(xp, root, aug);
				w = xp->left;
			}
			if (is_black(w->left) && is_black(w->right)) {
				w->color = RB_RED;
				x = xp;
				xp = x->parent;
				continue;
			}
			if (is_black(w->left)) {
				w->right->color = RB_BLACK;
				w->color = RB_RED;
				rotate_left(w, root, aug);
				w = xp->left;
			}
			w->color = xp->color;
			xp->color = RB_BLACK;
			w->left->color = RB_BLACK;
			rotate_right(xp, root, aug);
			x = root->node;
			break;
		}
	}
	if (x)
		x->color = RB_BLACK;
}

static void erase(struct rb_node *z, struct rb_root *root, const struct rb_augment_callbacks *aug)
{
	/* y: the node that really leaves its place; z itself, or z's successor */
	struct rb_node *y = (z->left && z->right) ? rb_next(z) : z;
	struct rb_node *x = y->left ? y->left : y->right;
	struct rb_node *xp = y->parent;
	int removed_color = y->color;

	if (x)
		x->parent = xp;
	change_child(y, x, xp, root);
	if (y != z) {
		/* the successor takes z's place, links and colour */
		if (xp == z)
			xp = y;
		WRITE_ONCE(y->left, z->left);
		WRITE_ONCE(y->right, z->right);
		y->parent = z->parent;
		y->color = z->color;
		if (y->left)
			y->left->parent = y;
		if (y->right)
			y->right->parent = y;
		change_child(z, y, z->parent, root);
	}
	/* every node whose subtree lost z is on the path from xp up */
	if (xp && aug->propagate)
		aug->propagate(xp, NULL);
	if (removed_color == RB_BLACK)
		erase_fixup(x, xp, root, aug);
	RB_CLEAR_NODE(z);
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	erase(node, root, &no_augment);
}

void rb_erase_augmented(struct rb_node *node, struct rb_root *root, const struct rb_augment_callbacks *aug)
{
	erase(node, root, aug);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	while (n && n->left)
		n = n->left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	while (n && n->right)
		n = n->right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *n)
{
	const struct rb_node *p;

	if (n->right) {
		n = n->right;
		while (n->left)
			n = n->left;
		return (struct rb_node *)n;
	}
	while ((p = n->parent) && n == p->right)
		n = p;
	return (struct rb_node *)p;
}

struct rb_node *rb_prev(const struct rb_node *n)
{
	const struct rb_node *p;

	if (n->left) {
		n = n->left;
		while (n->right)
			n = n->right;
		return (struct rb_node *)n;
	}
	while ((p = n->parent) && n == p->left)
		n = p;
	return (struct rb_node *)p;
}

static int verify(const struct rb_node *n, const struct rb_node *parent)
{
	int lh, rh;

	if (!n)
		return 0;
	if (n->parent != parent) {
		pr_err("rbtree: node %p has parent %p, expected %p\n", n, n->parent, parent);
		return -1;
	}
	if (n->color != RB_RED && n->color != RB_BLACK) {
		pr_err("rbtree: node %p has colour %d\n", n, n->color);
		return -1;
	}
	if (is_red(n) && (is_red(n->left) || is_red(n->right))) {
		pr_err("rbtree: red node %p has a red child\n", n);
		return -1;
	}
	lh = verify(n->left, n);
	rh = verify(n->right, n);
	if (lh < 0 || rh < 0)
		return -1;
	if (lh != rh) {
		pr_err("rbtree: node %p: black heights %d (left) and %d (right)\n", n, lh, rh);
		return -1;
	}
	return lh + (n->color == RB_BLACK);
}

int rb_verify(const struct rb_root *root)
{
	if (is_red(root->node)) {
		pr_err("rbtree: red root\n");
		return -1;
	}
	return verify(root->node, NULL);
}
