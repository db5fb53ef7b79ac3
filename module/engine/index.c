// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Candidate index: for an event, which (rule, step) pairs can match.
 *
 *  - per event kind, the steps without a usable index hint (and every
 *    sequence rule once, by the union of its steps' kind masks);
 *  - a hash table from (index field, ASCII-folded value) to the steps
 *    whose index_set holds that value, in CSR layout (bucket offsets into
 *    one entry array), so an event costs one hash per index field used.
 *
 * Only hints made of EXACT patterns are used.  A PREFIX or SUFFIX hint
 * is left to the literal prefilter (prefilter.c), which finds anchored
 * literals of every field in one scan and costs less than hashing every
 * prefix and suffix length of a path (measured; see engine.rst).
 */
#include "internal.h"

/**
 * vigil_hash_folded() - FNV-1a of the ASCII-folded bytes
 * @h: running hash
 * @s: bytes
 * @len: length
 *
 * Return: the new hash.
 */
u64 vigil_hash_folded(u64 h, const char *s, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++) {
		h ^= vigil_fold((u8)s[i]);
		h *= VIGIL_FNV_PRIME;
	}
	return h;
}

static u64 field_seed(u32 field)
{
	return VIGIL_FNV_OFFSET ^ ((u64)field * 0x9e3779b97f4a7c15ULL);
}

/* Hints of EXACT patterns only (equal values are found once by hash). */
static bool hint_ok(const struct vigil_rs *rs, const struct vigil_rs_set *s)
{
	u32 i;

	for (i = 0; i < s->n_pats; i++)
		if (rs->pats[s->first_pat + i].kind != VIGIL_PAT_EXACT)
			return false;
	return true;
}

/**
 * vigil_index_covers() - does the index narrow this step?
 * @rs: validated ruleset
 * @ru: its rule
 * @st: the step
 *
 * Return: true when the step is found through its index hint alone.
 */
bool vigil_index_covers(const struct vigil_rs *rs,
			const struct vigil_rs_rule *ru,
			const struct vigil_rs_step *st)
{
	return ru->kind != VIGIL_RULE_SEQUENCE && st->index_field &&
	       st->index_field < 64 && st->index_set != VIGIL_RS_NO_SET &&
	       hint_ok(rs, &rs->sets[st->index_set]);
}

static u16 rule_kinds(const struct vigil_rs *rs, const struct vigil_rs_rule *ru)
{
	u16 m = 0;
	u32 i;

	for (i = 0; i < ru->n_steps; i++)
		m |= rs->steps[ru->first_step + i].kind_mask;
	return m;
}

/* Fills the kind lists (or counts them when @fill is false). */
static void kinds_walk(struct vigil_engine *e, bool fill)
{
	const struct vigil_rs *rs = &e->rs;
	struct vigil_index *idx = &e->idx;
	u32 r, k;

	for (k = 0; k < __VIGIL_EV_LAST; k++)
		idx->kind_n[k] = 0;
	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];
		const struct vigil_rs_step *st = &rs->steps[ru->first_step];
		u16 m;

		if (vigil_index_covers(rs, ru, st) ||
		    (e->pf.rule_slot && e->pf.rule_slot[r] != VIGIL_PF_NONE))
			continue; /* found by the index, or by the prefilter */
		m = rule_kinds(rs, ru);
		for (k = 1; k < __VIGIL_EV_LAST; k++) {
			if (!(m & (1U << k)))
				continue;
			if (fill) {
				idx->kind_list[k][idx->kind_n[k]].rule = r;
				idx->kind_list[k][idx->kind_n[k]].step =
					ru->first_step;
			}
			idx->kind_n[k]++;
		}
	}
}

static u64 pat_hash(const struct vigil_rs *rs, u32 field, u32 pat)
{
	const struct vigil_rs_pat *p = &rs->pats[pat];

	return vigil_hash_folded(field_seed(field), rs->strtab + p->str,
				 p->len);
}

/* Notes which fields the index must hash, per event kind in @kinds. */
static void note_field(struct vigil_index *idx, u32 field, u32 kinds)
{
	u32 k;

	for (k = 1; k < __VIGIL_EV_LAST; k++)
		if (kinds & (1U << k))
			idx->fields[k] |= 1ULL << field;
}

/* Scratch of vigil_index_build(): one step's hint hashes. */
struct hint_hashes {
	u64 h[VIGIL_RS_MAX_SET];
	u32 idx[VIGIL_RS_MAX_SET];
	u64 sorted[VIGIL_RS_MAX_SET];
};

static bool hash_less(const void *ctx, u32 a, u32 b)
{
	const u64 *h = ctx;

	return h[a] < h[b];
}

/*
 * The distinct hashes of a covered step's index set under its field,
 * into @hh->sorted (so a rule is found at most once per value), by
 * sorting: O(n log n).  Return: how many.
 */
static u32 hint_hashes(const struct vigil_rs *rs,
		       const struct vigil_rs_step *st, struct hint_hashes *hh)
{
	const struct vigil_rs_set *s = &rs->sets[st->index_set];
	u32 i, n = 0;

	for (i = 0; i < s->n_pats; i++) {
		hh->h[i] = pat_hash(rs, st->index_field, s->first_pat + i);
		hh->idx[i] = i;
	}
	vigil_sort(hh->idx, s->n_pats, hash_less, hh->h);
	for (i = 0; i < s->n_pats; i++)
		if (!n || hh->h[hh->idx[i]] != hh->sorted[n - 1])
			hh->sorted[n++] = hh->h[hh->idx[i]];
	return n;
}

/**
 * vigil_index_build() - build the candidate index of an engine
 * @e: engine with a validated, mapped ruleset
 *
 * The validator caps the index sets (VIGIL_RS_MAX_INDEX patterns in all)
 * and charges them to the work bound; duplicates within a rule's set are
 * dropped by sorting, so the build is O(n log n).  May sleep.
 *
 * Return: 0 or -ENOMEM.
 */
int vigil_index_build(struct vigil_engine *e)
{
	const struct vigil_rs *rs = &e->rs;
	struct vigil_index *idx = &e->idx;
	struct hint_hashes *hh;
	u32 r, k, i, n = 0, nb = 1, m, *fillpos;
	int ret = -ENOMEM;

	kinds_walk(e, false);
	for (k = 1; k < __VIGIL_EV_LAST; k++) {
		idx->kind_list[k] = vg_zalloc(sizeof(struct vigil_cand) *
					      (idx->kind_n[k] + 1));
		if (!idx->kind_list[k])
			return -ENOMEM;
	}
	kinds_walk(e, true);

	hh = vg_zalloc(sizeof(*hh));
	if (!hh)
		return -ENOMEM;
	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];
		const struct vigil_rs_step *st = &rs->steps[ru->first_step];

		vg_cond_resched();
		if (vigil_index_covers(rs, ru, st)) {
			n += hint_hashes(rs, st, hh);
			note_field(idx, st->index_field, st->kind_mask);
		}
	}
	while (nb < n && nb < (1U << 24))
		nb <<= 1;
	idx->mask = nb - 1;
	idx->n_ent = n;
	idx->bucket = vg_zalloc(sizeof(u32) * (nb + 1));
	idx->ent = vg_zalloc(sizeof(*idx->ent) * (n + 1));
	idx->bloom = vg_zalloc(sizeof(u64) << (VIGIL_IDX_BLOOM_LOG2 - 6));
	fillpos = vg_zalloc(sizeof(u32) * (nb + 1));
	if (!idx->bucket || !idx->ent || !idx->bloom || !fillpos)
		goto out;
	/* count per bucket, prefix sums, then place */
	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];
		const struct vigil_rs_step *st = &rs->steps[ru->first_step];

		if (!vigil_index_covers(rs, ru, st))
			continue;
		vg_cond_resched();
		m = hint_hashes(rs, st, hh);
		for (i = 0; i < m; i++)
			idx->bucket[(hh->sorted[i] & idx->mask) + 1]++;
	}
	for (i = 0; i < nb; i++)
		idx->bucket[i + 1] += idx->bucket[i];
	memcpy(fillpos, idx->bucket, sizeof(u32) * (nb + 1));
	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];
		const struct vigil_rs_step *st = &rs->steps[ru->first_step];

		if (!vigil_index_covers(rs, ru, st))
			continue;
		vg_cond_resched();
		m = hint_hashes(rs, st, hh);
		for (i = 0; i < m; i++) {
			u64 h = hh->sorted[i];
			struct vigil_ientry *en =
				&idx->ent[fillpos[h & idx->mask]++];

			en->hash = h;
			idx->bloom[h >> (64 - VIGIL_IDX_BLOOM_LOG2 + 6)] |=
				1ULL
				<< ((h >> (64 - VIGIL_IDX_BLOOM_LOG2)) & 63);
			en->c.rule = r;
			en->c.step = ru->first_step;
		}
	}
	ret = 0;
out:
	vg_free(fillpos);
	vg_free(hh);
	return ret;
}

/**
 * vigil_index_free() - free what vigil_index_build() allocated
 * @idx: index (may be partly built)
 */
void vigil_index_free(struct vigil_index *idx)
{
	u32 k;

	for (k = 0; k < __VIGIL_EV_LAST; k++)
		vg_free(idx->kind_list[k]);
	vg_free(idx->bucket);
	vg_free(idx->ent);
	vg_free(idx->bloom);
}

/* Most probes miss: one bit says so without touching a bucket. */
static inline bool may_hold(const struct vigil_index *idx, u64 h)
{
	return idx->bloom[h >> (64 - VIGIL_IDX_BLOOM_LOG2 + 6)] &
	       (1ULL << ((h >> (64 - VIGIL_IDX_BLOOM_LOG2)) & 63));
}

/* Calls @fn for the entries of hash @h whose step takes events of @kind. */
static u32 probe(const struct vigil_engine *e, const struct vigil_event *ev,
		 u64 kind, const struct vigil_evctx *x, u64 h, vigil_cand_fn fn,
		 vigil_alert_fn afn, void *ctx)
{
	const struct vigil_index *idx = &e->idx;
	struct vigil_engine *me = (struct vigil_engine *)e;
	u32 b, i, end, n = 0;

	b = h & idx->mask;
	end = idx->bucket[b + 1];
	for (i = idx->bucket[b]; i < end; i++) {
		const struct vigil_ientry *en = &idx->ent[i];

		if (en->hash != h)
			continue;
		if (!(e->rs.steps[en->c.step].kind_mask & (1U << kind)))
			continue;
		n += fn(me, ev, &en->c, x, afn, ctx);
	}
	return n;
}

/**
 * vigil_index_lookup() - call @fn for each candidate of an event
 * @e: engine
 * @ev: event
 * @fn: called per candidate; returns the number of alerts it raised
 * @afn: alert callback passed through
 * @ctx: its context
 *
 * Return: the sum of what @fn returned.
 */
u32 vigil_index_lookup(const struct vigil_engine *e,
		       const struct vigil_event *ev, vigil_cand_fn fn,
		       vigil_alert_fn afn, void *ctx)
{
	const struct vigil_index *idx = &e->idx;
	struct vigil_engine *me = (struct vigil_engine *)e;
	struct vigil_work w = { VIGIL_EVENT_WORK, false };
	struct vigil_evctx x = { 0, NULL, &w };
	u64 kind, fields, hits[VIGIL_PF_WORDS];
	u32 n = 0, i;

	if (!(ev->present & (1ULL << VIGIL_F_EVENT_KIND)))
		return 0;
	kind = ev->v[VIGIL_F_EVENT_KIND].num;
	if (kind == VIGIL_EV_NONE || kind >= __VIGIL_EV_LAST)
		return 0;
	x.canon = vigil_event_canonical(ev, kind) ? kind : 0;
	if (e->pf.kslots[kind]) {
		vigil_pf_scan(e, ev, kind, hits);
		x.hits = hits;
	}
	for (i = 0; i < idx->kind_n[kind]; i++)
		n += fn(me, ev, &idx->kind_list[kind][i], &x, afn, ctx);
	if (e->pf.n_slots)
		n += vigil_pf_candidates(e, ev, kind, &x, fn, afn, ctx);
	fields = idx->fields[kind] & ev->present;
	while (fields) {
		u32 f = __builtin_ctzll(fields);
		const struct vigil_value *v = &ev->v[f];
		u64 h;

		fields &= fields - 1;
		h = vigil_hash_folded(field_seed(f), v->str, v->len);
		if (may_hold(idx, h))
			n += probe(e, ev, kind, &x, h, fn, afn, ctx);
	}
	if (w.stopped)
		vg_atomic64_inc(&me->work_stops);
	return n;
}
