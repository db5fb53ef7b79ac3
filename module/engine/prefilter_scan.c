// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Literal prefilter, its scan: which filtered steps an event lets
 * through (the filters and their gram table: prefilter.c).
 *
 * Per event, one pass over each field a filter reads finds all literals
 * at once: a rolling window of the last 3 ASCII-folded bytes (2 for a
 * field with a 2-byte literal) is looked up in a bitmap with one bit per
 * hashed gram (field mixed in); only bitmap hits reach the gram table,
 * where each literal with that gram is verified in place.  A verified
 * literal sets its steps' bits; a step whose bit stays clear cannot
 * match and is skipped.  A command line that joins its arguments is
 * scanned once for the literals of both.  The bytes verified per event
 * are bounded; past the bound every step passes.
 */
#include "prefilter.h"

/* Folded equality of @n bytes; @lit as stored, @s from the event. */
static bool lit_eq(const char *lit, const char *s, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (vigil_fold((u8)lit[i]) != vigil_fold((u8)s[i]))
			return false;
	return true;
}

/*
 * The gram ending at @s[@end] of field @field is in the bitmap: verify
 * the literals with that gram.  With @pair set, @s is a command line
 * that joins the arguments of field @pair, whose literals are verified
 * too, with a space as element boundary.  Return: false when the work
 * bound is spent.
 */
static bool verify(const struct vigil_pf *pf, const char *strtab, u32 field,
		   u32 pair, u32 gram, u32 h, const char *s, u32 len, u32 end,
		   u64 *hits, u32 *budget)
{
	u32 b = pf_bucket_of(pf, h), i, j, start, g = pf->glen[field];
	char sep;

	for (i = pf->bucket[b]; i < pf->bucket[b + 1]; i++) {
		const struct vigil_pfent *en = &pf->ent[i];

		if (en->gram != gram ||
		    (en->field != field && (!pair || en->field != pair)))
			continue;
		if (*budget < en->len + 1U)
			return false;
		*budget -= en->len + 1U;
		if (end + 1 < g + en->off)
			continue;
		start = end + 1 - g - en->off;
		if (start + en->len > len)
			continue;
		/* anchors: at a value's (an element's) start or end */
		sep = en->field == field ? 0 : ' ';
		if ((en->anchor & PF_AT_START) && start && s[start - 1] &&
		    s[start - 1] != sep)
			continue;
		if ((en->anchor & PF_AT_END) && start + en->len < len &&
		    s[start + en->len] && s[start + en->len] != sep)
			continue;
		if (!lit_eq(strtab + en->str, s + start, en->len))
			continue;
		for (j = 0; j < en->n_slots; j++) {
			u32 slot = pf->slots[en->slot0 + j];

			hits[slot / 64] |= 1ULL << (slot % 64);
		}
	}
	return true;
}

/**
 * vigil_pf_scan() - which filtered steps an event lets through
 * @e: engine
 * @ev: event
 * @kind: its kind
 * @hits: VIGIL_PF_WORDS words: bit per slot, set when the step may match
 *
 * Atomic-context safe.
 */
void vigil_pf_scan(const struct vigil_engine *e, const struct vigil_event *ev,
		   u32 kind, u64 *hits)
{
	const struct vigil_pf *pf = &e->pf;
	u64 fields = pf->kfields[kind] & ev->present, joined = 0;
	u32 budget = VIGIL_PF_VERIFY_MAX;

	memcpy(hits, pf->kpass[kind], sizeof(u64) * pf->n_words);
	while (fields) {
		u32 f = __builtin_ctzll(fields), i, w = 0, h;
		u32 pair = pf_pair_of(f);
		const u8 *s = (const u8 *)ev->v[f].str;
		u32 len = ev->v[f].len, g = pf->glen[f], seed = pf_seed_of(f);
		u32 wmask = g == 2 ? 0xffff : 0xffffff;

		fields &= fields - 1;
		/*
		 * A command line that joins the arguments covers both: the
		 * arguments (lower field number, so seen first) are skipped
		 * and left to the command line's scan.
		 */
		if (vigil_is_array(f)) {
			if ((fields & (1ULL << pair)) &&
			    (ev->joined & (1ULL << f))) {
				joined |= 1ULL << pair;
				continue;
			}
			pair = VIGIL_F_UNSPEC;
		} else if (!(joined & (1ULL << f))) {
			pair = VIGIL_F_UNSPEC;
		}
		/* the hot loop: a table fold, a multiply, a bit test */
		for (i = 0; i < len; i++) {
			w = ((w << 8) | vigil_fold_tab[s[i]]) & wmask;
			h = pf_hash(w, seed);
			if (!pf_bloom_has(pf->bloom, h))
				continue;
			if (i + 1 >= g &&
			    !verify(pf, e->rs.strtab, f, pair, w, h,
				    (const char *)s, len, i, hits, &budget))
				goto all;
		}
	}
	return;
all:
	memset(hits, 0xff, sizeof(u64) * pf->n_words);
}
