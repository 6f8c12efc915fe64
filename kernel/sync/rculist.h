/*
 * kernel/sync/rculist.h - list and hlist operations that RCU readers may
 * traverse while a writer changes the list.
 *
 * Writers serialise among themselves with their own lock; readers hold
 * only rcu_read_lock(). The rules that make this work:
 *  - a node is fully initialised before the one store that links it in
 *    (that store is rcu_assign_pointer: a release);
 *  - a removed node keeps its next pointer, so a reader standing on it
 *    can still walk on; it is freed only after a grace period;
 *  - readers load every next pointer once, with rcu_dereference.
 * prev pointers are for writers only: readers never walk backwards.
 */
#ifndef KERNEL_SYNC_RCULIST_H
#define KERNEL_SYNC_RCULIST_H

#include "kernel/lib/list.h"
#include "kernel/sync/rcupdate.h"

/* The next pointer of a list_head as an lvalue that rcu_assign_pointer can store to. */
#define list_next_rcu(head)	((head)->next)

static inline void __list_add_rcu(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	n->next = next;
	n->prev = prev;
	rcu_assign_pointer(list_next_rcu(prev), n);	/* release: n's fields before n is reachable */
	next->prev = n;				/* writers only */
}

static inline void list_add_rcu(struct list_head *n, struct list_head *head)
{
	__list_add_rcu(n, head, head->next);
}

static inline void list_add_tail_rcu(struct list_head *n, struct list_head *head)
{
	__list_add_rcu(n, head->prev, head);
}

/*
 * Unlinks e but leaves e->next intact (no barrier needed: a reader either
 * loaded the old prev->next and reaches e, whose next still leads on, or
 * the new one and skips it). e->prev is poisoned: readers never use it.
 * Free e only after a grace period (call_rcu, kfree_rcu, synchronize_rcu).
 */
static inline void list_del_rcu(struct list_head *e)
{
	WRITE_ONCE(e->prev->next, e->next);
	e->next->prev = e->prev;
	e->prev = LIST_POISON2;
}

/* Replaces old by n in one store (release), for readers an atomic switch. */
static inline void list_replace_rcu(struct list_head *old, struct list_head *n)
{
	n->next = old->next;
	n->prev = old->prev;
	rcu_assign_pointer(list_next_rcu(n->prev), n);
	n->next->prev = n;
	old->prev = LIST_POISON2;
}

/* Each next pointer is read once with rcu_dereference (dependency-ordered load). */
#define list_entry_rcu(ptr, type, member)	container_of(rcu_dereference(ptr), type, member)

#define list_for_each_entry_rcu(pos, head, member)				\
	for ((pos) = list_entry_rcu((head)->next, typeof(*(pos)), member);	\
	     &(pos)->member != (head);						\
	     (pos) = list_entry_rcu((pos)->member.next, typeof(*(pos)), member))

/* ---- hlist ---- */

/* Publishes n at the front: release store of h->first after n is initialised. */
static inline void hlist_add_head_rcu(struct hlist_node *n, struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	n->next = first;
	n->pprev = &h->first;
	rcu_assign_pointer(h->first, n);
	if (first)
		first->pprev = &n->next;
}

/* Unlinks n, keeping n->next for readers standing on it; pprev poisoned. */
static inline void hlist_del_rcu(struct hlist_node *n)
{
	__hlist_del(n);
	n->pprev = (struct hlist_node **)LIST_POISON2;
}

/* hlist_del_rcu, leaving n unhashed so that it may be added again after a grace period. */
static inline void hlist_del_init_rcu(struct hlist_node *n)
{
	if (!hlist_unhashed(n)) {
		__hlist_del(n);
		n->pprev = NULL;
	}
}

#define hlist_for_each_entry_rcu(pos, head, member)				\
	for ((pos) = hlist_entry_safe(rcu_dereference((head)->first), typeof(*(pos)), member); \
	     (pos);								\
	     (pos) = hlist_entry_safe(rcu_dereference((pos)->member.next), typeof(*(pos)), member))

#endif
