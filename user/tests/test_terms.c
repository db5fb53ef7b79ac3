// SPDX-License-Identifier: GPL-2.0
/*
 * New-terms store: first sight, history window, capacity, inheritance,
 * and growth chunk by chunk (a chunk that cannot be had evicts instead).
 */
#include <stdlib.h>
#include "tap.h"
#include "rs_builder.h"

static void count_alert(void *ctx, const struct vigil_match *m)
{
	(*(u32 *)ctx)++;
}

/* An exec of @name at @ts ns; Return: alerts. */
static u32 feed(struct vigil_engine *e, u32 *h, const char *name, u64 ts)
{
	struct vigil_event ev;

	rsb_exec_event(&ev, name, NULL, ts);
	return vigil_engine_process(e, &ev, count_alert, h);
}

/* new_terms on process.name, window 10 s */
static struct vigil_engine *terms_engine(struct rsb *b, u32 cap)
{
	const char *why;
	struct vigil_engine *e;

	rsb_terms(b);
	e = rsb_engine(b, 0, cap, &why);
	if (!e)
		printf("#   engine: %s\n", why);
	return e;
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
	u32 h = 0;
	u64 s = 1000000000ULL, n = 0;

	CHECK(e != NULL);
	if (!e)
		goto out;
	CHECK_EQ(feed(e, &h, "x", 100 * s), 1);
	CHECK_EQ(feed(e, &h, "x", 101 * s), 0);	/* repeat */
	CHECK_EQ(feed(e, &h, "y", 101 * s), 1);
	CHECK_EQ(feed(e, &h, "x", 111 * s), 0);	/* exactly window */
	CHECK_EQ(feed(e, &h, "x", 121 * s + 1), 1);	/* past it */
	CHECK_EQ(feed(e, &h, "x", 122 * s), 0);
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
		CHECK_EQ(feed(e2, &h, "y", 105 * s), 0);
		CHECK_EQ(feed(e2, &h, "z", 105 * s), 1);
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
	u32 h = 0;
	char name[8];
	u32 i;

	CHECK(e != NULL);
	if (!e)
		goto out;
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "t%u", i);
		CHECK_EQ(feed(e, &h, name, 1000 + i), 1);
	}
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.terms_learned, 8);
	CHECK_EQ(st.terms_evictions, 12);
	CHECK_EQ(feed(e, &h, "t19", 2000), 0);	/* kept */
	CHECK_EQ(feed(e, &h, "t0", 2000), 1);	/* evicted: new again */
	vigil_engine_free(e);
out:
	free(b);
}

/* Feeds t<from>..t<to - 1> at @ts.  Return: alerts. */
static u32 feed_range(struct vigil_engine *e, u32 from, u32 to, u64 ts)
{
	u32 h = 0, i, n = 0;
	char name[16];

	for (i = from; i < to; i++) {
		snprintf(name, sizeof(name), "t%u", i);
		n += feed(e, &h, name, ts);
	}
	return n;
}

static void terms_growth(void)
{
	struct rsb *b = calloc(1, sizeof(*b));
	struct vigil_engine *e = terms_engine(b, 1000);
	struct vigil_engine_stats st;
	long live0 = vg_atomic_live;

	CHECK(e != NULL);
	if (!e)
		goto out;
	/* 128 entries fit the first chunk; each next 128 take a chunk */
	CHECK_EQ(feed_range(e, 0, 128, 1000), 128);
	CHECK_EQ(vg_atomic_live, live0);
	CHECK_EQ(feed_range(e, 128, 129, 1000), 1);
	CHECK_EQ(vg_atomic_live, live0 + 1);
	/* a chunk that cannot be had: the least recent term goes */
	CHECK_EQ(feed_range(e, 129, 256, 1000), 127);
	vg_atomic_fail = 1;
	CHECK_EQ(feed_range(e, 256, 257, 1000), 1);
	vg_atomic_fail = 0;
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.terms_learned, 256);
	CHECK_EQ(st.terms_evictions, 1);
	CHECK_EQ(feed_range(e, 0, 1, 1001), 1); /* t0 was evicted */
	CHECK_EQ(vg_atomic_live, live0 + 2);
	/* up to the capacity, every term kept, across the chunks */
	CHECK_EQ(feed_range(e, 257, 1000, 1002), 743);
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.terms_learned, 1000);
	CHECK_EQ(st.terms_evictions, 1);
	CHECK_EQ(vg_atomic_live, live0 + 7);
	CHECK_EQ(feed_range(e, 0, 1000, 1003), 0);
	/* full: the least recent (t0, seen again first) goes */
	CHECK_EQ(feed_range(e, 1000, 1001, 1004), 1);
	CHECK_EQ(feed_range(e, 1, 1000, 1005), 0);
	CHECK_EQ(feed_range(e, 0, 1, 1006), 1);
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.terms_evictions, 3);
	CHECK_EQ(vg_atomic_live, live0 + 7);
	vigil_engine_free(e);
	CHECK_EQ(vg_atomic_live, live0);
out:
	free(b);
}

int main(void)
{
	RUN(terms_basic);
	RUN(terms_capacity);
	RUN(terms_growth);
	return tap_done();
}
