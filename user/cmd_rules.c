// SPDX-License-Identifier: GPL-2.0
/*
 * vigilctl list [--json]    the loaded rules, one per line
 * vigilctl enable ID        switch a rule on
 * vigilctl disable ID       switch a rule off
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alert_json.h"
#include "names.h"
#include "nl.h"
#include "vigilctl.h"
#include "uapi/vigil.h"

/**
 * list_print() - print one rule of a VIGIL_CMD_LIST reply
 * @f: the stream
 * @nlh: the reply message
 * @json: a JSON line (vigil_rule_format_json(), as alerts print rules),
 *        else a text row
 * @header: text: print the column header first
 *
 * Return: 0, or -EINVAL (nothing printed) for a malformed reply.
 */
int list_print(FILE *f, const struct nlmsghdr *nlh, bool json, bool header)
{
	const struct nlattr *tb[VIGIL_A_MAX + 1];
	struct vigil_rule_desc r;

	if (vigil_nl_parse_msg(nlh, tb, VIGIL_A_MAX) < 0 ||
	    vigil_rule_decode(tb[VIGIL_A_RULE], &r))
		return -EINVAL;
	if (json) {
		struct vigil_outbuf b = {};

		vigil_rule_format_json(&b, &r);
		if (b.oom)
			fprintf(stderr, "%s list: out of memory\n", prog);
		else
			vigil_outbuf_fwrite(&b, f);
		vigil_outbuf_free(&b);
		return 0;
	}
	if (header)
		fprintf(f, "%-40s %-7s %-8s %4s %-9s %8s  %s\n", "RULE_ID",
			"ENABLED", "SEVERITY", "RISK", "TYPE", "HITS", "NAME");
	fprintf(f, "%-40s %-7s %-8s %4u %-9s %8llu  %s\n", r.id,
		r.enabled ? "yes" : "no", vigil_severity_name(r.severity) ?: "?",
		r.risk_score, vigil_rule_kind_name(r.kind) ?: "?",
		(unsigned long long)r.hits, r.name);
	return 0;
}

struct list_ctx {
	bool json;
	unsigned int n;
};

static int list_cb(const struct nlmsghdr *nlh, void *ctx)
{
	struct list_ctx *lc = ctx;

	if (!list_print(stdout, nlh, lc->json, !lc->n))
		lc->n++;
	return 0;
}

int list_main(int argc, char **argv)
{
	struct list_ctx lc = { 0 };
	struct vigil_nl_msg m;
	struct vigil_nl nl;
	int err;

	if (argc == 2 && (!strcmp(argv[1], "--json") || !strcmp(argv[1], "-j"))) {
		lc.json = true;
	} else if (argc != 1) {
		fprintf(stderr, "Usage: %s list [--json]\n", prog);
		return 1;
	}
	if (vigil_nl_open(&nl))
		return 1;
	vigil_nl_msg_init(&m, &nl, VIGIL_CMD_LIST, NLM_F_DUMP);
	err = vigil_nl_talk(&nl, &m, list_cb, &lc);
	vigil_nl_msg_free(&m);
	if (err)
		vigil_nl_perror(&nl, "list", err);
	vigil_nl_close(&nl);
	fflush(stdout);
	return err ? 1 : 0;
}

static int toggle(int argc, char **argv, uint8_t cmd)
{
	struct vigil_nl_msg m;
	struct vigil_nl nl;
	int err;

	if (argc != 2) {
		fprintf(stderr, "Usage: %s %s RULE_ID\n", prog, argv[0]);
		return 1;
	}
	if (strlen(argv[1]) > VIGIL_RULE_ID_MAX) {
		fprintf(stderr, "%s %s: rule_id \"%s\" is longer than %d bytes\n",
			prog, argv[0], argv[1], VIGIL_RULE_ID_MAX);
		return 1;
	}
	if (vigil_nl_open(&nl))
		return 1;
	vigil_nl_msg_init(&m, &nl, cmd, 0);
	vigil_nl_put_str(&m, VIGIL_A_RULE_ID, argv[1]);
	err = vigil_nl_talk(&nl, &m, NULL, NULL);
	vigil_nl_msg_free(&m);
	if (err == -ENOENT)
		fprintf(stderr, "%s %s: no loaded rule has rule_id \"%s\"\n",
			prog, argv[0], argv[1]);
	else if (err)
		vigil_nl_perror(&nl, argv[0], err);
	vigil_nl_close(&nl);
	return err ? 1 : 0;
}

int enable_main(int argc, char **argv)
{
	return toggle(argc, argv, VIGIL_CMD_ENABLE);
}

int disable_main(int argc, char **argv)
{
	return toggle(argc, argv, VIGIL_CMD_DISABLE);
}
