// SPDX-License-Identifier: GPL-2.0
/*
 * Sigma rules: the YAML document (libyaml), the metadata (id, title,
 * level, tags), the log source and the condition -> struct crule, which
 * codegen turns into the same programs as an EQL or KQL rule.  The
 * search identifiers themselves are sigma_detect.c's job.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compiler.h"
#include "rule.h"
#include "sigma.h"
#include "sigma_int.h"

bool sigma_path(const char *path)
{
	size_t l = strlen(path);

	return (l > 4 && !strcmp(path + l - 4, ".yml")) ||
	       (l > 5 && !strcmp(path + l - 5, ".yaml"));
}

yaml_node_t *sg_node(struct sg *s, int idx)
{
	return idx > 0 ? yaml_document_get_node(&s->doc, idx) : NULL;
}

/* Puts the position of node @node (or of the file) and the reason in s->err. */
int sg_fail(struct sg *s, int node, const char *fmt, ...)
{
	yaml_node_t *n = sg_node(s, node);
	va_list ap;

	if (s->err->msg[0])
		return -EINVAL;
	s->err->line = n ? (int)n->start_mark.line + 1 : 0;
	s->err->col = n ? (int)n->start_mark.column + 1 : 0;
	va_start(ap, fmt);
	vsnprintf(s->err->msg, sizeof(s->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* YAML 1.1 null: a plain ~, null, Null, NULL or nothing at all. */
bool sg_is_null(const yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ?
	       (const char *)n->data.scalar.value : NULL;
}

/* Node index of key @key in mapping @map, 0 if absent. */
static int map_get(struct sg *s, int map, const char *key)
{
	yaml_node_t *m = sg_node(s, map);
	yaml_node_pair_t *p;

	if (!m || m->type != YAML_MAPPING_NODE)
		return 0;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(sg_node(s, p->key));

		if (k && !strcmp(k, key))
			return p->value;
	}
	return 0;
}

/* A mapping whose keys are all distinct scalars. */
int sg_check_map(struct sg *s, int map, const char *what)
{
	yaml_node_t *m = sg_node(s, map);
	yaml_node_pair_t *p, *q;

	if (!m || m->type != YAML_MAPPING_NODE)
		return sg_fail(s, map, "%s must be a mapping", what);
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(sg_node(s, p->key));

		if (!k)
			return sg_fail(s, p->key, "%s: keys must be scalars",
				       what);
		if (strlen(k) != sg_node(s, p->key)->data.scalar.length)
			return sg_fail(s, p->key, "%s: NUL byte in a key", what);
		if (strlen(k) > SG_MAX_KEY)
			return sg_fail(s, p->key, "%s: key longer than %d bytes",
				       what, SG_MAX_KEY);
		for (q = m->data.mapping.pairs.start; q < p; q++)
			if (!strcmp(k, scalar(sg_node(s, q->key))))
				return sg_fail(s, p->key,
					       "%s: duplicate key '%s'", what,
					       k);
	}
	return 0;
}

/*
 * YAML anchors and aliases share nodes between places (and can make
 * cycles and exponential trees): every node must be used exactly once.
 */
static int check_tree(struct sg *s)
{
	int n = (int)(s->doc.nodes.top - s->doc.nodes.start), i;
	unsigned char *uses = calloc(n + 1, 1);
	int ret = 0;

	if (!uses)
		return sg_fail(s, 0, "out of memory");
	uses[1] = 1;
	for (i = 1; i <= n && !ret; i++) {
		yaml_node_t *x = sg_node(s, i);
		yaml_node_item_t *it;
		yaml_node_pair_t *p;

		if (x->type == YAML_SEQUENCE_NODE) {
			for (it = x->data.sequence.items.start;
			     it < x->data.sequence.items.top && !ret; it++)
				if (uses[*it]++)
					ret = sg_fail(s, *it, "YAML aliases are not supported");
		} else if (x->type == YAML_MAPPING_NODE) {
			for (p = x->data.mapping.pairs.start;
			     p < x->data.mapping.pairs.top && !ret; p++)
				if (uses[p->key]++ || uses[p->value]++)
					ret = sg_fail(s, p->key, "YAML aliases are not supported");
		}
	}
	free(uses);
	return ret;
}

/* A string-valued top-level key: NULL (and @s->err set) unless @optional. */
static const char *get_str(struct sg *s, const char *key, bool optional)
{
	int i = map_get(s, 1, key);
	const char *v = scalar(sg_node(s, i));

	if (!i) {
		if (!optional)
			sg_fail(s, 1, "missing %s", key);
		return NULL;
	}
	if (!v) {
		sg_fail(s, i, "%s must be a string", key);
		return NULL;
	}
	if (strlen(v) != sg_node(s, i)->data.scalar.length) {
		sg_fail(s, i, "NUL byte in %s", key);
		return NULL;
	}
	return v;
}

/* ---- metadata ---- */

/* Sigma level -> vigil severity and Elastic-style risk score. */
static const struct {
	const char *level;
	__u8 sev, risk;
} levels[] = {
	{ "informational", VIGIL_SEV_LOW, 11 },
	{ "low", VIGIL_SEV_LOW, 21 },
	{ "medium", VIGIL_SEV_MEDIUM, 47 },
	{ "high", VIGIL_SEV_HIGH, 73 },
	{ "critical", VIGIL_SEV_CRITICAL, 99 },
};

/* ATT&CK tactics by their Sigma tag names. */
static const struct {
	const char *tag, *id, *name;
} tactics[] = {
	{ "reconnaissance", "TA0043", "Reconnaissance" },
	{ "resource-development", "TA0042", "Resource Development" },
	{ "initial-access", "TA0001", "Initial Access" },
	{ "execution", "TA0002", "Execution" },
	{ "persistence", "TA0003", "Persistence" },
	{ "privilege-escalation", "TA0004", "Privilege Escalation" },
	{ "defense-evasion", "TA0005", "Defense Evasion" },
	{ "stealth", "attack.stealth", "Stealth" },
	{ "credential-access", "TA0006", "Credential Access" },
	{ "discovery", "TA0007", "Discovery" },
	{ "lateral-movement", "TA0008", "Lateral Movement" },
	{ "collection", "TA0009", "Collection" },
	{ "exfiltration", "TA0010", "Exfiltration" },
	{ "command-and-control", "TA0011", "Command and Control" },
	{ "impact", "TA0040", "Impact" },
};

static int sb_cat(char **b, size_t *n, const char *kind, const char *id,
		  const char *name)
{
	size_t add = strlen(kind) + strlen(id) + strlen(name) + 4;
	char *nb = realloc(*b, *n + add);

	if (!nb)
		return -ENOMEM;
	*b = nb;
	*n += (size_t)sprintf(nb + *n, "%s%s\t%s\t%s", *n ? "\n" : "", kind,
			      id, name);
	return 0;
}

/* Is @t "t" followed by 4 digits, optionally ".3 digits"? */
static bool technique_tag(const char *t)
{
	size_t d = strspn(t + 1, "0123456789");

	if (t[0] != 't' || d != 4)
		return false;
	if (!t[5])
		return true;
	return t[5] == '.' && strspn(t + 6, "0123456789") == 3 && !t[9];
}

/* attack.* tags -> "kind\tid\tname" lines; other tags are ignored. */
static int build_threat(struct sg *s, char **out)
{
	int tags = map_get(s, 1, "tags");
	yaml_node_t *t = sg_node(s, tags);
	yaml_node_item_t *it;
	char *b = NULL;
	size_t n = 0, i;

	*out = NULL;
	b = calloc(1, 1);
	if (!b)
		goto oom;
	if (!tags)
		goto done;
	if (t->type != YAML_SEQUENCE_NODE) {
		free(b);
		return sg_fail(s, tags, "tags must be a list");
	}
	for (it = t->data.sequence.items.start;
	     it < t->data.sequence.items.top; it++) {
		const char *v = scalar(sg_node(s, *it));
		char id[16];

		if (!v) {
			free(b);
			return sg_fail(s, *it, "a tag must be a string");
		}
		if (strncmp(v, "attack.", 7))
			continue;
		v += 7;
		if (technique_tag(v)) {
			snprintf(id, sizeof(id), "T%s", v + 1);
			if (sb_cat(&b, &n, v[5] ? "subtechnique" : "technique",
				   id, id))
				goto oom;
			continue;
		}
		for (i = 0; i < sizeof(tactics) / sizeof(tactics[0]); i++)
			if (!strcmp(v, tactics[i].tag))
				break;
		if (i < sizeof(tactics) / sizeof(tactics[0]) &&
		    sb_cat(&b, &n, "tactic", tactics[i].id, tactics[i].name))
			goto oom;
		/* groups (attack.g*), software (attack.s*): not threat entries */
	}
done:
	*out = b;
	return 0;
oom:
	free(b);
	return sg_fail(s, 0, "out of memory");
}

static bool id_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n <= 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789_.-") == n;
}

/* status, falsepositives, references: checked for shape only. */
static int check_lists(struct sg *s)
{
	static const char *const lists[] = { "falsepositives", "references" };
	static const char *const statuses[] = {
		"stable", "test", "experimental", "deprecated", "unsupported",
	};
	const char *st;
	size_t i;

	for (i = 0; i < 2; i++) {
		int l = map_get(s, 1, lists[i]);
		yaml_node_t *n = sg_node(s, l);

		if (l && n->type != YAML_SEQUENCE_NODE && !scalar(n))
			return sg_fail(s, l, "%s must be a list", lists[i]);
	}
	st = get_str(s, "status", true);
	if (!st)
		return s->err->msg[0] ? -EINVAL : 0;
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (!strcmp(st, statuses[i]))
			return 0;
	return sg_fail(s, map_get(s, 1, "status"), "unknown status '%s'", st);
}

static int metadata(struct sg *s, struct crule *r)
{
	const char *id, *title, *level;
	size_t i;

	id = get_str(s, "id", false);
	if (!id)
		return -EINVAL;
	snprintf(s->err->rule_id, sizeof(s->err->rule_id), "%s", id);
	if (!id_ok(id))
		return sg_fail(s, map_get(s, 1, "id"),
			       "id must be 1..64 of [A-Za-z0-9_.-]");
	title = get_str(s, "title", false);
	if (!title)
		return -EINVAL;
	level = get_str(s, "level", false);
	if (!level)
		return -EINVAL;
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (!strcmp(level, levels[i].level))
			break;
	if (i == sizeof(levels) / sizeof(levels[0]))
		return sg_fail(s, map_get(s, 1, "level"),
			       "unknown level '%s'", level);
	r->severity = levels[i].sev;
	r->risk_score = levels[i].risk;
	r->kind = VIGIL_RULE_EVENT;
	if (check_lists(s))
		return -EINVAL;
	r->id = strdup(id);
	r->name = strdup(title);
	if (!r->id || !r->name)
		return sg_fail(s, 0, "out of memory");
	return build_threat(s, &r->threat);
}

/* ---- log source ---- */

static int logsource(struct sg *s, __u16 *kind_mask)
{
	int ls = map_get(s, 1, "logsource"), v;
	const char *product, *cat;

	if (!ls)
		return sg_fail(s, 1, "missing logsource");
	if (sg_check_map(s, ls, "logsource"))
		return -EINVAL;
	v = map_get(s, ls, "service");
	if (v)
		return sg_fail(s, v, "logsource service '%s' is not a vigil event source (only product linux with category process_creation or file_event)",
			       scalar(sg_node(s, v)) ?: "?");
	v = map_get(s, ls, "product");
	product = scalar(sg_node(s, v));
	if (!product || strcmp(product, "linux"))
		return sg_fail(s, v ?: ls, "logsource product must be linux");
	v = map_get(s, ls, "category");
	cat = scalar(sg_node(s, v));
	if (cat && !strcmp(cat, "process_creation")) {
		s->cat = SG_PROC;
		*kind_mask = 1U << VIGIL_EV_EXEC;
	} else if (cat && !strcmp(cat, "file_event")) {
		s->cat = SG_FILE;
		*kind_mask = (1U << VIGIL_EV_CREATE) | (1U << VIGIL_EV_RENAME);
	} else {
		return sg_fail(s, v ?: ls,
			       "logsource category must be process_creation or file_event");
	}
	return 0;
}

/* ---- condition ---- */

enum ctok { C_EOF, C_WORD, C_LP, C_RP, C_PIPE };

/* Column of condition offset @off, for a single-line plain or quoted scalar. */
static int cfail(struct sg *s, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cfail(struct sg *s, size_t off, const char *fmt, ...)
{
	yaml_node_t *n = sg_node(s, s->cnode);
	va_list ap;

	if (s->err->msg[0])
		return -EINVAL;
	s->err->line = (int)n->start_mark.line + 1;
	s->err->col = (int)n->start_mark.column + 1;
	if (n->start_mark.line == n->end_mark.line)
		s->err->col += (int)off +
			       (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE);
	va_start(ap, fmt);
	vsnprintf(s->err->msg, sizeof(s->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The next token: its type, start and length. */
static enum ctok ctok(struct sg *s, size_t *start, size_t *len)
{
	size_t p = s->cpos;

	while (p < s->clen && strchr(" \t\r\n", s->cond[p]))
		p++;
	*start = p;
	*len = 1;
	if (p >= s->clen) {
		*len = 0;
		return C_EOF;
	}
	switch (s->cond[p]) {
	case '(': return C_LP;
	case ')': return C_RP;
	case '|': return C_PIPE;
	}
	*len = 0;
	while (p + *len < s->clen && !strchr(" \t\r\n()|", s->cond[p + *len]))
		(*len)++;
	return C_WORD;
}

static bool cword(struct sg *s, const char *w)
{
	size_t st, l;

	return ctok(s, &st, &l) == C_WORD && l == strlen(w) &&
	       !strncasecmp(s->cond + st, w, l);
}

static void cskip(struct sg *s)
{
	size_t st, l;

	ctok(s, &st, &l);
	s->cpos = st + l;
}

static struct node *mk(struct sg *s, enum node_type t)
{
	struct node *n = node_new(t, s->cnode);

	if (!n)
		sg_fail(s, 0, "out of memory");
	return n;
}

static struct node *wrap(struct sg *s, enum node_type t, struct node *k)
{
	struct node *n;

	if (!k)
		return NULL;
	n = mk(s, t);
	if (!n || node_add(n, k)) {
		free(n);
		node_free(k);
		sg_fail(s, 0, "out of memory");
		return NULL;
	}
	return n;
}

/* Does identifier @s match pattern @p (@pl bytes, '*' wildcards)? */
static bool glob_name(const char *p, size_t pl, const char *s)
{
	size_t pi = 0, si = 0, sl = strlen(s), star = (size_t)-1, mark = 0;

	/* one backtrack point: linear in practice, never exponential */
	while (si < sl) {
		if (pi < pl && p[pi] == '*') {
			star = ++pi;
			mark = si;
		} else if (pi < pl && p[pi] == s[si]) {
			pi++;
			si++;
		} else if (star != (size_t)-1) {
			pi = star;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < pl && p[pi] == '*')
		pi++;
	return pi == pl;
}

/* "1 of X" / "all of X": OR / AND over the identifiers X names. */
static struct node *quantified(struct sg *s, bool all, size_t at)
{
	size_t st, l;
	struct node *n;
	bool them;
	int i, hits = 0;

	if (!cword(s, "of"))
		return cfail(s, at, "expected 'of'"), NULL;
	cskip(s);
	if (ctok(s, &st, &l) != C_WORD)
		return cfail(s, st, "expected search identifier pattern after 'of'"), NULL;
	s->cpos = st + l;
	them = l == 4 && !strncmp(s->cond + st, "them", 4);
	if (!them && l > 64)
		return cfail(s, st, "identifier pattern too long"), NULL;
	n = mk(s, all ? N_AND : N_OR);
	if (!n)
		return NULL;
	for (i = 0; i < s->n_ids; i++) {
		struct node *k;

		if (them ? s->id_name[i][0] == '_' :
			   !glob_name(s->cond + st, l, s->id_name[i]))
			continue;
		k = sg_search(s, i);
		if (!k)
			goto err;
		if (node_add(n, k)) {
			node_free(k);
			sg_fail(s, 0, "out of memory");
			goto err;
		}
		hits++;
	}
	if (!hits) {
		cfail(s, st, "'%.*s' matches no search identifier", (int)l,
		      s->cond + st);
		goto err;
	}
	return n;
err:
	node_free(n);
	return NULL;
}

static struct node *c_or(struct sg *s);

static struct node *c_primary(struct sg *s)
{
	size_t st, l;
	enum ctok t = ctok(s, &st, &l);
	struct node *n = NULL;
	int i;

	if (++s->depth > DEPTH_MAX) {
		cfail(s, st, "condition nested too deeply");
		goto out;
	}
	if (t == C_LP) {
		s->cpos = st + 1;
		n = c_or(s);
		if (n && ctok(s, &st, &l) != C_RP) {
			cfail(s, st, "expected ')'");
			node_free(n);
			n = NULL;
		}
		s->cpos = st + l;
		goto out;
	}
	if (t != C_WORD) {
		cfail(s, st, t == C_PIPE ?
		      "aggregations ('| count() ...') are not supported: vigil matches single events" :
		      "expected a search identifier");
		goto out;
	}
	s->cpos = st + l;
	if (l == 3 && !strncasecmp(s->cond + st, "not", 3)) {
		n = wrap(s, N_NOT, c_primary(s));
		goto out;
	}
	if (l == 1 && s->cond[st] == '1') {
		n = quantified(s, false, st);
		goto out;
	}
	if (l == 3 && !strncasecmp(s->cond + st, "all", 3)) {
		n = quantified(s, true, st);
		goto out;
	}
	if (strspn(s->cond + st, "0123456789") == l) {
		cfail(s, st, "'%.*s of' is not supported (only '1 of' and 'all of')",
		      (int)l, s->cond + st);
		goto out;
	}
	if ((l == 3 && !strncasecmp(s->cond + st, "and", 3)) ||
	    (l == 2 && !strncasecmp(s->cond + st, "or", 2)) ||
	    (l == 4 && !strncasecmp(s->cond + st, "near", 4))) {
		cfail(s, st, "unexpected '%.*s'", (int)l, s->cond + st);
		goto out;
	}
	for (i = 0; i < s->n_ids; i++)
		if (strlen(s->id_name[i]) == l &&
		    !strncmp(s->id_name[i], s->cond + st, l))
			break;
	if (i == s->n_ids) {
		cfail(s, st, "unknown search identifier '%.*s'", (int)l,
		      s->cond + st);
		goto out;
	}
	n = sg_search(s, i);
out:
	s->depth--;
	return n;
}

static struct node *c_binop(struct sg *s, const char *w, enum node_type t,
			    struct node *(*sub)(struct sg *s))
{
	struct node *n = sub(s), *b, *k;

	if (!n || !cword(s, w))
		return n;
	b = wrap(s, t, n);
	while (b && cword(s, w)) {
		cskip(s);
		k = sub(s);
		if (!k || node_add(b, k)) {
			if (k)
				sg_fail(s, 0, "out of memory");
			node_free(k);
			node_free(b);
			return NULL;
		}
	}
	return b;
}

static struct node *c_and(struct sg *s)
{
	return c_binop(s, "and", N_AND, c_primary);
}

static struct node *c_or(struct sg *s)
{
	return c_binop(s, "or", N_OR, c_and);
}

static struct node *condition1(struct sg *s, int cnode)
{
	yaml_node_t *c = sg_node(s, cnode);
	struct node *n;
	size_t st, l;

	if (!scalar(c)) {
		sg_fail(s, cnode, "condition must be a string");
		return NULL;
	}
	s->cnode = cnode;
	s->cond = (const char *)c->data.scalar.value;
	s->clen = c->data.scalar.length;
	s->cpos = 0;
	if (ctok(s, &st, &l) == C_EOF) {
		cfail(s, 0, "empty condition");
		return NULL;
	}
	n = c_or(s);
	if (n && ctok(s, &st, &l) != C_EOF) {
		cfail(s, st, *(s->cond + st) == '|' ?
		      "aggregations ('| count() ...') are not supported: vigil matches single events" :
		      "unexpected '%.*s'", (int)l, s->cond + st);
		node_free(n);
		n = NULL;
	}
	return n;
}

/* detection -> search identifiers and the condition's expression. */
static struct node *detection(struct sg *s)
{
	int det = map_get(s, 1, "detection"), cnode = 0;
	yaml_node_t *d, *c;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	struct node *n;

	if (!det)
		return sg_fail(s, 1, "missing detection"), NULL;
	if (sg_check_map(s, det, "detection"))
		return NULL;
	d = sg_node(s, det);
	for (p = d->data.mapping.pairs.start; p < d->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(sg_node(s, p->key));

		if (!strcmp(k, "condition")) {
			cnode = p->value;
			continue;
		}
		if (!strcmp(k, "timeframe"))
			return sg_fail(s, p->key, "timeframe (aggregation over time) is not supported: vigil matches single events"), NULL;
		if (s->n_ids == SG_MAX_IDS)
			return sg_fail(s, p->key, "too many search identifiers (max %d)",
				       SG_MAX_IDS), NULL;
		s->id_name[s->n_ids] = k;
		s->id_node[s->n_ids++] = p->value;
	}
	if (!cnode)
		return sg_fail(s, det, "detection without condition"), NULL;
	c = sg_node(s, cnode);
	if (c->type != YAML_SEQUENCE_NODE)
		return condition1(s, cnode);
	/* a list of conditions: any of them */
	n = mk(s, N_OR);
	if (!n)
		return NULL;
	for (it = c->data.sequence.items.start; it < c->data.sequence.items.top;
	     it++) {
		struct node *k = condition1(s, *it);

		if (!k || node_add(n, k)) {
			if (k)
				sg_fail(s, 0, "out of memory");
			node_free(k);
			node_free(n);
			return NULL;
		}
	}
	if (!n->n) {
		node_free(n);
		return sg_fail(s, cnode, "empty condition list"), NULL;
	}
	return n;
}

static int sg_rule(struct sg *s, struct crule *r)
{
	yaml_node_t *root = sg_node(s, 1);
	struct cstep *st = &r->q.steps[0];
	int v;

	if (!root)
		return sg_fail(s, 0, "empty document");
	if (sg_check_map(s, 1, "a Sigma rule") || check_tree(s))
		return -EINVAL;
	if (map_get(s, 1, "correlation"))
		return sg_fail(s, map_get(s, 1, "correlation"),
			       "correlation rules are not supported: vigil matches single events");
	v = map_get(s, 1, "action");
	if (v)
		return sg_fail(s, v, "rule collections (action: %s) are not supported",
			       scalar(sg_node(s, v)) ?: "?");
	if (metadata(s, r) || logsource(s, &st->kind_mask))
		return -EINVAL;
	st->runs = 1;
	st->expr = detection(s);
	if (!st->expr)
		return -EINVAL;
	r->q.n_steps = 1;
	st->expr = node_simplify(st->expr);
	if (st->expr->t == N_CONST && !st->expr->val)
		return sg_fail(s, map_get(s, map_get(s, 1, "detection"),
					  "condition"),
			       "condition is always false");
	return 0;
}

static int yaml_fail(struct sg *s, yaml_parser_t *p)
{
	s->err->line = (int)p->problem_mark.line + 1;
	s->err->col = (int)p->problem_mark.column + 1;
	snprintf(s->err->msg, sizeof(s->err->msg), "YAML: %s%s%s",
		 p->problem ?: "syntax error", p->context ? " " : "",
		 p->context ?: "");
	return p->error == YAML_MEMORY_ERROR ? -ENOMEM : -EINVAL;
}

/**
 * sigma_add() - compile one Sigma rule and add it to @g
 * @g: the code generator
 * @buf: the YAML text
 * @len: its length
 * @err: why the rule was rejected
 * @w: the warnings about it, when it compiles (feasible_check())
 *
 * Return: 0, or -EINVAL/-ENOMEM with @err set.
 */
int sigma_add(struct codegen *g, const char *buf, size_t len,
	      struct vigil_cerror *err, struct vigil_cwarnings *w)
{
	struct sg *s = calloc(1, sizeof(*s));
	yaml_parser_t p;
	yaml_document_t more;
	struct crule r = { 0 };
	struct cerr ce = { .off = -1 };
	int ret;

	memset(err, 0, sizeof(*err));
	memset(w, 0, sizeof(*w));
	if (!s) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -ENOMEM;
	}
	s->err = err;
	if (!yaml_parser_initialize(&p)) {
		free(s);
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&p, &s->doc)) {
		ret = yaml_fail(s, &p);
		yaml_parser_delete(&p);
		free(s);
		return ret;
	}
	if (!yaml_parser_load(&p, &more)) {
		ret = yaml_fail(s, &p);
		goto out;
	}
	if (yaml_document_get_root_node(&more)) {
		yaml_node_t *r = yaml_document_get_root_node(&more);

		ret = sg_fail(s, 0, "more than one YAML document (rule collections are not supported)");
		err->line = (int)r->start_mark.line + 1;
		err->col = (int)r->start_mark.column + 1;
		yaml_document_delete(&more);
		goto out;
	}
	yaml_document_delete(&more);
	ret = sg_rule(s, &r);
	if (!ret && codegen_add(g, &r, &ce)) {
		/* node offsets are YAML node indexes */
		ret = sg_fail(s, ce.off > 0 ? ce.off : 1, "%s", ce.msg);
	} else if (!ret) {
		feasible_check(&r, w);
	}
	crule_free(&r);
out:
	yaml_document_delete(&s->doc);
	yaml_parser_delete(&p);
	free(s);
	return ret;
}
