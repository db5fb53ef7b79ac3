/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mutant builds of a test (user/Makefile builds NAME-1..N into
 * build/mut/, each with one defect compiled in): a test's `mutants` case
 * runs each and fails unless every one is caught, that is, exits with
 * the status the test gives a disagreement.
 */
#ifndef VIGIL_TEST_MUTANTS_H
#define VIGIL_TEST_MUTANTS_H

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "tap.h"

/* The directory of this test binary, set by mutants_init(). */
static char mutants_dir[4096];

static inline void mutants_init(const char *argv0)
{
	char arg0[4096];

	snprintf(arg0, sizeof(arg0), "%s", argv0);
	snprintf(mutants_dir, sizeof(mutants_dir), "%s", dirname(arg0));
}

/*
 * Runs build/mut/@name-1 .. @name-(@n - 1); @what[m] says what mutant m
 * breaks (@what[0] is unused).  Each must exit with @caught.
 */
static inline void mutants_run(const char *name, const char *const *what,
			       int n, int caught)
{
	char cmd[4300];
	int m, st;

	for (m = 1; m < n; m++) {
		snprintf(cmd, sizeof(cmd), "%s/../mut/%s-%d > /dev/null",
			 mutants_dir, name, m);
		st = system(cmd);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != caught) {
			tap_case_failed = 1;
			printf("#   mutant %d (%s) not caught (status %d)\n", m,
			       what[m], st);
		}
	}
}

#endif /* VIGIL_TEST_MUTANTS_H */
