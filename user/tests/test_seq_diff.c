// SPDX-License-Identifier: GPL-2.0
/*
 * Randomized differential test of the sequence correlator against a
 * model of Elasticsearch's SequenceMatcher (seq_model.h).
 *
 * Random event streams over few keys (so joins collide), names that
 * match several steps at once, cross-field joins (entity_id with
 * parent.entity_id, a two-field join with a number), runs, timestamps on
 * both sides of maxspan, ties and out-of-order timestamps, from fixed
 * seeds:
 *
 *  - ordered: each stream as JSON lines through vigil_replay_stream()
 *    (`vigilctl replay`, which orders events by @timestamp) against the
 *    model in ORDERED mode (Elasticsearch's groups in full);
 *  - arrival: the same streams through vigil_engine_process() in arrival
 *    order, as the kernel sees them, against the model in ARRIVAL mode.
 *
 * Both must give the same alerts with the same events per step.  Built
 * a second time per mutant of seq.c (-DVIGIL_SEQ_MUTANT=n, user/Makefile:
 * build/mut/test_seq_diff-n); the case `mutants` runs each and asserts it
 * disagrees with the model.
 */
#include <stddef.h>
#include <sys/wait.h>

#include "tap.h"
#include "mutants.h"
#include "compiler_util.h"
#include "json.h"
#include "replay.h"
#include "seq_model.h"

#define STREAMS 1500
#define EVENTS 40
#define MS 1000000ULL
#define T0 (1767225600ULL * 1000000000ULL)
#define MAX_ALERTS 256
#define DIFF_EXIT 3

/* Each rule twice: as EQL for vigil, as a model rule. */
static const char *const rule_eql[] = {
	/* cross-field, one event can match both steps */
	"sequence with maxspan=10ms\n"
	" [process where process.name == \"a\"] by process.entity_id\n"
	" [process where process.name in (\"a\", \"b\")] by process.parent.entity_id",
	/* three steps, runs, a repeated first step */
	"sequence by process.entity_id with maxspan=6ms\n"
	" [process where process.name == \"a\"]\n"
	" [process where process.name == \"b\"] with runs=2\n"
	" [process where process.name in (\"b\", \"c\")]",
	/* two join fields, a string and a number, across fields */
	"sequence with maxspan=8ms\n"
	" [process where process.name in (\"a\", \"b\")] by process.entity_id, process.pid\n"
	" [process where process.name in (\"b\", \"c\")] by process.parent.entity_id, process.parent.pid",
	/* runs on the first step, every name in the last */
	"sequence with maxspan=5ms\n"
	" [process where process.name == \"a\"] by process.executable with runs=3\n"
	" [process where process.name in (\"a\", \"b\", \"c\")] by process.executable",
	/* one step with runs (vigil's compiler makes it [A] [A] runs=2) */
	"sequence by process.entity_id with maxspan=4ms\n"
	" [process where process.name in (\"a\", \"c\")] with runs=3",
};

static const struct sm_rule model_rules[] = {
	{ "r0", 10 * MS, 2, {
		{ { "a" }, 1, { SM_ENTITY }, 1 },
		{ { "a", "b" }, 1, { SM_PARENT_ENTITY }, 1 } } },
	{ "r1", 6 * MS, 3, {
		{ { "a" }, 1, { SM_ENTITY }, 1 },
		{ { "b" }, 1, { SM_ENTITY }, 2 },
		{ { "b", "c" }, 1, { SM_ENTITY }, 1 } } },
	{ "r2", 8 * MS, 2, {
		{ { "a", "b" }, 2, { SM_ENTITY, SM_PID }, 1 },
		{ { "b", "c" }, 2, { SM_PARENT_ENTITY, SM_PARENT_PID }, 1 } } },
	{ "r3", 5 * MS, 2, {
		{ { "a" }, 1, { SM_EXE }, 3 },
		{ { "a", "b", "c" }, 1, { SM_EXE }, 1 } } },
	{ "r4", 4 * MS, 2, {
		{ { "a", "c" }, 1, { SM_ENTITY }, 1 },
		{ { "a", "c" }, 1, { SM_ENTITY }, 2 } } },
};

#define N_RULES ((int)ARRAY_SIZE(model_rules))

static void *blob;
static __u32 blob_len;

static int compile_rules(void)
{
	struct vigil_compiler *c = vigil_compiler_new();
	char toml[1024];
	int i;

	if (!c)
		return -1;
	for (i = 0; i < N_RULES; i++) {
		snprintf(toml, sizeof(toml),
			 "[rule]\nname = \"%s\"\nrule_id = \"%s\"\n"
			 "severity = \"low\"\nrisk_score = 1\n"
			 "type = \"eql\"\nlanguage = \"eql\"\n"
			 "query = '''\n%s\n'''\n",
			 model_rules[i].name, model_rules[i].name, rule_eql[i]);
		if (vigil_compiler_add_buf(c, toml, strlen(toml), &cu_err)) {
			printf("#   %s: %s\n", model_rules[i].name, cu_err.msg);
			vigil_compiler_free(c);
			return -1;
		}
	}
	if (vigil_compiler_emit(c, &blob, &blob_len, &cu_err))
		blob = NULL;
	vigil_compiler_free(c);
	return blob ? 0 : -1;
}

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Stream @stream: its own 10 s of time, so one engine serves them all. */
static void gen(struct sm_event *evs, int n, int stream)
{
	static const char *const names[] = { "a", "b", "c" };
	static const char *const ids[] = { "p1", "p2", "p3" };
	static const char *const exes[] = { "/x", "/y" };
	uint64_t ts = T0 + 100 * MS + (uint64_t)stream * 10000 * MS;
	int i;

	for (i = 0; i < n; i++) {
		struct sm_event *e = &evs[i];

		memset(e, 0, sizeof(*e));
		if (rnd(8) == 0)
			ts -= rnd(7) * MS; /* out of order */
		else
			ts += rnd(4) * MS + (rnd(4) ? 0 : rnd(MS)); /* ties too */
		e->ts = ts;
		e->id = i;
		snprintf(e->name, sizeof(e->name), "%s", names[rnd(3)]);
		snprintf(e->entity, sizeof(e->entity), "%s", ids[rnd(3)]);
		if (rnd(10))
			snprintf(e->parent_entity, sizeof(e->parent_entity),
				 "%s", ids[rnd(3)]);
		snprintf(e->exe, sizeof(e->exe), "%s", exes[rnd(2)]);
		e->pid = 1 + rnd(2);
		e->has_pid = true;
		e->parent_pid = 1 + rnd(2);
		e->has_parent_pid = rnd(10) != 0;
	}
}

struct sigs {
	int n;
	char s[MAX_ALERTS][64];
};

static int sig_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void sig_add(struct sigs *g, const char *rule, const int *ids, int n)
{
	size_t o;
	int i;

	if (g->n >= MAX_ALERTS)
		return;
	o = snprintf(g->s[g->n], 64, "%s:", rule);
	for (i = 0; i < n && o < 64; i++)
		o += snprintf(g->s[g->n] + o, 64 - o, "%s%d", i ? "," : "",
			      ids[i]);
	g->n++;
}

static void model_sigs(const struct sm_event *in, int n, bool arrival,
		       struct sigs *g)
{
	static struct sm_state m;
	static struct sm_event evs[SM_MAX_EVENTS];
	struct sm_alert al[MAX_ALERTS];
	int i, na;

	memset(m.seqs, 0, sizeof(m.seqs[0]) * (size_t)m.hi);
	m.hi = 0;
	m.next_no = 0;
	m.arrival = arrival;
	memcpy(evs, in, sizeof(*evs) * n);
	if (!arrival)
		sm_sort(evs, n);
	na = sm_run(&m, model_rules, N_RULES, evs, n, al, MAX_ALERTS);
	g->n = 0;
	for (i = 0; i < na && i < MAX_ALERTS; i++)
		sig_add(g, model_rules[al[i].rule].name, al[i].ev, al[i].n);
	qsort(g->s, g->n, sizeof(g->s[0]), sig_cmp);
}

static int id_of(const struct vigil_event *ev)
{
	const struct vigil_value *v = &ev->v[VIGIL_F_PROCESS_COMMAND_LINE];

	if (!(ev->present & (1ULL << VIGIL_F_PROCESS_COMMAND_LINE)) ||
	    v->len < 3)
		return -1;
	return atoi(v->str + 2);
}

struct engine_ctx {
	struct vigil_engine *e;
	struct sigs *g;
};

static void engine_cb(void *ctx, const struct vigil_match *m)
{
	struct engine_ctx *c = ctx;
	struct vigil_rule_info ri;
	struct vigil_event ev;
	int ids[VIGIL_RS_MAX_STEPS];
	u32 i;

	vigil_engine_rule_info(c->e, m->rule, &ri);
	for (i = 0; i < m->n_prior; i++)
		ids[i] = vigil_event_decode(&ev, m->prior[i], m->prior_len[i]) ?
				 -1 : id_of(&ev);
	ids[i] = id_of(m->event);
	sig_add(c->g, ri.name, ids, (int)m->n_prior + 1);
}

static struct vigil_engine *engine(void)
{
	struct vigil_engine_limits lim = { 256, 16 };
	const char *why;
	struct vigil_engine *e = vigil_engine_new(blob, blob_len, &lim, &why);

	return IS_ERR(e) ? NULL : e;
}

static void arrival_sigs(struct vigil_engine *e, const struct sm_event *evs,
			 int n, struct sigs *g)
{
	struct engine_ctx c = { e, g };
	char cl[16];
	int i;

	g->n = 0;
	for (i = 0; c.e && i < n; i++) {
		const struct sm_event *s = &evs[i];
		struct vigil_event ev;

		vigil_event_init(&ev);
		vigil_event_set_kind(&ev, VIGIL_EV_EXEC);
		vigil_event_set_num(&ev, VIGIL_F_TIMESTAMP, s->ts);
		vigil_event_set_str(&ev, VIGIL_F_PROCESS_NAME, s->name,
				    strlen(s->name));
		snprintf(cl, sizeof(cl), "ev%d", s->id);
		vigil_event_set_str(&ev, VIGIL_F_PROCESS_COMMAND_LINE, cl,
				    strlen(cl));
		vigil_event_set_str(&ev, VIGIL_F_PROCESS_ENTITY_ID, s->entity,
				    strlen(s->entity));
		if (*s->parent_entity)
			vigil_event_set_str(&ev, VIGIL_F_PARENT_ENTITY_ID,
					    s->parent_entity,
					    strlen(s->parent_entity));
		vigil_event_set_str(&ev, VIGIL_F_PROCESS_EXECUTABLE, s->exe,
				    strlen(s->exe));
		vigil_event_set_num(&ev, VIGIL_F_PROCESS_PID, s->pid);
		if (s->has_parent_pid)
			vigil_event_set_num(&ev, VIGIL_F_PARENT_PID,
					    s->parent_pid);
		vigil_engine_process(c.e, &ev, engine_cb, &c);
	}
	qsort(g->s, g->n, sizeof(g->s[0]), sig_cmp);
}

/* The stream as JSON lines, through the replay path; alerts parsed back. */
static void replay_sigs(struct vigil_engine *e, const struct sm_event *evs,
			int n, struct sigs *g)
{
	static char in[EVENTS * 512];
	char *out = NULL, *line, *save = NULL;
	size_t o = 0, out_len = 0;
	u64 nev, nal;
	FILE *fi, *fo;
	int i;

	g->n = 0;
	for (i = 0; i < n; i++) {
		const struct sm_event *s = &evs[i];

		o += snprintf(in + o, sizeof(in) - o,
			      "{\"@timestamp\":%llu,\"event\":{\"category\":"
			      "\"process\",\"type\":\"start\",\"action\":"
			      "\"exec\"},\"process\":{\"name\":\"%s\","
			      "\"command_line\":\"ev%d\",\"entity_id\":\"%s\","
			      "\"executable\":\"%s\",\"pid\":%llu,"
			      "\"parent\":{",
			      (unsigned long long)s->ts, s->name, s->id,
			      s->entity, s->exe, (unsigned long long)s->pid);
		if (*s->parent_entity)
			o += snprintf(in + o, sizeof(in) - o,
				      "\"entity_id\":\"%s\"%s",
				      s->parent_entity,
				      s->has_parent_pid ? "," : "");
		if (s->has_parent_pid)
			o += snprintf(in + o, sizeof(in) - o, "\"pid\":%llu",
				      (unsigned long long)s->parent_pid);
		o += snprintf(in + o, sizeof(in) - o, "}}}\n");
	}
	fi = fmemopen(in, o, "r");
	fo = open_memstream(&out, &out_len);
	if (e && fi && fo &&
	    !vigil_replay_stream(e, fi, "diff", fo, VIGIL_REPLAY_JSON, &nev,
				 &nal)) {
		fclose(fo);
		fo = NULL;
		for (line = strtok_r(out, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char err[64];
			struct json *j = json_parse(line, strlen(line), err,
						    sizeof(err), NULL);
			struct json *rule = j ? json_get(j, "rule") : NULL;
			struct json *name = rule ? json_get(rule, "name") : NULL;
			struct json *vg = j ? json_get(j, "vigil") : NULL;
			struct json *evl = vg ? json_get(vg, "events") : NULL;
			int ids[VIGIL_RS_MAX_STEPS];
			size_t k;

			for (k = 0; evl && k < evl->n && k < VIGIL_RS_MAX_STEPS;
			     k++) {
				struct json *p = json_get(evl->vals[k],
							  "process");
				struct json *cl = p ? json_get(p, "command_line") :
						      NULL;

				ids[k] = cl && cl->str ? atoi(cl->str + 2) : -1;
			}
			if (name && evl)
				sig_add(g, name->str, ids, (int)k);
			json_free(j);
		}
	}
	if (fi)
		fclose(fi);
	if (fo)
		fclose(fo);
	free(out);
	qsort(g->s, g->n, sizeof(g->s[0]), sig_cmp);
}

static int same(const struct sigs *a, const struct sigs *b)
{
	int i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->s[i], b->s[i]))
			return 0;
	return 1;
}

static void show(const char *what, const struct sigs *g)
{
	int i;

	printf("#     %s:", what);
	for (i = 0; i < g->n; i++)
		printf(" %s", g->s[i]);
	printf("\n");
}

/*
 * Runs the streams in both modes; Return: the number of streams whose
 * alerts differ (printing the first few).  @alerts counts model alerts.
 */
static int differential(int max_diffs, long *alerts)
{
	static struct sigs want, got;
	struct vigil_engine *e[2] = { engine(), engine() };
	struct sm_event evs[EVENTS];
	int s, diffs = 0, mode;

	*alerts = 0;
	for (s = 0; e[0] && e[1] && s < STREAMS && diffs < max_diffs; s++) {
		rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(s + 1) * 0x2545f4914f6cdd1dULL;
		gen(evs, EVENTS, s);
		for (mode = 0; mode < 2; mode++) {
			model_sigs(evs, EVENTS, mode, &want);
			if (mode)
				arrival_sigs(e[1], evs, EVENTS, &got);
			else
				replay_sigs(e[0], evs, EVENTS, &got);
			*alerts += want.n;
			if (same(&want, &got))
				continue;
			if (diffs++ < 3) {
				printf("#   stream %d (%s) differs\n", s,
				       mode ? "arrival" : "ordered");
				show("model", &want);
				show("vigil", &got);
			}
		}
	}
	if (!e[0] || !e[1])
		diffs++;
	vigil_engine_free(e[0]);
	vigil_engine_free(e[1]);
	return diffs;
}

#if defined(SEQ_DIFF_MUTANT)
int main(void)
{
	long alerts;
	int d;

	(void)tap_case_failed;
	if (compile_rules())
		return 1;
	d = differential(1, &alerts);
	free(blob);
	printf("# mutant %d: %d differences\n", SEQ_DIFF_MUTANT, d);
	return d ? DIFF_EXIT : 0;
}
#else
static void seq_diff(void)
{
	long alerts;

	CHECK_EQ(compile_rules(), 0);
	if (!blob)
		return;
	CHECK_EQ(differential(10, &alerts), 0);
	printf("# %d streams x 2 modes, %ld alerts\n", STREAMS, alerts);
	CHECK(alerts > 1000); /* the streams do exercise the rules */
}

/* Each mutant build of seq.c must disagree with the model. */
static void mutants(void)
{
	static const char *const what[] = {
		"", "field id in the key", "an event used once per rule",
		"a reset on step 0", "an earlier timestamp through expiry",
		"a later step skipped by the wrong stage's waiting count",
	};
	mutants_run("test_seq_diff", what, (int)ARRAY_SIZE(what), DIFF_EXIT);
}

/* Join fields must agree in number and type, position by position. */
static void join_types(void)
{
	CHECK_STR(cu_error("eql",
			   "sequence with maxspan=1s [process where process.name == \"x\"] by process.pid"
			   " [process where process.name == \"x\"] by process.parent.entity_id"),
		  "join field 1 of this step is not of the type of the first step's");
	CHECK_STR(cu_error("eql",
			   "sequence with maxspan=1s [process where process.name == \"x\"] by process.entity_id"
			   " [process where process.name == \"x\"] by process.parent.entity_id"),
		  "");
	CHECK_STR(cu_error("eql",
			   "sequence with maxspan=1s [process where process.name == \"x\"] by process.entity_id, process.pid"
			   " [process where process.name == \"x\"] by process.parent.entity_id"),
		  "steps join on different numbers of fields");
}

int main(int argc, char **argv)
{
	mutants_init(argv[0]);
	RUN(seq_diff);
	RUN(mutants);
	RUN(join_types);
	free(blob);
	return tap_done();
}
#endif
