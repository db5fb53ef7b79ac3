// SPDX-License-Identifier: GPL-2.0
/*
 * bench_engine: replays recorded events through the vigil engine, the
 * very sources that run in vigil.ko, and measures what one event costs.
 *
 *   bench_engine [--kind exec|create|all] [--passes N] [--seconds S]
 *                BLOB EVENTS.jsonl
 *
 * BLOB is a ruleset from `vigilctl compile -o`; EVENTS is ECS JSON, one
 * flat object per line with dotted keys (tests/bench/events.jsonl, made
 * by tests/bench/record-events).  One warm-up pass over every event
 * (so new_terms rules have learned their terms and the state is the
 * steady one), then the events of --kind are replayed:
 *
 *   - with --passes N (for valgrind --tool=callgrind --collect-atstart=no):
 *     exactly N passes, collection on only around
 *     vigil_engine_process_memo(),
 *     so callgrind's total is the engine's instructions;
 *   - otherwise for about --seconds S (default 1) of wall time.
 *
 * Prints one line: "events E passes P ns T alerts A" (ns = wall time of
 * the measured passes).  Each pass moves @timestamp forward by the
 * recording's span plus one second, as if the workload ran again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT do { } while (0)
#endif

#include "engine.h"

struct rec {
	struct vigil_event ev;
	char *line;		/* values point into it */
	enum vigil_event_kind kind;
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_engine: %s: %s\n", what, why);
	exit(1);
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		die(path, strerror(errno));
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap + 1);
			if (!buf)
				die(path, "out of memory");
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r);
	if (ferror(f))
		die(path, "read error");
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

static void skip_ws(char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* Unescapes a JSON string in place; *p is just past the opening quote. */
static char *parse_str(char **p, u32 *len)
{
	char *s = *p, *d = *p, *start = *p;

	while (*s && *s != '"') {
		if (*s != '\\') {
			*d++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'n':
			*d++ = '\n';
			break;
		case 't':
			*d++ = '\t';
			break;
		case 'r':
			*d++ = '\r';
			break;
		case 'b':
			*d++ = '\b';
			break;
		case 'f':
			*d++ = '\f';
			break;
		case 'u': {
			unsigned int c = 0;

			if (sscanf(s + 1, "%4x", &c) != 1)
				return NULL;
			*d++ = c < 0x80 ? (char)c : '?';
			s += 4;
			break;
		}
		case 0:
			return NULL;
		default:
			*d++ = *s;
			break;
		}
		s++;
	}
	if (*s != '"')
		return NULL;
	*len = d - start;
	*p = s + 1;
	return start;
}

static int field_by_name(const char *name)
{
	int f;

	for (f = 1; f <= VIGIL_F_MAX; f++) {
		const char *n = vigil_field_name(f);

		if (n && !strcmp(n, name))
			return f;
	}
	return -1;
}

static enum vigil_event_kind kind_of(const char *action)
{
	if (!strcmp(action, "exec"))
		return VIGIL_EV_EXEC;
	if (!strcmp(action, "creation"))
		return VIGIL_EV_CREATE;
	if (!strcmp(action, "symlink"))
		return VIGIL_EV_SYMLINK;
	if (!strcmp(action, "rename"))
		return VIGIL_EV_RENAME;
	if (!strcmp(action, "deletion"))
		return VIGIL_EV_DELETE;
	return VIGIL_EV_NONE;
}

/* Parses one flat JSON object into @r; returns 0 or -1. */
static int parse_line(struct rec *r, char *line)
{
	char *p = line, *key, *arr;
	u32 klen, vlen, count;
	int f;

	vigil_event_init(&r->ev);
	r->line = line;
	r->kind = VIGIL_EV_NONE;
	skip_ws(&p);
	if (*p++ != '{')
		return -1;
	for (;;) {
		skip_ws(&p);
		if (*p == '}')
			break;
		if (*p++ != '"')
			return -1;
		key = parse_str(&p, &klen);
		if (!key)
			return -1;
		key[klen] = 0;	/* the closing quote is consumed */
		skip_ws(&p);
		if (*p++ != ':')
			return -1;
		skip_ws(&p);
		f = field_by_name(key);
		if (*p == '"') {
			char *v;

			p++;
			v = parse_str(&p, &vlen);
			if (!v)
				return -1;
			if (!strcmp(key, "event.action")) {
				v[vlen] = 0;
				r->kind = kind_of(v);
			} else if (f > 0 && vigil_field_type(f) == VIGIL_FT_STR &&
				   f != VIGIL_F_EVENT_CATEGORY &&
				   f != VIGIL_F_EVENT_TYPE) {
				vigil_event_set_str(&r->ev, f, v, vlen);
			}
		} else if (*p == '[') {
			p++;
			arr = p;
			vlen = 0;
			count = 0;
			for (;;) {
				char *v;
				u32 l;

				skip_ws(&p);
				if (*p == ']') {
					p++;
					break;
				}
				if (*p == ',') {
					p++;
					continue;
				}
				if (*p++ != '"')
					return -1;
				v = parse_str(&p, &l);
				if (!v)
					return -1;
				memmove(arr + vlen, v, l);
				arr[vlen + l] = 0;
				vlen += l + 1;
				count++;
			}
			if (f > 0 && vigil_field_type(f) == VIGIL_FT_ARRAY)
				vigil_event_set_array(&r->ev, f, arr, vlen, count);
		} else {
			char *end;
			unsigned long long n = strtoull(p, &end, 10);

			if (end == p) {
				/* true/false/null: skip the word */
				while (*p && *p != ',' && *p != '}')
					p++;
			} else {
				p = end;
				if (f > 0 && vigil_field_type(f) == VIGIL_FT_NUM)
					vigil_event_set_num(&r->ev, f, n);
			}
		}
		skip_ws(&p);
		if (*p == ',')
			p++;
	}
	if (r->kind == VIGIL_EV_NONE)
		return -1;
	vigil_event_set_kind(&r->ev, r->kind);
	vigil_event_derive_file(&r->ev);
	/* as capture, which builds the command line from the args */
	vigil_event_note_joined(&r->ev);
	return 0;
}

static u64 n_alerts;

/* The prefilter's memo of parent and actor fields, as a CPU's in vigil.ko. */
static struct vigil_pf_memo memo;

static void on_alert(void *ctx, const struct vigil_match *m)
{
	n_alerts++;
}

static void run_pass(struct vigil_engine *e, struct rec *recs, size_t n,
		     int kind, u64 shift, bool callgrind)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct rec *r = &recs[i];
		u64 ts0 = r->ev.v[VIGIL_F_TIMESTAMP].num;

		if (kind >= 0 && (int)r->kind != kind)
			continue;
		r->ev.v[VIGIL_F_TIMESTAMP].num = ts0 + shift;
		if (callgrind)
			CALLGRIND_TOGGLE_COLLECT;
		vigil_engine_process_memo(e, &r->ev, &memo, on_alert, NULL);
		if (callgrind)
			CALLGRIND_TOGGLE_COLLECT;
		r->ev.v[VIGIL_F_TIMESTAMP].num = ts0;
	}
}

int main(int argc, char **argv)
{
	struct vigil_engine_limits lim = { 0, 0 };
	unsigned long long t0, t1, budget;
	const char *kindname = "exec", *reason = NULL;
	double seconds = 1.0;
	long passes = 0, done;
	size_t blen, elen, n = 0, cap = 0, selected = 0;
	struct rec *recs = NULL;
	struct vigil_engine *e;
	char *blob, *text, *line, *save;
	int kind, ai = 1;
	u64 span, shift;

	for (; ai < argc && argv[ai][0] == '-'; ai += 2) {
		if (ai + 1 >= argc)
			die(argv[ai], "needs a value");
		if (!strcmp(argv[ai], "--kind"))
			kindname = argv[ai + 1];
		else if (!strcmp(argv[ai], "--passes"))
			passes = atol(argv[ai + 1]);
		else if (!strcmp(argv[ai], "--seconds"))
			seconds = atof(argv[ai + 1]);
		else
			die(argv[ai], "unknown option");
	}
	if (argc - ai != 2) {
		fprintf(stderr, "usage: bench_engine [--kind exec|create|all] [--passes N] [--seconds S] BLOB EVENTS.jsonl\n");
		return 2;
	}
	if (!strcmp(kindname, "exec"))
		kind = VIGIL_EV_EXEC;
	else if (!strcmp(kindname, "create"))
		kind = VIGIL_EV_CREATE;
	else if (!strcmp(kindname, "all"))
		kind = -1;
	else
		die(kindname, "unknown kind");

	blob = read_file(argv[ai], &blen);
	e = vigil_engine_new(blob, blen, &lim, &reason);
	if (IS_ERR(e))
		die(argv[ai], reason ? reason : "rejected");

	text = read_file(argv[ai + 1], &elen);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			recs = realloc(recs, cap * sizeof(*recs));
			if (!recs)
				die("events", "out of memory");
		}
		if (parse_line(&recs[n], line)) {
			fprintf(stderr, "bench_engine: %s: line %zu: cannot parse\n",
				argv[ai + 1], n + 1);
			return 1;
		}
		if (kind < 0 || (int)recs[n].kind == kind)
			selected++;
		n++;
	}
	if (!selected)
		die(argv[ai + 1], "no events of that kind");
	span = recs[n - 1].ev.v[VIGIL_F_TIMESTAMP].num -
	       recs[0].ev.v[VIGIL_F_TIMESTAMP].num;
	/* the next pass starts a second after this one ends */
	span += 1000000000ULL;

	/* warm-up over all events: steady state for terms and caches */
	run_pass(e, recs, n, -1, 0, false);
	shift = span;
	n_alerts = 0;
	done = 0;
	budget = (unsigned long long)(seconds * 1e9);
	t0 = now_ns();
	for (;;) {
		if (passes > 0 && done >= passes)
			break;
		run_pass(e, recs, n, kind, shift, passes > 0);
		shift += span;
		done++;
		if (passes <= 0 && now_ns() - t0 >= budget)
			break;
	}
	t1 = now_ns();
	printf("events %zu passes %ld ns %llu alerts %llu\n", selected, done,
	       t1 - t0, (unsigned long long)n_alerts);
	vigil_engine_free(e);
	free(recs);
	free(text);
	free(blob);
	return 0;
}
