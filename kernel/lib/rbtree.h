/*
 * kernel/lib/rbtree.h - red-black trees, intrusive and augmentable.
 *
 * A red-black tree is a binary search tree whose nodes are coloured red or
 * black so that it stays balanced: its height is at most 2*log2(n+1).
 * The invariants (checked by rb_verify()):
 *
 *   1. the root is black;
 *   2. a red node has no red child;
 *   3. every path from a node down to a missing child (a NULL leaf, which
 *      counts as black) passes the same number of black nodes.
 *
 * Intrusive: struct rb_node is embedded in the caller's structure and
 * rb_entry() (container_of) gets back to it. The tree never compares keys:
 * the caller walks down to the place of a new node, links it there with
 * rb_link_node() and calls rb_insert_color() to rebalance; rb_erase()
 * removes any node. Neither allocates.
 *
 * Augmented trees keep, in every node, a value computed from the node and
 * its two subtrees (the VMA tree keeps the largest free gap of the subtree,
 * kernel/mm/vma.c). Rebalancing moves nodes around, so the tree tells the
 * caller through struct rb_augment_callbacks:
 *
 *   propagate(node, stop)  recompute node and its ancestors up to (not
 *                          including) stop; NULL: up to the root
 *   rotate(old, new)       new has just replaced old at the top of a
 *                          rotated subtree: new takes old's value (the same
 *                          set of nodes), old is recomputed
 *
 * The augmented value of a node is correct when it is computed from its own
 * data and the (correct) values of its children. rb_insert_augmented() and
 * rb_erase_augmented() keep every node correct, provided the caller calls
 * propagate itself when it changes a node's own data in place.
 */
#ifndef KERNEL_LIB_RBTREE_H
#define KERNEL_LIB_RBTREE_H

#include "kernel/types.h"
#include "kernel/compiler.h"

#define RB_RED		0
#define RB_BLACK	1

struct rb_node {
	struct rb_node *parent;
	struct rb_node *left, *right;
	int color;
};

struct rb_root {
	struct rb_node *node;
};

#define RB_ROOT			(struct rb_root){ NULL }
#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member) ({ struct rb_node *__p = (ptr); __p ? rb_entry(__p, type, member) : NULL; })

/* A node not in any tree points to itself (so "is it linked?" is answerable). */
#define RB_CLEAR_NODE(n)	((n)->parent = (n))
#define RB_EMPTY_NODE(n)	((n)->parent == (n))
#define RB_EMPTY_ROOT(r)	((r)->node == NULL)

struct rb_augment_callbacks {
	void (*propagate)(struct rb_node *node, struct rb_node *stop);
	void (*rotate)(struct rb_node *old, struct rb_node *new);
};

/* Puts a new red node at *link, a NULL child pointer of parent (NULL: the root). */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent, struct rb_node **link)
{
	node->parent = parent;
	node->left = node->right = NULL;
	node->color = RB_RED;
	smp_wmb();		/* the node is complete before a reader can reach it */
	WRITE_ONCE(*link, node);
}

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);
void rb_insert_augmented(struct rb_node *node, struct rb_root *root, const struct rb_augment_callbacks *aug);
void rb_erase_augmented(struct rb_node *node, struct rb_root *root, const struct rb_augment_callbacks *aug);

struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/*
 * Checks invariants 1-3 and the parent pointers; returns the black height
 * of the tree (>= 0), or -1 after printing what is wrong.
 */
int rb_verify(const struct rb_root *root);

#endif
