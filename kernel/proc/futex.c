/*
 * kernel/proc/futex.c - fast user-space mutexes: FUTEX_WAIT, FUTEX_WAKE
 * (and their _BITSET forms), FUTEX_REQUEUE, FUTEX_CMP_REQUEUE.
 *
 * A futex is a 32-bit word in user memory. Uncontended locking happens
 * entirely in user space; the kernel only keeps the sleepers, in a hash
 * table of buckets keyed by which word they sleep on:
 *   - private (FUTEX_PRIVATE_FLAG, or any futex in a private mapping):
 *     the key is (mm, address): only threads sharing the mm can meet;
 *   - shared, in a MAP_SHARED mapping: the key is the physical address of
 *     the word, so processes mapping the same page at different addresses
 *     (or after fork) meet on it.
 * A futex in private memory used without FUTEX_PRIVATE_FLAG gets the
 * private key too (as in Linux): that is what lets the kernel's wake of
 * clear_child_tid at thread exit reach musl's pthread_join, which waits
 * with the private flag. As in Linux, such a futex must be writable.
 *
 * The lost-wakeup rule: FUTEX_WAIT reads the word and queues itself under
 * the bucket lock, and FUTEX_WAKE takes the same lock, so a waker that
 * changed the word before waking either sees the waiter queued or the
 * waiter sees the new value and returns EAGAIN. The read under the lock
 * runs with page faults disabled (a fault may sleep); if it faults, the
 * lock is dropped, the page faulted in, and the whole thing retried.
 *
 * A waker removes the waiter from its bucket and wakes it while holding
 * the bucket lock; the waiter always takes the lock before returning
 * (unqueue_me), so its on-stack futex_q outlives the waker's use of it.
 * FUTEX_REQUEUE moves waiters between buckets without holding two bucket
 * locks: they are "in transit" (q->bucket == NULL) in between, and a
 * waiter that wakes meanwhile waits for the move to finish.
 *
 * Lock order: a bucket lock (LOCK_RANK_FUTEX), then task->pi_lock and
 * rq->lock (wakeups). mmap_lock is never held with a bucket lock.
 */
#include "kernel/proc/proc.h"
#include "kernel/proc/syscalls.h"
#include "kernel/proc/signal.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/mm.h"
#include "kernel/mm/vma.h"
#include "kernel/time.h"
#include "kernel/errno.h"
#include "kernel/selftest.h"
#include "arch/x86_64/paging.h"

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_CMD_MASK		(~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY	0xffffffffU

#define FUTEX_HASH_BITS		8	/* 256 buckets */
#define FUTEX_KEY_SHARED	1UL	/* key.a of a shared key: no mm is at address 1 */

struct futex_key {
	unsigned long a;		/* the mm, or FUTEX_KEY_SHARED */
	unsigned long b;		/* user address, or physical address */
};

struct futex_bucket {
	spinlock_t lock;
	struct list_head chain;
} __cacheline_aligned;

struct futex_q {
	struct list_head list;
	struct futex_key key;
	struct task *task;
	u32 bitset;
	struct futex_bucket *bucket;	/* NULL while being requeued */
};

static struct futex_bucket futex_queues[1 << FUTEX_HASH_BITS] = {
	[0 ... (1 << FUTEX_HASH_BITS) - 1] = { .lock = SPINLOCK_INIT_RANK("futex_bucket", LOCK_RANK_FUTEX) },
};

static struct futex_bucket *hash_futex(const struct futex_key *k)
{
	u64 h = (k->a ^ (k->b >> 2)) * 0x9e3779b97f4a7c15UL;
	struct futex_bucket *b = &futex_queues[h >> (64 - FUTEX_HASH_BITS)];

	return b;
}

/* bucket lock held: the chain is set up on first use (a static array can't point at itself). */
static struct list_head *chain_of(struct futex_bucket *b)
{
	if (!b->chain.next)
		INIT_LIST_HEAD(&b->chain);
	return &b->chain;
}

static bool key_equal(const struct futex_key *x, const struct futex_key *y)
{
	return x->a == y->a && x->b == y->b;
}

/* Physical address of a mapped user address in mm, or 0. */
static phys_addr_t user_phys_addr(struct mm_struct *mm, unsigned long va)
{
	u64 *pte, e;

	mmap_assert_locked(mm);
	pte = user_pte_lookup(mm->pgd, va);
	e = pte ? READ_ONCE(*pte) : 0;
	if (!(e & PTE_PRESENT))
		return 0;
	return (e & PTE_ADDR_MASK) | (va & ~PAGE_MASK);
}

static int get_futex_key(u32 __user *uaddr, bool shared, struct futex_key *key)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long a = (unsigned long)uaddr;
	bool shared_mapping;
	u32 v;

	if (a & 3)
		return -EINVAL;
	if (!access_ok(uaddr, sizeof(u32)) || !mm)
		return -EFAULT;
	key->a = (unsigned long)mm;
	key->b = a;
	if (!shared)
		return 0;
	mmap_read_lock(mm);
	vma = find_vma(mm, a);
	if (!vma || vma->vm_start > a) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	shared_mapping = vma->vm_flags & VM_SHARED;
	/*
	 * Linux pins the page for writing, or failing that for reading: a
	 * shared futex in private memory that cannot be written is refused (a
	 * read-only anonymous page never changes), and one in shared memory
	 * needs at least to be readable.
	 */
	if (!(vma->vm_flags & (shared_mapping ? VM_READ | VM_WRITE : VM_WRITE))) {
		/*
		 * Linux pins a private page it cannot write for reading before
		 * it refuses it: the page is faulted in all the same, and
		 * mincore says so after (found by the fuzzer).
		 */
		if (!shared_mapping && (vma->vm_flags & VM_READ))
			(void)faultin_page(vma, a & PAGE_MASK, false);
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	if (!shared_mapping) {
		/* pinned for writing, as Linux does: faulted in, its copy-on-write broken */
		(void)faultin_page(vma, a & PAGE_MASK, true);
		mmap_read_unlock(mm);
		return 0;
	}
	mmap_read_unlock(mm);
	for (int tries = 0; tries < 3; tries++) {
		phys_addr_t pa;
		if (get_user(v, uaddr))		/* faults the page in */
			return -EFAULT;
		(void)v;
		mmap_read_lock(mm);
		pa = user_phys_addr(mm, a);
		mmap_read_unlock(mm);
		if (pa) {
			key->a = FUTEX_KEY_SHARED;
			key->b = pa;
			return 0;
		}
	}
	return -EFAULT;
}

/* Reads *uaddr with its bucket locked: faults are not allowed to sleep here. */
static int get_futex_value_locked(u32 *val, u32 __user *uaddr)
{
	int r;

	pagefault_disable();
	r = get_user(*val, uaddr);
	pagefault_enable();
	return r;
}

/* bucket lock held */
static void wake_futex(struct futex_q *q)
{
	list_del_init(&q->list);
	wake_up_process(q->task);
}

/* A hint, read without the lock: a waker took q off its chain (unqueue_me decides). */
static bool futex_q_woken(struct futex_q *q)
{
	return READ_ONCE(q->bucket) && READ_ONCE(q->list.next) == &q->list;
}

/* Takes q off its bucket if still there; false if a waker already did. */
static bool unqueue_me(struct futex_q *q)
{
	for (;;) {
		struct futex_bucket *b = READ_ONCE(q->bucket);
		bool queued;

		if (!b) {			/* being requeued: the mover is not sleeping */
			cpu_relax();
			continue;
		}
		spin_lock(&b->lock);
		if (b != READ_ONCE(q->bucket)) {
			spin_unlock(&b->lock);
			continue;
		}
		queued = !list_empty(&q->list);
		if (queued)
			list_del_init(&q->list);
		spin_unlock(&b->lock);
		return queued;
	}
}

/* timeout_ns < 0: no timeout. */
static long futex_wait(u32 __user *uaddr, bool shared, u32 val, long timeout_ns, u32 bitset)
{
	struct futex_q q = { .task = current, .bitset = bitset };
	struct futex_bucket *b;
	long left = timeout_ns < 0 ? MAX_SCHEDULE_TIMEOUT : timeout_ns;
	u32 uval;
	int r;

	if (!bitset)
		return -EINVAL;
	r = get_futex_key(uaddr, shared, &q.key);
	if (r)
		return r;
	INIT_LIST_HEAD(&q.list);
retry:
	b = hash_futex(&q.key);
	spin_lock(&b->lock);
	if (get_futex_value_locked(&uval, uaddr)) {
		spin_unlock(&b->lock);
		if (get_user(uval, uaddr))
			return -EFAULT;
		goto retry;
	}
	if (uval != val) {
		spin_unlock(&b->lock);
		return -EAGAIN;
	}
	q.bucket = b;
	list_add_tail(&q.list, chain_of(b));
	set_current_state(TASK_INTERRUPTIBLE);	/* before unlock: a waker needs the lock to find us */
	spin_unlock(&b->lock);
	while (!futex_q_woken(&q) && !signal_pending(current) && left > 0) {
		left = schedule_timeout(left);
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	if (!unqueue_me(&q))
		return 0;			/* a waker took us: success */
	if (signal_pending(current))
		return timeout_ns < 0 ? -ERESTARTSYS : -EINTR;	/* a timed wait is not restarted */
	if (left == 0 && timeout_ns >= 0)
		return -ETIMEDOUT;
	return 0;
}

static long futex_wake(u32 __user *uaddr, bool shared, int nr, u32 bitset)
{
	struct futex_key key;
	struct futex_bucket *b;
	struct futex_q *q, *tmp;
	int r, woken = 0;

	if (!bitset)
		return -EINVAL;
	r = get_futex_key(uaddr, shared, &key);
	if (r)
		return r;
	b = hash_futex(&key);
	spin_lock(&b->lock);
	list_for_each_entry_safe(q, tmp, chain_of(b), list) {
		if (!key_equal(&q->key, &key) || !(q->bitset & bitset))
			continue;
		wake_futex(q);
		if (++woken >= nr)
			break;
	}
	spin_unlock(&b->lock);
	return woken;
}

int futex_wake_addr(u32 __user *uaddr, int nr, bool shared)
{
	long r = futex_wake(uaddr, shared, nr, FUTEX_BITSET_MATCH_ANY);

	return r < 0 ? r : 0;
}

static long futex_requeue(u32 __user *uaddr, bool shared, u32 __user *uaddr2, int nr_wake,
			  int nr_requeue, const u32 *cmpval)
{
	struct futex_key k1, k2;
	struct futex_bucket *b1, *b2;
	struct futex_q *q, *tmp;
	LIST_HEAD(moving);
	int r, woken = 0, moved = 0;
	u32 uval;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	r = get_futex_key(uaddr, shared, &k1);
	if (!r)
		r = get_futex_key(uaddr2, shared, &k2);
	if (r)
		return r;
	b1 = hash_futex(&k1);
	b2 = hash_futex(&k2);
retry:
	spin_lock(&b1->lock);
	if (cmpval) {
		if (get_futex_value_locked(&uval, uaddr)) {
			spin_unlock(&b1->lock);
			if (get_user(uval, uaddr))
				return -EFAULT;
			goto retry;
		}
		if (uval != *cmpval) {
			spin_unlock(&b1->lock);
			return -EAGAIN;
		}
	}
	list_for_each_entry_safe(q, tmp, chain_of(b1), list) {
		if (!key_equal(&q->key, &k1))
			continue;
		if (woken < nr_wake) {
			wake_futex(q);
			woken++;
		} else if (moved < nr_requeue) {
			list_move_tail(&q->list, &moving);
			q->key = k2;
			WRITE_ONCE(q->bucket, NULL);
			moved++;
		} else {
			break;
		}
	}
	spin_unlock(&b1->lock);
	if (moved) {
		spin_lock(&b2->lock);
		list_for_each_entry_safe(q, tmp, &moving, list) {
			list_move_tail(&q->list, chain_of(b2));
			WRITE_ONCE(q->bucket, b2);
		}
		spin_unlock(&b2->lock);
	}
	return woken + moved;			/* both forms count the two, as Linux does (whatever man 2 futex says) */
}

static long timespec_to_ns(const void __user *uts, long *ns)
{
	struct { long tv_sec, tv_nsec; } ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	if (ts.tv_sec > LONG_MAX / NSEC_PER_SEC - 1)
		*ns = LONG_MAX / 2;
	else
		*ns = ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

long do_futex(u32 __user *uaddr, int op, u32 val, unsigned long utime, u32 __user *uaddr2, u32 val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	long timeout = -1, r;

	/*
	 * Linux's order: a wait's timeout is read and checked first (EFAULT,
	 * EINVAL), then FUTEX_CLOCK_REALTIME, which only FUTEX_WAIT_BITSET
	 * takes (ENOSYS, FUTEX_WAIT included; found by the fuzzer).
	 */
	if (utime && (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET)) {
		r = timespec_to_ns((const void __user *)utime, &timeout);
		if (r)
			return r;
	}
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET:
		if (utime) {
			if (cmd == FUTEX_WAIT_BITSET) {	/* absolute, on the chosen clock */
				long now = (op & FUTEX_CLOCK_REALTIME) ? ktime_get_real_ns() : ktime_get_ns();
				timeout = timeout > now ? timeout - now : 0;
			}
		}
		return futex_wait(uaddr, shared, val, timeout, val3);
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, shared, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, shared, uaddr2, (int)val, (int)utime, NULL);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, shared, uaddr2, (int)val, (int)utime, &val3);
	}
	return -ENOSYS;
}

long sys_futex(u32 __user *uaddr, int op, u32 val, unsigned long utime, u32 __user *uaddr2, u32 val3)
{
	return do_futex(uaddr, op, val, utime, uaddr2, val3);
}

/* For tests: how many waiters a bucket holds for a key. */
int futex_waiters(struct mm_struct *mm, unsigned long uaddr)
{
	struct futex_key key = { (unsigned long)mm, uaddr };
	struct futex_bucket *b = hash_futex(&key);
	struct futex_q *q;
	int n = 0;

	spin_lock(&b->lock);
	list_for_each_entry(q, chain_of(b), list)
		n += key_equal(&q->key, &key);
	spin_unlock(&b->lock);
	return n;
}
