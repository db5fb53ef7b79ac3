// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The new-terms store of one rule: a hash table of term tuple hashes with
 * their last sighting, LRU-evicted when full.  Entries live in chunks of
 * TERMS_CHUNK (4 KiB), allocated as the store fills: the first with the
 * store, the others when an entry is needed and every chunk is full, in
 * probe context (vg_alloc_atomic()), up to the capacity.  A chunk that
 * cannot be had makes the store evict as a full one does (counted in
 * @evictions, as every eviction is).  So an empty store holds its
 * buckets (4 bytes per 4 entries of capacity), its chunk pointers and one
 * chunk; a full one 32 bytes more per entry.
 */
#include "internal.h"
#include "lru.h"

struct term_ent {
	u64 hash;
	u64 last;
	u32 hnext; /* bucket chain */
	struct vigil_lru_link lru; /* head is the most recent */
	u32 pad;
};

#define TERMS_CHUNK_SHIFT 7
#define TERMS_CHUNK (1U << TERMS_CHUNK_SHIFT)
_Static_assert(sizeof(struct term_ent) * TERMS_CHUNK == 4096,
	       "a chunk of entries is one 4 KiB block");
/* Entries per bucket at capacity, at most (a power of two). */
#define TERMS_LOAD 4U

/**
 * struct vigil_terms - one rule's store
 * @lock: serializes everything below
 * @cap: entries it may hold
 * @mask: buckets - 1
 * @n: entries in use: 0..@n - 1
 * @n_chunks: chunks allocated: entries 0..@n_chunks * TERMS_CHUNK - 1
 * @lru: the entries, most recently used first
 * @evictions: entries evicted for room (a full store's, or one whose next
 *	chunk could not be allocated)
 * @bucket: heads of the hash chains (VIGIL_NIL: empty)
 * @chunk: the entry chunks, DIV_ROUND_UP(@cap, TERMS_CHUNK) pointers
 */
struct vigil_terms {
	struct vg_lock lock;
	u32 cap, mask, n, n_chunks;
	struct vigil_lru lru;
	u64 evictions;
	u32 *bucket;
	struct term_ent **chunk;
};

/* Buckets of a store of @capacity entries: a power of two. */
static u32 terms_buckets(u32 capacity)
{
	u32 nb = 1;

	while ((u64)nb * TERMS_LOAD < capacity)
		nb <<= 1;
	return nb;
}

static u32 terms_chunks(u32 capacity)
{
	return (capacity + TERMS_CHUNK - 1) / TERMS_CHUNK;
}

/**
 * vigil_terms_bytes() - memory of a full store
 * @capacity: entries (> 0)
 *
 * Return: what a store of @capacity holds at most, in bytes.
 */
u64 vigil_terms_bytes(u32 capacity)
{
	return sizeof(struct vigil_terms) +
	       sizeof(u32) * (u64)terms_buckets(capacity) +
	       (sizeof(struct term_ent *) +
		sizeof(struct term_ent) * (u64)TERMS_CHUNK) *
		       terms_chunks(capacity);
}

/**
 * vigil_terms_new() - allocate a store, with its first chunk
 * @capacity: entries (> 0)
 *
 * May sleep.
 *
 * Return: the store or NULL.
 */
struct vigil_terms *vigil_terms_new(u32 capacity)
{
	struct vigil_terms *t;
	u32 nb = terms_buckets(capacity), i;

	t = vg_zalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->cap = capacity;
	t->mask = nb - 1;
	vigil_lru_init(&t->lru);
	t->bucket = vg_zalloc(sizeof(u32) * nb);
	t->chunk = vg_zalloc(sizeof(*t->chunk) * terms_chunks(capacity));
	if (!t->bucket || !t->chunk)
		goto fail;
	t->chunk[0] = vg_zalloc(sizeof(struct term_ent) * TERMS_CHUNK);
	if (!t->chunk[0])
		goto fail;
	t->n_chunks = 1;
	for (i = 0; i < nb; i++)
		t->bucket[i] = VIGIL_NIL;
	vg_lock_init(&t->lock);
	return t;
fail:
	vigil_terms_free(t);
	return NULL;
}

/**
 * vigil_terms_free() - free a store
 * @t: store or NULL
 */
void vigil_terms_free(struct vigil_terms *t)
{
	u32 i;

	if (!t)
		return;
	if (t->chunk && t->n_chunks)
		vg_free(t->chunk[0]);
	for (i = 1; t->chunk && i < t->n_chunks; i++)
		vg_free_atomic(t->chunk[i]);
	vg_free(t->chunk);
	vg_free(t->bucket);
	vg_free(t);
}

/* Entry @i (below @t->n_chunks * TERMS_CHUNK). */
static struct term_ent *ent(const struct vigil_terms *t, u32 i)
{
	return &t->chunk[i >> TERMS_CHUNK_SHIFT][i & (TERMS_CHUNK - 1)];
}

static __always_inline struct vigil_lru_link *link_at(const void *t, u32 i)
{
	return &ent(t, i)->lru;
}

static void lru_unlink(struct vigil_terms *t, u32 i)
{
	vigil_lru_unlink_at(&t->lru, link_at, t, i);
}

static void lru_push(struct vigil_terms *t, u32 i)
{
	vigil_lru_push_at(&t->lru, link_at, t, i);
}

static u32 find(struct vigil_terms *t, u64 hash)
{
	u32 i;

	for (i = t->bucket[hash & t->mask]; i != VIGIL_NIL;
	     i = ent(t, i)->hnext)
		if (ent(t, i)->hash == hash)
			return i;
	return VIGIL_NIL;
}

static void hash_unlink(struct vigil_terms *t, u32 i)
{
	u32 *pp = &t->bucket[ent(t, i)->hash & t->mask];

	while (*pp != VIGIL_NIL && *pp != i)
		pp = &ent(t, *pp)->hnext;
	if (*pp == i)
		*pp = ent(t, i)->hnext;
}

/*
 * Room for a new entry below the capacity: a free entry of the chunks
 * held, or of a chunk allocated now.  Caller holds the lock.  Return:
 * false when the chunks are full and no other can be had.
 */
static bool room(struct vigil_terms *t)
{
	if (t->n >= t->cap)
		return false;
	if (t->n < t->n_chunks * TERMS_CHUNK)
		return true;
	t->chunk[t->n_chunks] =
		vg_alloc_atomic(sizeof(struct term_ent) * TERMS_CHUNK);
	if (!t->chunk[t->n_chunks])
		return false;
	t->n_chunks++;
	return true;
}

/* Finds or inserts @hash; a new entry has last = 0.  Caller holds lock. */
static u32 get(struct vigil_terms *t, u64 hash)
{
	u32 i = find(t, hash);
	struct term_ent *en;

	if (i != VIGIL_NIL) {
		lru_unlink(t, i);
		lru_push(t, i);
		return i;
	}
	if (room(t)) {
		i = t->n++;
	} else {
		i = t->lru.tail;
		lru_unlink(t, i);
		hash_unlink(t, i);
		t->evictions++;
	}
	en = ent(t, i);
	en->hash = hash;
	en->last = 0;
	en->hnext = t->bucket[hash & t->mask];
	t->bucket[hash & t->mask] = i;
	lru_push(t, i);
	return i;
}

/**
 * vigil_terms_check() - record a sighting and say whether it is new
 * @t: store
 * @hash: term tuple hash
 * @now: event time, ns
 * @window_ns: history window
 *
 * New means absent, or last seen more than @window_ns before @now.
 * Either way the entry's last sighting becomes @now.
 *
 * Return: true if new.
 */
bool vigil_terms_check(struct vigil_terms *t, u64 hash, u64 now, u64 window_ns)
{
	bool fresh;
	u32 i;

	vg_lock(&t->lock);
	i = find(t, hash);
	fresh = i == VIGIL_NIL ||
		(now > ent(t, i)->last && now - ent(t, i)->last > window_ns);
	i = get(t, hash);
	if (now > ent(t, i)->last)
		ent(t, i)->last = now;
	vg_unlock(&t->lock);
	return fresh;
}

static void put(struct vigil_terms *t, u64 hash, u64 last_seen)
{
	struct term_ent *en = ent(t, get(t, hash));

	if (last_seen > en->last)
		en->last = last_seen;
}

/**
 * vigil_terms_put() - add or refresh a learned term
 * @t: store
 * @hash: term tuple hash
 * @last_seen: ns; the entry keeps the later of this and what it had
 */
void vigil_terms_put(struct vigil_terms *t, u64 hash, u64 last_seen)
{
	vg_lock(&t->lock);
	put(t, hash, last_seen);
	vg_unlock(&t->lock);
}

/**
 * vigil_terms_put_private() - vigil_terms_put() into a store nobody else
 *	can reach yet
 * @t: store of an engine not yet published
 * @hash: term tuple hash
 * @last_seen: ns
 *
 * Takes no lock: used by vigil_engine_inherit() while it holds no other
 * store's lock either, so the two stores' locks (one lock class) never
 * nest.
 */
void vigil_terms_put_private(struct vigil_terms *t, u64 hash, u64 last_seen)
{
	put(t, hash, last_seen);
}

/**
 * vigil_terms_copy() - copy a bounded chunk of a store
 * @t: store (live: probes may use it meanwhile)
 * @pos: entry to start at; advanced past the chunk
 * @out: receives up to @max (hash, last sighting) pairs
 * @max: chunk size
 *
 * Holds the store's lock for one chunk only, so a caller walking a big
 * store in chunks keeps the probes' wait short.  Entries are visited in
 * slot order; one evicted and reused between two chunks is copied as it
 * is then.
 *
 * Return: pairs copied; 0 at the end.
 */
u32 vigil_terms_copy(struct vigil_terms *t, u32 *pos, struct vigil_term_kv *out,
		     u32 max)
{
	u32 n = 0;

	vg_lock(&t->lock);
	while (*pos < t->n && n < max) {
		out[n].hash = ent(t, *pos)->hash;
		out[n].last = ent(t, *pos)->last;
		n++;
		(*pos)++;
	}
	vg_unlock(&t->lock);
	return n;
}

/**
 * vigil_terms_cap() - entries a store holds at most
 * @t: store
 *
 * Return: its capacity.
 */
u32 vigil_terms_cap(const struct vigil_terms *t)
{
	return t->cap;
}

/**
 * vigil_terms_each() - walk the terms, least recently used first
 * @t: store
 * @fn: callback, under the store's lock; non-zero stops the walk
 * @ctx: its context
 *
 * Return: 0 or what @fn returned.
 */
int vigil_terms_each(struct vigil_terms *t,
		     int (*fn)(void *ctx, u64 hash, u64 last_seen_ns),
		     void *ctx)
{
	int ret = 0;
	u32 i;

	vg_lock(&t->lock);
	for (i = t->lru.tail; i != VIGIL_NIL && !ret; i = ent(t, i)->lru.prev)
		ret = fn(ctx, ent(t, i)->hash, ent(t, i)->last);
	vg_unlock(&t->lock);
	return ret;
}

/**
 * vigil_terms_count() - statistics of a store
 * @t: store
 * @learned: entries held
 * @evictions: entries evicted so far
 */
void vigil_terms_count(const struct vigil_terms *t, u64 *learned,
		       u64 *evictions)
{
	*learned = READ_ONCE(t->n);
	*evictions = READ_ONCE(t->evictions);
}
