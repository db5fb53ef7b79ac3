// SPDX-License-Identifier: GPL-2.0
/*
 * The Elastic Linux corpus (../shared/corpus, outside the project):
 * at least 230 rules compile, every rejection names a specific reason
 * and a position, and the combined ruleset passes the engine validator.
 * Skipped when the corpus is absent.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tap.h"
#include "compiler/compiler.h"
#include "engine.h"

#define CORPUS "../../../shared/corpus/elastic/"

static void corpus(void)
{
	const char *dirs[] = { CORPUS "rules/linux", CORPUS "rules_building_block" };
	struct vigil_compiler *c = vigil_compiler_new();
	struct vigil_cerror e;
	char **paths = NULL;
	const char *reason;
	size_t n = 0, i, rejected = 0, vague = 0;
	void *blob;
	__u32 len;

	for (i = 0; i < 2; i++)
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
	printf("# corpus: %zu files, compiled %u, rejected %zu\n", n,
	       vigil_compiler_count(c), rejected);
	CHECK(n >= 380);
	CHECK(vigil_compiler_count(c) >= 230);
	CHECK_EQ(vague, 0);
	CHECK_EQ(vigil_compiler_emit(c, &blob, &len, &e), 0);
	CHECK_EQ(vigil_ruleset_validate(blob, len, &reason), 0);
	free(blob);
	vigil_compiler_paths_free(paths, n);
	vigil_compiler_free(c);
}

int main(void)
{
	struct stat st;

	if (stat(CORPUS "rules/linux", &st))
		SKIP(corpus, "corpus not found at " CORPUS);
	else
		RUN(corpus);
	return tap_done();
}
