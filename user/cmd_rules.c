// SPDX-License-Identifier: GPL-2.0
/*
 * vigilctl list [--json]    the loaded rules, one per line
 * vigilctl enable ID        switch a rule on
 * vigilctl disable ID       switch a rule off
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "nl.h"
#include "vigilctl.h"
#include "uapi/vigil.h"

static void json_str(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

struct list_ctx {
	bool json;
	unsigned int n;
};

static int list_cb(const struct nlmsghdr *nlh, void *ctx)
{
	const struct nlattr *tb[VIGIL_A_MAX + 1], *rb[VIGIL_RA_MAX + 1];
	struct list_ctx *lc = ctx;
	uint8_t sev = 0, risk = 0, kind = 0, enabled = 0;
	const char *id, *name;
	uint64_t hits = 0;

	if (vigil_nl_parse_msg(nlh, tb, VIGIL_A_MAX) < 0 || !tb[VIGIL_A_RULE] ||
	    vigil_nl_parse(vigil_nla_data(tb[VIGIL_A_RULE]),
			   vigil_nla_len(tb[VIGIL_A_RULE]), rb,
			   VIGIL_RA_MAX) < 0)
		return 0;
	id = vigil_nla_str(rb[VIGIL_RA_ID]);
	name = vigil_nla_str(rb[VIGIL_RA_NAME]);
	if (!id)
		return 0;
	if (!name)
		name = "";
	vigil_nla_u8(rb[VIGIL_RA_SEVERITY], &sev);
	vigil_nla_u8(rb[VIGIL_RA_RISK_SCORE], &risk);
	vigil_nla_u8(rb[VIGIL_RA_TYPE], &kind);
	vigil_nla_u8(rb[VIGIL_RA_ENABLED], &enabled);
	vigil_nla_u64(rb[VIGIL_RA_HITS], &hits);
	if (lc->json) {
		fputs("{\"id\":", stdout);
		json_str(stdout, id);
		fputs(",\"name\":", stdout);
		json_str(stdout, name);
		printf(",\"severity\":\"%s\",\"risk_score\":%u,\"type\":\"%s\",\"enabled\":%s,\"hits\":%llu}\n",
		       vigil_severity_name(sev) ?: "unknown", risk,
		       vigil_rule_kind_name(kind) ?: "unknown",
		       enabled ? "true" : "false", (unsigned long long)hits);
	} else {
		if (!lc->n)
			printf("%-40s %-7s %-8s %4s %-9s %8s  %s\n", "RULE_ID",
			       "ENABLED", "SEVERITY", "RISK", "TYPE", "HITS",
			       "NAME");
		printf("%-40s %-7s %-8s %4u %-9s %8llu  %s\n", id,
		       enabled ? "yes" : "no",
		       vigil_severity_name(sev) ?: "?", risk,
		       vigil_rule_kind_name(kind) ?: "?",
		       (unsigned long long)hits, name);
	}
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
