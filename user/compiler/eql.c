// SPDX-License-Identifier: GPL-2.0
/*
 * EQL front end: event queries and sequences -> struct cquery.
 * Documentation/rule-language.rst lists what is accepted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "engine.h"

enum tok {
	T_EOF,
	T_IDENT,	/* also keywords and field names */
	T_STR,
	T_NUM,		/* digits, maybe with a unit suffix (1m) */
	T_OP,		/* punctuation, text in buf */
};

struct lex {
	const char *s;
	size_t len, pos;
	struct cerr *e;
	int depth;
	/* current token */
	enum tok t;
	int off;
	char *buf;	/* decoded text */
	size_t blen, bcap;
};

static int buf_put(struct lex *l, char c)
{
	if (tokbuf_put(&l->buf, &l->blen, &l->bcap, c))
		return cerr_set(l->e, l->off, "out of memory");
	return 0;
}

static bool ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == '@';
}

static bool ident_char(int c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static int lex_string(struct lex *l)
{
	char q = l->s[l->pos];

	if (l->len - l->pos >= 3 && !memcmp(l->s + l->pos, "\"\"\"", 3)) {
		/* raw string */
		const char *end;

		l->pos += 3;
		end = memmem(l->s + l->pos, l->len - l->pos, "\"\"\"", 3);
		if (!end)
			return cerr_set(l->e, l->off, "unterminated string");
		while (l->s + l->pos < end)
			if (buf_put(l, l->s[l->pos++]))
				return -1;
		l->pos += 3;
		return 0;
	}
	l->pos++;
	for (;;) {
		char c;

		if (l->pos >= l->len || l->s[l->pos] == '\n')
			return cerr_set(l->e, l->off, "unterminated string");
		c = l->s[l->pos++];
		if (c == q)
			return 0;
		if (c == '\\') {
			if (l->pos >= l->len)
				return cerr_set(l->e, l->off,
						"unterminated string");
			c = l->s[l->pos++];
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '0': c = 0; break;
			case '"': case '\'': case '\\': break;
			default:
				return cerr_set(l->e, (int)l->pos - 2,
						"invalid escape '\\%c' in string",
						c);
			}
			if (!c)
				return cerr_set(l->e, (int)l->pos - 2,
						"NUL in string");
		}
		if (buf_put(l, c))
			return -1;
	}
}

static int next(struct lex *l)
{
	static const char *const ops[] = {
		"==", "!=", "<=", ">=", "<", ">", ":", "(", ")", "[", "]",
		",", "~", "?", "=", "|", "!",
	};
	size_t i;

	l->blen = 0;
	if (l->buf)
		l->buf[0] = 0;
	for (;;) {
		while (l->pos < l->len && strchr(" \t\r\n", l->s[l->pos]))
			l->pos++;
		if (l->len - l->pos >= 2 && !memcmp(l->s + l->pos, "//", 2)) {
			while (l->pos < l->len && l->s[l->pos] != '\n')
				l->pos++;
			continue;
		}
		if (l->len - l->pos >= 2 && !memcmp(l->s + l->pos, "/*", 2)) {
			const char *end = memmem(l->s + l->pos + 2,
						 l->len - l->pos - 2, "*/", 2);

			if (!end)
				return cerr_set(l->e, (int)l->pos,
						"unterminated comment");
			l->pos = end - l->s + 2;
			continue;
		}
		break;
	}
	l->off = (int)l->pos;
	if (l->pos >= l->len) {
		l->t = T_EOF;
		return 0;
	}
	if (l->s[l->pos] == '"' || l->s[l->pos] == '\'') {
		l->t = T_STR;
		return lex_string(l);
	}
	if (l->s[l->pos] == '`') {
		const char *end = memchr(l->s + l->pos + 1, '`',
					 l->len - l->pos - 1);

		if (!end)
			return cerr_set(l->e, l->off, "unterminated `field`");
		for (l->pos++; l->s + l->pos < end; l->pos++)
			if (buf_put(l, l->s[l->pos]))
				return -1;
		l->pos++;
		l->t = T_IDENT;
		return 0;
	}
	if ((l->s[l->pos] >= '0' && l->s[l->pos] <= '9') ||
	    (l->s[l->pos] == '-' && l->pos + 1 < l->len &&
	     l->s[l->pos + 1] >= '0' && l->s[l->pos + 1] <= '9')) {
		l->t = T_NUM;
		do {
			if (buf_put(l, l->s[l->pos++]))
				return -1;
		} while (l->pos < l->len &&
			 ((l->s[l->pos] >= '0' && l->s[l->pos] <= '9') ||
			  (l->s[l->pos] >= 'a' && l->s[l->pos] <= 'z') ||
			  l->s[l->pos] == '.'));
		return 0;
	}
	if (ident_start((unsigned char)l->s[l->pos])) {
		l->t = T_IDENT;
		while (l->pos < l->len && ident_char((unsigned char)l->s[l->pos]))
			if (buf_put(l, l->s[l->pos++]))
				return -1;
		return 0;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i]);

		if (l->len - l->pos >= n && !memcmp(l->s + l->pos, ops[i], n)) {
			l->t = T_OP;
			l->pos += n;
			while (n--)
				if (buf_put(l, ops[i][strlen(ops[i]) - n - 1]))
					return -1;
			return 0;
		}
	}
	return cerr_set(l->e, l->off, "unexpected character '%c'",
			l->s[l->pos]);
}

static bool is_op(struct lex *l, const char *op)
{
	return l->t == T_OP && !strcmp(l->buf, op);
}

static bool is_kw(struct lex *l, const char *kw)
{
	return l->t == T_IDENT && !strcmp(l->buf, kw);
}

/* Is the next raw character @c (no whitespace between)? */
static bool glued(struct lex *l, char c)
{
	return l->pos < l->len && l->s[l->pos] == c;
}

static int expect_op(struct lex *l, const char *op)
{
	if (!is_op(l, op))
		return cerr_set(l->e, l->off, "expected '%s'", op);
	return next(l);
}

/* ---- values ---- */

struct val {
	enum { V_STR, V_NUM, V_NULL, V_BOOL } t;
	char *s;
	size_t len;
	__u64 num;
	bool neg;
	int off;
};

static void vals_free(struct val *v, int n)
{
	while (n--)
		free(v[n].s);
}

static int parse_num(const char *s, __u64 *out, bool *neg)
{
	char *end;
	unsigned long long x;

	*neg = *s == '-';
	if (*neg)
		s++;
	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (*end || errno)
		return -1;
	*out = x;
	return 0;
}

static int parse_value(struct lex *l, struct val *v)
{
	memset(v, 0, sizeof(*v));
	v->off = l->off;
	if (l->t == T_STR) {
		v->t = V_STR;
		v->len = l->blen;
		v->s = malloc(l->blen + 1);
		if (!v->s)
			return cerr_set(l->e, l->off, "out of memory");
		memcpy(v->s, l->buf ? l->buf : "", l->blen + 1);
		goto advance;
	}
	if (l->t == T_NUM) {
		v->t = V_NUM;
		if (parse_num(l->buf, &v->num, &v->neg))
			return cerr_set(l->e, l->off,
					"'%s' is not a supported number",
					l->buf);
		v->s = strdup(l->buf);
		if (!v->s)
			return cerr_set(l->e, l->off, "out of memory");
		v->len = strlen(v->s);
		goto advance;
	}
	if (is_kw(l, "null")) {
		v->t = V_NULL;
		return next(l);
	}
	if (is_kw(l, "true") || is_kw(l, "false")) {
		/* only a boolean field takes one (build_cond()) */
		v->t = V_BOOL;
		v->num = is_kw(l, "true");
		v->neg = false;
		return next(l);
	}
	if (l->t == T_IDENT)
		return cerr_set(l->e, l->off,
				"comparing field with field ('%s') is not supported",
				l->buf);
	return cerr_set(l->e, l->off, "expected a value");
advance:
	if (next(l)) {
		free(v->s);
		v->s = NULL;
		return -1;
	}
	return 0;
}

/* A list longer than a pattern set can hold is refused while parsing. */
#define MAX_LIST VIGIL_RS_MAX_SET

/* A value or a parenthesised list of values. */
static int parse_values(struct lex *l, struct val **out, int *n, bool list_ok)
{
	struct val *v = NULL;
	int cnt = 0;

	*out = NULL;
	*n = 0;
	if (!is_op(l, "(")) {
		v = calloc(1, sizeof(*v));
		if (!v)
			return cerr_set(l->e, l->off, "out of memory");
		if (parse_value(l, v)) {
			vals_free(v, 1);
			free(v);
			return -1;
		}
		*out = v;
		*n = 1;
		return 0;
	}
	if (!list_ok)
		return cerr_set(l->e, l->off, "expected a value");
	if (next(l))
		return -1;
	for (;;) {
		struct val *nv;

		if (cnt == MAX_LIST) {
			cerr_set(l->e, l->off, "list too long");
			goto err;
		}
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv) {
			cerr_set(l->e, l->off, "out of memory");
			goto err;
		}
		v = nv;
		if (parse_value(l, &v[cnt]))
			goto err;
		cnt++;
		if (is_op(l, ",")) {
			if (next(l))
				goto err;
			continue;
		}
		if (is_op(l, ")"))
			break;
		cerr_set(l->e, l->off, "expected ',' or ')' in list");
		goto err;
	}
	*out = v;
	*n = cnt;
	return next(l);
err:
	vals_free(v, cnt);
	free(v);
	return -1;
}

/* ---- building conditions ---- */

enum cop { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE, C_COLON, C_LIKE, C_IN,
	   C_REGEX };

/* EQL wildcard text ('*', '?') -> uapi glob text ('\' escapes) */
static char *to_glob(const char *s, size_t len, size_t *olen)
{
	char *g = malloc(len * 2 + 1);
	size_t i, o = 0;

	if (!g)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '\\')
			g[o++] = '\\';
		g[o++] = s[i];
	}
	g[o] = 0;
	*olen = o;
	return g;
}

static struct node *num_cond(struct lex *l, __u8 field, __u8 cmp,
			     const struct val *v)
{
	struct node *n;
	__u64 x;
	bool neg;

	if (v->t == V_STR) {
		if (parse_num(v->s, &x, &neg))
			goto notnum;
	} else if (v->t == V_NUM) {
		x = v->num;
		neg = v->neg;
	} else {
		goto notnum;
	}
	if (neg) {
		cerr_set(l->e, v->off, "negative number for field '%s'",
			 field_name(field));
		return NULL;
	}
	n = node_new(N_NUMCMP, v->off);
	if (!n) {
		cerr_set(l->e, v->off, "out of memory");
		return NULL;
	}
	n->field = field;
	n->cmp = cmp;
	n->num = x;
	return n;
notnum:
	cerr_set(l->e, v->off, "field '%s' is numeric; value is not a number",
		 field_name(field));
	return NULL;
}

static struct node *wrap_not(struct lex *l, struct node *n)
{
	struct node *x;

	if (!n)
		return NULL;
	x = node_new(N_NOT, n->off);
	if (!x || node_add(x, n)) {
		free(x);
		node_free(n);
		cerr_set(l->e, l->off, "out of memory");
		return NULL;
	}
	return x;
}

static struct node *cond_null(struct lex *l, __u8 field, enum cop op,
			      int off)
{
	struct node *n;

	if (op != C_EQ && op != C_NE && op != C_COLON) {
		cerr_set(l->e, off, "null can only be compared with == or !=");
		return NULL;
	}
	n = node_new(N_EXISTS, off);
	if (!n) {
		cerr_set(l->e, off, "out of memory");
		return NULL;
	}
	n->field = field;
	return op == C_NE ? n : wrap_not(l, n);
}

/*
 * Adds each of @v, a CIDR block or an address, to MATCH @n of an IP
 * field.  Return: 0, or -1 with the error at the bad value.
 */
static int add_blocks(struct lex *l, struct node *n, const struct val *v,
		      int nv)
{
	int i, r;

	for (i = 0; i < nv; i++) {
		if (v[i].t != V_STR && v[i].t != V_NUM)
			return cerr_set(l->e, v[i].off, "expected a string");
		r = node_add_cidr(n, v[i].s);
		if (r == -ENOMEM)
			return cerr_set(l->e, v[i].off, "out of memory");
		if (r)
			return cerr_set(l->e, v[i].off,
					"'%s' is not an IP address or CIDR block",
					v[i].s);
	}
	return 0;
}

/*
 * "field <op> values" on an IP field.  As in Elasticsearch, where these
 * are term queries on an ip field: each value is an address or a CIDR
 * block, ':' is '==' (no case, no wildcards), and a pattern (like,
 * regex) or an ordering has no meaning here.
 */
static struct node *ip_cond(struct lex *l, const struct field_info *fi,
			    const char *fname, int foff, enum cop op,
			    const struct val *v, int nv)
{
	struct node *n;

	if (op != C_EQ && op != C_NE && op != C_IN && op != C_COLON) {
		cerr_set(l->e, foff,
			 "%s on IP field '%s' is not supported: compare with addresses or use cidrMatch()",
			 op == C_LIKE ? "like" : op == C_REGEX ? "regex" :
			 "ordering comparison", fname);
		return NULL;
	}
	n = node_new(N_MATCH, foff);
	if (!n) {
		cerr_set(l->e, foff, "out of memory");
		return NULL;
	}
	n->field = fi->field;
	if (add_blocks(l, n, v, nv)) {
		node_free(n);
		return NULL;
	}
	return op == C_NE ? wrap_not(l, n) : n;
}

/* The condition "field <op> values"; constant host.os.type folded. */
static struct node *build_cond(struct lex *l, const char *fname, int foff,
			       enum cop op, bool nocase, struct val *v, int nv)
{
	const struct field_info *fi;
	const char *cval;
	struct node *n = NULL, *k;
	int i;
	__u8 kind;
	static const __u8 cmps[] = {
		[C_EQ] = VIGIL_CMP_EQ, [C_NE] = VIGIL_CMP_NE,
		[C_LT] = VIGIL_CMP_LT, [C_LE] = VIGIL_CMP_LE,
		[C_GT] = VIGIL_CMP_GT, [C_GE] = VIGIL_CMP_GE,
	};

	fi = field_resolve(fname, foff, &cval, l->e);
	if (!fi && !cval)
		return NULL;
	if (nv == 1 && v[0].t == V_NULL) {
		if (cval) {
			cerr_set(l->e, foff, "comparing host.os.type with null");
			return NULL;
		}
		return cond_null(l, fi->field, op, v[0].off);
	}
	for (i = 0; i < nv; i++) {
		if (v[i].t == V_NULL) {
			cerr_set(l->e, v[i].off, "null inside a list");
			return NULL;
		}
		if (v[i].t != V_BOOL)
			continue;
		/* true and false are 1 and 0 of an ECS boolean field */
		if (!fi || !vigil_field_is_bool(fi->field)) {
			cerr_set(l->e, v[i].off,
				 "boolean values are not supported here");
			return NULL;
		}
		v[i].t = V_NUM;
	}
	if (fi && fi->type == VIGIL_FT_NUM && !fi->by_name) {
		if (op == C_LIKE || op == C_REGEX) {
			cerr_set(l->e, foff,
				 "pattern match on numeric field '%s'", fname);
			return NULL;
		}
		if (op == C_EQ || op == C_COLON || op == C_IN || op == C_NE) {
			n = node_new(N_OR, foff);
			if (!n)
				goto oom;
			for (i = 0; i < nv; i++) {
				k = num_cond(l, fi->field, VIGIL_CMP_EQ, &v[i]);
				if (!k || node_add(n, k)) {
					node_free(k);
					goto err;
				}
			}
			return op == C_NE ? wrap_not(l, n) : n;
		}
		return num_cond(l, fi->field, cmps[op], &v[0]);
	}
	if (fi && fi->type == VIGIL_FT_IP)
		return ip_cond(l, fi, fname, foff, op, v, nv);
	if (op == C_LT || op == C_LE || op == C_GT || op == C_GE) {
		cerr_set(l->e, foff, "ordering comparison on string field '%s'",
			 fname);
		return NULL;
	}
	n = node_new(N_MATCH, foff);
	if (!n)
		goto oom;
	n->field = fi ? fi->field : VIGIL_F_HOST_OS_TYPE;
	kind = op == C_COLON || op == C_LIKE ? VIGIL_PAT_GLOB :
	       op == C_REGEX ? VIGIL_PAT_REGEX : VIGIL_PAT_EXACT;
	for (i = 0; i < nv; i++) {
		int r;

		if (kind == VIGIL_PAT_GLOB) {
			size_t gl;
			char *g = to_glob(v[i].s, v[i].len, &gl);

			if (!g)
				goto oom;
			r = node_add_pat(n, g, gl, kind, nocase);
			free(g);
		} else {
			r = node_add_pat(n, v[i].s, v[i].len, kind, nocase);
		}
		if (r)
			goto oom;
	}
	if (cval) {
		bool hit = false;

		for (i = 0; i < n->npats; i++) {
			int r = pat_eval(&n->pats[i], cval, strlen(cval));

			if (r < 0) {
				cerr_set(l->e, foff, n->pats[i].kind ==
					 VIGIL_PAT_REGEX ?
					 "regex on host.os.type is not supported" :
					 "pattern too long");
				goto err;
			}
			hit |= r;
		}
		node_free(n);
		n = node_new(N_CONST, foff);
		if (!n)
			goto oom;
		n->val = hit;
	}
	if (fi && fi->by_name) {
		n = users_resolve(n, l->e);
		if (!n)
			return NULL;
	}
	return op == C_NE ? wrap_not(l, n) : n;
oom:
	cerr_set(l->e, foff, "out of memory");
err:
	node_free(n);
	return NULL;
}

/* ---- expressions ---- */

static struct node *parse_or(struct lex *l);

static struct node *parse_func(struct lex *l, char *name, int off)
{
	bool nocase = false;
	struct node *n = NULL;
	struct val *v = NULL;
	int nv = 0, i, foff;
	char *field = NULL;
	__u8 kind;
	const struct field_info *fi;
	const char *cval;

	if (is_op(l, "~")) {
		nocase = true;
		if (next(l))
			return NULL;
	}
	if (!strcasecmp(name, "startsWith"))
		kind = VIGIL_PAT_PREFIX;
	else if (!strcasecmp(name, "endsWith"))
		kind = VIGIL_PAT_SUFFIX;
	else if (!strcasecmp(name, "stringContains"))
		kind = VIGIL_PAT_CONTAINS;
	else if (!strcasecmp(name, "cidrMatch") && !nocase)
		kind = VIGIL_PAT_CIDR;
	else {
		cerr_set(l->e, off, "function '%s%s' is not supported", name,
			 nocase ? "~" : "");
		return NULL;
	}
	if (expect_op(l, "("))
		return NULL;
	if (is_op(l, "?") && next(l))
		return NULL;
	if (l->t != T_IDENT) {
		cerr_set(l->e, l->off, "%s() needs a field as first argument",
			 name);
		return NULL;
	}
	foff = l->off;
	field = strdup(l->buf);
	if (!field || next(l))
		goto err;
	fi = field_resolve(field, foff, &cval, l->e);
	if (!fi && !cval)
		goto err;
	if (kind == VIGIL_PAT_CIDR && (cval || fi->type != VIGIL_FT_IP)) {
		cerr_set(l->e, foff,
			 "%s() needs an IP field; '%s' is not one", name,
			 field);
		goto err;
	}
	if (cval || (fi->type == VIGIL_FT_NUM && !fi->by_name) ||
	    (kind != VIGIL_PAT_CIDR && fi->type == VIGIL_FT_IP)) {
		cerr_set(l->e, foff, "%s() on field '%s' is not supported",
			 name, field);
		goto err;
	}
	n = node_new(N_MATCH, off);
	if (!n)
		goto err;
	n->field = fi->field;
	while (is_op(l, ",")) {
		struct val *nvp = realloc(v, (nv + 1) * sizeof(*v));

		if (!nvp)
			goto err;
		v = nvp;
		memset(&v[nv], 0, sizeof(v[nv]));
		if (next(l) || parse_value(l, &v[nv]))
			goto err;
		nv++;
		if (v[nv - 1].t != V_STR) {
			cerr_set(l->e, v[nv - 1].off, "%s() needs strings",
				 name);
			goto err;
		}
		if (kind == VIGIL_PAT_CIDR) {
			if (add_blocks(l, n, &v[nv - 1], 1))
				goto err;
		} else if (node_add_pat(n, v[nv - 1].s, v[nv - 1].len, kind,
					nocase)) {
			goto err;
		}
	}
	if (!nv) {
		cerr_set(l->e, off, "%s() needs at least one string", name);
		goto err;
	}
	if (expect_op(l, ")"))
		goto err;
	for (i = 0; i < nv; i++)
		free(v[i].s);
	free(v);
	free(field);
	return fi->by_name ? users_resolve(n, l->e) : n;
err:
	cerr_set(l->e, l->off, "out of memory");
	vals_free(v, nv);
	free(v);
	free(field);
	node_free(n);
	return NULL;
}

/* length() compared with more than this: refused (the glob holds N '?') */
#define LENGTH_MAX (VIGIL_RS_MAX_STR - 1)

/*
 * A glob matching values of at least @n bytes ('?' @n times, then '*'),
 * or of exactly @n bytes (@exact), as a MATCH of @field.
 */
static struct node *length_match(struct lex *l, __u8 field, __u64 n,
				 bool exact, int off)
{
	struct node *m = node_new(N_MATCH, off);
	char *g = malloc(n + 2);

	if (!m || !g)
		goto err;
	memset(g, '?', n);
	g[n] = '*';
	m->field = field;
	if (node_add_pat(m, g, n + !exact, VIGIL_PAT_GLOB, false))
		goto err;
	free(g);
	return m;
err:
	cerr_set(l->e, off, "out of memory");
	free(g);
	node_free(m);
	return NULL;
}

/*
 * length(FIELD) OP N, Elastic's EQL length() of a string field compared
 * with a number: a glob of N '?' says "at least N bytes long".  EQL
 * counts characters; vigil counts bytes, the same for ASCII, more for
 * other UTF-8 text (Documentation/rule-language.rst).  A missing field
 * has no length: every comparison with it is false, so the negated
 * forms (<, <=, !=) also need the field to exist.  @l is at '('.
 */
static struct node *parse_length(struct lex *l, int off)
{
	static const struct { const char *s; enum cop op; } ops[] = {
		{ "==", C_EQ }, { "!=", C_NE }, { "<", C_LT },
		{ "<=", C_LE }, { ">", C_GT }, { ">=", C_GE },
	};
	const struct field_info *fi;
	struct node *n = NULL, *a, *e;
	const char *cval;
	struct val v = { 0 };
	size_t i;
	int foff;
	__u64 k;

	if (expect_op(l, "("))
		return NULL;
	if (is_op(l, "?") && next(l))
		return NULL;
	if (l->t != T_IDENT) {
		cerr_set(l->e, l->off, "length() needs a field");
		return NULL;
	}
	foff = l->off;
	fi = field_resolve(l->buf, foff, &cval, l->e);
	if (!fi && !cval)
		return NULL;
	if (cval || fi->type != VIGIL_FT_STR || fi->by_name) {
		cerr_set(l->e, foff, "length() of field '%s' is not supported",
			 l->buf);
		return NULL;
	}
	if (next(l) || expect_op(l, ")"))
		return NULL;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (l->t == T_OP && is_op(l, ops[i].s))
			break;
	if (i == sizeof(ops) / sizeof(ops[0])) {
		cerr_set(l->e, l->off, "length() needs a comparison");
		return NULL;
	}
	if (next(l) || parse_value(l, &v))
		return NULL;
	free(v.s);
	if (v.t != V_NUM || v.neg || v.num > LENGTH_MAX) {
		cerr_set(l->e, v.off,
			 "length() compares with a number from 0 to %d",
			 LENGTH_MAX);
		return NULL;
	}
	k = v.num;
	switch (ops[i].op) {
	case C_EQ:
	case C_NE:
		n = length_match(l, fi->field, k, true, off);
		break;
	case C_GT:
	case C_LE:
		n = length_match(l, fi->field, k + 1, false, off);
		break;
	default: /* C_GE, C_LT */
		n = length_match(l, fi->field, k, false, off);
		break;
	}
	if (!n || ops[i].op == C_EQ || ops[i].op == C_GT ||
	    ops[i].op == C_GE)
		return n;
	/* <, <=, !=: the field exists and the glob fails */
	n = wrap_not(l, n);
	e = node_new(N_EXISTS, off);
	a = node_new(N_AND, off);
	if (!n || !e || !a) {
		cerr_set(l->e, off, "out of memory");
		goto err;
	}
	e->field = fi->field;
	if (node_add(a, e)) {
		cerr_set(l->e, off, "out of memory");
		goto err;
	}
	e = NULL;
	if (node_add(a, n)) {
		cerr_set(l->e, off, "out of memory");
		n = NULL;
		goto err;
	}
	return a;
err:
	node_free(n);
	node_free(e);
	node_free(a);
	return NULL;
}

static struct node *parse_cmp(struct lex *l)
{
	char *name;
	int off = l->off, nv;
	struct node *n = NULL;
	struct val *v = NULL;
	enum cop op;
	bool nocase = false, negate = false, list_ok = false;

	if (is_op(l, "(")) {
		if (next(l))
			return NULL;
		n = parse_or(l);
		if (!n)
			return NULL;
		if (expect_op(l, ")")) {
			node_free(n);
			return NULL;
		}
		return n;
	}
	if (is_kw(l, "true") || is_kw(l, "false")) {
		n = node_new(N_CONST, off);
		if (!n) {
			cerr_set(l->e, off, "out of memory");
			return NULL;
		}
		n->val = is_kw(l, "true");
		if (next(l)) {
			node_free(n);
			return NULL;
		}
		return n;
	}
	if (is_op(l, "?")) {
		if (next(l))
			return NULL;
	}
	if (l->t != T_IDENT) {
		cerr_set(l->e, l->off, "expected a field or condition");
		return NULL;
	}
	name = strdup(l->buf);
	if (!name) {
		cerr_set(l->e, off, "out of memory");
		return NULL;
	}
	if (glued(l, '(') && !strcasecmp(name, "length")) {
		if (next(l))
			goto out;
		n = parse_length(l, off);
		goto out;
	}
	if ((glued(l, '(') || glued(l, '~'))) {
		if (next(l))
			goto out;
		n = parse_func(l, name, off);
		if (n && (is_op(l, "==") || is_op(l, "!="))) {
			cerr_set(l->e, l->off,
				 "comparing a function result is not supported");
			node_free(n);
			n = NULL;
		}
		goto out;
	}
	if (next(l))
		goto out;
	if (is_kw(l, "not")) {
		negate = true;
		if (next(l))
			goto out;
		if (!is_kw(l, "in") && !is_kw(l, "in~")) {
			cerr_set(l->e, l->off, "expected 'in' after 'not'");
			goto out;
		}
	}
	if (l->t == T_OP) {
		static const struct { const char *s; enum cop op; } ops[] = {
			{ "==", C_EQ }, { "!=", C_NE }, { "<", C_LT },
			{ "<=", C_LE }, { ">", C_GT }, { ">=", C_GE },
			{ ":", C_COLON },
		};
		size_t i;

		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (is_op(l, ops[i].s))
				break;
		if (i == sizeof(ops) / sizeof(ops[0])) {
			cerr_set(l->e, l->off, "unexpected '%s'", l->buf);
			goto out;
		}
		op = ops[i].op;
		list_ok = op == C_COLON;
		nocase = op == C_COLON;
	} else if (is_kw(l, "in") || is_kw(l, "like") || is_kw(l, "regex")) {
		op = is_kw(l, "in") ? C_IN : is_kw(l, "like") ? C_LIKE :
		     C_REGEX;
		list_ok = true;
		if (glued(l, '~')) {
			if (next(l))
				goto out;
			nocase = true;
		}
	} else if (l->t == T_IDENT && (!strcmp(l->buf, "of"))) {
		cerr_set(l->e, l->off, "'%s of' is not supported", name);
		goto out;
	} else {
		cerr_set(l->e, l->t == T_EOF ? off : l->off,
			 "expected an operator after field '%s'", name);
		goto out;
	}
	if (next(l))
		goto out;
	if (op == C_IN && !is_op(l, "(")) {
		cerr_set(l->e, l->off, "expected '(' after 'in'");
		goto out;
	}
	if (parse_values(l, &v, &nv, list_ok))
		goto out;
	n = build_cond(l, name, off, op, nocase, v, nv);
	if (n && negate)
		n = wrap_not(l, n);
out:
	vals_free(v, v ? nv : 0);
	free(v);
	free(name);
	return n;
}

static struct node *parse_not(struct lex *l)
{
	struct node *n;

	if (!is_kw(l, "not"))
		return parse_cmp(l);
	if (++l->depth > DEPTH_MAX) {
		cerr_set(l->e, l->off, "query nested too deeply");
		return NULL;
	}
	if (next(l))
		return NULL;
	n = parse_not(l);
	l->depth--;
	return n ? wrap_not(l, n) : NULL;
}

static struct node *parse_bin(struct lex *l, bool is_or)
{
	const char *kw = is_or ? "or" : "and";
	struct node *n, *k, *b;

	n = is_or ? parse_bin(l, false) : parse_not(l);
	if (!n || !is_kw(l, kw))
		return n;
	b = node_new(is_or ? N_OR : N_AND, n->off);
	if (!b || node_add(b, n)) {
		free(b);
		node_free(n);
		cerr_set(l->e, l->off, "out of memory");
		return NULL;
	}
	while (is_kw(l, kw)) {
		if (next(l))
			goto err;
		k = is_or ? parse_bin(l, false) : parse_not(l);
		if (!k)
			goto err;
		if (node_add(b, k)) {
			node_free(k);
			cerr_set(l->e, l->off, "out of memory");
			goto err;
		}
	}
	return b;
err:
	node_free(b);
	return NULL;
}

static struct node *parse_or(struct lex *l)
{
	struct node *n;

	if (++l->depth > DEPTH_MAX) {
		cerr_set(l->e, l->off, "query nested too deeply");
		return NULL;
	}
	n = parse_bin(l, true);
	l->depth--;
	return n;
}

/* ---- event queries and sequences ---- */

static int parse_event_query(struct lex *l, struct cstep *st)
{
	int off = l->off;

	if (l->t != T_IDENT)
		return cerr_set(l->e, l->off, "expected an event category");
	/* the kinds whose event.category it names, or any */
	st->kind_mask = kinds_of_category(l->buf);
	if (!strcmp(l->buf, "any"))
		st->kind_mask = VIGIL_EV_MASK_ALL;
	else if (!strcmp(l->buf, "sample"))
		return cerr_set(l->e, off, "'sample' is not supported");
	else if (!st->kind_mask)
		return cerr_set(l->e, off,
				"event category '%s' is not supported", l->buf);
	if (next(l))
		return -1;
	if (!is_kw(l, "where"))
		return cerr_set(l->e, l->off, "expected 'where'");
	if (next(l))
		return -1;
	st->expr = parse_or(l);
	if (!st->expr)
		return -1;
	st->runs = 1;
	return 0;
}

static int parse_by(struct lex *l, __u8 *by, __u8 *n)
{
	const char *cval;

	do {
		const struct field_info *fi;

		if (next(l))
			return -1;
		if (is_op(l, "?") && next(l))
			return -1;
		if (l->t != T_IDENT)
			return cerr_set(l->e, l->off, "expected a field after 'by'");
		/* host.id is constant on one host: joining on it is a no-op */
		if (!strcmp(l->buf, "host.id")) {
			if (next(l))
				return -1;
			continue;
		}
		fi = field_resolve(l->buf, l->off, &cval, l->e);
		if (!fi)
			return cval ? cerr_set(l->e, l->off,
					       "cannot join on host.os.type") :
				      -1;
		if (fi->type == VIGIL_FT_ARRAY)
			return cerr_set(l->e, l->off,
					"cannot join on array field '%s'",
					l->buf);
		if (*n >= VIGIL_RS_MAX_BY)
			return cerr_set(l->e, l->off, "too many 'by' fields (max %d)",
					VIGIL_RS_MAX_BY);
		by[(*n)++] = fi->field;
		if (next(l))
			return -1;
	} while (is_op(l, ","));
	return 0;
}

static int parse_duration(struct lex *l, __u32 *ms)
{
	char *end;
	unsigned long x;
	unsigned long mult;

	if (l->t != T_NUM)
		return cerr_set(l->e, l->off, "expected a duration");
	errno = 0;
	x = strtoul(l->buf, &end, 10);
	if (errno || end == l->buf)
		return cerr_set(l->e, l->off, "invalid duration");
	if (!strcmp(end, "ms"))
		mult = 1;
	else if (!strcmp(end, "s") || !*end)
		mult = 1000;
	else if (!strcmp(end, "m"))
		mult = 60000;
	else if (!strcmp(end, "h"))
		mult = 3600000;
	else if (!strcmp(end, "d"))
		mult = 86400000;
	else
		return cerr_set(l->e, l->off, "invalid duration unit '%s'", end);
	if (!x || x > VIGIL_RS_MAX_MAXSPAN_MS / mult ||
	    x * mult > VIGIL_RS_MAX_MAXSPAN_MS)
		return cerr_set(l->e, l->off,
				"maxspan %s out of range (1ms..%us)", l->buf,
				VIGIL_RS_MAX_MAXSPAN_MS / 1000);
	*ms = (__u32)(x * mult);
	return next(l);
}

static int parse_with(struct lex *l, const char *what, unsigned long *out)
{
	if (next(l))
		return -1;
	if (!is_kw(l, what))
		return cerr_set(l->e, l->off, "expected '%s' after 'with'",
				what);
	if (next(l) || expect_op(l, "="))
		return -1;
	return 0;
}

static int parse_sequence(struct lex *l, struct cquery *q)
{
	__u8 by[VIGIL_RS_MAX_BY];
	__u8 nby = 0;
	unsigned long dummy;
	int i, seq_off = l->off;

	q->sequence = true;
	if (next(l))
		return -1;
	for (i = 0; i < 2; i++) {
		if (is_kw(l, "by") && !nby) {
			if (parse_by(l, by, &nby))
				return -1;
		} else if (is_kw(l, "with") && !q->maxspan_ms) {
			if (parse_with(l, "maxspan", &dummy) ||
			    parse_duration(l, &q->maxspan_ms))
				return -1;
		}
	}
	while (is_op(l, "[")) {
		struct cstep *st;
		int soff = l->off;

		if (q->n_steps == VIGIL_RS_MAX_STEPS)
			return cerr_set(l->e, soff, "too many steps (max %d)",
					VIGIL_RS_MAX_STEPS);
		st = &q->steps[q->n_steps++];
		if (next(l) || parse_event_query(l, st) || expect_op(l, "]"))
			return -1;
		memcpy(st->by, by, nby);
		st->n_by = nby;
		if (is_kw(l, "by") && parse_by(l, st->by, &st->n_by))
			return -1;
		if (is_kw(l, "with")) {
			unsigned long runs;
			char *end;

			if (parse_with(l, "runs", &dummy))
				return -1;
			runs = l->t == T_NUM ? strtoul(l->buf, &end, 10) : 0;
			if (l->t != T_NUM || *end || runs < 1 ||
			    runs > VIGIL_RS_MAX_RUNS)
				return cerr_set(l->e, l->off,
						"runs must be 1..%d",
						VIGIL_RS_MAX_RUNS);
			st->runs = (__u16)runs;
			if (next(l))
				return -1;
		}
		if (st->n_by != q->steps[0].n_by)
			return cerr_set(l->e, soff,
					"steps join on different numbers of fields");
		for (i = 0; i < st->n_by; i++)
			if (field_type(st->by[i]) !=
			    field_type(q->steps[0].by[i]))
				return cerr_set(l->e, soff,
						"join field %d of this step is not of the type of the first step's",
						i + 1);
	}
	if (is_kw(l, "until"))
		return cerr_set(l->e, l->off, "'until' is not supported");
	if (q->n_steps < 1)
		return cerr_set(l->e, l->off, "expected '[' (a sequence step)");
	if (q->n_steps == 1 && q->steps[0].runs >= 2) {
		/* [A] with runs=N is [A] followed by [A] with runs=N-1 */
		q->steps[1] = q->steps[0];
		q->steps[1].expr = node_clone(q->steps[0].expr);
		if (!q->steps[1].expr)
			return cerr_set(l->e, seq_off, "out of memory");
		q->steps[1].runs--;
		q->steps[0].runs = 1;
		q->n_steps = 2;
	}
	if (q->n_steps < 2)
		return cerr_set(l->e, seq_off,
				"a sequence needs at least two steps");
	/* no maxspan: the rule's look-back bounds it (crule_parse()) */
	return 0;
}

/**
 * eql_parse() - parse an EQL query
 * @q: the query text
 * @len: its length
 * @out: filled with the steps (free with cquery_free())
 * @e: error with query offset
 *
 * Return: 0 or -1 with @e set.
 */
int eql_parse(const char *q, size_t len, struct cquery *out, struct cerr *e)
{
	struct lex l = { .s = q, .len = len, .e = e };
	int i;

	memset(out, 0, sizeof(*out));
	if (next(&l))
		goto err;
	if (is_kw(&l, "sequence")) {
		if (parse_sequence(&l, out))
			goto err;
	} else {
		out->n_steps = 1;
		if (parse_event_query(&l, &out->steps[0]))
			goto err;
	}
	if (is_op(&l, "|")) {
		cerr_set(e, l.off, "pipes are not supported");
		goto err;
	}
	if (l.t != T_EOF) {
		cerr_set(e, l.off, "unexpected '%s'", l.buf ? l.buf : "");
		goto err;
	}
	for (i = 0; i < out->n_steps; i++)
		out->steps[i].expr = node_simplify(out->steps[i].expr);
	free(l.buf);
	return 0;
err:
	free(l.buf);
	cquery_free(out);
	return -1;
}
