// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Candidate index: for an event, which (rule, step) pairs can match.
 *
 *  - per event kind, the steps without a usable index hint (and every
 *    sequence rule once, by the union of its steps' kind masks);
 *  - a hash table from (index field, ASCII-folded value) to the steps
 *    whose index_set holds that value, in CSR layout (bucket offsets into
 *    one entry array), so an event costs one hash per index field used.
 */
#include "internal.h"

static inline u8 fold(u8 c)
{
	return (u8)(c - 'A') < 26 ? c + ('a' - 'A') : c;
}

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
		h ^= fold((u8)s[i]);
		h *= VIGIL_FNV_PRIME;
	}
	return h;
}

static u64 field_seed(u32 field)
{
	return VIGIL_FNV_OFFSET ^ ((u64)field * 0x9e3779b97f4a7c15ULL);
}

static bool indexed(const struct vigil_rs_rule *ru,
		    const struct vigil_rs_step *st)
{
	return ru->kind != VIGIL_RULE_SEQUENCE && st->index_field &&
	       st->index_set != VIGIL_RS_NO_SET;
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

		if (indexed(ru, st))
			continue;
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

/**
 * vigil_index_build() - build the candidate index of an engine
 * @e: engine with a validated, mapped ruleset
 *
 * May sleep.
 *
 * Return: 0 or -ENOMEM.
 */
int vigil_index_build(struct vigil_engine *e)
{
	const struct vigil_rs *rs = &e->rs;
	struct vigil_index *idx = &e->idx;
	u32 r, k, i, n = 0, nb = 1, *fillpos;

	kinds_walk(e, false);
	for (k = 1; k < __VIGIL_EV_LAST; k++) {
		idx->kind_list[k] = vg_zalloc(sizeof(struct vigil_cand) *
					      (idx->kind_n[k] + 1));
		if (!idx->kind_list[k])
			return -ENOMEM;
	}
	kinds_walk(e, true);

	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];
		const struct vigil_rs_step *st = &rs->steps[ru->first_step];

		if (indexed(ru, st)) {
			n += rs->sets[st->index_set].n_pats;
			idx->fields |= 1ULL << st->index_field;
		}
	}
	while (nb < n && nb < (1U << 24))
		nb <<= 1;
	idx->mask = nb - 1;
	idx->n_ent = n;
	idx->bucket = vg_zalloc(sizeof(u32) * (nb + 1));
	idx->ent = vg_zalloc(sizeof(*idx->ent) * (n + 1));
	fillpos = vg_zalloc(sizeof(u32) * (nb + 1));
	if (!idx->bucket || !idx->ent || !fillpos) {
		vg_free(fillpos);
		return -ENOMEM;
	}
	/* count per bucket, prefix sums, then place; duplicates get NIL */
	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];
		const struct vigil_rs_step *st = &rs->steps[ru->first_step];
		const struct vigil_rs_set *s;

		if (!indexed(ru, st))
			continue;
		s = &rs->sets[st->index_set];
		for (i = 0; i < s->n_pats; i++)
			idx->bucket[(pat_hash(rs, st->index_field,
					      s->first_pat + i) &
				     idx->mask) + 1]++;
	}
	for (i = 0; i < nb; i++)
		idx->bucket[i + 1] += idx->bucket[i];
	memcpy(fillpos, idx->bucket, sizeof(u32) * (nb + 1));
	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];
		const struct vigil_rs_step *st = &rs->steps[ru->first_step];
		const struct vigil_rs_set *s;

		if (!indexed(ru, st))
			continue;
		s = &rs->sets[st->index_set];
		for (i = 0; i < s->n_pats; i++) {
			u64 h = pat_hash(rs, st->index_field, s->first_pat + i);
			u32 b = h & idx->mask, j;
			struct vigil_ientry *en = &idx->ent[fillpos[b]++];

			en->hash = h;
			en->c.rule = r;
			en->c.step = ru->first_step;
			for (j = idx->bucket[b]; j < fillpos[b] - 1; j++) {
				if (idx->ent[j].hash == h &&
				    idx->ent[j].c.rule == r)
					en->c.rule = VIGIL_NIL;
			}
		}
	}
	vg_free(fillpos);
	return 0;
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
		       const struct vigil_event *ev,
		       u32 (*fn)(struct vigil_engine *e,
				 const struct vigil_event *ev,
				 const struct vigil_cand *c,
				 vigil_alert_fn afn, void *ctx),
		       vigil_alert_fn afn, void *ctx)
{
	const struct vigil_index *idx = &e->idx;
	struct vigil_engine *me = (struct vigil_engine *)e;
	u64 kind, fields;
	u32 n = 0, i;

	if (!(ev->present & (1ULL << VIGIL_F_EVENT_KIND)))
		return 0;
	kind = ev->v[VIGIL_F_EVENT_KIND].num;
	if (kind == VIGIL_EV_NONE || kind >= __VIGIL_EV_LAST)
		return 0;
	for (i = 0; i < idx->kind_n[kind]; i++)
		n += fn(me, ev, &idx->kind_list[kind][i], afn, ctx);
	fields = idx->fields & ev->present;
	while (fields) {
		u32 f = __builtin_ctzll(fields), b, end;
		const struct vigil_value *v = &ev->v[f];
		u64 h;

		fields &= fields - 1;
		h = vigil_hash_folded(field_seed(f), v->str, v->len);
		b = h & idx->mask;
		end = idx->bucket[b + 1];
		for (i = idx->bucket[b]; i < end; i++) {
			const struct vigil_ientry *en = &idx->ent[i];

			if (en->hash != h || en->c.rule == VIGIL_NIL)
				continue;
			if (!(e->rs.steps[en->c.step].kind_mask & (1U << kind)))
				continue;
			n += fn(me, ev, &en->c, afn, ctx);
		}
	}
	return n;
}
