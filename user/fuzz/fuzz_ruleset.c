// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: ruleset bytes and an event in, validator, engine
 * construction and the interpreter/correlators run; must never crash.
 *
 * Input: u32 ruleset length (little endian, clamped), the ruleset, then
 * the event as netlink attributes (vigil_event_encode layout).  The
 * event is processed three times with growing timestamps so sequence,
 * new-terms and threshold state is exercised.
 *
 * Seed corpus: tests/fuzz/fuzz_ruleset/, written by building this file
 * with -DVIGIL_FUZZ_SEEDGEN and running it with that directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include "rs_builder.h"

static void on_alert(void *ctx, const struct vigil_match *m)
{
	struct vigil_event ev;
	u32 i;

	(*(u32 *)ctx)++;
	for (i = 0; i < m->n_prior; i++)
		vigil_event_decode(&ev, m->prior[i], m->prior_len[i]);
}

static int walk(void *ctx, u64 hash, u64 last)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigil_engine_limits lim = { 16, 16, 0, 4 };
	struct vigil_event ev;
	const char *why = NULL;
	struct vigil_engine *e;
	u32 rs_len, i, n = 0;
	char buf[160];
	u8 *rs, *evb;

	if (size < 4 || size > (1U << 22))
		return 0;
	memcpy(&rs_len, data, 4);
	data += 4;
	size -= 4;
	if (rs_len > size)
		rs_len = size;
	/* exact-size copies so ASan sees every overread */
	rs = malloc(rs_len + 1);
	evb = malloc(size - rs_len + 1);
	memcpy(rs, data, rs_len);
	memcpy(evb, data + rs_len, size - rs_len);
	vigil_ruleset_validate_r(rs, rs_len, buf, sizeof(buf));
	e = vigil_engine_new(rs, rs_len, &lim, &why);
	if (IS_ERR(e))
		goto out;
	if (vigil_event_decode(&ev, evb, size - rs_len))
		vigil_event_init(&ev);
	for (i = 0; i < 3; i++) {
		ev.v[VIGIL_F_TIMESTAMP].num += 1000000ULL * i;
		vigil_engine_process(e, &ev, on_alert, &n);
	}
	if (ev.present & (1ULL << VIGIL_F_PROCESS_ENTITY_ID))
		vigil_engine_forget_entity(e,
			ev.v[VIGIL_F_PROCESS_ENTITY_ID].str,
			ev.v[VIGIL_F_PROCESS_ENTITY_ID].len);
	for (i = 0; i < vigil_engine_rule_count(e); i++) {
		struct vigil_rule_info info;

		vigil_engine_rule_info(e, i, &info);
		vigil_engine_find_rule(e, info.id);
		vigil_engine_terms_walk(e, i, walk, NULL);
	}
	vigil_engine_free(e);
out:
	free(rs);
	free(evb);
	return 0;
}

#ifdef VIGIL_FUZZ_SEEDGEN
static void put(const char *dir, const char *name, struct rsb *b,
		const struct vigil_event *ev)
{
	static u8 out[1 << 20];
	char path[512];
	u32 len, elen;
	FILE *f;

	len = rsb_finish(b, out + 4, sizeof(out) - 4);
	memcpy(out, &len, 4);
	elen = vigil_event_encode(ev, out + 4 + len, 4096);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(out, 1, 4 + len + elen, f) != 4 + len + elen)
		exit(1);
	fclose(f);
}

int main(int argc, char **argv)
{
	static struct rsb b;
	static const char args[] = "sh\0-c\0id";
	struct vigil_event ev;
	u32 r;

	if (argc != 2)
		return 2;
	vigil_event_init(&ev);
	vigil_event_set_kind(&ev, VIGIL_EV_EXEC);
	vigil_event_set_num(&ev, VIGIL_F_TIMESTAMP, 1700000000000000000ULL);
	vigil_event_set_str(&ev, VIGIL_F_PROCESS_NAME, "sh", 2);
	vigil_event_set_str(&ev, VIGIL_F_PROCESS_EXECUTABLE, "/bin/sh", 7);
	vigil_event_set_str(&ev, VIGIL_F_PROCESS_ENTITY_ID, "e1", 2);
	vigil_event_set_str(&ev, VIGIL_F_PARENT_NAME, "bash", 4);
	vigil_event_set_array(&ev, VIGIL_F_PROCESS_ARGS, args, sizeof(args), 3);
	vigil_event_set_num(&ev, VIGIL_F_USER_ID, 0);

	rsb_sample(&b);
	put(argv[1], "sample", &b, &ev);

	rsb_init(&b);
	rsb_simple(&b, "glob", VIGIL_EV_MASK_ALL, VIGIL_F_PROCESS_EXECUTABLE,
		   VIGIL_PAT_GLOB, VIGIL_PAT_F_NOCASE, "*/?in/*s\\h");
	rsb_simple(&b, "contains", VIGIL_EV_MASK_ALL, VIGIL_F_PROCESS_ARGS,
		   VIGIL_PAT_CONTAINS, 0, "-c");
	put(argv[1], "event_rules", &b, &ev);

	rsb_init(&b);
	r = rsb_simple(&b, "terms", RSB_EXEC,
		       VIGIL_F_PROCESS_NAME, VIGIL_PAT_SUFFIX, 0, "h");
	b.rules[r].kind = VIGIL_RULE_NEW_TERMS;
	b.rules[r].n_terms = 2;
	b.rules[r].term_fields[0] = VIGIL_F_PROCESS_NAME;
	b.rules[r].term_fields[1] = VIGIL_F_PROCESS_ARGS;
	b.rules[r].history_window_s = 1;
	put(argv[1], "new_terms", &b, &ev);

	rsb_init(&b);
	r = rsb_simple(&b, "threshold", RSB_EXEC, VIGIL_F_PROCESS_NAME,
		       VIGIL_PAT_SUFFIX, 0, "h");
	rsb_threshold(&b, r, 2, 1000, VIGIL_F_PROCESS_EXECUTABLE,
		      VIGIL_F_PROCESS_ARGS, 3);
	put(argv[1], "threshold", &b, &ev);

	vigil_event_set_kind(&ev, VIGIL_EV_CREATE);
	vigil_event_set_str(&ev, VIGIL_F_FILE_PATH, "/tmp/x.so", 9);
	vigil_event_derive_file(&ev);
	rsb_sample(&b);
	put(argv[1], "sample_create", &b, &ev);
	return 0;
}
#endif
