// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: capability names (suite vigil_caps).  Expected arrays are
 * written out from <uapi/linux/capability.h>'s numbers by hand.
 */
#include <kunit/test.h>
#include <linux/capability.h>
#include <linux/string.h>

#include "caps.h"

static void vigil_caps_some(struct kunit *test)
{
	static const char want[] = "CAP_CHOWN\0CAP_NET_RAW\0CAP_SYS_PTRACE";
	char buf[VIGIL_CAPS_BYTES];
	const char *s;
	u32 len, n;

	/* bits 0, 13 and 19 */
	s = vigil_caps_names(0x82001ULL, buf, &len, &n);
	KUNIT_ASSERT_PTR_EQ(test, s, (const char *)buf);
	KUNIT_EXPECT_EQ(test, n, 3U);
	KUNIT_EXPECT_EQ(test, len, (u32)sizeof(want));
	KUNIT_EXPECT_EQ(test, memcmp(s, want, sizeof(want)), 0);
}

static void vigil_caps_none(struct kunit *test)
{
	char buf[VIGIL_CAPS_BYTES];
	u32 len = 1, n = 1;

	KUNIT_EXPECT_NULL(test, vigil_caps_names(0, buf, &len, &n));
	KUNIT_EXPECT_EQ(test, len, 0U);
	KUNIT_EXPECT_EQ(test, n, 0U);
	/* a bit past CAP_CHECKPOINT_RESTORE (40) has no name */
	KUNIT_EXPECT_NULL(test, vigil_caps_names(1ULL << 41, buf, &len, &n));
}

static void vigil_caps_full(struct kunit *test)
{
	char buf[VIGIL_CAPS_BYTES];
	const char *s;
	u32 len, n;

	/* root's set: the constant array, first and last names whole */
	s = vigil_caps_names((1ULL << 41) - 1, buf, &len, &n);
	KUNIT_EXPECT_PTR_NE(test, s, (const char *)buf);
	KUNIT_EXPECT_EQ(test, n, 41U);
	KUNIT_EXPECT_STREQ(test, s, "CAP_CHOWN");
	KUNIT_EXPECT_EQ(test, s[len - 1], '\0');
	KUNIT_EXPECT_STREQ(test, s + len - sizeof("CAP_CHECKPOINT_RESTORE"),
			   "CAP_CHECKPOINT_RESTORE");
	/* the same set built bit by bit is the same bytes */
	s = vigil_caps_names(((1ULL << 41) - 1) & ~1ULL, buf, &len, &n);
	KUNIT_EXPECT_EQ(test, n, 40U);
	KUNIT_EXPECT_STREQ(test, s, "CAP_DAC_OVERRIDE");
}

/* Each name sits at the bit the kernel gives its capability. */
static void vigil_caps_order(struct kunit *test)
{
	static const struct {
		u32 bit;
		const char *name;
	} known[] = {
		{ CAP_CHOWN, "CAP_CHOWN" },
		{ CAP_SETUID, "CAP_SETUID" },
		{ CAP_NET_RAW, "CAP_NET_RAW" },
		{ CAP_SYS_PTRACE, "CAP_SYS_PTRACE" },
		{ CAP_SETFCAP, "CAP_SETFCAP" },
		{ CAP_MAC_OVERRIDE, "CAP_MAC_OVERRIDE" },
		{ CAP_CHECKPOINT_RESTORE, "CAP_CHECKPOINT_RESTORE" },
	};
	char buf[VIGIL_CAPS_BYTES];
	u32 i, len, n;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		KUNIT_EXPECT_STREQ(test,
				   vigil_caps_names(1ULL << known[i].bit, buf,
						    &len, &n),
				   known[i].name);
		KUNIT_EXPECT_EQ(test, n, 1U);
	}
	/* every capability of this kernel has a name */
	vigil_caps_names(CAP_LAST_CAP >= 63 ? ~0ULL :
					      (1ULL << (CAP_LAST_CAP + 1)) - 1,
			 buf, &len, &n);
	KUNIT_EXPECT_EQ(test, n, (u32)CAP_LAST_CAP + 1);
}

static struct kunit_case vigil_caps_cases[] = { KUNIT_CASE(vigil_caps_order),
						KUNIT_CASE(vigil_caps_some),
						KUNIT_CASE(vigil_caps_none),
						KUNIT_CASE(vigil_caps_full),
						{} };

static struct kunit_suite vigil_caps_suite = {
	.name = "vigil_caps",
	.test_cases = vigil_caps_cases,
};
kunit_test_suite(vigil_caps_suite);
