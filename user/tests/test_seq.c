// SPDX-License-Identifier: GPL-2.0
/* Sequence correlator and new-terms store. */
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
	struct vigil_engine_limits lim = { seq_cap, terms_cap };
	u32 cap = rsb_size(b);
	void *blob = malloc(cap);
	const char *why = NULL;
	struct vigil_engine *e;

	e = vigil_engine_new(blob, rsb_finish(b, blob, cap), &lim, &why);
	if (IS_ERR(e)) {
		printf("#   engine: %s\n", why);
		e = NULL;
	}
	free(blob);
	return e;
}

static void ev_exec(struct vigil_event *ev, const char *name, const char *ent,
		    u64 ts)
{
	vigil_event_init(ev);
	vigil_event_set_kind(ev, VIGIL_EV_EXEC);
	vigil_event_set_num(ev, VIGIL_F_TIMESTAMP, ts);
	vigil_event_set_str(ev, VIGIL_F_PROCESS_NAME, name, strlen(name));
	if (ent)
		vigil_event_set_str(ev, VIGIL_F_PROCESS_ENTITY_ID, ent,
				    strlen(ent));
}

static u32 feed(struct vigil_engine *e, struct hits *h, const char *name,
		const char *ent, u64 ts)
{
	struct vigil_event ev;

	ev_exec(&ev, name, ent, ts);
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

/* one event matching step 0 and step 1: advancing wins, used once */
static void seq_same_event(void)
{
	struct rsb *b = calloc(1, sizeof(*b));
	struct vigil_engine *e;
	struct hits h = { 0 };
	u32 s0, s1, set;

	rsb_init(b);
	set = rsb_set1(b, VIGIL_PAT_PREFIX, 0, "x");
	s0 = rsb_step_begin(b, VIGIL_EV_MASK_PROCESS);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0, set);
	rsb_step_end(b);
	s1 = rsb_step_begin(b, VIGIL_EV_MASK_PROCESS);
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
	CHECK_EQ(feed(e, &h, "x2", "p", 2), 1);
	CHECK_STR(h.prior_name[0], "x1");
	CHECK_EQ(feed(e, &h, "x3", "p", 3), 0);
	CHECK_EQ(feed(e, &h, "x4", "p", 4), 1);
	CHECK_STR(h.prior_name[0], "x3");
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

/* new_terms on process.name, window 10 s */
static struct vigil_engine *terms_engine(struct rsb *b, u32 cap)
{
	u32 r;

	rsb_init(b);
	r = rsb_simple(b, "nt", VIGIL_EV_MASK_PROCESS, VIGIL_F_PROCESS_NAME,
		       VIGIL_PAT_PREFIX, 0, "");
	b->rules[r].kind = VIGIL_RULE_NEW_TERMS;
	b->rules[r].n_terms = 1;
	b->rules[r].term_fields[0] = VIGIL_F_PROCESS_NAME;
	b->rules[r].history_window_s = 10;
	return build(b, 0, cap);
}

static int collect(void *ctx, u64 hash, u64 last)
{
	u64 *n = ctx;

	(*n)++;
	return 0;
}

static void terms_basic(void)
{
	struct rsb *b = calloc(1, sizeof(*b));
	struct vigil_engine *e = terms_engine(b, 0), *e2;
	struct vigil_engine_stats st;
	struct hits h = { 0 };
	u64 s = 1000000000ULL, n = 0;

	CHECK(e != NULL);
	if (!e)
		goto out;
	CHECK_EQ(feed(e, &h, "x", NULL, 100 * s), 1);
	CHECK_EQ(feed(e, &h, "x", NULL, 101 * s), 0);	/* repeat */
	CHECK_EQ(feed(e, &h, "y", NULL, 101 * s), 1);
	CHECK_EQ(feed(e, &h, "x", NULL, 111 * s), 0);	/* exactly window */
	CHECK_EQ(feed(e, &h, "x", NULL, 121 * s + 1), 1);	/* past it */
	CHECK_EQ(feed(e, &h, "x", NULL, 122 * s), 0);
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.terms_learned, 2);
	CHECK_EQ(vigil_engine_terms_walk(e, 0, collect, &n), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(vigil_engine_terms_walk(e, 5, collect, &n), -ENOENT);
	CHECK_EQ(vigil_engine_terms_add(e, 0, 12345, 5), 0);
	CHECK_EQ(vigil_engine_terms_add(e, 9, 12345, 5), -ENOENT);
	/* inherit into a fresh engine: "x" and "y" are known there */
	e2 = terms_engine(b, 0);
	CHECK(e2 != NULL);
	if (e2) {
		vigil_engine_inherit(e2, e);
		vigil_engine_stats(e2, &st);
		CHECK_EQ(st.terms_learned, 3);
		CHECK_EQ(feed(e2, &h, "y", NULL, 105 * s), 0);
		CHECK_EQ(feed(e2, &h, "z", NULL, 105 * s), 1);
		CHECK_EQ(vigil_engine_hits(e2, 0), 4);
		vigil_engine_free(e2);
	}
	vigil_engine_free(e);
out:
	free(b);
}

static void terms_capacity(void)
{
	struct rsb *b = calloc(1, sizeof(*b));
	struct vigil_engine *e = terms_engine(b, 8);
	struct vigil_engine_stats st;
	struct hits h = { 0 };
	char name[8];
	u32 i;

	CHECK(e != NULL);
	if (!e)
		goto out;
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "t%u", i);
		CHECK_EQ(feed(e, &h, name, NULL, 1000 + i), 1);
	}
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.terms_learned, 8);
	CHECK_EQ(st.terms_evictions, 12);
	CHECK_EQ(feed(e, &h, "t19", NULL, 2000), 0);	/* kept */
	CHECK_EQ(feed(e, &h, "t0", NULL, 2000), 1);	/* evicted: new again */
	vigil_engine_free(e);
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
	RUN(seq_capacity);
	RUN(seq_forget);
	RUN(terms_basic);
	RUN(terms_capacity);
	return tap_done();
}
