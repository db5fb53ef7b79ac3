// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: process.env_vars, the names patterns give and the scan that
 * keeps those variables only (suite vigil_env).  The random differential
 * against a model is user/tests/test_env.c.
 */
#include <kunit/test.h>
#include "internal.h"

static void vigil_env_pattern_names(struct kunit *test)
{
	struct vigil_rs_pat p = { .kind = VIGIL_PAT_GLOB };
	u32 off = 0, len = 0;

	p.len = sizeof("*GLIBC_TUNABLES=glibc.*") - 1;
	KUNIT_EXPECT_TRUE(test,
			  vigil_env_pat_name(&p, "*GLIBC_TUNABLES=glibc.*",
					     &off, &len));
	KUNIT_EXPECT_EQ(test, off, 1U);
	KUNIT_EXPECT_EQ(test, len, 14U);
	p.len = 3;
	KUNIT_EXPECT_FALSE(test, vigil_env_pat_name(&p, "A?=", &off, &len));
	p.kind = VIGIL_PAT_SUFFIX;
	KUNIT_EXPECT_FALSE(test, vigil_env_pat_name(&p, "A=1", &off, &len));
}

static void vigil_env_scan_keeps_named(struct kunit *test)
{
	static const char env[] = "PATH=/bin\0HISTFILE=/dev/null\0"
				  "HISTFILEX=y\0histfile=z\0";
	struct vigil_env_names *n = kunit_kzalloc(test, sizeof(*n), GFP_KERNEL);
	struct vigil_env_scan st;
	char out[32];
	u32 i, len, count;

	KUNIT_ASSERT_NOT_NULL(test, n);
	n->n = 1;
	n->name[0].len = 8;
	memcpy(n->name[0].s, "HISTFILE", 8);
	vigil_env_scan_init(&st, n, out, sizeof(out));
	/* one byte at a time: elements cross every piece boundary */
	for (i = 0; i < sizeof(env) - 1; i++)
		vigil_env_scan_feed(&st, env + i, 1);
	len = vigil_env_scan_end(&st, &count);
	KUNIT_EXPECT_EQ(test, count, 1U);
	KUNIT_EXPECT_EQ(test, len, (u32)sizeof("HISTFILE=/dev/null"));
	KUNIT_EXPECT_EQ(test, memcmp(out, "HISTFILE=/dev/null", len), 0);
	KUNIT_EXPECT_FALSE(test, st.cut);
	/* folded, the name matches in any case */
	n->name[0].nocase = true;
	memcpy(n->name[0].s, "histfile", 8);
	vigil_env_scan_init(&st, n, out, sizeof(out));
	vigil_env_scan_feed(&st, env, sizeof(env) - 1);
	vigil_env_scan_end(&st, &count);
	KUNIT_EXPECT_EQ(test, count, 2U);
}

static struct kunit_case vigil_env_cases[] = {
	KUNIT_CASE(vigil_env_pattern_names),
	KUNIT_CASE(vigil_env_scan_keeps_named),
	{}
};

static struct kunit_suite vigil_env_suite = {
	.name = "vigil_env",
	.test_cases = vigil_env_cases,
};

kunit_test_suites(&vigil_env_suite);
