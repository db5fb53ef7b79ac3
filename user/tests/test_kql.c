// SPDX-License-Identifier: GPL-2.0
/*
 * KQL: values, groups with any-element semantics, precedence, escapes,
 * ranges and rejections; semantics checked by running the engine.
 */
#include "tap.h"
#include "compiler_util.h"

#define M(q, name, ...) cu_exec_matches("query", q, name, ARGV(__VA_ARGS__))

static void values(void)
{
	CHECK_EQ(M("process.name:cp", "cp", "cp"), 1);
	CHECK_EQ(M("process.name:CP", "cp", "cp"), 0);	/* case-sensitive */
	CHECK_EQ(M("process.name:c*", "cp", "cp"), 1);
	CHECK_EQ(M("process.name:\"c*\"", "cp", "cp"), 0);	/* quoted: literal */
	CHECK_EQ(M("process.name:\"c*\"", "c*", "c*"), 1);
	CHECK_EQ(M("process.name:c\\*", "c*", "c*"), 1);	/* escaped star */
	CHECK_EQ(M("process.name:c\\*", "cp", "cp"), 0);
	CHECK_EQ(M("process.name:c?", "cp", "cp"), 0);	/* ? is literal */
	CHECK_EQ(M("process.name:*", "cp", "cp"), 1);
	CHECK_EQ(M("process.parent.name:*", "cp", "cp"), 0);
	CHECK_EQ(M("process.args:\\-\\-symbolic\\-link", "cp", "cp", "--symbolic-link"), 1);
	/* an unquoted value runs on across spaces up to a keyword */
	CHECK_EQ(M("process.args:(a b or c)", "x", "x", "a b"), 1);
	CHECK_EQ(M("process.args:(a b or c)", "x", "x", "a"), 0);
	CHECK_EQ(M("host.os.type:linux and process.name:cp", "cp", "cp"), 1);
}

static void groups(void)
{
	/* each term of a group applies to the field on its own */
	CHECK_EQ(M("process.args:(a and b)", "x", "x", "a", "b"), 1);
	CHECK_EQ(M("process.args:(a and b)", "x", "x", "a"), 0);
	CHECK_EQ(M("process.args:(a and not b)", "x", "x", "a", "b"), 0);
	CHECK_EQ(M("process.args:(a and not b)", "x", "x", "a", "c"), 1);
	CHECK_EQ(M("process.args:((/bin/* or /usr/bin/*) and (/tmp/* or /dev/shm/*))",
		   "ln", "ln", "-s", "/bin/ls", "/tmp/ls"), 1);
	CHECK_EQ(M("process.args:((/bin/* or /usr/bin/*) and (/tmp/* or /dev/shm/*))",
		   "ln", "ln", "-s", "/bin/ls", "/opt/ls"), 0);
	/* precedence: not > and > or */
	CHECK_EQ(M("process.name:ln or process.name:busybox and process.args:ln",
		   "ln", "ln"), 1);
	CHECK_EQ(M("process.name:ln or process.name:busybox and process.args:ln",
		   "busybox", "busybox", "cp"), 0);
	CHECK_EQ(M("process.name:ln or process.name:busybox and process.args:ln",
		   "busybox", "busybox", "ln"), 1);
	CHECK_EQ(M("not process.name:ln and process.name:cp", "cp", "cp"), 1);
	CHECK_EQ(M("NOT (process.name:cp OR process.name:mv)", "cp", "cp"), 0);
}

static void numbers(void)
{
	CHECK_STR(cu_error("query", "user.id:0 and process.args_count >= 2"), "");
	CHECK_STR(cu_error("query", "user.id:root"),
		  "field 'user.id' is numeric; 'root' is not a number");
	CHECK_STR(cu_error("query", "process.name >= 2"),
		  "range query on non-numeric field");
	CHECK(strstr(cu_dump("query", "process.args_count >= 2"),
		     "numcmp process.args_count >= 2") != NULL);
}

/* ECS booleans: true and false are 1 and 0; a missing field is neither */
static void booleans(void)
{
	const enum vigil_field f = VIGIL_F_PROCESS_INTERACTIVE;

	CHECK_EQ(cu_exec_num_matches("query", "process.interactive:true", f, 1), 1);
	CHECK_EQ(cu_exec_num_matches("query", "process.interactive:true", f, 0), 0);
	CHECK_EQ(cu_exec_num_matches("query", "process.interactive:true", f, -1), 0);
	CHECK_EQ(cu_exec_num_matches("query", "process.interactive:false", f, 0), 1);
	CHECK_EQ(cu_exec_num_matches("query", "process.interactive:false", f, -1), 0);
	CHECK_EQ(cu_exec_num_matches("query", "not process.interactive:true", f, -1), 1);
	CHECK_STR(cu_error("query", "process.interactive:yes"),
		  "field 'process.interactive' is numeric; 'yes' is not a number");
	CHECK_STR(cu_error("query", "user.id:true"),
		  "field 'user.id' is numeric; 'true' is not a number");
}

static void rejections(void)
{
	CHECK_STR(cu_error("query", "process.title:root"),
		  "field 'process.title' is not available in kernel events");
	CHECK_STR(cu_error("query", "foo"),
		  "free-text search ('foo' without a field) is not supported");
	CHECK_STR(cu_error("query", "process.name:(a or b"), "expected ')'");
	CHECK_STR(cu_error("query", "process.name:cp)"), "unexpected ')'");
	CHECK_STR(cu_error("query", "event.category:iam"),
		  "condition can never match a kernel event (event.category/type/action)");
	CHECK_STR(cu_error("query", "process.*:x"),
		  "wildcard field names are not supported");
}

/* A connect from 10.1.1.1 to @dst port @port through KQL @q. */
#define N(q, dst, port) cu_net_matches("query", q, "10.1.1.1", dst, port)
#define PRIVATE "destination.ip:(10.0.0.0/8 or 127.0.0.0/8 or \"::1\" or \"FE80::/10\" or 0.0.0.0)"

static void ip_fields(void)
{
	/* a CIDR value is a range, quoted or not; an address is one */
	CHECK_EQ(N(PRIVATE, "10.255.0.1", 1), 1);
	CHECK_EQ(N(PRIVATE, "11.0.0.1", 1), 0);
	CHECK_EQ(N(PRIVATE, "::1", 1), 1);
	CHECK_EQ(N(PRIVATE, "fe80::abcd", 1), 1);
	CHECK_EQ(N(PRIVATE, "0.0.0.0", 1), 1);
	CHECK_EQ(N(PRIVATE, "0.0.0.1", 1), 0);
	CHECK_EQ(N("not " PRIVATE, "8.8.8.8", 1), 1);
	CHECK_EQ(N("not " PRIVATE, NULL, 1), 1);
	CHECK_EQ(N("source.ip:10.0.0.0/8 and destination.ip:*", "::", 1), 1);
	CHECK_EQ(N("destination.ip:*", NULL, 1), 0);
	/* an escaped ':' is part of an unquoted value */
	CHECK_EQ(N("destination.ip:fe80\\:\\:1", "fe80::1", 1), 1);
	/* a number field takes quoted numbers */
	CHECK_EQ(N("destination.port:(\"2049\" or \"111\")", "::1", 111), 1);
	CHECK_EQ(N("destination.port:(\"2049\" or \"111\")", "::1", 112), 0);
	CHECK(strstr(cu_dump("query", PRIVATE),
		     "match destination.ip {cidr\"10.0.0.0/8\", cidr\"127.0.0.0/8\", cidr\"::1/128\", cidr\"fe80::/10\", cidr\"0.0.0.0/32\"}") != NULL);
	/* errors: wildcards, unquoted IPv6, ranges, non-addresses */
	CHECK_STR(cu_error("query", "destination.ip:10.*"),
		  "'10.*' is not an IP address or CIDR block");
	CHECK_STR(cu_error("query", "destination.ip:(::1 or 10.0.0.0/8)"),
		  "an IPv6 address in KQL is quoted or its ':' escaped");
	CHECK_STR(cu_error("query", "destination.ip:fe80::1"),
		  "an IPv6 address in KQL is quoted or its ':' escaped ('fe80' stops at ':')");
	CHECK_EQ(cu_err.col, 16);
	CHECK_STR(cu_error("query", "destination.ip >= 10.0.0.0"),
		  "range query on IP field 'destination.ip' is not supported: use a CIDR block");
	CHECK_STR(cu_error("query", "source.ip:(10.0.0.0/8 or \"10.0.0.0/40\")"),
		  "'10.0.0.0/40' is not an IP address or CIDR block");
	CHECK_EQ(cu_err.col, 26);
	CHECK_STR(cu_error("query", "source.ip:localhost"),
		  "'localhost' is not an IP address or CIDR block");
}

static void kind_mask(void)
{
	CHECK(strstr(cu_dump("query", "event.category:process and process.name:x"),
		     "mask=0xf02 ") != NULL);
	CHECK(strstr(cu_dump("query", "event.category:file and event.action:(creation or rename)"),
		     "mask=0x14 ") != NULL);
	CHECK(strstr(cu_dump("query", "process.name:x"), "mask=0xffe ") != NULL);
	CHECK(strstr(cu_dump("query", "event.category:network and process.name:x"),
		     "mask=0xc0 ") != NULL);
}

static void seed(void)
{
	/* the seed KQL, exactly as written */
	CHECK_STR(cu_error("new_terms",
		"host.os.type:linux and event.category:process and event.type:start and event.action:exec and process.parent.executable:* and (process.name:ln or process.name:busybox and process.args:ln or process.name:cp and process.args:--symbolic-link) and process.args:( ( /bin/* or /lib/* or /lib64/* or /sbin/* or /usr/bin/* or /usr/lib/* or /usr/lib64/* or /usr/local/bin/* or /usr/local/lib/* or /usr/local/lib64/* or /usr/local/sbin/* or /usr/sbin/* ) and ( /*/.* or /dev/shm/* or /home/* or /root/* or /tmp/* or /var/tmp/* ) and not (/usr/bin/coreutils or /tmp/mkinitcpio* or /var/tmp/dracut* or /var/tmp/mkinitramfs*) )"),
		"");
}

int main(void)
{
	RUN(values);
	RUN(groups);
	RUN(numbers);
	RUN(booleans);
	RUN(rejections);
	RUN(ip_fields);
	RUN(kind_mask);
	RUN(seed);
	return tap_done();
}
