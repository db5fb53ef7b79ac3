// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the alert decoder and printer of `vigilctl listen`
 * (and the rule decoder and printer of `vigilctl list`).
 *
 * Input: the attributes of one VIGIL_CMD_ALERT message, what follows the
 * genl header.  The target puts a netlink and a genl header in front and
 * decodes the message with vigil_alert_decode(), as the listener does;
 * an alert that decodes is printed as JSON and as text, then another
 * alert, then the first again, which must print exactly as the first
 * time (the printer keeps the JSON of repeated values).  The message's
 * VIGIL_A_RULE is also decoded and printed as `vigilctl list --json`
 * would.  Must never crash.
 *
 * Seed corpus: tests/fuzz/fuzz_alert/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "alert_json.h"
#include "nl.h"

#define HDR (NLMSG_HDRLEN + GENL_HDRLEN)

static void print(struct vigil_outbuf *b, const struct vigil_alert_view *v)
{
	vigil_alert_format_json(b, v);
	vigil_alert_format_text(b, v);
}

/* The rule as `vigilctl list --json` prints it. */
static void list_rule(const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[VIGIL_A_MAX + 1];
	struct vigil_outbuf b = {};
	struct vigil_rule_desc r;

	if (vigil_nl_parse_msg(nlh, tb, VIGIL_A_MAX) < 0 ||
	    vigil_rule_decode(tb[VIGIL_A_RULE], &r))
		return;
	vigil_rule_format_json(&b, &r);
	vigil_outbuf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vigil_alert_view v, other;
	struct vigil_outbuf first = {}, again = {};
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	if (size > (1U << 20))
		return 0;
	/* an exact-size message so ASan sees every overread */
	nlh = malloc(HDR + size);
	if (!nlh)
		return 0;
	memset(nlh, 0, HDR);
	nlh->nlmsg_len = (__u32)(HDR + size);
	g = NLMSG_DATA(nlh);
	g->cmd = VIGIL_CMD_ALERT;
	memcpy((uint8_t *)nlh + HDR, data, size);

	list_rule(nlh);
	if (vigil_alert_decode(nlh, &v))
		goto out;

	memset(&other, 0, sizeof(other));
	other.rule_id = "other";
	other.n_events = 1;
	vigil_event_init(&other.events[0]);
	vigil_event_set_str(&other.events[0], VIGIL_F_PROCESS_NAME, "x", 1);
	vigil_event_set_num(&other.events[0], VIGIL_F_PROCESS_PID, 1);

	print(&first, &v);
	print(&again, &other);
	vigil_outbuf_reset(&again);
	print(&again, &v);
	if (first.oom != again.oom || first.len != again.len ||
	    (first.len && memcmp(first.p, again.p, first.len)))
		abort();
	vigil_outbuf_free(&first);
	vigil_outbuf_free(&again);
out:
	free(nlh);
	return 0;
}
