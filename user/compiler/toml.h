/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A strict reader for the subset of TOML that detection-rule files use:
 * tables, arrays of tables, dotted keys, basic/literal/multi-line strings,
 * integers, booleans, arrays and inline tables.  Floats and dates are
 * rejected.  Errors name line:col (1-based).
 */
#ifndef VIGIL_TOML_H
#define VIGIL_TOML_H

#include <stdbool.h>
#include <stddef.h>

enum toml_type {
	TOML_TABLE,
	TOML_ARRAY,
	TOML_STRING,
	TOML_INT,
	TOML_BOOL,
};

struct toml_value {
	enum toml_type type;
	int line, col;		/* where the value starts */
	/* TOML_STRING: decoded bytes (NUL-terminated) and, per byte, its offset in the source */
	char *str;
	size_t len;
	unsigned int *src_off;
	long long i;
	bool b;
	/* TOML_TABLE: keys[i] -> vals[i]; TOML_ARRAY: vals[i] */
	char **keys;
	struct toml_value **vals;
	size_t n, cap;
	bool defined;		/* table header seen, or inline (frozen) */
	bool frozen;		/* inline table/array: may not be extended */
	bool aot;		/* array created by [[...]] */
};

struct toml_doc {
	char *src;		/* copy of the source text */
	size_t src_len;
	struct toml_value *root;
};

struct toml_error {
	int line, col;
	char msg[160];
};

int toml_parse(struct toml_doc *doc, const char *buf, size_t len,
	       struct toml_error *err);
void toml_free(struct toml_doc *doc);

/* Lookup of a key in a table (NULL if absent or @t is not a table). */
struct toml_value *toml_get(const struct toml_value *t, const char *key);
/* Dotted path lookup, e.g. "rule.new_terms". */
struct toml_value *toml_get_path(const struct toml_value *t, const char *path);
/* Source line:col of byte @off of a string value. */
void toml_str_pos(const struct toml_doc *doc, const struct toml_value *s,
		  size_t off, int *line, int *col);

#endif
