// SPDX-License-Identifier: GPL-2.0
/*
 * The TOML reader: strings, arrays, tables, arrays of tables, errors.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "compiler/toml.h"

static struct toml_doc doc;
static struct toml_error err;

static int parse(const char *s)
{
	return toml_parse(&doc, s, strlen(s), &err);
}

static const char *str(const char *path)
{
	struct toml_value *v = toml_get_path(doc.root, path);

	return v && v->type == TOML_STRING ? v->str : NULL;
}

static void strings(void)
{
	CHECK_EQ(parse("a = \"x\\ty\\\"\\\\\\u00e9\"\nb = 'c:\\path'\n"
		       "c = \"\"\"\nline1\nline2\"\"\"\nd = '''\n'q'\\n'''\n"
		       "e = \"\"\"a \\\n   b\"\"\"\nf = \"\"\n"), 0);
	CHECK_STR(str("a"), "x\ty\"\\\xc3\xa9");
	CHECK_STR(str("b"), "c:\\path");
	CHECK_STR(str("c"), "line1\nline2");
	CHECK_STR(str("d"), "'q'\\n");
	CHECK_STR(str("e"), "a b");
	CHECK_STR(str("f"), "");
	toml_free(&doc);
}

static void arrays_and_values(void)
{
	struct toml_value *v;

	CHECK_EQ(parse("a = [\n  \"x\", # c\n  \"y\",\n]\nn = 42\nm = -7\n"
		       "t = true\nf = false\nin = { k = 1, \"q\" = 'v' }\n"
		       "e = []\nnest = [[1], [2, 3]]\n"), 0);
	v = toml_get(doc.root, "a");
	CHECK(v && v->type == TOML_ARRAY && v->n == 2);
	CHECK_STR(v->vals[1]->str, "y");
	CHECK_EQ(toml_get(doc.root, "n")->i, 42);
	CHECK_EQ(toml_get(doc.root, "m")->i, -7);
	CHECK(toml_get(doc.root, "t")->b);
	CHECK(!toml_get(doc.root, "f")->b);
	CHECK_EQ(toml_get_path(doc.root, "in.k")->i, 1);
	CHECK_STR(str("in.q"), "v");
	CHECK_EQ(toml_get(doc.root, "e")->n, 0);
	CHECK_EQ(toml_get(doc.root, "nest")->vals[1]->n, 2);
	toml_free(&doc);
}

static void tables(void)
{
	struct toml_value *th, *tech;

	CHECK_EQ(parse("[rule]\nname = \"n\"\na.b = 1\n"
		       "[[rule.threat]]\nframework = \"M\"\n"
		       "[[rule.threat.technique]]\nid = \"T1\"\n"
		       "[[rule.threat.technique.subtechnique]]\nid = \"T1.1\"\n"
		       "[[rule.threat.technique]]\nid = \"T2\"\n"
		       "[rule.threat.tactic]\nid = \"TA1\"\n"
		       "[[rule.threat]]\nframework = \"M2\"\n"
		       "[rule.new_terms]\nfield = \"f\"\n"
		       "[[rule.new_terms.history_window_start]]\nvalue = \"now-5d\"\n"),
		 0);
	CHECK_STR(str("rule.name"), "n");
	CHECK_EQ(toml_get_path(doc.root, "rule.a.b")->i, 1);
	th = toml_get_path(doc.root, "rule.threat");
	CHECK(th && th->type == TOML_ARRAY && th->n == 2);
	tech = toml_get(th->vals[0], "technique");
	CHECK(tech && tech->n == 2);
	CHECK_STR(toml_get(toml_get(tech->vals[0], "subtechnique")->vals[0],
			   "id")->str, "T1.1");
	CHECK_STR(toml_get_path(th->vals[0], "tactic.id")->str, "TA1");
	CHECK_STR(toml_get(th->vals[1], "framework")->str, "M2");
	CHECK_STR(toml_get(toml_get_path(doc.root,
					 "rule.new_terms.history_window_start")->vals[0],
			   "value")->str, "now-5d");
	toml_free(&doc);
}

static void expect_err(const char *text, int line, int col, const char *msg)
{
	CHECK(parse(text) != 0);
	CHECK_EQ(err.line, line);
	CHECK_EQ(err.col, col);
	if (err.col != col)
		printf("#   for \"%s\": %s\n", text, err.msg);
	CHECK(strstr(err.msg, msg) != NULL);
	if (!strstr(err.msg, msg))
		printf("#   got \"%s\"\n", err.msg);
}

static void errors(void)
{
	expect_err("a = 1\na = 2\n", 2, 1, "duplicate key");
	expect_err("a = \"x\n", 1, 7, "newline in single-line string");
	expect_err("\n\n  b = '''abc", 3, 7, "unterminated string");
	expect_err("x = 1.5\n", 1, 5, "floats");
	expect_err("[t]\n[t]\n", 2, 2, "already defined");
	expect_err("a = [1 2]\n", 1, 8, "expected ',' or ']'");
	expect_err("a = \"\\q\"\n", 1, 6, "invalid escape");
	expect_err("a = 1 b\n", 1, 7, "expected end of line");
	expect_err("a = 007\n", 1, 5, "leading zero");
	expect_err("= 1\n", 1, 1, "expected a key");
}

static void deep(void)
{
	char buf[400];
	int i;

	strcpy(buf, "a = ");
	for (i = 0; i < 100; i++)
		strcat(buf, "[");
	CHECK(parse(buf) != 0);
	CHECK(strstr(err.msg, "nested too deeply") != NULL);
}

int main(void)
{
	RUN(strings);
	RUN(arrays_and_values);
	RUN(tables);
	RUN(errors);
	RUN(deep);
	return tap_done();
}
