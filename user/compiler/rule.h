/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One compiled rule, between the rule-file reader and codegen.
 */
#ifndef VIGIL_RULE_H
#define VIGIL_RULE_H

#include "ast.h"

struct crule {
	char *id, *name, *threat;
	__u8 kind, severity, risk_score;
	__u8 flags;		/* VIGIL_RULE_F_* */
	__u32 history_window_s;
	__u8 n_terms;
	__u8 terms[VIGIL_RS_MAX_TERMS];
	/* THRESHOLD: its record; codegen sets .rule */
	struct vigil_rs_threshold thr;
	struct cquery q;
};

void crule_free(struct crule *r);

/* codegen.c */
struct codegen;
struct codegen *codegen_new(void);
void codegen_free(struct codegen *g);
/* Adds @r; on error @e says why (e->off is a query offset or -1). */
int codegen_add(struct codegen *g, const struct crule *r, struct cerr *e);
int codegen_emit(struct codegen *g, void **blob, __u32 *len);
unsigned int codegen_count(const struct codegen *g);

/* regex.c: source -> struct vigil_rs_dfa record */
int regex_compile(const char *re, size_t len, int nocase, void **dfa,
		  size_t *dfa_len, struct cerr *e, int off);
/* The bytes every match starts with (folded when @nocase); 0: none. */
size_t regex_prefix(const char *re, size_t len, int nocase, char *out,
		    size_t cap);



/*
 * feasible.c: the warnings about @r on the events vigil produces, in
 * *@w (cleared first).
 */
struct vigil_cwarnings;
void feasible_check(const struct crule *r, struct vigil_cwarnings *w);

struct toml_doc;
struct vigil_cerror;
int crule_parse(const struct toml_doc *doc, struct crule *r,
		struct vigil_cerror *err);
#endif
