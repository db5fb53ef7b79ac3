// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the pattern matcher (suite vigil_match).
 */
#include <kunit/test.h>
#include "engine.h"

static bool m(u8 kind, u8 flags, const char *pat, const char *s)
{
	struct vigil_rs_pat p = { .len = strlen(pat),
				  .kind = kind,
				  .flags = flags };

	return vigil_pat_match(&p, pat, s, strlen(s));
}

#define G(pat, s) m(VIGIL_PAT_GLOB, 0, pat, s)
#define GI(pat, s) m(VIGIL_PAT_GLOB, VIGIL_PAT_F_NOCASE, pat, s)

static void vigil_match_literals(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, m(VIGIL_PAT_EXACT, 0, "bash", "bash"));
	KUNIT_EXPECT_FALSE(test, m(VIGIL_PAT_EXACT, 0, "bash", "Bash"));
	KUNIT_EXPECT_TRUE(test, m(VIGIL_PAT_EXACT, VIGIL_PAT_F_NOCASE, "bash",
				  "BaSh"));
	KUNIT_EXPECT_TRUE(test, m(VIGIL_PAT_EXACT, 0, "", ""));
	KUNIT_EXPECT_TRUE(test, m(VIGIL_PAT_PREFIX, 0, "/tmp/", "/tmp/x"));
	KUNIT_EXPECT_FALSE(test, m(VIGIL_PAT_PREFIX, 0, "/tmp/", "/tmp"));
	KUNIT_EXPECT_TRUE(test, m(VIGIL_PAT_SUFFIX, 0, ".so", "libx.so"));
	KUNIT_EXPECT_FALSE(test, m(VIGIL_PAT_SUFFIX, 0, ".so", "so"));
	KUNIT_EXPECT_TRUE(test, m(VIGIL_PAT_CONTAINS, 0, "ld.so",
				  "/etc/ld.so.preload"));
	KUNIT_EXPECT_FALSE(test, m(VIGIL_PAT_CONTAINS, 0, "a?c", "abc"));
	KUNIT_EXPECT_TRUE(test, m(VIGIL_PAT_CONTAINS, 0, "", ""));
}

static void vigil_match_folding(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, m(VIGIL_PAT_EXACT, VIGIL_PAT_F_NOCASE,
				   "caf\xc3\xa9", "CAF\xc3\x89"));
	KUNIT_EXPECT_TRUE(test, m(VIGIL_PAT_EXACT, VIGIL_PAT_F_NOCASE,
				  "caf\xc3\xa9", "CAF\xc3\xa9"));
	KUNIT_EXPECT_FALSE(test, GI("*\xc3\xa9", "x\xc3\x89"));
	KUNIT_EXPECT_FALSE(test,
			   m(VIGIL_PAT_EXACT, VIGIL_PAT_F_NOCASE, "{", "["));
	KUNIT_EXPECT_TRUE(test, GI("/usr/*", "/USR/X"));
}

static void vigil_match_glob(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, G("", ""));
	KUNIT_EXPECT_FALSE(test, G("", "a"));
	KUNIT_EXPECT_TRUE(test, G("*", ""));
	KUNIT_EXPECT_TRUE(test, G("***", "x"));
	KUNIT_EXPECT_TRUE(test, G("a**b", "ab"));
	KUNIT_EXPECT_TRUE(test, G("?", "x"));
	KUNIT_EXPECT_FALSE(test, G("?", ""));
	KUNIT_EXPECT_TRUE(test, G("a?c", "abc"));
	KUNIT_EXPECT_TRUE(test, G("/tmp/*", "/tmp/"));
	KUNIT_EXPECT_FALSE(test, G("/tmp/*", "/tmpx"));
	KUNIT_EXPECT_TRUE(test, G("*/bin/*sh", "/usr/bin/bash"));
	KUNIT_EXPECT_FALSE(test, G("*/bin/*sh", "/usr/bin/bash2"));
	KUNIT_EXPECT_TRUE(test, G("*a*b*c*", "xxaxxbxxcxx"));
	KUNIT_EXPECT_FALSE(test, G("*a*b*c*", "xxaxxcxxbxx"));
	KUNIT_EXPECT_TRUE(test, G("ab*ab", "abab"));
	KUNIT_EXPECT_FALSE(test, G("ab*ab", "aba"));
	KUNIT_EXPECT_TRUE(test, G("a\\*b", "a*b"));
	KUNIT_EXPECT_FALSE(test, G("a\\*b", "axb"));
	KUNIT_EXPECT_TRUE(test, G("a\\?b", "a?b"));
	KUNIT_EXPECT_FALSE(test, G("a\\?b", "axb"));
	KUNIT_EXPECT_TRUE(test, G("*\\*", "abc*"));
	KUNIT_EXPECT_TRUE(test, G("x\\", "x\\"));
}

static void vigil_match_long_input(struct kunit *test)
{
	u32 n = 1 << 20;
	char *s = vg_zalloc(n);
	struct vigil_rs_pat p = { .kind = VIGIL_PAT_GLOB };
	const char *pat = "*a*a*a*a*a*a*a*a*a*a*a*a*b";

	KUNIT_ASSERT_NOT_NULL(test, s);
	memset(s, 'a', n);
	p.len = strlen(pat);
	KUNIT_EXPECT_FALSE(test, vigil_pat_match(&p, pat, s, n));
	s[n - 1] = 'b';
	KUNIT_EXPECT_TRUE(test, vigil_pat_match(&p, pat, s, n));
	p.kind = VIGIL_PAT_CONTAINS;
	pat = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab";
	p.len = strlen(pat);
	KUNIT_EXPECT_TRUE(test, vigil_pat_match(&p, pat, s, n));
	vg_free(s);
}

static void vigil_match_regex(struct kunit *test)
{
	u8 buf[sizeof(struct vigil_rs_dfa) + 4 + 2 * 4 * 4];
	struct vigil_rs_dfa *d = (void *)buf;
	static const u16 next[4][4] = {
		{ 1, 0xffff, 0xffff, 0xffff },
		{ 0xffff, 1, 2, 0xffff },
		{ 0xffff, 0xffff, 0xffff, 0xffff },
		{ 0xffff, 0xffff, 0xffff, 0xffff },
	};
	static const u8 accept[4] = { 0, 0, 1, 0 };
	struct vigil_rs_pat p = { .kind = VIGIL_PAT_REGEX, .len = sizeof(buf) };

	d->n_states = 4;
	d->n_classes = 4;
	memset(d->classmap, 3, 256);
	d->classmap['a'] = 0;
	d->classmap['b'] = 1;
	d->classmap['c'] = 2;
	memcpy(buf + sizeof(*d), accept, 4);
	memcpy(buf + sizeof(*d) + 4, next, sizeof(next));
	KUNIT_EXPECT_TRUE(test, vigil_pat_match(&p, (char *)buf, "abbbc", 5));
	KUNIT_EXPECT_FALSE(test, vigil_pat_match(&p, (char *)buf, "abbb", 4));
	KUNIT_EXPECT_FALSE(test, vigil_pat_match(&p, (char *)buf, "ABC", 3));
	p.flags = VIGIL_PAT_F_NOCASE;
	KUNIT_EXPECT_TRUE(test, vigil_pat_match(&p, (char *)buf, "ABC", 3));
}

static struct kunit_case vigil_match_cases[] = {
	KUNIT_CASE(vigil_match_literals), KUNIT_CASE(vigil_match_folding),
	KUNIT_CASE(vigil_match_glob),	  KUNIT_CASE(vigil_match_long_input),
	KUNIT_CASE(vigil_match_regex),	  {}
};

static struct kunit_suite vigil_match_suite = {
	.name = "vigil_match",
	.test_cases = vigil_match_cases,
};

kunit_test_suites(&vigil_match_suite);
