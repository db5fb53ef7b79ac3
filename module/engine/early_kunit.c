// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the early decision (suite vigil_early).  An end rule naming its
 * process, a connect rule on two ports, and a creation rule on an
 * extension less an installer: events that cannot match by their early
 * fields are turned away, the others are not, and a rule enabled again
 * forgets what was remembered; the memo of the actor's atoms keys on the
 * program and the engine.  The differential against whole runs of the
 * programs is user/tests/test_early.c.
 */
#include <kunit/test.h>
#include "internal.h"
#include "rs_builder.h"

/* end where process.name == "sshd" (rule 0) */
static void early_end_rule(struct rsb *b)
{
	u32 set = rsb_set1(b, VIGIL_PAT_EXACT, 0, "sshd"), step;

	step = rsb_step_begin(b, 1U << VIGIL_EV_END);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_NAME, 0, set);
	rsb_step_end(b);
	rsb_rule(b, "end-sshd", VIGIL_RULE_EVENT, step, 1);
}

/* connect where (port == 22 or port == 2222) and process.name exists */
static void early_port_rule(struct rsb *b)
{
	u32 step = rsb_step_begin(b, 1U << VIGIL_EV_CONNECT);

	rsb_insn(b, VIGIL_OP_NUMCMP, VIGIL_F_DESTINATION_PORT, VIGIL_CMP_EQ,
		 22);
	rsb_insn(b, VIGIL_OP_JT, 0, 0, 1);
	rsb_insn(b, VIGIL_OP_NUMCMP, VIGIL_F_DESTINATION_PORT, VIGIL_CMP_EQ,
		 2222);
	rsb_insn(b, VIGIL_OP_JF, 0, 0, 1);
	rsb_insn(b, VIGIL_OP_EXISTS, VIGIL_F_PROCESS_NAME, 0, 0);
	rsb_step_end(b);
	rsb_rule(b, "connect-ssh", VIGIL_RULE_EVENT, step, 1);
}

/* create where file.extension == "ko" and not process.executable == dpkg */
static void early_create_rule(struct rsb *b)
{
	u32 ko = rsb_set1(b, VIGIL_PAT_EXACT, 0, "ko");
	u32 dpkg = rsb_set1(b, VIGIL_PAT_EXACT, 0, "/usr/bin/dpkg");
	u32 step = rsb_step_begin(b, 1U << VIGIL_EV_CREATE);

	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_FILE_EXTENSION, 0, ko);
	rsb_insn(b, VIGIL_OP_JF, 0, 0, 2);
	rsb_insn(b, VIGIL_OP_MATCH, VIGIL_F_PROCESS_EXECUTABLE, 0, dpkg);
	rsb_insn(b, VIGIL_OP_NOT, 0, 0, 0);
	rsb_step_end(b);
	rsb_rule(b, "create-ko", VIGIL_RULE_EVENT, step, 1);
}

/*
 * A file event of @kind: @path and what it gives, by program @exe,
 * decided through @memo (NULL: none).
 */
static bool early_file_memo(struct vigil_engine *e, struct vigil_event *ev,
			    struct vigil_pf_memo *memo, u32 kind,
			    const char *path, const char *exe)
{
	vigil_event_init(ev);
	vigil_event_set_kind(ev, kind);
	vigil_event_set_str(ev, VIGIL_F_FILE_PATH, path, strlen(path));
	vigil_event_derive_file(ev);
	vigil_event_set_str(ev, VIGIL_F_PROCESS_EXECUTABLE, exe, strlen(exe));
	return vigil_engine_early_memo(e, ev, memo);
}

static bool early_file(struct vigil_engine *e, struct vigil_event *ev, u32 kind,
		       const char *path, const char *exe)
{
	return early_file_memo(e, ev, NULL, kind, path, exe);
}

static bool early_end(struct vigil_engine *e, struct vigil_event *ev,
		      const char *name)
{
	vigil_event_init(ev);
	vigil_event_set_kind(ev, VIGIL_EV_END);
	vigil_event_set_num(ev, VIGIL_F_PROCESS_EXIT_CODE, 0);
	vigil_event_set_str(ev, VIGIL_F_PROCESS_NAME, name, strlen(name));
	return vigil_engine_early(e, ev);
}

static bool early_connect(struct vigil_engine *e, struct vigil_event *ev,
			  u64 port)
{
	vigil_event_init(ev);
	vigil_event_set_kind(ev, VIGIL_EV_CONNECT);
	vigil_event_set_num(ev, VIGIL_F_DESTINATION_PORT, port);
	return vigil_engine_early(e, ev);
}

static void vigil_early_decides(struct kunit *test)
{
	struct rsb *b = vg_zalloc(sizeof(*b));
	struct vigil_event *ev = vg_zalloc(sizeof(*ev));
	struct vigil_engine *e = NULL;
	const char *why = NULL;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	rsb_init(b);
	early_end_rule(b);
	early_port_rule(b);
	early_create_rule(b);
	e = rsb_engine(b, 0, 0, &why);
	KUNIT_ASSERT_NOT_NULL_MSG(test, e, "engine: %s", why);
	KUNIT_EXPECT_TRUE(test, early_end(e, ev, "sshd"));
	KUNIT_EXPECT_FALSE(test, early_end(e, ev, "bash"));
	KUNIT_EXPECT_FALSE(test, early_end(e, ev, "bash")); /* remembered */
	KUNIT_EXPECT_TRUE(test, early_connect(e, ev, 22));
	KUNIT_EXPECT_TRUE(test, early_connect(e, ev, 2222));
	KUNIT_EXPECT_FALSE(test, early_connect(e, ev, 80));
	/* disabled, the end rule turns sshd away; enabled, no longer */
	vigil_engine_set_enabled(e, 0, false);
	KUNIT_EXPECT_FALSE(test, early_end(e, ev, "sshd"));
	vigil_engine_set_enabled(e, 0, true);
	KUNIT_EXPECT_TRUE(test, early_end(e, ev, "sshd"));
	/* creations of .ko files, less dpkg's; no deletions */
	KUNIT_EXPECT_TRUE(test, early_file(e, ev, VIGIL_EV_CREATE, "/tmp/a.ko",
					   "/usr/bin/x"));
	KUNIT_EXPECT_FALSE(test, early_file(e, ev, VIGIL_EV_CREATE, "/tmp/a.ko",
					    "/usr/bin/dpkg"));
	KUNIT_EXPECT_FALSE(test, early_file(e, ev, VIGIL_EV_CREATE,
					    "/tmp/a.txt", "/usr/bin/x"));
	/* no step takes deletions */
	KUNIT_EXPECT_FALSE(test, early_file(e, ev, VIGIL_EV_DELETE, "/tmp/a.ko",
					    "/usr/bin/x"));
	/* not an early kind: always built */
	vigil_event_init(ev);
	vigil_event_set_kind(ev, VIGIL_EV_EXEC);
	KUNIT_EXPECT_TRUE(test, vigil_engine_early(e, ev));
	vigil_engine_free(e);
	vg_free(ev);
	vg_free(b);
}

/*
 * The actor memo: the program's atom of the creation rule runs once per
 * program, and another program (or another engine) gets a new stamp.
 * Events in order: the engine (0 or 1), the kind, path and program, the
 * answer, and whether the memo takes a new stamp.
 */
static const struct {
	u8 engine;
	u8 kind;
	const char *path, *exe;
	bool may, restamp;
} memo_events[] = {
	{ 0, VIGIL_EV_CREATE, "/tmp/a.ko", "/usr/bin/dpkg", false, true },
	/* the same program: the same stamp, the same answer */
	{ 0, VIGIL_EV_CREATE, "/tmp/b.ko", "/usr/bin/dpkg", false, false },
	/* another program of the same length: its own answer */
	{ 0, VIGIL_EV_CREATE, "/tmp/b.ko", "/usr/bin/dpkh", true, true },
	{ 0, VIGIL_EV_CREATE, "/tmp/c.ko", "/usr/bin/dpkh", true, false },
	/* a deletion keeps the actor; no step takes it */
	{ 0, VIGIL_EV_DELETE, "/tmp/c.ko", "/usr/bin/dpkh", false, false },
	/* another engine, the same program */
	{ 1, VIGIL_EV_CREATE, "/tmp/c.ko", "/usr/bin/dpkh", true, true },
	{ 1, VIGIL_EV_CREATE, "/tmp/c.ko", "/usr/bin/dpkg", false, true },
};

static void vigil_early_actor_memo(struct kunit *test)
{
	struct rsb *b = vg_zalloc(sizeof(*b));
	struct vigil_event *ev = vg_zalloc(sizeof(*ev));
	struct vigil_pf_memo *memo = vg_zalloc(sizeof(*memo));
	struct vigil_engine *e[2] = { NULL, NULL };
	const char *why = NULL;
	u32 stamp = 0, i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	KUNIT_ASSERT_NOT_NULL(test, memo);
	rsb_init(b);
	early_create_rule(b);
	for (i = 0; i < ARRAY_SIZE(e); i++) {
		e[i] = rsb_engine(b, 0, 0, &why);
		KUNIT_ASSERT_NOT_NULL_MSG(test, e[i], "engine: %s", why);
	}
	for (i = 0; i < ARRAY_SIZE(memo_events); i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    early_file_memo(e[memo_events[i].engine],
						    ev, memo,
						    memo_events[i].kind,
						    memo_events[i].path,
						    memo_events[i].exe),
				    memo_events[i].may, "event %u", i);
		KUNIT_EXPECT_NE(test, memo->early.stamp, 0U);
		KUNIT_EXPECT_EQ_MSG(test, memo->early.stamp != stamp,
				    memo_events[i].restamp, "event %u", i);
		stamp = memo->early.stamp;
	}
	for (i = 0; i < ARRAY_SIZE(e); i++)
		vigil_engine_free(e[i]);
	vg_free(memo);
	vg_free(ev);
	vg_free(b);
}

static struct kunit_case vigil_early_cases[] = {
	KUNIT_CASE(vigil_early_decides),
	KUNIT_CASE(vigil_early_actor_memo),
	{}
};

static struct kunit_suite vigil_early_suite = {
	.name = "vigil_early",
	.test_cases = vigil_early_cases,
};

kunit_test_suites(&vigil_early_suite);
