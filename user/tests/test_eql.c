// SPDX-License-Identifier: GPL-2.0
/*
 * EQL: parsing, operator semantics (checked by running the engine),
 * sequences and rejections.
 */
#include "tap.h"
#include "compiler_util.h"

#define M(q, name, ...) cu_exec_matches("eql", q, name, ARGV(__VA_ARGS__))

static void operators(void)
{
	/* == is case-sensitive exact; : is case-insensitive glob */
	CHECK_EQ(M("process where process.name == \"cp\"", "cp", "cp"), 1);
	CHECK_EQ(M("process where process.name == \"cp\"", "CP", "CP"), 0);
	CHECK_EQ(M("process where process.name == \"c*\"", "cp", "cp"), 0);
	CHECK_EQ(M("process where process.name : \"C*\"", "cp", "cp"), 1);
	CHECK_EQ(M("process where process.name : \"c?\"", "cp", "cp"), 1);
	CHECK_EQ(M("process where process.name : (\"x\", \"CP\")", "cp", "cp"), 1);
	CHECK_EQ(M("process where process.name != \"cp\"", "cp", "cp"), 0);
	CHECK_EQ(M("process where process.name != \"cp\"", "mv", "mv"), 1);
	/* like is case-sensitive, like~ not */
	CHECK_EQ(M("process where process.name like \"C*\"", "cp", "cp"), 0);
	CHECK_EQ(M("process where process.name like~ \"C*\"", "cp", "cp"), 1);
	/* in / in~ / not in */
	CHECK_EQ(M("process where process.name in (\"a\", \"cp\")", "cp", "cp"), 1);
	CHECK_EQ(M("process where process.name in (\"CP\")", "cp", "cp"), 0);
	CHECK_EQ(M("process where process.name in~ (\"CP\")", "cp", "cp"), 1);
	CHECK_EQ(M("process where process.name not in (\"cp\")", "cp", "cp"), 0);
	CHECK_EQ(M("process where not process.name in (\"x\")", "cp", "cp"), 1);
	/* functions */
	CHECK_EQ(M("process where startsWith(process.name, \"c\")", "cp", "cp"), 1);
	CHECK_EQ(M("process where endsWith~(process.name, \"P\")", "cp", "cp"), 1);
	CHECK_EQ(M("process where stringContains(process.name, \"P\")", "cp", "cp"), 0);
	/* arrays: any element */
	CHECK_EQ(M("process where process.args : \"/etc/*\"", "cp", "cp", "/etc/x"), 1);
	CHECK_EQ(M("process where process.args == \"b\"", "cp", "a", "b"), 1);
	CHECK_EQ(M("process where not process.args : \"b\"", "cp", "a", "b"), 0);
	/* precedence: not > and > or */
	CHECK_EQ(M("process where process.name == \"x\" and process.name == \"y\" or process.name == \"cp\"",
		   "cp", "cp"), 1);
	CHECK_EQ(M("process where process.name == \"cp\" and not process.name == \"cp\" or false",
		   "cp", "cp"), 0);
	/* null and optional fields */
	CHECK_EQ(M("process where process.parent.name == null", "cp", "cp"), 1);
	CHECK_EQ(M("process where ?process.parent.name != null", "cp", "cp"), 0);
	/* host.os.type is the constant "linux" */
	CHECK_EQ(M("process where host.os.type == \"linux\" and process.name == \"cp\"", "cp", "cp"), 1);
	CHECK_EQ(M("process where host.os.type == \"windows\" or process.name == \"cp\"", "cp", "cp"), 1);
}

static void numbers(void)
{
	CHECK_EQ(M("process where process.args_count >= 2", "cp", "cp", "a"), 0);
	/* the helper leaves args_count unset: missing is false */
	CHECK_STR(cu_error("eql", "process where user.id == \"root\""),
		  "field 'user.id' is numeric; value is not a number");
	CHECK_STR(cu_error("eql", "process where user.id == \"0\" and process.args_count > 3"), "");
	CHECK_STR(cu_error("eql", "process where process.name > \"a\""),
		  "ordering comparison on string field 'process.name'");
}

static void sequences(void)
{
	struct vigil_engine *e = cu_engine("eql",
		"sequence by process.entity_id with maxspan=10s\n"
		"  [process where process.name == \"cp\"]\n"
		"  [file where event.action == \"creation\" and file.extension == \"so\"]");
	struct cu_ev *c = calloc(1, sizeof(*c));
	u64 s = 1000000000ULL;

	CHECK(e != NULL);
	cu_exec(c, 1 * s, "A", "cp", ARGV("cp"));
	CHECK_EQ(cu_run(e, c), 0);
	cu_file(c, 2 * s, "B", VIGIL_EV_CREATE, "/tmp/x.so");
	CHECK_EQ(cu_run(e, c), 0);		/* other process */
	cu_file(c, 3 * s, "A", VIGIL_EV_SYMLINK, "/tmp/x.so");
	CHECK_EQ(cu_run(e, c), 0);		/* not a creation */
	cu_file(c, 4 * s, "A", VIGIL_EV_CREATE, "/tmp/x.so");
	CHECK_EQ(cu_run(e, c), 1);
	cu_exec(c, 20 * s, "C", "cp", ARGV("cp"));
	CHECK_EQ(cu_run(e, c), 0);
	cu_file(c, 31 * s, "C", VIGIL_EV_CREATE, "/tmp/x.so");
	CHECK_EQ(cu_run(e, c), 0);		/* 11s > maxspan */
	free(c);
	vigil_engine_free(e);
	CHECK(strstr(cu_dump("eql", "sequence by process.entity_id with maxspan=2m "
			     "[process where true] by process.pid [file where true] by process.parent.pid"),
		      "maxspan_ms=120000") != NULL);
	CHECK(strstr(cu_dump("eql", "sequence with maxspan=1s [process where true] with runs=3 "
			     "[process where true]"),
		      "runs=3") != NULL);
	/* one step with runs=N becomes [A] then [A] with runs=N-1 */
	CHECK(strstr(cu_dump("eql", "sequence by process.entity_id with maxspan=1s "
			     "[process where process.name == \"id\"] with runs=5"),
		      "steps=2 ") != NULL);
	CHECK(strstr(cu_dump("eql", "sequence by process.entity_id with maxspan=1s "
			     "[process where process.name == \"id\"] with runs=5"),
		      " step 1 mask=0x2 runs=4 ") != NULL);
	/* host.id is constant on one host: dropped from the join */
	CHECK(strstr(cu_dump("eql", "sequence by host.id, process.entity_id with maxspan=1s "
			     "[process where true] [file where true]"),
		      "by=process.entity_id\n") != NULL);
	/* no maxspan: the rule's look-back, [rule] from (default now-6m) */
	CHECK(strstr(cu_dump("eql", "sequence [process where true] [file where true]"),
		      "maxspan_ms=360000") != NULL);
}

static void rejections(void)
{
	CHECK_STR(cu_error("eql", "network where true"),
		  "event category 'network' is not supported");
	CHECK_STR(cu_error("eql", "process where user.name == \"root\""),
		  "field 'user.name' is not available in kernel events");
	CHECK_STR(cu_error("eql", "process where cidrMatch(process.name, \"x\")"),
		  "function 'cidrMatch' is not supported");
	CHECK_STR(cu_error("eql", "sequence with maxspan=1m [process where true] [file where true] until [process where true]"),
		  "'until' is not supported");
	CHECK_STR(cu_error("eql", "sequence with maxspan=2h [process where true] [file where true]"),
		  "maxspan 2h out of range (1ms..3600s)");
	CHECK_STR(cu_error("eql", "process where process.name == \"x\" | head 1"),
		  "pipes are not supported");
	CHECK_STR(cu_error("eql", "process where event.type == \"end\""),
		  "condition can never match a kernel event (event.category/type/action)");
	CHECK_STR(cu_error("eql", "process where false"), "condition is always false");
	CHECK_STR(cu_error("eql", "process where process.name == process.parent.name"),
		  "comparing field with field ('process.parent.name') is not supported");
	CHECK_STR(cu_error("eql", "process where (process.name == \"x\""), "expected ')'");
}

static void error_position(void)
{
	/* the query text starts on line 9 of the generated file */
	cu_error("eql", "process where\n  user.name == \"x\"");
	CHECK_EQ(cu_err.line, 10);
	CHECK_EQ(cu_err.col, 3);
}

static void deep_nesting(void)
{
	char q[2000] = "process where ";
	int i;

	for (i = 0; i < 200; i++)
		strcat(q, "(");
	CHECK_STR(cu_error("eql", q), "query nested too deeply");
	strcpy(q, "process where ");
	for (i = 0; i < 200; i++)
		strcat(q, "not ");
	strcat(q, "true");
	CHECK_STR(cu_error("eql", q), "query nested too deeply");
}

int main(void)
{
	RUN(operators);
	RUN(numbers);
	RUN(sequences);
	RUN(rejections);
	RUN(error_position);
	RUN(deep_nesting);
	return tap_done();
}
