// SPDX-License-Identifier: GPL-2.0
/*
 * Expression trees: construction, simplification and static evaluation
 * of the fields that are fixed by the event kind.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "internal.h"
#include "ip.h"

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
	/* the engine expects NOCASE literals folded (VIGIL_PAT_F_NOCASE) */
	if (nocase && kind != VIGIL_PAT_REGEX)
		for (i = 0; i < len; i++)
			dup[i] = (char)vigil_fold((u8)dup[i]);
	p[m->npats].s = dup;
	p[m->npats].len = len;
	p[m->npats].kind = kind;
	p[m->npats].nocase = nocase;
	m->npats++;
	return 0;
}

int node_add_cidr(struct node *m, const char *text)
{
	unsigned char cidr[VIGIL_CIDR_LEN];

	if (vigil_cidr_parse(text, cidr))
		return -EINVAL;
	if (node_add_pat(m, (const char *)cidr, sizeof(cidr), VIGIL_PAT_CIDR,
			 false))
		return -ENOMEM;
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

/**
 * pat_eval() - does a constant value match a pattern
 * @p: the pattern
 * @s: the value
 * @len: its length
 *
 * The engine's matcher decides (vigil_pat_match()), so a condition the
 * compiler folds gives what the kernel would have computed.
 *
 * Return: 1 or 0; -1 when it cannot be decided here: a REGEX (its
 * source is not a DFA yet) or a pattern longer than the 16-bit length of
 * struct vigil_rs_pat (codegen refuses those anyway).  A CIDR pattern
 * takes a 16-byte address as @s.
 */
int pat_eval(const struct pat *p, const char *s, size_t len)
{
	struct vigil_rs_pat rp = {
		.len = (__u16)p->len,
		.kind = p->kind,
		.flags = p->nocase ? VIGIL_PAT_F_NOCASE : 0,
	};

	if (p->kind == VIGIL_PAT_REGEX || p->kind >= __VIGIL_PAT_LAST ||
	    p->len > 0xffff || len > U32_MAX)
		return -1;
	return vigil_pat_match(&rp, p->s, s, (u32)len);
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

int kind_field_index(__u8 field)
{
	int i;

	for (i = 0; i < VIGIL_KIND_NF; i++)
		if (vigil_kind_fields[i] == field)
			return i;
	return -1;
}

enum tri node_eval_kind(const struct node *n, int kind, bool absent)
{
	enum tri r, k;
	const char *v;
	int i, kf;
	u32 len;

	switch (n->t) {
	case N_CONST:
		return n->val ? T_TRUE : T_FALSE;
	case N_NOT:
		r = node_eval_kind(n->kids[0], kind, absent);
		return r == T_UNKNOWN ? r : r == T_TRUE ? T_FALSE : T_TRUE;
	case N_AND:
	case N_OR:
		r = n->t == N_AND ? T_TRUE : T_FALSE;
		for (i = 0; i < n->n; i++) {
			k = node_eval_kind(n->kids[i], kind, absent);
			if (n->t == N_AND && k == T_FALSE)
				return T_FALSE;
			if (n->t == N_OR && k == T_TRUE)
				return T_TRUE;
			if (k == T_UNKNOWN)
				r = T_UNKNOWN;
		}
		return r;
	case N_EXISTS:
	case N_NUMCMP:
	case N_MATCH:
		break;
	default:
		return T_UNKNOWN;
	}
	/* the engine: a test of a field the event lacks is false */
	if (absent && !kind_may_carry(kind, n->field))
		return T_FALSE;
	kf = kind_field_index(n->field);
	if (kf < 0 || n->t == N_NUMCMP)
		return T_UNKNOWN;
	if (n->t == N_EXISTS)
		return T_TRUE;
	v = vigil_kind_value(kind, kf, &len);
	for (i = 0; i < n->npats; i++) {
		switch (pat_eval(&n->pats[i], v, len)) {
		case 1:
			return T_TRUE;
		case -1:
			return T_UNKNOWN;
		}
	}
	return T_FALSE;
}

__u16 kinds_of_category(const char *category)
{
	int k, kf = kind_field_index(VIGIL_F_EVENT_CATEGORY);
	__u16 mask = 0;
	u32 len;

	for (k = VIGIL_EV_EXEC; kf >= 0 && k < __VIGIL_EV_LAST; k++)
		if (!strcmp(vigil_kind_value(k, kf, &len), category))
			mask |= 1U << k;
	return mask;
}

/*
 * Does @p match @kind's value of kind field @kf and no other kind's of
 * the same category?
 */
static bool pat_names_kind(const struct pat *p, int kind, int kf)
{
	int k, cf = kind_field_index(VIGIL_F_EVENT_CATEGORY);
	const char *v, *cat;
	u32 len;

	cat = vigil_kind_value(kind, cf, &len);
	v = vigil_kind_value(kind, kf, &len);
	if (pat_eval(p, v, len) != 1)
		return false;
	for (k = VIGIL_EV_EXEC; k < __VIGIL_EV_LAST; k++) {
		if (k == kind || strcmp(vigil_kind_value(k, cf, &len), cat))
			continue;
		v = vigil_kind_value(k, kf, &len);
		if (pat_eval(p, v, len) != 0)
			return false;
	}
	return true;
}

/*
 * Does @n test event.type or event.action with a pattern that matches
 * @kind's value and no other kind's of its category ("opened-file",
 * "access")?
 */
static bool names_kind(const struct node *n, int kind)
{
	int i, kf;

	if (n->t != N_MATCH) {
		for (i = 0; i < n->n; i++)
			if (names_kind(n->kids[i], kind))
				return true;
		return false;
	}
	kf = kind_field_index(n->field);
	if (kf < 0 || n->field == VIGIL_F_EVENT_CATEGORY)
		return false;
	for (i = 0; i < n->npats; i++)
		if (pat_names_kind(&n->pats[i], kind, kf))
			return true;
	return false;
}

__u16 node_kind_mask(const struct node *n, __u16 mask)
{
	int k;

	for (k = VIGIL_EV_EXEC; k < __VIGIL_EV_LAST; k++)
		if ((mask & (1U << k)) &&
		    (node_eval_kind(n, k, false) == T_FALSE ||
		     ((KINDS_NAMED_ONLY & (1U << k)) && !names_kind(n, k))))
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
