// SPDX-License-Identifier: GPL-2.0
/*
 * The corpora (../shared/corpus, outside the project): at least 319
 * Elastic Linux rules and 125 of the 130 SigmaHQ Linux rules compile,
 * every rejection names a specific reason and a position, and each
 * combined ruleset passes the engine validator.  The compile-time
 * warnings (compiler/feasible.c) are the ones issue 14 found by hand:
 * one rule that never fires (user.id and user.effective.id are both the
 * euid), seven whose file.Ext.original exclusion never applies to the
 * creations they match, two whose event.type "change" means renames
 * only; the Sigma rules get none.  Skipped when a corpus is absent.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tap.h"
#include "compiler/compiler.h"
#include "engine.h"

#define CORPUS "../../../shared/corpus/"

/* The rules issue 14 found by hand, by class of warning. */
static const char *const never_rules[] = {
	"privilege_escalation_auditd_euid_root_shell_from_non_standard_path",
};
static const char *const orig_rules[] = {
	"defense_evasion_dynamic_linker_file_creation",
	"persistence_lkm_configuration_file_creation",
	"persistence_message_of_the_day_creation",
	"persistence_pluggable_authentication_module_creation",
	"persistence_rc_script_creation",
	"persistence_shell_configuration_modification",
	"persistence_udev_rule_creation",
};
static const char *const change_rules[] = {
	"persistence_credential_access_modify_ssh_binaries",
	"persistence_webserver_php_file_creation_in_wordpress_plugin_dir",
};

/* The warnings of one corpus, by class. */
struct warned {
	unsigned int total;
	unsigned int never;		/* rules that never fire */
	unsigned int orig_excl;		/* rules with a file.Ext.original one */
	unsigned int change;		/* event.type "change" narrowed */
	unsigned int unexpected;	/* of these, rules not in the lists */
};

/* Is @path's rule (file name without .toml) one of @names? */
static bool listed(const char *path, const char *const *names, size_t n)
{
	const char *base = strrchr(path, '/') + 1;
	size_t i;

	for (i = 0; i < n; i++)
		if (!strncmp(base, names[i], strlen(names[i])) &&
		    !strcmp(base + strlen(names[i]), ".toml"))
			return true;
	return false;
}

static void count_warnings(struct warned *wd, const char *path,
			   const struct vigil_cwarnings *w)
{
	bool never = false, orig = false, change = false;
	unsigned int i;

	wd->total += w->n + w->dropped;
	for (i = 0; i < w->n; i++) {
		const char *m = w->w[i].msg;

		printf("#   %s: %s: %s\n", strrchr(path, '/') + 1,
		       vigil_cwarn_class_name(w->w[i].cls), m);
		never |= w->w[i].cls == VIGIL_CWARN_NEVER_FIRES;
		orig |= w->w[i].cls == VIGIL_CWARN_EXCLUSION &&
			!strncmp(m, "file.Ext.original.", 18);
		change |= w->w[i].cls == VIGIL_CWARN_NARROWED &&
			  !strncmp(m, "event.type \"change\"", 19);
	}
	wd->never += never;
	wd->orig_excl += orig;
	wd->change += change;
	wd->unexpected +=
		(never && !listed(path, never_rules, ARRAY_SIZE(never_rules))) +
		(orig && !listed(path, orig_rules, ARRAY_SIZE(orig_rules))) +
		(change && !listed(path, change_rules, ARRAY_SIZE(change_rules)));
}

/*
 * Compiles every rule file below @dirs: at least @min of them compile,
 * every rejection has a reason and a position, the ruleset validates.
 * Counts the warnings in *@wd.  Return: the number of files.
 */
static size_t compile_dirs(const char *const *dirs, size_t nd, unsigned int min,
			   struct warned *wd)
{
	struct vigil_compiler *c = vigil_compiler_new();
	struct vigil_cerror e;
	char **paths = NULL;
	const char *reason;
	size_t n = 0, i, rejected = 0, vague = 0;
	void *blob = NULL;
	__u32 len;

	for (i = 0; i < nd; i++)
		CHECK_EQ(vigil_compiler_collect(dirs[i], &paths, &n), 0);
	vigil_compiler_paths_sort(paths, n);
	for (i = 0; i < n; i++) {
		if (!vigil_compiler_add_file(c, paths[i], &e)) {
			count_warnings(wd, paths[i], vigil_compiler_warnings(c));
			continue;
		}
		rejected++;
		if (!e.msg[0] || !e.line || strstr(e.msg, "internal")) {
			vague++;
			printf("#   vague: %s:%d:%d: %s\n", paths[i], e.line,
			       e.col, e.msg);
		}
	}
	printf("# %s: %zu files, compiled %u, rejected %zu\n", dirs[0], n,
	       vigil_compiler_count(c), rejected);
	CHECK(vigil_compiler_count(c) >= min);
	CHECK_EQ(vague, 0);
	CHECK_EQ(vigil_compiler_emit(c, &blob, &len, &e), 0);
	if (blob && vigil_ruleset_validate(blob, len, &reason)) {
		tap_case_failed = 1;
		printf("#   the kernel would refuse the ruleset: %s\n", reason);
	}
	free(blob);
	vigil_compiler_paths_free(paths, n);
	vigil_compiler_free(c);
	return n;
}

static void corpus(void)
{
	const char *const dirs[] = { CORPUS "elastic/rules/linux",
				     CORPUS "elastic/rules_building_block" };

	struct warned wd = { 0 };

	CHECK(compile_dirs(dirs, 2, 319, &wd) >= 380);
	printf("# %u warnings: %u never fires, %u rules with a file.Ext.original exclusion that never applies, %u event.type change narrowed\n",
	       wd.total, wd.never, wd.orig_excl, wd.change);
	CHECK_EQ(wd.never, ARRAY_SIZE(never_rules));
	CHECK_EQ(wd.orig_excl, ARRAY_SIZE(orig_rules));
	CHECK_EQ(wd.change, ARRAY_SIZE(change_rules));
	CHECK_EQ(wd.unexpected, 0);
}

/* SigmaHQ's Linux process_creation and file_event rules (test_sigma.c). */
static void sigma_corpus(void)
{
	const char *const dirs[] = { CORPUS "sigma/rules/linux" };

	struct warned wd = { 0 };

	CHECK_EQ(compile_dirs(dirs, 1, 125, &wd), 130);
	CHECK_EQ(wd.total, 0);
}

int main(void)
{
	struct stat st;

	if (stat(CORPUS "elastic/rules/linux", &st))
		SKIP(corpus, "corpus not found at " CORPUS "elastic");
	else
		RUN(corpus);
	if (stat(CORPUS "sigma/rules/linux", &st))
		SKIP(sigma_corpus, "corpus not found at " CORPUS "sigma");
	else
		RUN(sigma_corpus);
	return tap_done();
}
