// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Candidate index: for an event, which (rule, step) pairs can match by
 * the value of one field.
 *
 * A hash table from (index field, ASCII-folded value) to the steps whose
 * index_set holds that value, in CSR layout (bucket offsets into one
 * entry array), so an event costs one hash per index field used.  The
 * per-event dispatch (engine.c) looks events up with index.h; the steps
 * the index does not cover run from the dispatch's kind lists or the
 * prefilter's slots.
 *
 * Only hints made of EXACT patterns are used.  A PREFIX or SUFFIX hint
 * is left to the literal prefilter (prefilter.c), which finds anchored
 * literals of every field in one scan and costs less than hashing every
 * prefix and suffix length of a path (measured; see engine.rst).
 */
#include "index.h"

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

static u64 pat_hash(const struct vigil_rs *rs, u32 field, u32 pat)
{
	const struct vigil_rs_pat *p = &rs->pats[pat];

	return vigil_index_hash(field, rs->strtab + p->str, p->len);
}

/*
 * Notes which fields the index must hash, per event kind in @kinds, and
 * the lengths of the values of hint set @s.
 */
static void note_field(struct vigil_index *idx, const struct vigil_rs *rs,
		       u32 field, u32 kinds, const struct vigil_rs_set *s)
{
	u32 k, b;

	for (k = 1; k < __VIGIL_EV_LAST; k++)
		if (kinds & (1U << k))
			idx->fields[k] |= 1ULL << field;
	for (k = 0; k < s->n_pats; k++) {
		b = vigil_index_len_bit(rs->pats[s->first_pat + k].len);
		if (DISPATCH_MUT(DISPATCH_MUT_INDEX_LEN))
			b = vigil_index_len_bit(b ? b - 1 : 0);
		idx->lens[field][b / 64] |= 1ULL << (b % 64);
	}
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
	u32 r, i, n = 0, nb = 1, m, *fillpos;
	int ret = -ENOMEM;

	hh = vg_zalloc(sizeof(*hh));
	if (!hh)
		return -ENOMEM;
	for (r = 0; r < rs->h->n_rules; r++) {
		const struct vigil_rs_rule *ru = &rs->rules[r];
		const struct vigil_rs_step *st = &rs->steps[ru->first_step];

		vg_cond_resched();
		if (vigil_index_covers(rs, ru, st)) {
			n += hint_hashes(rs, st, hh);
			note_field(idx, rs, st->index_field, st->kind_mask,
				   &rs->sets[st->index_set]);
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
			vigil_index_bloom_set(idx, h);
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
	vg_free(idx->bucket);
	vg_free(idx->ent);
	vg_free(idx->bloom);
}
