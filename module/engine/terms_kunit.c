// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the new-terms store (suite vigil_terms): the history window, the
 * capacity, and growth past the first chunk in the kernel's atomic
 * allocations (user/tests/test_terms.c fails them on purpose).
 */
#include <kunit/test.h>
#include "rs_builder.h"

static void count_alert(void *ctx, const struct vigil_match *m)
{
	(*(u32 *)ctx)++;
}

/* An exec of @name at @ts ns; Return: alerts. */
static u32 feed(struct vigil_engine *e, u32 *h, const char *name, u64 ts)
{
	struct vigil_event *ev = vg_zalloc(sizeof(*ev));
	u32 n;

	if (!ev)
		return 0;
	rsb_exec_event(ev, name, NULL, ts);
	n = vigil_engine_process(e, ev, count_alert, h);
	vg_free(ev);
	return n;
}

/* Execs of t<from>..t<to - 1> at @ts ns.  Return: alerts. */
static u32 feed_range(struct vigil_engine *e, u32 *h, u32 from, u32 to, u64 ts)
{
	char name[12];
	u32 i, n = 0;

	for (i = from; i < to; i++) {
		snprintf(name, sizeof(name), "t%u", i);
		n += feed(e, h, name, ts);
	}
	return n;
}

/* An engine of one new_terms rule on process.name, of @cap terms. */
static struct vigil_engine *terms_engine(struct kunit *test, u32 cap)
{
	struct rsb *b = vg_zalloc(sizeof(*b));
	struct vigil_engine *e;
	const char *why = NULL;

	KUNIT_EXPECT_NOT_NULL(test, b);
	if (!b)
		return NULL;
	rsb_terms(b);
	e = rsb_engine(b, 0, cap, &why);
	KUNIT_EXPECT_NOT_NULL_MSG(test, e, "engine: %s", why);
	vg_free(b);
	return e;
}

static void vigil_terms_window_capacity(struct kunit *test)
{
	struct vigil_engine *e = terms_engine(test, 8);
	struct vigil_engine_stats st;
	u64 s = 1000000000ULL;
	u32 h = 0;

	if (!e)
		return;
	KUNIT_EXPECT_EQ(test, feed(e, &h, "x", 100 * s), 1U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "x", 101 * s), 0U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "x", 111 * s), 0U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "x", 121 * s + 1), 1U);
	feed_range(e, &h, 0, 20, 200 * s);
	vigil_engine_stats(e, &st);
	KUNIT_EXPECT_EQ(test, st.terms_learned, 8ULL);
	KUNIT_EXPECT_EQ(test, st.terms_evictions, 13ULL);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "t0", 201 * s), 1U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "t19", 201 * s), 0U);
	vigil_engine_free(e);
}

/* 600 terms fill five chunks, each kept, none evicted. */
static void vigil_terms_growth(struct kunit *test)
{
	struct vigil_engine *e = terms_engine(test, 600);
	struct vigil_engine_stats st;
	u32 h = 0;

	if (!e)
		return;
	KUNIT_EXPECT_EQ(test, feed_range(e, &h, 0, 600, 1000), 600U);
	KUNIT_EXPECT_EQ(test, feed_range(e, &h, 0, 600, 1001), 0U);
	vigil_engine_stats(e, &st);
	KUNIT_EXPECT_EQ(test, st.terms_learned, 600ULL);
	KUNIT_EXPECT_EQ(test, st.terms_evictions, 0ULL);
	vigil_engine_free(e);
}

static struct kunit_case vigil_terms_cases[] = {
	KUNIT_CASE(vigil_terms_window_capacity),
	KUNIT_CASE(vigil_terms_growth),
	{}
};

static struct kunit_suite vigil_terms_suite = {
	.name = "vigil_terms",
	.test_cases = vigil_terms_cases,
};

kunit_test_suites(&vigil_terms_suite);
