/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Pattern cases for the matcher tests (KUnit match_kunit.c and userspace
 * test_match.c): a pattern, a value, and whether vigil_pat_match() must
 * match them.  NOCASE patterns are written folded, as the compiler
 * stores them.
 */
#ifndef VIGIL_MATCH_CASES_H
#define VIGIL_MATCH_CASES_H

#include "engine.h"

struct vigil_pat_case {
	u8 kind; /* enum vigil_pat_kind */
	u8 flags; /* VIGIL_PAT_F_* */
	bool match;
	const char *pat;
	const char *s;
};

#define NC VIGIL_PAT_F_NOCASE
#define EX VIGIL_PAT_EXACT
#define PF VIGIL_PAT_PREFIX
#define SF VIGIL_PAT_SUFFIX
#define CT VIGIL_PAT_CONTAINS
#define GL VIGIL_PAT_GLOB

static const struct vigil_pat_case vigil_pat_literal_cases[] = {
	{ EX, 0, true, "bash", "bash" },
	{ EX, 0, false, "bash", "Bash" },
	{ EX, NC, true, "bash", "BaSh" },
	{ EX, 0, false, "bash", "bas" },
	{ EX, 0, true, "", "" },
	{ EX, 0, false, "", "x" },
	{ PF, 0, true, "/tmp/", "/tmp/x" },
	{ PF, 0, false, "/tmp/", "/tmp" },
	{ PF, 0, true, "", "abc" },
	{ SF, 0, true, ".so", "libx.so" },
	{ SF, 0, false, ".so", "so" },
	{ SF, NC, true, ".so", "LIBX.SO" },
	{ CT, 0, true, "ld.so", "/etc/ld.so.preload" },
	{ CT, 0, false, "ld.so", "/etc/ld_so" },
	{ CT, 0, true, "", "" },
	{ CT, NC, true, "preload", "PRELOAD" },
	/* CONTAINS never treats '?' or '\' specially */
	{ CT, 0, false, "a?c", "abc" },
	{ CT, 0, true, "a?c", "xa?cx" },
};

static const struct vigil_pat_case vigil_pat_fold_cases[] = {
	/* only ASCII folds: 0xC3 0xA9 (e-acute) vs 0xC3 0x89 (E-acute) */
	{ EX, NC, false, "caf\xc3\xa9", "CAF\xc3\x89" },
	{ EX, NC, true, "caf\xc3\xa9", "CAF\xc3\xa9" },
	{ GL, NC, false, "*\xc3\xa9", "x\xc3\x89" },
	{ GL, NC, true, "*\xc3\xa9", "X\xc3\xa9" },
	/* '[' '@' are next to 'A'/'Z' and must not fold */
	{ EX, NC, false, "{", "[" },
	{ EX, NC, false, "`", "@" },
	/* NOCASE folds the value only: the pattern must be stored folded */
	{ GL, NC, false, "/USR/*", "/usr/x" },
	{ GL, NC, true, "/usr/*", "/USR/X" },
};

static const struct vigil_pat_case vigil_pat_glob_cases[] = {
	{ GL, 0, true, "", "" },
	{ GL, 0, false, "", "a" },
	{ GL, 0, true, "*", "" },
	{ GL, 0, true, "*", "anything" },
	{ GL, 0, true, "***", "x" },
	{ GL, 0, true, "a**b", "ab" },
	{ GL, 0, true, "a**b", "axxb" },
	{ GL, 0, true, "?", "x" },
	{ GL, 0, false, "?", "" },
	{ GL, 0, false, "?", "xy" },
	{ GL, 0, true, "a?c", "abc" },
	{ GL, 0, false, "a?c", "ac" },
	{ GL, 0, true, "/tmp/*", "/tmp/" },
	{ GL, 0, true, "/tmp/*", "/tmp/a/b" },
	{ GL, 0, false, "/tmp/*", "/tmpx" },
	{ GL, 0, true, "*/bin/*sh", "/usr/bin/bash" },
	{ GL, 0, false, "*/bin/*sh", "/usr/bin/bash2" },
	{ GL, 0, true, "*a*b*c*", "xxaxxbxxcxx" },
	{ GL, 0, false, "*a*b*c*", "xxaxxcxxbxx" },
	{ GL, 0, true, "ab*ab", "abab" },
	{ GL, 0, false, "ab*ab", "aba" },
	{ GL, 0, true, "*ab?d", "xabcabzd" },
	/* escapes */
	{ GL, 0, true, "a\\*b", "a*b" },
	{ GL, 0, false, "a\\*b", "axb" },
	{ GL, 0, true, "a\\?b", "a?b" },
	{ GL, 0, false, "a\\?b", "axb" },
	{ GL, 0, true, "\\\\x", "\\x" },
	{ GL, 0, true, "*\\*", "abc*" },
	{ GL, 0, false, "*\\*", "abc" },
	{ GL, 0, true, "x\\", "x\\" }, /* trailing backslash is literal */
	/* segments between VIGIL_SEG_W (32) and 64 items: filter + verify */
	{ GL, 0, true, "*aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab*",
	  "xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab" },
	{ GL, 0, false, "*aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab*",
	  "xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac" },
	{ GL, 0, true, "*b?????????????????????????????????????*c*",
	  "xxb0123456789012345678901234567890123456c" },
	{ GL, 0, false, "*b?????????????????????????????????????*c*",
	  "xxb012345678901234567890123456789012345c" },
	/* segments longer than 64 (and than VIGIL_SEG_W) items */
	{ GL, 0, true,
	  "*aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab*",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab" },
	{ GL, 0, false,
	  "*aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab*",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac" },
	{ GL, 0, false,
	  "*x???????????????????????????????????????????????????????????????????????y*",
	  "..x1234567890123456789012345678901234567890123456789012345678901234567890y.." },
	{ GL, 0, true,
	  "*x???????????????????????????????????????????????????????????????????????y*",
	  "..x12345678901234567890123456789012345678901234567890123456789012345678901y.." },
};

#undef NC
#undef EX
#undef PF
#undef SF
#undef CT
#undef GL

#endif /* VIGIL_MATCH_CASES_H */
