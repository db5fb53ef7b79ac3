// SPDX-License-Identifier: GPL-2.0
/*
 * process.env_vars (module/engine/env.c): the names a ruleset gives
 * capture, and the scan that keeps those variables of an environment and
 * nothing else.  The scan is checked against a model written from the
 * rule (split the environment at its NULs, keep each "NAME=value" whose
 * name is a listed one, whole, while it fits) on random environments fed
 * in random pieces, and the check must tell a mutant scan that ignores
 * NOCASE from the real one.
 */
#include <stdlib.h>

#include "tap.h"
#include "compiler_util.h"
#include "internal.h"

/* The mutant: env.c again, its functions renamed, NOCASE ignored. */
#define VIGIL_ENV_MUTANT
#define vigil_env_pat_name mut_env_pat_name
#define vigil_env_names_build mut_env_names_build
#define vigil_env_scan_init mut_env_scan_init
#define vigil_env_scan_feed mut_env_scan_feed
#define vigil_env_scan_end mut_env_scan_end
#include "../../module/engine/env.c"
#undef vigil_env_pat_name
#undef vigil_env_names_build
#undef vigil_env_scan_init
#undef vigil_env_scan_feed
#undef vigil_env_scan_end

typedef void (*init_fn)(struct vigil_env_scan *, const struct vigil_env_names *,
			char *, u32);
typedef void (*feed_fn)(struct vigil_env_scan *, const char *, u32);
typedef u32 (*end_fn)(struct vigil_env_scan *, u32 *);

struct scanner {
	init_fn init;
	feed_fn feed;
	end_fn end;
};

static const struct scanner real = { vigil_env_scan_init,
				     vigil_env_scan_feed, vigil_env_scan_end };
static const struct scanner mutant = { mut_env_scan_init, mut_env_scan_feed,
				       mut_env_scan_end };

/* Scans @env (@len bytes) fed in pieces of at most @piece bytes. */
static u32 scan(const struct scanner *s, const struct vigil_env_names *n,
		const char *env, u32 len, u32 piece, char *out, u32 cap,
		u32 *count, bool *cut)
{
	struct vigil_env_scan st;
	u32 at, k, used;

	s->init(&st, n, out, cap);
	for (at = 0; at < len; at += k) {
		k = len - at < piece ? len - at : piece;
		s->feed(&st, env + at, k);
	}
	used = s->end(&st, count);
	*cut = st.cut;
	return used;
}

static u8 fold(u8 c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* The model: the rule, element by element. */
static u32 model(const struct vigil_env_names *n, const char *env, u32 len,
		 char *out, u32 cap, u32 *count, bool *cut)
{
	u32 at = 0, used = 0, i, k, elen, nlen;

	*count = 0;
	*cut = false;
	while (at < len) {
		const char *e = env + at, *z = memchr(e, 0, len - at);
		const char *eq;
		bool match = false;

		elen = z ? (u32)(z - e) : len - at;
		eq = memchr(e, '=', elen);
		nlen = eq ? (u32)(eq - e) : 0;
		for (k = 0; eq && nlen && k < n->n && !match; k++) {
			const struct vigil_env_name *nm = &n->name[k];

			if (nm->len != nlen)
				continue;
			for (i = 0; i < nlen; i++)
				if ((nm->nocase ? fold(e[i]) : (u8)e[i]) !=
				    (u8)nm->s[i])
					break;
			match = i == nlen;
		}
		if (match && !z) {
			*cut = true; /* the environment ends inside it */
		} else if (match && cap - used >= elen + 1) {
			memcpy(out + used, e, elen + 1);
			used += elen + 1;
			(*count)++;
		} else if (match) {
			*cut = true;
		}
		at += elen + 1;
	}
	return used;
}

static void names_of_rules(void)
{
	struct vigil_engine *e = cu_engine("eql",
		"process where process.env_vars like~ (\"http_proxy=socks5h://*\", "
		"\"HISTFILE=/dev/null\") or process.env_vars : \"*GLIBC_TUNABLES=glibc.*\" "
		"or process.env_vars == \"LD_PRELOAD=/x\" or "
		"process.env_vars like~ \"HISTFILE=*\"");
	const struct vigil_env_names *n;

	CHECK(e != NULL);
	if (!e)
		return;
	n = vigil_engine_env_names(e);
	CHECK_EQ(n->n, 4);
	CHECK(n->n >= 4 && n->name[0].len == 10 &&
	      !memcmp(n->name[0].s, "http_proxy", 10) && n->name[0].nocase);
	CHECK(n->n >= 4 && !memcmp(n->name[1].s, "histfile", 8) &&
	      n->name[1].nocase);
	/* EQL's ':' is case-insensitive */
	CHECK(n->n >= 4 && !memcmp(n->name[2].s, "glibc_tunables", 14) &&
	      n->name[2].nocase);
	CHECK(n->n >= 4 && !memcmp(n->name[3].s, "LD_PRELOAD", 10) &&
	      !n->name[3].nocase);
	vigil_engine_free(e);
	/* a pattern that names no variable is refused, with its place */
	CHECK_STR(cu_error("eql", "process where process.env_vars : \"*=x\""),
		  "process.env_vars: '*=x' names no variable (write NAME=...): vigil reads only the variables rules name");
	CHECK_STR(cu_error("query", "process.env_vars:*HISTFILE"),
		  "process.env_vars: '*HISTFILE' names no variable (write NAME=...): vigil reads only the variables rules name");
}

static void pattern_names(void)
{
	static const struct {
		u8 kind;
		const char *s;
		const char *name;
	} c[] = {
		{ VIGIL_PAT_EXACT, "A=1", "A" },
		{ VIGIL_PAT_PREFIX, "LD_PRELOAD=", "LD_PRELOAD" },
		{ VIGIL_PAT_CONTAINS, "X_Y=z", "X_Y" },
		{ VIGIL_PAT_GLOB, "**HISTFILE=*", "HISTFILE" },
		{ VIGIL_PAT_GLOB, "H?ST=*", NULL },
		{ VIGIL_PAT_GLOB, "*", NULL },
		{ VIGIL_PAT_EXACT, "=1", NULL },
		{ VIGIL_PAT_EXACT, "NOEQUALS", NULL },
		{ VIGIL_PAT_SUFFIX, "A=1", NULL },
		{ VIGIL_PAT_EXACT,
		  "N23456789012345678901234567890123456789012345678901234567890123456=1",
		  NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct vigil_rs_pat p = { .len = strlen(c[i].s),
					  .kind = c[i].kind };
		u32 off, len;
		bool ok = vigil_env_pat_name(&p, c[i].s, &off, &len);

		if (ok != !!c[i].name ||
		    (ok && (len != strlen(c[i].name) ||
			    memcmp(c[i].s + off, c[i].name, len)))) {
			tap_case_failed = 1;
			printf("#   '%s' (kind %u): wrong name\n", c[i].s,
			       c[i].kind);
		}
	}
}

static void scans(void)
{
	static const char env[] = "PATH=/bin\0HISTFILE=/dev/null\0histfile=x\0"
				  "HISTFILEX=y\0HISTFILE\0=z\0LD_PRELOAD=/a.so";
	struct vigil_env_names n = { 2 };
	char out[64];
	u32 count, len;
	bool cut;

	n.name[0] = (struct vigil_env_name){ 8, true, "histfile" };
	n.name[1] = (struct vigil_env_name){ 10, false, "LD_PRELOAD" };
	len = scan(&real, &n, env, sizeof(env) - 1, 3, out, sizeof(out),
		   &count, &cut);
	CHECK_EQ(count, 2);
	CHECK_EQ(len, sizeof("HISTFILE=/dev/null") + sizeof("histfile=x"));
	CHECK(!memcmp(out, "HISTFILE=/dev/null\0histfile=x", len));
	CHECK(cut); /* LD_PRELOAD=/a.so has no NUL: the input ended in it */
	/* a variable too long for the room is left out, and said so */
	len = scan(&real, &n, env, sizeof(env), 64, out, 12, &count, &cut);
	CHECK_EQ(count, 1);
	CHECK(!memcmp(out, "histfile=x", 11) && len == 11 && cut);
}

/* The 64th of 64 names: every candidate bit in use. */
static void sixty_four_names(void)
{
	static struct vigil_env_names n = { VIGIL_ENV_MAX_NAMES };
	static const char env[] = "V00=a\0V63=b\0V64=c\0";
	char out[32];
	u32 i, count, len;
	bool cut;

	for (i = 0; i < n.n; i++) {
		n.name[i].len = 3;
		n.name[i].s[0] = 'V';
		n.name[i].s[1] = '0' + i / 10;
		n.name[i].s[2] = '0' + i % 10;
	}
	len = scan(&real, &n, env, sizeof(env) - 1, 5, out, sizeof(out),
		   &count, &cut);
	CHECK_EQ(count, 2);
	CHECK(len == 12 && !memcmp(out, "V00=a\0V63=b", 12) && !cut);
}

static u32 rnd(u32 n)
{
	return (u32)random() % n;
}

static void random_name(char *s, u32 len)
{
	static const char alpha[] = "ABab_=";
	u32 i;

	for (i = 0; i < len; i++)
		s[i] = alpha[rnd(5)];
}

/* Disagreements of @s with the model over @rounds random cases. */
static u32 differential(const struct scanner *s, u32 rounds, bool verbose)
{
	u32 r, bad = 0;

	for (r = 0; r < rounds; r++) {
		struct vigil_env_names n = { 1 + rnd(3) };
		char env[512], a[600], b[600];
		u32 i, len = 0, la, lb, ca, cb, cap = 1 + rnd(120);
		bool cuta, cutb;

		for (i = 0; i < n.n; i++) {
			n.name[i].len = 1 + rnd(3);
			random_name(n.name[i].s, n.name[i].len);
			n.name[i].nocase = rnd(2);
			if (n.name[i].nocase) {
				u32 j;

				for (j = 0; j < n.name[i].len; j++)
					n.name[i].s[j] = fold(n.name[i].s[j]);
			}
		}
		while (len < sizeof(env) - 16) {
			u32 k = rnd(4), j;

			if (rnd(3)) { /* a listed name, its case shuffled */
				const struct vigil_env_name *nm =
					&n.name[rnd(n.n)];

				for (j = 0; j < nm->len; j++)
					env[len++] = rnd(2) && nm->s[j] >= 'a' &&
							     nm->s[j] <= 'z' ?
							     nm->s[j] - 32 :
							     nm->s[j];
			} else {
				random_name(env + len, k);
				len += k;
			}
			if (rnd(5))
				env[len++] = '=';
			k = rnd(12);
			random_name(env + len, k);
			len += k;
			env[len++] = '\0';
		}
		if (rnd(4) == 0)
			len -= 1 + rnd(5); /* cut inside the last one */
		la = scan(s, &n, env, len, 1 + rnd(40), a, cap, &ca, &cuta);
		lb = model(&n, env, len, b, cap, &cb, &cutb);
		if (la != lb || ca != cb || cuta != cutb || memcmp(a, b, la)) {
			bad++;
			if (verbose && bad <= 3)
				printf("#   round %u: scan %u bytes %u kept cut %d, model %u bytes %u kept cut %d\n",
				       r, la, ca, cuta, lb, cb, cutb);
		}
	}
	return bad;
}

static void differential_real(void)
{
	srandom(1);
	CHECK_EQ(differential(&real, 20000, true), 0);
}

static void differential_catches_mutant(void)
{
	u32 bad;

	srandom(1);
	bad = differential(&mutant, 20000, false);
	printf("#   the NOCASE-blind mutant disagrees in %u of 20000 cases\n",
	       bad);
	CHECK(bad > 0);
}

int main(void)
{
	RUN(names_of_rules);
	RUN(pattern_names);
	RUN(scans);
	RUN(sixty_four_names);
	RUN(differential_real);
	RUN(differential_catches_mutant);
	return tap_done();
}
