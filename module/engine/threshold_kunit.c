// SPDX-License-Identifier: GPL-2.0
/* KUnit: threshold rules' group store (suite vigil_threshold). */
#include <kunit/test.h>
#include "rs_builder.h"

#define MS 1000000ULL

struct thr_got {
	u32 n;
	u64 count, card;
};

static void thr_cb(void *ctx, const struct vigil_match *m)
{
	struct thr_got *g = ctx;

	g->n++;
	if (m->thr) {
		g->count = m->thr->count;
		g->card = m->thr->cardinality;
	}
}

/* Rule "t" on process.name "k", a threshold; @cap groups. */
static struct vigil_engine *thr_engine(struct rsb *b, u32 value, u32 win_ms,
				       u8 card_field, u32 card_value, u32 cap,
				       const char **why)
{
	struct vigil_engine_limits lim = { .thr_capacity = cap };
	struct vigil_engine *e;
	u32 r, len, size;
	void *blob;

	rsb_init(b);
	r = rsb_simple(b, "t", RSB_EXEC, VIGIL_F_PROCESS_NAME, VIGIL_PAT_EXACT,
		       0, "k");
	rsb_threshold(b, r, value, win_ms, VIGIL_F_PROCESS_EXECUTABLE,
		      card_field, card_value);
	size = rsb_size(b);
	blob = vg_zalloc(size);
	if (!blob)
		return NULL;
	len = rsb_finish(b, blob, size);
	e = vigil_engine_new(blob, len, &lim, why);
	vg_free(blob);
	return IS_ERR(e) ? NULL : e;
}

/* An exec of "k" by @exe at @ms with one argument @arg (or none). */
static u32 feed(struct vigil_engine *e, struct thr_got *g, const char *exe,
		u64 ms, const char *arg)
{
	struct vigil_event *ev = vg_zalloc(sizeof(*ev));
	u32 n;

	if (!ev)
		return 0;
	rsb_exec_event(ev, "k", NULL, ms * MS);
	vigil_event_set_str(ev, VIGIL_F_PROCESS_EXECUTABLE, exe, strlen(exe));
	if (arg)
		vigil_event_set_array(ev, VIGIL_F_PROCESS_ARGS, arg,
				      strlen(arg) + 1, 1);
	n = vigil_engine_process(e, ev, thr_cb, g);
	vg_free(ev);
	return n;
}

/*
 * 15 within the window alert once with count 15; events up to the
 * alert's latest never count again; the 30th alerts again.
 */
static void vigil_threshold_count(struct kunit *test)
{
	struct rsb *b = vg_zalloc(sizeof(*b));
	struct thr_got g = {};
	struct vigil_engine *e;
	const char *why = NULL;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	e = thr_engine(b, 15, 540000, 0, 0, 0, &why);
	KUNIT_EXPECT_NOT_NULL_MSG(test, e, "engine: %s", why);
	if (!e)
		goto out;
	for (i = 0; i < 14; i++)
		feed(e, &g, "/bin/kill", 1000 + i, NULL);
	KUNIT_EXPECT_EQ(test, g.n, 0U);
	KUNIT_EXPECT_EQ(test, feed(e, &g, "/bin/kill", 2000, NULL), 1U);
	KUNIT_EXPECT_EQ(test, g.count, 15ULL);
	for (i = 0; i < 20; i++) /* at or before the alert's latest */
		feed(e, &g, "/bin/kill", 1990 + i % 11, NULL);
	KUNIT_EXPECT_EQ(test, g.n, 1U);
	for (i = 0; i < 15; i++)
		feed(e, &g, "/bin/kill", 3000 + i, NULL);
	KUNIT_EXPECT_EQ(test, g.n, 2U);
	vigil_engine_free(e);
out:
	vg_free(b);
}

/*
 * 100 distinct arguments alert (98 do not); a flood of one-event groups
 * evicts each other, not the group that made progress, and is counted.
 */
static void vigil_threshold_card_flood(struct kunit *test)
{
	struct rsb *b = vg_zalloc(sizeof(*b));
	struct vigil_engine_stats st;
	struct thr_got g = {};
	struct vigil_engine *e;
	const char *why = NULL;
	char s[24];
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	e = thr_engine(b, 1, 540000, VIGIL_F_PROCESS_ARGS, 100, 8, &why);
	KUNIT_EXPECT_NOT_NULL_MSG(test, e, "engine: %s", why);
	if (!e)
		goto out;
	for (i = 0; i < 98; i++) {
		snprintf(s, sizeof(s), "127.0.0.%u", i);
		feed(e, &g, "/bin/ping", 1000 + i, s);
	}
	for (i = 0; i < 500; i++) {
		snprintf(s, sizeof(s), "/tmp/f%u", i);
		feed(e, &g, s, 2000 + i, "x");
	}
	vigil_engine_stats(e, &st);
	KUNIT_EXPECT_EQ(test, st.thr_groups, 8ULL);
	KUNIT_EXPECT_EQ(test, st.thr_evictions, 500ULL - 7);
	KUNIT_EXPECT_EQ(test, g.n, 0U);
	feed(e, &g, "/bin/ping", 3000, "127.0.0.98");
	KUNIT_EXPECT_EQ(test, g.n, 0U);
	feed(e, &g, "/bin/ping", 3001, "127.0.0.99");
	KUNIT_EXPECT_EQ(test, g.n, 1U);
	KUNIT_EXPECT_EQ(test, g.card, 100ULL);
	KUNIT_EXPECT_EQ(test, g.count, 100ULL);
	vigil_engine_free(e);
out:
	vg_free(b);
}

static struct kunit_case vigil_threshold_cases[] = {
	KUNIT_CASE(vigil_threshold_count),
	KUNIT_CASE(vigil_threshold_card_flood),
	{}
};

static struct kunit_suite vigil_threshold_suite = {
	.name = "vigil_threshold",
	.test_cases = vigil_threshold_cases,
};

kunit_test_suites(&vigil_threshold_suite);
