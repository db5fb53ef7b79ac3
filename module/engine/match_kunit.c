// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the pattern matcher (suite vigil_match).
 */
#include <kunit/test.h>
#include "match_cases.h"

static void run_cases(struct kunit *test, const struct vigil_pat_case *c, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++, c++) {
		struct vigil_rs_pat p = { .len = strlen(c->pat),
					  .kind = c->kind,
					  .flags = c->flags };

		KUNIT_EXPECT_EQ_MSG(
			test, vigil_pat_match(&p, c->pat, c->s, strlen(c->s)),
			c->match, "kind %u flags %u '%s' vs '%s'", c->kind,
			c->flags, c->pat, c->s);
	}
}

static void vigil_match_literals(struct kunit *test)
{
	run_cases(test, vigil_pat_literal_cases,
		  ARRAY_SIZE(vigil_pat_literal_cases));
}

static void vigil_match_folding(struct kunit *test)
{
	run_cases(test, vigil_pat_fold_cases, ARRAY_SIZE(vigil_pat_fold_cases));
}

static void vigil_match_glob(struct kunit *test)
{
	run_cases(test, vigil_pat_glob_cases, ARRAY_SIZE(vigil_pat_glob_cases));
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
