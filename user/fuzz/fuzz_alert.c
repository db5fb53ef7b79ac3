// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the alert printer of `vigilctl listen` and replay.
 *
 * Input: one byte of flags (alert kind, severity), then one or two
 * events as netlink attributes (vigil_event_encode layout), split at the
 * first "\xff\xff\xff\xff".  The events are decoded as the listener does
 * and the alert is printed as JSON and as text; then another alert, then
 * the first again, which must print exactly as the first time (the
 * printer keeps the JSON of repeated values).  Must never crash.
 *
 * Seed corpus: tests/fuzz/fuzz_alert/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert_json.h"

static const char split[4] = { '\xff', '\xff', '\xff', '\xff' };

static void print(struct vigil_outbuf *b, const struct vigil_alert_view *v)
{
	vigil_alert_format_json(b, v);
	vigil_alert_format_text(b, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vigil_alert_view v, other;
	struct vigil_outbuf first = {}, again = {};
	const uint8_t *cut;
	u8 *copy;
	size_t n1;

	if (size < 1 || size > (1U << 20))
		return 0;
	/* an exact-size copy so ASan sees every overread */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	cut = memmem(copy, size - 1, split, sizeof(split));
	n1 = cut ? (size_t)(cut - copy) : size - 1;

	memset(&v, 0, sizeof(v));
	v.seq = size;
	v.rule_id = "fuzz";
	v.rule_name = "fuzz \"rule\"\n";
	v.threat = "tactic\tTA0001\tInitial Access\ntechnique\tT1\t";
	v.kind = data[0] & 3;
	v.severity = data[0] >> 2 & 7;
	if (!vigil_event_decode(&v.events[0], copy, (u32)n1))
		v.n_events = 1;
	if (cut && !vigil_event_decode(&v.events[v.n_events], cut + 4,
				       (u32)(size - 1 - n1 - 4)))
		v.n_events++;

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
	free(copy);
	return 0;
}
