// SPDX-License-Identifier: GPL-2.0
/*
 * Regular expressions -> DFA (struct vigil_rs_dfa).
 *
 * Syntax (a safe subset of EQL/Lucene regexps): literals, '.', [...] and
 * [^...] with ranges, '*', '+', '?', {m}, {m,}, {m,n} (n <= 255), '|',
 * '(...)', '\d' '\w' '\s' (and upper-case negations), '\' escapes of any
 * other byte.  The match is always against the whole value; a leading '^'
 * and a trailing '$' are accepted and change nothing.  Backreferences,
 * lookaround and the like are rejected.  Thompson construction to an NFA,
 * then subset construction, byte classes, capped at VIGIL_DFA_MAX_STATES.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"

#define RE_MAX_NFA	10000
#define RE_MAX_REPEAT	255
#define RE_MAX_DEPTH	64

struct cset {
	uint8_t b[32];
};

enum rnode_t { R_SET, R_CAT, R_ALT, R_REP, R_EMPTY };

struct rnode {
	enum rnode_t t;
	struct cset set;		/* R_SET */
	struct rnode *a, *b;		/* R_CAT, R_ALT; R_REP: a */
	int min, max;			/* R_REP, max -1 = unbounded */
};

struct rparse {
	const char *s;
	size_t len, pos;
	int depth;
	bool nocase;
	struct cerr *e;
	int off;
};

static void cs_add(struct cset *c, int ch)
{
	c->b[ch >> 3] |= 1U << (ch & 7);
}

static bool cs_has(const struct cset *c, int ch)
{
	return c->b[ch >> 3] & (1U << (ch & 7));
}

static void cs_range(struct cset *c, int lo, int hi)
{
	for (; lo <= hi; lo++)
		cs_add(c, lo);
}

static void cs_negate(struct cset *c)
{
	int i;

	for (i = 0; i < 32; i++)
		c->b[i] = ~c->b[i];
}

static void cs_fold(struct cset *c)
{
	int ch;

	for (ch = 'A'; ch <= 'Z'; ch++)
		if (cs_has(c, ch) || cs_has(c, ch + 32)) {
			cs_add(c, ch);
			cs_add(c, ch + 32);
		}
}

static void rnode_free(struct rnode *n)
{
	if (!n)
		return;
	rnode_free(n->a);
	rnode_free(n->b);
	free(n);
}

static struct rnode *rnew(struct rparse *p, enum rnode_t t)
{
	struct rnode *n = calloc(1, sizeof(*n));

	if (!n)
		cerr_set(p->e, p->off, "out of memory");
	else
		n->t = t;
	return n;
}

static int rfail(struct rparse *p, const char *msg)
{
	return cerr_set(p->e, p->off, "regex: %s at offset %zu", msg, p->pos);
}

static int peekc(struct rparse *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

/* \d \w \s and friends; Return: 1 if handled. */
static int class_escape(int c, struct cset *set)
{
	struct cset t = { 0 };
	int lc = c | 32;

	if (lc == 'd') {
		cs_range(&t, '0', '9');
	} else if (lc == 'w') {
		cs_range(&t, '0', '9');
		cs_range(&t, 'a', 'z');
		cs_range(&t, 'A', 'Z');
		cs_add(&t, '_');
	} else if (lc == 's') {
		cs_add(&t, ' ');
		cs_range(&t, '\t', '\r');
	} else {
		return 0;
	}
	if (c != lc)
		cs_negate(&t);
	for (c = 0; c < 32; c++)
		set->b[c] |= t.b[c];
	return 1;
}

static int escape_byte(struct rparse *p, int *out)
{
	int c;

	p->pos++;
	c = peekc(p);
	if (c < 0)
		return rfail(p, "trailing backslash");
	p->pos++;
	if ((c >= '1' && c <= '9') || c == 'b' || c == 'B' || c == 'k')
		return rfail(p, "backreferences and assertions are not supported");
	if (c == 'n')
		c = '\n';
	else if (c == 't')
		c = '\t';
	else if (c == 'r')
		c = '\r';
	*out = c;
	return 0;
}

static int parse_bracket(struct rparse *p, struct cset *set)
{
	bool neg = false, first = true;

	p->pos++;
	if (peekc(p) == '^') {
		neg = true;
		p->pos++;
	}
	for (;;) {
		int lo = peekc(p), hi;

		if (lo < 0)
			return rfail(p, "unterminated [");
		if (lo == ']' && !first) {
			p->pos++;
			break;
		}
		first = false;
		if (lo == '\\') {
			if (p->pos + 1 < p->len &&
			    class_escape(p->s[p->pos + 1], set)) {
				p->pos += 2;
				continue;
			}
			if (escape_byte(p, &lo))
				return -1;
		} else {
			if (lo == '[' && p->pos + 1 < p->len &&
			    (p->s[p->pos + 1] == ':' || p->s[p->pos + 1] == '='))
				return rfail(p, "POSIX classes are not supported");
			p->pos++;
		}
		hi = lo;
		if (peekc(p) == '-' && p->pos + 1 < p->len &&
		    p->s[p->pos + 1] != ']') {
			p->pos++;
			hi = peekc(p);
			if (hi == '\\') {
				if (escape_byte(p, &hi))
					return -1;
			} else {
				p->pos++;
			}
			if (hi < lo)
				return rfail(p, "bad range in []");
		}
		cs_range(set, lo, hi);
	}
	if (neg)
		cs_negate(set);
	return 0;
}

static struct rnode *parse_alt(struct rparse *p);

static struct rnode *parse_atom(struct rparse *p)
{
	struct rnode *n;
	int c = peekc(p);

	if (c == '(') {
		p->pos++;
		if (peekc(p) == '?') {
			rfail(p, "(? groups are not supported");
			return NULL;
		}
		n = parse_alt(p);
		if (!n)
			return NULL;
		if (peekc(p) != ')') {
			rnode_free(n);
			rfail(p, "missing )");
			return NULL;
		}
		p->pos++;
		return n;
	}
	n = rnew(p, R_SET);
	if (!n)
		return NULL;
	if (c == '.') {
		p->pos++;
		cs_range(&n->set, 0, 255);
	} else if (c == '[') {
		if (parse_bracket(p, &n->set))
			goto err;
	} else if (c == '\\') {
		if (p->pos + 1 < p->len && class_escape(p->s[p->pos + 1], &n->set)) {
			p->pos += 2;
		} else {
			if (escape_byte(p, &c))
				goto err;
			cs_add(&n->set, c);
		}
	} else if (c == '*' || c == '+' || c == '?' || c == '{') {
		rfail(p, "nothing to repeat");
		goto err;
	} else {
		p->pos++;
		cs_add(&n->set, c);
	}
	if (p->nocase)
		cs_fold(&n->set);
	return n;
err:
	rnode_free(n);
	return NULL;
}

static int parse_int(struct rparse *p)
{
	int v = 0, digits = 0;

	while (peekc(p) >= '0' && peekc(p) <= '9' && digits < 4) {
		v = v * 10 + (p->s[p->pos++] - '0');
		digits++;
	}
	return digits ? v : -1;
}

static struct rnode *parse_repeat(struct rparse *p)
{
	struct rnode *a = parse_atom(p), *r;

	while (a) {
		int c = peekc(p), min, max;

		if (c == '*') {
			min = 0;
			max = -1;
		} else if (c == '+') {
			min = 1;
			max = -1;
		} else if (c == '?') {
			min = 0;
			max = 1;
		} else if (c == '{') {
			p->pos++;
			min = parse_int(p);
			max = min;
			if (peekc(p) == ',') {
				p->pos++;
				max = peekc(p) == '}' ? -1 : parse_int(p);
				if (max == -1 && peekc(p) != '}')
					min = -1;
			}
			if (min < 0 || peekc(p) != '}' ||
			    (max != -1 && max < min) || min > RE_MAX_REPEAT ||
			    max > RE_MAX_REPEAT) {
				rnode_free(a);
				rfail(p, "bad {m,n} (at most 255)");
				return NULL;
			}
		} else {
			return a;
		}
		p->pos++;
		if (peekc(p) == '?' || peekc(p) == '+') {
			rnode_free(a);
			rfail(p, "lazy and possessive quantifiers are not supported");
			return NULL;
		}
		r = rnew(p, R_REP);
		if (!r) {
			rnode_free(a);
			return NULL;
		}
		r->a = a;
		r->min = min;
		r->max = max;
		a = r;
	}
	return NULL;
}

static struct rnode *parse_cat(struct rparse *p)
{
	struct rnode *n = NULL;

	while (peekc(p) >= 0 && peekc(p) != '|' && peekc(p) != ')') {
		struct rnode *a = parse_repeat(p), *c;

		if (!a) {
			rnode_free(n);
			return NULL;
		}
		if (!n) {
			n = a;
			continue;
		}
		c = rnew(p, R_CAT);
		if (!c) {
			rnode_free(a);
			rnode_free(n);
			return NULL;
		}
		c->a = n;
		c->b = a;
		n = c;
	}
	return n ? n : rnew(p, R_EMPTY);
}

static struct rnode *parse_alt(struct rparse *p)
{
	struct rnode *n;

	if (++p->depth > RE_MAX_DEPTH) {
		rfail(p, "nested too deeply");
		return NULL;
	}
	n = parse_cat(p);
	while (n && peekc(p) == '|') {
		struct rnode *b, *a;

		p->pos++;
		b = parse_cat(p);
		if (!b) {
			rnode_free(n);
			return NULL;
		}
		a = rnew(p, R_ALT);
		if (!a) {
			rnode_free(b);
			rnode_free(n);
			return NULL;
		}
		a->a = n;
		a->b = b;
		n = a;
	}
	p->depth--;
	return n;
}

/* ---- NFA ---- */

struct nstate {
	int set;		/* index into sets, or -1: epsilon */
	int out, out2;		/* -1: none */
};

struct nfa {
	struct nstate *st;
	int n, cap;
	struct cset *sets;
	int nsets, capsets;
	struct rparse *p;
};

static int nadd(struct nfa *a, int set, int out, int out2)
{
	if (a->n >= RE_MAX_NFA)
		return rfail(a->p, "regex too complex");
	if (a->n == a->cap) {
		int cap = a->cap ? a->cap * 2 : 256;
		struct nstate *ns = realloc(a->st, cap * sizeof(*ns));

		if (!ns)
			return cerr_set(a->p->e, a->p->off, "out of memory");
		a->st = ns;
		a->cap = cap;
	}
	a->st[a->n].set = set;
	a->st[a->n].out = out;
	a->st[a->n].out2 = out2;
	return a->n++;
}

static int addset(struct nfa *a, const struct cset *c)
{
	if (a->nsets == a->capsets) {
		int cap = a->capsets ? a->capsets * 2 : 64;
		struct cset *ns = realloc(a->sets, cap * sizeof(*ns));

		if (!ns)
			return cerr_set(a->p->e, a->p->off, "out of memory");
		a->sets = ns;
		a->capsets = cap;
	}
	a->sets[a->nsets] = *c;
	return a->nsets++;
}

/*
 * Builds @n so that it continues at state @next; Return: its entry
 * state, or -1.  Building back to front avoids patch lists.
 */
static int build(struct nfa *a, const struct rnode *n, int next, int depth)
{
	int i, s, entry, loop;

	if (depth > RE_MAX_DEPTH * 4)
		return rfail(a->p, "nested too deeply");
	switch (n->t) {
	case R_EMPTY:
		return next;
	case R_SET:
		s = addset(a, &n->set);
		return s < 0 ? -1 : nadd(a, s, next, -1);
	case R_CAT:
		s = build(a, n->b, next, depth + 1);
		return s < 0 ? -1 : build(a, n->a, s, depth + 1);
	case R_ALT:
		s = build(a, n->a, next, depth + 1);
		i = s < 0 ? -1 : build(a, n->b, next, depth + 1);
		return i < 0 ? -1 : nadd(a, -1, s, i);
	case R_REP:
		entry = next;
		if (n->max < 0) {
			/* loop: split -> body -> split, or out */
			loop = nadd(a, -1, -1, next);
			if (loop < 0)
				return -1;
			s = build(a, n->a, loop, depth + 1);
			if (s < 0)
				return -1;
			a->st[loop].out = s;
			entry = loop;
		} else {
			for (i = n->min; i < n->max; i++) {
				s = build(a, n->a, entry, depth + 1);
				if (s < 0)
					return -1;
				entry = nadd(a, -1, s, next);
				if (entry < 0)
					return -1;
			}
		}
		for (i = 0; i < n->min; i++) {
			entry = build(a, n->a, entry, depth + 1);
			if (entry < 0)
				return -1;
		}
		return entry;
	}
	return -1;
}

/* ---- subset construction ---- */

struct dfa_build {
	int nwords;		/* bitset words per DFA state */
	uint64_t *sets;		/* n_states x nwords */
	int n_states;
	uint16_t *next;
	uint8_t *accept;
	int *stack;
	int hash[2 * VIGIL_DFA_MAX_STATES];	/* state + 1, 0 empty */
};

/* First set bit at or after @from, or -1. */
static int next_bit(const uint64_t *b, int nwords, int from)
{
	int w = from >> 6;
	uint64_t x;

	if (w >= nwords)
		return -1;
	x = b[w] & (~0ULL << (from & 63));
	while (!x) {
		if (++w >= nwords)
			return -1;
		x = b[w];
	}
	return w * 64 + __builtin_ctzll(x);
}

static uint32_t set_hash(const struct dfa_build *d, const uint64_t *b)
{
	uint64_t h = 1469598103934665603ULL;
	int i;

	for (i = 0; i < d->nwords; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return (uint32_t)(h ^ (h >> 32));
}

static int hash_find(const struct dfa_build *d, const uint64_t *b)
{
	uint32_t i = set_hash(d, b) % (2 * VIGIL_DFA_MAX_STATES);

	while (d->hash[i]) {
		int t = d->hash[i] - 1;

		if (!memcmp(d->sets + (size_t)t * d->nwords, b, d->nwords * 8))
			return t;
		i = (i + 1) % (2 * VIGIL_DFA_MAX_STATES);
	}
	return -1;
}

static void hash_insert(struct dfa_build *d, int t)
{
	uint32_t i = set_hash(d, d->sets + (size_t)t * d->nwords) %
		     (2 * VIGIL_DFA_MAX_STATES);

	while (d->hash[i])
		i = (i + 1) % (2 * VIGIL_DFA_MAX_STATES);
	d->hash[i] = t + 1;
}

static void closure(const struct nfa *a, uint64_t *bits, int *stack)
{
	int sp = 0, w;

	for (w = 0; w < (a->n + 63) / 64; w++) {
		uint64_t x = bits[w];

		while (x) {
			stack[sp++] = w * 64 + __builtin_ctzll(x);
			x &= x - 1;
		}
	}
	while (sp) {
		const struct nstate *s = &a->st[stack[--sp]];
		int o[2] = { s->out, s->out2 }, k;

		if (s->set >= 0)
			continue;
		for (k = 0; k < 2; k++)
			if (o[k] >= 0 && !(bits[o[k] >> 6] & (1ULL << (o[k] & 63)))) {
				bits[o[k] >> 6] |= 1ULL << (o[k] & 63);
				stack[sp++] = o[k];
			}
	}
}

int regex_compile(const char *re, size_t len, int nocase, void **dfa,
		  size_t *dfa_len, struct cerr *e, int off)
{
	struct rparse p = { .s = re, .len = len, .nocase = nocase, .e = e,
			    .off = off };
	struct nfa a = { .p = &p };
	struct dfa_build d = { 0 };
	struct rnode *root = NULL;
	uint8_t classmap[256], rep[256];
	int n_classes = 0, start, accept, i, c, s, ret = -1;
	uint64_t *cur = NULL;
	uint8_t *nonempty = NULL;
	size_t sz;
	char *out;

	*dfa = NULL;
	if (len && re[0] == '^')
		p.pos = 1;
	if (len > p.pos && re[len - 1] == '$' &&
	    (len < 2 || re[len - 2] != '\\'))
		p.len = len - 1;
	root = parse_alt(&p);
	if (!root)
		goto out;
	if (p.pos != p.len) {
		rfail(&p, "unbalanced )");
		goto out;
	}
	accept = nadd(&a, -1, -1, -1);
	if (accept < 0)
		goto out;
	start = build(&a, root, accept, 0);
	if (start < 0)
		goto out;
	/* byte classes: bytes with the same membership in every set */
	memset(classmap, 0, sizeof(classmap));
	n_classes = 1;
	for (s = 0; s < a.nsets; s++) {
		int map[512];

		for (i = 0; i < 512; i++)
			map[i] = -1;
		c = 0;
		for (i = 0; i < 256; i++) {
			int key = classmap[i] * 2 + cs_has(&a.sets[s], i);

			if (map[key] < 0)
				map[key] = c++;
			classmap[i] = (uint8_t)map[key];
		}
		n_classes = c;
	}
	for (i = 255; i >= 0; i--)
		rep[classmap[i]] = (uint8_t)i;
	d.nwords = (a.n + 63) / 64;
	d.sets = calloc((size_t)VIGIL_DFA_MAX_STATES * d.nwords, 8);
	d.next = malloc((size_t)VIGIL_DFA_MAX_STATES * n_classes * 2);
	d.accept = calloc(VIGIL_DFA_MAX_STATES, 1);
	d.stack = malloc(a.n * sizeof(int));
	cur = malloc((size_t)n_classes * d.nwords * 8);
	nonempty = malloc(n_classes);
	if (!d.sets || !d.next || !d.accept || !d.stack || !cur || !nonempty) {
		cerr_set(e, off, "out of memory");
		goto out;
	}
	d.sets[start >> 6] |= 1ULL << (start & 63);
	closure(&a, d.sets, d.stack);
	d.n_states = 1;
	hash_insert(&d, 0);
	for (s = 0; s < d.n_states; s++) {
		uint64_t *S = d.sets + (size_t)s * d.nwords;

		d.accept[s] = !!(S[accept >> 6] & (1ULL << (accept & 63)));
		/* move on every class at once */
		memset(cur, 0, (size_t)n_classes * d.nwords * 8);
		memset(nonempty, 0, n_classes);
		for (i = -1; (i = next_bit(S, d.nwords, i + 1)) >= 0;) {
			const struct cset *cs;
			int o;

			if (a.st[i].set < 0)
				continue;
			cs = &a.sets[a.st[i].set];
			o = a.st[i].out;
			for (c = 0; c < n_classes; c++)
				if (cs_has(cs, rep[c])) {
					cur[(size_t)c * d.nwords + (o >> 6)] |=
						1ULL << (o & 63);
					nonempty[c] = 1;
				}
		}
		for (c = 0; c < n_classes; c++) {
			uint64_t *T = cur + (size_t)c * d.nwords;
			int t;

			if (!nonempty[c]) {
				d.next[s * n_classes + c] = VIGIL_DFA_DEAD;
				continue;
			}
			closure(&a, T, d.stack);
			t = hash_find(&d, T);
			if (t < 0) {
				if (d.n_states == VIGIL_DFA_MAX_STATES) {
					cerr_set(e, off, "regex too complex (more than %d DFA states)",
						 VIGIL_DFA_MAX_STATES);
					goto out;
				}
				t = d.n_states++;
				memcpy(d.sets + (size_t)t * d.nwords, T,
				       d.nwords * 8);
				hash_insert(&d, t);
			}
			d.next[s * n_classes + c] = (uint16_t)t;
		}
	}
	sz = sizeof(struct vigil_rs_dfa) + d.n_states +
	     2 * (size_t)d.n_states * n_classes;
	if (sz > 0xffff) {
		cerr_set(e, off, "regex too complex (DFA larger than 64 KiB)");
		goto out;
	}
	out = calloc(1, sz);
	if (!out) {
		cerr_set(e, off, "out of memory");
		goto out;
	}
	{
		struct vigil_rs_dfa h = { .n_states = (__u16)d.n_states,
					  .n_classes = (__u16)n_classes };

		memcpy(h.classmap, classmap, 256);
		memcpy(out, &h, sizeof(h));
	}
	memcpy(out + sizeof(struct vigil_rs_dfa), d.accept, d.n_states);
	memcpy(out + sizeof(struct vigil_rs_dfa) + d.n_states, d.next,
	       2 * (size_t)d.n_states * n_classes);
	*dfa = out;
	*dfa_len = sz;
	ret = 0;
out:
	rnode_free(root);
	free(a.st);
	free(a.sets);
	free(d.sets);
	free(d.next);
	free(d.accept);
	free(d.stack);
	free(cur);
	free(nonempty);
	return ret;
}

static int fold_byte(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/**
 * regex_prefix() - the bytes every value a regex matches starts with
 * @re: the regex, as regex_compile() takes it
 * @len: its length
 * @nocase: it matches ASCII-folded bytes (the bytes given are folded)
 * @out: @cap bytes for them
 * @cap: at most this many
 *
 * From the DFA's start state, as long as the state does not accept and
 * one class alone leads on, made of one byte (with @nocase, of one
 * folded byte): "/var/run/\w+\.pid" gives "/var/run/", ".*x" nothing.
 * The index takes it as a PREFIX hint (codegen.c, pat_affix()).
 *
 * Return: how many bytes (0: none, or the regex does not compile).
 */
size_t regex_prefix(const char *re, size_t len, int nocase, char *out,
		    size_t cap)
{
	const struct vigil_rs_dfa *h;
	const uint8_t *accept, *next;
	struct cerr e;
	size_t n = 0, dlen;
	unsigned int st = 0, c, live, x, b, byte = 0, bytes;
	uint16_t nx, to = 0;
	void *dfa;

	if (regex_compile(re, len, nocase, &dfa, &dlen, &e, 0))
		return 0;
	h = dfa;
	accept = (const uint8_t *)dfa + sizeof(*h);
	next = accept + h->n_states;
	while (n < cap && !accept[st]) {
		for (live = 0, c = 0; c < h->n_classes && live < 2; c++) {
			memcpy(&nx, next + 2 * ((size_t)st * h->n_classes + c),
			       2);
			if (nx == VIGIL_DFA_DEAD)
				continue;
			live++;
			to = nx;
			b = c;
		}
		if (live != 1)
			break;
		for (bytes = 0, x = 0; x < 256 && bytes < 2; x++) {
			c = nocase ? (unsigned int)fold_byte((int)x) : x;
			if (h->classmap[c] != b || (bytes && c == byte))
				continue;
			byte = c;
			bytes++;
		}
		if (bytes != 1)
			break;
		out[n++] = (char)byte;
		st = to;
	}
	free(dfa);
	return n;
}
