// SPDX-License-Identifier: GPL-2.0
/*
 * The process table.
 *
 * A fixed-size hash of tgid -> struct vigil_proc, sized from proc_max at
 * load.  Readers (every event, for the parent and the actor) use RCU;
 * writers (exec, fork, exit and lazy creation, all from the capture hooks
 * in atomic context) take one spinlock.  Entries are allocated with
 * GFP_ATOMIC | __GFP_NOWARN outside the lock, sized to their content
 * (at most VIGIL_PROC_SIZE_MAX bytes, hash and LRU linkage included), and
 * freed with kfree_rcu().  The table holds at most proc_max entries; the
 * least recently used one is evicted to make room (recency is refreshed
 * at most once a second per entry, to keep readers off the lock).
 *
 * process.entity_id: a random 32-bit salt drawn at load in the high half,
 * XOR a 64-bit counter.  A new id is drawn for the new image at every
 * successful exec, for the child at every fork (not for new threads),
 * and when an untracked process is first seen (it existed before insmod
 * or was evicted).  It is unique per module load with overwhelming
 * probability across loads.
 */
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "vigil.h"
#include "proctab.h"

static unsigned int proc_max = 32768;
module_param(proc_max, uint, 0444);
MODULE_PARM_DESC(proc_max,
		 "Processes tracked for parent fields (64..4194304, default 32768)");

#define PROC_MIN	64U
#define PROC_LIMIT	(1U << 22)

static struct hlist_head *buckets;
static unsigned int hash_bits;
static LIST_HEAD(lru);
static DEFINE_SPINLOCK(lock);
static unsigned int count;
static u64 id_salt;
static atomic64_t id_counter = ATOMIC64_INIT(0);

static struct hlist_head *bucket(pid_t tgid)
{
	return &buckets[hash_32((u32)tgid, hash_bits)];
}

/**
 * vigil_proc_entity_str() - render an entity id
 * @id: the id
 * @buf: VIGIL_ENTITY_ID_LEN + 1 bytes: 16 lowercase hex digits and a NUL
 */
void vigil_proc_entity_str(u64 id, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 15; i >= 0; i--) {
		buf[i] = hex[id & 0xf];
		id >>= 4;
	}
	buf[16] = '\0';
}

/**
 * vigil_proctab_new_id() - draw a new process.entity_id
 *
 * Return: an id not handed out before in this module load.
 */
u64 vigil_proctab_new_id(void)
{
	return id_salt ^ (u64)atomic64_inc_return(&id_counter);
}

static struct vigil_proc *find(pid_t tgid)
{
	struct vigil_proc *p;

	hlist_for_each_entry_rcu(p, bucket(tgid), hnode)
		if (p->tgid == tgid)
			return p;
	return NULL;
}

static void touch(struct vigil_proc *p);

/**
 * vigil_proctab_lookup() - the entry of a process, refreshing its recency
 * @tgid: the process
 *
 * Caller holds rcu_read_lock(); the entry stays valid until it drops it.
 *
 * Return: the entry, or NULL if the process is not tracked.
 */
struct vigil_proc *vigil_proctab_lookup(pid_t tgid)
{
	struct vigil_proc *p = find(tgid);

	if (p)
		touch(p);
	return p;
}

static void touch(struct vigil_proc *p)
{
	unsigned long now = jiffies;

	if (time_before(now, READ_ONCE(p->touched) + HZ))
		return;
	spin_lock(&lock);
	/* Still hashed: not removed while we waited. */
	if (!hlist_unhashed(&p->hnode)) {
		WRITE_ONCE(p->touched, now);
		list_move_tail(&p->lru, &lru);
	}
	spin_unlock(&lock);
}

/* Unlinks @p; the caller frees it after a grace period.  Lock held. */
static void unlink_proc(struct vigil_proc *p)
{
	lockdep_assert_held(&lock);
	hlist_del_init_rcu(&p->hnode);
	list_del(&p->lru);
	count--;
}

static void forget(u64 entity_id)
{
	char eid[VIGIL_ENTITY_ID_LEN + 1];

	vigil_proc_entity_str(entity_id, eid);
	vigil_detect_forget_entity(eid, 16);
}

/* Snapshot of @args that fits in @room bytes, cut at an element boundary. */
static u32 snap_len(const char *args, u32 len, u32 room, u16 *n, bool *cut)
{
	u32 i, end = 0;

	*n = 0;
	for (i = 0; i < len && i < room; i++) {
		if (args[i] == '\0') {
			end = i + 1;
			(*n)++;
		}
	}
	*cut = end < len;
	return end;
}

static struct vigil_proc *proc_alloc(pid_t tgid,
				     const struct vigil_proc_image *img)
{
	u32 exe_len = img->exe_len, room, args_len;
	struct vigil_proc *p;
	u16 n;
	bool cut;

	room = VIGIL_PROC_SIZE_MAX - sizeof(*p);
	if (exe_len > room - 2)
		exe_len = room - 2;
	room -= exe_len + 1;
	args_len = snap_len(img->args, img->args_len,
			    min_t(u32, room, VIGIL_PROC_ARGS_MAX), &n, &cut);
	p = kmalloc(sizeof(*p) + exe_len + 1 + args_len,
		    GFP_ATOMIC | __GFP_NOWARN);
	if (!p) {
		vigil_stat_inc(VIGIL_STAT_CAPTURE_ERRORS);
		return NULL;
	}
	INIT_HLIST_NODE(&p->hnode);
	INIT_LIST_HEAD(&p->lru);
	p->touched = jiffies;
	p->entity_id = vigil_proctab_new_id();
	p->tgid = tgid;
	p->args_count = img->args_count;
	p->exe_len = exe_len;
	p->args_len = args_len;
	p->args_snap_count = n;
	p->flags = 0;
	if (cut || img->truncated)
		p->flags |= VIGIL_PROC_F_ARGS_TRUNCATED;
	if (exe_len < img->exe_len)
		p->flags |= VIGIL_PROC_F_EXE_TRUNCATED;
	memcpy(p->data, img->exe, exe_len);
	p->data[exe_len] = '\0';
	memcpy(p->data + exe_len + 1, img->args, args_len);
	return p;
}

/*
 * Publishes @p, replacing the entry of the same tgid if @replace, else
 * keeping an existing one (and freeing @p).  Return: the published entry,
 * valid under the caller's rcu_read_lock().
 */
static struct vigil_proc *publish(struct vigil_proc *p, bool replace)
{
	struct vigil_proc *old, *victim = NULL;
	u64 old_id = 0, victim_id = 0;

	spin_lock(&lock);
	old = find(p->tgid);
	if (old && !replace) {
		spin_unlock(&lock);
		kfree(p);
		return old;
	}
	if (old) {
		old_id = old->entity_id;
		unlink_proc(old);
	} else if (count >= proc_max && !list_empty(&lru)) {
		victim = list_first_entry(&lru, struct vigil_proc, lru);
		victim_id = victim->entity_id;
		unlink_proc(victim);
	}
	hlist_add_head_rcu(&p->hnode, bucket(p->tgid));
	list_add_tail(&p->lru, &lru);
	count++;
	spin_unlock(&lock);

	if (old) {
		kfree_rcu(old, rcu);
		forget(old_id);
	} else {
		vigil_stat_inc(VIGIL_STAT_PROC_TRACKED);
	}
	if (victim) {
		kfree_rcu(victim, rcu);
		vigil_stat_inc(VIGIL_STAT_PROC_EVICTIONS);
		vigil_stat_add(VIGIL_STAT_PROC_TRACKED, (u64)-1);
		forget(victim_id);
	}
	return p;
}

/**
 * vigil_proctab_set() - record the image of a process
 * @tgid: the process
 * @img: its executable and argv
 * @replace: true at exec (the old image is dropped, with its sequences);
 *	false to create an entry only if there is none (lazy creation)
 *
 * Atomic context; caller holds rcu_read_lock().  A new entity id is drawn
 * for a new entry.  Allocation failure is counted as a capture error.
 *
 * Return: the process's entry, or NULL if it could not be allocated (then
 * at exec the old image's entry is gone too).
 */
struct vigil_proc *vigil_proctab_set(pid_t tgid,
				     const struct vigil_proc_image *img,
				     bool replace)
{
	struct vigil_proc *p, *old;

	if (!replace) {
		p = vigil_proctab_lookup(tgid);
		if (p)
			return p;
	}
	p = proc_alloc(tgid, img);
	if (p)
		return publish(p, replace);
	if (replace) {
		spin_lock(&lock);
		old = find(tgid);
		if (old)
			unlink_proc(old);
		spin_unlock(&lock);
		if (old) {
			vigil_stat_add(VIGIL_STAT_PROC_TRACKED, (u64)-1);
			forget(old->entity_id);
			kfree_rcu(old, rcu);
		}
	}
	return NULL;
}

/**
 * vigil_proctab_fork() - a new process inherits its parent's image
 * @parent: tgid of the forking process
 * @child: tgid of the new process
 *
 * Atomic context.  The child gets a copy of the parent's entry with a new
 * entity id; nothing happens if the parent is not tracked (the child is
 * then created lazily when first seen).
 */
void vigil_proctab_fork(pid_t parent, pid_t child)
{
	struct vigil_proc *pp, *p;
	size_t size;

	rcu_read_lock();
	pp = find(parent);
	if (!pp)
		goto out;
	size = sizeof(*pp) + pp->exe_len + 1 + pp->args_len;
	p = kmalloc(size, GFP_ATOMIC | __GFP_NOWARN);
	if (!p) {
		vigil_stat_inc(VIGIL_STAT_CAPTURE_ERRORS);
		goto out;
	}
	memcpy(p, pp, size);
	INIT_HLIST_NODE(&p->hnode);
	INIT_LIST_HEAD(&p->lru);
	p->touched = jiffies;
	p->entity_id = vigil_proctab_new_id();
	p->tgid = child;
	publish(p, true);
out:
	rcu_read_unlock();
}

/**
 * vigil_proctab_exit() - a whole thread group is gone
 * @tgid: the process
 *
 * Atomic context.  Drops the entry and the detection state of its entity.
 */
void vigil_proctab_exit(pid_t tgid)
{
	struct vigil_proc *p;
	u64 id = 0;

	spin_lock(&lock);
	p = find(tgid);
	if (p) {
		id = p->entity_id;
		unlink_proc(p);
	}
	spin_unlock(&lock);
	if (!p)
		return;
	kfree_rcu(p, rcu);
	vigil_stat_add(VIGIL_STAT_PROC_TRACKED, (u64)-1);
	forget(id);
}

/**
 * vigil_proctab_init() - allocate the process table
 *
 * Process context, before the capture hooks are registered.
 *
 * Return: 0, or -ENOMEM.
 */
int vigil_proctab_init(void)
{
	unsigned int n;

	proc_max = clamp(proc_max, PROC_MIN, PROC_LIMIT);
	/* About two entries per bucket when full. */
	n = roundup_pow_of_two(proc_max) / 2;
	hash_bits = ilog2(n);
	buckets = kvcalloc(n, sizeof(*buckets), GFP_KERNEL);
	if (!buckets)
		return -ENOMEM;
	id_salt = (u64)get_random_u32() << 32;
	count = 0;
	return 0;
}

/**
 * vigil_proctab_uninit() - free the process table
 *
 * Only after vigil_capture_uninit(): no hook runs any more.
 */
void vigil_proctab_uninit(void)
{
	struct vigil_proc *p, *tmp;
	unsigned int n = 0;

	if (!buckets)
		return;
	/* Readers that saw entries before the hooks went away are done. */
	synchronize_rcu();
	spin_lock(&lock);
	list_for_each_entry_safe(p, tmp, &lru, lru) {
		unlink_proc(p);
		kfree(p);
		n++;
	}
	spin_unlock(&lock);
	vigil_stat_add(VIGIL_STAT_PROC_TRACKED, -(u64)n);
	kvfree(buckets);
	buckets = NULL;
}
