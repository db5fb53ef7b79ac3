// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: sequence correlator (suite vigil_seq) and new-terms store
 * (suite vigil_terms).
 */
#include <kunit/test.h>
#include "rs_builder.h"

#define MS 1000000ULL

struct seq_hits {
	u32 n, n_prior;
};

static void on_alert(void *ctx, const struct vigil_match *m)
{
	struct seq_hits *h = ctx;

	h->n++;
	h->n_prior = m->n_prior;
}

static struct vigil_engine *build(struct kunit *test, struct rsb *b,
				  u32 seq_cap, u32 terms_cap)
{
	struct vigil_engine_limits lim = { seq_cap, terms_cap };
	u8 *blob = vg_zalloc(rsb_size(b));
	const char *why = NULL;
	struct vigil_engine *e;

	if (!blob)
		return NULL;
	e = vigil_engine_new(blob, rsb_finish(b, blob, rsb_size(b)), &lim,
			     &why);
	KUNIT_EXPECT_FALSE_MSG(test, IS_ERR(e), "engine: %s", why);
	vg_free(blob);
	return IS_ERR(e) ? NULL : e;
}

static u32 feed(struct vigil_engine *e, struct seq_hits *h, const char *name,
		const char *ent, u64 ts)
{
	struct vigil_event *ev = vg_zalloc(sizeof(*ev));
	u32 n;

	if (!ev)
		return 0;
	vigil_event_init(ev);
	vigil_event_set_kind(ev, VIGIL_EV_EXEC);
	vigil_event_set_num(ev, VIGIL_F_TIMESTAMP, ts);
	vigil_event_set_str(ev, VIGIL_F_PROCESS_NAME, name, strlen(name));
	if (ent)
		vigil_event_set_str(ev, VIGIL_F_PROCESS_ENTITY_ID, ent,
				    strlen(ent));
	n = vigil_engine_process(e, ev, on_alert, h);
	vg_free(ev);
	return n;
}

static void vigil_seq_order(struct kunit *test)
{
	struct rsb *b = rsb_seq_chain(3, 1);
	struct vigil_engine *e;
	struct seq_hits h = { 0 };

	KUNIT_ASSERT_NOT_NULL(test, b);
	e = build(test, b, 0, 0);
	if (!e)
		goto out;
	KUNIT_EXPECT_EQ(test, feed(e, &h, "b", "p1", 1), 0U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "a", "p1", 2), 0U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "c", "p1", 3), 0U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "b", "p2", 4), 0U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "b", "p1", 5), 0U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "c", "p1", 6), 1U);
	KUNIT_EXPECT_EQ(test, h.n_prior, 2U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "c", "p1", 7), 0U);
	vigil_engine_free(e);
out:
	vg_free(b);
}

static void vigil_seq_maxspan(struct kunit *test)
{
	struct rsb *b = rsb_seq_chain(2, 1);
	struct vigil_engine *e;
	struct seq_hits h = { 0 };
	u64 t0 = 1000000 * MS;

	KUNIT_ASSERT_NOT_NULL(test, b);
	e = build(test, b, 0, 0);
	if (!e)
		goto out;
	feed(e, &h, "a", "p", t0);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "b", "p", t0 + 1000 * MS), 1U);
	feed(e, &h, "a", "p", t0);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "b", "p", t0 + 1000 * MS + 1), 0U);
	vigil_engine_free(e);
out:
	vg_free(b);
}

static void vigil_seq_runs(struct kunit *test)
{
	struct rsb *b = rsb_seq_chain(3, 3);
	struct vigil_engine *e;
	struct seq_hits h = { 0 };

	KUNIT_ASSERT_NOT_NULL(test, b);
	e = build(test, b, 0, 0);
	if (!e)
		goto out;
	feed(e, &h, "a", "p", 1);
	feed(e, &h, "b", "p", 2);
	feed(e, &h, "b", "p", 3);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "c", "p", 4), 0U);
	feed(e, &h, "b", "p", 5);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "c", "p", 6), 1U);
	vigil_engine_free(e);
out:
	vg_free(b);
}

static void vigil_seq_capacity_forget(struct kunit *test)
{
	struct rsb *b = rsb_seq_chain(2, 1);
	struct vigil_engine_stats st;
	struct vigil_engine *e;
	struct seq_hits h = { 0 };
	char id[8];
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	e = build(test, b, 4, 0);
	if (!e)
		goto out;
	for (i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "p%u", i);
		feed(e, &h, "a", id, 10 + i);
	}
	vigil_engine_stats(e, &st);
	KUNIT_EXPECT_EQ(test, st.seq_pending, 4ULL);
	KUNIT_EXPECT_EQ(test, st.seq_evictions, 6ULL);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "b", "p0", 30), 0U);
	vigil_engine_forget_entity(e, "p9", 2);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "b", "p9", 30), 0U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "b", "p8", 30), 1U);
	vigil_engine_free(e);
out:
	vg_free(b);
}

static struct kunit_case vigil_seq_cases[] = {
	KUNIT_CASE(vigil_seq_order),
	KUNIT_CASE(vigil_seq_maxspan),
	KUNIT_CASE(vigil_seq_runs),
	KUNIT_CASE(vigil_seq_capacity_forget),
	{}
};

static struct kunit_suite vigil_seq_suite = {
	.name = "vigil_seq",
	.test_cases = vigil_seq_cases,
};

static void vigil_terms_window_capacity(struct kunit *test)
{
	struct rsb *b = vg_zalloc(sizeof(*b));
	struct vigil_engine_stats st;
	struct vigil_engine *e;
	struct seq_hits h = { 0 };
	u64 s = 1000000000ULL;
	char name[8];
	u32 r, i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	rsb_init(b);
	r = rsb_simple(b, "nt", VIGIL_EV_MASK_PROCESS, VIGIL_F_PROCESS_NAME,
		       VIGIL_PAT_PREFIX, 0, "");
	b->rules[r].kind = VIGIL_RULE_NEW_TERMS;
	b->rules[r].n_terms = 1;
	b->rules[r].term_fields[0] = VIGIL_F_PROCESS_NAME;
	b->rules[r].history_window_s = 10;
	e = build(test, b, 0, 8);
	if (!e)
		goto out;
	KUNIT_EXPECT_EQ(test, feed(e, &h, "x", NULL, 100 * s), 1U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "x", NULL, 101 * s), 0U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "x", NULL, 111 * s), 0U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "x", NULL, 121 * s + 1), 1U);
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "t%u", i);
		feed(e, &h, name, NULL, 200 * s);
	}
	vigil_engine_stats(e, &st);
	KUNIT_EXPECT_EQ(test, st.terms_learned, 8ULL);
	KUNIT_EXPECT_EQ(test, st.terms_evictions, 13ULL);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "t0", NULL, 201 * s), 1U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "t19", NULL, 201 * s), 0U);
	vigil_engine_free(e);
out:
	vg_free(b);
}

static struct kunit_case vigil_terms_cases[] = {
	KUNIT_CASE(vigil_terms_window_capacity),
	{}
};

static struct kunit_suite vigil_terms_suite = {
	.name = "vigil_terms",
	.test_cases = vigil_terms_cases,
};

kunit_test_suites(&vigil_seq_suite, &vigil_terms_suite);
