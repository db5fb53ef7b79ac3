/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compiler's intermediate form: a boolean expression tree per step,
 * shared by the EQL and KQL front ends and consumed by codegen.
 */
#ifndef VIGIL_AST_H
#define VIGIL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "../../module/uapi/vigil.h"

enum node_type {
	N_AND,
	N_OR,
	N_NOT,
	N_MATCH,	/* some element of field matches some pattern */
	N_EXISTS,
	N_NUMCMP,
	N_CONST,
};

/*
 * A pattern.  kind is an enum vigil_pat_kind: EXACT/PREFIX/SUFFIX/CONTAINS
 * hold a literal; GLOB holds glob text ('*', '?', '\' escapes) which
 * codegen classifies; REGEX holds the regex source; CIDR holds the
 * VIGIL_CIDR_LEN bytes of the uapi pattern (NUL bytes inside).
 */
struct pat {
	char *s;
	size_t len;
	__u8 kind;
	bool nocase;
};

struct node {
	enum node_type t;
	int off;		/* query offset, for errors */
	struct node **kids;	/* AND, OR: n >= 1; NOT: 1 */
	int n, cap;
	__u8 field;
	struct pat *pats;	/* MATCH */
	int npats;
	__u8 cmp;		/* NUMCMP */
	__u64 num;
	bool val;		/* CONST */
};

struct cerr {
	int off;		/* query offset, -1: whole rule */
	char msg[240];
};

/* One step of a compiled query. */
struct cstep {
	struct node *expr;
	__u16 kind_mask;
	__u16 cat_mask;	/* kind_mask before the condition narrowed it */
	__u16 runs;
	__u8 n_by;
	__u8 by[VIGIL_RS_MAX_BY];
};

struct cquery {
	bool sequence;
	__u32 maxspan_ms;
	int n_steps;
	struct cstep steps[VIGIL_RS_MAX_STEPS];
};

/* ast.c */
struct node *node_new(enum node_type t, int off);
void node_free(struct node *n);
struct node *node_clone(const struct node *n);
int node_add(struct node *parent, struct node *kid);
int node_add_pat(struct node *m, const char *s, size_t len, __u8 kind,
		 bool nocase);
/*
 * Adds the CIDR block @text ("a.b.c.d", "a.b.c.d/n", IPv6 alike; user/ip.c
 * reads it) to @m, a MATCH of an IP field, as a VIGIL_PAT_CIDR pattern.
 * Return: 0, -EINVAL when @text is no block (the caller says so), or
 * -ENOMEM.
 */
int node_add_cidr(struct node *m, const char *text);
int cerr_set(struct cerr *e, int off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Appends @c to the NUL-terminated token buffer *@buf of *@len bytes and
 * *@cap capacity, growing it.  Return: 0, or -1 when out of memory.
 */
int tokbuf_put(char **buf, size_t *len, size_t *cap, char c);
int pat_eval(const struct pat *p, const char *s, size_t len);
void cquery_free(struct cquery *q);
/* Simplifies @n in place (flatten, fold constants, merge sets). */
struct node *node_simplify(struct node *n);
/* Kinds of event whose event.category is @category (0: none). */
__u16 kinds_of_category(const char *category);
/*
 * Kinds a step takes only when it names them: file opens, socket binds
 * and the processes already running at a load.  Elastic Defend reports
 * no opens or binds on Linux (auditd does, as "opened-file" and
 * "bound-socket"), so a file rule written for creations, renames and
 * deletions would otherwise run, and fire, on every read of the paths
 * it watches, and a network rule written for connections on every bind.
 * Defend reports already_running once, when it starts; vigil at every
 * load, so a process rule that does not ask for them would fire again
 * on the same processes at each reload.
 */
#define KINDS_NAMED_ONLY                             \
	((1U << VIGIL_EV_OPEN) | (1U << VIGIL_EV_BIND) | \
	 (1U << VIGIL_EV_ALREADY_RUNNING))

/*
 * Kinds of event for which @n is not statically false; those of
 * KINDS_NAMED_ONLY only when @n names them by event.type or
 * event.action.
 */
__u16 node_kind_mask(const struct node *n, __u16 mask);

enum tri { T_FALSE, T_TRUE, T_UNKNOWN };
/* Index of @field in the engine's vigil_kind_fields, or -1. */
int kind_field_index(__u8 field);
/*
 * The value of @n on every event of @kind, as far as the kind decides
 * it: its event.category/type/action strings and, when @absent, the
 * fields events of @kind never carry (kind_may_carry()).
 */
enum tri node_eval_kind(const struct node *n, int kind, bool absent);

/* feasible.c: can an event of @kind carry @field? */
bool kind_may_carry(int kind, __u8 field);

/* fields.c */
struct field_info {
	const char *name;
	__u8 field;
	__u8 type;	/* enum vigil_ftype */
	bool by_name;	/* user.name: tested by name, resolved to user.id (users.c) */
};
const struct field_info *field_lookup(const char *name);
const char *field_name(__u8 field);
const char *field_alias(__u8 field, unsigned int i);
__u8 field_type(__u8 field);

/* users.c */
struct node *users_resolve(struct node *m, struct cerr *e);

/* eql.c, kql.c */
int eql_parse(const char *q, size_t len, struct cquery *out, struct cerr *e);
int kql_parse(const char *q, size_t len, struct node **out, struct cerr *e);

/*
 * Resolves @name to a field for a condition at @off.  Return: the field
 * info, NULL with @e set if the field is not available, or NULL with
 * *@cval set when the field is the constant host.os.type.
 */
const struct field_info *field_resolve(const char *name, int off,
				       const char **cval, struct cerr *e);

#define DEPTH_MAX 64

#endif
