// SPDX-License-Identifier: GPL-2.0
/*
 * Code generation: expression trees -> accumulator programs, pattern sets
 * and a deduplicated string table, laid out as one ruleset blob.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"

#define ARR(type, name) type *name; size_t n_##name, cap_##name

struct codegen {
	ARR(struct vigil_rs_rule, rules);
	ARR(struct vigil_rs_step, steps);
	ARR(struct vigil_rs_insn, insns);
	ARR(struct vigil_rs_set, sets);
	ARR(struct vigil_rs_pat, pats);
	ARR(char, strtab);
	ARR(char, dfas);
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
	size_t cap = g->hash_cap ? g->hash_cap * 2 : 1024, i;
	__u32 *nh = calloc(cap, sizeof(*nh));
	size_t off = 0;

	if (!nh)
		return -ENOMEM;
	free(g->hash);
	g->hash = nh;
	g->hash_cap = cap;
	g->hash_used = 0;
	/* re-index every string of strtab */
	while (off < g->n_strtab) {
		size_t len = strlen(g->strtab + off);
		__u32 h = fnv(g->strtab + off, len);

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
			off = intern(g, lit, llen);
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

/*
 * The index hint: a process.name (else file.extension) MATCH whose
 * patterns are all EXACT and
 * that is the root or a direct child of the root AND, so a false result
 * makes the whole step false.
 */
static const struct node *hint_node(const struct node *root, __u8 field)
{
	const struct node *const *k = &root;
	int i, n = 1;

	if (root->t == N_AND) {
		k = (const struct node *const *)root->kids;
		n = root->n;
	}
	for (i = 0; i < n; i++) {
		const struct node *m = k[i];
		char *lit;
		size_t llen;
		int j;
		bool ok = m->t == N_MATCH && m->field == field;

		for (j = 0; ok && j < m->npats; j++) {
			lit = malloc(m->pats[j].len + 1);
			if (!lit)
				return NULL;
			ok = !glob_any(&m->pats[j]) &&
			     classify(&m->pats[j], lit, &llen) ==
			     VIGIL_PAT_EXACT;
			free(lit);
		}
		if (ok)
			return m;
	}
	return NULL;
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

		st.first_insn = (__u32)g->n_insns;
		st.kind_mask = cs->kind_mask;
		st.runs = cs->runs ? cs->runs : 1;
		st.n_by = cs->n_by;
		memcpy(st.by_fields, cs->by, sizeof(st.by_fields));
		st.index_set = VIGIL_RS_NO_SET;
		g->hint = hint_node(cs->expr, VIGIL_F_PROCESS_NAME);
		if (!g->hint)
			g->hint = hint_node(cs->expr, VIGIL_F_FILE_EXTENSION);
		g->hint_set = VIGIL_RS_NO_SET;
		if (gen(g, cs->expr, 0))
			goto err;
		if (g->hint_set != VIGIL_RS_NO_SET) {
			st.index_field = g->hint->field;
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
	if (PUSH(g, rules, rr)) {
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
	if (g->n_strtab)
		memcpy(b + h.strtab_off, g->strtab, g->n_strtab);
	if (g->n_dfas)
		memcpy(b + h.dfa_off, g->dfas, g->n_dfas);
	*blob = b;
	*len = (__u32)total;
	return 0;
}
