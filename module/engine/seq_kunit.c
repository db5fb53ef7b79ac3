// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the sequence correlator (suite vigil_seq); the randomized
 * comparison with a model of Elasticsearch runs in userspace
 * (user/tests/test_seq_diff.c).
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
	const char *why = NULL;
	struct vigil_engine *e = rsb_engine(b, seq_cap, terms_cap, &why);

	KUNIT_EXPECT_NOT_NULL_MSG(test, e, "engine: %s", why);
	return e;
}

static u32 feed(struct vigil_engine *e, struct seq_hits *h, const char *name,
		const char *ent, u64 ts)
{
	struct vigil_event *ev = vg_zalloc(sizeof(*ev));
	u32 n;

	if (!ev)
		return 0;
	rsb_exec_event(ev, name, ent, ts);
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

/* by process.entity_id, then by process.parent.entity_id: one value */
static void vigil_seq_cross_field(struct kunit *test)
{
	struct rsb *b = rsb_seq_chain(2, 1);
	struct vigil_event *ev = vg_zalloc(sizeof(*ev));
	struct vigil_engine *e = NULL;
	struct seq_hits h = { 0 };

	if (!b || !ev)
		goto out;
	rsb_step_by(b, 1, VIGIL_F_PARENT_ENTITY_ID);
	e = build(test, b, 0, 0);
	if (!e)
		goto out;
	feed(e, &h, "a", "parent", 1 * MS);
	rsb_exec_event(ev, "b", "child", 2 * MS);
	vigil_event_set_str(ev, VIGIL_F_PARENT_ENTITY_ID, "parent", 6);
	KUNIT_EXPECT_EQ(test, vigil_engine_process(e, ev, on_alert, &h), 1U);
out:
	vigil_engine_free(e);
	vg_free(ev);
	vg_free(b);
}

/* An event that completes one sequence starts the next; early stamps wait. */
static void vigil_seq_every_stage(struct kunit *test)
{
	struct rsb *b = rsb_seq_chain(2, 1);
	struct vigil_engine *e;
	struct seq_hits h = { 0 };

	KUNIT_ASSERT_NOT_NULL(test, b);
	/* step 1 matches "a" too: [a] [a] */
	b->steps[1] = b->steps[0];
	e = build(test, b, 0, 0);
	if (!e)
		goto out;
	KUNIT_EXPECT_EQ(test, feed(e, &h, "a", "p", 10 * MS), 0U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "a", "p", 5 * MS), 0U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "a", "p", 11 * MS), 1U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "a", "p", 12 * MS), 1U);
	KUNIT_EXPECT_EQ(test, feed(e, &h, "a", "p", 13 * MS), 1U);
	vigil_engine_free(e);
out:
	vg_free(b);
}

static struct kunit_case vigil_seq_cases[] = {
	KUNIT_CASE(vigil_seq_order),
	KUNIT_CASE(vigil_seq_maxspan),
	KUNIT_CASE(vigil_seq_runs),
	KUNIT_CASE(vigil_seq_capacity_forget),
	KUNIT_CASE(vigil_seq_cross_field),
	KUNIT_CASE(vigil_seq_every_stage),
	{}
};

static struct kunit_suite vigil_seq_suite = {
	.name = "vigil_seq",
	.test_cases = vigil_seq_cases,
};

kunit_test_suites(&vigil_seq_suite);
