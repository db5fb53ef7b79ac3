// SPDX-License-Identifier: GPL-2.0
/*
 * Rule files: the [rule] table of an Elastic detection rule -> struct
 * crule, with the query compiled by the EQL or KQL front end.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "engine.h"
#include "names.h"
#include "rule.h"
#include "toml.h"

void crule_free(struct crule *r)
{
	free(r->id);
	free(r->name);
	free(r->threat);
	cquery_free(&r->q);
	memset(r, 0, sizeof(*r));
}

static int rfail(struct vigil_cerror *err, const struct toml_value *at,
		 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int rfail(struct vigil_cerror *err, const struct toml_value *at,
		 const char *fmt, ...)
{
	va_list ap;

	err->line = at ? at->line : 0;
	err->col = at ? at->col : 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const struct toml_value *get_str(const struct toml_value *t,
					const char *key,
					struct vigil_cerror *err)
{
	const struct toml_value *v = toml_get(t, key);

	if (!v) {
		rfail(err, t, "missing rule.%s", key);
		return NULL;
	}
	if (v->type != TOML_STRING) {
		rfail(err, v, "rule.%s must be a string", key);
		return NULL;
	}
	if (memchr(v->str, 0, v->len)) {
		rfail(err, v, "NUL byte in rule.%s", key);
		return NULL;
	}
	return v;
}

struct sbuf {
	char *s;
	size_t n, cap;
};

static int sb_add(struct sbuf *b, const char *s)
{
	size_t l = strlen(s);

	if (b->n + l + 1 > b->cap) {
		size_t cap = (b->n + l + 1) * 2;
		char *ns = realloc(b->s, cap);

		if (!ns)
			return -ENOMEM;
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, l + 1);
	b->n += l;
	return 0;
}

static int threat_line(struct sbuf *b, const char *kind,
		       const struct toml_value *t)
{
	const struct toml_value *id = toml_get(t, "id");
	const struct toml_value *name = toml_get(t, "name");

	if (!id || id->type != TOML_STRING || !name ||
	    name->type != TOML_STRING || strpbrk(id->str, "\t\n") ||
	    strpbrk(name->str, "\t\n"))
		return -EINVAL;
	if ((b->n && sb_add(b, "\n")) || sb_add(b, kind) || sb_add(b, "\t") ||
	    sb_add(b, id->str) || sb_add(b, "\t") || sb_add(b, name->str))
		return -ENOMEM;
	return 0;
}

/* "kind\tid\tname" lines: tactic, then techniques and their subtechniques */
static int build_threat(const struct toml_value *rule, char **out,
			struct vigil_cerror *err)
{
	const struct toml_value *th = toml_get(rule, "threat");
	struct sbuf b = { 0 };
	size_t i, j, k;

	if (sb_add(&b, ""))
		goto oom;
	if (!th)
		goto done;
	if (th->type != TOML_ARRAY) {
		free(b.s);
		return rfail(err, th, "rule.threat must be an array of tables");
	}
	for (i = 0; i < th->n; i++) {
		const struct toml_value *t = th->vals[i], *tac, *tech;

		if (t->type != TOML_TABLE)
			goto bad;
		tac = toml_get(t, "tactic");
		if (tac && threat_line(&b, "tactic", tac))
			goto bad;
		tech = toml_get(t, "technique");
		if (!tech)
			continue;
		if (tech->type != TOML_ARRAY)
			goto bad;
		for (j = 0; j < tech->n; j++) {
			const struct toml_value *sub;

			if (threat_line(&b, "technique", tech->vals[j]))
				goto bad;
			sub = toml_get(tech->vals[j], "subtechnique");
			if (!sub)
				continue;
			if (sub->type != TOML_ARRAY)
				goto bad;
			for (k = 0; k < sub->n; k++)
				if (threat_line(&b, "subtechnique",
						sub->vals[k]))
					goto bad;
		}
	}
done:
	if (strlen(b.s) > VIGIL_RS_MAX_THREAT) {
		free(b.s);
		return rfail(err, th, "rule.threat longer than %u bytes",
			     VIGIL_RS_MAX_THREAT);
	}
	*out = b.s;
	return 0;
bad:
	free(b.s);
	return rfail(err, th, "malformed rule.threat (needs id and name)");
oom:
	free(b.s);
	return rfail(err, NULL, "out of memory");
}

static int parse_window(const struct toml_value *v, __u32 *secs,
			const char *what, struct vigil_cerror *err)
{
	unsigned long x, mult;
	char *end;

	if (v->type != TOML_STRING || strncmp(v->str, "now-", 4))
		goto bad;
	errno = 0;
	x = strtoul(v->str + 4, &end, 10);
	if (errno || end == v->str + 4 || !x)
		goto bad;
	if (!strcmp(end, "s"))
		mult = 1;
	else if (!strcmp(end, "m"))
		mult = 60;
	else if (!strcmp(end, "h"))
		mult = 3600;
	else if (!strcmp(end, "d"))
		mult = 86400;
	else if (!strcmp(end, "w"))
		mult = 7 * 86400;
	else
		goto bad;
	if (x > 0xffffffffUL / mult)
		goto bad;
	*secs = (__u32)(x * mult);
	return 0;
bad:
	return rfail(err, v, "%s must be \"now-<N><s|m|h|d|w>\"", what);
}

static int parse_new_terms(const struct toml_value *rule, struct crule *r,
			   struct vigil_cerror *err)
{
	const struct toml_value *nt = toml_get(rule, "new_terms"), *f, *v, *h;
	size_t i;

	if (!nt || nt->type != TOML_TABLE)
		return rfail(err, rule, "new_terms rule without [rule.new_terms]");
	f = toml_get(nt, "field");
	v = toml_get(nt, "value");
	if (!f || f->type != TOML_STRING || strcmp(f->str, "new_terms_fields") ||
	    !v || v->type != TOML_ARRAY)
		return rfail(err, nt, "rule.new_terms needs field = \"new_terms_fields\" and a value array");
	for (i = 0; i < v->n; i++) {
		const struct toml_value *s = v->vals[i];
		const struct field_info *fi;

		if (s->type != TOML_STRING)
			return rfail(err, s, "new_terms field must be a string");
		/* host.id is constant on one host: dropped */
		if (!strcmp(s->str, "host.id"))
			continue;
		fi = field_lookup(s->str);
		if (!fi)
			return rfail(err, s,
				     "new_terms field '%s' is not available in kernel events",
				     s->str);
		if (fi->type == VIGIL_FT_ARRAY)
			return rfail(err, s,
				     "new_terms on array field '%s' is not supported",
				     s->str);
		if (r->n_terms == VIGIL_RS_MAX_TERMS)
			return rfail(err, s, "too many new_terms fields (max %d)",
				     VIGIL_RS_MAX_TERMS);
		r->terms[r->n_terms++] = fi->field;
	}
	if (!r->n_terms)
		return rfail(err, v, "new_terms needs a field besides host.id");
	h = toml_get(nt, "history_window_start");
	if (!h || h->type != TOML_ARRAY || !h->n)
		return rfail(err, nt, "new_terms rule without history_window_start");
	for (i = 0; i < h->n; i++) {
		const struct toml_value *hf = toml_get(h->vals[i], "field");

		if (hf && hf->type == TOML_STRING &&
		    !strcmp(hf->str, "history_window_start")) {
			v = toml_get(h->vals[i], "value");
			if (!v)
				break;
			return parse_window(v, &r->history_window_s,
					    "history_window_start", err);
		}
	}
	return rfail(err, h, "new_terms rule without history_window_start");
}

/* A threshold or cardinality field: one vigil has, not an array. */
static int thr_field(const struct toml_value *s, const char *what, bool group,
		     __u8 *out, struct vigil_cerror *err)
{
	const struct field_info *fi;

	if (s->type != TOML_STRING)
		return rfail(err, s, "%s field must be a string", what);
	fi = field_lookup(s->str);
	if (!fi)
		return rfail(err, s, "%s field '%s' is not available in kernel events",
			     what, s->str);
	if (group && fi->type == VIGIL_FT_ARRAY)
		return rfail(err, s, "threshold on array field '%s' is not supported",
			     s->str);
	*out = fi->field;
	return 0;
}

/*
 * [rule.threshold]: field (a string or a list; host.id, constant on one
 * host, is dropped; user.name groups by user.id, which it names),
 * value, at most one [[rule.threshold.cardinality]], and the look-back
 * [rule] from (Elastic's default now-6m) as the window.
 */
static int parse_threshold(const struct toml_value *rule, struct crule *r,
			   struct vigil_cerror *err)
{
	static const struct toml_value dflt = { .type = TOML_STRING,
						.str = "now-6m" };
	const struct toml_value *th = toml_get(rule, "threshold"), *f, *v, *c;
	const struct toml_value *from = toml_get(rule, "from");
	struct vigil_rs_threshold *t = &r->thr;
	size_t i, n;
	__u32 secs;
	__u8 fld;
	int k;

	if (!th || th->type != TOML_TABLE)
		return rfail(err, rule, "threshold rule without [rule.threshold]");
	f = toml_get(th, "field");
	if (f && f->type != TOML_STRING && f->type != TOML_ARRAY)
		return rfail(err, f, "rule.threshold.field must be a string or a list");
	n = !f ? 0 : f->type == TOML_ARRAY ? f->n : 1;
	for (i = 0; i < n; i++) {
		const struct toml_value *s = f->type == TOML_ARRAY ? f->vals[i] : f;

		if (s->type == TOML_STRING && !strcmp(s->str, "host.id"))
			continue;
		if (thr_field(s, "threshold", true, &fld, err))
			return -EINVAL;
		for (k = 0; k < t->n_fields && t->fields[k] != fld; k++)
			;
		if (k < t->n_fields)
			continue;	/* user.name and user.id: one field */
		if (t->n_fields == VIGIL_RS_MAX_THR_FIELDS)
			return rfail(err, s, "too many threshold fields (max %d besides host.id)",
				     VIGIL_RS_MAX_THR_FIELDS);
		t->fields[t->n_fields++] = fld;
	}
	v = toml_get(th, "value");
	if (!v || v->type != TOML_INT || v->i < 1 ||
	    v->i > VIGIL_RS_MAX_THR_VALUE)
		return rfail(err, v ? v : th, "rule.threshold.value must be 1..%d",
			     VIGIL_RS_MAX_THR_VALUE);
	t->value = (__u32)v->i;
	c = toml_get(th, "cardinality");
	if (c && (c->type != TOML_ARRAY || c->n > 1))
		return rfail(err, c, "at most one [[rule.threshold.cardinality]] is supported");
	if (c && c->n == 1) {
		const struct toml_value *cf = toml_get(c->vals[0], "field");
		const struct toml_value *cv = toml_get(c->vals[0], "value");

		if (!cf)
			return rfail(err, c->vals[0], "threshold cardinality without a field");
		if (thr_field(cf, "cardinality", false, &t->card_field, err))
			return -EINVAL;
		if (!cv || cv->type != TOML_INT || cv->i < 1 ||
		    cv->i > VIGIL_RS_MAX_THR_CARD)
			return rfail(err, cv ? cv : c->vals[0],
				     "threshold cardinality value must be 1..%d",
				     VIGIL_RS_MAX_THR_CARD);
		t->card_value = (__u32)cv->i;
	}
	if (parse_window(from ? from : &dflt, &secs, "from", err))
		return -EINVAL;
	if (!secs || secs > VIGIL_RS_MAX_THR_WINDOW_MS / 1000)
		return rfail(err, from, "threshold rule: its look-back 'from' must be 1..%us",
			     VIGIL_RS_MAX_THR_WINDOW_MS / 1000);
	t->window_ms = secs * 1000;
	return 0;
}

/*
 * A rule over the alerts of other rules (Elastic's higher-order rules,
 * index ".alerts-security.*", event.kind:signal): vigil keeps no alerts
 * to search.  Return: the index entry that says so, or NULL.
 */
static const struct toml_value *reads_alerts(const struct toml_value *rule)
{
	const struct toml_value *idx = toml_get(rule, "index");
	size_t i;

	if (!idx || idx->type != TOML_ARRAY)
		return NULL;
	for (i = 0; i < idx->n; i++)
		if (idx->vals[i]->type == TOML_STRING &&
		    !strncmp(idx->vals[i]->str, ".alerts-", 8))
			return idx->vals[i];
	return NULL;
}

/*
 * A sequence without maxspan: in Elastic, its events can be as far apart
 * as the rule's look-back, [rule] from (default now-6m), and no further:
 * every run searches that window only.  That is its maxspan here.
 */
static int seq_lookback(const struct toml_value *rule, __u32 *ms,
			struct vigil_cerror *err)
{
	static const struct toml_value dflt = { .type = TOML_STRING,
						.str = "now-6m" };
	const struct toml_value *from = toml_get(rule, "from");
	__u32 secs;

	if (parse_window(from ? from : &dflt, &secs, "from", err))
		return -1;
	if (secs > VIGIL_RS_MAX_MAXSPAN_MS / 1000)
		return rfail(err, from,
			     "sequence without maxspan: its look-back 'from' exceeds %us",
			     VIGIL_RS_MAX_MAXSPAN_MS / 1000);
	*ms = secs * 1000;
	return 0;
}

/*
 * Every pattern on process.env_vars names its variable, "NAME=...":
 * capture reads no other (module/engine/env.c), and the kernel refuses
 * a ruleset that breaks this.  Here it gets the pattern's position.
 */
static int env_patterns_named(const struct node *n, struct cerr *e)
{
	struct vigil_rs_pat p;
	u32 off, len;
	int i;

	for (i = 0; i < n->n; i++)
		if (env_patterns_named(n->kids[i], e))
			return -1;
	if (n->t != N_MATCH || n->field != VIGIL_F_PROCESS_ENV_VARS)
		return 0;
	for (i = 0; i < n->npats; i++) {
		p = (struct vigil_rs_pat){ .len = (__u16)n->pats[i].len,
					   .kind = n->pats[i].kind };
		if (n->pats[i].len <= VIGIL_RS_MAX_STR &&
		    vigil_env_pat_name(&p, n->pats[i].s, &off, &len))
			continue;
		return cerr_set(e, n->off,
				"process.env_vars: '%s' names no variable (write NAME=...): vigil reads only the variables rules name",
				n->pats[i].s);
	}
	return 0;
}

/* Maps a query error to the file position. */
static int qfail(struct vigil_cerror *err, const struct toml_doc *doc,
		 const struct toml_value *q, const struct cerr *ce)
{
	err->line = q->line;
	err->col = q->col;
	if (ce->off >= 0)
		toml_str_pos(doc, q, (size_t)ce->off, &err->line, &err->col);
	snprintf(err->msg, sizeof(err->msg), "%s", ce->msg);
	return -EINVAL;
}

/**
 * crule_parse() - read one rule file and compile its query
 * @doc: the parsed TOML
 * @r: filled on success (free with crule_free())
 * @err: why not
 *
 * Return: 0 or -EINVAL.
 */
int crule_parse(const struct toml_doc *doc, struct crule *r,
		struct vigil_cerror *err)
{
	const struct toml_value *rule, *v, *type, *lang, *q, *sev, *risk, *bb;
	struct cerr ce = { .off = -1 };
	bool eql;
	int i;

	memset(r, 0, sizeof(*r));
	rule = toml_get(doc->root, "rule");
	if (!rule || rule->type != TOML_TABLE)
		return rfail(err, NULL, "no [rule] table");
	v = get_str(rule, "rule_id", err);
	if (!v)
		return -EINVAL;
	snprintf(err->rule_id, sizeof(err->rule_id), "%s", v->str);
	if (!vigil_rule_id_ok(v->str, v->len))
		return rfail(err, v, "rule_id must be 1..%d of [A-Za-z0-9_.-]",
			     VIGIL_RULE_ID_MAX);
	r->id = strdup(v->str);
	v = get_str(rule, "name", err);
	if (!v)
		goto err;
	if (strlen(v->str) > VIGIL_RS_MAX_NAME) {
		rfail(err, v, "rule.name longer than %u bytes",
		      VIGIL_RS_MAX_NAME);
		goto err;
	}
	r->name = strdup(v->str);
	if (!r->id || !r->name) {
		rfail(err, NULL, "out of memory");
		goto err;
	}
	type = get_str(rule, "type", err);
	if (!type)
		goto err;
	if (!strcmp(type->str, "eql"))
		r->kind = VIGIL_RULE_EVENT;
	else if (!strcmp(type->str, "query"))
		r->kind = VIGIL_RULE_EVENT;
	else if (!strcmp(type->str, "new_terms"))
		r->kind = VIGIL_RULE_NEW_TERMS;
	else if (!strcmp(type->str, "threshold"))
		r->kind = VIGIL_RULE_THRESHOLD;
	else {
		rfail(err, type, "rule type '%s' not supported", type->str);
		goto err;
	}
	lang = get_str(rule, "language", err);
	if (!lang)
		goto err;
	if (!strcmp(lang->str, "eql") && !strcmp(type->str, "eql"))
		eql = true;
	else if (!strcmp(lang->str, "kuery") && strcmp(type->str, "eql"))
		eql = false;
	else {
		rfail(err, lang, "language '%s' not supported for rule type '%s'",
		      lang->str, type->str);
		goto err;
	}
	sev = get_str(rule, "severity", err);
	if (!sev)
		goto err;
	i = vigil_severity_parse(sev->str);
	if (i < 0) {
		rfail(err, sev, "unknown severity '%s'", sev->str);
		goto err;
	}
	r->severity = (__u8)i;
	risk = toml_get(rule, "risk_score");
	if (!risk || risk->type != TOML_INT || risk->i < 0 ||
	    risk->i > VIGIL_RS_MAX_RISK_SCORE) {
		rfail(err, risk ? risk : rule, "risk_score must be 0..%d",
		      VIGIL_RS_MAX_RISK_SCORE);
		goto err;
	}
	r->risk_score = (__u8)risk->i;
	/* Elastic's building_block_type: "default" is its one value. */
	bb = toml_get(rule, "building_block_type");
	if (bb) {
		if (bb->type != TOML_STRING || strcmp(bb->str, "default")) {
			rfail(err, bb, "building_block_type must be \"default\"");
			goto err;
		}
		r->flags |= VIGIL_RULE_F_BUILDING_BLOCK;
	}
	if (build_threat(rule, &r->threat, err))
		goto err;
	v = reads_alerts(rule);
	if (v) {
		rfail(err, v, "rule reads the alerts of other rules (index '%s', event.kind:signal): vigil keeps no alerts to search",
		      v->str);
		goto err;
	}
	if (r->kind == VIGIL_RULE_NEW_TERMS && parse_new_terms(rule, r, err))
		goto err;
	q = get_str(rule, "query", err);
	if (!q)
		goto err;
	if (eql) {
		if (eql_parse(q->str, q->len, &r->q, &ce))
			goto qerr;
		if (r->q.sequence)
			r->kind = VIGIL_RULE_SEQUENCE;
	} else {
		r->q.n_steps = 1;
		r->q.steps[0].runs = 1;
		r->q.steps[0].kind_mask = VIGIL_EV_MASK_ALL;
		if (kql_parse(q->str, q->len, &r->q.steps[0].expr, &ce)) {
			r->q.n_steps = 0;
			goto qerr;
		}
	}
	if (r->q.sequence && !r->q.maxspan_ms &&
	    seq_lookback(rule, &r->q.maxspan_ms, err))
		goto err;
	if (r->kind == VIGIL_RULE_NEW_TERMS && r->q.sequence) {
		rfail(err, q, "new_terms rule with a sequence query");
		goto err;
	}
	if (r->kind == VIGIL_RULE_THRESHOLD && parse_threshold(rule, r, err))
		goto err;
	for (i = 0; i < r->q.n_steps; i++) {
		struct cstep *st = &r->q.steps[i];

		if (st->expr->t == N_CONST && !st->expr->val) {
			cerr_set(&ce, st->expr->off, "condition is always false");
			goto qerr;
		}
		if (env_patterns_named(st->expr, &ce))
			goto qerr;
		st->cat_mask = st->kind_mask;
		st->kind_mask = node_kind_mask(st->expr, st->kind_mask);
		/* a kind taken only when named is not in the category either */
		st->cat_mask &= st->kind_mask | ~KINDS_NAMED_ONLY;
		if (!st->kind_mask) {
			cerr_set(&ce, st->expr->off,
				 "%scondition can never match a kernel event (event.category/type/action)",
				 r->q.sequence ? "sequence step: " : "");
			goto qerr;
		}
	}
	return 0;
qerr:
	qfail(err, doc, q, &ce);
err:
	crule_free(r);
	return -EINVAL;
}
