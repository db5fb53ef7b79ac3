// SPDX-License-Identifier: GPL-2.0
/*
 * Sigma search identifiers -> expression trees: maps (AND) and lists of
 * maps (OR), the field map from Sigma's names to vigil's ECS fields, the
 * value modifiers, wildcards and Sigma's backslash escapes.
 * Documentation/rule-language.rst, "Sigma rules", is the reference.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compiler.h"
#include "rule.h"
#include "sigma_int.h"

/* Sigma field -> ECS field, per log source category. */
static const struct {
	const char *sigma, *ecs;
	unsigned int cats;
} field_map[] = {
	{ "Image", "process.executable", SG_PROC | SG_FILE },
	{ "CommandLine", "process.command_line", SG_PROC },
	{ "ParentImage", "process.parent.executable", SG_PROC },
	{ "ParentCommandLine", "process.parent.command_line", SG_PROC },
	{ "CurrentDirectory", "process.working_directory", SG_PROC },
	{ "ProcessId", "process.pid", SG_PROC | SG_FILE },
	{ "ParentProcessId", "process.parent.pid", SG_PROC },
	{ "TargetFilename", "file.path", SG_FILE },
};

/* Sigma fields vigil's events cannot fill, and why. */
static const struct {
	const char *sigma, *why;
} unfillable[] = {
	{ "User", "vigil events carry user.id, not user names" },
	{ "ParentUser", "vigil events carry user ids, not user names" },
	{ "LogonId", "Linux has no logon sessions in exec events" },
	{ "OriginalFileName", "a PE version resource; ELF files have none" },
	{ "Hashes", "vigil does not hash executables" },
	{ "IntegrityLevel", "a Windows concept" },
};

enum {
	MOD_CONTAINS = 1U << 0,
	MOD_STARTSWITH = 1U << 1,
	MOD_ENDSWITH = 1U << 2,
	MOD_ALL = 1U << 3,
	MOD_RE = 1U << 4,
	MOD_RE_I = 1U << 5,
	MOD_RE_M = 1U << 6,
	MOD_RE_S = 1U << 7,
	MOD_WINDASH = 1U << 8,
	MOD_EXISTS = 1U << 9,
	MOD_BASE64 = 1U << 10,
	MOD_BASE64OFFSET = 1U << 11,
	MOD_CASED = 1U << 12,
	MOD_LT = 1U << 13,
	MOD_LTE = 1U << 14,
	MOD_GT = 1U << 15,
	MOD_GTE = 1U << 16,
};

#define MOD_POS (MOD_CONTAINS | MOD_STARTSWITH | MOD_ENDSWITH)
#define MOD_NUM (MOD_LT | MOD_LTE | MOD_GT | MOD_GTE)
#define MOD_B64 (MOD_BASE64 | MOD_BASE64OFFSET)

static const struct {
	const char *name;
	unsigned int bit;
	const char *why;	/* non-NULL: rejected */
} modifiers[] = {
	{ "contains", MOD_CONTAINS, NULL },
	{ "startswith", MOD_STARTSWITH, NULL },
	{ "endswith", MOD_ENDSWITH, NULL },
	{ "all", MOD_ALL, NULL },
	{ "re", MOD_RE, NULL },
	{ "i", MOD_RE_I, NULL },
	{ "m", MOD_RE_M, NULL },
	{ "s", MOD_RE_S, NULL },
	{ "windash", MOD_WINDASH, NULL },
	{ "exists", MOD_EXISTS, NULL },
	{ "base64", MOD_BASE64, NULL },
	{ "base64offset", MOD_BASE64OFFSET, NULL },
	{ "cased", MOD_CASED, NULL },
	{ "lt", MOD_LT, NULL },
	{ "lte", MOD_LTE, NULL },
	{ "gt", MOD_GT, NULL },
	{ "gte", MOD_GTE, NULL },
	{ "cidr", 0, "no field of the process_creation and file_event log sources is an IP address" },
	{ "fieldref", 0, "the engine cannot compare two fields of one event" },
	{ "expand", 0, "placeholders need a processing pipeline vigil does not have" },
	{ "utf16le", 0, "UTF-16 text does not occur in Linux command lines and paths" },
	{ "utf16be", 0, "UTF-16 text does not occur in Linux command lines and paths" },
	{ "utf16", 0, "UTF-16 text does not occur in Linux command lines and paths" },
	{ "wide", 0, "UTF-16 text does not occur in Linux command lines and paths" },
};

/* A Sigma string after escapes: bytes 0..255 and the two wildcards. */
#define TOK_STAR	(-1)
#define TOK_ONE		(-2)

struct toks {
	int *t;
	size_t n;
};

#define WINDASH_MAX	4	/* dashes per value: 5^4 variants */

static const char *const dashes[] = {
	"-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95",
};

struct field {
	const struct field_info *fi;
	const char *sigma;
	unsigned int mods;
	int key;		/* YAML node of the key */
};

static struct node *mk(struct sg *s, enum node_type t, int off)
{
	struct node *n = node_new(t, off);

	if (!n)
		sg_fail(s, 0, "out of memory");
	return n;
}

static int add_kid(struct sg *s, struct node *n, struct node *k)
{
	if (!k)
		return -EINVAL;
	if (node_add(n, k)) {
		node_free(k);
		return sg_fail(s, 0, "out of memory");
	}
	return 0;
}

/*
 * Sigma's escapes: '\' before '*', '?' or '\' makes that byte plain;
 * any other '\' is a plain backslash.  Unescaped '*' and '?' are
 * wildcards.
 */
static int tokenize(const char *v, size_t len, struct toks *o)
{
	size_t i;

	o->n = 0;
	o->t = malloc((len + 1) * sizeof(*o->t));
	if (!o->t)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '\\' && i + 1 < len && strchr("*?\\", v[i + 1]))
			o->t[o->n++] = (unsigned char)v[++i];
		else if (c == '*')
			o->t[o->n++] = TOK_STAR;
		else if (c == '?')
			o->t[o->n++] = TOK_ONE;
		else
			o->t[o->n++] = c;
	}
	return 0;
}

static bool word(int t)
{
	return (t >= 'a' && t <= 'z') || (t >= 'A' && t <= 'Z') ||
	       (t >= '0' && t <= '9') || t == '_';
}

/* Appends glob text for @t (with @lead and @trail stars) to @b. */
static int glob_text(const struct toks *t, bool lead, bool trail, char **b,
		     size_t *bl, size_t *bc)
{
	size_t i;
	int r = 0;

	*bl = 0;
	if (lead)
		r |= tokbuf_put(b, bl, bc, '*');
	for (i = 0; i < t->n; i++) {
		int c = t->t[i];

		if (c == TOK_STAR) {
			r |= tokbuf_put(b, bl, bc, '*');
		} else if (c == TOK_ONE) {
			r |= tokbuf_put(b, bl, bc, '?');
		} else {
			if (c == '*' || c == '?' || c == '\\')
				r |= tokbuf_put(b, bl, bc, '\\');
			r |= tokbuf_put(b, bl, bc, (char)c);
		}
	}
	if (trail)
		r |= tokbuf_put(b, bl, bc, '*');
	return r ? -ENOMEM : 0;
}

/* Adds the pattern(s) of tokens @t to MATCH node @m. */
static int add_toks(struct sg *s, struct node *m, const struct toks *t,
		    unsigned int mods, bool nocase)
{
	char *b = NULL;
	size_t bl, bc = 0;
	int r;

#ifdef VIGIL_SIGMA_MUTANT_ENDSWITH
	/* test-only mutation: endswith behaves as contains */
	if (mods & MOD_ENDSWITH)
		mods |= MOD_CONTAINS;
#endif
	r = glob_text(t, mods & (MOD_CONTAINS | MOD_ENDSWITH),
		      mods & (MOD_CONTAINS | MOD_STARTSWITH), &b, &bl, &bc);
	if (!r)
		r = node_add_pat(m, b ? b : "", bl, VIGIL_PAT_GLOB, nocase) ?
		    -ENOMEM : 0;
	free(b);
	return r ? sg_fail(s, 0, "out of memory") : 0;
}

/* windash: every '-' or '/' that starts a word, as each of dashes[]. */
static int windash(struct sg *s, struct node *m, int vnode,
		   const struct toks *t, unsigned int mods, bool nocase)
{
	size_t pos[WINDASH_MAX], np = 0, i, k, combos = 1;
	struct toks v = { 0 };
	int r = 0;

	for (i = 0; i < t->n; i++) {
		if ((t->t[i] != '-' && t->t[i] != '/') ||
		    (i && word(t->t[i - 1])) || i + 1 >= t->n ||
		    !word(t->t[i + 1]))
			continue;
		if (np == WINDASH_MAX)
			return sg_fail(s, vnode, "windash: more than %d dashes in one value",
				       WINDASH_MAX);
		pos[np++] = i;
		combos *= 5;
	}
	v.t = malloc((t->n + 2 * np + 1) * sizeof(*v.t));
	if (!v.t)
		return sg_fail(s, 0, "out of memory");
	for (k = 0; k < combos && !r; k++) {
		size_t c = k, p = 0;

		v.n = 0;
		for (i = 0; i < t->n; i++) {
			const char *d;

			if (p < np && pos[p] == i) {
				for (d = dashes[c % 5]; *d; d++)
					v.t[v.n++] = (unsigned char)*d;
				c /= 5;
				p++;
				continue;
			}
			v.t[v.n++] = t->t[i];
		}
		r = add_toks(s, m, &v, mods, nocase);
	}
	free(v.t);
	return r;
}

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 of @n bytes at @in into tokens @o. */
static void b64(const unsigned char *in, size_t n, struct toks *o)
{
	size_t i;

	o->n = 0;
	for (i = 0; i < n; i += 3) {
		unsigned int x = in[i] << 16;

		x |= i + 1 < n ? in[i + 1] << 8 : 0;
		x |= i + 2 < n ? in[i + 2] : 0;
		o->t[o->n++] = b64chars[(x >> 18) & 63];
		o->t[o->n++] = b64chars[(x >> 12) & 63];
		o->t[o->n++] = i + 1 < n ? b64chars[(x >> 6) & 63] : '=';
		o->t[o->n++] = i + 2 < n ? b64chars[x & 63] : '=';
	}
}

/*
 * base64: the encoding of the value; base64offset: the three encodings
 * of the value shifted by 0, 1 and 2 bytes, trimmed to the characters
 * that do not depend on the bytes around it.  Matched case-sensitively.
 */
static int base64(struct sg *s, struct node *m, int vnode,
		  const struct toks *t, unsigned int mods)
{
	static const size_t start[3] = { 0, 2, 3 }, end[3] = { 0, 3, 2 };
	unsigned char *raw = malloc(t->n + 3);
	struct toks e = { 0 }, cut;
	size_t i, k;
	int r = 0;

	e.t = malloc(((t->n + 5) / 3 * 4 + 4) * sizeof(*e.t));
	if (!raw || !e.t) {
		free(raw);
		free(e.t);
		return sg_fail(s, 0, "out of memory");
	}
	for (i = 0; i < t->n; i++) {
		if (t->t[i] < 0) {
			r = sg_fail(s, vnode, "base64 of a value with wildcards is not defined");
			goto out;
		}
	}
	for (k = 0; k < ((mods & MOD_BASE64OFFSET) ? 3 : 1) && !r; k++) {
		memset(raw, ' ', k);
		for (i = 0; i < t->n; i++)
			raw[k + i] = (unsigned char)t->t[i];
		b64(raw, t->n + k, &e);
		cut = e;
		if (mods & MOD_BASE64OFFSET) {
			size_t ec = end[(t->n + k) % 3];

			if (start[k] + ec >= e.n)
				continue;
			cut.t = e.t + start[k];
			cut.n = e.n - start[k] - ec;
		}
		r = add_toks(s, m, &cut, mods, false);
	}
out:
	free(raw);
	free(e.t);
	return r;
}

/*
 * Sigma's re (PCRE-like, matches anywhere) -> vigil's regex (whole
 * value): '(?:' becomes '(', '.' becomes '[^\n]' unless re|s, the
 * expression is wrapped as '.*(' re ').*' unless anchored.
 */
static int re_translate(struct sg *s, int vnode, const char *in, size_t n,
			unsigned int mods, char **out, size_t *olen)
{
	bool a_start = false, a_end = false, alt = false;
	size_t i = 0, end = n, cap = 0, bs;
	const char *dot = (mods & MOD_RE_S) ? "." : "[^\\n]";
	int depth = 0, r = 0;
	char *b = NULL;

	*olen = 0;
	if (n && in[0] == '^') {
		a_start = true;
		i = 1;
	}
	if (end > i && in[end - 1] == '$') {
		for (bs = 0; end - 1 - bs > i && in[end - 2 - bs] == '\\'; bs++)
			;
		if (!(bs & 1)) {
			a_end = true;
			end--;
		}
	}
	if (!a_start)
		r |= tokbuf_put(&b, olen, &cap, '.') |
		     tokbuf_put(&b, olen, &cap, '*');
	r |= tokbuf_put(&b, olen, &cap, '(');
	while (i < end && !r) {
		char c = in[i];

		if (c == '\\') {
			if (i + 1 >= end)
				goto bad_esc;
			c = in[i + 1];
			if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9')) && !strchr("dDwWsSntr", c)) {
				free(b);
				return sg_fail(s, vnode, "regex escape '\\%c' is not supported",
					       c);
			}
			r |= tokbuf_put(&b, olen, &cap, '\\') |
			     tokbuf_put(&b, olen, &cap, c);
			i += 2;
			continue;
		}
		if (c == '[') {
			/* copy a bracket expression as it is */
			r |= tokbuf_put(&b, olen, &cap, c);
			i++;
			if (i < end && in[i] == '^')
				r |= tokbuf_put(&b, olen, &cap, in[i++]);
			if (i < end && in[i] == ']')
				r |= tokbuf_put(&b, olen, &cap, in[i++]);
			while (i < end && in[i] != ']') {
				if (in[i] == '\\' && i + 1 < end) {
					c = in[i + 1];
					if (((c >= 'a' && c <= 'z') ||
					     (c >= 'A' && c <= 'Z') ||
					     (c >= '0' && c <= '9')) &&
					    !strchr("dDwWsSntr", c)) {
						free(b);
						return sg_fail(s, vnode, "regex escape '\\%c' is not supported",
							       c);
					}
					r |= tokbuf_put(&b, olen, &cap, in[i++]);
				}
				r |= tokbuf_put(&b, olen, &cap, in[i++]);
			}
			continue;
		}
		if (c == '(' && i + 1 < end && in[i + 1] == '?') {
			if (i + 2 >= end || in[i + 2] != ':') {
				free(b);
				return sg_fail(s, vnode, "regex groups '(?...)' other than '(?:...)' are not supported");
			}
			i += 2;
		}
		if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
		else if (c == '|' && !depth)
			alt = true;
		if (c == '^' || c == '$') {
			free(b);
			return sg_fail(s, vnode, "regex anchor '%c' inside the expression is not supported",
				       c);
		}
		if (c == '.') {
			const char *d;

			for (d = dot; *d; d++)
				r |= tokbuf_put(&b, olen, &cap, *d);
		} else {
			r |= tokbuf_put(&b, olen, &cap, c);
		}
		i++;
	}
	r |= tokbuf_put(&b, olen, &cap, ')');
	if (!a_end)
		r |= tokbuf_put(&b, olen, &cap, '.') |
		     tokbuf_put(&b, olen, &cap, '*');
	if (r) {
		free(b);
		return sg_fail(s, 0, "out of memory");
	}
	if ((a_start || a_end) && alt) {
		free(b);
		return sg_fail(s, vnode, "regex with '^' or '$' and a top-level '|' is not supported");
	}
	if ((a_start || a_end) && (mods & MOD_RE_M)) {
		free(b);
		return sg_fail(s, vnode, "re|m with '^' or '$' (line anchors) is not supported: the engine anchors at the whole value");
	}
	*out = b;
	return 0;
bad_esc:
	free(b);
	return sg_fail(s, vnode, "regex ends in a backslash");
}

static int regex_pat(struct sg *s, struct node *m, int vnode, const char *v,
		     size_t len, unsigned int mods)
{
	struct cerr ce = { .off = -1 };
	void *dfa = NULL;
	size_t dlen, olen;
	char *re = NULL;
	int r;

	if (re_translate(s, vnode, v, len, mods, &re, &olen))
		return -EINVAL;
	/* compile once here, so that errors point at the value */
	r = regex_compile(re, olen, !!(mods & MOD_RE_I), &dfa, &dlen, &ce, 0);
	free(dfa);
	if (r) {
		free(re);
		return sg_fail(s, vnode, "regex: %s", ce.msg);
	}
	r = node_add_pat(m, re, olen, VIGIL_PAT_REGEX, !!(mods & MOD_RE_I));
	free(re);
	return r ? sg_fail(s, 0, "out of memory") : 0;
}

/* One string value (not null) -> patterns added to MATCH node @m. */
static int str_value(struct sg *s, struct node *m, int vnode,
		     unsigned int mods)
{
	yaml_node_t *v = sg_node(s, vnode);
	const char *str = (const char *)v->data.scalar.value;
	size_t len = v->data.scalar.length;
	struct toks t = { 0 };
	int r;

	if (memchr(str, 0, len))
		return sg_fail(s, vnode, "NUL byte in a value");
	if (mods & MOD_RE)
		return regex_pat(s, m, vnode, str, len, mods);
	if (tokenize(str, len, &t))
		return sg_fail(s, 0, "out of memory");
	if (mods & MOD_B64)
		r = base64(s, m, vnode, &t, mods);
	else if (mods & MOD_WINDASH)
		r = windash(s, m, vnode, &t, mods, !(mods & MOD_CASED));
	else
		r = add_toks(s, m, &t, mods, !(mods & MOD_CASED));
	free(t.t);
	return r;
}

static struct node *num_value(struct sg *s, const struct field *f, int vnode)
{
	const char *v = (const char *)sg_node(s, vnode)->data.scalar.value;
	unsigned long long x;
	struct node *n;
	char *end;

	errno = 0;
	x = strtoull(v, &end, 10);
	if (!*v || *end || errno || *v == '-' || *v == '+' || *v == ' ') {
		sg_fail(s, vnode, "field '%s' is numeric; '%s' is not a number",
			f->sigma, v);
		return NULL;
	}
	n = mk(s, N_NUMCMP, vnode);
	if (!n)
		return NULL;
	n->field = f->fi->field;
	n->num = x;
	n->cmp = (f->mods & MOD_LT) ? VIGIL_CMP_LT :
		 (f->mods & MOD_LTE) ? VIGIL_CMP_LE :
		 (f->mods & MOD_GT) ? VIGIL_CMP_GT :
		 (f->mods & MOD_GTE) ? VIGIL_CMP_GE : VIGIL_CMP_EQ;
	return n;
}

static struct node *not_exists(struct sg *s, const struct field *f, int vnode)
{
	struct node *e = mk(s, N_EXISTS, vnode), *n;

	if (!e)
		return NULL;
	e->field = f->fi->field;
	n = mk(s, N_NOT, vnode);
	if (!n || add_kid(s, n, e)) {
		free(n);
		return NULL;
	}
	return n;
}

/* "Field|mod|mod" -> field and modifiers, or -EINVAL. */
static int parse_key(struct sg *s, int key, struct field *f)
{
	const char *k = (const char *)sg_node(s, key)->data.scalar.value;
	const char *bar = strchr(k, '|'), *p;
	size_t fl = bar ? (size_t)(bar - k) : strlen(k), i, ml;
	unsigned int pos;

	memset(f, 0, sizeof(*f));
	f->key = key;
	f->sigma = k;
	if (!fl)
		return sg_fail(s, key, "a value without a field (keyword search) is not supported: vigil events have no message to search");
	for (i = 0; i < sizeof(field_map) / sizeof(field_map[0]); i++)
		if (strlen(field_map[i].sigma) == fl &&
		    !strncmp(field_map[i].sigma, k, fl) &&
		    (field_map[i].cats & s->cat))
			break;
	if (i == sizeof(field_map) / sizeof(field_map[0])) {
		size_t u;

		for (u = 0; u < sizeof(unfillable) / sizeof(unfillable[0]); u++)
			if (strlen(unfillable[u].sigma) == fl &&
			    !strncmp(unfillable[u].sigma, k, fl))
				return sg_fail(s, key, "field '%s' is not available: %s",
					       unfillable[u].sigma,
					       unfillable[u].why);
		return sg_fail(s, key, "field '%.*s' is not available in vigil's %s events",
			       (int)fl, k,
			       s->cat == SG_PROC ? "process_creation" : "file_event");
	}
	f->fi = field_lookup(field_map[i].ecs);
	if (!f->fi)
		return sg_fail(s, key, "internal error: no ECS field %s",
			       field_map[i].ecs);
	for (p = bar; p; p = strchr(p + 1, '|')) {
		const char *nx = strchr(p + 1, '|');

		ml = nx ? (size_t)(nx - p - 1) : strlen(p + 1);
		for (i = 0; i < sizeof(modifiers) / sizeof(modifiers[0]); i++)
			if (strlen(modifiers[i].name) == ml &&
			    !strncmp(modifiers[i].name, p + 1, ml))
				break;
		if (i == sizeof(modifiers) / sizeof(modifiers[0]))
			return sg_fail(s, key, "unknown modifier '%.*s'", (int)ml,
				       p + 1);
		if (modifiers[i].why)
			return sg_fail(s, key, "modifier '%s' is not supported: %s",
				       modifiers[i].name, modifiers[i].why);
		if ((modifiers[i].bit & (MOD_RE_I | MOD_RE_M | MOD_RE_S)) &&
		    !(f->mods & MOD_RE))
			return sg_fail(s, key, "modifier '%s' needs a preceding 're'",
				       modifiers[i].name);
		f->mods |= modifiers[i].bit;
	}
	pos = f->mods & MOD_POS;
	if (pos & (pos - 1))
		return sg_fail(s, key, "contains, startswith and endswith exclude each other");
	if ((f->mods & MOD_RE) &&
	    (f->mods & (MOD_POS | MOD_WINDASH | MOD_B64 | MOD_CASED)))
		return sg_fail(s, key, "re does not combine with contains, startswith, endswith, windash, base64 or cased");
	if ((f->mods & MOD_EXISTS) && f->mods != MOD_EXISTS)
		return sg_fail(s, key, "exists does not combine with other modifiers");
	if ((f->mods & MOD_B64) == MOD_B64 ||
	    ((f->mods & MOD_B64) && (f->mods & MOD_WINDASH)))
		return sg_fail(s, key, "base64, base64offset and windash exclude each other");
	if (f->fi->type == VIGIL_FT_NUM && (f->mods & ~(MOD_NUM | MOD_ALL |
							MOD_EXISTS)))
		return sg_fail(s, key, "field '%.*s' is numeric: string modifiers do not apply",
			       (int)fl, k);
	if (f->fi->type != VIGIL_FT_NUM && (f->mods & MOD_NUM))
		return sg_fail(s, key, "lt, lte, gt and gte need a numeric field");
	if ((f->mods & MOD_NUM) & ((f->mods & MOD_NUM) - 1))
		return sg_fail(s, key, "lt, lte, gt and gte exclude each other");
	return 0;
}

static struct node *exists_cond(struct sg *s, const struct field *f, int vnode)
{
	yaml_node_t *v = sg_node(s, vnode);
	const char *b = (const char *)v->data.scalar.value;
	struct node *n;

	if (v->type != YAML_SCALAR_NODE ||
	    (strcasecmp(b, "true") && strcasecmp(b, "false"))) {
		sg_fail(s, vnode, "exists needs true or false");
		return NULL;
	}
	n = mk(s, N_EXISTS, vnode);
	if (!n)
		return NULL;
	n->field = f->fi->field;
	if (!strcasecmp(b, "true"))
		return n;
	node_free(n);
	return not_exists(s, f, vnode);
}

/* One value of a field -> its condition. */
static struct node *one_value(struct sg *s, const struct field *f, int vnode)
{
	yaml_node_t *v = sg_node(s, vnode);
	struct node *m;

	if (v->type != YAML_SCALAR_NODE) {
		sg_fail(s, vnode, "a value must be a scalar");
		return NULL;
	}
	if (sg_is_null(v)) {
		if (f->mods & ~MOD_ALL) {
			sg_fail(s, vnode, "null does not take modifiers");
			return NULL;
		}
		return not_exists(s, f, vnode);
	}
	if (f->fi->type == VIGIL_FT_NUM)
		return num_value(s, f, vnode);
	m = mk(s, N_MATCH, vnode);
	if (!m)
		return NULL;
	m->field = f->fi->field;
	if (str_value(s, m, vnode, f->mods)) {
		node_free(m);
		return NULL;
	}
	return m;
}

/* "Field|mods: value(s)" -> OR (AND with all) over the values. */
static struct node *field_cond(struct sg *s, int key, int val)
{
	yaml_node_t *v = sg_node(s, val);
	yaml_node_item_t *it;
	struct field f;
	struct node *n;

	if (parse_key(s, key, &f))
		return NULL;
	if (f.mods & MOD_EXISTS)
		return exists_cond(s, &f, val);
	if (v->type == YAML_MAPPING_NODE) {
		sg_fail(s, val, "a field's value must be a scalar or a list");
		return NULL;
	}
	if (v->type == YAML_SCALAR_NODE) {
		if (f.mods & MOD_ALL) {
			sg_fail(s, key, "'all' needs a list of values");
			return NULL;
		}
		return one_value(s, &f, val);
	}
	if (v->data.sequence.items.start == v->data.sequence.items.top) {
		sg_fail(s, val, "empty list of values");
		return NULL;
	}
	n = mk(s, (f.mods & MOD_ALL) ? N_AND : N_OR, val);
	if (!n)
		return NULL;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		if (add_kid(s, n, one_value(s, &f, *it))) {
			node_free(n);
			return NULL;
		}
	}
	return n;
}

/* A map: AND over its fields. */
static struct node *search_map(struct sg *s, int map)
{
	yaml_node_t *m = sg_node(s, map);
	yaml_node_pair_t *p;
	struct node *n;

	if (m->data.mapping.pairs.start == m->data.mapping.pairs.top) {
		sg_fail(s, map, "empty search identifier");
		return NULL;
	}
	if (sg_check_map(s, map, "a search identifier"))
		return NULL;
	n = mk(s, N_AND, map);
	if (!n)
		return NULL;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		if (!sg_node(s, p->key) ||
		    sg_node(s, p->key)->type != YAML_SCALAR_NODE) {
			sg_fail(s, p->key, "a field name must be a string");
			node_free(n);
			return NULL;
		}
		if (add_kid(s, n, field_cond(s, p->key, p->value))) {
			node_free(n);
			return NULL;
		}
	}
	return n;
}

/**
 * sg_search() - the expression of a search identifier
 * @s: the rule
 * @i: index of the identifier
 *
 * A map is the AND of its fields; a list of maps the OR of the maps.
 * A list of plain values is a keyword search: rejected.
 *
 * Return: a new tree, or NULL with s->err set.
 */
struct node *sg_search(struct sg *s, int i)
{
	int idx = s->id_node[i];
	yaml_node_t *v = sg_node(s, idx);
	yaml_node_item_t *it;
	struct node *n;

	if (v->type == YAML_MAPPING_NODE)
		return search_map(s, idx);
	if (v->type != YAML_SEQUENCE_NODE ||
	    v->data.sequence.items.start == v->data.sequence.items.top) {
		sg_fail(s, idx, "search identifier '%s' must be a map or a list of maps",
			s->id_name[i]);
		return NULL;
	}
	n = mk(s, N_OR, idx);
	if (!n)
		return NULL;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *k = sg_node(s, *it);

		if (k->type != YAML_MAPPING_NODE) {
			sg_fail(s, *it, "keyword search (a list of plain values in '%s') is not supported: vigil events have no message to search",
				s->id_name[i]);
			node_free(n);
			return NULL;
		}
		if (add_kid(s, n, search_map(s, *it))) {
			node_free(n);
			return NULL;
		}
	}
	return n;
}
