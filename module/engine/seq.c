// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The sequence correlator, as Elasticsearch's SequenceMatcher keeps its
 * state (x-pack/plugin/eql, execution/sequence/SequenceMatcher.java; see
 * Documentation/engine.rst):
 *
 *  - a rule's steps are expanded into stages, a step of runs=N being N
 *    consecutive stages;
 *  - an in-flight sequence waits at the stage it last matched, keyed by
 *    (rule, join key, stage), and there is at most one per key: the most
 *    recent, which is what SequenceGroup.trim() leaves when events come
 *    in order;
 *  - every stage is tried for every event, from the last down, so one
 *    event can complete a sequence, advance another and start a third;
 *  - the join key is the values of a step's `by` fields, hashed by
 *    position and type, never by field id, so `by process.entity_id`
 *    joins `by process.parent.entity_id`;
 *  - maxspan counts from the sequence's first event, inclusive, and an
 *    event stamped before the sequence's latest one never advances it;
 *    times are the window clock (vigil_event_window_ns(): boottime in
 *    the kernel, @timestamp in replay).
 *
 * The entries live in one fixed table: each rule owns an equal share of
 * it and evicts within its share, expired entries first, then the least
 * recently used.  Buckets are chosen by a keyed hash (SipHash, a key per
 * engine) and chain walks are bounded.  One spinlock protects the table.
 *
 * Entries, buckets and per-rule and per-stage state are allocated whole
 * when the ruleset is loaded.  The encoded events of a sequence's earlier
 * steps (VIGIL_SEQ_SLOT bytes each) are the bulk of its memory, so they
 * are allocated when a step matches (vg_alloc_atomic(): probe context,
 * under the lock) and freed when the sequence ends: the memory held grows
 * with the sequences in flight, up to what vigil_seq_bytes() counts at
 * the cap.  A slot that cannot be allocated loses that sequence, counted
 * in seq_nomem.
 */
#include "internal.h"
#include "lru.h"

/*
 * Test builds only (user/Makefile, seq_diff mutants): each value puts
 * back one defect the differential test must catch.  Never set in the
 * kernel build.
 */
#ifndef VIGIL_SEQ_MUTANT
#define VIGIL_SEQ_MUTANT 0
#endif
#define SEQ_MUT(n) (VIGIL_SEQ_MUTANT == (n))
#ifndef __KERNEL__
int vg_atomic_fail; /* os_user.h */
long vg_atomic_live;
#endif
#define SEQ_MUT_FIELD_ID 1 /* the field id mixed into the join key */
#define SEQ_MUT_ONCE 2 /* an event used once per rule */
#define SEQ_MUT_RESET0 3 /* a step-0 match resets the key's sequences */
#define SEQ_MUT_EARLY 4 /* an earlier timestamp passes the expiry check */
#define SEQ_MUT_WAITING 5 /* a later step skipped by the wrong stage's count */

/* Entries of a rule looked at for an expired one before evicting a live one */
#define SEQ_EVICT_SCAN 8U
/* Entries walked in one hash chain at most */
#define SEQ_CHAIN_MAX 32U
/* Entries of one key chain looked at when a process goes */
#define SEQ_FORGET_MAX 64U

/**
 * struct seq_ent - one in-flight sequence
 * @key: join key (seq_key())
 * @start: window clock of its first event, ns (vigil_event_window_ns())
 * @last: window clock of its latest event, ns
 * @rule: rule index
 * @stage: the stage it last matched; it waits for @stage + 1
 * @used: in a chain (not on the free list)
 * @hnext: next in the hash chain, or the free list
 * @hprev: previous in the hash chain, VIGIL_NIL at the head
 * @knext: next in the chain of its key alone (for vigil_seq_forget())
 * @kprev: previous there, VIGIL_NIL at the head
 * @lru: its rule's LRU list; head is the most recent
 * @slot_len: bytes used in each step slot
 * @slot: the encoded event of each earlier step, allocated when the step
 *	matched; NULL while the entry is free
 */
struct seq_ent {
	u64 key;
	u64 start;
	u64 last;
	u32 rule;
	u16 stage;
	u8 used;
	u32 hnext;
	u32 hprev;
	u32 knext;
	u32 kprev;
	struct vigil_lru_link lru;
	u16 slot_len[VIGIL_RS_MAX_STEPS - 1];
	u8 *slot[VIGIL_RS_MAX_STEPS - 1];
};

/**
 * struct seq_rule - a sequence rule's part of the table
 * @lru: its entries, most recently used first
 * @count: entries it holds
 * @share: entries it may hold
 * @n_stages: its steps' runs summed
 * @stage0: index in seq_table.stages of its stage 0
 */
struct seq_rule {
	struct vigil_lru lru;
	u32 count;
	u32 share;
	u16 n_stages;
	u32 stage0;
};

/**
 * struct seq_stage - one stage of a sequence rule
 * @waiting: entries waiting at this stage (in its hash chains); written
 *	under the table lock, read without it to skip a step that nothing
 *	waits for (vigil_seq_process())
 * @forget: 1 when the next stage joins on process.entity_id alone, so a
 *	sequence waiting here dies with that process
 */
struct seq_stage {
	u32 waiting;
	u8 forget;
};

/**
 * struct vigil_seq_table - the pending sequences of all rules
 * @lock: protects everything below
 * @n_ent: entries allocated
 * @mask: buckets - 1
 * @n_slots: step slots per entry, at most
 * @free: free list through seq_ent.hnext
 * @pending: entries in use
 * @evictions: live entries evicted for room
 * @expired: entries dropped past maxspan
 * @nomem: sequences lost because a step slot could not be allocated
 * @hkey: the hash keys of join values, one per field type
 * @bucket: chain heads, by (rule, key, stage)
 * @kbucket: chain heads, by key alone
 * @ent: the entries
 * @rules: per rule; share 0 for other kinds
 * @stages: per stage of every sequence rule (seq_rule.stage0 + stage)
 */
struct vigil_seq_table {
	struct vg_lock lock;
	u32 n_ent, mask, n_slots;
	u32 free;
	u64 pending, evictions, expired, nomem;
	siphash_key_t hkey[VIGIL_FT_ARRAY + 1];
	u32 *bucket;
	u32 *kbucket;
	struct seq_ent *ent;
	struct seq_rule *rules;
	struct seq_stage *stages;
};

static u32 stages_of(const struct vigil_rs *rs, const struct vigil_rs_rule *ru)
{
	u32 k, n = 0;

	for (k = 0; k < ru->n_steps; k++)
		n += rs->steps[ru->first_step + k].runs;
	return n;
}

/* The step of stage @s. */
static u32 step_of(const struct vigil_rs *rs, const struct vigil_rs_rule *ru,
		   u32 s)
{
	u32 k;

	for (k = 0; k + 1 < ru->n_steps; k++) {
		u32 runs = rs->steps[ru->first_step + k].runs;

		if (s < runs)
			break;
		s -= runs;
	}
	return k;
}

static void set_forget(struct vigil_seq_table *t, const struct vigil_rs *rs,
		       u32 r)
{
	const struct vigil_rs_rule *ru = &rs->rules[r];
	struct seq_rule *sr = &t->rules[r];
	u32 s;

	for (s = 0; s + 1 < sr->n_stages; s++) {
		const struct vigil_rs_step *st =
			&rs->steps[ru->first_step + step_of(rs, ru, s + 1)];

		t->stages[sr->stage0 + s].forget =
			st->n_by == 1 &&
			st->by_fields[0] == VIGIL_F_PROCESS_ENTITY_ID;
	}
}

/*
 * The shape of @rs's sequence table: slots per entry (the longest
 * sequence less its last step), sequence rules, and stages in all.
 */
static u32 seq_shape(const struct vigil_rs *rs, u32 *n_rules, u32 *n_stages)
{
	u32 r, n_slots = 0;

	*n_rules = 0;
	*n_stages = 0;
	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];

		if (ru->kind != VIGIL_RULE_SEQUENCE)
			continue;
		(*n_rules)++;
		*n_stages += stages_of(rs, ru);
		if (ru->n_steps - 1U > n_slots)
			n_slots = ru->n_steps - 1U;
	}
	return n_slots;
}

/**
 * vigil_seq_bytes() - memory of the sequence table of a ruleset at its cap
 * @rs: validated ruleset
 * @capacity: in-flight sequences, all rules together
 *
 * Return: what vigil_seq_new() allocates for it plus the step slots of
 * @capacity sequences of the longest rule, in bytes: the most the table
 * can hold.
 */
u64 vigil_seq_bytes(const struct vigil_rs *rs, u32 capacity)
{
	u32 n_rules, n_stages, n_slots = seq_shape(rs, &n_rules, &n_stages);
	u64 nb = 1, n_ent, share;

	if (!n_slots)
		return 0;
	share = capacity / n_rules ? capacity / n_rules : 1;
	n_ent = share * n_rules;
	while (nb < n_ent)
		nb <<= 1;
	return sizeof(struct vigil_seq_table) + 2 * sizeof(u32) * nb +
	       (sizeof(struct seq_ent) + n_slots * VIGIL_SEQ_SLOT) * n_ent +
	       sizeof(struct seq_rule) * (u64)rs->h->n_rules +
	       sizeof(struct seq_stage) * (u64)n_stages;
}

/**
 * vigil_seq_new() - allocate the sequence table of an engine
 * @e: engine with a mapped ruleset
 * @capacity: in-flight sequences, all rules and stages together; each
 *	sequence rule gets capacity / (sequence rules), at least 1
 *
 * Nothing is allocated when the ruleset has no sequence rule.  May sleep.
 *
 * Return: 0 or -ENOMEM.
 */
int vigil_seq_new(struct vigil_engine *e, u32 capacity)
{
	const struct vigil_rs *rs = &e->rs;
	struct vigil_seq_table *t;
	u32 r, i, nb = 1, n_rules, share, n_stages;
	u32 n_slots = seq_shape(rs, &n_rules, &n_stages);

	if (!n_slots)
		return 0;
	t = vg_zalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	e->seq = t;
	share = capacity / n_rules ? capacity / n_rules : 1;
	t->n_ent = share * n_rules;
	while (nb < t->n_ent)
		nb <<= 1;
	t->mask = nb - 1;
	t->n_slots = n_slots;
	t->bucket = vg_zalloc(sizeof(u32) * nb);
	t->kbucket = vg_zalloc(sizeof(u32) * nb);
	t->ent = vg_zalloc(sizeof(*t->ent) * t->n_ent);
	t->rules = vg_zalloc(sizeof(*t->rules) * rs->h->n_rules);
	t->stages = vg_zalloc(sizeof(*t->stages) * n_stages);
	if (!t->bucket || !t->kbucket || !t->ent || !t->rules || !t->stages)
		return -ENOMEM;
	for (i = 0; i < nb; i++) {
		t->bucket[i] = VIGIL_NIL;
		t->kbucket[i] = VIGIL_NIL;
	}
	for (i = 0; i < t->n_ent; i++)
		t->ent[i].hnext = i + 1 < t->n_ent ? i + 1 : VIGIL_NIL;
	t->free = 0;
	n_stages = 0;
	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];
		struct seq_rule *sr = &t->rules[r];

		vigil_lru_init(&sr->lru);
		if (ru->kind != VIGIL_RULE_SEQUENCE)
			continue;
		sr->share = share;
		sr->n_stages = (u16)stages_of(rs, ru);
		sr->stage0 = n_stages;
		n_stages += sr->n_stages;
		set_forget(t, rs, r);
	}
	for (i = 0; i < ARRAY_SIZE(t->hkey); i++)
		vg_sipkey_init(&t->hkey[i]);
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
	u32 i, k;

	if (!t)
		return;
	for (i = 0; t->ent && i < t->n_ent; i++)
		for (k = 0; k < t->n_slots; k++)
			vg_free_atomic(t->ent[i].slot[k]);
	vg_free(t->bucket);
	vg_free(t->kbucket);
	vg_free(t->ent);
	vg_free(t->rules);
	vg_free(t->stages);
	vg_free(t);
	e->seq = NULL;
}

/* The hash of one join value of field @field: its bytes under its type's key. */
static u64 value_hash(const struct vigil_seq_table *t, u32 field,
		      const struct vigil_value *v)
{
	u32 type = vigil_field_type(field);
	u64 h;

	if (type == VIGIL_FT_NUM)
		h = vg_siphash(&v->num, sizeof(v->num), &t->hkey[type]);
	else
		h = vg_siphash(v->str, v->len,
			       &t->hkey[type == VIGIL_FT_ARRAY ? type : 0]);
	if (SEQ_MUT(SEQ_MUT_FIELD_ID))
		h ^= (u64)field << 40;
	return h;
}

/*
 * The join key of @ev for @n fields: the values by type and position,
 * never by field id.  No field is key 0; one field (the common case) is
 * its value's hash; more are the hash of their hashes in order, under
 * the number key.
 * Return: false when a field is missing.
 */
static bool seq_key(const struct vigil_seq_table *t,
		    const struct vigil_event *ev, const u8 *fields, u32 n,
		    u64 *out)
{
	u64 h[VIGIL_RS_MAX_BY];
	u32 i;

	*out = 0;
	if (n > VIGIL_RS_MAX_BY)
		return false;
	for (i = 0; i < n; i++) {
		if (fields[i] >= __VIGIL_F_LAST ||
		    !(ev->present & (1ULL << fields[i])))
			return false;
		h[i] = value_hash(t, fields[i], &ev->v[fields[i]]);
	}
	if (n == 1)
		*out = h[0];
	else if (n > 1)
		*out = vg_siphash(h, n * sizeof(h[0]), &t->hkey[VIGIL_FT_NUM]);
	return true;
}

static u32 bucket_of(const struct vigil_seq_table *t, u32 rule, u64 key,
		     u32 stage)
{
	u64 h = key ^ ((u64)rule << 16 | stage) * 0x9e3779b97f4a7c15ULL;

	return (u32)((h ^ h >> 29) & t->mask);
}

static u32 find(struct vigil_seq_table *t, u32 rule, u64 key, u32 stage)
{
	u32 i, n = 0;

	for (i = t->bucket[bucket_of(t, rule, key, stage)];
	     i != VIGIL_NIL && n < SEQ_CHAIN_MAX; i = t->ent[i].hnext, n++)
		if (t->ent[i].key == key && t->ent[i].rule == rule &&
		    t->ent[i].stage == stage)
			return i;
	return VIGIL_NIL;
}

/* The count of entries waiting at @en's stage; the table lock is held. */
static u32 *waiting_of(struct vigil_seq_table *t, const struct seq_ent *en)
{
	return &t->stages[t->rules[en->rule].stage0 + en->stage].waiting;
}

static void chain_unlink(struct vigil_seq_table *t, u32 i)
{
	struct seq_ent *en = &t->ent[i];
	u32 *w = waiting_of(t, en);

	WRITE_ONCE(*w, *w - 1);

	if (en->hprev != VIGIL_NIL)
		t->ent[en->hprev].hnext = en->hnext;
	else
		t->bucket[bucket_of(t, en->rule, en->key, en->stage)] =
			en->hnext;
	if (en->hnext != VIGIL_NIL)
		t->ent[en->hnext].hprev = en->hprev;
}

static void chain_link(struct vigil_seq_table *t, u32 i)
{
	struct seq_ent *en = &t->ent[i];
	u32 *head = &t->bucket[bucket_of(t, en->rule, en->key, en->stage)];
	u32 *w = waiting_of(t, en);

	WRITE_ONCE(*w, *w + 1);
	en->hprev = VIGIL_NIL;
	en->hnext = *head;
	if (*head != VIGIL_NIL)
		t->ent[*head].hprev = i;
	*head = i;
}

static u32 *kbucket_of(struct vigil_seq_table *t, u64 key)
{
	return &t->kbucket[(u32)(key ^ key >> 32) & t->mask];
}

static void kchain_unlink(struct vigil_seq_table *t, u32 i)
{
	struct seq_ent *en = &t->ent[i];

	if (en->kprev != VIGIL_NIL)
		t->ent[en->kprev].knext = en->knext;
	else
		*kbucket_of(t, en->key) = en->knext;
	if (en->knext != VIGIL_NIL)
		t->ent[en->knext].kprev = en->kprev;
}

static void kchain_link(struct vigil_seq_table *t, u32 i)
{
	struct seq_ent *en = &t->ent[i];
	u32 *head = kbucket_of(t, en->key);

	en->kprev = VIGIL_NIL;
	en->knext = *head;
	if (*head != VIGIL_NIL)
		t->ent[*head].kprev = i;
	*head = i;
}

static void lru_unlink(struct vigil_seq_table *t, u32 i)
{
	vigil_lru_unlink(&t->rules[t->ent[i].rule].lru, &t->ent[0].lru,
			 sizeof(t->ent[0]), i);
}

static void lru_push(struct vigil_seq_table *t, u32 i)
{
	vigil_lru_push(&t->rules[t->ent[i].rule].lru, &t->ent[0].lru,
		       sizeof(t->ent[0]), i);
}

static void drop(struct vigil_seq_table *t, u32 i)
{
	struct seq_ent *en = &t->ent[i];
	u32 k;

	for (k = 0; k < t->n_slots; k++) {
		vg_free_atomic(en->slot[k]);
		en->slot[k] = NULL;
	}

	chain_unlink(t, i);
	kchain_unlink(t, i);
	lru_unlink(t, i);
	t->rules[en->rule].count--;
	en->used = 0;
	en->hnext = t->free;
	t->free = i;
	t->pending--;
}

static bool expired(const struct seq_ent *en, u64 now, u64 span)
{
	if (SEQ_MUT(SEQ_MUT_EARLY))
		return now > en->start && now - en->start > span;
	return now >= en->start && now - en->start > span;
}

static u64 span_of(const struct vigil_rs *rs, u32 rule)
{
	return (u64)rs->rules[rule].maxspan_ms * 1000000ULL;
}

/* Makes room in @rule's share: an expired entry if one is near the tail. */
static void evict(struct vigil_engine *e, u32 rule, u64 now)
{
	struct vigil_seq_table *t = e->seq;
	u64 span = span_of(&e->rs, rule);
	u32 i = t->rules[rule].lru.tail, n;

	for (n = 0; i != VIGIL_NIL && n < SEQ_EVICT_SCAN;
	     i = t->ent[i].lru.prev, n++) {
		if (expired(&t->ent[i], now, span)) {
			t->expired++;
			drop(t, i);
			return;
		}
	}
	t->evictions++;
	drop(t, t->rules[rule].lru.tail);
}

static u32 alloc(struct vigil_engine *e, u32 rule, u64 key, u32 stage, u64 now)
{
	struct vigil_seq_table *t = e->seq;
	struct seq_ent *en;
	u32 i;

	if (t->rules[rule].count >= t->rules[rule].share)
		evict(e, rule, now);
	i = t->free;
	if (i == VIGIL_NIL) /* cannot happen: the shares sum to n_ent */
		return VIGIL_NIL;
	en = &t->ent[i];
	t->free = en->hnext;
	memset(en, 0, sizeof(*en));
	en->key = key;
	en->rule = rule;
	en->stage = (u16)stage;
	en->used = 1;
	chain_link(t, i);
	kchain_link(t, i);
	lru_push(t, i);
	t->rules[rule].count++;
	t->pending++;
	return i;
}

static void touch(struct vigil_seq_table *t, u32 i)
{
	lru_unlink(t, i);
	lru_push(t, i);
}

/*
 * Keeps @ev as step @k's event of entry @i, in the slot allocated when
 * the step first matched.  Return: false, the entry dropped and counted,
 * when no slot could be allocated.
 */
static bool store(struct vigil_seq_table *t, u32 i, u32 k,
		  const struct vigil_event *ev)
{
	struct seq_ent *en = &t->ent[i];

	if (!en->slot[k])
		en->slot[k] = vg_alloc_atomic(VIGIL_SEQ_SLOT);
	if (!en->slot[k]) {
		t->nomem++;
		drop(t, i);
		return false;
	}
	en->slot_len[k] =
		(u16)vigil_event_encode(ev, en->slot[k], VIGIL_SEQ_SLOT);
	return true;
}

/* Step 0 matched: a new sequence at stage 0 replaces the key's last one. */
static void start(struct vigil_engine *e, u32 rule, u64 key,
		  const struct vigil_event *ev, u64 now)
{
	struct vigil_seq_table *t = e->seq;
	u32 i, s;

	if (SEQ_MUT(SEQ_MUT_RESET0))
		for (s = 1; s < t->rules[rule].n_stages; s++) {
			i = find(t, rule, key, s);
			if (i != VIGIL_NIL)
				drop(t, i);
		}
	i = find(t, rule, key, 0);
	if (i != VIGIL_NIL)
		touch(t, i);
	else
		i = alloc(e, rule, key, 0, now);
	if (i == VIGIL_NIL)
		return;
	t->ent[i].start = now;
	t->ent[i].last = now;
	store(t, i, 0, ev);
}

/*
 * Stage @s (of step @k) matched: takes the key's sequence waiting at
 * stage @s - 1 (SequenceMatcher.match()).
 * Return: 0 nothing, 1 advanced, 2 completed (the entry is *@idx).
 */
static u32 advance(struct vigil_engine *e, u32 rule, u32 s, u32 k, u64 key,
		   const struct vigil_event *ev, u64 now, u32 *idx)
{
	const struct vigil_rs_rule *ru = &e->rs.rules[rule];
	struct vigil_seq_table *t = e->seq;
	struct seq_ent *en;
	u32 i = find(t, rule, key, s - 1), j;

	if (i == VIGIL_NIL)
		return 0;
	en = &t->ent[i];
	/* SequenceGroup.before(): only a sequence that precedes the event */
	if (!SEQ_MUT(SEQ_MUT_EARLY) && now < en->last)
		return 0;
	/* taken (trimmed) even when maxspan then rejects it */
	if (expired(en, now, span_of(&e->rs, rule))) {
		t->expired++;
		drop(t, i);
		return 0;
	}
	if (k < ru->n_steps - 1U && !store(t, i, k, ev))
		return 0;
	*idx = i;
	if (s == t->rules[rule].n_stages - 1U)
		return 2;
	/* the most recent sequence at stage @s is this one */
	j = find(t, rule, key, s);
	if (j != VIGIL_NIL)
		drop(t, j);
	chain_unlink(t, i);
	en->stage = (u16)s;
	en->last = now;
	chain_link(t, i);
	touch(t, i);
	return 1;
}

static void seq_complete(struct vigil_engine *e, u32 rule, u32 i,
			 const struct vigil_event *ev, vigil_alert_fn fn,
			 void *ctx)
{
	const struct vigil_rs_rule *ru = &e->rs.rules[rule];
	struct vigil_seq_table *t = e->seq;
	struct vigil_match m = {
		.rule = rule,
		.event = ev,
		.n_prior = ru->n_steps - 1U,
	};
	u32 j;

	for (j = 0; j < m.n_prior; j++) {
		m.prior[j] = t->ent[i].slot[j];
		m.prior_len[j] = t->ent[i].slot_len[j];
	}
	vg_atomic64_inc(&e->rstate[rule].hits);
	fn(ctx, &m);
	drop(t, i);
}

/*
 * Whether step @k, whose stages start at @base, has anything to do: step
 * 0 always may start a sequence; a later stage only advances one that
 * waits at the stage before it.  Read without the table lock: an entry
 * made by an event that ran before this one on this CPU is seen; one
 * being made on another CPU at the same time may be missed, which is the
 * order the table lock could have given the two events anyway.
 */
static bool step_wanted(const struct vigil_seq_table *t, u32 rule, u32 k,
			u32 base, u32 runs)
{
	const struct seq_stage *st = &t->stages[t->rules[rule].stage0];
	u32 s;

	if (!k)
		return true;
	if (SEQ_MUT(SEQ_MUT_WAITING))
		base++;
	for (s = base - 1; s < base - 1 + runs && s < t->rules[rule].n_stages;
	     s++)
		if (READ_ONCE(st[s].waiting))
			return true;
	return false;
}

/**
 * vigil_seq_waiting() - may a sequence of @rule be in flight?
 * @e: engine
 * @rule: a SEQUENCE rule
 *
 * Read without the table lock, as step_wanted() reads: an entry made by
 * an event that ran before on this CPU is seen.
 *
 * Return: false when the rule holds no entry, so that no later step of
 * it can match.
 */
bool vigil_seq_waiting(const struct vigil_engine *e, u32 rule)
{
	return e->seq && READ_ONCE(e->seq->rules[rule].count);
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
 * Every stage whose step @ev matches is tried, from the last down to the
 * first: @ev may complete one sequence, advance others and start one.
 * A later step that no sequence waits for is not evaluated.
 *
 * Return: number of alerts (0 or 1: only the last stage completes).
 */
u32 vigil_seq_process(struct vigil_engine *e, u32 rule,
		      const struct vigil_event *ev, const struct vigil_evctx *x,
		      vigil_alert_fn fn, void *ctx)
{
	const struct vigil_rs_rule *ru = &e->rs.rules[rule];
	struct vigil_seq_table *t = e->seq;
	u64 keys[VIGIL_RS_MAX_STEPS], now, kind;
	u32 mask = 0, k, c, s, i = 0, r, alerts = 0, base = 0;

	if (!t)
		return 0;
	kind = ev->v[VIGIL_F_EVENT_KIND].num;
	for (k = 0; k < ru->n_steps; k++) {
		const struct vigil_rs_step *st =
			&e->rs.steps[ru->first_step + k];
		u32 first = base;

		base += st->runs;
		if (!(st->kind_mask & (1U << kind)) ||
		    !step_wanted(t, rule, k, first, st->runs))
			continue;
		/*
		 * cheapest test first: the prefilter, the index hint, the
		 * program, the key
		 */
		if (!vigil_pf_pass(e, x, ru->first_step + k) ||
		    !vigil_step_hint_match(&e->rs, st, ev) ||
		    !vigil_step_eval(&e->rs, st, ev, x))
			continue;
		if (seq_key(t, ev, st->by_fields, st->n_by, &keys[k]))
			mask |= 1U << k;
	}
	if (!mask)
		return 0;
	now = vigil_event_window_ns(ev);

	vg_lock(&t->lock);
	s = t->rules[rule].n_stages;
	for (k = ru->n_steps; k-- > 0;) {
		u32 runs = e->rs.steps[ru->first_step + k].runs;

		for (c = 0; c < runs; c++) {
			s--;
			if (!(mask & (1U << k)))
				continue;
			if (!s) {
				start(e, rule, keys[k], ev, now);
				continue;
			}
			r = advance(e, rule, s, k, keys[k], ev, now, &i);
			if (r == 2) {
				seq_complete(e, rule, i, ev, fn, ctx);
				alerts++;
			}
			if (r && SEQ_MUT(SEQ_MUT_ONCE))
				goto out;
		}
	}
out:
	vg_unlock(&t->lock);
	return alerts;
}

/**
 * vigil_seq_forget() - drop the sequences that wait for a gone process
 * @e: engine
 * @id: process.entity_id of the process
 * @len: its length
 *
 * Drops the sequences whose next stage joins on process.entity_id alone
 * with @id: only that process could continue them.  Walks at most
 * SEQ_FORGET_MAX entries of @id's key chain; what it leaves expires.
 */
void vigil_seq_forget(struct vigil_engine *e, const char *id, u32 len)
{
	struct vigil_seq_table *t = e->seq;
	struct vigil_value v = { .str = id, .len = len };
	u32 i, next, n = 0;
	u64 key;

	if (!t)
		return;
	key = value_hash(t, VIGIL_F_PROCESS_ENTITY_ID, &v);
	vg_lock(&t->lock);
	for (i = *kbucket_of(t, key); i != VIGIL_NIL && n < SEQ_FORGET_MAX;
	     i = next, n++) {
		const struct seq_ent *en = &t->ent[i];

		next = en->knext;
		if (en->key == key &&
		    t->stages[t->rules[en->rule].stage0 + en->stage].forget)
			drop(t, i);
	}
	vg_unlock(&t->lock);
}

/**
 * vigil_seq_pending() - in-flight sequences, a racy snapshot
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
 * @st: filled: seq_pending, seq_evictions, seq_expired, seq_nomem
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
	st->seq_nomem = READ_ONCE(t->nomem);
}
