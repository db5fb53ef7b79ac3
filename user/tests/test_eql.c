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
		      " step 1 mask=0xf02 runs=4 ") != NULL);
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
	CHECK_STR(cu_error("eql", "iam where true"),
		  "event category 'iam' is not supported");
	CHECK_STR(cu_error("eql", "process where process.title == \"root\""),
		  "field 'process.title' is not available in kernel events");
	CHECK_STR(cu_error("eql", "process where length(process.args) > 1"),
		  "length() of field 'process.args' is not supported");
	CHECK_STR(cu_error("eql", "process where length(process.pid) > 1"),
		  "length() of field 'process.pid' is not supported");
	CHECK_STR(cu_error("eql", "process where length(process.name) > 4095"),
		  "length() compares with a number from 0 to 4094");
	CHECK_STR(cu_error("eql", "process where length(process.name) > \"4\""),
		  "length() compares with a number from 0 to 4094");
	CHECK_STR(cu_error("eql", "process where length(process.name)"),
		  "length() needs a comparison");
	CHECK_STR(cu_error("eql", "sequence with maxspan=1m [process where true] [file where true] until [process where true]"),
		  "'until' is not supported");
	CHECK_STR(cu_error("eql", "sequence with maxspan=2h [process where true] [file where true]"),
		  "maxspan 2h out of range (1ms..3600s)");
	CHECK_STR(cu_error("eql", "process where process.name == \"x\" | head 1"),
		  "pipes are not supported");
	CHECK_STR(cu_error("eql", "process where event.type == \"installation\""),
		  "condition can never match a kernel event (event.category/type/action)");
	CHECK_STR(cu_error("eql", "process where false"), "condition is always false");
	CHECK_STR(cu_error("eql", "process where process.name == process.parent.name"),
		  "comparing field with field ('process.parent.name') is not supported");
	CHECK_STR(cu_error("eql", "process where (process.name == \"x\""), "expected ')'");
}

/* ECS booleans: true and false are 1 and 0; a missing field is neither */
static void booleans(void)
{
	const enum vigil_field f = VIGIL_F_PARENT_INTERACTIVE;

	CHECK_EQ(cu_exec_num_matches("eql", "process where process.parent.interactive == true", f, 1), 1);
	CHECK_EQ(cu_exec_num_matches("eql", "process where process.parent.interactive == true", f, 0), 0);
	CHECK_EQ(cu_exec_num_matches("eql", "process where process.parent.interactive == true", f, -1), 0);
	CHECK_EQ(cu_exec_num_matches("eql", "process where process.parent.interactive != true", f, 0), 1);
	CHECK_EQ(cu_exec_num_matches("eql", "process where process.parent.interactive == false", f, 0), 1);
	CHECK_EQ(cu_exec_num_matches("eql", "process where process.parent.interactive in (false)", f, 1), 0);
	CHECK_STR(cu_error("eql", "process where process.name == true"),
		  "boolean values are not supported here");
	CHECK_STR(cu_error("eql", "process where user.id == false"),
		  "boolean values are not supported here");
}

/*
 * length(): Elastic's EQL on a string field; a missing field has no
 * length, so no comparison with it holds.
 */
static void length_fn(void)
{
	static const struct {
		const char *op;
		int want[5]; /* for lengths 0, 2, 3, 4 and no field */
	} ops[] = {
		{ ">", { 0, 0, 0, 1, 0 } },  { ">=", { 0, 0, 1, 1, 0 } },
		{ "<", { 1, 1, 0, 0, 0 } },  { "<=", { 1, 1, 1, 0, 0 } },
		{ "==", { 0, 0, 1, 0, 0 } }, { "!=", { 1, 1, 0, 1, 0 } },
	};
	static const char *const names[] = { "", "ab", "abc", "abcd" };
	char q[128];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		for (j = 0; j < ARRAY_SIZE(names); j++) {
			snprintf(q, sizeof(q),
				 "process where length(process.name) %s 3",
				 ops[i].op);
			CHECK_EQ(M(q, names[j], "x"), ops[i].want[j]);
		}
		snprintf(q, sizeof(q),
			 "process where length(?process.executable) %s 3",
			 ops[i].op);
		CHECK_EQ(M(q, "abc", "x"), ops[i].want[4]);
	}
	/* the corpus rule's own form */
	CHECK_EQ(M("process where length(process.name) > 50 and process.name : \"*\\\\x*\"",
		   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\x", "x"), 1);
	CHECK_EQ(M("process where length(process.name) > 50 and process.name : \"*\\\\x*\"",
		   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\x", "x"), 0);
}

/* A connect from 192.168.1.5 to @dst port 443 through "network where @q". */
#define N(q, dst) \
	cu_net_matches("eql", "network where " q, "192.168.1.5", dst, 443)
#define LOCAL "cidrmatch(destination.ip, \"127.0.0.0/8\", \"169.254.0.0/16\", " \
	      "\"224.0.0.0/4\", \"::1\")"

static void ip_fields(void)
{
	/* cidrMatch (any case), IPv4 and IPv6 blocks, an address alone */
	CHECK_EQ(N(LOCAL, "127.1.2.3"), 1);
	CHECK_EQ(N(LOCAL, "128.0.0.1"), 0);
	CHECK_EQ(N(LOCAL, "239.255.255.255"), 1);
	CHECK_EQ(N(LOCAL, "240.0.0.0"), 0);
	CHECK_EQ(N(LOCAL, "::1"), 1);
	CHECK_EQ(N(LOCAL, "::2"), 0);
	CHECK_EQ(N(LOCAL, NULL), 0);		/* no address: false */
	CHECK_EQ(N("not " LOCAL, NULL), 1);
	CHECK_EQ(N("cidrMatch(destination.ip, \"FE80::/10\")", "fe80::1"), 1);
	CHECK_EQ(N("cidrMatch(destination.ip, \"FE80::/10\")", "febf:ffff::1"), 1);
	CHECK_EQ(N("cidrMatch(destination.ip, \"FE80::/10\")", "fec0::1"), 0);
	CHECK_EQ(N("cidrMatch(destination.ip, \"10.1.2.3/8\")", "10.200.0.1"), 1);
	/* an IPv4-mapped IPv6 address is the IPv4 address */
	CHECK_EQ(N("cidrMatch(destination.ip, \"10.0.0.0/8\")", "::ffff:10.1.2.3"), 1);
	CHECK_EQ(N("destination.ip == \"::ffff:10.1.2.3\"", "10.1.2.3"), 1);
	CHECK_EQ(N("cidrMatch(destination.ip, \"::/0\")", "10.1.2.3"), 1);
	CHECK_EQ(N("cidrMatch(destination.ip, \"0.0.0.0/0\")", "8.8.8.8"), 1);
	CHECK_EQ(N("cidrMatch(destination.ip, \"0.0.0.0/0\")", "::1"), 0);
	/* ==, !=, in, : compare addresses; a block is a range, as in a term query */
	CHECK_EQ(N("destination.ip == \"10.0.0.1\"", "10.0.0.1"), 1);
	CHECK_EQ(N("destination.ip == \"10.0.0.1\"", "10.0.0.2"), 0);
	CHECK_EQ(N("destination.ip != \"10.0.0.1\"", "10.0.0.2"), 1);
	CHECK_EQ(N("destination.ip != \"10.0.0.1\"", "10.0.0.1"), 0);
	CHECK_EQ(N("destination.ip in (\"::1\", \"10.0.0.0/8\")", "10.9.9.9"), 1);
	CHECK_EQ(N("destination.ip not in (\"::1\", \"10.0.0.0/8\")", "::1"), 0);
	CHECK_EQ(N("destination.ip : \"0:0:0:0:0:0:0:1\"", "::1"), 1);
	CHECK_EQ(N("destination.ip == null", NULL), 1);
	CHECK_EQ(N("destination.ip != null", "::"), 1);
	CHECK_EQ(N("source.ip == \"192.168.1.5\" and destination.port == 443",
		   "::"), 1);
	/* one set of CIDR patterns, printed as blocks; no IP index */
	CHECK(strstr(cu_dump("eql", "network where " LOCAL),
		     "0 match destination.ip {cidr\"127.0.0.0/8\", cidr\"169.254.0.0/16\", cidr\"224.0.0.0/4\", cidr\"::1/128\"}\n") != NULL);
	CHECK(strstr(cu_dump("eql", "network where destination.ip == \"0.0.0.0\" or " LOCAL),
		     "0 match destination.ip {cidr\"0.0.0.0/32\", cidr\"127.0.0.0/8\",") != NULL);
	CHECK(!strstr(cu_dump("eql", "network where destination.ip == \"1.2.3.4\""),
		      "index="));
	/* joins and new terms on an address */
	CHECK_STR(cu_error("eql", "sequence by source.ip with maxspan=1s "
			   "[network where true] [network where true]"), "");
}

static void ip_errors(void)
{
	CHECK_STR(cu_error("eql", "network where cidrMatch(process.name, \"10.0.0.0/8\")"),
		  "cidrMatch() needs an IP field; 'process.name' is not one");
	CHECK_EQ(cu_err.col, 25);
	CHECK_STR(cu_error("eql", "network where cidrMatch(destination.ip, \"10.0.0.0/33\")"),
		  "'10.0.0.0/33' is not an IP address or CIDR block");
	CHECK_EQ(cu_err.line, 9);
	CHECK_EQ(cu_err.col, 41);
	CHECK_STR(cu_error("eql", "network where cidrMatch(destination.ip, \"::1/129\", \"x\")"),
		  "'::1/129' is not an IP address or CIDR block");
	/* Elasticsearch refuses a prefix on an IPv4-mapped address too */
	CHECK_STR(cu_error("eql", "network where cidrMatch(destination.ip, \"::ffff:10.0.0.0/104\")"),
		  "'::ffff:10.0.0.0/104' is not an IP address or CIDR block");
	CHECK_STR(cu_error("eql", "network where cidrMatch(destination.ip)"),
		  "cidrMatch() needs at least one string");
	CHECK_STR(cu_error("eql", "network where cidrMatch(destination.ip, 10)"),
		  "cidrMatch() needs strings");
	CHECK_STR(cu_error("eql", "network where cidrMatch~(destination.ip, \"::1\")"),
		  "function 'cidrMatch~' is not supported");
	/* no wildcards, patterns or orderings on an address */
	CHECK_STR(cu_error("eql", "network where destination.ip : \"10.*\""),
		  "'10.*' is not an IP address or CIDR block");
	CHECK_EQ(cu_err.col, 32);
	CHECK_STR(cu_error("eql", "network where destination.ip in (\"::1\", \"localhost\")"),
		  "'localhost' is not an IP address or CIDR block");
	CHECK_STR(cu_error("eql", "network where destination.ip like \"10.*\""),
		  "like on IP field 'destination.ip' is not supported: compare with addresses or use cidrMatch()");
	CHECK_STR(cu_error("eql", "network where destination.ip regex \"10\\\\..*\""),
		  "regex on IP field 'destination.ip' is not supported: compare with addresses or use cidrMatch()");
	CHECK_STR(cu_error("eql", "network where destination.ip > \"10.0.0.0\""),
		  "ordering comparison on IP field 'destination.ip' is not supported: compare with addresses or use cidrMatch()");
	CHECK_STR(cu_error("eql", "network where startsWith(destination.ip, \"10.\")"),
		  "startsWith() on field 'destination.ip' is not supported");
}

static void error_position(void)
{
	/* the query text starts on line 9 of the generated file */
	cu_error("eql", "process where\n  process.title == \"x\"");
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
	RUN(length_fn);
	RUN(booleans);
	RUN(ip_fields);
	RUN(ip_errors);
	RUN(error_position);
	RUN(deep_nesting);
	return tap_done();
}
