/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small strict JSON reader (one document per call, for ECS event
 * lines) and a JSON string writer.
 */
#ifndef VIGIL_JSON_H
#define VIGIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "outbuf.h"

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUM,
	JSON_STR,
	JSON_ARR,
	JSON_OBJ,
};

struct json {
	enum json_type type;
	bool b;
	double num;
	char *str;		/* JSON_STR: decoded, NUL-terminated; also the */
	size_t len;		/* raw text of a JSON_NUM */
	char **keys;		/* JSON_OBJ */
	struct json **vals;	/* JSON_OBJ, JSON_ARR */
	size_t n;
};

/* Parses @len bytes; Return: the value or NULL with @err (and *@at) set. */
struct json *json_parse(const char *s, size_t len, char *err, size_t errlen,
			size_t *at);
void json_free(struct json *j);
struct json *json_get(const struct json *obj, const char *key);

/* Writes @s as a JSON string literal (quotes included). */
size_t json_utf8_len(const unsigned char *s, size_t n);
void json_put_str(FILE *f, const char *s, size_t len);
void json_put_cstr(FILE *f, const char *s);
/* The same, appended to @b. */
void json_buf_str(struct vigil_outbuf *b, const char *s, size_t len);
void json_buf_cstr(struct vigil_outbuf *b, const char *s);
/*
 * Members of an object written into @b: "key": after a comma unless the
 * member is the first of its object (@b ends in '{'), then the value.
 * @key is written as it is: a name vigilctl chose, never input.
 */
void json_buf_key(struct vigil_outbuf *b, const char *key);
void json_buf_member_u64(struct vigil_outbuf *b, const char *key,
			 uint64_t v);
void json_buf_member_bool(struct vigil_outbuf *b, const char *key, bool v);
void json_buf_member_cstr(struct vigil_outbuf *b, const char *key,
			  const char *s);

#endif
