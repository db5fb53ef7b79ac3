/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One printer for alerts, used by `vigilctl replay` and `vigilctl listen`,
 * so both print exactly the same JSON (one object per line) or text.
 */
#ifndef VIGIL_ALERT_JSON_H
#define VIGIL_ALERT_JSON_H

#include <stdio.h>
#include "engine.h"
#include "outbuf.h"

struct vigil_alert_view {
	u64 seq;		/* alert sequence number (listen); replay counts from 1 */
	u64 dropped;		/* alerts dropped so far (listen), 0 in replay */
	const char *rule_id, *rule_name;
	const char *threat;	/* vigil_rs_rule.threat_str format */
	u8 severity, risk_score, kind;
	bool building_block;	/* from a building-block rule */
	u32 n_events;		/* >= 1; the last one is the triggering event */
	struct vigil_event events[VIGIL_RS_MAX_STEPS];
};

/* Append one alert, newline included, to @b (check b->oom). */
void vigil_alert_format_json(struct vigil_outbuf *b,
			     const struct vigil_alert_view *a);
void vigil_alert_format_text(struct vigil_outbuf *b,
			     const struct vigil_alert_view *a);
/* The same, written to @f with one fwrite(). */
void vigil_alert_print_json(FILE *f, const struct vigil_alert_view *a);
void vigil_alert_print_text(FILE *f, const struct vigil_alert_view *a);

#endif
