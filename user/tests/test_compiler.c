// SPDX-License-Identifier: GPL-2.0
/*
 * Code generation: pattern classification, sets, index hints, kind masks,
 * rule metadata, the blob layout, and rule-file level rejections.
 */
#include "tap.h"
#include "compiler_util.h"

#define HAS(hay, needle) do { \
	const char *_h = (hay); \
	CHECK(strstr(_h, needle) != NULL); \
	if (!strstr(_h, needle)) \
		printf("#   missing \"%s\" in:\n%s\n", needle, _h); \
} while (0)

static void classification(void)
{
	const char *d = cu_dump("eql",
		"process where process.args : (\"abc\", \"abc*\", \"*abc\", \"*abc*\", \"a*c\", \"a?c\", \"**x**\") "
		"or process.args like \"x\\\\*\"");

	HAS(d, "exact~\"abc\"");
	HAS(d, "prefix~\"abc\"");
	HAS(d, "suffix~\"abc\"");
	HAS(d, "contains~\"abc\"");
	HAS(d, "glob~\"a*c\"");
	HAS(d, "glob~\"a?c\"");
	HAS(d, "contains~\"x\"");
	/* a backslash in an EQL string is a literal byte; '*' stays a wildcard */
	HAS(d, "prefix\"x\\\"}");
	/* NOCASE patterns are stored lowercased */
	HAS(cu_dump("eql", "process where process.name : \"CuRL\""), "exact~\"curl\"");
	/* "*" alone is an existence test */
	HAS(cu_dump("eql", "process where process.name : \"*\""), "exists process.name");
}

static void sets(void)
{
	/* one set per field : (list), and ORs of one field merge */
	HAS(cu_dump("eql", "process where process.name == \"a\" or process.name == \"b\" or process.name : \"c\""),
	    "0 match process.name {exact\"a\", exact\"b\", exact~\"c\"}\n");
	/* AND NOT of one field merges into one NOT set */
	HAS(cu_dump("query", "process.name:x and not process.args:a and not process.args:b"),
	    "match process.args {exact\"a\", exact\"b\"}\n");
}

static void index_hints(void)
{
	HAS(cu_dump("eql", "process where process.name in (\"a\", \"b\") and process.args : \"x\""),
	    "index=process.name{exact\"a\", exact\"b\"}");
	HAS(cu_dump("eql", "process where process.name : (\"A\", \"b\")"),
	    "index=process.name{exact~\"a\", exact~\"b\"}");
	/* not when a glob is in the set, or under OR of other fields / NOT */
	CHECK(!strstr(cu_dump("eql", "process where process.name : (\"?a?\", \"b\")"), "index="));
	CHECK(!strstr(cu_dump("eql", "process where process.name : (\"*a*\", \"b\")"), "index="));
	CHECK(!strstr(cu_dump("eql", "process where process.name == \"a\" or process.args == \"b\""), "index="));
	CHECK(!strstr(cu_dump("eql", "process where not process.name == \"a\""), "index="));
	/* PREFIX and SUFFIX patterns (1..64 bytes), covered ones dropped */
	HAS(cu_dump("eql", "process where process.name : (\"a*\", \"b\")"),
	    "index=process.name{prefix~\"a\", exact~\"b\"}");
	HAS(cu_dump("eql", "process where process.name : (\"py*\", \"python3\", \"pyth*\", \"perl\")"),
	    "index=process.name{prefix~\"py\", exact~\"perl\"}");
	HAS(cu_dump("eql", "process where process.executable : (\"*/x\", \"*/bin/x\")"),
	    "index=process.executable{suffix~\"/x\"}");
	/* a glob implies the literal text before its first wildcard (else after its last) */
	HAS(cu_dump("eql", "process where process.name : (\"a?c\", \"b\")"),
	    "index=process.name{prefix~\"a\", exact~\"b\"}");
	HAS(cu_dump("eql", "process where process.executable : (\"*/x?/bin/sh\", \"*.so\")"),
	    "index=process.executable{suffix~\"/bin/sh\", suffix~\".so\"}");
	/* a case-sensitive pattern does not cover a NOCASE one */
	HAS(cu_dump("query", "process.name:(a* or b*) and process.name:A*"), "index=");
	/* but not PREFIX and SUFFIX mixed: one value could match both */
	CHECK(!strstr(cu_dump("eql", "process where process.name : (\"a*\", \"*b\")"), "index="));
	/* OR: the union when every branch has a hint on the field */
	HAS(cu_dump("eql", "process where (process.name == \"a\" and process.args == \"x\") or process.name == \"b\""),
	    "index=process.name{exact\"a\", exact\"b\"}");
	/* other fields, in order: file.name before file.extension */
	HAS(cu_dump("eql", "process where process.parent.name == \"p\" and process.args == \"x\""),
	    "index=process.parent.name{exact\"p\"}");
	HAS(cu_dump("eql", "file where file.name == \"n.so\" and file.extension == \"so\""),
	    "index=file.name{exact\"n.so\"}");
	/* event.* and ARRAY fields are never hints */
	CHECK(!strstr(cu_dump("eql", "process where event.action == \"exec\" and process.args == \"x\""), "index="));
	/* file.extension when there is no process.name set */
	HAS(cu_dump("eql", "file where file.extension in (\"so\", \"ko\") and file.path : \"/tmp/*\""),
	    "index=file.extension{exact\"so\", exact\"ko\"}");
}

static void kind_masks(void)
{
	HAS(cu_dump("eql", "file where true"), "mask=0x3c ");
	HAS(cu_dump("eql", "any where true"), "mask=0xffe ");
	HAS(cu_dump("eql", "process where true"), "mask=0xf02 ");
	HAS(cu_dump("eql", "network where true"), "mask=0xc0 ");
	/* exec, connect, accept and load_module are all event.type start */
	HAS(cu_dump("eql", "any where event.type == \"start\""), "mask=0x8c2 ");
	HAS(cu_dump("eql", "any where event.action == \"connection_accepted\""), "mask=0x80 ");
	HAS(cu_dump("eql", "file where event.action in (\"symlink\", \"rename\")"), "mask=0x18 ");
	HAS(cu_dump("eql", "file where event.type : \"creation\""), "mask=0xc ");
	HAS(cu_dump("eql", "file where event.type != \"creation\""), "mask=0x30 ");
	/* narrowing is only from conditions that must hold */
	HAS(cu_dump("eql", "file where event.type == \"creation\" or file.name == \"x\""), "mask=0x3c ");
	/* opens only when named by an action or type only opens have */
	HAS(cu_dump("eql", "file where event.action == \"opened-file\""), "mask=0x1000 ");
	HAS(cu_dump("eql", "any where event.type : \"access\" and file.name == \"x\""), "mask=0x1000 ");
	HAS(cu_dump("eql", "file where event.action in (\"opened-file\", \"rename\")"), "mask=0x1010 ");
	HAS(cu_dump("query", "event.category:file and event.action:\"opened-file\""), "mask=0x1000 ");
	HAS(cu_dump("eql", "file where file.path : \"/etc/cron*\""), "mask=0x3c ");
	HAS(cu_dump("eql", "file where event.action != \"opened-file\""), "mask=0x3c ");
	HAS(cu_dump("eql", "file where event.category == \"file\""), "mask=0x3c ");
	HAS(cu_dump("eql", "file where not event.type : \"creation\""), "mask=0x30 ");
	/* named under a negation that leaves them possible: taken */
	HAS(cu_dump("eql", "file where not (event.action == \"opened-file\" and file.name == \"x\")"),
	    "mask=0x103c ");
	HAS(cu_error("eql", "process where event.action == \"opened-file\""),
	    "condition can never match a kernel event");
	/* already_running likewise: by action or by event.type "info" */
	HAS(cu_dump("eql", "process where event.action == \"already_running\""), "mask=0x4000 ");
	HAS(cu_dump("eql", "process where event.type == \"info\" and process.name == \"sh\""), "mask=0x4000 ");
	HAS(cu_dump("eql", "process where process.name == \"sh\""), "mask=0xf02 ");
	/* binds likewise */
	HAS(cu_dump("eql", "network where event.action == \"bound-socket\""), "mask=0x2000 ");
	HAS(cu_dump("eql", "network where destination.port == 4444"), "mask=0xc0 ");
	HAS(cu_dump("query", "event.action:(bound-socket or connection_attempted)"), "mask=0x2040 ");
}

/*
 * Every field of the engine's table can be named in a rule, by its own
 * name (vigil's internal kind and flags aside), and aliases name the
 * same field: the compiler keeps no table of its own to fall behind.
 */
static void engine_fields(void)
{
	char q[160], want[160];
	int f;

	for (f = VIGIL_F_UNSPEC + 1; f < __VIGIL_F_LAST; f++) {
		const char *name = vigil_field_name(f);

		if (!name)
			continue;
		snprintf(q, sizeof(q), "%s:*", name);
		if (f == VIGIL_F_EVENT_KIND || f == VIGIL_F_EVENT_FLAGS) {
			HAS(cu_error("query", q), "is not available");
			continue;
		}
		if (f == VIGIL_F_HOST_OS_TYPE) {	/* the constant "linux" */
			HAS(cu_dump("query", q), "const 1");
			continue;
		}
		snprintf(want, sizeof(want), "exists %s\n", name);
		HAS(cu_dump("query", q), want);
	}
	HAS(cu_dump("query", "process.user.id:0 and process.real_group.id:1"),
	    "numcmp user.id == 0");
	HAS(cu_dump("query", "process.user.id:0 and process.real_group.id:1"),
	    "numcmp group.Ext.real.id == 1");
	HAS(cu_error("query", "host.os.name:linux"), "is not available");
}

static void metadata(void)
{
	const char *toml =
		"[rule]\nname = \"N\"\nrule_id = \"r.1\"\nseverity = \"critical\"\n"
		"risk_score = 99\ntype = \"new_terms\"\nlanguage = \"kuery\"\n"
		"query = \"process.name:x\"\n"
		"[rule.new_terms]\nfield = \"new_terms_fields\"\n"
		"value = [\"host.id\", \"process.parent.name\", \"user.id\"]\n"
		"[[rule.new_terms.history_window_start]]\n"
		"field = \"history_window_start\"\nvalue = \"now-7d\"\n"
		"[[rule.threat]]\n[[rule.threat.technique]]\nid = \"T1\"\nname = \"Tech\"\n"
		"[[rule.threat.technique.subtechnique]]\nid = \"T1.001\"\nname = \"Sub\"\n"
		"[rule.threat.tactic]\nid = \"TA1\"\nname = \"Tac\"\n";
	struct vigil_engine_limits lim = { 16, 16 };
	struct vigil_rule_info ri;
	struct vigil_engine *e;
	const char *reason;
	__u32 len;
	void *b = cu_compile(toml, &len);

	CHECK(b != NULL);
	if (!b)
		return;
	CHECK_EQ(vigil_ruleset_validate(b, len, &reason), 0);
	e = vigil_engine_new(b, len, &lim, &reason);
	CHECK(!IS_ERR(e));
	if (!IS_ERR(e)) {
		vigil_engine_rule_info(e, 0, &ri);
		CHECK_STR(ri.id, "r.1");
		CHECK_STR(ri.name, "N");
		CHECK_STR(ri.threat, "tactic\tTA1\tTac\ntechnique\tT1\tTech\nsubtechnique\tT1.001\tSub");
		CHECK_EQ(ri.kind, VIGIL_RULE_NEW_TERMS);
		CHECK_EQ(ri.severity, VIGIL_SEV_CRITICAL);
		CHECK_EQ(ri.risk_score, 99);
		vigil_engine_free(e);
	}
	free(b);
	HAS(cu_dump("new_terms", "process.name:x"),
	    "window_s=86400 terms=process.parent.name\n");
}

static void layout(void)
{
	struct vigil_rs_header h;
	const char *reason;
	__u32 len;
	void *b = cu_compile(cu_rule("eql",
		"process where process.name : \"x\" and process.args : \"x\""), &len);

	CHECK(b != NULL);
	if (!b)
		return;
	memcpy(&h, b, sizeof(h));
	CHECK_EQ(h.magic, VIGIL_RS_MAGIC);
	CHECK_EQ(h.version, VIGIL_RS_VERSION);
	CHECK_EQ(h.total_size, len);
	CHECK_EQ(h.rules_off % 4, 0);
	CHECK_EQ(h.strtab_off % 4, 0);
	CHECK_EQ(h.n_sets, 2);
	/* "x" is stored once: id, name, "", "x" */
	CHECK_EQ(h.strtab_size, strlen("t-1") + 1 + strlen("t") + 1 + 1 + 2);
	CHECK_EQ(vigil_ruleset_validate(b, len, &reason), 0);
	free(b);
}

static void expect_file_err(const char *toml, const char *msg, int line)
{
	__u32 len;
	void *b = cu_compile(toml, &len);

	CHECK(b == NULL);
	free(b);
	CHECK_STR(cu_err.msg, msg);
	if (line)
		CHECK_EQ(cu_err.line, line);
}

static void file_errors(void)
{
	const char *head = "[rule]\nname = \"n\"\nrule_id = \"x\"\nseverity = \"low\"\nrisk_score = 5\n";
	char buf[1024];

	snprintf(buf, sizeof(buf), "%stype = \"esql\"\nlanguage = \"esql\"\nquery = \"a:b\"\n", head);
	expect_file_err(buf, "rule type 'esql' not supported", 6);
	snprintf(buf, sizeof(buf), "%stype = \"threshold\"\nlanguage = \"kuery\"\nquery = \"process.name:b\"\n", head);
	expect_file_err(buf, "threshold rule without [rule.threshold]", 0);
	snprintf(buf, sizeof(buf), "%stype = \"esql\"\nlanguage = \"esql\"\nquery = \"from x\"\n", head);
	expect_file_err(buf, "rule type 'esql' not supported", 6);
	snprintf(buf, sizeof(buf), "%stype = \"eql\"\nlanguage = \"kuery\"\nquery = \"a:b\"\n", head);
	expect_file_err(buf, "language 'kuery' not supported for rule type 'eql'", 7);
	snprintf(buf, sizeof(buf), "%stype = \"eql\"\nlanguage = \"eql\"\n", head);
	expect_file_err(buf, "missing rule.query", 0);
	expect_file_err("[rule]\nrule_id = \"a b\"\n", "rule_id must be 1..64 of [A-Za-z0-9_.-]", 2);
	expect_file_err("[metadata]\n", "no [rule] table", 0);
	snprintf(buf, sizeof(buf), "[rule]\nname = \"n\"\nrule_id = \"x\"\nseverity = \"bad\"\nrisk_score = 5\n"
		 "type = \"eql\"\nlanguage = \"eql\"\nquery = \"process where true\"\n");
	expect_file_err(buf, "unknown severity 'bad'", 4);
	snprintf(buf, sizeof(buf), "%stype = \"new_terms\"\nlanguage = \"kuery\"\nquery = \"process.name:x\"\n"
		 "[rule.new_terms]\nfield = \"new_terms_fields\"\nvalue = [\"host.id\", \"process.title\"]\n", head);
	expect_file_err(buf, "new_terms field 'process.title' is not available in kernel events", 11);
	/* a query error points into the file */
	snprintf(buf, sizeof(buf), "%stype = \"eql\"\nlanguage = \"eql\"\nquery = \"\"\"\nprocess where\n    bogus.field == 1\"\"\"\n", head);
	expect_file_err(buf, "field 'bogus.field' is not available in kernel events", 10);
	CHECK_EQ(cu_err.col, 5);
}

static void determinism(void)
{
	__u32 l1, l2;
	void *a = cu_compile(cu_rule("eql", "process where process.name : (\"a\", \"b\")"), &l1);
	void *b = cu_compile(cu_rule("eql", "process where process.name : (\"a\", \"b\")"), &l2);

	CHECK(a && b && l1 == l2 && !memcmp(a, b, l1));
	free(a);
	free(b);
}

static void many_rules(void)
{
	struct vigil_compiler *c = vigil_compiler_new();
	const char *reason;
	void *blob;
	__u32 len;
	int i;

	for (i = 0; i < 50; i++) {
		char t[512];

		snprintf(t, sizeof(t),
			 "[rule]\nname = \"n%d\"\nrule_id = \"id-%d\"\n"
			 "severity = \"low\"\nrisk_score = 1\ntype = \"eql\"\n"
			 "language = \"eql\"\n"
			 "query = 'process where process.name == \"p%d\"'\n",
			 i, i, i % 7);
		CHECK_EQ(vigil_compiler_add_buf(c, t, strlen(t), &cu_err), 0);
	}
	/* a failing rule leaves the compiler unchanged */
	CHECK(vigil_compiler_add_buf(c, cu_rule("eql", "process where process.title == \"x\""),
				     strlen(cu_toml), &cu_err) != 0);
	CHECK_EQ(vigil_compiler_count(c), 50);
	CHECK_EQ(vigil_compiler_emit(c, &blob, &len, &cu_err), 0);
	CHECK_EQ(vigil_ruleset_validate(blob, len, &reason), 0);
	free(blob);
	vigil_compiler_free(c);
}

int main(void)
{
	RUN(classification);
	RUN(sets);
	RUN(index_hints);
	RUN(kind_masks);
	RUN(engine_fields);
	RUN(metadata);
	RUN(layout);
	RUN(file_errors);
	RUN(determinism);
	RUN(many_rules);
	return tap_done();
}
