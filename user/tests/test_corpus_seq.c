// SPDX-License-Identifier: GPL-2.0
/*
 * Six Elastic sequence rules whose steps join on different fields (issue
 * 16): each alerts on events built from its own text
 * (tests/replay/corpus/<rule>.jsonl) and stays silent on near misses
 * (<rule>.miss.jsonl); and multi_base64_decoding_attempt gives Elastic's
 * six alerts for seven decodes.  None of them, firing, carries a "never
 * fires" warning from the compiler.  The rules come from
 * ../shared/corpus, outside the project; skipped when it is absent.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "tap.h"
#include "compiler/compiler.h"
#include "replay.h"

#define CORPUS "../../../shared/corpus/elastic/rules/linux/"
#define EVENTS "../../tests/replay/corpus/"

static const struct {
	const char *name;
	long alerts;
} rules[] = {
	{ "privilege_escalation_potential_wildcard_shell_spawn", 1 },
	{ "persistence_git_hook_execution", 1 },
	{ "persistence_apt_package_manager_execution", 1 },
	{ "execution_cupsd_foomatic_rip_file_creation", 1 },
	{ "defense_evasion_execution_followed_by_self_deletion", 1 },
	{ "execution_file_execution_followed_by_deletion", 1 },
	/* an event that completes one sequence starts the next */
	{ "defense_evasion_multi_base64_decoding_attempt", 6 },
};

/* Return: alerts of @events through @rule, or -1. */
static long replay(const char *rule, const char *events)
{
	struct vigil_engine_limits lim = { 1024, 1024 };
	char path[512], *args[] = { path };
	struct vigil_engine *e = NULL;
	const char *why;
	u64 nev, nal;
	long ret = -1;
	void *blob = NULL;
	__u32 len;
	FILE *f;

	snprintf(path, sizeof(path), CORPUS "%s.toml", rule);
	if (vigil_compile_paths(args, 1, &blob, &len))
		return -1;
	e = vigil_engine_new(blob, len, &lim, &why);
	if (IS_ERR(e))
		e = NULL;
	f = fopen(events, "r");
	if (e && f &&
	    !vigil_replay_stream(e, f, events, stdout, VIGIL_REPLAY_QUIET,
				 &nev, &nal) && nev)
		ret = (long)nal;
	if (f)
		fclose(f);
	vigil_engine_free(e);
	free(blob);
	return ret;
}

/* Return: the warnings "never fires" of @rule, or -1. */
static int never_fires(const char *rule)
{
	struct vigil_compiler *c = vigil_compiler_new();
	const struct vigil_cwarnings *w;
	struct vigil_cerror e;
	char path[512];
	unsigned int i;
	int n = -1;

	snprintf(path, sizeof(path), CORPUS "%s.toml", rule);
	if (c && !vigil_compiler_add_file(c, path, &e)) {
		w = vigil_compiler_warnings(c);
		for (n = 0, i = 0; i < w->n; i++)
			n += w->w[i].cls == VIGIL_CWARN_NEVER_FIRES;
	}
	vigil_compiler_free(c);
	return n;
}

static void corpus_seq(void)
{
	char ev[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		long hit, miss;

		snprintf(ev, sizeof(ev), EVENTS "%s.jsonl", rules[i].name);
		hit = replay(rules[i].name, ev);
		snprintf(ev, sizeof(ev), EVENTS "%s.miss.jsonl", rules[i].name);
		miss = replay(rules[i].name, ev);
		CHECK_EQ(never_fires(rules[i].name), 0);
		if (hit != rules[i].alerts || miss != 0) {
			tap_case_failed = 1;
			printf("#   %s: %ld alerts (want %ld), near misses %ld (want 0)\n",
			       rules[i].name, hit, rules[i].alerts, miss);
		}
	}
}

int main(void)
{
	struct stat st;

	if (stat(CORPUS, &st))
		SKIP(corpus_seq, "corpus not found at " CORPUS);
	else
		RUN(corpus_seq);
	return tap_done();
}
