// SPDX-License-Identifier: GPL-2.0
/*
 * Strict JSON reader and JSON string writer.
 *
 * Writing: valid UTF-8 passes through; '"', '\', control bytes and every
 * byte that is not part of a valid UTF-8 sequence are written as escapes
 * (invalid bytes as \u00XX, i.e. read as Latin-1), so the output is always
 * valid JSON.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define JSON_MAX_DEPTH 64

struct jp {
	const char *s;
	size_t len, pos;
	char *err;
	size_t errlen;
	int depth;
};

static struct json *jfail(struct jp *p, const char *msg)
{
	if (p->err && !p->err[0])
		snprintf(p->err, p->errlen, "%s at byte %zu", msg, p->pos);
	return NULL;
}

static void ws(struct jp *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]))
		p->pos++;
}

static struct json *jnew(struct jp *p, enum json_type t)
{
	struct json *j = calloc(1, sizeof(*j));

	if (!j)
		return jfail(p, "out of memory");
	j->type = t;
	return j;
}

void json_free(struct json *j)
{
	size_t i;

	if (!j)
		return;
	for (i = 0; i < j->n; i++) {
		if (j->keys)
			free(j->keys[i]);
		json_free(j->vals[i]);
	}
	free(j->keys);
	free(j->vals);
	free(j->str);
	free(j);
}

static int hex4(struct jp *p, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	if (p->len - p->pos < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p->s[p->pos++];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *jstring(struct jp *p, size_t *olen)
{
	char *out = malloc(p->len - p->pos + 1);
	size_t o = 0;

	if (!out) {
		jfail(p, "out of memory");
		return NULL;
	}
	p->pos++;
	for (;;) {
		unsigned char c;

		if (p->pos >= p->len)
			goto bad;
		c = (unsigned char)p->s[p->pos++];
		if (c == '"')
			break;
		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			out[o++] = (char)c;
			continue;
		}
		if (p->pos >= p->len)
			goto bad;
		c = (unsigned char)p->s[p->pos++];
		switch (c) {
		case '"': case '\\': case '/': out[o++] = (char)c; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': {
			unsigned int cp, lo;

			if (hex4(p, &cp))
				goto bad;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (p->len - p->pos < 6 || p->s[p->pos] != '\\' ||
				    p->s[p->pos + 1] != 'u')
					goto bad;
				p->pos += 2;
				if (hex4(p, &lo) || lo < 0xdc00 || lo > 0xdfff)
					goto bad;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				goto bad;
			}
			/* \u0000 is not representable in our C strings */
			if (!cp)
				goto bad;
			if (cp < 0x80) {
				out[o++] = (char)cp;
			} else if (cp < 0x800) {
				out[o++] = (char)(0xc0 | (cp >> 6));
				out[o++] = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				out[o++] = (char)(0xe0 | (cp >> 12));
				out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				out[o++] = (char)(0x80 | (cp & 0x3f));
			} else {
				out[o++] = (char)(0xf0 | (cp >> 18));
				out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
				out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				out[o++] = (char)(0x80 | (cp & 0x3f));
			}
			break;
		}
		default:
			goto bad;
		}
	}
	out[o] = 0;
	*olen = o;
	return out;
bad:
	free(out);
	jfail(p, "invalid string");
	return NULL;
}

static struct json *jvalue(struct jp *p);

static int jpush(struct json *j, char *key, struct json *v)
{
	struct json **nv = realloc(j->vals, (j->n + 1) * sizeof(*nv));

	if (!nv)
		return -1;
	j->vals = nv;
	if (j->type == JSON_OBJ) {
		char **nk = realloc(j->keys, (j->n + 1) * sizeof(*nk));

		if (!nk)
			return -1;
		j->keys = nk;
		nk[j->n] = key;
	}
	nv[j->n++] = v;
	return 0;
}

static struct json *jcontainer(struct jp *p, bool obj)
{
	struct json *j = jnew(p, obj ? JSON_OBJ : JSON_ARR), *v;
	char close = obj ? '}' : ']';

	if (!j)
		return NULL;
	p->pos++;
	ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return j;
	}
	for (;;) {
		char *key = NULL;
		size_t kl;

		ws(p);
		if (obj) {
			if (p->pos >= p->len || p->s[p->pos] != '"') {
				jfail(p, "expected a key");
				goto err;
			}
			key = jstring(p, &kl);
			if (!key)
				goto err;
			ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(key);
				jfail(p, "expected ':'");
				goto err;
			}
			p->pos++;
		}
		v = jvalue(p);
		if (!v || jpush(j, key, v)) {
			free(key);
			json_free(v);
			jfail(p, "out of memory");
			goto err;
		}
		ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			return j;
		}
		jfail(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
		goto err;
	}
err:
	json_free(j);
	return NULL;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool num_ok(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		if (*++s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return !*s;
}

static struct json *jvalue(struct jp *p)
{
	struct json *j = NULL;
	size_t start;

	ws(p);
	if (p->pos >= p->len)
		return jfail(p, "unexpected end");
	if (++p->depth > JSON_MAX_DEPTH)
		return jfail(p, "nested too deeply");
	switch (p->s[p->pos]) {
	case '{':
	case '[':
		j = jcontainer(p, p->s[p->pos] == '{');
		break;
	case '"':
		j = jnew(p, JSON_STR);
		if (j) {
			j->str = jstring(p, &j->len);
			if (!j->str) {
				free(j);
				j = NULL;
			}
		}
		break;
	case 't':
	case 'f':
	case 'n':
		if (p->len - p->pos >= 4 && !memcmp(p->s + p->pos, "true", 4)) {
			j = jnew(p, JSON_BOOL);
			if (j)
				j->b = true;
			p->pos += 4;
		} else if (p->len - p->pos >= 5 &&
			   !memcmp(p->s + p->pos, "false", 5)) {
			j = jnew(p, JSON_BOOL);
			p->pos += 5;
		} else if (p->len - p->pos >= 4 &&
			   !memcmp(p->s + p->pos, "null", 4)) {
			j = jnew(p, JSON_NULL);
			p->pos += 4;
		} else {
			j = jfail(p, "invalid literal");
		}
		break;
	default:
		start = p->pos;
		if (p->s[p->pos] == '-')
			p->pos++;
		while (p->pos < p->len && strchr("0123456789.eE+-", p->s[p->pos]))
			p->pos++;
		if (p->pos == start || (p->s[start] == '-' && p->pos == start + 1)) {
			j = jfail(p, "unexpected character");
			break;
		}
		j = jnew(p, JSON_NUM);
		if (!j)
			break;
		j->str = strndup(p->s + start, p->pos - start);
		if (!j->str) {
			free(j);
			j = jfail(p, "out of memory");
			break;
		}
		j->len = p->pos - start;
		if (!num_ok(j->str)) {
			json_free(j);
			j = jfail(p, "invalid number");
			break;
		}
		j->num = strtod(j->str, NULL);
	}
	p->depth--;
	return j;
}

/**
 * json_parse() - parse one JSON document
 * @s: text
 * @len: its length
 * @err: buffer for the error message
 * @errlen: its size
 * @at: set to the error offset (may be NULL)
 *
 * Return: the value, or NULL on error.
 */
struct json *json_parse(const char *s, size_t len, char *err, size_t errlen,
			size_t *at)
{
	struct jp p = { .s = s, .len = len, .err = err, .errlen = errlen };
	struct json *j;

	if (err && errlen)
		err[0] = 0;
	j = jvalue(&p);
	if (j) {
		ws(&p);
		if (p.pos != p.len) {
			json_free(j);
			j = jfail(&p, "trailing characters");
		}
	}
	if (!j && at)
		*at = p.pos;
	return j;
}

/**
 * json_get() - member of an object
 * @obj: the object
 * @key: the key
 *
 * Return: the last member named @key, or NULL.
 */
struct json *json_get(const struct json *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != JSON_OBJ)
		return NULL;
	for (i = obj->n; i-- > 0;)
		if (!strcmp(obj->keys[i], key))
			return obj->vals[i];
	return NULL;
}

/* Length of the valid UTF-8 sequence at @s (@n bytes left), or 0. */
size_t json_utf8_len(const unsigned char *s, size_t n)
{
	size_t l, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		l = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		l = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		l = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (l > n)
		return 0;
	for (i = 1; i < l; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((l == 2 && cp < 0x80) || (l == 3 && cp < 0x800) ||
	    (l == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return l;
}

static const char hex[] = "0123456789abcdef";

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Does the word hold a byte < 0x20, >= 0x7f, '"' or '\'? */
static bool word_special(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"'), bs = x ^ (ONES * '\\');

	return (((x - ONES * 0x20) & ~x) | (x + ONES) | x |
		((q - ONES) & ~q) | ((bs - ONES) & ~bs)) & HIGHS;
}

static bool byte_special(unsigned char c)
{
	return c < 0x20 || c >= 0x7f || c == '"' || c == '\\';
}

/* Writes the escape of a byte that is not copied as is; returns the end. */
static char *put_escape(char *o, unsigned char c)
{
	char e = 0;

	switch (c) {
	case '"': e = '"'; break;
	case '\\': e = '\\'; break;
	case '\n': e = 'n'; break;
	case '\r': e = 'r'; break;
	case '\t': e = 't'; break;
	}
	*o++ = '\\';
	if (e) {
		*o++ = e;
		return o;
	}
	*o++ = 'u';
	*o++ = '0';
	*o++ = '0';
	*o++ = hex[c >> 4];
	*o++ = hex[c & 15];
	return o;
}

/**
 * json_buf_str() - append a JSON string literal
 * @b: the buffer
 * @s: bytes (any)
 * @len: their count
 */
void json_buf_str(struct vigil_outbuf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, l;
	char *o;

	/* At most 6 bytes out per byte in, and the quotes. */
	if (len > (SIZE_MAX - 2) / 6) {
		b->oom = true;
		return;
	}
	if (b->cap - b->len < 6 * len + 2 && vigil_outbuf_grow(b, 6 * len + 2))
		return;
	o = b->p + b->len;
	*o++ = '"';
	while (i < len) {
		uint64_t w;
		unsigned char c;

		/* The common case: printable ASCII, eight bytes at a time. */
		if (len - i >= 8) {
			memcpy(&w, u + i, 8);
			if (!word_special(w)) {
				memcpy(o, &w, 8);
				o += 8;
				i += 8;
				continue;
			}
		}
		c = u[i];
		if (!byte_special(c)) {
			*o++ = (char)c;
			i++;
			continue;
		}
		/* control bytes, DEL and invalid UTF-8 are escaped */
		l = c < 0x80 ? 0 : json_utf8_len(u + i, len - i);
		if (!l) {
			o = put_escape(o, c);
			i++;
			continue;
		}
		memcpy(o, u + i, l);
		o += l;
		i += l;
	}
	*o++ = '"';
	b->len = (size_t)(o - b->p);
}

/**
 * json_buf_cstr() - append a NUL-terminated string as a JSON literal
 * @b: the buffer
 * @s: the string (NULL appends null)
 */
void json_buf_cstr(struct vigil_outbuf *b, const char *s)
{
	if (!s)
		vigil_outbuf_put(b, "null", 4);
	else
		json_buf_str(b, s, strlen(s));
}

/**
 * json_buf_key() - start an object member
 * @b: the buffer, inside an object
 * @key: the member's name (no character that needs escaping)
 */
void json_buf_key(struct vigil_outbuf *b, const char *key)
{
	if (b->len && b->p[b->len - 1] != '{')
		vigil_outbuf_putc(b, ',');
	vigil_outbuf_putc(b, '"');
	vigil_outbuf_puts(b, key);
	vigil_outbuf_put(b, "\":", 2);
}

void json_buf_member_u64(struct vigil_outbuf *b, const char *key, uint64_t v)
{
	json_buf_key(b, key);
	vigil_outbuf_u64(b, v);
}

void json_buf_member_bool(struct vigil_outbuf *b, const char *key, bool v)
{
	json_buf_key(b, key);
	vigil_outbuf_puts(b, v ? "true" : "false");
}

void json_buf_member_cstr(struct vigil_outbuf *b, const char *key,
			  const char *s)
{
	json_buf_key(b, key);
	json_buf_cstr(b, s);
}

/**
 * json_put_str() - write a JSON string literal
 * @f: the stream
 * @s: bytes (any)
 * @len: their count
 *
 * Writes null if memory runs out.
 */
void json_put_str(FILE *f, const char *s, size_t len)
{
	struct vigil_outbuf b = {};

	json_buf_str(&b, s, len);
	if (b.oom)
		fputs("null", f);
	else
		vigil_outbuf_fwrite(&b, f);
	vigil_outbuf_free(&b);
}

/**
 * json_put_cstr() - write a NUL-terminated string as a JSON literal
 * @f: the stream
 * @s: the string (NULL prints null)
 */
void json_put_cstr(FILE *f, const char *s)
{
	if (!s)
		fputs("null", f);
	else
		json_put_str(f, s, strlen(s));
}
