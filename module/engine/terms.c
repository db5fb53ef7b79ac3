// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The new-terms store of one rule: a fixed-capacity hash table of term
 * tuple hashes with their last sighting, LRU-evicted when full.  32 bytes
 * per entry plus 4 bytes per bucket, all allocated up front.
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

struct vigil_terms {
	struct vg_lock lock;
	u32 cap, mask, n;
	struct vigil_lru lru;
	u64 evictions;
	u32 *bucket;
	struct term_ent *ent;
};

/**
 * vigil_terms_bytes() - memory of a store
 * @capacity: entries (> 0)
 *
 * Return: what vigil_terms_new(@capacity) allocates, in bytes.
 */
u64 vigil_terms_bytes(u32 capacity)
{
	u64 nb = 1;

	while (nb < capacity)
		nb <<= 1;
	return sizeof(struct vigil_terms) + sizeof(u32) * nb +
	       sizeof(struct term_ent) * (u64)capacity;
}

/**
 * vigil_terms_new() - allocate a store
 * @capacity: entries (> 0)
 *
 * May sleep.
 *
 * Return: the store or NULL.
 */
struct vigil_terms *vigil_terms_new(u32 capacity)
{
	struct vigil_terms *t;
	u32 nb = 1, i;

	t = vg_zalloc(sizeof(*t));
	if (!t)
		return NULL;
	while (nb < capacity)
		nb <<= 1;
	t->cap = capacity;
	t->mask = nb - 1;
	vigil_lru_init(&t->lru);
	t->bucket = vg_zalloc(sizeof(u32) * nb);
	t->ent = vg_zalloc(sizeof(*t->ent) * capacity);
	if (!t->bucket || !t->ent) {
		vigil_terms_free(t);
		return NULL;
	}
	for (i = 0; i < nb; i++)
		t->bucket[i] = VIGIL_NIL;
	vg_lock_init(&t->lock);
	return t;
}

/**
 * vigil_terms_free() - free a store
 * @t: store or NULL
 */
void vigil_terms_free(struct vigil_terms *t)
{
	if (!t)
		return;
	vg_free(t->bucket);
	vg_free(t->ent);
	vg_free(t);
}

static void lru_unlink(struct vigil_terms *t, u32 i)
{
	vigil_lru_unlink(&t->lru, &t->ent[0].lru, sizeof(t->ent[0]), i);
}

static void lru_push(struct vigil_terms *t, u32 i)
{
	vigil_lru_push(&t->lru, &t->ent[0].lru, sizeof(t->ent[0]), i);
}

static u32 find(struct vigil_terms *t, u64 hash)
{
	u32 i;

	for (i = t->bucket[hash & t->mask]; i != VIGIL_NIL; i = t->ent[i].hnext)
		if (t->ent[i].hash == hash)
			return i;
	return VIGIL_NIL;
}

static void hash_unlink(struct vigil_terms *t, u32 i)
{
	u32 *pp = &t->bucket[t->ent[i].hash & t->mask];

	while (*pp != VIGIL_NIL && *pp != i)
		pp = &t->ent[*pp].hnext;
	if (*pp == i)
		*pp = t->ent[i].hnext;
}

/* Finds or inserts @hash; a new entry has last = 0.  Caller holds lock. */
static u32 get(struct vigil_terms *t, u64 hash)
{
	u32 i = find(t, hash);

	if (i != VIGIL_NIL) {
		lru_unlink(t, i);
		lru_push(t, i);
		return i;
	}
	if (t->n < t->cap) {
		i = t->n++;
	} else {
		i = t->lru.tail;
		lru_unlink(t, i);
		hash_unlink(t, i);
		t->evictions++;
	}
	t->ent[i].hash = hash;
	t->ent[i].last = 0;
	t->ent[i].hnext = t->bucket[hash & t->mask];
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
		(now > t->ent[i].last && now - t->ent[i].last > window_ns);
	i = get(t, hash);
	if (now > t->ent[i].last)
		t->ent[i].last = now;
	vg_unlock(&t->lock);
	return fresh;
}

static void put(struct vigil_terms *t, u64 hash, u64 last_seen)
{
	u32 i = get(t, hash);

	if (last_seen > t->ent[i].last)
		t->ent[i].last = last_seen;
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
		out[n].hash = t->ent[*pos].hash;
		out[n].last = t->ent[*pos].last;
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
	for (i = t->lru.tail; i != VIGIL_NIL && !ret; i = t->ent[i].lru.prev)
		ret = fn(ctx, t->ent[i].hash, t->ent[i].last);
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
