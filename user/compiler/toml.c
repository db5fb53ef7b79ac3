// SPDX-License-Identifier: GPL-2.0
/*
 * Strict TOML subset reader for rule files (see toml.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

#define TOML_MAX_DEPTH 32

struct parser {
	const char *s;
	size_t len, pos;
	struct toml_error *err;
	int depth;
};

static void pos_of(const char *s, size_t off, int *line, int *col)
{
	size_t i;
	int l = 1, c = 1;

	for (i = 0; i < off; i++) {
		if (s[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static int fail_at(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	if (p->err->msg[0])
		return -EINVAL;
	pos_of(p->s, off < p->len ? off : p->len, &p->err->line, &p->err->col);
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

#define fail(p, ...) fail_at(p, (p)->pos, __VA_ARGS__)

static int peek(struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static bool starts(struct parser *p, const char *lit)
{
	size_t n = strlen(lit);

	return p->len - p->pos >= n && !memcmp(p->s + p->pos, lit, n);
}

static void skip_ws(struct parser *p)
{
	while (peek(p) == ' ' || peek(p) == '\t')
		p->pos++;
}

static void skip_comment(struct parser *p)
{
	if (peek(p) == '#')
		while (p->pos < p->len && p->s[p->pos] != '\n')
			p->pos++;
}

/* whitespace, newlines and comments (inside arrays) */
static void skip_all(struct parser *p)
{
	for (;;) {
		skip_ws(p);
		skip_comment(p);
		if (peek(p) == '\n' || (peek(p) == '\r' && starts(p, "\r\n")))
			p->pos += peek(p) == '\r' ? 2 : 1;
		else
			return;
	}
}

static int expect_eol(struct parser *p)
{
	skip_ws(p);
	skip_comment(p);
	if (p->pos >= p->len)
		return 0;
	if (peek(p) == '\n') {
		p->pos++;
		return 0;
	}
	if (starts(p, "\r\n")) {
		p->pos += 2;
		return 0;
	}
	return fail(p, "expected end of line");
}

static struct toml_value *new_value(struct parser *p, enum toml_type t)
{
	struct toml_value *v = calloc(1, sizeof(*v));

	if (!v) {
		fail(p, "out of memory");
		return NULL;
	}
	v->type = t;
	pos_of(p->s, p->pos, &v->line, &v->col);
	return v;
}

static void value_free(struct toml_value *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++) {
		if (v->keys)
			free(v->keys[i]);
		value_free(v->vals[i]);
	}
	free(v->keys);
	free(v->vals);
	free(v->str);
	free(v->src_off);
	free(v);
}

static int append(struct parser *p, struct toml_value *t, char *key,
		  struct toml_value *v)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct toml_value **nv = realloc(t->vals, cap * sizeof(*nv));

		if (!nv)
			return fail(p, "out of memory");
		t->vals = nv;
		if (t->type == TOML_TABLE) {
			char **nk = realloc(t->keys, cap * sizeof(*nk));

			if (!nk)
				return fail(p, "out of memory");
			t->keys = nk;
		}
		t->cap = cap;
	}
	if (t->type == TOML_TABLE)
		t->keys[t->n] = key;
	t->vals[t->n++] = v;
	return 0;
}

struct toml_value *toml_get(const struct toml_value *t, const char *key)
{
	size_t i;

	if (!t || t->type != TOML_TABLE)
		return NULL;
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->keys[i], key))
			return t->vals[i];
	return NULL;
}

struct toml_value *toml_get_path(const struct toml_value *t, const char *path)
{
	char buf[128];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		size_t n = dot - path;

		if (n >= sizeof(buf))
			return NULL;
		memcpy(buf, path, n);
		buf[n] = 0;
		t = toml_get(t, buf);
		path = dot + 1;
	}
	return toml_get(t, path);
}

/* ---- strings ---- */

struct sbuf {
	char *s;
	unsigned int *off;
	size_t n, cap;
};

static int sb_put(struct parser *p, struct sbuf *b, char c, size_t src)
{
	if (b->n + 1 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		char *ns = realloc(b->s, cap);
		unsigned int *no;

		if (!ns)
			return fail(p, "out of memory");
		b->s = ns;
		no = realloc(b->off, cap * sizeof(*no));
		if (!no)
			return fail(p, "out of memory");
		b->off = no;
		b->cap = cap;
	}
	b->s[b->n] = c;
	b->off[b->n++] = (unsigned int)src;
	b->s[b->n] = 0;
	return 0;
}

static int put_utf8(struct parser *p, struct sbuf *b, unsigned long cp,
		    size_t src)
{
	char out[4];
	int n, i;

	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return fail_at(p, src, "invalid unicode escape");
	if (cp < 0x80) {
		out[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		out[0] = (char)(0xf0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	for (i = 0; i < n; i++)
		if (sb_put(p, b, out[i], src))
			return -EINVAL;
	return 0;
}

static int parse_escape(struct parser *p, struct sbuf *b)
{
	size_t at = p->pos;
	int c, i, nhex;
	unsigned long cp = 0;

	p->pos++;	/* backslash */
	c = peek(p);
	p->pos++;
	switch (c) {
	case 'b': return sb_put(p, b, '\b', at);
	case 't': return sb_put(p, b, '\t', at);
	case 'n': return sb_put(p, b, '\n', at);
	case 'f': return sb_put(p, b, '\f', at);
	case 'r': return sb_put(p, b, '\r', at);
	case '"': return sb_put(p, b, '"', at);
	case '\\': return sb_put(p, b, '\\', at);
	case 'u':
	case 'U':
		nhex = c == 'u' ? 4 : 8;
		for (i = 0; i < nhex; i++) {
			int h = peek(p);

			if (h >= '0' && h <= '9')
				cp = cp * 16 + (h - '0');
			else if (h >= 'a' && h <= 'f')
				cp = cp * 16 + (h - 'a' + 10);
			else if (h >= 'A' && h <= 'F')
				cp = cp * 16 + (h - 'A' + 10);
			else
				return fail(p, "invalid unicode escape");
			p->pos++;
		}
		return put_utf8(p, b, cp, at);
	default:
		return fail_at(p, at, "invalid escape sequence in string");
	}
}

static int parse_string(struct parser *p, struct toml_value **out)
{
	struct toml_value *v;
	struct sbuf b = { 0 };
	bool literal = peek(p) == '\'';
	bool multi = starts(p, literal ? "'''" : "\"\"\"");
	char q = literal ? '\'' : '"';
	size_t start = p->pos;

	v = new_value(p, TOML_STRING);
	if (!v)
		return -ENOMEM;
	p->pos += multi ? 3 : 1;
	if (multi) {
		/* a newline right after the opening delimiter is trimmed */
		if (starts(p, "\r\n"))
			p->pos += 2;
		else if (peek(p) == '\n')
			p->pos++;
	}
	for (;;) {
		int c = peek(p);

		if (c < 0) {
			fail_at(p, start, "unterminated string");
			goto err;
		}
		if (c == q) {
			if (!multi) {
				p->pos++;
				break;
			}
			if (starts(p, literal ? "'''" : "\"\"\"")) {
				/* up to two quotes may precede the closing delimiter */
				int extra = 0;

				while (extra < 2 && p->pos + 3 + extra < p->len &&
				       p->s[p->pos + 3 + extra] == q)
					extra++;
				while (extra--) {
					if (sb_put(p, &b, q, p->pos))
						goto err;
					p->pos++;
				}
				p->pos += 3;
				break;
			}
		}
		if (c == '\n' && !multi) {
			fail(p, "newline in single-line string");
			goto err;
		}
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
			fail(p, "control character in string");
			goto err;
		}
		if (c == '\\' && !literal) {
			if (multi) {
				/* line-ending backslash trims whitespace */
				size_t q2 = p->pos + 1;

				while (q2 < p->len && (p->s[q2] == ' ' || p->s[q2] == '\t'))
					q2++;
				if (q2 < p->len && (p->s[q2] == '\n' || p->s[q2] == '\r')) {
					p->pos = q2;
					while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]))
						p->pos++;
					continue;
				}
			}
			if (parse_escape(p, &b))
				goto err;
			continue;
		}
		if (sb_put(p, &b, (char)c, p->pos))
			goto err;
		p->pos++;
	}
	if (!b.s) {
		b.s = calloc(1, 1);
		if (!b.s) {
			fail(p, "out of memory");
			goto err;
		}
	}
	v->str = b.s;
	v->src_off = b.off;
	v->len = b.n;
	*out = v;
	return 0;
err:
	free(b.s);
	free(b.off);
	value_free(v);
	return -EINVAL;
}

/* ---- keys ---- */

static bool bare_key_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* One key component. */
static int parse_key_part(struct parser *p, char **out)
{
	size_t start = p->pos;

	if (peek(p) == '"' || peek(p) == '\'') {
		struct toml_value *s;

		if (starts(p, "\"\"\"") || starts(p, "'''"))
			return fail(p, "multi-line string used as key");
		if (parse_string(p, &s))
			return -EINVAL;
		if (memchr(s->str, 0, s->len)) {
			value_free(s);
			return fail_at(p, start, "NUL in key");
		}
		*out = s->str;
		s->str = NULL;
		value_free(s);
		return 0;
	}
	while (bare_key_char(peek(p)))
		p->pos++;
	if (p->pos == start)
		return fail(p, "expected a key");
	*out = strndup(p->s + start, p->pos - start);
	if (!*out)
		return fail(p, "out of memory");
	return 0;
}

#define MAX_KEY_PARTS 16

struct key {
	char *part[MAX_KEY_PARTS];
	int n;
	size_t at;
};

static void key_free(struct key *k)
{
	while (k->n)
		free(k->part[--k->n]);
}

static int parse_key(struct parser *p, struct key *k)
{
	k->n = 0;
	k->at = p->pos;
	for (;;) {
		skip_ws(p);
		if (k->n == MAX_KEY_PARTS)
			return fail(p, "key has too many parts");
		if (parse_key_part(p, &k->part[k->n]))
			return -EINVAL;
		k->n++;
		skip_ws(p);
		if (peek(p) != '.')
			return 0;
		p->pos++;
	}
}

/* Walks/creates the intermediate tables of a dotted key. */
static struct toml_value *descend(struct parser *p, struct toml_value *t,
				  const char *name, bool for_header, size_t at)
{
	struct toml_value *v = toml_get(t, name);
	char *dup;

	if (v) {
		if (v->type == TOML_ARRAY && v->aot && v->n)
			return v->vals[v->n - 1];
		if (v->type != TOML_TABLE || v->frozen) {
			fail_at(p, at, "key '%s' is already defined", name);
			return NULL;
		}
		return v;
	}
	v = new_value(p, TOML_TABLE);
	if (!v)
		return NULL;
	pos_of(p->s, at, &v->line, &v->col);
	(void)for_header;
	dup = strdup(name);
	if (!dup || append(p, t, dup, v)) {
		free(dup);
		value_free(v);
		fail(p, "out of memory");
		return NULL;
	}
	return v;
}

static int parse_value(struct parser *p, struct toml_value **out);

static int parse_number_or_bool(struct parser *p, struct toml_value **out)
{
	size_t start = p->pos;
	struct toml_value *v;
	char buf[64];
	size_t n = 0;
	char *end;
	long long x;

	if (starts(p, "true") || starts(p, "false")) {
		bool t = starts(p, "true");

		v = new_value(p, TOML_BOOL);
		if (!v)
			return -ENOMEM;
		v->b = t;
		p->pos += t ? 4 : 5;
		if (bare_key_char(peek(p))) {
			value_free(v);
			return fail_at(p, start, "invalid value");
		}
		*out = v;
		return 0;
	}
	while (p->pos < p->len && (bare_key_char(peek(p)) || peek(p) == '+' ||
				   peek(p) == '.' || peek(p) == ':')) {
		if (peek(p) != '_') {
			if (n + 1 >= sizeof(buf))
				return fail_at(p, start, "invalid value");
			buf[n++] = p->s[p->pos];
		}
		p->pos++;
	}
	buf[n] = 0;
	if (!n)
		return fail_at(p, start, "expected a value");
	if (strpbrk(buf, ".eE:") && !strpbrk(buf, "xob"))
		return fail_at(p, start, "floats and dates are not supported");
	errno = 0;
	if (!strncmp(buf, "0x", 2))
		x = strtoll(buf + 2, &end, 16);
	else if (!strncmp(buf, "0o", 2))
		x = strtoll(buf + 2, &end, 8);
	else if (!strncmp(buf, "0b", 2))
		x = strtoll(buf + 2, &end, 2);
	else
		x = strtoll(buf, &end, 10);
	if (*end || errno)
		return fail_at(p, start, "invalid value '%s'", buf);
	if (buf[0] == '0' && buf[1] >= '0' && buf[1] <= '9')
		return fail_at(p, start, "leading zero in integer");
	v = new_value(p, TOML_INT);
	if (!v)
		return -ENOMEM;
	pos_of(p->s, start, &v->line, &v->col);
	v->i = x;
	*out = v;
	return 0;
}

static int parse_array(struct parser *p, struct toml_value **out)
{
	struct toml_value *a = new_value(p, TOML_ARRAY), *v;

	if (!a)
		return -ENOMEM;
	a->frozen = true;
	p->pos++;
	for (;;) {
		skip_all(p);
		if (peek(p) == ']') {
			p->pos++;
			break;
		}
		if (parse_value(p, &v))
			goto err;
		if (append(p, a, NULL, v)) {
			value_free(v);
			goto err;
		}
		skip_all(p);
		if (peek(p) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p) == ']') {
			p->pos++;
			break;
		}
		fail(p, "expected ',' or ']' in array");
		goto err;
	}
	*out = a;
	return 0;
err:
	value_free(a);
	return -EINVAL;
}

static int set_keyval(struct parser *p, struct toml_value *t, struct key *k,
		      struct toml_value *v);

static int parse_inline_table(struct parser *p, struct toml_value **out)
{
	struct toml_value *t = new_value(p, TOML_TABLE), *v;
	struct key k = { 0 };

	if (!t)
		return -ENOMEM;
	p->pos++;
	skip_ws(p);
	if (peek(p) == '}') {
		p->pos++;
		goto done;
	}
	for (;;) {
		if (parse_key(p, &k))
			goto err;
		if (peek(p) != '=') {
			fail(p, "expected '=' after key");
			goto err;
		}
		p->pos++;
		skip_ws(p);
		if (parse_value(p, &v))
			goto err;
		if (set_keyval(p, t, &k, v)) {
			value_free(v);
			goto err;
		}
		key_free(&k);
		skip_ws(p);
		if (peek(p) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p) == '}') {
			p->pos++;
			break;
		}
		fail(p, "expected ',' or '}' in inline table");
		goto err;
	}
done:
	t->frozen = true;
	t->defined = true;
	*out = t;
	return 0;
err:
	key_free(&k);
	value_free(t);
	return -EINVAL;
}

static int parse_value(struct parser *p, struct toml_value **out)
{
	int c = peek(p), ret;

	if (++p->depth > TOML_MAX_DEPTH) {
		p->depth--;
		return fail(p, "values nested too deeply");
	}
	if (c == '"' || c == '\'')
		ret = parse_string(p, out);
	else if (c == '[')
		ret = parse_array(p, out);
	else if (c == '{')
		ret = parse_inline_table(p, out);
	else
		ret = parse_number_or_bool(p, out);
	p->depth--;
	return ret;
}

static int set_keyval(struct parser *p, struct toml_value *t, struct key *k,
		      struct toml_value *v)
{
	int i;
	char *name;

	for (i = 0; i < k->n - 1; i++) {
		t = descend(p, t, k->part[i], false, k->at);
		if (!t)
			return -EINVAL;
		if (t->defined && t->frozen)
			return fail_at(p, k->at, "cannot extend inline table");
	}
	if (toml_get(t, k->part[k->n - 1]))
		return fail_at(p, k->at, "duplicate key '%s'",
			       k->part[k->n - 1]);
	name = k->part[k->n - 1];
	if (append(p, t, name, v))
		return -EINVAL;
	k->n--;		/* name is owned by the table now */
	return 0;
}

static int parse_header(struct parser *p, struct toml_value *root,
			struct toml_value **cur)
{
	bool aot = starts(p, "[[");
	struct key k = { 0 };
	struct toml_value *t = root, *v;
	int i;

	p->pos += aot ? 2 : 1;
	if (parse_key(p, &k))
		goto err;
	if (aot ? !starts(p, "]]") : peek(p) != ']') {
		fail(p, aot ? "expected ']]'" : "expected ']'");
		goto err;
	}
	p->pos += aot ? 2 : 1;
	for (i = 0; i < k.n - 1; i++) {
		t = descend(p, t, k.part[i], true, k.at);
		if (!t)
			goto err;
	}
	v = toml_get(t, k.part[k.n - 1]);
	if (aot) {
		struct toml_value *nt;

		if (!v) {
			v = new_value(p, TOML_ARRAY);
			if (!v)
				goto err;
			v->aot = true;
			if (append(p, t, k.part[k.n - 1], v)) {
				value_free(v);
				goto err;
			}
			k.n--;
		} else if (v->type != TOML_ARRAY || !v->aot) {
			fail_at(p, k.at, "key '%s' is not an array of tables",
				k.part[k.n - 1]);
			goto err;
		}
		nt = new_value(p, TOML_TABLE);
		if (!nt)
			goto err;
		pos_of(p->s, k.at, &nt->line, &nt->col);
		nt->defined = true;
		if (append(p, v, NULL, nt)) {
			value_free(nt);
			goto err;
		}
		*cur = nt;
	} else {
		if (v) {
			if (v->type != TOML_TABLE || v->defined || v->frozen) {
				fail_at(p, k.at, "table '%s' is already defined",
					k.part[k.n - 1]);
				goto err;
			}
		} else {
			v = descend(p, t, k.part[k.n - 1], true, k.at);
			if (!v)
				goto err;
		}
		v->defined = true;
		*cur = v;
	}
	key_free(&k);
	return expect_eol(p);
err:
	key_free(&k);
	return -EINVAL;
}

/**
 * toml_parse() - parse a TOML document
 * @doc: filled on success; free with toml_free()
 * @buf: the text (need not be NUL-terminated)
 * @len: its length
 * @err: filled on failure with line, col and message
 *
 * Return: 0, or -EINVAL/-ENOMEM with @err set.
 */
int toml_parse(struct toml_doc *doc, const char *buf, size_t len,
	       struct toml_error *err)
{
	struct parser p = { .err = err };
	struct toml_value *cur, *v;
	struct key k = { 0 };

	memset(doc, 0, sizeof(*doc));
	memset(err, 0, sizeof(*err));
	doc->src = malloc(len + 1);
	if (!doc->src) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -ENOMEM;
	}
	memcpy(doc->src, buf, len);
	doc->src[len] = 0;
	doc->src_len = len;
	p.s = doc->src;
	p.len = len;
	if (memchr(buf, 0, len)) {
		fail_at(&p, (const char *)memchr(buf, 0, len) - buf,
			"NUL byte in file");
		goto err;
	}
	doc->root = new_value(&p, TOML_TABLE);
	if (!doc->root)
		goto err;
	doc->root->defined = true;
	cur = doc->root;
	while (p.pos < p.len) {
		skip_all(&p);
		if (p.pos >= p.len)
			break;
		if (peek(&p) == '[') {
			if (parse_header(&p, doc->root, &cur))
				goto err;
			continue;
		}
		if (parse_key(&p, &k))
			goto err;
		if (peek(&p) != '=') {
			fail(&p, "expected '=' after key");
			goto err;
		}
		p.pos++;
		skip_ws(&p);
		if (parse_value(&p, &v))
			goto err;
		if (set_keyval(&p, cur, &k, v)) {
			value_free(v);
			goto err;
		}
		key_free(&k);
		if (expect_eol(&p))
			goto err;
	}
	return 0;
err:
	key_free(&k);
	toml_free(doc);
	return -EINVAL;
}

/**
 * toml_free() - free a parsed document
 * @doc: the document
 */
void toml_free(struct toml_doc *doc)
{
	value_free(doc->root);
	free(doc->src);
	memset(doc, 0, sizeof(*doc));
}

/**
 * toml_str_pos() - source position of a byte of a string value
 * @doc: the document
 * @s: a TOML_STRING value of @doc
 * @off: byte offset in the decoded string
 * @line: set to the 1-based line
 * @col: set to the 1-based column
 */
void toml_str_pos(const struct toml_doc *doc, const struct toml_value *s,
		  size_t off, int *line, int *col)
{
	if (!s->len || !s->src_off) {
		*line = s->line;
		*col = s->col;
		return;
	}
	if (off >= s->len)
		off = s->len - 1;
	pos_of(doc->src, s->src_off[off], line, col);
}
