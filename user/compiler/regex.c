// SPDX-License-Identifier: GPL-2.0
/*
 * Regular expressions -> DFA (struct vigil_rs_dfa).
 */
#include <stdlib.h>

#include "rule.h"

int regex_compile(const char *re, size_t len, int nocase, void **dfa,
		  size_t *dfa_len, struct cerr *e, int off)
{
	return cerr_set(e, off, "regex is not supported yet");
}
