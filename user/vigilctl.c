// SPDX-License-Identifier: GPL-2.0
/*
 * vigilctl: compile, test and load vigil rules; read vigil alerts.
 */
#include <stdio.h>
#include <string.h>

#include "vigilctl.h"

const char *prog;

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *description;
} subcommands[] = {
	{ "check", check_main, "Compile rule files offline and report rejections" },
	{ "compile", compile_main, "Compile rule files into a ruleset blob" },
	{ "replay", replay_main, "Run rules over recorded ECS events" },
	{ "listen", listen_main, "Print alerts as the kernel sends them" },
	{ "load", load_main, "Compile rules and replace the running ruleset" },
	{ "list", list_main, "List the loaded rules" },
	{ "enable", enable_main, "Enable a rule by rule_id" },
	{ "disable", disable_main, "Disable a rule by rule_id" },
	{ "stats", stats_main, "Show vigil's counters" },
	{ "terms", terms_main, "Export or import learned new_terms history" },
};

static void show_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s <cmd> [<args>]\n\nAvailable subcommands:\n", prog);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-8s %s\n", subcommands[i].name,
			subcommands[i].description);
	fprintf(f, "\nSee vigilctl(8) for details.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	prog = argv[0];
	if (argc < 2) {
		show_usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		show_usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "%s: subcommand \"%s\" is unknown, try \"%s help\"\n",
		prog, argv[1], prog);
	return 1;
}
