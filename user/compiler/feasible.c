// SPDX-License-Identifier: GPL-2.0
/*
 * Feasibility: can a compiled rule fire, and can each of its exclusions
 * apply, on the events vigil produces?  The answer is a warning; the
 * rule still compiles.
 *
 * Each step's condition, after field mapping, is taken apart into its
 * alternatives (disjunctive normal form, at most ALTS_MAX of them).  An
 * alternative is impossible when
 *  - no event kind passes its event.category/type/action tests (the
 *    engine's strings, module/engine/event.c, read through
 *    node_eval_kind());
 *  - a positive test reads a field that none of the kinds it admits
 *    carries (kind_may_carry()): the engine finds such a test false;
 *  - two of its tests of one engine field contradict each other.  ECS
 *    names that map to one field (user.id, user.effective.id) are one
 *    field here, as they are in the kernel.
 * A step none of whose alternatives is possible never fires.  In a step
 * that can fire, an exclusion (what a "not" removes) that is false on
 * every kind the step can match never applies.
 *
 * Every claim is sound: a test whose value is not decided here (a
 * regex, a glob against a glob, a field a kind may carry) counts as
 * possibly true, and a condition too large to take apart is judged only
 * per kind.  A warning thus means that no event vigil produces can make
 * it otherwise.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "internal.h"
#include "ip.h"
#include "rule.h"

/*
 * Test builds only (user/Makefile, feasible mutants): each value puts
 * back one unsound claim that test_feasible's soundness case must
 * catch.  Never set in vigilctl.
 */
#ifndef VIGIL_FEASIBLE_MUTANT
#define VIGIL_FEASIBLE_MUTANT 0
#endif
#define FEAS_MUT(n) (VIGIL_FEASIBLE_MUTANT == (n))
#define FEAS_MUT_CASE 1 /* a case-blind literal decided by a cased pattern */
#define FEAS_MUT_ARRAY 2 /* two elements of an array taken as one value */
#define FEAS_MUT_RENAME 3 /* renames said to lack file.Ext.original.* */
#define FEAS_MUT_NET 4 /* connects said to lack destination.ip */
#define FEAS_MUT_CIDR 5 /* a block taken to lie in any block it meets */

#define ALTS_MAX 256	/* alternatives per step; more: judged per kind */
#define LITS_MAX 64	/* tests per alternative; more: likewise */
#define SHOW_PATS 3	/* patterns of a set shown in a message */

/*
 * Events of the kinds in .absent never carry .field: module/capture_*.c
 * set file.* on file events only, file.target_path on SYMLINK only,
 * file.Ext.original.* on RENAME only, source.* and network.* on network
 * events only, destination.* on CONNECT and ACCEPT only (a BIND has no
 * peer), process.working_directory at EXEC,
 * LOAD_MODULE and END only, process.env_vars at EXEC only and
 * process.exit_code at END only
 * (Documentation/fields.rst).  The
 * kind groups are the uapi's (VIGIL_EV_MASK_*), so a new kind joins
 * them there.  Fields and kinds not listed may be carried: nothing is
 * assumed of them.
 */
#define ONLY(mask) ((__u16)(VIGIL_EV_MASK_ALL & ~(mask)))
#define NOT_FILE ONLY(VIGIL_EV_MASK_FILE)
#define NOT_NET ONLY(VIGIL_EV_MASK_NETWORK)
#define NOT_NET_DST ONLY((1U << VIGIL_EV_CONNECT) | (1U << VIGIL_EV_ACCEPT))
#define NOT_SYMLINK ONLY(1U << VIGIL_EV_SYMLINK)
#define NOT_RENAME ONLY(1U << VIGIL_EV_RENAME)
#define NOT_EXEC ONLY(1U << VIGIL_EV_EXEC)
#define NOT_CWD                                                      \
	ONLY((1U << VIGIL_EV_EXEC) | (1U << VIGIL_EV_LOAD_MODULE) | \
	     (1U << VIGIL_EV_END))
#define NOT_END ONLY(1U << VIGIL_EV_END)
static const struct {
	__u8 field;
	__u16 absent;
} absent_from[] = {
	{ VIGIL_F_FILE_PATH, NOT_FILE },
	{ VIGIL_F_FILE_NAME, NOT_FILE },
	{ VIGIL_F_FILE_EXTENSION, NOT_FILE },
	{ VIGIL_F_FILE_DIRECTORY, NOT_FILE },
	{ VIGIL_F_FILE_TARGET_PATH, NOT_SYMLINK },
	{ VIGIL_F_FILE_ORIG_PATH, NOT_RENAME },
	{ VIGIL_F_FILE_ORIG_NAME, NOT_RENAME },
	{ VIGIL_F_FILE_ORIG_EXTENSION, NOT_RENAME },
	{ VIGIL_F_FILE_ORIG_DIRECTORY, NOT_RENAME },
	{ VIGIL_F_SOURCE_IP, NOT_NET },
	{ VIGIL_F_SOURCE_PORT, NOT_NET },
	{ VIGIL_F_DESTINATION_IP, NOT_NET_DST },
	{ VIGIL_F_DESTINATION_PORT, NOT_NET_DST },
	{ VIGIL_F_NETWORK_TRANSPORT, NOT_NET },
	{ VIGIL_F_NETWORK_DIRECTION, NOT_NET },
	{ VIGIL_F_PROCESS_WORKING_DIRECTORY, NOT_CWD },
	{ VIGIL_F_PROCESS_ENV_VARS, NOT_EXEC },
	{ VIGIL_F_PROCESS_EXIT_CODE, NOT_END },
};

/*
 * ECS event.type values that mean more than the kinds vigil gives them:
 * a rule that tests .type without naming an event.action matches only
 * .action here, while its author may mean .missing as well.  The warning
 * stops by itself once a kind of .category with another action has that
 * type.
 */
static const struct {
	const char *category, *type, *action, *missing;
} partial_types[] = {
	{ "file", "change", "rename", "in-place modification of a file" },
};

/**
 * kind_may_carry() - can an event of a kind carry a field
 * @kind: enum vigil_event_kind
 * @field: enum vigil_field
 *
 * Return: false only when no event of @kind vigil produces has @field.
 */
bool kind_may_carry(int kind, __u8 field)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(absent_from); i++) {
		if (absent_from[i].field != field)
			continue;
		if ((FEAS_MUT(FEAS_MUT_RENAME) && kind == VIGIL_EV_RENAME) ||
		    (FEAS_MUT(FEAS_MUT_NET) && kind == VIGIL_EV_CONNECT &&
		     field == VIGIL_F_DESTINATION_IP))
			return false;
		return !(absent_from[i].absent & (1U << kind));
	}
	return true;
}

/* ---- messages ---- */

struct text {
	char *s;
	size_t cap, len;
};

static void put(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len + 1 >= t->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	t->len += (size_t)n;
	if (t->len >= t->cap) {
		/* cut: say so */
		t->len = t->cap - 1;
		if (t->cap > 4)
			memcpy(t->s + t->cap - 4, "...", 4);
	}
}

static void put_pat(struct text *t, const struct pat *p)
{
	static const char *const fmt[] = {
		[VIGIL_PAT_EXACT] = "\"%s\"",	 [VIGIL_PAT_PREFIX] = "\"%s*\"",
		[VIGIL_PAT_SUFFIX] = "\"*%s\"",	 [VIGIL_PAT_CONTAINS] = "\"*%s*\"",
		[VIGIL_PAT_GLOB] = "\"%s\"",	 [VIGIL_PAT_REGEX] = "/%s/",
	};
	char c[VIGIL_CIDR_TEXT];

	if (p->kind == VIGIL_PAT_CIDR && p->len == VIGIL_CIDR_LEN) {
		vigil_cidr_format((const unsigned char *)p->s, c, sizeof(c));
		put(t, "\"%s\"", c);
		return;
	}
	put(t, p->kind < ARRAY_SIZE(fmt) && fmt[p->kind] ? fmt[p->kind] : "%s",
	    p->s);
}

/* EQL's operator for MATCH @n: ":" is case-blind, "==", "in", "like" not. */
static const char *match_op(const struct node *n)
{
	bool exact = true;
	int i;

	for (i = 0; i < n->npats; i++) {
		if (n->pats[i].nocase)
			return ":";
		exact &= n->pats[i].kind == VIGIL_PAT_EXACT;
	}
	return !exact ? "like" : n->npats > 1 ? "in" : "==";
}

/* @n as EQL text, the way a rule could have said it. */
static void render(struct text *t, const struct node *n)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
	int i;

	switch (n->t) {
	case N_CONST:
		put(t, "%s", n->val ? "true" : "false");
		return;
	case N_NOT:
		put(t, "not ");
		if (n->kids[0]->t == N_AND || n->kids[0]->t == N_OR)
			put(t, "(");
		render(t, n->kids[0]);
		if (n->kids[0]->t == N_AND || n->kids[0]->t == N_OR)
			put(t, ")");
		return;
	case N_AND:
	case N_OR:
		for (i = 0; i < n->n; i++) {
			bool par = n->kids[i]->t == N_AND ||
				   n->kids[i]->t == N_OR;

			put(t, "%s%s", i ? (n->t == N_AND ? " and " : " or ") :
					   "", par ? "(" : "");
			render(t, n->kids[i]);
			put(t, "%s", par ? ")" : "");
		}
		return;
	case N_EXISTS:
		put(t, "%s != null", field_name(n->field));
		return;
	case N_NUMCMP:
		put(t, "%s %s %llu", field_name(n->field),
		    n->cmp < ARRAY_SIZE(ops) ? ops[n->cmp] : "?",
		    (unsigned long long)n->num);
		return;
	case N_MATCH:
		if (n->npats && n->pats[0].kind == VIGIL_PAT_CIDR) {
			put(t, "cidrMatch(%s", field_name(n->field));
			for (i = 0; i < n->npats && i < SHOW_PATS; i++) {
				put(t, ", ");
				put_pat(t, &n->pats[i]);
			}
			if (n->npats > SHOW_PATS)
				put(t, ", ... %d more", n->npats - SHOW_PATS);
			put(t, ")");
			return;
		}
		put(t, "%s %s %s", field_name(n->field), match_op(n),
		    n->npats > 1 ? "(" : "");
		for (i = 0; i < n->npats && i < SHOW_PATS; i++) {
			put(t, "%s", i ? ", " : "");
			put_pat(t, &n->pats[i]);
		}
		if (n->npats > SHOW_PATS)
			put(t, ", ... %d more", n->npats - SHOW_PATS);
		put(t, "%s", n->npats > 1 ? ")" : "");
		return;
	}
}

/* "event.action creation, symlink": the kinds of @mask, by action. */
static void put_kinds(struct text *t, __u16 mask)
{
	int k, kf = kind_field_index(VIGIL_F_EVENT_ACTION);
	const char *sep = "";
	u32 len;

	put(t, "event.action ");
	for (k = VIGIL_EV_EXEC; k < __VIGIL_EV_LAST; k++) {
		if (!(mask & (1U << k)))
			continue;
		put(t, "%s%s", sep, kf < 0 ? "?" : vigil_kind_value(k, kf, &len));
		sep = ", ";
	}
}

/* " (user.id, process.user.id and user.effective.id name one field)" */
static void put_aliases(struct text *t, __u8 field)
{
	const char *a;
	unsigned int i;

	if (!field_alias(field, 0))
		return;
	put(t, " (%s", field_name(field));
	for (i = 0; (a = field_alias(field, i)); i++)
		put(t, "%s%s", field_alias(field, i + 1) ? ", " : " and ", a);
	put(t, " name one field)");
}

/* ---- alternatives ---- */

struct lit {
	const struct node *n;
	bool neg;
};

struct alt {
	int n;
	struct lit l[LITS_MAX];
};

struct alts {
	int n, cap;
	struct alt *a;
};

static void alts_free(struct alts *s)
{
	free(s->a);
	s->a = NULL;
	s->n = s->cap = 0;
}

/* Return: the new alternative, or NULL (too many, out of memory). */
static struct alt *alts_push(struct alts *s)
{
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 4;
		struct alt *a;

		if (s->n >= ALTS_MAX)
			return NULL;
		a = realloc(s->a, (size_t)cap * sizeof(*a));
		if (!a)
			return NULL;
		s->a = a;
		s->cap = cap;
	}
	s->a[s->n].n = 0;
	return &s->a[s->n++];
}

static int dnf(const struct node *n, bool neg, struct alts *out, int depth);

/* @out = the alternatives of the conjunction of @n's kids (negated: @neg). */
static int product(const struct node *n, bool neg, struct alts *out,
		   int depth)
{
	struct alts acc = { 0 }, kid = { 0 }, next;
	int i, a, b;

	if (!alts_push(&acc))
		return -1;
	for (i = 0; i < n->n && acc.n; i++) {
		if (dnf(n->kids[i], neg, &kid, depth + 1))
			goto err;
		memset(&next, 0, sizeof(next));
		for (a = 0; a < acc.n; a++) {
			for (b = 0; b < kid.n; b++) {
				const struct alt *x = &acc.a[a], *y = &kid.a[b];
				struct alt *z;

				if (x->n + y->n > LITS_MAX)
					goto err_next;
				z = alts_push(&next);
				if (!z)
					goto err_next;
				memcpy(z->l, x->l, x->n * sizeof(x->l[0]));
				memcpy(z->l + x->n, y->l, y->n * sizeof(y->l[0]));
				z->n = x->n + y->n;
			}
		}
		alts_free(&kid);
		alts_free(&acc);
		acc = next;
	}
	*out = acc;
	return 0;
err_next:
	alts_free(&next);
err:
	alts_free(&kid);
	alts_free(&acc);
	return -1;
}

/* @out = the alternatives of the disjunction of @n's kids. */
static int sum(const struct node *n, bool neg, struct alts *out, int depth)
{
	struct alts kid = { 0 };
	int i, a;

	for (i = 0; i < n->n; i++) {
		if (dnf(n->kids[i], neg, &kid, depth + 1))
			goto err;
		for (a = 0; a < kid.n; a++) {
			struct alt *z = alts_push(out);

			if (!z)
				goto err;
			*z = kid.a[a];
		}
		alts_free(&kid);
	}
	return 0;
err:
	alts_free(&kid);
	alts_free(out);
	return -1;
}

/*
 * The alternatives of @n (negated when @neg) into @out, empty when @n
 * is false.  Return: 0, or -1 when there are too many (or no memory).
 */
static int dnf(const struct node *n, bool neg, struct alts *out, int depth)
{
	struct alt *z;

	memset(out, 0, sizeof(*out));
	if (depth > DEPTH_MAX)
		return -1;
	switch (n->t) {
	case N_CONST:
		return n->val != neg && !alts_push(out) ? -1 : 0;
	case N_NOT:
		return dnf(n->kids[0], !neg, out, depth + 1);
	case N_AND:
	case N_OR:
		if ((n->t == N_AND) != neg)
			return product(n, neg, out, depth);
		return sum(n, neg, out, depth);
	default:
		z = alts_push(out);
		if (!z)
			return -1;
		z->l[0].n = n;
		z->l[0].neg = neg;
		z->n = 1;
		return 0;
	}
}

/* ---- contradictions between tests of one field ---- */

static bool has_alpha(const struct pat *p)
{
	size_t i;

	/* the letters vigil_fold() folds */
	for (i = 0; i < p->len; i++)
		if ((u8)(vigil_fold((u8)p->s[i]) - 'a') < 26)
			return true;
	return false;
}

/* A glob without '*', '?' or '\\': its text alone (as codegen finds). */
static bool plain_glob(const struct pat *p)
{
	size_t i;

	for (i = 0; p->kind == VIGIL_PAT_GLOB && i < p->len; i++)
		if (p->s[i] == '*' || p->s[i] == '?' || p->s[i] == '\\')
			return false;
	return p->kind == VIGIL_PAT_GLOB;
}

/*
 * Two CIDR blocks either nest or do not meet.  Return: 1 when @q's
 * block holds all of @a's, 0 when they share no address, -1 when @a's
 * holds more than @q's.  The engine's matcher (pat_eval()) compares.
 */
static int cidr_decides(const struct pat *a, const struct pat *q)
{
	if (q->kind != VIGIL_PAT_CIDR || a->len != VIGIL_CIDR_LEN ||
	    q->len != VIGIL_CIDR_LEN)
		return -1;
	/* @a's first address, host bits clear, is in @q's block or not */
	if ((u8)a->s[VIGIL_IP_LEN] >= (u8)q->s[VIGIL_IP_LEN] ||
	    FEAS_MUT(FEAS_MUT_CIDR))
		return pat_eval(q, a->s, VIGIL_IP_LEN);
	return pat_eval(a, q->s, VIGIL_IP_LEN) ? -1 : 0;
}

/*
 * Does @q decide every value exact pattern @a admits alike?  Return: 1
 * (all match), 0 (none does), -1 (not known here).  A case-blind @a
 * admits every casing of its letters; only a case-blind @q, or no
 * letters, decides those.
 */
static int decides(const struct pat *a, const struct pat *q)
{
	if (a->kind == VIGIL_PAT_CIDR)
		return cidr_decides(a, q);
	if (a->kind != VIGIL_PAT_EXACT && !plain_glob(a))
		return -1;
	if (a->nocase && !q->nocase && has_alpha(a) &&
	    !FEAS_MUT(FEAS_MUT_CASE))
		return -1;
	return pat_eval(q, a->s, a->len);
}

/* Is every value MATCH @p admits matched by MATCH @q? */
static bool covered(const struct node *p, const struct node *q)
{
	int i, j;

	for (i = 0; i < p->npats; i++) {
		for (j = 0; j < q->npats; j++)
			if (decides(&p->pats[i], &q->pats[j]) == 1)
				break;
		if (j == q->npats)
			return false;
	}
	return p->npats > 0;
}

/* Is no value MATCH @p admits matched by MATCH @q? */
static bool disjoint(const struct node *p, const struct node *q)
{
	int i, j;

	for (i = 0; i < p->npats; i++)
		for (j = 0; j < q->npats; j++)
			if (decides(&p->pats[i], &q->pats[j]) != 0)
				return false;
	return true;
}

/* Can a present value of a NUM field pass all tests of @field in @a? */
static bool num_possible(const struct alt *a, __u8 field)
{
	__u64 lo = 0, hi = ~0ULL, ne[LITS_MAX];
	int i, j, nne = 0, in = 0;

	for (i = 0; i < a->n; i++) {
		const struct node *n = a->l[i].n;
		int cmp;
		__u64 x;

		if (n->t != N_NUMCMP || n->field != field)
			continue;
		cmp = n->cmp;
		x = n->num;
		if (a->l[i].neg) {
			static const int inv[] = {
				[VIGIL_CMP_EQ] = VIGIL_CMP_NE,
				[VIGIL_CMP_NE] = VIGIL_CMP_EQ,
				[VIGIL_CMP_LT] = VIGIL_CMP_GE,
				[VIGIL_CMP_LE] = VIGIL_CMP_GT,
				[VIGIL_CMP_GT] = VIGIL_CMP_LE,
				[VIGIL_CMP_GE] = VIGIL_CMP_LT,
			};

			if (cmp >= (int)ARRAY_SIZE(inv))
				return true;
			cmp = inv[cmp];
		}
		switch (cmp) {
		case VIGIL_CMP_EQ:
			lo = lo > x ? lo : x;
			hi = hi < x ? hi : x;
			break;
		case VIGIL_CMP_NE:
			ne[nne++] = x;
			break;
		case VIGIL_CMP_LT:
			if (!x)
				return false;
			hi = hi < x - 1 ? hi : x - 1;
			break;
		case VIGIL_CMP_LE:
			hi = hi < x ? hi : x;
			break;
		case VIGIL_CMP_GT:
			if (x == ~0ULL)
				return false;
			lo = lo > x + 1 ? lo : x + 1;
			break;
		case VIGIL_CMP_GE:
			lo = lo > x ? lo : x;
			break;
		default:
			return true;
		}
	}
	if (lo > hi)
		return false;
	/* distinct excluded values inside [lo, hi] */
	for (i = 0; i < nne; i++) {
		if (ne[i] < lo || ne[i] > hi)
			continue;
		for (j = 0; j < i && ne[j] != ne[i]; j++)
			;
		in += j == i;
	}
	return hi - lo >= (__u64)in;
}

/*
 * A contradiction between tests of one field in @a, said in @t.  Tests
 * that do not hold make nothing present, so only a field a positive test
 * needs can have one.  Return: true if found.
 */
static bool contradiction(const struct alt *a, struct text *t)
{
	int i, j;

	for (i = 0; i < a->n; i++) {
		const struct lit *x = &a->l[i];
		__u8 f = x->n->field;

		if (x->neg || kind_field_index(f) >= 0)
			continue;
		if (vigil_field_type(f) == VIGIL_FT_NUM &&
		    !num_possible(a, f)) {
			const char *sep = "";

			put(t, "its tests of %s contradict each other: ",
			    field_name(f));
			for (j = 0; j < a->n; j++) {
				if (a->l[j].n->t != N_NUMCMP ||
				    a->l[j].n->field != f)
					continue;
				put(t, "%s%s", sep, a->l[j].neg ? "not " : "");
				render(t, a->l[j].n);
				sep = " and ";
			}
			put_aliases(t, f);
			return true;
		}
		for (j = 0; j < a->n; j++) {
			const struct lit *y = &a->l[j];
			bool bad;

			if (j == i || y->n->field != f)
				continue;
			if (y->neg)
				bad = y->n->t == N_EXISTS ||
				      (x->n->t == N_MATCH && y->n->t == N_MATCH &&
				       covered(x->n, y->n));
			else
				bad = x->n->t == N_MATCH && y->n->t == N_MATCH &&
				      (!vigil_is_array(f) ||
				       FEAS_MUT(FEAS_MUT_ARRAY)) &&
				      disjoint(x->n, y->n);
			if (!bad)
				continue;
			put(t, "its tests of %s contradict each other: ",
			    field_name(f));
			render(t, x->n);
			put(t, " and %s", y->neg ? "not " : "");
			render(t, y->n);
			put_aliases(t, f);
			return true;
		}
	}
	return false;
}

/*
 * The kinds of @mask on which alternative @a can hold; when none, why
 * in @t.  Kind tests first, then fields, then contradictions.  With
 * @pos_only, only its positive tests count: the kinds that what it
 * excludes is judged against, not shaped by the exclusions themselves.
 */
static __u16 alt_kinds(const struct alt *a, __u16 mask, bool pos_only,
		       struct text *t)
{
	int pass, i, k;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < a->n; i++) {
			const struct lit *l = &a->l[i];
			bool kf = kind_field_index(l->n->field) >= 0;
			__u16 before = mask;

			if (kf != !pass || (pos_only && l->neg))
				continue;
			for (k = VIGIL_EV_EXEC; k < __VIGIL_EV_LAST; k++) {
				enum tri r;

				if (!(mask & (1U << k)))
					continue;
				r = node_eval_kind(l->n, k, true);
				if (r != T_UNKNOWN && (r == T_TRUE) == l->neg)
					mask &= ~(1U << k);
			}
			if (mask)
				continue;
			if (kf) {
				put(t, "no event kind passes its tests of event.category, event.type and event.action");
			} else {
				put(t, "%s is never set on the events it can match (",
				    field_name(l->n->field));
				put_kinds(t, before);
				put(t, ")");
			}
			return 0;
		}
	}
	return !pos_only && contradiction(a, t) ? 0 : mask;
}

/* ---- exclusions ---- */

/* The kinds of @mask on which @n may be true. */
static __u16 maybe_true(const struct node *n, __u16 mask)
{
	int k;

	for (k = VIGIL_EV_EXEC; k < __VIGIL_EV_LAST; k++)
		if ((mask & (1U << k)) &&
		    node_eval_kind(n, k, true) == T_FALSE)
			mask &= ~(1U << k);
	return mask;
}

/* A test in @n false on every kind of @mask, for the message. */
static const struct node *false_leaf(const struct node *n, __u16 mask)
{
	const struct node *l;
	int i;

	if (n->t == N_AND || n->t == N_OR) {
		for (i = 0; i < n->n; i++) {
			if (maybe_true(n->kids[i], mask))
				continue;
			l = false_leaf(n->kids[i], mask);
			if (l)
				return l;
		}
		return NULL;
	}
	return n->t == N_NOT || maybe_true(n, mask) ? NULL : n;
}

struct walk {
	struct vigil_cwarnings *w;
	int step;
	__u16 kinds;
};

static struct text warn(struct walk *wk, int cls)
{
	struct vigil_cwarnings *w = wk->w;
	struct text t = { 0 };

	if (w->n >= VIGIL_CWARN_MAX) {
		w->dropped++;
		return t;
	}
	w->w[w->n].cls = cls;
	w->w[w->n].step = wk->step;
	t.s = w->w[w->n].msg;
	t.cap = sizeof(w->w[w->n].msg);
	t.s[0] = 0;
	w->n++;
	return t;
}

static void vacuous(struct walk *wk, const struct node *x)
{
	const struct node *l = false_leaf(x, wk->kinds);
	struct text t = warn(wk, VIGIL_CWARN_EXCLUSION);

	render(&t, x);
	if (!l) {
		put(&t, ": it is false on every event the rule can match");
		return;
	}
	if (kind_field_index(l->field) >= 0) {
		put(&t, ": the events the rule can match (");
		put_kinds(&t, wk->kinds);
		put(&t, ") fail ");
		render(&t, l);
	} else {
		put(&t, ": %s is never set on the events the rule can match (",
		    field_name(l->field));
		put_kinds(&t, wk->kinds);
		put(&t, ")");
	}
}

/*
 * Reports what each exclusion (a "not" under an even number of others)
 * takes away that no event the step matches can have: the whole
 * excluded condition, else each of its alternatives.
 */
static void exclusions(struct walk *wk, const struct node *n, bool neg)
{
	const struct node *x;
	int i;

	if (n->t == N_AND || n->t == N_OR) {
		for (i = 0; i < n->n; i++)
			exclusions(wk, n->kids[i], neg);
		return;
	}
	if (n->t != N_NOT)
		return;
	x = n->kids[0];
	if (!neg) {
		if (!maybe_true(x, wk->kinds)) {
			vacuous(wk, x);
			return;
		}
		for (i = 0; x->t == N_OR && i < x->n; i++)
			if (!maybe_true(x->kids[i], wk->kinds))
				vacuous(wk, x->kids[i]);
	}
	exclusions(wk, x, !neg);
}

/* ---- narrowed ECS values ---- */

/* Does @a test event.@field positively with a pattern admitting @v? */
static bool tests_value(const struct alt *a, __u8 field, const char *v)
{
	int i, j;

	for (i = 0; i < a->n; i++) {
		const struct node *n = a->l[i].n;

		if (a->l[i].neg || n->field != field)
			continue;
		if (!v)
			return true;
		for (j = 0; n->t == N_MATCH && j < n->npats; j++)
			if (pat_eval(&n->pats[j], v, strlen(v)) == 1)
				return true;
	}
	return false;
}

/*
 * Kinds of @category whose event.type is @type; 0 if any has an action
 * but @action.
 */
static __u16 partial_kinds(const char *category, const char *type,
			   const char *action)
{
	int k, cf = kind_field_index(VIGIL_F_EVENT_CATEGORY),
	       tf = kind_field_index(VIGIL_F_EVENT_TYPE),
	       af = kind_field_index(VIGIL_F_EVENT_ACTION);
	__u16 mask = 0;
	u32 len;

	if (cf < 0 || tf < 0 || af < 0)
		return 0;
	for (k = VIGIL_EV_EXEC; k < __VIGIL_EV_LAST; k++) {
		if (strcmp(vigil_kind_value(k, cf, &len), category) ||
		    strcmp(vigil_kind_value(k, tf, &len), type))
			continue;
		if (strcmp(vigil_kind_value(k, af, &len), action))
			return 0;
		mask |= 1U << k;
	}
	return mask;
}

static void narrowed(struct walk *wk, const struct alt *a, __u16 kinds,
		     bool *said)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(partial_types); i++) {
		__u16 m = partial_kinds(partial_types[i].category,
					partial_types[i].type,
					partial_types[i].action);
		struct text t;

		if (said[i] || !(m & kinds) ||
		    !tests_value(a, VIGIL_F_EVENT_TYPE, partial_types[i].type) ||
		    tests_value(a, VIGIL_F_EVENT_ACTION, NULL))
			continue;
		said[i] = true;
		t = warn(wk, VIGIL_CWARN_NARROWED);
		put(&t, "event.type \"%s\" matches only event.action \"%s\" here: vigil produces no event for %s",
		    partial_types[i].type, partial_types[i].action,
		    partial_types[i].missing);
	}
}

/* ---- per step ---- */

/* Does some kind of @kinds carry @field? */
static bool may_carry_any(__u16 kinds, __u8 field)
{
	int k;

	for (k = VIGIL_EV_EXEC; k < __VIGIL_EV_LAST; k++)
		if ((kinds & (1U << k)) && kind_may_carry(k, field))
			return true;
	return false;
}

static void check_step(struct walk *wk, const struct cstep *st)
{
	bool said[ARRAY_SIZE(partial_types)] = { false };
	char why[200] = "", first[200] = "";
	struct text t = { why, sizeof(why), 0 };
	struct alts as = { 0 };
	__u16 kinds = 0, pos = 0, ka;
	bool same = true;
	int i;

	if (dnf(st->expr, false, &as, 0)) {
		/* too large to take apart: per kind only */
		kinds = maybe_true(st->expr, st->kind_mask);
		snprintf(first, sizeof(first),
			 "it is false on every event kind: the fields it needs are never set on the kinds its event.* tests admit");
	}
	for (i = 0; i < as.n; i++) {
		t.len = 0;
		why[0] = 0;
		ka = alt_kinds(&as.a[i], st->kind_mask, false, &t);
		kinds |= ka;
		if (ka)
			continue;
		if (!first[0])
			snprintf(first, sizeof(first), "%s", why);
		else if (strcmp(first, why))
			same = false;
	}
	if (!kinds) {
		struct text m = warn(wk, VIGIL_CWARN_NEVER_FIRES);

		if (as.n > 1 && !same)
			put(&m, "none of its %d alternatives can match; the first: %s",
			    as.n, first);
		else
			put(&m, "%s", first[0] ? first : "its condition is always false");
		goto out;
	}
	/* a sequence step joins on its by fields: absent, it never joins */
	for (i = 0; i < st->n_by; i++) {
		struct text m;

		if (may_carry_any(kinds, st->by[i]))
			continue;
		m = warn(wk, VIGIL_CWARN_NEVER_FIRES);
		put(&m, "it joins on %s, which is never set on the events it can match (",
		    field_name(st->by[i]));
		put_kinds(&m, kinds);
		put(&m, ")");
		goto out;
	}
	/*
	 * Exclusions are judged against the kinds the positive tests admit,
	 * from the query's category on: a "not" that itself rules out a kind
	 * (not event.type == "deletion") is not vacuous for doing so.  A
	 * condition too large to take apart gets no such judgement.
	 */
	for (i = 0; i < as.n; i++) {
		t.len = 0;
		ka = alt_kinds(&as.a[i], st->kind_mask, false, &t);
		if (ka)
			pos |= alt_kinds(&as.a[i], st->cat_mask ?: st->kind_mask,
					 true, &t);
	}
	wk->kinds = pos;
	if (pos)
		exclusions(wk, st->expr, false);
	for (i = 0; i < as.n; i++) {
		t.len = 0;
		ka = alt_kinds(&as.a[i], st->kind_mask, false, &t);
		if (ka)
			narrowed(wk, &as.a[i], ka, said);
	}
out:
	alts_free(&as);
}

/**
 * feasible_check() - warnings about a rule that compiled
 * @r: the rule, its steps' conditions after field mapping
 * @w: its warnings (cleared first)
 */
void feasible_check(const struct crule *r, struct vigil_cwarnings *w)
{
	struct walk wk = { .w = w };
	int i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < r->q.n_steps; i++) {
		wk.step = r->q.sequence ? i + 1 : 0;
		check_step(&wk, &r->q.steps[i]);
	}
}

/**
 * vigil_cwarn_class_name() - the name of a class of warning
 * @cls: enum vigil_cwarn_class
 *
 * Return: the name, as check prints it.
 */
const char *vigil_cwarn_class_name(int cls)
{
	static const char *const names[] = {
		[VIGIL_CWARN_NEVER_FIRES] = "never fires",
		[VIGIL_CWARN_EXCLUSION] = "exclusion never applies",
		[VIGIL_CWARN_NARROWED] = "narrowed",
	};

	return cls >= 0 && cls < __VIGIL_CWARN_LAST ? names[cls] : "?";
}
