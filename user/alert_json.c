// SPDX-License-Identifier: GPL-2.0
/*
 * The alert printer shared by `vigilctl replay` and `vigilctl listen`.
 *
 * JSON: one object per line, ECS style.  The triggering event's fields
 * are at the top level ("@timestamp", "event", "host", "process", "user",
 * "group", "file"), then "rule", "alert", and for sequence rules "events":
 * every step's event in order, the last being the triggering one.
 * Numeric ids (user.id, group.id and the parent's) are strings as in ECS;
 * pids and counts are numbers.  rule.threat is a flat array of
 * {"kind","id","name"} objects in rule-file order.  Strings are escaped
 * by json_put_str(): invalid UTF-8 bytes become \u00XX.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alert_json.h"
#include "json.h"

/* Output order: fields sharing a dotted prefix are adjacent. */
static const u8 order[] = {
	VIGIL_F_EVENT_CATEGORY, VIGIL_F_EVENT_TYPE, VIGIL_F_EVENT_ACTION,
	VIGIL_F_HOST_OS_TYPE,
	VIGIL_F_PROCESS_NAME, VIGIL_F_PROCESS_EXECUTABLE, VIGIL_F_PROCESS_ARGS,
	VIGIL_F_PROCESS_ARGS_COUNT, VIGIL_F_PROCESS_COMMAND_LINE,
	VIGIL_F_PROCESS_PID, VIGIL_F_PROCESS_ENTITY_ID,
	VIGIL_F_PROCESS_WORKING_DIRECTORY,
	VIGIL_F_PARENT_NAME, VIGIL_F_PARENT_EXECUTABLE, VIGIL_F_PARENT_ARGS,
	VIGIL_F_PARENT_ARGS_COUNT, VIGIL_F_PARENT_COMMAND_LINE,
	VIGIL_F_PARENT_PID, VIGIL_F_PARENT_ENTITY_ID, VIGIL_F_PARENT_USER_ID,
	VIGIL_F_PARENT_GROUP_ID,
	VIGIL_F_USER_ID, VIGIL_F_USER_REAL_ID,
	VIGIL_F_GROUP_ID, VIGIL_F_GROUP_REAL_ID,
	VIGIL_F_FILE_PATH, VIGIL_F_FILE_NAME, VIGIL_F_FILE_EXTENSION,
	VIGIL_F_FILE_DIRECTORY, VIGIL_F_FILE_TARGET_PATH,
	VIGIL_F_FILE_ORIG_PATH, VIGIL_F_FILE_ORIG_NAME,
	VIGIL_F_FILE_ORIG_EXTENSION, VIGIL_F_FILE_ORIG_DIRECTORY,
	VIGIL_F_EVENT_FLAGS,
};

static bool is_id(u8 f)
{
	return f == VIGIL_F_USER_ID || f == VIGIL_F_USER_REAL_ID ||
	       f == VIGIL_F_GROUP_ID || f == VIGIL_F_GROUP_REAL_ID ||
	       f == VIGIL_F_PARENT_USER_ID || f == VIGIL_F_PARENT_GROUP_ID;
}

static bool has(const struct vigil_event *ev, u8 f)
{
	return ev->present & (1ULL << f);
}

static void put_time(FILE *f, u64 ns, bool quoted)
{
	time_t s = (time_t)(ns / 1000000000ULL);
	struct tm tm;
	char buf[40];

	if (!gmtime_r(&s, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm)) {
		fputs("null", f);
		return;
	}
	fprintf(f, quoted ? "\"%s.%09lluZ\"" : "%s.%09lluZ", buf,
		(unsigned long long)(ns % 1000000000ULL));
}

static void put_value(FILE *f, const struct vigil_event *ev, u8 fld)
{
	const struct vigil_value *v = &ev->v[fld];
	u32 i, off = 0;

	switch (vigil_field_type(fld)) {
	case VIGIL_FT_NUM:
		fprintf(f, is_id(fld) ? "\"%llu\"" : "%llu",
			(unsigned long long)v->num);
		break;
	case VIGIL_FT_STR:
		json_put_str(f, v->str, v->len);
		break;
	case VIGIL_FT_ARRAY:
		fputc('[', f);
		for (i = 0; i < v->count && off < v->len; i++) {
			size_t l = strnlen(v->str + off, v->len - off);

			if (i)
				fputc(',', f);
			json_put_str(f, v->str + off, l);
			off += (u32)l + 1;
		}
		fputc(']', f);
		break;
	}
}

/* Number of leading dotted components shared by @a and @b. */
static int common(const char *a, const char *b, int na)
{
	int n = 0;

	while (n < na) {
		const char *da = strchr(a, '.'), *db = strchr(b, '.');
		size_t la, lb;

		if (!da || !db)
			break;
		la = da - a;
		lb = db - b;
		if (la != lb || memcmp(a, b, la))
			break;
		a = da + 1;
		b = db + 1;
		n++;
	}
	return n;
}

/*
 * Writes the event's fields as members of an already open object;
 * @first says whether no member was written yet.
 */
static void put_event_members(FILE *f, const struct vigil_event *ev,
			      bool first)
{
	const char *prev = "";
	int depth = 0;
	size_t i;

	if (has(ev, VIGIL_F_TIMESTAMP)) {
		fputs(first ? "\"@timestamp\":" : ",\"@timestamp\":", f);
		put_time(f, ev->v[VIGIL_F_TIMESTAMP].num, true);
		first = false;
	}
	for (i = 0; i < sizeof(order); i++) {
		u8 fld = order[i];
		const char *name = vigil_field_name(fld), *p;
		int c, k;

		if (!name || !has(ev, fld))
			continue;
		if (fld == VIGIL_F_EVENT_FLAGS && !ev->v[fld].num)
			continue;
		c = common(prev, name, depth);
		for (k = depth; k > c; k--)
			fputc('}', f);
		depth = c;
		/* skip the shared components, open the new ones */
		p = name;
		for (k = 0; k < c; k++)
			p = strchr(p, '.') + 1;
		for (;;) {
			const char *d = strchr(p, '.');

			if (!first)
				fputc(',', f);
			first = false;
			json_put_str(f, p, d ? (size_t)(d - p) : strlen(p));
			fputc(':', f);
			if (!d)
				break;
			fputc('{', f);
			first = true;
			depth++;
			p = d + 1;
		}
		put_value(f, ev, fld);
		first = false;
		prev = name;
	}
	while (depth-- > 0)
		fputc('}', f);
}

static const char *sev_name(u8 s)
{
	static const char *const n[] = { "low", "medium", "high", "critical" };

	return s < 4 ? n[s] : "unknown";
}

static const char *kind_name(u8 k)
{
	static const char *const n[] = { "event", "sequence", "new_terms" };

	return k < 3 ? n[k] : "unknown";
}

static void put_threat(FILE *f, const char *t)
{
	bool first = true;

	fputc('[', f);
	while (t && *t) {
		const char *nl = strchr(t, '\n'), *end = nl ? nl : t + strlen(t);
		const char *t1 = memchr(t, '\t', end - t);
		const char *t2 = t1 ? memchr(t1 + 1, '\t', end - t1 - 1) : NULL;

		if (t1 && t2) {
			fputs(first ? "{\"kind\":" : ",{\"kind\":", f);
			json_put_str(f, t, t1 - t);
			fputs(",\"id\":", f);
			json_put_str(f, t1 + 1, t2 - t1 - 1);
			fputs(",\"name\":", f);
			json_put_str(f, t2 + 1, end - t2 - 1);
			fputc('}', f);
			first = false;
		}
		t = nl ? nl + 1 : end;
	}
	fputc(']', f);
}

/**
 * vigil_alert_print_json() - print one alert as a JSON line
 * @f: the stream
 * @a: the alert
 */
void vigil_alert_print_json(FILE *f, const struct vigil_alert_view *a)
{
	const struct vigil_event *last;
	u32 i;

	if (!a->n_events)
		return;
	last = &a->events[a->n_events - 1];
	fputc('{', f);
	put_event_members(f, last, true);
	fputs(",\"rule\":{\"id\":", f);
	json_put_cstr(f, a->rule_id);
	fputs(",\"name\":", f);
	json_put_cstr(f, a->rule_name);
	fprintf(f, ",\"severity\":\"%s\",\"risk_score\":%u,\"type\":\"%s\",\"threat\":",
		sev_name(a->severity), a->risk_score, kind_name(a->kind));
	put_threat(f, a->threat);
	fprintf(f, "},\"alert\":{\"seq\":%llu,\"dropped\":%llu}",
		(unsigned long long)a->seq, (unsigned long long)a->dropped);
	if (a->kind == VIGIL_RULE_SEQUENCE || a->n_events > 1) {
		fputs(",\"events\":[", f);
		for (i = 0; i < a->n_events; i++) {
			fputs(i ? ",{" : "{", f);
			put_event_members(f, &a->events[i], true);
			fputc('}', f);
		}
		fputc(']', f);
	}
	fputs("}\n", f);
}

static void put_text_str(FILE *f, const struct vigil_event *ev, u8 fld)
{
	const struct vigil_value *v = &ev->v[fld];
	u32 i;

	for (i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->str[i];

		if (c < 0x20 || c == 0x7f || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/**
 * vigil_alert_print_text() - print one alert as a readable line
 * @f: the stream
 * @a: the alert
 *
 * Format: TIME SEVERITY "RULE NAME" process=NAME[PID] file=PATH cmd=CMDLINE
 * (missing parts left out; control bytes as \xNN).
 */
void vigil_alert_print_text(FILE *f, const struct vigil_alert_view *a)
{
	const struct vigil_event *ev;

	if (!a->n_events)
		return;
	ev = &a->events[a->n_events - 1];
	if (has(ev, VIGIL_F_TIMESTAMP)) {
		put_time(f, ev->v[VIGIL_F_TIMESTAMP].num, false);
		fputc(' ', f);
	}
	fprintf(f, "%s \"%s\"", sev_name(a->severity),
		a->rule_name ? a->rule_name : "");
	if (has(ev, VIGIL_F_PROCESS_NAME)) {
		fputs(" process=", f);
		put_text_str(f, ev, VIGIL_F_PROCESS_NAME);
		if (has(ev, VIGIL_F_PROCESS_PID))
			fprintf(f, "[%llu]", (unsigned long long)
				ev->v[VIGIL_F_PROCESS_PID].num);
	}
	if (has(ev, VIGIL_F_FILE_PATH)) {
		fputs(" file=", f);
		put_text_str(f, ev, VIGIL_F_FILE_PATH);
	}
	if (has(ev, VIGIL_F_PROCESS_COMMAND_LINE)) {
		fputs(" cmd=", f);
		put_text_str(f, ev, VIGIL_F_PROCESS_COMMAND_LINE);
	}
	fputc('\n', f);
}
