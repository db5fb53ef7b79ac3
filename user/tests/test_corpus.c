// SPDX-License-Identifier: GPL-2.0
/*
 * The corpora (../shared/corpus, outside the project): at least 230
 * Elastic Linux rules and 125 of the 130 SigmaHQ Linux rules compile,
 * every rejection names a specific reason and a position, and each
 * combined ruleset passes the engine validator.  Skipped when a corpus
 * is absent.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tap.h"
#include "compiler/compiler.h"
#include "engine.h"

#define CORPUS "../../../shared/corpus/"

/*
 * Compiles every rule file below @dirs: at least @min of them compile,
 * every rejection has a reason and a position, the ruleset validates.
 * Return: the number of files.
 */
static size_t compile_dirs(const char *const *dirs, size_t nd, unsigned int min)
{
	struct vigil_compiler *c = vigil_compiler_new();
	struct vigil_cerror e;
	char **paths = NULL;
	const char *reason;
	size_t n = 0, i, rejected = 0, vague = 0;
	void *blob;
	__u32 len;

	for (i = 0; i < nd; i++)
		CHECK_EQ(vigil_compiler_collect(dirs[i], &paths, &n), 0);
	vigil_compiler_paths_sort(paths, n);
	for (i = 0; i < n; i++) {
		if (!vigil_compiler_add_file(c, paths[i], &e))
			continue;
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
	CHECK_EQ(vigil_ruleset_validate(blob, len, &reason), 0);
	free(blob);
	vigil_compiler_paths_free(paths, n);
	vigil_compiler_free(c);
	return n;
}

static void corpus(void)
{
	const char *const dirs[] = { CORPUS "elastic/rules/linux",
				     CORPUS "elastic/rules_building_block" };

	CHECK(compile_dirs(dirs, 2, 230) >= 380);
}

/* SigmaHQ's Linux process_creation and file_event rules (test_sigma.c). */
static void sigma_corpus(void)
{
	const char *const dirs[] = { CORPUS "sigma/rules/linux" };

	CHECK_EQ(compile_dirs(dirs, 1, 125), 130);
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
