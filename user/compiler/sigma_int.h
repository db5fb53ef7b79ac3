/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the Sigma front end: the state shared by sigma.c (document,
 * metadata, log source, condition) and sigma_detect.c (search
 * identifiers, field modifiers, values).
 */
#ifndef VIGIL_SIGMA_INT_H
#define VIGIL_SIGMA_INT_H

#include <yaml.h>

#include "ast.h"

struct vigil_cerror;

/* Log source categories (bits), see sigma.c's category table. */
#define SG_PROC		(1U << 0)	/* process_creation */
#define SG_FILE		(1U << 1)	/* file_event */

/* Longest mapping key: field names with modifiers, identifiers. */
#define SG_MAX_KEY	256

/* Search identifiers per rule (detection keys besides condition). */
#define SG_MAX_IDS	64

/**
 * struct sg - one Sigma rule being compiled
 * @doc: the YAML document (libyaml's document API)
 * @err: where the first rejection goes
 * @cat: the log source category, SG_PROC or SG_FILE
 * @n_ids: number of search identifiers
 * @id_name: each identifier's name (owned by @doc)
 * @id_node: each identifier's value node
 * @cond: the condition text being parsed (owned by @doc)
 * @clen: its length
 * @cpos: the condition lexer's position
 * @cnode: the condition's YAML node
 * @depth: condition nesting depth
 */
struct sg {
	yaml_document_t doc;
	struct vigil_cerror *err;
	unsigned int cat;
	int n_ids;
	const char *id_name[SG_MAX_IDS];
	int id_node[SG_MAX_IDS];
	const char *cond;
	size_t clen, cpos;
	int cnode;
	int depth;
};

/* sigma.c */
int sg_fail(struct sg *s, int node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
yaml_node_t *sg_node(struct sg *s, int idx);
bool sg_is_null(const yaml_node_t *n);
/* A mapping whose keys are distinct scalars, else -EINVAL. */
int sg_check_map(struct sg *s, int map, const char *what);

/* sigma_detect.c: the expression of search identifier @i, or NULL. */
struct node *sg_search(struct sg *s, int i);

#endif
