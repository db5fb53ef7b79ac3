// SPDX-License-Identifier: GPL-2.0
/*
 * Engine: event model (derive, encode/decode), interpreter, index and
 * dispatch, rule table, toggles and hit counters.
 */
#include <stdlib.h>
#include "tap.h"
#include "rs_builder.h"

struct hits {
	u32 n;
	u32 rule[16];
	u32 n_prior[16];
};

static void on_alert(void *ctx, const struct vigil_match *m)
{
	struct hits *h = ctx;

	if (h->n < 16) {
		h->rule[h->n] = m->rule;
		h->n_prior[h->n] = m->n_prior;
	}
	h->n++;
}

static struct vigil_engine *build(struct rsb *b, const char **why)
{
	u32 cap = rsb_size(b);
	void *blob = malloc(cap);
	struct vigil_engine *e;
	u32 len = rsb_finish(b, blob, cap);

	e = vigil_engine_new(blob, len, NULL, why);
	free(blob);	/* the engine keeps its own copy */
	return IS_ERR(e) ? NULL : e;
}

static void exec_event(struct vigil_event *ev, const char *name,
		       const char *args, u32 args_len, u32 argc)
{
	vigil_event_init(ev);
	vigil_event_set_kind(ev, VIGIL_EV_EXEC);
	vigil_event_set_num(ev, VIGIL_F_TIMESTAMP, 1000);
	vigil_event_set_str(ev, VIGIL_F_PROCESS_NAME, name, strlen(name));
	if (args)
		vigil_event_set_array(ev, VIGIL_F_PROCESS_ARGS, args, args_len,
				      argc);
}

#define VAL(ev, f) ((ev).v[f].str ? \
	strndup((ev).v[f].str, (ev).v[f].len) : strdup("(none)"))

static void check_val(const struct vigil_event *ev, enum vigil_field f,
		      const char *want)
{
	bool has = ev->present & (1ULL << f);

	if (!want) {
		CHECK(!has);
		return;
	}
	CHECK(has);
	if (has) {
		char *v = strndup(ev->v[f].str, ev->v[f].len);

		CHECK_STR(v, want);
		free(v);
	}
}

static void derive_file(void)
{
	struct vigil_event ev;
	static const struct {
		const char *path, *name, *dir, *ext;
	} t[] = {
		{ "/etc/ld.so.preload", "ld.so.preload", "/etc", "preload" },
		{ "/x", "x", "/", NULL },
		{ "/tmp/.hidden", ".hidden", "/tmp", NULL },
		{ "/tmp/file.", "file.", "/tmp", NULL },
		{ "/a/b/c.tar.gz", "c.tar.gz", "/a/b", "gz" },
		{ "rel", "rel", NULL, NULL },
		{ "/dir/", NULL, "/dir", NULL },
	};
	u32 i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		vigil_event_init(&ev);
		vigil_event_set_str(&ev, VIGIL_F_FILE_PATH, t[i].path,
				    strlen(t[i].path));
		vigil_event_set_str(&ev, VIGIL_F_FILE_ORIG_PATH, t[i].path,
				    strlen(t[i].path));
		vigil_event_derive_file(&ev);
		check_val(&ev, VIGIL_F_FILE_NAME, t[i].name);
		check_val(&ev, VIGIL_F_FILE_DIRECTORY, t[i].dir);
		check_val(&ev, VIGIL_F_FILE_EXTENSION, t[i].ext);
		check_val(&ev, VIGIL_F_FILE_ORIG_NAME, t[i].name);
		check_val(&ev, VIGIL_F_FILE_ORIG_DIRECTORY, t[i].dir);
		check_val(&ev, VIGIL_F_FILE_ORIG_EXTENSION, t[i].ext);
	}
}

static void field_table(void)
{
	u32 f;

	for (f = 1; f < __VIGIL_F_LAST; f++)
		CHECK(vigil_field_name(f) != NULL);
	CHECK(vigil_field_name(VIGIL_F_UNSPEC) == NULL);
	CHECK(vigil_field_name(__VIGIL_F_LAST) == NULL);
	CHECK_STR(vigil_field_name(VIGIL_F_PARENT_NAME), "process.parent.name");
	CHECK_STR(vigil_field_name(VIGIL_F_USER_REAL_ID), "user.Ext.real.id");
	CHECK_STR(vigil_field_name(VIGIL_F_FILE_ORIG_PATH),
		  "file.Ext.original.path");
	CHECK_STR(vigil_field_name(VIGIL_F_TIMESTAMP), "@timestamp");
	CHECK_EQ(vigil_field_type(VIGIL_F_PROCESS_ARGS), VIGIL_FT_ARRAY);
	CHECK_EQ(vigil_field_type(VIGIL_F_PROCESS_PID), VIGIL_FT_NUM);
	CHECK_EQ(vigil_field_type(VIGIL_F_PROCESS_NAME), VIGIL_FT_STR);
}

static void set_kind(void)
{
	struct vigil_event ev;

	vigil_event_init(&ev);
	vigil_event_set_kind(&ev, VIGIL_EV_RENAME);
	check_val(&ev, VIGIL_F_EVENT_CATEGORY, "file");
	check_val(&ev, VIGIL_F_EVENT_TYPE, "change");
	check_val(&ev, VIGIL_F_EVENT_ACTION, "rename");
	vigil_event_set_kind(&ev, VIGIL_EV_EXEC);
	check_val(&ev, VIGIL_F_EVENT_CATEGORY, "process");
	check_val(&ev, VIGIL_F_EVENT_TYPE, "start");
	check_val(&ev, VIGIL_F_EVENT_ACTION, "exec");
	CHECK_EQ(ev.v[VIGIL_F_EVENT_KIND].num, VIGIL_EV_EXEC);
}

static void encode_roundtrip(void)
{
	static const char args[] = "bash\0-c\0echo hi";
	struct vigil_event ev, out;
	u8 buf[1024];
	u32 n;

	exec_event(&ev, "bash", args, sizeof(args), 3);
	vigil_event_set_num(&ev, VIGIL_F_PROCESS_PID, 42);
	vigil_event_set_str(&ev, VIGIL_F_PROCESS_ENTITY_ID, "", 0);
	n = vigil_event_encode(&ev, buf, sizeof(buf));
	CHECK(n > 0 && n % 4 == 0);
	CHECK_EQ(vigil_event_decode(&out, buf, n), 0);
	CHECK_EQ(out.present, ev.present);
	check_val(&out, VIGIL_F_PROCESS_NAME, "bash");
	CHECK_EQ(out.v[VIGIL_F_PROCESS_PID].num, 42);
	CHECK_EQ(out.v[VIGIL_F_PROCESS_ARGS].count, 3);
	CHECK_EQ(out.v[VIGIL_F_PROCESS_ARGS].len, sizeof(args));
	CHECK(!memcmp(out.v[VIGIL_F_PROCESS_ARGS].str, args, sizeof(args)));
	CHECK_EQ(out.v[VIGIL_F_PROCESS_ENTITY_ID].len, 0);
	CHECK(!(out.present & (1ULL << VIGIL_F_EVENT_FLAGS)));
}

static void encode_truncation(void)
{
	char args[600];
	struct vigil_event ev, out;
	u8 buf[256];
	u32 n, i, cap;

	for (i = 0; i < 100; i++)
		memcpy(args + i * 6, "arg_x", 6);
	exec_event(&ev, "bash", args, sizeof(args), 100);
	for (cap = 0; cap <= sizeof(buf); cap++) {
		memset(buf, 0xaa, sizeof(buf));
		n = vigil_event_encode(&ev, buf, cap);
		CHECK(n <= cap);
		for (i = n; i < sizeof(buf); i++)
			if (buf[i] != 0xaa)
				break;
		CHECK_EQ(i, sizeof(buf));
		CHECK_EQ(vigil_event_decode(&out, buf, n), 0);
	}
	n = vigil_event_encode(&ev, buf, sizeof(buf));
	CHECK_EQ(vigil_event_decode(&out, buf, n), 0);
	CHECK(out.present & (1ULL << VIGIL_F_EVENT_FLAGS));
	CHECK(out.v[VIGIL_F_EVENT_FLAGS].num & VIGIL_EVF_ARGS_TRUNCATED);
	CHECK(out.v[VIGIL_F_PROCESS_ARGS].count > 0);
	CHECK(out.v[VIGIL_F_PROCESS_ARGS].count < 100);
	CHECK_EQ(out.v[VIGIL_F_PROCESS_ARGS].len,
		 out.v[VIGIL_F_PROCESS_ARGS].count * 6);
	check_val(&out, VIGIL_F_PROCESS_NAME, "bash");
}

/*
 * A 32 KiB argv and command line in a 4 KiB cap: every field keeps a
 * share, the numbers and short strings whole, the long ones cut (the
 * array at an element boundary, flagged), none left out.
 */
static void encode_fair_share(void)
{
	static char args[32768], cmd[32768], cwd[8192];
	static const char path[] = "/tmp/w/evil.so";
	const struct vigil_value *v;
	struct vigil_event ev, out;
	static u8 buf[4096];
	u32 n, i, lim;

	for (i = 0; i < sizeof(args); i++)
		args[i] = (i % 100 == 99) ? 0 : 'a';
	args[sizeof(args) - 1] = 0;
	memset(cmd, 'c', sizeof(cmd));
	memcpy(cmd, "HEAD", 4);
	memcpy(cmd + sizeof(cmd) - 4, "TAIL", 4);
	memset(cwd, 'd', sizeof(cwd));
	memcpy(cwd + sizeof(cwd) - 5, "/deep", 5);
	exec_event(&ev, "bash", args, sizeof(args), sizeof(args) / 100 + 1);
	vigil_event_set_str(&ev, VIGIL_F_PROCESS_COMMAND_LINE, cmd,
			    sizeof(cmd));
	vigil_event_set_str(&ev, VIGIL_F_PROCESS_WORKING_DIRECTORY, cwd,
			    sizeof(cwd));
	vigil_event_set_num(&ev, VIGIL_F_PROCESS_PID, 4242);
	vigil_event_set_str(&ev, VIGIL_F_FILE_PATH, path, strlen(path));
	vigil_event_set_num(&ev, VIGIL_F_USER_ID, 65534);
	CHECK(vigil_event_encoded_size(&ev) > sizeof(buf));
	lim = vigil_event_value_cap(&ev, sizeof(buf));
	CHECK(lim < sizeof(buf) / 2);
	CHECK_EQ(vigil_event_value_cap(&ev, vigil_event_encoded_size(&ev)),
		 U32_MAX);
	n = vigil_event_encode(&ev, buf, sizeof(buf));
	CHECK(n <= sizeof(buf));
	CHECK(n > sizeof(buf) - 256);
	CHECK_EQ(vigil_event_decode(&out, buf, n), 0);
	CHECK_EQ(out.v[VIGIL_F_PROCESS_PID].num, 4242);
	CHECK_EQ(out.v[VIGIL_F_USER_ID].num, 65534);
	check_val(&out, VIGIL_F_FILE_PATH, path);
	check_val(&out, VIGIL_F_PROCESS_NAME, "bash");
	CHECK(out.v[VIGIL_F_PROCESS_ARGS].count > 10);
	CHECK(out.v[VIGIL_F_PROCESS_ARGS].len <= lim);
	/* a cut string keeps its head and its tail around the mark */
	v = &out.v[VIGIL_F_PROCESS_COMMAND_LINE];
	CHECK(v->len > 1000);
	CHECK(v->len <= lim);
	CHECK(!memcmp(v->str, "HEADccc", 7));
	CHECK(!memcmp(v->str + v->len - 7, "cccTAIL", 7));
	CHECK(memmem(v->str, v->len, "c" VIGIL_CUT_MARK "c", 5) != NULL);
	v = &out.v[VIGIL_F_PROCESS_WORKING_DIRECTORY];
	CHECK(v->len <= lim);
	CHECK(v->len > 500);
	CHECK(!memcmp(v->str + v->len - 5, "/deep", 5));
	CHECK(out.v[VIGIL_F_EVENT_FLAGS].num & VIGIL_EVF_ARGS_TRUNCATED);
}

static void decode_malformed(void)
{
	struct vigil_event ev;
	u8 b[16] = { 0 };
	u16 l, t;

	l = 3;	/* shorter than a header */
	memcpy(b, &l, 2);
	CHECK_EQ(vigil_event_decode(&ev, b, 8), -EINVAL);
	l = 20;	/* longer than the buffer */
	memcpy(b, &l, 2);
	CHECK_EQ(vigil_event_decode(&ev, b, 16), -EINVAL);
	l = 8;	/* NUM with 4 bytes */
	t = VIGIL_F_PROCESS_PID;
	memcpy(b, &l, 2);
	memcpy(b + 2, &t, 2);
	CHECK_EQ(vigil_event_decode(&ev, b, 8), -EINVAL);
	t = VIGIL_F_PROCESS_ARGS;	/* array not NUL-terminated */
	memcpy(b + 2, &t, 2);
	memcpy(b + 4, "abcd", 4);
	CHECK_EQ(vigil_event_decode(&ev, b, 8), -EINVAL);
	t = 999;	/* unknown type skipped */
	memcpy(b + 2, &t, 2);
	CHECK_EQ(vigil_event_decode(&ev, b, 8), 0);
	CHECK_EQ(ev.present, 0);
	CHECK_EQ(vigil_event_decode(&ev, b, 0), 0);
}

/* name == "sh" and (args any "-c" or not pid exists) */
static void interpreter(void)
{
	struct rsb *b = calloc(1, sizeof(*b));
	struct vigil_engine *e;
	struct vigil_event ev;
	struct hits h = { 0 };
	const char *why = NULL;
	u32 s_sh, s_c, st;

	rsb_init(b);
	s_sh = rsb_set1(b, VIGIL_PAT_EXACT, 0, "sh");
	s_c = rsb_set1(b, VIGIL_PAT_EXACT, 0, "-c");
	st = rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0, s_sh);
	rsb_insn(b, VIGIL_OP_JF, 0, 0, 4);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_ARGS, 0, s_c);
	rsb_insn(b, VIGIL_OP_JT, 0, 0, 2);
	rsb_insn(b, VIGIL_OP_EXISTS, VIGIL_F_PROCESS_PID, 0, 0);
	rsb_insn(b, VIGIL_OP_NOT, 0, 0, 0);
	rsb_step_end(b);
	rsb_rule(b, "r0", VIGIL_RULE_EVENT, st, 1);
	/* pid > 100 and ppid missing -> false; RET early */
	st = rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_NUMCMP, VIGIL_F_PROCESS_PID, VIGIL_CMP_GT, 100);
	rsb_insn(b, VIGIL_OP_JF, 0, 0, 1);
	rsb_insn(b, VIGIL_OP_RET, 0, 0, 0);
	rsb_insn(b, VIGIL_OP_CONST, 0, 0, 0);
	rsb_step_end(b);
	rsb_rule(b, "r1", VIGIL_RULE_EVENT, st, 1);
	e = build(b, &why);
	CHECK(e != NULL);
	if (!e) {
		printf("#   %s\n", why);
		free(b);
		return;
	}
	exec_event(&ev, "sh", "sh\0-c\0", 6, 2);
	vigil_event_set_num(&ev, VIGIL_F_PROCESS_PID, 5);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 1);
	CHECK_EQ(h.rule[0], 0);
	/* no "-c" but pid present -> false */
	exec_event(&ev, "sh", "sh\0-x", 5, 2);
	vigil_event_set_num(&ev, VIGIL_F_PROCESS_PID, 5);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 0);
	/* last element without NUL still matches */
	exec_event(&ev, "sh", "sh\0-c", 5, 2);
	vigil_event_set_num(&ev, VIGIL_F_PROCESS_PID, 500);
	h.n = 0;
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 2);
	/* no "-c", pid missing -> true */
	exec_event(&ev, "sh", NULL, 0, 0);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 1);
	/* wrong name */
	exec_event(&ev, "bash", "-c", 3, 1);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 0);
	/* wrong kind */
	exec_event(&ev, "sh", NULL, 0, 0);
	vigil_event_set_kind(&ev, VIGIL_EV_CREATE);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 0);
	CHECK_EQ(vigil_engine_hits(e, 0), 3);
	CHECK_EQ(vigil_engine_hits(e, 1), 1);
	vigil_engine_free(e);
	free(b);
}

static void index_and_toggles(void)
{
	struct rsb *b = calloc(1, sizeof(*b));
	struct vigil_engine *e, *e2;
	struct vigil_event ev;
	struct hits h = { 0 };
	struct vigil_rule_info info;
	const char *why = NULL;
	char id[16];
	u32 i, set, st;

	rsb_init(b);
	/* 40 indexed rules on process.name, names n0..n39, NOCASE */
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "n%u", i);
		set = rsb_set_begin(b);
		rsb_pat(b, VIGIL_PAT_EXACT, VIGIL_PAT_F_NOCASE, id);
		rsb_pat(b, VIGIL_PAT_EXACT, VIGIL_PAT_F_NOCASE, id); /* dup */
		rsb_set_end(b);
		st = rsb_step_begin(b, RSB_EXEC);
		rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0, set);
		rsb_step_end(b);
		b->steps[st].index_field = VIGIL_F_PROCESS_NAME;
		b->steps[st].index_set = set;
		snprintf(id, sizeof(id), "rule-%u", i);
		rsb_rule(b, id, VIGIL_RULE_EVENT, st, 1);
	}
	rsb_simple(b, "unindexed", VIGIL_EV_MASK_ALL, VIGIL_F_PROCESS_NAME,
		   VIGIL_PAT_SUFFIX, 0, "7");
	b->rules[40].flags = VIGIL_RULE_F_DISABLED;
	e = build(b, &why);
	CHECK(e != NULL);
	if (!e) {
		printf("#   %s\n", why);
		free(b);
		return;
	}
	CHECK_EQ(vigil_engine_rule_count(e), 41);
	CHECK_EQ(vigil_engine_find_rule(e, "rule-17"), 17);
	CHECK_EQ(vigil_engine_find_rule(e, "nope"), -ENOENT);
	vigil_engine_rule_info(e, 17, &info);
	CHECK_STR(info.id, "rule-17");
	CHECK_EQ(info.kind, VIGIL_RULE_EVENT);
	CHECK_EQ(info.risk_score, 73);
	CHECK(!vigil_engine_enabled(e, 40));
	exec_event(&ev, "N17", NULL, 0, 0);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 1);
	CHECK_EQ(h.rule[0], 17);
	vigil_engine_set_enabled(e, 40, true);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 2);
	vigil_engine_set_enabled(e, 17, false);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 1);
	exec_event(&ev, "n99", NULL, 0, 0);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 0);
	CHECK_EQ(vigil_engine_hits(e, 17), 2);

	/* inherit hit counters by rule id */
	e2 = build(b, &why);
	CHECK(e2 != NULL);
	if (e2) {
		vigil_engine_inherit(e2, e);
		CHECK_EQ(vigil_engine_hits(e2, 17), 2);
		CHECK_EQ(vigil_engine_hits(e2, 40), 2);
		/*
		 * An event still running on the old engine after the copy
		 * (there rule 40 is on, 17 off), then one on the new (17
		 * on, 40 off): each hit counts once in the new engine.
		 */
		exec_event(&ev, "N17", NULL, 0, 0);
		CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 1);
		CHECK_EQ(vigil_engine_process(e2, &ev, on_alert, &h), 1);
		CHECK_EQ(vigil_engine_hits(e2, 17), 3);
		CHECK_EQ(vigil_engine_hits(e2, 40), 2);
		vigil_engine_inherit_hits(e2, e);
		CHECK_EQ(vigil_engine_hits(e2, 17), 3);
		CHECK_EQ(vigil_engine_hits(e2, 40), 3);
		vigil_engine_free(e2);
	}
	vigil_engine_free(e);
	free(b);
}

/* A set mixing EXACT (case-sensitive and NOCASE) and other patterns. */
static void mixed_set(void)
{
	struct rsb *b = calloc(1, sizeof(*b));
	static const struct {
		const char *name;
		bool hit;
	} t[] = {
		{ "bash", true }, { "BASH", false }, { "zsh", true },
		{ "ZSH", true }, { "Zsh", true }, { "python3.11", true },
		{ "PYTHON3", false }, { "x-wget", true }, { "", true },
		{ "ba", false }, { "bashx", false },
	};
	struct vigil_engine *e;
	struct vigil_event ev;
	struct hits h = { 0 };
	const char *why = NULL;
	u32 set, st, i;

	rsb_init(b);
	set = rsb_set_begin(b);
	rsb_pat(b, VIGIL_PAT_EXACT, 0, "bash");
	rsb_pat(b, VIGIL_PAT_EXACT, VIGIL_PAT_F_NOCASE, "zsh");
	rsb_pat(b, VIGIL_PAT_PREFIX, 0, "python");
	rsb_pat(b, VIGIL_PAT_EXACT, 0, "");
	rsb_pat(b, VIGIL_PAT_GLOB, 0, "*-wget");
	for (i = 0; i < 40; i++) {	/* fill the hash table */
		char n[16];

		snprintf(n, sizeof(n), "filler%u", i);
		rsb_pat(b, VIGIL_PAT_EXACT, i & 1 ? VIGIL_PAT_F_NOCASE : 0, n);
	}
	rsb_set_end(b);
	st = rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0, set);
	rsb_step_end(b);
	rsb_rule(b, "mixed", VIGIL_RULE_EVENT, st, 1);
	e = build(b, &why);
	CHECK(e != NULL);
	for (i = 0; e && i < ARRAY_SIZE(t); i++) {
		exec_event(&ev, t[i].name, NULL, 0, 0);
		h.n = 0;
		vigil_engine_process(e, &ev, on_alert, &h);
		if ((h.n == 1) != t[i].hit)
			printf("#   '%s': %u alerts\n", t[i].name, h.n);
		CHECK_EQ(h.n, t[i].hit);
	}
	vigil_engine_free(e);
	free(b);
}

/* One step, a MATCH of @f on @set, with @set as its index hint. */
static u32 hinted_rule(struct rsb *b, const char *id, u8 f, u32 set)
{
	u32 st = rsb_step_begin(b, RSB_EXEC);

	rsb_insn(b, VIGIL_OP_MATCH, f, 0, set);
	rsb_step_end(b);
	b->steps[st].index_field = f;
	b->steps[st].index_set = set;
	return rsb_rule(b, id, VIGIL_RULE_EVENT, st, 1);
}

/*
 * PREFIX and SUFFIX hints, overlapping ones too: the index leaves them to
 * the prefilter, and each rule still matches exactly once.
 */
static void affix_index(void)
{
	struct rsb *b = calloc(1, sizeof(*b));
	static const struct {
		const char *exe, *name;
		u32 hits;	/* bit per rule; bit 31: one rule twice */
	} t[] = {
		{ "/tmp/a/b", "x", 1 | 4 | 8 },
		{ "/tmp/", "x", 1 | 4 | 8 },
		{ "/TMP/x", "x", 0 },	/* case-sensitive prefix */
		{ "/tmp", "x", 0 },
		{ "/dev/shm/z", "RUN.SH", 1 | 2 },
		{ "/usr/bin/x", "a.sh", 1 | 2 },
		{ "/usr/bin/xy", "sh", 0 },
		{ "/tmp/a", "", 1 | 4 | 8 },
	};
	struct vigil_engine *e;
	struct vigil_event ev;
	struct hits h = { 0 };
	const char *why = NULL;
	u32 set, i, j, got;

	rsb_init(b);
	set = rsb_set_begin(b);
	rsb_pat(b, VIGIL_PAT_PREFIX, 0, "/tmp/");
	rsb_pat(b, VIGIL_PAT_PREFIX, 0, "/dev/shm/");
	rsb_pat(b, VIGIL_PAT_EXACT, 0, "/usr/bin/x");
	rsb_set_end(b);
	hinted_rule(b, "prefix", VIGIL_F_PROCESS_EXECUTABLE, set);
	hinted_rule(b, "suffix", VIGIL_F_PROCESS_NAME,
		    rsb_set1(b, VIGIL_PAT_SUFFIX, VIGIL_PAT_F_NOCASE, ".sh"));
	set = rsb_set_begin(b);	/* "/tmp/a..." matches both */
	rsb_pat(b, VIGIL_PAT_PREFIX, 0, "/tmp/");
	rsb_pat(b, VIGIL_PAT_PREFIX, 0, "/tmp/a");
	rsb_set_end(b);
	hinted_rule(b, "overlap", VIGIL_F_PROCESS_EXECUTABLE, set);
	set = rsb_set_begin(b);	/* the EXACT one is a PREFIX too */
	rsb_pat(b, VIGIL_PAT_EXACT, 0, "/tmp/a");
	rsb_pat(b, VIGIL_PAT_PREFIX, 0, "/tmp/");
	rsb_set_end(b);
	hinted_rule(b, "overlap2", VIGIL_F_PROCESS_EXECUTABLE, set);
	e = build(b, &why);
	CHECK(e != NULL);
	for (i = 0; e && i < ARRAY_SIZE(t); i++) {
		exec_event(&ev, t[i].name, NULL, 0, 0);
		vigil_event_set_str(&ev, VIGIL_F_PROCESS_EXECUTABLE, t[i].exe,
				    strlen(t[i].exe));
		h.n = 0;
		vigil_engine_process(e, &ev, on_alert, &h);
		got = 0;
		for (j = 0; j < h.n && j < 16; j++) {
			if (got & (1U << h.rule[j]))
				got |= 1U << 31;	/* twice */
			got |= 1U << h.rule[j];
		}
		if (got != t[i].hits)
			printf("#   '%s' '%s': rules %#x\n", t[i].exe,
			       t[i].name, got);
		CHECK_EQ(got, t[i].hits);
	}
	vigil_engine_free(e);
	free(b);
}

/*
 * The engine's shortcuts keep the program's meaning: kind-string tests
 * decided in advance only for events whose strings are the derived ones,
 * and required fields only where a missing field makes the program false.
 */
static void shortcuts(void)
{
	struct rsb *b = calloc(1, sizeof(*b));
	struct vigil_engine *e;
	struct vigil_event ev;
	struct hits h = { 0 };
	const char *why = NULL;
	u32 st, act, x;

	rsb_init(b);
	act = rsb_set1(b, VIGIL_PAT_EXACT, 0, "exec");
	x = rsb_set1(b, VIGIL_PAT_EXACT, 0, "x");
	/* rule 0: event.action == exec and process.name == x */
	st = rsb_step_begin(b, VIGIL_EV_MASK_ALL);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_EVENT_ACTION, 0, act);
	rsb_insn(b, VIGIL_OP_JF, 0, 0, 1);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0, x);
	rsb_step_end(b);
	rsb_rule(b, "action", VIGIL_RULE_EVENT, st, 1);
	/* rule 1: not process.parent.name : * (missing is fine) */
	st = rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_EXISTS, VIGIL_F_PARENT_NAME, 0, 0);
	rsb_insn(b, VIGIL_OP_NOT, 0, 0, 0);
	rsb_step_end(b);
	rsb_rule(b, "no-parent", VIGIL_RULE_EVENT, st, 1);
	/* rule 2: process.parent.name == x or process.name == x */
	st = rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PARENT_NAME, 0, x);
	rsb_insn(b, VIGIL_OP_JT, 0, 0, 1);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0, x);
	rsb_step_end(b);
	rsb_rule(b, "either", VIGIL_RULE_EVENT, st, 1);
	e = build(b, &why);
	CHECK(e != NULL);
	if (!e) {
		free(b);
		return;
	}
	exec_event(&ev, "x", NULL, 0, 0);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 3);
	/* a replayed event may carry other strings than its kind implies */
	vigil_event_set_str(&ev, VIGIL_F_EVENT_ACTION, "other", 5);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 2);
	/* and the derived strings from a buffer of its own */
	vigil_event_set_str(&ev, VIGIL_F_EVENT_ACTION, "exec!" + 0, 4);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 3);
	exec_event(&ev, "y", NULL, 0, 0);
	vigil_event_set_str(&ev, VIGIL_F_PARENT_NAME, "x", 1);
	CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 1);
	vigil_engine_free(e);
	free(b);
}

/* CONTAINS patterns of a set searched together (struct vigil_mcgroup). */
static void contains_groups(void)
{
	struct rsb *b = calloc(1, sizeof(*b));
	static const struct {
		const char *args;	/* '|' separates elements */
		bool hit;
	} t[] = {
		{ "zzABCzz", true }, { "xyz", false }, { "aXyZb", true },
		{ "q", true }, { "ab|c", false }, { "zzz|abq", true },
		{ "", false }, { "0123456789012345678901234567890123456789x", false },
		{ "-0123456789012345678901234567890123456789xy-", true },
		{ "ABXYZ|XyZ", true },
	};
	struct vigil_engine *e;
	struct vigil_event ev;
	struct hits h = { 0 };
	const char *why = NULL;
	char buf[128];
	u32 set, st, i, j, n, argc;

	rsb_init(b);
	set = rsb_set_begin(b);
	rsb_pat(b, VIGIL_PAT_CONTAINS, VIGIL_PAT_F_NOCASE, "abc");
	rsb_pat(b, VIGIL_PAT_CONTAINS, 0, "XyZ");
	rsb_pat(b, VIGIL_PAT_EXACT, 0, "exact");
	rsb_pat(b, VIGIL_PAT_CONTAINS, 0, "q");
	/* 42 bytes: does not fit the first group, starts a second */
	rsb_pat(b, VIGIL_PAT_CONTAINS, 0,
		"0123456789012345678901234567890123456789xy");
	rsb_set_end(b);
	st = rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_ARGS, 0, set);
	rsb_step_end(b);
	rsb_rule(b, "contains", VIGIL_RULE_EVENT, st, 1);
	e = build(b, &why);
	CHECK(e != NULL);
	for (i = 0; e && i < ARRAY_SIZE(t); i++) {
		n = strlen(t[i].args);
		memcpy(buf, t[i].args, n + 1);
		for (j = 0, argc = 1; j < n; j++)
			if (buf[j] == '|') {
				buf[j] = 0;
				argc++;
			}
		exec_event(&ev, "x", buf, n + 1, argc);
		h.n = 0;
		vigil_engine_process(e, &ev, on_alert, &h);
		if (h.n != t[i].hit)
			printf("#   '%s': %u alerts\n", t[i].args, h.n);
		CHECK_EQ(h.n, t[i].hit);
	}
	vigil_engine_free(e);
	free(b);
}

/*
 * Every field the table types ARRAY matches element by element: a rule
 * "f == b" fires on ["a", "b"], for each such field (the interpreter once
 * kept its own list of them, and missed the ones added later).
 */
static void array_fields(void)
{
	struct vigil_engine *e;
	struct vigil_event ev;
	const char *why = NULL;
	struct rsb *b;
	u32 f, n = 0, set, st;

	for (f = 1; f < __VIGIL_F_LAST; f++) {
		struct hits h = { 0 };

		if (vigil_field_type(f) != VIGIL_FT_ARRAY)
			continue;
		n++;
		b = calloc(1, sizeof(*b));
		rsb_init(b);
		/* process.env_vars: a pattern names its variable */
		set = rsb_set1(b, VIGIL_PAT_EXACT, 0,
			       f == VIGIL_F_PROCESS_ENV_VARS ? "b=" : "b");
		st = rsb_step_begin(b, RSB_EXEC);
		rsb_insn(b, VIGIL_OP_MATCH, f, 0, set);
		rsb_step_end(b);
		rsb_rule(b, "r0", VIGIL_RULE_EVENT, st, 1);
		e = build(b, &why);
		free(b);
		CHECK(e != NULL);
		if (!e)
			continue;
		exec_event(&ev, "x", NULL, 0, 0);
		if (f == VIGIL_F_PROCESS_ENV_VARS) {
			vigil_event_set_array(&ev, f, "a=\0b=", 6, 2);
			CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 1);
			vigil_event_set_array(&ev, f, "a=\0b=b", 7, 2);
		} else {
			vigil_event_set_array(&ev, f, "a\0b", 4, 2);
			CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 1);
			vigil_event_set_array(&ev, f, "a\0bb", 5, 2);
		}
		CHECK_EQ(vigil_engine_process(e, &ev, on_alert, &h), 0);
		vigil_engine_free(e);
	}
	/*
	 * args, parent args, truncated, entry leader args, two cap sets,
	 * env_vars
	 */
	CHECK_EQ(n, 7);
}

/* What capture may leave out: the fields no rule tests, joins or learns. */
static void fields_read(void)
{
	struct rsb *b = calloc(1, sizeof(*b));
	struct vigil_engine *e;
	const char *why = NULL;
	u32 set, st;
	u64 m;

	rsb_init(b);
	set = rsb_set1(b, VIGIL_PAT_EXACT, 0, "CAP_NET_RAW");
	st = rsb_step_begin(b, RSB_EXEC);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_CAPS_EFFECTIVE, 0, set);
	rsb_insn(b, VIGIL_OP_JF, 0, 0, 1);
	rsb_insn(b, VIGIL_OP_NUMCMP, VIGIL_F_USER_ID, VIGIL_CMP_GT, 0);
	rsb_step_end(b);
	rsb_rule(b, "r0", VIGIL_RULE_EVENT, st, 1);
	e = build(b, &why);
	free(b);
	CHECK(e != NULL);
	if (!e)
		return;
	m = vigil_engine_fields_read(e);
	CHECK_EQ(m, (1ULL << VIGIL_F_CAPS_EFFECTIVE) | (1ULL << VIGIL_F_USER_ID));
	vigil_engine_free(e);
}

int main(void)
{
	RUN(field_table);
	RUN(set_kind);
	RUN(derive_file);
	RUN(encode_roundtrip);
	RUN(encode_truncation);
	RUN(encode_fair_share);
	RUN(decode_malformed);
	RUN(interpreter);
	RUN(array_fields);
	RUN(fields_read);
	RUN(index_and_toggles);
	RUN(mixed_set);
	RUN(affix_index);
	RUN(shortcuts);
	RUN(contains_groups);
	return tap_done();
}
