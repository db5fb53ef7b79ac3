/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One decoder for the alerts and rule descriptions the kernel sends, and
 * one printer for alerts, used by `vigilctl replay`, `vigilctl listen`,
 * `vigilctl list` and the fuzzers, so that all of them print a rule and
 * an alert exactly the same way, in JSON (one object per line) or text.
 */
#ifndef VIGIL_ALERT_JSON_H
#define VIGIL_ALERT_JSON_H

#include <stdio.h>
#include "engine.h"
#include "outbuf.h"

struct nlattr;
struct nlmsghdr;

/* A VIGIL_A_RULE nest, decoded; the strings point into the message. */
struct vigil_rule_desc {
	const char *id;
	const char *name;	/* "" when absent */
	const char *threat;	/* "" when absent */
	u8 severity, risk_score, kind, enabled;	/* 0 when absent */
	bool building_block;	/* VIGIL_RA_BUILDING_BLOCK present */
	u64 hits;		/* 0 when absent (alerts carry none) */
};

/*
 * Decodes a VIGIL_A_RULE nest (alerts, list and terms replies).
 * Return: 0, or -EINVAL when it is malformed or has no VIGIL_RA_ID.
 */
int vigil_rule_decode(const struct nlattr *nest, struct vigil_rule_desc *r);
/* Appends the JSON line `vigilctl list --json` prints for @r. */
void vigil_rule_format_json(struct vigil_outbuf *b,
			    const struct vigil_rule_desc *r);

struct vigil_alert_view {
	u64 seq;		/* alert sequence number (listen); replay counts from 1 */
	u64 dropped;		/* alerts dropped so far (listen), 0 in replay */
	u64 suppressed;		/* "suppressed N" summary: rate-limited alerts of this rule */
	u32 flags;		/* VIGIL_ALERT_F_* (VIGIL_ALERT_F_CUT) */
	const char *rule_id, *rule_name;
	const char *threat;	/* vigil_rs_rule.threat_str format */
	u8 severity, risk_score, kind;
	bool building_block;	/* from a building-block rule */
	/* a threshold alert (VIGIL_A_THRESHOLD): what its group counted */
	bool thr;
	u64 thr_count, thr_card;
	u8 thr_n_fields;	/* the group's fields, their values the event's */
	u8 thr_fields[VIGIL_RS_MAX_THR_FIELDS];
	u8 thr_card_field;	/* VIGIL_F_UNSPEC without a cardinality */
	u32 n_events;		/* >= 1; the last one is the triggering event */
	struct vigil_event events[VIGIL_RS_MAX_STEPS];
};

/*
 * Decodes one VIGIL_CMD_ALERT message (genl header included) into @v;
 * the strings and events point into @nlh.  Return: 0, or -EINVAL when
 * it is malformed, names no rule or carries no (or too many) events.
 */
int vigil_alert_decode(const struct nlmsghdr *nlh,
		       struct vigil_alert_view *v);

/* Fills @v's threshold members from @r (replay: the engine's own). */
void vigil_alert_view_thr(struct vigil_alert_view *v,
			  const struct vigil_thr_result *r);

/* Append one alert, newline included, to @b (check b->oom). */
void vigil_alert_format_json(struct vigil_outbuf *b,
			     const struct vigil_alert_view *a);
void vigil_alert_format_text(struct vigil_outbuf *b,
			     const struct vigil_alert_view *a);
/* The same, written to @f with one fwrite(). */
void vigil_alert_print_json(FILE *f, const struct vigil_alert_view *a);
void vigil_alert_print_text(FILE *f, const struct vigil_alert_view *a);

#endif
