// SPDX-License-Identifier: GPL-2.0
/*
 * Expression trees: construction, simplification and static evaluation
 * of the fields that are fixed by the event kind.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"

struct node *node_new(enum node_type t, int off)
{
	struct node *n = calloc(1, sizeof(*n));

	if (n) {
		n->t = t;
		n->off = off;
	}
	return n;
}

void node_free(struct node *n)
{
	int i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++)
		node_free(n->kids[i]);
	for (i = 0; i < n->npats; i++)
		free(n->pats[i].s);
	free(n->kids);
	free(n->pats);
	free(n);
}

int node_add(struct node *parent, struct node *kid)
{
	if (parent->n == parent->cap) {
		int cap = parent->cap ? parent->cap * 2 : 4;
		struct node **k = realloc(parent->kids, cap * sizeof(*k));

		if (!k)
			return -1;
		parent->kids = k;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = kid;
	return 0;
}

int node_add_pat(struct node *m, const char *s, size_t len, __u8 kind,
		 bool nocase)
{
	struct pat *p = realloc(m->pats, (m->npats + 1) * sizeof(*p));
	char *dup;
	size_t i;

	if (!p)
		return -1;
	m->pats = p;
	dup = malloc(len + 1);
	if (!dup)
		return -1;
	memcpy(dup, s, len);
	dup[len] = 0;
	if (nocase && kind != VIGIL_PAT_REGEX)
		for (i = 0; i < len; i++)
			if (dup[i] >= 'A' && dup[i] <= 'Z')
				dup[i] += 'a' - 'A';
	p[m->npats].s = dup;
	p[m->npats].len = len;
	p[m->npats].kind = kind;
	p[m->npats].nocase = nocase;
	m->npats++;
	return 0;
}

int cerr_set(struct cerr *e, int off, const char *fmt, ...)
{
	va_list ap;

	if (e->msg[0])
		return -1;
	e->off = off;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int tokbuf_put(char **buf, size_t *len, size_t *cap, char c)
{
	if (*len + 1 >= *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		char *nb = realloc(*buf, ncap);

		if (!nb)
			return -1;
		*buf = nb;
		*cap = ncap;
	}
	(*buf)[(*len)++] = c;
	(*buf)[*len] = 0;
	return 0;
}

void cquery_free(struct cquery *q)
{
	int i;

	for (i = 0; i < q->n_steps; i++)
		node_free(q->steps[i].expr);
	memset(q, 0, sizeof(*q));
}

static char fold(char c, bool nocase)
{
	return nocase && c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* Iterative glob match with one backtrack point: linear enough here. */
static bool glob_match(const char *p, size_t pl, const char *s, size_t sl,
		       bool nocase)
{
	size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;

	while (si < sl) {
		if (pi < pl && p[pi] == '*') {
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < pl && (p[pi] == '?' ||
				(p[pi] == '\\' && pi + 1 < pl ?
				 p[pi + 1] == fold(s[si], nocase) :
				 p[pi] == fold(s[si], nocase)))) {
			pi += p[pi] == '\\' ? 2 : 1;
			si++;
			continue;
		}
		if (star_p != (size_t)-1) {
			pi = star_p;
			si = ++star_s;
			continue;
		}
		return false;
	}
	while (pi < pl && p[pi] == '*')
		pi++;
	return pi == pl;
}

static bool has(const char *s, size_t sl, const char *p, size_t pl,
		bool nocase)
{
	size_t i, j;

	if (pl > sl)
		return false;
	for (i = 0; i + pl <= sl; i++) {
		for (j = 0; j < pl; j++)
			if (fold(s[i + j], nocase) != p[j])
				break;
		if (j == pl)
			return true;
	}
	return false;
}

static bool eq(const char *s, const char *p, size_t n, bool nocase)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fold(s[i], nocase) != p[i])
			return false;
	return true;
}

/* Evaluates one pattern (not REGEX) against a value; for constant folding. */
bool pat_eval(const struct pat *p, const char *s, size_t len)
{
	switch (p->kind) {
	case VIGIL_PAT_EXACT:
		return len == p->len && eq(s, p->s, len, p->nocase);
	case VIGIL_PAT_PREFIX:
		return len >= p->len && eq(s, p->s, p->len, p->nocase);
	case VIGIL_PAT_SUFFIX:
		return len >= p->len && eq(s + len - p->len, p->s, p->len,
					   p->nocase);
	case VIGIL_PAT_CONTAINS:
		return has(s, len, p->s, p->len, p->nocase);
	case VIGIL_PAT_GLOB:
		return glob_match(p->s, p->len, s, len, p->nocase);
	}
	return false;
}

/* ---- simplification ---- */

static bool mergeable(const struct node *a, const struct node *b)
{
	return a->t == N_MATCH && b->t == N_MATCH && a->field == b->field;
}

static int absorb(struct node *into, struct node *from)
{
	struct pat *p = realloc(into->pats,
				(into->npats + from->npats) * sizeof(*p));

	if (!p)
		return -1;
	into->pats = p;
	memcpy(p + into->npats, from->pats, from->npats * sizeof(*p));
	into->npats += from->npats;
	from->npats = 0;
	return 0;
}

/*
 * OR(MATCH f a, MATCH f b) -> MATCH f {a, b};
 * AND(NOT MATCH f a, NOT MATCH f b) -> NOT MATCH f {a, b}.
 */
static void merge_sets(struct node *n)
{
	int i, j;

	for (i = 0; i < n->n; i++) {
		struct node *a = n->kids[i];

		if (n->t == N_AND) {
			if (a->t != N_NOT)
				continue;
			a = a->kids[0];
		}
		for (j = i + 1; j < n->n; j++) {
			struct node *b = n->kids[j], *bo = b;

			if (n->t == N_AND) {
				if (b->t != N_NOT)
					continue;
				b = b->kids[0];
			}
			if (!mergeable(a, b) || absorb(a, b))
				continue;
			node_free(bo);
			memmove(&n->kids[j], &n->kids[j + 1],
				(n->n - j - 1) * sizeof(n->kids[0]));
			n->n--;
			j--;
		}
	}
}

struct node *node_simplify(struct node *n)
{
	int i, j;

	if (n->t == N_NOT) {
		struct node *k = node_simplify(n->kids[0]);

		n->kids[0] = k;
		if (k->t == N_CONST) {
			k->val = !k->val;
			n->n = 0;
			node_free(n);
			return k;
		}
		if (k->t == N_NOT) {
			struct node *r = k->kids[0];

			k->n = 0;
			node_free(k);
			n->n = 0;
			node_free(n);
			return r;
		}
		return n;
	}
	if (n->t != N_AND && n->t != N_OR)
		return n;
	for (i = 0; i < n->n; i++) {
		struct node *k = node_simplify(n->kids[i]);

		n->kids[i] = k;
		if (k->t == n->t) {
			/* flatten: splice k's children in place of k */
			struct node **nk = realloc(n->kids, (n->n + k->n) *
						   sizeof(*nk));

			if (!nk)
				continue;
			n->kids = nk;
			n->cap = n->n + k->n;
			memmove(&nk[i + k->n], &nk[i + 1],
				(n->n - i - 1) * sizeof(*nk));
			for (j = 0; j < k->n; j++)
				nk[i + j] = k->kids[j];
			n->n += k->n - 1;
			k->n = 0;
			node_free(k);
			i--;
			continue;
		}
		if (k->t == N_CONST) {
			/* AND: true drops out, false decides; OR mirrored */
			if (k->val == (n->t == N_OR)) {
				struct node *r = k;

				n->kids[i] = n->kids[--n->n];
				node_free(n);
				return r;
			}
			node_free(k);
			memmove(&n->kids[i], &n->kids[i + 1],
				(n->n - i - 1) * sizeof(n->kids[0]));
			n->n--;
			i--;
		}
	}
	if (!n->n) {
		struct node *c = node_new(N_CONST, n->off);

		if (!c)
			return n;
		c->val = n->t == N_AND;
		node_free(n);
		return c;
	}
	merge_sets(n);
	if (n->n == 1) {
		struct node *r = n->kids[0];

		n->n = 0;
		node_free(n);
		return r;
	}
	return n;
}

/* ---- static evaluation per event kind ---- */

enum tri { T_FALSE, T_TRUE, T_UNKNOWN };

static const char *const kind_str[__VIGIL_EV_LAST][3] = {
	[VIGIL_EV_EXEC] = { "process", "start", "exec" },
	[VIGIL_EV_CREATE] = { "file", "creation", "creation" },
	[VIGIL_EV_SYMLINK] = { "file", "creation", "symlink" },
	[VIGIL_EV_RENAME] = { "file", "change", "rename" },
	[VIGIL_EV_DELETE] = { "file", "deletion", "deletion" },
};

static enum tri eval_kind(const struct node *n, int kind)
{
	enum tri r, k;
	const char *v;
	int i;

	switch (n->t) {
	case N_CONST:
		return n->val ? T_TRUE : T_FALSE;
	case N_NOT:
		r = eval_kind(n->kids[0], kind);
		return r == T_UNKNOWN ? r : r == T_TRUE ? T_FALSE : T_TRUE;
	case N_AND:
	case N_OR:
		r = n->t == N_AND ? T_TRUE : T_FALSE;
		for (i = 0; i < n->n; i++) {
			k = eval_kind(n->kids[i], kind);
			if (n->t == N_AND && k == T_FALSE)
				return T_FALSE;
			if (n->t == N_OR && k == T_TRUE)
				return T_TRUE;
			if (k == T_UNKNOWN)
				r = T_UNKNOWN;
		}
		return r;
	case N_EXISTS:
		if (n->field >= VIGIL_F_EVENT_CATEGORY &&
		    n->field <= VIGIL_F_EVENT_ACTION)
			return T_TRUE;
		return T_UNKNOWN;
	case N_MATCH:
		if (n->field < VIGIL_F_EVENT_CATEGORY ||
		    n->field > VIGIL_F_EVENT_ACTION)
			return T_UNKNOWN;
		v = kind_str[kind][n->field - VIGIL_F_EVENT_CATEGORY];
		for (i = 0; i < n->npats; i++) {
			if (n->pats[i].kind == VIGIL_PAT_REGEX)
				return T_UNKNOWN;
			if (pat_eval(&n->pats[i], v, strlen(v)))
				return T_TRUE;
		}
		return T_FALSE;
	default:
		return T_UNKNOWN;
	}
}

__u16 node_kind_mask(const struct node *n, __u16 mask)
{
	int k;

	for (k = VIGIL_EV_EXEC; k < __VIGIL_EV_LAST; k++)
		if ((mask & (1U << k)) && eval_kind(n, k) == T_FALSE)
			mask &= ~(1U << k);
	return mask;
}

/* Deep copy of @n, or NULL (out of memory). */
struct node *node_clone(const struct node *n)
{
	struct node *c = node_new(n->t, n->off);
	int i;

	if (!c)
		return NULL;
	c->field = n->field;
	c->cmp = n->cmp;
	c->num = n->num;
	c->val = n->val;
	for (i = 0; i < n->npats; i++)
		if (node_add_pat(c, n->pats[i].s, n->pats[i].len,
				 n->pats[i].kind, false))
			goto err;
	for (i = 0; i < n->npats; i++)
		c->pats[i].nocase = n->pats[i].nocase;
	for (i = 0; i < n->n; i++) {
		struct node *k = node_clone(n->kids[i]);

		if (!k || node_add(c, k)) {
			node_free(k);
			goto err;
		}
	}
	return c;
err:
	node_free(c);
	return NULL;
}
