// SPDX-License-Identifier: GPL-2.0
/*
 * Threshold rules (module/engine/threshold.c, Documentation/engine.rst
 * "Threshold rules"):
 *
 *  - cases whose answers are known: a count that reaches its value once
 *    and restarts, the window's inclusive edge, Kibana's signal history
 *    (events at or before the alert's latest do not count again), a
 *    missing group field, no group field, distinct elements of an array,
 *    the eviction policy under a flood of one-event groups and its
 *    counter, stale groups reused without an eviction, state_max;
 *  - a randomized differential against a model written from Elastic's
 *    threshold executor evaluated at every event: the events of a group
 *    since its last alert, those within the window, their count and the
 *    distinct values of the cardinality field (array elements counted
 *    one by one, as Elasticsearch's cardinality aggregation does);
 *    timestamps never go back (ties are frequent), as the kernel's
 *    events nearly never do.  Built again per mutant of threshold.c
 *    (-DVIGIL_THR_MUTANT=n, build/mut/test_threshold-n): the case
 *    `mutants` asserts each disagrees with the model;
 *  - the compiler: the corpus rules (skipped without ../shared/corpus)
 *    and what it refuses.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "tap.h"
#include "mutants.h"
#include "compiler_util.h"
#include "rs_builder.h"

#define CORPUS "../../../shared/corpus/elastic/"
#define DIFF_EXIT 3
#define MS 1000000ULL

/* The one rule "t": process.name == "k", a threshold on it. */
static struct vigil_engine *thr_engine(u32 value, u32 window_ms, u8 field,
				       u8 card_field, u32 card_value, u32 cap,
				       u64 state_max, const char **why)
{
	static struct rsb b;
	struct vigil_engine_limits lim = { .thr_capacity = cap,
					   .state_max = state_max };
	struct vigil_engine *e;
	u32 r, len;
	void *blob;

	rsb_init(&b);
	r = rsb_simple(&b, "t", RSB_EXEC, VIGIL_F_PROCESS_NAME,
		       VIGIL_PAT_EXACT, 0, "k");
	rsb_threshold(&b, r, value, window_ms, field, card_field, card_value);
	blob = malloc(rsb_size(&b));
	if (!blob)
		return NULL;
	len = rsb_finish(&b, blob, rsb_size(&b));
	e = vigil_engine_new(blob, len, &lim, why);
	free(blob);
	return IS_ERR(e) ? NULL : e;
}

struct got {
	u32 n;
	u64 count[64], card[64];
};

static void cb(void *ctx, const struct vigil_match *m)
{
	struct got *g = ctx;

	if (g->n < 64 && m->thr) {
		g->count[g->n] = m->thr->count;
		g->card[g->n] = m->thr->cardinality;
	}
	g->n++;
}

/*
 * An event of process @name at @ms, executable @exe (NULL: none), args
 * @args as "a\0b\0" with @nargs elements (0: none), through @fn.
 */
static u32 ev_fn(struct vigil_engine *e, vigil_alert_fn fn, void *ctx,
		 const char *name, u64 ms, const char *exe, const char *args,
		 u32 alen, u32 nargs)
{
	struct vigil_event ev;

	rsb_exec_event(&ev, name, NULL, ms * MS);
	if (exe)
		vigil_event_set_str(&ev, VIGIL_F_PROCESS_EXECUTABLE, exe,
				    strlen(exe));
	if (nargs)
		vigil_event_set_array(&ev, VIGIL_F_PROCESS_ARGS, args, alen,
				      nargs);
	return vigil_engine_process(e, &ev, fn, ctx);
}

static u32 ev_at(struct vigil_engine *e, struct got *g, const char *name,
		 u64 ms, const char *exe, const char *args, u32 alen,
		 u32 nargs)
{
	return ev_fn(e, cb, g, name, ms, exe, args, alen, nargs);
}

static u32 kill_at(struct vigil_engine *e, struct got *g, u64 ms,
		   const char *exe)
{
	return ev_at(e, g, "k", ms, exe, NULL, 0, 0);
}

#ifndef THR_DIFF_MUTANT
/* Kills by /tmp/<prefix>N for N in [@from, @to), N at @ms + N. */
static void kill_range(struct vigil_engine *e, struct got *g,
		       const char *prefix, u32 from, u32 to, u64 ms)
{
	char exe[32];
	u32 i;

	for (i = from; i < to; i++) {
		snprintf(exe, sizeof(exe), "/tmp/%s%u", prefix, i);
		kill_at(e, g, ms + i, exe);
	}
}

/* 15 per executable in 9 minutes: the 15th alerts, then it restarts. */
static void count_restart(void)
{
	const char *why;
	struct vigil_engine *e = thr_engine(15, 540000, VIGIL_F_PROCESS_EXECUTABLE,
					    0, 0, 0, 0, &why);
	struct got g = { 0 };
	u32 i;

	CHECK(e);
	if (!e)
		return;
	for (i = 0; i < 14; i++) {
		kill_at(e, &g, 1000 * i, "/bin/kill");
		kill_at(e, &g, 1000 * i, "/tmp/kill");	/* another group */
	}
	CHECK_EQ(g.n, 0);
	ev_at(e, &g, "x", 20000, "/bin/kill", NULL, 0, 0);	/* not the query */
	CHECK_EQ(g.n, 0);
	CHECK_EQ(kill_at(e, &g, 20000, "/bin/kill"), 1);
	CHECK_EQ(g.count[0], 15);
	CHECK_EQ(g.card[0], 0);
	for (i = 0; i < 14; i++)
		kill_at(e, &g, 21000 + i, "/bin/kill");
	CHECK_EQ(g.n, 1);
	kill_at(e, &g, 22000, "/bin/kill");
	CHECK_EQ(g.n, 2);
	CHECK_EQ(g.count[1], 15);
	CHECK_EQ(vigil_engine_hits(e, 0), 2);
	vigil_engine_free(e);
}

/* The window slides and its edge is in: exactly one window old counts. */
static void window_edge(void)
{
	const char *why;
	struct vigil_engine *e = thr_engine(3, 1000, VIGIL_F_PROCESS_EXECUTABLE,
					    0, 0, 0, 0, &why);
	struct got g = { 0 };

	CHECK(e);
	if (!e)
		return;
	kill_at(e, &g, 0, "a");
	kill_at(e, &g, 600, "a");
	kill_at(e, &g, 1001, "a");	/* 0 is out */
	CHECK_EQ(g.n, 0);
	kill_at(e, &g, 1500, "a");	/* 600, 1001, 1500 */
	CHECK_EQ(g.n, 1);
	CHECK_EQ(g.count[0], 3);
	kill_at(e, &g, 5000, "b");
	kill_at(e, &g, 5500, "b");
	kill_at(e, &g, 6000, "b");	/* 5000 is exactly 1000 old: in */
	CHECK_EQ(g.n, 2);
	/* since its start, the group counted 4: 1 left the window */
	kill_at(e, &g, 10000, "c");
	kill_at(e, &g, 11001, "c");
	kill_at(e, &g, 11002, "c");
	kill_at(e, &g, 11003, "c");
	CHECK_EQ(g.n, 3);
	CHECK_EQ(g.count[2], 3);
	vigil_engine_free(e);
}

/* Kibana's signal history: events at or before the alert's latest. */
static void history(void)
{
	const char *why;
	struct vigil_engine *e = thr_engine(2, 60000, VIGIL_F_PROCESS_EXECUTABLE,
					    0, 0, 0, 0, &why);
	struct got g = { 0 };

	CHECK(e);
	if (!e)
		return;
	kill_at(e, &g, 100, "a");
	kill_at(e, &g, 110, "a");
	CHECK_EQ(g.n, 1);
	kill_at(e, &g, 110, "a");	/* a tie with the alert's latest */
	kill_at(e, &g, 105, "a");	/* late */
	kill_at(e, &g, 50, "a");
	CHECK_EQ(g.n, 1);
	kill_at(e, &g, 111, "a");
	CHECK_EQ(g.n, 1);
	kill_at(e, &g, 111, "a");	/* a tie, but no alert to be at */
	CHECK_EQ(g.n, 2);
	vigil_engine_free(e);
}

/* A missing group field counts nowhere; no group field: one group. */
static void groups(void)
{
	const char *why;
	struct vigil_engine *e = thr_engine(3, 60000, VIGIL_F_PROCESS_EXECUTABLE,
					    0, 0, 0, 0, &why);
	struct got g = { 0 };
	u32 i;

	CHECK(e);
	if (!e)
		return;
	for (i = 0; i < 5; i++)
		kill_at(e, &g, i, NULL);
	CHECK_EQ(g.n, 0);
	vigil_engine_free(e);
	e = thr_engine(3, 60000, VIGIL_F_UNSPEC, 0, 0, 0, 0, &why);
	CHECK(e);
	if (!e)
		return;
	kill_at(e, &g, 1, "a");
	kill_at(e, &g, 2, NULL);
	kill_at(e, &g, 3, "b");
	CHECK_EQ(g.n, 1);
	vigil_engine_free(e);
}

/* Distinct elements of an array, across events; the value counts too. */
static void cardinality(void)
{
	const char *why;
	struct vigil_engine *e = thr_engine(1, 60000, VIGIL_F_PROCESS_EXECUTABLE,
					    VIGIL_F_PROCESS_ARGS, 4, 0, 0, &why);
	struct got g = { 0 };

	CHECK(e);
	if (!e)
		return;
	ev_at(e, &g, "k", 1, "p", "a\0b", 4, 2);
	ev_at(e, &g, "k", 2, "p", "a\0c\0a", 6, 3);
	ev_at(e, &g, "k", 3, "p", NULL, 0, 0);	/* counts, no value */
	ev_at(e, &g, "k", 4, "q", "d", 2, 1);	/* another group */
	CHECK_EQ(g.n, 0);
	ev_at(e, &g, "k", 5, "p", "d\0b", 4, 2);
	CHECK_EQ(g.n, 1);
	CHECK_EQ(g.count[0], 4);
	CHECK_EQ(g.card[0], 4);
	/* restarted: "a".."d" again need four distinct values anew */
	ev_at(e, &g, "k", 6, "p", "a\0b\0c", 6, 3);
	CHECK_EQ(g.n, 1);
	ev_at(e, &g, "k", 7, "p", "e", 2, 1);
	CHECK_EQ(g.n, 2);
	vigil_engine_free(e);
	/* values seen only outside the window do not count */
	e = thr_engine(1, 1000, VIGIL_F_UNSPEC, VIGIL_F_PROCESS_ARGS, 3, 0, 0,
		       &why);
	CHECK(e);
	if (!e)
		return;
	g.n = 0;
	ev_at(e, &g, "k", 0, "p", "a", 2, 1);
	ev_at(e, &g, "k", 500, "p", "b", 2, 1);
	ev_at(e, &g, "k", 1200, "p", "c", 2, 1);	/* "a" is out */
	CHECK_EQ(g.n, 0);
	ev_at(e, &g, "k", 1300, "p", "a", 2, 1);
	CHECK_EQ(g.n, 1);
	CHECK_EQ(g.card[0], 3);
	vigil_engine_free(e);
}

/*
 * A flood of one-event groups cannot evict a group that made more
 * progress; every eviction of a group with events in its window counts.
 */
static void flood(void)
{
	struct vigil_engine_stats st;
	const char *why;
	struct vigil_engine *e = thr_engine(5, 60000, VIGIL_F_PROCESS_EXECUTABLE,
					    0, 0, 4, 0, &why);
	struct got g = { 0 };
	u32 i;

	CHECK(e);
	if (!e)
		return;
	for (i = 0; i < 3; i++)
		kill_at(e, &g, 1000 + i, "/bin/kill");
	kill_range(e, &g, "f", 0, 20, 2000);
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.thr_groups, 4);
	CHECK_EQ(st.thr_evictions, 17);
	kill_at(e, &g, 3000, "/bin/kill");
	kill_at(e, &g, 3001, "/bin/kill");
	CHECK_EQ(g.n, 1);
	CHECK_EQ(g.count[0], 5);
	/* groups whose events left the window make room for free */
	kill_range(e, &g, "s", 0, 8, 200000);
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.thr_evictions, 17 + 4);
	vigil_engine_free(e);
}

/*
 * Groups of 1000 event times, one to a chunk: each new group takes a
 * chunk up to the capacity; one that cannot be had evicts instead.
 */
static void growth(void)
{
	struct vigil_engine_stats st;
	const char *why;
	struct vigil_engine *e = thr_engine(1000, 60000,
					    VIGIL_F_PROCESS_EXECUTABLE, 0, 0,
					    8, 0, &why);
	long live0 = vg_atomic_live;
	struct got g = { 0 };

	CHECK(e);
	if (!e)
		return;
	kill_range(e, &g, "g", 0, 3, 1000);
	CHECK_EQ(vg_atomic_live, live0 + 2);
	vg_atomic_fail = 1;
	kill_at(e, &g, 1003, "/tmp/g3");
	vg_atomic_fail = 0;
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.thr_groups, 3);
	CHECK_EQ(st.thr_evictions, 1);
	kill_range(e, &g, "g", 4, 12, 1000);
	vigil_engine_stats(e, &st);
	CHECK_EQ(st.thr_groups, 8);
	CHECK_EQ(st.thr_evictions, 1 + 3);
	CHECK_EQ(vg_atomic_live, live0 + 7);
	vigil_engine_free(e);
	CHECK_EQ(vg_atomic_live, live0);
}

/* The store is counted against state_max before it is allocated. */
static void state_cap(void)
{
	const char *why = NULL;
	struct vigil_engine *e;

	/* 1024 groups of 1024 times and 1024 values: about 27 MiB */
	e = thr_engine(1024, 1000, VIGIL_F_PROCESS_EXECUTABLE,
		       VIGIL_F_PROCESS_ARGS, 1024, 1024, 16ULL << 20, &why);
	CHECK(!e);
	CHECK(why && strstr(why, "exceeds state_max_mb"));
	vigil_engine_free(e);
	e = thr_engine(1024, 1000, VIGIL_F_PROCESS_EXECUTABLE,
		       VIGIL_F_PROCESS_ARGS, 1024, 1024, 64ULL << 20, &why);
	CHECK(e);
	vigil_engine_free(e);
}
#endif /* !THR_DIFF_MUTANT */

/* ---------------- the differential ---------------- */

#define D_EVENTS 80
#define D_KEYS 3
#define D_VALS 6

struct mev {
	u64 ms;
	bool match;	/* process.name "k" */
	int key;	/* -1: no executable */
	u32 nargs;	/* 0: no args */
	int arg[3];
};

/*
 * The model: Elastic's threshold executor run at the time of each event
 * over [t - window, t], grouping by the executable, less the events of
 * a group at or before the latest event of its last alert (Kibana's
 * signal history, getThresholdBucketFilters()).
 */
struct mgroup {
	bool alerted;
	u64 barrier;
	u32 n;
	u32 ev[D_EVENTS];	/* indices of its events since its last alert */
};

struct malert {
	u32 at;
	u64 count, card;
	bool all_in;	/* every event since the last alert is in the window */
};

static u32 model(const struct mev *s, u32 n, u32 value, u64 win_ms,
		 bool by_exe, u32 cv, struct malert *out)
{
	struct mgroup grp[D_KEYS + 1];
	u32 i, j, k, na = 0, count, card;
	bool seen[D_VALS];

	memset(grp, 0, sizeof(grp));
	for (i = 0; i < n; i++) {
		struct mgroup *g;

		if (!s[i].match || (by_exe && s[i].key < 0))
			continue;
		g = &grp[by_exe ? s[i].key : D_KEYS];
		if (g->alerted && s[i].ms <= g->barrier)
			continue;
		g->ev[g->n++] = i;
		count = 0;
		memset(seen, 0, sizeof(seen));
		for (j = 0; j < g->n; j++) {
			const struct mev *x = &s[g->ev[j]];

			if (s[i].ms - x->ms > win_ms)
				continue;
			count++;
			for (k = 0; k < x->nargs; k++)
				seen[x->arg[k]] = true;
		}
		for (card = 0, k = 0; k < D_VALS; k++)
			card += seen[k];
		if (count < value || (cv && card < cv))
			continue;
		out[na].at = i;
		out[na].count = count;
		out[na].card = cv ? card : 0;
		out[na].all_in = count == g->n;
		na++;
		g->alerted = true;
		g->barrier = s[i].ms;
		g->n = 0;
	}
	return na;
}

struct valert {
	u32 at;
	u64 count, card;
};

struct vctx {
	u32 at, n;
	struct valert a[D_EVENTS];
};

static void vcb(void *ctx, const struct vigil_match *m)
{
	struct vctx *v = ctx;

	if (v->n < D_EVENTS && m->thr) {
		v->a[v->n].at = v->at;
		v->a[v->n].count = m->thr->count;
		v->a[v->n].card = m->thr->cardinality;
	}
	v->n++;
}

static void show(const char *what, u32 r, u32 value, u64 win, bool by_exe,
		 u32 cv, u32 at)
{
	printf("#   round %u (value %u, window %llu ms, %s, cardinality %u): %s at event %u\n",
	       r, value, (unsigned long long)win,
	       by_exe ? "by executable" : "one group", cv, what, at);
}

/* Disagreements over @rounds random streams (the first few printed). */
static u32 differential(u32 rounds, u32 *alerts)
{
	static const char *const exes[D_KEYS] = { "/a", "/b", "/c" };
	static const char *const vals[D_VALS] = { "v0", "v1", "v2",
						  "v3", "v4", "v5" };
	static const u64 step[] = { 0, 0, 100, 250, 500, 1000 };
	struct malert ma[D_EVENTS];
	struct mev s[D_EVENTS];
	u32 r, i, k, bad = 0, na;
	struct vctx v;

	srand(14);
	*alerts = 0;
	for (r = 0; r < rounds; r++) {
		u32 value = 1 + rand() % 5, cv = rand() % 2 ? 1 + rand() % 5 : 0;
		u64 win = (u64)(1 + rand() % 4) * 500, ms = 0, d;
		bool by_exe = rand() % 5, differ = false;
		struct vigil_engine *e;
		const char *why;

		e = thr_engine(value, (u32)win,
			       by_exe ? VIGIL_F_PROCESS_EXECUTABLE : 0,
			       cv ? VIGIL_F_PROCESS_ARGS : 0, cv, 64, 0, &why);
		if (!e) {
			printf("#   engine: %s\n", why);
			return 1;
		}
		for (i = 0; i < D_EVENTS; i++) {
			d = step[rand() % 6];
			/* sometimes exactly one window after an earlier one */
			if (i && rand() % 8 == 0) {
				k = rand() % i;
				d = s[k].ms + win > ms ? s[k].ms + win - ms : 0;
			}
			ms += d;
			s[i].ms = ms;
			s[i].match = rand() % 10;
			s[i].key = rand() % 10 ? rand() % D_KEYS : -1;
			s[i].nargs = rand() % 10 ? 1 + rand() % 3 : 0;
			for (k = 0; k < s[i].nargs; k++)
				s[i].arg[k] = rand() % D_VALS;
		}
		na = model(s, D_EVENTS, value, win, by_exe, cv, ma);
		memset(&v, 0, sizeof(v));
		for (i = 0; i < D_EVENTS; i++) {
			char args[16];
			u32 alen = 0;

			for (k = 0; k < s[i].nargs; k++) {
				memcpy(args + alen, vals[s[i].arg[k]], 3);
				alen += 3;
			}
			v.at = i;
			ev_fn(e, vcb, &v, s[i].match ? "k" : "x", s[i].ms,
			      s[i].key < 0 ? NULL : exes[s[i].key], args, alen,
			      s[i].nargs);
		}
		vigil_engine_free(e);
		*alerts += na;
		if (v.n != na) {
			differ = true;
			if (bad < 5)
				printf("#   round %u: %u alerts, the model %u\n",
				       r, v.n, na);
		}
		for (i = 0; !differ && i < na; i++) {
			const char *what = NULL;

			if (v.a[i].at != ma[i].at)
				what = "alert at another event";
			else if (v.a[i].card != (ma[i].card < cv ? ma[i].card : cv))
				what = "cardinality";
			else if (ma[i].all_in ? v.a[i].count != ma[i].count :
						(v.a[i].count < value ||
						 v.a[i].count > ma[i].count))
				what = "count";
			if (what) {
				differ = true;
				if (bad < 5)
					show(what, r, value, win, by_exe, cv,
					     ma[i].at);
			}
		}
		bad += differ;
	}
	return bad;
}

#ifdef THR_DIFF_MUTANT
int main(void)
{
	u32 alerts;

	return differential(3000, &alerts) ? DIFF_EXIT : 0;
}
#else
static void diff_model(void)
{
	u32 alerts;

	CHECK_EQ(differential(3000, &alerts), 0);
	CHECK(alerts > 3000);
}

/* Each mutant build of threshold.c must disagree with the model. */
static void mutants(void)
{
	static const char *const what[] = {
		"",
		"an alert does not restart the count",
		"an event exactly one window old is out",
		"an array counts as one distinct value",
		"events up to the alert's latest count again",
	};
	mutants_run("test_threshold", what, (int)ARRAY_SIZE(what), DIFF_EXIT);
}

/* ---------------- the compiler ---------------- */

static const char *thr_rule(const char *thr, const char *from)
{
	static char t[4096];

	snprintf(t, sizeof(t),
		 "[rule]\nname = \"t\"\nrule_id = \"t-1\"\nseverity = \"low\"\n"
		 "risk_score = 1\ntype = \"threshold\"\nlanguage = \"kuery\"\n"
		 "%s%s%s"
		 "query = 'event.category:process and process.name:kill'\n"
		 "[rule.threshold]\n%s",
		 from ? "from = \"" : "", from ? from : "", from ? "\"\n" : "",
		 thr);
	return t;
}

static const char *thr_error(const char *thr, const char *from)
{
	__u32 len;
	void *b = cu_compile(thr_rule(thr, from), &len);

	if (b) {
		free(b);
		return "";
	}
	return cu_err.msg;
}

/* The record of the only rule of @toml's blob, or false. */
static bool thr_record(const char *toml, struct vigil_rs_threshold *out)
{
	const struct vigil_rs_header *h;
	__u32 len;
	void *b = cu_compile(toml, &len);
	bool one;

	if (!b)
		return false;
	h = b;
	one = h->n_thresholds == 1;
	if (one)
		memcpy(out, (char *)b + h->thresholds_off, sizeof(*out));
	free(b);
	return one;
}

static void compiler(void)
{
	struct vigil_rs_threshold t;

	CHECK(thr_record(thr_rule("field = [\"host.id\", \"user.name\", \"user.id\", "
				  "\"process.executable\"]\nvalue = 15\n",
				  "now-9m"), &t));
	CHECK_EQ(t.n_fields, 2);
	CHECK_EQ(t.fields[0], VIGIL_F_USER_ID);
	CHECK_EQ(t.fields[1], VIGIL_F_PROCESS_EXECUTABLE);
	CHECK_EQ(t.value, 15);
	CHECK_EQ(t.window_ms, 540000);
	CHECK_EQ(t.card_value, 0);
	/* no field, no from: one group over Elastic's default now-6m */
	CHECK(thr_record(thr_rule("value = 3\n", NULL), &t));
	CHECK_EQ(t.n_fields, 0);
	CHECK_EQ(t.window_ms, 360000);
	CHECK(thr_record(thr_rule("field = \"process.name\"\nvalue = 1\n"
				  "[[rule.threshold.cardinality]]\n"
				  "field = \"process.args\"\nvalue = 100\n",
				  "now-119m"), &t));
	CHECK_EQ(t.card_field, VIGIL_F_PROCESS_ARGS);
	CHECK_EQ(t.card_value, 100);
	CHECK_EQ(t.window_ms, 119 * 60000);
	CHECK(strstr(thr_error("value = 0\n", NULL), "rule.threshold.value must be 1..1024"));
	CHECK(strstr(thr_error("value = 1025\n", NULL), "must be 1..1024"));
	CHECK(strstr(thr_error("field = [\"process.title\"]\nvalue = 2\n", NULL),
		     "threshold field 'process.title' is not available"));
	CHECK(strstr(thr_error("field = [\"process.args\"]\nvalue = 2\n", NULL),
		     "threshold on array field 'process.args'"));
	CHECK(strstr(thr_error("field = [\"process.name\", \"process.pid\", "
			       "\"user.id\", \"process.executable\", "
			       "\"process.parent.name\"]\nvalue = 2\n", NULL),
		     "too many threshold fields"));
	CHECK(strstr(thr_error("value = 2\n[[rule.threshold.cardinality]]\n"
			       "field = \"process.args\"\nvalue = 5\n"
			       "[[rule.threshold.cardinality]]\n"
			       "field = \"process.name\"\nvalue = 5\n", NULL),
		     "at most one [[rule.threshold.cardinality]]"));
	CHECK(strstr(thr_error("value = 2\n[[rule.threshold.cardinality]]\n"
			       "field = \"dns.question.name\"\nvalue = 5\n", NULL),
		     "cardinality field 'dns.question.name' is not available"));
	CHECK(strstr(thr_error("value = 2\n[[rule.threshold.cardinality]]\n"
			       "field = \"process.args\"\nvalue = 2000\n", NULL),
		     "cardinality value must be 1..1024"));
	CHECK(strstr(thr_error("value = 2\n", "now-2d"),
		     "look-back 'from' must be 1..86400s"));
	CHECK(strstr(thr_error("field = 3\nvalue = 2\n", NULL),
		     "must be a string or a list"));
}

/* The corpus's threshold rules: two compile, the higher-order one not. */
static void corpus(void)
{
	static const struct {
		const char *file, *error;
		u8 n_fields, f0, f1, card;
		u32 value, card_value, window_ms;
	} cases[] = {
		{ "rules/linux/impact_process_kill_threshold.toml", NULL, 2,
		  VIGIL_F_PROCESS_EXECUTABLE, VIGIL_F_USER_ID, 0, 15, 0, 540000 },
		{ "rules/linux/discovery_ping_sweep_detected.toml", NULL, 2,
		  VIGIL_F_PARENT_ENTITY_ID, VIGIL_F_PROCESS_EXECUTABLE,
		  VIGIL_F_PROCESS_ARGS, 1, 100, 540000 },
		{ "rules/linux/privilege_escalation_potential_bufferoverflow_attack.toml",
		  "rule reads the alerts of other rules" },
	};
	char path[512], *text;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vigil_rs_threshold t;
		FILE *f;
		long n;

		snprintf(path, sizeof(path), CORPUS "%s", cases[i].file);
		f = fopen(path, "r");
		CHECK(f);
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		text = calloc(1, (size_t)n + 1);
		CHECK(text && fread(text, 1, (size_t)n, f) == (size_t)n);
		fclose(f);
		if (cases[i].error) {
			__u32 len;
			void *b = cu_compile(text, &len);

			CHECK(!b);
			free(b);
			CHECK(strstr(cu_err.msg, cases[i].error));
		} else {
			CHECK(thr_record(text, &t));
			CHECK_EQ(t.n_fields, cases[i].n_fields);
			CHECK_EQ(t.fields[0], cases[i].f0);
			CHECK_EQ(t.fields[1], cases[i].f1);
			CHECK_EQ(t.card_field, cases[i].card);
			CHECK_EQ(t.value, cases[i].value);
			CHECK_EQ(t.card_value, cases[i].card_value);
			CHECK_EQ(t.window_ms, cases[i].window_ms);
		}
		free(text);
	}
}

int main(int argc, char **argv)
{
	struct stat st;

	mutants_init(argv[0]);
	RUN(count_restart);
	RUN(window_edge);
	RUN(history);
	RUN(groups);
	RUN(cardinality);
	RUN(flood);
	RUN(growth);
	RUN(state_cap);
	RUN(diff_model);
	RUN(mutants);
	RUN(compiler);
	if (stat(CORPUS "rules/linux", &st))
		SKIP(corpus, "corpus not found at " CORPUS);
	else
		RUN(corpus);
	return tap_done();
}
#endif
