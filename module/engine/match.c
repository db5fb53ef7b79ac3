// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Linear-time pattern matching: exact/prefix/suffix/contains literals,
 * globs ('*', '?', '\' escapes) and regular expressions compiled to DFAs.
 *
 * A glob is cut at its unescaped '*' into segments of fixed length.  The
 * first segment is anchored at the start, the last at the end, and every
 * middle segment is matched at its leftmost occurrence after the previous
 * one (leftmost is always safe: it leaves the most room for the rest).
 * Segments are searched with the Shift-And bit-parallel automaton, so the
 * input is scanned once, with no backtracking.  Segments longer than
 * VIGIL_SEG_W (32) items filter on their first 32 items with Shift-And and
 * verify the rest directly (see Documentation/engine.rst for the bound).
 */
#include "internal.h"

#define ANY (-1)

struct seg {
	const u8 *p; /* pattern bytes of the segment */
	u32 plen;
	u32 items; /* number of items (escapes count once) */
	bool raw; /* no escapes, no '?' */
	bool nocase;
};

/* Reads the item at p[*i]: a byte, or ANY for an unescaped '?'. */
static inline int item_next(const struct seg *sg, u32 *i)
{
	u8 c = sg->p[(*i)++];

	if (sg->raw)
		return c;
	if (c == '?')
		return ANY;
	if (c == '\\' && *i < sg->plen)
		return sg->p[(*i)++];
	return c;
}

static inline u8 in_byte(const struct seg *sg, u8 c)
{
	return sg->nocase ? vigil_fold(c) : c;
}

/* Does the segment match at s[pos..pos+items)?  Caller checks bounds. */
static bool seg_at(const struct seg *sg, const u8 *s, u32 pos, u32 skip)
{
	u32 i = 0, k = 0;
	int c;

	while (i < sg->plen) {
		c = item_next(sg, &i);
		if (k++ < skip)
			continue;
		if (c != ANY && (u8)c != in_byte(sg, s[pos + k - 1]))
			return false;
	}
	return true;
}

/* Build the Shift-And tables of a segment's first VIGIL_SEG_W items. */
static void segtab_build(const struct seg *sg, struct vigil_segtab *t)
{
	u32 anymask = 0;
	u32 nclass = 1, i = 0, j, k;
	int c;

	t->items = sg->items;
	t->m = sg->items < VIGIL_SEG_W ? sg->items : VIGIL_SEG_W;
	memset(t->cls, 0, sizeof(t->cls));
	t->masks[0] = 0;
	for (j = 0; j < t->m; j++) {
		c = item_next(sg, &i);
		if (c == ANY) {
			anymask |= 1U << j;
			continue;
		}
		if (!t->cls[(u8)c]) {
			t->cls[(u8)c] = nclass;
			t->masks[nclass++] = 0;
		}
		t->masks[t->cls[(u8)c]] |= 1U << j;
	}
	for (k = 0; k < nclass; k++)
		t->masks[k] |= anymask;
	/* NOCASE: the pattern is folded; give A-Z the classes of a-z */
	if (sg->nocase)
		for (k = 'A'; k <= 'Z'; k++)
			t->cls[k] = t->cls[k + ('a' - 'A')];
}

/*
 * Leftmost occurrence of the segment that starts at or after @from and
 * ends at or before @limit.  Return: its start, or VIGIL_NOPOS.
 */
#define VIGIL_NOPOS 0xffffffffU
static u32 seg_find(const struct seg *sg, const struct vigil_segtab *t,
		    const u8 *s, u32 from, u32 limit)
{
	u32 hit, d = 0, pos, k;

	if (sg->items > limit || from > limit - sg->items)
		return VIGIL_NOPOS;
	if (!sg->items)
		return from;
	hit = 1U << (t->m - 1);
	for (pos = from; pos < limit; pos++) {
		d = ((d << 1) | 1) & t->masks[t->cls[s[pos]]];
		if (!(d & hit))
			continue;
		k = pos + 1 - t->m; /* candidate start */
		if (k > limit - sg->items)
			return VIGIL_NOPOS;
		if (t->m == sg->items || seg_at(sg, s, k, t->m))
			return k;
	}
	return VIGIL_NOPOS;
}

static void seg_init(struct seg *sg, const u8 *p, u32 plen, bool raw,
		     bool nocase)
{
	u32 i = 0;

	sg->p = p;
	sg->plen = plen;
	sg->raw = raw;
	sg->nocase = nocase;
	sg->items = 0;
	while (i < plen) {
		item_next(sg, &i);
		sg->items++;
	}
}

/* End of the glob segment starting at p[i]: the next unescaped '*'. */
static u32 glob_seg_end(const u8 *p, u32 len, u32 i)
{
	while (i < len && p[i] != '*') {
		if (p[i] == '\\' && i + 1 < len)
			i++;
		i++;
	}
	return i;
}

static u32 count_items(const u8 *p, u32 plen)
{
	struct seg sg;

	seg_init(&sg, p, plen, false, false);
	return sg.items;
}

/* Geometry of a glob: its first and last segments. */
static void glob_plan(const u8 *p, u32 plen, struct vigil_gplan *g)
{
	u32 e = glob_seg_end(p, plen, 0), l, n;

	g->first_end = e;
	g->first_items = count_items(p, e);
	if (e == plen) {
		g->last_start = plen;
		g->last_items = 0;
		return;
	}
	l = e + 1;
	for (;;) {
		n = glob_seg_end(p, plen, l);
		if (n == plen)
			break;
		l = n + 1;
	}
	g->last_start = l;
	g->last_items = count_items(p + l, plen - l);
}

static bool glob_match(const u8 *p, u32 plen, const u8 *s, u32 len, bool nocase,
		       const struct vigil_segtab *tabs,
		       const struct vigil_gplan *plan)
{
	struct vigil_segtab local;
	struct vigil_gplan gp;
	struct seg sg, last;
	u32 e, pos, tail;

	if (!plan) {
		glob_plan(p, plen, &gp);
		plan = &gp;
	}
	sg = (struct seg){ p, plan->first_end, plan->first_items, false,
			   nocase };
	if (plan->first_end == plen) /* no star: whole value */
		return sg.items == len && seg_at(&sg, s, 0, 0);
	if (sg.items > len || !seg_at(&sg, s, 0, 0))
		return false;
	pos = sg.items;
	last = (struct seg){ p + plan->last_start, plen - plan->last_start,
			     plan->last_items, false, nocase };
	if (last.items > len - pos)
		return false;
	tail = len - last.items;
	if (!seg_at(&last, s, tail, 0))
		return false;

	/* middle segments, leftmost each, within [pos, tail) */
	if (tabs) {
		for (; tabs->items != VIGIL_NIL; tabs++) {
			sg = (struct seg){ p + tabs->b, tabs->e - tabs->b,
					   tabs->items, false, nocase };
			e = seg_find(&sg, tabs, s, pos, tail);
			if (e == VIGIL_NOPOS)
				return false;
			pos = e + sg.items;
		}
		return true;
	}
	for (e = plan->first_end + 1; e < plan->last_start; e = e + 1) {
		u32 b = e, st;

		e = glob_seg_end(p, plen, b);
		seg_init(&sg, p + b, e - b, false, nocase);
		segtab_build(&sg, &local);
		st = seg_find(&sg, &local, s, pos, tail);
		if (st == VIGIL_NOPOS)
			return false;
		pos = st + sg.items;
	}
	return true;
}

static bool lit_eq(const u8 *p, const u8 *s, u32 n, bool nocase)
{
	u32 i;

	if (!nocase)
		return !memcmp(p, s, n);
	for (i = 0; i < n; i++)
		if (p[i] != vigil_fold(s[i]))
			return false;
	return true;
}

/* Do the first @pat[16] bits of address @v equal those of @pat? */
static bool cidr_match(const u8 *pat, const u8 *v, u32 len)
{
	u32 bits = pat[VIGIL_IP_LEN], whole = bits / 8, rest = bits % 8;

	if (len != VIGIL_IP_LEN || bits > 8 * VIGIL_IP_LEN ||
	    memcmp(pat, v, whole))
		return false;
	return !rest || !((pat[whole] ^ v[whole]) & (0xff00U >> rest));
}

static bool dfa_match(const u8 *d, const u8 *s, u32 len, bool nocase)
{
	const struct vigil_rs_dfa *dfa = (const void *)d;
	const u8 *classmap = d + offsetof(struct vigil_rs_dfa, classmap);
	const u8 *accept = d + sizeof(*dfa);
	const u8 *next;
	u16 n_states, n_classes, nx;
	u32 state = 0, i;

	/* the record may be unaligned in the blob: no direct u16 loads */
	memcpy(&n_states, d + offsetof(struct vigil_rs_dfa, n_states), 2);
	memcpy(&n_classes, d + offsetof(struct vigil_rs_dfa, n_classes), 2);
	next = accept + n_states;
	for (i = 0; i < len; i++) {
		u8 c = nocase ? vigil_fold(s[i]) : s[i];

		memcpy(&nx, next + 2 * (state * n_classes + classmap[c]), 2);
		if (nx == VIGIL_DFA_DEAD)
			return false;
		state = nx;
	}
	return accept[state];
}

/*
 * Can the DFA at @d go from its start to an accepting state without a
 * transition on class @skip?  Depth-first over @seen and @stack (one
 * entry per state each).
 */
static bool dfa_accepts_without(const u8 *d, u32 skip, u8 *seen, u16 *stack)
{
	const u8 *accept = d + sizeof(struct vigil_rs_dfa), *next;
	u16 n_states, n_classes, nx;
	u32 top = 0, st, c;

	memcpy(&n_states, d + offsetof(struct vigil_rs_dfa, n_states), 2);
	memcpy(&n_classes, d + offsetof(struct vigil_rs_dfa, n_classes), 2);
	next = accept + n_states;
	memset(seen, 0, n_states);
	seen[0] = 1;
	stack[top++] = 0;
	while (top) {
		st = stack[--top];
		if (accept[st])
			return true;
		for (c = 0; c < n_classes; c++) {
			if (c == skip)
				continue;
			memcpy(&nx, next + 2 * (st * n_classes + c), 2);
			if (nx == VIGIL_DFA_DEAD || seen[nx])
				continue;
			seen[nx] = 1;
			stack[top++] = nx;
		}
	}
	return false;
}

/*
 * The bytes of a class, or 0 when one of them is common in command lines
 * and paths (a letter, a digit, '/', '.', '-', ' ', '_'): most values
 * would hold it, and looking for it would cost more than it saves.
 */
static u32 need_score(const u64 *map)
{
	u32 x, n = 0;

	for (x = 0; x < 256; x++) {
		if (!((map[x / 64] >> (x % 64)) & 1))
			continue;
		if ((vigil_fold(x) >= 'a' && vigil_fold(x) <= 'z') ||
		    (x >= '0' && x <= '9') || x == '/' || x == '.' ||
		    x == '-' || x == ' ' || x == '_')
			return 0;
		n++;
	}
	return n;
}

/*
 * need_keep() - @m becomes @map when its bytes look rare (need_score())
 * and fewer than @best's; @best then becomes its score.
 */
static void need_keep(const u64 *m, u32 *best, u64 *map)
{
	u32 sc = need_score(m);

	if (sc && sc < *best) {
		*best = sc;
		memcpy(map, m, 4 * sizeof(*m));
	}
}

/**
 * vigil_dfa_need() - bytes a regex cannot match without
 * @d: its struct vigil_rs_dfa record (validated)
 * @nocase: it runs on ASCII-folded bytes
 * @map: set to a bit per byte value; every value the DFA accepts holds
 *	one of them
 * @seen: scratch, VIGIL_DFA_MAX_STATES bytes
 * @stack: scratch, VIGIL_DFA_MAX_STATES entries
 * @work: transitions it may still look at, all calls together; taken
 *	from
 *
 * A class is needed when the start reaches no accepting state without
 * taking it (the DFA matches whole values: every accepted value then
 * holds a byte of it).  Of the needed classes whose bytes all look rare
 * (need_score()), the one of fewest bytes is given.  With @nocase, a
 * byte counts when its fold is in the class.  May sleep.
 *
 * Return: false when no class is needed, or @work cannot pay.
 */
bool vigil_dfa_need(const u8 *d, bool nocase, u64 *map, u8 *seen, u16 *stack,
		    u32 *work)
{
	const u8 *classmap = d + offsetof(struct vigil_rs_dfa, classmap);
	u16 n_states, n_classes;
	u64 m[4];
	u32 c, x, cost, best = U32_MAX;
	u8 b;

	memcpy(&n_states, d + offsetof(struct vigil_rs_dfa, n_states), 2);
	memcpy(&n_classes, d + offsetof(struct vigil_rs_dfa, n_classes), 2);
	cost = (u32)n_states * n_classes * n_classes;
	if (*work < cost)
		return false;
	*work -= cost;
	for (c = 0; c < n_classes; c++) {
		vg_cond_resched();
		if (!DISPATCH_MUT(DISPATCH_MUT_NEED_ANY) &&
		    dfa_accepts_without(d, c, seen, stack))
			continue;
		memset(m, 0, sizeof(m));
		for (x = 0; x < 256; x++) {
			b = nocase ? vigil_fold((u8)x) : (u8)x;
			if (classmap[b] == c)
				m[x / 64] |= 1ULL << (x % 64);
		}
		need_keep(m, &best, map);
	}
	return best != U32_MAX;
}

/**
 * vigil_glob_need() - a rare byte a glob cannot match without
 * @p: the glob's bytes (validated)
 * @plen: its length
 * @nocase: it matches ASCII-folded bytes
 * @map: set to a bit per byte value; every value the glob matches holds
 *	one of them
 *
 * A glob matches whole values, so each of its literal bytes (not '*' or
 * '?', and escaped ones as themselves) is in every value it matches:
 * with @nocase, one of the byte's case variants.  Of those whose
 * classes look rare (need_score()), the first of fewest bytes is given.
 *
 * Return: false when the glob has no rare literal byte.
 */
bool vigil_glob_need(const u8 *p, u32 plen, bool nocase, u64 *map)
{
	u32 i, x, best = U32_MAX;
	u64 m[4];
	u8 c;

	for (i = 0; i < plen; i++) {
		c = p[i];
		if (c == '*' || c == '?')
			continue;
		if (c == '\\' && i + 1 < plen)
			c = p[++i];
		memset(m, 0, sizeof(m));
		for (x = 0; x < 256; x++)
			if (x == c ||
			    (nocase && vigil_fold((u8)x) == vigil_fold(c)))
				m[x / 64] |= 1ULL << (x % 64);
		need_keep(m, &best, map);
	}
	return best != U32_MAX;
}

/* Middle segments of a glob (those searched, not anchored). */
/**
 * vigil_glob_middles() - middle segments of a glob
 * @p: the glob's bytes
 * @plen: its length
 *
 * Return: the segments between its first and last unescaped '*'.
 */
u32 vigil_glob_middles(const u8 *p, u32 plen)
{
	u32 e = glob_seg_end(p, plen, 0), n = 0;

	if (e == plen)
		return 0;
	for (;;) {
		e = glob_seg_end(p, plen, e + 1);
		if (e == plen)
			return n;
		n++;
	}
}

/**
 * vigil_pat_tabs() - how many search tables a pattern can precompute
 * @pat: the pattern (validated)
 * @patstr: its bytes
 *
 * CONTAINS patterns have one, globs one per middle segment plus a
 * terminator; a glob with no middle segment or more than
 * VIGIL_PAT_MAX_TABS gets none (its tables are then built on the stack
 * at match time).
 *
 * Return: the number of struct vigil_segtab vigil_pat_compile() fills.
 */
u32 vigil_pat_tabs(const struct vigil_rs_pat *pat, const char *patstr)
{
	u32 n;

	if (pat->kind == VIGIL_PAT_CONTAINS)
		return 1;
	if (pat->kind != VIGIL_PAT_GLOB)
		return 0;
	n = vigil_glob_middles((const u8 *)patstr, pat->len);
	return n && n <= VIGIL_PAT_MAX_TABS ? n + 1 : 0;
}

/**
 * vigil_pat_compile() - precompute a pattern's search tables
 * @pat: the pattern (validated)
 * @patstr: its bytes
 * @tabs: vigil_pat_tabs() entries
 * @plan: for a GLOB, its geometry
 */
void vigil_pat_compile(const struct vigil_rs_pat *pat, const char *patstr,
		       struct vigil_segtab *tabs, struct vigil_gplan *plan)
{
	const u8 *p = (const u8 *)patstr;
	bool nocase = pat->flags & VIGIL_PAT_F_NOCASE;
	u32 n = vigil_pat_tabs(pat, patstr), e, b, i;
	struct seg sg;

	if (pat->kind == VIGIL_PAT_CONTAINS && n) {
		seg_init(&sg, p, pat->len, true, nocase);
		segtab_build(&sg, tabs);
		return;
	}
	if (pat->kind != VIGIL_PAT_GLOB)
		return;
	glob_plan(p, pat->len, plan);
	if (!n)
		return;
	e = plan->first_end;
	for (i = 0; i + 1 < n; i++) {
		b = e + 1;
		e = glob_seg_end(p, pat->len, b);
		seg_init(&sg, p + b, e - b, false, nocase);
		segtab_build(&sg, &tabs[i]);
		tabs[i].b = b;
		tabs[i].e = e;
	}
	tabs[i].items = VIGIL_NIL;
}

/**
 * vigil_pat_match_tab() - vigil_pat_match() with precomputed tables
 * @pat: the pattern (validated)
 * @patstr: its bytes (REGEX: its struct vigil_rs_dfa record)
 * @s: value
 * @len: value length
 * @tabs: what vigil_pat_compile() wrote, or NULL
 * @plan: what vigil_pat_compile() wrote (GLOB), or NULL
 *
 * Return: true on match.
 */
bool vigil_pat_match_tab(const struct vigil_rs_pat *pat, const char *patstr,
			 const char *s, u32 len,
			 const struct vigil_segtab *tabs,
			 const struct vigil_gplan *plan)
{
	const u8 *p = (const u8 *)patstr, *v = (const u8 *)s;
	bool nocase = pat->flags & VIGIL_PAT_F_NOCASE;
	struct vigil_segtab local;
	u32 n = pat->len;
	struct seg sg;

	switch (pat->kind) {
	case VIGIL_PAT_EXACT:
		return n == len && lit_eq(p, v, n, nocase);
	case VIGIL_PAT_PREFIX:
		return n <= len && lit_eq(p, v, n, nocase);
	case VIGIL_PAT_SUFFIX:
		return n <= len && lit_eq(p, v + len - n, n, nocase);
	case VIGIL_PAT_CONTAINS:
		/* raw: one item per byte */
		sg = (struct seg){ p, n, n, true, nocase };
		if (!tabs) {
			segtab_build(&sg, &local);
			tabs = &local;
		}
		return seg_find(&sg, tabs, v, 0, len) != VIGIL_NOPOS;
	case VIGIL_PAT_GLOB:
		return glob_match(p, n, v, len, nocase, tabs, plan);
	case VIGIL_PAT_REGEX:
		return dfa_match(p, v, len, nocase);
	case VIGIL_PAT_CIDR:
		return n == VIGIL_CIDR_LEN && cidr_match(p, v, len);
	}
	return false;
}

/**
 * vigil_pat_match() - match one pattern against one value
 * @pat: the pattern (validated)
 * @patstr: its bytes (REGEX: its struct vigil_rs_dfa record)
 * @s: value
 * @len: value length
 *
 * Linear in @len for every kind; see the file comment for globs.
 *
 * Return: true on match.
 */
bool vigil_pat_match(const struct vigil_rs_pat *pat, const char *patstr,
		     const char *s, u32 len)
{
	return vigil_pat_match_tab(pat, patstr, s, len, NULL, NULL);
}
