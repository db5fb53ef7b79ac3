// SPDX-License-Identifier: GPL-2.0
/* New-terms store: first sight, history window, capacity, inheritance. */
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

int main(void)
{
	RUN(terms_basic);
	RUN(terms_capacity);
	return tap_done();
}
