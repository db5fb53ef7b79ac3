// SPDX-License-Identifier: GPL-2.0
/*
 * Sequence correlator: the cases of issue 16 one by one (the randomized
 * comparison with a model of Elasticsearch is test_seq_diff.c).
 */
#include <stdlib.h>
#include "tap.h"
#include "rs_builder.h"

#define MS	1000000ULL

struct hits {
	u32 n;
	u32 n_prior;
	char prior_name[8][32];
};

static void on_alert(void *ctx, const struct vigil_match *m)
{
	struct hits *h = ctx;
	struct vigil_event ev;
	u32 i;

	h->n++;
	h->n_prior = m->n_prior;
	for (i = 0; i < m->n_prior && i < 8; i++) {
		h->prior_name[i][0] = 0;
		if (vigil_event_decode(&ev, m->prior[i], m->prior_len[i]))
			continue;
		if (ev.present & (1ULL << VIGIL_F_PROCESS_NAME))
			snprintf(h->prior_name[i], 32, "%.*s",
				 (int)ev.v[VIGIL_F_PROCESS_NAME].len,
				 ev.v[VIGIL_F_PROCESS_NAME].str);
	}
}

static struct vigil_engine *build(struct rsb *b, u32 seq_cap, u32 terms_cap)
{
	const char *why;
	struct vigil_engine *e = rsb_engine(b, seq_cap, terms_cap, &why);

	if (!e)
		printf("#   engine: %s\n", why);
	return e;
}

static u32 feed(struct vigil_engine *e, struct hits *h, const char *name,
		const char *ent, u64 ts)
{
	struct vigil_event ev;

	rsb_exec_event(&ev, name, ent, ts);
	return vigil_engine_process(e, &ev, on_alert, h);
}

static void seq_order(void)
{
	struct rsb *b = rsb_seq_chain(3, 1);
	struct vigil_engine *e = build(b, 0, 0);
	struct hits h = { 0 };
	struct vigil_engine_stats st;

	CHECK(e != NULL);
	if (!e)
		goto out;
	CHECK_EQ(feed(e, &h, "b", "p1", 1 * MS), 0);	/* out of order */
	CHECK_EQ(feed(e, &h, "a", "p1", 2 * MS), 0);
	CHECK_EQ(feed(e, &h, "c", "p1", 3 * MS), 0);	/* skips b */
	CHECK_EQ(feed(e, &h, "b", "p2", 4 * MS), 0);	/* other key */
	CHECK_EQ(feed(e, &h, "b", "p1", 5 * MS), 0);
	CHECK_EQ(feed(e, &h, "b", NULL, 5 * MS), 0);	/* no key */
	CHECK_EQ(feed(e, &h, "c", "p1", 6 * MS), 1);
	CHECK_EQ(h.n_prior, 2);
	CHECK_STR(h.prior_name[0], "a");
	CHECK_STR(h.prior_name[1], "b");
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.seq_pending, 0);
	CHECK_EQ(feed(e, &h, "c", "p1", 7 * MS), 0);	/* consumed */
	CHECK_EQ(vigil_engine_hits(e, 0), 1);
	vigil_engine_free(e);
out:
	free(b);
}

/* A kind only a later step uses matters only while a sequence waits. */
static void seq_later_kinds(void)
{
	struct rsb *b = rsb_seq_chain(2, 1);
	struct vigil_engine *e;
	struct hits h = { 0 };

	CHECK(b != NULL);
	if (!b)
		return;
	b->steps[1].kind_mask = 1U << VIGIL_EV_CREATE;
	e = build(b, 0, 0);
	CHECK(e != NULL);
	if (!e)
		goto out;
	CHECK_EQ(vigil_engine_kind_mask(e),
		 (1U << VIGIL_EV_EXEC) | (1U << VIGIL_EV_CREATE));
	CHECK_EQ(vigil_engine_kind_mask_later(e), 1U << VIGIL_EV_CREATE);
	CHECK_EQ(vigil_engine_seq_pending(e), 0);
	CHECK_EQ(feed(e, &h, "a", "p1", 1 * MS), 0);
	CHECK_EQ(vigil_engine_seq_pending(e), 1);
	vigil_engine_forget_entity(e, "p1", 2);
	CHECK_EQ(vigil_engine_seq_pending(e), 0);
	/* a rule of its own on that kind: always wanted */
	vigil_engine_free(e);
	rsb_simple(b, "create", 1U << VIGIL_EV_CREATE, VIGIL_F_FILE_PATH,
		   VIGIL_PAT_EXACT, 0, "/x");
	e = build(b, 0, 0);
	CHECK(e != NULL);
	if (e)
		CHECK_EQ(vigil_engine_kind_mask_later(e), 0);
	vigil_engine_free(e);
out:
	free(b);
}

static void seq_maxspan(void)
{
	struct rsb *b = rsb_seq_chain(2, 1);
	struct vigil_engine *e = build(b, 0, 0);
	struct hits h = { 0 };
	struct vigil_engine_stats st;
	u64 t0 = 1000 * 1000 * MS;

	CHECK(e != NULL);
	if (!e)
		goto out;
	/* exactly maxspan: matches */
	feed(e, &h, "a", "p", t0);
	CHECK_EQ(feed(e, &h, "b", "p", t0 + 1000 * MS), 1);
	/* maxspan + 1ns: does not */
	feed(e, &h, "a", "p", t0);
	CHECK_EQ(feed(e, &h, "b", "p", t0 + 1000 * MS + 1), 0);
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.seq_expired, 1);
	CHECK_EQ(st.seq_pending, 0);
	/* a restart resets the start time */
	feed(e, &h, "a", "p", t0);
	feed(e, &h, "a", "p", t0 + 900 * MS);
	CHECK_EQ(feed(e, &h, "b", "p", t0 + 1800 * MS), 1);
	vigil_engine_free(e);
out:
	free(b);
}

static void seq_runs(void)
{
	struct rsb *b = rsb_seq_chain(3, 3);
	struct vigil_engine *e = build(b, 0, 0);
	struct hits h = { 0 };

	CHECK(e != NULL);
	if (!e)
		goto out;
	feed(e, &h, "a", "p", 1);
	feed(e, &h, "b", "p", 2);
	feed(e, &h, "b", "p", 3);
	CHECK_EQ(feed(e, &h, "c", "p", 4), 0);	/* only 2 of 3 runs */
	CHECK_EQ(feed(e, &h, "b", "p", 5), 0);
	CHECK_EQ(feed(e, &h, "c", "p", 6), 1);
	CHECK_EQ(h.n_prior, 2);
	vigil_engine_free(e);
out:
	free(b);
}

/*
 * One event matching step 0 and step 1 completes one sequence and starts
 * the next (Elastic tries every stage): seven in a row give six alerts,
 * (1,2), (2,3), ... (6,7), as defense_evasion_multi_base64_decoding_attempt
 * does in Elastic.
 */
static void seq_same_event(void)
{
	struct rsb *b = calloc(1, sizeof(*b));
	struct vigil_engine *e;
	struct hits h = { 0 };
	u32 s0, s1, set, i;
	char name[8], want[8];

	rsb_init(b);
	set = rsb_set1(b, VIGIL_PAT_PREFIX, 0, "x");
	s0 = rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0, set);
	rsb_step_end(b);
	s1 = rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0, set);
	rsb_step_end(b);
	rsb_step_by(b, s0, VIGIL_F_PROCESS_ENTITY_ID);
	rsb_step_by(b, s1, VIGIL_F_PROCESS_ENTITY_ID);
	rsb_rule(b, "twice", VIGIL_RULE_SEQUENCE, s0, 2);
	b->rules[0].maxspan_ms = 10;
	e = build(b, 0, 0);
	CHECK(e != NULL);
	if (!e)
		goto out;
	CHECK_EQ(feed(e, &h, "x1", "p", 1), 0);
	for (i = 2; i <= 7; i++) {
		snprintf(name, sizeof(name), "x%u", i);
		snprintf(want, sizeof(want), "x%u", i - 1);
		CHECK_EQ(feed(e, &h, name, "p", i), 1);
		CHECK_STR(h.prior_name[0], want);
	}
	CHECK_EQ(h.n, 6);
	vigil_engine_free(e);
out:
	free(b);
}

/* by process.entity_id, then by process.parent.entity_id: one value */
static void seq_cross_field(void)
{
	struct rsb *b = rsb_seq_chain(2, 1);
	struct vigil_engine *e;
	struct vigil_event ev;
	struct hits h = { 0 };

	CHECK(b != NULL);
	if (!b)
		return;
	rsb_step_by(b, 1, VIGIL_F_PARENT_ENTITY_ID);
	e = build(b, 0, 0);
	CHECK(e != NULL);
	if (!e)
		goto out;
	feed(e, &h, "a", "parent", 1 * MS);
	rsb_exec_event(&ev, "b", "child", 2 * MS);
	vigil_event_set_str(&ev, VIGIL_F_PARENT_ENTITY_ID, "other", 5);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 0);
	vigil_event_set_str(&ev, VIGIL_F_PARENT_ENTITY_ID, "parent", 6);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 1);
	CHECK_STR(h.prior_name[0], "a");
	/* a sequence waiting for a child of "parent" outlives "parent" */
	feed(e, &h, "a", "parent", 3 * MS);
	vigil_engine_forget_entity(e, "parent", 6);
	CHECK_EQ(vigil_engine_seq_pending(e), 1);
	vigil_engine_free(e);
out:
	free(b);
}

/*
 * A repeated first step between steps 2 and 3 does not discard progress:
 * a, b, a, c completes (a1, b, c), as Elastic keeps sequences per stage.
 */
static void seq_repeat_first(void)
{
	struct rsb *b = rsb_seq_chain(3, 1);
	struct vigil_engine *e = build(b, 0, 0);
	struct hits h = { 0 };
	struct vigil_event ev;

	CHECK(e != NULL);
	if (!e)
		goto out;
	feed(e, &h, "a", "p", 1 * MS);
	feed(e, &h, "b", "p", 2 * MS);
	rsb_exec_event(&ev, "a", "p", 3 * MS);
	vigil_event_set_str(&ev, VIGIL_F_PROCESS_COMMAND_LINE, "second", 6);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 0);
	CHECK_EQ(feed(e, &h, "c", "p", 4 * MS), 1);
	CHECK_STR(h.prior_name[0], "a");
	CHECK_STR(h.prior_name[1], "b");
	CHECK_EQ(vigil_engine_seq_pending(e), 1);	/* the second a waits */
	vigil_engine_free(e);
out:
	free(b);
}

/* A step stamped before the sequence's latest event never advances it. */
static void seq_earlier(void)
{
	struct rsb *b = rsb_seq_chain(2, 1);
	struct vigil_engine *e = build(b, 0, 0);
	struct hits h = { 0 };
	u64 t0 = 3600ULL * 1000 * MS;

	CHECK(e != NULL);
	if (!e)
		goto out;
	feed(e, &h, "a", "p", t0);
	CHECK_EQ(feed(e, &h, "b", "p", t0 - 3600ULL * 1000 * MS), 0);
	CHECK_EQ(feed(e, &h, "b", "p", t0 - 1), 0);
	CHECK_EQ(feed(e, &h, "b", "p", t0), 1);	/* a tie is in order */
	vigil_engine_free(e);
out:
	free(b);
}

/* Each rule evicts within its own share of the table. */
static void seq_share(void)
{
	struct rsb *b = rsb_seq_chain(2, 1);
	struct vigil_engine *e;
	struct vigil_engine_stats st;
	struct hits h = { 0 };
	char id[8];
	u32 i, s0;

	CHECK(b != NULL);
	if (!b)
		return;
	/* rule 1 "flood": [c] by entity_id [d] by entity_id */
	s0 = b->n_steps;
	rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0,
		 rsb_set1(b, VIGIL_PAT_EXACT, 0, "c"));
	rsb_step_end(b);
	rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0,
		 rsb_set1(b, VIGIL_PAT_EXACT, 0, "d"));
	rsb_step_end(b);
	rsb_step_by(b, s0, VIGIL_F_PROCESS_ENTITY_ID);
	rsb_step_by(b, s0 + 1, VIGIL_F_PROCESS_ENTITY_ID);
	rsb_rule(b, "flood", VIGIL_RULE_SEQUENCE, s0, 2);
	b->rules[1].maxspan_ms = 1000;
	e = build(b, 4, 0);
	CHECK(e != NULL);
	if (!e)
		goto out;
	feed(e, &h, "a", "victim1", 1);
	feed(e, &h, "a", "victim2", 2);
	for (i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "f%u", i);
		feed(e, &h, "c", id, 10 + i);
	}
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.seq_pending, 4);
	CHECK_EQ(st.seq_evictions, 98);
	CHECK_EQ(feed(e, &h, "b", "victim1", 200), 1);
	CHECK_EQ(feed(e, &h, "b", "victim2", 200), 1);
	vigil_engine_free(e);
out:
	free(b);
}

/* Room is made from an expired entry before a live one. */
static void seq_expired_first(void)
{
	struct rsb *b = rsb_seq_chain(3, 1);
	struct vigil_engine *e = build(b, 2, 0);
	struct vigil_engine_stats st;
	struct hits h = { 0 };

	CHECK(e != NULL);
	if (!e)
		goto out;
	feed(e, &h, "a", "p1", 0);
	feed(e, &h, "a", "p2", 100 * MS);
	feed(e, &h, "b", "p1", 200 * MS);	/* p1 most recently used */
	feed(e, &h, "a", "p3", 1050 * MS);	/* p1 past maxspan */
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.seq_expired, 1);
	CHECK_EQ(st.seq_evictions, 0);
	feed(e, &h, "b", "p2", 1060 * MS);
	CHECK_EQ(feed(e, &h, "c", "p2", 1070 * MS), 1);
	vigil_engine_free(e);
out:
	free(b);
}

static void seq_capacity(void)
{
	struct rsb *b = rsb_seq_chain(2, 1);
	struct vigil_engine *e = build(b, 4, 0);
	struct vigil_engine_stats st;
	struct hits h = { 0 };
	char id[8];
	u32 i;

	CHECK(e != NULL);
	if (!e)
		goto out;
	for (i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "p%u", i);
		feed(e, &h, "a", id, 10 + i);
	}
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.seq_pending, 4);
	CHECK_EQ(st.seq_evictions, 6);
	CHECK_EQ(feed(e, &h, "b", "p0", 30), 0);	/* evicted */
	CHECK_EQ(feed(e, &h, "b", "p9", 30), 1);
	CHECK_EQ(feed(e, &h, "b", "p6", 30), 1);
	vigil_engine_free(e);
out:
	free(b);
}

static void seq_forget(void)
{
	struct rsb *b = rsb_seq_chain(2, 1);
	struct vigil_engine *e = build(b, 0, 0);
	struct vigil_engine_stats st;
	struct hits h = { 0 };

	CHECK(e != NULL);
	if (!e)
		goto out;
	feed(e, &h, "a", "p1", 1);
	feed(e, &h, "a", "p2", 1);
	vigil_engine_forget_entity(e, "p1", 2);
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.seq_pending, 1);
	CHECK_EQ(feed(e, &h, "b", "p1", 2), 0);
	CHECK_EQ(feed(e, &h, "b", "p2", 2), 1);
	vigil_engine_free(e);
out:
	free(b);
}

/*
 * A step's event is kept in a slot allocated when the step matches and
 * freed when the sequence ends; a failed allocation loses that sequence
 * alone, counted in seq_nomem.
 */
static void seq_slots(void)
{
	struct rsb *b = rsb_seq_chain(3, 1);
	struct vigil_engine *e = build(b, 0, 0);
	struct hits h = { 0 };
	struct vigil_engine_stats st;
	long live0 = vg_atomic_live;

	CHECK(e != NULL);
	if (!e)
		goto out;
	CHECK_EQ(vg_atomic_live, live0); /* nothing held while idle */
	feed(e, &h, "a", "p1", 1 * MS);
	CHECK_EQ(vg_atomic_live, live0 + 1);
	feed(e, &h, "b", "p1", 2 * MS);
	CHECK_EQ(vg_atomic_live, live0 + 2);
	CHECK_EQ(feed(e, &h, "c", "p1", 3 * MS), 1);
	CHECK_STR(h.prior_name[0], "a");
	CHECK_STR(h.prior_name[1], "b");
	CHECK_EQ(vg_atomic_live, live0); /* completed: freed */
	/* no memory at the start: that sequence is lost and counted */
	vg_atomic_fail = 1;
	feed(e, &h, "a", "p2", 4 * MS);
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.seq_nomem, 1);
	CHECK_EQ(st.seq_pending, 0);
	/* no memory at the second step: lost too */
	feed(e, &h, "a", "p3", 5 * MS);
	vg_atomic_fail = 1;
	feed(e, &h, "b", "p3", 6 * MS);
	CHECK_EQ(feed(e, &h, "c", "p3", 7 * MS), 0);
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.seq_nomem, 2);
	CHECK_EQ(st.seq_pending, 0);
	CHECK_EQ(vg_atomic_live, live0);
	/* and the next one is whole again */
	feed(e, &h, "a", "p4", 8 * MS);
	feed(e, &h, "b", "p4", 9 * MS);
	CHECK_EQ(feed(e, &h, "c", "p4", 10 * MS), 1);
	/* a pending sequence's slots go with the engine */
	feed(e, &h, "a", "p5", 11 * MS);
	vigil_engine_free(e);
	CHECK_EQ(vg_atomic_live, live0);
out:
	free(b);
}

int main(void)
{
	RUN(seq_order);
	RUN(seq_later_kinds);
	RUN(seq_maxspan);
	RUN(seq_runs);
	RUN(seq_same_event);
	RUN(seq_cross_field);
	RUN(seq_repeat_first);
	RUN(seq_earlier);
	RUN(seq_share);
	RUN(seq_expired_first);
	RUN(seq_capacity);
	RUN(seq_forget);
	RUN(seq_slots);
	return tap_done();
}
