// SPDX-License-Identifier: GPL-2.0
/*
 * The Sigma front end: rejections name the line:col of the YAML node at
 * fault and one reason; Sigma and TOML rules mix in one ruleset.  The
 * SigmaHQ corpus is test_corpus.c's; matching semantics are checked
 * against an independent evaluator by sigma_diff.py.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "compiler/compiler.h"
#include "engine.h"

static char yml[8192];
static struct vigil_cerror err;

/* A rule: line 1 title, 2 id, 3 level, 4-6 logsource, 7 detection. */
static const char *rule(const char *cat, const char *det)
{
	snprintf(yml, sizeof(yml),
		 "title: t\nid: t-1\nlevel: low\nlogsource:\n"
		 "    product: linux\n    category: %s\ndetection:\n%s",
		 cat, det);
	return yml;
}

static int add(const char *text)
{
	struct vigil_compiler *c = vigil_compiler_new();
	int r;

	if (!c)
		return -1;
	r = vigil_compiler_add_sigma_buf(c, text, strlen(text), &err);
	vigil_compiler_free(c);
	return r;
}

static const struct {
	const char *cat, *det, *why;
	int line, col;
} rejects[] = {
	{ "process_creation", "    k:\n        - evil\n    condition: k\n",
	  "keyword search", 9, 11 },
	{ "process_creation", "    s:\n        Image: x\n    condition: s | count() > 2\n",
	  "aggregations", 10, 18 },
	{ "process_creation", "    s:\n        Image: x\n    timeframe: 5m\n    condition: s\n",
	  "timeframe", 10, 5 },
	{ "process_creation", "    s:\n        CommandLine|cidr: 10.0.0.0/8\n    condition: s\n",
	  "modifier 'cidr' is not supported: no field of the process_creation and file_event log sources is an IP address", 9, 9 },
	{ "process_creation", "    s:\n        Image|fieldref: ParentImage\n    condition: s\n",
	  "cannot compare two fields", 9, 9 },
	{ "process_creation", "    s:\n        Image|wide|base64: x\n    condition: s\n",
	  "UTF-16", 9, 9 },
	{ "process_creation", "    s:\n        Image|nosuch: x\n    condition: s\n",
	  "unknown modifier 'nosuch'", 9, 9 },
	{ "process_creation", "    s:\n        Foo: x\n    condition: s\n",
	  "field 'Foo' is not available in vigil's process_creation events", 9, 9 },
	{ "process_creation", "    s:\n        User: root\n    condition: s\n",
	  "field 'User' is not available", 9, 9 },
	{ "process_creation", "    s:\n        TargetFilename: /x\n    condition: s\n",
	  "field 'TargetFilename' is not available", 9, 9 },
	{ "file_event", "    s:\n        CommandLine: x\n    condition: s\n",
	  "field 'CommandLine' is not available in vigil's file_event", 9, 9 },
	{ "process_creation", "    s:\n        Image|re: 'a(?=b)'\n    condition: s\n",
	  "'(?...)'", 9, 19 },
	{ "process_creation", "    s:\n        Image|re: '\\Aabc'\n    condition: s\n",
	  "regex escape '\\A'", 9, 19 },
	{ "process_creation", "    s:\n        Image|re|m: '^abc'\n    condition: s\n",
	  "re|m with", 9, 21 },
	{ "process_creation", "    s:\n        Image|re: '^a|b'\n    condition: s\n",
	  "top-level '|'", 9, 19 },
	{ "process_creation", "    s:\n        Image|re: 'a[b'\n    condition: s\n",
	  "regex:", 9, 19 },
	{ "process_creation", "    s:\n        Image|i: x\n    condition: s\n",
	  "needs a preceding 're'", 9, 9 },
	{ "process_creation", "    s:\n        Image|contains|endswith: x\n    condition: s\n",
	  "exclude each other", 9, 9 },
	{ "process_creation", "    s:\n        Image|base64: 'a*'\n    condition: s\n",
	  "base64 of a value with wildcards", 9, 23 },
	{ "process_creation", "    s:\n        Image|contains|all: x\n    condition: s\n",
	  "'all' needs a list", 9, 9 },
	{ "process_creation", "    s:\n        Image|exists: maybe\n    condition: s\n",
	  "exists needs true or false", 9, 23 },
	{ "process_creation", "    s:\n        ProcessId: abc\n    condition: s\n",
	  "is numeric", 9, 20 },
	{ "process_creation", "    s:\n        ProcessId|contains: 1\n    condition: s\n",
	  "string modifiers do not apply", 9, 9 },
	{ "process_creation", "    s:\n        Image|lt: 1\n    condition: s\n",
	  "need a numeric field", 9, 9 },
	{ "process_creation", "    s1:\n        Image: x\n    condition: 2 of s*\n",
	  "'2 of' is not supported", 10, 16 },
	{ "process_creation", "    s:\n        Image: x\n    condition: s and t\n",
	  "unknown search identifier 't'", 10, 22 },
	{ "process_creation", "    s:\n        Image: x\n    condition: 1 of f*\n",
	  "'f*' matches no search identifier", 10, 21 },
	{ "process_creation", "    s:\n        Image: x\n    condition: (s\n",
	  "expected ')'", 10, 18 },
	{ "process_creation", "    s:\n        Image: x\n    condition: s near t\n",
	  "unexpected 'near'", 10, 18 },
	{ "process_creation", "    s:\n        Image: x\n        Image: y\n    condition: s\n",
	  "duplicate key 'Image'", 10, 9 },
	{ "process_creation", "    s: &a\n        Image: x\n    t: *a\n    condition: s\n",
	  "YAML aliases", 10, 5 },
	{ "process_creation", "    s:\n        Image: [x\n    condition: s\n",
	  "YAML:", 10, 14 },
	{ "process_creation", "    s:\n        Image: x\n",
	  "detection without condition", 8, 5 },
	{ "process_creation", "    s:\n        Image: x\n    condition: s and not s\n",
	  "", 0, 0 },	/* compiles: not a constant in vigil's simplifier */
	{ "network_connection", "    s:\n        Image: x\n    condition: s\n",
	  "logsource category must be process_creation or file_event", 6, 15 },
};

static void rejections(void)
{
	size_t i;

	for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		int r = add(rule(rejects[i].cat, rejects[i].det));

		if (!rejects[i].why[0]) {
			CHECK_EQ(r, 0);
			continue;
		}
		if (!r || !strstr(err.msg, rejects[i].why) ||
		    err.line != rejects[i].line || err.col != rejects[i].col) {
			printf("#   case %zu: %d:%d: %s (want %d:%d: %s)\n", i,
			       err.line, err.col, r ? err.msg : "(compiled)",
			       rejects[i].line, rejects[i].col, rejects[i].why);
			CHECK(0);
		}
	}
}

static void metadata(void)
{
	static const char *const bad[][2] = {
		{ "title: t\nlevel: low\n", "missing id" },
		{ "title: t\nid: 'a b'\nlevel: low\n", "id must be" },
		{ "id: x\nlevel: low\n", "missing title" },
		{ "title: t\nid: x\n", "missing level" },
		{ "title: t\nid: x\nlevel: severe\n", "unknown level 'severe'" },
		{ "title: t\nid: x\nlevel: low\nstatus: great\n", "unknown status" },
		{ "title: t\nid: x\nlevel: low\ncorrelation:\n    type: event_count\n",
		  "correlation rules" },
		{ "title: t\nid: x\nlevel: low\nlogsource:\n    product: windows\n",
		  "product must be linux" },
		{ "title: t\nid: x\nlevel: low\nlogsource:\n    product: linux\n    service: auditd\n",
		  "logsource service 'auditd'" },
		{ "- a list\n", "must be a mapping" },
		{ "", "empty document" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!add(bad[i][0]) || !strstr(err.msg, bad[i][1])) {
			printf("#   case %zu: %s (want %s)\n", i, err.msg,
			       bad[i][1]);
			CHECK(0);
		}
	}
	/* more than one document: a collection */
	CHECK(add("title: t\nid: x\nlevel: low\n---\ntitle: u\n") != 0);
	CHECK(strstr(err.msg, "more than one YAML document") != NULL);
	CHECK_EQ(err.line, 5);
}

/* A TOML rule and a Sigma rule in one ruleset. */
static void mixed(void)
{
	static const char toml[] =
		"[rule]\nname = \"t\"\nrule_id = \"toml-1\"\nseverity = \"low\"\n"
		"risk_score = 1\ntype = \"eql\"\nlanguage = \"eql\"\n"
		"query = 'process where process.name == \"x\"'\n";
	struct vigil_compiler *c = vigil_compiler_new();
	const char *reason;
	void *blob;
	__u32 len;

	rule("file_event", "    s:\n        TargetFilename|endswith: /x\n"
	     "    condition: s\n");
	CHECK_EQ(vigil_compiler_add_buf(c, toml, strlen(toml), &err), 0);
	CHECK_EQ(vigil_compiler_add_sigma_buf(c, yml, strlen(yml), &err), 0);
	CHECK_EQ(vigil_compiler_count(c), 2);
	CHECK_EQ(vigil_compiler_emit(c, &blob, &len, &err), 0);
	CHECK_EQ(vigil_ruleset_validate(blob, len, &reason), 0);
	free(blob);
	vigil_compiler_free(c);
}

int main(void)
{
	RUN(rejections);
	RUN(metadata);
	RUN(mixed);
	return tap_done();
}
