// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The group store of one threshold rule (Elastic's type "threshold",
 * Documentation/engine.rst "Threshold rules"): per group, that is per
 * value of the rule's threshold fields, the times of its last @value
 * events and its @card_value most recently seen distinct values of the
 * cardinality field.  A group alerts when @value of those events and
 * @card_value of those values lie within the window before the event;
 * then it starts afresh, and events stamped at or before the alert's
 * latest event never count again (Kibana's threshold signal history).
 *
 * A table of at most capacity groups, each of one stride: the header,
 * the ring of event times, the distinct values (an LRU list with their
 * own hash chains).  Groups live in chunks of a power of two of them, as
 * many as 4 KiB holds (one, when a group is larger): the buckets, the
 * chunk pointers and the first chunk are allocated at load, the next
 * chunk when a new group finds every chunk full, in probe context
 * (vg_alloc_atomic()).  A full table, or one whose next chunk cannot be
 * had, makes room by taking, among the THR_EVICT_SCAN least recently
 * used groups, one whose events have all left the window, else the one
 * of them that made the least progress (counted in evictions).  Group
 * keys and values are hashed with SipHash under a key per store.  One
 * spinlock.
 */
#include "internal.h"
#include "lru.h"

/*
 * Test builds only (user/Makefile, test_threshold mutants): each value
 * puts back one defect the differential test must catch.
 */
#ifndef VIGIL_THR_MUTANT
#define VIGIL_THR_MUTANT 0
#endif
#define THR_MUT(n) (VIGIL_THR_MUTANT == (n))
#define THR_MUT_NO_RESTART 1 /* an alert does not restart the count */
#define THR_MUT_OPEN_WINDOW 2 /* an event exactly one window old is out */
#define THR_MUT_WHOLE_ARRAY 3 /* an ARRAY counts as one distinct value */
#define THR_MUT_NO_HISTORY 4 /* events up to the alert's may count again */

/* Least recently used groups looked at when the table is full */
#define THR_EVICT_SCAN 8U
#define THR_VNIL 0xffffU

/**
 * struct thr_val - one distinct value of the cardinality field
 * @hash: its SipHash
 * @last: the latest event time it was seen at
 * @prev: value LRU, towards the most recent
 * @next: value LRU, towards the least recent
 * @hnext: next in its hash chain
 * @pad: zero
 */
struct thr_val {
	u64 hash;
	u64 last;
	u16 prev, next, hnext, pad;
};

/**
 * struct thr_ent - one group
 * @key: the group key (threshold fields' values)
 * @first: time of the first event counted since the group (re)started
 * @tmax: the latest event time counted since then
 * @barrier: events stamped at or before it do not count (the latest
 *	event of the group's last alert); valid when @alerted
 * @n: events counted since the group (re)started (saturating)
 * @head: the ring slot the next event time goes to
 * @n_ring: times in the ring (at most the rule's value)
 * @n_val: distinct values held (at most its cardinality value)
 * @vhead: the most recently seen value
 * @vtail: the least recently seen value
 * @alerted: the group has alerted (@barrier is set)
 * @pad: zero
 * @hnext: next in the table's hash chain
 * @lru: the table's LRU list
 *
 * Followed in its stride by u64 ring[value], struct thr_val val[card]
 * and u16 vbucket[vmask + 1].
 */
struct thr_ent {
	u64 key;
	u64 first;
	u64 tmax;
	u64 barrier;
	u32 n;
	u16 head;
	u16 n_ring;
	u16 n_val;
	u16 vhead, vtail;
	u8 alerted;
	u8 pad;
	u32 hnext;
	struct vigil_lru_link lru;
};

/**
 * struct vigil_thr - the groups of one threshold rule
 * @lock: protects everything below but the fixed shape
 * @spec: the rule's threshold record (in the engine's blob)
 * @cap: groups at most
 * @mask: buckets less one
 * @n: groups in use (slots 0..@n - 1)
 * @n_chunks: chunks allocated (slots 0..(@n_chunks << @shift) - 1)
 * @shift: log2 of the groups of a chunk
 * @stride: bytes of one group
 * @vmask: value buckets of a group less one (0 without cardinality)
 * @window_ns: the window
 * @lru: groups, most recently used first
 * @evictions: groups with events in the window evicted for room
 * @hkey: SipHash key of values and group keys
 * @bucket: chain heads
 * @chunk: the chunks of groups, n_chunks() pointers
 */
struct vigil_thr {
	struct vg_lock lock;
	const struct vigil_rs_threshold *spec;
	u32 cap, mask, n, n_chunks, shift, stride, vmask;
	u64 window_ns;
	struct vigil_lru lru;
	u64 evictions;
	siphash_key_t hkey;
	u32 *bucket;
	u8 **chunk;
};

/* Bytes a chunk of groups fills at most, unless one group is larger. */
#define THR_CHUNK_BYTES 4096U

static u32 pow2_at_least(u32 x)
{
	u32 nb = 1;

	while (nb < x)
		nb <<= 1;
	return nb;
}

static u32 stride_of(const struct vigil_rs_threshold *spec)
{
	u64 s = sizeof(struct thr_ent) + sizeof(u64) * (u64)spec->value;

	if (spec->card_value)
		s += sizeof(struct thr_val) * (u64)spec->card_value +
		     sizeof(u16) * (u64)pow2_at_least(spec->card_value);
	return (u32)((s + 7) & ~7ULL);
}

/* log2 of the groups of a chunk: as many as THR_CHUNK_BYTES holds, >= 1. */
static u32 shift_of(u32 stride)
{
	u32 sh = 0;

	while ((2ULL << sh) * stride <= THR_CHUNK_BYTES)
		sh++;
	return sh;
}

/* Chunks of @capacity groups, @sh the log2 of a chunk's. */
static u32 n_chunks(u32 capacity, u32 sh)
{
	return (u32)(((u64)capacity + (1ULL << sh) - 1) >> sh);
}

/**
 * vigil_thr_bytes() - memory of a full store
 * @spec: a validated threshold record
 * @capacity: groups (> 0)
 *
 * Return: what a store of @capacity groups holds at most, in bytes.
 */
u64 vigil_thr_bytes(const struct vigil_rs_threshold *spec, u32 capacity)
{
	u32 stride = stride_of(spec), sh = shift_of(stride);

	return sizeof(struct vigil_thr) +
	       sizeof(u32) * (u64)pow2_at_least(capacity) +
	       (sizeof(u8 *) + ((u64)stride << sh)) * n_chunks(capacity, sh);
}

/**
 * vigil_thr_new() - allocate a store, with its first chunk of groups
 * @spec: the rule's validated threshold record; must outlive the store
 * @capacity: groups (> 0)
 *
 * May sleep.
 *
 * Return: the store or NULL.
 */
struct vigil_thr *vigil_thr_new(const struct vigil_rs_threshold *spec,
				u32 capacity)
{
	struct vigil_thr *t;
	u32 nb = pow2_at_least(capacity), i;

	t = vg_zalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->spec = spec;
	t->cap = capacity;
	t->mask = nb - 1;
	t->stride = stride_of(spec);
	t->shift = shift_of(t->stride);
	t->vmask = spec->card_value ? pow2_at_least(spec->card_value) - 1 : 0;
	t->window_ns = (u64)spec->window_ms * 1000000ULL;
	vigil_lru_init(&t->lru);
	t->bucket = vg_zalloc(sizeof(u32) * nb);
	t->chunk = vg_zalloc(sizeof(*t->chunk) * n_chunks(capacity, t->shift));
	if (t->chunk)
		t->chunk[0] = vg_zalloc((size_t)t->stride << t->shift);
	if (!t->bucket || !t->chunk || !t->chunk[0]) {
		vigil_thr_free(t);
		return NULL;
	}
	t->n_chunks = 1;
	for (i = 0; i < nb; i++)
		t->bucket[i] = VIGIL_NIL;
	vg_sipkey_init(&t->hkey);
	vg_lock_init(&t->lock);
	return t;
}

/**
 * vigil_thr_free() - free a store
 * @t: store or NULL
 */
void vigil_thr_free(struct vigil_thr *t)
{
	u32 i;

	if (!t)
		return;
	if (t->chunk)
		vg_free(t->chunk[0]);
	for (i = 1; t->chunk && i < t->n_chunks; i++)
		vg_free_atomic(t->chunk[i]);
	vg_free(t->chunk);
	vg_free(t->bucket);
	vg_free(t);
}

/* Group @i (below @t->n_chunks << @t->shift). */
static struct thr_ent *ent_at(const struct vigil_thr *t, u32 i)
{
	return (struct thr_ent *)(t->chunk[i >> t->shift] +
				  (size_t)(i & ((1U << t->shift) - 1)) *
					  t->stride);
}

static __always_inline struct vigil_lru_link *link_at(const void *t, u32 i)
{
	return &ent_at(t, i)->lru;
}

static u64 *ring_of(struct thr_ent *en)
{
	return (u64 *)(en + 1);
}

static struct thr_val *vals_of(const struct vigil_thr *t, struct thr_ent *en)
{
	return (struct thr_val *)(ring_of(en) + t->spec->value);
}

static u16 *vbucket_of(const struct vigil_thr *t, struct thr_ent *en)
{
	return (u16 *)(vals_of(t, en) + t->spec->card_value);
}

/* The hash of one value (an ARRAY element, a STR, an IP, a NUM). */
static u64 hash_bytes(const struct vigil_thr *t, const void *p, u32 len)
{
	return vg_siphash(p, len, &t->hkey);
}

static u64 value_hash(const struct vigil_thr *t, u32 field,
		      const struct vigil_value *v)
{
	if (vigil_field_type(field) == VIGIL_FT_NUM)
		return hash_bytes(t, &v->num, sizeof(v->num));
	return hash_bytes(t, v->str, v->len);
}

/*
 * The group key of @ev: one field is its value's hash, several the hash
 * of their hashes in order, none 0.  Return: false when one is missing.
 */
static bool group_key(const struct vigil_thr *t, const struct vigil_event *ev,
		      u64 *out)
{
	const struct vigil_rs_threshold *sp = t->spec;
	u64 h[VIGIL_RS_MAX_THR_FIELDS];
	u32 i, f;

	*out = 0;
	for (i = 0; i < sp->n_fields && i < VIGIL_RS_MAX_THR_FIELDS; i++) {
		f = sp->fields[i];
		if (f >= __VIGIL_F_LAST || !(ev->present & (1ULL << f)))
			return false;
		h[i] = value_hash(t, f, &ev->v[f]);
	}
	if (i == 1)
		*out = h[0];
	else if (i > 1)
		*out = hash_bytes(t, h, i * sizeof(h[0]));
	return true;
}

static u32 bucket_of(const struct vigil_thr *t, u64 key)
{
	return (u32)((key ^ key >> 29) & t->mask);
}

static void lru_unlink(struct vigil_thr *t, u32 i)
{
	vigil_lru_unlink_at(&t->lru, link_at, t, i);
}

static void lru_push(struct vigil_thr *t, u32 i)
{
	vigil_lru_push_at(&t->lru, link_at, t, i);
}

static void hash_unlink(struct vigil_thr *t, u32 i)
{
	u32 *pp = &t->bucket[bucket_of(t, ent_at(t, i)->key)];

	while (*pp != VIGIL_NIL && *pp != i)
		pp = &ent_at(t, *pp)->hnext;
	if (*pp == i)
		*pp = ent_at(t, i)->hnext;
}

/* Forgets what a group counted (its key, barrier and links stay). */
static void restart(struct vigil_thr *t, struct thr_ent *en)
{
	u32 i;

	en->n = 0;
	en->head = 0;
	en->n_ring = 0;
	en->n_val = 0;
	en->vhead = THR_VNIL;
	en->vtail = THR_VNIL;
	if (t->spec->card_value)
		for (i = 0; i <= t->vmask; i++)
			vbucket_of(t, en)[i] = THR_VNIL;
}

/* Have all of @en's counted events left the window before @now? */
static bool stale(const struct vigil_thr *t, const struct thr_ent *en, u64 now)
{
	return !en->n || (now > en->tmax && now - en->tmax > t->window_ns);
}

/*
 * A free slot below the capacity: of the chunks held, or of a chunk
 * allocated now.  Return: false when the chunks are full and no other
 * can be had.
 */
static bool have_free(struct vigil_thr *t)
{
	if (t->n >= t->cap)
		return false;
	if (t->n < t->n_chunks << t->shift)
		return true;
	t->chunk[t->n_chunks] = vg_alloc_atomic((size_t)t->stride << t->shift);
	if (!t->chunk[t->n_chunks])
		return false;
	t->n_chunks++;
	return true;
}

/*
 * The slot for a new group: a free one (have_free()), else among the
 * THR_EVICT_SCAN least recently used a stale one, else the one with the
 * fewest event times and then values (ties: the least recently used).
 * The first chunk is there from the start, so there is always one.
 */
static u32 make_room(struct vigil_thr *t, u64 now)
{
	u32 i, k, best = VIGIL_NIL;
	struct thr_ent *en, *b = NULL;

	if (have_free(t))
		return t->n++;
	for (i = t->lru.tail, k = 0; i != VIGIL_NIL && k < THR_EVICT_SCAN;
	     i = en->lru.prev, k++) {
		en = ent_at(t, i);
		if (stale(t, en, now)) {
			best = i;
			b = NULL;
			break;
		}
		if (!b || en->n_ring < b->n_ring ||
		    (en->n_ring == b->n_ring && en->n_val < b->n_val)) {
			best = i;
			b = en;
		}
	}
	if (WARN_ON_ONCE(best == VIGIL_NIL))
		return VIGIL_NIL;
	if (b)
		t->evictions++;
	lru_unlink(t, best);
	hash_unlink(t, best);
	return best;
}

/* The group of @key, found or made; the most recently used. */
static struct thr_ent *get(struct vigil_thr *t, u64 key, u64 now)
{
	struct thr_ent *en;
	u32 i;

	for (i = t->bucket[bucket_of(t, key)]; i != VIGIL_NIL; i = en->hnext) {
		en = ent_at(t, i);
		if (en->key == key) {
			lru_unlink(t, i);
			lru_push(t, i);
			return en;
		}
	}
	i = make_room(t, now);
	if (i == VIGIL_NIL)
		return NULL;
	en = ent_at(t, i);
	en->key = key;
	en->alerted = 0;
	en->barrier = 0;
	en->first = 0;
	en->tmax = 0;
	restart(t, en);
	en->hnext = t->bucket[bucket_of(t, key)];
	t->bucket[bucket_of(t, key)] = i;
	lru_push(t, i);
	return en;
}

static void val_unlink(struct thr_ent *en, struct thr_val *v, u16 i)
{
	if (v[i].prev != THR_VNIL)
		v[v[i].prev].next = v[i].next;
	else
		en->vhead = v[i].next;
	if (v[i].next != THR_VNIL)
		v[v[i].next].prev = v[i].prev;
	else
		en->vtail = v[i].prev;
}

static void val_push(struct thr_ent *en, struct thr_val *v, u16 i)
{
	v[i].prev = THR_VNIL;
	v[i].next = en->vhead;
	if (en->vhead != THR_VNIL)
		v[en->vhead].prev = i;
	en->vhead = i;
	if (en->vtail == THR_VNIL)
		en->vtail = i;
}

/*
 * Notes value @h seen at @now: the group keeps its card_value most
 * recently seen values, which is all that "at least card_value distinct
 * values in the window" needs.
 */
static void see_value(struct vigil_thr *t, struct thr_ent *en, u64 h, u64 now)
{
	struct thr_val *v = vals_of(t, en);
	u16 *vb = vbucket_of(t, en), *pp;
	u16 i;

	for (i = vb[h & t->vmask]; i != THR_VNIL; i = v[i].hnext)
		if (v[i].hash == h)
			break;
	if (i != THR_VNIL) {
		if (now > v[i].last)
			v[i].last = now;
		val_unlink(en, v, i);
		val_push(en, v, i);
		return;
	}
	if (en->n_val < t->spec->card_value) {
		i = en->n_val++;
	} else {
		/* the least recently seen makes room */
		i = en->vtail;
		val_unlink(en, v, i);
		for (pp = &vb[v[i].hash & t->vmask]; *pp != i;
		     pp = &v[*pp].hnext)
			;
		*pp = v[i].hnext;
	}
	v[i].hash = h;
	v[i].last = now;
	v[i].hnext = vb[h & t->vmask];
	vb[h & t->vmask] = i;
	val_push(en, v, i);
}

static void see_values(struct vigil_thr *t, struct thr_ent *en,
		       const struct vigil_event *ev, u64 now)
{
	u32 f = t->spec->card_field, off, l;
	const struct vigil_value *v;

	if (f >= __VIGIL_F_LAST || !(ev->present & (1ULL << f)))
		return;
	v = &ev->v[f];
	if (vigil_field_type(f) != VIGIL_FT_ARRAY ||
	    THR_MUT(THR_MUT_WHOLE_ARRAY)) {
		see_value(t, en, value_hash(t, f, v), now);
		return;
	}
	/* each element (a last one without its NUL too) */
	for (off = 0; off < v->len; off += l + 1) {
		for (l = 0; off + l < v->len && v->str[off + l]; l++)
			;
		see_value(t, en, hash_bytes(t, v->str + off, l), now);
	}
}

/* Is @x within the window that ends at @now (inclusive)? */
static bool in_window(const struct vigil_thr *t, u64 x, u64 now)
{
	if (THR_MUT(THR_MUT_OPEN_WINDOW))
		return x > now || now - x < t->window_ns;
	return x >= now || now - x <= t->window_ns;
}

/**
 * vigil_thr_check() - count an event of the rule and say if it alerts
 * @t: store
 * @ev: the event, which matched the rule's step
 * @now: its window time (vigil_event_window_ns())
 * @res: on an alert, the count and cardinality
 *
 * An event missing a threshold field is not counted, as Elasticsearch's
 * terms aggregation leaves it out of every bucket; one missing the
 * cardinality field counts but adds no value.  Atomic-context safe.
 *
 * Return: true when the event makes its group reach the threshold.
 */
bool vigil_thr_check(struct vigil_thr *t, const struct vigil_event *ev, u64 now,
		     struct vigil_thr_result *res)
{
	const struct vigil_rs_threshold *sp = t->spec;
	struct thr_ent *en;
	u32 i, in = 0, vin = 0;
	bool hit = false;
	u64 *ring, key;
	u16 k;

	if (!group_key(t, ev, &key))
		return false;
	vg_lock(&t->lock);
	en = get(t, key, now);
	if (!en ||
	    (en->alerted && now <= en->barrier && !THR_MUT(THR_MUT_NO_HISTORY)))
		goto out;
	if (!en->n)
		en->first = now;
	if (en->n < U32_MAX)
		en->n++;
	if (now > en->tmax)
		en->tmax = now;
	ring = ring_of(en);
	ring[en->head] = now;
	en->head = en->head + 1U < sp->value ? en->head + 1 : 0;
	if (en->n_ring < sp->value)
		en->n_ring++;
	if (sp->card_value)
		see_values(t, en, ev, now);
	for (i = 0; i < en->n_ring; i++)
		in += in_window(t, ring[i], now);
	if (in < sp->value)
		goto out;
	if (sp->card_value) {
		for (k = en->vhead; k != THR_VNIL; k = vals_of(t, en)[k].next)
			vin += in_window(t, vals_of(t, en)[k].last, now);
		if (vin < sp->card_value)
			goto out;
	}
	hit = true;
	res->count = in_window(t, en->first, now) ? en->n : in;
	res->cardinality = vin;
	if (THR_MUT(THR_MUT_NO_RESTART))
		goto out;
	en->alerted = 1;
	en->barrier = en->tmax;
	restart(t, en);
out:
	vg_unlock(&t->lock);
	return hit;
}

/**
 * vigil_thr_count() - statistics of a store
 * @t: store
 * @groups: groups held
 * @evictions: groups with events in the window evicted so far
 */
void vigil_thr_count(const struct vigil_thr *t, u64 *groups, u64 *evictions)
{
	*groups = READ_ONCE(t->n);
	*evictions = READ_ONCE(t->evictions);
}
