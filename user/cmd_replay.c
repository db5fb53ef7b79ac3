// SPDX-License-Identifier: GPL-2.0
/*
 * vigilctl replay [--text] [--quiet] --events FILE.jsonl PATH...
 *
 * Compiles the rules, feeds recorded ECS events (one JSON object per
 * line) in @timestamp order (file order for ties) through the same
 * engine the kernel runs, and prints every alert
 * with the shared alert printer: JSON by default, --text for one
 * readable line per alert.  Blank lines and lines starting with '#' are
 * skipped.  A summary goes to stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert_json.h"
#include "compiler/ast.h"
#include "compiler/compiler.h"
#include "engine.h"
#include "internal.h"
#include "ip.h"
#include "json.h"
#include "replay.h"
#include "vigilctl.h"

#define LINE_MAX_BYTES (1U << 20)

/* Kinds of events vigil does not capture, counted by replay. */
#define SKIP_KINDS 16

struct replay {
	struct vigil_engine *e;
	FILE *out;
	bool text, quiet, strict;
	u64 alerts;
	u64 skipped;
	struct {
		char name[64];	/* "category/action" */
		u64 n;
	} skip[SKIP_KINDS + 1];	/* the last one: all other kinds */
	struct vigil_alert_view view;
	struct vigil_pf_memo memo;	/* as a CPU's in vigil.ko */
	/* buffers owned by the current event */
	char *bufs[__VIGIL_F_LAST];
	char err[200];
};

static void alert_cb(void *ctx, const struct vigil_match *m)
{
	struct replay *r = ctx;
	struct vigil_alert_view *v = &r->view;
	struct vigil_rule_info ri;
	u32 i;

	vigil_engine_rule_info(r->e, m->rule, &ri);
	memset(v, 0, sizeof(*v));
	v->seq = ++r->alerts;
	v->rule_id = ri.id;
	v->rule_name = ri.name;
	v->threat = ri.threat;
	v->severity = ri.severity;
	v->risk_score = ri.risk_score;
	v->kind = ri.kind;
	v->building_block = ri.building_block;
	for (i = 0; i < m->n_prior && i < VIGIL_RS_MAX_STEPS - 1; i++)
		if (!vigil_event_decode(&v->events[v->n_events], m->prior[i],
					m->prior_len[i]))
			v->n_events++;
	v->events[v->n_events++] = *m->event;
	vigil_alert_view_thr(v, m->thr);
	if (r->quiet)
		return;
	if (r->text)
		vigil_alert_print_text(r->out, v);
	else
		vigil_alert_print_json(r->out, v);
}

/* "2024-01-02T03:04:05.123456789Z" (or +00:00) -> ns since the epoch */
static int parse_time(const char *s, u64 *ns)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	u64 frac = 0;
	int digits = 0;
	time_t t;

	if (!p)
		return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 9)
				frac = frac * 10 + (*p - '0');
		if (!digits)
			return -1;
		for (; digits < 9; digits++)
			frac *= 10;
	}
	if (strcmp(p, "Z") && strcmp(p, "+00:00"))
		return -1;
	t = timegm(&tm);
	if (t < 0)
		return -1;
	*ns = (u64)t * 1000000000ULL + frac;
	return 0;
}

static int num_of(const struct json *j, u64 *out)
{
	const char *s;
	char *end;

	if (j->type != JSON_NUM && j->type != JSON_STR)
		return -1;
	s = j->str;
	if (!*s || *s == '-' || strpbrk(s, ".eE"))
		return -1;
	*out = strtoull(s, &end, 10);
	return *end ? -1 : 0;
}

struct kindinfo {
	bool process, file, start, creation, change, deletion;
	bool exec, symlink, rename, act_creation, act_deletion;
	char category[24], action[32];	/* the first of each, for reports */
};

static void note_kind(struct kindinfo *k, const char *path, const char *s)
{
	if (!strcmp(path, "event.category") && !k->category[0])
		snprintf(k->category, sizeof(k->category), "%s", s);
	if (!strcmp(path, "event.action") && !k->action[0])
		snprintf(k->action, sizeof(k->action), "%s", s);
	if (!strcmp(path, "event.category")) {
		k->process |= !strcmp(s, "process");
		k->file |= !strcmp(s, "file");
	} else if (!strcmp(path, "event.type")) {
		k->start |= !strcmp(s, "start");
		k->creation |= !strcmp(s, "creation");
		k->change |= !strcmp(s, "change");
		k->deletion |= !strcmp(s, "deletion");
	} else if (!strcmp(path, "event.action")) {
		k->exec |= !strcmp(s, "exec") || !strcmp(s, "start");
		k->symlink |= !strcmp(s, "symlink");
		k->rename |= !strcmp(s, "rename");
		k->act_creation |= !strcmp(s, "creation");
		k->act_deletion |= !strcmp(s, "deletion");
	}
}

/*
 * The kind of a recorded event: the kind whose event.action it names
 * (the engine's table), else what its category and type imply for the
 * file and exec kinds, which other sensors name differently.
 */
static enum vigil_event_kind kind_of(const struct kindinfo *k)
{
	int af = kind_field_index(VIGIL_F_EVENT_ACTION);
	u32 kind, len;

	for (kind = VIGIL_EV_EXEC; af >= 0 && kind < __VIGIL_EV_LAST; kind++)
		if (!strcmp(k->action, vigil_kind_value(kind, af, &len)))
			return kind;
	if (k->symlink)
		return VIGIL_EV_SYMLINK;
	if (k->rename || (k->file && k->change))
		return VIGIL_EV_RENAME;
	if (k->act_deletion || (k->file && k->deletion))
		return VIGIL_EV_DELETE;
	if (k->act_creation || (k->file && k->creation))
		return VIGIL_EV_CREATE;
	if (k->exec || (k->process && k->start))
		return VIGIL_EV_EXEC;
	return VIGIL_EV_NONE;
}

static int set_field(struct replay *r, struct vigil_event *ev,
		     const char *path, const struct json *j)
{
	const struct field_info *fi;
	size_t i, len = 0;
	char *b;
	u64 n;

	if (!strcmp(path, "@timestamp")) {
		if (j->type == JSON_STR ? parse_time(j->str, &n) : num_of(j, &n))
			goto bad;
		vigil_event_set_num(ev, VIGIL_F_TIMESTAMP, n);
		return 0;
	}
	fi = field_lookup(path);
	if (!fi || fi->field == VIGIL_F_EVENT_CATEGORY ||
	    fi->field == VIGIL_F_EVENT_TYPE || fi->field == VIGIL_F_EVENT_ACTION)
		return 0;	/* not a kernel field, or derived from the kind */
	if (j->type == JSON_NULL)
		return 0;
	switch (fi->type) {
	case VIGIL_FT_NUM:
		if (vigil_field_is_bool(fi->field) && j->type == JSON_BOOL)
			n = j->b;
		else if (num_of(j, &n))
			goto bad;
		vigil_event_set_num(ev, fi->field, n);
		return 0;
	case VIGIL_FT_STR:
		if (j->type != JSON_STR && j->type != JSON_NUM)
			goto bad;
		vigil_event_set_str(ev, fi->field, j->str, (u32)strlen(j->str));
		return 0;
	case VIGIL_FT_IP:
		b = malloc(VIGIL_IP_LEN);
		if (!b) {
			snprintf(r->err, sizeof(r->err), "out of memory");
			return -1;
		}
		free(r->bufs[fi->field]);
		r->bufs[fi->field] = b;
		if (j->type != JSON_STR ||
		    vigil_ip_parse(j->str, (unsigned char *)b))
			goto bad;
		vigil_event_set_str(ev, fi->field, b, VIGIL_IP_LEN);
		return 0;
	case VIGIL_FT_ARRAY:
		if (j->type == JSON_STR) {
			len = strlen(j->str) + 1;
		} else if (j->type == JSON_ARR) {
			for (i = 0; i < j->n; i++) {
				if (j->vals[i]->type != JSON_STR)
					goto bad;
				len += strlen(j->vals[i]->str) + 1;
			}
		} else {
			goto bad;
		}
		b = malloc(len ? len : 1);
		if (!b) {
			snprintf(r->err, sizeof(r->err), "out of memory");
			return -1;
		}
		free(r->bufs[fi->field]);
		r->bufs[fi->field] = b;
		len = 0;
		if (j->type == JSON_STR) {
			strcpy(b, j->str);
			len = strlen(j->str) + 1;
		}
		for (i = 0; j->type == JSON_ARR && i < j->n; i++) {
			strcpy(b + len, j->vals[i]->str);
			len += strlen(j->vals[i]->str) + 1;
		}
		vigil_event_set_array(ev, fi->field, b, (u32)len,
				      j->type == JSON_STR ? 1 : (u32)j->n);
		return 0;
	}
bad:
	snprintf(r->err, sizeof(r->err), "bad value for %s", path);
	return -1;
}

static int walk(struct replay *r, struct vigil_event *ev,
		struct kindinfo *k, const struct json *j, char *path,
		size_t plen, int depth)
{
	size_t i;

	if (depth > 16) {
		snprintf(r->err, sizeof(r->err), "objects nested too deeply");
		return -1;
	}
	for (i = 0; i < j->n; i++) {
		const struct json *v = j->vals[i];
		size_t kl = strlen(j->keys[i]);

		if (plen + kl + 2 > 256)
			continue;
		if (plen)
			path[plen] = '.';
		memcpy(path + plen + !!plen, j->keys[i], kl + 1);
		if (v->type == JSON_OBJ) {
			if (walk(r, ev, k, v, path, plen + !!plen + kl, depth + 1))
				return -1;
		} else {
			size_t e;

			if (v->type == JSON_STR)
				note_kind(k, path, v->str);
			for (e = 0; v->type == JSON_ARR && e < v->n; e++)
				if (v->vals[e]->type == JSON_STR)
					note_kind(k, path, v->vals[e]->str);
			if (set_field(r, ev, path, v))
				return -1;
		}
		path[plen] = 0;
	}
	return 0;
}

/* Counts an event of a kind vigil does not capture, by category/action. */
static void note_skip(struct replay *r, const struct kindinfo *k)
{
	char name[64];
	size_t i;

	snprintf(name, sizeof(name), "%s/%s", k->category[0] ? k->category : "-",
		 k->action[0] ? k->action : "-");
	r->skipped++;
	for (i = 0; i < SKIP_KINDS; i++) {
		if (!r->skip[i].name[0])
			snprintf(r->skip[i].name, sizeof(r->skip[i].name), "%s",
				 name);
		if (!strcmp(r->skip[i].name, name)) {
			r->skip[i].n++;
			return;
		}
	}
	r->skip[SKIP_KINDS].n++;
}

static void report_skips(const struct replay *r, const char *name)
{
	size_t i;

	if (!r->skipped)
		return;
	fprintf(stderr, "%s: skipped %llu events of kinds vigil does not capture:",
		name, (unsigned long long)r->skipped);
	for (i = 0; i < SKIP_KINDS && r->skip[i].n; i++)
		fprintf(stderr, " %s %llu", r->skip[i].name,
			(unsigned long long)r->skip[i].n);
	if (r->skip[SKIP_KINDS].n)
		fprintf(stderr, " other %llu",
			(unsigned long long)r->skip[SKIP_KINDS].n);
	fprintf(stderr, " (--strict makes them an error)\n");
}

static int replay_line(struct replay *r, const char *line, size_t len,
		       u64 *events)
{
	static const u8 derived[] = {
		VIGIL_F_FILE_NAME, VIGIL_F_FILE_EXTENSION,
		VIGIL_F_FILE_DIRECTORY, VIGIL_F_FILE_ORIG_NAME,
		VIGIL_F_FILE_ORIG_EXTENSION, VIGIL_F_FILE_ORIG_DIRECTORY,
	};
	struct vigil_value saved[sizeof(derived)];
	struct vigil_event ev;
	struct kindinfo k = { 0 };
	enum vigil_event_kind kind;
	struct json *j;
	char path[256] = "";
	u64 had = 0;
	size_t i, at;
	int ret = -1;

	j = json_parse(line, len, r->err, sizeof(r->err), &at);
	if (!j)
		return -1;
	if (j->type != JSON_OBJ) {
		snprintf(r->err, sizeof(r->err), "not a JSON object");
		goto out;
	}
	vigil_event_init(&ev);
	if (walk(r, &ev, &k, j, path, 0, 0))
		goto out;
	kind = kind_of(&k);
	if (kind == VIGIL_EV_NONE) {
		snprintf(r->err, sizeof(r->err),
			 "event.category/type/action name no kernel event kind (%s/%s)",
			 k.category[0] ? k.category : "-",
			 k.action[0] ? k.action : "-");
		if (!r->strict) {
			note_skip(r, &k);
			ret = 0;
		}
		goto out;
	}
	vigil_event_set_kind(&ev, kind);
	for (i = 0; i < sizeof(derived); i++) {
		saved[i] = ev.v[derived[i]];
		if (ev.present & (1ULL << derived[i]))
			had |= 1ULL << i;
	}
	vigil_event_derive_file(&ev);
	for (i = 0; i < sizeof(derived); i++)
		if (had & (1ULL << i)) {
			ev.v[derived[i]] = saved[i];
			ev.present |= 1ULL << derived[i];
		}
	vigil_event_note_joined(&ev);
	vigil_engine_process_memo(r->e, &ev, &r->memo, alert_cb, r);
	(*events)++;
	ret = 0;
out:
	for (i = 0; i < __VIGIL_F_LAST; i++) {
		free(r->bufs[i]);
		r->bufs[i] = NULL;
	}
	json_free(j);
	return ret;
}

struct line {
	char *text;
	size_t len;
	u64 lineno;
	u64 ts;
};

/* @timestamp of a line, 0 when it has none; errors are left to replay_line */
static u64 line_time(const char *text, size_t len)
{
	char err[8];
	struct json *j = json_parse(text, len, err, sizeof(err), NULL);
	u64 ts = 0;
	size_t i;

	for (i = 0; j && j->type == JSON_OBJ && i < j->n; i++) {
		const struct json *v = j->vals[i];

		if (strcmp(j->keys[i], "@timestamp"))
			continue;
		if (v->type == JSON_STR ? parse_time(v->str, &ts) :
					  num_of(v, &ts))
			ts = 0;
		break;
	}
	json_free(j);
	return ts;
}

/* @timestamp order, file order for ties (a stable sort) */
static int line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->lineno < y->lineno ? -1 : x->lineno > y->lineno;
}

/**
 * vigil_replay_stream() - run recorded ECS events through an engine
 * @e: the engine
 * @in: JSON lines
 * @name: for error messages
 * @out: where alerts go
 * @mode: VIGIL_REPLAY_JSON, _TEXT or _QUIET, or'ed with
 *	VIGIL_REPLAY_STRICT to fail at an event of a kind vigil does not
 *	capture (otherwise such events are skipped and counted on stderr)
 * @n_events: set to the number of events processed
 * @n_alerts: set to the number of alerts
 *
 * The events are read whole, then run in @timestamp order, lines of equal
 * (or no) @timestamp in file order, as Elasticsearch orders a sequence's
 * events.  Errors are printed to stderr as "name:line: reason".
 * Return: 0 or -1.
 */
int vigil_replay_stream(struct vigil_engine *e, FILE *in, const char *name,
			FILE *out, int mode, u64 *n_events, u64 *n_alerts)
{
	struct replay *r = calloc(1, sizeof(*r));
	struct line *lines = NULL, *nl;
	size_t n_lines = 0, cap_lines = 0, i;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	u64 lineno = 0;
	int ret = -1;

	*n_events = *n_alerts = 0;
	if (!r)
		return -1;
	r->e = e;
	r->out = out;
	r->text = (mode & VIGIL_REPLAY_MODE) == VIGIL_REPLAY_TEXT;
	r->quiet = (mode & VIGIL_REPLAY_MODE) == VIGIL_REPLAY_QUIET;
	r->strict = mode & VIGIL_REPLAY_STRICT;
	while ((n = getline(&line, &cap, in)) >= 0) {
		size_t lead;

		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		lead = strspn(line, " \t");
		if (!line[lead] || line[lead] == '#')
			continue;
		if ((size_t)n > LINE_MAX_BYTES) {
			fprintf(stderr, "%s:%llu: line too long\n", name,
				(unsigned long long)lineno);
			goto out;
		}
		if (n_lines == cap_lines) {
			cap_lines = cap_lines ? 2 * cap_lines : 64;
			nl = realloc(lines, cap_lines * sizeof(*lines));
			if (!nl)
				goto oom;
			lines = nl;
		}
		lines[n_lines].text = strdup(line);
		if (!lines[n_lines].text)
			goto oom;
		lines[n_lines].len = (size_t)n;
		lines[n_lines].lineno = lineno;
		lines[n_lines].ts = line_time(line, (size_t)n);
		n_lines++;
	}
	qsort(lines, n_lines, sizeof(*lines), line_cmp);
	for (i = 0; i < n_lines; i++) {
		if (replay_line(r, lines[i].text, lines[i].len, n_events)) {
			fprintf(stderr, "%s:%llu: %s\n", name,
				(unsigned long long)lines[i].lineno, r->err);
			goto out;
		}
	}
	ret = 0;
	goto out;
oom:
	fprintf(stderr, "%s:%llu: out of memory\n", name,
		(unsigned long long)lineno);
out:
	report_skips(r, name);
	*n_alerts = r->alerts;
	fflush(out);
	for (i = 0; i < n_lines; i++)
		free(lines[i].text);
	free(lines);
	free(line);
	free(r);
	return ret;
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: %s replay [--text] [--quiet] [--strict] --events FILE.jsonl PATH...\n",
		prog);
}

int replay_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "events", required_argument, NULL, 'e' },
		{ "text", no_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct vigil_engine_limits lim = { .seq_capacity = 0, /* the default */
					   .terms_capacity = 4096 };
	struct vigil_engine *e = NULL;
	const char *events = NULL, *reason;
	int mode = VIGIL_REPLAY_JSON, strict = 0;
	void *blob = NULL;
	u64 nev, nal;
	__u32 len;
	FILE *f = NULL;
	int opt, ret = 1;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "e:tqsh", opts, NULL)) != -1) {
		switch (opt) {
		case 'e': events = optarg; break;
		case 't': mode = VIGIL_REPLAY_TEXT; break;
		case 'q': mode = VIGIL_REPLAY_QUIET; break;
		case 's': strict = VIGIL_REPLAY_STRICT; break;
		default:
			usage();
			return opt == 'h' ? 0 : 1;
		}
	}
	if (!events || optind >= argc) {
		usage();
		return 1;
	}
	if (vigil_compile_paths(argv + optind, argc - optind, &blob, &len))
		goto out;
	e = vigil_engine_new(blob, len, &lim, &reason);
	if (IS_ERR(e)) {
		fprintf(stderr, "%s: engine: %s\n", prog, reason);
		e = NULL;
		goto out;
	}
	f = strcmp(events, "-") ? fopen(events, "r") : stdin;
	if (!f) {
		fprintf(stderr, "%s: %s: %m\n", prog, events);
		goto out;
	}
	if (vigil_replay_stream(e, f, events, stdout, mode | strict, &nev,
				&nal))
		goto out;
	fprintf(stderr, "replayed %llu events, %llu alerts\n",
		(unsigned long long)nev, (unsigned long long)nal);
	ret = 0;
out:
	if (f && f != stdin)
		fclose(f);
	vigil_engine_free(e);
	free(blob);
	return ret;
}
