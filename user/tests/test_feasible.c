// SPDX-License-Identifier: GPL-2.0
/*
 * Compile-time warnings (compiler/feasible.c): a rule that never fires,
 * an exclusion that never applies, a narrowed event.type.
 *
 *  - cases: what each warning says, and rules that must get none (array
 *    fields, case-blind matches, tests that a missing field satisfies,
 *    exclusions that rule out a kind themselves);
 *  - soundness against the engine: random conditions over a small domain
 *    of fields and values (process, file and network ones), every event
 *    vigil can produce from that domain run through the compiled rules;
 *    a rule warned "never fires" must match none of them, and the
 *    warnings must not all be missing;
 *  - the same once more per mutant of feasible.c (-DVIGIL_FEASIBLE_MUTANT,
 *    user/Makefile), each with one unsound claim: each must be caught.
 */
#include <sys/wait.h>

#include "tap.h"
#include "mutants.h"
#include "compiler_util.h"

#if !defined(FEASIBLE_MUTANT)
/* "class: message" of each warning of @query, joined by " | ". */
static const char *warns(const char *type, const char *query)
{
	static char out[4096];
	struct vigil_compiler *c = vigil_compiler_new();
	const struct vigil_cwarnings *w;
	size_t len = 0;
	unsigned int i;

	out[0] = 0;
	if (!c)
		return "(out of memory)";
	cu_rule(type, query);
	if (vigil_compiler_add_buf(c, cu_toml, strlen(cu_toml), &cu_err)) {
		snprintf(out, sizeof(out), "(rejected: %s)", cu_err.msg);
		goto out;
	}
	w = vigil_compiler_warnings(c);
	for (i = 0; i < w->n && len < sizeof(out); i++)
		len += snprintf(out + len, sizeof(out) - len, "%s%s%s: %s",
				i ? " | " : "",
				w->w[i].step ? "step: " : "",
				vigil_cwarn_class_name(w->w[i].cls),
				w->w[i].msg);
out:
	vigil_compiler_free(c);
	return out;
}

#define NONE(type, q) CHECK_STR(warns(type, q), "")

static void never_fires(void)
{
	/* issue 14: user.id and user.effective.id are both the euid */
	CHECK_STR(warns("query", "event.category:process and user.id:(* and not 0) and user.effective.id:0"),
		  "never fires: its tests of user.id contradict each other: not user.id == 0 and user.id == 0 (user.id, process.user.id and user.effective.id name one field)");
	CHECK_STR(warns("eql", "process where user.id == 0 and process.user.id == 1"),
		  "never fires: its tests of user.id contradict each other: user.id == 0 and user.id == 1 (user.id, process.user.id and user.effective.id name one field)");
	CHECK_STR(warns("eql", "process where user.id > 5 and user.id < 3"),
		  "never fires: its tests of user.id contradict each other: user.id > 5 and user.id < 3 (user.id, process.user.id and user.effective.id name one field)");
	CHECK_STR(warns("eql", "process where process.args_count >= 2 and process.args_count <= 2 and process.args_count != 2"),
		  "never fires: its tests of process.args_count contradict each other: process.args_count >= 2 and process.args_count <= 2 and not process.args_count == 2");
	CHECK_STR(warns("eql", "process where process.name == \"a\" and process.name == \"b\""),
		  "never fires: its tests of process.name contradict each other: process.name == \"a\" and process.name == \"b\"");
	CHECK_STR(warns("eql", "process where process.name like \"a*\" and process.name == \"b\""),
		  "never fires: its tests of process.name contradict each other: process.name == \"b\" and process.name like \"a*\"");
	CHECK_STR(warns("eql", "process where process.name : \"ab\" and not process.name : (\"x\", \"AB\")"),
		  "never fires: its tests of process.name contradict each other: process.name : \"ab\" and not process.name : (\"x\", \"ab\")");
	CHECK_STR(warns("eql", "process where process.name != null and process.name == null"),
		  "never fires: its tests of process.name contradict each other: process.name != null and not process.name != null");
	CHECK_STR(warns("eql", "process where file.path like \"/tmp/*\""),
		  "never fires: file.path is never set on the events it can match (event.action exec, uid_change, gid_change, end, load_module)");
	CHECK_STR(warns("eql", "file where event.type == \"creation\" and file.Ext.original.name == \"x\""),
		  "never fires: file.Ext.original.name is never set on the events it can match (event.action creation, symlink)");
	CHECK_STR(warns("eql", "file where event.type == \"deletion\" and file.target_path != null"),
		  "never fires: file.target_path is never set on the events it can match (event.action deletion)");
	/* a step that joins on a field its events never carry */
	CHECK_STR(warns("eql", "sequence by process.exit_code with maxspan=1s "
			"[process where event.action == \"end\"] "
			"[process where event.action == \"exec\"]"),
		  "step: never fires: it joins on process.exit_code, which is never set on the events it can match (event.action exec)");
	CHECK_STR(warns("eql", "sequence by process.working_directory with maxspan=1s "
			"[process where event.action == \"exec\"] "
			"[process where event.type == \"end\"]"), "");
	/* network events carry no file.*, the others no network fields */
	CHECK_STR(warns("eql", "network where file.path == \"/tmp/x\""),
		  "never fires: file.path is never set on the events it can match (event.action connection_attempted, connection_accepted)");
	CHECK_STR(warns("eql", "any where event.type == \"creation\" and destination.port == 22"),
		  "never fires: destination.port is never set on the events it can match (event.action creation, symlink)");
	CHECK_STR(warns("query", "event.category:process and source.ip:10.0.0.0/8"),
		  "never fires: source.ip is never set on the events it can match (event.action exec, uid_change, gid_change, end, load_module)");
	/* CIDR blocks nest or do not meet: both are decided */
	CHECK_STR(warns("eql", "network where cidrMatch(destination.ip, \"10.1.0.0/16\") and destination.ip == \"10.2.0.1\""),
		  "never fires: its tests of destination.ip contradict each other: cidrMatch(destination.ip, \"10.1.0.0/16\") and cidrMatch(destination.ip, \"10.2.0.1/32\")");
	CHECK_STR(warns("eql", "network where cidrMatch(destination.ip, \"10.1.0.0/16\") and not cidrMatch(destination.ip, \"::1\", \"10.0.0.0/8\")"),
		  "never fires: its tests of destination.ip contradict each other: cidrMatch(destination.ip, \"10.1.0.0/16\") and not cidrMatch(destination.ip, \"::1/128\", \"10.0.0.0/8\")");
	/* every alternative impossible, for different reasons */
	CHECK_STR(warns("eql", "process where (user.id == 0 and user.id == 1) or file.name == \"x\""),
		  "never fires: none of its 2 alternatives can match; the first: its tests of user.id contradict each other: user.id == 0 and user.id == 1 (user.id, process.user.id and user.effective.id name one field)");
	/* the same reason twice is said once */
	CHECK_STR(warns("eql", "process where file.name in (\"a\", \"b\") and (process.name == \"x\" or process.pid == 1)"),
		  "never fires: file.name is never set on the events it can match (event.action exec, uid_change, gid_change, end, load_module)");
}

/* Sigma shares the expression trees, and the check. */
static void sigma(void)
{
	static const char rule[] =
		"title: t\nid: 11111111-1111-1111-1111-111111111111\n"
		"logsource:\n  product: linux\n  category: process_creation\n"
		"detection:\n  a:\n    Image: /bin/a\n  b:\n    Image: /bin/b\n"
		"  condition: a and b\nlevel: low\n";
	struct vigil_compiler *c = vigil_compiler_new();
	const struct vigil_cwarnings *w;

	CHECK(c);
	if (!c)
		return;
	CHECK_EQ(vigil_compiler_add_sigma_buf(c, rule, sizeof(rule) - 1,
					      &cu_err), 0);
	w = vigil_compiler_warnings(c);
	CHECK_EQ(w->n, 1);
	CHECK_EQ(w->w[0].cls, VIGIL_CWARN_NEVER_FIRES);
	CHECK_STR(w->w[0].msg,
		  "its tests of process.executable contradict each other: process.executable : \"/bin/a\" and process.executable : \"/bin/b\"");
	vigil_compiler_free(c);
}

static void fires(void)
{
	/* an array holds both; a missing field passes both negations */
	NONE("eql", "process where process.args == \"a\" and process.args == \"b\"");
	NONE("eql", "process where not user.id < 5 and not user.id >= 5");
	NONE("eql", "process where user.id != 0 and user.Ext.real.id == 0");
	/* case: "A" matches both */
	NONE("eql", "process where process.name : \"a\" and process.name == \"A\"");
	NONE("eql", "process where process.name == \"A\" and process.name : \"a\"");
	NONE("eql", "process where process.name : \"ab\" and not process.name == \"ab\"");
	/* globs against globs are not decided */
	NONE("eql", "process where process.name like \"a*\" and process.name like \"*b\"");
	NONE("eql", "process where process.name like \"a*\" and not process.name like \"ab*\"");
	/* one alternative is enough */
	NONE("eql", "file where event.type == \"deletion\" or file.Ext.original.name == \"x\"");
	NONE("eql", "file where file.Ext.original.path != null");
	NONE("query", "event.category:file and file.target_path:*");
	NONE("eql", "process where user.id >= 0 and user.id <= 0");
	NONE("eql", "process where user.id > 0 and user.id < 3 and user.id != 1");
	/* a wider block is not inside a narrower one; IPv4 is in ::/0 */
	NONE("eql", "network where cidrMatch(destination.ip, \"10.0.0.0/8\") and not cidrMatch(destination.ip, \"10.1.0.0/16\")");
	NONE("eql", "network where cidrMatch(destination.ip, \"10.0.0.0/8\") and cidrMatch(destination.ip, \"10.1.0.0/16\")");
	NONE("eql", "network where cidrMatch(destination.ip, \"::/0\") and destination.ip == \"10.0.0.1\"");
	/* rename with the action named: not narrowed */
	NONE("eql", "file where event.type == \"change\" and event.action == \"rename\" and file.Ext.original.name == \"x\"");
}

static void exclusions(void)
{
	CHECK_STR(warns("eql", "file where event.type == \"creation\" and not file.Ext.original.extension == \"dpkg-new\""),
		  "exclusion never applies: file.Ext.original.extension == \"dpkg-new\": file.Ext.original.extension is never set on the events the rule can match (event.action creation, symlink)");
	/* only the alternative that cannot hold is named */
	CHECK_STR(warns("eql", "file where event.action == \"creation\" and not (process.name == \"x\" or file.Ext.original.name like \"*.new\")"),
		  "exclusion never applies: file.Ext.original.name like \"*.new\": file.Ext.original.name is never set on the events the rule can match (event.action creation)");
	CHECK_STR(warns("eql", "file where event.type == \"creation\" and not (process.name == \"x\" and event.action == \"rename\")"),
		  "exclusion never applies: process.name == \"x\" and event.action == \"rename\": the events the rule can match (event.action creation, symlink) fail event.action == \"rename\"");
	CHECK_STR(warns("eql", "process where not (file.name == \"a\" or file.path == \"/b\")"),
		  "exclusion never applies: file.name == \"a\" or file.path == \"/b\": file.name is never set on the events the rule can match (event.action exec, uid_change, gid_change, end, load_module)");
	CHECK_STR(warns("eql", "network where not file.name == \"x\" and destination.port == 22"),
		  "exclusion never applies: file.name == \"x\": file.name is never set on the events the rule can match (event.action connection_attempted, connection_accepted)");
	/* an exclusion that rules a kind out is not vacuous for doing so */
	NONE("eql", "file where not event.type == \"deletion\" and file.path == \"/x\"");
	NONE("eql", "file where event.type != \"deletion\" and not file.Ext.original.name == \"x\"");
	NONE("eql", "file where not file.Ext.original.name == \"x\"");
	/* a positive test inside a double negation is no exclusion */
	NONE("eql", "file where event.type == \"creation\" and not (process.name == \"x\" and not file.Ext.original.name == \"y\")");
}

static void narrowed_type(void)
{
	CHECK_STR(warns("query", "event.category:file and event.type:change and file.path:/usr/bin/ssh"),
		  "narrowed: event.type \"change\" matches only event.action \"rename\" here: vigil produces no event for in-place modification of a file");
	CHECK_STR(warns("eql", "file where event.type in (\"creation\", \"change\") and file.name == \"x\""),
		  "narrowed: event.type \"change\" matches only event.action \"rename\" here: vigil produces no event for in-place modification of a file");
	NONE("eql", "file where event.type == \"creation\" and file.name == \"x\"");
	NONE("eql", "file where event.type != \"change\" and file.name == \"x\"");
}

static void sequence_steps(void)
{
	CHECK_STR(warns("eql", "sequence with maxspan=5s [process where process.name == \"a\"] [file where event.type == \"creation\" and file.Ext.original.path == \"x\"]"),
		  "step: never fires: file.Ext.original.path is never set on the events it can match (event.action creation, symlink)");
}

#endif

/* ---- soundness against the engine ---- */

#define N_RULES 3000

static const char *const atoms[] = {
	"process.name == \"a\"", "process.name : \"A\"",
	"process.name like \"a*\"", "process.name in (\"a\", \"b\")",
	"process.name != null", "user.id == 0", "user.id != 1",
	"user.id > 0", "user.id < 2", "user.effective.id == 0",
	"user.id == null", "file.Ext.original.name == \"a\"",
	"file.Ext.original.name != null", "file.name == \"a\"",
	"file.name : \"B\"", "process.args == \"a\"", "process.args : \"B\"",
	"event.type == \"change\"", "event.action == \"rename\"",
	"event.category == \"process\"", "event.type == \"creation\"",
	"file.target_path != null", "true",
	"event.category == \"network\"",
	"event.action == \"connection_attempted\"",
	"cidrMatch(destination.ip, \"10.0.0.0/8\")",
	"cidrMatch(destination.ip, \"10.1.0.0/16\", \"::1\")",
	"destination.ip == \"10.1.2.3\"", "destination.ip != null",
	"destination.port == 22", "network.transport == \"tcp\"",
};

static unsigned int rnd_state = 14;

static unsigned int rnd(unsigned int n)
{
	rnd_state = rnd_state * 1103515245U + 12345U;
	return (rnd_state >> 16) % n;
}

static size_t gen(char *out, size_t cap, int depth)
{
	unsigned int r = depth ? rnd(6) : 3 + rnd(3);
	size_t n;

	if (r < 3 || depth >= 3) {
		return (size_t)snprintf(out, cap, "%s",
					atoms[rnd(ARRAY_SIZE(atoms))]);
	}
	if (r == 3) {
		n = (size_t)snprintf(out, cap, "not (");
		n += gen(out + n, cap - n, depth + 1);
		return n + (size_t)snprintf(out + n, cap - n, ")");
	}
	n = (size_t)snprintf(out, cap, "(");
	n += gen(out + n, cap - n, depth + 1);
	n += (size_t)snprintf(out + n, cap - n, r == 4 ? " and " : " or ");
	n += gen(out + n, cap - n, depth + 1);
	return n + (size_t)snprintf(out + n, cap - n, ")");
}

/* IPv4 10.1.2.3, 10.2.0.1, 11.0.0.1 and ::1 as the engine holds them */
static const unsigned char ips[][VIGIL_IP_LEN] = {
	{ [10] = 0xff, 0xff, 10, 1, 2, 3 },
	{ [10] = 0xff, 0xff, 10, 2, 0, 1 },
	{ [10] = 0xff, 0xff, 11, 0, 0, 1 },
	{ [15] = 1 },
};

struct model {
	bool never[N_RULES];		/* by compiled rule index */
	bool fired[N_RULES];
	char query[N_RULES][512];
};

static void fired_cb(void *ctx, const struct vigil_match *m)
{
	struct model *md = ctx;

	if (m->rule < N_RULES)
		md->fired[m->rule] = true;
}

/*
 * Every network event vigil can make of the domain, through @e: no
 * file.*; destination.ip, destination.port and network.transport
 * present or not.
 */
static unsigned long enumerate_net(struct vigil_engine *e, struct model *md,
				   struct cu_ev *c, unsigned long n)
{
	static const char *const names[] = { NULL, "a", "A" };
	static const char *const transports[] = { NULL, "tcp", "udp" };
	static const int ports[] = { -1, 22, 80 };
	static const int uids[] = { -1, 0, 2 };
	unsigned long i, x;
	unsigned int k, a, d, p, t, u;

	/* i counts through kind x name x address x port x transport x uid */
	for (i = 0; i < 2UL * 3 * 5 * 3 * 3 * 3; i++) {
		x = i;
		u = x % 3, x /= 3;
		t = x % 3, x /= 3;
		p = x % 3, x /= 3;
		d = x % 5, x /= 5;
		a = x % 3, x /= 3;
		k = x ? VIGIL_EV_ACCEPT : VIGIL_EV_CONNECT;
		vigil_event_init(&c->ev);
		vigil_event_set_kind(&c->ev, k);
		vigil_event_set_num(&c->ev, VIGIL_F_TIMESTAMP, ++n);
		if (names[a])
			cu_set(c, VIGIL_F_PROCESS_NAME, names[a]);
		if (uids[u] >= 0)
			vigil_event_set_num(&c->ev, VIGIL_F_USER_ID, uids[u]);
		if (d < ARRAY_SIZE(ips))
			vigil_event_set_str(&c->ev, VIGIL_F_DESTINATION_IP,
					    (const char *)ips[d], VIGIL_IP_LEN);
		if (ports[p] >= 0)
			vigil_event_set_num(&c->ev, VIGIL_F_DESTINATION_PORT,
					    ports[p]);
		if (transports[t])
			cu_set(c, VIGIL_F_NETWORK_TRANSPORT, transports[t]);
		vigil_engine_process(e, &c->ev, fired_cb, md);
	}
	return n;
}

/* Every event vigil can make of the domain, through @e. */
static unsigned long enumerate(struct vigil_engine *e, struct model *md)
{
	static const char *const names[] = { NULL, "a", "b", "A" };
	static const char *const files[] = { "a", "B", "x" };
	static const char *const orig[] = { NULL, "a", "x" };
	static const int uids[] = { -1, 0, 1, 2 };
	const char *const *const argvs[] = {
		NULL, ARGV("x"), ARGV("x", "a"), ARGV("x", "b", "a"),
	};
	struct cu_ev *c = calloc(1, sizeof(*c));
	unsigned long n = 0, i;
	unsigned int k, a, u, f, o, g;
	char path[64], opath[64];

	if (!c)
		return 0;
	/* i counts through kind x name x uid x argv x file x original */
	for (i = 0; i < 5UL * 4 * 4 * 4 * 3 * 3; i++) {
		unsigned long x = i;

		o = x % 3, x /= 3;
		f = x % 3, x /= 3;
		g = x % 4, x /= 4;
		u = x % 4, x /= 4;
		a = x % 4, x /= 4;
		k = VIGIL_EV_EXEC + x;
		/* exec has no file, only a rename an original */
		if (k > VIGIL_EV_DELETE || (k == VIGIL_EV_EXEC && f) ||
		    (k != VIGIL_EV_RENAME && o))
			continue;
		vigil_event_init(&c->ev);
		vigil_event_set_kind(&c->ev, k);
		vigil_event_set_num(&c->ev, VIGIL_F_TIMESTAMP, ++n);
		if (names[a])
			cu_set(c, VIGIL_F_PROCESS_NAME, names[a]);
		if (uids[u] >= 0)
			vigil_event_set_num(&c->ev, VIGIL_F_USER_ID, uids[u]);
		if (argvs[g])
			cu_args(&c->ev, VIGIL_F_PROCESS_ARGS, c->args, argvs[g]);
		if (k != VIGIL_EV_EXEC) {
			snprintf(path, sizeof(path), "/d/%s", files[f]);
			cu_set(c, VIGIL_F_FILE_PATH, path);
		}
		if (k == VIGIL_EV_SYMLINK)
			cu_set(c, VIGIL_F_FILE_TARGET_PATH, "t");
		if (orig[o]) {
			snprintf(opath, sizeof(opath), "/o/%s", orig[o]);
			cu_set(c, VIGIL_F_FILE_ORIG_PATH, opath);
		}
		vigil_event_derive_file(&c->ev);
		vigil_engine_process(e, &c->ev, fired_cb, md);
	}
	n = enumerate_net(e, md, c, n);
	free(c);
	return n;
}

static const char *id_of(unsigned int i)
{
	static char id[16];

	snprintf(id, sizeof(id), "%08u", i);
	return id;
}

#define UNSOUND_EXIT 3
static unsigned int unsound;	/* rules warned never to fire that fire */

static void soundness(void)
{
	struct vigil_engine_limits lim = { 1024, 1024 };
	struct model *md = calloc(1, sizeof(*md));
	struct vigil_compiler *c = vigil_compiler_new();
	unsigned int i, n = 0, never = 0, silent = 0, bad = 0;
	struct vigil_engine *e;
	const char *reason;
	char q[512];
	unsigned long events;
	void *blob = NULL;
	__u32 len;

	CHECK(md && c);
	if (!md || !c)
		goto out;
	for (i = 0; i < N_RULES * 2 && n < N_RULES; i++) {
		int at;

		at = snprintf(q, sizeof(q), "any where ");
		gen(q + at, sizeof(q) - at, 0);
		cu_rule("eql", q);
		/* a rule id of its own: t-1 -> t-1<i> */
		memmove(strstr(cu_toml, "t-1") + 3 + 8, strstr(cu_toml, "t-1") + 3,
			strlen(strstr(cu_toml, "t-1") + 3) + 1);
		memcpy(strstr(cu_toml, "t-1") + 3, id_of(i), 8);
		if (vigil_compiler_add_buf(c, cu_toml, strlen(cu_toml), &cu_err))
			continue;
		md->never[n] = vigil_compiler_warnings(c)->n &&
			       vigil_compiler_warnings(c)->w[0].cls ==
				       VIGIL_CWARN_NEVER_FIRES;
		snprintf(md->query[n], sizeof(md->query[n]), "%s", q);
		never += md->never[n];
		n++;
	}
	CHECK_EQ(vigil_compiler_emit(c, &blob, &len, &cu_err), 0);
	e = vigil_engine_new(blob, len, &lim, &reason);
	CHECK(!IS_ERR(e));
	if (IS_ERR(e)) {
		printf("#   engine refused: %s (%u rules)\n", reason, n);
		goto out;
	}
	events = enumerate(e, md);
	for (i = 0; i < n; i++) {
		if (getenv("FEASIBLE_DEBUG"))
			printf("#   %d %d %s\n", md->never[i], md->fired[i], md->query[i]);
		silent += !md->fired[i];
		if (md->never[i] && md->fired[i] && bad++ < 5)
			printf("#   warned never fires, but fires: %s\n",
			       md->query[i]);
	}
	printf("# %u rules, %lu events: %u warned never fires, %u fire on none\n",
	       n, events, never, silent);
	unsound = bad;
	CHECK(n > N_RULES / 2);
	CHECK_EQ(bad, 0);
	/* the analysis finds most of what the domain shows */
	CHECK(never > 10);
	CHECK(never * 2 > silent);
	vigil_engine_free(e);
out:
	free(blob);
	vigil_compiler_free(c);
	free(md);
}

#if defined(FEASIBLE_MUTANT)
int main(void)
{
	soundness();
	printf("# mutant %d: %u rules warned never to fire fire\n",
	       FEASIBLE_MUTANT, unsound);
	return unsound ? UNSOUND_EXIT : 0;
}
#else
/* Each mutant build of feasible.c must be caught warning unsoundly. */
static void mutants(void)
{
	static const char *const what[] = {
		"", "case-blind literal against a cased pattern",
		"array elements as one value", "renames without an original",
		"connects without destination.ip",
		"a block inside any block it meets",
	};
	mutants_run("test_feasible", what, (int)ARRAY_SIZE(what), UNSOUND_EXIT);
}

int main(int argc, char **argv)
{
	mutants_init(argv[0]);
	RUN(never_fires);
	RUN(fires);
	RUN(exclusions);
	RUN(sigma);
	RUN(narrowed_type);
	RUN(sequence_steps);
	RUN(soundness);
	RUN(mutants);
	return tap_done();
}
#endif
