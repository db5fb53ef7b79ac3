// SPDX-License-Identifier: GPL-2.0
/*
 * vigilctl stats [--json]: vigil's counters, the same ones as
 * /sys/kernel/vigil/stats/.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "nl.h"
#include "vigilctl.h"
#include "uapi/vigil.h"
#include "stat_names.h"

struct stats_ctx {
	bool json;
	bool got;
};

static int stats_cb(const struct nlmsghdr *nlh, void *ctx)
{
	const struct nlattr *tb[VIGIL_A_MAX + 1], *sb[VIGIL_STAT_MAX + 1];
	struct stats_ctx *sc = ctx;
	struct vigil_outbuf b = {};
	int s;

	if (vigil_nl_parse_msg(nlh, tb, VIGIL_A_MAX) < 0 || !tb[VIGIL_A_STATS] ||
	    vigil_nl_parse(vigil_nla_data(tb[VIGIL_A_STATS]),
			   vigil_nla_len(tb[VIGIL_A_STATS]), sb,
			   VIGIL_STAT_MAX) < 0)
		return 0;
	vigil_outbuf_putc(&b, '{');
	for (s = VIGIL_STAT_UNSPEC + 1; s < __VIGIL_STAT_LAST; s++) {
		uint64_t v;

		if (!vigil_stat_names[s] || vigil_nla_u64(sb[s], &v))
			continue;
		if (sc->json)
			json_buf_member_u64(&b, vigil_stat_names[s], v);
		else
			printf("%-16s %llu\n", vigil_stat_names[s],
			       (unsigned long long)v);
	}
	vigil_outbuf_put(&b, "}\n", 2);
	if (sc->json && b.oom)
		fprintf(stderr, "%s stats: out of memory\n", prog);
	else if (sc->json)
		vigil_outbuf_fwrite(&b, stdout);
	vigil_outbuf_free(&b);
	sc->got = true;
	return 0;
}

int stats_main(int argc, char **argv)
{
	struct stats_ctx sc = { 0 };
	struct vigil_nl_msg m;
	struct vigil_nl nl;
	int err;

	if (argc == 2 && (!strcmp(argv[1], "--json") || !strcmp(argv[1], "-j"))) {
		sc.json = true;
	} else if (argc != 1) {
		fprintf(stderr, "Usage: %s stats [--json]\n", prog);
		return 1;
	}
	if (vigil_nl_open(&nl))
		return 1;
	vigil_nl_msg_init(&m, &nl, VIGIL_CMD_STATS, 0);
	err = vigil_nl_talk(&nl, &m, stats_cb, &sc);
	vigil_nl_msg_free(&m);
	if (err)
		vigil_nl_perror(&nl, "stats", err);
	else if (!sc.got)
		fprintf(stderr, "%s stats: the kernel sent no counters\n", prog);
	vigil_nl_close(&nl);
	fflush(stdout);
	return err || !sc.got ? 1 : 0;
}
