// SPDX-License-Identifier: GPL-2.0
/*
 * The alert printer shared by `vigilctl replay` and `vigilctl listen`.
 *
 * JSON: one object per line, ECS fields and vigil's own under "vigil"
 * (Documentation/siem.rst; tests/ecs checks every name and type).  The
 * triggering event's fields are at the top level ("@timestamp", "event",
 * "host", "process", "user", "group", "file"), then "rule" (ECS: id,
 * name), then "vigil": "rule" (severity, risk_score, type, threat,
 * building_block_type "default" for building-block rules),
 * "alert" (seq, dropped), the event's "event.flags" when set, and for
 * sequence rules "events": every step's event in order, the last being
 * the triggering one.
 * Numeric ids (user.id, group.id and the parent's) are strings as in ECS;
 * pids and counts are numbers.  vigil.rule.threat is a flat array of
 * {"kind","id","name"} objects in rule-file order.  Strings are escaped
 * by json_buf_str(): invalid UTF-8 bytes become \u00XX.  Alerts are
 * formatted into a struct vigil_outbuf (no stdio call per character);
 * the FILE printers write each alert with one fwrite().
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alert_json.h"
#include "json.h"
#include "ip.h"
#include "names.h"
#include "nl.h"

/*
 * The decoders: a VIGIL_A_RULE nest (alerts, `vigilctl list`, `terms
 * import`) and a whole VIGIL_CMD_ALERT message (`vigilctl listen`, the
 * fuzz_alert fuzzer).
 */

/**
 * vigil_rule_decode() - decode a VIGIL_A_RULE nest
 * @nest: the attribute (may be NULL)
 * @r: filled; strings point into @nest
 *
 * Return: 0, or -EINVAL when malformed or without VIGIL_RA_ID.
 */
int vigil_rule_decode(const struct nlattr *nest, struct vigil_rule_desc *r)
{
	const struct nlattr *rb[VIGIL_RA_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (!nest || vigil_nl_parse(vigil_nla_data(nest), vigil_nla_len(nest),
				    rb, VIGIL_RA_MAX) < 0)
		return -EINVAL;
	r->id = vigil_nla_str(rb[VIGIL_RA_ID]);
	if (!r->id)
		return -EINVAL;
	r->name = vigil_nla_str(rb[VIGIL_RA_NAME]) ?: "";
	r->threat = vigil_nla_str(rb[VIGIL_RA_THREAT]) ?: "";
	vigil_nla_u8(rb[VIGIL_RA_SEVERITY], &r->severity);
	vigil_nla_u8(rb[VIGIL_RA_RISK_SCORE], &r->risk_score);
	vigil_nla_u8(rb[VIGIL_RA_TYPE], &r->kind);
	vigil_nla_u8(rb[VIGIL_RA_ENABLED], &r->enabled);
	vigil_nla_u64(rb[VIGIL_RA_HITS], &r->hits);
	r->building_block = rb[VIGIL_RA_BUILDING_BLOCK] != NULL;
	return 0;
}

/*
 * A VIGIL_A_THRESHOLD nest (absent: not a threshold alert).  Field ids
 * out of the table are refused, so the printer can index by them.
 */
static int thr_decode(const struct nlattr *nest, struct vigil_alert_view *v)
{
	const struct nlattr *tb[VIGIL_THA_MAX + 1];
	const u8 *f;
	size_t i, n;

	v->thr_count = 0;
	v->thr_card = 0;
	v->thr_n_fields = 0;
	v->thr_card_field = VIGIL_F_UNSPEC;
	if (!nest)
		return 0;
	if (vigil_nl_parse(vigil_nla_data(nest), vigil_nla_len(nest), tb,
			   VIGIL_THA_MAX) < 0 ||
	    vigil_nla_u64(tb[VIGIL_THA_COUNT], &v->thr_count))
		return -EINVAL;
	/* a cardinality: both or neither */
	if (!tb[VIGIL_THA_CARDINALITY] != !tb[VIGIL_THA_CARD_FIELD] ||
	    (tb[VIGIL_THA_CARDINALITY] &&
	     (vigil_nla_u64(tb[VIGIL_THA_CARDINALITY], &v->thr_card) ||
	      vigil_nla_u8(tb[VIGIL_THA_CARD_FIELD], &v->thr_card_field) ||
	      !v->thr_card_field || v->thr_card_field > VIGIL_F_MAX)))
		return -EINVAL;
	if (tb[VIGIL_THA_FIELDS]) {
		f = vigil_nla_data(tb[VIGIL_THA_FIELDS]);
		n = vigil_nla_len(tb[VIGIL_THA_FIELDS]);
		if (n > VIGIL_RS_MAX_THR_FIELDS)
			return -EINVAL;
		for (i = 0; i < n; i++) {
			if (!f[i] || f[i] > VIGIL_F_MAX)
				return -EINVAL;
			v->thr_fields[i] = f[i];
		}
		v->thr_n_fields = (u8)n;
	}
	v->thr = true;
	return 0;
}

/**
 * vigil_alert_view_thr() - a threshold result into an alert view
 * @v: the view
 * @r: the engine's result (vigil_match.thr), or NULL: not a threshold alert
 */
void vigil_alert_view_thr(struct vigil_alert_view *v,
			  const struct vigil_thr_result *r)
{
	v->thr = r != NULL;
	if (!r)
		return;
	v->thr_count = r->count;
	v->thr_card = r->cardinality;
	v->thr_n_fields = r->spec->n_fields;
	memcpy(v->thr_fields, r->spec->fields, sizeof(v->thr_fields));
	v->thr_card_field = r->spec->card_field;
}

/**
 * vigil_alert_decode() - decode one VIGIL_CMD_ALERT message
 * @nlh: the message
 * @v: filled; strings and event values point into @nlh
 *
 * Return: 0, or -EINVAL.
 */
int vigil_alert_decode(const struct nlmsghdr *nlh, struct vigil_alert_view *v)
{
	const struct nlattr *tb[VIGIL_A_MAX + 1];
	struct vigil_rule_desc r;
	const struct nlattr *a;
	const void *payload;
	size_t len, rem;

	/*
	 * Not a memset of the whole view (7 KiB, per alert): the events are
	 * initialized by vigil_event_decode().
	 */
	v->seq = 0;
	v->dropped = 0;
	v->suppressed = 0;
	v->flags = 0;
	v->n_events = 0;
	v->thr = false;
	if (vigil_nl_parse_msg(nlh, tb, VIGIL_A_MAX) < 0 ||
	    vigil_rule_decode(tb[VIGIL_A_RULE], &r) ||
	    thr_decode(tb[VIGIL_A_THRESHOLD], v))
		return -EINVAL;
	vigil_nla_u64(tb[VIGIL_A_ALERT_SEQ], &v->seq);
	vigil_nla_u64(tb[VIGIL_A_ALERT_DROPPED], &v->dropped);
	vigil_nla_u64(tb[VIGIL_A_ALERT_SUPPRESSED], &v->suppressed);
	vigil_nla_u32(tb[VIGIL_A_ALERT_FLAGS], &v->flags);
	v->rule_id = r.id;
	v->rule_name = r.name;
	v->threat = r.threat;
	v->severity = r.severity;
	v->risk_score = r.risk_score;
	v->kind = r.kind;
	v->building_block = r.building_block;

	payload = vigil_nl_payload(nlh, &len);
	vigil_nla_for_each(a, payload, len, rem) {
		if ((a->nla_type & NLA_TYPE_MASK) != VIGIL_A_EVENT)
			continue;
		if (v->n_events >= VIGIL_RS_MAX_STEPS)
			return -EINVAL;
		if (vigil_event_decode(&v->events[v->n_events],
				       vigil_nla_data(a), vigil_nla_len(a)))
			return -EINVAL;
		v->n_events++;
	}
	return v->n_events ? 0 : -EINVAL;
}

/* Output order: fields sharing a dotted prefix are adjacent. */
static const u8 order[] = {
	VIGIL_F_EVENT_CATEGORY, VIGIL_F_EVENT_TYPE, VIGIL_F_EVENT_ACTION,
	VIGIL_F_HOST_OS_TYPE,
	VIGIL_F_PROCESS_NAME, VIGIL_F_PROCESS_EXECUTABLE, VIGIL_F_PROCESS_ARGS,
	VIGIL_F_PROCESS_ARGS_COUNT, VIGIL_F_PROCESS_COMMAND_LINE,
	VIGIL_F_PROCESS_PID, VIGIL_F_PROCESS_ENTITY_ID,
	VIGIL_F_PROCESS_WORKING_DIRECTORY, VIGIL_F_PROCESS_EXIT_CODE,
	VIGIL_F_PROCESS_ENV_VARS, VIGIL_F_PROCESS_INTERACTIVE,
	VIGIL_F_PARENT_NAME, VIGIL_F_PARENT_EXECUTABLE, VIGIL_F_PARENT_ARGS,
	VIGIL_F_PARENT_ARGS_COUNT, VIGIL_F_PARENT_COMMAND_LINE,
	VIGIL_F_PARENT_PID, VIGIL_F_PARENT_ENTITY_ID, VIGIL_F_PARENT_USER_ID,
	VIGIL_F_PARENT_GROUP_ID, VIGIL_F_PARENT_INTERACTIVE,
	VIGIL_F_ENTRY_LEADER_ENTITY_ID, VIGIL_F_ENTRY_LEADER_NAME,
	VIGIL_F_ENTRY_LEADER_EXECUTABLE, VIGIL_F_ENTRY_LEADER_ARGS,
	VIGIL_F_ENTRY_LEADER_TYPE,
	VIGIL_F_SESSION_LEADER_NAME, VIGIL_F_SESSION_LEADER_ENTITY_ID,
	VIGIL_F_GROUP_LEADER_NAME, VIGIL_F_GROUP_LEADER_ENTITY_ID,
	VIGIL_F_CAPS_EFFECTIVE, VIGIL_F_CAPS_PERMITTED,
	VIGIL_F_USER_ID, VIGIL_F_USER_REAL_ID,
	VIGIL_F_GROUP_ID, VIGIL_F_GROUP_REAL_ID,
	VIGIL_F_FILE_PATH, VIGIL_F_FILE_NAME, VIGIL_F_FILE_EXTENSION,
	VIGIL_F_FILE_DIRECTORY, VIGIL_F_FILE_TARGET_PATH,
	VIGIL_F_FILE_ORIG_PATH, VIGIL_F_FILE_ORIG_NAME,
	VIGIL_F_FILE_ORIG_EXTENSION, VIGIL_F_FILE_ORIG_DIRECTORY,
	VIGIL_F_SOURCE_IP, VIGIL_F_SOURCE_PORT,
	VIGIL_F_DESTINATION_IP, VIGIL_F_DESTINATION_PORT,
	VIGIL_F_NETWORK_TRANSPORT, VIGIL_F_NETWORK_DIRECTION,
	VIGIL_F_EVENT_FLAGS, VIGIL_F_EVENT_TRUNCATED,
	VIGIL_F_PROCESS_EXE_DEVICE, VIGIL_F_PROCESS_EXE_INODE,
	VIGIL_F_PROCESS_MNT_NS_OTHER, VIGIL_F_PROCESS_USER_NS_OTHER,
};

/* Every field but UNSPEC, @timestamp and the kind number, once each. */
_Static_assert(sizeof(order) == __VIGIL_F_LAST - 3,
	       "a field is missing from the alert output order");

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

/* Proleptic Gregorian date of @days since 1970-01-01 (H. Hinnant). */
static void civil(u64 days, u64 *y, unsigned int *m, unsigned int *d)
{
	u64 z = days + 719468, era = z / 146097;
	unsigned int doe = (unsigned int)(z - era * 146097);
	unsigned int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static void put_digits(struct vigil_outbuf *b, u64 v, int n)
{
	char tmp[20];
	int i;

	for (i = n - 1; i >= 0; i--) {
		tmp[i] = (char)('0' + v % 10);
		v /= 10;
	}
	vigil_outbuf_put(b, tmp, n);
}

/* "2026-11-25T08:00:00" of @s seconds since the epoch, UTC; 19 bytes. */
static void fmt_seconds(char *out, u64 s)
{
	struct vigil_outbuf b = { .p = out, .cap = 19 };
	unsigned int m, d, sod = (unsigned int)(s % 86400);
	u64 y;

	civil(s / 86400, &y, &m, &d);
	put_digits(&b, y, 4);
	vigil_outbuf_putc(&b, '-');
	put_digits(&b, m, 2);
	vigil_outbuf_putc(&b, '-');
	put_digits(&b, d, 2);
	vigil_outbuf_putc(&b, 'T');
	put_digits(&b, sod / 3600, 2);
	vigil_outbuf_putc(&b, ':');
	put_digits(&b, sod / 60 % 60, 2);
	vigil_outbuf_putc(&b, ':');
	put_digits(&b, sod % 60, 2);
}

/*
 * 2026-11-25T08:00:00.000000000Z, UTC, as strftime("%Y-%m-%dT%H:%M:%S")
 * with the nanoseconds; the seconds part is kept for the next alert.
 */
static void put_time(struct vigil_outbuf *b, u64 ns, bool quoted)
{
	static u64 last_s = ~0ULL;
	static char last[19];
	u64 s = ns / 1000000000ULL;

	if (s != last_s) {
		fmt_seconds(last, s);
		last_s = s;
	}
	if (quoted)
		vigil_outbuf_putc(b, '"');
	vigil_outbuf_put(b, last, sizeof(last));
	vigil_outbuf_putc(b, '.');
	put_digits(b, ns % 1000000000ULL, 9);
	vigil_outbuf_put(b, quoted ? "Z\"" : "Z", quoted ? 2 : 1);
}

static void put_value(struct vigil_outbuf *b, const struct vigil_event *ev, u8 fld)
{
	const struct vigil_value *v = &ev->v[fld];
	u32 i, off = 0;

	switch (vigil_field_type(fld)) {
	case VIGIL_FT_NUM:
		if (vigil_field_is_bool(fld)) {
			vigil_outbuf_puts(b, v->num ? "true" : "false");
			break;
		}
		if (is_id(fld))
			vigil_outbuf_putc(b, '"');
		vigil_outbuf_u64(b, v->num);
		if (is_id(fld))
			vigil_outbuf_putc(b, '"');
		break;
	case VIGIL_FT_STR:
		json_buf_str(b, v->str, v->len);
		break;
	case VIGIL_FT_IP:
		if (v->len == VIGIL_IP_LEN) {
			char ip[VIGIL_IP_TEXT];

			vigil_ip_format((const unsigned char *)v->str, ip);
			json_buf_str(b, ip, strlen(ip));
		} else {
			vigil_outbuf_put(b, "null", 4);
		}
		break;
	case VIGIL_FT_ARRAY:
		vigil_outbuf_putc(b, '[');
		for (i = 0; i < v->count && off < v->len; i++) {
			size_t l = strnlen(v->str + off, v->len - off);

			if (i)
				vigil_outbuf_putc(b, ',');
			json_buf_str(b, v->str + off, l);
			off += (u32)l + 1;
		}
		vigil_outbuf_putc(b, ']');
		break;
	}
}

/*
 * The JSON keys of each field in @order, split at the dots once: for
 * "process.parent.pid" text is "process":{"parent":{"pid": and off[]
 * says where each component starts, so that a field sharing a prefix
 * with the previous one is written from the first new component on.
 */
#define KEY_TEXT_MAX 128
#define KEY_COMP_MAX 8

struct key {
	char text[KEY_TEXT_MAX];
	u8 len, n;		/* n = 0: field not printed */
	u8 off[KEY_COMP_MAX];
	bool num;		/* a VIGIL_FT_NUM field */
};

static struct key keys[sizeof(order)];
/* Leading components, all but the last, shared by fields i and j. */
static u8 shared[sizeof(order)][sizeof(order)];
static bool keys_ready;

/* A vigil.* field: at the top level it goes inside the one "vigil" object. */
static bool key_is_vigil(const struct key *k)
{
	return k->n > 1 && !strncmp(k->text, "\"vigil\":", 8);
}

static bool key_char_ok(char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static void key_init(struct key *k, const char *name)
{
	size_t len = 0;
	const char *p = name;

	k->n = 0;
	while (p && *p) {
		const char *d = strchr(p, '.');
		size_t l = d ? (size_t)(d - p) : strlen(p), i;

		if (k->n == KEY_COMP_MAX || len + l + 4 > KEY_TEXT_MAX)
			goto err;
		k->off[k->n++] = (u8)len;
		k->text[len++] = '"';
		for (i = 0; i < l; i++) {
			if (!key_char_ok(p[i]))
				goto err;
			k->text[len++] = p[i];
		}
		k->text[len++] = '"';
		k->text[len++] = ':';
		if (d)
			k->text[len++] = '{';
		p = d ? d + 1 : NULL;
	}
	k->len = (u8)len;
	return;
err:
	/* cannot happen with the names of event.c (tests print them all) */
	k->n = 0;
}

static u8 key_shared(const struct key *a, const struct key *b)
{
	u8 c = 0;

	while (c + 1 < a->n && c + 1 < b->n) {
		size_t la = a->off[c + 1] - a->off[c];

		if (la != (size_t)(b->off[c + 1] - b->off[c]) ||
		    memcmp(a->text + a->off[c], b->text + b->off[c], la))
			break;
		c++;
	}
	return c;
}

static void keys_init(void)
{
	size_t i, j;

	for (i = 0; i < sizeof(order); i++) {
		key_init(&keys[i], vigil_field_name(order[i]));
		keys[i].num = vigil_field_type(order[i]) == VIGIL_FT_NUM;
	}
	for (i = 0; i < sizeof(order); i++)
		for (j = 0; j < sizeof(order); j++)
			shared[i][j] = key_shared(&keys[i], &keys[j]);
	keys_ready = true;
}

/*
 * Consecutive alerts mostly repeat their values (the same process, parent,
 * rule): the last JSON text of each field is kept with the bytes (or the
 * number) it came from and copied when they match, instead of escaping or
 * formatting again.
 * Exact: the key is the whole value.  Not thread-safe (vigilctl is not
 * threaded).
 */
#define MEMO_RAW_MAX 256
#define MEMO_JSON_MAX (6 * MEMO_RAW_MAX + 2 * MEMO_RAW_MAX + 2)

struct memo {
	u64 num;
	u32 raw_len, count, json_len;
	bool valid;
	char raw[MEMO_RAW_MAX];
	char json[MEMO_JSON_MAX];
};

static struct memo memos[sizeof(order)];

static void put_value_memo(struct vigil_outbuf *b, const struct vigil_event *ev,
			   u8 fld, size_t i)
{
	const struct vigil_value *v = &ev->v[fld];
	struct memo *m = &memos[i];
	size_t start = b->len;

	if (keys[i].num) {
		/* numbers: the key is the value */
		if (m->valid && m->num == v->num) {
			vigil_outbuf_put(b, m->json, m->json_len);
			return;
		}
	} else if (v->len > MEMO_RAW_MAX) {
		put_value(b, ev, fld);
		return;
	} else if (m->valid && m->raw_len == v->len && m->count == v->count &&
		   !memcmp(m->raw, v->str, v->len)) {
		vigil_outbuf_put(b, m->json, m->json_len);
		return;
	}
	put_value(b, ev, fld);
	m->valid = !b->oom && b->len - start <= MEMO_JSON_MAX;
	if (!m->valid)
		return;
	if (keys[i].num) {
		m->num = v->num;
	} else {
		m->raw_len = v->len;
		m->count = v->count;
		memcpy(m->raw, v->str, v->len);
	}
	m->json_len = (u32)(b->len - start);
	memcpy(m->json, b->p + start, m->json_len);
}

/* Which of an event's fields put_fields() writes. */
enum pick {
	PICK_ALL,
	PICK_NOT_VIGIL,	/* the alert's top level: vigil.* go in "vigil" */
	PICK_VIGIL,	/* the vigil.* ones, inside the open "vigil" object */
};

/*
 * Writes the picked fields of @ev as members of an already open object
 * (for PICK_VIGIL, of "vigil", so keys start at their second component);
 * @first says whether no member was written yet.
 */
static void put_fields(struct vigil_outbuf *b, const struct vigil_event *ev,
		       bool first, enum pick pick)
{
	int base = pick == PICK_VIGIL, depth = base, c, prev = -1;
	size_t i;

	for (i = 0; i < sizeof(order); i++) {
		const struct key *k = &keys[i];
		u8 fld = order[i];

		if (!k->n || !has(ev, fld))
			continue;
		if (pick != PICK_ALL && key_is_vigil(k) != (pick == PICK_VIGIL))
			continue;
		if (fld == VIGIL_F_EVENT_FLAGS && !ev->v[fld].num)
			continue;
		/* close what is not shared, open the new components */
		c = prev < 0 ? base : shared[prev][i];
		for (; depth > c; depth--)
			vigil_outbuf_putc(b, '}');
		if (!first)
			vigil_outbuf_putc(b, ',');
		vigil_outbuf_put(b, k->text + k->off[c], k->len - k->off[c]);
		depth = k->n - 1;
		put_value_memo(b, ev, fld, i);
		first = false;
		prev = (int)i;
	}
	for (; depth > base; depth--)
		vigil_outbuf_putc(b, '}');
}

/*
 * Writes the event's fields as members of an already open object;
 * @first says whether no member was written yet.  @top: the alert's top
 * level, where the vigil.* fields are left for put_fields(PICK_VIGIL).
 */
static void put_event_members(struct vigil_outbuf *b,
			      const struct vigil_event *ev, bool first,
			      bool top)
{
	if (!keys_ready)
		keys_init();
	if (has(ev, VIGIL_F_TIMESTAMP)) {
		vigil_outbuf_puts(b, first ? "\"@timestamp\":" : ",\"@timestamp\":");
		put_time(b, ev->v[VIGIL_F_TIMESTAMP].num, true);
		first = false;
	}
	put_fields(b, ev, first, top ? PICK_NOT_VIGIL : PICK_ALL);
}

static const char *sev_name(u8 s)
{
	return vigil_severity_name(s) ?: "unknown";
}

static const char *kind_name(u8 k)
{
	return vigil_rule_kind_name(k) ?: "unknown";
}

static void put_threat(struct vigil_outbuf *b, const char *t)
{
	bool first = true;

	vigil_outbuf_putc(b, '[');
	while (t && *t) {
		const char *nl = strchr(t, '\n'), *end = nl ? nl : t + strlen(t);
		const char *t1 = memchr(t, '\t', end - t);
		const char *t2 = t1 ? memchr(t1 + 1, '\t', end - t1 - 1) : NULL;

		if (t1 && t2) {
			vigil_outbuf_puts(b, first ? "{\"kind\":" : ",{\"kind\":");
			json_buf_str(b, t, t1 - t);
			vigil_outbuf_puts(b, ",\"id\":");
			json_buf_str(b, t1 + 1, t2 - t1 - 1);
			vigil_outbuf_puts(b, ",\"name\":");
			json_buf_str(b, t2 + 1, end - t2 - 1);
			vigil_outbuf_putc(b, '}');
			first = false;
		}
		t = nl ? nl + 1 : end;
	}
	vigil_outbuf_putc(b, ']');
}

/*
 * "rule" (its ECS fields), then opens "vigil" with vigil's rule fields;
 * the caller closes "vigil".
 */
static void put_rule(struct vigil_outbuf *b, const struct vigil_alert_view *a)
{
	vigil_outbuf_puts(b, ",\"rule\":{\"id\":");
	json_buf_cstr(b, a->rule_id);
	vigil_outbuf_puts(b, ",\"name\":");
	json_buf_cstr(b, a->rule_name);
	vigil_outbuf_puts(b, "},\"vigil\":{\"rule\":{\"severity\":\"");
	vigil_outbuf_puts(b, sev_name(a->severity));
	vigil_outbuf_puts(b, "\",\"risk_score\":");
	vigil_outbuf_u64(b, a->risk_score);
	vigil_outbuf_puts(b, ",\"type\":\"");
	vigil_outbuf_puts(b, kind_name(a->kind));
	vigil_outbuf_puts(b, "\",\"threat\":");
	put_threat(b, a->threat);
	if (a->building_block)
		vigil_outbuf_puts(b, ",\"building_block_type\":\"default\"");
	vigil_outbuf_putc(b, '}');
}

/**
 * vigil_rule_format_json() - append one rule as `vigilctl list` prints it
 * @b: the buffer
 * @r: the rule
 *
 * Format: {"id","name","severity","risk_score","type","enabled","hits"}
 * and a newline; strings escaped by json.c as in alerts.
 */
void vigil_rule_format_json(struct vigil_outbuf *b,
			    const struct vigil_rule_desc *r)
{
	vigil_outbuf_putc(b, '{');
	json_buf_member_cstr(b, "id", r->id);
	json_buf_member_cstr(b, "name", r->name);
	json_buf_member_cstr(b, "severity", sev_name(r->severity));
	json_buf_member_u64(b, "risk_score", r->risk_score);
	json_buf_member_cstr(b, "type", kind_name(r->kind));
	json_buf_member_bool(b, "enabled", r->enabled);
	json_buf_member_u64(b, "hits", r->hits);
	vigil_outbuf_put(b, "}\n", 2);
}

/* The "rule" object of the last alert, kept like the field values. */
#define RULE_RAW_MAX 512
#define RULE_JSON_MAX 4096
#define RULE_NULL UINT32_MAX

static struct {
	bool valid, building_block;
	u8 severity, risk_score, kind;
	u32 len[3];		/* id, name, threat; RULE_NULL for NULL */
	u32 json_len;
	char raw[RULE_RAW_MAX];
	char json[RULE_JSON_MAX];
} rule_memo;

static bool rule_memo_hit(const char *const str[3], const size_t len[3])
{
	size_t i, off = 0;

	for (i = 0; i < 3; i++) {
		if (!str[i]) {
			if (rule_memo.len[i] != RULE_NULL)
				return false;
			continue;
		}
		if (rule_memo.len[i] != len[i] ||
		    memcmp(rule_memo.raw + off, str[i], len[i]))
			return false;
		off += len[i];
	}
	return true;
}

static void put_rule_memo(struct vigil_outbuf *b,
			  const struct vigil_alert_view *a)
{
	const char *const str[3] = { a->rule_id, a->rule_name, a->threat };
	size_t len[3], i, total = 0, start = b->len, off = 0;

	for (i = 0; i < 3; i++) {
		len[i] = str[i] ? strlen(str[i]) : 0;
		total += len[i];
	}
	if (rule_memo.valid && rule_memo.severity == a->severity &&
	    rule_memo.risk_score == a->risk_score &&
	    rule_memo.kind == a->kind &&
	    rule_memo.building_block == a->building_block &&
	    rule_memo_hit(str, len)) {
		vigil_outbuf_put(b, rule_memo.json, rule_memo.json_len);
		return;
	}
	put_rule(b, a);
	rule_memo.valid = !b->oom && total <= RULE_RAW_MAX &&
			  b->len - start <= RULE_JSON_MAX;
	if (!rule_memo.valid)
		return;
	rule_memo.severity = a->severity;
	rule_memo.risk_score = a->risk_score;
	rule_memo.kind = a->kind;
	rule_memo.building_block = a->building_block;
	for (i = 0; i < 3; i++) {
		rule_memo.len[i] = str[i] ? (u32)len[i] : RULE_NULL;
		memcpy(rule_memo.raw + off, str[i] ? str[i] : "", len[i]);
		off += len[i];
	}
	rule_memo.json_len = (u32)(b->len - start);
	memcpy(rule_memo.json, b->p + start, rule_memo.json_len);
}


/*
 * Kibana's threshold_result: {"terms":[{"field","value"}],
 * "cardinality":[{"field","value"}],"count"}; the terms' values are the
 * event's, strings as Kibana maps them (a field it lacks: null).
 */
static void put_threshold(struct vigil_outbuf *b,
			  const struct vigil_alert_view *a,
			  const struct vigil_event *ev)
{
	u32 i;

	vigil_outbuf_puts(b, ",\"kibana\":{\"alert\":{\"threshold_result\":{\"terms\":[");
	for (i = 0; i < a->thr_n_fields; i++) {
		u8 f = a->thr_fields[i];

		vigil_outbuf_puts(b, i ? ",{\"field\":" : "{\"field\":");
		json_buf_cstr(b, vigil_field_name(f));
		vigil_outbuf_puts(b, ",\"value\":");
		if (!has(ev, f)) {
			vigil_outbuf_puts(b, "null");
		} else if (vigil_field_type(f) == VIGIL_FT_NUM) {
			/* keyword in Kibana's mapping: a number as a string */
			vigil_outbuf_putc(b, '"');
			vigil_outbuf_u64(b, ev->v[f].num);
			vigil_outbuf_putc(b, '"');
		} else {
			put_value(b, ev, f);
		}
		vigil_outbuf_putc(b, '}');
	}
	vigil_outbuf_putc(b, ']');
	if (a->thr_card_field) {
		vigil_outbuf_puts(b, ",\"cardinality\":[{\"field\":");
		json_buf_cstr(b, vigil_field_name(a->thr_card_field));
		vigil_outbuf_puts(b, ",\"value\":");
		vigil_outbuf_u64(b, a->thr_card);
		vigil_outbuf_puts(b, "}]");
	}
	vigil_outbuf_puts(b, ",\"count\":");
	vigil_outbuf_u64(b, a->thr_count);
	vigil_outbuf_puts(b, "}}}");
}

/**
 * vigil_alert_format_json() - append one alert as a JSON line
 * @b: the buffer
 * @a: the alert
 */
void vigil_alert_format_json(struct vigil_outbuf *b,
			     const struct vigil_alert_view *a)
{
	const struct vigil_event *last;
	u32 i;

	if (!a->n_events)
		return;
	last = &a->events[a->n_events - 1];
	vigil_outbuf_putc(b, '{');
	put_event_members(b, last, true, true);
	put_rule_memo(b, a);
	vigil_outbuf_puts(b, ",\"alert\":{\"seq\":");
	vigil_outbuf_u64(b, a->seq);
	vigil_outbuf_puts(b, ",\"dropped\":");
	vigil_outbuf_u64(b, a->dropped);
	if (a->suppressed) {
		vigil_outbuf_puts(b, ",\"suppressed\":");
		vigil_outbuf_u64(b, a->suppressed);
	}
	if (a->flags & VIGIL_ALERT_F_CUT)
		vigil_outbuf_puts(b, ",\"cut\":true");
	vigil_outbuf_putc(b, '}');
	/* the event's vigil.* fields, in the open "vigil" object */
	put_fields(b, last, false, PICK_VIGIL);
	if (a->kind == VIGIL_RULE_SEQUENCE || a->n_events > 1) {
		vigil_outbuf_puts(b, ",\"events\":[");
		for (i = 0; i < a->n_events; i++) {
			vigil_outbuf_puts(b, i ? ",{" : "{");
			put_event_members(b, &a->events[i], true, false);
			vigil_outbuf_putc(b, '}');
		}
		vigil_outbuf_putc(b, ']');
	}
	vigil_outbuf_putc(b, '}');
	if (a->thr)
		put_threshold(b, a, last);
	vigil_outbuf_puts(b, "}\n");
}

static void put_hex_escape(struct vigil_outbuf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

	vigil_outbuf_put(b, e, sizeof(e));
}

static void put_text_str(struct vigil_outbuf *b, const struct vigil_event *ev,
			 u8 fld)
{
	const struct vigil_value *v = &ev->v[fld];
	u32 i;

	for (i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->str[i];

		if (c < 0x20 || c == 0x7f || c == '\\')
			put_hex_escape(b, c);
		else
			vigil_outbuf_putc(b, c);
	}
}

/**
 * vigil_alert_format_text() - append one alert as a readable line
 * @b: the buffer
 * @a: the alert
 *
 * Format: TIME SEVERITY "RULE NAME" process=NAME[PID] file=PATH cmd=CMDLINE
 * [suppressed=N] [cut] (missing parts left out; control bytes as \xNN).
 */
void vigil_alert_format_text(struct vigil_outbuf *b,
			     const struct vigil_alert_view *a)
{
	const struct vigil_event *ev;

	if (!a->n_events)
		return;
	ev = &a->events[a->n_events - 1];
	if (has(ev, VIGIL_F_TIMESTAMP)) {
		put_time(b, ev->v[VIGIL_F_TIMESTAMP].num, false);
		vigil_outbuf_putc(b, ' ');
	}
	vigil_outbuf_puts(b, sev_name(a->severity));
	vigil_outbuf_puts(b, " \"");
	vigil_outbuf_puts(b, a->rule_name ? a->rule_name : "");
	vigil_outbuf_putc(b, '"');
	if (has(ev, VIGIL_F_PROCESS_NAME)) {
		vigil_outbuf_puts(b, " process=");
		put_text_str(b, ev, VIGIL_F_PROCESS_NAME);
		if (has(ev, VIGIL_F_PROCESS_PID)) {
			vigil_outbuf_putc(b, '[');
			vigil_outbuf_u64(b, ev->v[VIGIL_F_PROCESS_PID].num);
			vigil_outbuf_putc(b, ']');
		}
	}
	if (has(ev, VIGIL_F_FILE_PATH)) {
		vigil_outbuf_puts(b, " file=");
		put_text_str(b, ev, VIGIL_F_FILE_PATH);
	}
	if (has(ev, VIGIL_F_PROCESS_COMMAND_LINE)) {
		vigil_outbuf_puts(b, " cmd=");
		put_text_str(b, ev, VIGIL_F_PROCESS_COMMAND_LINE);
	}
	if (a->suppressed) {
		vigil_outbuf_puts(b, " suppressed=");
		vigil_outbuf_u64(b, a->suppressed);
	}
	if (a->flags & VIGIL_ALERT_F_CUT)
		vigil_outbuf_puts(b, " cut");
	vigil_outbuf_putc(b, '\n');
}

static void print(FILE *f, const struct vigil_alert_view *a, bool json)
{
	struct vigil_outbuf b = {};

	if (json)
		vigil_alert_format_json(&b, a);
	else
		vigil_alert_format_text(&b, a);
	if (b.oom)
		fputs("vigilctl: out of memory formatting an alert\n", stderr);
	else
		vigil_outbuf_fwrite(&b, f);
	vigil_outbuf_free(&b);
}

/**
 * vigil_alert_print_json() - print one alert as a JSON line
 * @f: the stream
 * @a: the alert
 */
void vigil_alert_print_json(FILE *f, const struct vigil_alert_view *a)
{
	print(f, a, true);
}

/**
 * vigil_alert_print_text() - print one alert as a readable line
 * @f: the stream
 * @a: the alert
 */
void vigil_alert_print_text(FILE *f, const struct vigil_alert_view *a)
{
	print(f, a, false);
}
