// SPDX-License-Identifier: GPL-2.0
/*
 * The fast paths of the alert printer: the eight-bytes-at-a-time string
 * escaper against a byte-by-byte reference, the hand-made timestamp
 * against gmtime_r() + strftime(), the value memo across alerts, and the
 * output buffer.  And one rule printed by `vigilctl list --json` and in
 * an alert of `vigilctl listen --json`, both from netlink messages.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "alert_json.h"
#include "json.h"
#include "nl.h"
#include "outbuf.h"
#include "vigilctl.h"

/*
 * The escaper as it was, one byte at a time (UTF-8 validation is not what
 * the fast path changed: it uses json.c's).
 */
static void ref_str(FILE *f, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, l;

	fputc('"', f);
	while (i < len) {
		unsigned char c = u[i];

		switch (c) {
		case '"': fputs("\\\"", f); i++; continue;
		case '\\': fputs("\\\\", f); i++; continue;
		case '\n': fputs("\\n", f); i++; continue;
		case '\r': fputs("\\r", f); i++; continue;
		case '\t': fputs("\\t", f); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			i++;
			continue;
		}
		l = json_utf8_len(u + i, len - i);
		if (!l) {
			fprintf(f, "\\u%04x", c);
			i++;
			continue;
		}
		fwrite(u + i, 1, l, f);
		i += l;
	}
	fputc('"', f);
}

static int same_as_ref(const char *s, size_t len)
{
	struct vigil_outbuf b = {};
	char *ref = NULL;
	size_t rlen;
	FILE *f = open_memstream(&ref, &rlen);
	int same;

	ref_str(f, s, len);
	fclose(f);
	json_buf_str(&b, s, len);
	same = !b.oom && b.len == rlen && !memcmp(b.p, ref, rlen);
	if (!same)
		printf("#   differs for %zu bytes: %.*s vs %s\n", len,
		       (int)b.len, b.p, ref);
	vigil_outbuf_free(&b);
	free(ref);
	return same;
}

static void escaper(void)
{
	static const char special[] = "\"\\\n\r\t\x01\x1f\x7f\x80\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\x80\xff ~a";
	char s[40];
	size_t len, at, k;
	unsigned int seed = 1;
	int bad = 0, i;

	/* every special byte at every offset of strings around 8 and 16 */
	for (len = 1; len <= 24; len++)
		for (at = 0; at < len; at++)
			for (k = 0; k < sizeof(special) - 1; k++) {
				memset(s, 'x', len);
				s[at] = special[k];
				bad += !same_as_ref(s, len);
			}
	/* random mixes, mostly multi-byte sequences cut anywhere */
	for (i = 0; i < 20000; i++) {
		len = rand_r(&seed) % sizeof(s);
		for (k = 0; k < len; k++)
			s[k] = special[rand_r(&seed) % (sizeof(special) - 1)];
		bad += !same_as_ref(s, len);
	}
	CHECK_EQ(bad, 0);
}

static void timestamps(void)
{
	static const unsigned long long fixed[] = {
		0, 999999999, 86399999999999ULL, 951782400000000000ULL,
		4107542399999999999ULL, 1795593600021787000ULL,
		~0ULL,
	};
	struct vigil_alert_view *v = calloc(1, sizeof(*v));
	unsigned int seed = 2;
	int bad = 0, i;

	if (!v)
		return;
	v->rule_id = "r";
	v->rule_name = "n";
	v->threat = "";
	v->n_events = 1;
	for (i = 0; i < 20000; i++) {
		unsigned long long ns = i < 7 ? fixed[i] :
			((unsigned long long)rand_r(&seed) << 33) ^
			((unsigned long long)rand_r(&seed) << 2);
		struct vigil_outbuf b = {};
		char exp[80], buf[40];
		struct tm tm;
		time_t s;

		/* also the same second twice in a row */
		if (i % 3 == 2 && ns % 1000000000ULL != 999999999)
			ns += 1;
		s = (time_t)(ns / 1000000000ULL);
		gmtime_r(&s, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(exp, sizeof(exp), "{\"@timestamp\":\"%s.%09lluZ\",",
			 buf, ns % 1000000000ULL);
		vigil_event_init(&v->events[0]);
		vigil_event_set_num(&v->events[0], VIGIL_F_TIMESTAMP, ns);
		vigil_alert_format_json(&b, v);
		if (b.oom || b.len < strlen(exp) ||
		    memcmp(b.p, exp, strlen(exp))) {
			printf("#   %llu: %.50s, expected %s\n", ns,
			       b.p ? b.p : "", exp);
			bad++;
		}
		vigil_outbuf_free(&b);
	}
	CHECK_EQ(bad, 0);
	free(v);
}

static char *format(struct vigil_alert_view *v)
{
	struct vigil_outbuf b = {};

	vigil_alert_format_json(&b, v);
	vigil_outbuf_putc(&b, '\0');
	return b.oom ? NULL : b.p;
}

/* The memo never serves a value that is not the current one. */
static void memo(void)
{
	struct vigil_alert_view *v = calloc(1, sizeof(*v));
	char *a1, *b1, *a2;

	if (!v)
		return;
	v->rule_id = "r";
	v->rule_name = "n";
	v->threat = "";
	v->n_events = 1;
	vigil_event_init(&v->events[0]);
	vigil_event_set_str(&v->events[0], VIGIL_F_PROCESS_NAME, "ab", 2);
	vigil_event_set_num(&v->events[0], VIGIL_F_PROCESS_PID, 7);
	vigil_event_set_array(&v->events[0], VIGIL_F_PROCESS_ARGS, "x\0y", 4, 2);
	a1 = format(v);
	/* same length and bytes but one: must not reuse */
	vigil_event_set_str(&v->events[0], VIGIL_F_PROCESS_NAME, "ac", 2);
	vigil_event_set_num(&v->events[0], VIGIL_F_PROCESS_PID, 8);
	vigil_event_set_array(&v->events[0], VIGIL_F_PROCESS_ARGS, "x\0z", 4, 2);
	b1 = format(v);
	CHECK(b1 && strstr(b1, "\"name\":\"ac\""));
	CHECK(b1 && strstr(b1, "\"pid\":8"));
	CHECK(b1 && strstr(b1, "\"args\":[\"x\",\"z\"]"));
	vigil_event_set_str(&v->events[0], VIGIL_F_PROCESS_NAME, "ab", 2);
	vigil_event_set_num(&v->events[0], VIGIL_F_PROCESS_PID, 7);
	vigil_event_set_array(&v->events[0], VIGIL_F_PROCESS_ARGS, "x\0y", 4, 2);
	a2 = format(v);
	CHECK(a1 && a2 && !strcmp(a1, a2));
	CHECK(a1 && strstr(a1, "\"args\":[\"x\",\"y\"]"));
	free(a1);
	free(b1);
	free(a2);
	free(v);
}

static void outbuf(void)
{
	struct vigil_outbuf b = {};
	char path[] = "/tmp/vigil-outbuf-XXXXXX", back[64];
	int fd = mkstemp(path);
	ssize_t n;

	vigil_outbuf_u64(&b, 0);
	vigil_outbuf_putc(&b, ' ');
	vigil_outbuf_u64(&b, 18446744073709551615ULL);
	vigil_outbuf_puts(&b, "\n");
	CHECK(!b.oom && b.len == 23 && !memcmp(b.p, "0 18446744073709551615\n", 23));
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK_EQ(vigil_outbuf_write(&b, fd), 0);
		CHECK_EQ(b.len, 0);
		n = pread(fd, back, sizeof(back), 0);
		CHECK_EQ(n, 23);
		close(fd);
		unlink(path);
	}
	vigil_outbuf_free(&b);
}

/* A VIGIL_A_RULE nest as the kernel puts it (vigil_netlink_put_rule()). */
static void put_rule(struct vigil_nl_msg *m, const char *name, bool list)
{
	static const uint8_t sev = VIGIL_SEV_HIGH, risk = 73, one = 1;
	static const uint8_t kind = VIGIL_RULE_EVENT;
	size_t nest = vigil_nl_nest_start(m, VIGIL_A_RULE);

	vigil_nl_put_str(m, VIGIL_RA_ID, "r-1");
	vigil_nl_put_str(m, VIGIL_RA_NAME, name);
	vigil_nl_put(m, VIGIL_RA_SEVERITY, &sev, 1);
	vigil_nl_put(m, VIGIL_RA_RISK_SCORE, &risk, 1);
	vigil_nl_put(m, VIGIL_RA_TYPE, &kind, 1);
	vigil_nl_put_str(m, VIGIL_RA_THREAT, "");
	if (list) {
		vigil_nl_put(m, VIGIL_RA_ENABLED, &one, 1);
		vigil_nl_put_u64(m, VIGIL_RA_HITS, 5);
	}
	vigil_nl_nest_end(m, nest);
	((struct nlmsghdr *)m->buf)->nlmsg_len = (uint32_t)m->len;
}

/* What `vigilctl list --json` prints for a LIST reply naming @name. */
static char *list_line(const char *name)
{
	static struct vigil_nl fake = { .fd = -1, .family = 42 };
	struct vigil_nl_msg m;
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	vigil_nl_msg_init(&m, &fake, VIGIL_CMD_LIST, 0);
	put_rule(&m, name, true);
	CHECK(!m.oom);
	CHECK_EQ(list_print(f, (struct nlmsghdr *)m.buf, true, false), 0);
	fclose(f);
	vigil_nl_msg_free(&m);
	return out;
}

/* What `vigilctl listen --json` prints for an alert of rule @name. */
static char *listen_line(const char *name)
{
	static struct vigil_nl fake = { .fd = -1, .family = 42 };
	static struct vigil_alert_view v;
	struct vigil_event ev;
	struct vigil_outbuf b = {};
	struct vigil_nl_msg m;
	char enc[256];
	u32 n;

	vigil_event_init(&ev);
	vigil_event_set_kind(&ev, VIGIL_EV_EXEC);
	vigil_event_set_str(&ev, VIGIL_F_PROCESS_NAME, "sh", 2);
	n = vigil_event_encode(&ev, enc, sizeof(enc));
	vigil_nl_msg_init(&m, &fake, VIGIL_CMD_ALERT, 0);
	vigil_nl_put_u64(&m, VIGIL_A_ALERT_SEQ, 1);
	put_rule(&m, name, false);
	vigil_nl_put(&m, VIGIL_A_EVENT | NLA_F_NESTED, enc, n);
	((struct nlmsghdr *)m.buf)->nlmsg_len = (uint32_t)m.len;
	CHECK(!m.oom);
	CHECK_EQ(vigil_alert_decode((struct nlmsghdr *)m.buf, &v), 0);
	vigil_alert_format_json(&b, &v);
	vigil_outbuf_putc(&b, '\0');
	vigil_nl_msg_free(&m);
	return b.oom ? NULL : b.p;
}

/*
 * A rule name prints the same in `list --json` and `listen --json`, as
 * RFC 8259 allows: valid UTF-8 as it is, every byte of an invalid
 * sequence (and controls, DEL) as \u00XX.
 */
static void rule_name_list_vs_listen(void)
{
	static const struct {
		const char *name, *json;
	} cases[] = {
		{ "caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x98\x80",
		  "\"caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x98\x80\"" },
		{ "bad \xff\xc3( \xed\xa0\x80 \x7f \xc3",
		  "\"bad \\u00ff\\u00c3( \\u00ed\\u00a0\\u0080 \\u007f \\u00c3\"" },
	};
	char want[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *list = list_line(cases[i].name);
		char *alert = listen_line(cases[i].name);

		snprintf(want, sizeof(want),
			 "{\"id\":\"r-1\",\"name\":%s,\"severity\":\"high\","
			 "\"risk_score\":73,\"type\":\"event\",\"enabled\":true,"
			 "\"hits\":5}\n", cases[i].json);
		CHECK_STR(list, want);
		/* the alert's rule.name, whatever follows it */
		snprintf(want, sizeof(want),
			 ",\"rule\":{\"id\":\"r-1\",\"name\":%s", cases[i].json);
		CHECK(alert && strstr(alert, want));
		if (alert && !strstr(alert, want))
			printf("#   listen printed %s\n", alert);
		free(list);
		free(alert);
	}
}

/*
 * A threshold alert as alertq.c puts it (VIGIL_A_THRESHOLD, with and
 * without a cardinality), decoded and printed as Kibana's
 * threshold_result; a nest with only half a cardinality is malformed.
 */
static char *thr_line(int card, int *rc)
{
	static struct vigil_nl fake = { .fd = -1, .family = 42 };
	static struct vigil_alert_view v;
	static const uint8_t fields[2] = { VIGIL_F_PROCESS_EXECUTABLE,
					   VIGIL_F_USER_ID };
	static const uint8_t cf = VIGIL_F_PROCESS_ARGS;
	struct vigil_event ev;
	struct vigil_outbuf b = {};
	struct vigil_nl_msg m;
	char enc[256];
	size_t nest;
	u32 n;

	vigil_event_init(&ev);
	vigil_event_set_kind(&ev, VIGIL_EV_EXEC);
	vigil_event_set_str(&ev, VIGIL_F_PROCESS_EXECUTABLE, "/bin/kill", 9);
	vigil_event_set_num(&ev, VIGIL_F_USER_ID, 1000);
	n = vigil_event_encode(&ev, enc, sizeof(enc));
	vigil_nl_msg_init(&m, &fake, VIGIL_CMD_ALERT, 0);
	vigil_nl_put_u64(&m, VIGIL_A_ALERT_SEQ, 1);
	put_rule(&m, "t", false);
	nest = vigil_nl_nest_start(&m, VIGIL_A_THRESHOLD);
	vigil_nl_put_u64(&m, VIGIL_THA_COUNT, 15);
	vigil_nl_put(&m, VIGIL_THA_FIELDS, fields, sizeof(fields));
	if (card)
		vigil_nl_put_u64(&m, VIGIL_THA_CARDINALITY, 100);
	if (card == 1)
		vigil_nl_put(&m, VIGIL_THA_CARD_FIELD, &cf, 1);
	vigil_nl_nest_end(&m, nest);
	vigil_nl_put(&m, VIGIL_A_EVENT | NLA_F_NESTED, enc, n);
	((struct nlmsghdr *)m.buf)->nlmsg_len = (uint32_t)m.len;
	*rc = vigil_alert_decode((struct nlmsghdr *)m.buf, &v);
	if (!*rc)
		vigil_alert_format_json(&b, &v);
	vigil_outbuf_putc(&b, '\0');
	vigil_nl_msg_free(&m);
	return b.oom ? NULL : b.p;
}

static void threshold_result(void)
{
	static const char terms[] =
		",\"kibana\":{\"alert\":{\"threshold_result\":{\"terms\":["
		"{\"field\":\"process.executable\",\"value\":\"/bin/kill\"},"
		"{\"field\":\"user.id\",\"value\":\"1000\"}]";
	char want[512];
	char *out;
	int rc;

	out = thr_line(0, &rc);
	CHECK_EQ(rc, 0);
	snprintf(want, sizeof(want), "%s,\"count\":15}}}}\n", terms);
	CHECK(out && strstr(out, want));
	if (out && !strstr(out, want))
		printf("#   printed %s\n", out);
	free(out);
	out = thr_line(1, &rc);
	CHECK_EQ(rc, 0);
	snprintf(want, sizeof(want),
		 "%s,\"cardinality\":[{\"field\":\"process.args\",\"value\":100}],\"count\":15}}}}\n",
		 terms);
	CHECK(out && strstr(out, want));
	if (out && !strstr(out, want))
		printf("#   printed %s\n", out);
	free(out);
	out = thr_line(2, &rc);
	CHECK(rc != 0);
	free(out);
}

int main(void)
{
	RUN(escaper);
	RUN(timestamps);
	RUN(memo);
	RUN(outbuf);
	RUN(rule_name_list_vs_listen);
	RUN(threshold_result);
	return tap_done();
}
