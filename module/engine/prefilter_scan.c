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
 * scanned once for the literals of both, a path once for those of its
 * name, extension and directory too.  The bytes verified per event
 * are bounded; past the bound every step passes.  The parent's fields
 * and the process's own go through the caller's memo (struct
 * vigil_pf_memo): the same bytes as the last event's give the same
 * slots without a scan.
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

/**
 * struct pf_value - a value being scanned, and the fields it holds
 * @field: its field
 * @pair: with @field a command line that joins the arguments of field
 *	@pair (struct vigil_event.joined), that field, else VIGIL_F_UNSPEC
 * @parts: with @field a path, the bit (1U << k) of each part k
 *	(vigil_field_whole()) that is a view into it, scanned with it
 * @lo: per part in @parts, where it starts in the value
 * @hi: and where it ends
 */
struct pf_value {
	u32 field;
	u32 pair;
	u32 parts;
	u32 lo[VIGIL_FIELD_PARTS];
	u32 hi[VIGIL_FIELD_PARTS];
};

/*
 * Where a literal of field @f may lie in the value @v, [*@lo, *@hi),
 * and the byte that bounds an element there (*@sep; 0: none but NUL).
 * Return: false when @v does not hold field @f.
 */
static bool value_holds(const struct pf_value *v, u32 f, u32 len, u32 *lo,
			u32 *hi, char *sep)
{
	u32 k;

	*lo = 0;
	*hi = len;
	*sep = 0;
	if (f == v->field)
		return true;
	if (v->pair && f == v->pair) {
		*sep = ' ';
		return true;
	}
	k = f - v->field - 1;
	if (!v->parts || vigil_field_whole(f) != v->field ||
	    !(v->parts & (1U << k)))
		return false;
	*lo = v->lo[k];
	*hi = DISPATCH_MUT(DISPATCH_MUT_PART_END) ? len : v->hi[k];
	return true;
}

/*
 * The gram ending at @s[@end] of value @v is in the bitmap: verify the
 * literals with that gram, of its field and of the fields it holds
 * (struct pf_value): a joined command line's arguments, with a space as
 * element boundary; a path's parts, each within its bounds.  Return:
 * false when the work bound is spent.
 */
static noinline bool verify(const struct vigil_pf *pf, const char *strtab,
			    const struct pf_value *v, u32 gram, u32 h,
			    const char *s, u32 len, u32 end, u64 *hits,
			    u32 *budget)
{
	u32 b = pf_bucket_of(pf, h), i, j, start, lo, hi,
	    g = pf->glen[v->field];
	char sep;

	for (i = pf->bucket[b]; i < pf->bucket[b + 1]; i++) {
		const struct vigil_pfent *en = &pf->ent[i];

		if (en->gram != gram ||
		    !value_holds(v, en->field, len, &lo, &hi, &sep))
			continue;
		if (*budget < en->len + 1U)
			return false;
		*budget -= en->len + 1U;
		if (end + 1 < g + en->off)
			continue;
		start = end + 1 - g - en->off;
		if (start < lo || start + en->len > hi)
			continue;
		/* anchors: at a value's (an element's, a part's) start or end */
		if ((en->anchor & PF_AT_START) && start > lo && s[start - 1] &&
		    s[start - 1] != sep)
			continue;
		if ((en->anchor & PF_AT_END) && start + en->len < hi &&
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

/*
 * Scans value @val, @v (see verify()), into @hits.  Return: false when
 * the work bound is spent.
 */
static bool scan_one(const struct vigil_pf *pf, const char *strtab,
		     const struct pf_value *v, const struct vigil_value *val,
		     u64 *hits, u32 *budget)
{
	const u8 *s = (const u8 *)val->str;
	const u64 *bloom = pf->bloom;
	u32 len = val->len, g = pf->glen[v->field],
	    seed = pf_seed_of(pf, v->field);
	u32 wmask = g == 2 ? 0xffff : 0xffffff, w = 0, h, i;

	/* the hot loop: a table fold, a multiply, a bit test */
	for (i = 0; i < len; i++) {
		w = ((w << 8) | vigil_fold_tab[s[i]]) & wmask;
		h = pf_hash(w, seed);
		if (likely(!pf_bloom_has(bloom, h)))
			continue;
		if (i + 1 >= g && !verify(pf, strtab, v, w, h, (const char *)s,
					  len, i, hits, budget))
			return false;
	}
	return true;
}

/*
 * Of @fields, those scan_fields() reads: an args field whose command
 * line is in @fields and joins it (struct vigil_event.joined) is left
 * to the command line's scan, which finds the literals of both.
 */
static u64 scanned_of(const struct vigil_event *ev, u64 fields)
{
	u64 args = fields & ev->joined, out = fields;

	while (args) {
		u32 f = __builtin_ctzll(args);

		args &= args - 1;
		if (vigil_is_array(f) && (fields & (1ULL << pf_pair_of(f))))
			out &= ~(1ULL << f);
	}
	return out;
}

/*
 * Of @todo, the parts of path @f that @pf scans with it and that are
 * views into it, into @v; they leave @todo.
 */
static void value_parts(const struct vigil_pf *pf, const struct vigil_event *ev,
			u32 f, u64 *todo, struct pf_value *v)
{
	const struct vigil_value *w = &ev->v[f];
	u32 k, p;

	for (k = 0; k < VIGIL_FIELD_PARTS; k++) {
		const struct vigil_value *pv = &ev->v[f + 1 + k];

		p = f + 1 + k;
		if (!(*todo & (1ULL << p)) || pf->whole[p] != f ||
		    (uintptr_t)pv->str < (uintptr_t)w->str ||
		    (uintptr_t)pv->str + pv->len > (uintptr_t)w->str + w->len)
			continue;
		v->lo[k] = (u32)(pv->str - w->str);
		v->hi[k] = v->lo[k] + pv->len;
		v->parts |= 1U << k;
		*todo &= ~(1ULL << p);
	}
}

/*
 * Scans @fields of @ev into @hits.  Return: false when the work bound is
 * spent (the caller lets every step through).
 */
static bool scan_fields(const struct vigil_engine *e,
			const struct vigil_event *ev, u64 fields, u64 *hits,
			u32 *budget)
{
	u64 todo = scanned_of(ev, fields), joined = fields & ~todo;
	struct pf_value v;

	while (todo) {
		u32 f = __builtin_ctzll(todo);

		todo &= todo - 1;
		v.field = f;
		v.pair = pf_pair_of(f);
		v.parts = 0;
		/* a command line that joins its args: theirs too */
		if (!(joined & (1ULL << v.pair)))
			v.pair = VIGIL_F_UNSPEC;
		/* a path: the parts that are views into it too */
		if (f == VIGIL_F_FILE_PATH || f == VIGIL_F_FILE_ORIG_PATH)
			value_parts(&e->pf, ev, f, &todo, &v);
		if (!scan_one(&e->pf, e->rs.strtab, &v, &ev->v[f], hits,
			      budget))
			return false;
	}
	return true;
}

static const u64 pf_memo_group_fields[VIGIL_PF_MEMO_GROUPS] = {
	[VIGIL_PF_MEMO_PARENT] = PF_MEMO_PARENT_FIELDS,
	[VIGIL_PF_MEMO_ACTOR] = PF_MEMO_ACTOR_FIELDS,
};

#define PF_MEMO_LENS (sizeof(((struct vigil_pf_memo_group *)0)->len) / 4)
_Static_assert(__builtin_popcountll(PF_MEMO_PARENT_FIELDS) <= PF_MEMO_LENS &&
		       __builtin_popcountll(PF_MEMO_ACTOR_FIELDS) <=
			       PF_MEMO_LENS,
	       "a memo's len[] holds every field of its group");

/* Does @m hold @ev's fields @fields, as engine @e scans them? */
static bool memo_same(const struct vigil_pf_memo_group *m,
		      const struct vigil_engine *e,
		      const struct vigil_event *ev, u64 fields, u64 scanned)
{
	u32 off = 0, n = 0, f, len;

	if (m->engine != e->id || m->fields != fields || m->scanned != scanned)
		return false;
	while (scanned) {
		f = __builtin_ctzll(scanned);
		scanned &= scanned - 1;
		len = ev->v[f].len;
		if (m->len[n++] != len)
			return false;
		if (!DISPATCH_MUT(DISPATCH_MUT_MEMO_KEY) &&
		    memcmp(m->bytes + off, ev->v[f].str, len))
			return false;
		off += len;
	}
	return true;
}

/* Keeps @ev's fields @scanned and their @hits in @m, when they fit. */
static void memo_store(struct vigil_pf_memo_group *m,
		       const struct vigil_engine *e,
		       const struct vigil_event *ev, u64 fields, u64 scanned,
		       const u64 *hits)
{
	u64 left = scanned;
	u32 off = 0, n = 0, f, len;

	m->engine = 0;
	while (left) {
		f = __builtin_ctzll(left);
		left &= left - 1;
		len = ev->v[f].len;
		if (len > VIGIL_PF_MEMO_BYTES - off)
			return; /* too long to keep: scanned each time */
		memcpy(m->bytes + off, ev->v[f].str, len);
		m->len[n++] = len;
		off += len;
	}
	m->fields = fields;
	m->scanned = scanned;
	memcpy(m->hits, hits, sizeof(u64) * e->pf.n_words);
	m->engine = e->id;
}

/*
 * The fields @fields of @ev, one memo group's, into @hits, through @m:
 * taken from it when it holds them, else scanned and kept there.
 * Return: false when the work bound is spent.
 */
static bool scan_memo(const struct vigil_engine *e,
		      const struct vigil_event *ev, u64 fields, u64 *hits,
		      u32 *budget, struct vigil_pf_memo_group *m)
{
	u64 scanned = scanned_of(ev, fields), found[VIGIL_PF_WORDS];
	u32 w, n = e->pf.n_words;

	if (!memo_same(m, e, ev, fields, scanned)) {
		memset(found, 0, sizeof(u64) * n);
		if (!scan_fields(e, ev, fields, found, budget)) {
			m->engine = 0;
			return false;
		}
		memo_store(m, e, ev, fields, scanned, found);
		for (w = 0; w < n; w++)
			hits[w] |= found[w];
		return true;
	}
	for (w = 0; w < n; w++)
		hits[w] |= m->hits[w];
	return true;
}

/**
 * vigil_pf_scan() - which filtered steps an event lets through
 * @e: engine
 * @ev: event
 * @kind: its kind
 * @hits: VIGIL_PF_WORDS words: bit per slot, set when the step may match
 * @memo: what the last event's parent and actor fields gave, or NULL
 *
 * Atomic-context safe.
 */
void vigil_pf_scan(const struct vigil_engine *e, const struct vigil_event *ev,
		   u32 kind, u64 *hits, struct vigil_pf_memo *memo)
{
	const struct vigil_pf *pf = &e->pf;
	u64 fields = pf->kfields[kind] & ev->present, group;
	u32 budget = VIGIL_PF_VERIFY_MAX, g;

	memcpy(hits, pf->kpass[kind], sizeof(u64) * pf->n_words);
	for (g = 0; memo && g < VIGIL_PF_MEMO_GROUPS; g++) {
		group = fields & pf_memo_group_fields[g];
		/* an exec's own fields are a new image's: seldom the last's */
		if (!group ||
		    (g == VIGIL_PF_MEMO_ACTOR && kind == VIGIL_EV_EXEC))
			continue;
		fields &= ~group;
		/*
		 * The parent's: every field some kind reads, not only this
		 * kind's, so that the events of every kind of a parent's
		 * children find the memo (the slots the others set are
		 * those of steps of other kinds, or that events of this
		 * kind let through anyway: kpass).  The process's own: this
		 * kind's, as its events mostly come in runs of one kind.
		 */
		if (g == VIGIL_PF_MEMO_PARENT)
			group = ev->present & pf->memo_fields;
		if (!scan_memo(e, ev, group, hits, &budget, &memo->group[g]))
			goto all;
	}
	if (!scan_fields(e, ev, fields, hits, &budget))
		goto all;
	return;
all:
	memset(hits, 0xff, sizeof(u64) * pf->n_words);
}
