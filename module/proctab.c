// SPDX-License-Identifier: GPL-2.0
/*
 * The process table.
 *
 * A fixed-size hash of tgid -> struct vigil_proc, sized from proc_max at
 * load.  Readers (every event, for the parent and the actor) use RCU;
 * writers (exec, fork, exit and lazy creation, all from the capture hooks
 * in atomic context) take one spinlock.  Entries are allocated with
 * GFP_ATOMIC | __GFP_NOWARN outside the lock, sized to their content
 * (the header, at most VIGIL_PROC_EXE_MAX bytes of executable path,
 * VIGIL_PROC_NAME_MAX of name and VIGIL_PROC_ARGS_MAX of args, with their
 * NULs: under 1 KiB), reference counted and freed with call_rcu() after
 * the last reference goes.  What does not fit is
 * cut as vigil_path_keep_tail() and vigil_argv_snapshot() say, and
 * flagged in the entry.  The table holds at most proc_max entries; the
 * least recently used one is evicted to make room (recency is refreshed
 * at most once a second per entry, to keep readers off the lock).
 *
 * process.entity_id names one process image: a random 32-bit salt drawn
 * at load in the high half, XOR a 64-bit counter.  A new id is drawn at
 * every successful exec and when an untracked process is first seen (it
 * existed before insmod, or was evicted).  A forked child runs its
 * parent's image and keeps its parent's id, so work a program hands to
 * its own children (rsync's receiver creates the files) stays under the
 * id of its exec.  Entries sharing an id share a counter (@users, only
 * touched under the lock); the engine's state for the id is dropped
 * (vigil_detect_forget_entity()) when the last of them exits or execs.
 *
 * Lineage: a forked child's entry points to its parent's entry (@parent,
 * with a reference), and keeps that pointer across exec, so
 * process.parent.* names the process that forked it even after that one
 * exited and the child was reparented (a double fork).  The table holds
 * one reference to each entry it links.  An entry drops its parent
 * reference as soon as it is unlinked (exit, eviction, exec replacing
 * it): nobody reads a gone process's parent.  So a dead entry is pinned
 * only by linked entries, at most one each, and at most one generation
 * deep: whatever processes do, the table holds at most proc_max linked
 * entries and pins at most proc_max dead ones.
 *
 * Entry leaders (process.entry_leader.*) follow the same rules: an entry
 * points to its entry leader's entry (@entry, with a reference) unless
 * it leads its own entry or has none.  It is decided when the entry is
 * made from an image (exec, lazy creation, seeding): by the process's
 * own facts (vigil_entry_decide()), else taken from the parent, the
 * session leader or the group leader, in that order, as Elastic does; a
 * fork copies it.  A dead entry leader is pinned by the linked entries
 * that name it, so with parents the table pins at most 2 * proc_max
 * dead entries.
 */
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "vigil.h"
#include "argv.h"
#include "proctab.h"

static unsigned int proc_max = 32768;
module_param(proc_max, uint, 0444);
MODULE_PARM_DESC(
	proc_max,
	"Processes tracked for parent fields (64..4194304, default 32768)");

#define PROC_MIN 64U
#define PROC_LIMIT (1U << 22)

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

/**
 * vigil_proctab_peek() - the entry of a process, taking no lock
 * @tgid: the process
 *
 * For hooks that run under a lock of the kernel's own (an accept, under
 * the socket's callback lock): like vigil_proctab_lookup() but the
 * entry's recency is left as it is.  Caller holds rcu_read_lock().
 *
 * Return: the entry, or NULL if the process is not tracked.
 */
struct vigil_proc *vigil_proctab_peek(pid_t tgid)
{
	return find(tgid);
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

static void proc_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct vigil_proc, rcu));
}

/*
 * Drops a reference to @p (may be NULL); the last one frees it after a
 * grace period.  Any context.  An entry's last reference goes after it
 * was unlinked, which dropped its own parent reference: freeing never
 * cascades.
 */
static void proc_put(struct vigil_proc *p)
{
	if (p && refcount_dec_and_test(&p->ref))
		call_rcu(&p->rcu, proc_free_rcu);
}

/*
 * Unlinks @p, drops its parent reference (readers that loaded the
 * pointer are safe: the free waits for them) and its use of its entity
 * id.  Lock held; the caller then drops the table's reference to @p with
 * proc_put().  Return: true if nothing uses the id any more (its engine
 * state should be forgotten).
 */
static bool unlink_proc(struct vigil_proc *p)
{
	struct vigil_proc *pp;

	lockdep_assert_held(&lock);
	hlist_del_init_rcu(&p->hnode);
	list_del(&p->lru);
	count--;
	pp = rcu_dereference_protected(p->parent, lockdep_is_held(&lock));
	RCU_INIT_POINTER(p->parent, NULL);
	proc_put(pp);
	pp = rcu_dereference_protected(p->entry, lockdep_is_held(&lock));
	RCU_INIT_POINTER(p->entry, NULL);
	proc_put(pp);
	if (!p->users)
		return true;
	if (--*p->users)
		return false;
	kfree(p->users);
	return true;
}

static void forget(u64 entity_id)
{
	char eid[VIGIL_ENTITY_ID_LEN + 1];

	vigil_proc_entity_str(entity_id, eid);
	vigil_detect_forget_entity(eid, VIGIL_ENTITY_ID_LEN);
}

/* Entries unlinked under the lock, finished after it. */
struct gone {
	struct vigil_proc *old, *victim;
	bool forget_old, forget_victim;
};

/*
 * Hashes @p, first unlinking the entry of the same tgid, or the least
 * recently used entry if the table is full.  @p without a parent takes
 * the replaced entry's (exec keeps the lineage).  Lock held.
 */
static void insert_locked(struct vigil_proc *p, struct gone *g)
{
	struct vigil_proc *old = find(p->tgid), *pp;

	if (old) {
		pp = rcu_dereference_protected(old->parent,
					       lockdep_is_held(&lock));
		/* @old's reference keeps @pp alive until unlink_proc(). */
		if (pp && !rcu_access_pointer(p->parent)) {
			refcount_inc(&pp->ref);
			RCU_INIT_POINTER(p->parent, pp);
		}
		g->old = old;
		g->forget_old = unlink_proc(old);
	} else if (count >= proc_max && !list_empty(&lru)) {
		g->victim = list_first_entry(&lru, struct vigil_proc, lru);
		g->forget_victim = unlink_proc(g->victim);
	}
	hlist_add_head_rcu(&p->hnode, bucket(p->tgid));
	list_add_tail(&p->lru, &lru);
	count++;
}

static void finish(struct gone *g)
{
	if (g->old) {
		if (g->forget_old)
			forget(g->old->entity_id);
		proc_put(g->old);
	} else {
		vigil_stat_inc(VIGIL_STAT_PROC_TRACKED);
	}
	if (g->victim) {
		if (g->forget_victim)
			forget(g->victim->entity_id);
		proc_put(g->victim);
		vigil_stat_inc(VIGIL_STAT_PROC_EVICTIONS);
		vigil_stat_add(VIGIL_STAT_PROC_TRACKED, (u64)-1);
	}
}

static struct vigil_proc *proc_alloc(pid_t tgid,
				     const struct vigil_proc_image *img)
{
	u32 exe_len = min_t(u32, img->exe_len, VIGIL_PROC_EXE_MAX);
	u32 name_len = min_t(u32, img->name_len, VIGIL_PROC_NAME_MAX);
	u32 args_len, n;
	struct vigil_proc *p;
	bool cut = img->truncated;

	/* Sized for the most the snapshot can take; trimmed by kmalloc. */
	args_len = min_t(u32, img->args_len, VIGIL_PROC_ARGS_MAX);
	p = kmalloc(sizeof(*p) + exe_len + 1 + name_len + 1 + args_len,
		    GFP_ATOMIC | __GFP_NOWARN);
	if (!p) {
		vigil_stat_inc(VIGIL_STAT_CAPTURE_ERRORS);
		return NULL;
	}
	INIT_HLIST_NODE(&p->hnode);
	INIT_LIST_HEAD(&p->lru);
	refcount_set(&p->ref, 1);
	RCU_INIT_POINTER(p->parent, NULL);
	RCU_INIT_POINTER(p->entry, NULL);
	p->entry_type = VIGIL_ENTRY_NONE;
	p->touched = jiffies;
	p->entity_id = vigil_proctab_new_id();
	/* Without a counter the id is not shared: children get their own. */
	p->users = kmalloc(sizeof(*p->users), GFP_ATOMIC | __GFP_NOWARN);
	if (p->users)
		*p->users = 1;
	p->tgid = tgid;
	p->exe_dev = img->exe_dev;
	p->exe_ino = img->exe_ino;
	p->args_count = img->args_count;
	p->flags = 0;
	if (img->exe_len > exe_len) {
		exe_len = vigil_path_keep_tail(p->data, exe_len, img->exe,
					       img->exe_len);
		p->flags |= VIGIL_PROC_F_EXE_TRUNCATED;
	} else {
		memcpy(p->data, img->exe, exe_len);
	}
	if (img->exe_cut)
		p->flags |= VIGIL_PROC_F_EXE_TRUNCATED;
	if (img->tty_major)
		p->flags |= VIGIL_PROC_F_INTERACTIVE;
	p->data[exe_len] = '\0';
	p->exe_len = exe_len;
	memcpy(p->data + exe_len + 1, img->name, name_len);
	p->data[exe_len + 1 + name_len] = '\0';
	p->name_len = name_len;
	if (name_len < img->name_len)
		p->flags |= VIGIL_PROC_F_NAME_TRUNCATED;
	args_len = vigil_argv_snapshot(p->data + exe_len + 1 + name_len + 1,
				       args_len, img->args, img->args_len, &n,
				       &cut);
	p->args_len = args_len;
	p->args_snap_count = n;
	if (cut)
		p->flags |= VIGIL_PROC_F_ARGS_TRUNCATED;
	return p;
}

/* Frees @p, made by proc_alloc() and never linked. */
static void proc_discard(struct vigil_proc *p)
{
	proc_put(rcu_dereference_protected(p->entry, true));
	kfree(p->users);
	kfree(p);
}

/*
 * The entry leader of the tracked process @tgid, with a reference, and
 * its type in @type; NULL when it is not tracked or has none.  Caller
 * holds rcu_read_lock().  An entry being unlinked meanwhile has a NULL
 * @entry or a leader whose last reference is going: both count as none.
 */
static struct vigil_proc *relative_leader(pid_t tgid, u8 *type)
{
	struct vigil_proc *r = tgid > 0 ? find(tgid) : NULL, *l;

	if (!r || r->entry_type == VIGIL_ENTRY_NONE)
		return NULL;
	l = r->flags & VIGIL_PROC_F_ENTRY_SELF ? r : rcu_dereference(r->entry);
	if (!l || !refcount_inc_not_zero(&l->ref))
		return NULL;
	*type = r->entry_type;
	return l;
}

/*
 * Decides the entry leader of @p, not yet linked, from @img's facts and
 * the table (see the top of this file).  Caller holds rcu_read_lock().
 */
static void entry_resolve(struct vigil_proc *p,
			  const struct vigil_proc_image *img)
{
	const struct vigil_proc *pp = img->ppid > 0 ? find(img->ppid) : NULL;
	const pid_t relatives[] = { img->ppid, img->sid, img->pgid };
	struct vigil_entry_facts f = {
		.tgid = p->tgid,
		.ppid = img->ppid,
		.sid = img->sid,
		.tty_major = img->tty_major,
		.tty_minor = img->tty_minor,
		.name = vigil_proc_name(p),
		.name_len = p->name_len,
		.parent_name = pp ? vigil_proc_name(pp) : NULL,
		.parent_name_len = pp ? pp->name_len : 0,
	};
	struct vigil_proc *l;
	u8 type = VIGIL_ENTRY_NONE;
	size_t i;

	switch (vigil_entry_decide(&f, &type)) {
	case VIGIL_ENTRY_NEVER:
		return;
	case VIGIL_ENTRY_LEADS:
		p->entry_type = type;
		p->flags |= VIGIL_PROC_F_ENTRY_SELF;
		return;
	case VIGIL_ENTRY_INHERIT:
		break;
	}
	for (i = 0; i < ARRAY_SIZE(relatives); i++) {
		l = relative_leader(relatives[i], &type);
		if (l) {
			RCU_INIT_POINTER(p->entry, l);
			p->entry_type = type;
			return;
		}
	}
	if (p->tgid == img->sid) {
		p->entry_type = VIGIL_ENTRY_UNKNOWN;
		p->flags |= VIGIL_PROC_F_ENTRY_SELF;
	}
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
struct vigil_proc *
vigil_proctab_set(pid_t tgid, const struct vigil_proc_image *img, bool replace)
{
	struct gone g = {};
	struct vigil_proc *p, *old;
	bool forget_old = false;

	if (!replace) {
		p = vigil_proctab_lookup(tgid);
		if (p)
			return p;
	}
	p = proc_alloc(tgid, img);
	if (!p) {
		if (!replace)
			return NULL;
		/* The old image is gone all the same. */
		spin_lock(&lock);
		old = find(tgid);
		if (old)
			forget_old = unlink_proc(old);
		spin_unlock(&lock);
		if (old) {
			vigil_stat_add(VIGIL_STAT_PROC_TRACKED, (u64)-1);
			if (forget_old)
				forget(old->entity_id);
			proc_put(old);
		}
		return NULL;
	}
	entry_resolve(p, img);

	spin_lock(&lock);
	if (!replace) {
		/* Created meanwhile on another CPU: keep that one. */
		old = find(tgid);
		if (old) {
			spin_unlock(&lock);
			proc_discard(p);
			return old;
		}
	}
	insert_locked(p, &g);
	spin_unlock(&lock);
	finish(&g);
	return p;
}

/**
 * vigil_proctab_capacity() - the most processes the table holds
 *
 * Return: proc_max, as clamped at load.
 */
unsigned int vigil_proctab_capacity(void)
{
	return proc_max;
}

/**
 * vigil_proctab_fork() - a new process runs its parent's image
 * @parent: tgid of the forking process
 * @child: tgid of the new process
 *
 * Atomic context.  The child gets a copy of the parent's entry with the
 * same entity id (a new one if the parent's id has no use counter), and
 * the parent's entry as its recorded parent.  Nothing happens if the
 * parent is not tracked: the child is then added when first seen, with
 * no recorded parent.
 */
void vigil_proctab_fork(pid_t parent, pid_t child)
{
	struct vigil_proc *pp, *p;
	struct gone g = {};
	size_t size;

	/* Held throughout, so @pp cannot be freed and reused meanwhile. */
	rcu_read_lock();
	pp = find(parent);
	if (!pp)
		goto out;
	size = sizeof(*pp) + pp->exe_len + 1 + pp->name_len + 1 + pp->args_len;
	p = kmalloc(size, GFP_ATOMIC | __GFP_NOWARN);
	if (!p) {
		vigil_stat_inc(VIGIL_STAT_CAPTURE_ERRORS);
		goto out;
	}
	spin_lock(&lock);
	if (find(parent) != pp) {
		/* Replaced (exec in another thread) or evicted meanwhile. */
		spin_unlock(&lock);
		kfree(p);
		goto out;
	}
	memcpy(p, pp, size);
	INIT_HLIST_NODE(&p->hnode);
	INIT_LIST_HEAD(&p->lru);
	refcount_set(&p->ref, 1);
	/* Linked, so the table's reference keeps @pp alive here. */
	refcount_inc(&pp->ref);
	RCU_INIT_POINTER(p->parent, pp);
	/* The child has its parent's entry leader: @pp, or @pp's. */
	if (pp->flags & VIGIL_PROC_F_ENTRY_SELF) {
		refcount_inc(&pp->ref);
		RCU_INIT_POINTER(p->entry, pp);
		p->flags &= ~VIGIL_PROC_F_ENTRY_SELF;
	} else if (rcu_access_pointer(pp->entry)) {
		/* @pp's own reference keeps its leader alive. */
		refcount_inc(&rcu_dereference_protected(pp->entry,
							lockdep_is_held(&lock))
				      ->ref);
	}
	p->touched = jiffies;
	p->tgid = child;
	if (p->users)
		++*p->users;
	else
		p->entity_id = vigil_proctab_new_id();
	insert_locked(p, &g);
	spin_unlock(&lock);
	finish(&g);
out:
	rcu_read_unlock();
}

/**
 * vigil_proctab_exit() - a whole thread group is gone
 * @tgid: the process
 *
 * Atomic context.  Drops the entry and its reference to its parent's,
 * and the detection state of its entity id when no other process shares
 * it.  Children keep the entry itself (as their parent) until they go.
 */
void vigil_proctab_exit(pid_t tgid)
{
	struct vigil_proc *p;
	bool forget_id = false;

	spin_lock(&lock);
	p = find(tgid);
	if (p)
		forget_id = unlink_proc(p);
	spin_unlock(&lock);
	if (!p)
		return;
	vigil_stat_add(VIGIL_STAT_PROC_TRACKED, (u64)-1);
	if (forget_id)
		forget(p->entity_id);
	proc_put(p);
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
		proc_put(p);
		n++;
	}
	spin_unlock(&lock);
	/* Every entry is unlinked, so nothing pins another: all are queued. */
	rcu_barrier();
	vigil_stat_add(VIGIL_STAT_PROC_TRACKED, -(u64)n);
	kvfree(buckets);
	buckets = NULL;
}
