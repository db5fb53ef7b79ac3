// SPDX-License-Identifier: GPL-2.0
/* The pattern matcher: literals, globs, regex DFAs, case folding. */
#include <stdlib.h>
#include "tap.h"
#include "internal.h"
#include "match_cases.h"

static bool m(u8 kind, u8 flags, const char *pat, const char *s)
{
	struct vigil_rs_pat p = { .len = strlen(pat), .kind = kind,
				  .flags = flags };

	return vigil_pat_match(&p, pat, s, strlen(s));
}

#define G(pat, s)	m(VIGIL_PAT_GLOB, 0, pat, s)
#define GI(pat, s)	m(VIGIL_PAT_GLOB, VIGIL_PAT_F_NOCASE, pat, s)

/* The cases shared with the KUnit suite (match_cases.h). */
static void run_cases(const struct vigil_pat_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, c++) {
		if (m(c->kind, c->flags, c->pat, c->s) == c->match)
			continue;
		tap_case_failed = 1;
		printf("#   kind %u flags %u '%s' vs '%s': expected %s\n",
		       c->kind, c->flags, c->pat, c->s,
		       c->match ? "a match" : "none");
	}
}

static void literals(void)
{
	run_cases(vigil_pat_literal_cases, ARRAY_SIZE(vigil_pat_literal_cases));
}

static void folding(void)
{
	u32 c;

	run_cases(vigil_pat_fold_cases, ARRAY_SIZE(vigil_pat_fold_cases));
	/* the table every fold reads is VIGIL_FOLD() of each byte */
	for (c = 0; c < 256; c++)
		CHECK_EQ(vigil_fold_tab[c], VIGIL_FOLD(c));
}

static void globs(void)
{
	run_cases(vigil_pat_glob_cases, ARRAY_SIZE(vigil_pat_glob_cases));
}

/* Reference: exponential backtracking glob, only for short inputs. */
static bool ref_glob(const char *p, const char *s)
{
	if (!*p)
		return !*s;
	if (*p == '*')
		return ref_glob(p + 1, s) || (*s && ref_glob(p, s + 1));
	if (*p == '\\' && p[1]) {
		return *s == p[1] && ref_glob(p + 2, s + 1);
	}
	return *s && (*p == '?' || *p == *s) && ref_glob(p + 1, s + 1);
}

/* The engine's path: tables and plan precomputed. */
static bool compiled_f(const char *pat, const char *s, u8 flags)
{
	struct vigil_rs_pat p = { .len = strlen(pat), .kind = VIGIL_PAT_GLOB,
				  .flags = flags };
	static struct vigil_segtab tabs[VIGIL_PAT_MAX_TABS + 1];
	struct vigil_gplan plan;
	u32 n = vigil_pat_tabs(&p, pat);

	vigil_pat_compile(&p, pat, n ? tabs : NULL, &plan);
	return vigil_pat_match_tab(&p, pat, s, strlen(s), n ? tabs : NULL,
				   &plan);
}

#define compiled(p, s)	compiled_f(p, s, 0)

static void glob_vs_reference(void)
{
	static const char alpha[] = "ab*?\\";
	char p[12], s[12];
	unsigned int seed = 1, i, j, bad = 0;

	for (i = 0; i < 200000; i++) {
		u32 pl = rand_r(&seed) % 11, sl = rand_r(&seed) % 11;

		for (j = 0; j < pl; j++)
			p[j] = alpha[rand_r(&seed) % 5];
		p[pl] = 0;
		for (j = 0; j < sl; j++)
			s[j] = "ab*?\\"[rand_r(&seed) % 5];
		s[sl] = 0;
		if (G(p, s) != ref_glob(p, s) || compiled(p, s) != G(p, s)) {
			if (!bad++)
				printf("#   glob '%s' vs '%s': %d\n", p, s, G(p, s));
		}
		/* NOCASE: upper-case some of the value */
		{
			char u[12];
			bool want = ref_glob(p, s);

			for (j = 0; j <= sl; j++)
				u[j] = (s[j] >= 'a' && s[j] <= 'b' &&
					(rand_r(&seed) & 1)) ? s[j] - 32 : s[j];
			if (GI(p, u) != want ||
			    compiled_f(p, u, VIGIL_PAT_F_NOCASE) != want) {
				if (!bad++)
					printf("#   nocase '%s' vs '%s'\n", p, u);
			}
		}
	}
	CHECK_EQ(bad, 0);
}

static void long_inputs(void)
{
	u32 n = 1 << 20;
	char *s = malloc(n + 2);
	struct vigil_rs_pat p = { .kind = VIGIL_PAT_GLOB };
	const char *pat = "*a*a*a*a*a*a*a*a*a*a*a*a*b";

	memset(s, 'a', n);
	s[n] = 0;
	p.len = strlen(pat);
	/* backtracking would need ~n^12 steps here */
	CHECK(!vigil_pat_match(&p, pat, s, n));
	s[n - 1] = 'b';
	CHECK(vigil_pat_match(&p, pat, s, n));
	pat = "*?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?c";
	p.len = strlen(pat);
	CHECK(!vigil_pat_match(&p, pat, s, n));
	p.kind = VIGIL_PAT_CONTAINS;
	pat = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab";
	p.len = strlen(pat);
	CHECK(vigil_pat_match(&p, pat, s, n));
	s[n - 1] = 'a';
	CHECK(!vigil_pat_match(&p, pat, s, n));
	free(s);
}

/* DFA for the anchored regex "ab*c" over classes {a, b, c, other}. */
static void regex(void)
{
	u8 buf[sizeof(struct vigil_rs_dfa) + 4 + 2 * 4 * 4];
	struct vigil_rs_dfa *d = (void *)buf;
	u16 next[4][4] = {
		{ 1, 0xffff, 0xffff, 0xffff },
		{ 0xffff, 1, 2, 0xffff },
		{ 0xffff, 0xffff, 0xffff, 0xffff },
		{ 0xffff, 0xffff, 0xffff, 0xffff },
	};
	u8 accept[4] = { 0, 0, 1, 0 };
	struct vigil_rs_pat p = { .kind = VIGIL_PAT_REGEX, .len = sizeof(buf) };

	d->n_states = 4;
	d->n_classes = 4;
	memset(d->classmap, 3, 256);
	d->classmap['a'] = 0;
	d->classmap['b'] = 1;
	d->classmap['c'] = 2;
	memcpy(buf + sizeof(*d), accept, 4);
	memcpy(buf + sizeof(*d) + 4, next, sizeof(next));
	CHECK(vigil_pat_match(&p, (char *)buf, "ac", 2));
	CHECK(vigil_pat_match(&p, (char *)buf, "abbbc", 5));
	CHECK(!vigil_pat_match(&p, (char *)buf, "abbb", 4));
	CHECK(!vigil_pat_match(&p, (char *)buf, "abcx", 4));
	CHECK(!vigil_pat_match(&p, (char *)buf, "ABC", 3));
	p.flags = VIGIL_PAT_F_NOCASE;
	CHECK(vigil_pat_match(&p, (char *)buf, "ABC", 3));
}

int main(void)
{
	RUN(literals);
	RUN(folding);
	RUN(globs);
	RUN(glob_vs_reference);
	RUN(long_inputs);
	RUN(regex);
	return tap_done();
}
