/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the compiler tests: wrap a query into a rule file, compile
 * it, run events through the engine.
 */
#ifndef VIGIL_COMPILER_UTIL_H
#define VIGIL_COMPILER_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compiler.h"
#include "engine.h"
#include "ip.h"

static char cu_toml[65536];
static struct vigil_cerror cu_err;

/* A rule file around @query; @type "eql", "query" or "new_terms". */
static inline const char *cu_rule(const char *type, const char *query)
{
	const char *lang = strcmp(type, "eql") ? "kuery" : "eql";

	snprintf(cu_toml, sizeof(cu_toml),
		 "[rule]\nname = \"t\"\nrule_id = \"t-1\"\nseverity = \"low\"\n"
		 "risk_score = 1\ntype = \"%s\"\nlanguage = \"%s\"\n"
		 "query = '''\n%s\n'''\n%s",
		 type, lang, query,
		 strcmp(type, "new_terms") ? "" :
		 "[rule.new_terms]\nfield = \"new_terms_fields\"\n"
		 "value = [\"host.id\", \"process.parent.name\"]\n"
		 "[[rule.new_terms.history_window_start]]\n"
		 "field = \"history_window_start\"\nvalue = \"now-1d\"\n");
	return cu_toml;
}

/* Compiles @toml; Return: blob (free()) or NULL with cu_err set. */
static inline void *cu_compile(const char *toml, __u32 *len)
{
	struct vigil_compiler *c = vigil_compiler_new();
	void *blob = NULL;

	if (!c)
		return NULL;
	if (!vigil_compiler_add_buf(c, toml, strlen(toml), &cu_err) &&
	    vigil_compiler_emit(c, &blob, len, &cu_err))
		blob = NULL;
	vigil_compiler_free(c);
	return blob;
}

/* Error text of compiling @query ("" if it compiled). */
static inline const char *cu_error(const char *type, const char *query)
{
	__u32 len;
	void *b = cu_compile(cu_rule(type, query), &len);

	if (b) {
		free(b);
		return "";
	}
	return cu_err.msg;
}

/* Disassembly of the compiled query (static buffer). */
static inline const char *cu_dump(const char *type, const char *query)
{
	static char out[65536];
	__u32 len;
	void *b = cu_compile(cu_rule(type, query), &len);
	FILE *f;

	out[0] = 0;
	if (!b)
		return cu_err.msg;
	f = fmemopen(out, sizeof(out) - 1, "w");
	if (f) {
		vigil_ruleset_dump(f, b, len);
		fclose(f);
	}
	free(b);
	return out;
}

static inline struct vigil_engine *cu_engine(const char *type,
					     const char *query)
{
	struct vigil_engine_limits lim = { 256, 256 };
	const char *reason;
	struct vigil_engine *e;
	__u32 len;
	void *b = cu_compile(cu_rule(type, query), &len);

	if (!b) {
		printf("#   compile failed: %d:%d: %s\n", cu_err.line,
		       cu_err.col, cu_err.msg);
		return NULL;
	}
	e = vigil_engine_new(b, len, &lim, &reason);
	if (IS_ERR(e)) {
		printf("#   engine refused: %s\n", reason);
		e = NULL;
	}
	free(b);
	return e;
}

/* ---- events ---- */

struct cu_ev {
	struct vigil_event ev;
	char args[4096];
	char pargs[4096];
	unsigned char ip[2][VIGIL_IP_LEN];	/* source, destination */
};

static inline void cu_args(struct vigil_event *ev, enum vigil_field f,
			   char *buf, const char *const *argv)
{
	u32 len = 0, n = 0;

	for (; argv && *argv; argv++, n++) {
		strcpy(buf + len, *argv);
		len += strlen(*argv) + 1;
	}
	vigil_event_set_array(ev, f, buf, len, n);
}

/* An exec of @name with NULL-terminated @argv; entity id @eid. */
static inline void cu_exec(struct cu_ev *c, u64 ts, const char *eid,
			   const char *name, const char *const *argv)
{
	vigil_event_init(&c->ev);
	vigil_event_set_kind(&c->ev, VIGIL_EV_EXEC);
	vigil_event_set_num(&c->ev, VIGIL_F_TIMESTAMP, ts);
	vigil_event_set_str(&c->ev, VIGIL_F_PROCESS_NAME, name, strlen(name));
	vigil_event_set_str(&c->ev, VIGIL_F_PROCESS_ENTITY_ID, eid,
			    strlen(eid));
	cu_args(&c->ev, VIGIL_F_PROCESS_ARGS, c->args, argv);
}

static inline void cu_file(struct cu_ev *c, u64 ts, const char *eid,
			   enum vigil_event_kind k, const char *path)
{
	vigil_event_init(&c->ev);
	vigil_event_set_kind(&c->ev, k);
	vigil_event_set_num(&c->ev, VIGIL_F_TIMESTAMP, ts);
	vigil_event_set_str(&c->ev, VIGIL_F_PROCESS_ENTITY_ID, eid,
			    strlen(eid));
	vigil_event_set_str(&c->ev, VIGIL_F_FILE_PATH, path, strlen(path));
	vigil_event_derive_file(&c->ev);
}

/*
 * A connection of kind @k (VIGIL_EV_CONNECT, VIGIL_EV_ACCEPT) by process
 * @name to @dst port @dport from @src (addresses as text, user/ip.c
 * reads them; NULL: no such field).
 */
static inline void cu_net(struct cu_ev *c, u64 ts, enum vigil_event_kind k,
			  const char *name, const char *src, const char *dst,
			  u64 dport)
{
	vigil_event_init(&c->ev);
	vigil_event_set_kind(&c->ev, k);
	vigil_event_set_num(&c->ev, VIGIL_F_TIMESTAMP, ts);
	vigil_event_set_str(&c->ev, VIGIL_F_PROCESS_NAME, name, strlen(name));
	vigil_event_set_str(&c->ev, VIGIL_F_PROCESS_ENTITY_ID, "x", 1);
	if (src && !vigil_ip_parse(src, c->ip[0]))
		vigil_event_set_str(&c->ev, VIGIL_F_SOURCE_IP,
				    (const char *)c->ip[0], VIGIL_IP_LEN);
	if (dst && !vigil_ip_parse(dst, c->ip[1]))
		vigil_event_set_str(&c->ev, VIGIL_F_DESTINATION_IP,
				    (const char *)c->ip[1], VIGIL_IP_LEN);
	vigil_event_set_num(&c->ev, VIGIL_F_DESTINATION_PORT, dport);
}

static inline void cu_set(struct cu_ev *c, enum vigil_field f, const char *s)
{
	vigil_event_set_str(&c->ev, f, s, strlen(s));
}

static void cu_count_cb(void *ctx, const struct vigil_match *m)
{
	(*(int *)ctx)++;
}

static inline int cu_run(struct vigil_engine *e, struct cu_ev *c)
{
	int n = 0;

	if (!e)
		return -1;
	vigil_engine_process(e, &c->ev, cu_count_cb, &n);
	return n;
}

/* Does the single-step @query (type @type) match an exec with @argv? */
static inline int cu_exec_matches(const char *type, const char *query,
				  const char *name, const char *const *argv)
{
	struct vigil_engine *e = cu_engine(type, query);
	struct cu_ev *c = calloc(1, sizeof(*c));
	int n;

	if (!c)
		return -1;
	cu_exec(c, 1000, "x", name, argv);
	n = cu_run(e, c);
	free(c);
	vigil_engine_free(e);
	return n;
}

/*
 * Does the single-step @query (type @type) match an exec of "sh" whose
 * NUM field @f is @v (-1: @f absent)?
 */
static inline int cu_exec_num_matches(const char *type, const char *query,
				      enum vigil_field f, int v)
{
	struct vigil_engine *e = cu_engine(type, query);
	struct cu_ev *c = calloc(1, sizeof(*c));
	int n;

	static const char *const argv[] = { "sh", NULL };

	if (!c)
		return -1;
	cu_exec(c, 1000, "x", "sh", argv);
	if (v >= 0)
		vigil_event_set_num(&c->ev, f, (u64)v);
	n = cu_run(e, c);
	free(c);
	vigil_engine_free(e);
	return n;
}

/*
 * Does the single-step @query (type @type) match a connect of "nc" from
 * @src to @dst (text, NULL: none) port @dport?
 */
static inline int cu_net_matches(const char *type, const char *query,
				 const char *src, const char *dst, u64 dport)
{
	struct vigil_engine *e = cu_engine(type, query);
	struct cu_ev *c = calloc(1, sizeof(*c));
	int n;

	if (!c)
		return -1;
	cu_net(c, 1000, VIGIL_EV_CONNECT, "nc", src, dst, dport);
	n = cu_run(e, c);
	free(c);
	vigil_engine_free(e);
	return n;
}

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* A value the pattern matches: its literal, '*' and '?' made concrete. */
static inline void cu_sample(const char *strtab,
			     const struct vigil_rs_pat *p, char *out, size_t cap)
{
	const char *s = strtab + p->str;
	size_t i, o = 0;

	/* a CIDR block's first address, as text */
	if (p->kind == VIGIL_PAT_CIDR && cap >= VIGIL_IP_TEXT) {
		vigil_ip_format((const unsigned char *)s, out);
		return;
	}
	for (i = 0; i < p->len && o + 2 < cap; i++) {
		if (p->kind == VIGIL_PAT_GLOB && s[i] == '*') {
			out[o++] = 'z';
			continue;
		}
		if (p->kind == VIGIL_PAT_GLOB && s[i] == '?') {
			out[o++] = 'q';
			continue;
		}
		if (p->kind == VIGIL_PAT_GLOB && s[i] == '\\' && i + 1 < p->len)
			i++;
		out[o++] = s[i];
	}
	out[o] = 0;
}

#endif
