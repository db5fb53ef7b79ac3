// SPDX-License-Identifier: GPL-2.0
/*
 * regex / regex~ -> DFA: semantics through the engine, rejections.
 */
#include "tap.h"
#include "compiler_util.h"
#include "compiler/rule.h"

static int R(const char *re, bool nocase, const char *value)
{
	char q[1024];

	snprintf(q, sizeof(q), "process where process.name regex%s \"\"\"%s\"\"\"",
		 nocase ? "~" : "", re);
	return cu_exec_matches("eql", q, value, ARGV(value));
}

static void basics(void)
{
	CHECK_EQ(R("c[a-z]+", false, "cat"), 1);
	CHECK_EQ(R("c[a-z]+", false, "Cat"), 0);
	CHECK_EQ(R("c[a-z]+", true, "CAT"), 1);
	CHECK_EQ(R("c[a-z]+", false, "xcat"), 0);	/* anchored */
	CHECK_EQ(R("c[a-z]+", false, "cat1"), 0);
	CHECK_EQ(R("^cat$", false, "cat"), 1);
	CHECK_EQ(R(".*cat.*", false, "concatenate"), 1);
	CHECK_EQ(R("a|bc|", false, ""), 1);
	CHECK_EQ(R("a|bc", false, "bc"), 1);
	CHECK_EQ(R("a|bc", false, "abc"), 0);
	CHECK_EQ(R("(ab)+", false, "ababab"), 1);
	CHECK_EQ(R("(ab)+", false, "aba"), 0);
	CHECK_EQ(R("x?y*z", false, "z"), 1);
	CHECK_EQ(R("\\d{2,3}", false, "123"), 1);
	CHECK_EQ(R("\\d{2,3}", false, "1234"), 0);
	CHECK_EQ(R("\\d{2,3}", false, "1"), 0);
	CHECK_EQ(R("\\d{2}", false, "12"), 1);
	CHECK_EQ(R("a{2,}", false, "aaaaa"), 1);
	CHECK_EQ(R("a{2,}", false, "a"), 0);
	CHECK_EQ(R("[^a-c]", false, "d"), 1);
	CHECK_EQ(R("[^a-c]", false, "b"), 0);
	CHECK_EQ(R("\\w+\\.(pid|lock)", true, "SSHD.PID"), 1);
	CHECK_EQ(R("a\\.b", false, "a.b"), 1);
	CHECK_EQ(R("a\\.b", false, "axb"), 0);
	CHECK_EQ(R("[\\-x]", false, "-"), 1);
	CHECK_EQ(R("\\s\\S", false, " x"), 1);
}

static void corpus_like(void)
{
	CHECK_EQ(R(".*[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}:[0-9]{1,5}.*", false,
		   "nc 10.0.0.1:4444 -e"), 1);
	CHECK_EQ(R(".*[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}:[0-9]{1,5}.*", false,
		   "nc host:4444"), 0);
	CHECK_EQ(R("\\.[a-z0-9_\\-][a-z0-9_\\-\\.]{1,254}", true, ".Hidden"), 1);
}

/* P(): the bytes every match of @re starts with (regex_prefix()). */
static const char *P(const char *re, bool nocase, size_t cap)
{
	static char out[80];
	size_t n = regex_prefix(re, strlen(re), nocase, out, cap);

	out[n] = 0;
	return out;
}

/*
 * The fixed first bytes of a regex, the index hint the compiler gives
 * it (codegen.c, pat_affix()) and the prefilter's literal.  Anchored: the
 * DFA matches whole values.
 */
static void prefixes(void)
{
	CHECK_STR(P("/var/run/\\w+\\.(pid|lock|reboot)", true, 64),
		  "/var/run/");
	CHECK_STR(P("/VAR/Run/x+", true, 64), "/var/run/x");
	CHECK_STR(P("/VAR/Run/x+", false, 64), "/VAR/Run/x");
	CHECK_STR(P("[vV]ar", false, 64), "");	/* two bytes lead on */
	CHECK_STR(P("[vV]ar", true, 64), "var");	/* one, folded */
	CHECK_STR(P(".*cat", false, 64), "");
	CHECK_STR(P("cat|cow", false, 64), "c");
	CHECK_STR(P("ab?c", false, 64), "a");
	CHECK_STR(P("cat", false, 64), "cat");	/* then it accepts */
	CHECK_STR(P("a{20}", false, 5), "aaaaa");	/* at most @cap */
	CHECK_STR(P("(a", false, 64), "");	/* does not compile */
	/* a value the regex matches starts with them */
	CHECK_EQ(R("/var/run/\\w+\\.(pid|lock)", true, "/VAR/run/sshd.pid"),
		 1);
	CHECK_EQ(R("/var/run/\\w+\\.(pid|lock)", true, "/var/rum/sshd.pid"),
		 0);
}

static void rejections(void)
{
	CHECK(strstr(cu_error("eql", "process where process.name regex \"(a)\\\\1\""),
		     "backreferences") != NULL);
	CHECK(strstr(cu_error("eql", "process where process.name regex \"(?=a)\""),
		     "(? groups are not supported") != NULL);
	CHECK(strstr(cu_error("eql", "process where process.name regex \"a{1,999}\""),
		     "bad {m,n}") != NULL);
	CHECK(strstr(cu_error("eql", "process where process.name regex \"(a\""),
		     "missing )") != NULL);
	CHECK(strstr(cu_error("eql", "process where process.name regex \"*a\""),
		     "nothing to repeat") != NULL);
	CHECK(strstr(cu_error("eql", "process where process.name regex \".*a[ab]{12}\""),
		     "regex too complex") != NULL);
	CHECK(strstr(cu_error("eql", "process where process.args_count regex \"1\""),
		     "pattern match on numeric field") != NULL);
}

int main(void)
{
	RUN(basics);
	RUN(corpus_like);
	RUN(prefixes);
	RUN(rejections);
	return tap_done();
}
