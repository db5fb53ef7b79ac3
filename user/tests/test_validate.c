// SPDX-License-Identifier: GPL-2.0
/*
 * The ruleset validator: the sample ruleset passes; each malformed
 * variant (module/engine/rs_cases.h) is rejected with its reason.
 */
#include <stdlib.h>
#include "tap.h"
#include "rs_cases.h"

static struct rsb *b;
static u8 *blob;

static void sample_valid(void)
{
	const char *why = "x";
	char buf[128];
	u32 len;

	rsb_sample(b);
	len = rsb_finish(b, blob, rsb_size(b));
	CHECK(len > 0);
	CHECK_EQ(vigil_ruleset_validate(blob, len, &why), 0);
	CHECK(why == NULL);
	CHECK_EQ(vigil_ruleset_validate_r(blob, len, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "");
}

static void each_case(void)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(rsb_cases); i++) {
		const struct rsb_case *c = &rsb_cases[i];
		const char *why = rsb_case_run(c, b, blob);
		bool ok = why && strstr(why, c->reason);

		printf("%sok %d - reject %s%s%s\n", ok ? "" : "not ",
		       ++tap_n, c->name, ok ? "" : ": got ",
		       ok ? "" : (why ? why : "(accepted)"));
		tap_failed_cases += !ok;
	}
}

static void located_reason(void)
{
	char buf[128];
	u32 len;

	rsb_sample(b);
	b->insns[9].arg = 2;	/* step 3, insn 2 */
	len = rsb_finish(b, blob, rsb_size(b));
	CHECK_EQ(vigil_ruleset_validate_r(blob, len, buf, sizeof(buf)),
		 -EINVAL);
	CHECK_STR(buf, "step 3 insn 2: insn: CONST arg not 0 or 1");
	CHECK_EQ(vigil_ruleset_validate_r(blob, len, buf, 10), -EINVAL);
	CHECK_EQ(strlen(buf), 9);
	rsb_sample(b);
	b->rules[1].risk_score = 200;
	len = rsb_finish(b, blob, rsb_size(b));
	vigil_ruleset_validate_r(blob, len, buf, sizeof(buf));
	CHECK_STR(buf, "rule 1: rule: risk_score above 100");
}

/* every truncation of a valid blob is rejected, never crashes */
static void truncations(void)
{
	const char *why;
	u32 len, n;

	rsb_sample(b);
	len = rsb_finish(b, blob, rsb_size(b));
	for (n = 0; n < len; n++) {
		u8 *copy = malloc(n + 1);

		memcpy(copy, blob, n);
		CHECK_EQ(vigil_ruleset_validate(copy, n, &why), -EINVAL);
		free(copy);
	}
}

/* engine_new reports the validator's reason */
static void engine_reason(void)
{
	const char *why = NULL;
	u32 len;

	rsb_sample(b);
	b->insns[1].arg = 4;
	len = rsb_finish(b, blob, rsb_size(b));
	CHECK(PTR_ERR(vigil_engine_new(blob, len, NULL, &why)) == -EINVAL);
	CHECK_STR(why, "insn: jump past end");
}

int main(void)
{
	b = calloc(1, sizeof(*b));
	blob = calloc(1, sizeof(*b) + 64);
	RUN(sample_valid);
	each_case();
	RUN(located_reason);
	RUN(truncations);
	RUN(engine_reason);
	free(b);
	free(blob);
	return tap_done();
}
