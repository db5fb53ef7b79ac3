// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The sequence correlator: pending sequences of all sequence rules in one
 * fixed-capacity table keyed by (rule, join key), LRU-evicted when full,
 * expired lazily (an entry past maxspan is dead when touched or when it
 * is the eviction victim).  Each entry owns n_slots slots of
 * VIGIL_SEQ_SLOT bytes holding the encoded events of the earlier steps.
 * One spinlock protects the table; everything is allocated up front.
 */
#include "internal.h"
#include "lru.h"

struct seq_ent {
	u64 key;
	u64 start; /* ns, time of the step-0 event */
	u32 rule;
	u32 hnext;
	struct vigil_lru_link lru; /* head is the most recent */
	u16 runs_seen; /* matches of the waiting step so far */
	u8 next_step; /* the step this sequence waits for */
	u8 used;
	u32 slot_len[VIGIL_RS_MAX_STEPS - 1];
};

struct vigil_seq_table {
	struct vg_lock lock;
	u32 cap, mask, n_slots;
	struct vigil_lru lru;
	u32 free;
	u64 pending, evictions, expired;
	u32 *bucket;
	struct seq_ent *ent;
	u8 *slots;
	u8 *entity_only; /* per rule: keyed by process.entity_id alone */
};

static u8 *slot(struct vigil_seq_table *t, u32 i, u32 k)
{
	return t->slots + ((size_t)i * t->n_slots + k) * VIGIL_SEQ_SLOT;
}

/* The longest sequence of @rs, less its last step: the slots per entry. */
static u32 seq_slots(const struct vigil_rs *rs)
{
	u32 r, n_slots = 0;

	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];

		if (ru->kind == VIGIL_RULE_SEQUENCE &&
		    ru->n_steps - 1U > n_slots)
			n_slots = ru->n_steps - 1U;
	}
	return n_slots;
}

/**
 * vigil_seq_bytes() - memory of the sequence table of a ruleset
 * @rs: validated ruleset
 * @capacity: pending sequences, all rules together
 *
 * Return: what vigil_seq_new() allocates for it, in bytes.
 */
u64 vigil_seq_bytes(const struct vigil_rs *rs, u32 capacity)
{
	u64 nb = 1, n_slots = seq_slots(rs);

	if (!n_slots)
		return 0;
	while (nb < capacity)
		nb <<= 1;
	return sizeof(struct vigil_seq_table) + sizeof(u32) * nb +
	       (sizeof(struct seq_ent) + n_slots * VIGIL_SEQ_SLOT) *
		       (u64)capacity +
	       rs->h->n_rules;
}

/**
 * vigil_seq_new() - allocate the sequence table of an engine
 * @e: engine with a mapped ruleset
 * @capacity: pending sequences, all rules together
 *
 * Nothing is allocated when the ruleset has no sequence rule.  May sleep.
 *
 * Return: 0 or -ENOMEM.
 */
int vigil_seq_new(struct vigil_engine *e, u32 capacity)
{
	const struct vigil_rs *rs = &e->rs;
	struct vigil_seq_table *t;
	u32 r, i, nb = 1, n_slots = seq_slots(rs);

	if (!n_slots)
		return 0;
	t = vg_zalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	e->seq = t;
	while (nb < capacity)
		nb <<= 1;
	t->cap = capacity;
	t->mask = nb - 1;
	t->n_slots = n_slots;
	vigil_lru_init(&t->lru);
	t->bucket = vg_zalloc(sizeof(u32) * nb);
	t->ent = vg_zalloc(sizeof(*t->ent) * capacity);
	t->slots = vg_zalloc((size_t)capacity * n_slots * VIGIL_SEQ_SLOT);
	t->entity_only = vg_zalloc(rs->h->n_rules);
	if (!t->bucket || !t->ent || !t->slots || !t->entity_only)
		return -ENOMEM;
	for (i = 0; i < nb; i++)
		t->bucket[i] = VIGIL_NIL;
	for (i = 0; i < capacity; i++)
		t->ent[i].hnext = i + 1 < capacity ? i + 1 : VIGIL_NIL;
	t->free = 0;
	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];
		bool only = ru->kind == VIGIL_RULE_SEQUENCE;

		for (i = 0; only && i < ru->n_steps; i++) {
			const struct vigil_rs_step *st =
				&rs->steps[ru->first_step + i];

			only = st->n_by == 1 &&
			       st->by_fields[0] == VIGIL_F_PROCESS_ENTITY_ID;
		}
		t->entity_only[r] = only;
	}
	vg_lock_init(&t->lock);
	return 0;
}

/**
 * vigil_seq_free() - free the sequence table of an engine
 * @e: engine
 */
void vigil_seq_free(struct vigil_engine *e)
{
	struct vigil_seq_table *t = e->seq;

	if (!t)
		return;
	vg_free(t->bucket);
	vg_free(t->ent);
	vg_free(t->slots);
	vg_free(t->entity_only);
	vg_free(t);
	e->seq = NULL;
}

static void lru_unlink(struct vigil_seq_table *t, u32 i)
{
	vigil_lru_unlink(&t->lru, &t->ent[0].lru, sizeof(t->ent[0]), i);
}

static void lru_push(struct vigil_seq_table *t, u32 i)
{
	vigil_lru_push(&t->lru, &t->ent[0].lru, sizeof(t->ent[0]), i);
}

static u32 bucket_of(struct vigil_seq_table *t, u32 rule, u64 key)
{
	return (u32)((key ^ ((u64)rule * 0x9e3779b97f4a7c15ULL)) & t->mask);
}

static u32 find(struct vigil_seq_table *t, u32 rule, u64 key)
{
	u32 i;

	for (i = t->bucket[bucket_of(t, rule, key)]; i != VIGIL_NIL;
	     i = t->ent[i].hnext)
		if (t->ent[i].key == key && t->ent[i].rule == rule)
			return i;
	return VIGIL_NIL;
}

static void drop(struct vigil_seq_table *t, u32 i)
{
	struct seq_ent *e = &t->ent[i];
	u32 *pp = &t->bucket[bucket_of(t, e->rule, e->key)];

	while (*pp != VIGIL_NIL && *pp != i)
		pp = &t->ent[*pp].hnext;
	if (*pp == i)
		*pp = e->hnext;
	lru_unlink(t, i);
	e->used = 0;
	e->hnext = t->free;
	t->free = i;
	t->pending--;
}

static bool expired(const struct seq_ent *e, u64 now, u64 span)
{
	return now > e->start && now - e->start > span;
}

static u64 span_of(const struct vigil_rs *rs, u32 rule)
{
	return (u64)rs->rules[rule].maxspan_ms * 1000000ULL;
}

static u32 alloc(struct vigil_engine *e, u32 rule, u64 key, u64 now)
{
	struct vigil_seq_table *t = e->seq;
	struct seq_ent *en;
	u32 i = t->free;

	if (i == VIGIL_NIL) {
		i = t->lru.tail;
		en = &t->ent[i];
		if (expired(en, now, span_of(&e->rs, en->rule)))
			t->expired++;
		else
			t->evictions++;
		drop(t, i);
		i = t->free;
	}
	en = &t->ent[i];
	t->free = en->hnext;
	memset(en, 0, sizeof(*en));
	en->key = key;
	en->rule = rule;
	en->used = 1;
	en->hnext = t->bucket[bucket_of(t, rule, key)];
	t->bucket[bucket_of(t, rule, key)] = i;
	lru_push(t, i);
	t->pending++;
	return i;
}

static void touch(struct vigil_seq_table *t, u32 i)
{
	lru_unlink(t, i);
	lru_push(t, i);
}

static void store(struct vigil_seq_table *t, u32 i, u32 k,
		  const struct vigil_event *ev)
{
	t->ent[i].slot_len[k] =
		vigil_event_encode(ev, slot(t, i, k), VIGIL_SEQ_SLOT);
}

/*
 * Advances the pending sequence of @key waiting at step @k, if any.
 * Return: 1 when it advanced (or counted a run), 2 when it completed.
 */
static u32 advance(struct vigil_engine *e, u32 rule, u32 k, u64 key,
		   const struct vigil_event *ev, u64 now, u32 *idx)
{
	const struct vigil_rs_rule *ru = &e->rs.rules[rule];
	const struct vigil_rs_step *st = &e->rs.steps[ru->first_step + k];
	struct vigil_seq_table *t = e->seq;
	struct seq_ent *en;
	u32 i = find(t, rule, key);

	if (i == VIGIL_NIL)
		return 0;
	en = &t->ent[i];
	if (en->next_step != k)
		return 0;
	if (expired(en, now, span_of(&e->rs, rule))) {
		t->expired++;
		drop(t, i);
		return 0;
	}
	*idx = i;
	en->runs_seen++;
	if (k < ru->n_steps - 1U)
		store(t, i, k, ev);
	if (en->runs_seen < st->runs) {
		touch(t, i);
		return 1;
	}
	if (k == ru->n_steps - 1U)
		return 2;
	en->next_step = k + 1;
	en->runs_seen = 0;
	touch(t, i);
	return 1;
}

static void start(struct vigil_engine *e, u32 rule, u64 key,
		  const struct vigil_event *ev, u64 now)
{
	const struct vigil_rs_rule *ru = &e->rs.rules[rule];
	const struct vigil_rs_step *st = &e->rs.steps[ru->first_step];
	struct vigil_seq_table *t = e->seq;
	struct seq_ent *en;
	u32 i = find(t, rule, key);

	if (i != VIGIL_NIL) {
		en = &t->ent[i];
		if (en->next_step == 0 &&
		    !expired(en, now, span_of(&e->rs, rule))) {
			/* another run of step 0 */
			en->runs_seen++;
			store(t, i, 0, ev);
			if (en->runs_seen >= st->runs) {
				en->next_step = 1;
				en->runs_seen = 0;
			}
			touch(t, i);
			return;
		}
		touch(t, i);
	} else {
		i = alloc(e, rule, key, now);
	}
	en = &t->ent[i];
	en->start = now;
	en->runs_seen = 1;
	en->next_step = 0;
	store(t, i, 0, ev);
	if (st->runs <= 1) {
		en->next_step = 1;
		en->runs_seen = 0;
	}
}

/**
 * vigil_seq_process() - feed an event to one sequence rule
 * @e: engine
 * @rule: a SEQUENCE rule
 * @ev: the event
 * @x: what the dispatch knows of @ev
 * @fn: alert callback, called with the table lock held
 * @ctx: its context
 *
 * Steps are tried from the last down to the first; the event is used by
 * at most one step of the rule.  Advancing a pending sequence takes
 * precedence over starting one.
 *
 * Return: number of alerts (0 or 1).
 */
u32 vigil_seq_process(struct vigil_engine *e, u32 rule,
		      const struct vigil_event *ev, const struct vigil_evctx *x,
		      vigil_alert_fn fn, void *ctx)
{
	const struct vigil_rs_rule *ru = &e->rs.rules[rule];
	struct vigil_seq_table *t = e->seq;
	u64 keys[VIGIL_RS_MAX_STEPS], now, kind;
	u32 mask = 0, k, i = 0, r, alerts = 0;

	if (!t)
		return 0;
	kind = ev->v[VIGIL_F_EVENT_KIND].num;
	for (k = 0; k < ru->n_steps; k++) {
		const struct vigil_rs_step *st =
			&e->rs.steps[ru->first_step + k];

		if (!(st->kind_mask & (1U << kind)))
			continue;
		/*
		 * cheapest test first: the prefilter, the index hint, the
		 * program, the key
		 */
		if (!vigil_pf_pass(e, x, ru->first_step + k) ||
		    !vigil_step_hint_match(&e->rs, st, ev) ||
		    !vigil_step_eval(&e->rs, st, ev, x))
			continue;
		if (vigil_tuple_hash(ev, st->by_fields, st->n_by, &keys[k]))
			mask |= 1U << k;
	}
	if (!mask)
		return 0;
	now = (ev->present & (1ULL << VIGIL_F_TIMESTAMP)) ?
		      ev->v[VIGIL_F_TIMESTAMP].num :
		      0;

	vg_lock(&t->lock);
	for (k = ru->n_steps - 1; k > 0; k--) {
		if (!(mask & (1U << k)))
			continue;
		r = advance(e, rule, k, keys[k], ev, now, &i);
		if (r == 1)
			goto out;
		if (r == 2) {
			struct vigil_match m = {
				.rule = rule,
				.event = ev,
				.n_prior = ru->n_steps - 1U,
			};
			u32 j;

			for (j = 0; j < m.n_prior; j++) {
				m.prior[j] = slot(t, i, j);
				m.prior_len[j] = t->ent[i].slot_len[j];
			}
			vg_atomic64_inc(&e->rstate[rule].hits);
			fn(ctx, &m);
			drop(t, i);
			alerts = 1;
			goto out;
		}
	}
	if (mask & 1)
		start(e, rule, keys[0], ev, now);
out:
	vg_unlock(&t->lock);
	return alerts;
}

/**
 * vigil_seq_forget() - drop the sequences keyed by one entity id alone
 * @e: engine
 * @id: process.entity_id
 * @len: its length
 */
void vigil_seq_forget(struct vigil_engine *e, const char *id, u32 len)
{
	struct vigil_seq_table *t = e->seq;
	struct vigil_value v = { .str = id, .len = len };
	u64 key;
	u32 r, i;

	if (!t)
		return;
	key = vigil_hash_field(VIGIL_FNV_OFFSET, VIGIL_F_PROCESS_ENTITY_ID, &v);
	vg_lock(&t->lock);
	for (r = 0; r < e->rs.h->n_rules; r++) {
		if (!t->entity_only[r])
			continue;
		i = find(t, r, key);
		if (i != VIGIL_NIL)
			drop(t, i);
	}
	vg_unlock(&t->lock);
}

/**
 * vigil_seq_pending() - pending sequences, a racy snapshot
 * @e: engine
 *
 * Return: the count.
 */
u64 vigil_seq_pending(const struct vigil_engine *e)
{
	return e->seq ? READ_ONCE(e->seq->pending) : 0;
}

/**
 * vigil_seq_stats() - sequence counters
 * @e: engine
 * @st: filled: seq_pending, seq_evictions, seq_expired
 */
void vigil_seq_stats(const struct vigil_engine *e,
		     struct vigil_engine_stats *st)
{
	const struct vigil_seq_table *t = e->seq;

	if (!t)
		return;
	st->seq_pending = READ_ONCE(t->pending);
	st->seq_evictions = READ_ONCE(t->evictions);
	st->seq_expired = READ_ONCE(t->expired);
}
