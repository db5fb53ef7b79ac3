// SPDX-License-Identifier: GPL-2.0
/*
 * Code generation: expression trees -> accumulator programs, pattern sets
 * and a deduplicated string table, laid out as one ruleset blob.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "rule.h"

#define ARR(type, name) type *name; size_t n_##name, cap_##name

struct bytes_run {
	__u32 off, len;
};

struct codegen {
	ARR(struct vigil_rs_rule, rules);
	ARR(struct vigil_rs_step, steps);
	ARR(struct vigil_rs_insn, insns);
	ARR(struct vigil_rs_set, sets);
	ARR(struct vigil_rs_pat, pats);
	ARR(char, strtab);
	ARR(char, dfas);
	ARR(struct vigil_rs_threshold, thrs);
	/* runs of bytes in strtab that are no strings (CIDR patterns) */
	ARR(struct bytes_run, runs);
	/* string dedup: open addressing over strtab offsets + 1 */
	__u32 *hash;
	size_t hash_cap, hash_used;
	struct cerr *e;
	const struct node *hint;
	__u32 hint_set;
};

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *na;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 64;
	while (nc < need)
		nc *= 2;
	na = realloc(*arr, nc * elem);
	if (!na)
		return -ENOMEM;
	*arr = na;
	*cap = nc;
	return 0;
}

#define PUSH(g, name, val) ({ \
	int _r = grow((void **)&(g)->name, &(g)->cap_##name, \
		      (g)->n_##name + 1, sizeof(*(g)->name)); \
	if (!_r) \
		(g)->name[(g)->n_##name++] = (val); \
	_r; })

struct codegen *codegen_new(void)
{
	return calloc(1, sizeof(struct codegen));
}

void codegen_free(struct codegen *g)
{
	if (!g)
		return;
	free(g->rules);
	free(g->steps);
	free(g->insns);
	free(g->sets);
	free(g->pats);
	free(g->strtab);
	free(g->dfas);
	free(g->thrs);
	free(g->runs);
	free(g->hash);
	free(g);
}

unsigned int codegen_count(const struct codegen *g)
{
	return (unsigned int)g->n_rules;
}

static __u32 fnv(const char *s, size_t len)
{
	__u32 h = 2166136261U;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 16777619U;
	return h;
}

static int rehash(struct codegen *g)
{
	size_t cap = g->hash_cap ? g->hash_cap * 2 : 1024, i, r = 0;
	__u32 *nh = calloc(cap, sizeof(*nh));
	size_t off = 0;

	if (!nh)
		return -ENOMEM;
	free(g->hash);
	g->hash = nh;
	g->hash_cap = cap;
	g->hash_used = 0;
	/* re-index every string of strtab, stepping over the byte runs */
	while (off < g->n_strtab) {
		size_t len;
		__u32 h;

		if (r < g->n_runs && g->runs[r].off == off) {
			off += g->runs[r++].len;
			continue;
		}
		len = strlen(g->strtab + off);
		h = fnv(g->strtab + off, len);

		for (i = h & (cap - 1); nh[i]; i = (i + 1) & (cap - 1))
			;
		nh[i] = (__u32)off + 1;
		g->hash_used++;
		off += len + 1;
	}
	return 0;
}

/* Interns @s (no NUL inside) and returns its offset, or -1. */
static long intern(struct codegen *g, const char *s, size_t len)
{
	__u32 h = fnv(s, len);
	size_t i, off = g->n_strtab;

	if (memchr(s, 0, len))
		return -1;
	if ((g->hash_used + 1) * 2 > g->hash_cap && rehash(g))
		return -1;
	for (i = h & (g->hash_cap - 1); g->hash[i];
	     i = (i + 1) & (g->hash_cap - 1)) {
		size_t o = g->hash[i] - 1;

		if (o + len < g->n_strtab && !memcmp(g->strtab + o, s, len) &&
		    !g->strtab[o + len])
			return (long)o;
	}
	if (grow((void **)&g->strtab, &g->cap_strtab, off + len + 1, 1))
		return -1;
	memcpy(g->strtab + off, s, len);
	g->strtab[off + len] = 0;
	g->n_strtab += len + 1;
	g->hash[i] = (__u32)off + 1;
	g->hash_used++;
	return (long)off;
}

/*
 * Appends the bytes of a CIDR pattern: NUL bytes inside, so no string
 * to share or index; runs[] tells rehash() to step over them.
 * Return: their offset, or -1.
 */
static long append_bytes(struct codegen *g, const char *b, size_t len)
{
	struct bytes_run run = { .off = (__u32)g->n_strtab,
				 .len = (__u32)len };

	if (grow((void **)&g->strtab, &g->cap_strtab, g->n_strtab + len, 1) ||
	    PUSH(g, runs, run))
		return -1;
	memcpy(g->strtab + run.off, b, len);
	g->n_strtab += len;
	return (long)run.off;
}

/* ---- pattern classification ---- */

/* all-star glob: matches anything */
static bool glob_any(const struct pat *p)
{
	size_t i;

	if (p->kind != VIGIL_PAT_GLOB)
		return false;
	for (i = 0; i < p->len; i++)
		if (p->s[i] != '*')
			return false;
	return true;
}

/*
 * GLOB text -> the cheapest equivalent kind; @lit gets the literal (for
 * EXACT/PREFIX/SUFFIX/CONTAINS) or the glob text itself.
 */
static __u8 classify(const struct pat *p, char *lit, size_t *llen)
{
	size_t i = 0, end = p->len, o = 0;
	bool lead = false, trail = false;

	if (p->kind != VIGIL_PAT_GLOB) {
		memcpy(lit, p->s, p->len);
		*llen = p->len;
		return p->kind;
	}
	while (i < end && p->s[i] == '*') {
		lead = true;
		i++;
	}
	/* trailing stars, unless the last one is escaped */
	while (end > i && p->s[end - 1] == '*') {
		size_t bs = 0, k = end - 1;

		while (k > i && p->s[k - 1] == '\\') {
			bs++;
			k--;
		}
		if (bs & 1)
			break;
		trail = true;
		end--;
	}
	for (; i < end; i++) {
		if (p->s[i] == '*' || p->s[i] == '?')
			goto glob;
		if (p->s[i] == '\\' && i + 1 < end)
			i++;
		lit[o++] = p->s[i];
	}
	*llen = o;
	if (lead && trail)
		return VIGIL_PAT_CONTAINS;
	if (lead)
		return VIGIL_PAT_SUFFIX;
	if (trail)
		return VIGIL_PAT_PREFIX;
	return VIGIL_PAT_EXACT;
glob:
	memcpy(lit, p->s, p->len);
	*llen = p->len;
	return VIGIL_PAT_GLOB;
}

static int add_set(struct codegen *g, const struct node *m, __u32 *set,
		   bool *all_exact)
{
	struct vigil_rs_set s = { .first_pat = (__u32)g->n_pats,
				  .n_pats = (__u32)m->npats };
	int i;

	*all_exact = true;
	if (m->npats > VIGIL_RS_MAX_SET)
		return cerr_set(g->e, m->off, "too many patterns (max %d)",
				VIGIL_RS_MAX_SET);
	for (i = 0; i < m->npats; i++) {
		const struct pat *p = &m->pats[i];
		struct vigil_rs_pat rp = { 0 };
		char *lit = malloc(p->len + 1);
		size_t llen;
		long off;

		if (!lit)
			return cerr_set(g->e, m->off, "out of memory");
		rp.kind = classify(p, lit, &llen);
		rp.flags = p->nocase ? VIGIL_PAT_F_NOCASE : 0;
		if (rp.kind != VIGIL_PAT_EXACT)
			*all_exact = false;
		if (rp.kind == VIGIL_PAT_REGEX) {
			void *dfa;
			size_t dlen;

			free(lit);
			if (regex_compile(p->s, p->len, p->nocase, &dfa, &dlen,
					  g->e, m->off))
				return -1;
			if (dlen > 0xffff) {
				free(dfa);
				return cerr_set(g->e, m->off,
						"regex too complex");
			}
			off = (long)((g->n_dfas + 3) & ~3UL);
			if (grow((void **)&g->dfas, &g->cap_dfas, off + dlen, 1)) {
				free(dfa);
				return cerr_set(g->e, m->off, "out of memory");
			}
			memset(g->dfas + g->n_dfas, 0, off - g->n_dfas);
			memcpy(g->dfas + off, dfa, dlen);
			g->n_dfas = off + dlen;
			free(dfa);
			rp.str = (__u32)off;
			rp.len = (__u16)dlen;
		} else {
			if (llen > VIGIL_RS_MAX_STR) {
				free(lit);
				return cerr_set(g->e, m->off,
						"pattern longer than %d bytes",
						VIGIL_RS_MAX_STR);
			}
			off = rp.kind == VIGIL_PAT_CIDR ?
				      append_bytes(g, lit, llen) :
				      intern(g, lit, llen);
			free(lit);
			if (off < 0)
				return cerr_set(g->e, m->off,
						"NUL byte in pattern or out of memory");
			rp.str = (__u32)off;
			rp.len = (__u16)llen;
		}
		if (PUSH(g, pats, rp))
			return cerr_set(g->e, m->off, "out of memory");
	}
	*set = (__u32)g->n_sets;
	if (PUSH(g, sets, s))
		return cerr_set(g->e, m->off, "out of memory");
	return 0;
}

static int emit(struct codegen *g, __u8 op, __u8 field, __u8 cmp, __u32 arg,
		int off)
{
	struct vigil_rs_insn in = { .op = op, .field = field, .cmp = cmp,
				    .arg = arg };

	if (PUSH(g, insns, in))
		return cerr_set(g->e, off, "out of memory");
	return 0;
}

static int gen(struct codegen *g, const struct node *n, int depth)
{
	size_t *fix;
	int i, nfix = 0;
	__u32 set = 0;
	bool exact;

	if (depth > DEPTH_MAX * 2)
		return cerr_set(g->e, n->off, "query nested too deeply");
	switch (n->t) {
	case N_CONST:
		return emit(g, VIGIL_OP_CONST, 0, 0, n->val, n->off);
	case N_EXISTS:
		return emit(g, VIGIL_OP_EXISTS, n->field, 0, 0, n->off);
	case N_NUMCMP:
		if (n->num > 0xffffffffULL)
			return cerr_set(g->e, n->off,
					"number %llu too large (max 2^32-1)",
					(unsigned long long)n->num);
		return emit(g, VIGIL_OP_NUMCMP, n->field, n->cmp,
			    (__u32)n->num, n->off);
	case N_NOT:
		if (gen(g, n->kids[0], depth + 1))
			return -1;
		return emit(g, VIGIL_OP_NOT, 0, 0, 0, n->off);
	case N_MATCH:
		for (i = 0; i < n->npats; i++)
			if (glob_any(&n->pats[i]))
				return emit(g, VIGIL_OP_EXISTS, n->field, 0, 0,
					    n->off);
		if (add_set(g, n, &set, &exact))
			return -1;
		if (n == g->hint)
			g->hint_set = set;
		return emit(g, VIGIL_OP_MATCH, n->field, 0, set, n->off);
	case N_AND:
	case N_OR:
		fix = calloc(n->n, sizeof(*fix));
		if (!fix)
			return cerr_set(g->e, n->off, "out of memory");
		for (i = 0; i < n->n; i++) {
			if (gen(g, n->kids[i], depth + 1))
				goto err;
			if (i == n->n - 1)
				break;
			fix[nfix++] = g->n_insns;
			if (emit(g, n->t == N_AND ? VIGIL_OP_JF : VIGIL_OP_JT,
				 0, 0, 0, n->off))
				goto err;
		}
		for (i = 0; i < nfix; i++)
			g->insns[fix[i]].arg = (__u32)(g->n_insns - fix[i] - 1);
		free(fix);
		return 0;
err:
		free(fix);
		return -1;
	}
	return cerr_set(g->e, n->off, "internal error: bad node");
}

/* A list of EXACT patterns of one field, for an index hint. */
struct plist {
	const struct pat **v;
	int n;
	const struct node *src;	/* the MATCH node when it is all of it */
};

/* PREFIX/SUFFIX hint patterns the engine indexes (VIGIL_IDX_AFFIX). */
#define HINT_AFFIX_MAX	64

/* Pattern kind for a hint, or -1 when it cannot be one. */
static int pat_hint_kind(const struct pat *p, bool affix, char *lit,
			 size_t *llen)
{
	__u8 k;

	if (glob_any(p))
		return -1;
	k = classify(p, lit, llen);
	if (k == VIGIL_PAT_EXACT)
		return k;
	if (affix && (k == VIGIL_PAT_PREFIX || k == VIGIL_PAT_SUFFIX) &&
	    *llen >= 1 && *llen <= HINT_AFFIX_MAX)
		return k;
	return -1;
}

static bool pat_hintable(const struct pat *p, bool affix)
{
	char *lit = malloc(p->len + 1);
	size_t llen;
	bool ok;

	if (!lit)
		return false;
	ok = pat_hint_kind(p, affix, lit, &llen) >= 0;
	free(lit);
	return ok;
}

/* Patterns made up for hints, freed after each step. */
struct synth {
	struct synth *next;
	struct pat p;
	char s[];
};

static void synth_free(struct synth **arena)
{
	struct synth *n;

	while (*arena) {
		n = (*arena)->next;
		free(*arena);
		*arena = n;
	}
}

static const struct pat *synth_new(struct synth **arena, __u8 kind,
				   const char *s, size_t len, bool nocase)
{
	struct synth *n = malloc(sizeof(*n) + len + 1);

	if (!n)
		return NULL;
	memcpy(n->s, s, len);
	n->s[len] = 0;
	n->p = (struct pat){ .s = n->s, .len = len, .kind = kind,
			     .nocase = nocase };
	n->next = *arena;
	*arena = n;
	return &n->p;
}

/*
 * A PREFIX or SUFFIX implied by a pattern that cannot be a hint itself:
 * a glob's literal text before its first wildcard (else after its last),
 * a regex's fixed first bytes (regex_prefix()), or a PREFIX/SUFFIX cut to
 * HINT_AFFIX_MAX bytes.  Return: NULL if none.
 */
static const struct pat *pat_affix(struct synth **arena, const struct pat *p)
{
	char *lit = malloc(p->len + 1);
	const struct pat *r = NULL;
	size_t llen, i, o = 0, last = 0;
	__u8 k;

	if (!lit || glob_any(p))
		goto out;
	k = classify(p, lit, &llen);
	if (k == VIGIL_PAT_REGEX) {
		llen = regex_prefix(p->s, p->len, p->nocase, lit,
				    p->len < HINT_AFFIX_MAX ? p->len :
							      HINT_AFFIX_MAX);
		if (llen)
			r = synth_new(arena, VIGIL_PAT_PREFIX, lit, llen,
				      p->nocase);
		goto out;
	}
	if (k == VIGIL_PAT_PREFIX && llen > HINT_AFFIX_MAX) {
		r = synth_new(arena, k, lit, HINT_AFFIX_MAX, p->nocase);
		goto out;
	}
	if (k == VIGIL_PAT_SUFFIX && llen > HINT_AFFIX_MAX) {
		r = synth_new(arena, k, lit + llen - HINT_AFFIX_MAX,
			      HINT_AFFIX_MAX, p->nocase);
		goto out;
	}
	if (k != VIGIL_PAT_GLOB)
		goto out;
	/* where the text after the last unescaped wildcard starts */
	for (i = 0; i < p->len; i++) {
		if (p->s[i] == '*' || p->s[i] == '?')
			last = i + 1;
		else if (p->s[i] == '\\' && i + 1 < p->len)
			i++;
	}
	/* leading literal, unescaped */
	for (i = 0, o = 0; i < p->len && o < HINT_AFFIX_MAX; i++) {
		if (p->s[i] == '*' || p->s[i] == '?')
			break;
		if (p->s[i] == '\\' && i + 1 < p->len)
			i++;
		lit[o++] = p->s[i];
	}
	if (o) {
		r = synth_new(arena, VIGIL_PAT_PREFIX, lit, o, p->nocase);
		goto out;
	}
	/* trailing literal after the last unescaped wildcard, unescaped */
	for (i = last, o = 0; i < p->len; i++) {
		if (p->s[i] == '\\' && i + 1 < p->len)
			i++;
		lit[o++] = p->s[i];
	}
	if (o)
		r = synth_new(arena, VIGIL_PAT_SUFFIX,
			      lit + (o > HINT_AFFIX_MAX ? o - HINT_AFFIX_MAX : 0),
			      o > HINT_AFFIX_MAX ? HINT_AFFIX_MAX : o,
			      p->nocase);
out:
	free(lit);
	return r;
}

static void plist_free(struct plist *pl)
{
	free(pl->v);
	pl->v = NULL;
	pl->n = 0;
	pl->src = NULL;
}

/*
 * The EXACT (with @affix, also PREFIX and SUFFIX) patterns P of @field
 * such that @n can only be true when the
 * event's @field equals one of P: a MATCH of @field whose patterns are
 * all EXACT; for AND, the smallest such list among its children; for
 * OR, the union of its children's lists when every child has one;
 * a false constant has the empty list.
 *
 * Return: 1 with @pl filled (free with plist_free()), 0 when there is
 * none (or out of memory: no hint is always correct).
 */
static int hint_pats(const struct node *n, __u8 field, bool affix,
		     struct synth **arena, struct plist *pl, int depth)
{
	struct plist k;
	bool found;
	int i;

	pl->v = NULL;
	pl->n = 0;
	pl->src = NULL;
	if (depth > DEPTH_MAX * 2)
		return 0;
	switch (n->t) {
	case N_MATCH:
		if (n->field != field || n->npats > VIGIL_RS_MAX_SET)
			return 0;
		pl->v = malloc(sizeof(*pl->v) * (n->npats + 1));
		if (!pl->v)
			return 0;
		pl->src = n;
		for (i = 0; i < n->npats; i++) {
			pl->v[i] = &n->pats[i];
			if (pat_hintable(&n->pats[i], affix))
				continue;
			pl->v[i] = affix ? pat_affix(arena, &n->pats[i]) : NULL;
			pl->src = NULL;
			if (!pl->v[i]) {
				plist_free(pl);
				return 0;
			}
		}
		pl->n = n->npats;
		return 1;
	case N_CONST:
		return !n->val;
	case N_AND:
		found = false;
		for (i = 0; i < n->n; i++) {
			if (!hint_pats(n->kids[i], field, affix, arena, &k,
				       depth + 1))
				continue;
			if (!found || k.n < pl->n) {
				plist_free(pl);
				*pl = k;
				found = true;
			} else {
				plist_free(&k);
			}
		}
		return found;
	case N_OR:
		for (i = 0; i < n->n; i++) {
			const struct pat **nv;

			if (!hint_pats(n->kids[i], field, affix, arena, &k,
				       depth + 1))
				goto none;
			if (pl->n + k.n > VIGIL_RS_MAX_SET) {
				plist_free(&k);
				goto none;
			}
			nv = realloc(pl->v, sizeof(*nv) * (pl->n + k.n + 1));
			if (!nv) {
				plist_free(&k);
				goto none;
			}
			if (k.n)
				memcpy(nv + pl->n, k.v, sizeof(*nv) * k.n);
			pl->v = nv;
			pl->n += k.n;
			pl->src = n->n == 1 ? k.src : NULL;
			plist_free(&k);
		}
		return 1;
none:
		plist_free(pl);
		return 0;
	default:
		return 0;
	}
}
/*
 * Index hint fields, most selective first.  Event category, type and
 * action are left out: every event of the step's kinds has them.
 */
static const __u8 hint_fields[] = {
	VIGIL_F_PROCESS_NAME,
	VIGIL_F_FILE_NAME,
	VIGIL_F_FILE_EXTENSION,
	VIGIL_F_PROCESS_EXECUTABLE,
	VIGIL_F_FILE_PATH,
	VIGIL_F_FILE_ORIG_NAME,
	VIGIL_F_FILE_ORIG_EXTENSION,
	VIGIL_F_FILE_ORIG_PATH,
	VIGIL_F_FILE_TARGET_PATH,
	VIGIL_F_PARENT_EXECUTABLE,
	VIGIL_F_PARENT_NAME,
	VIGIL_F_FILE_DIRECTORY,
	VIGIL_F_FILE_ORIG_DIRECTORY,
	VIGIL_F_PROCESS_WORKING_DIRECTORY,
};

/*
 * Does hint pattern (@ka, @a) cover (@kb, @b): does every value matching
 * b match a?  NOCASE (@ia) a compares folded; otherwise b must be case
 * sensitive too and the bytes equal.
 */
static bool covers(int ka, const char *a, size_t al, bool ia, int kb,
		   const char *b, size_t bl, bool ib)
{
	size_t i, off;

	if (!ia && ib)
		return false;
	if (ka == VIGIL_PAT_EXACT && (kb != VIGIL_PAT_EXACT || al != bl))
		return false;
	if (kb != VIGIL_PAT_EXACT && kb != ka)
		return false;
	if (al > bl)
		return false;
	off = ka == VIGIL_PAT_SUFFIX ? bl - al : 0;
	for (i = 0; i < al; i++)
		if (ia ? vigil_fold((u8)a[i]) != vigil_fold((u8)b[off + i]) :
			 a[i] != b[off + i])
			return false;
	return true;
}

/*
 * Drops the hint patterns that others cover, so that no value matches two
 * of them (the engine indexes a step only then); fails when PREFIX and
 * SUFFIX patterns are mixed.  Return: 0, or -1 (no hint).
 */
#define nc(i)	(pl->v[i]->nocase)
static int hint_normalize(struct plist *pl)
{
	char **lit = calloc(pl->n + 1, sizeof(*lit));
	size_t *len = calloc(pl->n + 1, sizeof(*len));
	int *kind = calloc(pl->n + 1, sizeof(*kind));
	int i, j, o = 0, r = -1, kinds = 0, n0 = pl->n;

	if (!lit || !len || !kind)
		goto out;
	for (i = 0; i < pl->n; i++) {
		lit[i] = malloc(pl->v[i]->len + 1);
		if (!lit[i])
			goto out;
		kind[i] = pat_hint_kind(pl->v[i], true, lit[i], &len[i]);
		if (kind[i] < 0)
			goto out;
		kinds |= 1 << kind[i];
	}
	if ((kinds & (1 << VIGIL_PAT_PREFIX)) &&
	    (kinds & (1 << VIGIL_PAT_SUFFIX)))
		goto out;
	for (i = 0; i < pl->n; i++) {
		bool drop = false;

		for (j = 0; j < pl->n && !drop; j++) {
			if (i == j || kind[j] < 0)
				continue;
			/* equal ones: keep the first */
			if (covers(kind[j], lit[j], len[j], nc(j), kind[i],
				   lit[i], len[i], nc(i)) &&
			    (j < i || !covers(kind[i], lit[i], len[i], nc(i),
					      kind[j], lit[j], len[j], nc(j))))
				drop = true;
		}
		if (drop) {
			kind[i] = -1;
			pl->src = NULL;
			continue;
		}
		pl->v[o++] = pl->v[i];
	}
	pl->n = o;
	r = 0;
out:
	for (i = 0; lit && i < n0; i++)
		free(lit[i]);
	free(lit);
	free(len);
	free(kind);
	return r;
}
#undef nc

/*
 * Return: the hint field with @pl filled, or 0.  Fields are tried in
 * order, first for EXACT-only hints, then allowing PREFIX and SUFFIX.
 */
static __u8 hint_pick(const struct node *root, struct synth **arena,
		      struct plist *pl)
{
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < sizeof(hint_fields); i++) {
			/* the engine indexes STR fields only */
			if (field_type(hint_fields[i]) != VIGIL_FT_STR ||
			    !hint_pats(root, hint_fields[i], pass, arena, pl,
				       0))
				continue;
			if (pl->n && (!pass || !hint_normalize(pl)) && pl->n)
				return hint_fields[i];
			plist_free(pl);
		}
	}
	return 0;
}

/* A set of its own for a hint that is not one MATCH of the program. */
static int hint_set(struct codegen *g, const struct node *root, __u8 field,
		    const struct plist *pl, __u32 *set)
{
	struct node tmp = { .t = N_MATCH, .off = root->off, .field = field,
			    .npats = pl->n };
	struct pat *pp = malloc(sizeof(*pp) * pl->n);
	bool exact;
	int i, r;

	if (!pp)
		return cerr_set(g->e, root->off, "out of memory");
	for (i = 0; i < pl->n; i++)
		pp[i] = *pl->v[i];
	tmp.pats = pp;
	r = add_set(g, &tmp, set, &exact);
	free(pp);
	return r;
}

static void rollback(struct codegen *g, size_t r, size_t s, size_t in,
		     size_t se, size_t p, size_t st, size_t d)
{
	g->n_rules = r;
	g->n_steps = s;
	g->n_insns = in;
	g->n_sets = se;
	g->n_pats = p;
	if (g->n_strtab != st) {
		g->n_strtab = st;
		while (g->n_runs && g->runs[g->n_runs - 1].off >= st)
			g->n_runs--;
		rehash(g);	/* on failure the table is just emptier */
	}
	g->n_dfas = d;
}

/**
 * codegen_add() - append one rule
 * @g: the generator
 * @r: the rule
 * @e: error (query offset) on failure
 *
 * Return: 0, or -1 with @e set and @g unchanged.
 */
int codegen_add(struct codegen *g, const struct crule *r, struct cerr *e)
{
	size_t r0 = g->n_rules, s0 = g->n_steps, i0 = g->n_insns;
	size_t se0 = g->n_sets, p0 = g->n_pats, st0 = g->n_strtab;
	size_t d0 = g->n_dfas;
	struct vigil_rs_rule rr = { 0 };
	long id, name, threat;
	int i;

	g->e = e;
	if (g->n_rules >= VIGIL_RS_MAX_RULES)
		return cerr_set(e, -1, "too many rules (max %d)",
				VIGIL_RS_MAX_RULES);
	id = intern(g, r->id, strlen(r->id));
	name = intern(g, r->name, strlen(r->name));
	threat = intern(g, r->threat, strlen(r->threat));
	if (id < 0 || name < 0 || threat < 0) {
		cerr_set(e, -1, "out of memory");
		goto err;
	}
	rr.id_str = (__u32)id;
	rr.name_str = (__u32)name;
	rr.threat_str = (__u32)threat;
	rr.kind = r->kind;
	rr.severity = r->severity;
	rr.risk_score = r->risk_score;
	rr.flags = r->flags;
	rr.first_step = (__u16)g->n_steps;
	rr.n_steps = (__u16)r->q.n_steps;
	rr.maxspan_ms = r->kind == VIGIL_RULE_SEQUENCE ? r->q.maxspan_ms : 0;
	rr.history_window_s = r->history_window_s;
	rr.n_terms = r->n_terms;
	memcpy(rr.term_fields, r->terms, sizeof(rr.term_fields));
	if (g->n_steps + r->q.n_steps > 0xffff) {
		cerr_set(e, -1, "too many steps in the ruleset");
		goto err;
	}
	for (i = 0; i < r->q.n_steps; i++) {
		const struct cstep *cs = &r->q.steps[i];
		struct vigil_rs_step st = { 0 };
		struct synth *arena = NULL;
		struct plist hp;
		__u8 hf;

		st.first_insn = (__u32)g->n_insns;
		st.kind_mask = cs->kind_mask;
		st.runs = cs->runs ? cs->runs : 1;
		st.n_by = cs->n_by;
		memcpy(st.by_fields, cs->by, sizeof(st.by_fields));
		st.index_set = VIGIL_RS_NO_SET;
		hf = hint_pick(cs->expr, &arena, &hp);
		g->hint = hf ? hp.src : NULL;
		g->hint_set = VIGIL_RS_NO_SET;
		if (gen(g, cs->expr, 0) ||
		    (hf && g->hint_set == VIGIL_RS_NO_SET &&
		     hint_set(g, cs->expr, hf, &hp, &g->hint_set))) {
			if (hf)
				plist_free(&hp);
			synth_free(&arena);
			goto err;
		}
		if (hf)
			plist_free(&hp);
		synth_free(&arena);
		if (g->hint_set != VIGIL_RS_NO_SET) {
			st.index_field = hf;
			st.index_set = g->hint_set;
		}
		st.n_insns = (__u32)(g->n_insns - st.first_insn);
		if (st.n_insns > VIGIL_RS_MAX_INSNS) {
			cerr_set(e, cs->expr->off,
				 "query too large (%u instructions, max %d)",
				 st.n_insns, VIGIL_RS_MAX_INSNS);
			goto err;
		}
		if (PUSH(g, steps, st)) {
			cerr_set(e, -1, "out of memory");
			goto err;
		}
	}
	if (r->kind == VIGIL_RULE_THRESHOLD) {
		struct vigil_rs_threshold t = r->thr;

		t.rule = (__u32)g->n_rules;
		if (PUSH(g, thrs, t)) {
			cerr_set(e, -1, "out of memory");
			goto err;
		}
	}
	if (PUSH(g, rules, rr)) {
		if (r->kind == VIGIL_RULE_THRESHOLD)
			g->n_thrs--;
		cerr_set(e, -1, "out of memory");
		goto err;
	}
	return 0;
err:
	rollback(g, r0, s0, i0, se0, p0, st0, d0);
	return -1;
}

static size_t align4(size_t x)
{
	return (x + 3) & ~(size_t)3;
}

/**
 * codegen_emit() - lay out the ruleset blob
 * @g: the generator
 * @blob: set to a malloc'ed blob
 * @len: its size
 *
 * Return: 0 or -ENOMEM / -E2BIG.
 */
int codegen_emit(struct codegen *g, void **blob, __u32 *len)
{
	struct vigil_rs_header h = { 0 };
	size_t off = align4(sizeof(h)), total;
	char *b;

	h.magic = VIGIL_RS_MAGIC;
	h.version = VIGIL_RS_VERSION;
	h.header_size = sizeof(h);
#define SECTION(name, cnt_field, off_field, bytes) do { \
		h.cnt_field = (__u32)g->n_##name; \
		h.off_field = (__u32)off; \
		off = align4(off + (bytes)); \
	} while (0)
	SECTION(rules, n_rules, rules_off, g->n_rules * sizeof(*g->rules));
	SECTION(steps, n_steps, steps_off, g->n_steps * sizeof(*g->steps));
	SECTION(insns, n_insns, insns_off, g->n_insns * sizeof(*g->insns));
	SECTION(sets, n_sets, sets_off, g->n_sets * sizeof(*g->sets));
	SECTION(pats, n_pats, pats_off, g->n_pats * sizeof(*g->pats));
	SECTION(thrs, n_thresholds, thresholds_off,
		g->n_thrs * sizeof(*g->thrs));
	SECTION(strtab, strtab_size, strtab_off, g->n_strtab);
	SECTION(dfas, dfa_size, dfa_off, g->n_dfas);
#undef SECTION
	total = off;
	if (total > VIGIL_RS_MAX_SIZE)
		return -E2BIG;
	h.total_size = (__u32)total;
	b = calloc(1, total);
	if (!b)
		return -ENOMEM;
	/* host order is little-endian on every supported architecture */
	memcpy(b, &h, sizeof(h));
	if (g->n_rules)
		memcpy(b + h.rules_off, g->rules, g->n_rules * sizeof(*g->rules));
	if (g->n_steps)
		memcpy(b + h.steps_off, g->steps, g->n_steps * sizeof(*g->steps));
	if (g->n_insns)
		memcpy(b + h.insns_off, g->insns, g->n_insns * sizeof(*g->insns));
	if (g->n_sets)
		memcpy(b + h.sets_off, g->sets, g->n_sets * sizeof(*g->sets));
	if (g->n_pats)
		memcpy(b + h.pats_off, g->pats, g->n_pats * sizeof(*g->pats));
	if (g->n_thrs)
		memcpy(b + h.thresholds_off, g->thrs,
		       g->n_thrs * sizeof(*g->thrs));
	if (g->n_strtab)
		memcpy(b + h.strtab_off, g->strtab, g->n_strtab);
	if (g->n_dfas)
		memcpy(b + h.dfa_off, g->dfas, g->n_dfas);
	*blob = b;
	*len = (__u32)total;
	return 0;
}
