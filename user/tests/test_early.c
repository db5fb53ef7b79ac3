// SPDX-License-Identifier: GPL-2.0
/*
 * The early decision (module/engine/early.c) may skip building an event
 * only when no step of its kind could be true on it:
 *
 *  - shapes: small network, process-end and file rules whose early
 *    answers are known (an excluded loopback, a port, a disjunction of
 *    ports, a negation over a process field, a sequence's later step
 *    that counts only while a sequence waits, an end by name and exit
 *    code, creations found by the index or by a filter, a rule with more
 *    early tests than a table holds);
 *  - differential: network, end and file events built from the literals of
 *    every step of those kinds (ours, the shapes, and the Elastic corpus when
 *    present), each step run whole by vigil_step_eval() against its
 *    early levels read on the event's early fields alone: a step that is
 *    true where they say impossible is a soundness failure; and
 *    whole events: when vigil_engine_early() says no, the engine run on
 *    the whole event gives no alert; and vigil_engine_early_memo(), its
 *    memo of the actor's atoms carried from one event to the next, says
 *    what vigil_engine_early() says.  Built a second time per mutant of
 *    early.c (-DVIGIL_EARLY_MUTANT=n, user/Makefile:
 *    build/mut/test_early-n); the case `mutants` runs each and asserts
 *    the differential catches it.
 */
#include <sys/stat.h>

#include "tap.h"
#include "mutants.h"
#include "compiler_util.h"
#include "internal.h"
#include "ip.h"

#define CORPUS "../../../shared/corpus/elastic/"
#define DIFF_EXIT 3

/* Network rules of every early shape. */
static const char *const shapes[] = {
	/* 0: loopback and private destinations excluded */
	"network where event.action == \"connection_attempted\" and "
	"process.name : (\"bash\", \"sh\") and not cidrMatch(destination.ip, "
	"\"127.0.0.0/8\", \"10.0.0.0/8\", \"::1\")",
	/* 1: a disjunction of ports and an internal destination */
	"network where (destination.port == 10250 or destination.port == 10255)"
	" and cidrMatch(destination.ip, \"127.0.0.0/8\", \"10.0.0.0/8\") and "
	"(process.name == \"curl\" or process.executable : \"/tmp/*\")",
	/* 2: a negation over a process field, then a port */
	"network where not process.name in (\"ssh\", \"scp\") and "
	"destination.port == 22 and network.direction == \"egress\"",
	/* 3: a later step that counts only while a sequence waits */
	"sequence by process.entity_id with maxspan=1m "
	"[process where event.action == \"exec\" and process.name == \"nc\"] "
	"[network where destination.port > 1024]",
	/* 4: accepts on a port, either transport; 5: an end by name and code */
	"network where event.action == \"connection_accepted\" and "
	"(network.transport == \"udp\" or source.port < 1024) and "
	"process.name != \"sshd\"",
	"process where event.type == \"end\" and process.name == \"sshd\" "
	"and process.exit_code != 0 and "
	"process.command_line == \"/usr/sbin/sshd -D -R\"",
	/* 6: opens of a path set, less a reader's name and a directory */
	"file where event.action == \"opened-file\" and "
	"file.path : (\"/proc/*/cmdline\", \"/etc/sysctl.d*\") and "
	"not file.directory == \"/etc/sysctl.d/a\" and process.name != \"ps\"",
	/* 7: binds on every interface, by a shell tool */
	"network where event.action == \"bound-socket\" and "
	"cidrMatch(source.ip, \"0.0.0.0/32\", \"::/128\") and source.port > 1023 "
	"and process.name in (\"nc\", \"socat\")",
	/* 8: creations of modules by extension (the index), less installers */
	"file where event.type == \"creation\" and file.extension in (\"ko\", "
	"\"so\") and not process.executable in (\"/usr/bin/dpkg\", "
	"\"/usr/bin/apt\")",
	/* 9: deletions of logs (a filter on the path), by a command line */
	"file where event.type == \"deletion\" and file.path : \"/var/log/*\" "
	"and process.command_line : \"*shred*\"",
	/*
	 * 10, 11: by a late field alone: an exact parent name (the index),
	 * globs enough to be worth a filter
	 */
	"file where event.action == \"creation\" and "
	"process.parent.name == \"sshd\"",
	"file where event.type == \"deletion\" and process.command_line : "
	"(\"*curl*\", \"*wget*\", \"*nc -e*\", \"*base64 -d*\", \"*chmod +x*\", "
	"\"*/dev/tcp/*\", \"*python -c*\", \"*perl -e*\", \"*xxd -r*\", "
	"\"*openssl enc*\", \"*socat*\", \"*telnet*\")",
	/* 12: more early tests than a table holds; the one needed last */
	"file where event.type == \"creation\" and (process.name == \"a\" or "
	"process.name == \"b\" or process.name == \"c\" or "
	"process.name == \"d\" or process.name : \"e*\" or "
	"process.name : \"f*\" or process.name : \"g*\" or "
	"process.name : \"h*\" or process.name : \"i*\" or "
	"process.name : \"j*\" or process.name : \"k*\") and "
	"file.path : \"/etc/cron.d/*\"",
	/* 13, 14: renames by their old path (late), symlinks to a target */
	"file where event.action == \"rename\" and "
	"file.Ext.original.path : \"/etc/*\" and file.path : \"/tmp/*\"",
	"file where event.action == \"symlink\" and "
	"file.target_path : \"/bin/*\"",
	/* 15: opens of a path set by programs outside a program set */
	"file where event.action == \"opened-file\" and "
	"file.path : (\"/etc/passwd\", \"/proc/*/cmdline\") and "
	"not process.executable : (\"/usr/bin/*\", \"/bin/sh\")",
};

static const char *const ips[] = {
	"127.0.0.1", "10.1.2.3",	"192.168.1.1", "8.8.8.8",
	"::1",	     "fe80::1",		"2001:db8::1", "::ffff:127.0.0.1",
	"0.0.0.0",   "::",	"169.254.1.1",	"224.0.0.1",   "100.64.0.1",
};

/* Sample values per field, from the literals of the rules' MATCHes. */
#define MAX_SAMPLES 4096
struct sample {
	u32 field;
	char v[VIGIL_IP_TEXT + 64];
};
static struct sample samples[MAX_SAMPLES];
static u32 n_samples;
static u64 port_samples[256];
static u32 n_ports;


/* Samples from every test of every step that takes a network kind. */
static void collect_samples(const struct vigil_engine *e)
{
	const struct vigil_rs *rs = &e->rs;
	u32 st, i, j;

	n_samples = 0;
	n_ports = 0;
	for (st = 0; st < rs->h->n_steps; st++) {
		const struct vigil_rs_step *s = &rs->steps[st];
		const struct vigil_rs_insn *prog = &rs->insns[s->first_insn];

		if (!(s->kind_mask & VIGIL_EARLY_KINDS))
			continue;
		for (i = 0; i < s->n_insns; i++) {
			const struct vigil_rs_insn *in = &prog[i];

			if (in->op == VIGIL_OP_NUMCMP && n_ports < 254) {
				port_samples[n_ports++] = in->arg;
				port_samples[n_ports++] = in->arg + 1;
			}
			if (in->op != VIGIL_OP_MATCH)
				continue;
			for (j = 0; j < rs->sets[in->arg].n_pats && j < 8 &&
				    n_samples < MAX_SAMPLES;
			     j++) {
				const struct vigil_rs_pat *p =
					&rs->pats[rs->sets[in->arg].first_pat +
						  j];

				if (p->kind == VIGIL_PAT_REGEX)
					continue;
				samples[n_samples].field = in->field;
				cu_sample(rs->strtab, p, samples[n_samples].v,
					  sizeof(samples[n_samples].v));
				n_samples++;
			}
		}
	}
}

static u32 rnd_state = 1;
static u32 rnd(void)
{
	rnd_state = rnd_state * 1103515245U + 12345U;
	return rnd_state >> 8;
}

/* Sets string or IP field @f of @c to @v. */
static void put(struct cu_ev *c, u32 f, const char *v)
{
	static char ring[64][VIGIL_IP_TEXT + 64];
	static u32 next;
	unsigned char *ip;

	if (vigil_field_type(f) == VIGIL_FT_IP) {
		ip = c->ip[f == VIGIL_F_SOURCE_IP ? 0 : 1];
		if (!vigil_ip_parse(v, ip))
			vigil_event_set_str(&c->ev, f, (const char *)ip,
					    VIGIL_IP_LEN);
		return;
	}
	if (vigil_field_type(f) != VIGIL_FT_STR)
		return;
	snprintf(ring[next % 64], sizeof(ring[0]), "%s", v);
	vigil_event_set_str(&c->ev, f, ring[next % 64], strlen(v));
	next++;
}

/* The programs of random file events. */
static const char *const exes[] = {
	"/usr/bin/x",
	"/usr/bin/dpkg",
	"/tmp/x",
	"/bin/sh",
};

/*
 * A random event of an early kind: a file open, creation or deletion, a
 * process end, or a connection with addresses and ports; names and
 * values from the samples.
 */
static void random_event(struct cu_ev *c)
{
	static const u32 file_kinds[] = { VIGIL_EV_OPEN, VIGIL_EV_CREATE,
					  VIGIL_EV_DELETE, VIGIL_EV_RENAME,
					  VIGIL_EV_SYMLINK };
	u32 kind = rnd() & 1 ? VIGIL_EV_CONNECT : VIGIL_EV_ACCEPT, i, n;

	if (rnd() % 3 == 0) {
		static const char *const paths[] = {
			"/proc/modules", "/proc/1/cmdline", "/etc/sysctl.d",
			"/etc/sysctl.d/a.conf", "/etc/modprobe.d/x",
			"/etc/passwd", "/tmp/x.so", "/", "/var/log/syslog",
			"/lib/modules/x.ko", "/etc/cron.d/job", "/tmp/.x",
		};
		cu_exec(c, 0, "e1", "x", ARGV("x", "-a"));
		vigil_event_set_kind(&c->ev,
				     file_kinds[rnd() % ARRAY_SIZE(file_kinds)]);
		cu_set(c, VIGIL_F_FILE_PATH, paths[rnd() % ARRAY_SIZE(paths)]);
		cu_set(c, VIGIL_F_PROCESS_EXECUTABLE,
		       exes[rnd() % ARRAY_SIZE(exes)]);
		/* late: a rename's old path, a link's target */
		if (c->ev.v[VIGIL_F_EVENT_KIND].num == VIGIL_EV_RENAME)
			cu_set(c, VIGIL_F_FILE_ORIG_PATH,
			       paths[rnd() % ARRAY_SIZE(paths)]);
		if (c->ev.v[VIGIL_F_EVENT_KIND].num == VIGIL_EV_SYMLINK)
			cu_set(c, VIGIL_F_FILE_TARGET_PATH,
			       paths[rnd() % ARRAY_SIZE(paths)]);
		vigil_event_derive_file(&c->ev);
		goto samples;
	}
	if (rnd() % 3 == 0) {
		cu_exec(c, 0, "e1", "x", ARGV("x", "-a"));
		vigil_event_set_kind(&c->ev, VIGIL_EV_END);
		vigil_event_set_num(&c->ev, VIGIL_F_PROCESS_EXIT_CODE,
				    n_ports && rnd() & 1 ?
					    port_samples[rnd() % n_ports] :
					    rnd() % 256);
		cu_set(c, VIGIL_F_PROCESS_COMMAND_LINE, "x -a");
		goto samples;
	}
	cu_net(c, 0, kind, "x", ips[rnd() % ARRAY_SIZE(ips)],
	       ips[rnd() % ARRAY_SIZE(ips)],
	       n_ports && rnd() % 3 ? port_samples[rnd() % n_ports] :
				      rnd() % 65536);
	vigil_event_set_num(&c->ev, VIGIL_F_SOURCE_PORT,
			    n_ports && rnd() & 1 ? port_samples[rnd() % n_ports] :
						   rnd() % 65536);
	cu_set(c, VIGIL_F_NETWORK_TRANSPORT, rnd() & 1 ? "tcp" : "udp");
	cu_set(c, VIGIL_F_NETWORK_DIRECTION,
	       kind == VIGIL_EV_CONNECT ? "egress" : "ingress");
	if (rnd() % 4 == 0) { /* a bind: a source, no destination */
		vigil_event_set_kind(&c->ev, VIGIL_EV_BIND);
		c->ev.present &= ~((1ULL << VIGIL_F_DESTINATION_IP) |
				   (1ULL << VIGIL_F_DESTINATION_PORT));
		cu_set(c, VIGIL_F_NETWORK_DIRECTION, "unknown");
	}
	cu_set(c, VIGIL_F_PROCESS_ENTITY_ID, "e1");
samples:
	n = n_samples ? rnd() % 4 : 0;
	for (i = 0; i < n; i++) {
		const struct sample *s = &samples[rnd() % n_samples];

		put(c, s->field, s->v);
	}
}

/* @out: the early fields of @ev alone. */
static void early_part(const struct vigil_event *ev, struct vigil_event *out)
{
	u64 early = vigil_early_fields(ev->v[VIGIL_F_EVENT_KIND].num);
	u32 f;

	vigil_event_init(out);
	for (f = 0; f < 64; f++)
		if ((early & (1ULL << f)) &&
		    (ev->present & (1ULL << f))) {
			out->v[f] = ev->v[f];
			out->present |= 1ULL << f;
		}
}

struct diff {
	u64 events, true_steps, impossible, decided_no, memo_differs,
		violations;
	struct vigil_pf_memo memo; /* one event after another, as a CPU's */
};

static void count_cb(void *ctx, const struct vigil_match *m)
{
	(*(u32 *)ctx)++;
}

/* Level @j bit @p of @es (struct vigil_early_step). */
static bool level(const struct vigil_early_step *es, u32 j, u32 p)
{
	u32 b = (1U << j) - 1 + p;

	return (es->levels[b / 64] >> (b % 64)) & 1;
}

/*
 * vigil_engine_early() on @part, and vigil_engine_early_memo() with the
 * memo of the events before: a difference is a violation.  Return: the
 * first's answer.
 */
static bool memo_check(struct vigil_engine *e, const struct vigil_event *part,
		       struct diff *d)
{
	bool may = vigil_engine_early(e, part);

	if (vigil_engine_early_memo(e, part, &d->memo) == may)
		return may;
	d->memo_differs++;
	if (d->violations++ < 5)
		printf("#   event %llu: with the actor memo early says %s, without it %s\n",
		       (unsigned long long)d->events, may ? "no" : "yes",
		       may ? "yes" : "no");
	return may;
}

/* One event through every early step of its kind, and whole. */
static void check_event(struct vigil_engine *e, struct cu_ev *c,
			struct diff *d)
{
	struct vigil_event part, twin;
	struct vigil_work w = { VIGIL_EVENT_WORK, false };
	struct vigil_evctx x = { 0, NULL, &w };
	u32 kind = c->ev.v[VIGIL_F_EVENT_KIND].num, i, j, a, alerts = 0;
	const struct vigil_early *ek = &e->early[kind];
	bool may;

	early_part(&c->ev, &part);
	d->events++;
	for (i = 0; i < ek->n; i++) {
		const struct vigil_early_step *es = &ek->steps[i];
		const struct vigil_rs_step *st = &e->rs.steps[es->step];
		bool whole;

		/* the atoms as vigil_engine_early() runs them, level by level */
		for (j = 0, a = 0; j < es->n_atoms && level(es, j, a); j++)
			a |= (u32)vigil_insn_test(
				     &e->rs,
				     &e->rs.insns[st->first_insn + es->atom[j]],
				     &part, NULL)
			     << j;
		whole = vigil_step_eval(&e->rs, st, &c->ev, &x);
		d->true_steps += whole;
		if (level(es, j, a))
			continue;
		d->impossible++;
		if (whole && d->violations++ < 5)
			printf("#   step %u of rule %u is true where its table says impossible\n",
			       es->step, es->rule);
	}
	/*
	 * the memo of the last actor's atoms decides as they do, here and
	 * right after on the same event by the same name's other program
	 */
	may = memo_check(e, &part, d);
	if (c->ev.present & (1ULL << VIGIL_F_PROCESS_EXECUTABLE)) {
		const struct vigil_value *x =
			&c->ev.v[VIGIL_F_PROCESS_EXECUTABLE];

		for (j = 0; j < ARRAY_SIZE(exes) &&
			    (x->len != strlen(exes[j]) ||
			     memcmp(x->str, exes[j], x->len));
		     j++)
			;
		j = (j + 1) % ARRAY_SIZE(exes);
		twin = part;
		vigil_event_set_str(&twin, VIGIL_F_PROCESS_EXECUTABLE, exes[j],
				    strlen(exes[j]));
		memo_check(e, &twin, d);
	}
	if (may)
		return;
	d->decided_no++;
	vigil_event_set_num(&c->ev, VIGIL_F_TIMESTAMP, d->events * 1000);
	vigil_engine_process(e, &c->ev, count_cb, &alerts);
	if (alerts && d->violations++ < 5)
		printf("#   event %llu: early says no, the engine alerts\n",
		       (unsigned long long)d->events);
}

static void *compile_all(bool corpus, __u32 *len)
{
	static const char *const dirs[] = { "../../rules",
					    CORPUS "rules/linux",
					    CORPUS "rules_building_block" };
	struct vigil_compiler *c = vigil_compiler_new();
	struct vigil_cerror err;
	char **paths = NULL;
	size_t n = 0, i;
	void *blob = NULL;

	if (!c)
		return NULL;
	/* ours, or the corpus (which holds ours too) */
	for (i = corpus ? 1 : 0; i < (corpus ? 3U : 1U); i++)
		if (vigil_compiler_collect(dirs[i], &paths, &n))
			goto out;
	vigil_compiler_paths_sort(paths, n);
	for (i = 0; i < n; i++)
		vigil_compiler_add_file(c, paths[i], &err); /* rejects: skipped */
	for (i = 0; i < ARRAY_SIZE(shapes); i++) {
		cu_rule("eql", shapes[i]);
		cu_toml[strstr(cu_toml, "t-1") - cu_toml + 2] = (char)('a' + i);
		if (vigil_compiler_add_buf(c, cu_toml, strlen(cu_toml), &err))
			printf("#   shape %zu: %s\n", i, err.msg);
	}
	if (vigil_compiler_emit(c, &blob, len, &err)) {
		printf("#   emit: %s\n", err.msg);
		blob = NULL;
	}
out:
	vigil_compiler_paths_free(paths, n);
	vigil_compiler_free(c);
	return blob;
}

/* Return: violations; *@d the counts. */
static u64 differential(bool corpus, u32 events, struct diff *d)
{
	struct vigil_engine_limits lim = { 1024, 1024 };
	struct cu_ev *c = calloc(1, sizeof(*c));
	struct vigil_engine *e = NULL;
	const char *reason;
	__u32 len = 0;
	void *blob = compile_all(corpus, &len);
	u32 i;

	memset(d, 0, sizeof(*d));
	if (!c || !blob)
		goto out;
	e = vigil_engine_new(blob, len, &lim, &reason);
	if (IS_ERR(e)) {
		printf("#   engine refused: %s\n", reason);
		e = NULL;
		goto out;
	}
	collect_samples(e);
	rnd_state = 1;
	for (i = 0; i < events; i++) {
		random_event(c);
		check_event(e, c, d);
	}
	printf("# %s: %llu events, %llu steps true, %llu step tables say impossible, %llu events decided early, %llu decided otherwise with the actor memo, %llu violations\n",
	       corpus ? "corpus" : "ours", (unsigned long long)d->events,
	       (unsigned long long)d->true_steps,
	       (unsigned long long)d->impossible,
	       (unsigned long long)d->decided_no,
	       (unsigned long long)d->memo_differs,
	       (unsigned long long)d->violations);
out:
	vigil_engine_free(e);
	free(blob);
	free(c);
	return d->violations;
}

#ifdef EARLY_MUTANT
int main(void)
{
	struct diff d;

	return differential(false, 20000, &d) ? DIFF_EXIT : 0;
}
#else
static bool early_says(struct vigil_engine *e, struct cu_ev *c)
{
	struct vigil_event part;

	early_part(&c->ev, &part);
	return vigil_engine_early(e, &part);
}

/* Does a slot of @kind's cache remember an answer @may (1: may match)? */
static bool remembered(const struct vigil_engine *e, u32 kind, u64 may)
{
	u32 i;

	for (i = 0; i < VIGIL_EARLY_CACHE; i++)
		if (e->early[kind].cache[i] && (e->early[kind].cache[i] & 1) == may)
			return true;
	return false;
}

/* Shape 0 alone: loopback and private destinations need no event. */
static void shape_loopback(void)
{
	struct vigil_engine *e = cu_engine("eql", shapes[0]);
	struct cu_ev *c = calloc(1, sizeof(*c));

	CHECK(e && c);
	if (!e || !c)
		goto out;
	cu_net(c, 0, VIGIL_EV_CONNECT, "bash", "127.0.0.1", "127.0.0.1", 80);
	CHECK(!early_says(e, c));
	cu_net(c, 0, VIGIL_EV_CONNECT, "bash", "10.0.0.1", "10.9.9.9", 80);
	CHECK(!early_says(e, c));
	cu_net(c, 0, VIGIL_EV_CONNECT, "bash", "10.0.0.1", "8.8.8.8", 80);
	CHECK(early_says(e, c));
	CHECK_EQ(cu_run(e, c), 1);
	/* disabled, it needs no event; enabled again, what was remembered goes */
	vigil_engine_set_enabled(e, 0, false);
	CHECK(!early_says(e, c));
	vigil_engine_set_enabled(e, 0, true);
	CHECK(early_says(e, c));
	/* an accept: no step of that kind */
	cu_net(c, 0, VIGIL_EV_ACCEPT, "bash", "8.8.8.8", "10.0.0.1", 80);
	CHECK(!early_says(e, c));
out:
	free(c);
	vigil_engine_free(e);
}

/* Shapes 1 and 3: a disjunction of ports; a later step while waiting. */
static void shape_ports_later(void)
{
	struct vigil_engine *p = cu_engine("eql", shapes[1]);
	struct vigil_engine *s = cu_engine("eql", shapes[3]);
	struct cu_ev *c = calloc(1, sizeof(*c));

	CHECK(p && s && c);
	if (!p || !s || !c)
		goto out;
	cu_net(c, 0, VIGIL_EV_CONNECT, "x", "10.0.0.1", "127.0.0.1", 10255);
	CHECK(early_says(p, c));
	CHECK(remembered(p, VIGIL_EV_CONNECT, 1)); /* "may": built at once */
	CHECK(early_says(p, c));
	cu_net(c, 0, VIGIL_EV_CONNECT, "x", "10.0.0.1", "127.0.0.1", 20000);
	CHECK(!early_says(p, c));
	CHECK(remembered(p, VIGIL_EV_CONNECT, 0));
	CHECK(!early_says(p, c)); /* remembered */
	cu_net(c, 0, VIGIL_EV_CONNECT, "x", "10.0.0.1", "127.0.0.1", 10250);
	CHECK(early_says(p, c)); /* another port: not the remembered key */
	cu_net(c, 0, VIGIL_EV_CONNECT, "x", "10.0.0.1", "8.8.8.8", 10250);
	CHECK(!early_says(p, c));
	/* nothing waits: no step can use the connect */
	cu_net(c, 2000, VIGIL_EV_CONNECT, "nc", "10.0.0.1", "8.8.8.8", 4444);
	CHECK(!early_says(s, c));
	cu_exec(c, 1000, "x", "nc", ARGV("nc", "-l"));
	CHECK_EQ(cu_run(s, c), 0);
	cu_net(c, 2000, VIGIL_EV_CONNECT, "nc", "10.0.0.1", "8.8.8.8", 80);
	CHECK(!early_says(s, c)); /* the port fails */
	cu_net(c, 2000, VIGIL_EV_CONNECT, "nc", "10.0.0.1", "8.8.8.8", 4444);
	CHECK(early_says(s, c));
	CHECK_EQ(cu_run(s, c), 1);
out:
	free(c);
	vigil_engine_free(p);
	vigil_engine_free(s);
}

/* Shape 5: an end is built only for an sshd that failed. */
static void shape_end(void)
{
	struct vigil_engine *e = cu_engine("eql", shapes[5]);
	struct cu_ev *c = calloc(1, sizeof(*c));

	CHECK(e && c);
	if (!e || !c)
		goto out;
	cu_exec(c, 0, "e1", "sshd", ARGV("/usr/sbin/sshd", "-D", "-R"));
	vigil_event_set_kind(&c->ev, VIGIL_EV_END);
	cu_set(c, VIGIL_F_PROCESS_COMMAND_LINE, "/usr/sbin/sshd -D -R");
	vigil_event_set_num(&c->ev, VIGIL_F_PROCESS_EXIT_CODE, 255);
	CHECK(early_says(e, c));
	CHECK_EQ(cu_run(e, c), 1);
	vigil_event_set_num(&c->ev, VIGIL_F_PROCESS_EXIT_CODE, 0);
	CHECK(!early_says(e, c));
	cu_set(c, VIGIL_F_PROCESS_NAME, "bash");
	vigil_event_set_num(&c->ev, VIGIL_F_PROCESS_EXIT_CODE, 1);
	CHECK(!early_says(e, c));
	CHECK_EQ(cu_run(e, c), 0);
out:
	free(c);
	vigil_engine_free(e);
}

/* A creation or deletion of @path by @exe (name @name), its @cmdline. */
static void file_ev(struct cu_ev *c, u32 kind, const char *path,
		    const char *exe, const char *name, const char *cmdline)
{
	cu_file(c, 0, "e1", kind, path);
	cu_set(c, VIGIL_F_PROCESS_EXECUTABLE, exe);
	cu_set(c, VIGIL_F_PROCESS_NAME, name);
	cu_set(c, VIGIL_F_PROCESS_COMMAND_LINE, cmdline);
}

/*
 * Shapes 8, 9 and 12: creations and deletions decided by the index (an
 * extension) and by the atoms (the installers, a path, the path needed
 * after eleven name tests).
 */
static void shape_files(void)
{
	struct vigil_engine *m = cu_engine("eql", shapes[8]);
	struct vigil_engine *l = cu_engine("eql", shapes[9]);
	struct vigil_engine *n = cu_engine("eql", shapes[12]);
	struct cu_ev *c = calloc(1, sizeof(*c));

	CHECK(m && l && n && c);
	if (!m || !l || !n || !c)
		goto out;
	CHECK(m->early[VIGIL_EV_CREATE].indexed);
	CHECK(!m->early[VIGIL_EV_CREATE].always);
	CHECK(!l->early[VIGIL_EV_DELETE].always);
	CHECK(!n->early[VIGIL_EV_CREATE].always);
	file_ev(c, VIGIL_EV_CREATE, "/tmp/a.txt", "/usr/bin/x", "x", "x");
	CHECK(!early_says(m, c));
	file_ev(c, VIGIL_EV_CREATE, "/tmp/a.ko", "/usr/bin/x", "x", "x");
	CHECK(early_says(m, c));
	CHECK_EQ(cu_run(m, c), 1);
	file_ev(c, VIGIL_EV_CREATE, "/tmp/a.ko", "/usr/bin/dpkg", "dpkg", "x");
	CHECK(!early_says(m, c));
	CHECK_EQ(cu_run(m, c), 0);
	file_ev(c, VIGIL_EV_DELETE, "/tmp/a.ko", "/usr/bin/x", "x", "x");
	CHECK(!early_says(m, c)); /* no step takes deletions */
	file_ev(c, VIGIL_EV_DELETE, "/var/log/syslog", "/usr/bin/shred",
		"shred", "shred -u /var/log/syslog");
	CHECK(early_says(l, c));
	CHECK_EQ(cu_run(l, c), 1);
	file_ev(c, VIGIL_EV_DELETE, "/var/lib/x", "/usr/bin/shred", "shred",
		"shred -u /var/lib/x");
	CHECK(!early_says(l, c));
	file_ev(c, VIGIL_EV_CREATE, "/etc/cron.d/job", "/usr/bin/k", "k", "k");
	CHECK(early_says(n, c));
	CHECK_EQ(cu_run(n, c), 1);
	file_ev(c, VIGIL_EV_CREATE, "/etc/cron.d/job", "/usr/bin/z", "z", "z");
	CHECK(!early_says(n, c));
	/* the path fails: decided by the test it needs, not by the names */
	file_ev(c, VIGIL_EV_CREATE, "/etc/job", "/usr/bin/k", "k", "k");
	CHECK(!early_says(n, c));
out:
	free(c);
	vigil_engine_free(m);
	vigil_engine_free(l);
	vigil_engine_free(n);
}

/* More steps of a kind than get tables: every event of it is built. */
static void too_many_steps(void)
{
	struct vigil_compiler *comp = vigil_compiler_new();
	struct vigil_engine_limits lim = { 64, 64 };
	struct vigil_engine *e = NULL;
	struct cu_ev *c = calloc(1, sizeof(*c));
	struct vigil_cerror err;
	const char *reason;
	char toml[512];
	void *blob = NULL;
	__u32 len = 0;
	u32 i;

	CHECK(comp && c);
	if (!comp || !c)
		goto out;
	for (i = 0; i < 1100; i++) {
		snprintf(toml, sizeof(toml),
			 "[rule]\nname = \"t\"\nrule_id = \"t-%u\"\n"
			 "severity = \"low\"\nrisk_score = 1\ntype = \"eql\"\n"
			 "language = \"eql\"\nquery = \"network where "
			 "destination.port == %u\"\n",
			 i, i + 1);
		CHECK(!vigil_compiler_add_buf(comp, toml, strlen(toml), &err));
	}
	CHECK(!vigil_compiler_emit(comp, &blob, &len, &err));
	e = blob ? vigil_engine_new(blob, len, &lim, &reason) : NULL;
	if (IS_ERR(e))
		e = NULL;
	CHECK(e);
	if (!e)
		goto out;
	CHECK(!e->early[VIGIL_EV_CONNECT].steps);
	cu_net(c, 0, VIGIL_EV_CONNECT, "x", "10.0.0.1", "127.0.0.1", 5000);
	CHECK(early_says(e, c)); /* port 5000: no rule, but no decision */
out:
	vigil_engine_free(e);
	vigil_compiler_free(comp);
	free(blob);
	free(c);
}

static void differential_ours(void)
{
	struct diff d;

	CHECK_EQ(differential(false, 20000, &d), 0);
	CHECK(d.true_steps > 100); /* the events do make steps true */
	CHECK(d.impossible > 1000); /* and the tables do decide */
	CHECK(d.decided_no > 100);
}

static void differential_corpus(void)
{
	struct diff d;

	CHECK_EQ(differential(true, 50000, &d), 0);
	CHECK(d.true_steps > 100);
	CHECK(d.impossible > 1000);
}

/* Each mutant build of early.c must be caught by the differential. */
static void mutants(void)
{
	static const char *const what[] = {
		"",
		"NOT does not swap the accumulator's values",
		"a late field's test is false, not unknown",
		"a jump's taken side is lost",
		"a prefix possible only when both its extensions are",
		"the cache key leaves out numbers (ports)",
		"a filter reading a late field is decided early",
		"a step indexed by a late field is found early",
		"the actor memo's key leaves out the program",
	};
	mutants_run("test_early", what, (int)ARRAY_SIZE(what), DIFF_EXIT);
}

int main(int argc, char **argv)
{
	struct stat st;

	mutants_init(argv[0]);
	RUN(shape_loopback);
	RUN(shape_ports_later);
	RUN(shape_end);
	RUN(shape_files);
	RUN(too_many_steps);
	RUN(differential_ours);
	if (stat(CORPUS "rules/linux", &st))
		SKIP(differential_corpus, "corpus not found at " CORPUS);
	else
		RUN(differential_corpus);
	RUN(mutants);
	return tap_done();
}
#endif
