// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the ruleset validator (suite vigil_validate).  The malformed
 * rulesets are shared with the userspace tests (rs_cases.h).
 */
#include <kunit/test.h>
#include "rs_cases.h"

static void vigil_validate_sample(struct kunit *test)
{
	struct rsb *b = vg_zalloc(sizeof(*b));
	u8 *blob = vg_zalloc(sizeof(*b) + 64);
	const char *why = NULL;
	struct vigil_engine *e;
	u32 len;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, blob);
	rsb_sample(b);
	len = rsb_finish(b, blob, rsb_size(b));
	KUNIT_EXPECT_EQ(test, vigil_ruleset_validate(blob, len, &why), 0);
	e = vigil_engine_new(blob, len, NULL, &why);
	KUNIT_EXPECT_FALSE(test, IS_ERR(e));
	vigil_engine_free(e);
	vg_free(blob);
	vg_free(b);
}

static void vigil_validate_malformed(struct kunit *test)
{
	struct rsb *b = vg_zalloc(sizeof(*b));
	u8 *blob = vg_zalloc(sizeof(*b) + 64);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, blob);
	for (i = 0; i < ARRAY_SIZE(rsb_cases); i++) {
		const struct rsb_case *c = &rsb_cases[i];
		const char *why = rsb_case_run(c, b, blob);

		KUNIT_EXPECT_NOT_NULL_MSG(test, why, "case %s accepted",
					  c->name);
		if (why)
			KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, c->reason),
						  "case %s: %s", c->name, why);
	}
	vg_free(blob);
	vg_free(b);
}

static void vigil_validate_truncated(struct kunit *test)
{
	struct rsb *b = vg_zalloc(sizeof(*b));
	u8 *blob = vg_zalloc(sizeof(*b) + 64);
	const char *why;
	u32 len, n;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, blob);
	rsb_sample(b);
	len = rsb_finish(b, blob, rsb_size(b));
	for (n = 0; n < len; n++)
		KUNIT_EXPECT_EQ(test, vigil_ruleset_validate(blob, n, &why),
				-EINVAL);
	vg_free(blob);
	vg_free(b);
}

static struct kunit_case vigil_validate_cases[] = {
	KUNIT_CASE(vigil_validate_sample),
	KUNIT_CASE(vigil_validate_malformed),
	KUNIT_CASE(vigil_validate_truncated),
	{}
};

static struct kunit_suite vigil_validate_suite = {
	.name = "vigil_validate",
	.test_cases = vigil_validate_cases,
};

kunit_test_suites(&vigil_validate_suite);
