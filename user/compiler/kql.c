// SPDX-License-Identifier: GPL-2.0
/*
 * KQL (kuery) front end -> expression tree.  Precedence not > and > or;
 * field:(a or b and not c) applies each term to the field on its own, so
 * on an array field every term has any-element semantics independently.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ast.h"
#include "engine.h"

enum ktok {
	K_EOF,
	K_WORD,		/* unquoted; buf holds glob text ('\' escapes kept) */
	K_QUOTED,	/* "...", buf holds the literal */
	K_LP, K_RP, K_COLON, K_LT, K_LE, K_GT, K_GE, K_LBRACE,
};

struct klex {
	const char *s;
	size_t len, pos;
	struct cerr *e;
	int depth;
	enum ktok t;
	int off;
	char *buf;
	size_t blen, bcap;
	bool wild;	/* K_WORD contains an unescaped '*' */
	bool escaped;	/* K_WORD contains an escape */
};

static int put(struct klex *l, char c)
{
	if (tokbuf_put(&l->buf, &l->blen, &l->bcap, c))
		return cerr_set(l->e, l->off, "out of memory");
	return 0;
}

static bool special(char c)
{
	return strchr(" \t\r\n():<>\"{}", c) != NULL;
}

static bool is_keyword_at(const char *s, size_t len)
{
	static const char *const kws[] = { "or", "and", "not" };
	size_t i, n;

	for (i = 0; i < 3; i++) {
		n = strlen(kws[i]);
		if (len >= n && !strncasecmp(s, kws[i], n) &&
		    (len == n || special(s[n])))
			return true;
	}
	return false;
}

/* After whitespace inside an unquoted value: does the value go on? */
static bool more_words(struct klex *l)
{
	size_t j = l->pos;

	while (j < l->len && strchr(" \t\r\n", l->s[j]))
		j++;
	if (j >= l->len || special(l->s[j]))
		return false;
	return !is_keyword_at(l->s + j, l->len - j);
}

static int knext(struct klex *l)
{
	char c;

	l->blen = 0;
	if (l->buf)
		l->buf[0] = 0;
	l->wild = l->escaped = false;
	while (l->pos < l->len && strchr(" \t\r\n", l->s[l->pos]))
		l->pos++;
	l->off = (int)l->pos;
	if (l->pos >= l->len) {
		l->t = K_EOF;
		return 0;
	}
	c = l->s[l->pos];
	switch (c) {
	case '(': l->t = K_LP; l->pos++; return 0;
	case ')': l->t = K_RP; l->pos++; return 0;
	case ':': l->t = K_COLON; l->pos++; return 0;
	case '{': l->t = K_LBRACE; l->pos++; return 0;
	case '}':
		return cerr_set(l->e, l->off, "unexpected '}'");
	case '<':
	case '>':
		l->pos++;
		if (l->pos < l->len && l->s[l->pos] == '=') {
			l->pos++;
			l->t = c == '<' ? K_LE : K_GE;
		} else {
			l->t = c == '<' ? K_LT : K_GT;
		}
		return 0;
	case '"':
		l->t = K_QUOTED;
		l->pos++;
		if (put(l, 0))
			return -1;
		l->blen = 0;
		for (;;) {
			if (l->pos >= l->len)
				return cerr_set(l->e, l->off,
						"unterminated string");
			c = l->s[l->pos++];
			if (c == '"')
				return 0;
			if (c == '\\') {
				if (l->pos >= l->len)
					return cerr_set(l->e, l->off,
							"unterminated string");
				c = l->s[l->pos++];
				if (c == 'n')
					c = '\n';
				else if (c == 't')
					c = '\t';
				else if (c == 'r')
					c = '\r';
			}
			if (put(l, c))
				return -1;
		}
	}
	l->t = K_WORD;
	for (;;) {
		if (l->pos < l->len && strchr(" \t\r\n", l->s[l->pos]) &&
		    !is_keyword_at(l->s + l->off, l->len - l->off) &&
		    more_words(l)) {
			/* an unquoted value runs on across whitespace */
			while (strchr(" \t\r\n", l->s[l->pos]))
				if (put(l, l->s[l->pos++]))
					return -1;
			continue;
		}
		if (l->pos >= l->len || special(l->s[l->pos]))
			break;
		c = l->s[l->pos++];
		if (c == '\\') {
			if (l->pos >= l->len)
				return cerr_set(l->e, l->off,
						"trailing backslash");
			c = l->s[l->pos++];
			l->escaped = true;
			/* keep it escaped in the glob */
			if (c == '*' || c == '?' || c == '\\')
				if (put(l, '\\'))
					return -1;
			if (put(l, c))
				return -1;
			continue;
		}
		if (c == '*')
			l->wild = true;
		if (c == '?')	/* not a KQL wildcard */
			if (put(l, '\\'))
				return -1;
		if (put(l, c))
			return -1;
	}
	return 0;
}

static bool kw(struct klex *l, const char *w)
{
	return l->t == K_WORD && !l->escaped && !strcasecmp(l->buf, w);
}

static struct node *mk(struct klex *l, enum node_type t, int off)
{
	struct node *n = node_new(t, off);

	if (!n)
		cerr_set(l->e, off, "out of memory");
	return n;
}

static struct node *knot(struct klex *l, struct node *k)
{
	struct node *n;

	if (!k)
		return NULL;
	n = mk(l, N_NOT, k->off);
	if (!n || node_add(n, k)) {
		free(n);
		node_free(k);
		return NULL;
	}
	return n;
}

/* glob text -> literal (drop the escapes) */
static size_t unescape(char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		s[o++] = s[i];
	}
	s[o] = 0;
	return o;
}

/*
 * A value of an IP field: an address or a CIDR block, quoted or not,
 * which Elasticsearch's term query on an ip field matches as a range of
 * addresses.  A wildcard is refused, as Elasticsearch refuses it.  ':'
 * ends an unquoted KQL value (Kibana's grammar), so an IPv6 address is
 * quoted or its colons escaped.
 */
static struct node *ip_term(struct klex *l, const struct field_info *fi,
			    bool quoted, int off)
{
	struct node *n;
	int r;

	if (!quoted)
		l->blen = unescape(l->buf, l->blen);
	if (!quoted && l->pos < l->len && l->s[l->pos] == ':') {
		cerr_set(l->e, off,
			 "an IPv6 address in KQL is quoted or its ':' escaped ('%s' stops at ':')",
			 l->buf);
		return NULL;
	}
	n = mk(l, N_MATCH, off);
	if (!n)
		return NULL;
	n->field = fi->field;
	r = (!quoted && l->wild) ? -EINVAL : node_add_cidr(n, l->buf);
	if (r == -ENOMEM)
		cerr_set(l->e, off, "out of memory");
	else if (r)
		cerr_set(l->e, off, "'%s' is not an IP address or CIDR block",
			 l->buf);
	if (r) {
		node_free(n);
		return NULL;
	}
	return n;
}

/* One value term applied to field @fi. */
static struct node *term(struct klex *l, const struct field_info *fi,
			 const char *cval)
{
	struct node *n;
	int off = l->off;
	bool quoted = l->t == K_QUOTED;

	if (l->t == K_COLON && fi && fi->type == VIGIL_FT_IP) {
		cerr_set(l->e, off,
			 "an IPv6 address in KQL is quoted or its ':' escaped");
		return NULL;
	}
	if (l->t != K_WORD && l->t != K_QUOTED) {
		cerr_set(l->e, off, "expected a value");
		return NULL;
	}
	if (!quoted && !l->escaped && !strcmp(l->buf, "*")) {
		if (cval) {
			n = mk(l, N_CONST, off);
			if (n)
				n->val = true;
		} else {
			n = mk(l, N_EXISTS, off);
			if (n)
				n->field = fi->field;
		}
		goto done;
	}
	if (fi && fi->type == VIGIL_FT_NUM && !fi->by_name) {
		char *end;
		unsigned long long x;

		if (!quoted)
			l->blen = unescape(l->buf, l->blen);
		errno = 0;
		x = strtoull(l->buf, &end, 10);
		/* an ECS boolean: true and false, as Elasticsearch takes them */
		if (vigil_field_is_bool(fi->field) &&
		    (!strcmp(l->buf, "true") || !strcmp(l->buf, "false"))) {
			x = l->buf[0] == 't';
			end = l->buf + l->blen;
		}
		if (!l->blen || *end || errno || l->buf[0] == '-' ||
		    (!quoted && l->wild)) {
			cerr_set(l->e, off,
				 "field '%s' is numeric; '%s' is not a number",
				 fi->name, l->buf);
			return NULL;
		}
		n = mk(l, N_NUMCMP, off);
		if (n) {
			n->field = fi->field;
			n->cmp = VIGIL_CMP_EQ;
			n->num = x;
		}
		goto done;
	}
	if (fi && fi->type == VIGIL_FT_IP) {
		n = ip_term(l, fi, quoted, off);
		goto done;
	}
	n = mk(l, N_MATCH, off);
	if (!n)
		return NULL;
	n->field = fi ? fi->field : VIGIL_F_HOST_OS_TYPE;
	if (node_add_pat(n, l->buf ? l->buf : "", l->blen,
			 quoted ? VIGIL_PAT_EXACT : VIGIL_PAT_GLOB, false)) {
		node_free(n);
		cerr_set(l->e, off, "out of memory");
		return NULL;
	}
	if (cval) {
		int hit = pat_eval(&n->pats[0], cval, strlen(cval));

		node_free(n);
		if (hit < 0) {
			cerr_set(l->e, off, "pattern too long");
			return NULL;
		}
		n = mk(l, N_CONST, off);
		if (n)
			n->val = hit;
	} else if (fi->by_name) {
		n = users_resolve(n, l->e);
	}
done:
	if (n && knext(l)) {
		node_free(n);
		return NULL;
	}
	return n;
}

/* value expressions inside field:( ... ) */
static struct node *vor(struct klex *l, const struct field_info *fi,
			const char *cval);

static struct node *vnot(struct klex *l, const struct field_info *fi,
			 const char *cval)
{
	struct node *n;

	if (++l->depth > DEPTH_MAX) {
		cerr_set(l->e, l->off, "query nested too deeply");
		return NULL;
	}
	if (kw(l, "not")) {
		if (knext(l))
			n = NULL;
		else
			n = knot(l, vnot(l, fi, cval));
	} else if (l->t == K_LP) {
		if (knext(l))
			n = NULL;
		else
			n = vor(l, fi, cval);
		if (n && l->t != K_RP) {
			cerr_set(l->e, l->off, "expected ')'");
			node_free(n);
			n = NULL;
		}
		if (n && knext(l)) {
			node_free(n);
			n = NULL;
		}
	} else {
		n = term(l, fi, cval);
	}
	l->depth--;
	return n;
}

typedef struct node *(*sub_fn)(struct klex *l, const struct field_info *fi,
			       const char *cval);

static struct node *binop(struct klex *l, const struct field_info *fi,
			  const char *cval, const char *w, enum node_type t,
			  sub_fn sub)
{
	struct node *n = sub(l, fi, cval), *b, *k;

	if (!n || !kw(l, w))
		return n;
	b = mk(l, t, n->off);
	if (!b || node_add(b, n)) {
		free(b);
		node_free(n);
		return NULL;
	}
	while (kw(l, w)) {
		if (knext(l))
			goto err;
		k = sub(l, fi, cval);
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

static struct node *vand(struct klex *l, const struct field_info *fi,
			 const char *cval)
{
	return binop(l, fi, cval, "and", N_AND, vnot);
}

static struct node *vor(struct klex *l, const struct field_info *fi,
			const char *cval)
{
	return binop(l, fi, cval, "or", N_OR, vand);
}

/* ---- top level ---- */

static struct node *kor(struct klex *l, const struct field_info *fi,
			const char *cval);

static struct node *range(struct klex *l, const struct field_info *fi,
			  int off)
{
	static const __u8 cmp[] = {
		[K_LT] = VIGIL_CMP_LT, [K_LE] = VIGIL_CMP_LE,
		[K_GT] = VIGIL_CMP_GT, [K_GE] = VIGIL_CMP_GE,
	};
	__u8 c = cmp[l->t];
	struct node *n;

	if (fi && fi->type == VIGIL_FT_IP) {
		cerr_set(l->e, off,
			 "range query on IP field '%s' is not supported: use a CIDR block",
			 fi->name);
		return NULL;
	}
	if (!fi || fi->type != VIGIL_FT_NUM || fi->by_name) {
		cerr_set(l->e, off, "range query on non-numeric field");
		return NULL;
	}
	if (knext(l))
		return NULL;
	n = term(l, fi, NULL);
	if (n && n->t == N_NUMCMP)
		n->cmp = c;
	else if (n) {
		cerr_set(l->e, off, "range query needs a number");
		node_free(n);
		n = NULL;
	}
	return n;
}

static struct node *kprimary(struct klex *l, const struct field_info *u1,
			     const char *u2)
{
	const struct field_info *fi;
	const char *cval;
	struct node *n;
	int off = l->off;
	char *name;

	if (++l->depth > DEPTH_MAX) {
		cerr_set(l->e, l->off, "query nested too deeply");
		return NULL;
	}
	if (kw(l, "not")) {
		n = knext(l) ? NULL : knot(l, kprimary(l, NULL, NULL));
		goto out;
	}
	if (l->t == K_LP) {
		n = knext(l) ? NULL : kor(l, NULL, NULL);
		if (n && l->t != K_RP) {
			cerr_set(l->e, l->off, "expected ')'");
			node_free(n);
			n = NULL;
		}
		if (n && knext(l)) {
			node_free(n);
			n = NULL;
		}
		goto out;
	}
	if (l->t != K_WORD) {
		cerr_set(l->e, off, "expected a field");
		n = NULL;
		goto out;
	}
	name = strdup(l->buf);
	if (!name) {
		cerr_set(l->e, off, "out of memory");
		n = NULL;
		goto out;
	}
	if (knext(l)) {
		free(name);
		n = NULL;
		goto out;
	}
	if (l->t != K_COLON && l->t != K_LT && l->t != K_LE &&
	    l->t != K_GT && l->t != K_GE) {
		cerr_set(l->e, off,
			 "free-text search ('%s' without a field) is not supported",
			 name);
		free(name);
		n = NULL;
		goto out;
	}
	if (strchr(name, '*')) {
		cerr_set(l->e, off, "wildcard field names are not supported");
		free(name);
		n = NULL;
		goto out;
	}
	fi = field_resolve(name, off, &cval, l->e);
	free(name);
	if (!fi && !cval) {
		n = NULL;
		goto out;
	}
	if (l->t != K_COLON) {
		n = range(l, fi, off);
		goto out;
	}
	if (knext(l)) {
		n = NULL;
		goto out;
	}
	if (l->t == K_LBRACE) {
		cerr_set(l->e, l->off, "nested field queries are not supported");
		n = NULL;
		goto out;
	}
	n = vnot(l, fi, cval);
out:
	l->depth--;
	return n;
}

static struct node *kand(struct klex *l, const struct field_info *fi,
			 const char *cval)
{
	return binop(l, fi, cval, "and", N_AND, kprimary);
}

static struct node *kor(struct klex *l, const struct field_info *fi,
			const char *cval)
{
	return binop(l, fi, cval, "or", N_OR, kand);
}

/**
 * kql_parse() - parse a KQL query
 * @q: the query text
 * @len: its length
 * @out: the expression (free with node_free())
 * @e: error with query offset
 *
 * Return: 0 or -1 with @e set.
 */
int kql_parse(const char *q, size_t len, struct node **out, struct cerr *e)
{
	struct klex l = { .s = q, .len = len, .e = e };
	struct node *n = NULL;

	*out = NULL;
	if (knext(&l))
		goto err;
	if (l.t == K_EOF) {
		cerr_set(e, 0, "empty query");
		goto err;
	}
	n = kor(&l, NULL, NULL);
	if (!n)
		goto err;
	if (l.t != K_EOF) {
		cerr_set(e, l.off, "unexpected '%.*s'",
			 (int)(l.pos - l.off), q + l.off);
		goto err;
	}
	free(l.buf);
	*out = node_simplify(n);
	return 0;
err:
	node_free(n);
	free(l.buf);
	return -1;
}
